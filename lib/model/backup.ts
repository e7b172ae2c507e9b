/**
 * The backup facts of an app, derived once from the inventory: the restic
 * repository (one per app, under the app's own prefix of the homelab bucket),
 * the Secrets the jobs read, the parts a backup takes and the retention. The
 * Kubernetes side (`ResticBackedApp`) and the Terraform side (the app's B2 key
 * and lifecycle rule) both read these, so the two always agree.
 */
import { AppBackupSpec, AppSpec, DatabaseEngine, DatabaseSpec, Inventory, QuiesceSpec } from './inventory';

/** Restic image of the backup jobs unless `inventory.backup.resticImage` says otherwise. */
export const DEFAULT_RESTIC_IMAGE = 'docker.io/restic/restic:0.17.3';
/** B2 region of buckets (backups, the Terraform state) that name none. */
export const DEFAULT_B2_REGION = 'us-west-004';

/** Backblaze B2's S3 endpoint for a region (restic repositories, the Terraform state backend). */
export function b2S3Endpoint(region: string): string {
  return `https://s3.${region}.backblazeb2.com`;
}
export const DEFAULT_BACKUP_SCHEDULE = '0 3 * * *';
export const DEFAULT_CHECK_SCHEDULE = '30 4 * * 0';
export const DEFAULT_READ_DATA_SUBSET = '5%';
export const DEFAULT_KEEP_DELETED_DAYS = 30;

/** Server image, client tools included, per engine; sqlite's is the tools image. */
export const DEFAULT_DATABASE_IMAGES: Readonly<Record<DatabaseEngine, string>> = {
  postgresql: 'docker.io/library/postgres:16.4',
  mysql: 'docker.io/library/mysql:8.4.2',
  mariadb: 'docker.io/library/mariadb:11.4.3',
  sqlite: 'docker.io/keinos/sqlite3:3.46.1',
};

/** TCP port per server engine. */
export const DATABASE_PORTS: Readonly<Record<Exclude<DatabaseEngine, 'sqlite'>, number>> = { postgresql: 5432, mysql: 3306, mariadb: 3306 };

/** An app's database with every default applied. */
export interface ResolvedDatabase extends DatabaseSpec {
  /** Server image, or the sqlite tools image. */
  readonly image: string;
  /** Server engines: the StatefulSet and Service name, `<app>-db`. */
  readonly service?: string;
  readonly port?: number;
  /** Server engines: database and user name. */
  readonly name?: string;
  readonly user?: string;
  readonly sizeGiB: number;
}

/** What one snapshot holds: the database dump, or one volume. */
export type BackupPart = 'db' | `volume-${string}`;

/** Resolved `retention`: the flags `restic forget` gets (unset ones are left out). */
export interface ResolvedRetention {
  readonly keepLast?: number;
  readonly keepDaily?: number;
  readonly keepWeekly?: number;
  readonly keepMonthly?: number;
  readonly keepYearly?: number;
  readonly keepDeletedDays: number;
}

/** An app's backups with every default applied. */
export interface ResolvedBackup {
  readonly bucket: string;
  /** True when {@link bucket} is the app's own (`backup.bucket`), not the homelab's. */
  readonly ownBucket: boolean;
  readonly region: string;
  /** The app's key may touch only names under this prefix: `<app>/`. */
  readonly prefix: string;
  /** `s3:https://s3.<region>.backblazeb2.com/<bucket>/<app>`: the app's own restic repository. */
  readonly repository: string;
  /** Declared secret with the repository password. */
  readonly passwordSecret: string;
  /** Kubernetes Secrets (key `value`) holding the app's B2 key id and key, filled from Terraform's outputs. */
  readonly keyIdSecret: string;
  readonly keySecret: string;
  readonly schedule: string;
  readonly retention: ResolvedRetention;
  /** Volumes backed up (by name), in the app's order. */
  readonly volumes: readonly string[];
  /** `db` first when there is a database, then `volume-<name>` per backed-up volume. */
  readonly parts: readonly BackupPart[];
  readonly quiesce?: QuiesceSpec;
  readonly checkSchedule: string;
  readonly readDataSubset: string;
  readonly pingUrlSecret?: string;
  readonly resticImage: string;
}

/** DB name and user default: the app name as an SQL identifier. */
function sqlName(app: string): string {
  return app.replace(/-/g, '_');
}

export function resolveDatabase(app: AppSpec): ResolvedDatabase | undefined {
  const d = app.database;
  if (!d) return undefined;
  if (d.engine === 'sqlite') return { ...d, image: d.toolsImage ?? DEFAULT_DATABASE_IMAGES.sqlite, sizeGiB: d.sizeGiB ?? 10 };
  return {
    ...d,
    image: d.image ?? DEFAULT_DATABASE_IMAGES[d.engine],
    service: `${app.name}-db`,
    port: DATABASE_PORTS[d.engine],
    name: d.name ?? sqlName(app.name),
    user: d.user ?? sqlName(app.name),
    sizeGiB: d.sizeGiB ?? 10,
  };
}

/** The app's backups; undefined without `app.backup` or without `inventory.backup`. */
export function resolveBackup(inv: Inventory, app: AppSpec): ResolvedBackup | undefined {
  const b: AppBackupSpec | undefined = app.backup;
  if (!b || !inv.backup) return undefined;
  const region = inv.backup.region ?? DEFAULT_B2_REGION;
  const volumes = b.volumes ?? (app.volumes ?? []).map((v) => v.name);
  const r = b.retention ?? {};
  const unset = r.keepLast === undefined && r.keepDaily === undefined && r.keepWeekly === undefined && r.keepMonthly === undefined && r.keepYearly === undefined;
  const bucket = b.bucket ?? inv.backup.bucket;
  return {
    bucket,
    ownBucket: b.bucket !== undefined,
    region,
    prefix: `${app.name}/`,
    repository: `s3:${b2S3Endpoint(region)}/${bucket}/${app.name}`,
    passwordSecret: b.passwordSecret,
    keyIdSecret: `${app.name}-b2-key-id`,
    keySecret: `${app.name}-b2-key`,
    schedule: b.schedule ?? DEFAULT_BACKUP_SCHEDULE,
    retention: {
      keepLast: r.keepLast,
      keepDaily: unset ? 7 : r.keepDaily,
      keepWeekly: unset ? 4 : r.keepWeekly,
      keepMonthly: unset ? 6 : r.keepMonthly,
      keepYearly: r.keepYearly,
      keepDeletedDays: r.keepDeletedDays ?? inv.backup.keepDeletedDays ?? DEFAULT_KEEP_DELETED_DAYS,
    },
    volumes,
    parts: [...(app.database ? ['db' as const] : []), ...volumes.map((v) => `volume-${v}` as const)],
    quiesce: b.quiesce,
    checkSchedule: b.check?.schedule ?? DEFAULT_CHECK_SCHEDULE,
    readDataSubset: b.check?.readDataSubset ?? DEFAULT_READ_DATA_SUBSET,
    pingUrlSecret: b.pingUrlSecret,
    resticImage: inv.backup.resticImage ?? DEFAULT_RESTIC_IMAGE,
  };
}
