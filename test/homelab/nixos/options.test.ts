/**
 * Every option path the NixOS emitter writes is a real option of the NixOS
 * release we target, and every value fits the option's type, checked against
 * the option facts recorded in `schemas/nixos/options.json` (no nixpkgs
 * evaluation needed).
 */
import { inventory } from '../../../apps/inventory';
import { hive, hostModule } from '../../../lib/homelab/nixos/module';
import { NixApply, NixLambda, NixPath, NixSelect, NixValue } from '../../../lib/nix/value';
import { deriveModel } from '../../../lib/model/derive';
import { Inventory } from '../../../lib/model/inventory';
import { checkHive, checkNixosOptions, loadNixosOptionFacts, parseOptionType } from '../../helpers/nixos-options';

const facts = loadNixosOptionFacts();
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmJ4xjtY7m5Qn0dJc1a4v3H0p8kZr2uXk9sQyV6bT1w manfred@laptop';

/** Seed 002's layout: k3s in NixOS (server) and podman (agent) containers on a macvlan, plus a Terraform-managed VM. */
const planInventory: Inventory = {
  name: 'plan',
  admins: [{ name: 'manfred', sshKeys: [KEY], hashedPasswordSecret: 'admin-password' }],
  secrets: [
    { name: 'k3s-token', description: 'k3s cluster join token' },
    { name: 'admin-password', description: 'hashed password of the admin user' },
    { name: 'pve-api-token', description: 'Proxmox API token' },
  ],
  cluster: { tokenSecret: 'k3s-token' },
  sites: [{
    name: 'home',
    networks: [{ name: 'lan', cidr: '10.0.100.0/24', gateway: '10.0.100.1', domain: 'home.example.org' }],
    proxmox: { endpoint: 'https://pve.home.example.org:8006/', apiTokenSecret: 'pve-api-token', nodes: [{ name: 'pve1' }] },
    hosts: [
      {
        name: 'olaf', network: 'lan', ip: '10.0.100.2', interface: 'enp0s20f0',
        k3sContainers: [
          { name: 'olaf-k3s-server', role: 'server', init: true, ip: '10.0.100.10' },
          { name: 'olaf-k3s-agent', role: 'agent', ip: '10.0.100.11' },
        ],
      },
      {
        name: 'karl', network: 'lan', ip: '10.0.100.5', interface: 'eni1', metadata: { rack: 'a1' },
        k3sContainers: [{ name: 'karl-k3s-agent', role: 'agent', ip: '10.0.100.15' }],
      },
      {
        name: 'vm01', network: 'lan', ip: '10.0.100.20', interface: 'ens18', k3s: 'agent',
        vm: { node: 'pve1', vmId: 120, systemDisk: { image: { url: 'https://images.example.org/nixos.qcow2' } } },
      },
    ],
  }],
};

/** A host module body: `{ config, lib, pkgs, ... }: body`. */
const moduleOf = (body: Record<string, NixValue>) => new NixLambda(['config', 'lib', 'pkgs'], body);

/** A copy of `tree` with `value` at `path` (through functions and attribute sets). */
function setIn(tree: NixValue, path: readonly string[], value: NixValue): NixValue {
  if (path.length === 0) return value;
  if (tree instanceof NixLambda) return new NixLambda(tree.args, setIn(tree.body, path, value), tree.ellipsis);
  const attrs = (tree ?? {}) as Record<string, NixValue>;
  return { ...attrs, [path[0]]: setIn(attrs[path[0]] ?? {}, path.slice(1), value) };
}

describe('recorded option facts', () => {
  test('every entry has a parseable type and says where it was read', () => {
    expect(facts.release).toBe('nixos-24.11');
    expect(facts.options.length).toBeGreaterThan(80);
    const unparsed = facts.options.filter((o) => {
      try {
        parseOptionType(o.type);
        return false;
      } catch {
        return true;
      }
    });
    expect(unparsed.map((o) => o.path)).toEqual([]);
    for (const o of facts.options) {
      expect(o).toMatchObject({ release: expect.any(String), source: expect.any(String), url: expect.stringMatching(/^https:\/\//), readFrom: expect.any(String) });
    }
    expect(new Set(facts.options.map((o) => o.path)).size).toBe(facts.options.length);
  });

  test('types parse the way the manual prints them', () => {
    expect(parseOptionType('null or ((submodule) or string convertible to it)')).toMatchObject({ k: 'or', alts: [{ k: 'null' }, { k: 'or', alts: [{ k: 'submodule' }, { k: 'str' }] }] });
    expect(parseOptionType('list of 16 bit unsigned integer; between 0 and 65535 (both inclusive)')).toMatchObject({ k: 'list', elem: { k: 'int', min: 0, max: 65535 } });
    expect(parseOptionType('string or list of string')).toMatchObject({ k: 'or', alts: [{ k: 'str' }, { k: 'list', elem: { k: 'str' } }] });
    expect(parseOptionType('one of "server", "agent"')).toMatchObject({ k: 'enum', values: ['server', 'agent'] });
    expect(parseOptionType('(optionally newline-terminated) single-line string')).toMatchObject({ k: 'str', check: 'singleLine' });
  });

  test('fails on a type description it does not know', () => {
    expect(() => parseOptionType('frobnicated widget')).toThrow(/cannot parse option type "frobnicated widget"/);
  });
});

describe('emitted modules use real options with fitting values', () => {
  test('every host of the reference homelab, and its hive', () => {
    // GIVEN the reference homelab
    const model = deriveModel(inventory);
    // WHEN each host module and the hive are checked
    const problems = model.hosts.flatMap((h) => checkNixosOptions(hostModule(model, h), facts).map((p) => `${h.name}: ${p}`));
    // THEN
    expect(problems).toEqual([]);
    expect(checkHive(hive(model), facts)).toEqual([]);
  });

  test('hosts with k3s in NixOS and podman containers, and a Terraform-managed VM', () => {
    // GIVEN a plan-like homelab
    const model = deriveModel(planInventory);
    const modules = Object.fromEntries(model.hosts.map((h) => [h.name, hostModule(model, h)]));
    // WHEN / THEN
    for (const [name, m] of Object.entries(modules)) expect({ name, problems: checkNixosOptions(m, facts) }).toEqual({ name, problems: [] });
    expect(checkHive(hive(model), facts)).toEqual([]);
    // and the trees really hold the options the checker walked through
    const olaf = (modules.olaf as NixLambda).body as Record<string, any>;
    expect(Object.keys(olaf.containers)).toEqual(['olaf-k3s-server']);
    expect(olaf.containers['olaf-k3s-server'].config.services.k3s).toMatchObject({ role: 'server', clusterInit: true });
    expect(Object.keys(olaf.virtualisation['oci-containers'].containers)).toEqual(['olaf-k3s-agent']);
    const karl = (modules.karl as NixLambda).body as Record<string, any>;
    expect(karl.containers).toBeUndefined();
    expect(Object.keys(karl.virtualisation['oci-containers'].containers)).toEqual(['karl-k3s-agent']);
  });
});

describe('the checker', () => {
  test('fails on an unknown option and suggests the nearest one', () => {
    const m = moduleOf({ services: { k3s: { enable: true, rolee: 'server' } } });
    expect(checkNixosOptions(m, facts)).toEqual(['services.k3s.rolee: not a NixOS option (nixos-24.11); did you mean services.k3s.role?']);
  });

  test('fails on a value of the wrong type', () => {
    const m = moduleOf({ services: { k3s: { enable: true, clusterInit: 'yes' } } });
    expect(checkNixosOptions(m, facts)).toEqual(['services.k3s.clusterInit: wrong type (got "yes"); boolean in nixos-24.11']);
  });

  test('fails on an enum value outside the set', () => {
    const m = moduleOf({ services: { k3s: { role: 'master' } } });
    expect(checkNixosOptions(m, facts)).toEqual(['services.k3s.role: not one of the allowed values (got "master"); one of "server", "agent" in nixos-24.11']);
  });

  test('fails on an unknown key inside an element of a list of submodules', () => {
    const m = moduleOf({ networking: { interfaces: { eth0: { ipv4: { addresses: [{ address: '10.0.0.2', prefix: 24 }] } } } } });
    expect(checkNixosOptions(m, facts)).toEqual([
      'networking.interfaces.eth0.ipv4.addresses[0].prefix: not a NixOS option (nixos-24.11); did you mean networking.interfaces.eth0.ipv4.addresses[0].prefixLength?',
    ]);
  });

  test('fails on an unknown option inside a NixOS container config of an emitted host', () => {
    // GIVEN olaf's emitted module with a typo in its k3s server container
    const model = deriveModel(planInventory);
    const olaf = hostModule(model, model.hosts.find((h) => h.name === 'olaf')!);
    const bad = setIn(olaf, ['containers', 'olaf-k3s-server', 'config', 'services', 'k3s', 'rolee'], 'server');
    // THEN
    expect(checkNixosOptions(bad, facts)).toEqual([
      'containers.olaf-k3s-server.config.services.k3s.rolee: not a NixOS option (nixos-24.11); did you mean containers.olaf-k3s-server.config.services.k3s.role?',
    ]);
  });

  test('fails on sops-nix options in a container config that does not import sops-nix', () => {
    const m = moduleOf({ containers: { c1: { config: { sops: { secrets: { x: {} } } } } } });
    expect(checkNixosOptions(m, facts)).toEqual(['containers.c1.config.sops: not a NixOS option (nixos-24.11)']);
    const withSops = moduleOf({ containers: { c1: { config: { imports: [new NixSelect('sops-nix', ['nixosModules', 'sops'])], sops: { secrets: { x: {} } } } } } });
    expect(checkNixosOptions(withSops, facts)).toEqual([]);
  });

  test('fails on problems behind lib.mkDefault, out-of-range ports and wrong values in nested attribute sets', () => {
    const mkDefault = (v: NixValue) => new NixApply(new NixSelect('lib', ['mkDefault']), [v]);
    const m = moduleOf({
      fileSystems: { '/': mkDefault({ device: '/dev/sda1', fsTyp: 'ext4' }) },
      networking: { firewall: { allowedTCPPorts: [22, 70000] } },
      sops: { defaultSopsFile: new NixPath('./secrets.yaml'), secrets: { 'k3s-token': { neededForUsers: 'no' } } },
      virtualisation: { 'oci-containers': { containers: { a: { image: 'x', environment: { A: 1 } } } } },
    });
    expect(checkNixosOptions(m, facts)).toEqual([
      'fileSystems."/".fsTyp: not a NixOS option (nixos-24.11); did you mean fileSystems."/".fsType?',
      'networking.firewall.allowedTCPPorts[1]: out of range (got 70000); 16 bit unsigned integer; between 0 and 65535 (both inclusive) in nixos-24.11',
      'sops.secrets.k3s-token.neededForUsers: wrong type (got "no"); boolean in sops-nix 3433ea1 (2024-11-25; unchanged at 56b2406, 2026-06-22)',
      'virtualisation.oci-containers.containers.a.environment.A: wrong type (got 1); string in nixos-24.11',
    ]);
  });

  test('fails on an unknown deployment option in a hive node', () => {
    const h = new NixLambda(['nixpkgs', 'sops-nix'], {
      meta: { nixpkgs: new NixSelect('nixpkgs'), description: 'x' },
      olaf: { deployment: { targetHosts: '10.0.100.2', tags: ['home'] }, imports: [new NixPath('./hosts/olaf.nix')] },
    }, false);
    expect(checkHive(h, facts)).toEqual(['olaf.deployment.targetHosts: not a colmena option (colmena v0.4.0); did you mean olaf.deployment.targetHost?']);
  });
});
