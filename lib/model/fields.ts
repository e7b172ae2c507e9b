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

/**
 * Every string of `inv` (values, and the keys of {@link INVENTORY_MAPS}), in
 * document order. Objects in arrays are named by their `name` when it is a
 * string, by their index otherwise. Values that are not strings are skipped.
 */
export function inventoryStrings(inv: Inventory): InventoryString[] {
  const out: InventoryString[] = [];
  const visit = (v: unknown, pattern: string, path: string, cls: string, field: string, set: (x: unknown) => void): void => {
    if (typeof v === 'string') {
      out.push({ pattern, path, field: `${cls}.${field}`, value: v, set });
      return;
    }
    const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
    if (Array.isArray(v)) {
      v.forEach((e, i) => {
        const p = `${pattern}[]`;
        const name = isObject(e) && typeof e.name === 'string' ? e.name : String(i);
        const known = INVENTORY_CLASSES[p];
        if (known) visit(e, p, `${path}[${name}]`, known, '', (x) => { v[i] = x; });
        else visit(e, p, path, cls, `${field}[${i}]`, (x) => { v[i] = x; });
      });
      return;
    }
    if (!isObject(v)) return;
    if (INVENTORY_MAPS.includes(pattern)) {
      for (const [k, e] of Object.entries(v)) {
        const rename = (x: unknown) => {
          const entries = Object.entries(v).map(([kk, ee]) => [kk === k ? String(x) : kk, ee] as const);
          for (const kk of Object.keys(v)) delete v[kk];
          for (const [kk, ee] of entries) v[kk] = ee;
        };
        out.push({ pattern: `${pattern}{key}`, path, field: `${cls}.${field}`, value: k, set: rename });
        visit(e, `${pattern}{}`, path, cls, `${field}[${k}]`, (x) => { v[k] = x; });
      }
      return;
    }
    for (const [k, e] of Object.entries(v)) {
      const p = join(pattern, k);
      const known = INVENTORY_CLASSES[p];
      if (known && !Array.isArray(e)) visit(e, p, `${path}.${k}`, known, '', (x) => { v[k] = x; });
      else if (Array.isArray(e) && INVENTORY_CLASSES[`${p}[]`]) visit(e, p, `${path}.${k}`, cls, join(field, k), (x) => { v[k] = x; });
      else visit(e, p, path, cls, join(field, k), (x) => { v[k] = x; });
    }
  };
  visit(inv, '', 'inventory', 'Inventory', '', () => undefined);
  return out;
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
  const shapes = containerShapes(samples);
  const out: ShapeProblem[] = [];
  if (!isObject(inv)) return [{ path: 'inventory', field: 'Inventory', expected: 'object', value: inv }];
  const visit = (v: unknown, pattern: string, path: string, cls: string, field: string): void => {
    const want = shapes.get(pattern);
    if (v === undefined || v === null) return;
    if (want === 'list' && !Array.isArray(v)) { out.push({ path, field: `${cls}.${field}`, expected: 'list', value: v }); return; }
    if (want === 'object' && !isObject(v)) { out.push({ path, field: `${cls}.${field}`, expected: 'object', value: v }); return; }
    if (Array.isArray(v)) {
      const known = INVENTORY_CLASSES[`${pattern}[]`];
      v.forEach((e, i) => {
        const name = isObject(e) && typeof e.name === 'string' ? e.name : String(i);
        if (known) visit(e, `${pattern}[]`, `${path}.${field.split('.').pop()}[${name}]`, known, '');
        else visit(e, `${pattern}[]`, path, cls, `${field}[${i}]`);
      });
      return;
    }
    if (!isObject(v) || INVENTORY_MAPS.includes(pattern)) return;
    for (const [k, e] of Object.entries(v)) {
      const p = pattern ? `${pattern}.${k}` : k;
      const known = INVENTORY_CLASSES[p];
      if (known && !Array.isArray(e)) visit(e, p, `${path}.${k}`, known, '');
      else visit(e, p, path, cls, field ? `${field}.${k}` : k);
    }
  };
  visit(inv, '', 'inventory', 'Inventory', '');
  return out;
}

/** Characters no output can carry as written: C0 controls other than tab, LF and CR, and DEL. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Half of a UTF-16 surrogate pair on its own: no UTF-8 file can hold it. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
