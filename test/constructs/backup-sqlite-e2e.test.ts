/**
 * SQLite backups proven for real: the sqlite3 CLI, restic, and a repository in
 * a local folder. As in restic-e2e.test.ts (PostgreSQL), the programs and their
 * environment come from the synthesized manifests of an app derived from the
 * reference homelab (`notes`: a volume `data` holding `app.db`), not copies.
 *
 * Only what differs from the cluster is overridden: the repository (a folder
 * instead of B2), where the volumes are mounted, the tools folder, the restic
 * cache, HOME/TMPDIR, and the secrets' values.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory as reference } from '../../apps/inventory';
import { AppSpec, Homelab, Inventory, ResticBackedApp } from '../../lib';
import { restoreManifest } from '../../lib/homelab/restore';
import { ResolvedApp } from '../../lib/model/derive';
import { chartObjects } from '../../lib/synth/k8s';
import { restic, snapshots } from '../helpers/restic';
import { hasTool, itWith } from '../helpers/tools';
import { containerRun, Env, podOf, run, runWhileWriting } from '../helpers/manifest-run';

// visible skip (or a failure under HOMELAB_REQUIRE_TOOLS) when restic or sqlite3 is missing;
// tools.ts asks restic with `restic version` (0.14 has no --version)
const itReal: jest.It = !hasTool('restic') ? itWith('restic') : itWith('sqlite3');

const APP = 'notes';
const DB_FILE = 'app.db';
const ACCOUNTS = 20;
const START_BALANCE = 1000;

const NOTES: AppSpec = {
  name: APP,
  image: 'ghcr.io/example/notes:1.4.2',
  port: 8080,
  volumes: [{ name: 'data', mountPath: '/var/lib/notes', sizeGiB: 5, pool: 'cstor-disks' }],
  database: { engine: 'sqlite', volume: 'data', file: DB_FILE },
  backup: { passwordSecret: 'notes-restic-password', schedule: '0 4 * * *' },
};
const INVENTORY: Inventory = {
  ...reference,
  secrets: [...reference.secrets!, { name: 'notes-restic-password', description: "restic repository password of notes' backups" }],
  apps: [...reference.apps!, NOTES],
};

const SECRETS: Record<string, string> = {
  'notes-restic-password': 'sqlite e2e repository password',
  'notes-b2-key-id': 'unused-with-a-local-repository',
  'notes-b2-key': 'unused-with-a-local-repository',
};


/** sqlite3's output without the trailing newline; throws on failure. */
function sqlite(file: string, ...commands: string[]): string {
  const r = spawnSync('sqlite3', ['-batch', file, ...commands], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 ${file} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

/** The paths a snapshot holds (`restic ls --json`). */
function snapshotPaths(env: Env, id: string): string[] {
  const r = restic(['ls', '--json', id], env);
  if (r.status !== 0) throw new Error(`restic ls failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)).filter((n) => n.struct_type === 'node').map((n) => n.path).sort();
}

/** Every account's balance agrees with the ledger, and no money was made or lost; returns the ledger's length. */
function assertConsistent(file: string): number {
  expect(sqlite(file, 'PRAGMA integrity_check')).toBe('ok');
  expect(Number(sqlite(file, 'SELECT sum(balance) FROM accounts'))).toBe(ACCOUNTS * START_BALANCE);
  expect(sqlite(file, `SELECT count(*) FROM accounts a WHERE a.balance <> ${START_BALANCE}
    + (SELECT count(*) FROM ledger l WHERE l.dst = a.id) - (SELECT count(*) FROM ledger l WHERE l.src = a.id)`)).toBe('0');
  return Number(sqlite(file, 'SELECT count(*) FROM ledger'));
}

/** Transfers between accounts from a child sqlite3, one transaction each, in WAL mode, until stopped. */
function startWriter(file: string): { stop: () => Promise<void>; count: () => number } {
  const tx = ['.timeout 10000', 'PRAGMA journal_mode=WAL;'];
  for (let i = 0; i < 200_000; i++) {
    const src = (i * 7) % ACCOUNTS + 1;
    const dst = (i * 13 + 5) % ACCOUNTS + 1;
    tx.push(`BEGIN IMMEDIATE; UPDATE accounts SET balance = balance - 1 WHERE id = ${src}; INSERT INTO ledger (src, dst) VALUES (${src}, ${dst}); UPDATE accounts SET balance = balance + 1 WHERE id = ${dst}; COMMIT;`);
  }
  const p: ChildProcess = spawn('sqlite3', ['-batch', file], { stdio: ['pipe', 'ignore', 'ignore'] });
  p.stdin!.on('error', () => undefined); // EPIPE once it is stopped
  p.stdin!.end(tx.join('\n'));
  const done = new Promise<void>((r) => p.on('close', () => r()));
  return {
    stop: async () => { p.kill('SIGTERM'); await done; },
    count: () => Number(sqlite(file, '.timeout 10000', 'SELECT count(*) FROM ledger')),
  };
}

describe('ResticBackedApp with SQLite, run for real', () => {
  const lab = new Homelab({ inventory: INVENTORY, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });
  const notes = lab.model.apps.find((a) => a.name === APP) as ResolvedApp;
  const chart = lab.apps.find((a) => a.node.id === `app-${APP}`)!;
  const objects = chartObjects(chart);
  const podOf = (kind: string, name: string) => {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    return kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  };
  const backupPod = podOf('CronJob', `${APP}-backup`);
  const checkPod = podOf('CronJob', `${APP}-backup-check`);
  const appPod = podOf('Deployment', APP);
  const jobPod = (snapshot?: string) => restoreManifest(notes, snapshot ? { snapshot } : {}).objects.find((o) => o.kind === 'Job').spec.template.spec;

  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-sqlite-e2e-'));
    fs.mkdirSync(path.join(dir, 'tools'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** This machine's overrides (see the module comment); each repository has its own restic cache. */
  function local(env: Env, volumes: string, repository: string): Env {
    return {
      ...env,
      PATH: process.env.PATH!,
      RESTIC_REPOSITORY: repository,
      HOMELAB_VOLUMES_DIR: volumes,
      HOMELAB_TOOLS: path.join(dir, 'tools'),
      RESTIC_CACHE_DIR: `${repository}.cache`,
      HOME: dir,
      TMPDIR: dir,
    };
  }

  /** A volume `data` with the database (accounts and ledger, WAL mode) and some plain files. */
  function seedVolume(volumes: string): string {
    const data = path.join(volumes, 'data');
    fs.mkdirSync(path.join(data, 'uploads'), { recursive: true });
    fs.writeFileSync(path.join(data, 'uploads', 'note-1.md'), '# first note\n');
    fs.writeFileSync(path.join(data, 'settings.json'), '{"theme":"dark"}\n');
    const db = path.join(data, DB_FILE);
    expect(sqlite(db, 'PRAGMA journal_mode=WAL;')).toBe('wal');
    sqlite(db, `CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
      CREATE TABLE ledger (n INTEGER PRIMARY KEY, src INTEGER NOT NULL, dst INTEGER NOT NULL);
      WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${ACCOUNTS}) INSERT INTO accounts SELECT x, ${START_BALANCE} FROM g;`);
    return db;
  }

  interface Source {
    /** The volumes folder (the writer has stopped; its database is consistent). */
    readonly volumes: string;
    readonly repository: string;
    /** Ledger rows while the backup started: the restored database holds at least these. */
    readonly before: number;
  }

  /** The backup CronJob's program, once, over a volume whose database a writer keeps changing. */
  async function backupWhileWriting(): Promise<Source> {
    const volumes = path.join(dir, 'source-volumes');
    const repository = path.join(dir, 'source-repo');
    const db = seedVolume(volumes);
    const backup = containerRun(backupPod, 'backup', SECRETS);
    // the WAL is live while the backup runs
    const walLive = () => expect(fs.existsSync(`${db}-wal`)).toBe(true);
    const { result, before, after } = await runWhileWriting(startWriter(db), 200, backup.argv, local(backup.env, volumes, repository), walLive);
    expect(result.stderr).toContain('backup complete: db volume-data');
    expect(result.status).toBe(0);
    // the writer was busy during the whole backup
    expect(after).toBeGreaterThan(before);
    // the last connection closes cleanly: the WAL is checkpointed and removed, the copies are plain files
    expect(sqlite(db, 'PRAGMA integrity_check')).toBe('ok');
    expect(fs.readdirSync(path.join(volumes, 'data')).sort()).toEqual(['.homelab-backup-origin', DB_FILE, 'settings.json', 'uploads']);
    return { volumes, repository, before };
  }

  let source: Promise<Source> | undefined;
  /** A copy of the backed-up volumes and repository (made once, copied per test). */
  async function copyOfSource(name: string): Promise<Source> {
    const s = await (source ??= backupWhileWriting());
    const copy = { volumes: path.join(dir, `${name}-volumes`), repository: path.join(dir, `${name}-repo`), before: s.before };
    fs.cpSync(s.volumes, copy.volumes, { recursive: true });
    fs.cpSync(s.repository, copy.repository, { recursive: true });
    return copy;
  }

  function emptyVolumes(name: string): string {
    const volumes = path.join(dir, name);
    fs.mkdirSync(path.join(volumes, 'data'), { recursive: true });
    return volumes;
  }

  const partSnapshots = (env: Env, part: string) => snapshots(env, [`homelab-app=${APP},homelab-part=${part}`], ['--host', APP]);

  it('takes the programs from the manifests; the database file comes from HOMELAB_SQLITE_*', () => {
    const backup = containerRun(backupPod, 'backup', SECRETS);
    expect(backup.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(backup.argv[3]).toBe('homelab-backup');
    expect(backup.argv[2]).toContain('HOMELAB_SQLITE_FILE');
    expect(spawnSync('sh', ['-n', '-c', backup.argv[2]]).status).toBe(0);
    expect(backup.env).toMatchObject({ HOMELAB_PARTS: 'db volume-data', HOMELAB_DB_ENGINE: 'sqlite', HOMELAB_SQLITE_VOLUME: 'data', HOMELAB_SQLITE_FILE: DB_FILE });
    expect(chart).toBeInstanceOf(ResticBackedApp);
  });

  itReal('backs up a database written to in WAL mode: the db part is /<app>/sqlite3.db, the volume snapshot leaves the database files out', async () => {
    // GIVEN a volume with a live database and files, backed up while a writer commits transfers
    const s = await copyOfSource('snapshots');
    const env = local(containerRun(backupPod, 'backup', SECRETS).env, s.volumes, s.repository);
    // THEN
    const db = partSnapshots(env, 'db');
    expect(db).toHaveLength(1);
    expect(db[0].paths).toEqual([`/${APP}/sqlite3.db`]);
    expect(snapshotPaths(env, db[0].id)).toEqual([`/${APP}`, `/${APP}/sqlite3.db`]);
    const volume = partSnapshots(env, 'volume-data');
    expect(volume).toHaveLength(1);
    expect(snapshotPaths(env, volume[0].id)).toEqual(['/.homelab-backup-origin', '/settings.json', '/uploads', '/uploads/note-1.md']);
    expect(snapshots(env)).toHaveLength(2);
    // the live database, after the writer stopped, is consistent too
    assertConsistent(path.join(s.volumes, 'data', DB_FILE));
    // AND the check CronJob's program passes on the repository
    const check = containerRun(checkPod, 'check', SECRETS);
    const c = await run(check.argv, local(check.env, s.volumes, s.repository));
    expect(c.stderr).toContain('check passed (read 5% of the data)');
    expect(c.status).toBe(0);
  });

  itReal('the restore Job brings back a consistent database and the files into an empty volume', async () => {
    // GIVEN
    const s = await copyOfSource('job');
    const restored = emptyVolumes('job-restored');
    // WHEN the restore Job's program runs
    const restore = containerRun(jobPod(), 'restore-job', SECRETS);
    expect(restore.env.HOMELAB_RESTORE_MODE).toBe('job');
    const r = await run(restore.argv, local(restore.env, restored, s.repository));
    expect(r.stderr).toContain('restore complete: 2 part(s)');
    expect(r.status).toBe(0);
    // THEN the database passes integrity_check, the invariant holds, and the files are back
    const data = path.join(restored, 'data');
    expect(assertConsistent(path.join(data, DB_FILE))).toBeGreaterThanOrEqual(s.before);
    expect(fs.readFileSync(path.join(data, 'uploads', 'note-1.md'), 'utf8')).toBe('# first note\n');
    expect(fs.readFileSync(path.join(data, 'settings.json'), 'utf8')).toBe('{"theme":"dark"}\n');
    expect(fs.readdirSync(data).sort()).toEqual(['.homelab-backup-origin', DB_FILE, 'settings.json', 'uploads']);
  });

  itReal('the restore Job with the db snapshot\'s id replaces only the database', async () => {
    // GIVEN a volume whose files changed since the backup, and whose database was lost
    const s = await copyOfSource('job-db');
    const env = local(containerRun(backupPod, 'backup', SECRETS).env, s.volumes, s.repository);
    const [dbSnap] = partSnapshots(env, 'db');
    const data = path.join(s.volumes, 'data');
    fs.writeFileSync(path.join(data, 'settings.json'), '{"theme":"light"}\n');
    fs.rmSync(path.join(data, DB_FILE));
    // WHEN
    const restore = containerRun(jobPod(dbSnap.short_id), 'restore-job', SECRETS);
    expect(restore.env.HOMELAB_RESTORE_SNAPSHOT).toBe(dbSnap.short_id);
    const r = await run(restore.argv, local(restore.env, s.volumes, s.repository));
    expect(r.stderr).toContain('restore complete: 1 part(s)');
    expect(r.status).toBe(0);
    // THEN
    expect(assertConsistent(path.join(data, DB_FILE))).toBeGreaterThanOrEqual(s.before);
    expect(fs.readFileSync(path.join(data, 'settings.json'), 'utf8')).toBe('{"theme":"light"}\n');
  });

  itReal('the app\'s init container restores the database and the files when the volume came back empty', async () => {
    // GIVEN a repository with both parts, and an empty volume
    const s = await copyOfSource('init');
    const empty = emptyVolumes('init-empty');
    // WHEN the app starts
    const init = containerRun(appPod, 'restore', SECRETS, 'initContainers');
    expect(init.env.HOMELAB_RESTORE_MODE).toBe('init');
    const r = await run(init.argv, local(init.env, empty, s.repository));
    expect(r.status).toBe(0);
    // THEN both parts are restored: the files and a consistent database
    expect(r.stderr).toContain('restore complete: 2 part(s)');
    expect(fs.readFileSync(path.join(empty, 'data', 'uploads', 'note-1.md'), 'utf8')).toBe('# first note\n');
    expect(assertConsistent(path.join(empty, 'data', DB_FILE))).toBeGreaterThanOrEqual(s.before);
  });

  // The db part's origin marker is a table in the database: a database file lost from an intact
  // volume does not count as "has its data", so the init container restores it.
  itReal('the app\'s init container restores a database file lost from an intact volume', async () => {
    // GIVEN a repository with both parts, and then the database file lost from the volume
    const s = await copyOfSource('lost-init');
    const db = path.join(s.volumes, 'data', DB_FILE);
    fs.rmSync(db);
    // WHEN the app starts
    const init = containerRun(appPod, 'restore', SECRETS, 'initContainers');
    const r = await run(init.argv, local(init.env, s.volumes, s.repository));
    // THEN the database is back, and the files were left alone
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('volume-data: has its data, nothing to restore');
    expect(r.stderr).toContain('restore complete: 1 part(s)');
    expect(assertConsistent(db)).toBeGreaterThanOrEqual(s.before);
  });

  // The db part's marker lives in the database, not in the volume: a volume without its database
  // file is no source for a backup (sqlite3 would create an empty database and store it).
  itReal('a backup refuses a volume whose database file is missing, and stores nothing', async () => {
    // GIVEN a repository with both parts, and then the database file lost from the volume
    const s = await copyOfSource('lost-backup');
    const db = path.join(s.volumes, 'data', DB_FILE);
    fs.rmSync(db);
    const backup = containerRun(backupPod, 'backup', SECRETS);
    const env = local(backup.env, s.volumes, s.repository);
    const count = snapshots(env).length;
    // WHEN the backup runs
    const r = await run(backup.argv, env);
    // THEN it fails loudly, writes no snapshot and creates no empty database
    expect(r.status).not.toBe(0);
    expect(snapshots(env)).toHaveLength(count);
    expect(fs.existsSync(db)).toBe(false);
  });

  // In job mode a volume is emptied before its snapshot is restored, but not of the database files:
  // the volume snapshot never holds them, the db part restores them.
  itReal('the restore Job with the volume snapshot\'s id restores the files and keeps the database', async () => {
    // GIVEN a volume whose files changed since the backup
    const s = await copyOfSource('job-volume');
    const env = local(containerRun(backupPod, 'backup', SECRETS).env, s.volumes, s.repository);
    const [volumeSnap] = partSnapshots(env, 'volume-data');
    const data = path.join(s.volumes, 'data');
    fs.writeFileSync(path.join(data, 'settings.json'), '{"theme":"light"}\n');
    const ledger = assertConsistent(path.join(data, DB_FILE));
    // WHEN only the volume's snapshot is restored
    const restore = containerRun(jobPod(volumeSnap.short_id), 'restore-job', SECRETS);
    const r = await run(restore.argv, local(restore.env, s.volumes, s.repository));
    expect(r.stderr).toContain('restore complete: 1 part(s)');
    expect(r.status).toBe(0);
    // THEN the files are the snapshot's, and the database is the one that was there
    expect(fs.readFileSync(path.join(data, 'settings.json'), 'utf8')).toBe('{"theme":"dark"}\n');
    expect(assertConsistent(path.join(data, DB_FILE))).toBe(ledger);
  });
});
