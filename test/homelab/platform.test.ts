import * as YAML from 'yaml';
import { inventory } from '../../apps/inventory';
import { OAUTH2_PROXY_FLAGS, OAUTH2_PROXY_NAMESPACE, OAUTH2_PROXY_PORT, OAUTH2_PROXY_SERVICE } from '../../lib/constructs/oauth-ingress';
import { Homelab } from '../../lib/homelab/homelab';
import { Inventory } from '../../lib/model/inventory';
import { synthK8sFiles } from '../../lib/synth/k8s';
import {
  CERT_MANAGER_CHART, LETSENCRYPT_PRODUCTION, LETSENCRYPT_STAGING, METALLB_CHART, METALLB_IPS_ANNOTATION, OAUTH2_PROXY_CHART, oauth2ProxyAccess,
  PLATFORM_CHARTS, PlatformChartSpec, TRAEFIK_CHART,
} from '../../lib/homelab/platform';
import { checkPodSecurityRestricted, validateManifest } from '../helpers/k8s-validate';


/** The objects of every dist/ file, each with a non-enumerable `file`. */
const objectsOf = (lab: Homelab): any[] => synthK8sFiles(lab.k8s, 'test').flatMap((f) => f.objects.map((o) => Object.defineProperty({ ...o }, 'file', { value: f.path, enumerable: false })));
const helmChart = (objects: any[], name: string) => objects.find((o) => o.kind === 'HelmChart' && o.metadata.name === name);
const valuesOf = (objects: any[], chart: PlatformChartSpec) => YAML.parse(helmChart(objects, chart.name).spec.valuesContent, { version: '1.1' });

function withInventory(change: (inv: Inventory) => Inventory): Homelab {
  return new Homelab({ inventory: change(JSON.parse(JSON.stringify(inventory))) });
}

const reference = new Homelab({ inventory });
const objects = objectsOf(reference);

describe('HelmCharts', () => {
  test('one per chart in kube-system, pinned, with a target namespace the Helm controller may create', () => {
    // GIVEN the reference homelab (platform with oauth) WHEN synthesized THEN
    const charts = objects.filter((o) => o.kind === 'HelmChart');
    expect(charts.map((c) => [c.metadata.name, c.metadata.namespace, c.spec.repo, c.spec.chart, c.spec.version, c.spec.targetNamespace, c.spec.createNamespace, c.file])).toEqual([
      ['traefik', 'kube-system', 'https://traefik.github.io/charts', 'traefik', '41.3.0', 'traefik', true, '10-platform.k8s.yaml'],
      ['cert-manager', 'kube-system', 'https://charts.jetstack.io', 'cert-manager', 'v1.21.1', 'cert-manager', true, '10-platform.k8s.yaml'],
      ['metallb', 'kube-system', 'https://metallb.github.io/metallb', 'metallb', '0.16.1', 'metallb-system', true, '10-platform.k8s.yaml'],
      ['oauth2-proxy', 'kube-system', 'https://oauth2-proxy.github.io/manifests', 'oauth2-proxy', '10.7.0', 'oauth2-proxy', true, '10-platform.k8s.yaml'],
      ['cstor', 'kube-system', 'https://openebs-archive.github.io/cstor-operators', 'cstor', '3.3.0', 'openebs', true, '10-platform.k8s.yaml'],
    ]);
    expect(charts.flatMap(validateManifest)).toEqual([]);
    for (const c of PLATFORM_CHARTS) expect(c.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  test('oauth2-proxy only with platform.oauth; nothing of the platform without cluster.platform', () => {
    const noOauth = objectsOf(withInventory((inv) => ({
      ...inv,
      cluster: { ...inv.cluster!, platform: { acmeEmail: 'manfred@example.org' } },
      apps: inv.apps!.filter((a) => !a.ingress?.admin),
    })));
    expect(noOauth.filter((o) => o.kind === 'HelmChart').map((o) => o.metadata.name)).toEqual(['traefik', 'cert-manager', 'metallb', 'cstor']); // cstor: the reference's storage pool
    expect(noOauth.filter((o) => o.kind === 'Namespace' && o.file === '10-platform.k8s.yaml').map((o) => o.metadata.name)).toEqual(['cert-manager', 'metallb-system', 'openebs', 'traefik']);

    const plain = withInventory((inv) => ({ ...inv, cluster: { ...inv.cluster!, platform: undefined }, apps: inv.apps!.filter((a) => !a.ingress?.admin) }));
    expect(plain.platform).toBeUndefined();
    expect(synthK8sFiles(plain.k8s, 'test').map((f) => f.path)).toEqual(['25-namespaces.k8s.yaml', '30-app-files.k8s.yaml', '30-app-gitea.k8s.yaml', '30-app-whoami.k8s.yaml']);
  });

  /**
   * Charts whose uninstall loses state or drops admission webhooks, by chart name, written from
   * what each chart runs (not read from the emitter's table): storage engines, cert-manager
   * (webhook, issued certificates), MetalLB (webhooks, every announced address), databases,
   * monitoring. A chart the test does not know fails until someone classifies it here.
   */
  const STATEFUL = /^(cert-manager|metallb|cstor|openebs|mayastor|longhorn|rook-ceph.*|velero|postgres.*|cloudnative-pg|mariadb.*|mysql.*|redis.*|valkey|etcd|minio|kube-prometheus-stack|prometheus.*|loki|grafana|victoria-metrics.*)$/;
  const STATELESS = /^(traefik|oauth2-proxy)$/;

  test('every HelmChart that holds state or runs admission webhooks aborts a failed upgrade (failurePolicy abort), with every storage engine in use', () => {
    // GIVEN the reference (cStor) and the same homelab on Mayastor
    const mayastor = objectsOf(withInventory((inv) => ({ ...inv, storagePools: inv.storagePools!.map((p) => ({ name: p.name, engine: 'mayastor' as const, hosts: p.hosts, replicas: p.replicas })) })));
    const charts = [...objects, ...mayastor].filter((o) => o.apiVersion === 'helm.cattle.io/v1' && o.kind === 'HelmChart');
    // every chart the platform can install is among them
    expect(new Set(charts.map((c) => c.spec.chart))).toEqual(new Set(PLATFORM_CHARTS.map((c) => c.chart)));
    // THEN each is classified, stateful ones abort, and the value is one the CRD allows
    const unknown = charts.filter((c) => !STATEFUL.test(c.spec.chart) && !STATELESS.test(c.spec.chart)).map((c) => c.spec.chart);
    expect(unknown).toEqual([]);
    const unsafe = charts.filter((c) => STATEFUL.test(c.spec.chart) && c.spec.failurePolicy !== 'abort').map((c) => `${c.spec.chart}: ${c.spec.failurePolicy ?? '(unset: reinstall)'}`);
    expect(unsafe).toEqual([]);
    for (const c of charts) expect(['abort', 'reinstall']).toContain(c.spec.failurePolicy);
    expect(charts.flatMap(validateManifest)).toEqual([]);
  });

});

describe('values', () => {
  test('Traefik: HTTPS on websecure, HTTP redirected to it, cross-namespace references, one LoadBalancer Service', () => {
    const v = valuesOf(objects, TRAEFIK_CHART);
    expect(v.ports.web.http.redirections.entryPoint).toEqual({ to: 'websecure', scheme: 'https', permanent: true });
    expect(v.ports.websecure.http.tls.enabled).toBe(true);
    expect(v.providers.kubernetesCRD.allowCrossNamespace).toBe(true);
    expect(v.service.spec.type).toBe('LoadBalancer');
    expect(v.ingressClass).toEqual({ enabled: true, isDefaultClass: true, name: 'traefik' });
  });

  test('Traefik\'s Service gets the site\'s ingress address only when it lies in a MetalLB pool', () => {
    // GIVEN the reference: ingressIP 10.0.100.240 in the pool 10.0.100.240-250 THEN it is pinned
    expect(valuesOf(objects, TRAEFIK_CHART).service.annotations).toEqual({ [METALLB_IPS_ANNOTATION]: '10.0.100.240' });
    // GIVEN no ingressIP THEN the pool's first address, the one the routers forward to
    const derived = objectsOf(withInventory((inv) => ({ ...inv, sites: inv.sites.map(({ ingressIP, ...s }) => s) })));
    expect(valuesOf(derived, TRAEFIK_CHART).service.annotations).toEqual({ [METALLB_IPS_ANNOTATION]: '10.0.100.240' });
    // GIVEN an ingress address outside every pool THEN synth refuses (nothing would listen there)
    expect(() => withInventory((inv) => ({ ...inv, sites: inv.sites.map((s) => (s.name === 'home' ? { ...s, ingressIP: '10.0.100.20' } : s)) })))
      .toThrow(/Site\.ingressIP: outside every load-balancer pool, but the platform's Traefik gets its address from MetalLB \(got "10\.0\.100\.20"\)/);
  });

  test('cert-manager and MetalLB install no CRDs; MetalLB is layer 2 only', () => {
    const cm = valuesOf(objects, CERT_MANAGER_CHART);
    expect(cm.crds).toEqual({ enabled: false });
    expect(cm.installCRDs).toBeUndefined();
    expect(cm.dns01RecursiveNameservers).toBe('1.1.1.1:53,9.9.9.9:53');
    expect(cm.dns01RecursiveNameserversOnly).toBe(true);
    const mlb = valuesOf(objects, METALLB_CHART);
    expect(mlb.crds).toEqual({ enabled: false });
    expect(mlb.frrk8s).toEqual({ enabled: false });
    expect(mlb.speaker.frr).toEqual({ enabled: false });
  });

  test('oauth2-proxy: flags for Traefik forwardAuth, cookie on the zone, secrets only by reference', () => {
    const v = valuesOf(objects, OAUTH2_PROXY_CHART);
    expect(v.extraArgs).toEqual([
      '--provider=github', '--reverse-proxy=true', '--set-xauthrequest=true', '--skip-provider-button=true',
      '--cookie-domain=.example.org', '--whitelist-domain=.example.org',
    ]);
    expect(v.config).toEqual({ emailDomains: [], upstreams: ['static://202'] });
    expect(v.proxyVarsAsSecrets).toBe(false);
    expect(v.extraEnv).toEqual([
      { name: 'OAUTH2_PROXY_CLIENT_ID', valueFrom: { secretKeyRef: { name: 'oauth-client-id', key: 'value' } } },
      { name: 'OAUTH2_PROXY_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'oauth-client-secret', key: 'value' } } },
      { name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth-cookie-secret', key: 'value' } } },
    ]);
    // every admin-only app names emails: only they may sign in at all
    expect(v.authenticatedEmailsFile).toEqual({ enabled: true, persistence: 'configmap', restricted_access: 'manfred@example.org' });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('oauth2-proxy serves what the admin-only routes expect of it', () => {
    // the OAuthIngress routes' contract (lib/constructs/oauth-ingress.ts)
    expect([OAUTH2_PROXY_NAMESPACE, OAUTH2_PROXY_SERVICE, OAUTH2_PROXY_PORT]).toEqual([OAUTH2_PROXY_CHART.namespace, OAUTH2_PROXY_CHART.name, 80]);
    const args: string[] = valuesOf(objects, OAUTH2_PROXY_CHART).extraArgs;
    for (const [flag, value] of Object.entries(OAUTH2_PROXY_FLAGS)) {
      // email-domain=* is only as wide as needed: see oauth2ProxyAccess
      if (flag === 'email-domain') continue;
      expect(args).toContain(`--${flag}=${value}`);
    }
  });

  test('the sign-in gate widens to every account only when an admin-only app admits groups without emails', () => {
    // GIVEN the reference: homepage admits manfred (and requires the group) THEN an emails file
    expect(oauth2ProxyAccess(reference.model)).toEqual({ emailDomains: [], emails: ['manfred@example.org'] });
    // GIVEN an app that admits a group only THEN any account signs in and the route's allowed_groups decides
    const groups = withInventory((inv) => ({
      ...inv,
      apps: inv.apps!.map((a) => (a.name === 'homepage' ? { ...a, ingress: { ...a.ingress!, admin: { allowedEmails: [], allowedGroups: ['example-org:admins'] } } } : a)),
    }));
    expect(oauth2ProxyAccess(groups.model)).toEqual({ emailDomains: ['*'], emails: [] });
    const v = valuesOf(objectsOf(groups), OAUTH2_PROXY_CHART);
    expect(v.config.emailDomains).toEqual(['*']);
    expect(v.authenticatedEmailsFile).toBeUndefined();
  });
});

describe('pods of the charts', () => {
  // The securityContexts our values set; Helm merges them over each chart's defaults, so the
  // running pods are at least this strict whatever the chart ships at its pinned version.
  const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
  const container = (securityContext: unknown, name = 'c') => ({ name, image: 'x', ...(securityContext ? { securityContext } : {}) });
  const strip = ({ enabled, ...rest }: any) => rest;

  test('run "restricted" wherever the chart allows it', () => {
    const t = valuesOf(objects, TRAEFIK_CHART);
    const cm = valuesOf(objects, CERT_MANAGER_CHART);
    const mlb = valuesOf(objects, METALLB_CHART);
    const o2p = valuesOf(objects, OAUTH2_PROXY_CHART);
    const pods = [
      pod('traefik', { securityContext: t.podSecurityContext, containers: [container(t.securityContext)] }),
      pod('cert-manager', { securityContext: cm.securityContext, containers: [container(cm.containerSecurityContext)] }),
      pod('cert-manager-webhook', { securityContext: cm.webhook.securityContext, containers: [container(cm.webhook.containerSecurityContext)] }),
      pod('cert-manager-cainjector', { securityContext: cm.cainjector.securityContext, containers: [container(cm.cainjector.containerSecurityContext)] }),
      pod('cert-manager-startupapicheck', { securityContext: cm.startupapicheck.securityContext, containers: [container(cm.startupapicheck.containerSecurityContext)] }),
      // metallb templates/controller.yaml: controller.securityContext; the container's is fixed in the template
      pod('metallb-controller', { securityContext: mlb.controller.securityContext, containers: [container({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })] }),
      pod('oauth2-proxy', { securityContext: o2p.podSecurityContext, containers: [container(strip(o2p.securityContext))] }),
    ];
    expect(pods.flatMap(checkPodSecurityRestricted)).toEqual([]);
    // and the check can fail: a chart left to its own defaults here would not pass on our values alone
    expect(checkPodSecurityRestricted(pod('bare', { containers: [container(undefined)] })).length).toBeGreaterThan(0);
  });

  test('MetalLB\'s speaker cannot (host network, NET_RAW): its namespace alone enforces "privileged"', () => {
    const mlb = valuesOf(objects, METALLB_CHART);
    // metallb templates/speaker.yaml (frr disabled): hostNetwork, NET_RAW
    const speaker = pod('metallb-speaker', {
      hostNetwork: true,
      securityContext: mlb.speaker.securityContext,
      containers: [container({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_RAW'] } })],
    });
    expect(checkPodSecurityRestricted(speaker).join('\n')).toMatch(/hostNetwork[\s\S]*NET_RAW/);
    const levels = Object.fromEntries(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels['pod-security.kubernetes.io/enforce']]));
    expect(levels).toEqual({
      'cert-manager': 'restricted', 'metallb-system': 'privileged', 'oauth2-proxy': 'restricted', traefik: 'restricted', openebs: 'privileged',
      files: 'restricted', gitea: 'restricted', homepage: 'restricted', whoami: 'restricted',
    });
  });
});

describe('platform config', () => {
  test('a ClusterIssuer for ACME DNS-01 through Cloudflare, production or staging', () => {
    const issuer = objects.find((o) => o.kind === 'ClusterIssuer');
    expect(issuer.file).toBe('20-platform-config.k8s.yaml');
    expect(issuer.metadata.name).toBe('letsencrypt');
    expect(issuer.spec.acme).toEqual({
      email: 'manfred@example.org',
      server: LETSENCRYPT_PRODUCTION,
      privateKeySecretRef: { name: 'letsencrypt-account-key' },
      solvers: [{ selector: { dnsZones: ['example.org'] }, dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'value' } } } }],
    });
    const staging = objectsOf(withInventory((inv) => ({ ...inv, cluster: { ...inv.cluster!, certIssuer: 'le-staging', platform: { ...inv.cluster!.platform!, acmeStaging: true } } })));
    const s = staging.find((o) => o.kind === 'ClusterIssuer');
    expect([s.metadata.name, s.spec.acme.server]).toEqual(['le-staging', LETSENCRYPT_STAGING]);
  });

  test('one IPAddressPool per network with a pool at the cluster site, one L2Advertisement for them', () => {
    const pools = objects.filter((o) => o.kind === 'IPAddressPool');
    expect(pools.map((p) => [p.metadata.namespace, p.metadata.name, p.spec.addresses])).toEqual([['metallb-system', 'lan', ['10.0.100.240-10.0.100.250']]]);
    const l2 = objects.filter((o) => o.kind === 'L2Advertisement');
    expect(l2.map((a) => [a.metadata.namespace, a.metadata.name, a.spec])).toEqual([['metallb-system', 'default', { ipAddressPools: ['lan'] }]]);
    expect([...pools, ...l2].flatMap(validateManifest)).toEqual([]);
  });

  test('fails at synth when the cluster\'s site has no load-balancer pool', () => {
    expect(() => withInventory((inv) => ({ ...inv, sites: inv.sites.map(({ ingressIP, ...s }) => ({ ...s, networks: s.networks.map(({ loadBalancerPool, ...n }) => n) })) })))
      .toThrow(/\[inventory\.sites\[home\]\] Site\.networks: the platform needs a load-balancer pool at the cluster's site/);
  });
});
