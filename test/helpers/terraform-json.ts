/**
 * Reads a `cdk.tf.json` the way Terraform reads its strings: in expression
 * positions every string is a template (`${…}` interpolates, `%{…}` is a
 * directive, `$${` and `%%{` are the escapes); variable blocks, output
 * descriptions, provider `alias`/`version`, resource `provider`/`depends_on`/
 * `lifecycle` and the whole `terraform` block are literal.
 * @see https://developer.hashicorp.com/terraform/language/syntax/json
 */

/** A reference we create ourselves: `${var.x}`, `${b2_bucket.BackupBucket.bucket_id}` (a plain traversal). */
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+\}/;

export interface TemplateString {
  /** JSON path of the string, e.g. `resource.b2_bucket.BackupBucket.bucket_name`. */
  readonly path: string;
  /** The string as written. */
  readonly raw: string;
  /** What Terraform reads: escapes undone, our references kept as `${…}` text. */
  readonly value: string;
  /** Template sequences that are neither escaped nor one of our references. */
  readonly unescaped: readonly string[];
  /** Whether the position is literal (then any `${` or `%{` counts as unescaped: OpenTofu evaluates some). */
  readonly literal: boolean;
}

/** Decodes one template string: `$${` -> `${`, `%%{` -> `%{`; references kept; anything else reported. */
export function readTemplate(raw: string): { value: string; unescaped: string[] } {
  let value = '';
  const unescaped: string[] = [];
  for (let i = 0; i < raw.length;) {
    if (raw.startsWith('$${', i) || raw.startsWith('%%{', i)) { value += raw[i] + '{'; i += 3; continue; }
    if (raw.startsWith('${', i)) {
      const ref = REFERENCE.exec(raw.slice(i));
      if (ref) { value += ref[0]; i += ref[0].length; continue; }
      unescaped.push(raw.slice(i, i + 40));
    } else if (raw.startsWith('%{', i)) {
      unescaped.push(raw.slice(i, i + 40));
    }
    value += raw[i];
    i += 1;
  }
  return { value, unescaped };
}

const RESOURCE_LITERAL = new Set(['provider', 'depends_on', 'lifecycle', '//']);
const PROVIDER_LITERAL = new Set(['alias', 'version', '//']);

/** Every string of a Terraform JSON document (keys of expression objects too), read as Terraform reads it. */
export function templateStrings(doc: Record<string, unknown>): TemplateString[] {
  const out: TemplateString[] = [];
  const visit = (v: unknown, path: string, literal: boolean): void => {
    const add = (raw: string, at: string) => {
      if (literal) out.push({ path: at, raw, value: raw, unescaped: /[$%]\{/.test(raw) ? [raw] : [], literal });
      else out.push({ path: at, raw, ...readTemplate(raw), literal });
    };
    if (typeof v === 'string') add(v, path);
    else if (Array.isArray(v)) v.forEach((e, i) => visit(e, `${path}[${i}]`, literal));
    else if (v && typeof v === 'object') {
      for (const [k, e] of Object.entries(v)) {
        add(k, `${path}{key}`);
        visit(e, `${path}.${k}`, literal);
      }
    }
  };
  for (const [top, byType] of Object.entries(doc)) {
    const section = byType as Record<string, unknown>;
    if (top === 'resource' || top === 'data') {
      for (const [type, byName] of Object.entries(section)) {
        for (const [name, body] of Object.entries(byName as Record<string, Record<string, unknown>>)) {
          for (const [k, v] of Object.entries(body)) visit(v, `${top}.${type}.${name}.${k}`, RESOURCE_LITERAL.has(k));
        }
      }
    } else if (top === 'provider') {
      for (const [type, bodies] of Object.entries(section)) {
        (bodies as Record<string, unknown>[]).forEach((body, i) => {
          for (const [k, v] of Object.entries(body)) visit(v, `provider.${type}[${i}].${k}`, PROVIDER_LITERAL.has(k));
        });
      }
    } else if (top === 'output') {
      for (const [name, body] of Object.entries(section as Record<string, Record<string, unknown>>)) {
        for (const [k, v] of Object.entries(body)) visit(v, `output.${name}.${k}`, k !== 'value');
      }
    } else if (top === 'locals') {
      visit(section, 'locals', false);
    } else {
      visit(section, top, true); // variable, terraform (backend), "//"
    }
  }
  return out;
}

/** The strings that hold an unescaped template sequence, as `path: raw` lines (empty when the document is safe). */
export function unescapedTemplates(doc: Record<string, unknown>): string[] {
  return templateStrings(doc).filter((s) => s.unescaped.length > 0).map((s) => `${s.path}: ${JSON.stringify(s.raw)}`);
}
