import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HostSpec, Inventory, SiteSpec } from '../../../lib/model/inventory';
import { HomelabProblem, HomelabValidationError } from '../../../lib/core/errors';
import { validateInventory } from '../../../lib/model/rules';
import { inventoryFromPlans, PlanFiles, readPlans } from '../../../lib/model/plan-folder';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmJ4xjtY7m5Qn0dJc1a4v3H0p8kZr2uXk9sQyV6bT1w manfred@laptop';
const H = 'examples/plans/hosts.csv';
const K = 'examples/plans/k3s.csv';
const N = 'examples/plans/network.yaml';

const HOSTS = [
  'name,interface,ip,admin',
  'olaf,enp0s20f0,10.0.100.2,manfred',
  'ulf,enp1s0,10.0.100.3,manfred',
  'rolf,eno2,10.0.100.4,manfred',
].join('\n') + '\n';

const K3S = [
  'host,name,type,ip',
  'olaf,olaf-k3s-server,init-server,10.0.100.10',
  'olaf,olaf-k3s-agent,agent,10.0.100.11',
  'ulf,ulf-k3s-server,server,10.0.100.12',
].join('\n') + '\n';

const NETWORK = [
  '# the one network',
  'subnet: 10.0.100.0/24',
  'gateway: 10.0.100.1',
  'nameservers:',
  '  - 10.0.100.1',
  'domain: home.example.org',
].join('\n') + '\n';

/** Plan files with display paths under examples/plans; any of the texts replaced. */
function plans(texts: { hosts?: string; k3s?: string; network?: string } = {}): PlanFiles {
  return {
    hosts: { path: H, text: texts.hosts ?? HOSTS },
    k3s: { path: K, text: texts.k3s ?? K3S },
    network: { path: N, text: texts.network ?? NETWORK },
  };
}

const KEYS = { manfred: [KEY] };

/** The problems `fn` throws; fails the test when it throws nothing or something else. */
function problemsOf(fn: () => unknown): readonly HomelabProblem[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HomelabValidationError);
    return (e as HomelabValidationError).problems;
  }
  throw new Error('expected a HomelabValidationError, nothing was thrown');
}

/** The one message of `texts`' plans (fails when there are none or several). */
function onlyMessage(texts: Parameters<typeof plans>[0], keys: Record<string, string[]> = KEYS): string {
  const problems = problemsOf(() => inventoryFromPlans(plans(texts), { sshKeys: keys }));
  expect(problems.map((p) => p.message)).toHaveLength(1);
  return problems[0].message;
}

const examplesDir = path.relative(process.cwd(), path.join(__dirname, '..', '..', '..', 'examples', 'plans')) || '.';

describe('readPlans on the example plans', () => {
  let inv: Inventory;
  let site: SiteSpec;
  let hosts: readonly HostSpec[];
  beforeAll(() => {
    inv = readPlans(examplesDir);
    site = inv.sites[0];
    hosts = site.hosts ?? [];
  });

  test('gives one site with the lan network from network.yaml', () => {
    // GIVEN examples/plans  WHEN reading them  THEN the site holds one network, no DHCP, no routers
    expect(inv.name).toBe('homelab');
    expect(inv.sites).toHaveLength(1);
    expect(site.name).toBe('home');
    expect(site.networks).toEqual([{ name: 'lan', cidr: '10.0.100.0/24', gateway: '10.0.100.1', domain: 'home.example.org', nameservers: ['10.0.100.1', '1.1.1.1'] }]);
    expect(site.routers).toBeUndefined();
    expect(inv.cluster).toEqual({ tokenSecret: 'k3s-token', k3sVersion: 'v1.30.4+k3s1' });
  });

  test('gives the 5 hosts of hosts.csv', () => {
    // GIVEN examples/plans  WHEN reading them  THEN each hosts.csv row is a metal host on lan
    expect(hosts.map((h) => [h.name, h.interface, h.ip])).toEqual([
      ['olaf', 'enp0s20f0', '10.0.100.2'],
      ['ulf', 'enp1s0', '10.0.100.3'],
      ['rolf', 'eno2', '10.0.100.4'],
      ['karl', 'eni1', '10.0.100.5'],
      ['ulrich', 'eno1', '10.0.100.6'],
    ]);
    for (const h of hosts) {
      expect(h).toMatchObject({ network: 'lan', kind: 'metal', admins: ['manfred'], metadata: {} });
      expect(h.macvlan).toBeUndefined();
    }
  });

  test('gives the 6 k3s containers of k3s.csv on their hosts, olaf-k3s-server initializing the cluster', () => {
    // GIVEN examples/plans  WHEN reading them  THEN the containers sit on their hosts with their roles and addresses
    const containers = hosts.map((h) => [h.name, (h.k3sContainers ?? []).map((c) => [c.name, c.role, c.init ?? false, c.ip])]);
    expect(containers).toEqual([
      ['olaf', [['olaf-k3s-server', 'server', true, '10.0.100.10'], ['olaf-k3s-agent', 'agent', false, '10.0.100.11']]],
      ['ulf', [['ulf-k3s-server', 'server', false, '10.0.100.12'], ['ulf-k3s-agent', 'agent', false, '10.0.100.13']]],
      ['rolf', [['rolf-k3s-server', 'server', false, '10.0.100.14']]],
      ['karl', [['karl-k3s-agent', 'agent', false, '10.0.100.15']]],
      ['ulrich', []],
    ]);
  });

  test('reads the admin key from examples/secrets and declares the secrets', () => {
    // GIVEN examples/secrets/manfred.pub  WHEN reading the plans  THEN manfred has that key and a password secret
    expect(inv.admins).toEqual([{ name: 'manfred', sshKeys: [KEY], hashedPasswordSecret: 'manfred-password' }]);
    expect(inv.secrets?.map((s) => s.name)).toEqual(['k3s-token', 'manfred-password']);
  });

  test('gives an inventory the model rules accept', () => {
    // GIVEN the example inventory  WHEN validating it  THEN there is no problem
    expect(validateInventory(inv).map((p) => p.message)).toEqual([]);
  });
});

describe('inventoryFromPlans', () => {
  test('normalises values and column names: trimmed and lower-cased', () => {
    // GIVEN plans written with spaces and upper case
    const files = plans({
      hosts: ' Name , INTERFACE,Ip ,Admin\n OLAF , Enp0s20F0 ,10.0.100.2 , Manfred \n',
      k3s: 'HOST,Name,TYPE,ip\n Olaf ,OLAF-K3S-Server, Init-Server , 10.0.100.10\n',
      network: 'Subnet: " 10.0.100.0/24 "\nGATEWAY: 10.0.100.1\nDomain: Home.Example.ORG\nName: MyLab\nsite: Attic\nK3s:\n  Version: V1.31.0+K3S1\n',
    });
    // WHEN building the inventory
    const inv = inventoryFromPlans(files, { sshKeys: KEYS });
    // THEN every value is trimmed and lower-cased (and the ssh key is kept as given)
    expect(inv.name).toBe('mylab');
    expect(inv.sites[0].name).toBe('attic');
    expect(inv.sites[0].networks[0]).toMatchObject({ cidr: '10.0.100.0/24', domain: 'home.example.org' });
    expect(inv.sites[0].hosts?.[0]).toMatchObject({ name: 'olaf', interface: 'enp0s20f0', ip: '10.0.100.2', admins: ['manfred'] });
    expect(inv.sites[0].hosts?.[0].k3sContainers).toEqual([{ name: 'olaf-k3s-server', role: 'server', init: true, ip: '10.0.100.10' }]);
    expect(inv.cluster?.k3sVersion).toBe('v1.31.0+k3s1');
    expect(inv.admins[0].sshKeys).toEqual([KEY]);
  });

  test('keeps extra columns as host metadata, k3s.csv ones as <container>.<column>', () => {
    // GIVEN extra columns in both CSV files, one cell left empty
    const files = plans({
      hosts: 'name,interface,ip,admin,Disk Serial,rack\nolaf,eno1,10.0.100.2,manfred,WD-123 ,\nulf,eno1,10.0.100.3,manfred,,r2\n',
      k3s: 'host,name,type,ip,Memory\nolaf,olaf-k3s-server,init-server,10.0.100.10,4GiB\nolaf,olaf-k3s-agent,agent,10.0.100.11,\n',
    });
    // WHEN building the inventory
    const hosts = inventoryFromPlans(files, { sshKeys: KEYS }).sites[0].hosts ?? [];
    // THEN the values are metadata of their host, empty cells left out
    expect(hosts[0].metadata).toEqual({ 'disk serial': 'wd-123', 'olaf-k3s-server.memory': '4gib' });
    expect(hosts[1].metadata).toEqual({ rack: 'r2' });
  });

  test('defaults name and site, and the nameservers to the gateway', () => {
    // GIVEN network.yaml without name, site, nameservers and k3s
    const inv = inventoryFromPlans(plans({ network: 'subnet: 10.0.100.0/24\ngateway: 10.0.100.1\ndomain: home.example.org\n' }), { sshKeys: KEYS });
    // WHEN reading it  THEN the defaults apply
    expect(inv.name).toBe('homelab');
    expect(inv.sites[0].name).toBe('home');
    expect(inv.sites[0].networks[0].nameservers).toBeUndefined();
    expect(inv.cluster).toEqual({ tokenSecret: 'k3s-token' });
  });

  test('writes a rancher/k3s image tag (v1.30.4-k3s1) as the k3s release v1.30.4+k3s1', () => {
    // GIVEN the version as a Docker Hub tag
    const network = NETWORK + 'k3s:\n  version: v1.30.4-k3s1\n';
    // WHEN building the inventory
    const inv = inventoryFromPlans(plans({ network }), { sshKeys: KEYS });
    // THEN the cluster holds the release form the model documents
    expect(inv.cluster?.k3sVersion).toBe('v1.30.4+k3s1');
  });

  test('reads a k3s.csv with only a header, or empty, as no containers', () => {
    // GIVEN no k3s rows
    for (const k3s of ['host,name,type,ip\n', '']) {
      // WHEN building the inventory
      const inv = inventoryFromPlans(plans({ k3s }), { sshKeys: KEYS });
      // THEN no host has containers, and no init-server is needed
      expect((inv.sites[0].hosts ?? []).flatMap((h) => h.k3sContainers ?? [])).toEqual([]);
    }
  });

  test('declares one password secret per distinct admin, in order of first use', () => {
    // GIVEN two admins over three hosts
    const hosts = 'name,interface,ip,admin\nolaf,eno1,10.0.100.2,manfred\nulf,eno1,10.0.100.3,erika\nrolf,eno1,10.0.100.4,manfred\n';
    // WHEN building the inventory
    const inv = inventoryFromPlans(plans({ hosts }), { sshKeys: { manfred: [KEY], erika: [KEY.replace('manfred', 'erika')] } });
    // THEN each admin appears once, with its own secret
    expect(inv.admins.map((a) => [a.name, a.hashedPasswordSecret])).toEqual([['manfred', 'manfred-password'], ['erika', 'erika-password']]);
    expect(inv.secrets?.map((s) => s.name)).toEqual(['k3s-token', 'manfred-password', 'erika-password']);
    expect(inv.sites[0].hosts?.map((h) => h.admins)).toEqual([['manfred'], ['erika'], ['manfred']]);
  });
});

/** One wrong plan and the message it must give, checked piece by piece. */
interface Case {
  readonly texts: Parameters<typeof plans>[0];
  readonly path: string;
  readonly field: string;
  readonly problem: string;
  readonly value: unknown;
  readonly allowed: string;
}

const replaceLine = (text: string, line: number, replacement: string) => text.split('\n').map((l, i) => (i === line - 1 ? replacement : l)).join('\n');

describe('inventoryFromPlans problems', () => {
  test.each<[string, Case]>([
    ['a duplicate IP between hosts', {
      texts: { hosts: replaceLine(HOSTS, 3, 'ulf,enp1s0,10.0.100.2,manfred') },
      path: `${H}:3`, field: 'hosts.csv.ip', problem: `address already used by host olaf (${H}:2)`, value: '10.0.100.2', allowed: 'give every host, k3s container and the gateway its own address',
    }],
    ['a k3s container on a host IP', {
      texts: { k3s: replaceLine(K3S, 3, 'olaf,olaf-k3s-agent,agent,10.0.100.3') },
      path: `${K}:3`, field: 'k3s.csv.ip', problem: `address already used by host ulf (${H}:3)`, value: '10.0.100.3', allowed: 'own address',
    }],
    ['two k3s containers on one IP', {
      texts: { k3s: replaceLine(K3S, 4, 'ulf,ulf-k3s-server,server,10.0.100.10') },
      path: `${K}:4`, field: 'k3s.csv.ip', problem: `address already used by k3s container olaf-k3s-server (${K}:2)`, value: '10.0.100.10', allowed: 'own address',
    }],
    ['a host on the gateway address', {
      texts: { hosts: replaceLine(HOSTS, 4, 'rolf,eno2,10.0.100.1,manfred') },
      path: `${H}:4`, field: 'hosts.csv.ip', problem: `address already used by the gateway (${N}:3)`, value: '10.0.100.1', allowed: 'own address',
    }],
    ['a duplicate host name', {
      texts: { hosts: replaceLine(HOSTS, 4, 'olaf,eno2,10.0.100.4,manfred') },
      path: `${H}:4`, field: 'hosts.csv.name', problem: `name already used by host olaf (${H}:2)`, value: 'olaf', allowed: 'hosts and k3s containers share one namespace',
    }],
    ['a k3s container named like a host', {
      texts: { k3s: replaceLine(K3S, 3, 'olaf,ulf,agent,10.0.100.11') },
      path: `${K}:3`, field: 'k3s.csv.name', problem: `name already used by host ulf (${H}:3)`, value: 'ulf', allowed: 'share one namespace',
    }],
    ['a k3s row on an unknown host', {
      texts: { k3s: replaceLine(K3S, 4, 'olav,ulf-k3s-server,server,10.0.100.12') },
      path: `${K}:4`, field: 'k3s.csv.host', problem: 'unknown host', value: 'olav', allowed: 'a host named in hosts.csv (olaf, ulf, rolf)',
    }],
    ['two init-servers', {
      texts: { k3s: replaceLine(K3S, 4, 'ulf,ulf-k3s-server,init-server,10.0.100.12') },
      path: `${K}:4`, field: 'k3s.csv.type', problem: `second init-server (the first is olaf-k3s-server, ${K}:2)`, value: 'init-server', allowed: 'exactly one init-server',
    }],
    ['no init-server among the servers', {
      texts: { k3s: replaceLine(K3S, 2, 'olaf,olaf-k3s-server,server,10.0.100.10') },
      path: `${K}:2`, field: 'k3s.csv.type', problem: 'no init-server in k3s.csv', value: 'server', allowed: 'make exactly one server (e.g. olaf-k3s-server) type init-server',
    }],
    ['no server at all', {
      texts: { k3s: 'host,name,type,ip\nolaf,olaf-k3s-agent,agent,10.0.100.11\n' },
      path: K, field: 'k3s.csv.type', problem: 'no init-server in k3s.csv', value: [], allowed: 'exactly one row of type init-server',
    }],
    ['two servers on one host', {
      texts: { k3s: K3S + 'olaf,olaf-k3s-server2,server,10.0.100.20\n' },
      path: `${K}:5`, field: 'k3s.csv.type', problem: `host olaf already runs a k3s server (olaf-k3s-server, ${K}:2)`, value: 'server', allowed: 'each host runs at most one k3s server and at most one k3s agent',
    }],
    ['two agents on one host', {
      texts: { k3s: K3S + 'olaf,olaf-k3s-agent2,agent,10.0.100.21\n' },
      path: `${K}:5`, field: 'k3s.csv.type', problem: `host olaf already runs a k3s agent (olaf-k3s-agent, ${K}:3)`, value: 'agent', allowed: 'at most one k3s agent',
    }],
    ['an IP outside the subnet', {
      texts: { k3s: replaceLine(K3S, 3, 'olaf,olaf-k3s-agent,agent,10.0.200.5') },
      path: `${K}:3`, field: 'k3s.csv.ip', problem: 'outside subnet 10.0.100.0/24', value: '10.0.200.5', allowed: 'an address inside 10.0.100.0/24 (10.0.100.1-10.0.100.254)',
    }],
    ['the network address', {
      texts: { hosts: replaceLine(HOSTS, 2, 'olaf,enp0s20f0,10.0.100.0,manfred') },
      path: `${H}:2`, field: 'hosts.csv.ip', problem: 'the network address of subnet 10.0.100.0/24', value: '10.0.100.0', allowed: 'an address inside 10.0.100.0/24',
    }],
    ['the broadcast address', {
      texts: { k3s: replaceLine(K3S, 4, 'ulf,ulf-k3s-server,server,10.0.100.255') },
      path: `${K}:4`, field: 'k3s.csv.ip', problem: 'the broadcast address of subnet 10.0.100.0/24', value: '10.0.100.255', allowed: 'an address inside 10.0.100.0/24',
    }],
    ['an invalid IP', {
      texts: { hosts: replaceLine(HOSTS, 3, 'ulf,enp1s0,10.0.100.256,manfred') },
      path: `${H}:3`, field: 'hosts.csv.ip', problem: 'not an IPv4 address', value: '10.0.100.256', allowed: 'a dotted quad inside 10.0.100.0/24',
    }],
    ['an invalid host name', {
      texts: { hosts: replaceLine(HOSTS, 4, 'rolf_1,eno2,10.0.100.4,manfred') },
      path: `${H}:4`, field: 'hosts.csv.name', problem: 'not a DNS label', value: 'rolf_1', allowed: 'lowercase letters, digits and "-"',
    }],
    ['an invalid container name', {
      texts: { k3s: replaceLine(K3S, 3, 'olaf,-agent,agent,10.0.100.11') },
      path: `${K}:3`, field: 'k3s.csv.name', problem: 'not a DNS label', value: '-agent', allowed: 'starting and ending with a letter or digit',
    }],
    ['an unknown type', {
      texts: { k3s: replaceLine(K3S, 3, 'olaf,olaf-k3s-agent,worker,10.0.100.11') },
      path: `${K}:3`, field: 'k3s.csv.type', problem: 'unknown k3s node type', value: 'worker', allowed: 'one of init-server, server, agent',
    }],
    ['an invalid admin name', {
      texts: { hosts: replaceLine(HOSTS, 3, 'ulf,enp1s0,10.0.100.3,root') },
      path: `${H}:3`, field: 'hosts.csv.admin', problem: 'not a valid admin user name', value: 'root', allowed: 'a unix user name',
    }],
    ['an invalid interface name', {
      texts: { hosts: replaceLine(HOSTS, 3, 'ulf,enp1s0/1,10.0.100.3,manfred') },
      path: `${H}:3`, field: 'hosts.csv.interface', problem: 'not a network interface name', value: 'enp1s0/1', allowed: 'up to 15 characters',
    }],
    ['a row with too few fields', {
      texts: { hosts: replaceLine(HOSTS, 3, 'ulf,enp1s0,10.0.100.3') },
      path: `${H}:3`, field: 'hosts.csv.admin', problem: '3 fields where the header has 4', value: ['ulf', 'enp1s0', '10.0.100.3'], allowed: 'one value for each column (name, interface, ip, admin); quote values that contain a comma',
    }],
    ['a row with too many fields', {
      texts: { k3s: replaceLine(K3S, 4, 'ulf,ulf-k3s-server,server,10.0.100.12,x') },
      path: `${K}:4`, field: 'k3s.csv.column5', problem: '5 fields where the header has 4', value: ['ulf', 'ulf-k3s-server', 'server', '10.0.100.12', 'x'], allowed: 'one value for each column',
    }],
    ['an unterminated quote', {
      texts: { k3s: replaceLine(K3S, 3, 'olaf,"olaf-k3s-agent,agent,10.0.100.11') },
      path: `${K}:3`, field: 'k3s.csv.name', problem: 'unterminated quoted field', value: '"olaf-k3s-agent,agent,10.0.100.11', allowed: 'close the quote',
    }],
    ['a quote inside an unquoted value', {
      texts: { hosts: replaceLine(HOSTS, 2, 'olaf,enp"0,10.0.100.2,manfred') },
      path: `${H}:2`, field: 'hosts.csv.interface', problem: 'quote inside an unquoted field', value: 'enp"0', allowed: 'enclose the whole field in double quotes',
    }],
    ['a missing required column', {
      texts: { hosts: 'name,interface,ip\nolaf,eno1,10.0.100.2\n' },
      path: `${H}:1`, field: 'hosts.csv.admin', problem: 'missing required column', value: ['name', 'interface', 'ip'], allowed: 'a first line naming the columns name, interface, ip, admin',
    }],
    ['a quote in the header (the rows are then not read)', {
      texts: { hosts: 'name,int"erface,ip,admin\nolaf,eno1,10.0.100.2,manfred\n' },
      path: `${H}:1`, field: 'hosts.csv.header', problem: 'quote inside an unquoted field', value: 'int"erface', allowed: 'enclose the whole field in double quotes',
    }],
    ['a duplicate column', {
      texts: { k3s: 'host,name,type,ip,IP\nolaf,olaf-k3s-server,init-server,10.0.100.10,x\n' },
      path: `${K}:1`, field: 'k3s.csv.ip', problem: 'duplicate column', value: 'ip', allowed: 'name each column once',
    }],
    ['an unnamed column', {
      texts: { hosts: 'name,interface,ip,admin,\nolaf,eno1,10.0.100.2,manfred,\n' },
      path: `${H}:1`, field: 'hosts.csv.header', problem: 'column 5 has no name', value: ['name', 'interface', 'ip', 'admin', ''], allowed: 'remove a trailing comma',
    }],
    ['an empty hosts.csv', {
      texts: { hosts: '', k3s: '' },
      path: H, field: 'hosts.csv.header', problem: 'no header line', value: '', allowed: 'a first line naming the columns name, interface, ip, admin',
    }],
    ['a hosts.csv without hosts', {
      texts: { hosts: 'name,interface,ip,admin\n', k3s: '' },
      path: H, field: 'hosts.csv', problem: 'no hosts', value: [], allowed: 'one row per host',
    }],
    ['a line break in a metadata value', {
      texts: { hosts: 'name,interface,ip,admin,note\nolaf,eno1,10.0.100.2,manfred,"a\nb"\n', k3s: '' },
      path: `${H}:2`, field: 'hosts.csv.note', problem: 'contains a control character', value: 'a\nb', allowed: 'one line of text',
    }],
    ['a metadata key set by both files', {
      texts: { hosts: 'name,interface,ip,admin,olaf-k3s-server.cpu\nolaf,eno1,10.0.100.2,manfred,2\n', k3s: 'host,name,type,ip,cpu\nolaf,olaf-k3s-server,init-server,10.0.100.10,4\n' },
      path: `${K}:2`, field: 'k3s.csv.cpu', problem: 'metadata key olaf-k3s-server.cpu of host olaf already set by hosts.csv line 2', value: '4', allowed: 'rename the hosts.csv column olaf-k3s-server.cpu',
    }],
  ])('fails on %s', (_name, c) => {
    // GIVEN plans with one mistake
    // WHEN building the inventory
    const message = onlyMessage(c.texts);
    // THEN the one message names the file:line, the column, the value and what is allowed
    expect(message.startsWith(`[${c.path}] ${c.field}: ${c.problem} (got ${JSON.stringify(c.value)}); `)).toBe(true);
    expect(message).toContain(c.allowed);
  });

  test('fails on an admin without ssh keys, naming the key file to create', () => {
    // GIVEN no key for manfred
    // WHEN building the inventory
    const message = onlyMessage({}, {});
    // THEN the message names the hosts.csv line of the admin and the file to create
    expect(message).toBe(`[${H}:2] hosts.csv.admin: no ssh key file for admin manfred (got "manfred"); create ${path.join('examples', 'secrets', 'manfred.pub')} with the admin's OpenSSH public keys, one per line`);
  });

  test('fails on an admin with an empty key list, naming the key file', () => {
    // GIVEN an empty key list, and a chosen secrets folder
    const problems = problemsOf(() => inventoryFromPlans(plans(), { sshKeys: { manfred: [] }, secretsDir: 'keys' }));
    // WHEN / THEN the problem is about the file
    expect(problems.map((p) => p.message)).toEqual([`[${path.join('keys', 'manfred.pub')}] manfred.pub: no ssh public key in the file (got []); one OpenSSH public key per line, such as "ssh-ed25519 AAAA... comment"`]);
  });

  test('fails with every problem at once, in file order', () => {
    // GIVEN mistakes in all three files
    const texts = {
      network: NETWORK.replace('gateway: 10.0.100.1', 'gateway: 10.0.99.1'),
      hosts: replaceLine(replaceLine(HOSTS, 3, 'ulf,enp1s0,10.0.100.2,manfred'), 4, 'Rolf!,eno2,10.0.100.4,manfred'),
      k3s: replaceLine(replaceLine(K3S, 2, 'olaf,olaf-k3s-server,boss,10.0.100.10'), 4, 'nobody,ulf-k3s-server,server,10.0.200.12'),
    };
    // WHEN building the inventory
    const problems = problemsOf(() => inventoryFromPlans(plans(texts), { sshKeys: KEYS }));
    // THEN all of them come out together
    expect(problems.map((p) => [p.constructPath, p.field, p.value])).toEqual([
      [`${N}:3`, 'network.yaml.gateway', '10.0.99.1'],
      [`${H}:3`, 'hosts.csv.ip', '10.0.100.2'],
      [`${H}:4`, 'hosts.csv.name', 'rolf!'],
      [`${K}:2`, 'k3s.csv.type', 'boss'],
      [`${K}:4`, 'k3s.csv.host', 'nobody'],
      [`${K}:4`, 'k3s.csv.ip', '10.0.200.12'],
      [`${K}:4`, 'k3s.csv.type', 'server'], // no init-server: the first server could be it
    ]);
    const error = (() => { try { inventoryFromPlans(plans(texts), { sshKeys: KEYS }); } catch (e) { return e as HomelabValidationError; } return undefined; })();
    expect(error?.message).toMatch(/^7 problems in the homelab:\n/);
    expect(error?.constructPath).toBe(`${N}:3`);
    expect(error?.field).toBe('network.yaml.gateway');
  });

  test('lists the problems of a file in line order', () => {
    // GIVEN a wrong field count (found while reading the table) after a duplicate IP (found while checking rows)
    const hosts = replaceLine(replaceLine(HOSTS, 3, 'ulf,enp1s0,10.0.100.2,manfred'), 4, 'rolf,eno2');
    // WHEN building the inventory
    const problems = problemsOf(() => inventoryFromPlans(plans({ hosts, k3s: '' }), { sshKeys: KEYS }));
    // THEN line 3 comes before line 4
    expect(problems.map((p) => p.constructPath)).toEqual([`${H}:3`, `${H}:4`]);
  });

  test('reports a malformed hosts row once, without an unknown-host problem for its containers', () => {
    // GIVEN a hosts row with a missing field, and a container on that host
    const texts = { hosts: replaceLine(HOSTS, 4, 'rolf,eno2,10.0.100.4'), k3s: K3S + 'rolf,rolf-k3s-agent,agent,10.0.100.14\n' };
    // WHEN building the inventory
    const problems = problemsOf(() => inventoryFromPlans(plans(texts), { sshKeys: KEYS }));
    // THEN only the row itself is reported
    expect(problems.map((p) => [p.constructPath, p.field])).toEqual([[`${H}:4`, 'hosts.csv.admin']]);
  });
});

describe('network.yaml problems', () => {
  test.each<[string, Case]>([
    ['an unknown key, with its line', {
      texts: { network: NETWORK + 'dhcp: yes\n' },
      path: `${N}:7`, field: 'network.yaml.dhcp', problem: 'unknown key', value: 'dhcp', allowed: 'one of name, site, subnet, gateway, nameservers, domain, k3s',
    }],
    ['an unknown k3s key', {
      texts: { network: NETWORK + 'k3s:\n  version: v1.30.4+k3s1\n  channel: stable\n' },
      path: `${N}:9`, field: 'network.yaml.k3s.channel', problem: 'unknown key', value: 'channel', allowed: 'one of version',
    }],
    ['a subnet that is not in CIDR form', {
      texts: { network: NETWORK.replace('10.0.100.0/24', '10.0.100.1/24') },
      path: `${N}:2`, field: 'network.yaml.subnet', problem: 'not an IPv4 network in CIDR form', value: '10.0.100.1/24', allowed: 'host bits zero',
    }],
    ['a gateway outside the subnet', {
      texts: { network: NETWORK.replace('gateway: 10.0.100.1', 'gateway: 10.0.101.1') },
      path: `${N}:3`, field: 'network.yaml.gateway', problem: 'outside subnet 10.0.100.0/24', value: '10.0.101.1', allowed: 'an address inside 10.0.100.0/24',
    }],
    ['a gateway that is not an address', {
      texts: { network: NETWORK.replace('gateway: 10.0.100.1', 'gateway: router') },
      path: `${N}:3`, field: 'network.yaml.gateway', problem: 'not an IPv4 address', value: 'router', allowed: 'a dotted quad',
    }],
    ['a missing domain', {
      texts: { network: NETWORK.replace('domain: home.example.org\n', '') },
      path: N, field: 'network.yaml.domain', problem: 'missing', value: undefined, allowed: 'the DNS domain of the network',
    }],
    ['an empty domain', {
      texts: { network: NETWORK.replace('domain: home.example.org', 'domain:') },
      path: `${N}:6`, field: 'network.yaml.domain', problem: 'missing', value: undefined, allowed: 'the DNS domain of the network',
    }],
    ['a domain of one label', {
      texts: { network: NETWORK.replace('domain: home.example.org', 'domain: lan') },
      path: `${N}:6`, field: 'network.yaml.domain', problem: 'not a DNS domain', value: 'lan', allowed: 'at least two labels',
    }],
    ['a nameserver that is not an address', {
      texts: { network: NETWORK.replace('  - 10.0.100.1', '  - 10.0.100.1\n  - dns.google') },
      path: `${N}:6`, field: 'network.yaml.nameservers[1]', problem: 'not an IPv4 address', value: 'dns.google', allowed: 'a dotted quad',
    }],
    ['nameservers that are not a list', {
      texts: { network: NETWORK.replace('nameservers:\n  - 10.0.100.1', 'nameservers: 10.0.100.1') },
      path: `${N}:4`, field: 'network.yaml.nameservers', problem: 'not a list', value: '10.0.100.1', allowed: 'a list of IPv4 addresses',
    }],
    ['a k3s version that is not a release', {
      texts: { network: NETWORK + 'k3s:\n  version: latest\n' },
      path: `${N}:8`, field: 'network.yaml.k3s.version', problem: 'not a k3s release', value: 'latest', allowed: 'v1.30.4+k3s1',
    }],
    ['a subnet given as a list', {
      texts: { network: NETWORK.replace('subnet: 10.0.100.0/24', 'subnet:\n  - 10.0.100.0/24') },
      path: `${N}:3`, field: 'network.yaml.subnet', problem: 'not a single value', value: ['10.0.100.0/24'], allowed: 'CIDR form',
    }],
    ['a homelab name that is not a DNS label', {
      texts: { network: 'name: my lab\n' + NETWORK },
      path: `${N}:1`, field: 'network.yaml.name', problem: 'not a DNS label', value: 'my lab', allowed: 'lowercase letters',
    }],
    ['a duplicate key (differing in case)', {
      texts: { network: NETWORK + 'Domain: other.example.org\n' },
      path: `${N}:7`, field: 'network.yaml.domain', problem: 'duplicate key (first on line 6)', value: 'domain', allowed: 'give each key once',
    }],
    ['YAML that does not parse', {
      texts: { network: NETWORK + 'subnet: [\n' },
      path: `${N}:7`, field: 'network.yaml', problem: 'not valid YAML', value: 'subnet: [', allowed: '"key: value"',
    }],
    ['a document that is not a mapping', {
      texts: { network: '- 10.0.100.0/24\n' },
      path: `${N}:1`, field: 'network.yaml', problem: 'not a mapping of keys to values', value: ['10.0.100.0/24'], allowed: 'keys name, site',
    }],
  ])('fails on %s', (_name, c) => {
    // GIVEN a network.yaml with one mistake
    // WHEN building the inventory
    const problems = problemsOf(() => inventoryFromPlans(plans(c.texts), { sshKeys: KEYS }));
    // THEN the first message names the file:line, the key, the value and what is allowed
    const message = problems[0].message;
    expect(message.startsWith(`[${c.path}] ${c.field}: ${c.problem}`)).toBe(true);
    expect(message).toContain(`(got ${c.value === undefined ? 'nothing' : JSON.stringify(c.value)}); `);
    expect(message).toContain(c.allowed);
  });
});

describe('readPlans', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'plans-'));
    fs.mkdirSync(path.join(root, 'plans'));
    fs.mkdirSync(path.join(root, 'secrets'));
    fs.writeFileSync(path.join(root, 'plans', 'hosts.csv'), HOSTS);
    fs.writeFileSync(path.join(root, 'plans', 'k3s.csv'), K3S);
    fs.writeFileSync(path.join(root, 'plans', 'network.yaml'), NETWORK);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  /** The plans folder as a path relative to the working directory. */
  const dir = () => path.relative(process.cwd(), path.join(root, 'plans'));
  const rel = (...parts: string[]) => path.join(dir(), '..', ...parts);

  test('reads every key line of <plans>/../secrets/<admin>.pub, skipping blanks and comments', () => {
    // GIVEN a key file with a comment, a blank line and two keys (CRLF)
    const second = KEY.replace('manfred@laptop', 'manfred@phone');
    fs.writeFileSync(path.join(root, 'secrets', 'manfred.pub'), `# laptop\r\n${KEY}\r\n\r\n  ${second}  \r\n`);
    // WHEN reading the plans
    const inv = readPlans(dir());
    // THEN both keys are the admin's, unchanged
    expect(inv.admins).toEqual([{ name: 'manfred', sshKeys: [KEY, second], hashedPasswordSecret: 'manfred-password' }]);
  });

  test('reads keys from a chosen secrets folder', () => {
    // GIVEN keys elsewhere
    fs.mkdirSync(path.join(root, 'keys'));
    fs.writeFileSync(path.join(root, 'keys', 'manfred.pub'), KEY);
    // WHEN reading the plans with that folder
    const inv = readPlans(dir(), { secretsDir: path.join(root, 'keys') });
    // THEN the key comes from there
    expect(inv.admins[0].sshKeys).toEqual([KEY]);
  });

  test('fails on a missing key file, naming the relative path to create', () => {
    // GIVEN no secrets/manfred.pub
    // WHEN reading the plans
    const problems = problemsOf(() => readPlans(dir()));
    // THEN the message names the hosts.csv line and the file, relative as given
    expect(problems.map((p) => p.message)).toEqual([
      `[${path.join(dir(), 'hosts.csv')}:2] hosts.csv.admin: no ssh key file for admin manfred (got "manfred"); create ${rel('secrets', 'manfred.pub')} with the admin's OpenSSH public keys, one per line`,
    ]);
    expect(path.isAbsolute(problems[0].constructPath)).toBe(false);
  });

  test('fails on a key file without keys', () => {
    // GIVEN a key file of comments only
    fs.writeFileSync(path.join(root, 'secrets', 'manfred.pub'), '# nothing yet\n\n');
    // WHEN reading the plans
    const problems = problemsOf(() => readPlans(dir()));
    // THEN the one problem names the file
    expect(problems.map((p) => [p.constructPath, p.field, p.problem])).toEqual([[rel('secrets', 'manfred.pub'), 'manfred.pub', 'no ssh public key in the file']]);
  });

  test('fails on a key line that is not a public key, with its line', () => {
    // GIVEN a note pasted by mistake after a good key
    fs.writeFileSync(path.join(root, 'secrets', 'manfred.pub'), `${KEY}\nmy laptop key\n`);
    // WHEN reading the plans
    const problems = problemsOf(() => readPlans(dir()));
    // THEN that line is reported
    expect(problems.map((p) => p.message)).toEqual([
      `[${rel('secrets', 'manfred.pub')}:2] manfred.pub.key: not an OpenSSH public key (got "my laptop key"); one key per line such as "ssh-ed25519 AAAA... comment"; lines starting with # are comments`,
    ]);
  });

  const PRIVATE_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW-CANARY';
  test.each([
    ['an OpenSSH private key after a good key', `${KEY}\n-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`, 2],
    ['a PEM RSA key', `-----BEGIN RSA PRIVATE KEY-----\n${PRIVATE_BODY}\n-----END RSA PRIVATE KEY-----\n`, 1],
    ['a PKCS#8 key, CRLF', `# laptop\r\n-----BEGIN PRIVATE KEY-----\r\n${PRIVATE_BODY}\r\n`, 2],
    ['a PuTTY key file', `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\n${PRIVATE_BODY}\nPrivate-Lines: 1\n${PRIVATE_BODY}\n`, 1],
  ])('fails on %s saved as <admin>.pub without printing any of it', (_what, text, line) => {
    // GIVEN private key material in the key file
    fs.writeFileSync(path.join(root, 'secrets', 'manfred.pub'), text);
    // WHEN reading the plans
    const problems = problemsOf(() => readPlans(dir()));
    // THEN one problem names the file and line, and holds no byte of the key
    expect(problems.map((p) => [p.constructPath, p.field, p.problem])).toEqual([[`${rel('secrets', 'manfred.pub')}:${line}`, 'manfred.pub.key', 'holds a private key; the file was not read further']]);
    const all = problems.map((p) => p.message).join('\n');
    expect(all).not.toContain('CANARY');
    expect(all).not.toContain('BEGIN');
    expect(all).not.toContain('b3BlbnNza');
  });

  test('fails on every missing plan file at once', () => {
    // GIVEN no k3s.csv and no network.yaml
    fs.rmSync(path.join(root, 'plans', 'k3s.csv'));
    fs.rmSync(path.join(root, 'plans', 'network.yaml'));
    // WHEN reading the plans
    const problems = problemsOf(() => readPlans(dir()));
    // THEN both are named, relative as given
    expect(problems.map((p) => [p.constructPath, p.field, p.problem])).toEqual([
      [path.join(dir(), 'k3s.csv'), 'k3s.csv', 'file not found'],
      [path.join(dir(), 'network.yaml'), 'network.yaml', 'file not found'],
    ]);
  });

  test('fails with the file:line of the plans folder as given', () => {
    // GIVEN a container outside the subnet, and a key
    fs.writeFileSync(path.join(root, 'secrets', 'manfred.pub'), KEY);
    fs.writeFileSync(path.join(root, 'plans', 'k3s.csv'), replaceLine(K3S, 3, 'olaf,olaf-k3s-agent,agent,10.0.200.5'));
    // WHEN reading the plans
    const problems = problemsOf(() => readPlans(dir()));
    // THEN the message is in the house format with the relative path
    expect(problems.map((p) => p.message)).toEqual([
      `[${path.join(dir(), 'k3s.csv')}:3] k3s.csv.ip: outside subnet 10.0.100.0/24 (got "10.0.200.5"); an address inside 10.0.100.0/24 (10.0.100.1-10.0.100.254)`,
    ]);
  });
});
