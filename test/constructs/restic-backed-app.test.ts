/**
 * ResticBackedApp, field by field: the backup and check CronJobs, the restore
 * init container, the database server, the alerts and the restore Job, for the
 * reference homelab (gitea: PostgreSQL + volume `data`; files: a volume with
 * scale-to-zero) and for small inventories derived from it (sqlite, mysql,
 * mariadb, a hook quiesce, a weekly schedule). The programs themselves run for
 * real in test/backup/*-e2e.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { inventory as reference } from '../../apps/inventory';
import { AppSpec, Homelab, Inventory, ResticBackedApp } from '../../lib';
import { BACKUP_SCRIPT, CHECK_SCRIPT, PING_SCRIPT, RESTORE_SCRIPT } from '../../lib/constructs/backup-scripts';
import { BACKUP_ALERT_GRACE_SECONDS } from '../../lib/constructs/restic-backed-app';
import { restoreManifest } from '../../lib/homelab/restore';
import { ResolvedApp } from '../../lib/model/derive';
import { validateInventory } from '../../lib/model/rules';
import { chartObjects } from '../../lib/synth/k8s';
import { checkPodSecurityRestricted, validateManifest } from '../helpers/k8s-validate';
import { listFiles } from '../helpers/tree';

const LOCK_FILE = path.join(__dirname, '..', '..', 'storage.lock.json');
const RESTIC_IMAGE = 'docker.io/restic/restic:0.17.3';
const POSTGRES_IMAGE = 'docker.io/library/postgres:16.4';
const BUCKET_URL = 's3:https://s3.us-west-004.backblazeb2.com/example-homelab-backups';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

interface Built {
  readonly lab: Homelab;
  /** The objects of an app's chart, as synthesized. */
  readonly objects: (app: string) => any[];
  /** The app as the model resolved it. */
  readonly model: (app: string) => ResolvedApp;
}

function build(inventory: Inventory): Built {
  const lab = new Homelab({ inventory, storageLockFile: LOCK_FILE });
  return {
    lab,
    objects: (app) => {
      const chart = lab.apps.find((a) => a.node.id === `app-${app}`);
      expect(chart).toBeInstanceOf(ResticBackedApp);
      return chartObjects(chart!);
    },
    model: (app) => lab.model.apps.find((a) => a.name === app) as ResolvedApp,
  };
}

/** The reference inventory with some of its apps changed. */
function variant(change: Readonly<Record<string, (a: AppSpec) => AppSpec>>): Inventory {
  return { ...reference, apps: reference.apps!.map((a) => (change[a.name] ? change[a.name](a) : a)) };
}

/** The one object of a kind and name. */
function find(objects: readonly any[], kind: string, name: string): any {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`${kind}/${name}`]);
  return found[0];
}

const podOf = (o: any): any => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const names = (list: readonly any[] | undefined): string[] => (list ?? []).map((x) => x.name);

function container(pod: any, name: string, kind: 'containers' | 'initContainers' = 'containers'): any {
  const found = (pod[kind] ?? []).filter((c: any) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/** An env entry with a literal value. */
const val = (name: string, value: string) => ({ name, value });
/** An env entry read from a Secret's `value` key. */
const ref = (name: string, secret: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key: 'value' } } });

/** The env every restic container of an app starts with. */
function resticEnv(app: string, parts: string): object[] {
  return [
    val('HOMELAB_APP', app),
    val('HOMELAB_PARTS', parts),
    val('HOMELAB_VOLUMES_DIR', '/homelab/volumes'),
    val('HOMELAB_TOOLS', '/homelab/tools'),
    val('HOME', '/tmp'),
    val('RESTIC_CACHE_DIR', '/tmp/restic-cache'),
    val('SSL_CERT_FILE', '/homelab/tools/ca-certificates.crt'),
    val('RESTIC_REPOSITORY', `${BUCKET_URL}/${app}`),
    ref('RESTIC_PASSWORD', `${app}-restic-password`),
    ref('AWS_ACCESS_KEY_ID', `${app}-b2-key-id`),
    ref('AWS_SECRET_ACCESS_KEY', `${app}-b2-key`),
  ];
}

/** gitea's PostgreSQL client env of the restic containers. */
const GITEA_PG_ENV = [
  val('HOMELAB_DB_ENGINE', 'postgresql'),
  val('PGHOST', 'gitea-db'),
  val('PGPORT', '5432'),
  val('PGDATABASE', 'gitea'),
  val('PGUSER', 'gitea'),
  ref('PGPASSWORD', 'gitea-db-password'),
];
const GITEA_BACKUP_TAIL = [
  val('HOMELAB_KEEP_DAILY', '7'),
  val('HOMELAB_KEEP_WEEKLY', '4'),
  val('HOMELAB_KEEP_MONTHLY', '6'),
];

const TOOLS_MOUNT = { mountPath: '/homelab/tools', name: 'homelab-tools' };
const TMP_MOUNT = { mountPath: '/tmp', name: 'homelab-tmp' };
const RESTIC_VOLUMES = [{ emptyDir: {}, name: 'homelab-tools' }, { emptyDir: {}, name: 'homelab-tmp' }];
const claim = (name: string, claimName: string) => ({ name, persistentVolumeClaim: { claimName, readOnly: false } });

/** The container security context of the app's uid (1000) under "restricted". */
const RESTRICTED_1000 = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: 1000,
  runAsNonRoot: true,
  runAsUser: 1000,
};

/** The resources of the small helper containers (the copies, the ping). */
const SMALL = { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '10m', memory: '32Mi' } };

/** The init container that copies restic and the CA bundle of its image into the tools folder. */
const RESTIC_BINARY = {
  name: 'restic-binary',
  image: RESTIC_IMAGE,
  imagePullPolicy: 'Always',
  command: ['cp', '/usr/bin/restic', '/etc/ssl/certs/ca-certificates.crt', '/homelab/tools/'],
  resources: SMALL,
  securityContext: RESTRICTED_1000,
  volumeMounts: [TOOLS_MOUNT],
};

/** The backup pod's main container: the dead-man ping, after the backup (an init container) succeeded. */
function pingContainer(urlSecret?: string): object {
  return {
    name: 'ping',
    image: RESTIC_IMAGE,
    imagePullPolicy: 'Always',
    command: ['/bin/sh', '-c', PING_SCRIPT, 'homelab-ping'],
    resources: SMALL,
    securityContext: RESTRICTED_1000,
    ...(urlSecret ? { env: [ref('HOMELAB_PING_URL', urlSecret)] } : {}),
  };
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

// ---------------------------------------------------------------------------------------------
// the reference homelab
// ---------------------------------------------------------------------------------------------

const ref0 = build(reference);
const gitea = ref0.objects('gitea');
const files = ref0.objects('files');

describe('gitea: the backup CronJob', () => {
  const cron = find(gitea, 'CronJob', 'gitea-backup');
  const pod = podOf(cron);

  test('runs nightly at 03:15 UTC, never twice at once, with deadlines and retries', () => {
    expect(cron.metadata.namespace).toBe('gitea');
    expect(cron.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'homelab-cdk', 'app.kubernetes.io/name': 'gitea-backup', 'app.kubernetes.io/part-of': 'gitea' });
    const { jobTemplate, ...spec } = cron.spec;
    expect(spec).toEqual({
      schedule: '15 3 * * *',
      timeZone: 'UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    const { template, ...job } = jobTemplate.spec;
    expect(job).toEqual({ backoffLimit: 2, activeDeadlineSeconds: 21600 });
    expect(pod.restartPolicy).toBe('Never');
  });

  test('copies restic in first, then runs the backup program in the database image, then the ping', () => {
    expect(names(pod.initContainers)).toEqual(['restic-binary', 'backup']);
    expect(container(pod, 'restic-binary', 'initContainers')).toEqual(RESTIC_BINARY);
    expect(pod.containers).toEqual([pingContainer('gitea-backup-ping-url')]);
    const backup = container(pod, 'backup', 'initContainers');
    expect(backup.image).toBe(POSTGRES_IMAGE);
    expect(backup.command).toEqual(['/bin/sh', '-c', BACKUP_SCRIPT, 'homelab-backup']);
    expect(backup.args).toBeUndefined();
  });

  test('gets every fact through its env: values exactly, secrets by reference', () => {
    const env = container(pod, 'backup', 'initContainers').env;
    expect(env).toEqual([
      val('HOMELAB_APP', 'gitea'),
      val('HOMELAB_PARTS', 'db volume-data'),
      val('HOMELAB_VOLUMES_DIR', '/homelab/volumes'),
      val('HOMELAB_TOOLS', '/homelab/tools'),
      val('HOME', '/tmp'),
      val('RESTIC_CACHE_DIR', '/tmp/restic-cache'),
      val('SSL_CERT_FILE', '/homelab/tools/ca-certificates.crt'),
      val('RESTIC_REPOSITORY', 's3:https://s3.us-west-004.backblazeb2.com/example-homelab-backups/gitea'),
      ref('RESTIC_PASSWORD', 'gitea-restic-password'),
      ref('AWS_ACCESS_KEY_ID', 'gitea-b2-key-id'),
      ref('AWS_SECRET_ACCESS_KEY', 'gitea-b2-key'),
      val('HOMELAB_DB_ENGINE', 'postgresql'),
      val('PGHOST', 'gitea-db'),
      val('PGPORT', '5432'),
      val('PGDATABASE', 'gitea'),
      val('PGUSER', 'gitea'),
      ref('PGPASSWORD', 'gitea-db-password'),
      val('HOMELAB_KEEP_DAILY', '7'),
      val('HOMELAB_KEEP_WEEKLY', '4'),
      val('HOMELAB_KEEP_MONTHLY', '6'),
    ]);
    // retention not asked for stays unset
    expect(names(env).filter((n) => /^HOMELAB_KEEP_(LAST|YEARLY)$/.test(n))).toEqual([]);
  });

  test('mounts the volume data from its claim, next to the tools and a writable /tmp', () => {
    expect(container(pod, 'backup', 'initContainers').volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT, { mountPath: '/homelab/volumes/data', name: 'data' }]);
    expect(pod.volumes).toEqual([...RESTIC_VOLUMES, claim('data', 'gitea-data')]);
  });

  test('runs on the node of the gitea pods (the volume is ReadWriteOnce)', () => {
    const deployment = find(gitea, 'Deployment', 'gitea');
    const selector = deployment.spec.selector.matchLabels;
    expect(pod.affinity).toEqual({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, namespaces: ['gitea'], topologyKey: 'kubernetes.io/hostname' }],
      },
    });
    // the selector picks gitea's pods
    expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
  });

  test('runs as the app\'s uid with its fsGroup, read-only, no service account token', () => {
    expect(ref0.model('gitea').runAsUser).toBe(1000);
    expect(pod.securityContext).toEqual({
      fsGroup: 1000, fsGroupChangePolicy: 'Always', runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(pod, 'backup', 'initContainers').securityContext).toEqual(RESTRICTED_1000);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
  });
});

describe('files: the backup CronJob with scale-to-zero', () => {
  const cron = find(files, 'CronJob', 'files-backup');
  const pod = podOf(cron);
  const labels = { 'app.kubernetes.io/managed-by': 'homelab-cdk', 'app.kubernetes.io/name': 'files-backup', 'app.kubernetes.io/part-of': 'files' };

  test('has a service account of its own, whose token the pod mounts', () => {
    const account = find(files, 'ServiceAccount', 'files-backup');
    expect(account).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'files-backup', namespace: 'files', labels }, automountServiceAccountToken: true });
    expect(pod.serviceAccountName).toBe('files-backup');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('may read and scale the files Deployment and list pods, nothing else', () => {
    const role = find(files, 'Role', 'files-backup');
    expect(role.metadata).toEqual({ name: 'files-backup', namespace: 'files', labels });
    expect(role.rules).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['files'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['files'], verbs: ['get', 'patch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
    const binding = find(files, 'RoleBinding', 'files-backup');
    expect(binding.metadata).toEqual({ name: 'files-backup', namespace: 'files', labels });
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'files-backup' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'files-backup' }]);
  });

  test('copies restic and kubectl in, runs the backup program in the restic image, then the ping (no URL: no env)', () => {
    expect(names(pod.initContainers)).toEqual(['restic-binary', 'kubectl-binary', 'backup']);
    expect(container(pod, 'restic-binary', 'initContainers')).toEqual(RESTIC_BINARY);
    const kubectl = container(pod, 'kubectl-binary', 'initContainers');
    expect(kubectl.image).toBe('registry.k8s.io/kubectl:v1.31.3');
    expect(kubectl.command).toEqual(['/bin/sh', '-c', 'cp "$(command -v kubectl)" /homelab/tools/kubectl']);
    expect(kubectl.volumeMounts).toEqual([TOOLS_MOUNT]);
    const backup = container(pod, 'backup', 'initContainers');
    expect(backup.image).toBe(RESTIC_IMAGE);
    expect(backup.command).toEqual(['/bin/sh', '-c', BACKUP_SCRIPT, 'homelab-backup']);
    expect(pod.containers).toEqual([pingContainer()]);
  });

  test('gets its retention and quiesce through its env, and no database env', () => {
    expect(container(pod, 'backup', 'initContainers').env).toEqual([
      ...resticEnv('files', 'volume-srv'),
      val('HOMELAB_KEEP_DAILY', '14'),
      val('HOMELAB_KEEP_MONTHLY', '12'),
      val('HOMELAB_QUIESCE', 'scale-to-zero'),
      val('HOMELAB_NAMESPACE', 'files'),
    ]);
  });

  test('mounts srv, and runs on the node of the files pods (it mounts the volume before it scales the app down)', () => {
    expect(container(pod, 'backup', 'initContainers').volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT, { mountPath: '/homelab/volumes/srv', name: 'srv' }]);
    expect(pod.volumes).toEqual([...RESTIC_VOLUMES, claim('srv', 'files-srv')]);
    const deployment = find(files, 'Deployment', 'files');
    expect(pod.affinity).toEqual({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: deployment.spec.selector.matchLabels }, namespaces: ['files'], topologyKey: 'kubernetes.io/hostname' }],
      },
    });
    expect(cron.spec.schedule).toBe('45 2 * * *');
  });
});

describe.each([['gitea'], ['files']])('%s: the check CronJob', (app) => {
  const objects = app === 'gitea' ? gitea : files;
  const cron = find(objects, 'CronJob', `${app}-backup-check`);
  const pod = podOf(cron);

  test('runs restic check weekly on Sunday 04:30 UTC', () => {
    const { jobTemplate, ...spec } = cron.spec;
    expect(spec).toEqual({
      schedule: '30 4 * * 0',
      timeZone: 'UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
      suspend: false,
    });
    const { template, ...job } = jobTemplate.spec;
    expect(job).toEqual({ backoffLimit: 1, activeDeadlineSeconds: 21600 });
  });

  test('in the restic image, with no parts, no database env, no volumes and no service account token', () => {
    expect(pod.initContainers).toEqual([RESTIC_BINARY]);
    expect(names(pod.containers)).toEqual(['check']);
    const check = container(pod, 'check');
    expect(check.image).toBe(RESTIC_IMAGE);
    expect(check.command).toEqual(['/bin/sh', '-c', CHECK_SCRIPT, 'homelab-check']);
    expect(check.env).toEqual([...resticEnv(app, ''), val('HOMELAB_READ_DATA_SUBSET', '5%')]);
    expect(check.volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT]);
    expect(pod.volumes).toEqual(RESTIC_VOLUMES);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
  });
});

describe('gitea: the Deployment', () => {
  const deployment = find(gitea, 'Deployment', 'gitea');
  const pod = podOf(deployment);

  test('restores a part that never had data before the app starts', () => {
    expect(names(pod.initContainers)).toEqual(['restic-binary', 'restore']);
    expect(container(pod, 'restic-binary', 'initContainers')).toEqual(RESTIC_BINARY);
    const restore = container(pod, 'restore', 'initContainers');
    expect(restore.image).toBe(POSTGRES_IMAGE);
    expect(restore.command).toEqual(['/bin/sh', '-c', RESTORE_SCRIPT, 'homelab-restore']);
    expect(restore.env).toEqual([...resticEnv('gitea', 'db volume-data'), ...GITEA_PG_ENV, val('HOMELAB_RESTORE_MODE', 'init')]);
    expect(restore.volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT, { mountPath: '/homelab/volumes/data', name: 'data' }]);
    expect(restore.securityContext).toEqual(RESTRICTED_1000);
    expect(pod.volumes).toEqual([{ emptyDir: {}, name: 'tmp' }, claim('data', 'gitea-data'), ...RESTIC_VOLUMES]);
  });

  test('the app gets DB_* first, so that its own env can say $(DB_HOST)', () => {
    const app = container(pod, 'app');
    expect(app.env).toEqual([
      val('DB_HOST', 'gitea-db'),
      val('DB_PORT', '5432'),
      val('DB_NAME', 'gitea'),
      val('DB_USER', 'gitea'),
      ref('DB_PASSWORD', 'gitea-db-password'),
      val('GITEA__server__ROOT_URL', 'https://git.home.example.org/'),
      val('GITEA__database__DB_TYPE', 'postgres'),
      val('GITEA__database__HOST', '$(DB_HOST):$(DB_PORT)'),
      val('GITEA__database__NAME', '$(DB_NAME)'),
      val('GITEA__database__USER', '$(DB_USER)'),
      val('GITEA__database__PASSWD', '$(DB_PASSWORD)'),
      ref('GITEA__security__SECRET_KEY', 'gitea-secret-key'),
    ]);
    expect(app.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/var/lib/gitea', name: 'data' }]);
  });
});

describe('gitea: the PostgreSQL server', () => {
  const dbLabels = { 'app.kubernetes.io/component': 'database', 'app.kubernetes.io/managed-by': 'homelab-cdk', 'app.kubernetes.io/name': 'gitea-db', 'app.kubernetes.io/part-of': 'gitea' };
  const sts = find(gitea, 'StatefulSet', 'gitea-db');
  const pod = podOf(sts);

  test('a one-replica StatefulSet of the postgres image as uid/gid 999, read-only, the password by reference', () => {
    expect(sts.metadata).toEqual({ name: 'gitea-db', namespace: 'gitea', labels: dbLabels });
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe('gitea-db');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toEqual({
      fsGroup: 999, fsGroupChangePolicy: 'Always', runAsGroup: 999, runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(names(pod.containers)).toEqual(['postgresql']);
    expect(pod.initContainers).toBeUndefined();
    const pg = container(pod, 'postgresql');
    expect(pg.image).toBe(POSTGRES_IMAGE);
    expect(pg.ports).toEqual([{ containerPort: 5432 }]);
    expect(pg.env).toEqual([
      val('POSTGRES_DB', 'gitea'),
      val('POSTGRES_USER', 'gitea'),
      ref('POSTGRES_PASSWORD', 'gitea-db-password'),
      val('PGDATA', '/var/lib/postgresql/data/pgdata'),
    ]);
    expect(pg.securityContext).toEqual({ ...RESTRICTED_1000, runAsGroup: 999, runAsUser: 999 });
    expect(pg.volumeMounts).toEqual([
      { mountPath: '/var/lib/postgresql/data', name: 'data' },
      { mountPath: '/var/run/postgresql', name: 'run' },
      { mountPath: '/tmp', name: 'tmp' },
    ]);
    expect(pod.volumes).toEqual([claim('data', 'gitea-db-data'), { emptyDir: {}, name: 'run' }, { emptyDir: {}, name: 'tmp' }]);
  });

  test('a Service gitea-db on 5432 that selects the StatefulSet\'s pods', () => {
    const service = find(gitea, 'Service', 'gitea-db');
    expect(service.metadata).toEqual({ name: 'gitea-db', namespace: 'gitea', labels: dbLabels });
    expect(service.spec.ports).toEqual([{ name: 'postgresql', port: 5432, targetPort: 5432 }]);
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(sts.spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  test('a 10Gi claim gitea-db-data on the StorageClass of pool cstor-disks', () => {
    const pool = ref0.lab.pools.find((p) => p.poolName === 'cstor-disks')!;
    expect(pool.storageClassName).toBe('cstor-disks');
    const pvc = find(gitea, 'PersistentVolumeClaim', 'gitea-db-data');
    expect(pvc.metadata).toEqual({ name: 'gitea-db-data', namespace: 'gitea', labels: dbLabels });
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: pool.storageClassName,
      volumeMode: 'Filesystem',
    });
  });
});

describe('gitea: the alerts', () => {
  const rule = find(gitea, 'PrometheusRule', 'gitea-backup');

  test('fire on a stale backup (a day + 2h for a daily schedule), on none ever, and on a failed check', () => {
    expect(BACKUP_ALERT_GRACE_SECONDS).toBe(7200);
    const sel = 'namespace="gitea",cronjob="gitea-backup"';
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'homelab-cdk', 'app.kubernetes.io/name': 'gitea-backup', 'app.kubernetes.io/part-of': 'gitea' });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['homelab-backup-gitea']);
    const rules = rule.spec.groups[0].rules;
    expect(rules.map((r: any) => [r.alert, r.labels])).toEqual([
      ['HomelabBackupStale', { severity: 'critical' }],
      ['HomelabBackupNeverSucceeded', { severity: 'critical' }],
      ['HomelabBackupCheckFailed', { severity: 'warning' }],
    ]);
    expect(rules.map((r: any) => r.expr)).toEqual([
      `time() - max(kube_cronjob_status_last_successful_time{${sel}}) > ${86400 + 7200}`,
      `(time() - max(kube_cronjob_created{${sel}}) > ${86400 + 7200}) unless on() max(kube_cronjob_status_last_successful_time{${sel}})`,
      `time() - max(kube_cronjob_status_last_successful_time{namespace="gitea",cronjob="gitea-backup-check"}) > ${604800 + 7200}`,
    ]);
    expect(rules[0].annotations.description).toBe('Schedule 15 3 * * * (UTC) leaves at most 24h between runs; with 2h of grace, the last success must be newer than 26h. See kubectl -n gitea logs job/<latest gitea-backup job>.');
    expect(rules[2].annotations).toEqual({ summary: 'No restic check of the repository of gitea has passed within its schedule (30 4 * * 0 UTC) and 2h: it found problems, or could not run' });
  });

  test('a weekly schedule allows a week + 2h', () => {
    const weekly = build(variant({ gitea: (a) => ({ ...a, backup: { ...a.backup!, schedule: '0 3 * * 0' } }) })).objects('gitea');
    expect(find(weekly, 'CronJob', 'gitea-backup').spec.schedule).toBe('0 3 * * 0');
    const rules = find(weekly, 'PrometheusRule', 'gitea-backup').spec.groups[0].rules;
    expect(rules[0].expr).toBe(`time() - max(kube_cronjob_status_last_successful_time{namespace="gitea",cronjob="gitea-backup"}) > ${604800 + 7200}`);
    expect(rules[1].expr).toContain(`) > ${604800 + 7200}) unless on()`);
    expect(rules[0].annotations.description).toContain('leaves at most 168h between runs');
  });

  test('validates against the prometheus-operator CRD', () => {
    expect(validateManifest(rule)).toEqual([]);
    expect(validateManifest({ ...rule, spec: { ...rule.spec, bogus: true } })).not.toEqual([]);
  });
});

describe('every object of the reference apps', () => {
  test.each([['gitea'], ['files']])('%s: validates against its schema (unknown fields rejected) and passes Pod Security "restricted"', (app) => {
    const objects = app === 'gitea' ? gitea : files;
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(app === 'gitea'
      ? ['Deployment/gitea', 'PersistentVolumeClaim/gitea-data', 'PersistentVolumeClaim/gitea-db-data', 'Service/gitea-db', 'StatefulSet/gitea-db', 'Service/gitea', 'IngressRoute/gitea', 'Certificate/gitea-tls', 'CronJob/gitea-backup', 'CronJob/gitea-backup-check', 'PrometheusRule/gitea-backup']
      : ['Deployment/files', 'PersistentVolumeClaim/files-srv', 'Service/files', 'IngressRoute/files', 'Certificate/files-tls', 'ServiceAccount/files-backup', 'Role/files-backup', 'RoleBinding/files-backup', 'CronJob/files-backup', 'CronJob/files-backup-check', 'PrometheusRule/files-backup']);
    expect(objects.flatMap(validateManifest)).toEqual([]);
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    expect(objects.every((o) => o.metadata.namespace === app)).toBe(true);
  });
});

describe('restoreManifest', () => {
  const app = ref0.model('gitea');

  test('the latest snapshot of each part: Job gitea-restore-latest in gitea, and the commands around it', () => {
    // WHEN
    const m = restoreManifest(app);
    // THEN
    expect(m.fileName).toBe('restore-gitea-latest.k8s.yaml');
    expect(m.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['Job/gitea/gitea-restore-latest']);
    const job = m.objects[0];
    expect(job.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'gitea-restore', 'app.kubernetes.io/part-of': 'gitea' });
    const { template, ...spec } = job.spec;
    expect(spec).toEqual({ backoffLimit: 0, activeDeadlineSeconds: 43200, ttlSecondsAfterFinished: 604800 });
    const pod = podOf(job);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.initContainers).toEqual([RESTIC_BINARY]);
    expect(names(pod.containers)).toEqual(['restore-job']);
    const c = container(pod, 'restore-job');
    expect(c.image).toBe(POSTGRES_IMAGE);
    expect(c.command).toEqual(['/bin/sh', '-c', RESTORE_SCRIPT, 'homelab-restore-job']);
    expect(c.env).toEqual([...resticEnv('gitea', 'db volume-data'), ...GITEA_PG_ENV, val('HOMELAB_RESTORE_MODE', 'job')]);
    expect(names(c.env)).not.toContain('HOMELAB_RESTORE_SNAPSHOT');
    expect(c.volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT, { mountPath: '/homelab/volumes/data', name: 'data' }]);
    expect(pod.volumes).toEqual([...RESTIC_VOLUMES, claim('data', 'gitea-data')]);
    expect(m.objects.flatMap(validateManifest)).toEqual([]);
    expect(m.objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    // the YAML is the objects, under the header
    expect(m.yaml.startsWith('# generated by homelab restore\n')).toBe(true);
    expect(YAML.parseAllDocuments(m.yaml).map((d) => d.toJS())).toEqual(m.objects);
    expect(m.commands).toEqual([
      'kubectl -n gitea scale deployment gitea --replicas=0',
      'kubectl -n gitea wait --for=delete pod -l app.kubernetes.io/name=gitea --timeout=300s',
      'kubectl -n gitea delete job/gitea-restore-latest --ignore-not-found --wait',
      'kubectl apply -f restore-gitea-latest.k8s.yaml',
      'kubectl -n gitea wait --for=condition=complete job/gitea-restore-latest --timeout=12h',
      'kubectl -n gitea logs job/gitea-restore-latest',
      'kubectl -n gitea scale deployment gitea --replicas=1',
    ]);
  });

  test('one snapshot: its id in the name and in HOMELAB_RESTORE_SNAPSHOT', () => {
    const m = restoreManifest(app, { snapshot: 'abcdef12' });
    expect(m.fileName).toBe('restore-gitea-abcdef12.k8s.yaml');
    const job = m.objects[0];
    expect(job.metadata.name).toBe('gitea-restore-abcdef12');
    const env = container(podOf(job), 'restore-job').env;
    expect(env).toEqual([...resticEnv('gitea', 'db volume-data'), ...GITEA_PG_ENV, val('HOMELAB_RESTORE_MODE', 'job'), val('HOMELAB_RESTORE_SNAPSHOT', 'abcdef12')]);
    expect(m.commands).toEqual([
      'kubectl -n gitea scale deployment gitea --replicas=0',
      'kubectl -n gitea wait --for=delete pod -l app.kubernetes.io/name=gitea --timeout=300s',
      'kubectl -n gitea delete job/gitea-restore-abcdef12 --ignore-not-found --wait',
      'kubectl apply -f restore-gitea-abcdef12.k8s.yaml',
      'kubectl -n gitea wait --for=condition=complete job/gitea-restore-abcdef12 --timeout=12h',
      'kubectl -n gitea logs job/gitea-restore-abcdef12',
      'kubectl -n gitea scale deployment gitea --replicas=1',
    ]);
    expect(m.objects.flatMap(validateManifest)).toEqual([]);
    expect(m.objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
  });

  test('a full 64-digit snapshot id: the Job (and file) named by its first 8 digits, at most 63 characters even for the longest app name', () => {
    // GIVEN gitea renamed to the longest name a backed-up app may have (39 characters)
    const longName = 'g'.repeat(39);
    const inventory = variant({ gitea: (a) => ({ ...a, name: longName }) });
    expect(validateInventory(inventory).map(String)).toEqual([]);
    const longApp = build(inventory).model(longName);
    const snapshot = '0123456789abcdef'.repeat(4);
    expect(snapshot).toMatch(/^[0-9a-f]{64}$/);
    // WHEN
    const m = restoreManifest(longApp, { snapshot });
    // THEN
    const job = m.objects[0];
    expect(job.metadata.name).toBe(`${longName}-restore-01234567`);
    expect(job.metadata.name.length).toBeLessThanOrEqual(63);
    expect(m.fileName).toBe(`restore-${longName}-01234567.k8s.yaml`);
    // the whole id still selects the snapshot
    expect(container(podOf(job), 'restore-job').env).toContainEqual(val('HOMELAB_RESTORE_SNAPSHOT', snapshot));
    expect(m.commands[2]).toBe(`kubectl -n ${longApp.namespace} delete job/${longName}-restore-01234567 --ignore-not-found --wait`);
    expect(m.objects.flatMap(validateManifest)).toEqual([]);
    // and the reference gitea
    const g = restoreManifest(app, { snapshot });
    expect(g.objects[0].metadata.name).toBe('gitea-restore-01234567');
    expect(g.fileName).toBe('restore-gitea-01234567.k8s.yaml');
  });

  test.each([['latest; rm -rf /'], ['ABCDEF12'], ['abc']])('fails on snapshot id %j, naming the field and the allowed form', (snapshot) => {
    expect(messageOf(() => restoreManifest(app, { snapshot }))).toContain(
      `[restore-gitea] ResticBackedApp.restoreJob.snapshot: not a restic snapshot id (got ${JSON.stringify(snapshot)}); 8 to 64 lowercase hex digits, as \`restic snapshots\` prints them`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// derived inventories
// ---------------------------------------------------------------------------------------------

describe('engines', () => {
  const SQLITE_TOOLS_IMAGE = 'docker.io/keinos/sqlite3:3.46.1';
  const sqliteGitea = (a: AppSpec): AppSpec => ({ ...a, database: { engine: 'sqlite', volume: 'data', file: 'app.db' } });

  test('sqlite: no server; the backup runs in the sqlite tools image with the file\'s volume mounted', () => {
    // GIVEN gitea with its database in a file of its volume data
    const b = build(variant({ gitea: sqliteGitea }));
    const objects = b.objects('gitea');
    // THEN no StatefulSet, Service or claim of a server
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    expect(objects.map((o) => o.metadata.name)).not.toContain('gitea-db');
    expect(objects.map((o) => o.metadata.name)).not.toContain('gitea-db-data');
    const sqliteEnv = [val('HOMELAB_DB_ENGINE', 'sqlite'), val('HOMELAB_SQLITE_VOLUME', 'data'), val('HOMELAB_SQLITE_FILE', 'app.db')];
    const pod = podOf(find(objects, 'CronJob', 'gitea-backup'));
    const backup = container(pod, 'backup', 'initContainers');
    expect(backup.image).toBe(SQLITE_TOOLS_IMAGE);
    expect(backup.env).toEqual([...resticEnv('gitea', 'db volume-data'), ...sqliteEnv, ...GITEA_BACKUP_TAIL]);
    expect(backup.volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT, { mountPath: '/homelab/volumes/data', name: 'data' }]);
    expect(pod.volumes).toEqual([...RESTIC_VOLUMES, claim('data', 'gitea-data')]);
    expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    // the app gets no DB_* (there is no server to name)
    const deployment = podOf(find(objects, 'Deployment', 'gitea'));
    expect(names(container(deployment, 'app').env).filter((n) => n.startsWith('DB_'))).toEqual([]);
    const restore = container(deployment, 'restore', 'initContainers');
    expect(restore.image).toBe(SQLITE_TOOLS_IMAGE);
    expect(restore.env).toEqual([...resticEnv('gitea', 'db volume-data'), ...sqliteEnv, val('HOMELAB_RESTORE_MODE', 'init')]);
    expect(restore.volumeMounts).toContainEqual({ mountPath: '/homelab/volumes/data', name: 'data' });
    const job = restoreManifest(b.model('gitea')).objects[0];
    expect(container(podOf(job), 'restore-job').volumeMounts).toContainEqual({ mountPath: '/homelab/volumes/data', name: 'data' });
    expect([...objects, job].flatMap(validateManifest)).toEqual([]);
    expect([...objects, job].flatMap(checkPodSecurityRestricted)).toEqual([]);
  });

  describe('sqlite in a volume that is not backed up by itself', () => {
    const b = build(variant({ gitea: (a) => ({ ...sqliteGitea(a), backup: { ...a.backup!, volumes: [] } }) }));
    const objects = b.objects('gitea');

    test('the backup takes only the db part, and mounts the file\'s volume', () => {
      const backup = container(podOf(find(objects, 'CronJob', 'gitea-backup')), 'backup', 'initContainers');
      expect(backup.env.find((e: any) => e.name === 'HOMELAB_PARTS')).toEqual(val('HOMELAB_PARTS', 'db'));
      expect(backup.volumeMounts).toEqual([TOOLS_MOUNT, TMP_MOUNT, { mountPath: '/homelab/volumes/data', name: 'data' }]);
    });

    // The pod mounts the ReadWriteOnce volume of the database file, though the volume is not backed up.
    test('the backup runs on the node of the app\'s pods (the file\'s volume is ReadWriteOnce)', () => {
      const pod = podOf(find(objects, 'CronJob', 'gitea-backup'));
      expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    });

    // The restore Job writes the database file into its volume, though the volume is not backed up.
    test('the restore Job mounts the volume that holds the database file', () => {
      const job = restoreManifest(b.model('gitea')).objects[0];
      expect(container(podOf(job), 'restore-job').volumeMounts).toContainEqual({ mountPath: '/homelab/volumes/data', name: 'data' });
    });
  });

  test.each([
    ['mysql' as const, 'MYSQL', 'docker.io/library/mysql:8.4.2', '/var/run/mysqld'],
    ['mariadb' as const, 'MARIADB', 'docker.io/library/mariadb:11.4.3', '/var/run/mysqld'],
  ])('%s: a StatefulSet with %s_* env, and the backup gets the MySQL client env', (engine, prefix, image, runDir) => {
    // GIVEN gitea on a MySQL-protocol server
    const b = build(variant({ gitea: (a) => ({ ...a, database: { engine, passwordSecret: 'gitea-db-password', pool: 'cstor-disks' } }) }));
    const objects = b.objects('gitea');
    // THEN the server
    const sts = find(objects, 'StatefulSet', 'gitea-db');
    const server = container(podOf(sts), engine);
    expect(server.image).toBe(image);
    expect(server.ports).toEqual([{ containerPort: 3306 }]);
    expect(server.env).toEqual([
      val(`${prefix}_DATABASE`, 'gitea'),
      val(`${prefix}_USER`, 'gitea'),
      ref(`${prefix}_PASSWORD`, 'gitea-db-password'),
      ref(`${prefix}_ROOT_PASSWORD`, 'gitea-db-password'),
    ]);
    expect(server.volumeMounts).toEqual([{ mountPath: '/var/lib/mysql', name: 'data' }, { mountPath: runDir, name: 'run' }, { mountPath: '/tmp', name: 'tmp' }]);
    expect(podOf(sts).securityContext).toMatchObject({ fsGroup: 999, runAsGroup: 999, runAsUser: 999 });
    expect(find(objects, 'Service', 'gitea-db').spec.ports).toEqual([{ name: engine, port: 3306, targetPort: 3306 }]);
    // AND the backup, in the server's image
    const backup = container(podOf(find(objects, 'CronJob', 'gitea-backup')), 'backup', 'initContainers');
    expect(backup.image).toBe(image);
    expect(backup.env).toEqual([
      ...resticEnv('gitea', 'db volume-data'),
      val('HOMELAB_DB_ENGINE', engine),
      val('MYSQL_HOST', 'gitea-db'),
      val('MYSQL_TCP_PORT', '3306'),
      val('HOMELAB_DB_NAME', 'gitea'),
      val('HOMELAB_DB_USER', 'gitea'),
      ref('MYSQL_PWD', 'gitea-db-password'),
      ...GITEA_BACKUP_TAIL,
    ]);
    expect(names(backup.env).filter((n) => n.startsWith('PG'))).toEqual([]);
    // AND the app's client env
    expect(container(podOf(find(objects, 'Deployment', 'gitea')), 'app').env.slice(0, 5)).toEqual([
      val('DB_HOST', 'gitea-db'), val('DB_PORT', '3306'), val('DB_NAME', 'gitea'), val('DB_USER', 'gitea'), ref('DB_PASSWORD', 'gitea-db-password'),
    ]);
    expect(objects.flatMap(validateManifest)).toEqual([]);
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
  });
});

describe('quiesce with a hook', () => {
  test('passes pre and post verbatim through the env, and needs no service account', () => {
    // GIVEN files quiesced by commands, with shell syntax that must reach sh as written
    const pre = `wget -q -O- --post-data= "http://files/api/maintenance?on=1&by=$HOMELAB_APP" || exit 1`;
    const post = "wget -q -O- --post-data='' http://files/api/maintenance?on=0";
    const objects = build(variant({ files: (a) => ({ ...a, backup: { ...a.backup!, quiesce: { mode: 'hook', pre, post } } }) })).objects('files');
    // THEN
    const pod = podOf(find(objects, 'CronJob', 'files-backup'));
    expect(container(pod, 'backup', 'initContainers').env).toEqual([
      ...resticEnv('files', 'volume-srv'),
      val('HOMELAB_KEEP_DAILY', '14'),
      val('HOMELAB_KEEP_MONTHLY', '12'),
      val('HOMELAB_QUIESCE', 'hook'),
      val('HOMELAB_NAMESPACE', 'files'),
      val('HOMELAB_QUIESCE_PRE', pre),
      val('HOMELAB_QUIESCE_POST', post),
    ]);
    expect(objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind))).toEqual([]);
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(names(pod.initContainers)).toEqual(['restic-binary', 'backup']);
    expect(pod.containers).toEqual([pingContainer()]);
    // the app keeps running: the backup goes to its node
    expect(pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(objects.flatMap(validateManifest)).toEqual([]);
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
  });
});

describe('secrets', () => {
  test('no secret value reaches any synthesized file, whatever the environment holds', () => {
    // GIVEN a unique canary per declared secret (and per app B2 key) as a deploy-time and a Terraform variable
    const secretNames = [...reference.secrets!.map((s) => s.name), ...['gitea', 'files'].flatMap((a) => [`${a}-b2-key-id`, `${a}-b2-key`])];
    const canaries = new Map(secretNames.map((name, i) => [name, `canary-${i}-${name}-7c1e5a9f3b`]));
    const vars: Record<string, string> = {};
    for (const [name, value] of canaries) {
      vars[`HOMELAB_SECRET_${name.toUpperCase().replace(/-/g, '_')}`] = value;
      vars[`TF_VAR_${name.replace(/-/g, '_')}`] = value;
    }
    const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-restic-canary-'));
    try {
      Object.assign(process.env, vars);
      // WHEN the whole reference homelab is synthesized
      new Homelab({ inventory: reference, storageLockFile: LOCK_FILE }).synth({ outdir: out });
      // THEN no file holds any canary
      const written = listFiles(out);
      expect(written).toEqual(expect.arrayContaining(['dist/30-app-gitea.k8s.yaml', 'dist/30-app-files.k8s.yaml', 'cdktf.out/stacks/example/cdk.tf.json']));
      const leaks = written.flatMap((f) => {
        const text = fs.readFileSync(path.join(out, f), 'utf8');
        return [...canaries.values()].filter((c) => text.includes(c)).map((c) => `${f}: ${c}`);
      });
      expect(leaks).toEqual([]);
      // (the check can see a canary: the secret names themselves are there, by reference)
      expect(fs.readFileSync(path.join(out, 'dist/30-app-gitea.k8s.yaml'), 'utf8')).toContain('name: gitea-restic-password');
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect(Object.keys(vars).filter((k) => process.env[k] !== saved.get(k))).toEqual([]);
  });
});
