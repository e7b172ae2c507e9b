/**
 * How one app is reached over HTTPS: its route, its certificate and, for
 * admin-only apps, the oauth2-proxy sign-in in front of it (seed 001:
 * "Domains that only allow access by administrators are gated behind a OAuth
 * middleware in Traefik").
 *
 * With the homelab's own platform (`cluster.platform`: Traefik, cert-manager,
 * oauth2-proxy as HelmCharts) it emits:
 * - a cert-manager `Certificate` for the host (never a wildcard), signed by the
 *   ClusterIssuer `cluster.certIssuer`;
 * - a Traefik `IngressRoute` on the `websecure` entry point only, `Host(...)` →
 *   the app's Service, TLS from the Certificate's secret;
 * - when admin-only: two `Middleware`s on the app route, `<app>-signin`
 *   (errors: oauth2-proxy's 401 becomes a 302 to its sign-in) before
 *   `<app>-auth` (forwardAuth to oauth2-proxy's `/oauth2/auth` with the allowed
 *   emails and groups as query parameters), and a second route
 *   `Host(...) && PathPrefix(/oauth2/)` to oauth2-proxy itself, so the sign-in
 *   and the OAuth callback work on the app's own host.
 *
 * oauth2-proxy applies each list that is given: with both emails and groups, a
 * user must have one of the emails AND be in one of the groups. A signed-in user
 * who fails the check gets oauth2-proxy's 403 (no redirect, so no sign-in loop).
 * The signin middleware also turns a 401 of the app itself into the sign-in.
 *
 * Without a platform (k3s's bundled Traefik) it keeps a `networking.k8s.io/v1`
 * Ingress with the cluster's ingress class and the same Certificate; admin-only
 * apps are then an error, because nothing could sign anyone in.
 *
 * What the platform must provide (see {@link OAUTH2_PROXY_FLAGS}):
 * - Traefik with `providers.kubernetesCRD.allowCrossNamespace: true` (routes and
 *   middlewares point at the oauth2-proxy Service in its own namespace) and the
 *   global HTTP→HTTPS redirect on the `web` entry point: these routes bind
 *   `websecure` only, so plain HTTP reaches them through that redirect alone;
 * - the oauth2-proxy release {@link OAUTH2_PROXY_SERVICE} in namespace
 *   {@link OAUTH2_PROXY_NAMESPACE}, port {@link OAUTH2_PROXY_PORT}.
 *
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/integrations/traefik
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/forwardauth/
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/errorpages/
 */
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { isDnsLabel } from '../core/net';
import { APP_NAME, checkField, DNS_LABEL, EMAIL, HOST_NAME, K8S_OBJECT_NAME, PROVIDER_GROUP } from '../model/field-rules';
import { oneOf, ProblemCollector } from '../core/errors';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';

/** Namespace of the oauth2-proxy release (the platform's HelmChart targets it). @internal */
export const OAUTH2_PROXY_NAMESPACE = 'oauth2-proxy';
/** Name of oauth2-proxy's Service (the chart's fullname; name the release so). @internal */
export const OAUTH2_PROXY_SERVICE = 'oauth2-proxy';
/** Port of oauth2-proxy's Service (the chart's `service.portNumber` default). @internal */
export const OAUTH2_PROXY_PORT = 80;
/** oauth2-proxy's `--proxy-prefix` (its default); sign-in, callback and auth live below it. @internal */
export const OAUTH2_PROXY_PREFIX = '/oauth2';
/** Response headers oauth2-proxy sets on `/oauth2/auth` (with `--set-xauthrequest`) and Traefik hands to the app. @internal */
export const OAUTH2_PROXY_AUTH_RESPONSE_HEADERS: readonly string[] = ['X-Auth-Request-User', 'X-Auth-Request-Email'];
/** Traefik entry point of the routes (the chart's default HTTPS entry point). @internal */
export const TRAEFIK_HTTPS_ENTRYPOINT = 'websecure';

/**
 * oauth2-proxy flags these routes rely on (the chart's `extraArgs`), besides provider,
 * client and cookie settings:
 * - `reverse-proxy`: trust Traefik's X-Forwarded-* (request host and scheme for redirects);
 * - `set-xauthrequest`: answer `/oauth2/auth` with {@link OAUTH2_PROXY_AUTH_RESPONSE_HEADERS};
 * - `skip-provider-button`: `/oauth2/sign_in` redirects straight to the provider, which the
 *   signin middleware's 401→302 rewrite needs (a 302 without a Location header is a dead end);
 * - `email-domain: *`: any provider account may sign in; who gets through is decided per app
 *   by the `allowed_emails`/`allowed_groups` of its auth middleware (never empty).
 * Also needed, and per homelab: `whitelist-domain` listing every admin host (the `rd` target of
 * the sign-in is an absolute `https://<host>/...` URL, refused for other domains), and no
 * `redirect-url`, so the callback is `https://<host>/oauth2/callback` on each admin host.
 * @internal
 */
export const OAUTH2_PROXY_FLAGS: Readonly<Record<string, string>> = {
  'reverse-proxy': 'true',
  'set-xauthrequest': 'true',
  'skip-provider-button': 'true',
  'email-domain': '*',
};

/** A cert-manager issuer that signs certificates (a handle: nothing is created). */
export interface ICertIssuer {
  /** Name of the issuer. */
  readonly issuerName: string;
  /** `ClusterIssuer` (cluster-wide) or `Issuer` (in the certificate's namespace). */
  readonly issuerKind: 'ClusterIssuer' | 'Issuer';
}

/** References to cert-manager issuers that exist in the cluster. */
export class CertIssuer {
  /**
   * A `ClusterIssuer` by name.
   * @see https://cert-manager.io/docs/concepts/issuer/
   */
  static clusterIssuer(name: string): ICertIssuer {
    return { issuerName: name, issuerKind: 'ClusterIssuer' };
  }

  /** A namespaced `Issuer` by name, in the namespace of the certificate. */
  static issuer(name: string): ICertIssuer {
    return { issuerName: name, issuerKind: 'Issuer' };
  }

  private constructor() {}
}

/** An oauth2-proxy the forward-auth middleware sends requests to (a handle: nothing is created). */
export interface IOAuth2Proxy {
  /** Name of its Service. */
  readonly serviceName: string;
  /** Namespace of its Service. */
  readonly namespace: string;
  /** Port of its Service. */
  readonly port: number;
}

/** References to oauth2-proxy releases. */
export class OAuth2Proxy {
  /** The platform's release: Service {@link OAUTH2_PROXY_SERVICE}, namespace {@link OAUTH2_PROXY_NAMESPACE}, port {@link OAUTH2_PROXY_PORT}. */
  static platform(): IOAuth2Proxy {
    return OAuth2Proxy.fromService(OAUTH2_PROXY_SERVICE, OAUTH2_PROXY_NAMESPACE, OAUTH2_PROXY_PORT);
  }

  /** Any oauth2-proxy Service; it must run with {@link OAUTH2_PROXY_FLAGS}. */
  static fromService(serviceName: string, namespace: string, port = OAUTH2_PROXY_PORT): IOAuth2Proxy {
    return { serviceName, namespace, port };
  }

  private constructor() {}
}

/** How the route reaches Traefik. */
export enum IngressRouting {
  /** A Traefik `IngressRoute` (traefik.io/v1alpha1) on the `websecure` entry point; supports forward-auth. */
  TRAEFIK_INGRESS_ROUTE = 'traefik-ingress-route',
  /** A standard `networking.k8s.io/v1` Ingress (e.g. k3s's bundled Traefik); no forward-auth. */
  INGRESS = 'ingress',
}

/** Sign-in through oauth2-proxy before any request reaches the Service. */
export interface OAuthForwardAuth {
  /**
   * The oauth2-proxy that signs users in.
   * @default OAuth2Proxy.platform() - Service `oauth2-proxy`, port 80, namespace `oauth2-proxy`
   */
  readonly proxy?: IOAuth2Proxy;
  /**
   * Email addresses let through (oauth2-proxy `allowed_emails`).
   * @default [] - any email; then `allowedGroups` must name someone
   */
  readonly allowedEmails?: readonly string[];
  /**
   * Provider groups let through (oauth2-proxy `allowed_groups`); with both lists a user must match both.
   * @default [] - any group
   */
  readonly allowedGroups?: readonly string[];
}

export interface OAuthIngressProps {
  /** Fully qualified hostname served, e.g. `photos.example.org` (never a wildcard). */
  readonly host: string;
  /** The Service requests go to (in {@link namespace}). */
  readonly service: kplus.Service;
  /** Port of the Service to use. @default - the Service's only port */
  readonly servicePort?: number;
  /**
   * Base of every object name (`<name>`, `<name>-tls`, `<name>-signin`, `<name>-auth`) and the
   * `app.kubernetes.io/name` label.
   * @default - the Service's name
   */
  readonly name?: string;
  /** Namespace of every object and of the Service. @default - the enclosing chart's namespace, else 'default' */
  readonly namespace?: string;
  /**
   * The issuer that signs the host's certificate (DNS-01 or HTTP-01, as it is set up).
   * @default CertIssuer.clusterIssuer('letsencrypt')
   */
  readonly issuer?: ICertIssuer;
  /** Traefik IngressRoute or a standard Ingress. @default IngressRouting.TRAEFIK_INGRESS_ROUTE */
  readonly routing?: IngressRouting;
  /**
   * Ingress class (`ingressClassName`).
   * @default 'traefik'
   * @see https://doc.traefik.io/traefik/providers/kubernetes-crd/#ingressclass
   */
  readonly ingressClass?: string;
  /**
   * Sign users in through oauth2-proxy and let only these people through (needs
   * {@link IngressRouting.TRAEFIK_INGRESS_ROUTE}).
   * @default - none: open to anyone who can reach the host
   */
  readonly forwardAuth?: OAuthForwardAuth;
}

/** Query string of oauth2-proxy's auth endpoint: each value URL-encoded, values joined by "," (oauth2-proxy splits on it after decoding). @internal */
export function oauth2ProxyAuthQuery(allowedEmails: readonly string[], allowedGroups: readonly string[]): string {
  const param = (key: string, values: readonly string[]) => (values.length > 0 ? [`${key}=${values.map(encodeURIComponent).join(',')}`] : []);
  return [...param('allowed_emails', allowedEmails), ...param('allowed_groups', allowedGroups)].join('&');
}

/** In-cluster URL of oauth2-proxy's auth endpoint with the allowed emails and groups. @internal */
export function oauth2ProxyAuthAddress(allowedEmails: readonly string[], allowedGroups: readonly string[], proxy: IOAuth2Proxy = OAuth2Proxy.platform()): string {
  const query = oauth2ProxyAuthQuery(allowedEmails, allowedGroups);
  const port = proxy.port === 80 ? '' : `:${proxy.port}`;
  return `http://${proxy.serviceName}.${proxy.namespace}.svc.cluster.local${port}${OAUTH2_PROXY_PREFIX}/auth${query ? `?${query}` : ''}`;
}

const O_AUTH_INGRESS_BRAND = brandSymbol('OAuthIngress');

/**
 * One app's HTTPS entry: route (Traefik IngressRoute, or an Ingress without a platform),
 * certificate and, for admin-only apps, the oauth2-proxy middlewares. Every object is a
 * plain cdk8s `ApiObject` (or cdk8s-plus Ingress), so `addJsonPatch` reaches any field.
 */
export class OAuthIngress extends Construct {
  /** True when `x` is a OAuthIngress, also from another copy of this library (`instanceof` uses it). */
  static isOAuthIngress(x: unknown): x is OAuthIngress {
    return hasBrand(x, O_AUTH_INGRESS_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is OAuthIngress {
    return isInstance(this, OAuthIngress, O_AUTH_INGRESS_BRAND, x);
  }

  /** The primary object: the IngressRoute, or the Ingress's ApiObject without a platform. */
  readonly resource: ApiObject;
  /** The Traefik IngressRoute (platform only). */
  readonly ingressRoute?: ApiObject;
  /** The networking.k8s.io Ingress (without a platform only). */
  readonly ingress?: kplus.Ingress;
  /** The cert-manager Certificate of the host. */
  readonly certificate: ApiObject;
  /** forwardAuth to oauth2-proxy (admin-only apps on the platform). */
  readonly authMiddleware?: ApiObject;
  /** errors middleware sending a browser without a session to the sign-in (admin-only apps on the platform). */
  readonly signInMiddleware?: ApiObject;
  /** The hostname served. */
  readonly host: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /** Secret the Certificate writes and the route serves. */
  readonly tlsSecretName: string;
  /** True when users sign in through oauth2-proxy first ({@link OAuthIngressProps.forwardAuth}). */
  readonly adminOnly: boolean;
  /** Emails let through (with forward-auth; empty otherwise). */
  readonly allowedEmails: readonly string[];
  /** Provider groups let through (with forward-auth; empty otherwise). A user must match every non-empty list. */
  readonly allowedGroups: readonly string[];

  constructor(scope: Construct, id: string, props: OAuthIngressProps) {
    super(scope, id);
    addBrand(this, O_AUTH_INGRESS_BRAND);
    const auth = props.forwardAuth;
    const routing = props.routing ?? IngressRouting.TRAEFIK_INGRESS_ROUTE;
    const issuer = props.issuer ?? CertIssuer.clusterIssuer('letsencrypt');
    const proxy = auth?.proxy ?? OAuth2Proxy.platform();
    const serviceName = props.service.name;
    const name = props.name ?? serviceName;

    this.host = props.host;
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    this.tlsSecretName = `${name}-tls`;
    this.adminOnly = auth !== undefined;
    this.allowedEmails = [...(auth?.allowedEmails ?? [])];
    this.allowedGroups = [...(auth?.allowedGroups ?? [])];
    const servicePorts = props.service.ports.map((sp) => sp.port);
    const servicePort = props.servicePort ?? (servicePorts.length === 1 ? servicePorts[0] : undefined);

    // Single fields, eagerly; every problem at once.
    const p = new ProblemCollector();
    const at = this.node.path;
    // the inventory's rules (model/field-rules.ts): the same value gets the same message here and there
    checkField(p, at, 'OAuthIngress.host', this.host, HOST_NAME);
    checkField(p, at, 'OAuthIngress.name', name, APP_NAME);
    checkField(p, at, 'OAuthIngress.namespace', this.namespace, DNS_LABEL);
    if (servicePort === undefined || !servicePorts.includes(servicePort)) {
      p.add(at, 'OAuthIngress.servicePort', `not a port of Service ${serviceName}`, servicePort ?? null, oneOf(servicePorts, `a port of the Service, which has none: give Service ${serviceName} a port`));
    }
    checkField(p, at, 'OAuthIngress.issuer', issuer.issuerName, K8S_OBJECT_NAME);
    if (auth) {
      if (routing !== IngressRouting.TRAEFIK_INGRESS_ROUTE) {
        p.add(at, 'OAuthIngress.forwardAuth', 'forward-auth needs a Traefik IngressRoute, but routing is a plain Ingress', routing,
          'routing: IngressRouting.TRAEFIK_INGRESS_ROUTE (Traefik with its CRDs), or no forwardAuth to make the host open');
      } else if (this.allowedEmails.length + this.allowedGroups.length === 0) {
        p.add(at, 'OAuthIngress.forwardAuth', 'nobody is allowed in', auth, 'name allowedEmails or allowedGroups');
      }
      // oauth2-proxy splits each parameter on ","; an empty value or a comma would widen or break the list.
      this.allowedEmails.forEach((e, i) => checkField(p, at, `OAuthIngress.forwardAuth.allowedEmails[${i}]`, e, EMAIL));
      this.allowedGroups.forEach((g, i) => checkField(p, at, `OAuthIngress.forwardAuth.allowedGroups[${i}]`, g, PROVIDER_GROUP));
      if (!isDnsLabel(proxy.serviceName) || !isDnsLabel(proxy.namespace)) p.add(at, 'OAuthIngress.forwardAuth.proxy', 'not a Service name and namespace', proxy, 'DNS labels');
    }
    p.throwIfAny();
    const port = servicePort!;

    const metadata = (objName: string) => ({ name: objName, namespace: this.namespace, labels: { 'app.kubernetes.io/name': name } });

    if (routing === IngressRouting.INGRESS) {
      // k3s's bundled Traefik reads standard Ingresses (and redirects nothing by itself).
      this.ingress = new kplus.Ingress(this, 'Resource', {
        metadata: metadata(name),
        className: props.ingressClass ?? 'traefik',
        rules: [{
          host: this.host,
          path: '/',
          pathType: kplus.HttpIngressPathType.PREFIX,
          backend: kplus.IngressBackend.fromService(props.service, { port }),
        }],
        tls: [{ hosts: [this.host], secret: kplus.Secret.fromSecretName(this, 'TlsSecret', this.tlsSecretName) }],
      });
      this.resource = ApiObject.of(this.ingress);
    } else {
      const hostRule = `Host(\`${this.host}\`)`;
      const appRoute: Record<string, unknown> = {
        kind: 'Rule',
        match: hostRule,
        services: [{ kind: 'Service', name: serviceName, port }],
      };
      const routes: Record<string, unknown>[] = [appRoute];
      if (auth) {
        const oauth2Service = { kind: 'Service', name: proxy.serviceName, namespace: proxy.namespace, port: proxy.port };
        this.signInMiddleware = new ApiObject(this, 'SignInMiddleware', {
          apiVersion: 'traefik.io/v1alpha1',
          kind: 'Middleware',
          metadata: metadata(`${name}-signin`),
          spec: {
            errors: {
              // Only 401 (no session): a signed-in user outside the lists gets oauth2-proxy's 403, not a sign-in loop.
              status: ['401'],
              // With --skip-provider-button the sign-in answers 302 to the provider; keep it a redirect.
              statusRewrites: { '401': 302 },
              service: { name: proxy.serviceName, namespace: proxy.namespace, port: proxy.port },
              // Traefik replaces {url} with the escaped original https://<host>/<path>?<query>.
              query: `${OAUTH2_PROXY_PREFIX}/sign_in?rd={url}`,
            },
          },
        });
        this.authMiddleware = new ApiObject(this, 'AuthMiddleware', {
          apiVersion: 'traefik.io/v1alpha1',
          kind: 'Middleware',
          metadata: metadata(`${name}-auth`),
          spec: {
            forwardAuth: {
              address: oauth2ProxyAuthAddress(this.allowedEmails, this.allowedGroups, proxy),
              trustForwardHeader: true,
              authResponseHeaders: [...OAUTH2_PROXY_AUTH_RESPONSE_HEADERS],
            },
          },
        });
        // Order matters: the errors middleware wraps forwardAuth, so it sees forwardAuth's 401.
        appRoute.middlewares = [
          { name: `${name}-signin`, namespace: this.namespace },
          { name: `${name}-auth`, namespace: this.namespace },
        ];
        // Sign-in, start and callback on the app's own host; no auth middleware here (it would loop).
        // Traefik ranks routes by rule length, so this longer rule wins over the bare Host rule.
        routes.push({ kind: 'Rule', match: `${hostRule} && PathPrefix(\`${OAUTH2_PROXY_PREFIX}/\`)`, services: [oauth2Service] });
      }
      // websecure only: HTTP on `web` is redirected to HTTPS globally by the platform's Traefik chart.
      this.ingressRoute = new ApiObject(this, 'Resource', {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'IngressRoute',
        metadata: metadata(name),
        spec: {
          ingressClassName: props.ingressClass ?? 'traefik',
          entryPoints: [TRAEFIK_HTTPS_ENTRYPOINT],
          routes,
          tls: { secretName: this.tlsSecretName },
        },
      });
      this.resource = this.ingressRoute;
    }

    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: metadata(this.tlsSecretName),
      spec: {
        secretName: this.tlsSecretName,
        dnsNames: [this.host],
        issuerRef: { kind: issuer.issuerKind, name: issuer.issuerName, group: 'cert-manager.io' },
      },
    });
  }
}
