/**
 * The L3's one job towards the constructs: turn the resolved inventory into their
 * documented props. Nothing here builds objects; every construct works without it.
 */
import { IConstruct } from 'constructs';
import { AppVolume, ClusterAppProps } from '../constructs/cluster-app';
import { CertIssuer, IngressRouting, OAuthIngressProps } from '../constructs/oauth-ingress';
import { NixHostVMProps } from '../constructs/nix-host-vm';
import { IOpenEBSPool, OpenEBSPoolProps } from '../constructs/openebs-pool';
import { ResticBackedAppProps, ResticRepository } from '../constructs/restic-backed-app';
import { Model, ResolvedApp, ResolvedHost, ResolvedPool } from '../model/derive';
import { sopsSecretPath } from '../core/secrets';
import { ProxmoxProvider, ProxmoxVirtualEnvironmentDownloadFile } from '../terraform/providers/proxmox';
import { ClusterSpec } from '../model/inventory';
import { StorageLock } from '../model/storage-lock';
import { HomelabProblem, oneOf } from '../core/errors';

/** The OAuthIngress settings of an app (without its Service) from the cluster settings. @internal */
export function ingressOptions(app: ResolvedApp, cluster: ClusterSpec | undefined): Omit<OAuthIngressProps, 'service'> | undefined {
  const ingress = app.ingress;
  if (!ingress) return undefined;
  const admin = ingress.admin;
  return {
    host: ingress.host,
    issuer: CertIssuer.clusterIssuer(cluster?.certIssuer ?? 'letsencrypt'),
    routing: cluster?.platform ? IngressRouting.TRAEFIK_INGRESS_ROUTE : IngressRouting.INGRESS,
    ingressClass: cluster?.ingressClass ?? 'traefik',
    ...(admin ? {
      forwardAuth: {
        allowedEmails: admin.allowedEmails ?? cluster?.platform?.oauth?.allowedEmails ?? [],
        allowedGroups: admin.allowedGroups ?? [],
      },
    } : {}),
  };
}

/**
 * The props of an app's {@link ClusterApp}. A volume or database naming a pool without an
 * OpenEBSPool in `pools` is reported by `onMissingPool` (the model rules catch it first).
 * @internal
 */
export function clusterAppProps(app: ResolvedApp, cluster: ClusterSpec | undefined, pools: readonly IOpenEBSPool[], onMissingPool?: (what: string, pool: string) => void): ClusterAppProps {
  const pool = (what: string, name: string | undefined) => {
    if (name === undefined) return undefined;
    const found = pools.find((p) => p.poolName === name);
    if (!found) onMissingPool?.(what, name);
    return found;
  };
  const volumes: AppVolume[] = (app.volumes ?? []).map((v) => ({
    name: v.name, mountPath: v.mountPath, sizeGiB: v.sizeGiB, pool: pool(`volume ${JSON.stringify(v.name)}`, v.pool), storageClassName: v.storageClass,
  }));
  const d = app.database;
  return {
    name: app.name,
    namespace: app.namespace,
    image: app.image,
    port: app.port,
    replicas: app.replicas,
    env: app.env,
    secretEnv: app.secretEnv,
    volumes,
    runAsUser: app.runAsUser,
    cpuMillis: app.cpuMillis,
    memoryMiB: app.memoryMiB,
    tmpVolume: app.tmpVolume,
    database: d && {
      engine: d.engine, image: d.image, toolsImage: d.toolsImage, name: d.name, user: d.user, passwordSecret: d.passwordSecret, sizeGiB: d.sizeGiB,
      pool: pool('database', d.pool), storageClassName: d.storageClass, volume: d.volume, file: d.file,
    },
    ingress: ingressOptions(app, cluster),
  };
}

/** The props of a backed-up app's {@link ResticBackedApp} (`app.backups` must be set). @internal */
export function resticBackedAppProps(app: ResolvedApp, cluster: ClusterSpec | undefined, pools: readonly IOpenEBSPool[], onMissingPool?: (what: string, pool: string) => void): ResticBackedAppProps {
  const b = app.backup!;
  return {
    ...clusterAppProps(app, cluster, pools, onMissingPool),
    repository: ResticRepository.fromUrl({
      repositoryUrl: b.repository,
      passwordSecretName: b.passwordSecret,
      accessKeyIdSecretName: b.keyIdSecret,
      secretAccessKeySecretName: b.keySecret,
    }),
    backupSchedule: b.schedule,
    backupRetention: b.retention,
    backupVolumes: b.volumes,
    backupQuiesce: b.quiesce,
    checkSchedule: b.checkSchedule,
    checkReadDataSubset: b.readDataSubset,
    pingUrlSecret: b.pingUrlSecret,
    resticImage: b.resticImage,
    backupAlerts: cluster?.platform !== undefined,
  };
}

/** Collects a problem (construct path of the app, `ClusterApp.volumes` or `.database`) for each pool an app names that has no OpenEBSPool. @internal */
export function missingPoolReporter(pools: readonly IOpenEBSPool[], problems: HomelabProblem[]): { report: (what: string, pool: string) => void; attach: (scope: IConstruct) => void } {
  const missing: [string, string][] = [];
  return {
    report: (what, pool) => missing.push([what, pool]),
    attach: (scope) => {
      for (const [what, pool] of missing) {
        problems.push(new HomelabProblem(scope.node.path, what === 'database' ? 'ClusterApp.database.pool' : 'ClusterApp.volumes.pool',
          `${what} names a pool the homelab has no OpenEBSPool for`, pool,
          oneOf(pools.map((p) => p.poolName), 'a pool of inventory.storagePools, which need cluster.platform (the homelab has none), or a storageClass instead of pool')));
      }
    },
  };
}

/** The props of a storage pool's {@link OpenEBSPool}. @internal */
export function openEBSPoolProps(pool: ResolvedPool, lock: StorageLock, lockFile: string): OpenEBSPoolProps {
  return { name: pool.name, engine: pool.engine, layout: pool.layout, replicas: pool.replicas, nodes: pool.nodes, lock, lockFile };
}

/** A system disk image to download to a Proxmox node: what {@link IVmImageSource.imageFor} is asked for. */
export interface VmImageDownload {
  /** The site whose Proxmox cluster holds the node. */
  readonly site: string;
  /** The Proxmox node. */
  readonly node: string;
  /** Datastore the image is downloaded to (content type `import`). */
  readonly datastore: string;
  /** http(s) URL of an uncompressed qcow2/raw image. */
  readonly url: string;
  /** Expected sha256 of the file (hex). @default - not checked */
  readonly sha256?: string;
  /** File name in the datastore. @default - the last segment of the URL's path */
  readonly fileName?: string;
}

/**
 * Where the homelab's VMs get their system disk images and Proxmox providers. The homelab's
 * Terraform stack is one (`lab.stack`): your own `NixHostVM`s there can share its downloads.
 */
export interface IVmImageSource {
  /** The download of the image to the node (once per node and file), as the VM's `image`. */
  imageFor(image: VmImageDownload): ProxmoxVirtualEnvironmentDownloadFile;
  /** The provider for the Proxmox cluster of a site. */
  proxmoxProvider(site: string): ProxmoxProvider;
}

/** The props of the {@link NixHostVM} of a host with `vm`. @internal */
export function nixHostVMProps(model: Model, host: ResolvedHost, images: IVmImageSource): NixHostVMProps {
  const vm = host.vm!;
  return {
    hostName: host.name,
    domain: host.net.domain,
    node: vm.node,
    vmId: vm.vmId,
    provider: images.proxmoxProvider(host.site),
    address: `${host.ip}/${host.net.prefix}`,
    gateway: host.net.gateway,
    nameservers: host.net.nameservers,
    admins: host.adminUsers.map((a) => ({ name: a.name, sshKeys: a.sshKeys, ...(a.hashedPasswordSecret ? { hashedPasswordFile: sopsSecretPath(a.hashedPasswordSecret, true) } : {}) })),
    cores: vm.cores,
    sockets: vm.sockets,
    memoryMiB: vm.memoryMiB,
    cpuType: vm.cpuType,
    cpuAffinity: vm.cpuAffinity,
    numa: vm.numa,
    datastore: vm.nodeSpec.datastore,
    systemDiskGiB: vm.systemDiskGiB,
    systemDiskDatastore: vm.systemDisk.datastore ?? vm.nodeSpec.datastore,
    image: vm.systemDisk.image ? images.imageFor({ site: host.site, node: vm.node, datastore: vm.nodeSpec.imageDatastore, ...vm.systemDisk.image }) : undefined,
    clone: vm.systemDisk.clone,
    dataDisksGiB: vm.dataDisksGiB,
    passthroughDisks: vm.passthroughDisks,
    bridge: vm.nodeSpec.bridge,
    vlan: host.net.vlan,
    macAddress: host.mac,
    interfaceName: host.interface,
    onBoot: vm.onBoot,
    tags: ['homelab-cdk', host.site, ...(host.k3s ? [`k3s-${host.k3s}`] : [])],
    description: `homelab-cdk: host ${host.fqdn} of homelab ${model.name}; NixOS from nixos/hosts/${host.name}.nix`,
    stateVersion: model.stateVersion,
    timeZone: model.timezone,
  };
}
