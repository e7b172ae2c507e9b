/**
 * Shared plumbing for the hand-written provider bindings in this folder.
 *
 * Each binding declares one {@link FieldTable} per block: a map from the
 * camelCase TypeScript property to the provider's own attribute name, written
 * out literally (no camel→snake conversion, so no name can be invented), plus
 * the value kind. From that table the same pure functions render the
 * Terraform JSON form (`synthesizeAttributes`) and the annotated form cdktf
 * needs for HCL output (`synthesizeHclAttributes`), and reject unknown keys
 * when the construct is created. The base classes {@link TableProvider} and
 * {@link TableResource} do all of that, so a binding class only declares its
 * config, its static type names and its read-only attribute getters.
 *
 * Nested blocks are always rendered as a JSON array of objects (one element
 * for single blocks such as `cpu`), which Terraform JSON accepts for every
 * block nesting mode.
 *
 * Not exported from the package: only the bindings built on it are (`providers`).
 */
import { Construct } from 'constructs';
import {
  IResolvable, IResolveContext, TerraformMetaArguments, TerraformProvider, TerraformProviderGeneratorMetadata,
  TerraformResource, Tokenization,
} from 'cdktf';
import { fail, oneOf } from '../../core/errors';
import { isExpressionToken } from '../escape';
import { addBrand, brandSymbol, hasBrand } from '../../core/brand';

/** Kinds of plain (non-block) attribute values. */
export type AttrKind = 'string' | 'number' | 'boolean' | 'stringList' | 'numberList' | 'stringSet' | 'stringMap';

/** A plain attribute: its provider name and the kind of its value. */
export interface AttrField {
  readonly tf: string;
  readonly kind: AttrKind;
}

/** A nested block (`block`: at most one; `blockList`: repeated) and the fields inside it. */
export interface BlockField {
  readonly tf: string;
  readonly kind: 'block' | 'blockList';
  readonly fields: Readonly<Record<string, Field>>;
}

export type Field = AttrField | BlockField;

/** One entry per property of `T`, so a property without a provider name does not compile. */
export type FieldTable<T> = { readonly [K in keyof T]-?: Field };

export const str = (tf: string): AttrField => ({ tf, kind: 'string' });
export const num = (tf: string): AttrField => ({ tf, kind: 'number' });
export const bool = (tf: string): AttrField => ({ tf, kind: 'boolean' });
export const strList = (tf: string): AttrField => ({ tf, kind: 'stringList' });
export const numList = (tf: string): AttrField => ({ tf, kind: 'numberList' });
export const strSet = (tf: string): AttrField => ({ tf, kind: 'stringSet' });
export const strMap = (tf: string): AttrField => ({ tf, kind: 'stringMap' });

/** A block that appears at most once (`cpu { ... }`). */
export function block<T>(tf: string, fields: FieldTable<T>): BlockField {
  return { tf, kind: 'block', fields: fields as Readonly<Record<string, Field>> };
}

/** A block that may repeat (`disk { ... }` several times). */
export function blockList<T>(tf: string, fields: FieldTable<T>): BlockField {
  return { tf, kind: 'blockList', fields: fields as Readonly<Record<string, Field>> };
}

const FIELD_TABLES = new WeakMap<object, Readonly<Record<string, Field>>>();

/** Records the field table of a binding class, so tests can check every name it can emit. */
export function registerFields(bindingClass: object, fields: Readonly<Record<string, Field>>): void {
  FIELD_TABLES.set(bindingClass, fields);
}

/** The field table registered for a binding class. */
export function fieldsOf(bindingClass: object): Readonly<Record<string, Field>> | undefined {
  return FIELD_TABLES.get(bindingClass);
}

/** Keys of the cdktf meta-arguments; they are rendered by cdktf itself. */
export const META_ARGUMENT_KEYS: readonly string[] = [
  'dependsOn', 'count', 'provider', 'lifecycle', 'forEach', 'provisioners', 'connection',
];

/** The meta-arguments of a resource config, for the `TerraformResource` constructor. */
export function metaArguments(config: TerraformMetaArguments): TerraformMetaArguments {
  return {
    provider: config.provider,
    dependsOn: config.dependsOn,
    count: config.count,
    lifecycle: config.lifecycle,
    provisioners: config.provisioners,
    connection: config.connection,
    forEach: config.forEach,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Tokenization.isResolvable(v);
}

function byTfName(fields: Readonly<Record<string, Field>>): Array<[string, Field]> {
  // Code-point order of the provider names gives stable, schema-like output.
  return Object.entries(fields).sort(([, a], [, b]) => (a.tf < b.tf ? -1 : a.tf > b.tf ? 1 : 0));
}

/**
 * Throws a `HomelabValidationError` (`[<construct path>] <Class>.<field>: unknown attribute …`) for any key of `value` (recursively, in
 * blocks that are not tokens) that has no entry in `fields`.
 */
export function checkKnownKeys(
  fields: Readonly<Record<string, Field>>,
  value: object,
  where: { readonly constructPath: string; readonly className: string },
  prefix = '',
  ignore: readonly string[] = [],
): void {
  const record = value as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (ignore.includes(key)) continue;
    const field = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    const fieldPath = prefix ? `${prefix}.${key}` : key;
    if (field === undefined) {
      fail(where.constructPath, `${where.className}.${fieldPath}`, 'unknown attribute', key, oneOf(Object.keys(fields), 'no attribute at all', true));
    }
    const v = record[key];
    if (field.kind === 'block' && isPlainObject(v)) {
      checkKnownKeys(field.fields, v, where, fieldPath);
    } else if (field.kind === 'blockList' && Array.isArray(v)) {
      v.forEach((e, i) => {
        if (isPlainObject(e)) checkKnownKeys(field.fields, e, where, `${fieldPath}[${i}]`);
      });
    }
  }
}

/**
 * Maps what a `Lazy` block value produces, so its blocks get provider names
 * too. It maps the producer's own value (tokens in it resolve afterwards), so
 * the template escaping (`../escape.ts`) still tells literals from expressions.
 */
class MappedResolvable implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(private readonly inner: IResolvable, private readonly map: (v: unknown) => unknown) {}
  public resolve(context: IResolveContext): unknown {
    return this.map(this.inner.resolve(context));
  }
  public toString(): string {
    return this.inner.toString();
  }
}

type Render = (fields: Readonly<Record<string, Field>>, value: object) => unknown;

function renderBlocks(field: BlockField, v: unknown, render: Render): unknown {
  if (Tokenization.isResolvable(v) && !isExpressionToken(v)) {
    return new MappedResolvable(v, (r) => renderBlocks(field, r, render));
  }
  if (Array.isArray(v)) {
    return v.map((e) => (isPlainObject(e) ? render(field.fields, e)
      : Tokenization.isResolvable(e) ? new MappedResolvable(e, (r) => (isPlainObject(r) ? render(field.fields, r) : r))
        : e));
  }
  if (isPlainObject(v)) {
    return [render(field.fields, v)];
  }
  return v; // an expression string: passed through for Terraform to evaluate
}

function isBlock(field: Field): field is BlockField {
  return field.kind === 'block' || field.kind === 'blockList';
}

/** `render(field, value)` under the provider name of every field set in `value`; undefined values are left out. */
function renderFields(
  fields: Readonly<Record<string, Field>>,
  value: object,
  render: (field: Field, v: unknown) => unknown,
): Record<string, unknown> {
  const record = value as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of byTfName(fields)) {
    const v = record[key];
    if (v !== undefined) out[field.tf] = render(field, v);
  }
  return out;
}

/** Terraform JSON attributes for one block (or the resource body). Undefined values are left out. */
export function toTerraformJson(fields: Readonly<Record<string, Field>>, value: object): Record<string, unknown> {
  return renderFields(fields, value, (field, v) => (isBlock(field) ? renderBlocks(field, v, toTerraformJson) : v));
}

const HCL_SHAPE: Record<AttrKind, { readonly type: string; readonly storageClassType: string }> = {
  string: { type: 'simple', storageClassType: 'string' },
  number: { type: 'simple', storageClassType: 'number' },
  boolean: { type: 'simple', storageClassType: 'boolean' },
  stringList: { type: 'list', storageClassType: 'stringList' },
  numberList: { type: 'list', storageClassType: 'numberList' },
  stringSet: { type: 'set', storageClassType: 'stringList' },
  stringMap: { type: 'map', storageClassType: 'stringMap' },
};

/** The annotated attribute form cdktf's HCL renderer expects (`value`, `isBlock`, `type`, `storageClassType`). */
export function toHclAttributes(fields: Readonly<Record<string, Field>>, value: object): Record<string, unknown> {
  return renderFields(fields, value, (field, v) => (isBlock(field)
    ? { value: renderBlocks(field, v, toHclAttributes), isBlock: true, type: 'list', storageClassType: `${field.tf}List` }
    : { value: v, isBlock: false, ...HCL_SHAPE[field.kind] }));
}

// ---------------------------------------------------------------------------
// Base classes of the bindings
// ---------------------------------------------------------------------------

/** A provider as written to `required_providers`. */
export interface ProviderSpec {
  /** Provider type name, e.g. `b2`. */
  readonly name: string;
  /** Registry source, e.g. `Backblaze/b2`. */
  readonly source: string;
  /** Version constraint, e.g. `~> 0.13.0`. */
  readonly versionConstraint: string;
}

/** What a binding class hands its base class. `T` is its config without `alias` or meta-arguments. */
export interface BindingSpec<T> {
  /** The provider the binding belongs to. */
  readonly provider: ProviderSpec;
  /** The binding's class name, for its problems' `Class.field`. */
  readonly className: string;
  /** The binding's field table. */
  readonly fields: FieldTable<T>;
}

/** A resource binding's spec: also its Terraform resource type, e.g. `b2_bucket`. */
export interface ResourceSpec<T> extends BindingSpec<T> {
  readonly tfType: string;
}

function generatorMetadata(provider: ProviderSpec): TerraformProviderGeneratorMetadata {
  return { providerName: provider.name, providerVersionConstraint: provider.versionConstraint };
}

/** A config checked against its field table when the construct is created, rendered at synth time. */
class TableBody {
  private readonly fields: Readonly<Record<string, Field>>;

  constructor(scope: Construct, spec: BindingSpec<unknown>, private readonly config: object, ignore: readonly string[]) {
    this.fields = spec.fields as Readonly<Record<string, Field>>;
    checkKnownKeys(this.fields, config, { constructPath: scope.node.path, className: spec.className }, '', ignore);
  }

  public json(): Record<string, unknown> {
    return toTerraformJson(this.fields, this.config);
  }

  public hcl(): Record<string, unknown> {
    return toHclAttributes(this.fields, this.config);
  }
}

/**
 * `x instanceof cls` for a binding class: a class of ours (it has its own `tfResourceType`) by its
 * brand, any other (a base, or a subclass of yours) by the prototype chain.
 */
function isBindingInstance(cls: Function, x: unknown): boolean {
  return Object.prototype.hasOwnProperty.call(cls, 'tfResourceType') ? hasBrand(x, brandSymbol(cls.name)) : Function.prototype[Symbol.hasInstance].call(cls, x);
}

/**
 * A provider binding whose arguments are described by a field table: the
 * provider block, its `alias`, unknown-key checks and both synth forms.
 * The base of the public provider classes; not exported itself.
 */
export abstract class TableProvider<C extends { readonly alias?: string }> extends TerraformProvider {
  /**
   * `instanceof` for the bindings (each marks its instances with its class name): by the brand,
   * so that instances from another copy of this library count; for a subclass of yours, by the
   * prototype chain.
   */
  static [Symbol.hasInstance](this: Function, x: unknown): boolean {
    return isBindingInstance(this, x);
  }

  private _alias?: string;
  private readonly _body: TableBody;

  protected constructor(scope: Construct, id: string, config: C, spec: BindingSpec<Omit<C, 'alias'>>) {
    super(scope, id, {
      terraformResourceType: spec.provider.name,
      terraformGeneratorMetadata: generatorMetadata(spec.provider),
      terraformProviderSource: spec.provider.source,
    });
    addBrand(this, brandSymbol(spec.className));
    this._body = new TableBody(this, spec, config, ['alias']);
    this._alias = config.alias;
  }

  public get alias(): string | undefined {
    return this._alias;
  }
  public set alias(value: string | undefined) {
    this._alias = value;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return this._body.json();
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return this._body.hcl();
  }
}

/**
 * A resource binding whose arguments are described by a field table: the
 * resource and its meta-arguments, unknown-key checks and both synth forms.
 * The base of the public resource classes; not exported itself.
 */
export abstract class TableResource<C extends TerraformMetaArguments> extends TerraformResource {
  /**
   * `instanceof` for the bindings (each marks its instances with its class name): by the brand,
   * so that instances from another copy of this library count; for a subclass of yours, by the
   * prototype chain.
   */
  static [Symbol.hasInstance](this: Function, x: unknown): boolean {
    return isBindingInstance(this, x);
  }

  private readonly _body: TableBody;

  protected constructor(scope: Construct, id: string, config: C, spec: ResourceSpec<Omit<C, keyof TerraformMetaArguments>>) {
    super(scope, id, {
      terraformResourceType: spec.tfType,
      terraformGeneratorMetadata: generatorMetadata(spec.provider),
      ...metaArguments(config),
    });
    addBrand(this, brandSymbol(spec.className));
    this._body = new TableBody(this, spec, config, META_ARGUMENT_KEYS);
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return this._body.json();
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return this._body.hcl();
  }
}
