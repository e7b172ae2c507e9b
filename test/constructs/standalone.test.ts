/**
 * The constructs from their own props, in a plain cdk8s App: no Homelab, no inventory.
 */
import { App, Chart, Testing } from 'cdk8s';
import { CertIssuer, ClusterApp, IngressRouting, OpenEBSPool, RestrictedPodSecurityResolver, ResticBackedApp, ResticRepository } from '../../lib';
import { chartObjects } from '../../lib/synth/k8s';
import { checkPodSecurityRestricted, validateManifest } from '../helpers/k8s-validate';
import { problemMessages } from '../helpers/problems';

const repository = ResticRepository.fromUrl({
  repositoryUrl: 's3:https://s3.eu-central-003.backblazeb2.com/my-backups/wiki',
  passwordSecretName: 'wiki-restic-password',
  accessKeyIdSecretName: 'wiki-b2-key-id',
  secretAccessKeySecretName: 'wiki-b2-key',
});

const problemsOf = problemMessages;

describe('standalone constructs', () => {
  test('a ResticBackedApp on PostgreSQL with a pool reference, in a Chart of the user', () => {
    // GIVEN a user's cdk8s app with a Mayastor pool and a backed-up wiki
    const app = new App({ resolvers: [new RestrictedPodSecurityResolver()] });
    const storage = new Chart(app, 'storage');
    const pool = new OpenEBSPool(storage, 'fast', { engine: 'mayastor', nodes: [{ host: 'n1', disks: ['/dev/disk/by-id/nvme-A'] }] });
    const wiki = new ResticBackedApp(app, 'wiki', {
      image: 'docker.io/requarks/wiki:2.5.303',
      port: 3000,
      volumes: [{ name: 'data', mountPath: '/data', sizeGiB: 5, pool }],
      database: { engine: 'postgresql', passwordSecret: 'wiki-db-password', pool },
      ingress: { host: 'wiki.example.org', issuer: CertIssuer.clusterIssuer('le-dns') },
      repository,
      backupSchedule: '15 2 * * *',
    });
    // WHEN synthesized
    const objects = chartObjects(wiki);
    const of = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    // THEN names come from the id, storage from the pool, the repository from the handle
    expect(pool.storageClassName).toBe('fast');
    expect(of('PersistentVolumeClaim', 'wiki-data').spec.storageClassName).toBe('fast');
    expect(of('PersistentVolumeClaim', 'wiki-db-data').spec.storageClassName).toBe('fast');
    expect(of('StatefulSet', 'wiki-db').metadata.namespace).toBe('wiki');
    const backup = of('CronJob', 'wiki-backup');
    expect(backup.spec.schedule).toBe('15 2 * * *');
    const env = Object.fromEntries(backup.spec.jobTemplate.spec.template.spec.initContainers
      .find((c: any) => c.name === 'backup').env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef.name]));
    expect(env).toMatchObject({
      RESTIC_REPOSITORY: 's3:https://s3.eu-central-003.backblazeb2.com/my-backups/wiki',
      RESTIC_PASSWORD: 'wiki-restic-password', AWS_ACCESS_KEY_ID: 'wiki-b2-key-id', AWS_SECRET_ACCESS_KEY: 'wiki-b2-key',
      HOMELAB_PARTS: 'db volume-data', PGHOST: 'wiki-db', PGDATABASE: 'wiki',
    });
    expect(of('IngressRoute', 'wiki').spec.routes[0].services).toEqual([{ kind: 'Service', name: 'wiki', port: 80 }]);
    expect(of('Certificate', 'wiki-tls').spec.issuerRef.name).toBe('le-dns');
    expect(objects.find((o) => o.kind === 'PrometheusRule')).toBeUndefined();
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    expect(objects.flatMap(validateManifest)).toEqual([]);
    // AND the restore Job comes from the same construct
    const job = wiki.restoreJob(new Chart(app, 'restore', { namespace: 'wiki' }), 'Restore', { snapshot: 'abcdef12' });
    expect(job.name).toBe('wiki-restore-abcdef12');
  });

  test('a plain ClusterApp with an Ingress for k3s\'s bundled Traefik', () => {
    const chart = new ClusterApp(Testing.app(), 'whoami', { image: 'traefik/whoami:v1.10.3', port: 80, ingress: { host: 'who.example.org', routing: IngressRouting.INGRESS } });
    expect(chartObjects(chart).map((o) => o.kind)).toEqual(['Deployment', 'Service', 'Ingress', 'Certificate']);
    expect(chart.ingress!.metadata.namespace).toBe('whoami');
  });

  test('fails with every problem of the props, naming path and field', () => {
    // GIVEN props with a bad port, a missing backed-up volume and a bad schedule
    const problems = problemsOf(() => new ResticBackedApp(Testing.app(), 'Wiki', {
      image: 'wiki:2', port: 70000, repository, backupVolumes: ['nope'], backupSchedule: '61 * * * *',
    }));
    // THEN
    expect(problems).toEqual([
      expect.stringMatching(/^\[Wiki\] ResticBackedApp\.name: not a DNS label of at most 52 characters \(got "Wiki"\)/),
      expect.stringMatching(/^\[Wiki\] ResticBackedApp\.namespace: not a DNS label \(got "Wiki"\)/),
      '[Wiki] ResticBackedApp.port: not a TCP port (got 70000); integer 1-65535',
    ]);
    const later = problemsOf(() => new ResticBackedApp(Testing.app(), 'wiki', {
      image: 'wiki:2', port: 80, repository, backupVolumes: ['nope'], backupSchedule: '61 * * * *',
    }));
    expect(later).toEqual([
      '[wiki] ResticBackedApp.backupSchedule: not a cron schedule: minute "61" is out of range (got "61 * * * *"); minute 0-59, as n, *, a-b, */n, a-b/n or a list of these',
      '[wiki] ResticBackedApp.backupVolumes[0]: not a volume of the app (got "nope"); a volume of the app, which has none: add it to volumes, or back up only the database',
    ]);
  });

  test('an OpenEBSPool\'s problems fail a plain cdk8s synth', () => {
    const app = Testing.app();
    new OpenEBSPool(new Chart(app, 'storage'), 'tank', { engine: 'cstor', nodes: [{ host: 'n1', disks: ['/dev/disk/by-id/ata-A'] }] });
    expect(() => app.synth()).toThrow(/OpenEBSPool\.disks: not in storage\.lock\.json/);
  });
});
