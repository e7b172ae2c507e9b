/**
 * An application on the k3s cluster: Deployment, Service, PVCs, and when it has
 * a hostname an {@link OAuthIngress} (route, cert-manager Certificate and, for
 * admin-only apps, the oauth2-proxy sign-in). Pod Security "restricted"
 * defaults are completed centrally by the homelab's resolver.
 */
import { ApiObject, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedApp } from '../model/derive';
import { addDatabaseServer, databaseClientEnv, DatabaseServer } from './database';
import { secretEnv } from './secrets';
import { OAuthIngress, OAuthIngressCluster } from './oauth-ingress';
import { IOpenEBSPool } from './openebs-pool';
import { addBrand, brandSymbol, hasBrand } from '../private/brand';

export interface ClusterAppProps {
  /** The app as resolved from the inventory. */
  readonly app: ResolvedApp;
  /**
   * The cluster settings (`inventory.cluster`): ClusterIssuer, ingress class, platform.
   * With `platform` the app gets a Traefik IngressRoute (and oauth2-proxy when admin-only).
   * @default - no platform: a networking.k8s.io Ingress; admin-only apps are then an error
   */
  readonly cluster?: OAuthIngressCluster;
  /**
   * ClusterIssuer that signs the app's certificate.
   * @default - `cluster.certIssuer`, else 'letsencrypt'
   * @deprecated pass `cluster`
   */
  readonly certIssuer?: string;
  /**
   * Ingress class.
   * @default - `cluster.ingressClass`, else 'traefik'
   * @deprecated pass `cluster`
   */
  readonly ingressClass?: string;
  /**
   * The storage pools; a volume with `pool` gets that pool's StorageClass.
   * @default [] - a volume naming a pool is a problem
   */
  readonly pools?: readonly IOpenEBSPool[];
}

export { SECRET_VALUE_KEY } from './secrets';

/** Options of {@link addAppObjects}. */
export interface AppObjectsOptions {
  /** The cluster settings (see {@link ClusterAppProps.cluster}). @default - no platform */
  readonly cluster?: OAuthIngressCluster;
  /** ClusterIssuer that signs the app's certificate. @default - `cluster.certIssuer`, else 'letsencrypt' */
  readonly certIssuer?: string;
  /** Ingress class. @default - `cluster.ingressClass`, else 'traefik' */
  readonly ingressClass?: string;
  /** Namespace written on each object. @default - none: the enclosing chart's namespace applies */
  readonly namespace?: string;
  /** The storage pools volumes may name (`volumes[].pool`). @default [] */
  readonly pools?: readonly IOpenEBSPool[];
}

/** The Kubernetes objects of one app, as children of `scope`. */
export interface AppObjects {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  /** The app's HTTPS entry, when it has an ingress. */
  readonly oauthIngress?: OAuthIngress;
  /** The networking.k8s.io Ingress (without a platform only). */
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
 * Adds an app's Deployment, Service, PVCs and, when it has a hostname, its
 * {@link OAuthIngress} (id `Ingress`) to `scope`. {@link ClusterApp} uses it with its chart as scope.
 */
export function addAppObjects(scope: Construct, app: ResolvedApp, options: AppObjectsOptions = {}): AppObjects {
  const labels = { 'app.kubernetes.io/name': app.name };
  const metadata = (name: string) => ({ name, labels, ...(options.namespace ? { namespace: options.namespace } : {}) });

  const deployment = new kplus.Deployment(scope, 'Resource', {
    metadata: metadata(app.name),
    replicas: app.replicas,
    automountServiceAccountToken: false,
    securityContext: { ensureNonRoot: true, user: app.runAsUser, group: app.runAsUser, fsGroup: app.runAsUser },
    podMetadata: { labels },
  });
  const container = deployment.addContainer({
    name: 'app',
    image: app.image,
    ports: [{ number: app.port, name: 'http' }],
    securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, user: app.runAsUser, group: app.runAsUser },
    resources: {
      cpu: { request: kplus.Cpu.millis(app.cpuMillis), limit: kplus.Cpu.millis(app.cpuMillis * 10) },
      memory: { request: Size.mebibytes(app.memoryMiB), limit: Size.mebibytes(app.memoryMiB * 2) },
    },
  });
  // DB_* first, so that the app's own env can refer to them as $(DB_HOST)
  if (app.db) for (const [name, value] of databaseClientEnv(scope, app.db)) container.env.addVariable(name, value);
  for (const [name, value] of Object.entries(app.env ?? {})) container.env.addVariable(name, kplus.EnvValue.fromValue(value));
  for (const [name, secretName] of Object.entries(app.secretEnv ?? {})) container.env.addVariable(name, secretEnv(scope, secretName));
  if (app.tmpVolume) container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'Tmp', 'tmp'));
  const volumes = new Map<string, kplus.Volume>();
  for (const v of app.volumes ?? []) {
    const pool = v.pool === undefined ? undefined : (options.pools ?? []).find((p) => p.poolName === v.pool);
    if (v.pool !== undefined && !pool) {
      scope.node.addValidation({ validate: () => [`volume ${JSON.stringify(v.name)} names pool ${JSON.stringify(v.pool)}, which the homelab has no OpenEBSPool for; one of ${JSON.stringify((options.pools ?? []).map((p) => p.poolName))}`] });
    }
    const pvc = new kplus.PersistentVolumeClaim(scope, `Pvc-${v.name}`, {
      metadata: metadata(`${app.name}-${v.name}`),
      storage: Size.gibibytes(v.sizeGiB),
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storageClassName: pool?.storageClassName ?? v.storageClass,
    });
    const volume = kplus.Volume.fromPersistentVolumeClaim(scope, `Volume-${v.name}`, pvc, { name: v.name });
    volumes.set(v.name, volume);
    container.mount(v.mountPath, volume);
  }
  const database = addDatabaseServer(scope, app, options.pools ?? [], options.namespace);

  const service = new kplus.Service(scope, 'Service', {
    metadata: metadata(app.name),
    selector: deployment,
    ports: [{ port: 80, targetPort: app.port, name: 'http' }],
  });
  if (!app.ingress) return { deployment, service, container, volumes, database };

  const cluster: OAuthIngressCluster = {
    certIssuer: options.certIssuer ?? options.cluster?.certIssuer,
    ingressClass: options.ingressClass ?? options.cluster?.ingressClass,
    platform: options.cluster?.platform,
  };
  const oauthIngress = new OAuthIngress(scope, 'Ingress', { app, cluster, service, namespace: options.namespace });
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
    return ClusterApp.isClusterApp(x);
  }

  /** The primary workload. */
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  /** The app's HTTPS entry (route, certificate, oauth2-proxy middlewares), when it has an ingress. */
  readonly oauthIngress?: OAuthIngress;
  /** The networking.k8s.io Ingress (without a platform only). */
  readonly ingress?: kplus.Ingress;
  readonly certificate?: ApiObject;
  /** The app's container, its pod volumes by name and its database server. */
  protected readonly objects: AppObjects;

  constructor(scope: Construct, id: string, props: ClusterAppProps) {
    super(scope, id, { namespace: props.app.namespace, labels: { 'app.kubernetes.io/managed-by': 'homelab-cdk' } });
    addBrand(this, CLUSTER_APP_BRAND);
    const objects = addAppObjects(this, props.app, props);
    this.objects = objects;
    this.deployment = objects.deployment;
    this.service = objects.service;
    this.oauthIngress = objects.oauthIngress;
    this.ingress = objects.ingress;
    this.certificate = objects.certificate;
  }
}
