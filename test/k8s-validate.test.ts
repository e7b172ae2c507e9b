import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as jsyaml from 'js-yaml';
import { CRD_DIR, checkPodSecurityRestricted, loadManifests, validateManifest } from './helpers/k8s-validate';

// ---------------------------------------------------------------------------------------------
// fixtures
// ---------------------------------------------------------------------------------------------

/** A pod spec that satisfies the restricted profile. */
function restrictedPodSpec(): any {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'web',
      image: 'nginx:1.27',
      ports: [{ containerPort: 8080 }],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    }],
  };
}

function deployment(podSpec: any = restrictedPodSpec()): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
    },
  };
}

function cronJob(podSpec: any = restrictedPodSpec()): any {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } },
    },
  };
}

function certificate(spec: any = {}): any {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'web-tls', namespace: 'apps' },
    spec: {
      secretName: 'web-tls',
      dnsNames: ['web.home.example'],
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      ...spec,
    },
  };
}

function ingressRoute(route: any = {}): any {
  return {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'IngressRoute',
    metadata: { name: 'web', namespace: 'apps' },
    spec: {
      entryPoints: ['websecure'],
      routes: [{ match: 'Host(`web.home.example`)', kind: 'Rule', services: [{ name: 'web', port: 80 }], ...route }],
      tls: { secretName: 'web-tls' },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// validateManifest: built-in kinds
// ---------------------------------------------------------------------------------------------

describe('validateManifest, built-in kinds', () => {
  test('a valid Deployment passes', () => {
    // GIVEN / WHEN
    const problems = validateManifest(deployment());
    // THEN
    expect(problems).toEqual([]);
  });

  test.each<[string, any]>([
    ['Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web.config' }, data: { 'nginx.conf': 'events {}' } }],
    ['Secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web' }, type: 'Opaque', stringData: { token: 'x' } }],
    ['Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }],
    ['PersistentVolumeClaim', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'cstor' } }],
    ['ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' }, automountServiceAccountToken: false }],
    ['StatefulSet', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: restrictedPodSpec() } } }],
    ['DaemonSet', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['agent'] }] }, template: { metadata: { labels: { app: 'agent' } }, spec: restrictedPodSpec() } } }],
    ['Job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { backoffLimit: 2, template: { spec: { ...restrictedPodSpec(), restartPolicy: 'Never' } } } }],
    ['CronJob', cronJob()],
    ['Ingress', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: { ingressClassName: 'traefik', rules: [{ host: 'web.home.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }],
    ['NetworkPolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }],
    ['PodDisruptionBudget', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }],
    ['ClusterRole', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:homelab:reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }],
    ['RoleBinding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'web' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'apps' }] }],
    ['HorizontalPodAutoscaler', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 } }],
  ])('a valid %s passes', (_kind, obj) => {
    expect(validateManifest(obj)).toEqual([]);
  });

  test('fails on an unknown top-level spec field, and suggests the right one', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.replicass = 3;
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual(['Deployment/web spec.replicass: unknown field "replicass"; did you mean "replicas"?']);
  });

  test('fails on an unknown nested container field', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([expect.stringMatching(/^Deployment\/web spec\.template\.spec\.containers\[0\]\.imagePullPolicyy: unknown field "imagePullPolicyy"/)]);
  });

  test('fails on unknown fields at every level: root, metadata, map values and list items', () => {
    // GIVEN
    const obj = deployment();
    obj.status2 = {};
    obj.metadata.lables = { a: 'b' };
    obj.spec.template.spec.containers[0].resources = { limits: { cpu: '1' }, limitz: {} };
    obj.spec.template.spec.containers[0].ports[0].containerPortt = 1;
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([
      'Deployment/web metadata.lables: unknown field "lables"; did you mean "labels"?',
      'Deployment/web spec.template.spec.containers[0].ports[0].containerPortt: unknown field "containerPortt"; did you mean "containerPort"?',
      'Deployment/web spec.template.spec.containers[0].resources.limitz: unknown field "limitz"; did you mean "limits"?',
      'Deployment/web status2: unknown field "status2"; did you mean "status"?',
    ]);
  });

  test('fails on a wrong type', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.replicas = 'three';
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual(['Deployment/web spec.replicas: must be integer (got "three")']);
  });

  test('fails on a missing required field', () => {
    // GIVEN
    const obj = deployment();
    delete obj.spec.template.spec.containers[0].name;
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([expect.stringMatching(/^Deployment\/web spec\.template\.spec\.containers\[0\]\.name: required field is missing/)]);
  });

  test('fails when the selector does not select the pod template', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.template.metadata.labels = { app: 'api' };
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([expect.stringMatching(/^Deployment\/web spec\.template\.metadata\.labels: selector does not match template labels/)]);
  });

  test.each<[string, (o: any) => void, RegExp]>([
    ['an upper-case name', (o) => { o.metadata.name = 'Web'; }, /^Deployment\/Web metadata\.name: invalid name \(got "Web"\)/],
    ['a missing name', (o) => { delete o.metadata.name; }, /^Deployment\/<no name> metadata\.name: required field is missing/],
    ['an invalid namespace', (o) => { o.metadata.namespace = 'apps.home'; }, /^Deployment\/web metadata\.namespace: invalid namespace \(got "apps\.home"\)/],
    ['an invalid label key', (o) => { o.metadata.labels['bad key'] = 'x'; }, /^Deployment\/web metadata\.labels\["bad key"\]: invalid label key/],
    ['an invalid label value', (o) => { o.metadata.labels.tier = 'front end'; }, /^Deployment\/web metadata\.labels\.tier: invalid label value \(got "front end"\)/],
  ])('fails on %s', (_what, mutate, expected) => {
    // GIVEN
    const obj = deployment();
    mutate(obj);
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  test('fails on a Service name that is not an RFC 1035 label', () => {
    // GIVEN a name that is a fine Deployment name
    const obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } };
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([expect.stringMatching(/^Service\/1web metadata\.name: invalid name \(got "1web"\); must be a lowercase RFC 1035 label/)]);
  });

  test('fails on an unknown built-in kind', () => {
    const problems = validateManifest({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'web' } });
    expect(problems).toEqual(['Deploymnet/web (root): unknown built-in kind "Deploymnet" in "apps/v1"; kubernetes-models has no such resource']);
  });

  test('fails on a removed beta version that kubernetes-models still knows', () => {
    const obj = { ...deployment(), apiVersion: 'extensions/v1beta1' };
    expect(validateManifest(obj)).toEqual([expect.stringMatching(/^Deployment\/web \(root\): "extensions\/v1beta1" "Deployment" is not in the Kubernetes API of @kubernetes\/client-node/)]);
  });

  test('fails on an unknown group with "no schema"', () => {
    const problems = validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(problems).toEqual(['Widget/w (root): no schema for "example.com/v1" "Widget"; add its CRD to schemas/crds/']);
  });

  test('fails on a manifest without apiVersion, or that is not an object', () => {
    expect(validateManifest({ kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual(['ConfigMap/x apiVersion: must be a non-empty string (got undefined)']);
    expect(validateManifest(['x'])).toEqual(['<no kind>/<no name> (root): manifest must be an object (got ["x"])']);
  });
});

// ---------------------------------------------------------------------------------------------
// validateManifest: custom resources
// ---------------------------------------------------------------------------------------------

describe('validateManifest, custom resources', () => {
  test('a valid cert-manager Certificate passes', () => {
    expect(validateManifest(certificate())).toEqual([]);
  });

  test('fails on a Certificate with spec.dnsNamess', () => {
    // GIVEN
    const obj = certificate();
    obj.spec.dnsNamess = obj.spec.dnsNames;
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual(['Certificate/web-tls spec.dnsNamess: unknown field "dnsNamess"; did you mean "dnsNames"?']);
  });

  test('fails on a Certificate without its required issuerRef, or a wrong type', () => {
    // GIVEN
    const obj = certificate({ duration: 2160 });
    delete obj.spec.issuerRef;
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([
      'Certificate/web-tls spec.issuerRef: required field is missing',
      'Certificate/web-tls spec.duration: must be string (got 2160)',
    ]);
  });

  test('a valid Traefik IngressRoute passes, with a numeric or a named service port', () => {
    expect(validateManifest(ingressRoute())).toEqual([]);
    expect(validateManifest(ingressRoute({ services: [{ name: 'web', port: 'http' }], middlewares: [{ name: 'auth' }] }))).toEqual([]);
  });

  test('fails on an invalid Traefik IngressRoute', () => {
    // GIVEN an unknown route field, an int-or-string port that is neither, and a bad enum value
    const obj = ingressRoute({ matchh: 'Host(`x`)', kind: 'Rul', services: [{ name: 'web', port: true }] });
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/^IngressRoute\/web spec\.routes\[0\]\.matchh: unknown field "matchh"; did you mean "match"\?/),
      expect.stringMatching(/^IngressRoute\/web spec\.routes\[0\]\.kind: must be one of \["Rule"\] \(got "Rul"\)/),
      expect.stringMatching(/^IngressRoute\/web spec\.routes\[0\]\.services\[0\]\.port: .*must be integer \| must be string.*\(got true\)/),
    ]);
  });

  test('a valid MetalLB IPAddressPool and L2Advertisement pass', () => {
    const pool = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'lan', namespace: 'metallb-system' }, spec: { addresses: ['192.168.1.240-192.168.1.250'], autoAssign: true } };
    const l2 = { apiVersion: 'metallb.io/v1beta1', kind: 'L2Advertisement', metadata: { name: 'lan', namespace: 'metallb-system' }, spec: { ipAddressPools: ['lan'] } };
    expect(validateManifest(pool)).toEqual([]);
    expect(validateManifest(l2)).toEqual([]);
  });

  test('fails on an invalid MetalLB IPAddressPool', () => {
    const pool = { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'lan' }, spec: { address: ['192.168.1.240/28'] } };
    expect(validateManifest(pool)).toEqual([
      'IPAddressPool/lan spec.addresses: required field is missing',
      'IPAddressPool/lan spec.address: unknown field "address"; did you mean "addresses"?',
    ]);
  });

  test('fails on custom resource metadata: bad name, unknown field, wrong type', () => {
    // GIVEN
    const obj = certificate();
    obj.metadata = { name: 'Web_TLS', labelz: {}, labels: { a: 1 } };
    // WHEN
    const problems = validateManifest(obj);
    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/^Certificate\/Web_TLS metadata\.labels\.a: must be string \(got 1\)/),
      expect.stringMatching(/^Certificate\/Web_TLS metadata\.labelz: unknown field "labelz"; did you mean "labels"\?/),
      expect.stringMatching(/^Certificate\/Web_TLS metadata\.name: invalid name \(got "Web_TLS"\); must be a lowercase RFC 1123 subdomain/),
    ]);
  });

  test('fails on a version the CRD does not define', () => {
    const obj = { ...certificate(), apiVersion: 'cert-manager.io/v1alpha2' };
    expect(validateManifest(obj)).toEqual([expect.stringMatching(/^Certificate\/web-tls apiVersion: cert-manager\.io\/Certificate has no version "v1alpha2"/)]);
  });

  test('every CRD in schemas/crds compiles and accepts a minimal object', () => {
    // GIVEN one object per group/version/kind in the CRD files
    const gvks: [string, string][] = [];
    for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
      const crd = jsyaml.load(fs.readFileSync(path.join(CRD_DIR, file), 'utf8')) as any;
      for (const v of crd.spec.versions) gvks.push([`${crd.spec.group}/${v.name}`, crd.spec.names.kind]);
    }
    expect(gvks.length).toBeGreaterThanOrEqual(19);
    for (const [apiVersion, kind] of gvks) {
      // WHEN
      const problems = validateManifest({ apiVersion, kind, metadata: { name: 'x' } });
      // THEN only "required" findings, never "no schema" or a compile error
      for (const p of problems) expect(p).toMatch(/: required field is missing$/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// checkPodSecurityRestricted
// ---------------------------------------------------------------------------------------------

describe('checkPodSecurityRestricted', () => {
  const C0 = 'spec\\.template\\.spec\\.containers\\[0\\]';

  test('a compliant Deployment passes', () => {
    expect(checkPodSecurityRestricted(deployment())).toEqual([]);
  });

  test('objects without a pod are not checked', () => {
    expect(checkPodSecurityRestricted({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual([]);
    expect(checkPodSecurityRestricted(certificate())).toEqual([]);
  });

  test('fails when the seccomp profile is missing', () => {
    // GIVEN
    const pod = restrictedPodSpec();
    delete pod.securityContext.seccompProfile;
    // WHEN
    const problems = checkPodSecurityRestricted(deployment(pod));
    // THEN
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^Deployment/web ${C0}\\.securityContext\\.seccompProfile\\.type: container "web" must set a seccomp profile`))]);
  });

  test('passes when every container sets its own seccomp profile and runAsNonRoot', () => {
    const pod = restrictedPodSpec();
    delete pod.securityContext;
    Object.assign(pod.containers[0].securityContext, { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'web.json' } });
    expect(checkPodSecurityRestricted(deployment(pod))).toEqual([]);
  });

  // Each row breaks exactly one control of a compliant pod.
  test.each<[string, (pod: any) => void, string]>([
    ['hostNetwork', (p) => { p.hostNetwork = true; }, 'spec\\.template\\.spec\\.hostNetwork: must be false'],
    ['hostPID', (p) => { p.hostPID = true; }, 'spec\\.template\\.spec\\.hostPID: must be false'],
    ['hostIPC', (p) => { p.hostIPC = true; }, 'spec\\.template\\.spec\\.hostIPC: must be false'],
    ['privileged', (p) => { p.containers[0].securityContext.privileged = true; }, `${C0}\\.securityContext\\.privileged: container "web" must not be privileged`],
    ['capabilities.add SYS_ADMIN', (p) => { p.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }, `${C0}\\.securityContext\\.capabilities\\.add\\[0\\]: container "web" must not add capability "SYS_ADMIN"`],
    ['capabilities.add CHOWN (baseline only)', (p) => { p.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'CHOWN']; }, `${C0}\\.securityContext\\.capabilities\\.add\\[1\\]: container "web" must not add capability "CHOWN"`],
    ['capabilities.drop without ALL', (p) => { p.containers[0].securityContext.capabilities.drop = ['NET_RAW']; }, `${C0}\\.securityContext\\.capabilities\\.drop: container "web" must drop "ALL" capabilities \\(got \\["NET_RAW"\\]\\)`],
    ['hostPath volume', (p) => { p.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }]; }, 'spec\\.template\\.spec\\.volumes\\[0\\]\\.hostPath: volume "host" must not use hostPath'],
    ['nfs volume', (p) => { p.volumes = [{ name: 'media', nfs: { server: 'nas', path: '/media' } }]; }, 'spec\\.template\\.spec\\.volumes\\[0\\]: volume "media" has a restricted type \\(got \\["nfs"\\]\\)'],
    ['hostPort', (p) => { p.containers[0].ports[0].hostPort = 8080; }, `${C0}\\.ports\\[0\\]\\.hostPort: container "web" must not use a host port`],
    ['allowPrivilegeEscalation unset', (p) => { delete p.containers[0].securityContext.allowPrivilegeEscalation; }, `${C0}\\.securityContext\\.allowPrivilegeEscalation: container "web" must set allowPrivilegeEscalation to false \\(got undefined\\)`],
    ['runAsNonRoot unset', (p) => { delete p.securityContext.runAsNonRoot; }, `${C0}\\.securityContext\\.runAsNonRoot: container "web" must set runAsNonRoot to true`],
    ['runAsNonRoot false on the pod', (p) => { p.securityContext.runAsNonRoot = false; p.containers[0].securityContext.runAsNonRoot = true; }, 'spec\\.template\\.spec\\.securityContext\\.runAsNonRoot: pod must set runAsNonRoot to true'],
    ['runAsNonRoot false on a container', (p) => { p.containers[0].securityContext.runAsNonRoot = false; }, `${C0}\\.securityContext\\.runAsNonRoot: container "web" must not set runAsNonRoot to false`],
    ['runAsUser 0 on a container', (p) => { p.containers[0].securityContext.runAsUser = 0; }, `${C0}\\.securityContext\\.runAsUser: container "web" must not run as root user`],
    ['runAsUser 0 on the pod', (p) => { p.securityContext.runAsUser = 0; }, 'spec\\.template\\.spec\\.securityContext\\.runAsUser: pod must not run as root user'],
    ['seccomp Unconfined on the pod', (p) => { p.securityContext.seccompProfile.type = 'Unconfined'; p.containers[0].securityContext.seccompProfile = { type: 'RuntimeDefault' }; }, 'spec\\.template\\.spec\\.securityContext\\.seccompProfile\\.type: pod must not set seccomp profile "Unconfined"'],
    ['seccomp Unconfined on a container', (p) => { p.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; }, `${C0}\\.securityContext\\.seccompProfile\\.type: container "web" must not set seccomp profile "Unconfined"`],
    ['unsafe sysctl', (p) => { p.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }]; }, 'spec\\.template\\.spec\\.securityContext\\.sysctls\\[1\\]\\.name: unsafe sysctl \\(got "kernel\\.msgmax"\\)'],
    ['procMount Unmasked', (p) => { p.containers[0].securityContext.procMount = 'Unmasked'; }, `${C0}\\.securityContext\\.procMount: container "web" must use the default /proc mount`],
    ['AppArmor field unconfined', (p) => { p.securityContext.appArmorProfile = { type: 'Unconfined' }; }, 'spec\\.template\\.spec\\.securityContext\\.appArmorProfile\\.type: pod must not set AppArmor profile "Unconfined"'],
    ['AppArmor container field unconfined', (p) => { p.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' }; }, `${C0}\\.securityContext\\.appArmorProfile\\.type: container "web" must not set AppArmor profile "Unconfined"`],
    ['SELinux type', (p) => { p.securityContext.seLinuxOptions = { type: 'spc_t' }; }, 'spec\\.template\\.spec\\.securityContext\\.seLinuxOptions\\.type: pod must not set SELinux type "spc_t"'],
    ['SELinux user', (p) => { p.containers[0].securityContext.seLinuxOptions = { user: 'system_u', level: 's0:c1,c2' }; }, `${C0}\\.securityContext\\.seLinuxOptions\\.user: container "web" must not set an SELinux user`],
    ['HostProcess', (p) => { p.containers[0].securityContext.windowsOptions = { hostProcess: true }; }, `${C0}\\.securityContext\\.windowsOptions\\.hostProcess: container "web" must not be a HostProcess container`],
    ['probe host', (p) => { p.containers[0].livenessProbe = { httpGet: { host: '10.0.0.1', port: 8080 } }; }, `${C0}\\.livenessProbe\\.httpGet\\.host: container "web" must not set a probe host`],
    ['init container privileged', (p) => { p.initContainers = [{ ...p.containers[0], name: 'init', securityContext: { ...p.containers[0].securityContext, privileged: true } }]; }, 'spec\\.template\\.spec\\.initContainers\\[0\\]\\.securityContext\\.privileged: container "init" must not be privileged'],
    ['ephemeral container without allowPrivilegeEscalation', (p) => { p.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { capabilities: { drop: ['ALL'] } } }]; }, 'spec\\.template\\.spec\\.ephemeralContainers\\[0\\]\\.securityContext\\.allowPrivilegeEscalation: container "debug" must set allowPrivilegeEscalation to false'],
  ])('fails on %s', (_control, mutate, expected) => {
    // GIVEN
    const pod = restrictedPodSpec();
    mutate(pod);
    // WHEN
    const problems = checkPodSecurityRestricted(deployment(pod));
    // THEN
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^Deployment/web ${expected}`))]);
  });

  test('fails on an unconfined AppArmor annotation on the pod template', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' };
    // WHEN
    const problems = checkPodSecurityRestricted(obj);
    // THEN
    expect(problems).toEqual([expect.stringMatching(/^Deployment\/web spec\.template\.metadata\.annotations\["container\.apparmor\.security\.beta\.kubernetes\.io\/web"\]: forbidden AppArmor profile \(got "unconfined"\)/)]);
  });

  test('allowed values pass: NET_BIND_SERVICE, safe sysctls, container_t, Default procMount, runtime/default', () => {
    const pod = restrictedPodSpec();
    Object.assign(pod.containers[0].securityContext, { procMount: 'Default', capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, seLinuxOptions: { type: 'container_t', level: 's0:c1' } });
    pod.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
    pod.volumes = [{ name: 'cfg', configMap: { name: 'web' } }, { name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'tmp', emptyDir: {} }];
    const obj = deployment(pod);
    obj.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default' };
    expect(checkPodSecurityRestricted(obj)).toEqual([]);
  });

  test('Windows pods skip the Linux-only controls; user-namespaced pods skip the root-user ones', () => {
    const windows = restrictedPodSpec();
    windows.os = { name: 'windows' };
    delete windows.securityContext.seccompProfile;
    windows.containers[0].securityContext = {};
    expect(checkPodSecurityRestricted(deployment(windows))).toEqual([]);

    const userns = restrictedPodSpec();
    userns.hostUsers = false;
    userns.securityContext.runAsUser = 0;
    delete userns.securityContext.runAsNonRoot;
    expect(checkPodSecurityRestricted(deployment(userns))).toEqual([]);
  });

  test('a CronJob is checked through spec.jobTemplate', () => {
    // GIVEN
    const good = cronJob();
    const pod = restrictedPodSpec();
    pod.containers[0].securityContext.capabilities.add = ['SYS_ADMIN'];
    const bad = cronJob(pod);
    // WHEN / THEN
    expect(checkPodSecurityRestricted(good)).toEqual([]);
    expect(checkPodSecurityRestricted(bad)).toEqual([
      expect.stringMatching(/^CronJob\/backup spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.securityContext\.capabilities\.add\[0\]: container "web" must not add capability "SYS_ADMIN"/),
    ]);
  });

  test('a bare Pod is checked at spec', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { ...restrictedPodSpec(), hostNetwork: true } };
    expect(checkPodSecurityRestricted(pod)).toEqual([expect.stringMatching(/^Pod\/p spec\.hostNetwork: must be false/)]);
  });
});

// ---------------------------------------------------------------------------------------------
// a real cdk8s-plus-27 Deployment
// ---------------------------------------------------------------------------------------------

describe('cdk8s-plus-27 output', () => {
  test('a kplus.Deployment is schema-valid but misses seccomp and capabilities drop ALL', () => {
    // GIVEN
    const app = new cdk8s.App();
    const chart = new cdk8s.Chart(app, 'web');
    new kplus.Deployment(chart, 'Deployment', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
    // WHEN
    const [obj] = chart.toJson();
    // THEN cdk8s-plus sets runAsNonRoot, allowPrivilegeEscalation=false and privileged=false itself,
    // but neither a seccomp profile nor `capabilities.drop: [ALL]`
    expect(validateManifest(obj)).toEqual([]);
    const c0 = `Deployment/${obj.metadata.name} spec.template.spec.containers[0]`;
    expect(checkPodSecurityRestricted(obj)).toEqual([
      expect.stringMatching(`^${c0.replace(/[.[\]]/g, '\\$&')}\\.securityContext\\.capabilities\\.drop: container "main" must drop "ALL"`),
      expect.stringMatching(`^${c0.replace(/[.[\]]/g, '\\$&')}\\.securityContext\\.seccompProfile\\.type: container "main" must set a seccomp profile`),
    ]);
  });

  test('the same holds after synthesizing to disk and loading the YAML back', () => {
    // GIVEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-validate-cdk8s-'));
    try {
      const app = new cdk8s.App({ outdir });
      const chart = new cdk8s.Chart(app, 'web');
      new kplus.Deployment(chart, 'Deployment', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
      new kplus.ConfigMap(chart, 'Config', { data: { enabled: 'on', port: '8080' } });
      app.synth();
      // WHEN
      const objs = loadManifests(outdir);
      // THEN
      expect(objs.map((o) => o.kind)).toEqual(['Deployment', 'ConfigMap']);
      expect(objs.flatMap(validateManifest)).toEqual([]);
      expect(objs.flatMap(checkPodSecurityRestricted)).toHaveLength(2);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// loadManifests
// ---------------------------------------------------------------------------------------------

describe('loadManifests', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-validate-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('reads yaml, yml and json files in the directory, multi-document, skipping empty documents', () => {
    // GIVEN
    fs.writeFileSync(path.join(dir, 'a.yaml'), '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  enabled: on\n  date: 2024-01-02\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n');
    fs.writeFileSync(path.join(dir, 'b.yml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n');
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } }] }));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'kind: ignored\n');
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'nested', 'd.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n');
    // WHEN
    const objs = loadManifests(dir);
    // THEN
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/a', 'Namespace/apps', 'ServiceAccount/b', 'Secret/c']);
    expect(objs[0].__file).toBe(path.join(dir, 'a.yaml'));
    expect(Object.keys(objs[0])).not.toContain('__file');
    expect(JSON.stringify(objs[3])).not.toContain('__file');
    // YAML 1.1, as kubectl reads it: `on` is a boolean, a date stays a string
    expect(objs[0].data).toEqual({ enabled: true, date: '2024-01-02' });
  });

  test('problems name the file the object came from', () => {
    // GIVEN
    fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  enabled: on\n');
    // WHEN
    const problems = loadManifests(dir).flatMap(validateManifest);
    // THEN `on` is a YAML 1.1 boolean, which a ConfigMap does not take
    expect(problems).toEqual([`ConfigMap/a data.enabled: must be string (got true) (in ${path.join(dir, 'cm.yaml')})`]);
  });

  test('fails on invalid YAML and on documents that are not objects', () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: [\n');
    expect(() => loadManifests(dir)).toThrow(/bad\.yaml: invalid YAML/);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), '- a\n- b\n');
    expect(() => loadManifests(dir)).toThrow(/bad\.yaml: document 0 is not an object/);
  });
});

// ---------------------------------------------------------------------------------------------
// performance
// ---------------------------------------------------------------------------------------------

test('validating ten objects takes well under a second after warm-up', () => {
  // GIVEN
  const objs = [deployment(), cronJob(), certificate(), ingressRoute(),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { a: 'b' } },
    { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'lan' }, spec: { addresses: ['10.0.0.0/28'] } },
    deployment(), certificate(), ingressRoute()];
  objs.forEach(validateManifest); // warm-up: load models, parse and compile the CRD schemas
  // WHEN
  const start = process.hrtime.bigint();
  const problems = objs.flatMap((o) => [...validateManifest(o), ...checkPodSecurityRestricted(o)]);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // THEN
  expect(problems).toEqual([]);
  expect(ms).toBeLessThan(250);
});
