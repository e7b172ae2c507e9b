/**
 * Checks emitted NixOS modules against recorded option facts
 * (`schemas/nixos/options.json`): every option path must be a real option
 * of the recorded release, and every value must fit the option's type.
 * No nixpkgs evaluation: the facts are data, read from the module sources
 * and rendered the way the NixOS manual prints types.
 *
 * @example
 * const facts = loadNixosOptionFacts();
 * expect(checkNixosOptions(hostModule(model, host), facts)).toEqual([]);
 * expect(checkHive(hive(model), facts)).toEqual([]);
 */
import * as fs from 'fs';
import * as path from 'path';
import { NixApply, NixLambda, NixPath, NixRaw, NixSelect, NixValue } from '../../lib/nix/value';

/** Where the facts live. */
export const NIXOS_OPTIONS_FILE = path.resolve(__dirname, '../../schemas/nixos/options.json');

/** One recorded option. */
export interface NixosOptionFact {
  /** Dotted path; `<name>` matches any attribute name, `*` any list element. */
  readonly path: string;
  /** The type as the NixOS manual prints it, e.g. `null or string`. */
  readonly type: string;
  /** The Nix type expression it was rendered from. */
  readonly declared: string;
  /** Which module set declares it: `nixpkgs`, `sops-nix`, `colmena-node`, `colmena-meta`. */
  readonly module: string;
  readonly release: string;
  readonly source: string;
  readonly url: string;
  readonly readFrom: string;
  readonly note?: string;
}

/** A submodule that accepts attributes beyond its declared options. */
export interface NixosFreeformFact {
  readonly path: string;
  readonly module: string;
  readonly values: string;
}

/** The whole file. */
export interface NixosOptionFacts {
  readonly release: string;
  readonly releases: Readonly<Record<string, string>>;
  readonly options: readonly NixosOptionFact[];
  readonly structural: readonly { readonly path: string }[];
  readonly freeform: readonly NixosFreeformFact[];
}

/** Reads the recorded facts. */
export function loadNixosOptionFacts(file: string = NIXOS_OPTIONS_FILE): NixosOptionFacts {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as NixosOptionFacts;
}

/** Module sets in scope for a host module: nixpkgs, plus sops-nix (flake.nix and hive.nix import it everywhere). */
export const HOST_MODULES: readonly string[] = ['nixpkgs', 'sops-nix'];

// ---------------------------------------------------------------------------
// Types, parsed from their printed form

/** A parsed option type. `text` is the printed form it came from. */
export type OptionType = { readonly text: string } & (
  | { readonly k: 'null' | 'bool' | 'float' | 'path' | 'submodule' | 'nixos' | 'any' | 'attrsAny' }
  | { readonly k: 'int'; readonly min?: number; readonly max?: number }
  | { readonly k: 'str'; readonly check?: 'nonEmpty' | 'singleLine' | 'noSpaces'; readonly pattern?: RegExp }
  | { readonly k: 'enum'; readonly values: readonly (string | number | boolean)[] }
  | { readonly k: 'list' | 'attrs'; readonly elem: OptionType }
  | { readonly k: 'or'; readonly alts: readonly OptionType[] }
);

const PATTERN_PREFIX = 'string matching the pattern ';

/**
 * Parses a type as the NixOS manual prints it (the descriptions of nixpkgs
 * `lib/types.nix`).
 *
 * @throws Error for a description it does not know
 */
export function parseOptionType(text: string): OptionType {
  const s = text.trim();
  if (s.startsWith('(') && closingParen(s, 0) === s.length - 1) return { ...parseOptionType(s.slice(1, -1)), text: s };
  // coercedTo: "<final type> or <coerced type> convertible to it"; either form is accepted.
  if (s.endsWith(' convertible to it')) {
    const parts = splitTopLevelOr(s.slice(0, -' convertible to it'.length));
    if (parts.length !== 2) throw new Error(`cannot parse option type ${JSON.stringify(text)}`);
    return { k: 'or', alts: parts.map(parseOptionType), text: s };
  }
  const alts = splitTopLevelOr(s);
  if (alts.length > 1) return { k: 'or', alts: alts.map(parseOptionType), text: s };

  const simple: Record<string, OptionType['k']> = {
    null: 'null', boolean: 'bool', 'floating point number': 'float', path: 'path', 'absolute path': 'path',
    'path in the Nix store': 'path', submodule: 'submodule', 'Toplevel NixOS config': 'nixos',
    'unspecified value': 'any', anything: 'any', 'raw value': 'any', package: 'any', 'attribute set': 'attrsAny',
    // nixos/lib/systemd-unit-options.nix: `unitOption = mkOptionType { name = "systemd option"; merge = …; }`, no check.
    'systemd option': 'any',
  };
  if (s in simple) return { k: simple[s], text: s } as OptionType;
  if (s === 'signed integer') return { k: 'int', text: s };
  if (s === 'unsigned integer, meaning >=0') return { k: 'int', min: 0, text: s };
  if (s === 'positive integer, meaning >0') return { k: 'int', min: 1, text: s };
  let m = /^(?:\d+ bit (?:un)?signed integer; between|integer between) (-?\d+) and (-?\d+) \(both inclusive\)$/.exec(s);
  if (m) return { k: 'int', min: Number(m[1]), max: Number(m[2]), text: s };
  if (s === 'string' || s.startsWith('strings concatenated with ') || s === 'Concatenated string') return { k: 'str', text: s };
  if (s === 'non-empty string') return { k: 'str', check: 'nonEmpty', text: s };
  if (s === '(optionally newline-terminated) single-line string') return { k: 'str', check: 'singleLine', text: s };
  if (s === 'string without spaces') return { k: 'str', check: 'noSpaces', text: s };
  m = /^string \(with check: (.*)\)$/.exec(s);
  if (m) return m[1] === 'non-empty' ? { k: 'str', check: 'nonEmpty', text: s } : { k: 'str', text: s };
  if (s.startsWith(PATTERN_PREFIX)) return { k: 'str', pattern: posixPattern(s.slice(PATTERN_PREFIX.length)), text: s };
  m = /^one of (.+)$/.exec(s);
  if (m) return { k: 'enum', values: splitTopLevel(m[1], ', ').map(enumValue), text: s };
  m = /^value (.+) \(singular enum\)$/.exec(s);
  if (m) return { k: 'enum', values: [enumValue(m[1])], text: s };
  m = /^(?:non-empty )?list of (.+)$/.exec(s);
  if (m) return { k: 'list', elem: parseOptionType(m[1]), text: s };
  m = /^(?:lazy )?attribute set of (.+)$/.exec(s);
  if (m) return { k: 'attrs', elem: parseOptionType(m[1]), text: s };
  throw new Error(`cannot parse option type ${JSON.stringify(text)}`);
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits on `sep` outside parentheses and double quotes; a pattern (the rest of the text) is never split. */
function splitTopLevel(s: string, sep: string): string[] {
  const stop = s.indexOf(PATTERN_PREFIX);
  const end = stop === -1 ? s.length : stop;
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < end; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const splitTopLevelOr = (s: string) => splitTopLevel(s, ' or ');

function enumValue(v: string): string | number | boolean {
  if (v.startsWith('"')) return JSON.parse(v) as string;
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+$/.test(v)) return Number(v);
  throw new Error(`cannot parse enum value ${JSON.stringify(v)}`);
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: ' \\t\\n\\r\\f\\v',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~',
};

/** A POSIX extended regular expression (as `builtins.match` takes it, anchored) as a JS RegExp. */
function posixPattern(pattern: string): RegExp {
  const js = pattern.replace(/\[:([a-z]+):\]/g, (all, name: string) => POSIX_CLASSES[name] ?? all);
  return new RegExp(`^(?:${js})$`);
}

// ---------------------------------------------------------------------------
// The option tree

interface OptionNode {
  readonly children: Map<string, OptionNode>;
  fact?: NixosOptionFact;
  type?: OptionType;
  freeform?: boolean;
}

const newNode = (): OptionNode => ({ children: new Map() });

function buildTree(facts: NixosOptionFacts, modules: readonly string[]): OptionNode {
  const root = newNode();
  const at = (p: string) => p.split('.').reduce((node, seg) => {
    let child = node.children.get(seg);
    if (!child) node.children.set(seg, (child = newNode()));
    return child;
  }, root);
  for (const f of facts.options) {
    if (!modules.includes(f.module)) continue;
    const node = at(f.path);
    node.fact = f;
    node.type = parseOptionType(f.type);
  }
  for (const f of facts.freeform) if (modules.includes(f.module)) at(f.path).freeform = true;
  return root;
}

// ---------------------------------------------------------------------------
// Walking a module

class Checker {
  readonly problems: string[] = [];
  private readonly trees = new Map<string, OptionNode>();

  constructor(readonly facts: NixosOptionFacts) {}

  tree(modules: readonly string[]): OptionNode {
    const key = [...modules].sort().join(',');
    let t = this.trees.get(key);
    if (!t) this.trees.set(key, (t = buildTree(this.facts, modules)));
    return t;
  }

  /** A module: a function or attribute set whose attributes are options (plus `imports`). */
  module(value: NixValue, modules: readonly string[], at: readonly string[]): void {
    const root = this.tree(modules);
    for (const v of unwrap(value)) {
      const body = v instanceof NixLambda ? v.body : v;
      if (isReference(body)) continue; // a module imported by reference: nothing to see here
      if (!isAttrs(body)) {
        this.problems.push(`${show(at)}: a module must be an attribute set or a function returning one (got ${got(body)})`);
        continue;
      }
      for (const [k, val] of Object.entries(body)) {
        if (k === 'imports' && this.facts.structural.some((s) => s.path === 'imports')) this.imports(val, modules, [...at, k]);
        else this.attr(root, k, val, at, modules);
      }
    }
  }

  private imports(value: NixValue, modules: readonly string[], at: readonly string[]): void {
    for (const list of unwrap(value)) {
      if (!Array.isArray(list)) {
        this.problems.push(`${show(at)}: imports must be a list of modules (got ${got(list)})`);
        continue;
      }
      list.forEach((m, i) => {
        if (isAttrs(m) || m instanceof NixLambda) this.module(m, modules, [...at, `[${i}]`]);
        else if (!isReference(m) && !(typeof m === 'string' && m.startsWith('/'))) {
          this.problems.push(`${show([...at, `[${i}]`])}: not a module (got ${got(m)}); a path, a function or an attribute set`);
        }
      });
    }
  }

  /** One attribute `key = value` below `node` (an option namespace or a submodule). */
  private attr(node: OptionNode, key: string, value: NixValue, at: readonly string[], modules: readonly string[]): void {
    const here = [...at, key];
    const child = node.children.get(key) ?? node.children.get('<name>');
    if (!child) {
      if (node.freeform) {
        for (const v of unwrap(value)) if (!isAtom(v) && !(Array.isArray(v) && v.every(isAtom))) this.problems.push(`${show(here)}: ${got(v)} in a freeform setting; null, boolean, number or string (or a list of them)`);
        return;
      }
      this.problems.push(`${show(here)}: not ${this.whose(node)}${this.suggest(node, key, at)}`);
      return;
    }
    if (child.type) {
      this.value(value, child.type, child, here, modules);
      return;
    }
    // An option namespace (`services`, `services.k3s`): only attribute sets of options.
    for (const v of unwrap(value)) {
      if (isAttrs(v)) for (const [k, val] of Object.entries(v)) this.attr(child, k, val, here, modules);
      else this.problems.push(`${show(here)}: expected an attribute set of options (got ${got(v)})`);
    }
  }

  private value(value: NixValue, type: OptionType, node: OptionNode, at: readonly string[], modules: readonly string[]): void {
    for (const v of unwrap(value)) this.one(v, type, node, at, modules);
  }

  private one(v: NixValue, type: OptionType, node: OptionNode, at: readonly string[], modules: readonly string[]): void {
    const wrong = (what = 'wrong type'): void => {
      this.problems.push(`${show(at)}: ${what} (got ${got(v)}); ${type.text} in ${this.release(node)}`);
    };
    if (isExpression(v)) {
      // config.x.y, raw code, a function call: its value is unknown here; the
      // references we emit are strings and paths.
      if (!accepts(type, v)) wrong('an expression the checker cannot evaluate');
      return;
    }
    switch (type.k) {
      case 'or': {
        const candidates = type.alts.filter((a) => accepts(a, v));
        if (candidates.length === 0) return wrong();
        let first: string[] | undefined;
        for (const alt of candidates) {
          const sub = this.collect(() => this.one(v, alt, node, at, modules));
          if (sub.length === 0) return;
          first ??= sub;
        }
        this.problems.push(...first!);
        return;
      }
      case 'null': if (v !== null) wrong(); return;
      case 'bool': if (typeof v !== 'boolean') wrong(); return;
      case 'float': if (typeof v !== 'number') wrong(); return;
      case 'any': return;
      case 'attrsAny': if (!isAttrs(v)) wrong(); return;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v)) return wrong();
        if ((type.min !== undefined && v < type.min) || (type.max !== undefined && v > type.max)) wrong('out of range');
        return;
      case 'str':
        if (typeof v !== 'string') return wrong();
        if (type.check === 'nonEmpty' && /^[ \t\n]*$/.test(v)) wrong('empty');
        if (type.check === 'singleLine' && !/^[^\n\r]*\n?$/.test(v)) wrong('more than one line');
        if (type.check === 'noSpaces' && v.includes(' ')) wrong('contains a space');
        if (type.pattern && !type.pattern.test(v)) wrong('does not match the pattern');
        return;
      case 'path':
        if (!(v instanceof NixPath) && !(typeof v === 'string' && v.startsWith('/'))) wrong();
        return;
      case 'enum':
        if (!type.values.includes(v as string)) wrong(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? 'not one of the allowed values' : 'wrong type');
        return;
      case 'list':
        if (!Array.isArray(v)) return wrong();
        v.forEach((el, i) => this.value(el, type.elem, node.children.get('*') ?? node, [...at, `[${i}]`], modules));
        return;
      case 'attrs':
        if (!isAttrs(v)) return wrong();
        for (const [k, el] of Object.entries(v)) this.value(el, type.elem, node.children.get('<name>') ?? node, [...at, k], modules);
        return;
      case 'submodule': {
        const body = v instanceof NixLambda ? v.body : v;
        if (!isAttrs(body)) return wrong();
        for (const [k, el] of Object.entries(body)) this.attr(node, k, el, at, modules);
        return;
      }
      case 'nixos': {
        // A whole NixOS configuration evaluated with the nixpkgs modules, plus
        // what it imports itself (sops-nix only if it imports it).
        const body = v instanceof NixLambda ? v.body : v;
        if (!isAttrs(body)) return wrong();
        this.module(v, importsSops(body) ? ['nixpkgs', 'sops-nix'] : ['nixpkgs'], at);
        return;
      }
    }
  }

  private collect(f: () => void): string[] {
    const before = this.problems.length;
    f();
    return this.problems.splice(before);
  }

  private release(node: OptionNode): string {
    return node.fact?.release ?? this.facts.release;
  }

  /** "a NixOS option (nixos-24.11)", or the module set whose options live under `node`. */
  private whose(node: OptionNode): string {
    const owner = node === this.rootOf(node) ? undefined : firstFact(node);
    if (owner?.module === 'sops-nix') return `a sops-nix option (${owner.release})`;
    if (owner?.module.startsWith('colmena')) return `a colmena option (${owner.release})`;
    return `a NixOS option (${this.facts.release})`;
  }

  private rootOf(node: OptionNode): OptionNode | undefined {
    for (const t of this.trees.values()) if (t === node) return t;
    return undefined;
  }

  private suggest(node: OptionNode, key: string, at: readonly string[]): string {
    let best: string | undefined;
    let bestDistance = Infinity;
    const k = key.toLowerCase();
    for (const name of node.children.keys()) {
      if (name === '<name>' || name === '*') continue;
      const n = name.toLowerCase();
      const d = levenshtein(k, n);
      const close = d <= Math.max(2, Math.floor(key.length / 3)) || (k.length >= 3 && (n.startsWith(k) || k.startsWith(n)));
      if (close && d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    if (best === undefined) return '';
    return `; did you mean ${show([...at, best])}?`;
  }
}

/**
 * Problems in a NixOS module (e.g. `hostModule(model, host)`): unknown option
 * paths and values that do not fit their option's type, one readable line
 * each. Empty when every path and value fits.
 *
 * @param modules which recorded module sets are in scope (default: nixpkgs and sops-nix)
 */
export function checkNixosOptions(module: NixValue, facts: NixosOptionFacts, modules: readonly string[] = HOST_MODULES): string[] {
  const c = new Checker(facts);
  c.module(module, modules, []);
  return c.problems;
}

/**
 * Problems in a colmena hive (`hive(model)`): `meta` against colmena's meta
 * options, `defaults` and every node as NixOS modules with colmena's
 * `deployment.*` options (sops-nix is in scope: the defaults import it).
 */
export function checkHive(hiveValue: NixValue, facts: NixosOptionFacts): string[] {
  const c = new Checker(facts);
  for (const v of unwrap(hiveValue)) {
    const body = v instanceof NixLambda ? v.body : v;
    if (!isAttrs(body)) {
      c.problems.push(`hive: expected an attribute set of nodes (got ${got(body)})`);
      continue;
    }
    for (const [name, node] of Object.entries(body)) {
      if (name === 'meta' || name === 'network') {
        // meta.* is recorded under "meta"; `network` is its NixOps-compatible alias.
        const before = c.problems.length;
        c.module({ meta: node }, ['colmena-meta'], []);
        if (name === 'network') c.problems.splice(before, Infinity, ...c.problems.slice(before).map((p) => p.replace(/^meta\b/, 'network')));
      } else {
        c.module(node, ['nixpkgs', 'sops-nix', 'colmena-node'], [name]);
      }
    }
  }
  return c.problems;
}

// ---------------------------------------------------------------------------
// Values

const PROPERTY_LAST_ARG = new Set(['mkDefault', 'mkForce', 'mkOverride', 'mkIf', 'mkBefore', 'mkAfter', 'mkOrder', 'mkOptionDefault', 'mkImageMediaOverride', 'mkVMOverride']);

/** The definitions inside `lib.mkDefault v`, `lib.mkIf c v`, `lib.mkMerge [ ... ]` and friends; the value itself otherwise. */
function unwrap(value: NixValue): NixValue[] {
  if (value instanceof NixApply && value.fn instanceof NixSelect && value.fn.base === 'lib' && value.fn.attrs.length === 1) {
    const fn = value.fn.attrs[0];
    if (PROPERTY_LAST_ARG.has(fn)) return unwrap(value.args[value.args.length - 1]);
    if (fn === 'mkMerge' && Array.isArray(value.args[0])) return (value.args[0] as NixValue[]).flatMap(unwrap);
  }
  return [value];
}

function isAttrs(v: NixValue): v is Readonly<Record<string, NixValue>> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const isAtom = (v: NixValue) => v === null || ['boolean', 'number', 'string'].includes(typeof v);

/** A value that refers to something else (a module by path or reference). */
function isReference(v: NixValue): boolean {
  return v instanceof NixPath || isExpression(v);
}

/** An expression whose value the checker cannot know: `config.x`, raw code, a call that is not a `lib.mk*` property, `a + b`. */
function isExpression(v: NixValue): boolean {
  if (v instanceof NixSelect || v instanceof NixRaw) return true;
  if (v instanceof NixApply) return unwrap(v).length === 1 && unwrap(v)[0] === v;
  // Any other node class (e.g. binary operations) is an expression too.
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !isAttrs(v) && !(v instanceof NixPath) && !(v instanceof NixLambda);
}

/** Whether `v` is of a kind `type` can hold (shallow; used to pick among `X or Y`). */
function accepts(type: OptionType, v: NixValue): boolean {
  const expr = isExpression(v);
  switch (type.k) {
    case 'or': return type.alts.some((a) => accepts(a, v));
    case 'null': return v === null;
    case 'bool': return typeof v === 'boolean';
    case 'int': return typeof v === 'number' && Number.isInteger(v);
    case 'float': return typeof v === 'number';
    case 'str': return typeof v === 'string' || expr;
    case 'path': return v instanceof NixPath || typeof v === 'string' || expr;
    case 'enum': return isAtom(v);
    case 'list': return Array.isArray(v);
    case 'attrs': case 'attrsAny': return isAttrs(v);
    case 'submodule': case 'nixos': return isAttrs(v) || v instanceof NixLambda;
    case 'any': return true;
  }
}

function importsSops(module: Readonly<Record<string, NixValue>>): boolean {
  const imports = module.imports;
  return Array.isArray(imports) && imports.some((m) => m instanceof NixSelect && (m.base === 'sops-nix' || m.attrs.includes('sops')));
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** An option path as NixOS prints it: `fileSystems."/".device`, list elements as `[0]`. */
function show(at: readonly string[]): string {
  let out = '';
  for (const seg of at) {
    if (/^\[\d+\]$/.test(seg)) out += seg;
    else out += (out ? '.' : '') + (IDENT.test(seg) ? seg : JSON.stringify(seg));
  }
  return out || '<module>';
}

function got(v: NixValue): string {
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
  }
  if (Array.isArray(v)) return 'a list';
  if (v instanceof NixPath) return `the path ${v.path}`;
  if (v instanceof NixSelect) return [v.base, ...v.attrs].join('.');
  if (v instanceof NixLambda) return 'a function';
  if (v instanceof NixApply) return 'a function call';
  if (isAttrs(v)) return 'an attribute set';
  return 'an expression';
}

function firstFact(node: OptionNode): NixosOptionFact | undefined {
  if (node.fact) return node.fact;
  for (const child of node.children.values()) {
    const f = firstFact(child);
    if (f) return f;
  }
  return undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
