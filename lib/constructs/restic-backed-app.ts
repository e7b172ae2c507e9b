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
 * The programs are the constants of `backup-scripts.ts`; everything app-specific
 * reaches them through the environment set here. Secrets are references: the
 * repository password (declared), the app's B2 key (`<app>-b2-key-id`,
 * `<app>-b2-key`, from Terraform's outputs), the database password, the ping URL.
 */
import { ApiObject, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CronError, maxCronGapSeconds, parseCron } from '../model/cron';
import { DEFAULT_BACKUP_SCHEDULE, DEFAULT_CHECK_SCHEDULE, DEFAULT_READ_DATA_SUBSET, DEFAULT_RESTIC_IMAGE, ResolvedBackup } from '../model/backup';
import { BACKUP_SCRIPT, CHECK_SCRIPT, PING_SCRIPT, RESTORE_SCRIPT } from './backup-scripts';
import { isDnsLabel, isFqdn } from '../core/net';
import { bug, oneOf, ProblemCollector } from '../core/errors';
import { checkSchedule } from '../model/field-rules';
import { AppConfig, ClusterApp, ClusterAppProps } from './cluster-app';
import { secretEnv } from '../core/secrets';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../k8s/security';

/** Where the backup containers see the app's volumes (`<dir>/<volume>`). @internal */
export const BACKUP_VOLUMES_DIR = '/homelab/volumes';
/** emptyDir the init containers copy restic (and kubectl) into; first on PATH. @internal */
export const BACKUP_TOOLS_DIR = '/homelab/tools';
/** kubectl for the scale-to-zero quiesce (the image has a shell and `cp` since Kubernetes 1.28). @internal */
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.31.3';
/** The CA bundle in restic's (Alpine) image, copied next to restic for images without one. @internal */
export const RESTIC_IMAGE_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';
/** Extra time past the longest gap of the schedule before the stale-backup alert fires. @internal */
export const BACKUP_ALERT_GRACE_SECONDS = 2 * 3600;

/** What a restic pod does. */
type ResticRole = 'backup' | 'check' | 'restore-init' | 'restore-job';

/** A validated schedule as cdk8s's Cron, in the form Kubernetes accepts (macros expanded, Sunday as 0). */
function cron(expression: string): Cron {
  const parsed = parseCron(expression);
  if (parsed instanceof CronError) return bug('backup', 'ResticBackedApp.schedule', `not a cron schedule: ${parsed.problem}`, expression, 'props validated before the objects are made');
  const [minute, hour, day, month, weekDay] = parsed.kubernetes.split(' ');
  return Cron.schedule({ minute, hour, day, month, weekDay });
}

/** The part names as the programs take them. */
function partsEnv(backup: BackupConfig): string {
  return backup.parts.join(' ');
}

/** Options of {@link ResticBackedApp.restoreJob}. */
export interface RestoreJobOptions {
  /** Restore only this snapshot (8-64 hex digits); it must be one of the app's own. @default - the latest of each part */
  readonly snapshot?: string;
  /** Namespace written on the objects. @default - the enclosing chart's */
  readonly namespace?: string;
}

/**
 * A restic repository the backup jobs write to (a handle: nothing is created here). Make one
 * with {@link ResticRepository.fromUrl}, or get it from `ResticB2Bucket.addRepository` in your
 * cdktf stack, which creates the B2 side.
 */
export interface IResticRepository {
  /** restic's repository (`-r`), e.g. `s3:https://s3.us-west-004.backblazeb2.com/<bucket>/<app>`. */
  readonly repositoryUrl: string;
  /** Kubernetes Secret (key `value`) with the repository password. */
  readonly passwordSecretName: string;
  /** Kubernetes Secret (key `value`) with the S3 access key id (`AWS_ACCESS_KEY_ID`). */
  readonly accessKeyIdSecretName: string;
  /** Kubernetes Secret (key `value`) with the S3 secret key (`AWS_SECRET_ACCESS_KEY`). */
  readonly secretAccessKeySecretName: string;
}

/** Options of {@link ResticRepository.fromUrl}. */
export interface ResticRepositoryAttributes {
  /** restic's repository URL (one repository per app: the guard refuses data of another app). */
  readonly repositoryUrl: string;
  /** Kubernetes Secret (key `value`) with the repository password. */
  readonly passwordSecretName: string;
  /** Kubernetes Secret with the access key id. */
  readonly accessKeyIdSecretName: string;
  /** Kubernetes Secret with the secret key. */
  readonly secretAccessKeySecretName: string;
}

/** References to restic repositories. */
export class ResticRepository {
  /** Any restic repository restic reaches with S3-style credentials. */
  static fromUrl(attrs: ResticRepositoryAttributes): IResticRepository {
    return { ...attrs };
  }

  private constructor() {}
}

/** How many snapshots `restic forget --prune` keeps per part (flags left unset are not passed). */
export interface ResticRetention {
  /** `--keep-last`. @default - unset */
  readonly keepLast?: number;
  /** `--keep-daily`. @default 7 when no field is set, else unset */
  readonly keepDaily?: number;
  /** `--keep-weekly`. @default 4 when no field is set, else unset */
  readonly keepWeekly?: number;
  /** `--keep-monthly`. @default 6 when no field is set, else unset */
  readonly keepMonthly?: number;
  /** `--keep-yearly`. @default - unset */
  readonly keepYearly?: number;
}

/** Stops writes to plain volumes while they are backed up. */
export type BackupQuiesce =
  /** Scale the Deployment to zero for the backup, then back (a short outage each run). */
  | { readonly mode: 'scale-to-zero' }
  /** Shell commands run in the backup container before and after (`post` also after a failure). */
  | { readonly mode: 'hook'; readonly pre: string; readonly post?: string };

export interface ResticBackedAppProps extends ClusterAppProps {
  /** The app's own restic repository. */
  readonly repository: IResticRepository;
  /** Cron schedule of the backup (5 fields, UTC). @default '0 3 * * *' */
  readonly backupSchedule?: string;
  /** Snapshots kept. @default - keepDaily 7, keepWeekly 4, keepMonthly 6 */
  readonly backupRetention?: ResticRetention;
  /** Volumes backed up, by name. @default - every volume */
  readonly backupVolumes?: readonly string[];
  /** @default - none: files are read while the app runs (crash-consistent at best) */
  readonly backupQuiesce?: BackupQuiesce;
  /** Cron schedule of `restic check` (UTC). @default '30 4 * * 0' */
  readonly checkSchedule?: string;
  /** `restic check --read-data-subset`. @default '5%' */
  readonly checkReadDataSubset?: string;
  /** Kubernetes Secret (key `value`) with a dead-man URL pinged after each successful backup. @default - none */
  readonly pingUrlSecret?: string;
  /** Restic image (pinned). @default 'docker.io/restic/restic:0.17.3' */
  readonly resticImage?: string;
  /** A prometheus-operator `PrometheusRule` with the stale/never/check-failed alerts (needs its CRD). @default false */
  readonly backupAlerts?: boolean;
}

/** The backup settings with every default applied. */
type BackupConfig = Omit<ResolvedBackup, 'bucket' | 'ownBucket' | 'region' | 'prefix' | 'retention'> & { readonly retention: ResticRetention };

/** An app with its backup settings. */
interface BackedUpApp extends AppConfig {
  readonly backups: BackupConfig;
}

function backupConfig(at: string, app: AppConfig, props: ResticBackedAppProps): BackedUpApp {
  const r = props.backupRetention ?? {};
  const unset = r.keepLast === undefined && r.keepDaily === undefined && r.keepWeekly === undefined && r.keepMonthly === undefined && r.keepYearly === undefined;
  const volumes = props.backupVolumes ?? app.volumes.map((v) => v.name);
  const repo = props.repository;
  const backups: BackupConfig = {
    repository: repo.repositoryUrl,
    passwordSecret: repo.passwordSecretName,
    keyIdSecret: repo.accessKeyIdSecretName,
    keySecret: repo.secretAccessKeySecretName,
    schedule: props.backupSchedule ?? DEFAULT_BACKUP_SCHEDULE,
    retention: { keepLast: r.keepLast, keepDaily: unset ? 7 : r.keepDaily, keepWeekly: unset ? 4 : r.keepWeekly, keepMonthly: unset ? 6 : r.keepMonthly, keepYearly: r.keepYearly },
    volumes,
    parts: [...(app.db ? ['db' as const] : []), ...volumes.map((v) => `volume-${v}` as const)],
    quiesce: props.backupQuiesce,
    checkSchedule: props.checkSchedule ?? DEFAULT_CHECK_SCHEDULE,
    readDataSubset: props.checkReadDataSubset ?? DEFAULT_READ_DATA_SUBSET,
    pingUrlSecret: props.pingUrlSecret,
    resticImage: props.resticImage ?? DEFAULT_RESTIC_IMAGE,
  };
  const p = new ProblemCollector();
  // the inventory's rule (model/field-rules.ts): the same schedule gets the same message here and there
  for (const [field, expr] of [['backupSchedule', backups.schedule], ['checkSchedule', backups.checkSchedule]] as const) checkSchedule(p, at, `ResticBackedApp.${field}`, expr);
  const names = app.volumes.map((v) => v.name);
  volumes.forEach((v, i) => {
    if (!names.includes(v)) p.add(at, `ResticBackedApp.backupVolumes[${i}]`, 'not a volume of the app', v, oneOf(names, 'a volume of the app, which has none: add it to volumes, or back up only the database'));
  });
  if (backups.parts.length === 0) p.add(at, 'ResticBackedApp.backupVolumes', 'nothing to back up', volumes, 'a database or at least one volume');
  if (typeof repo.repositoryUrl !== 'string' || repo.repositoryUrl === '') p.add(at, 'ResticBackedApp.repository.repositoryUrl', 'empty', repo.repositoryUrl, 'a restic repository, e.g. "s3:https://s3.us-west-004.backblazeb2.com/bucket/app"');
  for (const k of ['passwordSecretName', 'accessKeyIdSecretName', 'secretAccessKeySecretName'] as const) {
    if (!isDnsLabel(repo[k]) && !isFqdn(repo[k])) p.add(at, `ResticBackedApp.repository.${k}`, 'not a Secret name', repo[k], 'a Kubernetes Secret name (lowercase letters, digits, "-" and ".")');
  }
  p.throwIfAny();
  return { ...app, backups };
}

const RESTIC_BACKED_APP_BRAND = brandSymbol('ResticBackedApp');

export class ResticBackedApp extends ClusterApp {
  /** True when `x` is a ResticBackedApp, also from another copy of this library (`instanceof` uses it). */
  static isResticBackedApp(x: unknown): x is ResticBackedApp {
    return hasBrand(x, RESTIC_BACKED_APP_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is ResticBackedApp {
    return isInstance(this, ResticBackedApp, RESTIC_BACKED_APP_BRAND, x);
  }

  /** The repository the jobs write to. */
  readonly repository: IResticRepository;
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

  private readonly backedUp: BackedUpApp;

  constructor(scope: Construct, id: string, props: ResticBackedAppProps) {
    super(scope, id, props);
    addBrand(this, RESTIC_BACKED_APP_BRAND);
    const app = backupConfig(this.node.path, this.config, props);
    this.backedUp = app;
    this.repository = props.repository;
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
      securityContext: restrictedPodSecurity(app.runAsUser),
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

    if (props.backupAlerts) this.alerts = backupAlerts(this, app, labels);
  }

  /**
   * The one-off Job that restores the app from its own repository: the latest
   * snapshot of each part, or one snapshot, which must be the app's own. Stop the
   * app first (`kubectl scale deployment <app> --replicas=0`): volumes are emptied
   * before their snapshot is restored. `homelab restore` writes it to a file.
   */
  restoreJob(scope: Construct, id: string, options: RestoreJobOptions = {}): kplus.Job {
    const app = this.backedUp;
    const snapshot = options.snapshot;
    if (snapshot !== undefined && !/^[0-9a-f]{8,64}$/.test(snapshot)) {
      const p = new ProblemCollector();
      p.add(scope.node.path, 'ResticBackedApp.restoreJob.snapshot', 'not a restic snapshot id', snapshot, '8 to 64 lowercase hex digits, as `restic snapshots` prints them');
      p.throwIfAny();
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
      securityContext: restrictedPodSecurity(app.runAsUser),
    });
    const volumes = new Map<string, kplus.Volume>();
    for (const v of app.volumes) {
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
function addResticContainers(scope: Construct, workload: kplus.AbstractPod, app: BackedUpApp, role: ResticRole, volumes: ReadonlyMap<string, kplus.Volume>, idPrefix = ''): kplus.Container {
  const b = app.backups;
  const db = app.db;
  const id = (s: string) => `${idPrefix}${role}-${s}`;
  const tools = kplus.Volume.fromEmptyDir(scope, id('Tools'), 'homelab-tools');
  const tmp = kplus.Volume.fromEmptyDir(scope, id('Tmp'), 'homelab-tmp');
  const securityContext = restrictedContainerSecurity(app.runAsUser);
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
function backupAlerts(scope: Construct, app: BackedUpApp, labels: Record<string, string>): ApiObject {
  const b = app.backups;
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
