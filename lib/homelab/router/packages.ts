/**
 * OpenWrt emitter: UCI packages for a router, derived from the model (its
 * networks, DHCP pools, static leases of the hosts, local names, cross-site
 * DNS forwarding, port forwards to the cluster ingress, the WireGuard mesh),
 * built from the typed sections of `./openwrt`, and its deploy script.
 *
 * Secret values never appear: options that hold one contain a placeholder
 * `@@HOMELAB_SECRET:<name>@@` that `deploy.sh` fills from the environment at
 * deploy time, in a private temporary directory.
 */
import { LAN_BRIDGE, ResolvedRouter, Model } from '../../model/derive';
import { isHostIn, netmask, parseIPv4 } from '../../core/net';
import { MESH_TARGET } from '../../model/firewall-rules';
import {
  bridgeVlan, dhcpDomain, dhcpHost, dhcpPool, dnsmasq as dnsmasqSection, dropbearSection, firewallDefaults, firewallForwarding,
  firewallRedirect, firewallRule, firewallZone, networkDevice, networkInterface, SECTION_DEFS, systemSection, timeserver, UciContext,
  wifiDevice, wifiIface, wireguardPeer,
} from '../../uci/openwrt';
import { UciPackage, UciSection } from '../../uci/section';


const ident = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * Section types the deploy merges: the router's own section (the board's radio, with its `type`,
 * `path` and `macaddr`) stays, and the model's options are applied on top of it.
 */
const MERGED_TYPES: Readonly<Record<string, readonly string[]>> = { wireless: ['wifi-device'] };

/**
 * Section types of package `pkg` the model owns: on deploy, every such section on the router is
 * replaced by the model's (a `*` at the end matches a prefix, e.g. `wireguard_*`). Sections of any
 * other type (`globals` with `ula_prefix`, `switch`, `led`, `odhcpd`, the board's radios) are the
 * router's and stay.
 */
export function ownedSectionTypes(pkg: string): string[] {
  return SECTION_DEFS.filter((d) => d.package === pkg && !(MERGED_TYPES[pkg] ?? []).includes(d.type)).map((d) => d.type);
}

/** True when type `type` matches an owned type pattern of {@link ownedSectionTypes}. */
function owned(pkg: string, type: string): boolean {
  return ownedSectionTypes(pkg).some((t) => (t.endsWith('*') ? type.startsWith(t.slice(0, -1)) : t === type));
}

/**
 * What the next deploy keeps of what only the router has: a section of a type the model does not
 * own (`section`; a type the model writes in this package, `modelTypes`, counts as owned unless it
 * is merged), and options the model does not set in a section it writes (`options`: only in
 * merged types such as `wifi-device`).
 */
export function keptOnDeploy(pkg: string, type: string, modelTypes: ReadonlySet<string> = new Set()): { readonly section: boolean; readonly options: boolean } {
  const merged = (MERGED_TYPES[pkg] ?? []).includes(type);
  const section = merged || (!owned(pkg, type) && !modelTypes.has(type));
  return { section, options: section };
}

/** The WireGuard interface of the mesh, and its firewall zone. */
const WG_IFACE = 'wg0';
const VPN_ZONE = 'vpn';

/**
 * The UCI packages of router `r`: network, dhcp, firewall, system, dropbear,
 * and wireless when it has Wi-Fi networks.
 *
 * @throws HomelabValidationError `[router <name>] <type>.<option>: ...` when a
 *   derived value is not valid for OpenWrt
 */
export function routerPackages(model: Model, r: ResolvedRouter): UciPackage[] {
  const at: UciContext = { router: r.name };
  return [network(at, r), dhcp(at, r), firewall(at, r), system(at, r), dropbear(at), wireless(at, r)];
}

function network(at: UciContext, r: ResolvedRouter): UciPackage {
  const sections: UciSection[] = [
    networkInterface(at, 'loopback', { device: 'lo', proto: 'static', ipaddr: '127.0.0.1', netmask: '255.0.0.0' }),
    networkDevice(at, { name: LAN_BRIDGE, type: 'bridge', ports: r.lanPorts }, 'br_lan'),
  ];
  // With any VLAN on the bridge, netifd deletes the default VLAN 1 from the bridge and its ports,
  // so every network (the untagged one too) is a bridge-vlan and its interface sits on br-lan.<vid>
  // (the layout of OpenWrt's DSA configuration); untagged ports are `:u*` (their PVID).
  for (const bv of r.bridgeVlans) {
    sections.push(bridgeVlan(at, { device: LAN_BRIDGE, vlan: bv.vlan, ...(bv.ports.length > 0 ? { ports: bv.ports } : {}) }));
  }
  for (const n of r.nets) {
    sections.push(networkInterface(at, ident(n.name), { device: r.netDevices[n.name], proto: 'static', ipaddr: n.gateway, netmask: netmask(n.prefix) }));
  }
  sections.push(networkInterface(at, 'wan', { device: r.wanDevice, proto: 'dhcp' }));
  sections.push(networkInterface(at, 'wan6', { device: r.wanDevice, proto: 'dhcpv6' }));
  if (r.mesh) {
    sections.push(networkInterface(at, WG_IFACE, {
      proto: 'wireguard', private_key: { secret: r.mesh.privateKeySecret }, listen_port: r.mesh.listenPort, addresses: [r.mesh.address],
    }));
    for (const peer of r.mesh.peers) {
      // route_allowed_ips: the peer's tunnel address and site networks are routed over wg0,
      // which is what carries the cross-site DNS forwarding (dnsmasq `server`) and traffic.
      sections.push(wireguardPeer(at, WG_IFACE, {
        public_key: peer.publicKey,
        allowed_ips: peer.allowedIps,
        route_allowed_ips: true,
        ...(peer.endpoint !== undefined ? { endpoint_host: peer.endpoint, endpoint_port: peer.port } : {}),
        persistent_keepalive: peer.persistentKeepalive,
      }, `wg_${ident(peer.router)}`));
    }
  }
  return { name: 'network', sections };
}

function dhcp(at: UciContext, r: ResolvedRouter): UciPackage {
  const first = r.nets[0];
  // every network's domain is local; other sites' names are forwarded to their routers
  // (its reverse zones too: answered from its own names, never forwarded)
  const locals = [...r.nets.slice(1).map((n) => `/${n.domain}/`), ...r.reverseZones.map((z) => `/${z}/`)];
  const servers = [...locals, ...r.forwards.map((f) => `/${f.domain}/${f.server}`)];
  const rebindOk = r.forwards.map((f) => f.domain);
  const sections: UciSection[] = [dnsmasqSection(at, {
    domainneeded: true,
    boguspriv: true,
    localise_queries: true,
    rebind_protection: true,
    rebind_localhost: true,
    local: `/${first.domain}/`,
    domain: first.domain,
    expandhosts: true,
    authoritative: true,
    readethers: true,
    leasefile: '/tmp/dhcp.leases',
    resolvfile: '/tmp/resolv.conf.d/resolv.conf.auto',
    // --local-service answers hosts on any subnet the router has an interface in
    // (dnsmasq: "a subnet for which an interface exists on the server"). In the
    // mesh, a peer router forwards our domains to our gateway address over wg0
    // from its own tunnel address, which lies in wg0's subnet (the mesh CIDR):
    // local here, so those queries are answered without listing wg0 anywhere.
    localservice: true,
    ...(servers.length > 0 ? { server: servers } : {}),
    // other sites' private answers must pass rebind protection
    ...(rebindOk.length > 0 ? { rebind_domain: rebindOk } : {}),
  })];
  for (const n of r.nets) {
    if (!n.dhcp) {
      sections.push(dhcpPool(at, ident(n.name), { interface: ident(n.name), ignore: true }));
      continue;
    }
    const start = parseIPv4(n.dhcp.start)! - n.parsed.network;
    const limit = parseIPv4(n.dhcp.end)! - parseIPv4(n.dhcp.start)! + 1;
    sections.push(dhcpPool(at, ident(n.name), {
      interface: ident(n.name), start, limit, leasetime: n.dhcp.leaseTime ?? '12h', dhcp_option: [`6,${n.gateway}`],
    }));
  }
  sections.push(dhcpPool(at, 'wan', { interface: 'wan', ignore: true }));
  // Each name is published once, under its own network's domain: `config domain` with the full
  // name (dnsmasq.init writes `<ip> <name>` to its hosts file: the A record and the PTR). A lease
  // with `dns 1` would add `<ip> <name>.<first domain>`, the wrong domain for every other network.
  for (const l of r.leases) sections.push(dhcpHost(at, { name: l.name, mac: l.mac, ip: l.ip }));
  for (const d of r.localNames) sections.push(dhcpDomain(at, { name: d.name, ip: d.ip }));
  return { name: 'dhcp', sections };
}

/** Where each network of a router may open connections: firewall zones, by zone. */
export interface ZonePolicy {
  /** The network's zone (named like the network). */
  readonly zone: string;
  readonly isolated: boolean;
  /** Zones this one forwards to: always `wan`, then other networks' zones and `vpn` (the mesh). */
  readonly forwardsTo: readonly string[];
}

/**
 * The firewall policy of router `r`'s networks: each its own zone; trusted networks reach every
 * other network of the router and the mesh, isolated ones (`isolated: true`) only the internet;
 * `allowTo` replaces either default. Every network reaches the internet.
 */
export function zonePolicies(r: ResolvedRouter): ZonePolicy[] {
  return r.nets.map((n) => {
    const isolated = n.isolated === true;
    const targets = n.allowTo ?? (isolated ? [] : [...r.nets.filter((o) => o.name !== n.name).map((o) => o.name), ...(r.mesh ? [MESH_TARGET] : [])]);
    return {
      zone: ident(n.name),
      isolated,
      forwardsTo: ['wan', ...targets.map((t) => (t === MESH_TARGET ? VPN_ZONE : ident(t)))],
    };
  });
}

function firewall(at: UciContext, r: ResolvedRouter): UciPackage {
  const policies = zonePolicies(r);
  const sections: UciSection[] = [firewallDefaults(at, { syn_flood: true, input: 'REJECT', output: 'ACCEPT', forward: 'REJECT', drop_invalid: true })];
  // one zone per network: an isolated one may not reach the router itself but for DHCP and DNS (rules below)
  for (const z of policies) {
    const policy = z.isolated ? 'REJECT' : 'ACCEPT';
    sections.push(firewallZone(at, { name: z.zone, network: [z.zone], input: policy, output: 'ACCEPT', forward: policy }, z.zone));
  }
  sections.push(firewallZone(at, { name: 'wan', network: ['wan', 'wan6'], input: 'REJECT', output: 'ACCEPT', forward: 'REJECT', masq: true, mtu_fix: true }, 'wan'));
  if (r.mesh) {
    // the other sites' routers answer DNS and route for each other; what may enter the tunnel is decided
    // at its source router by the same policy (an isolated network there never forwards to its vpn zone)
    sections.push(firewallZone(at, { name: VPN_ZONE, network: [WG_IFACE], input: 'ACCEPT', output: 'ACCEPT', forward: 'ACCEPT' }, VPN_ZONE));
  }
  for (const z of policies) for (const dest of z.forwardsTo) sections.push(firewallForwarding(at, { src: z.zone, dest }));
  // from the mesh: the other sites' networks that may reach the mesh reach every network here, as a trusted network here would
  if (r.mesh) for (const z of policies) sections.push(firewallForwarding(at, { src: VPN_ZONE, dest: z.zone }));
  for (const z of policies.filter((p) => p.isolated)) {
    sections.push(
      firewallRule(at, { name: `Allow-${z.zone}-DHCP`, src: z.zone, proto: 'udp', dest_port: 67, family: 'ipv4', target: 'ACCEPT' }),
      firewallRule(at, { name: `Allow-${z.zone}-DNS`, src: z.zone, proto: ['tcp', 'udp'], dest_port: 53, target: 'ACCEPT' }),
    );
  }
  sections.push(
    firewallRule(at, { name: 'Allow-DHCP-Renew', src: 'wan', proto: 'udp', dest_port: 68, target: 'ACCEPT', family: 'ipv4' }),
    firewallRule(at, { name: 'Allow-Ping', src: 'wan', proto: 'icmp', icmp_type: 'echo-request', family: 'ipv4', target: 'ACCEPT' }),
    firewallRule(at, { name: 'Allow-DHCPv6', src: 'wan', proto: 'udp', dest_port: 546, family: 'ipv6', target: 'ACCEPT' }),
    firewallRule(at, {
      name: 'Allow-ICMPv6-Input', src: 'wan', proto: 'icmp',
      icmp_type: ['echo-request', 'echo-reply', 'destination-unreachable', 'packet-too-big', 'time-exceeded', 'bad-header', 'unknown-header-type', 'router-solicitation', 'neighbour-solicitation', 'router-advertisement', 'neighbour-advertisement'],
      limit: '1000/sec', family: 'ipv6', target: 'ACCEPT',
    }),
  );
  if (r.mesh?.endpoint !== undefined) {
    // with the other input rules from wan, before the port forwards; a router without an
    // endpoint only dials out (the replies pass as established traffic), so nothing is opened
    sections.push(firewallRule(at, { name: 'Allow-WireGuard', src: 'wan', proto: 'udp', dest_port: r.mesh.listenPort, target: 'ACCEPT' }));
  }
  if (r.ingressIP) {
    const ip = parseIPv4(r.ingressIP);
    const ingressZone = ident((r.nets.find((n) => ip !== undefined && isHostIn(ip, n.parsed)) ?? r.nets[0]).name);
    for (const port of r.forwardPorts) {
      sections.push(firewallRedirect(at, { name: `Ingress-${port}`, src: 'wan', src_dport: port, dest: ingressZone, dest_ip: r.ingressIP, dest_port: port, proto: 'tcp', target: 'DNAT' }));
    }
  }
  return { name: 'firewall', sections };
}

function system(at: UciContext, r: ResolvedRouter): UciPackage {
  return {
    name: 'system',
    sections: [
      systemSection(at, { hostname: r.name, zonename: r.timezone, ...(r.timezone === 'UTC' ? { timezone: 'UTC0' } : {}), log_size: 64, ttylogin: false }),
      timeserver(at, { enabled: true, enable_server: false, server: ['0.openwrt.pool.ntp.org', '1.openwrt.pool.ntp.org', '2.openwrt.pool.ntp.org', '3.openwrt.pool.ntp.org'] }),
    ],
  };
}

function dropbear(at: UciContext): UciPackage {
  return { name: 'dropbear', sections: [dropbearSection(at, { PasswordAuth: 'off', RootPasswordAuth: 'off', Port: 22, Interface: 'lan' })] };
}

/**
 * The radios the model names, enabled, and its wireless networks. Always emitted, also without
 * Wi-Fi: the deploy removes every `wifi-iface` the model does not declare (OpenWrt's open
 * `default_radio0` too), while the board's radios keep their hardware options.
 */
function wireless(at: UciContext, r: ResolvedRouter): UciPackage {
  return {
    name: 'wireless',
    sections: [
      ...r.radios.map((radio) => wifiDevice(at, radio.name, { band: radio.band, channel: radio.channel, country: radio.country, disabled: false })),
      ...(r.wifi ?? []).map((w, i) => wifiIface(at, {
        device: w.device ?? 'radio0', mode: 'ap', network: ident(w.network), ssid: w.ssid, encryption: w.encryption ?? 'sae-mixed', key: { secret: w.keySecret },
      }, `homelab_wifi${i}`)),
    ],
  };
}
