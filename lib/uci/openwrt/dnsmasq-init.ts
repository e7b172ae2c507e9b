/**
 * How OpenWrt's `/etc/init.d/dnsmasq` turns `/etc/config/dhcp` into dnsmasq's
 * configuration, as a table: which option of which section becomes which
 * dnsmasq line. It covers every option the typed layer (`./dhcp`) writes, so a
 * test can start a real dnsmasq with exactly what a router would run
 * (`test/homelab/router/dnsmasq-e2e.test.ts`). A new option in `./dhcp` without
 * a row here makes {@link translateDhcpPackage} throw.
 *
 * Transcribed from dnsmasq.init (`dnsmasq_start`, `append_bool`,
 * `append_parm`, `dhcp_host_add`, `dhcp_domain_add`, `dhcp_add`): booleans are
 * written only when true (`rebind_protection` is on unless `0`), `local` is
 * `--local` (dnsmasq's synonym of `--server`), `host` sections become
 * `--dhcp-host=<mac>,<ip>,<name>` and, with `dns 1`, a line
 * `<ip> <name>.<domain>` of the instance's hosts file; `domain` sections a
 * line `<ip> <name>`.
 *
 * @see https://github.com/openwrt/openwrt/blob/main/package/network/services/dnsmasq/files/dnsmasq.init
 * @module
 */
import type { UciParsedPackage, UciParsedSection } from '../section';
import { bug, fail } from '../../core/errors';

/** How one `config dnsmasq` option reaches dnsmasq. */
export type DnsmasqInitRow =
  /** `append_bool`: `--<flag>` when the option is 1 (or when absent and `default` is true). */
  | { readonly kind: 'bool'; readonly flag: string; readonly default?: boolean }
  /** `append_parm`: `--<flag>=<value>`; `default` when absent. */
  | { readonly kind: 'parm'; readonly flag: string; readonly default?: string }
  /** `config_list_foreach`: one `--<flag>=<item>` per item. */
  | { readonly kind: 'list'; readonly flag: string }
  /** Handled together with another option (see `note`). */
  | { readonly kind: 'with'; readonly note: string };

/** `config dnsmasq` options, as dnsmasq.init's `dnsmasq_start` reads them. */
export const DNSMASQ_INIT_OPTIONS: Readonly<Record<string, DnsmasqInitRow>> = {
  authoritative: { kind: 'bool', flag: 'dhcp-authoritative' },
  domainneeded: { kind: 'bool', flag: 'domain-needed' },
  boguspriv: { kind: 'bool', flag: 'bogus-priv' },
  localise_queries: { kind: 'bool', flag: 'localise-queries' },
  readethers: { kind: 'bool', flag: 'read-ethers' },
  expandhosts: { kind: 'bool', flag: 'expand-hosts' },
  localservice: { kind: 'bool', flag: 'local-service' },
  nonwildcard: { kind: 'bool', flag: 'bind-dynamic', default: true },
  noresolv: { kind: 'bool', flag: 'no-resolv' },
  domain: { kind: 'parm', flag: 'domain' },
  local: { kind: 'parm', flag: 'local' },
  server: { kind: 'list', flag: 'server' },
  leasefile: { kind: 'parm', flag: 'dhcp-leasefile', default: '/tmp/dhcp.leases' },
  resolvfile: { kind: 'with', note: '--resolv-file=<value> (default /tmp/resolv.conf.d/resolv.conf.auto) unless noresolv is 1' },
  rebind_protection: { kind: 'with', note: '--stop-dns-rebind unless 0; then rebind_localhost 1 adds --rebind-localhost-ok and each rebind_domain --rebind-domain-ok=<domain>' },
  rebind_localhost: { kind: 'with', note: 'see rebind_protection' },
  rebind_domain: { kind: 'with', note: 'see rebind_protection' },
};

/** What dnsmasq.init makes of a `dhcp` package for one dnsmasq instance. */
export interface DnsmasqInitResult {
  /** dnsmasq options, one per line of its generated configuration (without the leading `--`). */
  readonly options: readonly string[];
  /** Lines of the instance's hosts file (`/tmp/hosts/dhcp.<instance>`). */
  readonly hosts: readonly string[];
  /** `dhcp` pool sections: dnsmasq.init needs the interface's address to write `--dhcp-range`, so they are listed, not translated. */
  readonly pools: readonly string[];
}

const values = (s: UciParsedSection, name: string): readonly string[] | undefined => s.options.find((o) => o.name === name)?.values;
const one = (s: UciParsedSection, name: string): string | undefined => values(s, name)?.[0];
const truthy = (v: string | undefined): boolean => v !== undefined && ['1', 'on', 'true', 'yes', 'enabled'].includes(v);

/**
 * The dnsmasq configuration dnsmasq.init writes for the (single) `config
 * dnsmasq` section of `pkg`, with its `host` and `domain` sections. Leaves out
 * what depends on the running router (`--interface`, `--addn-hosts` of its
 * hosts directory, `--conf-dir`, `--user`, ubus) rather than guess it.
 *
 * @throws HomelabValidationError for an option or section type this table does not know
 */
export function translateDhcpPackage(pkg: UciParsedPackage): DnsmasqInitResult {
  const instances = pkg.sections.filter((s) => s.type === 'dnsmasq');
  if (instances.length !== 1) fail(`uci ${pkg.name}`, 'UciPackage.sections', 'not exactly one dnsmasq section', instances.length, 'one section of type dnsmasq');
  const [cfg] = instances;
  const options: string[] = [];
  for (const o of cfg.options) {
    if (!(o.name in DNSMASQ_INIT_OPTIONS)) bug('dnsmasq.init table', 'DNSMASQ_INIT_OPTIONS', 'no row for this dnsmasq option', o.name, 'a row for it in the table');
  }
  for (const [name, row] of Object.entries(DNSMASQ_INIT_OPTIONS)) {
    const v = values(cfg, name);
    if (row.kind === 'bool' && (v === undefined ? row.default === true : truthy(v[0]))) options.push(row.flag);
    if (row.kind === 'parm' && (v?.[0] ?? row.default) !== undefined) options.push(`${row.flag}=${v?.[0] ?? row.default}`);
    if (row.kind === 'list') for (const item of v ?? []) options.push(`${row.flag}=${item}`);
  }
  if (!truthy(one(cfg, 'noresolv'))) options.push(`resolv-file=${one(cfg, 'resolvfile') ?? '/tmp/resolv.conf.d/resolv.conf.auto'}`);
  if (one(cfg, 'rebind_protection') === undefined || truthy(one(cfg, 'rebind_protection'))) {
    options.push('stop-dns-rebind');
    if (truthy(one(cfg, 'rebind_localhost'))) options.push('rebind-localhost-ok');
    for (const d of values(cfg, 'rebind_domain') ?? []) options.push(`rebind-domain-ok=${d}`);
  }
  const domain = one(cfg, 'domain');
  const hosts: string[] = [];
  const pools: string[] = [];
  for (const s of pkg.sections) {
    if (s.type === 'dnsmasq') continue;
    if (s.type === 'host') {
      const [name, ip, macs] = [one(s, 'name'), one(s, 'ip'), values(s, 'mac')];
      if (truthy(one(s, 'dns')) && ip !== undefined && name !== undefined) hosts.push(`${ip} ${name}${domain ? `.${domain}` : ''}`);
      options.push(`dhcp-host=${[(macs ?? []).join(','), ip, name].filter((x) => x !== undefined && x !== '').join(',')}`);
    } else if (s.type === 'domain') {
      const [names, ip] = [values(s, 'name'), one(s, 'ip')];
      if (names && ip !== undefined) hosts.push(`${ip} ${names.join(' ')}`);
    } else if (s.type === 'dhcp') {
      pools.push(s.name ?? '(anonymous)');
    } else {
      bug('dnsmasq.init table', 'translateDhcpPackage', 'no translation for this section type', s.type, 'a translation for it');
    }
  }
  return { options, hosts, pools };
}
