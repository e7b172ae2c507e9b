/**
 * The reference homelab's router packages, read back the way a UCI loader
 * reads them (render, then parseUci): the WireGuard mesh between gw and
 * flat-gw, its firewall zone and rules, cross-site DNS forwarding over the
 * tunnel, and secrets only as placeholders.
 */
import { inventory } from '../../../apps/inventory';
import { isUciSecretOption, parseUci, renderUciPackage, toParsed, UciParsedPackage, UciParsedSection } from '../../../lib/uci';
import { routerPackages } from '../../../lib/homelab/router/packages';
import { deriveModel, Model } from '../../../lib/model/derive';
import { parseCidr, parseIPv4, reverseZones } from '../../../lib/core/net';

/** Every package of router `name`, rendered and parsed back the way a UCI loader reads the file. */
function packagesOf(model: Model, name: string): Record<string, UciParsedPackage> {
  const r = model.routers.find((x) => x.name === name)!;
  return Object.fromEntries(routerPackages(model, r).map((pkg) => [pkg.name, parseUci(renderUciPackage(pkg, `routers/${name}`), { package: pkg.name })]));
}

const ofType = (pkg: UciParsedPackage, type: string) => pkg.sections.filter((s) => s.type === type);
const named = (pkg: UciParsedPackage, name: string) => pkg.sections.find((s) => s.name === name);
/** The option as `kind:values`, e.g. `list:a,b`; undefined when absent. */
const opt = (s: UciParsedSection | undefined, name: string) => s?.options.find((o) => o.name === name);
const val = (s: UciParsedSection | undefined, name: string) => opt(s, name)?.values;
/** Options of a section as a name -> first value record (for single-valued sections). */
const flat = (s: UciParsedSection) => Object.fromEntries(s.options.map((o) => [o.name, o.kind === 'list' ? o.values : o.values[0]]));

const model = deriveModel(inventory);
const gw = packagesOf(model, 'gw');
const flatGw = packagesOf(model, 'flat-gw');

/** True when IPv4 `ip` lies in `cidr` (host bits of cidr ignored). */
function inCidr(ip: string, cidr: string): boolean {
  const [addr, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const net = Math.floor(parseIPv4(addr)! / size) * size;
  const n = parseIPv4(ip)!;
  return n >= net && n < net + size;
}

describe('router packages', () => {
  test('every package round-trips through the UCI parser', () => {
    for (const m of [model, deriveModel({ ...inventory, wireguard: undefined })]) {
      for (const r of m.routers) {
        for (const pkg of routerPackages(m, r)) {
          expect(parseUci(renderUciPackage(pkg, 'x'), { package: pkg.name })).toEqual(toParsed(pkg));
        }
      }
    }
  });

  test('synthesize the same bytes twice', () => {
    for (const r of model.routers) {
      const once = routerPackages(model, r).map((p) => renderUciPackage(p, 'x'));
      const again = routerPackages(deriveModel(inventory), r).map((p) => renderUciPackage(p, 'x'));
      expect(again).toEqual(once);
    }
  });
});

describe('packages the mesh does not touch', () => {
  test('keep their exact text', () => {
    const r = model.routers.find((x) => x.name === 'gw')!;
    const text = Object.fromEntries(routerPackages(model, r).map((p) => [p.name, renderUciPackage(p)]));
    expect(text.wireless).toBe([
      'package wireless', '', "config wifi-device 'radio0'", "\toption band '2g'", "\toption channel 'auto'", "\toption country 'DE'", "\toption disabled '0'", '',
      "config wifi-iface 'homelab_wifi0'", "\toption device 'radio0'", "\toption mode 'ap'", "\toption network 'lan'",
      "\toption ssid 'homelab'", "\toption encryption 'sae-mixed'", "\toption key '@@HOMELAB_SECRET:wifi-psk@@'", '',
    ].join('\n'));
    expect(text.dropbear).toBe([
      'package dropbear', '', 'config dropbear', "\toption PasswordAuth 'off'", "\toption RootPasswordAuth 'off'", "\toption Port '22'", "\toption Interface 'lan'", '',
    ].join('\n'));
    expect(text.system).toBe([
      'package system', '', 'config system', "\toption hostname 'gw'", "\toption zonename 'UTC'", "\toption timezone 'UTC0'", "\toption log_size '64'", "\toption ttylogin '0'",
      '', "config timeserver 'ntp'", "\toption enabled '1'", "\toption enable_server '0'",
      ...[0, 1, 2, 3].map((i) => `\tlist server '${i}.openwrt.pool.ntp.org'`), '',
    ].join('\n'));
  });
});

describe('WireGuard mesh: network', () => {
  test('gw has wg0 with its private key as a placeholder, its port and tunnel address', () => {
    // GIVEN the reference homelab (gw at 10.255.0.1 in 10.255.0.0/24); WHEN its network package is read back
    const wg0 = named(gw.network, 'wg0')!;
    // THEN
    expect(wg0.type).toBe('interface');
    expect(flat(wg0)).toEqual({
      proto: 'wireguard',
      private_key: '@@HOMELAB_SECRET:wg-gw-key@@',
      listen_port: '51820',
      addresses: ['10.255.0.1/24'],
    });
    expect(opt(wg0, 'addresses')!.kind).toBe('list');
  });

  test('gw has one peer, flat-gw: its tunnel address and network routed over wg0, no endpoint (it dials in)', () => {
    const peers = ofType(gw.network, 'wireguard_wg0');
    expect(peers.map((p) => p.name)).toEqual(['wg_flat_gw']);
    const [peer] = peers;
    expect(opt(peer, 'allowed_ips')).toEqual({ name: 'allowed_ips', kind: 'list', values: ['10.255.0.2/32', '10.0.1.0/24'] });
    expect(val(peer, 'public_key')).toEqual(['sTvytGxCEXI9IWGnJgIb7ioCele6glkoZwezGN6lbw8=']);
    expect(val(peer, 'route_allowed_ips')).toEqual(['1']);
    expect(val(peer, 'persistent_keepalive')).toEqual(['25']);
    // nothing on the router reads a peer description (wireguard.sh does not): none is written
    expect(opt(peer, 'description')).toBeUndefined();
    expect(opt(peer, 'endpoint_host')).toBeUndefined();
    expect(opt(peer, 'endpoint_port')).toBeUndefined();
  });

  test('flat-gw has one peer, gw, reached at vpn.example.org:51820, routing all of home\'s networks', () => {
    const peers = ofType(flatGw.network, 'wireguard_wg0');
    expect(peers.map((p) => p.name)).toEqual(['wg_gw']);
    const [peer] = peers;
    expect(val(peer, 'endpoint_host')).toEqual(['vpn.example.org']);
    expect(val(peer, 'endpoint_port')).toEqual(['51820']);
    expect(opt(peer, 'allowed_ips')).toEqual({ name: 'allowed_ips', kind: 'list', values: ['10.255.0.1/32', '10.0.100.0/24', '10.0.20.0/24'] });
    expect(val(peer, 'route_allowed_ips')).toEqual(['1']);
    expect(val(named(flatGw.network, 'wg0'), 'addresses')).toEqual(['10.255.0.2/24']);
    expect(val(named(flatGw.network, 'wg0'), 'private_key')).toEqual(['@@HOMELAB_SECRET:wg-flat-gw-key@@']);
  });

  test('the mesh sections come after the existing interfaces', () => {
    const order = gw.network.sections.map((s) => s.name ?? s.type);
    expect(order.slice(-4)).toEqual(['wan', 'wan6', 'wg0', 'wg_flat_gw']);
  });
});

describe('WireGuard mesh: firewall', () => {
  test.each([['gw'], ['flat-gw']])('%s: zone vpn on wg0 accepts, lan and vpn forward to each other, isolated iot only to wan', (name) => {
    const fw = name === 'gw' ? gw.firewall : flatGw.firewall;
    const vpn = ofType(fw, 'zone').find((z) => val(z, 'name')?.[0] === 'vpn')!;
    expect(flat(vpn)).toEqual({ name: 'vpn', network: ['wg0'], input: 'ACCEPT', output: 'ACCEPT', forward: 'ACCEPT' });
    expect(opt(vpn, 'masq')).toBeUndefined();
    const forwardings = ofType(fw, 'forwarding').map((f) => `${val(f, 'src')![0]}->${val(f, 'dest')![0]}`);
    expect(forwardings).toEqual(name === 'gw' ? ['lan->wan', 'lan->iot', 'lan->vpn', 'iot->wan', 'vpn->lan', 'vpn->iot'] : ['lan->wan', 'lan->vpn', 'vpn->lan']);
  });

  test('flat-gw has no endpoint (it only dials out): nothing is opened on wan for WireGuard', () => {
    const rules = ofType(flatGw.firewall, 'rule');
    expect(rules.map((r) => val(r, 'name')![0])).toEqual(['Allow-DHCP-Renew', 'Allow-Ping', 'Allow-DHCPv6', 'Allow-ICMPv6-Input']);
    expect(rules.some((r) => val(r, 'dest_port')?.[0] === '51820')).toBe(false);
  });

  test.each([['gw']])('%s: Allow-WireGuard opens the listen port from wan, after the other wan rules and before the port forwards', (name) => {
    const fw = gw.firewall;
    const rules = ofType(fw, 'rule');
    const wg = rules.find((r) => val(r, 'name')?.[0] === 'Allow-WireGuard')!;
    expect(flat(wg)).toEqual({ name: 'Allow-WireGuard', src: 'wan', proto: 'udp', dest_port: '51820', target: 'ACCEPT' });
    expect(rules.map((r) => val(r, 'name')![0])).toEqual([...(name === 'gw' ? ['Allow-iot-DHCP', 'Allow-iot-DNS'] : []), 'Allow-DHCP-Renew', 'Allow-Ping', 'Allow-DHCPv6', 'Allow-ICMPv6-Input', 'Allow-WireGuard']);
    // section order: defaults, zones, forwardings, rules, redirects
    const kinds = fw.sections.map((s) => s.type).filter((t, i, all) => all.indexOf(t) === i);
    expect(kinds).toEqual(name === 'gw' ? ['defaults', 'zone', 'forwarding', 'rule', 'redirect'] : ['defaults', 'zone', 'forwarding', 'rule']);
    const lastRule = fw.sections.lastIndexOf(rules[rules.length - 1]);
    expect(fw.sections.slice(lastRule + 1).every((s) => s.type === 'redirect')).toBe(true);
  });

  test('a router outside the mesh gets no wg0, vpn zone or WireGuard rule', () => {
    // GIVEN the reference homelab without the mesh
    const noMesh = deriveModel({ ...inventory, wireguard: undefined });
    // WHEN
    const pkgs = packagesOf(noMesh, 'gw');
    // THEN
    expect(named(pkgs.network, 'wg0')).toBeUndefined();
    expect(pkgs.network.sections.some((s) => s.type.startsWith('wireguard_'))).toBe(false);
    expect(ofType(pkgs.firewall, 'zone').map((z) => val(z, 'name')![0])).toEqual(['lan', 'iot', 'wan']);
    expect(ofType(pkgs.firewall, 'forwarding').map((f) => `${val(f, 'src')![0]}->${val(f, 'dest')![0]}`)).toEqual(['lan->wan', 'lan->iot', 'iot->wan']);
    expect(ofType(pkgs.firewall, 'rule').map((r) => val(r, 'name')![0])).not.toContain('Allow-WireGuard');
  });
});

describe('WireGuard mesh: DNS across sites', () => {
  const routers = [['gw', gw], ['flat-gw', flatGw]] as const;

  test.each(routers)('%s forwards every other site\'s domain and reverse zone to that site\'s router, and lets the answers through rebind protection', (name, pkgs) => {
    const r = model.routers.find((x) => x.name === name)!;
    const dnsmasq = ofType(pkgs.dhcp, 'dnsmasq')[0];
    const servers = val(dnsmasq, 'server')!;
    const rebindOk = val(dnsmasq, 'rebind_domain')!;
    const others = model.networks.filter((n) => n.site !== r.site);
    expect(others.length).toBeGreaterThan(0);
    for (const n of others) {
      expect(servers).toContain(`/${n.domain}/${n.gateway}`);
      for (const z of reverseZones(parseCidr(n.cidr)!)) expect(servers).toContain(`/${z}/${n.gateway}`);
      expect(rebindOk).toContain(n.domain);
    }
  });

  test('both directions: gw asks flat-gw about flat, flat-gw asks gw about home and iot', () => {
    expect(val(ofType(gw.dhcp, 'dnsmasq')[0], 'server')).toEqual(expect.arrayContaining(['/flat.example.org/10.0.1.1', '/1.0.10.in-addr.arpa/10.0.1.1']));
    expect(val(ofType(flatGw.dhcp, 'dnsmasq')[0], 'server')).toEqual(expect.arrayContaining([
      '/home.example.org/10.0.100.1', '/100.0.10.in-addr.arpa/10.0.100.1', '/iot.home.example.org/10.0.20.1', '/20.0.10.in-addr.arpa/10.0.20.1',
    ]));
  });

  test.each(routers)('%s: every forwarded-to DNS server is routed over wg0 (inside a peer\'s allowed_ips)', (_name, pkgs) => {
    const allowed = ofType(pkgs.network, 'wireguard_wg0').flatMap((p) => val(p, 'allowed_ips')!);
    const servers = val(ofType(pkgs.dhcp, 'dnsmasq')[0], 'server')!.map((s) => s.split('/')[2]).filter((ip) => ip !== '');
    expect(servers.length).toBeGreaterThan(0);
    for (const ip of servers) expect(allowed.some((c) => inCidr(ip, c))).toBe(true);
  });

  test.each(routers)('%s answers its peers: localservice is on and each peer\'s tunnel address is in wg0\'s subnet', (_name, pkgs) => {
    // dnsmasq --local-service answers sources on a subnet of one of the router's interfaces;
    // a peer forwards from its wg0 address (the /32 in allowed_ips), so that must be in our wg0 subnet
    expect(val(ofType(pkgs.dhcp, 'dnsmasq')[0], 'localservice')).toEqual(['1']);
    const ownTunnel = val(named(pkgs.network, 'wg0'), 'addresses')![0];
    const peerTunnels = ofType(pkgs.network, 'wireguard_wg0').map((p) => val(p, 'allowed_ips')!.find((c) => c.endsWith('/32'))!.split('/')[0]);
    expect(peerTunnels.length).toBeGreaterThan(0);
    for (const ip of peerTunnels) expect(inCidr(ip, ownTunnel)).toBe(true);
  });
});

describe('secrets', () => {
  test.each([['gw', gw], ['flat-gw', flatGw]] as const)('%s: every secret option holds only a placeholder, and placeholders appear nowhere else', (name, pkgs) => {
    const declared = new Set(inventory.secrets!.map((s) => s.name));
    const seen: string[] = [];
    for (const pkg of Object.values(pkgs)) {
      for (const s of pkg.sections) {
        for (const o of s.options) {
          const secretOption = isUciSecretOption(pkg.name, s.type, o.name);
          for (const v of o.values) {
            if (secretOption) {
              const m = /^@@HOMELAB_SECRET:([A-Za-z0-9_-]+)@@$/.exec(v);
              expect(m).not.toBeNull();
              expect(declared.has(m![1])).toBe(true);
              seen.push(`${pkg.name}.${s.name ?? s.type}.${o.name}=${m![1]}`);
            } else {
              expect(v).not.toContain('@@HOMELAB_SECRET');
            }
          }
        }
      }
    }
    expect(seen).toEqual(name === 'gw'
      ? ['network.wg0.private_key=wg-gw-key', 'wireless.homelab_wifi0.key=wifi-psk']
      : ['network.wg0.private_key=wg-flat-gw-key']);
  });
});

describe('reverse zones across sites', () => {
  test('two sites with /22 networks forward one zone per /24, none of which swallows a third site\'s own /24', () => {
    // GIVEN three sites in 10.99.0.0/16: two /22s and a /24
    const site = (name: string, cidr: string, gateway: string, domain: string) => ({
      name, networks: [{ name: 'lan', cidr, gateway, domain }], routers: [{ name: `${name}-gw`, networks: ['lan'] }],
    });
    const three = deriveModel({
      ...inventory, wireguard: undefined, apps: [], storagePools: [], cluster: undefined, dns: undefined, backup: undefined,
      sites: [site('a', '10.99.0.0/22', '10.99.0.1', 'a.example.org'), site('b', '10.99.4.0/22', '10.99.4.1', 'b.example.org'), site('c', '10.99.8.0/24', '10.99.8.1', 'c.example.org')],
    });
    // WHEN reading router c's dnsmasq servers
    const c = packagesOf(three, 'c-gw');
    const servers = val(ofType(c.dhcp, 'dnsmasq')[0], 'server')!;
    const forwardedZones = servers.filter((s) => s.includes('in-addr.arpa/1')).map((s) => s.split('/')[1]);
    // THEN each /22 is forwarded as its four /24 zones
    expect(forwardedZones).toEqual([
      '0.99.10.in-addr.arpa', '1.99.10.in-addr.arpa', '2.99.10.in-addr.arpa', '3.99.10.in-addr.arpa',
      '4.99.10.in-addr.arpa', '5.99.10.in-addr.arpa', '6.99.10.in-addr.arpa', '7.99.10.in-addr.arpa',
    ]);
    // AND none of them is c's own zone or above it
    for (const z of forwardedZones) expect('8.99.10.in-addr.arpa' === z || '8.99.10.in-addr.arpa'.endsWith(`.${z}`)).toBe(false);
  });
});
