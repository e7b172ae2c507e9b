/**
 * Typed L1 bindings for the Proxmox VE Terraform provider (`bpg/proxmox`).
 *
 * Hand-written in the shape of cdktf's generated bindings, covering what a
 * homelab VM needs: clone or cloud-image import, data disks, host disk
 * pass-through, NUMA and CPU pinning, VLAN-tagged NICs and cloud-init. Every
 * attribute name is copied from the provider docs kept in
 * `schemas/terraform/proxmox/` (provider v0.111.x), and
 * `test/terraform/providers.test.ts` checks every synthesized key
 * against them.
 */
import { Construct } from 'constructs';
import { IResolvable, TerraformMetaArguments } from 'cdktf';
import { brandSymbol, hasBrand } from '../../core/brand';
import {
  block, blockList, bool, FieldTable, num, ProviderSpec, registerFields, str, strList, TableProvider, TableResource,
} from './_util';

const PROXMOX = { name: 'proxmox', source: 'bpg/proxmox', versionConstraint: '~> 0.111.0' } as const satisfies ProviderSpec;

// ---------------------------------------------------------------------------
// provider "proxmox"
// ---------------------------------------------------------------------------

/**
 * One `ssh.node` block: how to reach a node over SSH.
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs#argument-reference
 */
export interface ProxmoxProviderSshNode {
  /** `ssh.node.name`: the node name. */
  readonly name: string;
  /** `ssh.node.address`: FQDN or IP address of the node. */
  readonly address: string;
  /**
   * `ssh.node.port`: SSH port of the node.
   * @default 22
   */
  readonly port?: number;
}

/**
 * The provider's `ssh` block. Only needed for snippets and some uploads.
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs#ssh-connection
 */
export interface ProxmoxProviderSsh {
  /**
   * `ssh.username`: SSH user; required with API token authentication.
   * @default - the API user name
   */
  readonly username?: string;
  /**
   * `ssh.password`: SSH password. Pass a sensitive Terraform variable.
   * @default - the API password, when password authentication is used
   */
  readonly password?: string;
  /**
   * `ssh.agent`: authenticate with the SSH agent.
   * @default false
   */
  readonly agent?: boolean;
  /**
   * `ssh.agent_socket`: path of the SSH agent socket.
   * @default - `SSH_AUTH_SOCK`
   */
  readonly agentSocket?: string;
  /**
   * `ssh.agent_forwarding`: forward the SSH agent.
   * @default false
   */
  readonly agentForwarding?: boolean;
  /**
   * `ssh.private_key`: unencrypted PEM private key. Pass a sensitive Terraform variable.
   * @default - no key
   */
  readonly privateKey?: string;
  /**
   * `ssh.socks5_server`: SOCKS5 proxy (`host:port`).
   * @default - direct connection
   */
  readonly socks5Server?: string;
  /**
   * `ssh.socks5_username`: SOCKS5 proxy user.
   * @default - none
   */
  readonly socks5Username?: string;
  /**
   * `ssh.socks5_password`: SOCKS5 proxy password.
   * @default - none
   */
  readonly socks5Password?: string;
  /**
   * `ssh.node_address_source`: `api` or `dns`.
   * @default 'api'
   */
  readonly nodeAddressSource?: string;
  /**
   * `ssh.node`: per-node SSH addresses.
   * @default - resolved through `nodeAddressSource`
   */
  readonly node?: ProxmoxProviderSshNode[];
}

/**
 * Arguments of the `proxmox` provider block.
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs#argument-reference
 */
export interface ProxmoxProviderConfig {
  /**
   * `endpoint`: API URL, e.g. `https://10.0.0.2:8006/` (without `/api2/json`).
   * @default - read from `PROXMOX_VE_ENDPOINT` by the provider
   */
  readonly endpoint?: string;
  /**
   * `api_token`: `user@realm!tokenid=secret`. Pass a sensitive Terraform variable, never a literal.
   * @default - read from `PROXMOX_VE_API_TOKEN` by the provider
   */
  readonly apiToken?: string;
  /**
   * `username`: `user@realm` for password authentication.
   * @default - read from `PROXMOX_VE_USERNAME` by the provider
   */
  readonly username?: string;
  /**
   * `password`: password for `username`. Pass a sensitive Terraform variable.
   * @default - read from `PROXMOX_VE_PASSWORD` by the provider
   */
  readonly password?: string;
  /**
   * `auth_ticket`: ticket from an external authentication call.
   * @default - not used
   */
  readonly authTicket?: string;
  /**
   * `csrf_prevention_token`: CSRF token that goes with `auth_ticket`.
   * @default - not used
   */
  readonly csrfPreventionToken?: string;
  /**
   * `insecure`: skip TLS verification (self-signed certificates).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * `min_tls`: minimum TLS version, `1.0` to `1.3`.
   * @default '1.3'
   */
  readonly minTls?: string;
  /**
   * `ssh`: SSH connection to the nodes.
   * @default - the provider's own defaults
   */
  readonly ssh?: ProxmoxProviderSsh;
  /**
   * `tmp_dir`: temporary directory for uploads.
   * @default - the system temporary directory
   */
  readonly tmpDir?: string;
  /**
   * `random_vm_ids`: random instead of sequential IDs when `vm_id` is unset.
   * @default false
   */
  readonly randomVmIds?: boolean;
  /**
   * `random_vm_id_start`: start of the random ID range.
   * @default 10000
   */
  readonly randomVmIdStart?: number;
  /**
   * `random_vm_id_end`: end of the random ID range.
   * @default 99999
   */
  readonly randomVmIdEnd?: number;
  /**
   * Provider alias, for several clusters in one stack.
   * @default - the default (unaliased) provider
   */
  readonly alias?: string;
}

const PROXMOX_PROVIDER_FIELDS: FieldTable<Omit<ProxmoxProviderConfig, 'alias'>> = {
  endpoint: str('endpoint'),
  apiToken: str('api_token'),
  username: str('username'),
  password: str('password'),
  authTicket: str('auth_ticket'),
  csrfPreventionToken: str('csrf_prevention_token'),
  insecure: bool('insecure'),
  minTls: str('min_tls'),
  ssh: block<ProxmoxProviderSsh>('ssh', {
    username: str('username'),
    password: str('password'),
    agent: bool('agent'),
    agentSocket: str('agent_socket'),
    agentForwarding: bool('agent_forwarding'),
    privateKey: str('private_key'),
    socks5Server: str('socks5_server'),
    socks5Username: str('socks5_username'),
    socks5Password: str('socks5_password'),
    nodeAddressSource: str('node_address_source'),
    node: blockList<ProxmoxProviderSshNode>('node', {
      name: str('name'),
      address: str('address'),
      port: num('port'),
    }),
  }),
  tmpDir: str('tmp_dir'),
  randomVmIds: bool('random_vm_ids'),
  randomVmIdStart: num('random_vm_id_start'),
  randomVmIdEnd: num('random_vm_id_end'),
};

/**
 * The `proxmox` provider (`source = "bpg/proxmox"`).
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs
 */
export class ProxmoxProvider extends TableProvider<ProxmoxProviderConfig> {
  /** True when `x` is a ProxmoxProvider, also from another copy of this library (`instanceof` agrees). */
  public static isProxmoxProvider(x: unknown): x is ProxmoxProvider {
    return hasBrand(x, brandSymbol('ProxmoxProvider'));
  }

  /** Terraform provider type name. */
  public static readonly tfResourceType = PROXMOX.name;
  /** Version constraint written to `required_providers`; the docs in `schemas/terraform/proxmox/` are v0.111.x. */
  public static readonly versionConstraint = PROXMOX.versionConstraint;

  constructor(scope: Construct, id: string, config: ProxmoxProviderConfig = {}) {
    super(scope, id, config, { provider: PROXMOX, className: 'ProxmoxProvider', fields: PROXMOX_PROVIDER_FIELDS });
  }
}

// ---------------------------------------------------------------------------
// resource "proxmox_virtual_environment_vm"
// ---------------------------------------------------------------------------

/** `agent.wait_for_ip` block: which addresses to wait for. */
export interface ProxmoxVmAgentWaitForIp {
  /**
   * `agent.wait_for_ip.ipv4`: wait for a global IPv4 address.
   * @default false
   */
  readonly ipv4?: boolean;
  /**
   * `agent.wait_for_ip.ipv6`: wait for a global IPv6 address.
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * `agent.wait_for_ip.disabled`: do not wait for the agent to report addresses.
   * @default false
   */
  readonly disabled?: boolean;
}

/** `agent` block: the QEMU guest agent. */
export interface ProxmoxVmAgent {
  /**
   * `agent.enabled`: the guest runs `qemu-guest-agent`. Only set when it really starts.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * `agent.timeout`: how long to wait for the agent, e.g. `15m`.
   * @default '15m'
   */
  readonly timeout?: string;
  /**
   * `agent.trim`: run FSTRIM through the agent after disk moves.
   * @default false
   */
  readonly trim?: boolean;
  /**
   * `agent.type`: `virtio` or `isa`.
   * @default 'virtio'
   */
  readonly type?: string;
  /**
   * `agent.wait_for_ip`: which addresses to wait for.
   * @default - any global unicast address
   */
  readonly waitForIp?: ProxmoxVmAgentWaitForIp;
}

/** `cpu` block. */
export interface ProxmoxVmCpu {
  /**
   * `cpu.cores`: cores per socket.
   * @default 1
   */
  readonly cores?: number;
  /**
   * `cpu.sockets`: CPU sockets.
   * @default 1
   */
  readonly sockets?: number;
  /**
   * `cpu.type`: emulated CPU type, e.g. `host` or `x86-64-v2-AES`.
   * @default 'qemu64'
   */
  readonly type?: string;
  /**
   * `cpu.numa`: expose NUMA topology to the guest (needed by `numa` blocks and hugepages).
   * @default false
   */
  readonly numa?: boolean;
  /**
   * `cpu.affinity`: host CPUs that run the vCPUs, e.g. `0-3,8-11` (root@pam only).
   * @default - no pinning
   */
  readonly affinity?: string;
  /**
   * `cpu.architecture`: `x86_64` or `aarch64`.
   * @default 'x86_64'
   */
  readonly architecture?: string;
  /**
   * `cpu.flags`: CPU flags, e.g. `+aes`.
   * @default - none
   */
  readonly flags?: string[];
  /**
   * `cpu.hotplugged`: number of hotplugged vCPUs.
   * @default 0
   */
  readonly hotplugged?: number;
  /**
   * `cpu.limit`: CPU usage limit, `0` to `128`.
   * @default 0
   */
  readonly limit?: number;
  /**
   * `cpu.units`: CPU weight.
   * @default - the PVE default
   */
  readonly units?: number;
}

/** `memory` block. */
export interface ProxmoxVmMemory {
  /**
   * `memory.dedicated`: memory in MiB.
   * @default 512
   */
  readonly dedicated?: number;
  /**
   * `memory.floating`: balloon target in MiB; `0` disables the balloon device.
   * @default 0
   */
  readonly floating?: number;
  /**
   * `memory.shared`: shared memory in MiB.
   * @default 0
   */
  readonly shared?: number;
  /**
   * `memory.hugepages`: `2`, `1024` or `any` (root@pam only, needs `cpu.numa`).
   * @default - no hugepages
   */
  readonly hugepages?: string;
  /**
   * `memory.keep_hugepages`: keep hugepages after the VM stops.
   * @default false
   */
  readonly keepHugepages?: boolean;
}

/** One `numa` block: a guest NUMA node. */
export interface ProxmoxVmNuma {
  /** `numa.device`: `numa0` to `numa7`. */
  readonly device: string;
  /** `numa.cpus`: guest CPUs of this node, e.g. `0-7;16-31`. */
  readonly cpus: string;
  /** `numa.memory`: memory of this node in MiB. */
  readonly memory: number;
  /**
   * `numa.hostnodes`: host NUMA nodes backing this node, e.g. `0`.
   * @default - any host node
   */
  readonly hostnodes?: string;
  /**
   * `numa.policy`: `preferred`, `bind` or `interleave`.
   * @default 'preferred'
   */
  readonly policy?: string;
}

/** `disk.speed` block: I/O limits. */
export interface ProxmoxVmDiskSpeed {
  /** `disk.speed.iops_read`: read IOPS limit. @default - unlimited */
  readonly iopsRead?: number;
  /** `disk.speed.iops_read_burstable`: read IOPS burst. @default - unlimited */
  readonly iopsReadBurstable?: number;
  /** `disk.speed.iops_write`: write IOPS limit. @default - unlimited */
  readonly iopsWrite?: number;
  /** `disk.speed.iops_write_burstable`: write IOPS burst. @default - unlimited */
  readonly iopsWriteBurstable?: number;
  /** `disk.speed.read`: read limit in MB/s. @default - unlimited */
  readonly read?: number;
  /** `disk.speed.read_burstable`: read burst in MB/s. @default - unlimited */
  readonly readBurstable?: number;
  /** `disk.speed.write`: write limit in MB/s. @default - unlimited */
  readonly write?: number;
  /** `disk.speed.write_burstable`: write burst in MB/s. @default - unlimited */
  readonly writeBurstable?: number;
}

/**
 * One `disk` block. For host disk pass-through set `datastoreId: ''`,
 * `pathInDatastore: '/dev/disk/by-id/...'` and `fileFormat: 'raw'` (root only).
 */
export interface ProxmoxVmDisk {
  /** `disk.interface`: `scsiN`, `sataN` or `virtioN`. */
  readonly interface: string;
  /**
   * `disk.datastore_id`: datastore to create the disk in; `''` for a host path.
   * @default 'local-lvm'
   */
  readonly datastoreId?: string;
  /**
   * `disk.size`: size in GiB.
   * @default 8
   */
  readonly size?: number;
  /**
   * `disk.import_from`: `<datastore>:import/<file>` image to import (an uncompressed `import` download's ID).
   * @default - empty disk
   */
  readonly importFrom?: string;
  /**
   * `disk.file_id`: `<datastore>:iso/<file>` image to import (use for decompressed `iso` downloads).
   * @default - empty disk
   */
  readonly fileId?: string;
  /**
   * `disk.path_in_datastore`: existing volume path, or a host block device when `datastore_id` is `''`.
   * @default - a new volume
   */
  readonly pathInDatastore?: string;
  /**
   * `disk.file_format`: `raw`, `qcow2` or `vmdk`.
   * @default - the datastore's default
   */
  readonly fileFormat?: string;
  /**
   * `disk.discard`: `on` or `ignore`.
   * @default 'ignore'
   */
  readonly discard?: string;
  /**
   * `disk.iothread`: use an IO thread.
   * @default false
   */
  readonly iothread?: boolean;
  /**
   * `disk.ssd`: present the disk as an SSD (not for VirtIO block).
   * @default false
   */
  readonly ssd?: boolean;
  /**
   * `disk.cache`: `none`, `directsync`, `writethrough`, `writeback` or `unsafe`.
   * @default 'none'
   */
  readonly cache?: string;
  /**
   * `disk.aio`: `io_uring`, `native` or `threads`.
   * @default 'io_uring'
   */
  readonly aio?: string;
  /**
   * `disk.backup`: include the disk in backups.
   * @default true
   */
  readonly backup?: boolean;
  /**
   * `disk.replicate`: include the disk in replication.
   * @default true
   */
  readonly replicate?: boolean;
  /**
   * `disk.serial`: serial number, up to 20 bytes.
   * @default - none
   */
  readonly serial?: string;
  /**
   * `disk.queues`: I/O queues (SCSI with `virtio-scsi-single`), `2` or more.
   * @default - one queue
   */
  readonly queues?: number;
  /**
   * `disk.speed`: I/O limits.
   * @default - unlimited
   */
  readonly speed?: ProxmoxVmDiskSpeed;
}

/** `efi_disk` block (needed when `bios` is `ovmf`). */
export interface ProxmoxVmEfiDisk {
  /** `efi_disk.datastore_id`. @default 'local-lvm' */
  readonly datastoreId?: string;
  /** `efi_disk.file_format`. @default 'raw' */
  readonly fileFormat?: string;
  /** `efi_disk.type`: `2m` or `4m`. @default '2m' */
  readonly type?: string;
  /** `efi_disk.pre_enrolled_keys`: enroll distribution and Microsoft keys. @default false */
  readonly preEnrolledKeys?: boolean;
}

/** `tpm_state` block. */
export interface ProxmoxVmTpmState {
  /** `tpm_state.datastore_id`. @default 'local-lvm' */
  readonly datastoreId?: string;
  /** `tpm_state.version`: `v1.2` or `v2.0`. @default 'v2.0' */
  readonly version?: string;
}

/** `clone` block: create the VM as a clone of a template. */
export interface ProxmoxVmClone {
  /** `clone.vm_id`: ID of the source VM or template. */
  readonly vmId: number;
  /**
   * `clone.node_name`: node of the source VM.
   * @default - the VM's `node_name`
   */
  readonly nodeName?: string;
  /**
   * `clone.full`: full (not linked) clone.
   * @default true
   */
  readonly full?: boolean;
  /**
   * `clone.datastore_id`: target datastore for the cloned disks.
   * @default - the source datastores
   */
  readonly datastoreId?: string;
  /**
   * `clone.retries`: retries for the clone call.
   * @default - the provider default
   */
  readonly retries?: number;
}

/** One `network_device` block. */
export interface ProxmoxVmNetworkDevice {
  /**
   * `network_device.bridge`: host bridge, e.g. `vmbr0`.
   * @default 'vmbr0'
   */
  readonly bridge?: string;
  /**
   * `network_device.vlan_id`: 802.1Q tag.
   * @default - untagged
   */
  readonly vlanId?: number;
  /**
   * `network_device.mac_address`: fixed MAC address.
   * @default - generated by Proxmox
   */
  readonly macAddress?: string;
  /**
   * `network_device.model`: `virtio`, `e1000`, `e1000e`, `rtl8139` or `vmxnet3`.
   * @default 'virtio'
   */
  readonly model?: string;
  /**
   * `network_device.mtu`: MTU (VirtIO only); `1` uses the bridge MTU.
   * @default - the bridge MTU
   */
  readonly mtu?: number;
  /**
   * `network_device.firewall`: apply the VM firewall on this interface.
   * @default false
   */
  readonly firewall?: boolean;
  /**
   * `network_device.disconnected`: unplug the link.
   * @default false
   */
  readonly disconnected?: boolean;
  /**
   * `network_device.queues`: VirtIO queues (1-64).
   * @default - one queue
   */
  readonly queues?: number;
  /**
   * `network_device.rate_limit`: rate limit in MB/s.
   * @default - unlimited
   */
  readonly rateLimit?: number;
  /**
   * `network_device.trunks`: `;`-separated VLAN trunks, e.g. `10;20`.
   * @default - none
   */
  readonly trunks?: string;
}

/** `ipv4` / `ipv6` block inside `initialization.ip_config`. */
export interface ProxmoxVmIpAddress {
  /**
   * `address`: address in CIDR form, or `dhcp` (IPv6 also `auto`).
   * @default - not configured
   */
  readonly address?: string;
  /**
   * `gateway`: default gateway (omit with `dhcp`).
   * @default - none
   */
  readonly gateway?: string;
}

/** One `initialization.ip_config` block (one per network device, in order). */
export interface ProxmoxVmIpConfig {
  /** `initialization.ip_config.ipv4`. @default - no IPv4 configuration */
  readonly ipv4?: ProxmoxVmIpAddress;
  /** `initialization.ip_config.ipv6`. @default - no IPv6 configuration */
  readonly ipv6?: ProxmoxVmIpAddress;
}

/** `initialization.dns` block. */
export interface ProxmoxVmDns {
  /** `initialization.dns.domain`: DNS search domain. @default - the host's */
  readonly domain?: string;
  /** `initialization.dns.servers`: DNS servers. @default - the host's */
  readonly servers?: string[];
}

/** `initialization.user_account` block (conflicts with `user_data_file_id`). */
export interface ProxmoxVmUserAccount {
  /** `initialization.user_account.username`. @default - the image's default user */
  readonly username?: string;
  /** `initialization.user_account.keys`: SSH public keys. @default - none */
  readonly keys?: string[];
  /** `initialization.user_account.password`: pass a sensitive Terraform variable. @default - none */
  readonly password?: string;
}

/** `initialization` block: cloud-init. */
export interface ProxmoxVmInitialization {
  /**
   * `initialization.datastore_id`: datastore of the cloud-init drive.
   * @default 'local-lvm'
   */
  readonly datastoreId?: string;
  /**
   * `initialization.interface`: interface of the cloud-init drive, e.g. `ide2`.
   * @default - detected, else `ide2`
   */
  readonly interface?: string;
  /** `initialization.file_format`. @default - the datastore's default */
  readonly fileFormat?: string;
  /** `initialization.ip_config`: one per network device. @default - none */
  readonly ipConfig?: ProxmoxVmIpConfig[];
  /** `initialization.dns`. @default - none */
  readonly dns?: ProxmoxVmDns;
  /** `initialization.user_account`. @default - none */
  readonly userAccount?: ProxmoxVmUserAccount;
  /** `initialization.user_data_file_id`: snippet with user data (conflicts with `user_account`). @default - none */
  readonly userDataFileId?: string;
  /** `initialization.network_data_file_id`: snippet with network data (conflicts with `ip_config`). @default - none */
  readonly networkDataFileId?: string;
  /** `initialization.vendor_data_file_id`. @default - none */
  readonly vendorDataFileId?: string;
  /** `initialization.meta_data_file_id`. @default - none */
  readonly metaDataFileId?: string;
  /** `initialization.upgrade`: upgrade packages on first boot (root@pam only). @default true */
  readonly upgrade?: boolean;
}

/** `operating_system` block. */
export interface ProxmoxVmOperatingSystem {
  /** `operating_system.type`, e.g. `l26`. @default 'other' */
  readonly type?: string;
}

/** One `serial_device` block. */
export interface ProxmoxVmSerialDevice {
  /** `serial_device.device`: `socket` or a host `/dev/*` path. @default 'socket' */
  readonly device?: string;
}

/** One `hostpci` block: PCI pass-through. */
export interface ProxmoxVmHostpci {
  /** `hostpci.device`: `hostpci0` to `hostpci15`. */
  readonly device: string;
  /** `hostpci.id`: PCI ID, e.g. `0000:01:00.0` (needs root password auth). Use this or `mapping`. @default - none */
  readonly id?: string;
  /** `hostpci.mapping`: cluster resource mapping name. Use this or `id`. @default - none */
  readonly mapping?: string;
  /** `hostpci.mdev`: mediated device ID. @default - none */
  readonly mdev?: string;
  /** `hostpci.pcie`: PCIe port (q35 only). @default false */
  readonly pcie?: boolean;
  /** `hostpci.rombar`: expose the ROM BAR. @default true */
  readonly rombar?: boolean;
  /** `hostpci.rom_file`: ROM file under `/usr/share/kvm/`. @default - none */
  readonly romFile?: string;
  /** `hostpci.xvga`: primary GPU. @default false */
  readonly xvga?: boolean;
}

/** One `usb` block: USB pass-through. */
export interface ProxmoxVmUsb {
  /** `usb.host`: host device or port, or `spice`. Use this or `mapping`. @default - none */
  readonly host?: string;
  /** `usb.mapping`: cluster resource mapping name. @default - none */
  readonly mapping?: string;
  /** `usb.usb3`: USB3 device. @default false */
  readonly usb3?: boolean;
}

/** `vga` block. */
export interface ProxmoxVmVga {
  /** `vga.type`, e.g. `std`, `serial0`, `none`. @default 'std' */
  readonly type?: string;
  /** `vga.memory`: VGA memory in MiB. @default 16 */
  readonly memory?: number;
  /** `vga.clipboard`: `vnc` to enable the VNC clipboard. @default - disabled */
  readonly clipboard?: string;
}

/** `startup` block. */
export interface ProxmoxVmStartup {
  /** `startup.order`: start order. @default -1 */
  readonly order?: number;
  /** `startup.up_delay`: seconds before the next VM starts. @default - none */
  readonly upDelay?: number;
  /** `startup.down_delay`: seconds before the next VM stops. @default - none */
  readonly downDelay?: number;
}

/** `cdrom` block. */
export interface ProxmoxVmCdrom {
  /** `cdrom.file_id`: ISO file ID, or `none` for an empty drive. @default 'cdrom' */
  readonly fileId?: string;
  /** `cdrom.interface`: `ideN`, `sataN` or `scsiN`. @default 'ide3' */
  readonly interface?: string;
}

/**
 * Arguments of `proxmox_virtual_environment_vm`.
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_vm
 */
export interface ProxmoxVirtualEnvironmentVmConfig extends TerraformMetaArguments {
  /** `node_name`: the node that runs the VM. */
  readonly nodeName: string;
  /** `vm_id`: VM ID. @default - allocated by the provider */
  readonly vmId?: number;
  /** `name`: VM name, a valid DNS name. @default - none */
  readonly name?: string;
  /** `description`. @default - none */
  readonly description?: string;
  /** `tags`: tags; keep them sorted, Proxmox sorts them. @default - none */
  readonly tags?: string[];
  /** `pool_id`: resource pool. @default - no pool */
  readonly poolId?: string;
  /** `on_boot`: start when the host boots. @default true */
  readonly onBoot?: boolean;
  /** `started`: keep the VM running. @default true */
  readonly started?: boolean;
  /** `template`: make the VM a template. @default false */
  readonly template?: boolean;
  /** `protection`: block removal of the VM and its disks. @default false */
  readonly protection?: boolean;
  /** `bios`: `seabios` or `ovmf`. @default 'seabios' */
  readonly bios?: string;
  /** `machine`: `pc` or `q35` (optionally `q35,viommu=...`). @default 'pc' */
  readonly machine?: string;
  /** `scsi_hardware`, e.g. `virtio-scsi-single`. @default 'virtio-scsi-pci' */
  readonly scsiHardware?: string;
  /** `boot_order`: devices to boot from, e.g. `['scsi0']`. @default - the PVE default */
  readonly bootOrder?: string[];
  /** `acpi`. @default true */
  readonly acpi?: boolean;
  /** `tablet_device`: USB tablet for the console pointer. @default true */
  readonly tabletDevice?: boolean;
  /** `keyboard_layout`. @default 'en-us' */
  readonly keyboardLayout?: string;
  /** `hotplug`: hotplug features, e.g. `network,disk,usb`. @default - the PVE default */
  readonly hotplug?: string;
  /** `kvm_arguments`: raw arguments for kvm. @default - none */
  readonly kvmArguments?: string;
  /** `hook_script_file_id`: executable hook script snippet. @default - none */
  readonly hookScriptFileId?: string;
  /** `migrate`: migrate instead of re-create when `node_name` changes. @default false */
  readonly migrate?: boolean;
  /** `reboot`: reboot after creation. @default false */
  readonly reboot?: boolean;
  /** `reboot_after_update`: allow reboots to apply updates. @default true */
  readonly rebootAfterUpdate?: boolean;
  /** `stop_on_destroy`: stop instead of shutdown on destroy. @default false */
  readonly stopOnDestroy?: boolean;
  /** `purge_on_destroy`: purge from backup jobs on destroy. @default true */
  readonly purgeOnDestroy?: boolean;
  /** `delete_unreferenced_disks_on_destroy`. @default true */
  readonly deleteUnreferencedDisksOnDestroy?: boolean;
  /** `timeout_clone` in seconds. @default 1800 */
  readonly timeoutClone?: number;
  /** `timeout_create` in seconds. @default 1800 */
  readonly timeoutCreate?: number;
  /** `timeout_migrate` in seconds. @default 1800 */
  readonly timeoutMigrate?: number;
  /** `timeout_reboot` in seconds. @default 1800 */
  readonly timeoutReboot?: number;
  /** `timeout_shutdown_vm` in seconds. @default 1800 */
  readonly timeoutShutdownVm?: number;
  /** `timeout_start_vm` in seconds. @default 1800 */
  readonly timeoutStartVm?: number;
  /** `timeout_stop_vm` in seconds. @default 300 */
  readonly timeoutStopVm?: number;
  /** `agent`: QEMU guest agent. @default - disabled */
  readonly agent?: ProxmoxVmAgent;
  /** `cpu`. @default - 1 socket, 1 core, `qemu64` */
  readonly cpu?: ProxmoxVmCpu;
  /** `memory`. @default - 512 MiB, no balloon */
  readonly memory?: ProxmoxVmMemory;
  /** `numa`: guest NUMA nodes (needs `cpu.numa`). @default - none */
  readonly numa?: ProxmoxVmNuma[] | IResolvable;
  /** `disk`: disks, in interface order. @default - one 8 GiB disk */
  readonly disk?: ProxmoxVmDisk[] | IResolvable;
  /** `efi_disk` (for `bios: 'ovmf'`). @default - none */
  readonly efiDisk?: ProxmoxVmEfiDisk;
  /** `tpm_state`. @default - no TPM */
  readonly tpmState?: ProxmoxVmTpmState;
  /** `clone`: clone from a template instead of creating from scratch. @default - no clone */
  readonly clone?: ProxmoxVmClone;
  /** `network_device`: NICs, in order. @default - none */
  readonly networkDevice?: ProxmoxVmNetworkDevice[] | IResolvable;
  /** `initialization`: cloud-init. @default - no cloud-init drive */
  readonly initialization?: ProxmoxVmInitialization;
  /** `operating_system`. @default - type `other` */
  readonly operatingSystem?: ProxmoxVmOperatingSystem;
  /** `serial_device`: serial ports (`[{}]` for one socket). @default - none */
  readonly serialDevice?: ProxmoxVmSerialDevice[] | IResolvable;
  /** `hostpci`: PCI pass-through. @default - none */
  readonly hostpci?: ProxmoxVmHostpci[] | IResolvable;
  /** `usb`: USB pass-through. @default - none */
  readonly usb?: ProxmoxVmUsb[] | IResolvable;
  /** `vga`. @default - `std` with 16 MiB */
  readonly vga?: ProxmoxVmVga;
  /** `startup`: start order and delays. @default - no order */
  readonly startup?: ProxmoxVmStartup;
  /** `cdrom`. @default - the provider default drive */
  readonly cdrom?: ProxmoxVmCdrom;
}

type ProxmoxVmArgs = Omit<ProxmoxVirtualEnvironmentVmConfig, keyof TerraformMetaArguments>;

const IP_ADDRESS_FIELDS: FieldTable<ProxmoxVmIpAddress> = {
  address: str('address'),
  gateway: str('gateway'),
};

const PROXMOX_VM_FIELDS: FieldTable<ProxmoxVmArgs> = {
  nodeName: str('node_name'),
  vmId: num('vm_id'),
  name: str('name'),
  description: str('description'),
  tags: strList('tags'),
  poolId: str('pool_id'),
  onBoot: bool('on_boot'),
  started: bool('started'),
  template: bool('template'),
  protection: bool('protection'),
  bios: str('bios'),
  machine: str('machine'),
  scsiHardware: str('scsi_hardware'),
  bootOrder: strList('boot_order'),
  acpi: bool('acpi'),
  tabletDevice: bool('tablet_device'),
  keyboardLayout: str('keyboard_layout'),
  hotplug: str('hotplug'),
  kvmArguments: str('kvm_arguments'),
  hookScriptFileId: str('hook_script_file_id'),
  migrate: bool('migrate'),
  reboot: bool('reboot'),
  rebootAfterUpdate: bool('reboot_after_update'),
  stopOnDestroy: bool('stop_on_destroy'),
  purgeOnDestroy: bool('purge_on_destroy'),
  deleteUnreferencedDisksOnDestroy: bool('delete_unreferenced_disks_on_destroy'),
  timeoutClone: num('timeout_clone'),
  timeoutCreate: num('timeout_create'),
  timeoutMigrate: num('timeout_migrate'),
  timeoutReboot: num('timeout_reboot'),
  timeoutShutdownVm: num('timeout_shutdown_vm'),
  timeoutStartVm: num('timeout_start_vm'),
  timeoutStopVm: num('timeout_stop_vm'),
  agent: block<ProxmoxVmAgent>('agent', {
    enabled: bool('enabled'),
    timeout: str('timeout'),
    trim: bool('trim'),
    type: str('type'),
    waitForIp: block<ProxmoxVmAgentWaitForIp>('wait_for_ip', {
      ipv4: bool('ipv4'),
      ipv6: bool('ipv6'),
      disabled: bool('disabled'),
    }),
  }),
  cpu: block<ProxmoxVmCpu>('cpu', {
    cores: num('cores'),
    sockets: num('sockets'),
    type: str('type'),
    numa: bool('numa'),
    affinity: str('affinity'),
    architecture: str('architecture'),
    flags: strList('flags'),
    hotplugged: num('hotplugged'),
    limit: num('limit'),
    units: num('units'),
  }),
  memory: block<ProxmoxVmMemory>('memory', {
    dedicated: num('dedicated'),
    floating: num('floating'),
    shared: num('shared'),
    hugepages: str('hugepages'),
    keepHugepages: bool('keep_hugepages'),
  }),
  numa: blockList<ProxmoxVmNuma>('numa', {
    device: str('device'),
    cpus: str('cpus'),
    memory: num('memory'),
    hostnodes: str('hostnodes'),
    policy: str('policy'),
  }),
  disk: blockList<ProxmoxVmDisk>('disk', {
    interface: str('interface'),
    datastoreId: str('datastore_id'),
    size: num('size'),
    importFrom: str('import_from'),
    fileId: str('file_id'),
    pathInDatastore: str('path_in_datastore'),
    fileFormat: str('file_format'),
    discard: str('discard'),
    iothread: bool('iothread'),
    ssd: bool('ssd'),
    cache: str('cache'),
    aio: str('aio'),
    backup: bool('backup'),
    replicate: bool('replicate'),
    serial: str('serial'),
    queues: num('queues'),
    speed: block<ProxmoxVmDiskSpeed>('speed', {
      iopsRead: num('iops_read'),
      iopsReadBurstable: num('iops_read_burstable'),
      iopsWrite: num('iops_write'),
      iopsWriteBurstable: num('iops_write_burstable'),
      read: num('read'),
      readBurstable: num('read_burstable'),
      write: num('write'),
      writeBurstable: num('write_burstable'),
    }),
  }),
  efiDisk: block<ProxmoxVmEfiDisk>('efi_disk', {
    datastoreId: str('datastore_id'),
    fileFormat: str('file_format'),
    type: str('type'),
    preEnrolledKeys: bool('pre_enrolled_keys'),
  }),
  tpmState: block<ProxmoxVmTpmState>('tpm_state', {
    datastoreId: str('datastore_id'),
    version: str('version'),
  }),
  clone: block<ProxmoxVmClone>('clone', {
    vmId: num('vm_id'),
    nodeName: str('node_name'),
    full: bool('full'),
    datastoreId: str('datastore_id'),
    retries: num('retries'),
  }),
  networkDevice: blockList<ProxmoxVmNetworkDevice>('network_device', {
    bridge: str('bridge'),
    vlanId: num('vlan_id'),
    macAddress: str('mac_address'),
    model: str('model'),
    mtu: num('mtu'),
    firewall: bool('firewall'),
    disconnected: bool('disconnected'),
    queues: num('queues'),
    rateLimit: num('rate_limit'),
    trunks: str('trunks'),
  }),
  initialization: block<ProxmoxVmInitialization>('initialization', {
    datastoreId: str('datastore_id'),
    interface: str('interface'),
    fileFormat: str('file_format'),
    ipConfig: blockList<ProxmoxVmIpConfig>('ip_config', {
      ipv4: block<ProxmoxVmIpAddress>('ipv4', IP_ADDRESS_FIELDS),
      ipv6: block<ProxmoxVmIpAddress>('ipv6', IP_ADDRESS_FIELDS),
    }),
    dns: block<ProxmoxVmDns>('dns', {
      domain: str('domain'),
      servers: strList('servers'),
    }),
    userAccount: block<ProxmoxVmUserAccount>('user_account', {
      username: str('username'),
      keys: strList('keys'),
      password: str('password'),
    }),
    userDataFileId: str('user_data_file_id'),
    networkDataFileId: str('network_data_file_id'),
    vendorDataFileId: str('vendor_data_file_id'),
    metaDataFileId: str('meta_data_file_id'),
    upgrade: bool('upgrade'),
  }),
  operatingSystem: block<ProxmoxVmOperatingSystem>('operating_system', {
    type: str('type'),
  }),
  serialDevice: blockList<ProxmoxVmSerialDevice>('serial_device', {
    device: str('device'),
  }),
  hostpci: blockList<ProxmoxVmHostpci>('hostpci', {
    device: str('device'),
    id: str('id'),
    mapping: str('mapping'),
    mdev: str('mdev'),
    pcie: bool('pcie'),
    rombar: bool('rombar'),
    romFile: str('rom_file'),
    xvga: bool('xvga'),
  }),
  usb: blockList<ProxmoxVmUsb>('usb', {
    host: str('host'),
    mapping: str('mapping'),
    usb3: bool('usb3'),
  }),
  vga: block<ProxmoxVmVga>('vga', {
    type: str('type'),
    memory: num('memory'),
    clipboard: str('clipboard'),
  }),
  startup: block<ProxmoxVmStartup>('startup', {
    order: num('order'),
    upDelay: num('up_delay'),
    downDelay: num('down_delay'),
  }),
  cdrom: block<ProxmoxVmCdrom>('cdrom', {
    fileId: str('file_id'),
    interface: str('interface'),
  }),
};

/**
 * A QEMU virtual machine (`proxmox_virtual_environment_vm`).
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_vm
 */
export class ProxmoxVirtualEnvironmentVm extends TableResource<ProxmoxVirtualEnvironmentVmConfig> {
  /** True when `x` is a ProxmoxVirtualEnvironmentVm, also from another copy of this library (`instanceof` agrees). */
  public static isProxmoxVirtualEnvironmentVm(x: unknown): x is ProxmoxVirtualEnvironmentVm {
    return hasBrand(x, brandSymbol('ProxmoxVirtualEnvironmentVm'));
  }

  /** Terraform resource type. */
  public static readonly tfResourceType = 'proxmox_virtual_environment_vm';

  constructor(scope: Construct, id: string, config: ProxmoxVirtualEnvironmentVmConfig) {
    super(scope, id, config, { provider: PROXMOX, tfType: ProxmoxVirtualEnvironmentVm.tfResourceType,
      className: 'ProxmoxVirtualEnvironmentVm', fields: PROXMOX_VM_FIELDS });
  }

  /** `id` (read-only): the VM's id, as Terraform knows it (the `vm_id`, as a string). */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** `mac_addresses` (read-only): MAC addresses, from the agent or the NIC configuration. */
  public get macAddresses(): string[] {
    return this.getListAttribute('mac_addresses');
  }

  /** `ipv4_addresses` (read-only): IPv4 addresses per interface, a list of lists (needs the agent). */
  public get ipv4Addresses(): IResolvable {
    return this.interpolationForAttribute('ipv4_addresses');
  }

  /** `ipv6_addresses` (read-only): IPv6 addresses per interface, a list of lists (needs the agent). */
  public get ipv6Addresses(): IResolvable {
    return this.interpolationForAttribute('ipv6_addresses');
  }

  /** `network_interface_names` (read-only): interface names reported by the agent. */
  public get networkInterfaceNames(): string[] {
    return this.getListAttribute('network_interface_names');
  }
}

// ---------------------------------------------------------------------------
// resource "proxmox_virtual_environment_download_file"
// ---------------------------------------------------------------------------

/**
 * Arguments of `proxmox_virtual_environment_download_file`.
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_download_file
 */
export interface ProxmoxVirtualEnvironmentDownloadFileConfig extends TerraformMetaArguments {
  /** `content_type`: `import` or `iso` for VM images, `vztmpl` for LXC templates. */
  readonly contentType: string;
  /** `datastore_id`: target datastore, e.g. `local`. */
  readonly datastoreId: string;
  /** `node_name`: node that downloads the file. */
  readonly nodeName: string;
  /** `url`: `http(s)://` URL to download. */
  readonly url: string;
  /**
   * `file_name`: name in the datastore (`import` images need `.qcow2`/`.raw`/`.vmdk`).
   * @default - derived from `url`
   */
  readonly fileName?: string;
  /**
   * `checksum`: expected checksum of the file.
   * @default - not verified
   */
  readonly checksum?: string;
  /**
   * `checksum_algorithm`: `md5`, `sha1`, `sha224`, `sha256`, `sha384` or `sha512`.
   * @default - none
   */
  readonly checksumAlgorithm?: string;
  /**
   * `decompression_algorithm`: `gz`, `lzo`, `zst` or `bz2` (not usable with `import_from`).
   * @default - stored as downloaded
   */
  readonly decompressionAlgorithm?: string;
  /**
   * `overwrite`: replace the file when its size changes upstream or in the datastore.
   * @default true
   */
  readonly overwrite?: boolean;
  /**
   * `overwrite_unmanaged`: replace a same-named file not managed by Terraform.
   * @default false
   */
  readonly overwriteUnmanaged?: boolean;
  /**
   * `upload_timeout`: download timeout in seconds.
   * @default 600
   */
  readonly uploadTimeout?: number;
  /**
   * `verify`: verify the server's TLS certificate.
   * @default true
   */
  readonly verify?: boolean;
}

type ProxmoxDownloadFileArgs = Omit<ProxmoxVirtualEnvironmentDownloadFileConfig, keyof TerraformMetaArguments>;

const PROXMOX_DOWNLOAD_FILE_FIELDS: FieldTable<ProxmoxDownloadFileArgs> = {
  contentType: str('content_type'),
  datastoreId: str('datastore_id'),
  nodeName: str('node_name'),
  url: str('url'),
  fileName: str('file_name'),
  checksum: str('checksum'),
  checksumAlgorithm: str('checksum_algorithm'),
  decompressionAlgorithm: str('decompression_algorithm'),
  overwrite: bool('overwrite'),
  overwriteUnmanaged: bool('overwrite_unmanaged'),
  uploadTimeout: num('upload_timeout'),
  verify: bool('verify'),
};

/**
 * A file the node downloads itself, e.g. a cloud image for `disk.import_from`
 * (`proxmox_virtual_environment_download_file`).
 *
 * The provider deprecates this resource in favour of `proxmox_download_file`
 * (removal planned for v1.0); it is bound here because its docs are the ones
 * kept in `schemas/terraform/proxmox/`.
 * @see https://registry.terraform.io/providers/bpg/proxmox/latest/docs/resources/virtual_environment_download_file
 */
export class ProxmoxVirtualEnvironmentDownloadFile extends TableResource<ProxmoxVirtualEnvironmentDownloadFileConfig> {
  /** True when `x` is a ProxmoxVirtualEnvironmentDownloadFile, also from another copy of this library (`instanceof` agrees). */
  public static isProxmoxVirtualEnvironmentDownloadFile(x: unknown): x is ProxmoxVirtualEnvironmentDownloadFile {
    return hasBrand(x, brandSymbol('ProxmoxVirtualEnvironmentDownloadFile'));
  }

  /** Terraform resource type. */
  public static readonly tfResourceType = 'proxmox_virtual_environment_download_file';

  constructor(scope: Construct, id: string, config: ProxmoxVirtualEnvironmentDownloadFileConfig) {
    super(scope, id, config, { provider: PROXMOX, tfType: ProxmoxVirtualEnvironmentDownloadFile.tfResourceType,
      className: 'ProxmoxVirtualEnvironmentDownloadFile', fields: PROXMOX_DOWNLOAD_FILE_FIELDS });
  }

  /** `id` (read-only): the volume ID, `<datastore>:<content_type>/<file_name>`; use it for `disk.import_from`. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** `size` (read-only): file size in the datastore. */
  public get size(): number {
    return this.getNumberAttribute('size');
  }
}

registerFields(ProxmoxProvider, PROXMOX_PROVIDER_FIELDS);
registerFields(ProxmoxVirtualEnvironmentVm, PROXMOX_VM_FIELDS);
registerFields(ProxmoxVirtualEnvironmentDownloadFile, PROXMOX_DOWNLOAD_FILE_FIELDS);
