/**
 * The typed OpenWrt sections: fixed option order, values in OpenWrt's
 * spelling, secrets as placeholders, and errors in the house format for
 * values OpenWrt would reject or misread.
 */
import { HomelabValidationError } from '../../lib';
import {
  isUciSecretOption, openwrt, parseUci, redactUciSecrets, renderUciPackage, toParsed, UCI_SECRET_OPTIONS, UciPackage, UciSection,
} from '../../lib/uci';
import { secretEnvVar, secretPlaceholder } from '../../lib/core/secrets';

const at = { router: 'gw' };

/** The error `fn` throws (fails the test when it throws none or another kind). */
function validationError(fn: () => unknown): HomelabValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HomelabValidationError) return e;
    throw e;
  }
  throw new Error('expected a HomelabValidationError');
}

/** Renders `sections` as package `pkg` and reads them back; asserts the round trip. */
function roundTrip(pkg: string, ...sections: UciSection[]) {
  const p: UciPackage = { name: pkg, sections };
  const parsed = parseUci(renderUciPackage(p, 'test'), { package: pkg });
  expect(parsed).toEqual(toParsed(p));
  return parsed;
}

describe('typed sections render OpenWrt options in a fixed order', () => {
  test.each<[string, () => UciSection, UciSection]>([
    ['static interface', () => openwrt.networkInterface(at, 'lan', { netmask: '255.255.255.0', ipaddr: '10.0.100.1', proto: 'static', device: 'br-lan' }),
      { type: 'interface', name: 'lan', options: [['device', 'br-lan'], ['proto', 'static'], ['ipaddr', '10.0.100.1'], ['netmask', '255.255.255.0']] }],
    ['wireguard interface', () => openwrt.networkInterface(at, 'wg0', { addresses: ['10.255.0.1/24'], listen_port: 51820, private_key: { secret: 'wg-gw-key' }, proto: 'wireguard' }),
      { type: 'interface', name: 'wg0', options: [['proto', 'wireguard'], ['private_key', '@@HOMELAB_SECRET:wg-gw-key@@'], ['listen_port', 51820], ['addresses', ['10.255.0.1/24']]] }],
    ['wireguard peer', () => openwrt.wireguardPeer(at, 'wg0', {
      persistent_keepalive: 25, endpoint_port: 51820, endpoint_host: 'vpn.example.org', route_allowed_ips: true,
      allowed_ips: ['10.255.0.1/32', 'fd00::/64'], preshared_key: { secret: 'wg-psk' }, public_key: 'algXW1Q1sAN4lkEOIItpMulFWG1F9i6Q/0ic8YfTQwQ=', description: "gw's peer",
    }, 'wg_gw'),
    { type: 'wireguard_wg0', name: 'wg_gw', options: [
      ['description', "gw's peer"], ['public_key', 'algXW1Q1sAN4lkEOIItpMulFWG1F9i6Q/0ic8YfTQwQ='], ['preshared_key', '@@HOMELAB_SECRET:wg-psk@@'],
      ['allowed_ips', ['10.255.0.1/32', 'fd00::/64']], ['route_allowed_ips', true], ['endpoint_host', 'vpn.example.org'], ['endpoint_port', 51820], ['persistent_keepalive', 25],
    ] }],
    ['bridge device', () => openwrt.networkDevice(at, { ports: ['lan1', 'lan2'], type: 'bridge', name: 'br-lan' }, 'br_lan'),
      { type: 'device', name: 'br_lan', options: [['name', 'br-lan'], ['type', 'bridge'], ['ports', ['lan1', 'lan2']]] }],
    ['bridge vlan', () => openwrt.bridgeVlan(at, { ports: ['lan1:t', 'lan2:u*', 'lan3'], vlan: 20, device: 'br-lan' }),
      { type: 'bridge-vlan', options: [['device', 'br-lan'], ['vlan', 20], ['ports', ['lan1:t', 'lan2:u*', 'lan3']]] }],
    ['route', () => openwrt.networkRoute(at, { gateway: '10.0.0.254', target: '10.9.0.0/16', interface: 'lan' }),
      { type: 'route', options: [['interface', 'lan'], ['target', '10.9.0.0/16'], ['gateway', '10.0.0.254']] }],
    ['dhcp pool', () => openwrt.dhcpPool(at, 'lan', { dhcp_option: ['6,10.0.100.1'], leasetime: '12h', limit: 100, start: 100, interface: 'lan' }),
      { type: 'dhcp', name: 'lan', options: [['interface', 'lan'], ['start', 100], ['limit', 100], ['leasetime', '12h'], ['dhcp_option', ['6,10.0.100.1']]] }],
    ['static lease', () => openwrt.dhcpHost(at, { dns: true, ip: '10.0.100.10', mac: '3c:ec:ef:10:00:02', name: 'olaf' }),
      { type: 'host', options: [['name', 'olaf'], ['mac', '3c:ec:ef:10:00:02'], ['ip', '10.0.100.10'], ['dns', true]] }],
    ['zone', () => openwrt.firewallZone(at, { mtu_fix: true, masq: true, forward: 'REJECT', output: 'ACCEPT', input: 'REJECT', network: ['wan', 'wan6'], name: 'wan' }, 'wan'),
      { type: 'zone', name: 'wan', options: [['name', 'wan'], ['network', ['wan', 'wan6']], ['input', 'REJECT'], ['output', 'ACCEPT'], ['forward', 'REJECT'], ['masq', true], ['mtu_fix', true]] }],
    ['rule', () => openwrt.firewallRule(at, { target: 'ACCEPT', family: 'ipv4', dest_port: 68, proto: 'udp', src: 'wan', name: 'Allow-DHCP-Renew' }),
      { type: 'rule', options: [['name', 'Allow-DHCP-Renew'], ['src', 'wan'], ['proto', 'udp'], ['dest_port', 68], ['family', 'ipv4'], ['target', 'ACCEPT']] }],
    ['redirect', () => openwrt.firewallRedirect(at, { target: 'DNAT', proto: 'tcp', dest_port: 443, dest_ip: '10.0.100.10', dest: 'lan', src_dport: '8443', src: 'wan', name: 'Ingress-443' }),
      { type: 'redirect', options: [['name', 'Ingress-443'], ['src', 'wan'], ['src_dport', '8443'], ['dest', 'lan'], ['dest_ip', '10.0.100.10'], ['dest_port', 443], ['proto', 'tcp'], ['target', 'DNAT']] }],
    ['system', () => openwrt.systemSection(at, { ttylogin: false, log_size: 64, timezone: 'CET-1CEST,M3.5.0,M10.5.0/3', zonename: 'Europe/Berlin', hostname: 'gw' }),
      { type: 'system', options: [['hostname', 'gw'], ['zonename', 'Europe/Berlin'], ['timezone', 'CET-1CEST,M3.5.0,M10.5.0/3'], ['log_size', 64], ['ttylogin', false]] }],
    ['dropbear', () => openwrt.dropbearSection(at, { Interface: 'lan', Port: 2222, RootPasswordAuth: false, PasswordAuth: 'off' }),
      { type: 'dropbear', options: [['PasswordAuth', 'off'], ['RootPasswordAuth', false], ['Port', 2222], ['Interface', 'lan']] }],
    ['wifi-iface', () => openwrt.wifiIface(at, { key: { secret: 'wifi-psk' }, encryption: 'psk2+ccmp', ssid: 'Küche 😀', network: 'lan', mode: 'ap', device: 'radio0' }, 'w0'),
      { type: 'wifi-iface', name: 'w0', options: [['device', 'radio0'], ['mode', 'ap'], ['network', 'lan'], ['ssid', 'Küche 😀'], ['encryption', 'psk2+ccmp'], ['key', '@@HOMELAB_SECRET:wifi-psk@@']] }],
  ])('%s', (_name, build, expected) => {
    // GIVEN options written in reverse order; WHEN built
    const section = build();
    // THEN the options come out in the definition's order, and survive a UCI load
    expect(section).toEqual(expected);
    roundTrip('p', section);
  });

  test('the documented order is the definition order', () => {
    expect(openwrt.RULE.options).toEqual(['name', 'src', 'src_ip', 'dest', 'dest_ip', 'proto', 'dest_port', 'icmp_type', 'limit', 'family', 'target']);
    expect(openwrt.DNSMASQ.options.slice(0, 3)).toEqual(['domainneeded', 'boguspriv', 'localise_queries']);
  });

  test('values with quotes, dollars and unicode round-trip', () => {
    const parsed = roundTrip('network', openwrt.wireguardPeer(at, 'wg0', {
      description: "it's ${HOME} \"there\" ; # 日本", public_key: 'sTvytGxCEXI9IWGnJgIb7ioCele6glkoZwezGN6lbw8=', allowed_ips: ['10.0.1.0/24'],
    }, 'p1'));
    expect(parsed.sections[0].options[0].values).toEqual(["it's ${HOME} \"there\" ; # 日本"]);
  });
});

describe('typed sections reject what OpenWrt would reject or misread', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['a firewall target that does not exist', () => openwrt.firewallRule(at, { name: 'x', target: 'ALLOW' as never }),
      /\[router gw\] rule\.target: unknown target \(got "ALLOW"\); one of ACCEPT, REJECT, DROP, NOTRACK, HELPER, MARK, DSCP$/m],
    ['a zone policy that does not exist', () => openwrt.firewallZone(at, { name: 'lan', input: 'accept' as never }),
      /\[router gw\] zone\.input: unknown policy \(got "accept"\); one of ACCEPT, REJECT, DROP$/m],
    ['a redirect port above 65535', () => openwrt.firewallRedirect(at, { src: 'wan', src_dport: 80, dest_port: 70000 }),
      /\[router gw\] redirect\.dest_port: port out of range \(got 70000\); a port 1-65535 or a range "a-b" with a <= b$/m],
    ['a rule port range upside down', () => openwrt.firewallRule(at, { proto: 'tcp', dest_port: '2000-1000' as never }),
      /\[router gw\] rule\.dest_port: invalid port \(got "2000-1000"\)/],
    ['a port range ending above 65535', () => openwrt.firewallRule(at, { proto: 'udp', dest_port: '60000-70000' }),
      /\[router gw\] rule\.dest_port: invalid port \(got "60000-70000"\)/],
    ['a rate limit in an unknown unit', () => openwrt.firewallRule(at, { proto: 'icmp', limit: '10/fortnight' }),
      /\[router gw\] rule\.limit: invalid limit \(got "10\/fortnight"\); a rate like "10\/second"/],
    ['a WireGuard listen port above 65535', () => openwrt.networkInterface(at, 'wg0', { proto: 'wireguard', private_key: { secret: 'k' }, listen_port: 70000 }),
      /\[router gw\] interface\.listen_port: out of range \(got 70000\); an integer 1-65535$/m],
    ['WEP', () => openwrt.wifiIface(at, { device: 'radio0', encryption: 'wep-open' as never }),
      /\[router gw\] wifi-iface\.encryption: unsupported encryption \(got "wep-open"\); one of none, owe, psk, psk2, .*WEP is not offered/],
    ['a PSK network without a key', () => openwrt.wifiIface(at, { device: 'radio0', encryption: 'sae' }),
      /\[router gw\] wifi-iface\.key: missing key for encryption sae \(got nothing\)/],
    ['an SSID longer than 32 bytes', () => openwrt.wifiIface(at, { device: 'radio0', ssid: 'ü'.repeat(17) }),
      /\[router gw\] wifi-iface\.ssid: invalid SSID/],
    ['a secret placeholder in an SSID', () => openwrt.wifiIface(at, { device: 'radio0', ssid: '@@HOMELAB_SECRET:wg-gw-key@@' }),
      /\[router gw\] wifi-iface\.ssid: holds a secret placeholder outside a secret option \(got "@@HOMELAB_SECRET:wg-gw-key@@"\); secrets only in the options that hold one/],
    ['a zone name longer than 11 characters', () => openwrt.firewallZone(at, { name: 'guestnetwork' }),
      /\[router gw\] zone\.name: invalid value \(got "guestnetwork"\); a zone name of at most 11 characters/],
    ['a bridge-vlan port flag that does not exist', () => openwrt.bridgeVlan(at, { device: 'br-lan', vlan: 20, ports: ['lan1:x'] }),
      /\[router gw\] bridge-vlan\.ports: invalid value \(got "lan1:x"\)/],
    ['VLAN 4095', () => openwrt.bridgeVlan(at, { device: 'br-lan', vlan: 4095 }),
      /\[router gw\] bridge-vlan\.vlan: out of range \(got 4095\); an integer 1-4094$/m],
    ['a lease time below 2 minutes', () => openwrt.dhcpPool(at, 'lan', { interface: 'lan', leasetime: '1m' }),
      /\[router gw\] dhcp\.leasetime: lease time below 2 minutes \(got "1m"\)/],
    ['a malformed MAC', () => openwrt.dhcpHost(at, { mac: '3c:ec:ef:10:00' }),
      /\[router gw\] host\.mac: invalid value \(got "3c:ec:ef:10:00"\); a MAC address/],
    ['a dnsmasq server with a bad domain', () => openwrt.dnsmasq(at, { server: ['/bad domain/10.0.1.1'] }),
      /\[router gw\] dnsmasq\.server: invalid server \(got "\/bad domain\/10\.0\.1\.1"\)/],
    ['a misspelled option', () => openwrt.firewallRule(at, { targte: 'ACCEPT' } as never),
      /\[router gw\] rule\.targte: unknown option \(got "targte"\); one of name, src, /],
    ['a missing required option', () => openwrt.firewallZone(at, {} as never),
      /\[router gw\] zone\.name: missing required option \(got nothing\); set it$/m],
    ['a static address on a DHCP interface', () => openwrt.networkInterface(at, 'wan', { proto: 'dhcp', ipaddr: '10.0.0.1' }),
      /\[router gw\] interface\.ipaddr: not used with proto dhcp \(got "10\.0\.0\.1"\); set it only with proto static$/m],
    ['a WireGuard interface without a private key', () => openwrt.networkInterface(at, 'wg0', { proto: 'wireguard' }),
      /\[router gw\] interface\.private_key: missing private key for proto wireguard/],
    ['a malformed WireGuard public key', () => openwrt.wireguardPeer(at, 'wg0', { public_key: 'not-a-key', allowed_ips: ['10.0.0.0/24'] }),
      /\[router gw\] wireguard_wg0\.public_key: invalid value \(got "not-a-key"\); a base64 WireGuard public key/],
    ['an allowed IP that is not an address', () => openwrt.wireguardPeer(at, 'wg0', { public_key: 'sTvytGxCEXI9IWGnJgIb7ioCele6glkoZwezGN6lbw8=', allowed_ips: ['10.0.1.0/33'] }),
      /\[router gw\] wireguard_wg0\.allowed_ips: invalid address \(got "10\.0\.1\.0\/33"\)/],
    ['an invalid section name', () => openwrt.firewallZone(at, { name: 'lan' }, 'my-zone'),
      /\[router gw\] zone\.\(name\): invalid section name \(got "my-zone"\); names match \[A-Za-z0-9_\]\+$/m],
    ['an ICMP type on a TCP rule', () => openwrt.firewallRule(at, { proto: 'tcp', icmp_type: 'echo-request' }),
      /\[router gw\] rule\.icmp_type: ICMP types need proto icmp/],
  ])('fails on %s', (_name, build, message) => {
    expect(validationError(build).message).toMatch(message);
  });

  test('fails with every problem of the section at once, each with its path and field', () => {
    const e = validationError(() => openwrt.firewallRule(at, { target: 'ALLOW' as never, dest_port: 70000, family: 'inet' as never }));
    expect(e.problems.map((p) => `${p.constructPath} ${p.field}`)).toEqual(['router gw rule.dest_port', 'router gw rule.family', 'router gw rule.target']);
    expect(e.constructPath).toBe('router gw');
  });

  test('fails on a secret given as a value, without repeating the value', () => {
    const e = validationError(() => openwrt.networkInterface(at, 'wg0', { proto: 'wireguard', private_key: 'kMy+secret/value=' as never }));
    expect(e.message).toMatch(/\[router gw\] interface\.private_key: secret given as a plain value \(got "<redacted>"\)/);
    expect(e.message).not.toContain('kMy+secret/value=');
  });

  test('fails on a secret name the deploy script cannot map to an environment variable', () => {
    expect(validationError(() => openwrt.wifiIface(at, { device: 'radio0', encryption: 'psk2', key: { secret: 'wifi psk' } })).message)
      .toMatch(/\[router gw\] wifi-iface\.key: invalid secret reference/);
  });
});

describe('secret options', () => {
  test('secret options render as the placeholder deploy.sh fills from HOMELAB_SECRET_<NAME>', () => {
    expect(secretPlaceholder('wg-gw-key')).toBe('@@HOMELAB_SECRET:wg-gw-key@@');
    expect(secretEnvVar('wg-gw-key')).toBe('HOMELAB_SECRET_WG_GW_KEY');
    const peer = openwrt.wireguardPeer(at, 'wg0', { public_key: 'sTvytGxCEXI9IWGnJgIb7ioCele6glkoZwezGN6lbw8=', allowed_ips: ['10.0.1.0/24'], preshared_key: { secret: 'wg-psk' } });
    expect(peer.options).toContainEqual(['preshared_key', secretPlaceholder('wg-psk')]);
  });

  test('the table lists the typed secret options, derived from the definitions', () => {
    expect(UCI_SECRET_OPTIONS.filter((s) => s.typed).map((s) => `${s.package}.${s.type}.${s.option}`)).toEqual([
      'network.interface.private_key', 'network.wireguard_*.preshared_key', 'wireless.wifi-iface.key',
    ]);
    expect(UCI_SECRET_OPTIONS.filter((s) => !s.typed).map((s) => s.option)).toEqual(expect.arrayContaining(['password', 'sae_password', 'key1']));
  });

  test('isUciSecretOption matches peer sections of any WireGuard interface, and nothing public', () => {
    expect(isUciSecretOption('network', 'wireguard_wg0', 'preshared_key')).toBe(true);
    expect(isUciSecretOption('network', 'wireguard_vpn1', 'preshared_key')).toBe(true);
    expect(isUciSecretOption('network', 'wireguard_wg0', 'public_key')).toBe(false);
    expect(isUciSecretOption('network', 'interface', 'ipaddr')).toBe(false);
    expect(isUciSecretOption('dhcp', 'interface', 'private_key')).toBe(false);
  });

  test('redactUciSecrets hides the values of secret options read back from a router', () => {
    const live = parseUci([
      'package network', "config interface 'wg0'", "\toption proto 'wireguard'", "\toption private_key 'cGxhaW4tc2VjcmV0'",
      "config wireguard_wg0 'p'", "\toption public_key 'pub'", "\tlist preshared_key 'a'", "\tlist preshared_key 'b'",
    ].join('\n'));
    const redacted = redactUciSecrets(live);
    expect(JSON.stringify(redacted)).not.toContain('cGxhaW4tc2VjcmV0');
    expect(redacted.sections[0].options).toEqual([
      { name: 'proto', kind: 'option', values: ['wireguard'] },
      { name: 'private_key', kind: 'option', values: ['<redacted>'] },
    ]);
    expect(redacted.sections[1].options[1]).toEqual({ name: 'preshared_key', kind: 'list', values: ['<redacted>'] });
    expect(redacted.sections[1].options[0].values).toEqual(['pub']);
  });
});
