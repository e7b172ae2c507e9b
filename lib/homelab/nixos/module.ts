/**
 * NixOS emitter: one module per host, a flake with one `nixosConfigurations`
 * entry per host, and a colmena hive. Built as typed Nix trees, rendered by the
 * serializer; no value is ever concatenated into code.
 *
 * Secrets come from sops-nix at activation time (`/run/secrets/<name>`), read
 * from the encrypted `secrets/secrets.yaml` at the project root, which the user
 * owns, outside the folders synth writes. No secret value enters the Nix store; k3s containers get the
 * files they need bind-mounted (NixOS containers) or mounted (podman) read-only.
 */
import { Model, ResolvedHost } from '../../model/derive';
import { adminAccounts, sshDaemon } from './admins';
import { storageNodeConfig } from './storage';
import { K3S_AGENT_KERNEL_MODULES, k3sAgentContainer, k3sServerContainer, k3sServerDisableFlags, podmanMacvlanNetwork } from './k3s-containers';
import { compareCodePoints } from '../../nix/serialize';
import { SOPS_FILE } from '../../nix/sops';
import { sopsSecretPath } from '../../core/secrets';
import { NixApply, NixAttrs, NixBinOp, NixLambda, NixPath, NixSelect, NixValue } from '../../nix/value';

export { SOPS_FILE, SOPS_FILE_AT_ROOT } from '../../nix/sops';

const K3S_SERVER_TCP = [6443, 2379, 2380, 10250];
const K3S_AGENT_TCP = [10250];
const K3S_UDP = [8472];

/** The macvlan that carries a host's own address when `host.macvlan` is set (seed 002). */
export const HOST_MACVLAN = 'mv-host';

/** Where host metadata (extra plan columns) is written, relative to `/etc`. */
export const HOST_METADATA_ETC = 'homelab/metadata.json';

import { VM_BOOT_DISK } from '../../constructs/nix-host-vm';

const mkDefault = (v: NixValue) => new NixApply(new NixSelect('lib', ['mkDefault']), [v]);

/**
 * The NixOS module for one host: network (plain, or on a macvlan shared with
 * its k3s containers), admins, sshd, firewall, k3s (on the host, or in NixOS
 * and podman containers), file systems and boot loader (metal, or the disk
 * layout of a NixOS cloud image for Terraform-managed VMs), metadata.
 */
export function hostModule(model: Model, host: ResolvedHost): NixValue {
  const secrets: Record<string, NixAttrs> = {};
  const admins = adminAccounts(host.adminUsers);
  for (const s of admins.passwordSecrets) secrets[s] = { neededForUsers: true };

  const address = [{ address: host.ip, prefixLength: host.net.prefix }];
  const tcp = [22];
  const udp: number[] = [];
  const networking: Record<string, NixValue> = {
    hostName: host.name,
    domain: host.net.domain,
    useDHCP: false,
    nameservers: [...host.net.nameservers],
    search: [host.net.domain],
    // The host's own ports only: k3s containers have their own addresses on the
    // macvlan, so host rules never see their traffic. A NixOS container has its
    // own firewall (see k3sServerContainer); a podman container on macvlan has none of the host's.
    firewall: { enable: true, allowedTCPPorts: tcp, allowedUDPPorts: udp },
  };
  if (host.macvlan) {
    // The physical interface carries no address; the host's address sits on a
    // macvlan in bridge mode, so the host and its macvlan containers reach each other.
    networking.interfaces = {
      [host.interface]: { useDHCP: false },
      [HOST_MACVLAN]: { ipv4: { addresses: address } },
    };
    networking.macvlans = { [HOST_MACVLAN]: { interface: host.interface, mode: 'bridge' } };
    networking.defaultGateway = { address: host.net.gateway, interface: HOST_MACVLAN };
  } else {
    networking.interfaces = { [host.interface]: { ipv4: { addresses: address } } };
    networking.defaultGateway = { address: host.net.gateway, interface: host.interface };
  }

  const services: Record<string, NixValue> = { openssh: sshDaemon() };
  const storage = storageNodeConfig(model, host.name);
  const boot: Record<string, NixValue> = {};
  const systemd: Record<string, NixValue> = {};
  if (host.mac) {
    // Name the interface by its MAC (the one Proxmox gave the VM NIC and the router reserves),
    // so the static address lands on that NIC whatever the PCI slot. udev honours .link
    // units without systemd-networkd.
    systemd.network = {
      links: { [`10-${host.interface}`]: { matchConfig: { PermanentMACAddress: host.mac }, linkConfig: { Name: host.interface } } },
    };
  }
  const etc: Record<string, NixValue> = {};
  const module: Record<string, NixValue> = {
    networking,
    time: { timeZone: model.timezone },
    users: { mutableUsers: admins.mutableUsers, users: admins.users },
    security: { sudo: { wheelNeedsPassword: true } },
    services,
    system: { stateVersion: model.stateVersion },
  };

  const managedVm = host.kind === 'vm' && host.vm !== undefined;
  if (managedVm) {
    // The disk of a NixOS cloud/Proxmox image: one ext4 partition labelled
    // "nixos", grown to the disk size on boot, GRUB in the MBR (SeaBIOS).
    module.imports = [new NixBinOp(new NixSelect('modulesPath'), '+', '/profiles/qemu-guest.nix')];
    module.fileSystems = { '/': mkDefault({ device: '/dev/disk/by-label/nixos', fsType: 'ext4', autoResize: true }) };
    boot.growPartition = true;
    boot.loader = { grub: { device: mkDefault(VM_BOOT_DISK) } };
  } else {
    module.fileSystems = {
      '/': mkDefault({ device: '/dev/disk/by-label/nixos', fsType: 'ext4' }),
      '/boot': mkDefault({ device: '/dev/disk/by-label/boot', fsType: 'vfat' }),
    };
    boot.loader = { 'systemd-boot': { enable: mkDefault(true) }, efi: { canTouchEfiVariables: mkDefault(true) } };
  }
  if (host.kind === 'vm') services.qemuGuest = { enable: true };

  if (host.k3s) {
    const cluster = model.cluster!;
    secrets[cluster.tokenSecret] = {};
    const flags = [`--node-ip=${host.ip}`];
    const labels = { ...storage.labels, ...host.labels };
    for (const [k, v] of Object.entries(labels).sort(([a], [b]) => compareCodePoints(a, b))) flags.push(`--node-label=${k}=${v}`);
    for (const t of host.taints) flags.push(`--node-taint=${t}`);
    if (host.k3s === 'server') flags.push(...k3sServerDisableFlags(model));
    const k3s: Record<string, NixValue> = {
      enable: true,
      role: host.k3s,
      tokenFile: sopsSecretPath(cluster.tokenSecret),
      extraFlags: flags,
    };
    if (host.k3sInit) k3s.clusterInit = true;
    else k3s.serverAddr = model.serverAddr!;
    services.k3s = k3s;
    tcp.push(...(host.k3s === 'server' ? K3S_SERVER_TCP : K3S_AGENT_TCP));
    udp.push(...K3S_UDP);
  }

  if (host.k3sContainers.length > 0) {
    secrets[model.cluster!.tokenSecret] = {};
    const ctx = { model, host, admins };
    const servers = host.k3sContainers.filter((c) => c.runtime === 'nixos-container');
    const agents = host.k3sContainers.filter((c) => c.runtime === 'podman');
    if (servers.length > 0) {
      module.containers = Object.fromEntries(servers.map((c) => [c.name, k3sServerContainer(ctx, c)]));
    }
    if (agents.length > 0) {
      const network = podmanMacvlanNetwork(host);
      etc[network.etcPath] = { text: `${JSON.stringify(network.definition, null, 2)}\n` };
      module.virtualisation = {
        podman: { enable: true },
        'oci-containers': {
          backend: 'podman',
          containers: Object.fromEntries(agents.map((c) => [c.name, k3sAgentContainer(ctx, c, network)])),
        },
      };
      boot.kernelModules = [...K3S_AGENT_KERNEL_MODULES];
    }
  }

  if (storage.iscsi) services.openiscsi = { enable: true, name: `iqn.2016-04.org.nixos:${host.name}` };
  if (storage.hugepages !== undefined) boot.kernel = { sysctl: { 'vm.nr_hugepages': storage.hugepages } };
  if (storage.kernelModules.length > 0) boot.kernelModules = [...((boot.kernelModules as string[] | undefined) ?? []), ...storage.kernelModules];

  if (Object.keys(host.metadata).length > 0) etc[HOST_METADATA_ETC] = { text: sortedJsonObject(host.metadata) };
  if (Object.keys(etc).length > 0) module.environment = { etc };
  module.boot = boot;
  if (Object.keys(systemd).length > 0) module.systemd = systemd;
  if (Object.keys(secrets).length > 0) {
    module.sops = { defaultSopsFile: new NixPath(SOPS_FILE), secrets };
  }
  return new NixLambda(managedVm ? ['config', 'lib', 'pkgs', 'modulesPath'] : ['config', 'lib', 'pkgs'], module);
}

/**
 * A string map as JSON text, keys sorted by code point, 2-space indent and a
 * final newline. Built entry by entry because `JSON.stringify` of an object
 * puts integer-like keys first.
 */
export function sortedJsonObject(value: Readonly<Record<string, string>>): string {
  const keys = Object.keys(value).sort(compareCodePoints);
  if (keys.length === 0) return '{}\n';
  return `{\n${keys.map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(value[k])}`).join(',\n')}\n}\n`;
}

/** `flake.nix`: one nixosConfiguration per host, plus the colmena hive. */
export function flake(model: Model): NixValue {
  const configs: Record<string, NixValue> = {};
  for (const h of model.hosts) {
    configs[h.name] = new NixApply(new NixSelect('nixpkgs', ['lib', 'nixosSystem']), [{
      system: 'x86_64-linux',
      modules: [new NixSelect('sops-nix', ['nixosModules', 'sops']), new NixPath(`./hosts/${h.name}.nix`)],
    }]);
  }
  return {
    description: `NixOS hosts of homelab ${model.name} (generated by homelab-cdk)`,
    inputs: {
      nixpkgs: { url: model.nixpkgs },
      'sops-nix': { url: 'github:Mic92/sops-nix', inputs: { nixpkgs: { follows: 'nixpkgs' } } },
    },
    outputs: new NixLambda(['self', 'nixpkgs', 'sops-nix'], {
      nixosConfigurations: configs,
      colmena: new NixApply(new NixSelect('import'), [new NixPath('./hive.nix'), { nixpkgs: new NixSelect('nixpkgs'), 'sops-nix': new NixSelect('sops-nix') }]),
    }),
  };
}

/** `hive.nix`: colmena's deployment targets, using the same host modules. */
export function hive(model: Model): NixValue {
  const nodes: Record<string, NixValue> = {
    meta: {
      nixpkgs: new NixApply(new NixSelect('import'), [new NixSelect('nixpkgs'), { system: 'x86_64-linux' }]),
      description: `homelab ${model.name}`,
    },
    defaults: { imports: [new NixSelect('sops-nix', ['nixosModules', 'sops'])] },
  };
  for (const h of model.hosts) {
    // An admin who has an account on this host.
    const admin = (h.adminUsers[0] ?? model.admins[0]).name;
    nodes[h.name] = {
      deployment: { targetHost: h.ip, targetUser: admin, tags: [h.site, ...(h.k3s ? [`k3s-${h.k3s}`] : [])] },
      imports: [new NixPath(`./hosts/${h.name}.nix`)],
    };
  }
  return new NixLambda(['nixpkgs', 'sops-nix'], nodes, false);
}
