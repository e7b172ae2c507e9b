import fc from 'fast-check';
import { inventory } from '../../apps/inventory';
import { diffRouter, formatRouterDiff, looksSecret, RouterDiff, SECRET_OPTION_NAMES, SECTION_IDENTITIES } from '../../lib/cli/router-drift';
import { isUciSecretOption, UCI_SECRET_OPTIONS } from '../../lib/uci/openwrt';
import { isSecretOptionName } from '../../lib/uci/openwrt/secret-names';
import { parseUciExport, toParsed } from '../../lib/uci/parse';
import { routerPackages } from '../../lib/homelab/router/packages';
import type { UciPackage, UciParsedPackage, UciSection } from '../../lib/uci/section';
import { quoteUci, renderUciPackage } from '../../lib/uci/serialize';
import { Homelab } from '../../lib/homelab/homelab';

// GIVEN the reference homelab and what we would deploy to its router gw
const lab = new Homelab({ inventory });
const routerNamed = (name: string) => lab.model.routers.find((r) => r.name === name)!;
const ours = routerPackages(lab.model, routerNamed('gw'));
const flatOurs = routerPackages(lab.model, routerNamed('flat-gw'));

/** A fake secret value that appears nowhere else. */
const canary = (name: string, n = 0) => `CANARY-${name}-${n}-q7Zx`;

/** What deploy.sh writes: every placeholder filled, here with a canary. */
const fill = (text: string) => text.replace(/@@HOMELAB_SECRET:([^@]+)@@/g, (_m, name: string) => canary(name));

/** One package as `uci export` prints it: the renderer's format plus the blank line libuci writes after each package. */
const exported = (pkg: UciPackage) => fill(renderUciPackage(pkg)) + '\n';

/** `uci export` of a whole router: packages in name order, as libuci lists /etc/config. */
const uciExport = (texts: Map<string, string>) => [...texts.keys()].sort().map((name) => texts.get(name)!).join('');

/** Replaces the one occurrence of `from`; a fixture edit that finds nothing (or twice) fails loudly. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`fixture edit: expected exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The `config` block (up to its blank line) that starts with these lines. */
function block(text: string, start: string): string {
  const at = text.indexOf(start);
  if (at < 0) throw new Error(`fixture: no block ${JSON.stringify(start)}`);
  return text.slice(at, text.indexOf('\n\n', at) + 2);
}

const PEER_PUBLIC_KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

/** The secret values the person's edits leave on the router. */
interface LiveSecrets {
  readonly wifi: string;
  readonly wgPrivate: string;
  readonly wgPsk: string;
  readonly rpcd: string;
}

const CANARIES: LiveSecrets = { wifi: canary('wifi-psk', 1), wgPrivate: canary('wg-private'), wgPsk: canary('wg-psk'), rpcd: canary('rpcd') };

/**
 * The router after a person edited it by hand, as `uci export` prints it.
 * `leak`, when given, is also copied where no secret belongs (a lease time, a
 * rule name, a list item) and, when it has 4 characters or more (shorter
 * secrets redact only equal values), inside another value, as a careless
 * paste would.
 */
function driftedExport(secrets: LiveSecrets = CANARIES, leak?: string): string {
  const q = quoteUci;
  const texts = new Map(ours.map((p) => [p.name, exported(p)]));
  const change = (pkg: string, from: string, to: string) => texts.set(pkg, edit(texts.get(pkg)!, from, to));

  // dhcp: longer leases on lan, plus an option we do not set; the lease for rolf deleted
  change('dhcp', "\toption leasetime '12h'\n\tlist dhcp_option '6,10.0.100.1'\n",
    `\toption leasetime ${q(leak ?? '24h')}\n\toption force '1'\n\tlist dhcp_option '6,10.0.100.1'\n`
    + (leak !== undefined && leak.length >= 4 ? `\tlist dhcp_option ${q(`43,wifi: ${leak}!`)}\n` : ''));
  change('dhcp', block(texts.get('dhcp')!, "config host\n\toption name 'rolf'\n"), '');
  // firewall: a network added to zone lan, MSS clamping off on wan, SSH opened on wan after Allow-Ping
  change('firewall', "\tlist network 'iot'\n", `\tlist network 'iot'\n\tlist network ${q(leak ?? 'guest')}\n`);
  change('firewall', "\toption masq '1'\n\toption mtu_fix '1'\n", "\toption masq '1'\n");
  const ping = block(texts.get('firewall')!, "config rule\n\toption name 'Allow-Ping'\n");
  change('firewall', ping, `${ping}config rule\n\toption name ${q(leak ?? 'Allow-SSH-WAN')}\n\toption src 'wan'\n\toption proto 'tcp'\n\toption dest_port '22'\n\toption target 'ACCEPT'\n\n`);
  // network: a WireGuard tunnel set up in LuCI; its private key also pasted into the peer's description
  texts.set('network', texts.get('network')!
    + `config interface 'vpn'\n\toption proto 'wireguard'\n\toption private_key ${q(secrets.wgPrivate)}\n\tlist addresses '10.77.0.1/24'\n\n`
    + `config wireguard_vpn\n\toption public_key '${PEER_PUBLIC_KEY}'\n\toption preshared_key ${q(secrets.wgPsk)}\n\toption description ${q(secrets.wgPrivate)}\n\tlist allowed_ips '10.77.0.2/32'\n\n`);
  // wireless: the board's radio options (kept by the deploy), another channel, a new passphrase, OpenWrt's open default network
  change('wireless', "config wifi-device 'radio0'\n", "config wifi-device 'radio0'\n\toption type 'mac80211'\n\toption path 'platform/soc/18000000.wifi'\n");
  change('wireless', "\toption channel 'auto'\n", "\toption channel '1'\n");
  change('wireless', `\toption key '${canary('wifi-psk')}'\n`, `\toption key ${q(secrets.wifi)}\n`);
  texts.set('wireless', `${texts.get('wireless')!}config wifi-iface 'default_radio0'\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'OpenWrt'\n\toption encryption 'none'\n\n`);
  // packages we do not manage, one with a secret
  texts.set('rpcd', `package rpcd\n\nconfig login\n\toption username 'root'\n\toption password ${q(secrets.rpcd)}\n\tlist read '*'\n\tlist write '*'\n\n`);
  texts.set('uhttpd', "package uhttpd\n\nconfig uhttpd 'main'\n\tlist listen_http '0.0.0.0:80'\n\toption cert '/etc/uhttpd.crt'\n\toption key '/etc/uhttpd.key'\n\n");
  return uciExport(texts);
}

const identicalExport = () => uciExport(new Map(ours.map((p) => [p.name, exported(p)])));

/** `package.section.option` of every model option holding a placeholder (all in named sections). */
function placeholderPaths(pkgs: readonly UciPackage[]): string[] {
  return pkgs.flatMap((p) => p.sections.flatMap((s) => s.options
    .filter(([, v]) => JSON.stringify(v).includes('@@HOMELAB_SECRET:'))
    .map(([o]) => `${p.name}.${s.name ?? '<anonymous>'}.${o}`)));
}
const oursSecrets = placeholderPaths(ours);
const notComparedLine = (paths: readonly string[]) => `secret options set on both sides (not compared): ${paths.join(', ')}\n`;

/** Every string a diff can put in front of a person or a log. */
const everything = (diff: RouterDiff) => formatRouterDiff(diff, 'gw') + JSON.stringify(diff);

describe('diffRouter on the reference router', () => {
  test('the fixture is what uci export prints: package headers, blank lines, tab-indented quoted options', () => {
    // GIVEN the drifted export WHEN reading its text THEN it has libuci's layout
    const text = driftedExport();
    expect(text.startsWith("package dhcp\n\nconfig dnsmasq\n\toption domainneeded '1'\n")).toBe(true);
    expect(text).toContain("\n\npackage dropbear\n\nconfig dropbear\n\toption PasswordAuth 'off'\n");
    expect(text).toContain("\nconfig rule\n\toption name 'Allow-SSH-WAN'\n\toption src 'wan'\n");
    expect(text).toContain("\toption key '/etc/uhttpd.key'\n\npackage wireless\n\nconfig wifi-device 'radio0'\n\toption type 'mac80211'\n\toption path 'platform/soc/18000000.wifi'\n\toption band '2g'\n\toption channel '1'\n");
    expect(text.endsWith("\toption encryption 'sae-mixed'\n\toption key 'CANARY-wifi-psk-1-q7Zx'\n\nconfig wifi-iface 'default_radio0'\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'OpenWrt'\n\toption encryption 'none'\n\n")).toBe(true);
    expect(parseUciExport(text).map((p) => p.name)).toEqual(['dhcp', 'dropbear', 'firewall', 'network', 'rpcd', 'system', 'uhttpd', 'wireless']);
  });

  test('an identical router has no differences; the deployed secrets are listed as not compared', () => {
    // GIVEN the router exactly as deployed WHEN diffing THEN nothing differs
    expect(oursSecrets).toContain('wireless.homelab_wifi0.key');
    const diff = diffRouter(ours, parseUciExport(identicalExport()));
    expect(diff).toEqual({ differences: [], unmanagedPackages: [], secretsNotCompared: oursSecrets });
    expect(formatRouterDiff(diff, 'gw')).toBe(`${notComparedLine(oursSecrets)}router gw: no differences\n`);
  });

  test('an identical router without wifi has no differences either', () => {
    const live = parseUciExport(uciExport(new Map(flatOurs.map((p) => [p.name, exported(p)]))));
    const diff = diffRouter(flatOurs, live);
    expect(diff).toEqual({ differences: [], unmanagedPackages: [], secretsNotCompared: placeholderPaths(flatOurs) });
    expect(formatRouterDiff(diff, 'flat-gw').endsWith('\nrouter flat-gw: no differences\n')).toBe(true);
  });

  test('a router without secrets prints only the summary', () => {
    const model = pkg('system', [{ type: 'system', options: [['hostname', 'gw']] }]);
    expect(formatRouterDiff(diffRouter([model], [live(model)]), 'gw')).toBe('router gw: no differences\n');
  });

  test('the model against itself (placeholders on both sides) has no differences', () => {
    expect(diffRouter(ours, ours.map(toParsed)).differences).toEqual([]);
  });

  describe('a router edited by hand', () => {
    // WHEN diffing the drifted export
    const diff = diffRouter(ours, parseUciExport(driftedExport()));

    test('reports each difference with its path, kind and values, in model order', () => {
      // THEN every edit is one difference, in package, section and option order
      expect(diff.differences).toEqual([
        {
          kind: 'section-unknown', path: 'network.vpn', package: 'network', section: 'vpn', type: 'interface', keptOnDeploy: false,
          options: [
            { name: 'proto', value: { kind: 'option', value: 'wireguard' } },
            { name: 'private_key', value: { kind: 'secret', list: false } },
            { name: 'addresses', value: { kind: 'list', values: ['10.77.0.1/24'] } },
          ],
        },
        {
          kind: 'section-unknown', path: `network.@wireguard_vpn[${PEER_PUBLIC_KEY}]`, package: 'network', section: `@wireguard_vpn[${PEER_PUBLIC_KEY}]`, type: 'wireguard_vpn', keptOnDeploy: false,
          options: [
            { name: 'public_key', value: { kind: 'option', value: PEER_PUBLIC_KEY } },
            { name: 'preshared_key', value: { kind: 'secret', list: false } },
            { name: 'description', value: { kind: 'redacted', list: false } },
            { name: 'allowed_ips', value: { kind: 'list', values: ['10.77.0.2/32'] } },
          ],
        },
        { kind: 'option-changed', path: 'dhcp.lan.leasetime', package: 'dhcp', section: 'lan', option: 'leasetime', model: { kind: 'option', value: '12h' }, router: { kind: 'option', value: '24h' } },
        { kind: 'option-unknown', path: 'dhcp.lan.force', package: 'dhcp', section: 'lan', option: 'force', router: { kind: 'option', value: '1' }, keptOnDeploy: false },
        { kind: 'section-missing', path: 'dhcp.@host[rolf]', package: 'dhcp', section: '@host[rolf]', type: 'host' },
        {
          kind: 'option-changed', path: 'firewall.iot.network', package: 'firewall', section: 'iot', option: 'network',
          model: { kind: 'list', values: ['iot'] }, router: { kind: 'list', values: ['iot', 'guest'] },
        },
        { kind: 'option-missing', path: 'firewall.wan.mtu_fix', package: 'firewall', section: 'wan', option: 'mtu_fix', model: { kind: 'option', value: '1' } },
        {
          kind: 'section-unknown', path: 'firewall.@rule[Allow-SSH-WAN]', package: 'firewall', section: '@rule[Allow-SSH-WAN]', type: 'rule', keptOnDeploy: false,
          options: [
            { name: 'name', value: { kind: 'option', value: 'Allow-SSH-WAN' } },
            { name: 'src', value: { kind: 'option', value: 'wan' } },
            { name: 'proto', value: { kind: 'option', value: 'tcp' } },
            { name: 'dest_port', value: { kind: 'option', value: '22' } },
            { name: 'target', value: { kind: 'option', value: 'ACCEPT' } },
          ],
        },
        { kind: 'option-unknown', path: 'wireless.radio0.type', package: 'wireless', section: 'radio0', option: 'type', router: { kind: 'option', value: 'mac80211' }, keptOnDeploy: true },
        { kind: 'option-unknown', path: 'wireless.radio0.path', package: 'wireless', section: 'radio0', option: 'path', router: { kind: 'option', value: 'platform/soc/18000000.wifi' }, keptOnDeploy: true },
        { kind: 'option-changed', path: 'wireless.radio0.channel', package: 'wireless', section: 'radio0', option: 'channel', model: { kind: 'option', value: 'auto' }, router: { kind: 'option', value: '1' } },
        {
          kind: 'section-unknown', path: 'wireless.default_radio0', package: 'wireless', section: 'default_radio0', type: 'wifi-iface', keptOnDeploy: false,
          options: [
            { name: 'device', value: { kind: 'option', value: 'radio0' } },
            { name: 'network', value: { kind: 'option', value: 'lan' } },
            { name: 'mode', value: { kind: 'option', value: 'ap' } },
            { name: 'ssid', value: { kind: 'option', value: 'OpenWrt' } },
            { name: 'encryption', value: { kind: 'option', value: 'none' } },
          ],
        },
      ]);
    });

    test('lists live packages the model does not manage by name only, and the secrets it did not compare', () => {
      expect(diff.unmanagedPackages).toEqual(['rpcd', 'uhttpd']);
      expect(diff.secretsNotCompared).toEqual(oursSecrets);
    });

    test('formats one line per difference and a summary', () => {
      expect(formatRouterDiff(diff, 'gw')).toBe([
        '+ network.vpn: interface section unknown to the model { proto "wireguard", private_key set (secret, not compared), addresses ["10.77.0.1/24"] }; the next deploy removes it',
        `+ network.@wireguard_vpn[${PEER_PUBLIC_KEY}]: wireguard_vpn section unknown to the model { public_key "${PEER_PUBLIC_KEY}", preshared_key set (secret, not compared), description (redacted: holds a secret value), allowed_ips ["10.77.0.2/32"] }; the next deploy removes it`,
        '~ dhcp.lan.leasetime: model "12h", router "24h"',
        '+ dhcp.lan.force: router "1", not in the model; the next deploy removes it',
        '- dhcp.@host[rolf]: host section not on the router',
        '~ firewall.iot.network: model ["iot"], router ["iot", "guest"]',
        '- firewall.wan.mtu_fix: model "1", not set on the router',
        '+ firewall.@rule[Allow-SSH-WAN]: rule section unknown to the model { name "Allow-SSH-WAN", src "wan", proto "tcp", dest_port "22", target "ACCEPT" }; the next deploy removes it',
        '+ wireless.radio0.type: router "mac80211", not in the model; the next deploy keeps it',
        '+ wireless.radio0.path: router "platform/soc/18000000.wifi", not in the model; the next deploy keeps it',
        '~ wireless.radio0.channel: model "auto", router "1"',
        '+ wireless.default_radio0: wifi-iface section unknown to the model { device "radio0", network "lan", mode "ap", ssid "OpenWrt", encryption "none" }; the next deploy removes it',
        'live packages not managed by the model (not compared): rpcd, uhttpd',
        `${notComparedLine(oursSecrets)}router gw: 12 differences`,
        '',
      ].join('\n'));
    });

    test('no canary appears in the formatted output or in the JSON of the diff', () => {
      const out = everything(diff);
      expect(out).not.toContain('CANARY');
      for (const secret of [...Object.values(CANARIES), canary('wifi-psk')]) expect(out).not.toContain(secret);
    });

    test('the same inputs give the same result', () => {
      const again = diffRouter(ours, parseUciExport(driftedExport()));
      expect(again).toEqual(diff);
      expect(formatRouterDiff(again, 'gw')).toBe(formatRouterDiff(diff, 'gw'));
    });
  });

  test('live packages the model does not manage are listed sorted, by name only', () => {
    const extra = parseUciExport("package uhttpd\n\nconfig uhttpd 'main'\n\toption key '/etc/uhttpd.key'\n\npackage luci\n\nconfig core 'main'\n\toption lang 'auto'\n\n");
    const diff = diffRouter(ours, [...extra, ...parseUciExport(identicalExport())]);
    expect(diff.unmanagedPackages).toEqual(['luci', 'uhttpd']);
    expect(diff.differences).toEqual([]);
    expect(formatRouterDiff(diff, 'gw')).not.toMatch(/uhttpd\.key|lang|auto/);
  });

  test('a package missing on the router is one difference', () => {
    // GIVEN the router without the wireless package
    const live = parseUciExport(identicalExport()).filter((p) => p.name !== 'wireless');
    const diff = diffRouter(ours, live);
    expect(diff.differences).toEqual([{ kind: 'package-missing', path: 'wireless', package: 'wireless', sections: 2 }]);
    expect(diff.secretsNotCompared).toEqual(oursSecrets.filter((p) => !p.startsWith('wireless.')));
    expect(formatRouterDiff(diff, 'gw')).toMatch(/^- wireless: package not on the router \(2 sections in the model\)\n(secret options .*\n)?router gw: 1 difference\n$/);
  });

  test('anonymous sections with identities may come in any order', () => {
    // GIVEN the deployed router with every package's sections reversed
    const live = parseUciExport(identicalExport()).map((p) => ({ ...p, sections: [...p.sections].reverse() }));
    expect(live.find((p) => p.name === 'firewall')!.sections[0].type).toBe('redirect');
    // WHEN diffing THEN rules, redirects, hosts, domains, forwardings and the bridge VLAN still match
    expect(diffRouter(ours, live).differences).toEqual([]);
  });

  test('sections libuci named on export (uci -n export: cfgXXXXXX) match as anonymous', () => {
    let n = 0;
    const text = identicalExport().replace(/^config ([a-z_-]+)$/gm, (_m, type: string) => `config ${type} 'cfg${(n++).toString(16).padStart(2, '0')}1a2b'`);
    expect(text).toMatch(/^config rule 'cfg[0-9a-f]{6}'$/m);
    expect(diffRouter(ours, parseUciExport(text)).differences).toEqual([]);
  });
});

/** A one-package model and router, for focused cases. */
function pkg(name: string, sections: UciSection[]): UciPackage {
  return { name, sections };
}
const live = (p: UciPackage): UciParsedPackage => parseUciExport(renderUciPackage(p))[0];

describe('section matching', () => {
  // Each identity of the table: two anonymous sections, listed in the other order on the router, one option changed.
  const rows = Object.entries(SECTION_IDENTITIES).map(([key, ids]) => {
    const [pkgName, pattern] = key.split('.');
    return [pkgName, pattern.replace(/\*$/, 'wg0'), ids] as const;
  });

  test.each(rows)('%s %s sections match by %j', (pkgName, type, ids) => {
    // GIVEN two sections that differ only in their identity options
    const section = (id: string, extra: string): UciSection => ({ type, options: [...ids.map((o): [string, string] => [o, `${o}-${id}`]), ['extra', extra]] });
    const model = pkg(pkgName, [section('a', 'same'), section('b', 'model')]);
    const router = pkg(pkgName, [section('b', 'router'), section('a', 'same')]);
    // WHEN diffing THEN only b's option differs, addressed by its identity
    const label = `@${type}[${ids.map((o) => `${o}-b`).join(',')}]`;
    expect(diffRouter([model], [live(router)]).differences).toEqual([
      { kind: 'option-changed', path: `${pkgName}.${label}.extra`, package: pkgName, section: label, option: 'extra', model: { kind: 'option', value: 'model' }, router: { kind: 'option', value: 'router' } },
    ]);
  });

  test('sections without identity match by position among their type', () => {
    // GIVEN two anonymous sections of a type with no identity, reordered on the router
    const a: UciSection = { type: 'dnsmasq', options: [['port', '53']] };
    const b: UciSection = { type: 'dnsmasq', options: [['port', '5353']] };
    const diff = diffRouter([pkg('dhcp', [a, b])], [live(pkg('dhcp', [b, a]))]);
    // THEN position decides: both differ
    expect(diff.differences.map((d) => d.path)).toEqual(['dhcp.@dnsmasq[0].port', 'dhcp.@dnsmasq[1].port']);
  });

  test('a section of a listed type without its identity option falls back to position', () => {
    const model = pkg('firewall', [{ type: 'rule', options: [['name', 'Allow-Ping'], ['src', 'wan']] }]);
    const router = pkg('firewall', [{ type: 'rule', options: [['src', 'wan'], ['proto', 'udp']] }, { type: 'rule', options: [['name', 'Allow-Ping'], ['src', 'wan']] }]);
    const diff = diffRouter([model], [live(router)]);
    expect(diff.differences).toEqual([
      { kind: 'section-unknown', path: 'firewall.@rule[0]', package: 'firewall', section: '@rule[0]', type: 'rule', keptOnDeploy: false, options: [{ name: 'src', value: { kind: 'option', value: 'wan' } }, { name: 'proto', value: { kind: 'option', value: 'udp' } }] },
    ]);
  });

  test('duplicate identities match in order and get distinct paths', () => {
    const rule = (port: string): UciSection => ({ type: 'rule', options: [['name', 'Dup'], ['dest_port', port]] });
    const diff = diffRouter([pkg('firewall', [rule('1')])], [live(pkg('firewall', [rule('1'), rule('2')]))]);
    expect(diff.differences.map((d) => [d.kind, d.path])).toEqual([['section-unknown', 'firewall.@rule[Dup]#2']]);
  });

  test('labels that would repeat get a suffix, so every path is unique', () => {
    // GIVEN a rule without a name at index 0 and a rule named "0"
    const router = pkg('firewall', [{ type: 'rule', options: [['src', 'wan']] }, { type: 'rule', options: [['name', '0']] }]);
    const diff = diffRouter([pkg('firewall', [])], [live(router)]);
    expect(diff.differences.map((d) => d.path)).toEqual(['firewall.@rule[0]', 'firewall.@rule[0]#2']);
  });

  test('an identity that is not plain text is shown as a JSON string', () => {
    const diff = diffRouter([pkg('firewall', [])], [live(pkg('firewall', [{ type: 'rule', options: [['name', 'Allow SSH, "lan"']] }]))]);
    expect(diff.differences.map((d) => d.path)).toEqual(['firewall.@rule["Allow SSH, \\"lan\\""]']);
  });

  test('a named section of another type on the router is reported, and its options still compared', () => {
    const diff = diffRouter([pkg('network', [{ type: 'interface', name: 'lan', options: [['proto', 'static']] }])],
      [live(pkg('network', [{ type: 'device', name: 'lan', options: [['proto', 'dhcp']] }]))]);
    expect(diff.differences).toEqual([
      { kind: 'section-type-changed', path: 'network.lan', package: 'network', section: 'lan', model: 'interface', router: 'device' },
      { kind: 'option-changed', path: 'network.lan.proto', package: 'network', section: 'lan', option: 'proto', model: { kind: 'option', value: 'static' }, router: { kind: 'option', value: 'dhcp' } },
    ]);
    expect(formatRouterDiff(diff, 'r').split('\n')[0]).toBe('~ network.lan: section type: model "interface", router "device"');
  });

  test('an option and a one-item list of the same value differ', () => {
    const diff = diffRouter([pkg('firewall', [{ type: 'zone', name: 'lan', options: [['network', ['lan']]] }])],
      [live(pkg('firewall', [{ type: 'zone', name: 'lan', options: [['network', 'lan']] }]))]);
    expect(formatRouterDiff(diff, 'r')).toBe('~ firewall.lan.network: model ["lan"], router "lan"\nrouter r: 1 difference\n');
  });

  test('options compare as the loader reads them: booleans and numbers as UCI text', () => {
    const model = pkg('system', [{ type: 'system', options: [['ttylogin', false], ['log_size', 64]] }]);
    const router = pkg('system', [{ type: 'system', options: [['ttylogin', '0'], ['log_size', '64']] }]);
    expect(diffRouter([model], [live(router)]).differences).toEqual([]);
  });
});

describe('secrets', () => {
  const iface = (key: string | undefined, extra: [string, string][] = []): UciPackage => pkg('wireless', [{
    type: 'wifi-iface', name: 'w0', options: [['ssid', 'homelab'], ...(key === undefined ? [] : [['key', key] as [string, string]]), ...extra],
  }]);

  test('a secret only in the model is reported as set, not by value', () => {
    const diff = diffRouter([iface('@@HOMELAB_SECRET:wifi-psk@@')], [live(iface(undefined))]);
    expect(diff.differences).toEqual([{ kind: 'option-missing', path: 'wireless.w0.key', package: 'wireless', section: 'w0', option: 'key', model: { kind: 'secret', list: false } }]);
    expect(formatRouterDiff(diff, 'r')).toBe('- wireless.w0.key: model set (secret, not compared), not set on the router\nrouter r: 1 difference\n');
  });

  test('a secret only on the router is reported as set, not by value', () => {
    const secret = canary('only-live');
    const diff = diffRouter([iface(undefined)], [live(iface(secret))]);
    expect(diff.differences).toEqual([{ kind: 'option-unknown', path: 'wireless.w0.key', package: 'wireless', section: 'w0', option: 'key', router: { kind: 'secret', list: false }, keptOnDeploy: false }]);
    expect(formatRouterDiff(diff, 'r')).toBe('+ wireless.w0.key: router set (secret, not compared), not in the model; the next deploy removes it\nrouter r: 1 difference\n');
  });

  test.each([...SECRET_OPTION_NAMES])('%s is a secret option', (name) => {
    const secret = canary(name);
    const diff = diffRouter([pkg('network', [{ type: 'interface', name: 'x', options: [[name, 'model-value']] }])],
      [live(pkg('network', [{ type: 'interface', name: 'x', options: [[name, secret]] }]))]);
    expect(diff.differences).toEqual([]);
    expect(diff.secretsNotCompared).toEqual([`network.x.${name}`]);
  });

  test.each(UCI_SECRET_OPTIONS.map((o) => [o.package, o.type, o.option] as const))('%s %s.%s of the typed OpenWrt layer is secret', (pkgName, type, option) => {
    // GIVEN the option set on the router, with a value the model does not have
    const t = type.replace(/\*$/, 'wg0');
    const diff = diffRouter([pkg(pkgName, [{ type: t, name: 's', options: [] }])], [live(pkg(pkgName, [{ type: t, name: 's', options: [[option, canary(option)]] }]))]);
    expect(diff.differences).toEqual([{ kind: 'option-unknown', path: `${pkgName}.s.${option}`, package: pkgName, section: 's', option, router: { kind: 'secret', list: false }, keptOnDeploy: false }]);
  });

  test.each([...SECRET_OPTION_NAMES])('%s on the router (a table entry) is printed only as set or changed', (option) => {
    // GIVEN the option on the router, in a package and section type no typed layer knows, once with and once without it in the model
    const value = canary(option);
    const routerOnly = diffRouter([pkg('vendor', [{ type: 'thing', name: 's', options: [] }])], [live(pkg('vendor', [{ type: 'thing', name: 's', options: [[option, value]] }]))]);
    const both = diffRouter([pkg('vendor', [{ type: 'thing', name: 's', options: [[option, 'old']] }])], [live(pkg('vendor', [{ type: 'thing', name: 's', options: [[option.toUpperCase(), value], [option, value]] }]))]);
    // THEN it is reported as set, never by value
    expect(routerOnly.differences).toEqual([{ kind: 'option-unknown', path: `vendor.s.${option}`, package: 'vendor', section: 's', option, router: { kind: 'secret', list: false }, keptOnDeploy: false }]);
    expect(both.secretsNotCompared).toEqual([`vendor.s.${option}`]);
    expect(everything(routerOnly) + everything(both)).not.toContain(value);
  });

  // names no table lists, which name or package suggests are secrets (vpnc, ddns, acme, third-party packages)
  const LOOKS_SECRET = ['hexpasswd', 'passgroup', 'hexpassgroup', 'token', 'api_key', 'passwd', 'auth_key', 'credentials', 'secret_key',
    'psk', 'key', 'apiToken', 'cf_api_token', 'dns_api_key', 'wpa_passphrase', 'sim_pin', 'userpass', 'mqtt_password', 'client_secret', 'PrivateKey', 'totp', 'hmac_key', 'session_cookie'];
  const NOT_SECRET = ['PasswordAuth', 'RootPasswordAuth', 'public_key', 'pubkey', 'key_mgmt', 'persistent_keepalive', 'hostname', 'ssid', 'username',
    'token_file', 'password_file', 'encryption', 'ping', 'dest_port', 'spin', 'keepalive', 'pinning'];

  test.each(LOOKS_SECRET)('%s, named like a secret, is secret', (option) => {
    expect(looksSecret(option)).toBe(true);
    const value = canary(option);
    const diff = diffRouter([pkg('vendor', [{ type: 'thing', name: 's', options: [] }])], [live(pkg('vendor', [{ type: 'thing', name: 's', options: [[option, value]] }]))]);
    expect(diff.differences.map((d) => d.kind === 'option-unknown' && d.router)).toEqual([{ kind: 'secret', list: false }]);
    expect(everything(diff)).not.toContain(value);
  });

  test.each(NOT_SECRET)('%s is compared and shown', (option) => {
    expect(looksSecret(option)).toBe(false);
    const diff = diffRouter([pkg('vendor', [{ type: 'thing', name: 's', options: [] }])], [live(pkg('vendor', [{ type: 'thing', name: 's', options: [[option, 'v1']] }]))]);
    expect(diff.differences.map((d) => d.kind === 'option-unknown' && d.router)).toEqual([{ kind: 'option', value: 'v1' }]);
  });

  test('every option of a package named like a secret store is secret', () => {
    const value = canary('store');
    const diff = diffRouter([], [live(pkg('secrets', [{ type: 'entry', name: 'a', options: [['note', value]] }]))]);
    expect(diff.unmanagedPackages).toEqual(['secrets']);
    const managed = diffRouter([pkg('api_credentials', [{ type: 'entry', name: 'a', options: [] }])], [live(pkg('api_credentials', [{ type: 'entry', name: 'a', options: [['note', value]] }]))]);
    expect(managed.differences.map((d) => d.kind === 'option-unknown' && d.router)).toEqual([{ kind: 'secret', list: false }]);
  });

  test('vpnc\'s hexpasswd on the router is not printed (the probe\'s case)', () => {
    const model = pkg('network', [{ type: 'interface', name: 'vpn', options: [['proto', 'vpnc']] }]);
    const router = live(pkg('network', [{ type: 'interface', name: 'vpn', options: [['proto', 'vpnc'], ['hexpasswd', 'X-CANARY-hex'], ['passgroup', 'X-CANARY-group']] }]));
    const out = formatRouterDiff(diffRouter([model], [router]), 'gw');
    expect(out).toContain('+ network.vpn.hexpasswd: router set (secret, not compared)');
    expect(out).not.toContain('X-CANARY');
  });

  test('property: generated live exports with canaries in every option the table or heuristic marks secret never print a canary', () => {
    // GIVEN option names drawn from the table, from secret-looking compounds and from plain words, in packages the model has and has not
    const secretish = fc.tuple(fc.constantFrom('', 'hex', 'my_', 'api_', 'wan_', 'x'), fc.constantFrom('passwd', 'password', 'token', 'secret', 'key', 'psk', 'passgroup', 'credentials', 'pin'), fc.constantFrom('', '2', '_v2', 's'))
      .map(([a, b, c]) => a + b + c);
    const nameArb = fc.oneof(fc.constantFrom(...SECRET_OPTION_NAMES), secretish, fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,14}$/));
    const valueArb = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 12 }).filter((v) => !/[\x00-\x1f\x7f]/.test(v) && !v.includes('CANARY'));
    const sectionArb = fc.record({
      pkg: fc.constantFrom(...ours.map((p) => p.name), 'vendor', 'ddns'),
      type: fc.constantFrom('interface', 'wifi-iface', 'rule', 'service', 'login'),
      name: fc.option(fc.constantFrom('lan', 'wan', 'vpn', 'x1', 'homelab_wifi0'), { nil: undefined }),
      options: fc.array(fc.tuple(nameArb, valueArb, fc.boolean()), { maxLength: 6 }),
    });
    fc.assert(fc.property(fc.array(sectionArb, { minLength: 1, maxLength: 12 }), (sections) => {
      let n = 0;
      const canaries: string[] = [];
      const byPkg = new Map<string, string[]>();
      for (const s of sections) {
        const lines = [`config ${s.type}${s.name ? ` ${quoteUci(`${s.name}_${s.type.replace('-', '_')}`)}` : ''}`];
        for (const [name, plain, asList] of s.options) {
          const secret = isSecretOptionName(s.pkg, name) || isUciSecretOption(s.pkg, s.type, name);
          const value = secret ? `CANARY-${n++}-zQ` : plain;
          if (secret) canaries.push(value);
          lines.push(`\t${asList ? 'list' : 'option'} ${name} ${quoteUci(value)}`);
        }
        byPkg.set(s.pkg, [...(byPkg.get(s.pkg) ?? []), lines.join('\n') + '\n']);
      }
      const text = [...byPkg].map(([p, blocks]) => `package ${p}\n\n${blocks.join('\n')}\n`).join('');
      // WHEN diffing against the reference router
      const out = everything(diffRouter(ours, parseUciExport(text)));
      // THEN no canary appears
      for (const c of canaries) expect(out).not.toContain(c);
      expect(out).not.toContain('CANARY');
    }), { numRuns: 300 });
  });

  test('secret names ignore case; PasswordAuth is not a secret', () => {
    const model = pkg('dropbear', [{ type: 'dropbear', options: [['PasswordAuth', 'off'], ['Password', 'a']] }]);
    const router = pkg('dropbear', [{ type: 'dropbear', options: [['PasswordAuth', 'on'], ['Password', canary('pw')]] }]);
    const diff = diffRouter([model], [live(router)]);
    expect(diff.differences.map((d) => d.path)).toEqual(['dropbear.@dropbear[0].PasswordAuth']);
    expect(diff.secretsNotCompared).toEqual(['dropbear.@dropbear[0].Password']);
  });

  test('an option whose model value holds a placeholder is secret, and so is that option name elsewhere', () => {
    // GIVEN a model token with a placeholder, and the router holding the token also in another section
    const token = canary('token');
    const model = pkg('ddns', [{ type: 'service', name: 'a', options: [['token', '@@HOMELAB_SECRET:ddns@@']] }]);
    const router = pkg('ddns', [
      { type: 'service', name: 'a', options: [['token', token]] },
      { type: 'service', name: 'b', options: [['token', canary('token', 2)]] },
    ]);
    const diff = diffRouter([model], [live(router)]);
    expect(diff.secretsNotCompared).toEqual(['ddns.a.token']);
    expect(diff.differences).toEqual([{ kind: 'section-unknown', path: 'ddns.b', package: 'ddns', section: 'b', type: 'service', keptOnDeploy: false, options: [{ name: 'token', value: { kind: 'secret', list: false } }] }]);
  });

  test('a value on the router holding a placeholder is secret', () => {
    const diff = diffRouter([pkg('ddns', [{ type: 'service', name: 'a', options: [['user', 'x']] }])],
      [live(pkg('ddns', [{ type: 'service', name: 'a', options: [['user', 'x'], ['note', 'see @@HOMELAB_SECRET:y@@']] }]))]);
    expect(diff.differences).toEqual([{ kind: 'option-unknown', path: 'ddns.a.note', package: 'ddns', section: 'a', option: 'note', router: { kind: 'secret', list: false }, keptOnDeploy: false }]);
  });

  test('options.secretOptions adds names', () => {
    const secret = canary('api');
    const model = pkg('ddns', [{ type: 'service', name: 'a', options: [['voucher', 'x']] }]);
    const router = live(pkg('ddns', [{ type: 'service', name: 'a', options: [['voucher', secret]] }]));
    expect(formatRouterDiff(diffRouter([model], [router]), 'r')).toContain(secret);
    const diff = diffRouter([model], [router], { secretOptions: ['VOUCHER'] });
    expect(diff.differences).toEqual([]);
    expect(diff.secretsNotCompared).toEqual(['ddns.a.voucher']);
  });

  test('a value equal to a live secret is redacted wherever it appears, even in another package', () => {
    // GIVEN the wifi passphrase pasted as a hostname, and as a list item, and an rpcd password reused as a lease time
    const psk = canary('psk');
    const rpcd = 'hunter2';
    const model = [iface('@@HOMELAB_SECRET:wifi-psk@@'), pkg('system', [{ type: 'system', options: [['hostname', 'gw'], ['notes', ['a']]] }])];
    const router = [
      live(iface(psk)),
      live(pkg('system', [{ type: 'system', options: [['hostname', psk], ['notes', ['a', `x${psk}y`]], ['leasetime', rpcd]] }])),
      live(pkg('rpcd', [{ type: 'login', options: [['password', rpcd]] }])),
    ];
    const diff = diffRouter(model, router);
    expect(diff.differences).toEqual([
      { kind: 'option-changed', path: 'system.@system[0].hostname', package: 'system', section: '@system[0]', option: 'hostname', model: { kind: 'option', value: 'gw' }, router: { kind: 'redacted', list: false } },
      { kind: 'option-changed', path: 'system.@system[0].notes', package: 'system', section: '@system[0]', option: 'notes', model: { kind: 'list', values: ['a'] }, router: { kind: 'redacted', list: true } },
      { kind: 'option-unknown', path: 'system.@system[0].leasetime', package: 'system', section: '@system[0]', option: 'leasetime', router: { kind: 'redacted', list: false }, keptOnDeploy: false },
    ]);
    const out = everything(diff);
    expect(out).not.toContain(psk);
    expect(out).not.toContain(rpcd);
  });

  test('short secrets redact only equal values', () => {
    // GIVEN a WEP key index '1' in a key option, and '1' elsewhere
    const model = pkg('wireless', [{ type: 'wifi-iface', name: 'w', options: [['key', '@@HOMELAB_SECRET:k@@'], ['hidden', '0'], ['maxassoc', '10']] }]);
    const router = pkg('wireless', [{ type: 'wifi-iface', name: 'w', options: [['key', '1'], ['hidden', '1'], ['maxassoc', '12']] }]);
    const diff = diffRouter([model], [live(router)]);
    expect(diff.differences.map((d) => d.kind === 'option-changed' && d.router)).toEqual([{ kind: 'redacted', list: false }, { kind: 'option', value: '12' }]);
  });

  test('an identity or name holding a secret is not shown', () => {
    const psk = canary('psk');
    const router = [
      live(iface(psk)),
      live(pkg('firewall', [{ type: 'rule', options: [['name', `Allow ${psk}`]] }, { type: psk, options: [] }])),
    ];
    const diff = diffRouter([iface('@@HOMELAB_SECRET:wifi-psk@@'), pkg('firewall', [])], router);
    expect(diff.differences.map((d) => [d.path, d.kind === 'section-unknown' && d.type])).toEqual([['firewall.@rule[0]', 'rule'], ['firewall.@<redacted>[0]', '<redacted>']]);
    expect(formatRouterDiff(diff, 'r')).not.toContain(psk);
  });

  test('fails on an invalid model, without live values in the message', () => {
    // GIVEN a model section with an invalid name and a router holding a secret
    const secret = canary('err');
    const bad = pkg('wireless', [{ type: 'wifi-iface', name: 'bad name', options: [] }]);
    // WHEN diffing THEN the model error names the model's problem only
    let message = '';
    try {
      diffRouter([bad], [live(iface(secret))]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/invalid section name/);
    expect(message).not.toContain(secret);
  });

  test('property: a secret planted anywhere in the live config never reaches the output', () => {
    // GIVEN the drifted router whose secrets are all one arbitrary value, also pasted where no secret belongs
    const baseline = diffRouter(ours, parseUciExport(driftedExport({ wifi: 'NEUTRAL', wgPrivate: 'NEUTRAL', wgPsk: 'NEUTRAL', rpcd: 'NEUTRAL' }, 'NEUTRAL')));
    const baselineText = everything(baseline);
    const secretArb = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1 }),
      fc.string({ unit: 'binary', minLength: 8, maxLength: 64 }),
      fc.constantFrom('wan', 'lan', 'ACCEPT', '24h', '1', 'guest', "'", '"', '\\', '\n', ' '),
    );
    fc.assert(fc.property(secretArb, (secret) => {
      // WHEN diffing
      const diff = diffRouter(ours, parseUciExport(driftedExport({ wifi: secret, wgPrivate: secret, wgPsk: secret, rpcd: secret }, secret)));
      const out = everything(diff);
      // THEN the value shows up, raw or JSON-escaped, only where the output would show it anyway (fixed words, model values)
      for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) {
        if (form !== '' && !baselineText.includes(form)) expect(out.includes(form)).toBe(false);
      }
      // and the leaks are redacted, not dropped
      expect(diff.differences.length).toBeGreaterThanOrEqual(baseline.differences.length - 1);
    }), { numRuns: 300 });
  });
});
