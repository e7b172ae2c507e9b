/**
 * MySQL/MariaDB backups proven for real: a throwaway MariaDB server, restic,
 * and a repository in a local folder. As in restic-e2e.test.ts (PostgreSQL),
 * the programs and their environment come from the synthesized manifests of
 * the reference homelab, with gitea's database switched to MariaDB; nothing
 * is copied.
 *
 * Only what differs from the cluster is overridden: the database host and
 * port (MYSQL_HOST, MYSQL_TCP_PORT), the repository (a folder instead of B2,
 * same bucket/app layout), where the volumes are mounted, the tools folder,
 * the restic cache, HOME/TMPDIR, and the secrets' values; the restore goes
 * into a fresh database (HOMELAB_DB_NAME). HOME has no client option file:
 * the programs pass MYSQL_HOST to every tool themselves.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory as reference } from '../../apps/inventory';
import { Homelab, Inventory, ResticBackedApp } from '../../lib';
import { restoreManifest } from '../../lib/homelab/restore';
import { ResolvedApp } from '../../lib/model/derive';
import { chartObjects } from '../../lib/synth/k8s';
import { findMariadb, hasMariadb, itWithMariadb, MariaServer, startMariadb } from '../helpers/mariadb';
import { hasRestic, itWithRestic, restic, snapshots } from '../helpers/restic';
import { containerRun, Env, podOf, run, Run, runWhileWriting } from '../helpers/manifest-run';

const ready = hasRestic() && hasMariadb();
// visible skip (or a failure under HOMELAB_REQUIRE_TOOLS) when restic or the MariaDB server is missing
const itReal: jest.It = !hasRestic() ? itWithRestic() : itWithMariadb();

const APP = 'gitea';
const ACCOUNTS = 20;
const START_BALANCE = 1000;
/** A backup, a restore and restic checks on a loaded machine. */
const REAL_TIMEOUT_MS = 120_000;

/** The reference homelab with gitea on MariaDB instead of PostgreSQL. */
const INVENTORY: Inventory = {
  ...reference,
  apps: reference.apps!.map((a) => (a.name !== APP ? a : {
    ...a,
    env: { ...a.env, GITEA__database__DB_TYPE: 'mysql' },
    database: { engine: 'mariadb', passwordSecret: 'gitea-db-password' },
  })),
};


describe('ResticBackedApp with MariaDB, run for real', () => {
  const lab = new Homelab({ inventory: INVENTORY, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });
  const gitea = lab.model.apps.find((a) => a.name === APP) as ResolvedApp;
  const chart = lab.apps.find((a) => a.node.id === `app-${APP}`)!;
  const objects = chartObjects(chart);
  const cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === `${APP}-backup`);
  const checkCron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === `${APP}-backup-check`);
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === APP);
  const job = restoreManifest(gitea).objects.find((o) => o.kind === 'Job');

  let maria: MariaServer;
  let dir: string;

  beforeAll(async () => {
    if (!ready) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-mariadb-e2e-'));
    fs.mkdirSync(path.join(dir, 'tools'));
    maria = await startMariadb();
    maria.createUser(gitea.database!.user!, SECRETS['gitea-db-password']);
  }, 60_000);

  afterAll(async () => {
    if (!ready) return;
    await maria?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const SECRETS: Record<string, string> = {
    'gitea-restic-password': 'mariadb e2e repository password',
    'gitea-b2-key-id': 'unused-with-a-local-repository',
    'gitea-b2-key': 'unused-with-a-local-repository',
    // quotes, a backslash and a $: the password only ever travels in MYSQL_PWD
    'gitea-db-password': `it's a \\ "$ecret"`,
  };
  // (the dead-man ping is the pod's main container, run in restic-e2e.test.ts)
  const secrets = () => SECRETS;

  /** This machine's overrides (see the module comment). */
  function local(env: Env, volumes: string, repository: string, extra: Env = {}): Env {
    return {
      ...env,
      PATH: process.env.PATH!,
      MYSQL_HOST: maria.host,
      MYSQL_TCP_PORT: String(maria.port),
      RESTIC_REPOSITORY: repository,
      HOMELAB_VOLUMES_DIR: volumes,
      HOMELAB_TOOLS: path.join(dir, 'tools'),
      RESTIC_CACHE_DIR: path.join(dir, 'cache'),
      HOME: dir,
      TMPDIR: dir,
      ...extra,
    };
  }

  /** The app's repository path in a local folder: <dir>/<name>/<bucket>/<app>, as on B2. */
  function repositoryAt(env: Env, name: string): string {
    const m = /^s3:https:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(env.RESTIC_REPOSITORY);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(gitea.backup!.bucket);
    return path.join(dir, name, m![1], m![2]);
  }

  /**
   * A database `db` owned by gitea: accounts (InnoDB) and a ledger of transfers. `ops` counts the
   * transfers an account took part in, so any transfer missing from the ledger shows.
   */
  function seedDatabase(db: string): void {
    maria.createDatabase(db, gitea.database!.user!);
    maria.sql(`CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, ops bigint NOT NULL DEFAULT 0) ENGINE=InnoDB;
      CREATE TABLE ledger (n bigint AUTO_INCREMENT PRIMARY KEY, src int NOT NULL, dst int NOT NULL) ENGINE=InnoDB;
      INSERT INTO accounts (id, balance) SELECT seq, ${START_BALANCE} FROM seq_1_to_${ACCOUNTS};`, db);
  }

  /** A volume `data` with a file in it. */
  function seedVolume(volumes: string): void {
    fs.mkdirSync(path.join(volumes, 'data', 'repos'), { recursive: true });
    fs.writeFileSync(path.join(volumes, 'data', 'repos', 'README.md'), 'hello from gitea\n');
  }

  /**
   * Transfers between accounts from a child client, one transaction each, until stopped: fed in
   * batches as the client takes them, so it never runs out however fast the machine is.
   */
  function startWriter(db: string): { stop: () => Promise<void>; count: () => number } {
    const [cmd, ...args] = maria.clientArgv(db);
    const p: ChildProcess = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const stdin = p.stdin!;
    stdin.on('error', () => undefined); // EPIPE once it is stopped
    let stopped = false;
    let i = 0;
    const feed = (): void => {
      while (!stopped) {
        const tx: string[] = [];
        for (const end = i + 500; i < end; i++) {
          const src = (i * 7) % ACCOUNTS + 1;
          const dst = (i * 13 + 5) % ACCOUNTS + 1;
          tx.push(`START TRANSACTION; UPDATE accounts SET balance = balance - 1, ops = ops + 1 WHERE id = ${src}; INSERT INTO ledger (src, dst) VALUES (${src}, ${dst}); UPDATE accounts SET balance = balance + 1, ops = ops + 1 WHERE id = ${dst}; COMMIT;\n`);
        }
        if (!stdin.write(tx.join(''))) { stdin.once('drain', feed); return; }
      }
    };
    feed();
    const done = new Promise<void>((r) => p.on('close', () => r()));
    return {
      stop: async () => { stopped = true; p.kill('SIGTERM'); await done; },
      count: () => Number(maria.sql('SELECT count(*) FROM ledger', db)),
    };
  }

  /** The money in the accounts, the accounts that disagree with the ledger, and the ledger's length. */
  function consistency(db: string): { total: number; mismatched: number; transfers: number } {
    const received = '(SELECT count(*) FROM ledger l WHERE l.dst = a.id)';
    const sent = '(SELECT count(*) FROM ledger l WHERE l.src = a.id)';
    return {
      total: Number(maria.sql('SELECT sum(balance) FROM accounts', db)),
      mismatched: Number(maria.sql(`SELECT count(*) FROM accounts a WHERE a.balance <> ${START_BALANCE} + ${received} - ${sent} OR a.ops <> ${received} + ${sent}`, db)),
      transfers: Number(maria.sql('SELECT count(*) FROM ledger', db)),
    };
  }

  /** No money was made or lost, and every account agrees with the ledger; returns the ledger's length. */
  function assertConsistent(db: string): number {
    const c = consistency(db);
    expect(c.total).toBe(ACCOUNTS * START_BALANCE);
    expect(c.mismatched).toBe(0);
    return c.transfers;
  }

  const hasMarker = (db: string) => maria.sql(`SELECT count(*) FROM information_schema.tables WHERE table_schema = '${db}' AND table_name = 'homelab_backup_origin'`);

  /** Seeds `db` and a volume, backs both up with the CronJob's program while the writer commits transfers; returns the env. */
  async function backupWhileWriting(db: string, name: string, extra: Env = {}): Promise<Env> {
    seedDatabase(db);
    const volumes = path.join(dir, `${name}-volumes`);
    seedVolume(volumes);
    const backup = containerRun(podOf(cron), 'backup', secrets());
    const env = local(backup.env, volumes, repositoryAt(backup.env, `${name}-repo`), extra);
    const { result, before, after } = await runWhileWriting(startWriter(db), 200, backup.argv, env);
    expect(result.stderr).toContain('backup complete: db volume-data');
    expect(result.status).toBe(0);
    // the writer was busy during the whole backup
    expect(after).toBeGreaterThan(before);
    // the live database is consistent after the writer stopped
    assertConsistent(db);
    return env;
  }

  /** The restore Job's program into a fresh database `fresh` (owned by gitea) and an empty volume. */
  async function restoreInto(fresh: string, repository: string): Promise<{ run: Run; volumes: string }> {
    maria.createDatabase(fresh, gitea.database!.user!);
    const volumes = path.join(dir, `${fresh}-volumes`);
    fs.mkdirSync(path.join(volumes, 'data'), { recursive: true });
    const restore = containerRun(podOf(job), 'restore-job', secrets());
    expect(restore.env.HOMELAB_RESTORE_MODE).toBe('job');
    return { run: await run(restore.argv, local(restore.env, volumes, repository, { HOMELAB_DB_NAME: fresh })), volumes };
  }

  it('takes the programs from the manifests: mariadb-dump --single-transaction into restic backup --stdin, the server from the model', () => {
    const backup = containerRun(podOf(cron), 'backup', SECRETS);
    expect(chart).toBeInstanceOf(ResticBackedApp);
    expect(backup.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(backup.argv[3]).toBe('homelab-backup');
    expect(backup.argv[2]).toContain('my_dump --single-transaction');
    expect(backup.argv[2]).toContain('restic backup --stdin');
    expect(spawnSync('sh', ['-n', '-c', backup.argv[2]]).status).toBe(0);
    expect(backup.env).toMatchObject({
      HOMELAB_PARTS: 'db volume-data',
      HOMELAB_DB_ENGINE: 'mariadb',
      MYSQL_HOST: 'gitea-db',
      MYSQL_TCP_PORT: '3306',
      MYSQL_PWD: SECRETS['gitea-db-password'],
      HOMELAB_DB_NAME: 'gitea',
      HOMELAB_DB_USER: 'gitea',
      RESTIC_REPOSITORY: `s3:https://s3.us-west-004.backblazeb2.com/${gitea.backup!.bucket}/gitea`,
    });
    expect(backup.env.PGHOST).toBeUndefined();
    // the backup pod runs the server's image, for its client tools
    const pod = podOf(cron);
    expect(pod.initContainers.find((c: any) => c.name === 'backup').image).toBe('docker.io/library/mariadb:11.4.3');
  });

  itReal('backs up MariaDB while it is written to, restores a consistent snapshot into a fresh database, restic check passes', async () => {
    // GIVEN the app's own database (the manifest's HOMELAB_DB_NAME), backed up while a writer commits transfers
    const env = await backupWhileWriting('gitea', 'main');
    expect(env.HOMELAB_DB_NAME).toBe('gitea');

    // THEN the db part is one dump at /<app>/mysql.sql, and the database carries its origin marker
    const snaps = snapshots(env, [`homelab-app=${APP},homelab-part=db`], ['--host', APP]);
    expect(snaps).toHaveLength(1);
    expect(snaps[0].paths).toEqual([`/${APP}/mysql.sql`]);
    expect(snapshots(env)).toHaveLength(2);
    expect(hasMarker('gitea')).toBe('1');
    const dump = restic(['dump', snaps[0].id, `/${APP}/mysql.sql`], env).stdout;
    expect(dump).toContain('CREATE TABLE `accounts`');
    expect(dump).toContain('CREATE TABLE `homelab_backup_origin`');
    expect(dump).toMatch(/INSERT INTO `homelab_backup_origin` VALUES\s*\('gitea',/);

    // WHEN the restore Job's program runs into a fresh database and an empty volume
    const { run: r, volumes } = await restoreInto('gitea_restored', env.RESTIC_REPOSITORY);
    expect(r.stderr).toContain('restore complete: 2 part(s)');
    expect(r.status).toBe(0);

    // THEN the invariant holds in the restored database, and the files and the markers are back
    expect(assertConsistent('gitea_restored')).toBeGreaterThanOrEqual(200);
    expect(hasMarker('gitea_restored')).toBe('1');
    expect(fs.readFileSync(path.join(volumes, 'data', 'repos', 'README.md'), 'utf8')).toBe('hello from gitea\n');
    expect(fs.existsSync(path.join(volumes, 'data', '.homelab-backup-origin'))).toBe(true);

    // AND the check CronJob's program and a full restic check pass
    const check = containerRun(podOf(checkCron), 'check', secrets());
    const c = await run(check.argv, local(check.env, volumes, env.RESTIC_REPOSITORY));
    expect(c.stderr).toContain('check passed (read 5% of the data)');
    expect(c.status).toBe(0);
    expect(restic(['check'], env).status).toBe(0);
  }, REAL_TIMEOUT_MS);

  itReal('fails to back up a fresh, empty database over its snapshots (the guard) and stores nothing; the init container restores it', async () => {
    // GIVEN a repository with both parts of the database gitea_guard
    const db = 'gitea_guard';
    const env = await backupWhileWriting(db, 'guard', { HOMELAB_DB_NAME: db });
    const count = snapshots(env).length;
    expect(count).toBe(2);
    const transfers = consistency(db).transfers;

    // WHEN the cluster lost the database: a new, empty one comes up in its place
    maria.sql(`DROP DATABASE ${db}`);
    maria.createDatabase(db, gitea.database!.user!);
    const backup = containerRun(podOf(cron), 'backup', secrets());
    const r = await run(backup.argv, env);

    // THEN the backup fails, says why, and writes no snapshot
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/FAILED: db has no origin marker but the repository holds 1 of its snapshots: this is a fresh, empty db that was never restored/);
    expect(snapshots(env)).toHaveLength(count);
    expect(hasMarker(db)).toBe('0');

    // AND the app's init container restores the database (its volume has its data), then backups run again
    const init = containerRun(deployment.spec.template.spec, 'restore', secrets(), 'initContainers');
    expect(init.env.HOMELAB_RESTORE_MODE).toBe('init');
    const ri = await run(init.argv, local(init.env, env.HOMELAB_VOLUMES_DIR, env.RESTIC_REPOSITORY, { HOMELAB_DB_NAME: db }));
    expect(ri.stderr).toContain('volume-data: has its data, nothing to restore');
    expect(ri.stderr).toContain('restore complete: 1 part(s)');
    expect(ri.status).toBe(0);
    // the snapshot was taken while the writer ran: fewer transfers than it made in the end
    const restored = assertConsistent(db);
    expect(restored).toBeGreaterThanOrEqual(200);
    expect(restored).toBeLessThan(transfers);
    const again = await run(backup.argv, env);
    expect(again.stderr).toContain('backup complete');
    expect(again.status).toBe(0);
  }, REAL_TIMEOUT_MS);

  itReal('fails the consistency check on a dump that is not one transaction (the check has teeth)', async () => {
    // GIVEN a mariadb-dump that dumps the ledger and the accounts in two runs, each its own
    // transaction, with at least one transfer committed in between (each adds to two accounts' ops)
    const tools = path.join(dir, 'split-dump-tools');
    fs.mkdirSync(tools);
    const bin = findMariadb()!;
    const count = `${JSON.stringify(bin.client)} --batch --skip-column-names -u "$HOMELAB_DB_USER" -e "SELECT count(*) FROM ledger" "$HOMELAB_DB_NAME"`;
    fs.writeFileSync(path.join(tools, 'mariadb-dump'), [
      '#!/bin/sh',
      'set -eu',
      `${JSON.stringify(bin.dump)} "$@" ledger`,
      `n=$(${count}); i=0`,
      `until [ "$(${count})" -gt "$n" ]; do`,
      '  i=$((i + 1)); [ "$i" -lt 600 ] || { echo "split dump: no transfer committed within 30s" >&2; exit 1; }; sleep 0.05',
      'done',
      `${JSON.stringify(bin.dump)} "$@" accounts`,
      '',
    ].join('\n'), { mode: 0o755 });
    const db = 'gitea_split';
    seedDatabase(db);
    const volumes = path.join(dir, 'split-volumes');
    seedVolume(volumes);
    const backup = containerRun(podOf(cron), 'backup', secrets());
    const env = local(backup.env, volumes, repositoryAt(backup.env, 'split-repo'), { HOMELAB_DB_NAME: db, HOMELAB_TOOLS: tools });

    // WHEN the backup program runs with it while the writer commits transfers
    const writer = startWriter(db);
    try {
      while (writer.count() < 200) await new Promise((r) => setTimeout(r, 20));
      const result = await run(backup.argv, env);
      expect(result.stderr).toContain('backup complete: db volume-data');
      expect(result.status).toBe(0);
    } finally {
      await writer.stop();
    }
    const { run: r } = await restoreInto('gitea_split_restored', env.RESTIC_REPOSITORY);
    expect(r.status).toBe(0);

    // THEN the restored accounts hold transfers the restored ledger does not: the check catches it
    const c = consistency('gitea_split_restored');
    expect(c.total).toBe(ACCOUNTS * START_BALANCE);
    expect(c.mismatched).toBeGreaterThan(0);
  }, REAL_TIMEOUT_MS);

  // Only the mariadb/mysql client reads MYSQL_HOST; mariadb-dump and mariadb-admin would go to the
  // local socket, which the backup pod does not have. The programs pass -h "$MYSQL_HOST" to each.
  itReal('reaches the server at MYSQL_HOST with no client option file', async () => {
    // GIVEN a HOME without .my.cnf
    const home = path.join(dir, 'plain-home');
    fs.mkdirSync(home);
    const db = 'gitea_plain';
    seedDatabase(db);
    const volumes = path.join(dir, 'plain-volumes');
    seedVolume(volumes);
    const backup = containerRun(podOf(cron), 'backup', secrets());
    const env = local(backup.env, volumes, repositoryAt(backup.env, 'plain-repo'), { HOMELAB_DB_NAME: db, HOME: home, HOMELAB_DB_WAIT_SECONDS: '4' });
    // WHEN the backup runs
    const r = await run(backup.argv, env);
    // THEN it finds the server and completes
    expect(r.stderr).toContain('backup complete: db volume-data');
    expect(r.status).toBe(0);
  });
});
