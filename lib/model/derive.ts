/**
 * Derives every cross-layer fact from the inventory, once. Emitters read the
 * resolved {@link Model} and never each other.
 */
import { createHash } from 'crypto';
import { AdminSpec, AppSpec, DnsSpec, HostSpec, Inventory, K3sRole, NetworkSpec, PlatformSpec, PoolLayout, ProxmoxNodeSpec, ProxmoxSpec, RadioBand, RouterSpec, SecretSpec, SiteSpec, StorageEngine, VmNumaSpec, VmSpec } from './inventory';
import { DEFAULT_B2_REGION, DEFAULT_KEEP_DELETED_DAYS, DEFAULT_RESTIC_IMAGE, ResolvedBackup, ResolvedDatabase, resolveBackup, resolveDatabase } from './backup';
import { Cidr, parseCidr, parseIPv4, reverseZones } from '../core/net';
import { BootstrapNode, bringUpOrder } from './bootstrap';

export interface ResolvedNetwork extends NetworkSpec {
  readonly site: string;
  readonly parsed: Cidr;
  readonly nameservers: readonly string[];
  readonly prefix: number;
}

/** One node of a storage pool and its disks, as the node sees them. */
export interface PoolNode {
  /** The k3s node (host) name. */
  readonly host: string;
  /** `/dev/disk/by-id/...` links inside the node (for a VM: the pass-through disk's QEMU serial link). */
  readonly disks: readonly string[];
}

/** A storage pool with every default applied. */
export interface ResolvedPool {
  readonly name: string;
  readonly engine: StorageEngine;
  readonly layout: PoolLayout;
  readonly replicas: number;
  readonly nodes: readonly PoolNode[];
}

/**
 * The link a Linux guest sees for a disk Proxmox passes through on `scsiN` with this serial:
 * QEMU's SCSI disks show up as `scsi-0QEMU_QEMU_HARDDISK_<serial>`.
 */
export function guestDiskLink(serial: string): string {
  return `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_${serial}`;
}

/**
 * A SCSI serial for a passed-through disk, so that the guest sees a stable
 * `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<serial>`; at most 20 characters.
 */
export function passthroughSerial(device: string): string {
  const id = device.slice(device.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_-]/g, '');
  return id.length <= 20 ? id : id.slice(-20);
}

/** A Proxmox VM with every default applied. */
export interface ResolvedVm extends VmSpec {
  readonly proxmox: ProxmoxSpec;
  readonly nodeSpec: Required<ProxmoxNodeSpec>;
  readonly cores: number;
  readonly sockets: number;
  readonly memoryMiB: number;
  readonly cpuType: string;
  readonly numa: readonly VmNumaSpec[];
  readonly dataDisksGiB: readonly number[];
  readonly passthroughDisks: readonly string[];
  readonly onBoot: boolean;
  readonly systemDiskGiB: number;
}

/** Where a k3s node runs. */
export type K3sRuntime = 'host' | 'nixos-container' | 'podman';

/** A k3s node: a host itself, or a container on a host. */
export interface K3sNode {
  readonly name: string;
  readonly ip: string;
  readonly role: K3sRole;
  readonly init: boolean;
  readonly runtime: K3sRuntime;
  /** The host it runs on (itself when runtime is 'host'). */
  readonly host: string;
}

export interface ResolvedHost extends HostSpec {
  readonly site: string;
  readonly interface: string;
  readonly kind: 'metal' | 'vm';
  /** Given, or derived for VMs; undefined for metal hosts without one. */
  readonly mac?: string;
  readonly net: ResolvedNetwork;
  readonly fqdn: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly string[];
  /** Set when Terraform manages the VM. */
  readonly vm?: ResolvedVm;
  readonly macvlan: boolean;
  /** k3s nodes in containers on this host. */
  readonly k3sContainers: readonly K3sNode[];
  /** The admins who have an account here. */
  readonly adminUsers: readonly AdminSpec[];
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ResolvedApp extends AppSpec {
  readonly namespace: string;
  /** The database with its defaults (service `<app>-db` for server engines). */
  readonly database?: ResolvedDatabase;
  /** Restic backups (needs `inventory.backup`). */
  readonly backup?: ResolvedBackup;
  readonly replicas: number;
  readonly runAsUser: number;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  readonly tmpVolume: boolean;
}

/** A name the site router answers locally (hosts, internal apps). */
export interface LocalName {
  readonly name: string;
  readonly ip: string;
}

/** A DHCP reservation on a router. */
export interface StaticLease {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
}

/** A public DNS record (Cloudflare). */
export interface PublicRecord {
  readonly app: string;
  readonly host: string;
  readonly ipv4: string;
}

/** One WireGuard peer of a router: another router of the mesh. */
export interface WireguardPeer {
  readonly router: string;
  readonly site: string;
  readonly publicKey: string;
  /** Where to reach it; undefined when it only dials out. */
  readonly endpoint?: string;
  readonly port: number;
  /** Its tunnel address (/32) and every network it serves. */
  readonly allowedIps: readonly string[];
  readonly persistentKeepalive: number;
}

/** A router's side of the mesh, resolved. */
export interface ResolvedWireguard {
  /** Tunnel address with the mesh prefix, e.g. `10.255.0.1/24`. */
  readonly address: string;
  readonly listenPort: number;
  /** Where peers reach it (its endpoint, else its site's publicIPv4); undefined when it only dials out. */
  readonly endpoint?: string;
  readonly privateKeySecret: string;
  readonly peers: readonly WireguardPeer[];
}

/** One VLAN of a router's bridge: the network on it and its ports in netifd's `bridge-vlan` syntax. */
export interface ResolvedBridgeVlan {
  readonly network: string;
  readonly vlan: number;
  /** `lan1:u*` (untagged, the port's PVID) or `lan1:t` (tagged), in `lanPorts` order. */
  readonly ports: readonly string[];
}

/** A radio the router turns on. */
export interface ResolvedRadio {
  readonly name: string;
  readonly band: RadioBand;
  readonly channel: number | 'auto';
  readonly country: string;
}

/** The bridge every LAN network of a router is on. */
export const LAN_BRIDGE = 'br-lan';

export interface ResolvedRouter extends RouterSpec {
  readonly site: string;
  readonly networks: readonly string[];
  readonly nets: readonly ResolvedNetwork[];
  readonly address: string;
  readonly timezone: string;
  readonly lanPorts: readonly string[];
  readonly wanDevice: string;
  readonly leases: readonly StaticLease[];
  readonly localNames: readonly LocalName[];
  /** Other sites' domains and reverse zones and their DNS servers. */
  readonly forwards: readonly { readonly domain: string; readonly server: string }[];
  /** The reverse zones of its own networks ({@link reverseZones}), answered locally. */
  readonly reverseZones: readonly string[];
  /**
   * The VLANs of {@link LAN_BRIDGE} when any of its networks has a VLAN: every network then gets
   * one, the network without a VLAN the lowest id no other network uses (1 unless taken), so
   * untagged ports keep a PVID after netifd removes the default VLAN 1. Empty without VLANs.
   */
  readonly bridgeVlans: readonly ResolvedBridgeVlan[];
  /** The device of each network's interface, by network name: `br-lan`, or `br-lan.<vlan>` with VLANs. */
  readonly netDevices: Readonly<Record<string, string>>;
  /** The radios it turns on. */
  readonly radios: readonly ResolvedRadio[];
  readonly forwardPorts: readonly number[];
  readonly ingressIP?: string;
  /** Set when the router is in the WireGuard mesh. */
  readonly mesh?: ResolvedWireguard;
}

/** The resolved homelab: every default applied, every derived fact computed. */
/** The k3s cluster's settings, defaults applied. */
export interface ResolvedCluster {
  /** Secret holding the k3s join token. */
  readonly tokenSecret: string;
  /** ClusterIssuer of the apps' certificates. */
  readonly certIssuer: string;
  readonly ingressClass: string;
  /** The platform charts' settings; undefined without `cluster.platform`. */
  readonly platform?: PlatformSpec;
}

/** Cloudflare DNS, defaults applied. */
export interface ResolvedDns extends DnsSpec {
  readonly proxied: boolean;
}

/** The homelab's B2 backup bucket (`inventory.backup`), defaults applied. */
export interface ResolvedBackupTarget {
  readonly bucket: string;
  readonly keepDeletedDays: number;
  readonly keyIdSecret: string;
  readonly keySecret: string;
  readonly region: string;
  readonly resticImage: string;
}

/** Where Terraform keeps its state, defaults applied (the key and path name the homelab). */
export type ResolvedStateBackend =
  | {
    readonly type: 's3';
    readonly bucket: string;
    readonly key: string;
    readonly region: string;
    /** S3 endpoint URL; undefined for Backblaze B2 in `region`. */
    readonly endpoint?: string;
  }
  | {
    readonly type: 'local';
    /** State file, relative to the project root. */
    readonly path: string;
  };

/** The Proxmox cluster of a site that has VMs. */
export interface ResolvedProxmoxCluster {
  readonly site: string;
  readonly endpoint: string;
  readonly apiTokenSecret: string;
  readonly insecure: boolean;
}

/**
 * Everything the outputs need, derived once from a valid inventory. Nothing past this point
 * reads the inventory itself: a fact two outputs share is a field here.
 */
export interface Model {
  readonly name: string;
  /** Admin accounts (every NixOS host's unless it names its own; every router's). */
  readonly admins: readonly AdminSpec[];
  /** Declared secrets (names and descriptions only). */
  readonly secrets: readonly SecretSpec[];
  readonly cluster?: ResolvedCluster;
  readonly dns?: ResolvedDns;
  readonly backup?: ResolvedBackupTarget;
  readonly stateBackend: ResolvedStateBackend;
  /** The Proxmox clusters of the sites with VMs, by site name. */
  readonly proxmox: readonly ResolvedProxmoxCluster[];
  /** The bring-up from nothing (`homelab plan`): outside services first, then each output in order (computed when first read). */
  readonly bringUp: readonly BootstrapNode[];
  readonly networks: readonly ResolvedNetwork[];
  readonly hosts: readonly ResolvedHost[];
  readonly routers: readonly ResolvedRouter[];
  readonly apps: readonly ResolvedApp[];
  readonly publicRecords: readonly PublicRecord[];
  /** Every k3s node: hosts and containers, in inventory order. */
  readonly k3sNodes: readonly K3sNode[];
  /** The k3s server every other node joins (the `k3sInit` one, a host or a container). */
  readonly initNode?: K3sNode;
  /** `https://<init server>:6443`. */
  readonly serverAddr?: string;
  /** k3s release for podman agents. */
  readonly k3sVersion: string;
  /** OpenEBS storage pools, with their nodes and disks. */
  readonly storagePools: readonly ResolvedPool[];
  /** Site that runs the cluster (where its servers are). */
  readonly clusterSite?: SiteSpec;
  readonly ingressIP?: string;
  readonly stateVersion: string;
  readonly nixpkgs: string;
  readonly timezone: string;
}

/**
 * A stable, locally administered, unicast MAC for a VM: the same inputs give the
 * same MAC on every run, so the Proxmox NIC and the router's DHCP reservation agree.
 */
export function deriveMac(homelab: string, site: string, host: string): string {
  const digest = createHash('sha256').update(`homelab-cdk/mac/${homelab}/${site}/${host}`).digest();
  const bytes = [0x02, digest[0], digest[1], digest[2], digest[3], digest[4]];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Resolves a valid inventory (see `validateInventory`) into the model. */
export function deriveModel(inv: Inventory): Model {
  const networks: ResolvedNetwork[] = [];
  const hosts: ResolvedHost[] = [];
  for (const site of inv.sites) {
    for (const n of site.networks) {
      const parsed = parseCidr(n.cidr)!;
      networks.push({ ...n, site: site.name, parsed, prefix: parsed.prefix, nameservers: n.nameservers ?? [n.gateway] });
    }
    for (const h of site.hosts ?? []) {
      const net = networks.find((n) => n.site === site.name && n.name === h.network)!;
      const kind = h.vm ? 'vm' : h.kind ?? 'metal';
      const containers: K3sNode[] = (h.k3sContainers ?? []).map((c) => ({
        name: c.name, ip: c.ip, role: c.role, init: c.init ?? false, runtime: c.role === 'server' ? 'nixos-container' : 'podman', host: h.name,
      }));
      const wanted = h.admins ? new Set(h.admins) : undefined;
      hosts.push({
        ...h,
        site: site.name,
        // Proxmox's first virtio NIC sits in PCI slot 18: predictable name ens18.
        interface: h.interface ?? (kind === 'vm' ? 'ens18' : 'eth0'),
        kind,
        mac: h.mac ?? (kind === 'vm' ? deriveMac(inv.name, site.name, h.name) : undefined),
        net,
        fqdn: `${h.name}.${net.domain}`,
        labels: h.labels ?? {},
        taints: h.taints ?? [],
        vm: h.vm && site.proxmox ? resolveVm(h.vm, site.proxmox) : undefined,
        macvlan: h.macvlan ?? containers.length > 0,
        k3sContainers: containers,
        adminUsers: inv.admins.filter((a) => !wanted || wanted.has(a.name)),
        metadata: h.metadata ?? {},
      });
    }
  }

  const apps: ResolvedApp[] = (inv.apps ?? []).map((a) => ({
    ...a,
    namespace: a.namespace ?? a.name,
    replicas: a.replicas ?? 1,
    runAsUser: a.runAsUser ?? 1000,
    cpuMillis: a.cpuMillis ?? 100,
    memoryMiB: a.memoryMiB ?? 256,
    tmpVolume: a.tmpVolume ?? true,
    database: resolveDatabase(a),
    backup: resolveBackup(inv, a),
  }));

  const k3sNodes: K3sNode[] = hosts.flatMap((h) => [
    ...(h.k3s ? [{ name: h.name, ip: h.ip, role: h.k3s, init: h.k3sInit ?? false, runtime: 'host' as const, host: h.name }] : []),
    ...h.k3sContainers,
  ]);
  const initNode = k3sNodes.find((n) => n.role === 'server' && n.init);
  const initHost = initNode ? hosts.find((h) => h.name === initNode.host) : undefined;
  const clusterSite = initHost ? inv.sites.find((s) => s.name === initHost.site) : undefined;
  // With the platform, Traefik's LoadBalancer address comes from MetalLB: the first address of the site's first pool.
  const firstPool = inv.cluster?.platform ? clusterSite?.networks.find((n) => n.loadBalancerPool)?.loadBalancerPool : undefined;
  const ingressIP = clusterSite ? clusterSite.ingressIP ?? firstPool?.start ?? initNode!.ip : undefined;

  const publicRecords: PublicRecord[] = [];
  if (clusterSite?.publicIPv4) {
    for (const a of apps) {
      if (a.ingress?.public) publicRecords.push({ app: a.name, host: a.ingress.host, ipv4: clusterSite.publicIPv4 });
    }
  }

  const routers: ResolvedRouter[] = [];
  for (const site of inv.sites) {
    for (const r of site.routers ?? []) {
      const nets = r.networks.map((name) => networks.find((n) => n.site === site.name && n.name === name)!);
      const inNets = (ip: string) => nets.some((n) => isIn(ip, n.parsed));
      const siteHosts = hosts.filter((h) => h.site === site.name && inNets(h.ip));
      const leases = siteHosts.filter((h) => h.mac).map((h) => ({ name: h.name, mac: h.mac!, ip: h.ip }));
      const localNames: LocalName[] = siteHosts.flatMap((h) => [
        { name: h.fqdn, ip: h.ip },
        ...h.k3sContainers.map((c) => ({ name: `${c.name}.${h.net.domain}`, ip: c.ip })),
      ]);
      if (clusterSite?.name === site.name && ingressIP) {
        for (const a of apps) if (a.ingress && !a.ingress.public) localNames.push({ name: a.ingress.host, ip: ingressIP });
      }
      const forwards = inv.sites
        .filter((s) => s.name !== site.name)
        .flatMap((s) => (s.routers ?? []).flatMap((other) => other.networks.map((nn) => networks.find((n) => n.site === s.name && n.name === nn)!)))
        .flatMap((on) => [
          { domain: on.domain, server: on.gateway },
          ...reverseZones(on.parsed).map((zone) => ({ domain: zone, server: on.gateway })),
        ]);
      const lanPorts = r.lanPorts ?? ['lan1', 'lan2', 'lan3', 'lan4'];
      const bridgeVlans = resolveBridgeVlans(nets, lanPorts, r.ports ?? []);
      const hasPublic = clusterSite?.name === site.name && publicRecords.length > 0;
      routers.push({
        ...r,
        site: site.name,
        nets,
        address: r.address ?? nets[0].gateway,
        timezone: r.timezone ?? 'UTC',
        lanPorts,
        wanDevice: r.wanDevice ?? 'wan',
        leases,
        localNames,
        forwards,
        reverseZones: [...new Set(nets.flatMap((n) => reverseZones(n.parsed)))],
        bridgeVlans,
        netDevices: Object.fromEntries(nets.map((n) => {
          const bv = bridgeVlans.find((b) => b.network === n.name);
          return [n.name, bv ? `${LAN_BRIDGE}.${bv.vlan}` : LAN_BRIDGE];
        })),
        radios: (r.radios ?? []).map((x) => ({ name: x.name, band: x.band, channel: x.channel ?? 'auto', country: x.country })),
        forwardPorts: r.forwardPorts ?? (hasPublic ? [80, 443] : []),
        ingressIP: clusterSite?.name === site.name ? ingressIP : undefined,
      });
    }
  }

  const mesh = inv.wireguard;
  if (mesh) {
    const prefix = parseCidr(mesh.cidr)!.prefix;
    const port = mesh.listenPort ?? 51820;
    const keepalive = mesh.persistentKeepalive ?? 25;
    const members = routers.filter((r) => r.wireguard);
    for (let i = 0; i < routers.length; i++) {
      const r = routers[i];
      if (!r.wireguard) continue;
      const peers: WireguardPeer[] = members.filter((o) => o !== r).map((o) => {
        const site = inv.sites.find((s) => s.name === o.site)!;
        const endpoint = o.wireguard!.endpoint ?? site.publicIPv4;
        return {
          router: o.name,
          site: o.site,
          publicKey: o.wireguard!.publicKey,
          ...(endpoint !== undefined ? { endpoint } : {}),
          port,
          allowedIps: [`${o.wireguard!.address}/32`, ...o.nets.map((n) => n.cidr)],
          persistentKeepalive: keepalive,
        };
      });
      const own = r.wireguard.endpoint ?? inv.sites.find((s) => s.name === r.site)!.publicIPv4;
      routers[i] = {
        ...r,
        mesh: { address: `${r.wireguard.address}/${prefix}`, listenPort: port, ...(own !== undefined ? { endpoint: own } : {}), privateKeySecret: r.wireguard.privateKeySecret, peers },
      };
    }
  }

  const vmSites = new Set(hosts.filter((h) => h.vm).map((h) => h.site));
  const proxmox = [...vmSites].sort().map((site) => {
    const px = inv.sites.find((s) => s.name === site)!.proxmox!;
    return { site, endpoint: px.endpoint, apiTokenSecret: px.apiTokenSecret, insecure: px.insecure ?? false };
  });
  const state = inv.stateBackend;
  let bringUp: BootstrapNode[] | undefined;

  return {
    name: inv.name,
    admins: inv.admins,
    secrets: inv.secrets ?? [],
    cluster: inv.cluster ? {
      tokenSecret: inv.cluster.tokenSecret,
      certIssuer: inv.cluster.certIssuer ?? 'letsencrypt',
      ingressClass: inv.cluster.ingressClass ?? 'traefik',
      ...(inv.cluster.platform ? { platform: inv.cluster.platform } : {}),
    } : undefined,
    dns: inv.dns ? { ...inv.dns, proxied: inv.dns.proxied ?? false } : undefined,
    backup: inv.backup ? {
      bucket: inv.backup.bucket,
      keepDeletedDays: inv.backup.keepDeletedDays ?? DEFAULT_KEEP_DELETED_DAYS,
      keyIdSecret: inv.backup.keyIdSecret,
      keySecret: inv.backup.keySecret,
      region: inv.backup.region ?? DEFAULT_B2_REGION,
      resticImage: inv.backup.resticImage ?? DEFAULT_RESTIC_IMAGE,
    } : undefined,
    stateBackend: state?.type === 's3'
      ? { type: 's3', bucket: state.bucket, key: state.key ?? `${inv.name}/terraform.tfstate`, region: state.region ?? DEFAULT_B2_REGION, ...(state.endpoint !== undefined ? { endpoint: state.endpoint } : {}) }
      : { type: 'local', path: state?.path ?? `terraform.${inv.name}.tfstate` },
    proxmox,
    get bringUp() {
      return (bringUp ??= bringUpOrder(inv));
    },
    networks,
    hosts,
    routers,
    apps,
    publicRecords,
    k3sNodes,
    initNode,
    serverAddr: initNode ? `https://${initNode.ip}:6443` : undefined,
    k3sVersion: inv.cluster?.k3sVersion ?? 'v1.30.4+k3s1',
    storagePools: (inv.storagePools ?? []).map((p) => ({
      name: p.name,
      engine: p.engine,
      layout: p.layout ?? 'stripe',
      replicas: p.replicas ?? Math.min(3, p.hosts.length),
      nodes: p.hosts.map((name) => {
        const h = hosts.find((x) => x.name === name)!;
        return { host: name, disks: h.vm ? h.vm.passthroughDisks.map((d) => guestDiskLink(passthroughSerial(d))) : [...(h.disks ?? [])] };
      }),
    })),
    clusterSite,
    ingressIP,
    stateVersion: inv.nix?.stateVersion ?? '24.11',
    nixpkgs: inv.nix?.nixpkgs ?? 'github:NixOS/nixpkgs/nixos-24.11',
    timezone: inv.nix?.timezone ?? 'UTC',
  };
}

/**
 * The bridge VLANs of a router (see {@link ResolvedRouter.bridgeVlans}); none when no network has a
 * VLAN. A port without an entry in `ports` carries the network without a VLAN untagged and every
 * VLAN network tagged; a port with one carries exactly what it names.
 */
function resolveBridgeVlans(nets: readonly ResolvedNetwork[], lanPorts: readonly string[], ports: readonly { name: string; untagged?: string; tagged?: readonly string[] }[]): ResolvedBridgeVlan[] {
  if (!nets.some((n) => n.vlan !== undefined)) return [];
  const used = new Set(nets.map((n) => n.vlan).filter((v): v is number => v !== undefined));
  let untaggedVlan = 1;
  while (used.has(untaggedVlan)) untaggedVlan++;
  return nets.map((n) => ({
    network: n.name,
    vlan: n.vlan ?? untaggedVlan,
    ports: lanPorts.flatMap((p) => {
      const spec = ports.find((x) => x.name === p);
      const untagged = spec ? spec.untagged === n.name : n.vlan === undefined;
      const tagged = spec ? (spec.tagged ?? []).includes(n.name) : n.vlan !== undefined;
      return untagged ? [`${p}:u*`] : tagged ? [`${p}:t`] : [];
    }),
  }));
}

function resolveVm(vm: VmSpec, proxmox: ProxmoxSpec): ResolvedVm {
  const node = proxmox.nodes.find((n) => n.name === vm.node)!;
  return {
    ...vm,
    proxmox,
    nodeSpec: { name: node.name, datastore: node.datastore ?? 'local-lvm', imageDatastore: node.imageDatastore ?? 'local', bridge: node.bridge ?? 'vmbr0' },
    cores: vm.cores ?? 2,
    sockets: vm.sockets ?? 1,
    memoryMiB: vm.memoryMiB ?? 4096,
    cpuType: vm.cpuType ?? 'host',
    numa: vm.numa ?? [],
    dataDisksGiB: vm.dataDisksGiB ?? [],
    passthroughDisks: vm.passthroughDisks ?? [],
    onBoot: vm.onBoot ?? true,
    systemDiskGiB: vm.systemDisk.sizeGiB ?? 32,
  };
}

function isIn(ip: string, cidr: Cidr): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && n >= cidr.network && n < cidr.network + cidr.size;
}

