/**
 * `NixHostVM` (L3): one host declaration gives the Proxmox VM (bpg/proxmox,
 * Terraform) and the NixOS configuration that runs in it.
 *
 * The VM's NIC carries the MAC the model derived for the host, the same MAC
 * the site router reserves in DHCP; cloud-init gives the VM its static
 * address, gateway, DNS and the admins' ssh keys (never a password) so that
 * colmena or `nixos-rebuild --target-host` can reach it on first boot.
 */
import { Construct } from 'constructs';
import { Model, passthroughSerial, ResolvedHost, ResolvedVm } from '../model/derive';

export { passthroughSerial };
import { hostModule } from '../emitters/nix/module';
import { NixValue } from '../emitters/nix/value';
import {
  ProxmoxProvider,
  ProxmoxVirtualEnvironmentDownloadFile,
  ProxmoxVirtualEnvironmentVm,
  ProxmoxVmDisk,
} from '../emitters/terraform/providers/proxmox';
import { addBrand, brandSymbol, hasBrand } from '../private/brand';

/** Where a VM's system disk image comes from, shared by the VMs of one node. */
export interface IVmImageSource {
  /** Downloads (once per node and URL) the image and returns the resource. */
  imageFor(vm: ResolvedVm): ProxmoxVirtualEnvironmentDownloadFile;
  /** The provider for the Proxmox cluster of a site. */
  proxmoxProvider(site: string): ProxmoxProvider;
}

export interface NixHostVMProps {
  readonly model: Model;
  /** A host with `vm` set. */
  readonly host: ResolvedHost;
  readonly images: IVmImageSource;
}

/** SCSI controller with one IO thread per disk; the NixOS qemu-guest profile loads its driver. */
const SCSI_HARDWARE = 'virtio-scsi-single';

const NIX_HOSTVM_BRAND = brandSymbol('NixHostVM');

export class NixHostVM extends Construct {
  /** True when `x` is a NixHostVM, also from another copy of this library (`instanceof` uses it). */
  static isNixHostVM(x: unknown): x is NixHostVM {
    return hasBrand(x, NIX_HOSTVM_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is NixHostVM {
    return NixHostVM.isNixHostVM(x);
  }

  /** The `proxmox_virtual_environment_vm` resource (escape hatch: `addOverride`). */
  readonly resource: ProxmoxVirtualEnvironmentVm;
  readonly host: ResolvedHost;
  private readonly model: Model;

  constructor(scope: Construct, id: string, props: NixHostVMProps) {
    super(scope, id);
    addBrand(this, NIX_HOSTVM_BRAND);
    const { model, host } = props;
    const vm = host.vm;
    if (!vm) throw new Error(`[${this.node.path}] NixHostVM.host: host has no vm (got ${JSON.stringify(host.name)}); a host with vm set`);
    this.model = model;
    this.host = host;
    const admins = host.adminUsers;

    const disks: ProxmoxVmDisk[] = [];
    const system: ProxmoxVmDisk = {
      interface: 'scsi0',
      datastoreId: vm.systemDisk.datastore ?? vm.nodeSpec.datastore,
      size: vm.systemDiskGiB,
      discard: 'on',
      iothread: true,
      ssd: true,
      ...(vm.systemDisk.image ? { importFrom: props.images.imageFor(vm).id } : {}),
    };
    disks.push(system);
    let scsi = 1;
    for (const size of vm.dataDisksGiB) {
      disks.push({ interface: `scsi${scsi++}`, datastoreId: vm.nodeSpec.datastore, size, discard: 'on', iothread: true, ssd: true });
    }
    for (const device of vm.passthroughDisks) {
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
      provider: props.images.proxmoxProvider(host.site),
      nodeName: vm.node,
      vmId: vm.vmId,
      name: host.name,
      description: `homelab-cdk: host ${host.fqdn} of homelab ${model.name}; NixOS from nixos/hosts/${host.name}.nix`,
      tags: ['homelab-cdk', host.site, ...(host.k3s ? [`k3s-${host.k3s}`] : [])],
      onBoot: vm.onBoot,
      started: true,
      scsiHardware: SCSI_HARDWARE,
      operatingSystem: { type: 'l26' },
      agent: { enabled: true, trim: true },
      cpu: {
        cores: vm.cores,
        sockets: vm.sockets,
        type: vm.cpuType,
        ...(vm.numa.length > 0 ? { numa: true } : {}),
        ...(vm.cpuAffinity ? { affinity: vm.cpuAffinity } : {}),
      },
      memory: { dedicated: vm.memoryMiB },
      ...(vm.numa.length > 0 ? {
        numa: vm.numa.map((n, i) => ({
          device: `numa${i}`,
          cpus: n.cpus,
          memory: n.memoryMiB,
          ...(n.hostNodes !== undefined ? { hostnodes: n.hostNodes } : {}),
          policy: n.policy ?? 'preferred',
        })),
      } : {}),
      ...(vm.systemDisk.clone ? { clone: { vmId: vm.systemDisk.clone.vmId, nodeName: vm.systemDisk.clone.node ?? vm.node, full: true } } : {}),
      disk: disks,
      // Cloud images log to the serial console; without one some hang at boot.
      serialDevice: [{ device: 'socket' }],
      networkDevice: [{
        bridge: vm.nodeSpec.bridge,
        model: 'virtio',
        // Proxmox stores NIC MACs in upper case (`virtio=BC:24:11:…`); the same here keeps plans free of case-only changes.
        macAddress: host.mac!.toUpperCase(),
        ...(host.net.vlan !== undefined ? { vlanId: host.net.vlan } : {}),
      }],
      initialization: {
        datastoreId: vm.nodeSpec.datastore,
        ipConfig: [{ ipv4: { address: `${host.ip}/${host.net.prefix}`, gateway: host.net.gateway } }],
        dns: { domain: host.net.domain, servers: [...host.net.nameservers] },
        userAccount: { username: admins[0].name, keys: [...admins[0].sshKeys] },
      },
    });
  }

  /** The NixOS module of the host running in this VM (`nixos/hosts/<host>.nix`). */
  toNixModule(): NixValue {
    return hostModule(this.model, this.host);
  }
}
