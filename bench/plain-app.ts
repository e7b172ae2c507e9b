/**
 * A plain construct equivalent of lib/constructs/cluster-app.ts for the
 * "all apps in one Chart" layout: ClusterApp is itself a Chart (namespace and
 * managed-by label are chart-level there), so here the namespace goes on each
 * object and the label on the one chart. Same kplus constructs, same props.
 */
import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { ResolvedApp } from '../lib/model/derive';

export class PlainApp extends Construct {
  constructor(scope: Construct, id: string, app: ResolvedApp, certIssuer = 'letsencrypt', ingressClass = 'traefik') {
    super(scope, id);
    const labels = { 'app.kubernetes.io/name': app.name };
    const namespace = app.namespace;
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: app.name, namespace, labels },
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
    for (const [name, value] of Object.entries(app.env ?? {})) container.env.addVariable(name, kplus.EnvValue.fromValue(value));
    for (const [name, secretName] of Object.entries(app.secretEnv ?? {})) {
      const secret = kplus.Secret.fromSecretName(this, `Secret-${name}`, secretName);
      container.env.addVariable(name, kplus.EnvValue.fromSecretValue({ secret, key: 'value' }));
    }
    if (app.tmpVolume) container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
    for (const v of app.volumes ?? []) {
      const pvc = new kplus.PersistentVolumeClaim(this, `Pvc-${v.name}`, {
        metadata: { name: `${app.name}-${v.name}`, namespace, labels },
        storage: Size.gibibytes(v.sizeGiB),
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        storageClassName: v.storageClass,
      });
      container.mount(v.mountPath, kplus.Volume.fromPersistentVolumeClaim(this, `Volume-${v.name}`, pvc, { name: v.name }));
    }
    const service = new kplus.Service(this, 'Service', {
      metadata: { name: app.name, namespace, labels },
      selector: deployment,
      ports: [{ port: 80, targetPort: app.port, name: 'http' }],
    });
    if (app.ingress) {
      const tlsSecret = `${app.name}-tls`;
      new kplus.Ingress(this, 'Ingress', {
        metadata: { name: app.name, namespace, labels },
        className: ingressClass,
        rules: [{ host: app.ingress.host, path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(service, { port: 80 }) }],
        tls: [{ hosts: [app.ingress.host], secret: kplus.Secret.fromSecretName(this, 'TlsSecret', tlsSecret) }],
      });
      new ApiObject(this, 'Certificate', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: tlsSecret, namespace, labels },
        spec: { secretName: tlsSecret, dnsNames: [app.ingress.host], issuerRef: { kind: 'ClusterIssuer', name: certIssuer, group: 'cert-manager.io' } },
      });
    }
  }
}
