/**
 * Each router's emitted `network` package, run through a model of netifd's bridge-VLAN rules
 * (test/helpers/netifd-bridge.ts): every network the inventory puts on a LAN port reaches that
 * port (untagged with the port's PVID, or tagged, as declared, and nothing else), and the router's
 * own address sits on an interface with a VLAN the bridge carries.
 */
import { inventory } from '../../../apps/inventory';
import { Inventory, RouterSpec, SiteSpec } from '../../../lib';
import { deriveModel } from '../../../lib/model/derive';
import { parseUci, renderUciPackage, UciParsedPackage } from '../../../lib/uci';
import { routerPackages } from '../../../lib/homelab/router/packages';
import { bridgeStates, interfaceVlan } from '../../helpers/netifd-bridge';

type How = 'untagged' | 'tagged';

/** What the inventory says each port carries, straight from the router's spec (not from derive). */
function declared(site: SiteSpec, r: RouterSpec): { network: string; port: string; how: How }[] {
  const nets = r.networks.map((nn) => site.networks.find((n) => n.name === nn)!);
  return (r.lanPorts ?? ['lan1', 'lan2', 'lan3', 'lan4']).flatMap((port) => {
    const spec = r.ports?.find((p) => p.name === port);
    if (spec) {
      return [
        ...(spec.untagged ? [{ network: spec.untagged, port, how: 'untagged' as How }] : []),
        ...(spec.tagged ?? []).map((network) => ({ network, port, how: 'tagged' as How })),
      ];
    }
    return nets.map((n) => ({ network: n.name, port, how: (n.vlan === undefined ? 'untagged' : 'tagged') as How }));
  });
}

function networkOf(inv: Inventory, router: string): UciParsedPackage {
  const model = deriveModel(inv);
  const r = model.routers.find((x) => x.name === router)!;
  const pkg = routerPackages(model, r).find((p) => p.name === 'network')!;
  return parseUci(renderUciPackage(pkg, 'x'), { package: 'network' });
}

/** The reference homelab with gw's routers spec changed. */
function withGw(change: Partial<RouterSpec>, iot: Record<string, unknown> = {}): Inventory {
  return {
    ...inventory,
    sites: inventory.sites.map((s) => (s.name !== 'home' ? s : {
      ...s,
      networks: s.networks.map((n) => (n.name === 'iot' ? { ...n, ...iot } : n)),
      routers: s.routers!.map((r) => (r.name === 'gw' ? { ...r, ...change } : r)),
    })),
  };
}

const cases: [string, Inventory][] = [
  ['the reference homelab', inventory],
  ['lan3 an access port of lan, lan4 of iot', withGw({ ports: [{ name: 'lan3', untagged: 'lan' }, { name: 'lan4', untagged: 'iot' }] })],
  ['lan1 a trunk of iot only, lan2 carrying nothing', withGw({ ports: [{ name: 'lan1', tagged: ['iot'] }, { name: 'lan2' }] })],
  ['iot on VLAN 1 (the untagged network moves to VLAN 2)', withGw({}, { vlan: 1 })],
];

describe.each(cases)('netifd bridge VLANs: %s', (_name, inv) => {
  const routers = inv.sites.flatMap((site) => (site.routers ?? []).map((r) => ({ site, r })));

  test.each(routers.map(({ site, r }) => [r.name, site, r] as const))('%s: every network reaches every port the inventory puts it on, as declared, and nothing else', (name, site, r) => {
    // GIVEN the router's network package as netifd reads it
    const network = networkOf(inv, name);
    const bridges = bridgeStates(network);
    // WHEN looking up each declared (network, port) in the bridge's VLAN table
    const want = declared(site, r);
    const got = want.map(({ network: n, port }) => {
      const iv = interfaceVlan(network, n.replace(/[^A-Za-z0-9_]/g, '_'));
      const m = iv?.vid === undefined ? undefined : bridges.get(iv.bridge)?.ports.get(port)?.get(iv.vid);
      return { network: n, port, how: m === undefined ? 'absent' : m.tagged ? 'tagged' : m.pvid ? 'untagged' : 'untagged without PVID' };
    });
    // THEN each arrives as declared
    expect(got).toEqual(want);
    // AND no port carries a VLAN the inventory does not put there
    const vids = new Map(r.networks.map((n) => [interfaceVlan(network, n.replace(/[^A-Za-z0-9_]/g, '_'))?.vid, n]));
    for (const b of bridges.values()) {
      for (const [port, table] of b.ports) {
        for (const vid of table.keys()) expect({ port, network: vids.get(vid) }).toEqual({ port, network: want.find((w) => w.port === port && vids.get(vid) === w.network)?.network });
      }
    }
  });

  test.each(routers.map(({ r }) => [r.name] as const))('%s: the router\'s own address is on an interface in a VLAN the bridge carries', (name) => {
    const model = deriveModel(inv);
    const r = model.routers.find((x) => x.name === name)!;
    const network = networkOf(inv, name);
    const iface = network.sections.find((s) => s.type === 'interface' && s.options.some((o) => o.name === 'ipaddr' && o.values.includes(r.address)));
    expect(iface?.name).toBeDefined();
    const iv = interfaceVlan(network, iface!.name!);
    expect(iv).toEqual({ bridge: 'br-lan', vid: expect.any(Number) });
    // and some port carries that VLAN untagged as its PVID, or tagged
    const ports = [...bridgeStates(network).get('br-lan')!.ports.values()];
    expect(ports.some((t) => t.has(iv!.vid!))).toBe(true);
  });
});

describe('netifd bridge VLANs: the layout', () => {
  test('gw: the untagged LAN is VLAN 1 on br-lan.1 with lan1-4 u*, iot VLAN 20 tagged', () => {
    const network = networkOf(inventory, 'gw');
    const vlans = network.sections.filter((s) => s.type === 'bridge-vlan').map((s) => Object.fromEntries(s.options.map((o) => [o.name, o.kind === 'list' ? o.values : o.values[0]])));
    expect(vlans).toEqual([
      { device: 'br-lan', vlan: '1', ports: ['lan1:u*', 'lan2:u*', 'lan3:u*', 'lan4:u*'] },
      { device: 'br-lan', vlan: '20', ports: ['lan1:t', 'lan2:t', 'lan3:t', 'lan4:t'] },
    ]);
    const device = (n: string) => network.sections.find((s) => s.name === n)!.options.find((o) => o.name === 'device')!.values[0];
    expect([device('lan'), device('iot')]).toEqual(['br-lan.1', 'br-lan.20']);
  });

  test('flat-gw: without VLANs, plain br-lan and no bridge-vlan (the kernel default VLAN 1 applies)', () => {
    const network = networkOf(inventory, 'flat-gw');
    expect(network.sections.filter((s) => s.type === 'bridge-vlan')).toEqual([]);
    expect(interfaceVlan(network, 'lan')).toEqual({ bridge: 'br-lan', vid: 1 });
  });
});
