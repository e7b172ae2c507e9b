/**
 * The platform's chart values and the facts they are made of, from the derived model: which
 * charts this homelab installs, the Secrets they read, MetalLB's pools and Traefik's address,
 * oauth2-proxy's access rules and domains.
 */
import { SECRET_VALUE_KEY, secretKeyRef } from '../core/secrets';
import { Model } from '../model/derive';
import { isIPv4InRange } from '../core/net';
import { bug } from '../core/errors';
import { CERT_MANAGER_CHART, CSTOR_CHART, METALLB_CHART, OAUTH2_PROXY_CHART, OPENEBS_CHART, PLATFORM_CHARTS, PlatformChartSpec, TRAEFIK_CHART } from './versions';

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
  const engines = new Set(model.storagePools.map((p) => p.engine));
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
  const fromSecret = (name: string, secret: string) => ({ name, valueFrom: { secretKeyRef: secretKeyRef(secret) } });
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
    default: return bug('platform', 'PlatformChartSpec.name', 'no values for this chart', chart.name, 'a case in platformChartValues');
  }
}
