/**
 * An application on the k3s cluster: Deployment, Service, PVCs, and when it has
 * a hostname an Ingress with a cert-manager Certificate. Pod Security
 * "restricted" defaults are completed centrally by the homelab's resolver.
 */
import { ApiObject, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedApp } from '../model/derive';

export interface ClusterAppProps {
  /** The app as resolved from the inventory. */
  readonly app: ResolvedApp;
  /** ClusterIssuer that signs the app's certificate. @default 'letsencrypt' */
  readonly certIssuer?: string;
  /** Ingress class. @default 'traefik' */
  readonly ingressClass?: string;
}

/** Key under which every referenced Kubernetes Secret holds its value. */
export const SECRET_VALUE_KEY = 'value';

/** One app, in its own chart (one file in `dist/`, so git diffs stay per app). */
export class ClusterApp extends Chart {
  /** The primary workload. */
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly ingress?: kplus.Ingress;
  readonly certificate?: ApiObject;

  constructor(scope: Construct, id: string, props: ClusterAppProps) {
    const app = props.app;
    super(scope, id, { namespace: app.namespace, labels: { 'app.kubernetes.io/managed-by': 'homelab-cdk' } });
    const labels = { 'app.kubernetes.io/name': app.name };

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: app.name, labels },
      replicas: app.replicas,
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: app.runAsUser, group: app.runAsUser, fsGroup: app.runAsUser },
      podMetadata: { labels },
    });
    const container = this.deployment.addContainer({
      name: 'app',
      image: app.image,
      ports: [{ number: app.port, name: 'http' }],
      securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, user: app.runAsUser, group: app.runAsUser },
      resources: {
        cpu: { request: kplus.Cpu.millis(app.cpuMillis), limit: kplus.Cpu.millis(app.cpuMillis * 10) },
        memory: { request: Size.mebibytes(app.memoryMiB), limit: Size.mebibytes(app.memoryMiB * 2) },
      },
    });
    for (const [name, value] of Object.entries(app.env ?? {})) container.env.addVariable(name, kplus.EnvValue.fromValue(value));
    for (const [name, secretName] of Object.entries(app.secretEnv ?? {})) {
      const secret = kplus.Secret.fromSecretName(this, `Secret-${name}`, secretName);
      container.env.addVariable(name, kplus.EnvValue.fromSecretValue({ secret, key: SECRET_VALUE_KEY }));
    }
    if (app.tmpVolume) container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
    for (const v of app.volumes ?? []) {
      const pvc = new kplus.PersistentVolumeClaim(this, `Pvc-${v.name}`, {
        metadata: { name: `${app.name}-${v.name}`, labels },
        storage: Size.gibibytes(v.sizeGiB),
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        storageClassName: v.storageClass,
      });
      container.mount(v.mountPath, kplus.Volume.fromPersistentVolumeClaim(this, `Volume-${v.name}`, pvc, { name: v.name }));
    }

    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: app.name, labels },
      selector: this.deployment,
      ports: [{ port: 80, targetPort: app.port, name: 'http' }],
    });

    if (app.ingress) {
      const tlsSecret = `${app.name}-tls`;
      this.ingress = new kplus.Ingress(this, 'Ingress', {
        metadata: { name: app.name, labels },
        className: props.ingressClass ?? 'traefik',
        rules: [{ host: app.ingress.host, path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(this.service, { port: 80 }) }],
        tls: [{ hosts: [app.ingress.host], secret: kplus.Secret.fromSecretName(this, 'TlsSecret', tlsSecret) }],
      });
      this.certificate = new ApiObject(this, 'Certificate', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: tlsSecret, labels },
        spec: {
          secretName: tlsSecret,
          dnsNames: [app.ingress.host],
          issuerRef: { kind: 'ClusterIssuer', name: props.certIssuer ?? 'letsencrypt', group: 'cert-manager.io' },
        },
      });
    }
  }
}
