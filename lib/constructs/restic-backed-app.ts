/**
 * An app whose data is backed up with restic to its own repository in the
 * homelab's B2 bucket, consistently, and proven restorable.
 *
 * On top of {@link ClusterApp} (Deployment, Service, PVCs, database server, ingress):
 * - a backup CronJob `<app>-backup`: per part, the guard, then a consistent copy
 *   (`pg_dump` in one transaction, `mysqldump --single-transaction`, SQLite's
 *   `.backup`; plain volumes with an optional quiesce) streamed into `restic backup`,
 *   then `restic forget --prune` with the model's retention and the dead-man ping;
 * - a check CronJob `<app>-backup-check`: `restic check --read-data-subset`;
 * - an init container `restore` on the app: a part that never had data restored
 *   (no origin marker) gets the latest of its own snapshots before the app starts;
 * - a `PrometheusRule` (with the platform) that fires when the last success is
 *   older than the schedule allows, when no backup ever succeeded, and when a check fails;
 * - {@link ResticBackedApp.restoreJob}: the one-off Job `homelab restore` writes.
 *
 * The programs are the constants of `backup/scripts.ts`; everything app-specific
 * reaches them through the environment set here. Secrets are references: the
 * repository password (declared), the app's B2 key (`<app>-b2-key-id`,
 * `<app>-b2-key`, from Terraform's outputs), the database password, the ping URL.
 */
import { ApiObject, App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CronError, maxCronGapSeconds, parseCron } from '../backup/cron';
import { ResolvedBackup } from '../backup/model';
import { BACKUP_SCRIPT, CHECK_SCRIPT, PING_SCRIPT, RESTORE_SCRIPT } from '../backup/scripts';
import { RestrictedPodSecurityResolver } from '../emitters/k8s/security';
import { chartObjects } from '../emitters/k8s/synth';
import { toYamlDocuments } from '../emitters/k8s/yaml';
import { ResolvedApp } from '../model/derive';
import { ClusterApp, ClusterAppProps } from './cluster-app';
import { secretEnv } from './secrets';
import { shellCommand } from '../private/shell';
import { addBrand, brandSymbol, hasBrand } from '../private/brand';

/** Where the backup containers see the app's volumes (`<dir>/<volume>`). */
export const BACKUP_VOLUMES_DIR = '/homelab/volumes';
/** emptyDir the init containers copy restic (and kubectl) into; first on PATH. */
export const BACKUP_TOOLS_DIR = '/homelab/tools';
/** kubectl for the scale-to-zero quiesce (the image has a shell and `cp` since Kubernetes 1.28). */
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.31.3';
/** The CA bundle in restic's (Alpine) image, copied next to restic for images without one. */
export const RESTIC_IMAGE_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';
/** Extra time past the longest gap of the schedule before the stale-backup alert fires. */
export const BACKUP_ALERT_GRACE_SECONDS = 2 * 3600;

/** What a restic pod does. */
type ResticRole = 'backup' | 'check' | 'restore-init' | 'restore-job';

/** A validated schedule as cdk8s's Cron, in the form Kubernetes accepts (macros expanded, Sunday as 0). */
function cron(expression: string): Cron {
  const parsed = parseCron(expression);
  if (parsed instanceof CronError) throw parsed;
  const [minute, hour, day, month, weekDay] = parsed.kubernetes.split(' ');
  return Cron.schedule({ minute, hour, day, month, weekDay });
}

/** The part names as the programs take them. */
function partsEnv(backup: ResolvedBackup): string {
  return backup.parts.join(' ');
}

/** Options of {@link ResticBackedApp.restoreJob}. */
export interface RestoreJobOptions {
  /** Restore only this snapshot (8-64 hex digits); it must be one of the app's own. @default - the latest of each part */
  readonly snapshot?: string;
  /** Namespace written on the objects. @default - the enclosing chart's */
  readonly namespace?: string;
}

const RESTIC_BACKED_APP_BRAND = brandSymbol('ResticBackedApp');

export class ResticBackedApp extends ClusterApp {
  /** True when `x` is a ResticBackedApp, also from another copy of this library (`instanceof` uses it). */
  static isResticBackedApp(x: unknown): x is ResticBackedApp {
    return hasBrand(x, RESTIC_BACKED_APP_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is ResticBackedApp {
    return ResticBackedApp.isResticBackedApp(x);
  }

  /** The app's backups as the model resolved them. */
  readonly backups: ResolvedBackup;
  /** `<app>-backup`. */
  readonly backupJob: kplus.CronJob;
  /** `<app>-backup-check`. */
  readonly checkJob: kplus.CronJob;
  /** The app's init container that restores a part before its first start. */
  readonly restoreInit: kplus.Container;
  /** Alerts on stale or failing backups (with the platform). */
  readonly alerts?: ApiObject;
  /** The backup's service account (scale-to-zero only). */
  readonly serviceAccount?: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: ClusterAppProps) {
    super(scope, id, props);
    addBrand(this, RESTIC_BACKED_APP_BRAND);
    const app = props.app;
    if (!app.backups) throw new Error(`[${this.node.path}] ResticBackedApp.app.backup: the app has no backup (got ${JSON.stringify(app.name)}); an app with backup, and inventory.backup set`);
    this.backups = app.backups;
    const labels = { 'app.kubernetes.io/name': `${app.name}-backup`, 'app.kubernetes.io/part-of': app.name };

    // the restore-before-first-start step, on the app's own pod and volumes
    this.restoreInit = addResticContainers(this, this.deployment, app, 'restore-init', this.objects.volumes);

    if (app.backups.quiesce?.mode === 'scale-to-zero') {
      this.serviceAccount = new kplus.ServiceAccount(this, 'BackupAccount', { metadata: { name: `${app.name}-backup`, labels }, automountToken: true });
      const role = new ApiObject(this, 'BackupRole', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: `${app.name}-backup`, labels },
        // exactly: read and scale this Deployment, and see whether its pods are gone
        rules: [
          { apiGroups: ['apps'], resources: ['deployments'], resourceNames: [app.name], verbs: ['get'] },
          { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: [app.name], verbs: ['get', 'patch', 'update'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
        ],
      });
      new ApiObject(this, 'BackupRoleBinding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `${app.name}-backup`, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name }],
      });
    }

    // the backed-up volumes, and SQLite's, which the db part reads
    const hasVolumes = app.backups.volumes.length > 0 || (app.db?.engine === 'sqlite' && app.backups.parts.includes('db'));
    this.backupJob = new kplus.CronJob(this, 'Backup', {
      metadata: { name: `${app.name}-backup`, labels },
      podMetadata: { labels },
      schedule: cron(app.backups.schedule),
      timeZone: 'UTC',
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      startingDeadline: Duration.hours(1),
      successfulJobsRetained: 3,
      failedJobsRetained: 3,
      backoffLimit: 2,
      activeDeadline: Duration.hours(6),
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.serviceAccount !== undefined,
      securityContext: { ensureNonRoot: true, user: app.runAsUser, group: app.runAsUser, fsGroup: app.runAsUser },
    });
    // A ReadWriteOnce volume is readable only on the node that runs the app: the backup pod runs
    // there (also with scale-to-zero: it mounts the volume before it scales the app down). While
    // the app is at zero replicas the backup waits, and the stale-backup alert says so.
    if (hasVolumes) this.backupJob.scheduling.colocate(this.deployment);
    addResticContainers(this, this.backupJob, app, 'backup', this.objects.volumes);

    this.checkJob = new kplus.CronJob(this, 'Check', {
      metadata: { name: `${app.name}-backup-check`, labels },
      podMetadata: { labels },
      schedule: cron(app.backups.checkSchedule),
      timeZone: 'UTC',
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      startingDeadline: Duration.hours(1),
      successfulJobsRetained: 1,
      failedJobsRetained: 3,
      backoffLimit: 1,
      activeDeadline: Duration.hours(6),
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: app.runAsUser, group: app.runAsUser },
    });
    addResticContainers(this, this.checkJob, app, 'check', new Map());

    if (props.cluster?.platform) this.alerts = backupAlerts(this, app, labels);
  }

  /**
   * The one-off Job that restores the app from its own repository: the latest
   * snapshot of each part, or one snapshot, which must be the app's own. Stop the
   * app first (`kubectl scale deployment <app> --replicas=0`): volumes are emptied
   * before their snapshot is restored. `homelab restore` writes it to a file.
   */
  static restoreJob(scope: Construct, id: string, app: ResolvedApp, options: RestoreJobOptions = {}): kplus.Job {
    if (!app.backups) throw new Error(`[${scope.node.path}] ResticBackedApp.restoreJob: app ${app.name} has no backup; one with backup`);
    const snapshot = options.snapshot;
    if (snapshot !== undefined && !/^[0-9a-f]{8,64}$/.test(snapshot)) {
      throw new Error(`[${scope.node.path}] ResticBackedApp.restoreJob.snapshot: not a restic snapshot id (got ${JSON.stringify(snapshot)}); 8 to 64 lowercase hex digits, as \`restic snapshots\` prints them`);
    }
    const labels = { 'app.kubernetes.io/name': `${app.name}-restore`, 'app.kubernetes.io/part-of': app.name };
    const ns = options.namespace ? { namespace: options.namespace } : {};
    const job = new kplus.Job(scope, id, {
      // at most 63 characters (a label value): the id's first 8 digits, as restic prints it
      metadata: { name: `${app.name}-restore-${snapshot?.slice(0, 8) ?? 'latest'}`, labels, ...ns },
      podMetadata: { labels },
      backoffLimit: 0,
      activeDeadline: Duration.hours(12),
      ttlAfterFinished: Duration.days(7),
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user: app.runAsUser, group: app.runAsUser, fsGroup: app.runAsUser },
    });
    const volumes = new Map<string, kplus.Volume>();
    for (const v of app.volumes ?? []) {
      if (!app.backups.volumes.includes(v.name) && !(app.db?.engine === 'sqlite' && app.db.volume === v.name)) continue;
      const claim = kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}-Claim-${v.name}`, `${app.name}-${v.name}`);
      volumes.set(v.name, kplus.Volume.fromPersistentVolumeClaim(scope, `${id}-Volume-${v.name}`, claim, { name: v.name }));
    }
    const c = addResticContainers(scope, job, app, 'restore-job', volumes, id);
    if (snapshot) c.env.addVariable('HOMELAB_RESTORE_SNAPSHOT', kplus.EnvValue.fromValue(snapshot));
    return job;
  }
}

/**
 * Adds to `workload` the init container that copies restic (and kubectl) into the
 * tools folder, and the container that runs the role's program; returns the latter.
 * For `restore-init` both are init containers of the app's pod.
 */
function addResticContainers(scope: Construct, workload: kplus.AbstractPod, app: ResolvedApp, role: ResticRole, volumes: ReadonlyMap<string, kplus.Volume>, idPrefix = ''): kplus.Container {
  const b = app.backups!;
  const db = app.db;
  const id = (s: string) => `${idPrefix}${role}-${s}`;
  const tools = kplus.Volume.fromEmptyDir(scope, id('Tools'), 'homelab-tools');
  const tmp = kplus.Volume.fromEmptyDir(scope, id('Tmp'), 'homelab-tmp');
  const securityContext = { ensureNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, user: app.runAsUser, group: app.runAsUser };
  const small = { cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) } };
  const copy = (name: string, image: string, command: string[]) => {
    const c = workload.addInitContainer({ name, image, command, securityContext, resources: small });
    c.mount(BACKUP_TOOLS_DIR, tools);
  };
  // restic, and the CA bundle of its image: the postgres image has no CA certificates, and restic
  // (static Go) reads SSL_CERT_FILE to trust B2's TLS certificate
  copy('restic-binary', b.resticImage, ['cp', '/usr/bin/restic', RESTIC_IMAGE_CA_FILE, `${BACKUP_TOOLS_DIR}/`]);
  const parts = role === 'check' ? [] : b.parts;
  if (role === 'backup' && b.quiesce?.mode === 'scale-to-zero') copy('kubectl-binary', KUBECTL_IMAGE, ['/bin/sh', '-c', `cp "$(command -v kubectl)" ${BACKUP_TOOLS_DIR}/kubectl`]);

  const program = role === 'backup' ? BACKUP_SCRIPT : role === 'check' ? CHECK_SCRIPT : RESTORE_SCRIPT;
  const name = role === 'restore-init' ? 'restore' : role;
  // the database's client tools when a db part is in play; restic alone otherwise
  const image = parts.includes('db') && db ? db.image : b.resticImage;
  const props: kplus.ContainerProps = {
    name,
    image,
    command: ['/bin/sh', '-c', program, `homelab-${name}`],
    securityContext,
    resources: {
      cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(2000) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(2048) },
    },
  };
  // the backup is an init container too: the ping (main container) runs only after it succeeded
  const c = role === 'restore-init' || role === 'backup' ? workload.addInitContainer(props) : workload.addContainer(props);
  c.mount(BACKUP_TOOLS_DIR, tools);
  c.mount('/tmp', tmp);
  for (const v of b.volumes) {
    const vol = volumes.get(v);
    if (vol && parts.includes(`volume-${v}`)) c.mount(`${BACKUP_VOLUMES_DIR}/${v}`, vol);
  }
  // sqlite's file lives in a volume that may not be backed up itself
  if (db?.engine === 'sqlite' && parts.includes('db') && !b.volumes.includes(db.volume!)) {
    const vol = volumes.get(db.volume!);
    if (vol) c.mount(`${BACKUP_VOLUMES_DIR}/${db.volume}`, vol);
  }

  const env = (k: string, v: kplus.EnvValue) => c.env.addVariable(k, v);
  const val = (k: string, v: string) => env(k, kplus.EnvValue.fromValue(v));
  val('HOMELAB_APP', app.name);
  val('HOMELAB_PARTS', role === 'check' ? '' : partsEnv(b));
  val('HOMELAB_VOLUMES_DIR', BACKUP_VOLUMES_DIR);
  val('HOMELAB_TOOLS', BACKUP_TOOLS_DIR);
  val('HOME', '/tmp');
  val('RESTIC_CACHE_DIR', '/tmp/restic-cache');
  val('SSL_CERT_FILE', `${BACKUP_TOOLS_DIR}/ca-certificates.crt`);
  val('RESTIC_REPOSITORY', b.repository);
  env('RESTIC_PASSWORD', secretEnv(scope, b.passwordSecret));
  env('AWS_ACCESS_KEY_ID', secretEnv(scope, b.keyIdSecret));
  env('AWS_SECRET_ACCESS_KEY', secretEnv(scope, b.keySecret));
  if (db && parts.includes('db')) {
    val('HOMELAB_DB_ENGINE', db.engine);
    if (db.engine === 'postgresql') {
      val('PGHOST', db.service!);
      val('PGPORT', String(db.port));
      val('PGDATABASE', db.name!);
      val('PGUSER', db.user!);
      env('PGPASSWORD', secretEnv(scope, db.passwordSecret!));
    } else if (db.engine === 'sqlite') {
      val('HOMELAB_SQLITE_VOLUME', db.volume!);
      val('HOMELAB_SQLITE_FILE', db.file!);
    } else {
      val('MYSQL_HOST', db.service!);
      val('MYSQL_TCP_PORT', String(db.port));
      val('HOMELAB_DB_NAME', db.name!);
      val('HOMELAB_DB_USER', db.user!);
      env('MYSQL_PWD', secretEnv(scope, db.passwordSecret!));
    }
  }
  if (role === 'backup') {
    const r = b.retention;
    const keep: [string, number | undefined][] = [['LAST', r.keepLast], ['DAILY', r.keepDaily], ['WEEKLY', r.keepWeekly], ['MONTHLY', r.keepMonthly], ['YEARLY', r.keepYearly]];
    for (const [k, n] of keep) if (n !== undefined) val(`HOMELAB_KEEP_${k}`, String(n));
    if (b.quiesce) {
      val('HOMELAB_QUIESCE', b.quiesce.mode);
      val('HOMELAB_NAMESPACE', app.namespace);
      if (b.quiesce.mode === 'hook') {
        val('HOMELAB_QUIESCE_PRE', b.quiesce.pre);
        if (b.quiesce.post) val('HOMELAB_QUIESCE_POST', b.quiesce.post);
      }
    }
    // the dead-man ping in restic's image (busybox wget), after the backup
    const ping = workload.addContainer({
      name: 'ping',
      image: b.resticImage,
      command: ['/bin/sh', '-c', PING_SCRIPT, 'homelab-ping'],
      securityContext,
      resources: small,
    });
    if (b.pingUrlSecret) ping.env.addVariable('HOMELAB_PING_URL', secretEnv(scope, b.pingUrlSecret));
  }
  if (role === 'check') val('HOMELAB_READ_DATA_SUBSET', b.readDataSubset);
  if (role === 'restore-init' || role === 'restore-job') val('HOMELAB_RESTORE_MODE', role === 'restore-init' ? 'init' : 'job');
  return c;
}

/** The PrometheusRule: stale, never succeeded, check failed (kube-state-metrics series). */
function backupAlerts(scope: Construct, app: ResolvedApp, labels: Record<string, string>): ApiObject {
  const b = app.backups!;
  const limit = maxCronGapSeconds(b.schedule) + BACKUP_ALERT_GRACE_SECONDS;
  const checkLimit = maxCronGapSeconds(b.checkSchedule) + BACKUP_ALERT_GRACE_SECONDS;
  const sel = `namespace="${app.namespace}",cronjob="${app.name}-backup"`;
  const hours = (s: number) => `${Math.round((s / 3600) * 10) / 10}h`;
  return new ApiObject(scope, 'BackupAlerts', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: `${app.name}-backup`, labels },
    spec: {
      groups: [{
        name: `homelab-backup-${app.name}`,
        rules: [
          {
            alert: 'HomelabBackupStale',
            expr: `time() - max(kube_cronjob_status_last_successful_time{${sel}}) > ${limit}`,
            labels: { severity: 'critical' },
            annotations: {
              summary: `The last successful backup of ${app.name} is older than its schedule allows`,
              description: `Schedule ${b.schedule} (UTC) leaves at most ${hours(limit - BACKUP_ALERT_GRACE_SECONDS)} between runs; with ${hours(BACKUP_ALERT_GRACE_SECONDS)} of grace, the last success must be newer than ${hours(limit)}. See kubectl -n ${app.namespace} logs job/<latest ${app.name}-backup job>.`,
            },
          },
          {
            alert: 'HomelabBackupNeverSucceeded',
            expr: `(time() - max(kube_cronjob_created{${sel}}) > ${limit}) unless on() max(kube_cronjob_status_last_successful_time{${sel}})`,
            labels: { severity: 'critical' },
            annotations: { summary: `No backup of ${app.name} has succeeded since its CronJob was created, ${hours(limit)} ago or more` },
          },
          {
            // (a failed pod of a Job that then succeeded, or an old failed Job kept for its logs, is no alert)
            alert: 'HomelabBackupCheckFailed',
            expr: `time() - max(kube_cronjob_status_last_successful_time{namespace="${app.namespace}",cronjob="${app.name}-backup-check"}) > ${checkLimit}`,
            labels: { severity: 'warning' },
            annotations: { summary: `No restic check of the repository of ${app.name} has passed within its schedule (${b.checkSchedule} UTC) and ${hours(BACKUP_ALERT_GRACE_SECONDS)}: it found problems, or could not run` },
          },
        ],
      }],
    },
  });
}

/** The file `homelab restore` writes: its name, its YAML, and the commands around it. */
export interface RestoreManifest {
  /** `restore-<app>-<snapshot or latest>.k8s.yaml`. */
  readonly fileName: string;
  readonly yaml: string;
  /** The Job's objects, as applied. */
  readonly objects: readonly any[];
  /** Shell commands, in order: stop the app, apply, wait, start the app (each {@link argv} entry, shell-quoted). */
  readonly commands: readonly string[];
  /** The same commands as argument lists; the apply's file argument is {@link fileName}. */
  readonly argv: readonly (readonly string[])[];
}

/**
 * The one-off restore Job of an app as a standalone manifest (Pod Security
 * "restricted" completed as in `dist/`), with the commands that run it.
 */
export function restoreManifest(app: ResolvedApp, options: Omit<RestoreJobOptions, 'namespace'> = {}, header = 'generated by homelab restore'): RestoreManifest {
  const k8s = new App({ resolvers: [new RestrictedPodSecurityResolver()] });
  const chart = new Chart(k8s, `restore-${app.name}`, { namespace: app.namespace });
  const job = ResticBackedApp.restoreJob(chart, 'Restore', app, options);
  const objects = chartObjects(chart);
  const fileName = `restore-${app.name}-${options.snapshot?.slice(0, 8) ?? 'latest'}.k8s.yaml`;
  const ns = app.namespace;
  const replicas = app.replicas;
  const argv = [
    ['kubectl', '-n', ns, 'scale', 'deployment', app.name, '--replicas=0'],
    ['kubectl', '-n', ns, 'wait', '--for=delete', 'pod', '-l', `app.kubernetes.io/name=${app.name}`, '--timeout=300s'],
    // a finished Job of the same name (kept 7 days) would make the apply a no-op
    ['kubectl', '-n', ns, 'delete', `job/${job.name}`, '--ignore-not-found', '--wait'],
    ['kubectl', 'apply', '-f', fileName],
    ['kubectl', '-n', ns, 'wait', '--for=condition=complete', `job/${job.name}`, '--timeout=12h'],
    ['kubectl', '-n', ns, 'logs', `job/${job.name}`],
    ['kubectl', '-n', ns, 'scale', 'deployment', app.name, `--replicas=${replicas}`],
  ];
  return {
    fileName,
    yaml: toYamlDocuments(objects, header),
    objects,
    commands: argv.map(shellCommand),
    argv,
  };
}
