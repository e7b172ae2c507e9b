/**
 * Every user-settable string of the inventory, found by walking it, and the
 * class each object in it is named by in messages. Kept next to the types:
 * `test/model/fields.test.ts` walks {@link INVENTORY_SAMPLE}, in which every
 * field of every type is set (its type makes every optional field required),
 * so a new string field shows up in the walk, and the hostile-string
 * property test drives each one.
 */
import { Inventory } from './inventory';

/** Message class of each object kind, by pattern (`sites[].hosts[]`; `''` is the inventory). */
export const INVENTORY_CLASSES: Readonly<Record<string, string>> = {
  '': 'Inventory',
  'secrets[]': 'Secret',
  'admins[]': 'Admin',
  'sites[]': 'Site',
  'sites[].networks[]': 'Network',
  'sites[].hosts[]': 'Host',
  'sites[].hosts[].vm': 'Vm',
  'sites[].hosts[].k3sContainers[]': 'K3sContainer',
  'sites[].routers[]': 'Router',
  'sites[].routers[].radios[]': 'Radio',
  'sites[].routers[].ports[]': 'RouterPort',
  'sites[].proxmox': 'Proxmox',
  'sites[].proxmox.nodes[]': 'ProxmoxNode',
  'apps[]': 'App',
  'apps[].volumes[]': 'Volume',
  'apps[].ingress': 'Ingress',
  'apps[].database': 'Database',
  'apps[].backup': 'AppBackup',
  cluster: 'Cluster',
  'cluster.platform': 'Platform',
  dns: 'Dns',
  backup: 'Backup',
  nix: 'Nix',
  stateBackend: 'StateBackend',
  wireguard: 'WireguardMesh',
  bootstrap: 'Bootstrap',
  'storagePools[]': 'StoragePool',
};

/** Objects whose keys are the user's (`env: { KEY: value }`): their keys and values are both user strings. */
export const INVENTORY_MAPS: readonly string[] = ['apps[].env', 'apps[].secretEnv', 'sites[].hosts[].labels', 'sites[].hosts[].metadata'];

/** The only fields that may hold line breaks and tabs; every other string is one line. */
export const MULTI_LINE_FIELDS: readonly string[] = [
  'secrets[].description', 'apps[].env{}', 'sites[].hosts[].metadata{}', 'apps[].backup.quiesce.pre', 'apps[].backup.quiesce.post',
];

/** One string in an inventory. */
export interface InventoryString {
  /** The field's pattern: `sites[].hosts[].vm.systemDisk.image.url`, `apps[].env{}` (a map value), `apps[].env{key}` (a map key). */
  readonly pattern: string;
  /** Data path of the object holding it, as messages name it: `inventory.sites[home].hosts[olaf]`. */
  readonly path: string;
  /** `Class.field` as messages name it: `Vm.systemDisk.image.url`. */
  readonly field: string;
  readonly value: string;
  /** Sets this string in the (mutable, JSON-like) inventory it was found in. */
  readonly set: (value: string) => void;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(a: string, b: string): string {
  return a ? `${a}.${b}` : b;
}

/**
 * One field pattern of the inventory (`sites[].hosts[]`), with its children made once and shared
 * by every walk: a walk then builds no strings per object, only per string it reports.
 */
class FieldPattern {
  /** The message class of objects at this pattern, if it names one. */
  readonly cls: string | undefined;
  /** Whether objects here are user maps (`env`), whose keys are strings of the inventory too. */
  readonly isMap: boolean;
  private readonly props = new Map<string, FieldPattern>();
  private itemPattern: FieldPattern | undefined;
  private mapValuePattern: FieldPattern | undefined;
  private mapKeyPattern: FieldPattern | undefined;

  constructor(readonly pattern: string) {
    this.cls = Object.hasOwn(INVENTORY_CLASSES, pattern) ? INVENTORY_CLASSES[pattern] : undefined;
    this.isMap = INVENTORY_MAPS.includes(pattern);
  }

  prop(key: string): FieldPattern {
    let p = this.props.get(key);
    if (p) return p;
    p = new FieldPattern(join(this.pattern, key));
    // keys of an untyped inventory are the user's: keep the cache to the fields there are
    if (this.props.size < 1000) this.props.set(key, p);
    return p;
  }

  item(): FieldPattern {
    return (this.itemPattern ??= new FieldPattern(`${this.pattern}[]`));
  }

  mapValue(): FieldPattern {
    return (this.mapValuePattern ??= new FieldPattern(`${this.pattern}{}`));
  }

  mapKey(): FieldPattern {
    return (this.mapKeyPattern ??= new FieldPattern(`${this.pattern}{key}`));
  }
}

const ROOT_PATTERN = new FieldPattern('');

/** Where a walk is: the container and key of each level, from the inventory down (reused, not copied). */
interface WalkStack {
  readonly containers: unknown[];
  readonly keys: (string | number)[];
}

/** Path, class and field of the value at `depth` of a walk, as {@link inventoryStrings} names them. */
interface StringSite { pattern: string; path: string; cls: string; field: string }

/** Replays the walk from the inventory to `depth`, naming each level as messages do (only for strings that are reported). */
function siteAt(stack: WalkStack, depth: number): StringSite {
  const s: StringSite = { pattern: '', path: 'inventory', cls: 'Inventory', field: '' };
  let node = ROOT_PATTERN;
  for (let d = 0; d < depth; d++) {
    const v = stack.containers[d];
    const k = stack.keys[d];
    if (Array.isArray(v)) {
      node = node.item();
      const e = v[k as number];
      const name = isObject(e) && typeof e.name === 'string' ? e.name : String(k);
      if (node.cls) { s.path = `${s.path}[${name}]`; s.cls = node.cls; s.field = ''; } else s.field = `${s.field}[${k}]`;
    } else if (node.isMap) {
      node = node.mapValue();
      s.field = `${s.field}[${k}]`;
    } else {
      const e = (v as Record<string, unknown>)[k];
      node = node.prop(k as string);
      if (node.cls && !Array.isArray(e)) { s.path = `${s.path}.${k}`; s.cls = node.cls; s.field = ''; } else if (Array.isArray(e) && node.item().cls) { s.path = `${s.path}.${k}`; s.field = join(s.field, k as string); } else s.field = join(s.field, k as string);
    }
    s.pattern = node.pattern;
  }
  return s;
}

/** The {@link InventoryString} of the value (or, with `mapKey`, the key) at `depth` of a walk. */
function stringAt(stack: WalkStack, depth: number, value: string, mapKey: boolean): InventoryString {
  if (mapKey) {
    const s = siteAt(stack, depth - 1);
    const v = stack.containers[depth - 1] as Record<string, unknown>;
    const k = stack.keys[depth - 1] as string;
    const rename = (x: unknown) => {
      const entries = Object.entries(v).map(([kk, ee]) => [kk === k ? String(x) : kk, ee] as const);
      for (const kk of Object.keys(v)) delete v[kk];
      for (const [kk, ee] of entries) v[kk] = ee;
    };
    return { pattern: `${s.pattern}{key}`, path: s.path, field: `${s.cls}.${s.field}`, value, set: rename };
  }
  const s = siteAt(stack, depth);
  const container = depth > 0 ? (stack.containers[depth - 1] as Record<string | number, unknown>) : undefined;
  const key = stack.keys[depth - 1];
  const set = container ? (x: unknown) => { container[key] = x; } : () => undefined;
  return { pattern: s.pattern, path: s.path, field: `${s.cls}.${s.field}`, value, set };
}

/**
 * The strings of `inv` (values, and the keys of {@link INVENTORY_MAPS}) that `select` picks, in
 * document order, each with its pattern, path and field. `select` sees every string with its
 * field pattern; names are built only for the strings it picks, so a check of every string costs
 * one walk and no allocation per string.
 */
export function selectInventoryStrings(inv: Inventory, select: (value: string, pattern: string) => boolean): InventoryString[] {
  const out: InventoryString[] = [];
  const stack: WalkStack = { containers: [], keys: [] };
  const visit = (v: unknown, node: FieldPattern, depth: number): void => {
    if (typeof v === 'string') {
      if (select(v, node.pattern)) out.push(stringAt(stack, depth, v, false));
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    stack.containers[depth] = v;
    if (Array.isArray(v)) {
      const item = node.item();
      for (let i = 0; i < v.length; i++) { stack.keys[depth] = i; visit(v[i], item, depth + 1); }
      return;
    }
    const o = v as Record<string, unknown>;
    if (node.isMap) {
      const key = node.mapKey();
      const value = node.mapValue();
      for (const k of Object.keys(o)) {
        stack.keys[depth] = k;
        if (select(k, key.pattern)) out.push(stringAt(stack, depth + 1, k, true));
        visit(o[k], value, depth + 1);
      }
      return;
    }
    for (const k of Object.keys(o)) { stack.keys[depth] = k; visit(o[k], node.prop(k), depth + 1); }
  };
  visit(inv, ROOT_PATTERN, 0);
  return out;
}

/**
 * Every string of `inv` (values, and the keys of {@link INVENTORY_MAPS}), in
 * document order. Objects in arrays are named by their `name` when it is a
 * string, by their index otherwise. Values that are not strings are skipped.
 */
export function inventoryStrings(inv: Inventory): InventoryString[] {
  return selectInventoryStrings(inv, () => true);
}

/** Where the samples hold a list or an object: the containers every inventory must have there, when it has anything. */
function containerShapes(samples: readonly Inventory[]): Map<string, 'list' | 'object'> {
  const shapes = new Map<string, 'list' | 'object'>();
  const visit = (v: unknown, pattern: string): void => {
    if (Array.isArray(v)) { shapes.set(pattern, 'list'); v.forEach((e) => visit(e, `${pattern}[]`)); return; }
    if (!isObject(v)) return;
    if (pattern !== '') shapes.set(pattern, 'object');
    if (INVENTORY_MAPS.includes(pattern)) return;
    for (const [k, e] of Object.entries(v)) visit(e, pattern ? `${pattern}.${k}` : k);
  };
  samples.forEach((s) => visit(s, ''));
  return shapes;
}

/** {@link containerShapes} per samples list (the samples are constants). */
const SHAPES = new WeakMap<readonly Inventory[], Map<string, 'list' | 'object'>>();

/** A value where the inventory's type has a list or an object, but that is not one; found by walking. */
export interface ShapeProblem {
  /** Data path of the object holding it. */
  readonly path: string;
  /** `Class.field`. */
  readonly field: string;
  readonly expected: 'list' | 'object';
  readonly value: unknown;
}

/**
 * Lists and objects where {@link INVENTORY_SAMPLES} has them: an untyped
 * inventory (`hosts: 'x'`) gets a problem here instead of a TypeError in the
 * rules that read it.
 */
export function shapeProblems(inv: unknown, samples: readonly Inventory[]): ShapeProblem[] {
  let shapes = SHAPES.get(samples);
  if (!shapes) SHAPES.set(samples, (shapes = containerShapes(samples)));
  const out: ShapeProblem[] = [];
  if (!isObject(inv)) return [{ path: 'inventory', field: 'Inventory', expected: 'object', value: inv }];
  const stack: WalkStack = { containers: [], keys: [] };
  const visit = (v: unknown, node: FieldPattern, depth: number): void => {
    if (v === undefined || v === null) return;
    const want = shapes!.get(node.pattern);
    if (want !== undefined && (want === 'list' ? !Array.isArray(v) : !isObject(v))) {
      const site = siteAt(stack, depth);
      out.push({ path: site.path, field: `${site.cls}.${site.field}`, expected: want, value: v });
      return;
    }
    if (typeof v !== 'object') return;
    stack.containers[depth] = v;
    if (Array.isArray(v)) {
      const item = node.item();
      for (let i = 0; i < v.length; i++) { stack.keys[depth] = i; visit(v[i], item, depth + 1); }
      return;
    }
    if (node.isMap) return;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) { stack.keys[depth] = k; visit(o[k], node.prop(k), depth + 1); }
  };
  visit(inv, ROOT_PATTERN, 0);
  return out;
}

/** Characters no output can carry as written: C0 controls other than tab, LF and CR, and DEL. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Half of a UTF-16 surrogate pair on its own: no UTF-8 file can hold it. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
