/**
 * The one place where strings become Terraform JSON templates.
 *
 * Terraform reads every string in an expression position of a `.tf.json`
 * file as a template: `${…}` interpolates and `%{…}` is a directive, so an
 * ssh key comment `${file("/etc/passwd")}` would be evaluated at apply time.
 * cdktf passes literal strings through as they are (a literal `${` is its
 * escape hatch for raw HCL), so {@link escapeTerraformTemplates} wraps every
 * element of a stack once, before synth, and writes `$${` and `%%{` for each
 * `${` and `%{` in literal text, while our own expressions stay expressions:
 * references, `Fn.*` calls and operators are cdktf expression tokens, told
 * apart by their class, and render after the escaping. Constructs therefore
 * never escape anything themselves, and a token's data (a `Lazy` value) is
 * escaped like a literal.
 *
 * Positions Terraform reads literally are left alone (escaping would change
 * them): variable blocks, output descriptions, the provider meta-arguments
 * `alias` and `version`, the resource meta-arguments `provider`,
 * `depends_on` and `lifecycle`, and the whole `terraform` block (backends).
 * Validation keeps `${` and `%{` out of the inventory fields that reach
 * those (the state backend), as OpenTofu evaluates backend settings.
 * @see https://developer.hashicorp.com/terraform/language/syntax/json
 */
import {
  IResolvable, IResolveContext, TerraformDataSource, TerraformElement, TerraformLocal, TerraformOutput, TerraformProvider,
  TerraformResource, TerraformStack, Tokenization,
} from 'cdktf';
import { OperatorExpression } from 'cdktf/lib/tfExpression';

/** `${` -> `$${` and `%{` -> `%%{`: the text reads back literally from a Terraform template. */
export function escapeTemplate(text: string): string {
  return text.replace(/([$%])\{/g, '$1$1{');
}

/** cdktf's expression base class (references, function calls, operators, conditionals, for expressions). */
const TF_EXPRESSION: abstract new (...args: never[]) => unknown = Object.getPrototypeOf(OperatorExpression);

/** True for a token that renders as Terraform code we asked for, not as data. */
export function isExpressionToken(value: unknown): boolean {
  return value instanceof TF_EXPRESSION;
}

/** Resolves a data token, then escapes what it produced (nested expressions stay expressions). */
class EscapedData implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(private readonly inner: IResolvable) {}
  public resolve(context: IResolveContext): unknown {
    return escapeLiterals(this.inner.resolve(context));
  }
  public toString(): string {
    return this.inner.toString();
  }
}

/** How cdktf writes a string token into a string (`BEGIN_STRING_TOKEN_MARKER` … `END_TOKEN_MARKER`). */
const STRING_TOKEN = /\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}/g;

/** A string mixing literal text and tokens: literal parts escaped, tokens resolved in place. */
class EscapedConcat implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(private readonly source: string) {}
  public resolve(context: IResolveContext): unknown {
    let out = '';
    let last = 0;
    for (const m of this.source.matchAll(STRING_TOKEN)) {
      const token = Tokenization.reverseString(m[0]).firstToken;
      out += escapeTemplate(this.source.slice(last, m.index));
      out += token === undefined ? escapeTemplate(m[0]) : String(context.resolve(isExpressionToken(token) ? token : new EscapedData(token)));
      last = m.index! + m[0].length;
    }
    return out + escapeTemplate(this.source.slice(last));
  }
  public toString(): string {
    return this.source;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with every literal string (and object key) escaped; expression tokens untouched.
 * Parts with nothing to escape are returned as they are (no copy): every template sequence and
 * every cdktf string token holds a `{`, so a string without one is final.
 */
export function escapeLiterals(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{')) return value;
    const fragments = Tokenization.reverseString(value);
    if (fragments.tokens.length === 0) return escapeTemplate(value);
    const only = fragments.length === 1 ? fragments.firstToken : undefined;
    if (only !== undefined) return isExpressionToken(only) ? value : new EscapedData(only);
    return new EscapedConcat(value);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const e = escapeLiterals(value[i]);
      if (e !== value[i] && out === undefined) out = value.slice(0, i);
      out?.push(e);
    }
    return out ?? value;
  }
  if (Tokenization.isResolvable(value)) return isExpressionToken(value) ? value : new EscapedData(value);
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = value[k];
      const ek = !k.includes('{') || Tokenization.reverseString(k).tokens.length > 0 ? k : escapeTemplate(k);
      const ev = escapeLiterals(v);
      if ((ek !== k || ev !== v) && out === undefined) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]] = value[keys[j]];
      }
      if (out !== undefined) out[ek] = ev;
    }
    return out ?? value;
  }
  return value;
}

/** Escapes a block body's values except the keys Terraform reads literally. */
function escapeBody(body: unknown, literal: readonly string[]): unknown {
  if (Array.isArray(body)) return body.map((b) => escapeBody(b, literal));
  if (!isPlainObject(body)) return escapeLiterals(body);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = literal.includes(k) ? v : escapeLiterals(v);
  return out;
}

/** Maps the bodies two levels below the element's top key (`resource.<type>.<name>`, `provider.<name>[]`). */
function mapBodies(tf: Record<string, unknown>, depth: 1 | 2, f: (body: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [top, byKey] of Object.entries(tf)) {
    if (!isPlainObject(byKey)) { out[top] = byKey; continue; }
    const level: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(byKey)) {
      level[k] = depth === 1 ? f(v) : isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([n, b]) => [n, f(b)])) : v;
    }
    out[top] = level;
  }
  return out;
}

const RESOURCE_LITERAL = ['provider', 'depends_on', 'lifecycle', '//'];
const PROVIDER_LITERAL = ['alias', 'version', '//'];

/** How an element's Terraform JSON is escaped, by the kind of element; undefined: all literal. */
function escaperFor(e: TerraformElement): ((tf: Record<string, unknown>) => Record<string, unknown>) | undefined {
  if (e instanceof TerraformResource || e instanceof TerraformDataSource) {
    return (tf) => mapBodies(tf, 2, (b) => escapeBody(b, RESOURCE_LITERAL));
  }
  if (e instanceof TerraformProvider) return (tf) => mapBodies(tf, 1, (b) => escapeBody(b, PROVIDER_LITERAL));
  if (e instanceof TerraformOutput) {
    return (tf) => mapBodies(tf, 1, (b) => (isPlainObject(b) ? { ...b, ...('value' in b ? { value: escapeLiterals(b.value) } : {}) } : b));
  }
  if (e instanceof TerraformLocal) return (tf) => mapBodies(tf, 1, escapeLiterals);
  return undefined;
}

const ESCAPED = new WeakSet<TerraformElement>();

/** Makes every element of `stack` write its literal strings escaped (once per element; idempotent). */
export function escapeTerraformTemplates(stack: TerraformStack): void {
  for (const node of stack.node.findAll()) {
    if (!(node instanceof TerraformElement) || ESCAPED.has(node)) continue;
    const escape = escaperFor(node);
    ESCAPED.add(node);
    if (!escape) continue;
    const toTerraform = node.toTerraform.bind(node);
    node.toTerraform = () => escape(toTerraform() as Record<string, unknown>);
  }
}
