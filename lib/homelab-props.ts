/**
 * The L3's one job towards the constructs: turn the resolved inventory into their
 * documented props. Nothing here builds objects; every construct works without it.
 */
import { IConstruct } from 'constructs';
import { AppVolume, ClusterAppProps } from './constructs/cluster-app';
import { CertIssuer, IngressRouting, OAuthIngressProps } from './constructs/oauth-ingress';
import { IOpenEBSPool, OpenEBSPoolProps } from './constructs/openebs-pool';
import { ResticBackedAppProps, ResticRepository } from './constructs/restic-backed-app';
import { ResolvedApp, ResolvedPool } from './model/derive';
import { ClusterSpec } from './model/inventory';
import { StorageLock } from './storage/lock';

/** The OAuthIngress settings of an app (without its Service) from the cluster settings. */
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

/** The props of a backed-up app's {@link ResticBackedApp} (`app.backups` must be set). */
export function resticBackedAppProps(app: ResolvedApp, cluster: ClusterSpec | undefined, pools: readonly IOpenEBSPool[], onMissingPool?: (what: string, pool: string) => void): ResticBackedAppProps {
  const b = app.backups!;
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

/** A validation on `scope` for each pool an app names that has no OpenEBSPool. */
export function missingPoolReporter(pools: readonly IOpenEBSPool[]): { report: (what: string, pool: string) => void; attach: (scope: IConstruct) => void } {
  const missing: string[] = [];
  return {
    report: (what, pool) => missing.push(`${what} names pool ${JSON.stringify(pool)}, which the homelab has no OpenEBSPool for; one of ${JSON.stringify(pools.map((p) => p.poolName))}`),
    attach: (scope) => {
      if (missing.length > 0) {
        const messages = [...missing];
        scope.node.addValidation({ validate: () => messages });
      }
    },
  };
}

/** The props of a storage pool's {@link OpenEBSPool}. */
export function openEBSPoolProps(pool: ResolvedPool, lock: StorageLock, lockFile: string): OpenEBSPoolProps {
  return { name: pool.name, engine: pool.engine, layout: pool.layout, replicas: pool.replicas, nodes: pool.nodes, lock, lockFile };
}
