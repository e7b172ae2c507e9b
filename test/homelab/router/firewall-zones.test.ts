/**
 * Firewall zones: each network its own zone, forwarding as the model declares it. The zone matrix
 * is read back from the UCI firewall package synth writes (parsed), not from the policy function.
 */
import { inventory } from '../../../apps/inventory';
import { Homelab } from '../../../lib';
import { parseUci } from '../../../lib/uci/parse';
import { renderUciPackage } from '../../../lib/uci/serialize';
import { deriveModel } from '../../../lib/model/derive';
import { Inventory } from '../../../lib/model/inventory';
import { routerPackages } from '../../../lib/homelab/router/packages';
import { validateInventory } from '../../../lib/model/rules';
import { Draft, expectMessage } from '../../model/fixtures';

type Parsed = ReturnType<typeof parseUci>;
const opt = (s: Parsed['sections'][number], name: string) => s.options.find((o) => o.name === name)?.values;

/** The router's firewall as written, parsed. */
function firewallOf(inv: Inventory, router: string): Parsed {
  const model = deriveModel(inv);
  const r = model.routers.find((x) => x.name === router)!;
  const pkg = routerPackages(model, r).find((p) => p.name === 'firewall')!;
  return parseUci(renderUciPackage(pkg), { package: 'firewall' });
}

/** Which zone may open connections to which: "src>dest" for every forwarding, plus each zone to itself. */
function matrix(fw: Parsed): Record<string, string[]> {
  const zones = fw.sections.filter((s) => s.type === 'zone').map((s) => opt(s, 'name')![0]);
  const m: Record<string, string[]> = {};
  for (const z of zones) m[z] = [];
  for (const f of fw.sections.filter((s) => s.type === 'forwarding')) m[opt(f, 'src')![0]].push(opt(f, 'dest')![0]);
  for (const z of zones) m[z].sort();
  return m;
}

/** What a zone may reach on the router itself: ACCEPT for all, or the rules that open ports. */
function routerInput(fw: Parsed, zone: string): string | string[] {
  const z = fw.sections.find((s) => s.type === 'zone' && opt(s, 'name')![0] === zone)!;
  if (opt(z, 'input')![0] === 'ACCEPT') return 'ACCEPT';
  return fw.sections.filter((s) => s.type === 'rule' && opt(s, 'src')?.[0] === zone && !opt(s, 'dest') && opt(s, 'target')![0] === 'ACCEPT')
    .map((s) => `${opt(s, 'proto')!.join('+')}/${opt(s, 'dest_port')![0]}`);
}

const writable = () => structuredClone(inventory) as Draft<Inventory>;
const home = (inv: Draft<Inventory>) => inv.sites.find((s) => s.name === 'home')!;

/** The reference homelab with a guest network (isolated) on gw. */
function withGuest(): Inventory {
  const inv = writable();
  home(inv).networks.push({ name: 'guest', cidr: '10.0.30.0/24', vlan: 30, gateway: '10.0.30.1', domain: 'guest.home.example.org', dhcp: { start: '10.0.30.100', end: '10.0.30.250' }, isolated: true });
  home(inv).routers![0].networks.push('guest');
  return inv as Inventory;
}

describe('the zone matrix of the reference homelab', () => {
  test('gw: IoT reaches only the internet; the LAN reaches IoT, the internet and the mesh; the mesh reaches both', () => {
    const fw = firewallOf(inventory, 'gw');
    expect(matrix(fw)).toEqual({
      lan: ['iot', 'vpn', 'wan'],
      iot: ['wan'],
      wan: [],
      vpn: ['iot', 'lan'],
    });
    // on the router itself, IoT gets DHCP and DNS, nothing else (no ssh, no web interface)
    expect(routerInput(fw, 'iot')).toEqual(['udp/67', 'tcp+udp/53']);
    expect(routerInput(fw, 'lan')).toBe('ACCEPT');
  });

  test('flat-gw: its only network and the mesh reach each other', () => {
    expect(matrix(firewallOf(inventory, 'flat-gw'))).toEqual({ lan: ['vpn', 'wan'], wan: [], vpn: ['lan'] });
  });

  test('a guest network reaches nothing but the internet, and the LAN reaches it', () => {
    expect(validateInventory(withGuest()).map((p) => p.message)).toEqual([]);
    const fw = firewallOf(withGuest(), 'gw');
    expect(matrix(fw)).toEqual({
      lan: ['guest', 'iot', 'vpn', 'wan'],
      iot: ['wan'],
      guest: ['wan'],
      wan: [],
      vpn: ['guest', 'iot', 'lan'],
    });
    expect(routerInput(fw, 'guest')).toEqual(['udp/67', 'tcp+udp/53']);
  });

  test('public ports are forwarded into the zone of the network that holds the ingress address', () => {
    const fw = firewallOf(inventory, 'gw');
    expect(fw.sections.filter((s) => s.type === 'redirect').map((s) => opt(s, 'dest')![0])).toEqual(['lan', 'lan']);
  });
});

describe('allowTo', () => {
  test('replaces the default: IoT may reach the LAN, the LAN only the internet', () => {
    const inv = writable();
    home(inv).networks.find((n) => n.name === 'iot')!.allowTo = ['lan'];
    home(inv).networks.find((n) => n.name === 'lan')!.allowTo = [];
    expect(validateInventory(inv as Inventory).map((p) => p.message)).toEqual([]);
    expect(matrix(firewallOf(inv as Inventory, 'gw'))).toMatchObject({ lan: ['wan'], iot: ['lan', 'wan'] });
  });

  test('"mesh" lets an isolated network reach the other sites', () => {
    const inv = writable();
    home(inv).networks.find((n) => n.name === 'iot')!.allowTo = ['mesh'];
    expect(matrix(firewallOf(inv as Inventory, 'gw')).iot).toEqual(['vpn', 'wan']);
  });

  test.each([
    ['a network that is not on the router', (inv: Draft<Inventory>) => { home(inv).networks.find((n) => n.name === 'iot')!.allowTo = ['dmz']; }, 'inventory.sites[home].networks[iot]', 'Network.allowTo[0]', 'dmz', 'not a network on the same router'],
    ['the network itself', (inv: Draft<Inventory>) => { home(inv).networks.find((n) => n.name === 'iot')!.allowTo = ['iot']; }, 'inventory.sites[home].networks[iot]', 'Network.allowTo[0]', 'iot', 'the network itself'],
    ['the same network twice', (inv: Draft<Inventory>) => { home(inv).networks.find((n) => n.name === 'iot')!.allowTo = ['lan', 'lan']; }, 'inventory.sites[home].networks[iot]', 'Network.allowTo[1]', 'lan', 'listed twice'],
    ['the mesh from a router outside it', (inv: Draft<Inventory>) => { delete (home(inv).routers![0] as { wireguard?: unknown }).wireguard; home(inv).networks.find((n) => n.name === 'iot')!.allowTo = ['mesh']; }, 'inventory.sites[home].networks[iot]', 'Network.allowTo[0]', 'mesh', 'its router is not in the WireGuard mesh'],
  ])('fails on %s', (_what, mutate, path, field, value, wrong) => {
    const inv = writable();
    mutate(inv);
    const messages = validateInventory(inv as Inventory).map((p) => p.message).filter((m) => m.includes(field));
    expect(messages).toHaveLength(1);
    expectMessage(messages[0], { path, field, value, wrong, allowed: '' });
  });
});

describe('network names as zones', () => {
  test.each([
    ['longer than 11 characters', 'iotdevices12', 'too long for the firewall zone its router gw makes of it', 'at most 11 characters'],
    ['the mesh zone\'s name', 'vpn', 'the name of a firewall zone the router makes itself', 'any name but wan, vpn, mesh'],
  ])('fails when a routed network\'s name is %s', (_what, name, wrong, allowed) => {
    const inv = writable();
    home(inv).networks.find((n) => n.name === 'iot')!.name = name;
    home(inv).routers![0].networks = ['lan', name];
    const messages = validateInventory(inv as Inventory).map((p) => p.message).filter((m) => m.includes('Network.name'));
    expect(messages).toHaveLength(1);
    expectMessage(messages[0], { path: `inventory.sites[home].networks[${name}]`, field: 'Network.name', value: name, wrong, allowed });
  });

  test('isolated must be a boolean', () => {
    const inv = writable();
    (home(inv).networks.find((n) => n.name === 'iot') as { isolated: unknown }).isolated = 'yes';
    const messages = validateInventory(inv as Inventory).map((p) => p.message).filter((m) => m.includes('Network.isolated'));
    expectMessage(messages[0], { path: 'inventory.sites[home].networks[iot]', field: 'Network.isolated', value: 'yes', wrong: 'not a boolean', allowed: 'true for an untrusted network' });
  });

  test('the whole reference homelab still synthesizes', () => {
    expect(() => new Homelab({ inventory: withGuest() })).not.toThrow();
  });
});
