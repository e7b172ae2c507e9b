import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { inventory as reference } from '../../apps/inventory';
import { ClusterApp } from '../../lib/constructs/cluster-app';
import {
  CertIssuer, OAUTH2_PROXY_AUTH_RESPONSE_HEADERS, OAUTH2_PROXY_NAMESPACE, OAuth2Proxy, OAUTH2_PROXY_PORT, OAUTH2_PROXY_SERVICE,
  OAuthIngress, oauth2ProxyAuthAddress, TRAEFIK_HTTPS_ENTRYPOINT,
} from '../../lib/constructs/oauth-ingress';
import { clusterAppProps, ingressOptions } from '../../lib/homelab/props';
import { RestrictedPodSecurityResolver } from '../../lib/k8s/security';
import { chartObjects } from '../../lib/synth/k8s';
import { deriveModel, ResolvedApp } from '../../lib/model/derive';
import { ClusterSpec, IngressSpec, OAuthSpec } from '../../lib/model/inventory';

/** The cluster settings Homelab maps to an OAuthIngress's props. */
type OAuthIngressCluster = Pick<ClusterSpec, 'certIssuer' | 'ingressClass' | 'platform'>;
import { checkPodSecurityRestricted, validateManifest } from '../helpers/k8s-validate';
import { problemMessages } from '../helpers/problems';

const OAUTH: OAuthSpec = {
  provider: 'github',
  clientIdSecret: 'oauth-client-id',
  clientSecretSecret: 'oauth-client-secret',
  cookieSecretSecret: 'oauth-cookie-secret',
  allowedEmails: ['manfred@example.org'],
};
const PLATFORM: OAuthIngressCluster = { certIssuer: 'letsencrypt-dns', platform: { acmeEmail: 'manfred@example.org', oauth: OAUTH } };
const NO_PLATFORM: OAuthIngressCluster = { certIssuer: 'letsencrypt', ingressClass: 'traefik-lan' };

const PUBLIC: IngressSpec = { host: 'whoami.example.org', public: true };
const INTERNAL: IngressSpec = { host: 'git.home.example.org' };
const ADMIN: IngressSpec = { host: 'dash.example.org', public: true, admin: { allowedEmails: ['manfred@example.org'], allowedGroups: ['example-org:admins'] } };

function resolvedApp(name: string, ingress?: IngressSpec): ResolvedApp {
  return { name, namespace: name, image: 'traefik/whoami:v1.10.3', port: 8080, replicas: 1, runAsUser: 1000, cpuMillis: 100, memoryMiB: 256, tmpVolume: true, ingress };
}

interface Synth {
  readonly construct: OAuthIngress;
  readonly objects: any[];
  readonly find: (kind: string, name: string) => any;
}

/** The props Homelab gives an app's OAuthIngress. */
function ingressProps(app: ResolvedApp, cluster: OAuthIngressCluster | undefined, service: kplus.Service) {
  return { ...ingressOptions(app, cluster as ClusterSpec)!, host: app.ingress?.host as string, name: app.name, namespace: app.namespace, service };
}

/** One OAuthIngress in a chart of the app's namespace, next to the app's Service. */
function synth(ingress: IngressSpec | undefined, cluster?: OAuthIngressCluster, name = 'web', ports = [80]): Synth {
  const app = new App();
  const chart = new Chart(app, 'test', { namespace: name });
  const service = new kplus.Service(chart, 'Service', { metadata: { name }, ports: ports.map((port) => ({ port, targetPort: 8080 })) });
  const construct = new OAuthIngress(chart, 'Ingress', ingressProps(resolvedApp(name, ingress), cluster, service));
  const objects = chartObjects(chart).filter((o) => o.kind !== 'Service');
  const find = (kind: string, objName: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === objName);
    expect(found).toHaveLength(1);
    return found[0];
  };
  return { construct, objects, find };
}

const problemsOf = problemMessages;

const kinds = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);

describe('OAuthIngress with the platform (Traefik IngressRoute)', () => {
  test('a public app gets an IngressRoute on websecure to its Service and a Certificate for its host', () => {
    // GIVEN a public app WHEN synthesized with the platform
    const { objects, find } = synth(PUBLIC, PLATFORM, 'whoami');
    // THEN
    expect(kinds(objects)).toEqual(['IngressRoute/whoami/whoami', 'Certificate/whoami/whoami-tls']);
    const route = find('IngressRoute', 'whoami');
    expect(route.apiVersion).toBe('traefik.io/v1alpha1');
    expect(route.spec).toEqual({
      ingressClassName: 'traefik',
      entryPoints: ['websecure'],
      routes: [{ kind: 'Rule', match: 'Host(`whoami.example.org`)', services: [{ kind: 'Service', name: 'whoami', port: 80 }] }],
      tls: { secretName: 'whoami-tls' },
    });
    const cert = find('Certificate', 'whoami-tls');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.spec).toEqual({
      secretName: 'whoami-tls',
      dnsNames: ['whoami.example.org'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-dns' },
    });
  });

  test('an internal app gets the same objects as a public one (public only decides the DNS record)', () => {
    // GIVEN the same app once internal, once public
    const internal = synth(INTERNAL, PLATFORM, 'gitea').objects;
    const open = synth({ ...INTERNAL, public: true }, PLATFORM, 'gitea').objects;
    // THEN
    expect(internal).toEqual(open);
    expect(kinds(internal)).toEqual(['IngressRoute/gitea/gitea', 'Certificate/gitea/gitea-tls']);
    expect(internal[0].spec.routes.map((r: any) => r.match)).toEqual(['Host(`git.home.example.org`)']);
    expect(internal[0].spec.routes[0].middlewares).toBeUndefined();
    expect(internal[1].spec.dnsNames).toEqual(['git.home.example.org']);
  });

  test('an admin-only app gets a sign-in (errors) and an auth (forwardAuth) middleware, in that order, and an /oauth2/ route', () => {
    // GIVEN an admin-only app WHEN synthesized with the platform
    const { objects, find } = synth(ADMIN, PLATFORM, 'homepage');
    // THEN
    expect(kinds(objects)).toEqual([
      'Middleware/homepage/homepage-signin', 'Middleware/homepage/homepage-auth',
      'IngressRoute/homepage/homepage', 'Certificate/homepage/homepage-tls',
    ]);
    const route = find('IngressRoute', 'homepage');
    expect(route.spec.entryPoints).toEqual(['websecure']);
    expect(route.spec.tls).toEqual({ secretName: 'homepage-tls' });
    expect(route.spec.routes).toEqual([
      {
        kind: 'Rule',
        match: 'Host(`dash.example.org`)',
        // errors first: it wraps forwardAuth and so sees its 401
        middlewares: [{ name: 'homepage-signin', namespace: 'homepage' }, { name: 'homepage-auth', namespace: 'homepage' }],
        services: [{ kind: 'Service', name: 'homepage', port: 80 }],
      },
      {
        kind: 'Rule',
        match: 'Host(`dash.example.org`) && PathPrefix(`/oauth2/`)',
        services: [{ kind: 'Service', name: 'oauth2-proxy', namespace: 'oauth2-proxy', port: 80 }],
      },
    ]);
    // the longer rule outranks the bare Host rule (Traefik's default priority is the rule length)
    expect(route.spec.routes[1].match.length).toBeGreaterThan(route.spec.routes[0].match.length);
    // every middleware reference names a Middleware emitted in that namespace
    for (const ref of route.spec.routes[0].middlewares) {
      expect(objects.filter((o) => o.kind === 'Middleware' && o.metadata.name === ref.name && o.metadata.namespace === ref.namespace)).toHaveLength(1);
    }

    expect(find('Middleware', 'homepage-auth').spec).toEqual({
      forwardAuth: {
        address: 'http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth?allowed_emails=manfred%40example.org&allowed_groups=example-org%3Aadmins',
        trustForwardHeader: true,
        authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email'],
      },
    });
    expect(find('Middleware', 'homepage-signin').spec).toEqual({
      errors: {
        status: ['401'],
        statusRewrites: { 401: 302 },
        service: { name: 'oauth2-proxy', namespace: 'oauth2-proxy', port: 80 },
        query: '/oauth2/sign_in?rd={url}',
      },
    });
    expect(find('Certificate', 'homepage-tls').spec.dnsNames).toEqual(['dash.example.org']);
  });

  test('allowed emails default to platform.oauth.allowedEmails; an explicit list replaces them', () => {
    // GIVEN admin-only apps with no emails, and with an explicit empty list plus a group
    const byDefault = synth({ host: 'a.example.org', admin: {} }, PLATFORM, 'a');
    const groupsOnly = synth({ host: 'b.example.org', admin: { allowedEmails: [], allowedGroups: ['example-org'] } }, PLATFORM, 'b');
    // THEN
    expect(byDefault.construct.allowedEmails).toEqual(['manfred@example.org']);
    expect(byDefault.find('Middleware', 'a-auth').spec.forwardAuth.address).toBe('http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth?allowed_emails=manfred%40example.org');
    expect(groupsOnly.find('Middleware', 'b-auth').spec.forwardAuth.address).toBe('http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth?allowed_groups=example-org');
  });

  test('the auth query decodes, as oauth2-proxy reads it (query values split on ","), to exactly the allowed lists', () => {
    // GIVEN emails and groups with characters that change meaning in a query ("+" is a space, "&" and "#" end values)
    const emails = ['ops+alerts@example.org', 'manfred@example.org', "o'brien&co#1@example.org"];
    const groups = ['example-org:admins', 'team/ops=1'];
    // WHEN
    const address = oauth2ProxyAuthAddress(emails, groups);
    // THEN the query is percent-encoded, separators stay literal
    expect(address).toBe('http://oauth2-proxy.oauth2-proxy.svc.cluster.local/oauth2/auth'
      + "?allowed_emails=ops%2Balerts%40example.org,manfred%40example.org,o'brien%26co%231%40example.org"
      + '&allowed_groups=example-org%3Aadmins,team%2Fops%3D1');
    // AND decoding like Go's url.Query() plus strings.Split(",") gives the lists back
    const url = new URL(address);
    const read = (key: string) => url.searchParams.getAll(key).flatMap((v) => v.split(',')).filter((v) => v !== '');
    expect(read('allowed_emails')).toEqual(emails);
    expect(read('allowed_groups')).toEqual(groups);
    expect([...url.searchParams.keys()]).toEqual(['allowed_emails', 'allowed_groups']);
  });

  test('uses the exported oauth2-proxy names, so the platform chart can use the same ones', () => {
    const { find } = synth(ADMIN, PLATFORM, 'homepage');
    const expected = { name: OAUTH2_PROXY_SERVICE, namespace: OAUTH2_PROXY_NAMESPACE, port: OAUTH2_PROXY_PORT };
    expect(expected).toEqual({ name: 'oauth2-proxy', namespace: 'oauth2-proxy', port: 80 });
    expect(find('Middleware', 'homepage-signin').spec.errors.service).toEqual(expected);
    expect(find('IngressRoute', 'homepage').spec.routes[1].services[0]).toEqual({ kind: 'Service', ...expected });
    expect(find('IngressRoute', 'homepage').spec.entryPoints).toEqual([TRAEFIK_HTTPS_ENTRYPOINT]);
    expect(find('Middleware', 'homepage-auth').spec.forwardAuth.authResponseHeaders).toEqual(OAUTH2_PROXY_AUTH_RESPONSE_HEADERS);
  });

  test('children are reachable and raw overrides stay possible (escape hatch)', () => {
    // GIVEN an admin-only OAuthIngress
    const app = new App();
    const chart = new Chart(app, 'test', { namespace: 'homepage' });
    const service = new kplus.Service(chart, 'Service', { metadata: { name: 'homepage' }, ports: [{ port: 80 }] });
    const ing = new OAuthIngress(chart, 'Ingress', ingressProps(resolvedApp('homepage', ADMIN), PLATFORM, service));
    // WHEN a user patches the auth middleware and the route
    ing.authMiddleware!.addJsonPatch(JsonPatch.add('/spec/forwardAuth/authResponseHeaders/-', 'X-Auth-Request-Groups'));
    ing.resource.metadata.addAnnotation('example.org/owner', 'manfred');
    // THEN
    expect(ing.resource).toBe(ing.ingressRoute);
    expect(ing.ingress).toBeUndefined();
    expect(ing.node.tryFindChild('Resource')).toBe(ing.ingressRoute);
    expect([ing.signInMiddleware, ing.authMiddleware, ing.certificate].every((o) => o instanceof ApiObject)).toBe(true);
    expect(ing.tlsSecretName).toBe('homepage-tls');
    const objects = chartObjects(chart);
    expect(objects.find((o) => o.metadata.name === 'homepage-auth').spec.forwardAuth.authResponseHeaders).toEqual(['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups']);
    expect(objects.find((o) => o.kind === 'IngressRoute').metadata.annotations).toEqual({ 'example.org/owner': 'manfred' });
  });
});

describe('OAuthIngress without a platform (networking.k8s.io Ingress)', () => {
  test('keeps the Ingress with the cluster ingress class, TLS from the Certificate, and no Traefik objects', () => {
    // GIVEN a public app WHEN synthesized without a platform
    const { construct, objects, find } = synth(PUBLIC, NO_PLATFORM, 'whoami');
    // THEN
    expect(kinds(objects)).toEqual(['Ingress/whoami/whoami', 'Certificate/whoami/whoami-tls']);
    const ingress = find('Ingress', 'whoami');
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec).toEqual({
      ingressClassName: 'traefik-lan',
      rules: [{ host: 'whoami.example.org', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'whoami', port: { number: 80 } } } }] } }],
      tls: [{ hosts: ['whoami.example.org'], secretName: 'whoami-tls' }],
    });
    expect(find('Certificate', 'whoami-tls').spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
    expect(construct.resource.kind).toBe('Ingress');
    expect(construct.ingressRoute).toBeUndefined();
  });

  test('defaults to class traefik and ClusterIssuer letsencrypt when no cluster settings are given', () => {
    const { find } = synth(INTERNAL, undefined, 'gitea');
    expect(find('Ingress', 'gitea').spec.ingressClassName).toBe('traefik');
    expect(find('Certificate', 'gitea-tls').spec.issuerRef.name).toBe('letsencrypt');
  });
});

describe('OAuthIngress validation', () => {
  test('fails for an admin-only app without a platform, naming the construct path and field', () => {
    expect(problemsOf(() => synth(ADMIN, NO_PLATFORM, 'homepage'))).toEqual([
      '[test/Ingress] OAuthIngress.forwardAuth: forward-auth needs a Traefik IngressRoute, but routing is a plain Ingress (got "ingress"); routing: IngressRouting.TRAEFIK_INGRESS_ROUTE (Traefik with its CRDs), or no forwardAuth to make the host open',
    ]);
  });

  test('forward-auth goes to the oauth2-proxy the user names', () => {
    // GIVEN a standalone OAuthIngress with its own oauth2-proxy and issuer
    const chart = new Chart(new App(), 'test', { namespace: 'tools' });
    const service = new kplus.Service(chart, 'Service', { metadata: { name: 'dash' }, ports: [{ port: 8080 }] });
    new OAuthIngress(chart, 'Ingress', {
      host: 'dash.example.org', service, issuer: CertIssuer.issuer('local-ca'),
      forwardAuth: { proxy: OAuth2Proxy.fromService('sso', 'auth', 4180), allowedGroups: ['ops'] },
    });
    // WHEN synthesized
    const objects = chartObjects(chart);
    const of = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    // THEN the middlewares, the sign-in route and the certificate use what was named; the chart's namespace applies
    expect(of('Middleware', 'dash-auth').spec.forwardAuth.address).toBe('http://sso.auth.svc.cluster.local:4180/oauth2/auth?allowed_groups=ops');
    expect(of('Middleware', 'dash-signin').spec.errors.service).toEqual({ name: 'sso', namespace: 'auth', port: 4180 });
    expect(of('IngressRoute', 'dash').spec.routes[1].services).toEqual([{ kind: 'Service', name: 'sso', namespace: 'auth', port: 4180 }]);
    expect(of('IngressRoute', 'dash').spec.routes[0].services).toEqual([{ kind: 'Service', name: 'dash', port: 8080 }]);
    expect(of('Certificate', 'dash-tls').spec.issuerRef).toEqual({ kind: 'Issuer', name: 'local-ca', group: 'cert-manager.io' });
    expect(objects.every((o) => o.metadata.namespace === 'tools')).toBe(true);
  });

  test('fails when nobody would be allowed in (oauth2-proxy lets every signed-in user through empty lists)', () => {
    const cluster = { platform: { acmeEmail: 'manfred@example.org', oauth: { ...OAUTH, allowedEmails: [] } } };
    expect(problemsOf(() => synth({ host: 'dash.example.org', admin: {} }, cluster, 'homepage'))).toEqual([
      '[test/Ingress] OAuthIngress.forwardAuth: nobody is allowed in (got {"allowedEmails":[],"allowedGroups":[]}); name allowedEmails or allowedGroups',
    ]);
  });

  test('fails for a wildcard or otherwise not fully qualified host', () => {
    for (const host of ['*.example.org', 'dash', 'Dash.example.org', 'dash.example.org`) || Host(`evil.org']) {
      const problems = problemsOf(() => synth({ host }, PLATFORM, 'web'));
      expect(problems).toEqual([`[test/Ingress] OAuthIngress.host: not a fully qualified hostname (got ${JSON.stringify(host)}); a name such as photos.example.org (lowercase DNS labels, no wildcard)`]);
    }
  });

  test('fails for emails and groups that would break the comma-separated query, all problems at once', () => {
    const problems = problemsOf(() => synth({ host: 'dash.example.org', admin: { allowedEmails: ['a@example.org,b@example.org', ''], allowedGroups: ['admins, ops'] } }, PLATFORM, 'homepage'));
    expect(problems).toEqual([
      '[test/Ingress] OAuthIngress.forwardAuth.allowedEmails[0]: not an email address (got "a@example.org,b@example.org"); e.g. "manfred@example.org" (no spaces or commas)',
      '[test/Ingress] OAuthIngress.forwardAuth.allowedEmails[1]: not an email address (got ""); e.g. "manfred@example.org" (no spaces or commas)',
      '[test/Ingress] OAuthIngress.forwardAuth.allowedGroups[0]: not a group name (got "admins, ops"); a provider group without spaces or commas, e.g. "example-org:admins"',
    ]);
  });

  test('fails when the Service port is ambiguous or not the Service\'s', () => {
    expect(problemsOf(() => synth(PUBLIC, PLATFORM, 'web', [80, 8443]))).toEqual([
      '[test/Ingress] OAuthIngress.servicePort: not a port of Service web (got null); one of [80,8443]',
    ]);
  });
});

describe('every emitted object', () => {
  const cases: [string, IngressSpec, OAuthIngressCluster | undefined][] = [
    ['public, platform', PUBLIC, PLATFORM],
    ['internal, platform', INTERNAL, PLATFORM],
    ['admin-only, platform', ADMIN, PLATFORM],
    ['admin-only, groups only, platform', { host: 'ops.example.org', admin: { allowedEmails: [], allowedGroups: ['example-org:ops'] } }, PLATFORM],
    ['public, no platform', PUBLIC, NO_PLATFORM],
    ['internal, no cluster settings', INTERNAL, undefined],
  ];

  test.each(cases)('validates against its schema or CRD with unknown fields rejected (%s)', (_name, ingress, cluster) => {
    const { objects } = synth(ingress, cluster, 'web');
    expect(objects.length).toBeGreaterThanOrEqual(2);
    expect(objects.flatMap(validateManifest)).toEqual([]);
  });

  test.each(cases)('has DNS-1123 names, no wildcard, and the same bytes on every synth (%s)', (_name, ingress, cluster) => {
    const a = synth(ingress, cluster, 'web').objects;
    const b = synth(ingress, cluster, 'web').objects;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    for (const o of a) {
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      expect(o.metadata.namespace).toBe('web');
    }
    expect(JSON.stringify(a)).not.toContain('*');
  });

  test('the schema check catches a misspelled or mistyped field (the validation can fail)', () => {
    // GIVEN the admin-only objects with one mistake each
    const { find } = synth(ADMIN, PLATFORM, 'homepage');
    const route = structuredClone(find('IngressRoute', 'homepage'));
    route.spec.routes[0].middleware = route.spec.routes[0].middlewares;
    const auth = structuredClone(find('Middleware', 'homepage-auth'));
    auth.spec.forwardAuth.trustForwardHeaders = true;
    const signin = structuredClone(find('Middleware', 'homepage-signin'));
    signin.spec.errors.status = [401];
    const cert = structuredClone(find('Certificate', 'homepage-tls'));
    delete cert.spec.secretName;
    // THEN each one is reported
    expect(validateManifest(route).join('\n')).toMatch(/middleware/);
    expect(validateManifest(auth).join('\n')).toMatch(/trustForwardHeaders/);
    expect(validateManifest(signin).join('\n')).toMatch(/status/);
    expect(validateManifest(cert).join('\n')).toMatch(/secretName/);
  });

  test('leaves Pod Security "restricted" intact: the app\'s workload still passes, the new objects hold no pods', () => {
    // GIVEN the reference homepage (admin-only) as a ClusterApp with the homelab's resolver
    const model = deriveModel(reference);
    const app = new App({ resolvers: [new RestrictedPodSecurityResolver()] });
    const homepage = model.apps.find((a) => a.name === 'homepage')!;
    const chart = new ClusterApp(app, 'app-homepage', clusterAppProps(homepage, reference.cluster, []));
    const objects = chartObjects(chart);
    // THEN
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'Middleware', 'Middleware', 'IngressRoute', 'Certificate']);
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    expect(objects.flatMap(validateManifest)).toEqual([]);
  });
});

describe('ClusterApp', () => {
  const model = deriveModel(reference);
  const build = (name: string, cluster: OAuthIngressCluster | undefined = reference.cluster) => {
    const app = new App();
    return new ClusterApp(app, `app-${name}`, clusterAppProps(model.apps.find((a) => a.name === name)!, cluster as ClusterSpec, []));
  };

  test('puts each reference app behind its OAuthIngress, admin-only ones behind oauth2-proxy', () => {
    // GIVEN the reference homelab's platform WHEN each app is built
    const whoami = build('whoami');
    const homepage = build('homepage');
    // THEN
    expect(whoami.oauthIngress).toBeInstanceOf(OAuthIngress);
    expect(whoami.oauthIngress!.adminOnly).toBe(false);
    expect(whoami.oauthIngress!.ingressRoute!.kind).toBe('IngressRoute');
    expect(whoami.ingress).toBeUndefined();
    expect(whoami.certificate).toBe(whoami.oauthIngress!.certificate);
    expect(homepage.oauthIngress!.adminOnly).toBe(true);
    expect(homepage.oauthIngress!.allowedEmails).toEqual(['manfred@example.org']);
    expect(homepage.oauthIngress!.allowedGroups).toEqual(['example-org:admins']);
    expect(chartObjects(homepage).find((o) => o.kind === 'IngressRoute').spec.routes[0].services).toEqual([{ kind: 'Service', name: 'homepage', port: 80 }]);
  });

  test('without the platform keeps the Ingress, with the cluster\'s issuer and class', () => {
    const whoami = build('whoami', { certIssuer: 'ca', ingressClass: 'nginx' });
    expect(whoami.ingress).toBeInstanceOf(kplus.Ingress);
    const objects = chartObjects(whoami);
    expect(objects.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'Ingress', 'Certificate']);
    expect(objects[2].spec.ingressClassName).toBe('nginx');
    expect(objects[3].spec.issuerRef.name).toBe('ca');
  });

  test('fails for an admin-only app when the cluster settings are not passed', () => {
    expect(problemsOf(() => build('homepage', {}))).toEqual([
      expect.stringMatching(/^\[app-homepage\/Ingress\] OAuthIngress\.forwardAuth: forward-auth needs a Traefik IngressRoute, but routing is a plain Ingress/),
    ]);
  });
});
