/**
 * Each site's router DNS, answered by a real dnsmasq: every router's rendered `dhcp` package is
 * translated exactly as OpenWrt's dnsmasq.init translates it (the table next to the emitter,
 * lib/uci/openwrt/dnsmasq-init.ts), and Debian's dnsmasq runs it on 127.0.0.x at a high
 * port. Only what depends on the router itself changes: no resolv-file or lease file (no upstream,
 * no DHCP here), and each forwarded-to router address (another site's gateway, reached over the
 * mesh) becomes that site's dnsmasq on loopback.
 *
 * Then, from both sites: a host in each network's own domain, its reverse name, and the other
 * site's names and reverse names through the forward.
 */
import { inventory } from '../../../apps/inventory';
import { Inventory } from '../../../lib';
import { deriveModel } from '../../../lib/model/derive';
import { parseUci, renderUciPackage } from '../../../lib/uci';
import { translateDhcpPackage } from '../../../lib/uci/openwrt/dnsmasq-init';
import { routerPackages } from '../../../lib/homelab/router/packages';
import { DnsmasqServer, startDnsmasq } from '../../helpers/dnsmasq';
import { freePort } from '../../helpers/child';
import { itWith } from '../../helpers/tools';

/** The reference homelab plus a host on the iot network (home) and one at flat. */
const inv: Inventory = {
  ...inventory,
  sites: inventory.sites.map((s) => ({
    ...s,
    hosts: [
      ...(s.hosts ?? []),
      ...(s.name === 'home' ? [{ name: 'thermo', network: 'iot', ip: '10.0.20.10', mac: '02:00:00:00:20:10' }] : []),
      ...(s.name === 'flat' ? [{ name: 'bjorn', network: 'lan', ip: '10.0.1.10', mac: '02:00:00:00:01:10' }] : []),
    ],
  })),
};
const model = deriveModel(inv);
const LOOPBACK: Record<string, string> = { gw: '127.0.0.2', 'flat-gw': '127.0.0.3' };

/** What each router's dnsmasq gets: dnsmasq.init's translation of its dhcp package. */
function translated(router: string) {
  const r = model.routers.find((x) => x.name === router)!;
  const dhcp = routerPackages(model, r).find((p) => p.name === 'dhcp')!;
  return translateDhcpPackage(parseUci(renderUciPackage(dhcp, 'x'), { package: 'dhcp' }));
}

const itDnsmasq = itWith('dnsmasq');
const servers: Record<string, DnsmasqServer> = {};

afterAll(async () => {
  for (const s of Object.values(servers)) await s.stop();
});

describe('router DNS on a real dnsmasq', () => {
  itDnsmasq('both sites answer their own networks\' names and reverse names, and each other\'s through the forward', async () => {
    // GIVEN a port per router, and every router address another router forwards to mapped to it
    const ports: Record<string, number> = {};
    for (const r of model.routers) ports[r.name] = await freePort(LOOPBACK[r.name]);
    const at = new Map(model.routers.flatMap((r) => r.nets.map((n) => [n.gateway, `${LOOPBACK[r.name]}#${ports[r.name]}`] as const)));
    for (const r of model.routers) {
      const t = translated(r.name);
      const options = t.options
        .filter((o) => !/^(resolv-file|dhcp-leasefile)=/.test(o))
        .map((o) => o.replace(/^(server=\/[^/]+\/)([0-9.]+)$/, (_m, dom: string, ip: string) => `${dom}${at.get(ip) ?? ip}`));
      servers[r.name] = await startDnsmasq(LOOPBACK[r.name], options, t.hosts, ports[r.name]);
    }
    const ask = (router: string) => servers[router].resolver();

    // WHEN asking each router THEN names in each network's own domain resolve, forward and reverse
    const expected: [string, string, string][] = [
      // router, name, address
      ['gw', 'olaf.home.example.org', '10.0.100.10'],
      ['gw', 'thermo.iot.home.example.org', '10.0.20.10'],
      ['gw', 'bjorn.flat.example.org', '10.0.1.10'],
      ['flat-gw', 'bjorn.flat.example.org', '10.0.1.10'],
      ['flat-gw', 'thermo.iot.home.example.org', '10.0.20.10'],
      ['flat-gw', 'olaf.home.example.org', '10.0.100.10'],
    ];
    const got: [string, string, string][] = [];
    const reverse: [string, string, string[]][] = [];
    for (const [router, name] of expected) {
      const a = await ask(router).resolve4(name).catch((e: { code?: string }) => [`error ${e.code}`]);
      got.push([router, name, a.join(',')]);
    }
    for (const [router, , ip] of expected) {
      const ptr = await ask(router).reverse(ip).catch((e: { code?: string }) => [`error ${e.code}`]);
      reverse.push([router, ip, ptr]);
    }
    expect({ got, log: got.some(([, , a]) => a.startsWith('error')) ? servers.gw.log() + servers['flat-gw'].log() : '' }).toEqual({ got: expected, log: '' });
    expect(reverse).toEqual(expected.map(([router, name, ip]) => [router, ip, [name]]));
  }, 60000);

  itDnsmasq('a name outside every site is not answered from the sites (NXDOMAIN, nothing forwarded upstream)', async () => {
    expect(servers.gw).toBeDefined();
    await expect(servers.gw.resolver().resolve4('nobody.iot.home.example.org')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(servers['flat-gw'].resolver().resolve4('nobody.flat.example.org')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('the dnsmasq.init table', () => {
  test('translates every option the dhcp emitter writes, for every router', () => {
    for (const r of model.routers) {
      const t = translated(r.name);
      expect(t.options).toEqual(expect.arrayContaining(['domain-needed', 'bogus-priv', 'stop-dns-rebind', `domain=${r.nets[0].domain}`, `local=/${r.nets[0].domain}/`]));
    }
  });

  test('each host and name is published once: one hosts line per name', () => {
    for (const r of model.routers) {
      const names = translated(r.name).hosts.flatMap((l) => l.split(' ').slice(1));
      expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    }
  });
});
