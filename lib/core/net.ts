/** IPv4 and MAC helpers. Pure functions, no host state. */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses dotted IPv4 to an unsigned 32-bit integer, or undefined when invalid. */
export function parseIPv4(s: unknown): number | undefined {
  if (typeof s !== 'string' || !IPV4.test(s)) return undefined;
  return s.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Whether `ip` lies in the inclusive range `start`-`end` (false when any is not an IPv4 address). */
export function isIPv4InRange(ip: string, start: string, end: string): boolean {
  const [n, a, b] = [parseIPv4(ip), parseIPv4(start), parseIPv4(end)];
  return n !== undefined && a !== undefined && b !== undefined && n >= a && n <= b;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  readonly network: number;
  readonly prefix: number;
  readonly size: number;
}

/** Parses `a.b.c.d/n` with host bits zero, or undefined when invalid. */
export function parseCidr(s: unknown): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const ip = parseIPv4(m[1]);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return undefined;
  return { network: ip, prefix, size };
}

/** True when `ip` is a usable host address of `cidr` (not the network or broadcast address for prefixes < 31). */
export function isHostIn(ip: number, cidr: Cidr): boolean {
  if (ip < cidr.network || ip >= cidr.network + cidr.size) return false;
  if (cidr.prefix >= 31) return true;
  return ip !== cidr.network && ip !== cidr.network + cidr.size - 1;
}

/** Netmask in dotted form, e.g. 255.255.255.0. */
export function netmask(prefix: number): string {
  return formatIPv4(prefix === 0 ? 0 : (2 ** 32 - 2 ** (32 - prefix)));
}

/**
 * The `in-addr.arpa` zones of a network's reverse names: one per /24 it covers, or one per /16 for a
 * network of /16 or larger (a /22 gives four /24 zones; a network smaller than a /24 gives the zone of
 * its /24). A zone is never wider than that: `10.in-addr.arpa` for a /22 would swallow every other
 * network in 10.0.0.0/8 wherever it is forwarded.
 */
export function reverseZones(cidr: Cidr): string[] {
  const unit = cidr.prefix <= 16 ? 16 : 24;
  const step = 2 ** (32 - unit);
  const count = cidr.prefix >= unit ? 1 : 2 ** (unit - cidr.prefix);
  const base = Math.floor(cidr.network / step) * step;
  return Array.from({ length: count }, (_, i) => `${formatIPv4(base + i * step).split('.').slice(0, unit / 8).reverse().join('.')}.in-addr.arpa`);
}

/** True when DNS name `a` is `b` or lies below it (whole labels: `1.0.10.in-addr.arpa` is below `0.10.in-addr.arpa`, `x10.in-addr.arpa` is not below `10.in-addr.arpa`). */
export function isSameOrBelow(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`);
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function isMac(s: unknown): s is string {
  return typeof s === 'string' && MAC.test(s);
}

/** DNS-1123 label: lowercase alphanumerics and '-', 1-63 chars, alphanumeric at both ends. */
export function isDnsLabel(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s);
}

/** A fully qualified DNS name made of DNS labels, at least two. */
export function isFqdn(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 253 && s.split('.').length >= 2 && s.split('.').every(isDnsLabel);
}

/** An email address as oauth2-proxy and ACME take it: one "@", a dot in the domain, no spaces or commas. */
export function isEmail(s: unknown): s is string {
  // a local part of at most 64 characters (RFC 5321) at a domain a resolver can look up
  return typeof s === 'string' && s.length <= 254 && /^[^\s@,]{1,64}@[^\s@,]+\.[^\s@,]+$/.test(s) && isResolvableHost(s.slice(s.indexOf('@') + 1));
}

/** A host name a resolver can look up (RFC 1035: labels of 1-63 characters, at most 253 in all), or an IP literal. */
export function isResolvableHost(host: string): boolean {
  if (host.startsWith('[')) return true;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return name.length >= 1 && name.length <= 253 && name.split('.').every((l) => l.length >= 1 && l.length <= 63);
}
