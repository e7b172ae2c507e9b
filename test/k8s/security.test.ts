import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { RestrictedPodSecurityResolver, restrictPodSpec } from '../../lib/k8s/security';
import { chartObjects } from '../../lib/synth/k8s';
import { checkPodSecurityRestricted } from '../helpers/k8s-validate';

function workloads(withResolver: boolean): any[] {
  const app = new App({ resolvers: withResolver ? [new RestrictedPodSecurityResolver()] : [] });
  const chart = new Chart(app, 'c');
  const volume = kplus.Volume.fromEmptyDir(chart, 'v', 'tmp');
  new kplus.Deployment(chart, 'd', { containers: [{ image: 'nginx:1' }, { image: 'busybox:1', name: 'side' }] }).addVolume(volume);
  new kplus.CronJob(chart, 'cj', { schedule: { expressionString: '0 3 * * *' } as any, containers: [{ image: 'restic/restic:0.17.0' }] });
  new kplus.StatefulSet(chart, 's', { containers: [{ image: 'postgres:16' }], service: new kplus.Service(chart, 'svc', { ports: [{ port: 5432 }] }) });
  new kplus.Job(chart, 'j', { containers: [{ image: 'busybox:1' }], initContainers: [{ image: 'busybox:1', name: 'init' }] } as any);
  return chartObjects(chart);
}

describe('RestrictedPodSecurityResolver', () => {
  test('plain cdk8s-plus-27 workloads fail Pod Security "restricted"', () => {
    // GIVEN no resolver THEN the profile check reports the missing seccomp profile and capabilities
    const problems = workloads(false).flatMap(checkPodSecurityRestricted);
    expect(problems.some((p) => /seccompProfile/.test(p))).toBe(true);
    expect(problems.some((p) => /capabilities/.test(p))).toBe(true);
  });

  test('the resolver makes every kind of workload pass, containers and init containers alike', () => {
    // GIVEN the resolver installed once on the App
    const objects = workloads(true);
    // THEN
    expect(objects.map((o) => o.kind).sort()).toEqual(['CronJob', 'Deployment', 'Job', 'Service', 'StatefulSet']);
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    const cron = objects.find((o) => o.kind === 'CronJob');
    expect(cron.spec.jobTemplate.spec.template.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    const job = objects.find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.initContainers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('keeps what the user set explicitly and is idempotent', () => {
    // GIVEN a pod spec with a Localhost profile and an added capability
    const spec = {
      securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
      containers: [{ name: 'a', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'], drop: ['NET_RAW'] }, allowPrivilegeEscalation: true } }],
    };
    // WHEN
    const once = restrictPodSpec(spec);
    // THEN
    expect(once.securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'p.json' });
    expect(once.containers[0].securityContext.capabilities).toEqual({ add: ['NET_BIND_SERVICE'], drop: ['NET_RAW', 'ALL'] });
    expect(once.containers[0].securityContext.allowPrivilegeEscalation).toBe(true);
    expect(restrictPodSpec(once)).toEqual(once);
  });
});

describe('chartObjects', () => {
  test('orders objects by their dependencies when there are any', () => {
    // GIVEN a chart whose first object depends on its second
    const app = new App();
    const chart = new Chart(app, 'c');
    const first = new kplus.ConfigMap(chart, 'first', { metadata: { name: 'first' } });
    const second = new kplus.ConfigMap(chart, 'second', { metadata: { name: 'second' } });
    // THEN tree order without dependencies, dependency order with one
    expect(chartObjects(chart).map((o) => o.metadata.name)).toEqual(['first', 'second']);
    ApiObject.of(first).node.addDependency(ApiObject.of(second));
    expect(chartObjects(chart).map((o) => o.metadata.name)).toEqual(['second', 'first']);
  });
});
