/**
 * A small, fast YAML emitter for JSON data (what Kubernetes manifests are).
 *
 * Strings are written plain only when no YAML 1.1 or 1.2 reader could take
 * them for anything else; otherwise they are written as JSON strings, which
 * are valid YAML double-quoted scalars. Key order is kept as given (cdk8s
 * already sorts keys), so the output is deterministic.
 */

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_/.:=@+-]*$/;
const SPECIAL = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
/** `e5`: some YAML 1.1 readers take a bare exponent for a float. */
const EXPONENT = /^[eE][-+]?[0-9_]+$/;

function scalarString(s: string): string {
  if (PLAIN.test(s) && !s.endsWith(':') && !SPECIAL.has(s.toLowerCase()) && !EXPONENT.test(s)) return s;
  return JSON.stringify(s);
}

function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return scalarString(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to YAML`);
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
      return Object.keys(v as object).length === 0 ? '{}' : undefined;
    default:
      throw new Error(`cannot write a ${typeof v} to YAML`);
  }
}

function block(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
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

/** Renders documents separated by `---`, with an optional comment header. */
export function toYamlDocuments(docs: readonly unknown[], header?: string): string {
  const head = header ? `# ${header}\n` : '';
  return head + docs.map((d) => `---\n${toYaml(d)}`).join('');
}
