/**
 * A plain cdk8s app, no Homelab and no inventory: a Deployment written with cdk8s-plus,
 * put on https://grafana.example.org behind oauth2-proxy. Needs Traefik's and
 * cert-manager's CRDs in the cluster, a ClusterIssuer `letsencrypt-dns` and an
 * oauth2-proxy (here the one in namespace `auth`).
 */
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { CertIssuer, OAuth2Proxy, OAuthIngress, RestrictedPodSecurityResolver } from 'homelab-cdk';

const app = new App({ resolvers: [new RestrictedPodSecurityResolver()] });
const chart = new Chart(app, 'grafana', { namespace: 'grafana' });

const deployment = new kplus.Deployment(chart, 'Grafana', {
  metadata: { name: 'grafana' },
  securityContext: { ensureNonRoot: true, user: 472, group: 472, fsGroup: 472 },
  automountServiceAccountToken: false,
});
deployment.addContainer({
  name: 'grafana',
  image: 'docker.io/grafana/grafana:11.3.1',
  ports: [{ number: 3000, name: 'http' }],
  securityContext: { ensureNonRoot: true, readOnlyRootFilesystem: false, user: 472, group: 472 },
  resources: { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) } },
});
const service = deployment.exposeViaService({ name: 'grafana', ports: [{ port: 80, targetPort: 3000 }] });

new OAuthIngress(chart, 'Ingress', {
  host: 'grafana.example.org',
  service,
  issuer: CertIssuer.clusterIssuer('letsencrypt-dns'),
  forwardAuth: {
    proxy: OAuth2Proxy.fromService('oauth2-proxy', 'auth', 4180),
    allowedEmails: ['ada@example.org'],
    allowedGroups: ['example-org:ops'],
  },
});

app.synth();
