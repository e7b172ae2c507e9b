/**
 * A tiny parser for the data subset of Nix that `toNix` emits: attribute
 * sets, lists, double-quoted strings, ints, floats, `true`/`false`/`null`,
 * negative numbers (parenthesized in lists) and `#` line comments.
 *
 * It follows the Nix lexer where it matters (identifier and float syntax,
 * string escapes) and throws on anything else, including `${` interpolation,
 * keywords as bare names and duplicate keys, so a serializer bug shows up as
 * a parse error or a different value.
 */

/** Plain data, as `JSON.parse` would return it. */
export type NixData = string | number | boolean | null | NixData[] | { [key: string]: NixData };

const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);
const IDENT = /[A-Za-z_][A-Za-z0-9_'-]*/y;
// Nix lexer: FLOAT (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?, INT [0-9]+
const NUMBER = /(?:[1-9][0-9]*\.[0-9]*|0?\.[0-9]+)(?:[Ee][+-]?[0-9]+)?|[0-9]+/y;
const STRING_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

/** Parses `source` (one expression) into plain data; throws with the offset on anything unexpected. */
export function parseNixLiteral(source: string): NixData {
  let pos = 0;

  const fail = (what: string): never => {
    throw new Error(`nix literal parser: ${what} at offset ${pos}: ${JSON.stringify(source.slice(pos, pos + 20))}`);
  };
  const skip = () => {
    for (;;) {
      while (pos < source.length && ' \t\r\n'.includes(source[pos])) pos++;
      if (source[pos] !== '#') return;
      while (pos < source.length && source[pos] !== '\n') pos++;
    }
  };
  const eat = (token: string): boolean => {
    skip();
    if (!source.startsWith(token, pos)) return false;
    pos += token.length;
    return true;
  };
  const expect = (token: string) => eat(token) || fail(`expected ${JSON.stringify(token)}`);
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };

  const string = (): string => {
    let out = '';
    for (;;) {
      const c = source[pos++];
      if (c === undefined) fail('unterminated string');
      if (c === '"') return out;
      if (c === '$' && source[pos] === '{') fail('interpolation');
      if (c === '\\') {
        const e = source[pos++];
        if (e === undefined) fail('unterminated escape');
        out += STRING_ESCAPES[e] ?? e;
      } else {
        out += c;
      }
    }
  };

  const number = (negative: boolean): number => {
    const text = match(NUMBER) ?? fail('expected a number');
    const n = Number(text);
    return negative ? -n : n;
  };

  /** @param inList - list items must be self-delimiting: no bare `-1` */
  const value = (inList: boolean): NixData => {
    skip();
    const c = source[pos];
    if (c === '{') {
      pos++;
      const out: { [key: string]: NixData } = {};
      while (!eat('}')) {
        skip();
        let key: string;
        if (source[pos] === '"') {
          pos++;
          key = string();
        } else {
          key = match(IDENT) ?? fail('expected an attribute name');
          if (KEYWORDS.has(key)) fail(`keyword ${key} as attribute name`);
        }
        if (Object.prototype.hasOwnProperty.call(out, key)) fail(`duplicate attribute ${JSON.stringify(key)}`);
        expect('=');
        Object.defineProperty(out, key, { value: value(false), enumerable: true, writable: true, configurable: true });
        expect(';');
      }
      return out;
    }
    if (c === '[') {
      pos++;
      const out: NixData[] = [];
      while (!eat(']')) out.push(value(true));
      return out;
    }
    if (c === '"') {
      pos++;
      return string();
    }
    if (c === '(') {
      pos++;
      const inner = eat('-') ? number(true) : value(false);
      expect(')');
      return inner;
    }
    if (c === '-') {
      if (inList) fail('unparenthesized negative number in a list');
      pos++;
      return number(true);
    }
    const word = match(IDENT);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (word !== undefined) fail(`unexpected identifier ${word}`);
    return number(false);
  };

  const result = value(false);
  skip();
  if (pos !== source.length) fail('trailing input');
  return result;
}
