/**
 * OpenWrt emitter: UCI packages for a router, derived from the model (its
 * networks, DHCP pools, static leases of the hosts, local names, cross-site
 * DNS forwarding, port forwards to the cluster ingress), and its deploy script.
 *
 * Secret values never appear: options that hold one contain a placeholder
 * `@@HOMELAB_SECRET:<name>@@` that `deploy.sh` fills from the environment at
 * deploy time, in a private temporary directory.
 */
import { ResolvedRouter, Model } from '../../model/derive';
import { netmask, parseIPv4 } from '../../model/net';
import { UciOption, UciPackage, UciSection } from './section';

/** The placeholder written in place of a secret value. */
export function secretPlaceholder(name: string): string {
  return `@@HOMELAB_SECRET:${name}@@`;
}

/** Environment variable that `deploy.sh` reads a secret from. */
export function secretEnvName(name: string): string {
  return `HOMELAB_SECRET_${name.toUpperCase().replace(/-/g, '_')}`;
}

const ident = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** Packages replaced whole on deploy; `wireless` is merged to keep radio sections. */
export const MERGED_PACKAGES = new Set(['wireless']);

export function routerPackages(model: Model, r: ResolvedRouter): UciPackage[] {
  return [network(r), dhcp(r), firewall(r), system(r), dropbear(), ...(r.wifi && r.wifi.length > 0 ? [wireless(r)] : [])];
}

function network(r: ResolvedRouter): UciPackage {
  const sections: UciSection[] = [
    { type: 'interface', name: 'loopback', options: [['device', 'lo'], ['proto', 'static'], ['ipaddr', '127.0.0.1'], ['netmask', '255.0.0.0']] },
    { type: 'device', name: 'br_lan', options: [['name', 'br-lan'], ['type', 'bridge'], ['ports', [...r.lanPorts]]] },
  ];
  const tagged = r.nets.filter((n) => n.vlan !== undefined);
  for (const n of tagged) {
    sections.push({ type: 'bridge-vlan', options: [['device', 'br-lan'], ['vlan', n.vlan!], ['ports', r.lanPorts.map((p) => `${p}:t`)]] });
  }
  for (const n of r.nets) {
    sections.push({
      type: 'interface',
      name: ident(n.name),
      options: [['device', n.vlan !== undefined ? `br-lan.${n.vlan}` : 'br-lan'], ['proto', 'static'], ['ipaddr', n.gateway], ['netmask', netmask(n.prefix)]],
    });
  }
  sections.push({ type: 'interface', name: 'wan', options: [['device', r.wanDevice], ['proto', 'dhcp']] });
  sections.push({ type: 'interface', name: 'wan6', options: [['device', r.wanDevice], ['proto', 'dhcpv6']] });
  return { name: 'network', sections };
}

function dhcp(r: ResolvedRouter): UciPackage {
  const first = r.nets[0];
  const dnsmasq: UciOption[] = [
    ['domainneeded', true],
    ['boguspriv', true],
    ['localise_queries', true],
    ['rebind_protection', true],
    ['rebind_localhost', true],
    ['local', `/${first.domain}/`],
    ['domain', first.domain],
    ['expandhosts', true],
    ['authoritative', true],
    ['readethers', true],
    ['leasefile', '/tmp/dhcp.leases'],
    ['resolvfile', '/tmp/resolv.conf.d/resolv.conf.auto'],
    ['localservice', true],
  ];
  // every network's domain is local; other sites' names are forwarded to their routers
  const locals = r.nets.slice(1).map((n) => `/${n.domain}/`);
  const servers = [...locals, ...r.forwards.map((f) => `/${f.domain}/${f.server}`)];
  if (servers.length > 0) dnsmasq.push(['server', servers]);
  const rebindOk = r.forwards.map((f) => f.domain);
  if (rebindOk.length > 0) dnsmasq.push(['rebind_domain', rebindOk]);
  const sections: UciSection[] = [{ type: 'dnsmasq', options: dnsmasq }];
  for (const n of r.nets) {
    if (!n.dhcp) {
      sections.push({ type: 'dhcp', name: ident(n.name), options: [['interface', ident(n.name)], ['ignore', true]] });
      continue;
    }
    const start = parseIPv4(n.dhcp.start)! - n.parsed.network;
    const limit = parseIPv4(n.dhcp.end)! - parseIPv4(n.dhcp.start)! + 1;
    sections.push({ type: 'dhcp', name: ident(n.name), options: [['interface', ident(n.name)], ['start', start], ['limit', limit], ['leasetime', n.dhcp.leaseTime ?? '12h'], ['dhcp_option', [`6,${n.gateway}`]]] });
  }
  sections.push({ type: 'dhcp', name: 'wan', options: [['interface', 'wan'], ['ignore', true]] });
  for (const l of r.leases) sections.push({ type: 'host', options: [['name', l.name], ['mac', l.mac], ['ip', l.ip], ['dns', true]] });
  for (const d of r.localNames) sections.push({ type: 'domain', options: [['name', d.name], ['ip', d.ip]] });
  return { name: 'dhcp', sections };
}

function firewall(r: ResolvedRouter): UciPackage {
  const sections: UciSection[] = [
    { type: 'defaults', options: [['syn_flood', true], ['input', 'REJECT'], ['output', 'ACCEPT'], ['forward', 'REJECT'], ['drop_invalid', true]] },
    { type: 'zone', name: 'lan', options: [['name', 'lan'], ['network', r.nets.map((n) => ident(n.name))], ['input', 'ACCEPT'], ['output', 'ACCEPT'], ['forward', 'ACCEPT']] },
    { type: 'zone', name: 'wan', options: [['name', 'wan'], ['network', ['wan', 'wan6']], ['input', 'REJECT'], ['output', 'ACCEPT'], ['forward', 'REJECT'], ['masq', true], ['mtu_fix', true]] },
    { type: 'forwarding', options: [['src', 'lan'], ['dest', 'wan']] },
    { type: 'rule', options: [['name', 'Allow-DHCP-Renew'], ['src', 'wan'], ['proto', 'udp'], ['dest_port', 68], ['target', 'ACCEPT'], ['family', 'ipv4']] },
    { type: 'rule', options: [['name', 'Allow-Ping'], ['src', 'wan'], ['proto', 'icmp'], ['icmp_type', 'echo-request'], ['family', 'ipv4'], ['target', 'ACCEPT']] },
    { type: 'rule', options: [['name', 'Allow-DHCPv6'], ['src', 'wan'], ['proto', 'udp'], ['dest_port', 546], ['family', 'ipv6'], ['target', 'ACCEPT']] },
    { type: 'rule', options: [['name', 'Allow-ICMPv6-Input'], ['src', 'wan'], ['proto', 'icmp'], ['icmp_type', ['echo-request', 'echo-reply', 'destination-unreachable', 'packet-too-big', 'time-exceeded', 'bad-header', 'unknown-header-type', 'router-solicitation', 'neighbour-solicitation', 'router-advertisement', 'neighbour-advertisement']], ['limit', '1000/sec'], ['family', 'ipv6'], ['target', 'ACCEPT']] },
  ];
  if (r.ingressIP) {
    for (const port of r.forwardPorts) {
      sections.push({ type: 'redirect', options: [['name', `Ingress-${port}`], ['src', 'wan'], ['src_dport', port], ['dest', 'lan'], ['dest_ip', r.ingressIP], ['dest_port', port], ['proto', 'tcp'], ['target', 'DNAT']] });
    }
  }
  return { name: 'firewall', sections };
}

function system(r: ResolvedRouter): UciPackage {
  const opts: UciOption[] = [['hostname', r.name], ['zonename', r.timezone]];
  if (r.timezone === 'UTC') opts.push(['timezone', 'UTC0']);
  opts.push(['log_size', 64], ['ttylogin', false]);
  return {
    name: 'system',
    sections: [
      { type: 'system', options: opts },
      { type: 'timeserver', name: 'ntp', options: [['enabled', true], ['enable_server', false], ['server', ['0.openwrt.pool.ntp.org', '1.openwrt.pool.ntp.org', '2.openwrt.pool.ntp.org', '3.openwrt.pool.ntp.org']]] },
    ],
  };
}

function dropbear(): UciPackage {
  return { name: 'dropbear', sections: [{ type: 'dropbear', options: [['PasswordAuth', 'off'], ['RootPasswordAuth', 'off'], ['Port', 22], ['Interface', 'lan']] }] };
}

function wireless(r: ResolvedRouter): UciPackage {
  return {
    name: 'wireless',
    sections: (r.wifi ?? []).map((w, i) => ({
      type: 'wifi-iface',
      name: `homelab_wifi${i}`,
      options: [['device', w.device ?? 'radio0'], ['mode', 'ap'], ['network', ident(w.network)], ['ssid', w.ssid], ['encryption', w.encryption ?? 'sae-mixed'], ['key', secretPlaceholder(w.keySecret)]] as UciOption[],
    })),
  };
}
