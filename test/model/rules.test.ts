import { inventory } from '../../apps/inventory';
import { Homelab } from '../../lib';
import { deriveMac } from '../../lib/model/derive';
import { Inventory } from '../../lib/model/inventory';
import { HomelabProblem, HomelabValidationError } from '../../lib/core/errors';
import { validateInventory } from '../../lib/model/rules';
import { Draft, expectMessage, ExpectedMessage, expectValid, MESSAGE_FORMAT } from './fixtures';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** A writable deep copy type, so a test can break one thing in the reference inventory. */

/** A fresh, writable deep copy of the reference inventory. */
function reference(): Draft<Inventory> {
  return structuredClone(inventory) as Draft<Inventory>;
}

/** The reference inventory with one thing broken by `mutate`. */
function breakReference(mutate: (inv: Draft<Inventory>) => void): Inventory {
  const inv = reference();
  mutate(inv);
  return inv as Inventory;
}

/** Shortcuts into the reference inventory. */
const home = (inv: Draft<Inventory>) => inv.sites.find((s) => s.name === 'home')!;
const flat = (inv: Draft<Inventory>) => inv.sites.find((s) => s.name === 'flat')!;
const host = (inv: Draft<Inventory>, name: string) => home(inv).hosts!.find((h) => h.name === name)!;
const net = (inv: Draft<Inventory>, name: string) => home(inv).networks.find((n) => n.name === name)!;
const gw = (inv: Draft<Inventory>) => home(inv).routers!.find((r) => r.name === 'gw')!;
const app = (inv: Draft<Inventory>, name: string) => inv.apps!.find((a) => a.name === name)!;

const HOME = 'inventory.sites[home]';
const OLAF = `${HOME}.hosts[olaf]`;
const ULF = `${HOME}.hosts[ulf]`;
const LAN = `${HOME}.networks[lan]`;
const IOT = `${HOME}.networks[iot]`;
const GW = `${HOME}.routers[gw]`;
const ADMIN = 'inventory.admins[manfred]';

type Expected = ExpectedMessage;

/** Finds the problem at `path` + `field` and checks its message piece by piece. */
function expectProblem(problems: readonly HomelabProblem[], e: Expected): HomelabProblem {
  const keys = problems.map((p) => `[${p.constructPath}] ${p.field}`);
  expect(keys).toContain(`[${e.path}] ${e.field}`);
  const hit = problems.find((p) => p.constructPath === e.path && p.field === e.field && (e.wrong === undefined || p.problem.includes(e.wrong)))
    ?? problems.find((p) => p.constructPath === e.path && p.field === e.field)!;
  expectMessage(hit.message, e);
  return hit;
}

// ---------------------------------------------------------------------------
// Valid inventories
// ---------------------------------------------------------------------------

describe('validateInventory accepts', () => {
  test('the reference inventory', () => {
    // GIVEN the reference inventory
    // WHEN validating it
    const problems = validateInventory(inventory);
    // THEN there is no problem
    expect(problems.map((p) => p.message)).toEqual([]);
  });

  test('a deep-frozen inventory and leaves it unchanged', () => {
    // GIVEN a deep-frozen copy of the reference inventory
    const inv = reference();
    const deepFreeze = (o: unknown): void => {
      if (o && typeof o === 'object') { Object.freeze(o); Object.values(o).forEach(deepFreeze); }
    };
    deepFreeze(inv);
    // WHEN validating it
    const problems = validateInventory(inv as Inventory);
    // THEN it is valid and still equal to the reference
    expect(problems).toEqual([]);
    expect(inv).toEqual(inventory);
  });

  test.each<[string, (inv: Draft<Inventory>) => void]>([
    ['an ingress IP that is a free address (servicelb, no platform)', (inv) => { home(inv).ingressIP = '10.0.100.20'; delete inv.cluster!.platform; inv.apps = inv.apps!.filter((a) => !a.ingress?.admin); }],
    ['an ingress IP that is the address of a k3s agent (servicelb, no platform)', (inv) => { home(inv).ingressIP = '10.0.100.11'; delete inv.cluster!.platform; inv.apps = inv.apps!.filter((a) => !a.ingress?.admin); }],
    ['an ingress IP in the load-balancer pool (platform)', (inv) => { home(inv).ingressIP = '10.0.100.250'; }],
    ['a static IP right next to the DHCP range', (inv) => { host(inv, 'ulf').ip = '10.0.100.99'; }],
    ['a VLAN id of 1 and 4094', (inv) => { net(inv, 'iot').vlan = 4094; net(inv, 'lan').vlan = 1; }],
    ['access and trunk ports', (inv) => { gw(inv).ports = [{ name: 'lan3', untagged: 'lan' }, { name: 'lan4', untagged: 'iot' }, { name: 'lan1', tagged: ['iot'] }]; }],
    ['two sites with /22 networks in one /16 (reverse zones per /24)', (inv) => {
      const n = flat(inv).networks[0]; n.cidr = '10.99.4.0/22'; n.gateway = '10.99.4.1'; n.dhcp = { start: '10.99.5.100', end: '10.99.5.199' };
      const iot = net(inv, 'iot'); iot.cidr = '10.99.0.0/22'; iot.gateway = '10.99.0.1'; iot.dhcp = { start: '10.99.1.100', end: '10.99.1.199' };
    }],
    ['an image pinned by digest', (inv) => { app(inv, 'whoami').image = `ghcr.io/traefik/whoami@sha256:${'a'.repeat(64)}`; }],
    ['an image from a registry with a port', (inv) => { app(inv, 'whoami').image = 'registry.local:5000/traefik/whoami:v1.10.3'; }],
    ['images by the full reference grammar', (inv) => {
      app(inv, 'whoami').image = 'localhost:5000/a__b/c--d.e_f:1.0_rc-X';
      app(inv, 'gitea').image = `docker.io/library/gitea:1.22@sha256:${'b'.repeat(64)}`;
      inv.backup!.resticImage = `REGISTRY.Example-1.org/${'r'.repeat(231)}:${'t'.repeat(128)}`;
    }],
    ['app ports 1 and 65535', (inv) => { app(inv, 'whoami').port = 1; app(inv, 'gitea').port = 65535; }],
    ['a public app at the zone apex', (inv) => { app(inv, 'whoami').ingress = { host: 'example.org', public: true }; }],
    ['taints with and without a value', (inv) => { host(inv, 'olaf').taints = ['node-role.kubernetes.io/control-plane:NoSchedule', 'dedicated=db:NoExecute']; }],
    ['a bucket name of 6 characters', (inv) => { inv.backup!.bucket = 'backup'; }],
  ])('%s', (_name, mutate) => {
    // GIVEN the inventory with an unusual but valid change WHEN validating it THEN there is no problem
    expectValid(breakReference(mutate));
  });
});

// ---------------------------------------------------------------------------
// One mistake per case
// ---------------------------------------------------------------------------

interface Case extends Expected {
  readonly mutate: (inv: Draft<Inventory>) => void;
}

const cases: Record<string, Case> = {
  // Host addresses
  'a host IP is outside its network': {
    mutate: (inv) => { host(inv, 'olaf').ip = '10.0.20.10'; },
    path: OLAF, field: 'Host.ip', value: '10.0.20.10', wrong: 'outside network lan 10.0.100.0/24', allowed: 'use a host address inside it',
  },
  'a host IP is the network address': {
    mutate: (inv) => { host(inv, 'olaf').ip = '10.0.100.0'; },
    path: OLAF, field: 'Host.ip', value: '10.0.100.0', wrong: 'outside network lan 10.0.100.0/24', allowed: 'use a host address inside it',
  },
  'a host IP is the broadcast address': {
    mutate: (inv) => { host(inv, 'olaf').ip = '10.0.100.255'; },
    path: OLAF, field: 'Host.ip', value: '10.0.100.255', wrong: 'outside network lan 10.0.100.0/24', allowed: 'use a host address inside it',
  },
  'a host IP is not an IPv4 address': {
    mutate: (inv) => { host(inv, 'olaf').ip = '10.0.100.256'; },
    path: OLAF, field: 'Host.ip', value: '10.0.100.256', wrong: 'not an IPv4 address', allowed: 'dotted quad',
  },
  'a static IP is inside the DHCP range': {
    mutate: (inv) => { host(inv, 'ulf').ip = '10.0.100.150'; },
    path: ULF, field: 'Host.ip', value: '10.0.100.150', wrong: 'inside the DHCP range of network lan 10.0.100.100-10.0.100.199', allowed: 'use a static address outside the DHCP range',
  },
  'a static IP is the first address of the DHCP range': {
    mutate: (inv) => { host(inv, 'ulf').ip = '10.0.100.100'; },
    path: ULF, field: 'Host.ip', value: '10.0.100.100', wrong: 'inside the DHCP range', allowed: 'outside the DHCP range',
  },
  'a static IP is the last address of the DHCP range': {
    mutate: (inv) => { host(inv, 'ulf').ip = '10.0.100.199'; },
    path: ULF, field: 'Host.ip', value: '10.0.100.199', wrong: 'inside the DHCP range', allowed: 'outside the DHCP range',
  },
  'two hosts have the same IP': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'sven', network: 'lan', ip: '10.0.100.11' }); },
    path: `${HOME}.hosts[sven]`, field: 'Host.ip', value: '10.0.100.11', wrong: 'address already used by host ulf', allowed: 'give every host, router and load balancer its own address',
  },
  'two hosts have the same IP, which is also the ingress IP': {
    mutate: (inv) => { host(inv, 'ulf').ip = '10.0.100.10'; },
    path: ULF, field: 'Host.ip', value: '10.0.100.10', wrong: 'address already used by host olaf', allowed: 'its own address',
  },
  'a host IP is the gateway': {
    mutate: (inv) => { host(inv, 'ulf').ip = '10.0.100.1'; },
    path: ULF, field: 'Host.ip', value: '10.0.100.1', wrong: 'address already used by the gateway of network lan', allowed: 'its own address',
  },
  'the ingress IP is the gateway': {
    mutate: (inv) => { home(inv).ingressIP = '10.0.100.1'; },
    path: HOME, field: 'Site.ingressIP', value: '10.0.100.1', wrong: 'address already used by the gateway of network lan', allowed: 'the address of a k3s node',
  },
  'the ingress IP is the address of a host that is not a k3s node': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'sven', network: 'lan', ip: '10.0.100.20' }); home(inv).ingressIP = '10.0.100.20'; },
    path: HOME, field: 'Site.ingressIP', value: '10.0.100.20', wrong: 'address already used by host sven', allowed: 'an address nobody else uses',
  },
  'the ingress IP is inside the DHCP range': {
    mutate: (inv) => { home(inv).ingressIP = '10.0.100.120'; },
    path: HOME, field: 'Site.ingressIP', value: '10.0.100.120', wrong: 'inside the DHCP range of network lan', allowed: 'outside the DHCP range',
  },

  // Host names and MACs
  'two hosts at different sites have the same name': {
    mutate: (inv) => { flat(inv).hosts = [{ name: 'olaf', network: 'lan', ip: '10.0.1.10' }]; },
    path: 'inventory.sites[flat].hosts[olaf]', field: 'Host.name', value: 'olaf', wrong: `duplicate hostname, also at ${OLAF}`, allowed: 'hostnames are unique across the homelab',
  },
  'two hosts at the same site have the same name': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'ulf', network: 'lan', ip: '10.0.100.12' }); },
    path: ULF, field: 'Host.name', value: 'ulf', wrong: `duplicate hostname, also at ${ULF}`, allowed: 'hostnames are unique',
  },
  'a hostname is not a DNS label': {
    mutate: (inv) => { host(inv, 'olaf').name = 'Olaf_1'; },
    path: `${HOME}.hosts[Olaf_1]`, field: 'Host.name', value: 'Olaf_1', wrong: 'not a DNS label', allowed: 'lowercase letters, digits and "-"',
  },
  'two hosts have the same given MAC': {
    mutate: (inv) => { host(inv, 'ulf').mac = '3c:ec:ef:10:00:02'; },
    path: ULF, field: 'Host.mac', value: '3c:ec:ef:10:00:02', wrong: 'duplicate MAC, also used by host olaf', allowed: 'every interface has its own MAC',
  },
  'a given MAC equals the MAC derived for a VM': {
    mutate: (inv) => { host(inv, 'olaf').mac = deriveMac('example', 'home', 'ulf'); },
    path: ULF, field: 'Host.mac', value: deriveMac('example', 'home', 'ulf'), wrong: 'duplicate MAC, also used by host olaf', allowed: 'every interface has its own MAC',
  },
  'a MAC has uppercase hex': {
    mutate: (inv) => { host(inv, 'olaf').mac = '3C:EC:EF:10:00:02'; },
    path: OLAF, field: 'Host.mac', value: '3C:EC:EF:10:00:02', wrong: 'not a MAC address', allowed: 'six lowercase hex pairs separated by ":"',
  },
  'a MAC uses dashes': {
    mutate: (inv) => { host(inv, 'olaf').mac = '3c-ec-ef-10-00-02'; },
    path: OLAF, field: 'Host.mac', value: '3c-ec-ef-10-00-02', wrong: 'not a MAC address', allowed: 'six lowercase hex pairs',
  },
  'a MAC has five pairs': {
    mutate: (inv) => { host(inv, 'olaf').mac = '3c:ec:ef:10:00'; },
    path: OLAF, field: 'Host.mac', value: '3c:ec:ef:10:00', wrong: 'not a MAC address', allowed: 'six lowercase hex pairs',
  },

  // Networks
  'a CIDR has host bits set': {
    mutate: (inv) => { net(inv, 'iot').cidr = '10.0.20.1/24'; },
    path: IOT, field: 'Network.cidr', value: '10.0.20.1/24', wrong: 'not an IPv4 CIDR with zero host bits', allowed: 'e.g. 10.0.100.0/24',
  },
  'a CIDR has prefix 33': {
    mutate: (inv) => { net(inv, 'iot').cidr = '10.0.20.0/33'; },
    path: IOT, field: 'Network.cidr', value: '10.0.20.0/33', wrong: 'not an IPv4 CIDR', allowed: 'e.g. 10.0.100.0/24',
  },
  'a CIDR is garbage': {
    mutate: (inv) => { net(inv, 'iot').cidr = 'iot please'; },
    path: IOT, field: 'Network.cidr', value: 'iot please', wrong: 'not an IPv4 CIDR', allowed: 'e.g. 10.0.100.0/24',
  },
  'a CIDR has no prefix': {
    mutate: (inv) => { net(inv, 'iot').cidr = '10.0.20.0'; },
    path: IOT, field: 'Network.cidr', value: '10.0.20.0', wrong: 'not an IPv4 CIDR', allowed: 'e.g. 10.0.100.0/24',
  },
  'two networks of a site overlap': {
    mutate: (inv) => { net(inv, 'iot').cidr = '10.0.0.0/16'; },
    path: IOT, field: 'Network.cidr', value: '10.0.0.0/16', wrong: 'overlaps network lan 10.0.100.0/24', allowed: 'networks of a site do not overlap',
  },
  'two networks of a site are the same': {
    mutate: (inv) => { home(inv).networks.push({ ...net(inv, 'lan'), name: 'lan2', vlan: 30 }); },
    path: `${HOME}.networks[lan2]`, field: 'Network.cidr', value: '10.0.100.0/24', wrong: 'overlaps network lan', allowed: 'do not overlap',
  },
  'a gateway is outside its network': {
    mutate: (inv) => { net(inv, 'lan').gateway = '10.0.101.1'; },
    path: LAN, field: 'Network.gateway', value: '10.0.101.1', wrong: 'not a host address in 10.0.100.0/24', allowed: 'use an address inside the network',
  },
  'a gateway is the broadcast address': {
    mutate: (inv) => { net(inv, 'lan').gateway = '10.0.100.255'; },
    path: LAN, field: 'Network.gateway', value: '10.0.100.255', wrong: 'not a host address in 10.0.100.0/24', allowed: 'inside the network',
  },
  'a gateway is inside the DHCP range': {
    mutate: (inv) => { net(inv, 'lan').gateway = '10.0.100.100'; },
    path: LAN, field: 'Network.gateway', value: '10.0.100.100', wrong: 'inside the DHCP range 10.0.100.100-10.0.100.199', allowed: 'keep the gateway outside the DHCP range',
  },
  'the DHCP start is after its end': {
    mutate: (inv) => { net(inv, 'lan').dhcp = { start: '10.0.100.199', end: '10.0.100.100' }; },
    path: LAN, field: 'Network.dhcp', value: '10.0.100.199-10.0.100.100', wrong: 'start is after end', allowed: 'start <= end',
  },
  'the DHCP range ends outside the network': {
    mutate: (inv) => { net(inv, 'lan').dhcp = { start: '10.0.100.100', end: '10.0.101.10' }; },
    path: LAN, field: 'Network.dhcp.end', value: '10.0.101.10', wrong: 'not a host address in 10.0.100.0/24', allowed: 'use an address inside the network',
  },
  'the DHCP range starts outside the network': {
    mutate: (inv) => { net(inv, 'lan').dhcp = { start: '10.0.99.100', end: '10.0.100.199' }; },
    path: LAN, field: 'Network.dhcp.start', value: '10.0.99.100', wrong: 'not a host address in 10.0.100.0/24', allowed: 'inside the network',
  },
  'the DHCP range ends at the broadcast address': {
    mutate: (inv) => { net(inv, 'iot').dhcp = { start: '10.0.20.100', end: '10.0.20.255' }; },
    path: IOT, field: 'Network.dhcp.end', value: '10.0.20.255', wrong: 'not a host address in 10.0.20.0/24', allowed: 'inside the network',
  },
  'the VLAN id is 0': {
    mutate: (inv) => { net(inv, 'iot').vlan = 0; },
    path: IOT, field: 'Network.vlan', value: 0, wrong: 'not a VLAN id', allowed: 'integer 1-4094',
  },
  'the VLAN id is 4095': {
    mutate: (inv) => { net(inv, 'iot').vlan = 4095; },
    path: IOT, field: 'Network.vlan', value: 4095, wrong: 'not a VLAN id', allowed: 'integer 1-4094',
  },
  'the VLAN id is a fraction': {
    mutate: (inv) => { net(inv, 'iot').vlan = 20.5; },
    path: IOT, field: 'Network.vlan', value: 20.5, wrong: 'not a VLAN id', allowed: 'integer 1-4094',
  },

  // Network references and routers
  'a host names an unknown network': {
    mutate: (inv) => { host(inv, 'ulf').network = 'dmz'; },
    path: ULF, field: 'Host.network', value: 'dmz', wrong: 'unknown network', allowed: 'one of ["lan","iot"] at site home',
  },
  'a host names a network of another site only': {
    mutate: (inv) => { flat(inv).hosts = [{ name: 'bjorn', network: 'iot', ip: '10.0.1.10' }]; },
    path: 'inventory.sites[flat].hosts[bjorn]', field: 'Host.network', value: 'iot', wrong: 'unknown network', allowed: 'one of ["lan"] at site flat',
  },
  'a router names an unknown network': {
    mutate: (inv) => { gw(inv).networks = ['lan', 'dmz']; },
    path: GW, field: 'Router.networks', value: 'dmz', wrong: 'unknown network', allowed: 'one of ["lan","iot"]',
  },
  'a wifi names an unknown network': {
    mutate: (inv) => { gw(inv).wifi![0].network = 'guest'; },
    path: GW, field: 'Router.wifi[0].network', value: 'guest', wrong: 'unknown network', allowed: 'one of ["lan","iot"]',
  },
  'two routers serve the same network': {
    mutate: (inv) => { home(inv).routers!.push({ name: 'gw2', networks: ['iot'] }); },
    path: `${HOME}.routers[gw2]`, field: 'Router.networks', value: 'iot', wrong: 'network already served by router gw', allowed: 'one router per network',
  },
  'a router has two networks without a VLAN': {
    mutate: (inv) => { delete net(inv, 'iot').vlan; },
    path: GW, field: 'Router.networks', value: ['lan', 'iot'], wrong: 'networks lan and iot both have no VLAN', allowed: 'one network without a vlan per router',
  },
  'a port entry names a port outside lanPorts': {
    mutate: (inv) => { gw(inv).ports = [{ name: 'lan9', untagged: 'iot' }]; },
    path: GW, field: 'Router.ports[0].name', value: 'lan9', wrong: 'not one of the router\'s lanPorts', allowed: 'one of ["lan1","lan2","lan3","lan4"]',
  },
  'a port tags the network without a VLAN': {
    mutate: (inv) => { gw(inv).ports = [{ name: 'lan4', untagged: 'iot', tagged: ['lan'] }]; },
    path: GW, field: 'Router.ports[0].tagged', value: 'lan', wrong: 'network lan has no VLAN, so it cannot be tagged', allowed: 'networks with a vlan',
  },
  'a port carries a network of another router': {
    mutate: (inv) => { gw(inv).ports = [{ name: 'lan4', untagged: 'guest' }]; },
    path: GW, field: 'Router.ports[0].untagged', value: 'guest', wrong: 'not a network of this router', allowed: 'one of ["lan","iot"]',
  },
  'a wifi uses a radio that is not declared': {
    mutate: (inv) => { gw(inv).wifi![0].device = 'radio1'; },
    path: GW, field: 'Router.wifi[0].device', value: 'radio1', wrong: 'radio not declared in the router\'s radios', allowed: 'declare it in radios with its band and country',
  },
  'a radio has no country': {
    mutate: (inv) => { gw(inv).radios![0].country = 'de'; },
    path: GW, field: 'Router.radios[0].country', value: 'de', wrong: 'not a country code', allowed: 'ISO 3166-1 alpha-2',
  },
  'a radio has an unknown band': {
    mutate: (inv) => { (gw(inv).radios![0] as { band: string }).band = '2.4g'; },
    path: GW, field: 'Router.radios[0].band', value: '2.4g', wrong: 'unknown band', allowed: 'one of 2g, 5g, 6g, 60g',
  },
  'two sites share a /24 reverse zone (two /25s)': {
    mutate: (inv) => { const n = flat(inv).networks[0]; n.cidr = '10.0.100.128/25'; n.gateway = '10.0.100.129'; n.dhcp = undefined; net(inv, 'lan').cidr = '10.0.100.0/25'; net(inv, 'lan').loadBalancerPool = { start: '10.0.100.120', end: '10.0.100.126' }; net(inv, 'lan').dhcp = { start: '10.0.100.50', end: '10.0.100.99' }; home(inv).ingressIP = '10.0.100.120'; },
    path: GW, field: 'Router.networks', value: ['lan', 'iot'], wrong: 'serves reverse zone 100.0.10.in-addr.arpa (network lan 10.0.100.0/25), which overlaps reverse zone 100.0.10.in-addr.arpa it forwards to router flat-gw (site flat) (network lan 10.0.100.128/25)', allowed: 'networks of different sites in different /24 reverse zones',
  },
  'two sites use one domain': {
    mutate: (inv) => { flat(inv).networks[0].domain = 'home.example.org'; },
    path: 'inventory.sites[flat].routers[flat-gw]', field: 'Router.networks', value: ['lan'], wrong: 'serves domain home.example.org (network lan 10.0.1.0/24), which overlaps domain home.example.org it forwards to router gw (site home)', allowed: 'a domain per site that no other site uses',
  },
  'a router forwards port 0': {
    mutate: (inv) => { gw(inv).forwardPorts = [443, 0]; },
    path: GW, field: 'Router.forwardPorts', value: 0, wrong: 'not a TCP port', allowed: 'integer 1-65535',
  },

  // Secrets
  'a wifi keySecret is not declared': {
    mutate: (inv) => { gw(inv).wifi![0].keySecret = 'guest-psk'; },
    path: GW, field: 'Router.wifi[0].keySecret', value: 'guest-psk', wrong: 'refers to a secret that is not declared', allowed: 'declare it in inventory.secrets (declared: ["k3s-token",',
  },
  'a secretEnv entry names an undeclared secret': {
    mutate: (inv) => { app(inv, 'gitea').secretEnv = { GITEA__security__SECRET_KEY: 'gitea-secret' }; },
    path: 'inventory.apps[gitea]', field: 'App.secretEnv[GITEA__security__SECRET_KEY]', value: 'gitea-secret', wrong: 'refers to a secret that is not declared', allowed: 'declare it in inventory.secrets',
  },
  'the cluster token secret is not declared': {
    mutate: (inv) => { inv.cluster!.tokenSecret = 'k3s-join'; },
    path: 'inventory.cluster', field: 'Cluster.tokenSecret', value: 'k3s-join', wrong: 'not declared', allowed: 'declare it in inventory.secrets',
  },
  'a secret is declared twice': {
    mutate: (inv) => { inv.secrets!.push({ name: 'wifi-psk' }); },
    path: 'inventory.secrets[wifi-psk]', field: 'Secret.name', value: 'wifi-psk', wrong: 'duplicate secret name', allowed: 'declare each secret once',
  },

  // Apps
  'an app image has no tag': {
    mutate: (inv) => { app(inv, 'whoami').image = 'traefik/whoami'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'traefik/whoami', wrong: 'not a pinned image reference', allowed: 'a tag or digest is required',
  },
  'an app image has a registry port but no tag': {
    mutate: (inv) => { app(inv, 'whoami').image = 'registry.local:5000/traefik/whoami'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'registry.local:5000/traefik/whoami', wrong: 'not a pinned image reference', allowed: 'a tag or digest is required',
  },
  'an app image has an empty repository component (issue 20 item 9)': {
    mutate: (inv) => { app(inv, 'whoami').image = 'docker.io/library/:1'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'docker.io/library/:1', wrong: 'not a pinned image reference', allowed: 'path components lowercase letters and digits',
  },
  'an app image has an empty path component': {
    mutate: (inv) => { app(inv, 'whoami').image = 'ghcr.io//whoami:v1'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'ghcr.io//whoami:v1', wrong: 'not a pinned image reference', allowed: 'path components',
  },
  'an app image path component ends in a separator': {
    mutate: (inv) => { app(inv, 'whoami').image = 'traefik/whoami-:v1'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'traefik/whoami-:v1', wrong: 'not a pinned image reference', allowed: 'path components',
  },
  'an app image path has upper case': {
    mutate: (inv) => { app(inv, 'whoami').image = 'Traefik/whoami:v1'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'Traefik/whoami:v1', wrong: 'not a pinned image reference', allowed: 'path components',
  },
  'an app image tag starts with "."': {
    mutate: (inv) => { app(inv, 'whoami').image = 'traefik/whoami:.v1'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'traefik/whoami:.v1', wrong: 'not a pinned image reference', allowed: 'the tag at most 128',
  },
  'an app image digest is not a sha256 digest': {
    mutate: (inv) => { app(inv, 'whoami').image = 'traefik/whoami:v1@sha256:abc'; },
    path: 'inventory.apps[whoami]', field: 'App.image', value: 'traefik/whoami:v1@sha256:abc', wrong: 'not a pinned image reference', allowed: '@sha256:digest',
  },
  'the restic image has an empty repository component': {
    mutate: (inv) => { inv.backup!.resticImage = 'docker.io/restic/:0.17.3'; },
    path: 'inventory.backup', field: 'Backup.resticImage', value: 'docker.io/restic/:0.17.3', wrong: 'not a pinned image reference', allowed: 'path components',
  },
  'an app port is 0': {
    mutate: (inv) => { app(inv, 'whoami').port = 0; },
    path: 'inventory.apps[whoami]', field: 'App.port', value: 0, wrong: 'not a TCP port', allowed: 'integer 1-65535',
  },
  'an app port is 70000': {
    mutate: (inv) => { app(inv, 'whoami').port = 70000; },
    path: 'inventory.apps[whoami]', field: 'App.port', value: 70000, wrong: 'not a TCP port', allowed: 'integer 1-65535',
  },
  'an app runs as user 0': {
    mutate: (inv) => { app(inv, 'gitea').runAsUser = 0; },
    path: 'inventory.apps[gitea]', field: 'App.runAsUser', value: 0, wrong: 'not a non-root UID', allowed: 'integer >= 1',
  },
  'two apps have the same name': {
    mutate: (inv) => { app(inv, 'gitea').name = 'whoami'; },
    path: 'inventory.apps[whoami]', field: 'App.name', value: 'whoami', wrong: 'duplicate app name', allowed: 'app names are unique',
  },
  'two apps have the same ingress host': {
    mutate: (inv) => { app(inv, 'gitea').ingress = { host: 'whoami.example.org' }; },
    path: 'inventory.apps[gitea]', field: 'App.ingress.host', value: 'whoami.example.org', wrong: 'hostname already used by app whoami', allowed: 'one app per hostname',
  },
  'a public app is outside the DNS zone': {
    mutate: (inv) => { app(inv, 'whoami').ingress = { host: 'whoami.example.net', public: true }; },
    path: 'inventory.apps[whoami]', field: 'App.ingress.host', value: 'whoami.example.net', wrong: 'not inside DNS zone example.org', allowed: 'a name ending in .example.org',
  },
  'a public app only ends with the zone text': {
    mutate: (inv) => { app(inv, 'whoami').ingress = { host: 'whoami.notexample.org', public: true }; },
    path: 'inventory.apps[whoami]', field: 'App.ingress.host', value: 'whoami.notexample.org', wrong: 'not inside DNS zone example.org', allowed: 'a name ending in .example.org',
  },
  'a public app has no DNS zone': {
    mutate: (inv) => { delete inv.dns; },
    path: 'inventory.apps[whoami]', field: 'App.ingress.public', value: true, wrong: 'public app but no DNS zone declared', allowed: 'declare inventory.dns or make the app internal',
  },
  'a public app runs at a site without a public IPv4': {
    mutate: (inv) => { delete home(inv).publicIPv4; },
    path: 'inventory.apps[whoami]', field: 'App.ingress.public', value: true, wrong: 'site home has no publicIPv4', allowed: 'set the site publicIPv4',
  },

  // k3s
  'a k3s agent has no server': {
    mutate: (inv) => { host(inv, 'olaf').k3s = 'agent'; delete host(inv, 'olaf').k3sInit; },
    path: 'inventory', field: 'Inventory.sites[].hosts[].k3s', value: 'agent only', wrong: 'no k3s server', allowed: 'at least one host or k3s container with the server role',
  },
  'two k3s servers have k3sInit': {
    mutate: (inv) => { host(inv, 'ulf').k3s = 'server'; host(inv, 'ulf').k3sInit = true; },
    path: 'inventory', field: 'Inventory.sites[].hosts[].k3sInit', value: 2, wrong: '2 k3s servers initialise the cluster', allowed: 'exactly one k3s server with k3sInit: true',
  },
  'no k3s server has k3sInit': {
    mutate: (inv) => { delete host(inv, 'olaf').k3sInit; },
    path: 'inventory', field: 'Inventory.sites[].hosts[].k3sInit', value: 0, wrong: '0 k3s servers initialise the cluster', allowed: 'exactly one k3s server with k3sInit: true',
  },
  'a k3s agent has k3sInit': {
    mutate: (inv) => { host(inv, 'ulf').k3sInit = true; },
    path: ULF, field: 'Host.k3sInit', value: 'agent', wrong: 'only a k3s server can initialise the cluster', allowed: 'set k3s: "server" or drop k3sInit',
  },
  'a host that is no cluster node has k3sInit': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'sven', network: 'lan', ip: '10.0.100.20', k3sInit: true }); },
    path: `${HOME}.hosts[sven]`, field: 'Host.k3sInit', value: null, wrong: 'only a k3s server can initialise the cluster', allowed: 'set k3s: "server" or drop k3sInit',
  },
  'a taint has no effect': {
    mutate: (inv) => { host(inv, 'olaf').taints = ['dedicated=db']; },
    path: OLAF, field: 'Host.taints', value: 'dedicated=db', wrong: 'not a taint', allowed: 'key[=value]:NoSchedule|PreferNoSchedule|NoExecute',
  },
  'a taint has an unknown effect': {
    mutate: (inv) => { host(inv, 'olaf').taints = ['dedicated=db:NoRun']; },
    path: OLAF, field: 'Host.taints', value: 'dedicated=db:NoRun', wrong: 'not a taint', allowed: 'NoSchedule|PreferNoSchedule|NoExecute',
  },
  'a label key has a space': {
    mutate: (inv) => { host(inv, 'olaf').labels = { 'disk type': 'ssd' }; },
    path: OLAF, field: 'Host.labels[disk type]', value: 'disk type=ssd', wrong: 'not a Kubernetes label', allowed: 'prefix/name=value',
  },
  'a label value starts with "-"': {
    mutate: (inv) => { host(inv, 'olaf').labels = { disk: '-ssd' }; },
    path: OLAF, field: 'Host.labels[disk]', value: 'disk=-ssd', wrong: 'not a Kubernetes label', allowed: 'prefix/name=value',
  },
  'a label value is longer than 63 characters': {
    mutate: (inv) => { host(inv, 'olaf').labels = { disk: 'x'.repeat(64) }; },
    path: OLAF, field: 'Host.labels[disk]', value: `disk=${'x'.repeat(64)}`, wrong: 'not a Kubernetes label', allowed: 'prefix/name=value',
  },

  // k3s containers (seed 002) and per-host admins
  'a k3s container takes a host address': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', k3sContainers: [{ name: 'karl-k3s-agent', role: 'agent', ip: '10.0.100.10' }] }); },
    path: `${HOME}.hosts[karl].k3sContainers[karl-k3s-agent]`, field: 'K3sContainer.ip', value: '10.0.100.10', wrong: 'address already used by host olaf', allowed: 'give every host, router and load balancer its own address',
  },
  'a k3s container address is outside the host network': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', k3sContainers: [{ name: 'karl-k3s-agent', role: 'agent', ip: '10.0.20.21' }] }); },
    path: `${HOME}.hosts[karl].k3sContainers[karl-k3s-agent]`, field: 'K3sContainer.ip', value: '10.0.20.21', wrong: 'outside network lan 10.0.100.0/24 of host karl', allowed: 'macvlan',
  },
  'a k3s container is named like a host': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', k3sContainers: [{ name: 'olaf', role: 'agent', ip: '10.0.100.21' }] }); },
    path: `${HOME}.hosts[karl].k3sContainers[olaf]`, field: 'K3sContainer.name', value: 'olaf', wrong: 'duplicate hostname, also at inventory.sites[home].hosts[olaf]', allowed: 'unique names',
  },
  'a k3s agent container initialises the cluster': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', k3sContainers: [{ name: 'karl-k3s-agent', role: 'agent', init: true, ip: '10.0.100.21' }] }); },
    path: `${HOME}.hosts[karl].k3sContainers[karl-k3s-agent]`, field: 'K3sContainer.init', value: 'agent', wrong: 'only a k3s server can initialise the cluster', allowed: 'set role: "server" or drop init',
  },
  'a server container initialises the cluster beside the init host': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', k3sContainers: [{ name: 'karl-k3s', role: 'server', init: true, ip: '10.0.100.21' }] }); },
    path: 'inventory', field: 'Inventory.sites[].hosts[].k3sInit', value: 2, wrong: '2 k3s servers initialise the cluster', allowed: 'exactly one k3s server',
  },
  'a host runs k3s and k3s containers': {
    mutate: (inv) => { host(inv, 'olaf').k3sContainers = [{ name: 'olaf-k3s-agent', role: 'agent', ip: '10.0.100.21' }]; },
    path: OLAF, field: 'Host.k3s', value: 'server', wrong: 'the host runs k3s containers and k3s itself', allowed: 'run k3s either on the host or in its containers',
  },
  'a host with a k3s server container has an interface name too long for its macvlan': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', interface: 'enp0s20f0u1u2', k3sContainers: [{ name: 'karl-k3s', role: 'server', ip: '10.0.100.21' }] }); },
    path: `${HOME}.hosts[karl]`, field: 'Host.interface', value: 'enp0s20f0u1u2', wrong: 'too long for k3s server containers', allowed: 'at most 12 characters',
  },
  'a host with k3s containers turns macvlan off': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'karl', network: 'lan', ip: '10.0.100.20', macvlan: false, k3sContainers: [{ name: 'karl-k3s-agent', role: 'agent', ip: '10.0.100.21' }] }); },
    path: `${HOME}.hosts[karl]`, field: 'Host.macvlan', value: false, wrong: 'k3s containers need the host on a macvlan', allowed: 'drop macvlan or set it to true',
  },
  'a host names an unknown admin': {
    mutate: (inv) => { host(inv, 'olaf').admins = ['mallory']; },
    path: OLAF, field: 'Host.admins', value: 'mallory', wrong: 'unknown admin', allowed: 'one of ["manfred"]',
  },

  // Load-balancer pools
  'a load-balancer pool overlaps the DHCP range': {
    mutate: (inv) => { net(inv, 'lan').loadBalancerPool = { start: '10.0.100.190', end: '10.0.100.210' }; },
    path: LAN, field: 'Network.loadBalancerPool', value: '10.0.100.190-10.0.100.210', wrong: 'overlaps the DHCP range 10.0.100.100-10.0.100.199', allowed: 'a load-balancer pool and the DHCP range share no address',
  },
  'a load-balancer pool contains a host address': {
    mutate: (inv) => { host(inv, 'rolf').ip = '10.0.100.245'; },
    path: LAN, field: 'Network.loadBalancerPool', value: '10.0.100.240-10.0.100.250', wrong: 'contains 10.0.100.245, the address of host rolf', allowed: 'a pool outside every static address',
  },
  'a load-balancer pool leaves the network': {
    mutate: (inv) => { net(inv, 'lan').loadBalancerPool = { start: '10.0.100.240', end: '10.0.101.10' }; },
    path: LAN, field: 'Network.loadBalancerPool.end', value: '10.0.101.10', wrong: 'not a host address in 10.0.100.0/24', allowed: 'use an address inside the network',
  },

  // WireGuard mesh
  'a router joins an undeclared mesh': {
    mutate: (inv) => { delete inv.wireguard; },
    path: GW, field: 'Router.wireguard', value: 'gw', wrong: 'router joins a WireGuard mesh that is not declared', allowed: 'declare inventory.wireguard',
  },
  'the mesh network overlaps a site network': {
    mutate: (inv) => { inv.wireguard!.cidr = '10.0.20.0/24'; home(inv).routers![0].wireguard!.address = '10.0.20.201'; flat(inv).routers![0].wireguard!.address = '10.0.20.202'; },
    path: 'inventory.wireguard', field: 'Wireguard.cidr', value: '10.0.20.0/24', wrong: 'overlaps network iot 10.0.20.0/24 of site home', allowed: 'a tunnel network apart from every site network',
  },
  'a tunnel address is outside the mesh': {
    mutate: (inv) => { flat(inv).routers![0].wireguard!.address = '10.254.0.2'; },
    path: 'inventory.sites[flat].routers[flat-gw]', field: 'Router.wireguard.address', value: '10.254.0.2', wrong: 'outside the mesh network 10.255.0.0/24', allowed: 'a host address inside 10.255.0.0/24',
  },
  'two routers share a tunnel address': {
    mutate: (inv) => { flat(inv).routers![0].wireguard!.address = '10.255.0.1'; },
    path: 'inventory.sites[flat].routers[flat-gw]', field: 'Router.wireguard.address', value: '10.255.0.1', wrong: 'tunnel address already used by router gw', allowed: 'one tunnel address per router',
  },
  'a public key is not 32 bytes of base64': {
    mutate: (inv) => { gw(inv).wireguard!.publicKey = 'not-a-key'; },
    path: GW, field: 'Router.wireguard.publicKey', value: 'not-a-key', wrong: 'not a WireGuard public key', allowed: '44 characters of base64',
  },
  'two routers share a public key': {
    mutate: (inv) => { flat(inv).routers![0].wireguard!.publicKey = gw(inv).wireguard!.publicKey; },
    path: 'inventory.sites[flat].routers[flat-gw]', field: 'Router.wireguard.publicKey', value: 'algXW1Q1sAN4lkEOIItpMulFWG1F9i6Q/0ic8YfTQwQ=', wrong: 'same public key as router gw', allowed: 'one key pair per router',
  },
  'a private key secret is not declared': {
    mutate: (inv) => { gw(inv).wireguard!.privateKeySecret = 'wg-key'; },
    path: GW, field: 'Router.wireguard.privateKeySecret', value: 'wg-key', wrong: 'refers to a secret that is not declared', allowed: 'declare it in inventory.secrets',
  },
  'no router of the mesh can be reached': {
    mutate: (inv) => { delete gw(inv).wireguard!.endpoint; delete home(inv).publicIPv4; inv.apps = inv.apps!.filter((a) => !a.ingress?.public); },
    path: 'inventory.sites[flat].routers[flat-gw]', field: 'Router.wireguard.endpoint', value: null, wrong: 'neither this router nor router gw can be reached', allowed: 'give one of them an endpoint or its site a publicIPv4',
  },
  'sites joined by the mesh use the same network': {
    mutate: (inv) => { const n = flat(inv).networks[0]; n.cidr = '10.0.100.0/24'; n.gateway = '10.0.100.254'; n.dhcp = undefined; },
    path: 'inventory.sites[flat].routers[flat-gw]', field: 'Router.networks', value: 'lan', wrong: 'overlaps network lan 10.0.100.0/24 of site home, which the mesh also routes', allowed: 'sites joined by the mesh use distinct networks',
  },

  // Platform and admin-only apps
  'an admin-only app has no oauth2-proxy': {
    mutate: (inv) => { delete inv.cluster!.platform!.oauth; },
    path: 'inventory.apps[homepage]', field: 'App.ingress.admin', value: { allowedEmails: ['manfred@example.org'], allowedGroups: ['example-org:admins'] }, wrong: 'admin-only app but no oauth2-proxy is declared', allowed: 'declare cluster.platform.oauth',
  },
  'an admin-only app lets nobody in': {
    mutate: (inv) => { app(inv, 'homepage').ingress!.admin = {}; delete inv.cluster!.platform!.oauth!.allowedEmails; },
    path: 'inventory.apps[homepage]', field: 'App.ingress.admin', value: {}, wrong: 'nobody is allowed in', allowed: 'name allowedEmails or allowedGroups',
  },
  'an allowed email is not an address': {
    mutate: (inv) => { app(inv, 'homepage').ingress!.admin = { allowedEmails: ['manfred'] }; },
    path: 'inventory.apps[homepage]', field: 'App.ingress.admin.allowedEmails[0]', value: 'manfred', wrong: 'not an email address', allowed: 'e.g. "manfred@example.org"',
  },
  'an allowed group has a comma': {
    mutate: (inv) => { app(inv, 'homepage').ingress!.admin = { allowedGroups: ['a,b'] }; },
    path: 'inventory.apps[homepage]', field: 'App.ingress.admin.allowedGroups[0]', value: 'a,b', wrong: 'not a group name', allowed: 'without spaces or commas',
  },
  'the ACME email is not an address': {
    mutate: (inv) => { inv.cluster!.platform!.acmeEmail = 'letsencrypt'; },
    path: 'inventory.cluster.platform', field: 'Platform.acmeEmail', value: 'letsencrypt', wrong: 'not an email address', allowed: 'Let\'s Encrypt',
  },
  'the platform has no DNS zone for DNS-01': {
    mutate: (inv) => { delete inv.dns; inv.apps = inv.apps!.filter((a) => !a.ingress?.public); },
    path: 'inventory.cluster.platform', field: 'Platform.acmeEmail', value: null, wrong: 'no DNS zone is declared', allowed: 'declare inventory.dns',
  },
  'an OIDC provider has no issuer URL': {
    mutate: (inv) => { (inv.cluster!.platform!.oauth as { provider: string }).provider = 'oidc'; },
    path: 'inventory.cluster.platform.oauth', field: 'OAuth.oidcIssuerUrl', value: null, wrong: 'oidc needs the issuer\'s https URL', allowed: 'https://sso.example.org',
  },
  'oauth2-proxy would let nobody sign in': {
    mutate: (inv) => { delete inv.cluster!.platform!.oauth!.allowedEmails; inv.apps = inv.apps!.filter((a) => !a.ingress?.admin); },
    path: 'inventory.cluster.platform.oauth', field: 'OAuth.allowedEmails', value: [], wrong: 'oauth2-proxy would let nobody sign in', allowed: 'list the admins\' emails here, or drop oauth',
  },
  'the OAuth client secret is not declared': {
    mutate: (inv) => { inv.cluster!.platform!.oauth!.clientSecretSecret = 'github-secret'; },
    path: 'inventory.cluster.platform.oauth', field: 'OAuth.clientSecretSecret', value: 'github-secret', wrong: 'refers to a secret that is not declared', allowed: 'declare it in inventory.secrets',
  },

  // Storage pools
  'a pool names a host without disks': {
    mutate: (inv) => { inv.storagePools = [{ name: 'fast', engine: 'cstor', hosts: ['olaf'] }]; },
    path: 'inventory.storagePools[fast]', field: 'StoragePool.hosts', value: 'olaf', wrong: 'host olaf has no disks', allowed: 'list its data disks by /dev/disk/by-id in disks',
  },
  'a pool asks for more replicas than nodes': {
    mutate: (inv) => { inv.storagePools = [{ name: 'fast', engine: 'cstor', hosts: ['rolf'], replicas: 2 }]; },
    path: 'inventory.storagePools[fast]', field: 'StoragePool.replicas', value: 2, wrong: 'not a replica count for 1 node', allowed: 'integer 1-1',
  },
  'a mirror pool node has an odd number of disks': {
    mutate: (inv) => { inv.storagePools = [{ name: 'fast', engine: 'cstor', hosts: ['rolf'], layout: 'mirror' }]; },
    path: 'inventory.storagePools[fast]', field: 'StoragePool.layout', value: 'mirror', wrong: 'mirror needs disks in groups of 2, but host rolf has 1', allowed: 'a multiple of 2 disks on every node',
  },
  'a Mayastor pool has a raid layout': {
    mutate: (inv) => { inv.storagePools = [{ name: 'fast', engine: 'mayastor', hosts: ['rolf'], layout: 'raidz' }]; },
    path: 'inventory.storagePools[fast]', field: 'StoragePool.layout', value: 'raidz', wrong: 'no raid layout in a Mayastor pool', allowed: 'drop layout, and set replicas',
  },
  'a pool names a host that is no k3s node': {
    mutate: (inv) => { home(inv).hosts!.push({ name: 'nas', network: 'lan', ip: '10.0.100.30', disks: ['/dev/disk/by-id/ata-X'] }); inv.storagePools = [{ name: 'fast', engine: 'cstor', hosts: ['nas'] }]; },
    path: 'inventory.storagePools[fast]', field: 'StoragePool.hosts', value: 'nas', wrong: 'not a k3s node', allowed: 'a host with k3s',
  },
  'a disk is in two pools': {
    mutate: (inv) => { inv.storagePools = [{ name: 'fast', engine: 'cstor', hosts: ['rolf'] }, { name: 'slow', engine: 'mayastor', hosts: ['rolf'] }]; },
    path: 'inventory.storagePools[slow]', field: 'StoragePool.hosts', value: 'rolf', wrong: 'is already in pool fast', allowed: 'a disk belongs to one pool',
  },
  'a volume names an unknown pool': {
    mutate: (inv) => { app(inv, 'gitea').volumes = [{ name: 'data', mountPath: '/data', sizeGiB: 1, pool: 'fast' }]; },
    path: 'inventory.apps[gitea]', field: 'App.volumes[data].pool', value: 'fast', wrong: 'unknown storage pool', allowed: 'one of',
  },
  'a metal host disk is a kernel name': {
    mutate: (inv) => { host(inv, 'olaf').disks = ['/dev/sdb']; },
    path: OLAF, field: 'Host.disks[0]', value: '/dev/sdb', wrong: 'not a stable block device path', allowed: '/dev/disk/by-id/<id>',
  },

  // Admins
  'an ssh key is only a key type': {
    mutate: (inv) => { inv.admins[0].sshKeys = ['ssh-ed25519']; },
    path: ADMIN, field: 'Admin.sshKeys[0]', value: 'ssh-ed25519', wrong: 'not an OpenSSH public key', allowed: 'one line such as "ssh-ed25519 AAAA... comment"',
  },
  'an ssh key is a private key line': {
    mutate: (inv) => { inv.admins[0].sshKeys = ['-----BEGIN OPENSSH PRIVATE KEY-----']; },
    path: ADMIN, field: 'Admin.sshKeys[0]', value: '-----BEGIN OPENSSH PRIVATE KEY-----', wrong: 'not an OpenSSH public key', allowed: 'one line',
  },
  'an ssh key spans two lines': {
    mutate: (inv) => { inv.admins[0].sshKeys = ['ssh-ed25519 AAAAC3Nz a@b\nssh-ed25519 AAAAC3Nz c@d']; },
    path: ADMIN, field: 'Admin.sshKeys[0]', value: 'ssh-ed25519 AAAAC3Nz a@b\nssh-ed25519 AAAAC3Nz c@d', wrong: 'not an OpenSSH public key', allowed: 'one line',
  },
  'an ssh key has no key data': {
    mutate: (inv) => { inv.admins[0].sshKeys = ['ssh-ed25519  manfred@laptop']; },
    path: ADMIN, field: 'Admin.sshKeys[0]', value: 'ssh-ed25519  manfred@laptop', wrong: 'not an OpenSSH public key', allowed: 'one line',
  },
  'an admin has no ssh key': {
    mutate: (inv) => { inv.admins[0].sshKeys = []; },
    path: ADMIN, field: 'Admin.sshKeys', value: [], wrong: 'no ssh key', allowed: 'at least one OpenSSH public key',
  },
  'there is no admin': {
    mutate: (inv) => { inv.admins = []; },
    path: 'inventory', field: 'Inventory.admins', value: [], wrong: 'no admin user', allowed: 'declare at least one admin with ssh keys',
  },
  'the admin is root': {
    mutate: (inv) => { inv.admins[0].name = 'root'; },
    path: 'inventory.admins[root]', field: 'Admin.name', value: 'root', wrong: 'not a valid unix user name', allowed: 'not root',
  },

  // Backup and DNS
  'the bucket name starts with b2-': {
    mutate: (inv) => { inv.backup!.bucket = 'b2-homelab-backups'; },
    path: 'inventory.backup', field: 'Backup.bucket', value: 'b2-homelab-backups', wrong: 'not a valid B2 bucket name', allowed: '6-63 letters, digits and "-", not starting with "b2-"',
  },
  'the bucket name is too short': {
    mutate: (inv) => { inv.backup!.bucket = 'bkp'; },
    path: 'inventory.backup', field: 'Backup.bucket', value: 'bkp', wrong: 'not a valid B2 bucket name', allowed: '6-63 letters, digits and "-"',
  },
  'the bucket name has an underscore': {
    mutate: (inv) => { inv.backup!.bucket = 'homelab_backups'; },
    path: 'inventory.backup', field: 'Backup.bucket', value: 'homelab_backups', wrong: 'not a valid B2 bucket name', allowed: '6-63 letters, digits and "-"',
  },
  'the bucket name is 64 characters': {
    mutate: (inv) => { inv.backup!.bucket = 'b'.repeat(64); },
    path: 'inventory.backup', field: 'Backup.bucket', value: 'b'.repeat(64), wrong: 'not a valid B2 bucket name', allowed: '6-63',
  },
  'the DNS zone id is not hex': {
    mutate: (inv) => { inv.dns!.zoneId = 'example.org'; },
    path: 'inventory.dns', field: 'Dns.zoneId', value: 'example.org', wrong: 'not a Cloudflare zone id', allowed: '32 lowercase hex characters',
  },
};

describe('validateInventory', () => {
  test.each(Object.entries(cases))('fails when %s', (_name, c) => {
    // GIVEN the reference inventory with one mistake
    const inv = breakReference(c.mutate);
    // WHEN validating it
    const problems = validateInventory(inv);
    // THEN the mistake is reported at its data path and field, with the value and what is allowed
    expectProblem(problems, c);
    // AND every message has the catalog format
    for (const p of problems) expect(p.message).toMatch(MESSAGE_FORMAT);
  });

  /** `n` characters of DNS labels (63 each) joined by ".". */
  const longName = (n: number) => Array.from({ length: Math.ceil(n / 64) }, () => 'a'.repeat(63)).join('.').slice(0, n).replace(/\.$/, 'a');
  test.each<[string, (inv: Draft<Inventory>) => void, string, string, string]>([
    ['an image name of 256 characters', (inv) => { app(inv, 'whoami').image = `ghcr.io/${'a'.repeat(248)}:v1`; }, 'inventory.apps[whoami]', 'App.image', 'not a pinned image reference'],
    ['a Proxmox endpoint host of 254 characters', (inv) => { home(inv).proxmox!.endpoint = `https://${longName(254)}:8006/`; }, `${HOME}.proxmox`, 'Proxmox.endpoint', 'host name too long'],
    ['a Proxmox endpoint host label of 64 characters', (inv) => { home(inv).proxmox!.endpoint = `https://${'a'.repeat(64)}.example.org:8006/`; }, `${HOME}.proxmox`, 'Proxmox.endpoint', 'host name too long'],
    ['an ACME email domain of 300 characters', (inv) => { inv.cluster!.platform!.acmeEmail = `me@${longName(300)}`; }, 'inventory.cluster.platform', 'Platform.acmeEmail', 'not an email address'],
    ['an ACME email domain label of 64 characters', (inv) => { inv.cluster!.platform!.acmeEmail = `me@${'a'.repeat(64)}.org`; }, 'inventory.cluster.platform', 'Platform.acmeEmail', 'not an email address'],
    ['an OAuth email local part of 65 characters', (inv) => { inv.cluster!.platform!.oauth!.allowedEmails = [`${'a'.repeat(65)}@example.org`]; }, 'inventory.cluster.platform.oauth', 'OAuth.allowedEmails[0]', 'not an email address'],
    ['a label key prefix of 254 characters', (inv) => { host(inv, 'olaf').labels = { [`${longName(254)}/disk`]: 'ssd' }; }, OLAF, `Host.labels[${longName(254)}/disk]`, 'not a Kubernetes label'],
    ['a bootstrap git remote host of 254 characters', (inv) => { inv.bootstrap = { gitRemote: `git@${longName(254)}:me/lab.git` }; }, 'inventory.bootstrap', 'Bootstrap.gitRemote', 'host name too long'],
    ['a secret store host label of 64 characters', (inv) => { inv.bootstrap = { secretStore: `https://${'a'.repeat(64)}.org/` }; }, 'inventory.bootstrap', 'Bootstrap.secretStore', 'host name too long'],
    ['a state backend endpoint host of 254 characters', (inv) => { inv.stateBackend = { type: 's3', bucket: 'tfstate', key: 'k/terraform.tfstate', endpoint: `https://${longName(254)}/`, region: 'us-west-004' }; }, 'inventory.stateBackend', 'StateBackend.endpoint', 'host name too long'],
  ])('fails on a name over its length limit: %s (issue 20 item 9)', (_name, mutate, path, field, wrong) => {
    // GIVEN the reference inventory with a name one character over its limit
    const inv = breakReference(mutate);
    // WHEN validating it
    const problems = validateInventory(inv);
    // THEN it is reported at its path and field in the house format
    const hit = problems.find((q) => q.constructPath === path && q.field === field);
    expect(hit?.problem).toContain(wrong);
    for (const q of problems) expect(q.message).toMatch(MESSAGE_FORMAT);
  });

  test.each<[string, (inv: Draft<Inventory>) => void]>([
    ['a Proxmox endpoint host of 253 characters and labels of 63', (inv) => { home(inv).proxmox!.endpoint = `https://${longName(253)}:8006/`; }],
    ['a label key prefix of 253 characters', (inv) => { host(inv, 'olaf').labels = { [`${longName(253)}/disk`]: 'ssd' }; }],
  ])('accepts a name at its length limit: %s', (_name, mutate) => {
    expect(validateInventory(breakReference(mutate)).map((q) => q.message)).toEqual([]);
  });

  test('fails with only the one problem when a single host field is wrong', () => {
    // GIVEN the reference inventory with one host IP outside its network
    const inv = breakReference((i) => { host(i, 'olaf').ip = '10.0.20.10'; });
    // WHEN validating it
    const problems = validateInventory(inv);
    // THEN exactly that problem is reported, nothing cascades from it
    expect(problems.map((p) => `[${p.constructPath}] ${p.field}`)).toEqual([`[${OLAF}] Host.ip`]);
  });

  test('fails with every problem at once', () => {
    // GIVEN the reference inventory with five different mistakes
    const inv = breakReference((i) => {
      host(i, 'olaf').ip = '10.0.20.10';
      net(i, 'iot').vlan = 4095;
      app(i, 'whoami').port = 0;
      gw(i).wifi![0].keySecret = 'guest-psk';
      i.backup!.bucket = 'b2-backups';
    });
    // WHEN validating it once
    const problems = validateInventory(inv);
    // THEN all five are reported
    expect(problems.length).toBeGreaterThanOrEqual(5);
    expectProblem(problems, { path: OLAF, field: 'Host.ip', value: '10.0.20.10', allowed: 'inside it' });
    expectProblem(problems, { path: IOT, field: 'Network.vlan', value: 4095, allowed: 'integer 1-4094' });
    expectProblem(problems, { path: 'inventory.apps[whoami]', field: 'App.port', value: 0, allowed: 'integer 1-65535' });
    expectProblem(problems, { path: GW, field: 'Router.wifi[0].keySecret', value: 'guest-psk', allowed: 'declare it in inventory.secrets' });
    expectProblem(problems, { path: 'inventory.backup', field: 'Backup.bucket', value: 'b2-backups', allowed: 'not starting with "b2-"' });
  });
});

describe('Homelab', () => {
  test('fails with a HomelabValidationError that lists every problem, one per line', () => {
    // GIVEN a broken inventory with three mistakes
    const broken = breakReference((i) => {
      host(i, 'ulf').ip = '10.0.100.150';
      app(i, 'gitea').runAsUser = 0;
      i.admins = [];
    });
    const expected = validateInventory(broken);
    expect(expected.length).toBeGreaterThanOrEqual(3);

    // WHEN constructing the homelab from it
    let error: unknown;
    try {
      new Homelab({ inventory: broken });
    } catch (e) {
      error = e;
    }

    // THEN it throws a HomelabValidationError carrying every problem
    expect(error).toBeInstanceOf(HomelabValidationError);
    const err = error as HomelabValidationError;
    expectProblem(err.problems, { path: ULF, field: 'Host.ip', value: '10.0.100.150', allowed: 'outside the DHCP range' });
    expectProblem(err.problems, { path: 'inventory.apps[gitea]', field: 'App.runAsUser', value: 0, allowed: 'integer >= 1' });
    expectProblem(err.problems, { path: 'inventory', field: 'Inventory.admins', value: [], allowed: 'at least one admin' });
    expect(err.problems.map((p) => p.message)).toEqual(expected.map((p) => p.message));
    // AND its message has a summary line, then each problem on its own line
    const lines = err.message.split('\n');
    expect(lines[0]).toBe(`${err.problems.length} problems in the homelab:`);
    expect(lines.slice(1)).toEqual(err.problems.map((p) => `  ${p.message}`));
    // AND the first problem's path and field are exposed on the error
    expect(err.constructPath).toBe(err.problems[0].constructPath);
    expect(err.field).toBe(err.problems[0].field);
  });
});

describe('router network names', () => {
  test('fails when a routed network is named like the router\'s own interfaces', () => {
    // GIVEN the home LAN renamed to "wan"
    const inv = JSON.parse(JSON.stringify(require('../../apps/inventory').inventory));
    inv.sites[0].networks[0].name = 'wan';
    inv.sites[0].hosts.forEach((h: any) => { h.network = 'wan'; });
    inv.sites[0].routers[0].networks = ['wan', 'iot'];
    inv.sites[0].routers[0].wifi[0].network = 'wan';
    // WHEN
    const problems = require('../../lib/model/rules').validateInventory(inv);
    // THEN
    expect(problems.map((p: any) => p.message)).toContain('[inventory.sites[home].routers[gw]] Router.networks: name taken by the router\'s own interfaces (got "wan"); a network name other than loopback, wan, wan6');
  });
});
