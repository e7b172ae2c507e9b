/**
 * `NixHostVM`: a Proxmox VM (bpg/proxmox, Terraform) in any cdktf `TerraformStack`, and
 * the NixOS module of the host that runs in it ({@link NixHostVM.nixModule}).
 *
 * The NIC carries a fixed MAC (the one a router reserves in DHCP, and the one the NixOS
 * module names its interface by); cloud-init gives the VM its static address, gateway,
 * DNS and the first admin's ssh keys (never a password), so colmena or
 * `nixos-rebuild --target-host` reaches it on first boot.
 */
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { passthroughSerial } from '../model/derive';
import { parseIPv4 } from '../core/net';
import { ADMIN_NAME, checkField, DNS_LABEL, SSH_PUBLIC_KEY, MAC_ADDRESS, VLAN_ID, VM_CORES, VM_ID, VM_MEMORY_MIB, VM_SOCKETS } from '../model/field-rules';
import { NixApply, NixAttrs, NixBinOp, NixLambda, NixSelect, NixValue } from '../nix/value';
import {
  ProxmoxProvider,
  ProxmoxVirtualEnvironmentDownloadFile,
  ProxmoxVirtualEnvironmentVm,
  ProxmoxVmDisk,
} from '../terraform/providers/proxmox';
import { ProblemCollector } from '../core/errors';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';

/** An admin account of the guest: ssh keys only (cloud-init uses the first admin). */
export interface NixHostVMAdmin {
  /** Login name. */
  readonly name: string;
  /** Public ssh keys (`ssh-ed25519 AAAA…`). */
  readonly sshKeys: readonly string[];
  /**
   * File on the guest holding the password hash (for sudo), e.g. a sops-nix secret path.
   * @default - none: no password, and sudo asks for none (ssh keys are the only way in)
   * @see https://search.nixos.org/options?query=users.users.%3Cname%3E.hashedPasswordFile
   */
  readonly hashedPasswordFile?: string;
}

/** A guest NUMA node pinned to host NUMA nodes. */
export interface NixHostVMNuma {
  /** Guest vCPUs of this node, e.g. `0-3`. */
  readonly cpus: string;
  /** Memory of this node in MiB. */
  readonly memoryMiB: number;
  /** Host NUMA nodes, e.g. `0`. @default - any */
  readonly hostNodes?: string;
  /** @default 'preferred' */
  readonly policy?: 'preferred' | 'bind' | 'interleave';
}

export interface NixHostVMProps {
  /** The guest's host name (a DNS label) and the VM's name. @default - the construct id */
  readonly hostName?: string;
  /** DNS domain of the host's network, e.g. `home.example.org`. */
  readonly domain: string;
  /**
   * The Proxmox node the VM runs on.
   * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_vm#node_name
   */
  readonly node: string;
  /** Proxmox VM id (100-999999999). */
  readonly vmId: number;
  /** The provider of the Proxmox cluster. @default - the stack's default `proxmox` provider */
  readonly provider?: ProxmoxProvider;
  /** Static address with prefix length, e.g. `10.0.100.11/24` (cloud-init and NixOS). */
  readonly address: string;
  /** Default gateway. */
  readonly gateway: string;
  /** DNS servers. @default - the gateway */
  readonly nameservers?: readonly string[];
  /** Admin accounts; the first is cloud-init's user and needs an ssh key. */
  readonly admins: readonly NixHostVMAdmin[];
  /** @default 2 */
  readonly cores?: number;
  /** @default 1 */
  readonly sockets?: number;
  /** Memory in MiB (512-262144). @default 4096 */
  readonly memoryMiB?: number;
  /** CPU type. @default 'host' */
  readonly cpuType?: string;
  /** Host CPUs the vCPUs may run on, e.g. `8-11`. @default - any */
  readonly cpuAffinity?: string;
  /** Guest NUMA nodes. @default [] */
  readonly numa?: readonly NixHostVMNuma[];
  /** Datastore of the disks and of the cloud-init drive. @default 'local-lvm' */
  readonly datastore?: string;
  /** Size of the system disk in GiB. @default 32 */
  readonly systemDiskGiB?: number;
  /** Datastore of the system disk. @default - `datastore` */
  readonly systemDiskDatastore?: string;
  /** The image the system disk is imported from (a NixOS cloud image). @default - none: `clone`, or an empty disk */
  readonly image?: ProxmoxVirtualEnvironmentDownloadFile;
  /** Full clone of this template VM instead of an image. @default - no clone */
  readonly clone?: { readonly vmId: number; readonly node?: string };
  /** Extra disks (`scsi1`…), sizes in GiB. @default [] */
  readonly dataDisksGiB?: readonly number[];
  /** Whole host disks passed through (`/dev/disk/by-id/…` on the Proxmox node). @default [] */
  readonly passthroughDisks?: readonly string[];
  /** Bridge of the NIC. @default 'vmbr0' */
  readonly bridge?: string;
  /** VLAN tag of the NIC (1-4094). @default - untagged */
  readonly vlan?: number;
  /** MAC of the NIC (`aa:bb:cc:dd:ee:ff`). @default - a stable locally administered MAC derived from the construct path */
  readonly macAddress?: string;
  /** The guest's name for its NIC. @default 'ens18' */
  readonly interfaceName?: string;
  /** Start with the node. @default true */
  readonly onBoot?: boolean;
  /** Proxmox tags. @default ['homelab-cdk'] */
  readonly tags?: readonly string[];
  /** Proxmox description. @default - "homelab-cdk: host <hostName>.<domain>" */
  readonly description?: string;
  /** NixOS `system.stateVersion`. @default '24.11' */
  readonly stateVersion?: string;
  /** NixOS `time.timeZone`. @default 'UTC' */
  readonly timeZone?: string;
}

/** SCSI controller with one IO thread per disk; the NixOS qemu-guest profile loads its driver. */
const SCSI_HARDWARE = 'virtio-scsi-single';

/**
 * Root device of the guest: the system disk is `scsi0` on a virtio-scsi controller,
 * which SeaBIOS boots and Linux names `/dev/sda`.
 * @internal
 */
export const VM_BOOT_DISK = '/dev/sda';

const mkDefault = (v: NixValue) => new NixApply(new NixSelect('lib', ['mkDefault']), [v]);

const NIX_HOSTVM_BRAND = brandSymbol('NixHostVM');

export class NixHostVM extends Construct {
  /** True when `x` is a NixHostVM, also from another copy of this library (`instanceof` uses it). */
  static isNixHostVM(x: unknown): x is NixHostVM {
    return hasBrand(x, NIX_HOSTVM_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is NixHostVM {
    return isInstance(this, NixHostVM, NIX_HOSTVM_BRAND, x);
  }

  /** The `proxmox_virtual_environment_vm` resource (escape hatch: `addOverride`). */
  readonly resource: ProxmoxVirtualEnvironmentVm;
  /** The guest's host name. */
  readonly hostName: string;
  /** `<hostName>.<domain>`. */
  readonly fqdn: string;
  /** MAC of the NIC, lowercase. */
  readonly macAddress: string;
  /** The static address, without its prefix length. */
  readonly ip: string;
  private readonly props: NixHostVMProps;

  constructor(scope: Construct, id: string, props: NixHostVMProps) {
    super(scope, id);
    addBrand(this, NIX_HOSTVM_BRAND);
    this.props = props;
    this.hostName = props.hostName ?? id;
    this.fqdn = `${this.hostName}.${props.domain}`;
    this.macAddress = (props.macAddress ?? derivedMac(this.node.path)).toLowerCase();
    this.ip = props.address.split('/')[0];
    const datastore = props.datastore ?? 'local-lvm';
    const memoryMiB = props.memoryMiB ?? 4096;
    const cores = props.cores ?? 2;
    const sockets = props.sockets ?? 1;
    const numa = props.numa ?? [];
    const admins = props.admins;

    // single fields, eagerly; every problem at once
    const p = new ProblemCollector();
    const at = this.node.path;
    // the inventory's rules (model/field-rules.ts): the same value gets the same message here and there
    checkField(p, at, 'NixHostVM.hostName', this.hostName, DNS_LABEL);
    if (props.vmId !== undefined) checkField(p, at, 'NixHostVM.vmId', props.vmId, VM_ID);
    checkField(p, at, 'NixHostVM.memoryMiB', memoryMiB, VM_MEMORY_MIB);
    checkField(p, at, 'NixHostVM.cores', cores, VM_CORES);
    checkField(p, at, 'NixHostVM.sockets', sockets, VM_SOCKETS);
    if (props.vlan !== undefined) checkField(p, at, 'NixHostVM.vlan', props.vlan, VLAN_ID);
    const prefix = props.address.split('/')[1];
    if (parseIPv4(this.ip) === undefined || !/^(3[0-2]|[12]?[0-9])$/.test(prefix ?? '')) p.add(at, 'NixHostVM.address', 'not an IPv4 address with prefix length', props.address, 'e.g. "10.0.100.11/24"');
    if (parseIPv4(props.gateway) === undefined) p.add(at, 'NixHostVM.gateway', 'not an IPv4 address', props.gateway, 'e.g. "10.0.100.1"');
    checkField(p, at, 'NixHostVM.macAddress', this.macAddress, MAC_ADDRESS);
    admins.forEach((a, i) => {
      checkField(p, at, `NixHostVM.admins[${i}].name`, a.name, ADMIN_NAME);
      a.sshKeys.forEach((k, j) => checkField(p, at, `NixHostVM.admins[${i}].sshKeys[${j}]`, k, SSH_PUBLIC_KEY));
    });
    if (admins.length === 0 || admins[0].sshKeys.length === 0) p.add(at, 'NixHostVM.admins', 'no first admin with an ssh key', admins, 'at least one admin, the first with ssh keys (cloud-init\'s user)');
    if (props.image && props.clone) p.add(at, 'NixHostVM.clone', 'both an image and a clone', props.clone, 'one of image and clone');
    p.throwIfAny();

    const disks: ProxmoxVmDisk[] = [];
    const system: ProxmoxVmDisk = {
      interface: 'scsi0',
      datastoreId: props.systemDiskDatastore ?? datastore,
      size: props.systemDiskGiB ?? 32,
      discard: 'on',
      iothread: true,
      ssd: true,
      ...(props.image ? { importFrom: props.image.id } : {}),
    };
    disks.push(system);
    let scsi = 1;
    for (const size of props.dataDisksGiB ?? []) {
      disks.push({ interface: `scsi${scsi++}`, datastoreId: datastore, size, discard: 'on', iothread: true, ssd: true });
    }
    for (const device of props.passthroughDisks ?? []) {
      // A whole host disk: not in Proxmox backups or replication (a storage pool inside the VM owns it).
      disks.push({
        interface: `scsi${scsi++}`,
        datastoreId: '',
        pathInDatastore: device,
        fileFormat: 'raw',
        backup: false,
        replicate: false,
        serial: passthroughSerial(device),
      });
    }

    this.resource = new ProxmoxVirtualEnvironmentVm(this, 'Vm', {
      ...(props.provider ? { provider: props.provider } : {}),
      nodeName: props.node,
      vmId: props.vmId,
      name: this.hostName,
      description: props.description ?? `homelab-cdk: host ${this.fqdn}`,
      tags: [...(props.tags ?? ['homelab-cdk'])],
      onBoot: props.onBoot ?? true,
      started: true,
      scsiHardware: SCSI_HARDWARE,
      operatingSystem: { type: 'l26' },
      agent: { enabled: true, trim: true },
      cpu: {
        cores,
        sockets,
        type: props.cpuType ?? 'host',
        ...(numa.length > 0 ? { numa: true } : {}),
        ...(props.cpuAffinity ? { affinity: props.cpuAffinity } : {}),
      },
      memory: { dedicated: memoryMiB },
      ...(numa.length > 0 ? {
        numa: numa.map((n, i) => ({
          device: `numa${i}`,
          cpus: n.cpus,
          memory: n.memoryMiB,
          ...(n.hostNodes !== undefined ? { hostnodes: n.hostNodes } : {}),
          policy: n.policy ?? 'preferred',
        })),
      } : {}),
      ...(props.clone ? { clone: { vmId: props.clone.vmId, nodeName: props.clone.node ?? props.node, full: true } } : {}),
      disk: disks,
      // Cloud images log to the serial console; without one some hang at boot.
      serialDevice: [{ device: 'socket' }],
      networkDevice: [{
        bridge: props.bridge ?? 'vmbr0',
        model: 'virtio',
        // Proxmox stores NIC MACs in upper case (`virtio=BC:24:11:…`); the same here keeps plans free of case-only changes.
        macAddress: this.macAddress.toUpperCase(),
        ...(props.vlan !== undefined ? { vlanId: props.vlan } : {}),
      }],
      initialization: {
        datastoreId: datastore,
        ipConfig: [{ ipv4: { address: props.address, gateway: props.gateway } }],
        dns: { domain: props.domain, servers: [...(props.nameservers ?? [props.gateway])] },
        userAccount: { username: admins[0].name, keys: [...admins[0].sshKeys] },
      },
    });
  }

  /**
   * The NixOS module of the guest as a typed Nix tree (write it with `renderNixFile`): the
   * static address on the NIC named by its MAC, gateway and DNS, the admins with their ssh
   * keys, sshd (keys only), a firewall open for ssh, the qemu guest agent, and the disk
   * layout of a NixOS cloud image (ext4 labelled `nixos`, grown on boot, GRUB on
   * {@link VM_BOOT_DISK}). The VMs `Homelab` builds return their host's whole module instead,
   * the one synth writes to `nixos/hosts/<host>.nix` (k3s, sops-nix, storage).
   */
  nixModule(): NixValue {
    const props = this.props;
    const iface = props.interfaceName ?? 'ens18';
    const users: Record<string, NixAttrs> = {};
    for (const a of props.admins) {
      users[a.name] = {
        isNormalUser: true,
        extraGroups: ['wheel'],
        openssh: { authorizedKeys: { keys: [...a.sshKeys] } },
        ...(a.hashedPasswordFile ? { hashedPasswordFile: a.hashedPasswordFile } : {}),
      };
    }
    const passwords = props.admins.some((a) => a.hashedPasswordFile !== undefined);
    return new NixLambda(['config', 'lib', 'pkgs', 'modulesPath'], {
      imports: [new NixBinOp(new NixSelect('modulesPath'), '+', '/profiles/qemu-guest.nix')],
      networking: {
        hostName: this.hostName,
        domain: props.domain,
        useDHCP: false,
        nameservers: [...(props.nameservers ?? [props.gateway])],
        search: [props.domain],
        firewall: { enable: true, allowedTCPPorts: [22], allowedUDPPorts: [] },
        interfaces: { [iface]: { ipv4: { addresses: [{ address: this.ip, prefixLength: Number(props.address.split('/')[1]) }] } } },
        defaultGateway: { address: props.gateway, interface: iface },
      },
      time: { timeZone: props.timeZone ?? 'UTC' },
      users: { mutableUsers: !passwords, users },
      security: { sudo: { wheelNeedsPassword: passwords } },
      services: {
        openssh: { enable: true, settings: { PasswordAuthentication: false, KbdInteractiveAuthentication: false, PermitRootLogin: 'no' } },
        qemuGuest: { enable: true },
      },
      system: { stateVersion: props.stateVersion ?? '24.11' },
      fileSystems: { '/': mkDefault({ device: '/dev/disk/by-label/nixos', fsType: 'ext4', autoResize: true }) },
      boot: { growPartition: true, loader: { grub: { device: mkDefault(VM_BOOT_DISK) } } },
      // the interface is named by its MAC, whatever its PCI slot (udev honours .link units without networkd)
      systemd: { network: { links: { [`10-${iface}`]: { matchConfig: { PermanentMACAddress: this.macAddress }, linkConfig: { Name: iface } } } } },
    });
  }
}

/** A stable, locally administered, unicast MAC from a construct path. */
function derivedMac(path: string): string {
  const digest = createHash('sha256').update(`homelab-cdk/mac/${path}`).digest();
  return [0x02, digest[0], digest[1], digest[2], digest[3], digest[4]].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
