/**
 * Shared machinery of the typed OpenWrt layer: secret references, the
 * section definitions every package module builds on, and the value checks.
 *
 * A section definition lists its options in output order, each with a check.
 * `build()` checks every option given, collects every problem of the section,
 * and throws them together as a {@link HomelabValidationError} whose lines read
 * `[router <name>] <type>.<option>: <what> (got <value>); <allowed>`.
 *
 * @module
 */
import { isIPv6 } from 'net';
import { parseIPv4 } from '../../core/net';
import { HomelabProblem, HomelabValidationError } from '../../core/errors';
import type { UciOption, UciOptionValue, UciSection } from '../section';
import { SECRET_PLACEHOLDER_MARK, secretPlaceholder } from '../../core/secrets';

/** Where sections are built: errors name the router. */
export interface UciContext {
  /** The router the section belongs to (`[router <name>]` in errors). */
  readonly router: string;
}

/**
 * A secret by name. The option renders as {@link secretPlaceholder}, which
 * `deploy.sh` replaces with `$HOMELAB_SECRET_<NAME>` at deploy time; the value
 * never enters the model or the generated files.
 *
 * @example { secret: 'wg-gw-key' }
 */
export interface SecretRef {
  /** The secret's name in the inventory (`[A-Za-z0-9][A-Za-z0-9_-]*`). */
  readonly secret: string;
}

/** Secret names: safe inside the placeholder and as an environment variable name once upper-cased. */
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Collects the problems of one section. */
export class SectionProblems {
  readonly problems: HomelabProblem[] = [];

  constructor(readonly path: string, readonly type: string) {}

  /** Records a problem with option `option`; returns undefined so checks can `return p.fail(...)`. */
  fail(option: string, problem: string, value: unknown, allowed: string): undefined {
    this.problems.push(new HomelabProblem(this.path, `${this.type}.${option}`, problem, value, allowed));
    return undefined;
  }
}

/**
 * Checks one option value and converts it to what the renderer writes;
 * reports problems to `p` under `option` and returns undefined then.
 */
export type Check = (value: unknown, p: SectionProblems, option: string) => UciOptionValue | undefined;

/** How one option is checked. */
export interface Field {
  readonly check: Check;
  /**
   * Set by {@link required}: the section is invalid without it.
   * @default false
   */
  readonly required?: boolean;
  /**
   * Set by {@link secret}: the option holds a secret (rendered as a placeholder).
   * @default false
   */
  readonly secret?: boolean;
}

/** The fields of section options `T`, one per option, in output order. */
export type Fields<T> = { readonly [K in keyof Required<T>]: Field };

/** A section type of one package, with its options in output order. */
export interface SectionDef<T> {
  /** The UCI package, e.g. `firewall`. */
  readonly package: string;
  /** The section type; `wireguard_*` stands for the per-interface peer types. */
  readonly type: string;
  /** Option names in output order. */
  readonly options: readonly string[];
  /** Options that hold a secret. */
  readonly secretOptions: readonly string[];
  /**
   * Checks `options` and returns the section.
   *
   * @param type the concrete section type when {@link SectionDef.type} is a pattern
   * @throws HomelabValidationError with every problem of the section
   */
  build(ctx: UciContext, options: T, name?: string, type?: string): UciSection;
}

/** Section names we emit (what libuci accepts for a named section). */
const SECTION_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Defines a section type: `fields` lists every option of `T` (the compiler
 * checks that none is missing) in output order; `cross` adds checks between
 * options once each option passed its own check.
 */
export function defineSection<T extends object>(
  pkg: string,
  type: string,
  fields: Fields<T>,
  cross?: (o: T, p: SectionProblems) => void,
): SectionDef<T> {
  const entries = Object.entries(fields) as [string, Field][];
  const known = new Set(entries.map(([name]) => name));
  return {
    package: pkg,
    type,
    options: entries.map(([name]) => name),
    secretOptions: entries.filter(([, f]) => f.secret).map(([name]) => name),
    build(ctx: UciContext, options: T, name?: string, concreteType: string = type): UciSection {
      const p = new SectionProblems(`router ${ctx.router}`, concreteType);
      const out: UciOption[] = [];
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        p.fail('*', 'options must be an object', describeValue(options), `an object of ${concreteType} options`);
      } else {
        const given = options as Record<string, unknown>;
        for (const key of Object.keys(given)) {
          if (!known.has(key)) p.fail(key, 'unknown option', key, `one of ${[...known].join(', ')}`);
        }
        for (const [option, field] of entries) {
          const value = given[option];
          if (value === undefined) {
            if (field.required) p.fail(option, 'missing required option', undefined, 'set it');
            continue;
          }
          const checked = field.check(value, p, option);
          // deploy.sh fills placeholders: one in a plain option (an SSID, a description) would carry a secret there
          const plain = field.secret ? [] : [checked].flat().filter((x): x is string => typeof x === 'string');
          const leak = plain.find((x) => x.includes(SECRET_PLACEHOLDER_MARK));
          if (leak !== undefined) p.fail(option, 'holds a secret placeholder outside a secret option', leak, 'secrets only in the options that hold one, as { secret: "<name>" }');
          else if (checked !== undefined) out.push([option, checked]);
        }
        if (p.problems.length === 0 && cross) cross(options, p);
      }
      if (name !== undefined && (typeof name !== 'string' || !SECTION_NAME.test(name))) {
        p.fail('(name)', 'invalid section name', name, 'names match [A-Za-z0-9_]+');
      }
      if (p.problems.length > 0) throw new HomelabValidationError(p.problems);
      return name === undefined ? { type: concreteType, options: out } : { type: concreteType, name, options: out };
    },
  };
}

/** Marks a field as required. */
export function required(field: Field): Field {
  return { ...field, required: true };
}

/** A JSON-safe stand-in for values JSON.stringify cannot show. */
function describeValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return `<${typeof value}>`;
  return value;
}

/** Forbidden in any text value (the serializer rejects them too, with a less specific message). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Any text without control characters; `pattern`/`allowed` narrow it. */
export function text(pattern?: RegExp, allowed = 'text without control characters'): Field {
  return {
    check: (v, p, o) => {
      if (typeof v !== 'string') return p.fail(o, 'expected a string', describeValue(v), allowed);
      if (v === '' || CONTROL.test(v) || (pattern && !pattern.test(v))) return p.fail(o, 'invalid value', v, allowed);
      return v;
    },
  };
}

/** One of `values` (OpenWrt's spelling). */
export function oneOf<V extends string | number>(values: readonly V[], what = 'value', note = ''): Field {
  return {
    check: (v, p, o) => (values as readonly unknown[]).includes(v)
      ? (v as V)
      : p.fail(o, `unknown ${what}`, describeValue(v), `one of ${values.join(', ')}${note}`),
  };
}

/** A boolean, written `1`/`0`. */
export function bool(): Field {
  return { check: (v, p, o) => (typeof v === 'boolean' ? v : p.fail(o, 'expected a boolean', describeValue(v), 'true or false')) };
}

/** An integer in `[min, max]`. */
export function int(min: number, max: number, unit = ''): Field {
  const allowed = `an integer ${min}-${max}${unit ? ` (${unit})` : ''}`;
  return {
    check: (v, p, o) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) return p.fail(o, 'expected an integer', describeValue(v), allowed);
      if (v < min || v > max) return p.fail(o, 'out of range', v, allowed);
      return v;
    },
  };
}

/** A TCP/UDP port 1-65535. */
export function port(): Field {
  return int(1, 65535);
}

/** A port (number) or a range `"a-b"` / `"a:b"` with a <= b, as firewall4's `parse_port` reads it. */
export function portOrRange(): Field {
  const allowed = 'a port 1-65535 or a range "a-b" with a <= b';
  const one = (v: unknown): boolean => {
    if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 65535;
    if (typeof v !== 'string') return false;
    const m = /^(\d{1,5})(?:[-:](\d{1,5}))?$/.exec(v);
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo >= 1 && hi <= 65535 && lo <= hi;
  };
  return {
    check: (v, p, o) => {
      if (Array.isArray(v)) {
        if (v.length === 0) return p.fail(o, 'empty list', v, allowed);
        const bad = v.find((x) => !one(x));
        return bad === undefined ? (v as (string | number)[]) : p.fail(o, 'invalid port', describeValue(bad), allowed);
      }
      return one(v) ? (v as string | number) : p.fail(o, typeof v === 'number' ? 'port out of range' : 'invalid port', describeValue(v), allowed);
    },
  };
}

/** Dotted IPv4 address. */
export function ipv4(): Field {
  return { check: (v, p, o) => (parseIPv4(v) !== undefined ? (v as string) : p.fail(o, 'invalid IPv4 address', describeValue(v), 'a dotted IPv4 address, e.g. "192.168.1.1"')) };
}

/** An IPv4 netmask in dotted form with contiguous ones, e.g. `255.255.255.0`. */
export function netmaskField(): Field {
  return {
    check: (v, p, o) => {
      const n = parseIPv4(v);
      const inverted = n === undefined ? -1 : 2 ** 32 - 1 - n;
      // a netmask's complement is 2^k - 1
      return n !== undefined && (inverted & (inverted + 1)) === 0
        ? (v as string)
        : p.fail(o, 'invalid netmask', describeValue(v), 'a dotted netmask with contiguous ones, e.g. "255.255.255.0"');
    },
  };
}

/** True for `a.b.c.d[/0-32]` or an IPv6 address with an optional `/0-128`. */
export function isAddressWithPrefix(v: unknown, prefixRequired = false): boolean {
  if (typeof v !== 'string') return false;
  const [addr, prefix, ...rest] = v.split('/');
  if (rest.length > 0 || (prefix === undefined && prefixRequired)) return false;
  const v4 = parseIPv4(addr) !== undefined;
  if (!v4 && !isIPv6(addr)) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

/** An IPv4 or IPv6 address with an optional prefix length. */
export function address(prefixRequired = false): Field {
  const allowed = prefixRequired ? 'an address with a prefix length, e.g. "10.0.0.1/24" or "fd00::1/64"' : 'an IPv4 or IPv6 address, optionally with a prefix length';
  return { check: (v, p, o) => (isAddressWithPrefix(v, prefixRequired) ? (v as string) : p.fail(o, 'invalid address', describeValue(v), allowed)) };
}

/** An IPv6 address with an optional prefix length. */
export function ipv6(): Field {
  return {
    check: (v, p, o) => (typeof v === 'string' && isIPv6(v.split('/')[0]) && isAddressWithPrefix(v)
      ? v
      : p.fail(o, 'invalid IPv6 address', describeValue(v), 'an IPv6 address, optionally with a prefix length, e.g. "fd00::1/64"')),
  };
}

/** A MAC address `aa:bb:cc:dd:ee:ff` (either case). */
export function mac(): Field {
  return text(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'a MAC address like "02:00:00:00:00:01"');
}

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$/;

/** True for a DNS name: labels of letters, digits, `-` and `_`, separated by dots, 1-253 characters. */
export function isDnsName(v: unknown): v is string {
  return typeof v === 'string' && DNS_NAME.test(v);
}

/** A DNS name (see {@link isDnsName}). */
export function dnsName(): Field {
  return text(DNS_NAME, 'a DNS name like "nas.home.example.org"');
}

/** An IPv4 address with an optional prefix length, e.g. `192.168.1.1` or `10.0.1.0/24`. */
export function ipv4OrPrefix(): Field {
  return {
    check: (v, p, o) => (typeof v === 'string' && parseIPv4(v.split('/')[0]) !== undefined && isAddressWithPrefix(v)
      ? v
      : p.fail(o, 'invalid IPv4 address', describeValue(v), 'an IPv4 address, optionally with a prefix length, e.g. "192.168.1.1" or "10.0.1.0/24"')),
  };
}

/** A host name or an IP address without prefix. */
export function hostOrAddress(): Field {
  return {
    check: (v, p, o) => ((isAddressWithPrefix(v) && !String(v).includes('/')) || isDnsName(v)
      ? (v as string)
      : p.fail(o, 'invalid host', describeValue(v), 'a host name or an IP address')),
  };
}

/** A logical interface name as netifd and UCI section names allow it. */
export function ifaceName(): Field {
  return text(/^[A-Za-z0-9_]+$/, 'a logical interface name matching [A-Za-z0-9_]+');
}

/** A Linux network device name (at most 15 bytes, no '/', ':' or whitespace). */
export function deviceName(): Field {
  return text(/^(?!\.\.?$)[^\s/:]{1,15}$/, 'a device name of 1-15 characters without "/", ":" or whitespace, e.g. "br-lan" or "eth0.20"');
}

/** An absolute path. */
export function absPath(): Field {
  return text(/^\/[^\s]*$/, 'an absolute path without whitespace');
}

/** A list: every item passes `item`; at least one item. */
export function list(item: Field, min = 1): Field {
  return {
    check: (v, p, o) => {
      if (!Array.isArray(v)) return p.fail(o, 'expected a list', describeValue(v), `an array of ${min}+ items`);
      if (v.length < min) return p.fail(o, 'too few items', v, `at least ${min} item${min === 1 ? '' : 's'}`);
      const out: (string | number)[] = [];
      for (const x of v) {
        const c = item.check(x, p, o);
        if (c === undefined) return undefined;
        if (typeof c === 'boolean' || Array.isArray(c)) return p.fail(o, 'invalid list item', describeValue(x), 'strings or numbers');
        out.push(c as string | number);
      }
      return out;
    },
  };
}

/** A secret by reference ({@link SecretRef}); renders as its placeholder. */
export function secret(): Field {
  return {
    secret: true,
    check: (v, p, o) => {
      if (typeof v === 'string') {
        // never echo what may be the secret itself
        return p.fail(o, 'secret given as a plain value', '<redacted>', 'a secret reference { secret: "<name>" } filled in by deploy.sh');
      }
      const name = (v as Partial<SecretRef> | null)?.secret;
      if (typeof v !== 'object' || v === null || typeof name !== 'string' || !SECRET_NAME.test(name)) {
        return p.fail(o, 'invalid secret reference', typeof v === 'object' ? v : `<${typeof v}>`, 'a secret reference { secret: "<name>" } with a name matching [A-Za-z0-9][A-Za-z0-9_-]*');
      }
      return secretPlaceholder(name);
    },
  };
}

/** A field that accepts a single value or a list of them (`option` vs `list`). */
export function oneOrList(item: Field): Field {
  const many = list(item);
  return { check: (v, p, o) => (Array.isArray(v) ? many.check(v, p, o) : item.check(v, p, o)) };
}
