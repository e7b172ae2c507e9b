/**
 * The cluster platform (`cluster.platform`): Traefik, cert-manager, MetalLB and
 * (with `platform.oauth`) oauth2-proxy, installed by k3s's built-in Helm
 * controller from `helm.cattle.io/v1` HelmCharts, so synth needs no `helm`
 * binary. k3s's bundled Traefik and servicelb are disabled on the servers (the
 * NixOS emitter passes `--disable=traefik --disable=servicelb`), so this Traefik
 * is the only one and MetalLB the only load balancer.
 *
 * Three charts, in three apply stages (see `stages.ts`):
 * - {@link PlatformCrds} (`00-crds`): the CRDs of all four charts, from the
 *   project's upstream copies without descriptions (`crds.ts`). The charts are
 *   told not to install their own: cert-manager `crds.enabled: false`, MetalLB
 *   `crds.enabled: false`. Traefik ships its CRDs in the chart's `crds/` folder,
 *   which Helm installs only on first install and skips, with a warning, for
 *   every CRD that already exists ("If the CRD already exists, it will be skipped
 *   with a warning", helm.sh docs, Custom Resource Definitions best practices);
 *   ours exist and are Established before any HelmChart is applied. Helm does
 *   still create the chart's 15 `hub.traefik.io` CRDs, which nothing here uses
 *   (k3s's HelmChart has no `--skip-crds`).
 * - {@link PlatformServices} (`10-platform`): the four namespaces with their Pod
 *   Security labels, and the HelmCharts (in `kube-system`). All chart pods run
 *   "restricted" except MetalLB's speaker, which needs the host network and
 *   NET_RAW to answer ARP: `metallb-system` alone enforces "privileged".
 * - {@link PlatformConfig} (`20-platform-config`): the ClusterIssuer (ACME DNS-01
 *   through Cloudflare) and MetalLB's address pools; both kinds are guarded by
 *   their chart's validating webhook, so they wait for stage 10's webhooks.
 *
 * Chart versions are pinned; each one's source is noted at its constant. The CRD
 * copies in `schemas/crds/` are the same releases' files (`schemas/crds/SOURCES.md`).
 */
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SECRET_VALUE_KEY } from '../constructs/cluster-app';
import { Model } from '../model/derive';
import { isIPv4InRange } from '../core/net';
import { bundledCrds, PlainDataApiObject } from '../k8s/crds';
import { addNamespaces, HELM_CONTROLLER_NAMESPACE, PodSecurityLevel } from '../k8s/namespaces';
import { K8sStage, setK8sFileNote, setK8sStage } from '../synth/stages';
import { toYaml } from '../k8s/yaml';
import { addBrand, brandSymbol, hasBrand } from '../core/brand';

/** A workload a platform chart runs that the next stage (or the cluster) needs ready. */
export interface PlatformWorkload {
  /** Deployment name (the chart's fullname, derived from the release name). */
  readonly deployment: string;
  /** What it is for; printed by `apply.sh` while it waits. */
  readonly reason: string;
}

/** A Helm chart the platform installs through k3s's Helm controller. */
export interface PlatformChartSpec {
  /** HelmChart name = Helm release name (the charts derive their object names from it). */
  readonly name: string;
  /** Target namespace of the release. */
  readonly namespace: string;
  /** Pod Security level the namespace enforces. */
  readonly podSecurity: PodSecurityLevel;
  readonly repo: string;
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** Where the version, the value keys and the CRDs were checked. */
  readonly source: string;
  /** CRDs (by name) the chart's controllers watch; applied in stage `00-crds`. */
  readonly crds: readonly string[];
  /** Deployments to wait for (Available) before the next stage. */
  readonly workloads: readonly PlatformWorkload[];
  /** API groups the chart's validating webhooks admit (objects of them wait for the chart). @default [] */
  readonly webhookGroups?: readonly string[];
  /**
   * CRDs whose versions the chart's own webhook converts: the chart's CRD template points
   * `spec.conversion` at its Service, and its controller injects the CA bundle there (it
   * fails to start when the field is missing), so our copy carries the same stanza.
   * @default {}
   */
  readonly conversionWebhooks?: Readonly<Record<string, CrdConversionWebhook>>;
}

/** `spec.conversion.webhook` of a CRD, as a chart's CRD template sets it (the namespace is the chart's). */
export interface CrdConversionWebhook {
  readonly service: string;
  readonly path: string;
  readonly conversionReviewVersions: readonly string[];
}

/**
 * Traefik Proxy v3.7.11, chart traefik 41.3.0 (artifacthub.io/packages/helm/traefik/traefik;
 * values and `crds/` of github.com/traefik/traefik-helm-chart tag v41.3.0). Its CRD
 * provider watches all ten traefik.io kinds, so all ten are installed.
 */
export const TRAEFIK_CHART: PlatformChartSpec = {
  name: 'traefik',
  namespace: 'traefik',
  podSecurity: PodSecurityLevel.RESTRICTED,
  repo: 'https://traefik.github.io/charts',
  chart: 'traefik',
  version: '41.3.0',
  source: 'github.com/traefik/traefik-helm-chart v41.3.0: traefik/values.yaml, values.schema.json, crds/',
  crds: [
    'ingressroutes.traefik.io', 'ingressroutetcps.traefik.io', 'ingressrouteudps.traefik.io', 'middlewares.traefik.io', 'middlewaretcps.traefik.io',
    'serverstransports.traefik.io', 'serverstransporttcps.traefik.io', 'tlsoptions.traefik.io', 'tlsstores.traefik.io', 'traefikservices.traefik.io',
  ],
  workloads: [{ deployment: 'traefik', reason: 'the ingress controller (IngressRoutes, Middlewares)' }],
};

/**
 * cert-manager v1.21.1, chart cert-manager v1.21.1 from charts.jetstack.io
 * (artifacthub.io/packages/helm/cert-manager/cert-manager; values of
 * github.com/cert-manager/cert-manager tag v1.21.1 deploy/charts/cert-manager, CRDs from deploy/crds).
 */
export const CERT_MANAGER_CHART: PlatformChartSpec = {
  name: 'cert-manager',
  namespace: 'cert-manager',
  podSecurity: PodSecurityLevel.RESTRICTED,
  repo: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
  source: 'github.com/cert-manager/cert-manager v1.21.1: deploy/charts/cert-manager/values.yaml, values.schema.json, deploy/crds/',
  crds: [
    'certificaterequests.cert-manager.io', 'certificates.cert-manager.io', 'challenges.acme.cert-manager.io', 'clusterissuers.cert-manager.io',
    'issuers.cert-manager.io', 'orders.acme.cert-manager.io',
  ],
  workloads: [
    { deployment: 'cert-manager-webhook', reason: 'the webhook that admits cert-manager.io and acme.cert-manager.io objects' },
    { deployment: 'cert-manager-cainjector', reason: 'injects the webhook\'s CA bundle' },
    { deployment: 'cert-manager', reason: 'the controller that issues certificates' },
  ],
  webhookGroups: ['cert-manager.io', 'acme.cert-manager.io'],
};

/**
 * MetalLB v0.16.1, chart metallb 0.16.1 (artifacthub.io/packages/helm/metallb/metallb;
 * values of github.com/metallb/metallb tag v0.16.1 charts/metallb, CRDs from config/crd/bases).
 * Layer 2 only: the FRR and frr-k8s BGP backends are off (0.16 turns frr-k8s on by default).
 */
export const METALLB_CHART: PlatformChartSpec = {
  name: 'metallb',
  namespace: 'metallb-system',
  podSecurity: PodSecurityLevel.PRIVILEGED,
  repo: 'https://metallb.github.io/metallb',
  chart: 'metallb',
  version: '0.16.1',
  source: 'github.com/metallb/metallb v0.16.1: charts/metallb/values.yaml, values.schema.json, config/crd/bases/',
  crds: [
    'bfdprofiles.metallb.io', 'bgpadvertisements.metallb.io', 'bgppeers.metallb.io', 'communities.metallb.io', 'configurationstates.metallb.io',
    'ipaddresspools.metallb.io', 'l2advertisements.metallb.io', 'servicebgpstatuses.metallb.io', 'servicel2statuses.metallb.io',
  ],
  workloads: [{ deployment: 'metallb-controller', reason: 'the webhook that admits metallb.io objects, and the address allocator' }],
  webhookGroups: ['metallb.io'],
  // charts/metallb/charts/crds/templates/crds.yaml (v0.16.1): the BGPPeer v1beta1 <-> v1beta2 conversion
  conversionWebhooks: { 'bgppeers.metallb.io': { service: 'metallb-webhook-service', path: '/convert', conversionReviewVersions: ['v1beta1', 'v1beta2'] } },
};

/**
 * oauth2-proxy v7.15.3, chart oauth2-proxy 10.7.0 (artifacthub.io/packages/helm/oauth2-proxy/oauth2-proxy;
 * values of github.com/oauth2-proxy/manifests tag oauth2-proxy-10.7.0 helm/oauth2-proxy). No CRDs.
 */
export const OAUTH2_PROXY_CHART: PlatformChartSpec = {
  name: 'oauth2-proxy',
  namespace: 'oauth2-proxy',
  podSecurity: PodSecurityLevel.RESTRICTED,
  repo: 'https://oauth2-proxy.github.io/manifests',
  chart: 'oauth2-proxy',
  version: '10.7.0',
  source: 'github.com/oauth2-proxy/manifests oauth2-proxy-10.7.0: helm/oauth2-proxy/values.yaml, templates/deployment.yaml',
  crds: [],
  workloads: [{ deployment: 'oauth2-proxy', reason: 'signs people in for admin-only apps' }],
};

/**
 * cStor operator, chart cstor 3.3.0 from the OpenEBS archive's Helm repo (github.com/openebs-archive/cstor-operators
 * deploy/helm/charts: Chart.yaml, values.yaml, templates/, crds/). Installed only when a cStor pool exists. Its CRDs live in the chart's
 * `crds/` folder, which Helm skips for CRDs that exist (ours, stage 00), as for Traefik. NDM stays on
 * (`openebsNDM.enabled`): it turns the nodes' disks into the BlockDevices `storage.lock.json` names.
 * Release `cstor` = chart name, so the chart's fullname is `cstor`. The namespace runs cStor's pool pods and
 * NDM's DaemonSet, which need privileged containers and host paths (/dev, /run/udev): "privileged".
 */
export const CSTOR_CHART: PlatformChartSpec = {
  name: 'cstor',
  namespace: 'openebs',
  podSecurity: PodSecurityLevel.PRIVILEGED,
  // The project moved to the OpenEBS archive; its index.md gives this Helm repo. The Deployment
  // names are fixed in the chart's templates (admission-server.yaml, cspc-operator.yaml,
  // cvc-operator.yaml: openebs-cstor-*), whatever the release is called.
  repo: 'https://openebs-archive.github.io/cstor-operators',
  chart: 'cstor',
  // A version whose deploy/helm/charts/Chart.yaml was read (the archive may hold later ones).
  version: '3.3.0',
  source: 'github.com/openebs-archive/cstor-operators: index.md (repo), deploy/helm/charts/Chart.yaml (version 3.3.0, NDM 2.0.0 dependency), templates/admission-server.yaml (deployment openebs-cstor-admission-server)',
  crds: [
    'cstorbackups.cstor.openebs.io', 'cstorcompletedbackups.cstor.openebs.io', 'cstorpoolclusters.cstor.openebs.io', 'cstorpoolinstances.cstor.openebs.io',
    'cstorrestores.cstor.openebs.io', 'cstorvolumeconfigs.cstor.openebs.io', 'cstorvolumepolicies.cstor.openebs.io', 'cstorvolumereplicas.cstor.openebs.io',
    'cstorvolumes.cstor.openebs.io', 'blockdevices.openebs.io', 'blockdeviceclaims.openebs.io',
  ],
  workloads: [
    { deployment: 'openebs-cstor-admission-server', reason: 'the webhook that admits cstor.openebs.io objects (CStorPoolClusters)' },
    { deployment: 'openebs-cstor-cspc-operator', reason: 'turns CStorPoolClusters into pool instances' },
    { deployment: 'openebs-cstor-cvc-operator', reason: 'provisions cStor volumes' },
  ],
  webhookGroups: ['cstor.openebs.io'],
};

/**
 * OpenEBS 4.6.1 with Replicated PV Mayastor 2.12.1, chart openebs 4.6.1 from openebs.github.io/openebs
 * (github.com/openebs/openebs charts/Chart.yaml and values.yaml: `engines.local.{hostpath,lvm,zfs,rawfile}.enabled`,
 * `engines.replicated.mayastor.enabled`; mayastor-extensions chart/values.yaml `crds.enabled`). Installed only
 * when a Mayastor pool exists; every other engine off, the chart's CRDs off (DiskPool comes from stage 00).
 * Mayastor's io-engine runs privileged with hugepages and host networking: the namespace is "privileged".
 */
export const OPENEBS_CHART: PlatformChartSpec = {
  name: 'openebs',
  namespace: 'openebs',
  podSecurity: PodSecurityLevel.PRIVILEGED,
  repo: 'https://openebs.github.io/openebs',
  chart: 'openebs',
  version: '4.6.1',
  source: 'github.com/openebs/openebs v4.6.1: charts/Chart.yaml, charts/values.yaml; github.com/openebs/mayastor-extensions v2.12.1: chart/values.yaml',
  crds: ['diskpools.openebs.io'],
  workloads: [
    { deployment: 'openebs-agent-core', reason: 'Mayastor\'s control plane' },
    { deployment: 'openebs-operator-diskpool', reason: 'creates the pools of DiskPool objects' },
  ],
};

/** Every chart the platform can install, in install order. */
export const PLATFORM_CHARTS: readonly PlatformChartSpec[] = [TRAEFIK_CHART, CERT_MANAGER_CHART, METALLB_CHART, OAUTH2_PROXY_CHART, CSTOR_CHART, OPENEBS_CHART];


/** Let's Encrypt's ACME directories. */
export const LETSENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETSENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

/**
 * Resolvers cert-manager asks whether the DNS-01 TXT record is visible (its "self check").
 * Public resolvers, and only them: the site router answers the homelab's own names
 * locally (split horizon), so a check through it could never see the record.
 * @see https://cert-manager.io/docs/configuration/acme/dns01/#setting-nameservers-for-dns01-self-check
 */
export const DNS01_RECURSIVE_NAMESERVERS: readonly string[] = ['1.1.1.1:53', '9.9.9.9:53'];

/** MetalLB annotation that pins a LoadBalancer Service's address (MetalLB >= 0.13). */
export const METALLB_IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';

/**
 * The charts this model installs: the first three always; oauth2-proxy with `platform.oauth`;
 * the cStor operator with a cStor pool, OpenEBS (Mayastor) with a Mayastor pool.
 */
export function platformCharts(model: Model): PlatformChartSpec[] {
  const platform = model.cluster?.platform;
  if (!platform) return [];
  const engines = new Set(model.pools.map((p) => p.engine));
  return PLATFORM_CHARTS.filter((c) => (c === OAUTH2_PROXY_CHART ? platform.oauth !== undefined
    : c === CSTOR_CHART ? engines.has('cstor')
      : c === OPENEBS_CHART ? engines.has('mayastor')
        : true));
}

/** A Kubernetes Secret the platform reads and the user creates (key {@link SECRET_VALUE_KEY}); never emitted. */
export interface PlatformSecret {
  readonly namespace: string;
  /** The declared secret's name (`inventory.secrets`). */
  readonly name: string;
  readonly key: string;
  /** What it is, from the declaration. @default - none */
  readonly description?: string;
}

/** The Secrets the platform's charts and ClusterIssuer read: the Cloudflare token, oauth2-proxy's three. */
export function platformSecrets(model: Model): PlatformSecret[] {
  const platform = model.cluster?.platform;
  if (!platform) return [];
  const describe = (name: string) => model.secrets.find((s) => s.name === name)?.description;
  const secret = (namespace: string, name: string): PlatformSecret => ({ namespace, name, key: SECRET_VALUE_KEY, ...(describe(name) ? { description: describe(name) } : {}) });
  const out: PlatformSecret[] = [];
  if (model.dns) out.push(secret(CERT_MANAGER_CHART.namespace, model.dns.apiTokenSecret));
  const oauth = platform.oauth;
  if (oauth) for (const name of [oauth.clientIdSecret, oauth.clientSecretSecret, oauth.cookieSecretSecret]) out.push(secret(OAUTH2_PROXY_CHART.namespace, name));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Chart values
// ---------------------------------------------------------------------------------------------

/** The networks at the cluster's site that give MetalLB addresses. */
export function loadBalancerNetworks(model: Model) {
  const site = model.clusterSite?.name;
  return model.networks.filter((n) => n.site === site && n.loadBalancerPool !== undefined);
}

/** The site's ingress address when it lies in one of MetalLB's pools (then Traefik's Service gets exactly it). */
export function pinnedIngressIP(model: Model): string | undefined {
  const ip = model.ingressIP;
  if (!ip) return undefined;
  return loadBalancerNetworks(model).some((n) => isIPv4InRange(ip, n.loadBalancerPool!.start, n.loadBalancerPool!.end)) ? ip : undefined;
}

/**
 * Traefik: HTTPS on `websecure`, every HTTP request on `web` redirected to it
 * (`ports.web.http.redirections.entryPoint`, the key since chart v35), IngressRoutes
 * may reference the oauth2-proxy Service in its own namespace, one LoadBalancer Service.
 * Pods: restricted securityContexts set here (Helm merges them over the chart's defaults,
 * so the pod is at least this strict whatever the chart ships).
 */
/** A pod securityContext that passes Pod Security "restricted" (Helm merges it over the chart's own). */
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
/** A container securityContext that passes Pod Security "restricted". */
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

export function traefikValues(model: Model): Record<string, unknown> {
  const ip = pinnedIngressIP(model);
  return {
    ingressClass: { enabled: true, isDefaultClass: true, name: model.cluster?.ingressClass ?? 'traefik' },
    ports: {
      web: { http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } } },
      websecure: { http: { tls: { enabled: true } } },
    },
    providers: { kubernetesCRD: { allowCrossNamespace: true } },
    service: { spec: { type: 'LoadBalancer' }, ...(ip ? { annotations: { [METALLB_IPS_ANNOTATION]: ip } } : {}) },
    podSecurityContext: RESTRICTED_POD,
    securityContext: RESTRICTED_CONTAINER,
  };
}

/**
 * cert-manager: no CRDs from the chart; the DNS-01 self check through public resolvers
 * only. Pods: restricted securityContexts set here for the controller, webhook, cainjector
 * and the startupapicheck hook job. That post-install hook keeps the Helm install job
 * running until the webhook answers, so "install job Complete" means "webhook works".
 */
export function certManagerValues(): Record<string, unknown> {
  return {
    crds: { enabled: false },
    dns01RecursiveNameservers: DNS01_RECURSIVE_NAMESERVERS.join(','),
    dns01RecursiveNameserversOnly: true,
    securityContext: RESTRICTED_POD,
    containerSecurityContext: RESTRICTED_CONTAINER,
    ...Object.fromEntries(['webhook', 'cainjector', 'startupapicheck'].map((c) => [c, { securityContext: RESTRICTED_POD, containerSecurityContext: RESTRICTED_CONTAINER }])),
  };
}

/**
 * MetalLB: no CRDs from the chart, layer 2 only (no FRR, no frr-k8s). The controller's
 * pod gets the RuntimeDefault seccomp profile the chart leaves out, which makes it
 * "restricted"; the speaker cannot be (host network, NET_RAW), hence the privileged namespace.
 */
export function metallbValues(): Record<string, unknown> {
  const seccomp = { seccompProfile: { type: 'RuntimeDefault' } };
  return {
    crds: { enabled: false },
    frrk8s: { enabled: false },
    controller: { securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, ...seccomp } },
    speaker: { frr: { enabled: false }, securityContext: seccomp },
  };
}

/** Who may sign in at oauth2-proxy at all (each admin-only route then narrows it per app). */
export interface OAuth2ProxyAccess {
  /** `email_domains` of the generated config: `['*']`, or none when the list below decides. */
  readonly emailDomains: readonly string[];
  /** The authenticated-emails file: everyone any admin route lets in (empty with `*`). */
  readonly emails: readonly string[];
}

/**
 * The sign-in gate. oauth2-proxy's `/oauth2/auth` checks each route's `allowed_emails`
 * and `allowed_groups` (all given lists must match), so a route that names emails only
 * ever lets those people through. When every admin-only app names emails (its own or
 * `platform.oauth.allowedEmails`), the gate is their union plus the platform's list, as an
 * authenticated-emails file: nobody else even gets a session cookie. A route that names
 * only groups lets in group members with any email, which oauth2-proxy cannot express as
 * a sign-in rule (its global `--allowed-group` is ANDed with the email check), so then the
 * gate is `--email-domain=*` and the per-route query alone decides (it is never empty).
 */
export function oauth2ProxyAccess(model: Model): OAuth2ProxyAccess {
  const oauth = model.cluster?.platform?.oauth;
  const emails = new Set<string>(oauth?.allowedEmails ?? []);
  let groupsOnly = false;
  for (const app of model.apps) {
    const admin = app.ingress?.admin;
    if (!admin) continue;
    const appEmails = admin.allowedEmails ?? oauth?.allowedEmails ?? [];
    for (const e of appEmails) emails.add(e);
    if (appEmails.length === 0 && (admin.allowedGroups ?? []).length > 0) groupsOnly = true;
  }
  if (groupsOnly) return { emailDomains: ['*'], emails: [] };
  return { emailDomains: [], emails: [...emails].sort() };
}

/** Cookie and redirect domains: the DNS zone and its subdomains, plus any admin host outside it. */
export function oauth2ProxyDomains(model: Model): string[] {
  const zone = model.dns?.zone;
  const domains = zone ? [`.${zone}`] : [];
  for (const app of model.apps) {
    const host = app.ingress?.admin ? app.ingress.host : undefined;
    if (host && !(zone && (host === zone || host.endsWith(`.${zone}`))) && !domains.includes(host)) domains.push(host);
  }
  return domains;
}

/** Environment variable oauth2-proxy reads each of its secrets from. */
export const OAUTH2_PROXY_SECRET_ENV = { clientId: 'OAUTH2_PROXY_CLIENT_ID', clientSecret: 'OAUTH2_PROXY_CLIENT_SECRET', cookieSecret: 'OAUTH2_PROXY_COOKIE_SECRET' } as const;

/**
 * oauth2-proxy behind Traefik's forwardAuth: the provider; `--reverse-proxy` (trust
 * Traefik's X-Forwarded-*), `--set-xauthrequest` (user and email headers for the app),
 * `--skip-provider-button` (sign-in goes straight to the provider, so the 401→302 of the
 * sign-in middleware lands on it); the cookie on the DNS zone (one sign-in for every admin
 * host) and redirects allowed back to it; upstream `static://202` (it only authenticates).
 * Client id, client secret and cookie secret come from the Secrets the user creates, by
 * `secretKeyRef` in `extraEnv`; `proxyVarsAsSecrets: false` stops the chart from creating
 * its own Secret with placeholder values. Pods: restricted securityContexts set here.
 */
export function oauth2ProxyValues(model: Model): Record<string, unknown> {
  const oauth = model.cluster!.platform!.oauth!;
  const access = oauth2ProxyAccess(model);
  const args = [
    `--provider=${oauth.provider}`,
    ...(oauth.oidcIssuerUrl && (oauth.provider === 'oidc' || oauth.provider === 'keycloak-oidc') ? [`--oidc-issuer-url=${oauth.oidcIssuerUrl}`] : []),
    '--reverse-proxy=true',
    '--set-xauthrequest=true',
    '--skip-provider-button=true',
    ...oauth2ProxyDomains(model).flatMap((d) => [`--cookie-domain=${d}`, `--whitelist-domain=${d}`]),
  ];
  const fromSecret = (name: string, secret: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key: SECRET_VALUE_KEY } } });
  return {
    config: { emailDomains: [...access.emailDomains], upstreams: ['static://202'] },
    proxyVarsAsSecrets: false,
    extraArgs: args,
    extraEnv: [
      fromSecret(OAUTH2_PROXY_SECRET_ENV.clientId, oauth.clientIdSecret),
      fromSecret(OAUTH2_PROXY_SECRET_ENV.clientSecret, oauth.clientSecretSecret),
      fromSecret(OAUTH2_PROXY_SECRET_ENV.cookieSecret, oauth.cookieSecretSecret),
    ],
    podSecurityContext: RESTRICTED_POD,
    securityContext: { enabled: true, ...RESTRICTED_CONTAINER },
    ...(access.emails.length > 0 ? { authenticatedEmailsFile: { enabled: true, persistence: 'configmap', restricted_access: access.emails.join('\n') } } : {}),
  };
}

/** OpenEBS: Mayastor only, no CRDs from the chart (ours are applied in stage 00). */
export function openebsValues(): Record<string, unknown> {
  return {
    engines: { local: { hostpath: { enabled: false }, lvm: { enabled: false }, zfs: { enabled: false }, rawfile: { enabled: false } }, replicated: { mayastor: { enabled: true } } },
    'openebs-crds': { csi: { volumeSnapshots: { enabled: false } } },
    mayastor: { crds: { enabled: false } },
  };
}

/** The values of one platform chart for this model. */
export function platformChartValues(model: Model, chart: PlatformChartSpec): Record<string, unknown> {
  switch (chart) {
    case TRAEFIK_CHART: return traefikValues(model);
    case CERT_MANAGER_CHART: return certManagerValues();
    case METALLB_CHART: return metallbValues();
    case OAUTH2_PROXY_CHART: return oauth2ProxyValues(model);
    case CSTOR_CHART: return { openebsNDM: { enabled: true } };
    case OPENEBS_CHART: return openebsValues();
    default: throw new Error(`homelab-cdk: no values for chart ${chart.name}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'homelab-cdk' };

const PLATFORM_CRDS_BRAND = brandSymbol('PlatformCrds');

/** Stage `00-crds`: every CRD the platform's charts need, without descriptions. */
export class PlatformCrds extends Chart {
  /** True when `x` is a PlatformCrds, also from another copy of this library (`instanceof` uses it). */
  static isPlatformCrds(x: unknown): x is PlatformCrds {
    return hasBrand(x, PLATFORM_CRDS_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is PlatformCrds {
    return PlatformCrds.isPlatformCrds(x);
  }

  /** One ApiObject per CRD, by CRD name. */
  readonly crds: ReadonlyMap<string, ApiObject>;

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id, { labels: MANAGED_BY });
    addBrand(this, PLATFORM_CRDS_BRAND);
    setK8sStage(this, K8sStage.CRDS);
    const charts = platformCharts(model);
    const crds = new Map<string, ApiObject>();
    // PrometheusRule for the backup alerts (a prometheus-operator, if any, picks them up)
    const extra = model.apps.some((a) => a.backups) ? [PROMETHEUS_RULE_CRD] : [];
    for (const shared of bundledCrds([...charts.flatMap((c) => c.crds), ...extra])) {
      let crd = shared;
      const owner = charts.find((c) => c.conversionWebhooks?.[crd.metadata.name]);
      const conversion = owner?.conversionWebhooks?.[crd.metadata.name];
      if (owner && conversion) {
        crd = {
          ...shared,
          spec: {
            ...shared.spec,
            conversion: {
              strategy: 'Webhook',
              webhook: {
                clientConfig: { service: { name: conversion.service, namespace: owner.namespace, path: conversion.path } },
                conversionReviewVersions: [...conversion.conversionReviewVersions],
              },
            },
          },
        };
      }
      crds.set(crd.metadata.name, new PlainDataApiObject(this, crd.metadata.name, crd));
    }
    this.crds = crds;
  }
}

/** The CRD of the backup alerts (`ResticBackedApp`), applied in stage 00 when an app has backups. */
export const PROMETHEUS_RULE_CRD = 'prometheusrules.monitoring.coreos.com';

const PLATFORM_SERVICES_BRAND = brandSymbol('PlatformServices');

/** Stage `10-platform`: the platform namespaces and one k3s HelmChart per chart. */
export class PlatformServices extends Chart {
  /** True when `x` is a PlatformServices, also from another copy of this library (`instanceof` uses it). */
  static isPlatformServices(x: unknown): x is PlatformServices {
    return hasBrand(x, PLATFORM_SERVICES_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is PlatformServices {
    return PlatformServices.isPlatformServices(x);
  }

  /** The HelmCharts, by chart name. */
  readonly helmCharts: ReadonlyMap<string, ApiObject>;
  readonly namespaces: readonly kplus.Namespace[];

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id, { labels: MANAGED_BY });
    addBrand(this, PLATFORM_SERVICES_BRAND);
    setK8sStage(this, K8sStage.PLATFORM);
    const charts = platformCharts(model);
    // cStor and OpenEBS share `openebs`: one Namespace
    const namespaces = charts.filter((c, i) => charts.findIndex((x) => x.namespace === c.namespace) === i);
    this.namespaces = addNamespaces(this, namespaces.map((c) => ({ name: c.namespace, podSecurity: c.podSecurity })));
    const helmCharts = new Map<string, ApiObject>();
    for (const c of charts) {
      helmCharts.set(c.name, new ApiObject(this, `HelmChart-${c.name}`, {
        apiVersion: 'helm.cattle.io/v1',
        kind: 'HelmChart',
        metadata: { name: c.name, namespace: HELM_CONTROLLER_NAMESPACE },
        spec: {
          repo: c.repo,
          chart: c.chart,
          version: c.version,
          targetNamespace: c.namespace,
          createNamespace: true,
          valuesContent: toYaml(platformChartValues(model, c)),
        },
      }));
    }
    this.helmCharts = helmCharts;
    setK8sFileNote(this, secretsNote(model));
  }
}

function secretsNote(model: Model): string {
  const secrets = platformSecrets(model);
  const width = Math.max(0, ...secrets.map((s) => `${s.namespace}/${s.name}`.length));
  return [
    'Secrets are yours: synth never writes a value. Each is a Secret with the key "value";',
    'dist/apply.sh creates a missing one from $HOMELAB_SECRET_<NAME> (never updates one), or create it:',
    '  kubectl -n <namespace> create secret generic <name> --from-file=value=/dev/stdin',
    ...secrets.map((s) => `  ${`${s.namespace}/${s.name}`.padEnd(width)}${s.description ? `  ${s.description}` : ''}`),
  ].join('\n');
}

const PLATFORM_CONFIG_BRAND = brandSymbol('PlatformConfig');

/** Stage `20-platform-config`: the ClusterIssuer and MetalLB's address pools. */
export class PlatformConfig extends Chart {
  /** True when `x` is a PlatformConfig, also from another copy of this library (`instanceof` uses it). */
  static isPlatformConfig(x: unknown): x is PlatformConfig {
    return hasBrand(x, PLATFORM_CONFIG_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is PlatformConfig {
    return PlatformConfig.isPlatformConfig(x);
  }

  readonly clusterIssuer?: ApiObject;
  readonly addressPools: readonly ApiObject[];
  readonly l2Advertisement?: ApiObject;

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id, { labels: MANAGED_BY });
    addBrand(this, PLATFORM_CONFIG_BRAND);
    setK8sStage(this, K8sStage.PLATFORM_CONFIG);
    const platform = model.cluster!.platform!;
    const issuer = model.cluster!.certIssuer;
    const dns = model.dns;
    if (dns) {
      this.clusterIssuer = new ApiObject(this, 'ClusterIssuer', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: issuer },
        spec: {
          acme: {
            email: platform.acmeEmail,
            server: platform.acmeStaging ? LETSENCRYPT_STAGING : LETSENCRYPT_PRODUCTION,
            privateKeySecretRef: { name: `${issuer}-account-key` },
            solvers: [{
              selector: { dnsZones: [dns.zone] },
              dns01: { cloudflare: { apiTokenSecretRef: { name: dns.apiTokenSecret, key: SECRET_VALUE_KEY } } },
            }],
          },
        },
      });
    }
    const networks = loadBalancerNetworks(model);
    this.addressPools = networks.map((n) => new ApiObject(this, `IPAddressPool-${n.name}`, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: n.name, namespace: METALLB_CHART.namespace },
      spec: { addresses: [`${n.loadBalancerPool!.start}-${n.loadBalancerPool!.end}`] },
    }));
    if (networks.length > 0) {
      this.l2Advertisement = new ApiObject(this, 'L2Advertisement', {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: 'default', namespace: METALLB_CHART.namespace },
        spec: { ipAddressPools: networks.map((n) => n.name) },
      });
    }
    this.node.addValidation({
      validate: () => (networks.length > 0 ? [] : [
        `no network at the cluster's site ${JSON.stringify(model.clusterSite?.name ?? null)} has a loadBalancerPool, so MetalLB has no address for Traefik; declare one (networks[].loadBalancerPool)`,
      ]),
    });
  }
}

/** The platform's three charts, when `cluster.platform` is set. */
export interface PlatformCharts {
  readonly crds: PlatformCrds;
  readonly services: PlatformServices;
  readonly config: PlatformConfig;
}

/** Adds the platform's charts (ids `crds`, `platform`, `platform-config`) to the cdk8s app; undefined without `cluster.platform`. */
export function addPlatformCharts(app: Construct, model: Model): PlatformCharts | undefined {
  if (!model.cluster?.platform) return undefined;
  return {
    crds: new PlatformCrds(app, 'crds', model),
    services: new PlatformServices(app, 'platform', model),
    config: new PlatformConfig(app, 'platform-config', model),
  };
}
