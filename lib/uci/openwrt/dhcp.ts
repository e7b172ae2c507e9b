/**
 * Typed sections of `/etc/config/dhcp` (dnsmasq): the dnsmasq instance, DHCP
 * pools, static leases and local DNS names.
 *
 * Descriptions follow the OpenWrt user guide "DNS and DHCP configuration";
 * `@default` is what OpenWrt's dnsmasq init script assumes when the option is
 * absent (the shipped `/etc/config/dhcp` turns several of them on).
 *
 * @see https://openwrt.org/docs/guide-user/base-system/dhcp
 * @see https://github.com/openwrt/openwrt/blob/main/package/network/services/dnsmasq/files/dnsmasq.init
 * @see https://thekelleys.org.uk/dnsmasq/docs/dnsmasq-man.html
 * @module
 */
import type { UciSection } from '../section';
import {
  absPath, bool, defineSection, dnsName, Field, ifaceName, int, ipv4, isAddressWithPrefix, isDnsName, list, mac, oneOrList,
  required, text, UciContext,
} from './common';

/** `config dnsmasq`: options of one dnsmasq instance. */
export interface Dnsmasq {
  /**
   * "Tells dnsmasq never to forward queries for plain names, without dots or
   * domain parts, to upstream nameservers" (`--domain-needed`).
   *
   * @default false
   */
  readonly domainneeded?: boolean;

  /**
   * "Reject reverse lookups to private IP ranges where no corresponding entry
   * exists in /etc/hosts" (`--bogus-priv`). Reverse zones with their own
   * `server` entry are still forwarded (dnsmasq checks for a domain server first).
   *
   * @default false
   */
  readonly boguspriv?: boolean;

  /**
   * "Choose IP address to match the incoming interface if multiple addresses
   * are assigned to a host name in /etc/hosts" (`--localise-queries`).
   *
   * @default false
   */
  readonly localise_queries?: boolean;

  /**
   * "Enables DNS rebind attack protection by discarding upstream RFC1918
   * responses" (`--stop-dns-rebind`). Domains served by other private DNS
   * servers must be listed in {@link rebind_domain}.
   *
   * @default true
   */
  readonly rebind_protection?: boolean;

  /**
   * "Allows upstream 127.0.0.0/8 responses, required for DNS based blocklist
   * services, only takes effect if rebind protection is enabled"
   * (`--rebind-localhost-ok`).
   *
   * @default false
   */
  readonly rebind_localhost?: boolean;

  /**
   * "Look up DNS entries for this domain from /etc/hosts. This follows the same
   * syntax as server entries": `/domain/` (`--server=/domain/`, answered
   * locally, never forwarded).
   *
   * @default - none
   */
  readonly local?: string;

  /**
   * "DNS domain handed out to DHCP clients" (`--domain`).
   *
   * @default - none
   */
  readonly domain?: string;

  /**
   * "Add the local domain part to names found in /etc/hosts" (`--expand-hosts`).
   *
   * @default false
   */
  readonly expandhosts?: boolean;

  /**
   * "Force dnsmasq into authoritative mode. This speeds up DHCP leasing. Used
   * if this is the only server on the network" (`--dhcp-authoritative`).
   *
   * @default false
   */
  readonly authoritative?: boolean;

  /**
   * "Read static lease entries from /etc/ethers, re-read on SIGHUP" (`--read-ethers`).
   *
   * @default false
   */
  readonly readethers?: boolean;

  /**
   * "Use the specified file to store DHCP lease information" (`--dhcp-leasefile`).
   *
   * @default - leases are not kept across restarts
   */
  readonly leasefile?: string;

  /**
   * "Specifies an alternative resolv file" with the upstream servers (`--resolv-file`).
   *
   * @default '/tmp/resolv.conf.d/resolv.conf.auto'
   */
  readonly resolvfile?: string;

  /**
   * "Accept DNS queries only from hosts whose address is on a local subnet, ie
   * a subnet for which an interface exists on the server" (`--local-service`).
   * Every interface counts, tunnels included: a WireGuard interface with
   * `10.255.0.1/24` makes `10.255.0.0/24` local. dnsmasq ignores the option
   * when `--interface`, `--except-interface` or `--listen-address` is set.
   *
   * @default false
   */
  readonly localservice?: boolean;

  /**
   * "List of DNS servers to forward requests to": `ip[#port]`, `/domain/ip`
   * for one domain (e.g. another site's), or `/domain/` for a domain answered
   * only locally (`--server`).
   *
   * @default - the servers in {@link resolvfile}
   */
  readonly server?: readonly string[];

  /**
   * "List of domains to allow RFC1918 responses for, only takes effect if
   * rebind protection is enabled" (`--rebind-domain-ok`).
   *
   * @default - none
   */
  readonly rebind_domain?: readonly string[];
}

/** `config dhcp '<name>'`: the DHCP pool of one interface. */
export interface DhcpPool {
  /**
   * "Specifies the interface associated with this DHCP address pool; must be
   * one of the interfaces defined in /etc/config/network."
   */
  readonly interface: string;

  /**
   * "Specifies the offset from the network address of the underlying interface
   * to calculate the minimum address that may be leased to clients. It may be
   * greater than 255 to span subnets."
   *
   * @default 100
   */
  readonly start?: number;

  /**
   * "Specifies the size of the address pool (e.g. with start=100, limit=150,
   * maximum address will be .249)".
   *
   * @default 150
   */
  readonly limit?: number;

  /**
   * "Specifies the lease time of addresses handed out to clients, for example
   * 12h or 30m"; at least 2m, or `infinite`.
   *
   * @default '12h'
   */
  readonly leasetime?: string;

  /**
   * "The ID dhcp_option here must be written with an underscore": options sent
   * to clients, e.g. `6,10.0.100.1` (DNS server) or `option:mtu,1470`.
   *
   * @default - dnsmasq's defaults (itself as router and DNS server)
   */
  readonly dhcp_option?: readonly string[];

  /**
   * "Specifies whether dnsmasq should ignore this pool if set to 1": no DHCP on
   * the interface, DNS still served.
   *
   * @default false
   */
  readonly ignore?: boolean;
}

/** `config host`: a static lease. */
export interface DhcpHost {
  /**
   * "Optional hostname to assign".
   *
   * @default - the name the client sends
   */
  readonly name?: string;

  /** "The hardware address(es) of this host". */
  readonly mac: string | readonly string[];

  /**
   * "The IP address to be used for this host, or ignore to ignore any DHCP
   * request from this host".
   *
   * @default - an address from the pool, still bound to the name
   */
  readonly ip?: string;

  /**
   * "Add static forward and reverse DNS entries for this host".
   *
   * @default false
   */
  readonly dns?: boolean;

  /**
   * "Host-specific lease time, e.g. 2m, 3h, 5d", or `infinite`.
   *
   * @default - the pool's leasetime
   */
  readonly leasetime?: string;
}

/** `config domain`: a local DNS name (`--address=/name/ip`). */
export interface DhcpDomain {
  /** "Hostname to assign" (a bare name gets the dnsmasq {@link Dnsmasq.domain}). */
  readonly name: string;

  /** "IP address to assign". */
  readonly ip: string;
}

/** `12h`, `30m`, `3600` (seconds), `1d`, `2w` - at least 2 minutes - or `infinite`. */
function leasetime(): Field {
  const allowed = 'a duration of at least 2 minutes like "30m", "12h", "7d" (units s, m, h, d, w) or "infinite"';
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  return {
    check: (v, p, o) => {
      if (v === 'infinite') return v;
      const m = typeof v === 'string' ? /^(\d{1,9})([smhdw]?)$/.exec(v) : null;
      if (!m) return p.fail(o, 'invalid lease time', v, allowed);
      return Number(m[1]) * unit[m[2]] >= 120 ? (v as string) : p.fail(o, 'lease time below 2 minutes', v, allowed);
    },
  };
}

/** `/domain[/domain...]/` */
const DOMAINS = /^\/((?:[^/]+\/)+)/;

/** dnsmasq `--server` syntax: `ip[#port]`, `/dom/[ip[#port]]`, `/dom/#`. */
function serverSpec(): Field {
  const allowed = 'an upstream "ip[#port]", "/domain/ip[#port]", "/domain/#" or "/domain/" (local only)';
  const upstream = (s: string) => {
    const [addr, port, ...rest] = s.split('#');
    return rest.length === 0 && isAddressWithPrefix(addr) && !addr.includes('/')
      && (port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535));
  };
  return {
    check: (v, p, o) => {
      if (typeof v !== 'string') return p.fail(o, 'invalid server', v, allowed);
      const m = DOMAINS.exec(v);
      if (!m) return upstream(v) ? v : p.fail(o, 'invalid server', v, allowed);
      const domains = m[1].slice(0, -1).split('/');
      const rest = v.slice(m[0].length);
      const ok = domains.every(isDnsName) && (rest === '' || rest === '#' || upstream(rest));
      return ok ? v : p.fail(o, 'invalid server', v, allowed);
    },
  };
}

export const DNSMASQ = defineSection<Dnsmasq>('dhcp', 'dnsmasq', {
  domainneeded: bool(),
  boguspriv: bool(),
  localise_queries: bool(),
  rebind_protection: bool(),
  rebind_localhost: bool(),
  local: text(/^\/(?:[^/\s]+\/)+$/, 'a domain in slashes, e.g. "/lan/"'),
  domain: dnsName(),
  expandhosts: bool(),
  authoritative: bool(),
  readethers: bool(),
  leasefile: absPath(),
  resolvfile: absPath(),
  localservice: bool(),
  server: list(serverSpec()),
  rebind_domain: list(text(/^(\/(?:[^/\s]+\/)+|[A-Za-z0-9_][A-Za-z0-9_.-]*)$/, 'a domain, e.g. "flat.example.org", or "/d1/d2/"')),
}, (o, p) => {
  if (o.local !== undefined && !o.local.slice(1, -1).split('/').every(isDnsName)) p.fail('local', 'invalid domain', o.local, 'a domain in slashes, e.g. "/lan/"');
});

export const DHCP_POOL = defineSection<DhcpPool>('dhcp', 'dhcp', {
  interface: required(ifaceName()),
  start: int(0, 2 ** 24),
  limit: int(1, 2 ** 24),
  leasetime: leasetime(),
  dhcp_option: list(text(/^\S+$/, 'an option like "6,10.0.0.1" or "option:mtu,1470" without spaces')),
  ignore: bool(),
});

export const HOST = defineSection<DhcpHost>('dhcp', 'host', {
  name: text(/^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/, 'a host name label of letters, digits, "-" and "_" (no dots)'),
  mac: required(oneOrList(mac())),
  ip: { check: (v, p, o) => (v === 'ignore' ? v : ipv4().check(v, p, o)) },
  dns: bool(),
  leasetime: leasetime(),
});

export const DOMAIN = defineSection<DhcpDomain>('dhcp', 'domain', {
  name: required(dnsName()),
  ip: required({ check: (v, p, o) => (isAddressWithPrefix(v) && !String(v).includes('/') ? (v as string) : p.fail(o, 'invalid IP address', v, 'an IPv4 or IPv6 address')) }),
});

/** `config dnsmasq ['<name>']`. */
export function dnsmasq(ctx: UciContext, options: Dnsmasq, name?: string): UciSection {
  return DNSMASQ.build(ctx, options, name);
}

/** `config dhcp '<name>'`: by convention named after the interface. */
export function dhcpPool(ctx: UciContext, name: string, options: DhcpPool): UciSection {
  return DHCP_POOL.build(ctx, options, name);
}

/** `config host ['<name>']`: a static lease. */
export function dhcpHost(ctx: UciContext, options: DhcpHost, name?: string): UciSection {
  return HOST.build(ctx, options, name);
}

/** `config domain ['<name>']`: a local DNS name. */
export function dhcpDomain(ctx: UciContext, options: DhcpDomain, name?: string): UciSection {
  return DOMAIN.build(ctx, options, name);
}
