/**
 * A small, fast YAML emitter for JSON data (what Kubernetes manifests are).
 *
 * Strings are written plain only when no YAML 1.1 or 1.2 reader could take
 * them for anything else; multi-line strings of printable text (a HelmChart's
 * `valuesContent`) become literal block scalars (`|`, `|-`), so they stay
 * readable and diff line by line; everything else is written as a JSON
 * string, which is a valid YAML double-quoted scalar, with the characters
 * JSON leaves raw but YAML reads differently (NEL, LS, PS, DEL, C1, BOM)
 * escaped too. Header comments escape every line break and control
 * character, so user text in them cannot end the comment. Key order is kept as
 * given (cdk8s already sorts keys), so the output is deterministic.
 */

import { fail } from '../core/errors';

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_/.:=@+-]*$/;
const SPECIAL = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
/** `e5`: some YAML 1.1 readers take a bare exponent for a float. */
const EXPONENT = /^[eE][-+]?[0-9_]+$/;

/**
 * What JSON.stringify leaves raw but a YAML reader would not read back as
 * written: DEL and the C1 controls (not printable in YAML), NEL, LS and PS
 * (line breaks in YAML 1.1, folded into a space in a quoted scalar), BOM,
 * U+FFFE and U+FFFF (not printable).
 */
const JSON_RAW_BUT_NOT_YAML = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A YAML double-quoted scalar (JSON's escapes are YAML's) with every break and non-printable escaped. */
function quoted(s: string): string {
  return JSON.stringify(s).replace(JSON_RAW_BUT_NOT_YAML, hex4);
}

function scalarString(s: string): string {
  if (PLAIN.test(s) && !s.endsWith(':') && !SPECIAL.has(s.toLowerCase()) && !EXPONENT.test(s)) return s;
  return quoted(s);
}

/**
 * Characters a literal block cannot hold verbatim: controls other than LF, the
 * YAML 1.1 line breaks (NEL, LS, PS), BOM, lone surrogates; tabs too, to stay
 * clear of readers that treat a tab after the indentation as indentation.
 */
const NOT_LITERAL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The block indicator (`|` or `|-`) when `s` can be written as a literal block
 * scalar with an auto-detected indentation: it has a line break, its first
 * line is non-empty and does not start with a space, and it ends in at most
 * one line break (`|` keeps exactly one, `|-` none).
 */
function literalIndicator(s: string): string | undefined {
  if (!s.includes('\n') || s[0] === ' ' || s[0] === '\n' || s.endsWith('\n\n') || NOT_LITERAL.test(s)) return undefined;
  return s.endsWith('\n') ? '|' : '|-';
}

/** The content lines of a literal block, each indented by `indent` (empty lines stay empty). */
function literalLines(s: string, indent: string, out: string[]): void {
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  for (const line of body.split('\n')) out.push(line === '' ? '\n' : `${indent}${line}\n`);
}

function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return scalarString(v);
    case 'number':
      if (!Number.isFinite(v)) fail('yaml', 'YamlValue', 'number is not finite', v, 'a finite number');
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
      return Object.keys(v as object).length === 0 ? '{}' : undefined;
    default:
      return fail('yaml', 'YamlValue', `unsupported ${typeof v}`, v, 'a string, finite number, boolean, null, array or plain object');
  }
}

function block(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      const literal = typeof item === 'string' ? literalIndicator(item) : undefined;
      if (literal) {
        out.push(`${indent}- ${literal}\n`);
        literalLines(item as string, indent + '  ', out);
        continue;
      }
      const s = scalar(item);
      if (s !== undefined) {
        out.push(`${indent}- ${s}\n`);
      } else {
        // first line of the nested block shares the dash line
        const nested: string[] = [];
        block(item, indent + '  ', nested);
        out.push(`${indent}- ${nested[0].slice(indent.length + 2)}`);
        for (let i = 1; i < nested.length; i++) out.push(nested[i]);
      }
    }
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
    if (item === undefined) continue;
    const key = scalarString(k);
    const literal = typeof item === 'string' ? literalIndicator(item) : undefined;
    if (literal) {
      out.push(`${indent}${key}: ${literal}\n`);
      literalLines(item as string, indent + '  ', out);
      continue;
    }
    const s = scalar(item);
    if (s !== undefined) out.push(`${indent}${key}: ${s}\n`);
    else {
      out.push(`${indent}${key}:\n`);
      block(item, Array.isArray(item) ? indent + '  ' : indent + '  ', out);
    }
  }
}

/** Renders one value as a YAML document body (no `---`). */
export function toYaml(value: unknown): string {
  const s = scalar(value);
  if (s !== undefined) return `${s}\n`;
  const out: string[] = [];
  block(value, '', out);
  return out.join('');
}

/**
 * Inside a comment: every character a YAML reader could take for a line break
 * (CR, NEL, LS, PS) or that is not printable (controls, BOM, lone surrogates),
 * written as `\uXXXX` instead, so no text can end the comment.
 */
const NOT_IN_COMMENT = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** One `# ` comment line per header line; anything that could break out of the comment is escaped. */
export function yamlComment(header: string): string {
  return header.split('\n').map((l) => (l ? `# ${l.replace(NOT_IN_COMMENT, hex4)}\n` : '#\n')).join('');
}

/** Renders documents separated by `---`, with an optional comment header (one `#` line per header line). */
export function toYamlDocuments(docs: readonly unknown[], header?: string): string {
  const head = header ? yamlComment(header) : '';
  return head + docs.map((d) => `---\n${toYaml(d)}`).join('');
}
