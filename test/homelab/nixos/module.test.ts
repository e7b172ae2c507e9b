/**
 * The NixOS host module in seed 002's layout: hosts on a macvlan shared with
 * their k3s containers (servers in NixOS containers, agents in podman), per-host
 * admins, Terraform-managed VMs and host metadata. Every module is rendered,
 * evaluated with `nix-instantiate --eval --strict` and checked value by value.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  HOST_MACVLAN,
  hive,
  hostModule,
  sortedJsonObject,
} from '../../../lib/homelab/nixos/module';
import { renderNixFile } from '../../../lib/nix';
import { k3sImage, podmanMacvlanNetwork } from '../../../lib/homelab/nixos/k3s-containers';
import { deriveModel, Model, ResolvedHost } from '../../../lib/model/derive';
import { HostSpec, Inventory } from '../../../lib/model/inventory';
import { HomelabValidationError } from '../../../lib/core/errors';
import { validateInventory } from '../../../lib/model/rules';
import { nixEvalModule, nixParse } from '../../helpers/nix';
import { itWith } from '../../helpers/tools';
import { ERIKA_KEYS, MANFRED_KEY, planInventory } from './plan-inventory';

const itNix = itWith('nix-instantiate');

const SECRET_NAMES = ['k3s-token', 'manfred-password', 'pve-api-token'];
const TOKEN = '/run/secrets/k3s-token';
const MANFRED_PASSWORD = '/run/secrets-for-users/manfred-password';
const SSH_SETTINGS = { KbdInteractiveAuthentication: false, PasswordAuthentication: false, PermitRootLogin: 'no' };
const mkDefault = (content: unknown) => ({ _type: 'override', priority: 1000, content });

let dir: string;
let model: Model;
const evaluated = new Map<string, any>();

function hostOf(m: Model, name: string): ResolvedHost {
  const h = m.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
}

/** Renders a host module into `<dir>/hosts/<name>.nix` (the sops file at `../../secrets/secrets.yaml`, as synth lays them out). */
function writeHost(m: Model, name: string, into = dir): string {
  const file = path.join(into, 'hosts', `${name}.nix`);
  fs.writeFileSync(file, renderNixFile(hostModule(m, hostOf(m, name)), `test (host ${name})`));
  return file;
}

/** The host module of the plan inventory, evaluated strictly with stub module arguments (cached). */
function evalHost(name: string): any {
  if (!evaluated.has(name)) {
    const r = nixEvalModule(writeHost(model, name));
    if (r.status !== 0 || r.stderr !== '') throw new Error(`nix-instantiate failed for ${name}: ${r.stderr}`);
    evaluated.set(name, JSON.parse(r.stdout));
  }
  return evaluated.get(name);
}

/** A host of `inv`, writable for one test's change. */
function editHost(inv: Inventory, name: string): { -readonly [K in keyof HostSpec]: HostSpec[K] } {
  const h = inv.sites.flatMap((site) => site.hosts ?? []).find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name}`);
  return h;
}

/** An output root as synth lays it out: `<root>/nixos/hosts/`, the user's `<root>/secrets/secrets.yaml`; returns `<root>/nixos`. */
function newLayout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-nixmod-'));
  const d = path.join(root, 'nixos');
  fs.mkdirSync(path.join(d, 'hosts'), { recursive: true });
  fs.mkdirSync(path.join(root, 'secrets'));
  fs.writeFileSync(path.join(root, 'secrets', 'secrets.yaml'), 'k3s-token: ENC[AES256_GCM,data:abc=,type:str]\n');
  return d;
}

beforeAll(() => {
  dir = newLayout();
  model = deriveModel(planInventory());
});

afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('the plan inventory', () => {
  test('is valid', () => {
    // GIVEN the seed 002 plan inventory
    // WHEN it is validated
    const problems = validateInventory(planInventory()).map((p) => p.message);
    // THEN there is nothing to fix
    expect(problems).toEqual([]);
  });

  itNix('renders host modules that parse and evaluate, the same bytes twice', () => {
    // GIVEN every host of the plan inventory
    for (const h of model.hosts) {
      // WHEN its module is rendered twice and parsed
      const once = renderNixFile(hostModule(model, h), 'x');
      const twice = renderNixFile(hostModule(deriveModel(planInventory()), hostOf(deriveModel(planInventory()), h.name)), 'x');
      const file = writeHost(model, h.name);
      // THEN both renderings are identical and Nix parses and evaluates the file
      expect(twice).toBe(once);
      expect({ host: h.name, ...nixParse(file) }).toEqual({ host: h.name, status: 0, stderr: '' });
      expect(evalHost(h.name).networking.hostName).toBe(h.name);
    }
  });
});

describe('host network on a macvlan (seed 002)', () => {
  itNix('puts the host address on mv-host, a bridge macvlan of the physical interface', () => {
    // GIVEN olaf, which runs k3s containers on enp0s20f0
    // WHEN its module is evaluated
    const net = evalHost('olaf').networking;
    // THEN the physical interface has no address and no DHCP
    expect(net.interfaces.enp0s20f0).toEqual({ useDHCP: false });
    expect(net.interfaces.enp0s20f0.ipv4).toBeUndefined();
    // AND the macvlan carries the host's static address, prefix and the default route
    expect(net.macvlans).toEqual({ [HOST_MACVLAN]: { interface: 'enp0s20f0', mode: 'bridge' } });
    expect(net.interfaces['mv-host'].ipv4.addresses).toEqual([{ address: '10.0.100.2', prefixLength: 24 }]);
    expect(net.defaultGateway).toEqual({ address: '10.0.100.1', interface: 'mv-host' });
    expect(net.nameservers).toEqual(['10.0.100.1', '9.9.9.9']);
    expect(net.useDHCP).toBe(false);
  });

  itNix('keeps the host firewall to the host own ports', () => {
    // GIVEN olaf with a k3s server and agent in containers
    // WHEN its module is evaluated
    const fw = evalHost('olaf').networking.firewall;
    // THEN only ssh is open on the host: k3s ports belong to the containers' own addresses
    expect(fw).toEqual({ enable: true, allowedTCPPorts: [22], allowedUDPPorts: [] });
  });

  itNix('keeps the plain interface on a host without containers', () => {
    // GIVEN ulrich, a metal host without k3s containers
    // WHEN its module is evaluated
    const m = evalHost('ulrich');
    // THEN the address sits on eno1 directly, with no macvlan and no containers
    expect(m.networking.interfaces).toEqual({ eno1: { ipv4: { addresses: [{ address: '10.0.100.6', prefixLength: 24 }] } } });
    expect(m.networking.defaultGateway).toEqual({ address: '10.0.100.1', interface: 'eno1' });
    expect(m.networking.macvlans).toBeUndefined();
    expect(m.containers).toBeUndefined();
    expect(m.virtualisation).toBeUndefined();
  });

  itNix('puts a host on a macvlan when asked to, even without containers', () => {
    // GIVEN ulrich with macvlan: true
    const inv = planInventory();
    editHost(inv, 'ulrich').macvlan = true;
    const m = deriveModel(inv);
    // WHEN its module is evaluated
    const r = nixEvalModule(writeHost(m, 'ulrich'));
    const net = JSON.parse(r.stdout).networking;
    // THEN the address moves to mv-host on eno1
    expect(net.interfaces).toEqual({ eno1: { useDHCP: false }, 'mv-host': { ipv4: { addresses: [{ address: '10.0.100.6', prefixLength: 24 }] } } });
    expect(net.macvlans['mv-host']).toEqual({ interface: 'eno1', mode: 'bridge' });
  });
});

describe('per-host admins', () => {
  itNix('creates exactly the host admins, with their keys', () => {
    // GIVEN olaf (manfred, erika), ulf (manfred) and karl (erika)
    // WHEN their modules are evaluated
    const olaf = evalHost('olaf').users;
    const ulf = evalHost('ulf').users;
    const karl = evalHost('karl').users;
    // THEN each host has only its admins, in wheel, with their ssh keys
    expect(Object.keys(olaf.users).sort()).toEqual(['erika', 'manfred']);
    expect(Object.keys(ulf.users)).toEqual(['manfred']);
    expect(Object.keys(karl.users)).toEqual(['erika']);
    expect(olaf.users.manfred).toEqual({
      isNormalUser: true, extraGroups: ['wheel'], openssh: { authorizedKeys: { keys: [MANFRED_KEY] } }, hashedPasswordFile: MANFRED_PASSWORD,
    });
    expect(karl.users.erika).toEqual({ isNormalUser: true, extraGroups: ['wheel'], openssh: { authorizedKeys: { keys: ERIKA_KEYS } } });
  });

  itNix('owns the users only when a password comes from sops, and asks sops only for its admins', () => {
    // GIVEN olaf (manfred has a password secret) and karl (erika has keys only)
    // WHEN their modules are evaluated
    const olaf = evalHost('olaf');
    const karl = evalHost('karl');
    // THEN olaf's users are immutable and manfred's password is a user secret
    expect(olaf.users.mutableUsers).toBe(false);
    expect(olaf.sops.secrets).toEqual({ 'k3s-token': {}, 'manfred-password': { neededForUsers: true } });
    // AND karl keeps mutable users and needs only the k3s token
    expect(karl.users.mutableUsers).toBe(true);
    expect(karl.sops.secrets).toEqual({ 'k3s-token': {} });
  });

  test('lets colmena log in as an admin of each host', () => {
    // GIVEN karl, whose only admin is erika
    // WHEN the hive is built
    const h = hive(model) as unknown as { body: Record<string, { deployment: { targetUser: string } }> };
    // THEN colmena logs in to karl as erika and to ulf as manfred
    expect(h.body.karl.deployment.targetUser).toBe('erika');
    expect(h.body.ulf.deployment.targetUser).toBe('manfred');
  });
});

describe('k3s server in a NixOS container', () => {
  itNix('runs on a macvlan of the host interface with the token bind-mounted read-only', () => {
    // GIVEN olaf's init server container
    // WHEN the module is evaluated
    const c = evalHost('olaf').containers['olaf-k3s-server'];
    // THEN it starts at boot in its own network namespace with a macvlan of enp0s20f0
    expect(c.autoStart).toBe(true);
    expect(c.privateNetwork).toBe(true);
    expect(c.macvlans).toEqual(['enp0s20f0']);
    // AND it sees the token and the admin password hash at the host's sops paths, read-only, and nothing else
    expect(c.bindMounts).toEqual({
      [TOKEN]: { hostPath: TOKEN, isReadOnly: true },
      [MANFRED_PASSWORD]: { hostPath: MANFRED_PASSWORD, isReadOnly: true },
    });
  });

  itNix('configures the container address, gateway and nameservers on mv-<iface>', () => {
    // GIVEN olaf's init server container
    // WHEN the module is evaluated
    const net = evalHost('olaf').containers['olaf-k3s-server'].config.networking;
    // THEN the container's macvlan (mv-enp0s20f0 inside) has its static address and the default route
    expect(net.hostName).toBe('olaf-k3s-server');
    expect(net.domain).toBe('home.example.org');
    expect(net.interfaces).toEqual({ 'mv-enp0s20f0': { ipv4: { addresses: [{ address: '10.0.100.10', prefixLength: 24 }] } } });
    expect(net.defaultGateway).toEqual({ address: '10.0.100.1', interface: 'mv-enp0s20f0' });
    expect(net.nameservers).toEqual(['10.0.100.1', '9.9.9.9']);
    expect(net.useHostResolvConf).toBe(false);
    expect(net.useDHCP).toBe(false);
    // AND its own firewall opens ssh, the API server and etcd
    expect(net.firewall).toEqual({ enable: true, allowedTCPPorts: [22, 6443, 2379, 2380] });
  });

  itNix('initializes the cluster on the init server, without an agent', () => {
    // GIVEN olaf's init server container
    // WHEN the module is evaluated
    const k3s = evalHost('olaf').containers['olaf-k3s-server'].config.services.k3s;
    // THEN it is a server that initializes the cluster with the token file and its own node IP
    expect(k3s).toEqual({
      enable: true, role: 'server', disableAgent: true, clusterInit: true, tokenFile: TOKEN, extraFlags: ['--node-ip=10.0.100.10'],
    });
  });

  itNix('joins the init server from another host', () => {
    // GIVEN ulf's server container, which does not initialize the cluster
    // WHEN the module is evaluated
    const ulf = evalHost('ulf');
    const c = ulf.containers['ulf-k3s-server'];
    // THEN it joins https://<init container ip>:6443 on a macvlan of enp1s0
    expect(c.config.services.k3s).toEqual({
      enable: true, role: 'server', disableAgent: true, serverAddr: 'https://10.0.100.10:6443', tokenFile: TOKEN, extraFlags: ['--node-ip=10.0.100.12'],
    });
    expect(c.macvlans).toEqual(['enp1s0']);
    expect(c.config.networking.interfaces['mv-enp1s0'].ipv4.addresses).toEqual([{ address: '10.0.100.12', prefixLength: 24 }]);
    // AND ulf runs no podman agent
    expect(ulf.virtualisation).toBeUndefined();
  });

  itNix('gives the container the host admins with keys only, and the same sshd and sudo rules', () => {
    // GIVEN olaf's server container; olaf's admins are manfred and erika
    // WHEN the module is evaluated
    const cfg = evalHost('olaf').containers['olaf-k3s-server'].config;
    // THEN the container has the same accounts as the host
    expect(cfg.users).toEqual(evalHost('olaf').users);
    expect(cfg.users.users.erika.openssh.authorizedKeys.keys).toEqual(ERIKA_KEYS);
    expect(cfg.users.users.manfred.hashedPasswordFile).toBe(MANFRED_PASSWORD);
    // AND ssh takes keys only, sudo asks for the password, the state version is the homelab's
    expect(cfg.services.openssh).toEqual({ enable: true, settings: SSH_SETTINGS });
    expect(cfg.security.sudo.wheelNeedsPassword).toBe(true);
    expect(cfg.system.stateVersion).toBe('24.11');
    expect(cfg.time.timeZone).toBe('Europe/Berlin');
  });

  itNix('mounts no password file when no admin of the host has one', () => {
    // GIVEN a server container on karl, whose admin erika has keys only
    const inv = planInventory();
    const karl = editHost(inv, 'karl');
    karl.k3sContainers = [...karl.k3sContainers!, { name: 'karl-k3s-server', role: 'server', ip: '10.0.100.16' }];
    const m = deriveModel(inv);
    // WHEN karl's module is evaluated
    const r = nixEvalModule(writeHost(m, 'karl'));
    const c = JSON.parse(r.stdout).containers['karl-k3s-server'];
    // THEN only the token is mounted and the container's users stay mutable
    expect(c.bindMounts).toEqual({ [TOKEN]: { hostPath: TOKEN, isReadOnly: true } });
    expect(c.config.users.mutableUsers).toBe(true);
  });
});

describe('k3s agent in podman', () => {
  itNix('runs rancher/k3s as a privileged agent on the podman macvlan network with its own address', () => {
    // GIVEN olaf's agent container
    // WHEN the module is evaluated
    const v = evalHost('olaf').virtualisation;
    const agent = v['oci-containers'].containers['olaf-k3s-agent'];
    // THEN podman runs it
    expect(v.podman).toEqual({ enable: true });
    expect(v['oci-containers'].backend).toBe('podman');
    // AND the image tag is the k3s version with "-" for "+"
    expect(agent.image).toBe('docker.io/rancher/k3s:v1.30.4-k3s1');
    expect(agent.cmd).toEqual(['agent', '--node-ip=10.0.100.11']);
    // AND it joins the init server with the token file, never the token
    expect(agent.environment).toEqual({ K3S_URL: 'https://10.0.100.10:6443', K3S_TOKEN_FILE: TOKEN });
    expect(agent.volumes).toEqual([
      `${TOKEN}:${TOKEN}:ro`,
      'olaf-k3s-agent-k3s:/var/lib/rancher/k3s',
      'olaf-k3s-agent-node:/etc/rancher/node',
    ]);
    expect(agent.extraOptions).toEqual(['--privileged', '--network=macvlan-enp0s20f0', '--ip=10.0.100.11', '--hostname=olaf-k3s-agent']);
    expect(agent.autoStart).toBe(true);
  });

  itNix('declares the podman macvlan network as a netavark file, without a script', () => {
    // GIVEN karl, which runs only an agent, on eni1
    // WHEN the module is evaluated
    const karl = evalHost('karl');
    const text = karl.environment.etc['containers/networks/macvlan-eni1.json'].text;
    // THEN the file is netavark's network definition for a macvlan of eni1 in the host's subnet
    expect(JSON.parse(text)).toEqual({
      name: 'macvlan-eni1',
      id: createHash('sha256').update('macvlan-eni1').digest('hex'),
      driver: 'macvlan',
      network_interface: 'eni1',
      created: '1970-01-01T00:00:00Z',
      subnets: [{ subnet: '10.0.100.0/24', gateway: '10.0.100.1' }],
      ipv6_enabled: false,
      internal: false,
      dns_enabled: false,
      ipam_options: { driver: 'host-local' },
    });
    expect(JSON.parse(text).id).toMatch(/^[0-9a-f]{64}$/);
    // AND the agent uses that network, and karl has no NixOS container
    expect(karl.virtualisation['oci-containers'].containers['karl-k3s-agent'].extraOptions).toContain('--network=macvlan-eni1');
    expect(karl.containers).toBeUndefined();
    expect(karl.networking.interfaces['mv-host'].ipv4.addresses).toEqual([{ address: '10.0.100.5', prefixLength: 24 }]);
  });

  itNix('loads on the host the kernel modules the agent cannot load itself', () => {
    // GIVEN karl (an agent) and ulf (a server only)
    // WHEN their modules are evaluated
    // THEN karl loads br_netfilter and overlay for the kubelet, ulf does not need them
    expect(evalHost('karl').boot.kernelModules).toEqual(expect.arrayContaining(['br_netfilter', 'overlay']));
    expect(evalHost('ulf').boot.kernelModules).toBeUndefined();
  });

  test('tags the image with the k3s release, "+" replaced', () => {
    // GIVEN k3s releases with and without build metadata
    // WHEN the image is named
    // THEN "+" becomes "-" and other characters stay
    expect(k3sImage('v1.30.4+k3s1')).toBe('docker.io/rancher/k3s:v1.30.4-k3s1');
    expect(k3sImage('v1.31.0-rc1+k3s2')).toBe('docker.io/rancher/k3s:v1.31.0-rc1-k3s2');
  });

  test('gives the same network id for the same interface, and another for another', () => {
    // GIVEN two hosts on different interfaces
    const olaf = podmanMacvlanNetwork(hostOf(model, 'olaf'));
    const again = podmanMacvlanNetwork(hostOf(deriveModel(planInventory()), 'olaf'));
    const karl = podmanMacvlanNetwork(hostOf(model, 'karl'));
    // WHEN their networks are derived
    // THEN ids are stable and distinct
    expect(again.definition.id).toBe(olaf.definition.id);
    expect(karl.definition.id).not.toBe(olaf.definition.id);
    expect(olaf.etcPath).toBe('containers/networks/macvlan-enp0s20f0.json');
  });
});

describe('Terraform-managed VMs', () => {
  itNix('boots a NixOS cloud image: ext4 root by label, grown, GRUB on the virtio-scsi disk, qemu-guest profile', () => {
    // GIVEN vm01, a Proxmox VM managed by Terraform
    // WHEN its module is evaluated
    const vm = evalHost('vm01');
    // THEN it imports the qemu-guest profile from modulesPath
    expect(vm.imports).toEqual(['/stub/nixos/modules/profiles/qemu-guest.nix']);
    // AND its root is the image's "nixos" partition, resized to the disk
    expect(vm.fileSystems).toEqual({ '/': mkDefault({ device: '/dev/disk/by-label/nixos', fsType: 'ext4', autoResize: true }) });
    expect(vm.boot.growPartition).toBe(true);
    // AND GRUB goes to /dev/sda (SeaBIOS), without systemd-boot or EFI
    expect(vm.boot.loader).toEqual({ grub: { device: mkDefault('/dev/sda') } });
    expect(vm.services.qemuGuest).toEqual({ enable: true });
  });

  itNix('keeps the metal layout for a VM made elsewhere', () => {
    // GIVEN a VM without a vm spec (not managed by Terraform)
    const inv = planInventory();
    editHost(inv, 'ulrich').kind = 'vm';
    const m = deriveModel(inv);
    // WHEN its module is evaluated
    const v = JSON.parse(nixEvalModule(writeHost(m, 'ulrich')).stdout);
    // THEN it has the guest agent but the by-label EFI layout and no profile import
    expect(v.services.qemuGuest).toEqual({ enable: true });
    expect(v.imports).toBeUndefined();
    expect(v.fileSystems['/boot']).toEqual(mkDefault({ device: '/dev/disk/by-label/boot', fsType: 'vfat' }));
    expect(v.boot.loader['systemd-boot'].enable).toEqual(mkDefault(true));
  });

  itNix('keeps the by-label EFI layout on metal hosts', () => {
    // GIVEN olaf, a metal host
    // WHEN its module is evaluated
    const olaf = evalHost('olaf');
    // THEN root and /boot are by label and systemd-boot is the default loader
    expect(olaf.fileSystems).toEqual({
      '/': mkDefault({ device: '/dev/disk/by-label/nixos', fsType: 'ext4' }),
      '/boot': mkDefault({ device: '/dev/disk/by-label/boot', fsType: 'vfat' }),
    });
    expect(olaf.boot.loader).toEqual({ 'systemd-boot': { enable: mkDefault(true) }, efi: { canTouchEfiVariables: mkDefault(true) } });
    expect(olaf.boot.growPartition).toBeUndefined();
    expect(olaf.imports).toBeUndefined();
  });
});

describe('host metadata', () => {
  itNix('is written to /etc/homelab/metadata.json with sorted keys', () => {
    // GIVEN olaf with extra plan columns, some of them numeric
    // WHEN the module is evaluated
    const text: string = evalHost('olaf').environment.etc['homelab/metadata.json'].text;
    // THEN the JSON holds every column, keys in code point order
    expect(JSON.parse(text)).toEqual({ rack: 'a1', 'disk-serial': 'S3Z9NB0K', 10: 'ten', 9: 'nine' });
    expect([...text.matchAll(/^ {2}"([^"]+)":/gm)].map((m) => m[1])).toEqual(['10', '9', 'disk-serial', 'rack']);
  });

  itNix('is not written when a host has none', () => {
    // GIVEN ulrich without metadata
    // WHEN the module is evaluated
    // THEN there is no environment.etc at all
    expect(evalHost('ulrich').environment).toBeUndefined();
  });

  test('escapes what JSON must escape', () => {
    // GIVEN values with quotes, backslashes and a Nix interpolation opener
    const text = sortedJsonObject({ b: 'say "hi"', a: 'C:\\x ${y}' });
    // WHEN the text is parsed back
    // THEN the values round-trip
    expect(JSON.parse(text)).toEqual({ a: 'C:\\x ${y}', b: 'say "hi"' });
    expect(text).toBe('{\n  "a": "C:\\\\x ${y}",\n  "b": "say \\"hi\\""\n}\n');
  });
});

describe('secrets', () => {
  /** Every string and attribute name in a value, with where it is. */
  function* strings(v: unknown, at: string): Generator<[string, string]> {
    if (typeof v === 'string') yield [at, v];
    else if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* strings(x, `${at}[${i}]`);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        yield [`${at}.<key>`, k];
        yield* strings(x, `${at}.${k}`);
      }
    }
  }

  itNix('appear only as sops-nix paths and secret names, never as values', () => {
    // GIVEN every host module, evaluated
    const allowed = (name: string) => new RegExp(
      `^(${name}|/run/secrets(-for-users)?/${name}|/run/secrets/${name}:/run/secrets/${name}:ro)$`,
    );
    for (const h of model.hosts) {
      const v = evalHost(h.name);
      // WHEN looking at every string that mentions a secret
      for (const [at, s] of strings(v, h.name)) {
        for (const name of SECRET_NAMES) {
          if (!s.includes(name)) continue;
          // THEN it is the secret's name (a sops.secrets key) or its /run/secrets path
          expect({ at, s, ok: allowed(name).test(s) }).toEqual({ at, s, ok: true });
          if (s === name) expect(at).toBe(`${h.name}.sops.secrets.<key>`);
        }
      }
      // AND k3s never gets the token itself
      const k3sConfigs = [v.services.k3s, ...Object.values<any>(v.containers ?? {}).map((c) => c.config.services.k3s)].filter(Boolean);
      for (const k of k3sConfigs) expect(k.token).toBeUndefined();
      for (const c of Object.values<any>(v.virtualisation?.['oci-containers']?.containers ?? {})) {
        expect(Object.keys(c.environment)).not.toContain('K3S_TOKEN');
      }
    }
  });

  itNix('do not leak from the encrypted sops file into the module', () => {
    // GIVEN a sops file holding a canary value
    const d = newLayout();
    fs.writeFileSync(path.join(d, '..', 'secrets', 'secrets.yaml'), 'k3s-token: CANARY-7f3a9\n');
    try {
      // WHEN olaf's module is rendered and evaluated there
      const file = writeHost(model, 'olaf', d);
      const r = nixEvalModule(file);
      // THEN neither the code nor its value holds the canary
      expect(r.status).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).not.toContain('CANARY');
      expect(r.stdout).not.toContain('CANARY');
    } finally {
      fs.rmSync(path.dirname(d), { recursive: true, force: true });
    }
  });
});

describe('failures', () => {
  test('fails when the container macvlan name would not fit in an interface name', () => {
    // GIVEN a host with k3s containers on a 13-character interface ("mv-" makes 16)
    const inv: Inventory = planInventory();
    editHost(inv, 'olaf').interface = 'enp0s20f0u1u2';
    const m = deriveModel(inv);
    // WHEN its module is built
    // THEN synth stops with the host's data path and field
    expect(() => hostModule(m, hostOf(m, 'olaf'))).toThrow(HomelabValidationError);
    expect(() => hostModule(m, hostOf(m, 'olaf'))).toThrow(/\[inventory\.sites\[home\]\.hosts\[olaf\]\] Host\.interface: too long for k3s containers: their macvlan "mv-enp0s20f0u1u2" exceeds 15 characters \(got "enp0s20f0u1u2"\)/);
  });

  test('accepts a 12-character interface for containers', () => {
    // GIVEN a host with k3s containers on a 12-character interface ("mv-" makes 15)
    const inv: Inventory = planInventory();
    editHost(inv, 'olaf').interface = 'enp0s20f0u10';
    const m = deriveModel(inv);
    // WHEN its module is built
    // THEN it renders, with the container address on mv-enp0s20f0u10
    expect(renderNixFile(hostModule(m, hostOf(m, 'olaf')), 'x')).toContain('mv-enp0s20f0u10 = {');
  });
});
