import type { UciPackage, UciParsedOption, UciParsedPackage, UciParsedSection } from './section';
import { normalizeUciPackage } from './serialize';
import { fail } from '../core/errors';

/**
 * A syntax or load error, with the 1-based line it was found on.
 * Reasons use libuci's wording (`invalid command`, `too many arguments`, ...).
 */
export class UciParseError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(`uci parse error at line ${line}: ${reason}`);
    this.name = 'UciParseError';
  }
}

/** Options for {@link parseUci} and {@link parseUciExport}. */
export interface UciParseOptions {
  /**
   * The package that sections before any `package` line belong to, as the
   * file name does for `/etc/config/<name>`.
   *
   * @default - such sections are an error unless a `package` line comes first
   */
  readonly package?: string;
}

/**
 * Parses one UCI config file, the way libuci loads it.
 *
 * The package name comes from `opts.package` (the file name) or from a
 * `package` line; the two must agree, and the text must hold exactly one
 * package. For multi-package `uci export` output use {@link parseUciExport}.
 *
 * @throws UciParseError on syntax errors, and when the text holds no package
 *   name or more than one package
 */
export function parseUci(text: string, opts: UciParseOptions = {}): UciParsedPackage {
  const packages = parseUciExport(text, opts);
  if (packages.length === 0 && opts.package !== undefined) {
    return { name: opts.package, sections: [] };
  }
  if (packages.length !== 1) {
    throw new UciParseError(1, `expected one package, found ${packages.length}; use parseUciExport for \`uci export\` output`);
  }
  const [pkg] = packages;
  if (opts.package !== undefined && pkg.name !== opts.package) {
    throw new UciParseError(1, `package ${JSON.stringify(pkg.name)} does not match the expected package ${JSON.stringify(opts.package)}`);
  }
  return pkg;
}

/**
 * Parses `uci export` / `uci import` text that may hold several packages,
 * each started by a `package <name>` line.
 *
 * Implements the grammar of libuci's `file.c`:
 * - commands `package`, `config <type> [name]`, `option <name> <value>`,
 *   `list <name> <value>`, also abbreviated to `p`, `c`, `o`, `l`;
 * - words are bare, `'single quoted'` (no escapes), `"double quoted"`
 *   (backslash takes the next character literally) or bare with backslash
 *   escapes; adjacent parts form one word, so `'it'\''s'` is `it's`;
 *   quoted words may span lines; a backslash at the end of a line joins the
 *   next line;
 * - `#` outside quotes starts a comment; `;` outside quotes ends a command
 *   (libuci's handling of `;` is inconsistent; this follows its intent);
 * - leading spaces and tabs, blank lines and CRLF line ends are ignored;
 * - names match `[A-Za-z0-9_]+` (package names also allow `-`), section types
 *   are printable ASCII; an empty word counts as missing.
 *
 * and libuci's strict load semantics:
 * - `option` replaces an earlier option or list of the same name in place; an
 *   empty `option` value deletes it (libuci cannot store empty options);
 * - `list` appends, turning an earlier `option` into the first item;
 * - a repeated named section reopens the earlier one (a different type is an
 *   error); `config <type> ''` is anonymous;
 * - a repeated package name is an error.
 *
 * @throws UciParseError with the line number: unterminated quotes (the line
 *   the quote opened on), extra arguments, missing arguments, invalid names,
 *   unknown commands, `option`/`list` before any `config`
 */
export function parseUciExport(text: string, opts: UciParseOptions = {}): UciParsedPackage[] {
  return new Parser(text, opts.package).parse();
}

/**
 * What a UCI loader reads from `renderUciPackage(pkg)`: the model in the
 * parsed shape, with booleans as `'1'`/`'0'`, numbers as decimal strings,
 * arrays as `list` options, and empty arrays and empty `option` values
 * dropped. Validates like the renderer, so it throws the same errors.
 *
 * Tests use it for `parseUci(renderUciPackage(pkg))` equals `toParsed(pkg)`.
 */
export function toParsed(pkg: UciPackage): UciParsedPackage {
  const norm = normalizeUciPackage(pkg);
  return {
    name: norm.name,
    sections: norm.sections.map(s => ({
      ...s,
      options: s.options.filter(o => o.kind === 'list' || o.values[0] !== ''),
    })),
  };
}

const PACKAGE_NAME = /^[A-Za-z0-9_-]+$/;
const NAME = /^[A-Za-z0-9_]+$/;
const TYPE = /^[\x21-\x7e]+$/;
/** `isspace()` without the newline, which ends a command. */
const BLANK = new Set([' ', '\t', '\v', '\f', '\r']);

interface MutableSection {
  type: string;
  name: string | undefined;
  options: { name: string; kind: 'option' | 'list'; values: string[] }[];
}

interface MutablePackage {
  name: string;
  sections: MutableSection[];
  /** Named sections by name: a lookup per `config` line, not a search. */
  byName: Map<string, MutableSection>;
}

class Parser {
  private pos = 0;
  private line = 1;
  private readonly packages: MutablePackage[] = [];
  private readonly packageNames = new Set<string>();
  private pkg?: MutablePackage;
  private section?: MutableSection;

  constructor(private readonly text: string, private readonly defaultPackage?: string) {
    if (defaultPackage !== undefined && !PACKAGE_NAME.test(defaultPackage)) {
      fail('parseUci', 'UciParseOptions.package', 'invalid package name', defaultPackage, 'names match [A-Za-z0-9_-]+');
    }
  }

  parse(): UciParsedPackage[] {
    while (this.pos < this.text.length) {
      this.skipBlank();
      const keyword = this.readKeyword();
      if (keyword === '' || keyword.startsWith('#')) {
        this.skipComment();
      } else if (keyword === 'package' || keyword === 'p') {
        this.openPackage(this.readName(PACKAGE_NAME, true));
      } else if (keyword === 'config' || keyword === 'c') {
        this.config();
      } else if (keyword === 'option' || keyword === 'o') {
        this.option('option');
      } else if (keyword === 'list' || keyword === 'l') {
        this.option('list');
      } else {
        throw this.error('invalid command');
      }
      this.endCommand();
    }
    return this.packages.map(p => ({ name: p.name, sections: p.sections }));
  }

  private openPackage(name: string): void {
    if (this.packageNames.has(name)) {
      throw this.error(`duplicate package ${JSON.stringify(name)}`);
    }
    this.pkg = { name, sections: [], byName: new Map() };
    this.section = undefined;
    this.packages.push(this.pkg);
    this.packageNames.add(name);
  }

  private config(): void {
    if (!this.pkg) {
      if (this.defaultPackage === undefined) throw this.error('attempting to import a file without a package name');
      this.openPackage(this.defaultPackage);
    }
    const pkg = this.pkg!;
    const type = this.readWord();
    if (type === '') throw this.error('insufficient arguments');
    if (!TYPE.test(type)) throw this.error('invalid character in type field');
    const name = this.readName(NAME, false) || undefined;
    const existing = name === undefined ? undefined : pkg.byName.get(name);
    if (existing && existing.type !== type) {
      throw this.error('section of different type overwrites prior section with same name');
    }
    this.section = existing ?? { type, name, options: [] };
    if (!existing) {
      pkg.sections.push(this.section);
      if (name !== undefined) pkg.byName.set(name, this.section);
    }
  }

  private option(kind: 'option' | 'list'): void {
    const section = this.section;
    if (!section) throw this.error('option/list command found before the first section');
    const name = this.readName(NAME, true);
    const value = this.readWord();
    const i = section.options.findIndex(o => o.name === name);
    const existing = section.options[i];
    if (kind === 'list' && existing) {
      existing.kind = 'list';
      existing.values.push(value);
    } else if (kind === 'list') {
      section.options.push({ name, kind, values: [value] });
    } else if (value === '') {
      if (existing) section.options.splice(i, 1);
    } else if (existing) {
      section.options[i] = { name, kind, values: [value] };
    } else {
      section.options.push({ name, kind, values: [value] });
    }
  }

  /** The command word: raw characters up to whitespace (libuci: `strtok(" \t")`). */
  private readKeyword(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !this.isSpace(this.text[this.pos])) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private readName(pattern: RegExp, required: boolean): string {
    const word = this.readWord();
    if (word === '' && required) throw this.error('insufficient arguments');
    if (word !== '' && !pattern.test(word)) throw this.error('invalid character in name field');
    return word;
  }

  /**
   * One argument (libuci `parse_str`): concatenated bare, quoted and escaped
   * parts up to whitespace, `#` or `;`. Returns `''` when there is none.
   */
  private readWord(): string {
    this.skipBlank();
    let word = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (this.isSpace(c) || c === '#' || c === ';') break;
      if (c === "'" || c === '"') {
        word += this.readQuoted(c);
      } else if (c === '\\') {
        word += this.readEscape();
      } else {
        word += c;
        this.pos++;
      }
    }
    return word;
  }

  /** A quoted part; may span lines. Backslash escapes only inside `"`. */
  private readQuoted(quote: string): string {
    const openLine = this.line;
    let part = '';
    this.pos++;
    for (;;) {
      if (this.pos >= this.text.length) {
        throw new UciParseError(openLine, `unterminated ${quote} (reached end of input)`);
      }
      const c = this.text[this.pos];
      if (c === quote) {
        this.pos++;
        return part;
      }
      if (c === '\\' && quote === '"') {
        part += this.readEscape();
      } else {
        if (c === '\n') this.line++;
        part += c;
        this.pos++;
      }
    }
  }

  /** After a backslash: the next character literally, or nothing for a line continuation. */
  private readEscape(): string {
    this.pos++;
    const rest = this.text.startsWith('\r\n', this.pos) ? 2 : this.text[this.pos] === '\n' ? 1 : 0;
    if (rest > 0) {
      this.pos += rest;
      this.line++;
      return '';
    }
    return this.text[this.pos++] ?? '';
  }

  /** Requires the end of the command: end of line, comment, `;` or end of input. */
  private endCommand(): void {
    this.skipBlank();
    const c = this.text[this.pos];
    if (c === '#') this.skipComment();
    if (c === ';') {
      this.pos++;
      return;
    }
    if (this.pos < this.text.length && this.text[this.pos] !== '\n') throw this.error('too many arguments');
    if (this.pos < this.text.length) {
      this.pos++;
      this.line++;
    }
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
  }

  private skipBlank(): void {
    while (BLANK.has(this.text[this.pos])) this.pos++;
  }

  private isSpace(c: string): boolean {
    return c === '\n' || BLANK.has(c);
  }

  private error(reason: string): UciParseError {
    return new UciParseError(this.line, reason);
  }
}
