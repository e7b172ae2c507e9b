/**
 * An application on the k3s cluster: Deployment, Service, PVCs, and when it has
 * an ingress an {@link OAuthIngress} (route, cert-manager Certificate and, with
 * forward-auth, the oauth2-proxy sign-in), and its database server. Every container runs
 * as non-root with a read-only root filesystem; add `RestrictedPodSecurityResolver` to the
 * cdk8s App for the rest of Pod Security "restricted" (seccomp, capabilities).
 */
import { ApiObject, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveDatabase } from '../model/backup';
import { DatabaseEngine } from '../model/inventory';
import { oneOf, ProblemCollector } from '../core/errors';
import { APP_NAME, checkDatabaseNames, checkField, CPU_MILLIS, DNS_LABEL, MEMORY_MIB, MOUNT_PATH, NON_ROOT_UID, PINNED_IMAGE, REPLICAS, TCP_PORT, VOLUME_GIB } from '../model/field-rules';
import { addDatabaseServer, databaseClientEnv, DatabaseConfig, DatabaseServer } from './database';
import { secretEnv } from '../core/secrets';
import { OAuthIngress, OAuthIngressProps } from './oauth-ingress';
import { IOpenEBSPool } from './openebs-pool';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../k8s/security';

/** A persistent volume of a {@link ClusterApp}, mounted into its container. */
export interface AppVolume {
  /** Volume name (a DNS label); the claim is `<app>-<name>`. */
  readonly name: string;
  /** Where the container sees it. */
  readonly mountPath: string;
  /** Size in GiB. */
  readonly sizeGiB: number;
  /** The storage pool the claim's StorageClass comes from. @default - `storageClassName` */
  readonly pool?: IOpenEBSPool;
  /** StorageClass of the claim. @default - the pool's, else the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** The database an app runs next to it (server engines) or in one of its volumes (SQLite). */
export interface AppDatabase {
  /** `postgresql`, `mysql` and `mariadb` run a server `<app>-db`; `sqlite` is a file in a volume. */
  readonly engine: DatabaseEngine;
  /** Server image (its client tools take the dumps). @default - postgres:16.4, mysql:8.4.2 or mariadb:11.4.3 (docker.io/library) */
  readonly image?: string;
  /** Image with `sqlite3` (SQLite). @default 'docker.io/keinos/sqlite3:3.46.1' */
  readonly toolsImage?: string;
  /** Database name (server engines). @default - the app name with "-" as "_" */
  readonly name?: string;
  /** Database user (server engines). @default - the app name with "-" as "_" */
  readonly user?: string;
  /** Kubernetes Secret (key `value`) with the user's password (server engines; also the superuser's). */
  readonly passwordSecret?: string;
  /** Size of the server's data volume in GiB. @default 10 */
  readonly sizeGiB?: number;
  /** Storage pool of the server's data volume. @default - `storageClassName` */
  readonly pool?: IOpenEBSPool;
  /** StorageClass of the server's data volume. @default - the pool's, else the cluster default */
  readonly storageClassName?: string;
  /** SQLite: the app volume holding the database file. @default - none (required for sqlite) */
  readonly volume?: string;
  /** SQLite: the file, relative to that volume, e.g. `app.db`. @default - none (required for sqlite) */
  readonly file?: string;
}

/** How an app is reached over HTTPS: an {@link OAuthIngress} in front of its Service. */
export type AppIngressOptions = Omit<OAuthIngressProps, 'service' | 'servicePort' | 'name' | 'namespace'>;

export interface ClusterAppProps {
  /** Base of every object name (a DNS label). @default - the construct id */
  readonly name?: string;
  /** Namespace written on every object. @default - the name */
  readonly namespace?: string;
  /** Container image with a tag or digest. */
  readonly image: string;
  /** Container port serving HTTP (the Service's port 80 targets it). */
  readonly port: number;
  /** @default 1 */
  readonly replicas?: number;
  /** Plain environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Variables read from Kubernetes Secrets (key `value`): `ENV_NAME: 'secret-name'`. @default {} */
  readonly secretEnv?: Readonly<Record<string, string>>;
  /** Persistent volumes. @default [] */
  readonly volumes?: readonly AppVolume[];
  /** UID and GID the container runs as (non-root). @default 1000 */
  readonly runAsUser?: number;
  /** CPU request in millicores (limit: ten times). @default 100 */
  readonly cpuMillis?: number;
  /** Memory request in MiB (limit: twice). @default 256 */
  readonly memoryMiB?: number;
  /** A writable emptyDir at /tmp (the root filesystem is read-only). @default true */
  readonly tmpVolume?: boolean;
  /**
   * The app's database; the app gets `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER` and
   * `DB_PASSWORD` first in its environment, so `env` can say `$(DB_HOST)`.
   * @default - none
   */
  readonly database?: AppDatabase;
  /** Its HTTPS entry (route, certificate, optional sign-in). @default - none: reachable in the cluster only */
  readonly ingress?: AppIngressOptions;
}


/**
 * A {@link ClusterAppProps} with every default applied (what the objects are built from).
 * @internal
 * @internal
 */
export interface AppConfig {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly env: Readonly<Record<string, string>>;
  readonly secretEnv: Readonly<Record<string, string>>;
  readonly volumes: readonly { readonly name: string; readonly mountPath: string; readonly sizeGiB: number; readonly storageClassName?: string }[];
  readonly runAsUser: number;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  readonly tmpVolume: boolean;
  readonly db?: DatabaseConfig;
  readonly ingress?: AppIngressOptions;
}

/** @internal */
export function appConfig(name: string, props: ClusterAppProps): AppConfig {
  const d = props.database;
  return {
    name,
    namespace: props.namespace ?? name,
    image: props.image,
    port: props.port,
    replicas: props.replicas ?? 1,
    env: props.env ?? {},
    secretEnv: props.secretEnv ?? {},
    volumes: (props.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath, sizeGiB: v.sizeGiB, storageClassName: v.pool?.storageClassName ?? v.storageClassName })),
    runAsUser: props.runAsUser ?? 1000,
    cpuMillis: props.cpuMillis ?? 100,
    memoryMiB: props.memoryMiB ?? 256,
    tmpVolume: props.tmpVolume ?? true,
    db: d && resolveDatabase({ name, image: props.image, port: props.port, database: {
      engine: d.engine, image: d.image, toolsImage: d.toolsImage, name: d.name, user: d.user, passwordSecret: d.passwordSecret,
      sizeGiB: d.sizeGiB, storageClass: d.pool?.storageClassName ?? d.storageClassName, volume: d.volume, file: d.file,
    } }),
    ingress: props.ingress,
  };
}

/** Checks the props' single fields; every problem at once, in the house format. */
function checkAppConfig(at: string, cls: string, app: AppConfig, database?: AppDatabase): void {
  const p = new ProblemCollector();
  // the inventory's rules (model/field-rules.ts): the same value gets the same message here and there
  checkField(p, at, `${cls}.name`, app.name, APP_NAME);
  checkField(p, at, `${cls}.namespace`, app.namespace, DNS_LABEL);
  checkField(p, at, `${cls}.image`, app.image, PINNED_IMAGE);
  checkField(p, at, `${cls}.port`, app.port, TCP_PORT);
  checkField(p, at, `${cls}.replicas`, app.replicas, REPLICAS);
  checkField(p, at, `${cls}.runAsUser`, app.runAsUser, NON_ROOT_UID);
  checkField(p, at, `${cls}.cpuMillis`, app.cpuMillis, CPU_MILLIS);
  checkField(p, at, `${cls}.memoryMiB`, app.memoryMiB, MEMORY_MIB);
  const names = new Set<string>();
  app.volumes.forEach((v, i) => {
    if (checkField(p, at, `${cls}.volumes[${i}].name`, v.name, DNS_LABEL) && names.has(v.name)) p.add(at, `${cls}.volumes[${i}].name`, 'duplicate volume name', v.name, 'volume names are unique per app');
    names.add(v.name);
    checkField(p, at, `${cls}.volumes[${i}].sizeGiB`, v.sizeGiB, VOLUME_GIB);
    checkField(p, at, `${cls}.volumes[${i}].mountPath`, v.mountPath, MOUNT_PATH);
  });
  const db = app.db;
  if (db && database && db.engine !== 'sqlite') {
    checkDatabaseNames(p, at, `${cls}.database`, db.engine, app.name, database);
    if (database.image !== undefined) checkField(p, at, `${cls}.database.image`, database.image, PINNED_IMAGE);
    if (database.sizeGiB !== undefined) checkField(p, at, `${cls}.database.sizeGiB`, database.sizeGiB, VOLUME_GIB);
  }
  if (db?.engine === 'sqlite' && database?.toolsImage !== undefined) checkField(p, at, `${cls}.database.toolsImage`, database.toolsImage, PINNED_IMAGE);
  if (db && db.engine !== 'sqlite' && !db.passwordSecret) p.add(at, `${cls}.database.passwordSecret`, `a ${db.engine} server needs a password`, db.passwordSecret, 'the name of a Kubernetes Secret with key "value"');
  if (db?.engine === 'sqlite' && (!db.volume || !names.has(db.volume) || !db.file)) {
    p.add(at, `${cls}.database.volume`, 'sqlite needs one of the app volumes and a file in it', { volume: db.volume, file: db.file },
      `volume ${oneOf([...names], 'from volumes (the app has none: add one, e.g. { name: "data", mountPath: "/data", sizeGiB: 1 })')}, and file, e.g. "app.db"`);
  }
  p.throwIfAny();
}

/** The Kubernetes objects of one app, as children of `scope`. @internal */
export interface AppObjects {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  /** The app's HTTPS entry, when it has an ingress. */
  readonly oauthIngress?: OAuthIngress;
  /** The networking.k8s.io Ingress (plain Ingress routing only). */
  readonly ingress?: kplus.Ingress;
  readonly certificate?: ApiObject;
  /** The app's container. */
  readonly container: kplus.Container;
  /** The pod volume of each app volume, by volume name. */
  readonly volumes: ReadonlyMap<string, kplus.Volume>;
  /** The database server (server engines). */
  readonly database?: DatabaseServer;
}

/**
 * Adds an app's Deployment, Service, PVCs and, when it has an ingress, its
 * {@link OAuthIngress} (id `Ingress`) to `scope`. {@link ClusterApp} uses it with its chart as scope;
 * pass `namespace` to write it on every object (for a scope whose chart has another namespace).
 * @param name the app's name @default - the name in props, else the scope's id
 * @internal
 */
export function addAppObjects(scope: Construct, props: ClusterAppProps, namespace?: string): AppObjects {
  const app = appConfig(props.name ?? scope.node.id, props);
  checkAppConfig(scope.node.path, 'ClusterApp', app, props.database);
  return addObjects(scope, app, namespace);
}

function addObjects(scope: Construct, app: AppConfig, namespace?: string): AppObjects {
  const labels = { 'app.kubernetes.io/name': app.name };
  const metadata = (name: string) => ({ name, labels, ...(namespace ? { namespace } : {}) });

  const deployment = new kplus.Deployment(scope, 'Resource', {
    metadata: metadata(app.name),
    replicas: app.replicas,
    automountServiceAccountToken: false,
    securityContext: restrictedPodSecurity(app.runAsUser),
    podMetadata: { labels },
  });
  const container = deployment.addContainer({
    name: 'app',
    image: app.image,
    ports: [{ number: app.port, name: 'http' }],
    securityContext: restrictedContainerSecurity(app.runAsUser),
    resources: {
      cpu: { request: kplus.Cpu.millis(app.cpuMillis), limit: kplus.Cpu.millis(app.cpuMillis * 10) },
      memory: { request: Size.mebibytes(app.memoryMiB), limit: Size.mebibytes(app.memoryMiB * 2) },
    },
  });
  // DB_* first, so that the app's own env can refer to them as $(DB_HOST)
  if (app.db) for (const [name, value] of databaseClientEnv(scope, app.db)) container.env.addVariable(name, value);
  for (const [name, value] of Object.entries(app.env)) container.env.addVariable(name, kplus.EnvValue.fromValue(value));
  for (const [name, secretName] of Object.entries(app.secretEnv)) container.env.addVariable(name, secretEnv(scope, secretName));
  if (app.tmpVolume) container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'Tmp', 'tmp'));
  const volumes = new Map<string, kplus.Volume>();
  for (const v of app.volumes) {
    const pvc = new kplus.PersistentVolumeClaim(scope, `Pvc-${v.name}`, {
      metadata: metadata(`${app.name}-${v.name}`),
      storage: Size.gibibytes(v.sizeGiB),
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storageClassName: v.storageClassName,
    });
    const volume = kplus.Volume.fromPersistentVolumeClaim(scope, `Volume-${v.name}`, pvc, { name: v.name });
    volumes.set(v.name, volume);
    container.mount(v.mountPath, volume);
  }
  const database = app.db ? addDatabaseServer(scope, app.name, app.db, namespace) : undefined;

  const service = new kplus.Service(scope, 'Service', {
    metadata: metadata(app.name),
    selector: deployment,
    ports: [{ port: 80, targetPort: app.port, name: 'http' }],
  });
  if (!app.ingress) return { deployment, service, container, volumes, database };

  const oauthIngress = new OAuthIngress(scope, 'Ingress', { ...app.ingress, name: app.name, service, namespace: namespace ?? app.namespace });
  return { deployment, service, oauthIngress, ingress: oauthIngress.ingress, certificate: oauthIngress.certificate, container, volumes, database };
}

const CLUSTER_APP_BRAND = brandSymbol('ClusterApp');

/** One app, in its own chart (one file in `dist/`, so git diffs stay per app). */
export class ClusterApp extends Chart {
  /** True when `x` is a ClusterApp, also from another copy of this library (`instanceof` uses it). */
  static isClusterApp(x: unknown): x is ClusterApp {
    return hasBrand(x, CLUSTER_APP_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is ClusterApp {
    return isInstance(this, ClusterApp, CLUSTER_APP_BRAND, x);
  }

  /** The primary workload. */
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  /** The app's HTTPS entry (route, certificate, oauth2-proxy middlewares), when it has an ingress. */
  readonly oauthIngress?: OAuthIngress;
  /** The networking.k8s.io Ingress (without a platform only). */
  readonly ingress?: kplus.Ingress;
  readonly certificate?: ApiObject;
  /** The app's container, its pod volumes by name and its database server. @internal */
  protected readonly objects: AppObjects;

  /** The props with every default applied. @internal */
  protected readonly config: AppConfig;

  constructor(scope: Construct, id: string, props: ClusterAppProps) {
    const config = appConfig(props.name ?? id, props);
    super(scope, id, { namespace: config.namespace, labels: { 'app.kubernetes.io/managed-by': 'homelab-cdk' } });
    addBrand(this, CLUSTER_APP_BRAND);
    checkAppConfig(this.node.path, new.target.name, config, props.database);
    this.config = config;
    const objects = addObjects(this, config);
    this.objects = objects;
    this.deployment = objects.deployment;
    this.service = objects.service;
    this.oauthIngress = objects.oauthIngress;
    this.ingress = objects.ingress;
    this.certificate = objects.certificate;
  }
}
