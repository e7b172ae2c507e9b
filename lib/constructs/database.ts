/**
 * An app's database server (PostgreSQL, MySQL or MariaDB): a one-replica
 * StatefulSet `<app>-db` on its own PVC, and a Service of the same name, under
 * Pod Security "restricted" (the official images run as their `postgres` /
 * `mysql` user, uid 999, with a read-only root filesystem and emptyDirs for the
 * socket and temp folders). SQLite needs no server: its file lives in an app volume.
 *
 * The password is the declared secret `database.passwordSecret`, by reference.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseEngine } from '../model/inventory';
import { secretEnv } from '../core/secrets';
import { restrictedContainerSecurity, restrictedPodSecurity } from '../k8s/security';

/** UID and GID the official postgres, mysql and mariadb images run their server as. @internal */
export const DATABASE_UID = 999;

/** An app's database with every default applied (see `AppDatabase` for the fields). @internal */
export interface DatabaseConfig {
  readonly engine: DatabaseEngine;
  /** Server image, or the sqlite tools image. */
  readonly image: string;
  /** Server engines: the StatefulSet and Service name, `<app>-db`. */
  readonly service?: string;
  readonly port?: number;
  readonly name?: string;
  readonly user?: string;
  readonly passwordSecret?: string;
  readonly sizeGiB: number;
  readonly storageClass?: string;
  readonly volume?: string;
  readonly file?: string;
}

/** The database server of an app. @internal */
export interface DatabaseServer {
  readonly statefulSet: kplus.StatefulSet;
  readonly service: kplus.Service;
  readonly pvc: kplus.PersistentVolumeClaim;
}

/**
 * The variables a client of the server needs, in order: `DB_HOST`, `DB_PORT`, `DB_NAME`,
 * `DB_USER`, `DB_PASSWORD` (the app gets these first, so its `env` can say `$(DB_HOST)`).
 * @internal
 */
export function databaseClientEnv(scope: Construct, db: DatabaseConfig): [string, kplus.EnvValue][] {
  if (!db.service) return [];
  return [
    ['DB_HOST', kplus.EnvValue.fromValue(db.service)],
    ['DB_PORT', kplus.EnvValue.fromValue(String(db.port))],
    ['DB_NAME', kplus.EnvValue.fromValue(db.name!)],
    ['DB_USER', kplus.EnvValue.fromValue(db.user!)],
    ['DB_PASSWORD', secretEnv(scope, db.passwordSecret!)],
  ];
}

/** Adds the app's database server to `scope`; undefined for SQLite or no database. @internal */
export function addDatabaseServer(scope: Construct, appName: string, db: DatabaseConfig, namespace?: string): DatabaseServer | undefined {
  if (!db.service) return undefined;
  const labels = { 'app.kubernetes.io/name': db.service, 'app.kubernetes.io/part-of': appName, 'app.kubernetes.io/component': 'database' };
  const metadata = (name: string) => ({ name, labels, ...(namespace ? { namespace } : {}) });
  const pvc = new kplus.PersistentVolumeClaim(scope, 'DbData', {
    metadata: metadata(`${db.service}-data`),
    storage: Size.gibibytes(db.sizeGiB),
    accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    storageClassName: db.storageClass,
  });
  const service = new kplus.Service(scope, 'DbService', {
    metadata: metadata(db.service),
    ports: [{ port: db.port!, targetPort: db.port!, name: db.engine }],
  });
  const statefulSet = new kplus.StatefulSet(scope, 'Db', {
    metadata: metadata(db.service),
    replicas: 1,
    service,
    automountServiceAccountToken: false,
    securityContext: restrictedPodSecurity(DATABASE_UID),
    podMetadata: { labels },
  });
  service.select(statefulSet);
  const container = statefulSet.addContainer({
    name: db.engine,
    image: db.image,
    portNumber: db.port,
    securityContext: restrictedContainerSecurity(DATABASE_UID),
    resources: {
      cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(2000) },
      memory: { request: Size.mebibytes(256), limit: Size.mebibytes(1024) },
    },
  });
  const password = secretEnv(scope, db.passwordSecret!);
  const tmp = (id: string, name: string, path: string) => container.mount(path, kplus.Volume.fromEmptyDir(scope, id, name));
  if (db.engine === 'postgresql') {
    container.env.addVariable('POSTGRES_DB', kplus.EnvValue.fromValue(db.name!));
    container.env.addVariable('POSTGRES_USER', kplus.EnvValue.fromValue(db.user!));
    container.env.addVariable('POSTGRES_PASSWORD', password);
    // a subfolder: the volume's root may hold lost+found, which initdb refuses
    container.env.addVariable('PGDATA', kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'));
    container.mount('/var/lib/postgresql/data', kplus.Volume.fromPersistentVolumeClaim(scope, 'DbVolume', pvc, { name: 'data' }));
    tmp('DbRun', 'run', '/var/run/postgresql');
    tmp('DbTmp', 'tmp', '/tmp');
  } else {
    const prefix = db.engine === 'mariadb' ? 'MARIADB' : 'MYSQL';
    container.env.addVariable(`${prefix}_DATABASE`, kplus.EnvValue.fromValue(db.name!));
    container.env.addVariable(`${prefix}_USER`, kplus.EnvValue.fromValue(db.user!));
    container.env.addVariable(`${prefix}_PASSWORD`, password);
    container.env.addVariable(`${prefix}_ROOT_PASSWORD`, password);
    container.mount('/var/lib/mysql', kplus.Volume.fromPersistentVolumeClaim(scope, 'DbVolume', pvc, { name: 'data' }));
    tmp('DbRun', 'run', '/var/run/mysqld');
    tmp('DbTmp', 'tmp', '/tmp');
  }
  return { statefulSet, service, pvc };
}
