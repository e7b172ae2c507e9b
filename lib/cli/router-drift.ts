/**
 * Drift check for OpenWrt routers: compares the UCI packages we would deploy
 * with the router's live configuration (`uci export`), without ever putting a
 * secret into the result.
 *
 * Behind `npx homelab router diff <router> --from FILE`.
 *
 * @see https://openwrt.org/docs/guide-user/base-system/uci
 * @module
 */
import { isUciSecretOption } from '../uci/openwrt';
import { isSecretOptionName } from '../uci/openwrt/secret-names';
import { toParsed } from '../uci/parse';
import { keptOnDeploy } from '../homelab/router/packages';
import { SECRET_PLACEHOLDER_MARK } from '../core/secrets';
import type { UciPackage, UciParsedOption, UciParsedPackage, UciParsedSection } from '../uci/section';

/** `@@HOMELAB_SECRET:`: the start of every placeholder we write for a secret. */
const PLACEHOLDER_PREFIX = SECRET_PLACEHOLDER_MARK;

/** The secret option names OpenWrt uses; kept with the typed sections (`openwrt/secret-names.ts`). */
export { SECRET_OPTION_NAMES, looksSecret } from '../uci/openwrt/secret-names';

/**
 * How an anonymous section is recognised on both sides: `<package>.<type>`
 * (a trailing `*` matches a type prefix) to the options that identify it.
 * A section that lacks one of them, or whose type is not listed, is matched by
 * position among the sections of its type that have no identity either.
 *
 * | package  | section type             | identity            |
 * |----------|--------------------------|---------------------|
 * | dhcp     | `dhcp` (pool)            | `interface`         |
 * | dhcp     | `host`, `domain`         | `name`              |
 * | dhcp     | `cname`                  | `cname`             |
 * | firewall | `zone`, `rule`, `redirect`, `nat`, `ipset` | `name` |
 * | firewall | `forwarding`             | `src`, `dest`       |
 * | firewall | `include`                | `path`              |
 * | network  | `device`                 | `name`              |
 * | network  | `bridge-vlan`            | `device`, `vlan`    |
 * | network  | `route`, `route6`        | `interface`, `target` |
 * | network  | `wireguard_*` (peers)    | `public_key`        |
 * | wireless | `wifi-iface`             | `device`, `ssid`    |
 */
export const SECTION_IDENTITIES: Readonly<Record<string, readonly string[]>> = {
  'dhcp.dhcp': ['interface'],
  'dhcp.host': ['name'],
  'dhcp.domain': ['name'],
  'dhcp.cname': ['cname'],
  'firewall.zone': ['name'],
  'firewall.rule': ['name'],
  'firewall.redirect': ['name'],
  'firewall.nat': ['name'],
  'firewall.ipset': ['name'],
  'firewall.forwarding': ['src', 'dest'],
  'firewall.include': ['path'],
  'network.device': ['name'],
  'network.bridge-vlan': ['device', 'vlan'],
  'network.route': ['interface', 'target'],
  'network.route6': ['interface', 'target'],
  'network.wireguard_*': ['public_key'],
  'wireless.wifi-iface': ['device', 'ssid'],
};

/**
 * Shortest secret value that also redacts values merely containing it; a
 * shorter one (a WEP key index `1`, say) redacts only values equal to it.
 */
const MIN_CONTAINED_SECRET = 4;

/** Names libuci gives anonymous sections (`uci -n export`, `uci show`): `cfg` + 6 hex digits. */
const AUTO_NAME = /^cfg[0-9a-f]{6}$/;

/** Options for {@link diffRouter}. */
export interface RouterDiffOptions {
  /**
   * More option names whose values are secrets, added to
   * {@link SECRET_OPTION_NAMES} (case-insensitive).
   *
   * @default - only SECRET_OPTION_NAMES, names {@link looksSecret} marks, and options whose model value holds a placeholder
   */
  readonly secretOptions?: readonly string[];

  /**
   * More or different identities, `<package>.<type>` to option names, merged
   * over {@link SECTION_IDENTITIES}; an empty list makes the type positional.
   *
   * @default - SECTION_IDENTITIES
   */
  readonly identities?: Readonly<Record<string, readonly string[]>>;

  /**
   * What the deploy keeps of what only the router has, by package and
   * section type: the section itself, or options the model does not set.
   *
   * @default - keptOnDeploy of the router emitter (sections of types the model does not write, and the board's radios' options)
   */
  readonly kept?: (pkg: string, type: string, modelTypes: ReadonlySet<string>) => { readonly section: boolean; readonly options: boolean };
}

/**
 * A value as the diff shows it. Secrets are never read into it: a secret
 * option is only `secret` (it is set), and a value that equals or contains a
 * secret value seen on the router is `redacted`.
 */
export type RouterDiffValue =
  | { readonly kind: 'option'; readonly value: string }
  | { readonly kind: 'list'; readonly values: readonly string[] }
  | { readonly kind: 'secret'; readonly list: boolean }
  | { readonly kind: 'redacted'; readonly list: boolean };

/** One option of a section only the router has. */
export interface RouterDiffOption {
  readonly name: string;
  readonly value: RouterDiffValue;
}

/** Where a difference is: `path` is `package`, `package.section` or `package.section.option`. */
interface DifferenceBase {
  /** Stable address: the section is its name, `@type[identity]` or `@type[index]`. */
  readonly path: string;
  readonly package: string;
}

/**
 * One difference between the model and the router.
 *
 * - `package-missing`: the model has the package, the router does not.
 * - `section-missing`: a section only in the model.
 * - `section-unknown`: a section only on the router, with its options.
 * - `section-type-changed`: a named section has another type on the router.
 * - `option-missing`: an option only in the model.
 * - `option-unknown`: an option only on the router.
 * - `option-changed`: both have the option with different values (or one
 *   has it as `option`, the other as `list`). Secrets are never compared.
 *
 * `keptOnDeploy` tells whether the next deploy keeps what only the router
 * has (sections of types the model does not write, options of merged types
 * such as the board's radios) or removes it.
 */
export type RouterDifference =
  | (DifferenceBase & { readonly kind: 'package-missing'; readonly sections: number })
  | (DifferenceBase & { readonly kind: 'section-missing'; readonly section: string; readonly type: string })
  | (DifferenceBase & { readonly kind: 'section-unknown'; readonly section: string; readonly type: string; readonly options: readonly RouterDiffOption[]; readonly keptOnDeploy: boolean })
  | (DifferenceBase & { readonly kind: 'section-type-changed'; readonly section: string; readonly model: string; readonly router: string })
  | (DifferenceBase & { readonly kind: 'option-missing'; readonly section: string; readonly option: string; readonly model: RouterDiffValue })
  | (DifferenceBase & { readonly kind: 'option-unknown'; readonly section: string; readonly option: string; readonly router: RouterDiffValue; readonly keptOnDeploy: boolean })
  | (DifferenceBase & { readonly kind: 'option-changed'; readonly section: string; readonly option: string; readonly model: RouterDiffValue; readonly router: RouterDiffValue });

/** The result of {@link diffRouter}. Holds no secret value. */
export interface RouterDiff {
  /** In model package order, then section order, then option order. */
  readonly differences: readonly RouterDifference[];
  /** Live packages the model does not manage: names only, sorted, never compared. */
  readonly unmanagedPackages: readonly string[];
  /** Paths of secret options set on both sides, whose values are not compared. */
  readonly secretsNotCompared: readonly string[];
}

/**
 * Compares what we would deploy with the router's live configuration.
 *
 * Only packages the model has are compared; live packages it does not have
 * are listed by name. Named sections match by name (libuci's generated
 * `cfgXXXXXX` names count as anonymous); anonymous ones by type and the
 * identity options of {@link SECTION_IDENTITIES}, else by position among the
 * sections of their type without identity. Values compare as a UCI loader
 * reads them (`toParsed`: booleans `'1'`/`'0'`, numbers as decimals).
 *
 * Secrets: an option is secret when its name is in
 * {@link SECRET_OPTION_NAMES} or `options.secretOptions`, or looks like a
 * secret's ({@link looksSecret}: `hexpasswd`, `api_token`, `auth_key`, but
 * not `PasswordAuth` or `public_key`), or the package's name does
 * (`secrets`), or the typed
 * OpenWrt layer lists it (`isUciSecretOption(package, type, option)`), or a
 * model option of that name holds a placeholder (`@@HOMELAB_SECRET:`), or
 * either value holds one. Secret options are reported only as set or not
 * set, never compared. Any other value, name or identity that equals a live
 * secret value, or contains one of at least 4 characters, is redacted.
 *
 * @param ours the packages we would deploy (`routerPackages`), with placeholders
 * @param live the router's packages (`parseUciExport` of `uci export`)
 * @throws Error only for an invalid model package (as `renderUciPackage`
 *   does); messages never hold live values
 */
export function diffRouter(ours: readonly UciPackage[], live: readonly UciParsedPackage[], options: RouterDiffOptions = {}): RouterDiff {
  const model = ours.map((p) => toParsed(p));
  const secretNames = new Set((options.secretOptions ?? []).map((n) => n.toLowerCase()));
  for (const p of model) {
    for (const s of p.sections) {
      for (const o of s.options) if (holdsPlaceholder(o.values)) secretNames.add(o.name.toLowerCase());
    }
  }
  const isSecret: IsSecret = (pkg, type, name, ...values) =>
    secretNames.has(name.toLowerCase()) || isSecretOptionName(pkg, name) || isUciSecretOption(pkg, type, name) || values.some((v) => v !== undefined && holdsPlaceholder(v));

  const secretValues = new Set<string>();
  for (const p of live) {
    for (const s of p.sections) {
      for (const o of s.options) {
        if (isSecret(p.name, s.type, o.name, o.values)) for (const v of o.values) if (v !== '') secretValues.add(v);
      }
    }
  }
  const ctx = new Context([...secretValues], isSecret, { ...SECTION_IDENTITIES, ...options.identities }, options.kept ?? keptOnDeploy);

  const liveByName = new Map(live.map((p) => [p.name, p]));
  for (const p of model) {
    const l = liveByName.get(p.name);
    if (l) {
      ctx.diffPackage(p, l);
    } else {
      ctx.differences.push({ kind: 'package-missing', path: ctx.safe(p.name), package: ctx.safe(p.name), sections: p.sections.length });
    }
  }
  const managed = new Set(model.map((p) => p.name));
  const unmanaged = live.filter((p) => !managed.has(p.name)).map((p) => ctx.safe(p.name)).sort(byCodePoint);
  return { differences: ctx.differences, unmanagedPackages: unmanaged, secretsNotCompared: ctx.secretsNotCompared };
}

/**
 * Renders a diff for people: one line per difference in the diff's order,
 * then the live packages not managed, the secrets not compared, and a final
 * summary (`router <name>: N differences` or `router <name>: no differences`).
 *
 * Markers: `+` only on the router, `-` only in the model, `~` differs.
 * Values are JSON strings, lists `["a", "b"]`; secrets show as
 * `set (secret, not compared)`. Deterministic; LF line ends, final newline.
 */
export function formatRouterDiff(diff: RouterDiff, routerName: string): string {
  const lines = diff.differences.map(formatDifference);
  if (diff.unmanagedPackages.length > 0) {
    lines.push(`live packages not managed by the model (not compared): ${diff.unmanagedPackages.join(', ')}`);
  }
  if (diff.secretsNotCompared.length > 0) {
    lines.push(`secret options set on both sides (not compared): ${diff.secretsNotCompared.join(', ')}`);
  }
  const n = diff.differences.length;
  lines.push(`router ${routerName}: ${n === 0 ? 'no differences' : n === 1 ? '1 difference' : `${n} differences`}`);
  return lines.join('\n') + '\n';
}

function formatDifference(d: RouterDifference): string {
  const deploy = (kept: boolean) => (kept ? 'the next deploy keeps it' : 'the next deploy removes it');
  switch (d.kind) {
    case 'package-missing':
      return `- ${d.path}: package not on the router (${d.sections === 1 ? '1 section' : `${d.sections} sections`} in the model)`;
    case 'section-missing':
      return `- ${d.path}: ${d.type} section not on the router`;
    case 'section-unknown': {
      const opts = d.options.map((o) => `${o.name} ${formatValue(o.value)}`).join(', ');
      return `+ ${d.path}: ${d.type} section unknown to the model {${opts === '' ? '' : ` ${opts} `}}; ${deploy(d.keptOnDeploy)}`;
    }
    case 'section-type-changed':
      return `~ ${d.path}: section type: model ${JSON.stringify(d.model)}, router ${JSON.stringify(d.router)}`;
    case 'option-missing':
      return `- ${d.path}: model ${formatValue(d.model)}, not set on the router`;
    case 'option-unknown':
      return `+ ${d.path}: router ${formatValue(d.router)}, not in the model; ${deploy(d.keptOnDeploy)}`;
    case 'option-changed':
      return `~ ${d.path}: model ${formatValue(d.model)}, router ${formatValue(d.router)}`;
  }
}

function formatValue(v: RouterDiffValue): string {
  switch (v.kind) {
    case 'option':
      return JSON.stringify(v.value);
    case 'list':
      return `[${v.values.map((x) => JSON.stringify(x)).join(', ')}]`;
    case 'secret':
      return v.list ? 'set (secret list, not compared)' : 'set (secret, not compared)';
    case 'redacted':
      return v.list ? '(list redacted: holds a secret value)' : '(redacted: holds a secret value)';
  }
}

/** Whether option `name` of a `type` section in package `pkg`, with these values, holds a secret. */
type IsSecret = (pkg: string, type: string, name: string, ...values: (readonly string[] | undefined)[]) => boolean;

function holdsPlaceholder(values: readonly string[]): boolean {
  return values.some((v) => v.includes(PLACEHOLDER_PREFIX));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A section with the key it matches by and the label it is shown as. */
interface KeyedSection {
  readonly section: UciParsedSection;
  readonly key: string;
  readonly label: string;
}

/**
 * Interleaves two keyed sequences: the first in order, each item of the second
 * that has no partner placed after the partner of the item before it (or
 * first). Returns index pairs.
 */
function interleave(first: readonly string[], second: readonly string[]): { a?: number; b?: number }[] {
  const indexInSecond = new Map<string, number>();
  second.forEach((k, i) => indexInSecond.set(k, i));
  const firstIndex = new Map<string, number>();
  first.forEach((k, i) => firstIndex.set(k, i));
  const anchored = new Map<number, number[]>();
  let anchor = -1;
  second.forEach((k, i) => {
    const partner = firstIndex.get(k);
    if (partner !== undefined) {
      anchor = partner;
    } else {
      const list = anchored.get(anchor);
      if (list) list.push(i);
      else anchored.set(anchor, [i]);
    }
  });
  const out: { a?: number; b?: number }[] = (anchored.get(-1) ?? []).map((b) => ({ b }));
  first.forEach((k, a) => {
    out.push({ a, b: indexInSecond.get(k) });
    for (const b of anchored.get(a) ?? []) out.push({ b });
  });
  return out;
}

class Context {
  readonly differences: RouterDifference[] = [];
  readonly secretsNotCompared: string[] = [];

  /** Live secret values, for equality. */
  private readonly secretSet: ReadonlySet<string>;
  /** Those of at least MIN_CONTAINED_SECRET characters, by length, for containment. */
  private readonly containedByLength: ReadonlyMap<number, ReadonlySet<string>>;
  private readonly contained: readonly string[];

  constructor(
    secretValues: readonly string[],
    private readonly isSecret: IsSecret,
    private readonly identities: Readonly<Record<string, readonly string[]>>,
    private readonly kept: (pkg: string, type: string, modelTypes: ReadonlySet<string>) => { readonly section: boolean; readonly options: boolean },
  ) {
    this.secretSet = new Set(secretValues);
    this.contained = secretValues.filter((v) => v.length >= MIN_CONTAINED_SECRET);
    const byLength = new Map<number, Set<string>>();
    for (const v of this.contained) {
      const set = byLength.get(v.length);
      if (set) set.add(v);
      else byLength.set(v.length, new Set([v]));
    }
    this.containedByLength = byLength;
  }

  /**
   * Whether showing `text` could show a live secret value: equal to one, or
   * containing one of at least 4 characters. Costs the smaller of
   * (secrets x text) and (text x distinct secret lengths) per text, so many
   * secrets do not make the diff quadratic.
   */
  tainted(text: string): boolean {
    if (this.secretSet.has(text)) return true;
    if (this.contained.length <= this.containedByLength.size * 4) return this.contained.some((v) => text.includes(v));
    for (const [len, set] of this.containedByLength) {
      for (let i = 0; i + len <= text.length; i++) if (set.has(text.slice(i, i + len))) return true;
    }
    return false;
  }

  /** A name or word from the configuration, or `<redacted>`. */
  safe(text: string): string {
    return this.tainted(text) ? '<redacted>' : text;
  }

  diffPackage(ours: UciParsedPackage, live: UciParsedPackage): void {
    const pkg = this.safe(ours.name);
    const modelTypes = new Set(ours.sections.map((s) => s.type));
    const a = this.keyed(ours);
    const b = this.keyed(live);
    // a label shown twice (a repeated identity, an identity that looks like an index) gets `#2`, `#3`, ...
    const used = new Set<string>();
    const nextSuffix = new Map<string, number>(); // where the search for a free `#n` resumes, per label
    const unique = (label: string) => {
      let out = label;
      let n = nextSuffix.get(label) ?? 2;
      while (used.has(out)) out = `${label}#${n++}`;
      nextSuffix.set(label, n);
      used.add(out);
      return out;
    };
    for (const { a: i, b: j } of interleave(a.map((k) => k.key), b.map((k) => k.key))) {
      const mine = i === undefined ? undefined : a[i];
      const theirs = j === undefined ? undefined : b[j];
      const label = unique((mine ?? theirs)!.label);
      const path = `${pkg}.${label}`;
      if (mine && theirs) {
        if (mine.section.type !== theirs.section.type) {
          this.differences.push({ kind: 'section-type-changed', path, package: pkg, section: label, model: this.safe(mine.section.type), router: this.safe(theirs.section.type) });
        }
        this.diffOptions(ours.name, label, mine.section, theirs.section, this.kept(ours.name, mine.section.type, modelTypes).options);
      } else if (mine) {
        this.differences.push({ kind: 'section-missing', path, package: pkg, section: label, type: this.safe(mine.section.type) });
      } else {
        const s = theirs!.section;
        const options = s.options.map((o) => ({ name: this.safe(o.name), value: this.value(o, this.isSecret(live.name, s.type, o.name, o.values)) }));
        this.differences.push({ kind: 'section-unknown', path, package: pkg, section: label, type: this.safe(s.type), options, keptOnDeploy: this.kept(ours.name, s.type, modelTypes).section });
      }
    }
  }

  private diffOptions(pkgName: string, label: string, ours: UciParsedSection, live: UciParsedSection, kept: boolean): void {
    const pkg = this.safe(pkgName);
    for (const { a: i, b: j } of interleave(ours.options.map((o) => o.name), live.options.map((o) => o.name))) {
      const mine = i === undefined ? undefined : ours.options[i];
      const theirs = j === undefined ? undefined : live.options[j];
      const name = (mine ?? theirs)!.name;
      const option = this.safe(name);
      const where = { path: `${pkg}.${label}.${option}`, package: pkg, section: label, option };
      const secret = this.isSecret(pkgName, ours.type, name, mine?.values, theirs?.values);
      if (mine && theirs) {
        if (secret) {
          this.secretsNotCompared.push(where.path);
        } else if (mine.kind !== theirs.kind || !sameValues(mine.values, theirs.values)) {
          this.differences.push({ kind: 'option-changed', ...where, model: this.value(mine, false), router: this.value(theirs, false) });
        }
      } else if (mine) {
        this.differences.push({ kind: 'option-missing', ...where, model: this.value(mine, secret) });
      } else {
        this.differences.push({ kind: 'option-unknown', ...where, router: this.value(theirs!, secret), keptOnDeploy: kept });
      }
    }
  }

  private value(o: UciParsedOption, secret: boolean): RouterDiffValue {
    const list = o.kind === 'list';
    if (secret) return { kind: 'secret', list };
    if (o.values.some((v) => this.tainted(v))) return { kind: 'redacted', list };
    return list ? { kind: 'list', values: [...o.values] } : { kind: 'option', value: o.values[0] };
  }

  private identityOf(pkg: string, type: string): readonly string[] | undefined {
    const exact = this.identities[`${pkg}.${type}`];
    if (exact) return exact;
    for (const [pattern, ids] of Object.entries(this.identities)) {
      if (pattern.endsWith('*') && `${pkg}.${type}`.startsWith(pattern.slice(0, -1))) return ids;
    }
    return undefined;
  }

  /** Match keys and labels for the sections of one package. */
  private keyed(pkg: UciParsedPackage): KeyedSection[] {
    const typeIndex = new Map<string, number>();
    const seen = new Map<string, number>();
    const next = (m: Map<string, number>, k: string) => {
      const n = m.get(k) ?? 0;
      m.set(k, n + 1);
      return n;
    };
    return pkg.sections.map((section) => {
      const index = next(typeIndex, section.type);
      const type = this.safe(section.type);
      if (section.name !== undefined && !AUTO_NAME.test(section.name)) {
        return { section, key: `name:${section.name}`, label: this.safe(section.name) };
      }
      const ids = this.identityOf(pkg.name, section.type) ?? [];
      const values = ids.map((id) => section.options.find((o) => o.name === id)?.values.join(' ') ?? '');
      if (ids.length > 0 && values.every((v) => v !== '')) {
        const base = `id:${section.type}:${JSON.stringify(values)}`;
        const n = next(seen, base);
        const shown = values.some((v) => this.tainted(v)) ? `${index}` : values.map(showIdentity).join(',');
        return { section, key: `${base}#${n}`, label: `@${type}[${shown}]` };
      }
      const base = `pos:${section.type}`;
      return { section, key: `${base}#${next(seen, base)}`, label: `@${type}[${index}]` };
    });
  }
}

/** An identity value as is when it is plain, else as a JSON string. */
function showIdentity(v: string): string {
  return /^[A-Za-z0-9_.:/+=@-]+$/.test(v) ? v : JSON.stringify(v);
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
