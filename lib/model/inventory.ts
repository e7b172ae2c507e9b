/**
 * The typed homelab inventory: plain, readonly data that every emitter reads.
 *
 * Nothing here holds a secret value. Secrets are declared by name in
 * {@link Inventory.secrets} and referenced by that name; each output turns the
 * reference into its own kind of pointer (a Kubernetes `secretKeyRef`, a
 * sops-nix path, a Terraform sensitive variable, a UCI placeholder).
 */

/** A secret, declared once by name. Its value never enters the model. */
export interface SecretSpec {
  /** Lowercase DNS-1123 label, e.g. `k3s-token`. */
  readonly name: string;
  /** What the secret is for; shown in the README of the outputs. */
  readonly description?: string;
}

/** An administrator account that exists on every NixOS host and router. */
export interface AdminSpec {
  /** Unix user name, e.g. `manfred`. */
  readonly name: string;
  /** OpenSSH public keys (`ssh-ed25519 AAAA... comment`). Key-only login. */
  readonly sshKeys: readonly string[];
  /**
   * Secret holding the user's hashed password (for sudo), delivered by sops-nix.
   * @default - no password: the user logs in with ssh keys and cannot use sudo
   */
  readonly hashedPasswordSecret?: string;
}

/** A DHCP pool inside a network, both ends inclusive. */
export interface DhcpRangeSpec {
  readonly start: string;
  readonly end: string;
  /** @default '12h' */
  readonly leaseTime?: string;
}

/** An IPv4 network at a site (a LAN, a VLAN). */
export interface NetworkSpec {
  /** Lowercase name, e.g. `lan`. Also the OpenWrt interface name. */
  readonly name: string;
  /** IPv4 network in CIDR form, e.g. `10.0.100.0/24`. */
  readonly cidr: string;
  /** 802.1Q VLAN id (1-4094). @default - untagged */
  readonly vlan?: number;
  /** Default gateway; the site router's address on this network. */
  readonly gateway: string;
  /** DNS domain of this network, e.g. `home.example.org`. */
  readonly domain: string;
  /** Nameservers handed to hosts. @default - the gateway */
  readonly nameservers?: readonly string[];
  /** DHCP pool served by the router. @default - no DHCP on this network */
  readonly dhcp?: DhcpRangeSpec;
  /**
   * Addresses the cluster's load balancer (MetalLB) hands to Services, both ends inclusive.
   * Must not overlap the DHCP pool or any static address. @default - none
   */
  readonly loadBalancerPool?: { readonly start: string; readonly end: string };
  /**
   * An untrusted network (IoT, guest): on its router it is a firewall zone of its own whose devices
   * reach the internet and, on the router, only DHCP and DNS; no other network of the homelab, here
   * or over the mesh, unless `allowTo` names it. Trusted networks may reach it.
   * @default false
   */
  readonly isolated?: boolean;
  /**
   * Where this network's devices may open connections, besides the internet: names of other
   * networks on the same router, and `'mesh'` for the other sites' networks over WireGuard.
   * Replaces the default.
   * @default - a trusted network: every other network of its router and the mesh; an isolated one: none
   */
  readonly allowTo?: readonly string[];
}

/** k3s role of a host. */
export type K3sRole = 'server' | 'agent';

/** What a host runs on. */
export type HostKind = 'metal' | 'vm';

/**
 * A k3s node that runs in a container on a host, on a macvlan of the host's
 * interface with its own static address (seed 002's layout). Servers run in a
 * NixOS container (`containers.<name>`), agents in a privileged podman
 * container (`virtualisation.oci-containers`), because an agent needs
 * privileges a NixOS container does not give.
 */
export interface K3sContainerSpec {
  /** Container name, also its hostname (DNS-1123 label; unique across the homelab, like hostnames). */
  readonly name: string;
  readonly role: K3sRole;
  /** This server initializes the cluster (`clusterInit`). @default false */
  readonly init?: boolean;
  /** Static IPv4 address on the host's network. */
  readonly ip: string;
}

/** Where a VM's system disk comes from. Exactly one of `clone` and `image`. */
export interface VmSystemDiskSpec {
  /** Size in GiB. @default 32 */
  readonly sizeGiB?: number;
  /** Datastore for the disk. @default - the node's `datastore` */
  readonly datastore?: string;
  /** Clone this template VM (full clone). */
  readonly clone?: { readonly vmId: number; readonly node?: string };
  /** Download this disk image to the node and import it. */
  readonly image?: {
    /** http(s) URL of an uncompressed qcow2/raw image (a NixOS Proxmox or cloud image). */
    readonly url: string;
    /** Expected sha256 of the file (hex). @default - not checked */
    readonly sha256?: string;
    /** File name in the datastore; must end in `.img`, `.qcow2` or `.raw`. @default - from the URL */
    readonly fileName?: string;
  };
}

/** A guest NUMA node, pinned to host NUMA nodes (seed 001). */
export interface VmNumaSpec {
  /** Guest vCPUs of this node, e.g. `0-3`. */
  readonly cpus: string;
  readonly memoryMiB: number;
  /** Host NUMA nodes, e.g. `0`. @default - any */
  readonly hostNodes?: string;
  /** @default 'preferred' */
  readonly policy?: 'preferred' | 'bind' | 'interleave';
}

/** A Proxmox VM that runs the host (see `NixHostVM`). */
export interface VmSpec {
  /** Proxmox node name; one of the site's `proxmox.nodes`. */
  readonly node: string;
  /** Proxmox VM id (100-999999999), stable so that Terraform never re-creates the VM by accident. */
  readonly vmId: number;
  /** @default 2 */
  readonly cores?: number;
  /** @default 1 */
  readonly sockets?: number;
  /** @default 4096 */
  readonly memoryMiB?: number;
  /** CPU model. @default 'host' */
  readonly cpuType?: string;
  /** Host CPU cores the vCPUs run on, e.g. `0-3` (needs a root@pam token). @default - not pinned */
  readonly cpuAffinity?: string;
  /** Guest NUMA topology; turns on `cpu.numa`. @default - none */
  readonly numa?: readonly VmNumaSpec[];
  readonly systemDisk: VmSystemDiskSpec;
  /** Extra empty disks in GiB, on the node's datastore. @default [] */
  readonly dataDisksGiB?: readonly number[];
  /** Host block devices passed through whole, by `/dev/disk/by-id/...` (e.g. for a storage pool). @default [] */
  readonly passthroughDisks?: readonly string[];
  /** Start the VM when the node boots. @default true */
  readonly onBoot?: boolean;
}

/** A Proxmox VE node at a site. */
export interface ProxmoxNodeSpec {
  /** Node name as Proxmox knows it (`pvecm nodes`). */
  readonly name: string;
  /** Datastore for VM disks. @default 'local-lvm' */
  readonly datastore?: string;
  /** Datastore (with `import` content) for downloaded images. @default 'local' */
  readonly imageDatastore?: string;
  /** Bridge VMs attach to. @default 'vmbr0' */
  readonly bridge?: string;
}

/** The Proxmox VE cluster at a site, managed with the bpg/proxmox provider. */
export interface ProxmoxSpec {
  /** API endpoint, e.g. `https://pve.home.example.org:8006/`. */
  readonly endpoint: string;
  /** Secret holding the API token `user@realm!id=uuid` (a Terraform sensitive variable). */
  readonly apiTokenSecret: string;
  /** Accept a self-signed API certificate. @default false */
  readonly insecure?: boolean;
  readonly nodes: readonly ProxmoxNodeSpec[];
}

/** A NixOS machine. */
export interface HostSpec {
  /** Hostname (DNS-1123 label). */
  readonly name: string;
  /** Name of the network (at the same site) the host's primary interface is on. */
  readonly network: string;
  /** Static IPv4 address inside that network. */
  readonly ip: string;
  /** Primary interface name. Hosts with a MAC get it by a systemd .link match. @default - 'ens18' on VMs (Proxmox's first virtio NIC), else 'eth0' */
  readonly interface?: string;
  /**
   * MAC address of the primary interface, `aa:bb:cc:dd:ee:ff`.
   * @default - VMs get a stable, locally administered MAC derived from the homelab and host names; metal hosts get no DHCP reservation
   */
  readonly mac?: string;
  /** @default 'metal' */
  readonly kind?: HostKind;
  /** k3s role. @default - not a cluster node */
  readonly k3s?: K3sRole;
  /** The server that initializes the cluster (`clusterInit`). Exactly one server has it. @default false */
  readonly k3sInit?: boolean;
  /** Kubernetes node labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes node taints, `key=value:Effect`. @default [] */
  readonly taints?: readonly string[];
  /**
   * The Proxmox VM this host runs in; implies `kind: 'vm'`.
   * @default - not managed by Terraform (metal, or a VM made elsewhere)
   */
  readonly vm?: VmSpec;
  /**
   * Put the host's own address on a macvlan of {@link interface} (as seed 002 does), so the host
   * can reach its macvlan containers. @default - true when the host has k3s containers
   */
  readonly macvlan?: boolean;
  /** k3s nodes in containers on this host (seed 002). @default [] */
  readonly k3sContainers?: readonly K3sContainerSpec[];
  /** Admin users (by name) on this host. @default - every admin */
  readonly admins?: readonly string[];
  /**
   * Whole data disks of a bare-metal host for storage pools, by `/dev/disk/by-id/...` as the host
   * sees them (VMs use `vm.passthroughDisks` instead). @default []
   */
  readonly disks?: readonly string[];
  /** Free-form facts about the host (extra CSV plan columns); written to `/etc/homelab/metadata.json`, never interpreted. @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A wireless network on an OpenWrt router. */
export interface WifiSpec {
  readonly ssid: string;
  /** Network the wireless interface bridges into. */
  readonly network: string;
  /** Secret holding the WPA passphrase. */
  readonly keySecret: string;
  /** @default 'sae-mixed' */
  readonly encryption?: 'psk2' | 'sae' | 'sae-mixed';
  /** OpenWrt radio device. @default 'radio0' */
  readonly device?: string;
}

/** Wi-Fi bands of an OpenWrt radio (`wifi-device` option `band`). */
export type RadioBand = '2g' | '5g' | '6g' | '60g';

/**
 * A radio of the router's board (a `wifi-device` section that OpenWrt creates at first boot, e.g.
 * `radio0`), turned on with this band, channel and country. `deploy.sh` refuses a router that has no
 * radio of this name, or whose radio is for another band.
 */
export interface RadioSpec {
  /** The board's `wifi-device` section, e.g. `radio0` (`uci show wireless` on the router lists them). */
  readonly name: string;
  /** @see https://openwrt.org/docs/guide-user/network/wifi/basic */
  readonly band: RadioBand;
  /** A channel number valid for the band, or `auto`. @default 'auto' */
  readonly channel?: number | 'auto';
  /** ISO 3166-1 alpha-2 country code for the regulatory domain, e.g. `DE`. */
  readonly country: string;
}

/**
 * What one LAN port carries. Ports of `lanPorts` without an entry carry the router's network
 * without a VLAN untagged and every VLAN network tagged.
 */
export interface RouterPortSpec {
  /** A port of `lanPorts`, e.g. `lan4`. */
  readonly name: string;
  /** The network the port carries untagged (an access port; the port's PVID). @default - none */
  readonly untagged?: string;
  /** Networks with a VLAN the port carries tagged (a trunk). @default [] */
  readonly tagged?: readonly string[];
}

/** An OpenWrt router; it is the gateway of the networks it serves. */
export interface RouterSpec {
  readonly name: string;
  /** Networks (by name, same site) this router serves: it owns their gateway address and DHCP. */
  readonly networks: readonly string[];
  /** Physical LAN ports of the router's bridge (DSA names); see {@link ports} for what each carries. @default ['lan1','lan2','lan3','lan4'] */
  readonly lanPorts?: readonly string[];
  /** WAN device. @default 'wan' */
  readonly wanDevice?: string;
  /** Management address used by the deploy script. @default - the gateway of the first network */
  readonly address?: string;
  /** @default 'UTC' */
  readonly timezone?: string;
  readonly wifi?: readonly WifiSpec[];
  /** The radios the Wi-Fi networks use; each is enabled. Every radio a `wifi` entry names must be declared here. @default [] */
  readonly radios?: readonly RadioSpec[];
  /** Per-port networks (access and trunk ports). @default - every port: the network without a VLAN untagged, every VLAN network tagged */
  readonly ports?: readonly RouterPortSpec[];
  /** TCP ports forwarded from WAN to the cluster ingress. @default [80, 443] when the site has public apps */
  readonly forwardPorts?: readonly number[];
  /** This router's place in the WireGuard mesh ({@link Inventory.wireguard}). @default - not in the mesh */
  readonly wireguard?: RouterWireguardSpec;
}

/** A router's WireGuard identity in the site mesh. */
export interface RouterWireguardSpec {
  /** Tunnel address inside the mesh network, e.g. `10.255.0.1`. */
  readonly address: string;
  /** The router's WireGuard public key (`wg pubkey`; not a secret). */
  readonly publicKey: string;
  /** Secret holding the private key (filled in by `deploy.sh`). */
  readonly privateKeySecret: string;
  /**
   * Host name or IPv4 address peers connect to.
   * @default - the site's publicIPv4; without one, this router only dials out
   */
  readonly endpoint?: string;
}

/** The WireGuard mesh joining every site's router to every other (seed 004 used tinc). */
export interface WireguardMeshSpec {
  /** Tunnel network, e.g. `10.255.0.0/24`; must not overlap any site network. */
  readonly cidr: string;
  /** UDP port every router listens on. @default 51820 */
  readonly listenPort?: number;
  /** Keepalive in seconds, so peers behind NAT stay reachable. @default 25 */
  readonly persistentKeepalive?: number;
}

/** A physical location with its own networks, hosts and routers. */
export interface SiteSpec {
  readonly name: string;
  /** Public IPv4 address (for DNS records of public apps). @default - no public apps at this site */
  readonly publicIPv4?: string;
  /**
   * Address of the cluster's ingress on the LAN. With `cluster.platform` it is Traefik's MetalLB
   * address and must lie in a network's `loadBalancerPool`.
   * @default - with the platform, the first address of the site's first load-balancer pool; else the init server's IP (k3s servicelb)
   */
  readonly ingressIP?: string;
  readonly networks: readonly NetworkSpec[];
  readonly hosts?: readonly HostSpec[];
  readonly routers?: readonly RouterSpec[];
  /** The Proxmox VE cluster hosting this site's VMs. @default - no VMs managed here */
  readonly proxmox?: ProxmoxSpec;
}

/** A persistent volume of an app. */
export interface VolumeSpec {
  readonly name: string;
  readonly mountPath: string;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** @default - the pool's StorageClass with `pool`, else the cluster's default StorageClass */
  readonly storageClass?: string;
  /** A storage pool of `inventory.storagePools` (by name): the volume uses its StorageClass. @default - none */
  readonly pool?: string;
}

/** How an app is reached over HTTP(S) (see `OAuthIngress`). */
export interface IngressSpec {
  /** Fully qualified hostname, e.g. `photos.example.org`. */
  readonly host: string;
  /** Public hosts get a Cloudflare DNS record; internal ones are resolved by the site router. @default false */
  readonly public?: boolean;
  /**
   * Admin-only: oauth2-proxy signs the user in (browser redirect) before any request reaches the
   * app, and lets only these people through. Needs `cluster.platform.oauth`.
   * @default - open to anyone who can reach the host
   */
  readonly admin?: AdminAccessSpec;
}

/**
 * Who may use an admin-only app. At least one list is non-empty. oauth2-proxy checks both lists:
 * with both set, a user needs one of the emails AND one of the groups.
 */
export interface AdminAccessSpec {
  /** Email addresses allowed in. @default - `cluster.platform.oauth.allowedEmails` */
  readonly allowedEmails?: readonly string[];
  /** Provider groups allowed in (e.g. GitHub `org:team`, OIDC groups). @default [] */
  readonly allowedGroups?: readonly string[];
}

/** oauth2-proxy in front of admin-only apps. */
export interface OAuthSpec {
  /** oauth2-proxy provider. */
  readonly provider: 'github' | 'google' | 'gitlab' | 'oidc' | 'keycloak-oidc';
  /** OIDC issuer URL; required for `oidc` and `keycloak-oidc`. */
  readonly oidcIssuerUrl?: string;
  /** Secret holding the OAuth client id. */
  readonly clientIdSecret: string;
  /** Secret holding the OAuth client secret. */
  readonly clientSecretSecret: string;
  /** Secret holding the cookie secret (32 random bytes, base64). */
  readonly cookieSecretSecret: string;
  /** Emails admin-only apps allow when they name none themselves. @default [] */
  readonly allowedEmails?: readonly string[];
}

/** Shared services of the cluster, installed through k3s's Helm controller. */
export interface PlatformSpec {
  /** ACME account email for Let's Encrypt. */
  readonly acmeEmail: string;
  /** Use Let's Encrypt's staging CA (untrusted certificates, generous rate limits). @default false */
  readonly acmeStaging?: boolean;
  /** oauth2-proxy for admin-only apps. @default - none; admin-only apps are then a synth error */
  readonly oauth?: OAuthSpec;
}

/** An application running on the cluster. */
export interface AppSpec {
  /** DNS-1123 label; also the namespace unless {@link namespace} is set. */
  readonly name: string;
  /** @default - the app name */
  readonly namespace?: string;
  /** Container image with a tag or digest. */
  readonly image: string;
  /** Container port serving HTTP. */
  readonly port: number;
  /** @default 1 */
  readonly replicas?: number;
  /** Plain environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from declared secrets: `ENV_NAME: 'secret-name'`. @default {} */
  readonly secretEnv?: Readonly<Record<string, string>>;
  readonly volumes?: readonly VolumeSpec[];
  readonly ingress?: IngressSpec;
  /** UID the container runs as (non-root). @default 1000 */
  readonly runAsUser?: number;
  /** CPU request in millicores (limit: ten times). @default 100 */
  readonly cpuMillis?: number;
  /** Memory request in MiB (limit: twice). @default 256 */
  readonly memoryMiB?: number;
  /** Mount a writable emptyDir at /tmp (the root filesystem is read-only). @default true */
  readonly tmpVolume?: boolean;
  /**
   * The app's database. Server engines run next to the app (a StatefulSet `<app>-db` and its
   * Service); the app reads `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` and `DB_PASSWORD`, which
   * come first in its environment, so `env` values can use them as `$(DB_HOST)`.
   * @default - none
   */
  readonly database?: DatabaseSpec;
  /** Restic backups of the database and volumes to the homelab's B2 bucket (see `ResticBackedApp`). @default - none */
  readonly backup?: AppBackupSpec;
}

/** Database engines {@link ResticBackedApp} runs and dumps consistently. */
export type DatabaseEngine = 'postgresql' | 'mysql' | 'mariadb' | 'sqlite';

/** An app's database. */
export interface DatabaseSpec {
  readonly engine: DatabaseEngine;
  /**
   * Server image (postgresql, mysql, mariadb), pinned; its client tools take the dumps.
   * @default 'docker.io/library/postgres:16.4', 'docker.io/library/mysql:8.4.2', 'docker.io/library/mariadb:11.4.3'
   */
  readonly image?: string;
  /** Image with the `sqlite3` command (sqlite). @default 'docker.io/keinos/sqlite3:3.46.1' */
  readonly toolsImage?: string;
  /** Database name (server engines). @default - the app name, with "-" as "_" */
  readonly name?: string;
  /** Database user (server engines). @default - the app name, with "-" as "_" */
  readonly user?: string;
  /** Declared secret holding the user's password (server engines; also the server's root/superuser password). */
  readonly passwordSecret?: string;
  /** Size of the server's data volume in GiB. @default 10 */
  readonly sizeGiB?: number;
  /** Storage pool of the server's data volume. @default - `storageClass`, else the cluster default */
  readonly pool?: string;
  readonly storageClass?: string;
  /** sqlite: the app volume that holds the database file. */
  readonly volume?: string;
  /** sqlite: the database file, relative to that volume, e.g. `app.db`. */
  readonly file?: string;
}

/** How many snapshots `restic forget --prune` keeps, per backed-up part. */
export interface RetentionSpec {
  /** `--keep-last`. @default - unset */
  readonly keepLast?: number;
  /** `--keep-daily`. @default 7 */
  readonly keepDaily?: number;
  /** `--keep-weekly`. @default 4 */
  readonly keepWeekly?: number;
  /** `--keep-monthly`. @default 6 */
  readonly keepMonthly?: number;
  /** `--keep-yearly`. @default - unset */
  readonly keepYearly?: number;
  /**
   * Days B2 keeps the file versions `prune` deletes (the bucket's lifecycle rule for the app's
   * prefix): the window in which a wrongly pruned or maliciously deleted backup can be undeleted.
   * @default - `inventory.backup.keepDeletedDays`, else 30
   */
  readonly keepDeletedDays?: number;
}

/** Stops writes to plain volumes while they are backed up. */
export type QuiesceSpec =
  /** Scale the app's Deployment to zero for the backup, then back (a short outage every run). */
  | { readonly mode: 'scale-to-zero' }
  /**
   * Shell commands run in the backup container before and after (`post` also after a failure),
   * e.g. `wget -q -O- --post-data= http://app/api/maintenance/on`.
   */
  | { readonly mode: 'hook'; readonly pre: string; readonly post?: string };

/** Restic backups of one app. */
export interface AppBackupSpec {
  /**
   * Declared secret holding the restic repository password. Keep a copy outside the homelab:
   * without it no snapshot can be read.
   */
  readonly passwordSecret: string;
  /** Cron schedule (5 fields, UTC). @default '0 3 * * *' */
  readonly schedule?: string;
  readonly retention?: RetentionSpec;
  /** Volumes to back up, by name. @default - every volume of the app */
  readonly volumes?: readonly string[];
  /** @default - none: files are read while the app runs (a crash-consistent copy at best) */
  readonly quiesce?: QuiesceSpec;
  /** `restic check --read-data-subset`: cron schedule and how much of the data it reads. @default '30 4 * * 0', '5%' */
  readonly check?: { readonly schedule?: string; readonly readDataSubset?: string };
  /** Declared secret holding a dead-man URL (healthchecks.io style) pinged after each successful backup. @default - none */
  readonly pingUrlSecret?: string;
  /**
   * A B2 bucket of the app's own, which Terraform creates like the homelab's (private, encrypted,
   * the lifecycle rule for `<app>/`), e.g. for data with another owner or billing. The repository
   * is `<bucket>/<app>` there too, and the app's key is limited to it.
   * @default - the homelab's bucket (`inventory.backup.bucket`)
   */
  readonly bucket?: string;
}

/** Cloudflare DNS for public app hostnames. */
export interface DnsSpec {
  /** The zone, e.g. `example.org`. Public hosts must be inside it. */
  readonly zone: string;
  /** Cloudflare zone id (not a secret). */
  readonly zoneId: string;
  /** Secret holding the Cloudflare API token (Terraform sensitive variable). */
  readonly apiTokenSecret: string;
  /** Proxy records through Cloudflare. @default false */
  readonly proxied?: boolean;
}

/** Backblaze B2 storage for backups. */
export interface BackupSpec {
  /** Globally unique bucket name (6-63 chars, letters, digits, hyphens). */
  readonly bucket: string;
  /** Days to keep hidden (deleted or overwritten) file versions. @default 30 */
  readonly keepDeletedDays?: number;
  /** Secret holding the B2 key id Terraform uses. */
  readonly keyIdSecret: string;
  /** Secret holding the B2 application key Terraform uses. */
  readonly keySecret: string;
  /** B2 region of the bucket (its S3 endpoint is `https://s3.<region>.backblazeb2.com`). @default 'us-west-004' */
  readonly region?: string;
  /** Restic image of the backup jobs (pinned). @default 'docker.io/restic/restic:0.17.3' */
  readonly resticImage?: string;
}

/** The k3s cluster. */
export interface ClusterSpec {
  /** Secret holding the k3s join token (sops-nix on hosts). */
  readonly tokenSecret: string;
  /** ClusterIssuer name used for app certificates. @default 'letsencrypt' */
  readonly certIssuer?: string;
  /** Ingress class. @default 'traefik' */
  readonly ingressClass?: string;
  /** k3s release for podman agents (`rancher/k3s:<version>`), e.g. `v1.30.4+k3s1`. @default 'v1.30.4+k3s1' */
  readonly k3sVersion?: string;
  /**
   * Traefik, cert-manager, MetalLB and oauth2-proxy as HelmCharts, CRDs first (k3s's bundled
   * Traefik and servicelb are then disabled on the servers).
   * @default - none: apps rely on k3s's bundled Traefik and an existing ClusterIssuer
   */
  readonly platform?: PlatformSpec;
}

/**
 * Where Terraform keeps its state. Never inside the cluster it builds: a
 * backend whose endpoint is an app of this homelab is a synth error.
 */
export type StateBackendSpec =
  | {
    readonly type: 's3';
    /** Bucket for the state (created by hand or by another stack, before the first deploy). */
    readonly bucket: string;
    /** Object key. @default '<homelab>/terraform.tfstate' */
    readonly key?: string;
    /** S3 endpoint URL. @default - Backblaze B2 in `region`: `https://s3.<region>.backblazeb2.com` */
    readonly endpoint?: string;
    /** @default 'us-west-004' */
    readonly region?: string;
  }
  | {
    readonly type: 'local';
    /** State file path, relative to the project root. @default 'terraform.<homelab>.tfstate' */
    readonly path?: string;
  };

/** NixOS-wide settings. */
export interface NixSpec {
  /** `system.stateVersion`. @default '24.11' */
  readonly stateVersion?: string;
  /** nixpkgs flake input URL. @default 'github:NixOS/nixpkgs/nixos-24.11' */
  readonly nixpkgs?: string;
  /** Timezone of hosts. @default 'UTC' */
  readonly timezone?: string;
}

/** The whole homelab. */
export interface Inventory {
  /** DNS-1123 label; names the Terraform stack. */
  readonly name: string;
  readonly sites: readonly SiteSpec[];
  readonly admins: readonly AdminSpec[];
  readonly secrets?: readonly SecretSpec[];
  readonly cluster?: ClusterSpec;
  readonly apps?: readonly AppSpec[];
  readonly dns?: DnsSpec;
  readonly backup?: BackupSpec;
  readonly nix?: NixSpec;
  /** Terraform state backend. @default - local file `terraform.<name>.tfstate` in the project root */
  readonly stateBackend?: StateBackendSpec;
  /** The WireGuard mesh between site routers (routers opt in with `wireguard`). @default - no mesh */
  readonly wireguard?: WireguardMeshSpec;
  /** Services outside the four outputs that bringing the homelab up depends on. @default {} */
  readonly bootstrap?: BootstrapSpec;
  /** OpenEBS storage pools. @default [] */
  readonly storagePools?: readonly StoragePoolSpec[];
}

/** OpenEBS storage engine of a pool. */
export type StorageEngine = 'cstor' | 'mayastor';

/** How a cStor pool lays out the disks of each node. */
export type PoolLayout = 'stripe' | 'mirror' | 'raidz' | 'raidz2';

/** A storage pool from the disks the model already knows (see `OpenEBSPool`). */
export interface StoragePoolSpec {
  /** DNS-1123 label; also the StorageClass name. */
  readonly name: string;
  readonly engine: StorageEngine;
  /** k3s nodes whose disks form the pool: VMs' `passthroughDisks`, metal hosts' `disks`. */
  readonly hosts: readonly string[];
  /** cStor only: the raid layout on each node. @default 'stripe' */
  readonly layout?: PoolLayout;
  /** Copies of each volume, on different nodes; at most the number of nodes. @default - min(3, nodes) */
  readonly replicas?: number;
}

/**
 * Services the bring-up depends on besides the Terraform state (see `homelab plan`). None may be
 * served by the cluster being brought up: that is a bootstrap cycle, a synth error.
 */
export interface BootstrapSpec {
  /** Git remote of the homelab's own repository, e.g. `git@github.com:me/homelab.git`. @default - not recorded */
  readonly gitRemote?: string;
  /** URL of the store the secret values come from, when not sops files (e.g. a Vault address). @default - sops-encrypted files */
  readonly secretStore?: string;
}
