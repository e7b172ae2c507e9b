/**
 * Backups proven for real: a throwaway PostgreSQL, restic, and a repository on
 * the file system or behind s3rver over TLS. The programs and their environment
 * are taken from the synthesized manifests of the reference homelab (gitea:
 * PostgreSQL + a volume; files: a plain volume with scale-to-zero), not copied.
 *
 * What differs from the cluster, and only that, is overridden: the repository
 * endpoint (s3rver or a folder instead of B2, same bucket/app layout), the
 * database host and port, the folder the volumes are mounted at, the tools
 * folder (a fake kubectl for scale-to-zero), the restic cache, the CA file of
 * s3rver's self-signed certificate, and the secrets' values.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { inventory } from '../../apps/inventory';
import { Homelab, ResticBackedApp } from '../../lib';
import { restoreManifest } from '../../lib/homelab/restore';
import { ResolvedApp } from '../../lib/model/derive';
import { chartObjects } from '../../lib/synth/k8s';
import { PgServer, startPostgres, hasPostgres } from '../helpers/postgres';
import { hasRestic, restic, snapshots } from '../helpers/restic';
import { S3Server, startS3 } from '../helpers/s3';
import { itWith } from '../helpers/tools';
import { containerRun, Env, onThisMachine, podOf, run, runWhileWriting } from '../helpers/manifest-run';

const ready = hasPostgres() && hasRestic();
// visible skip (or a failure under HOMELAB_REQUIRE_TOOLS) when restic or PostgreSQL is missing
const itReal: jest.It = !hasRestic() ? itWith('restic') : !hasPostgres() ? itWith('postgres') : it;

const ACCOUNTS = 20;
const START_BALANCE = 1000;



/** The reference homelab's manifests for an app. */
function manifests(lab: Homelab, app: string): any[] {
  const chart = lab.apps.find((a) => a.node.id === `app-${app}`)!;
  expect(chart).toBeInstanceOf(ResticBackedApp);
  return chartObjects(chart);
}

describe('ResticBackedApp backups, run for real', () => {
  const lab = new Homelab({ inventory, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });
  const gitea = lab.model.apps.find((a) => a.name === 'gitea')! as ResolvedApp;
  const files = lab.model.apps.find((a) => a.name === 'files')! as ResolvedApp;
  const giteaObjects = manifests(lab, 'gitea');
  const filesObjects = manifests(lab, 'files');
  const giteaCron = giteaObjects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'gitea-backup');
  const giteaDeployment = giteaObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gitea');
  const filesCron = filesObjects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'files-backup');
  const checkCron = giteaObjects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'gitea-backup-check');

  let pg: PgServer;
  let s3: S3Server;
  let dir: string;
  let pings: string[];
  let pingServer: http.Server;
  let pingUrl: string;

  beforeAll(async () => {
    if (!ready) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-backup-e2e-'));
    fs.chmodSync(dir, 0o755);
    pg = await startPostgres();
    s3 = await startS3();
    await s3.createBucket(gitea.backup!.bucket);
    pings = [];
    pingServer = http.createServer((req, res) => { pings.push(req.url ?? ''); res.end('OK'); });
    await new Promise<void>((r) => pingServer.listen(0, '127.0.0.1', r));
    pingUrl = `http://127.0.0.1:${(pingServer.address() as any).port}/ping/gitea`;
    // a fake kubectl for files' scale-to-zero: records its calls, reports 1 replica and no pods left
    const tools = path.join(dir, 'tools');
    fs.mkdirSync(tools);
    fs.writeFileSync(path.join(tools, 'kubectl'), `#!/bin/sh\necho "$*" >> ${JSON.stringify(path.join(dir, 'kubectl.log'))}\ncase "$*" in *jsonpath*) printf 1 ;; esac\nexit 0\n`, { mode: 0o755 });
  }, 60_000);

  afterAll(async () => {
    if (!ready) return;
    await pg?.stop();
    await s3?.stop();
    await new Promise((r) => pingServer?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Overrides for this machine (see the module comment), per repository kind. */
  function local(env: Env, repo: 'fs' | 's3', volumes: string, extra: Env = {}, bucket?: string): Env {
    const b = gitea.backup!;
    // s3:https://s3.<region>.backblazeb2.com/<bucket>/<app> -> the same bucket and app path, locally
    const m = /^s3:https:\/\/[^/]+\/([^/]+)\/([^/]+)$/.exec(env.RESTIC_REPOSITORY);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(b.bucket);
    const repository = repo === 's3' ? `s3:${s3.endpoint}/${bucket ?? m![1]}/${m![2]}` : path.join(dir, 'fs-repos', bucket ?? m![1], m![2]);
    return {
      ...onThisMachine(env, { repository, volumes, dir }),
      SSL_CERT_FILE: s3.caCertFile,
      ...(env.PGHOST ? { PGHOST: pg.host, PGPORT: String(pg.port) } : {}),
      ...extra,
    };
  }

  const secrets = () => ({
    'gitea-restic-password': 'correct horse battery staple',
    'gitea-b2-key-id': s3.accessKeyId,
    'gitea-b2-key': s3.secretAccessKey,
    'gitea-db-password': 'unused-with-trust-auth',
    'gitea-backup-ping-url': pingUrl,
    'files-restic-password': 'another repository password',
    'files-b2-key-id': s3.accessKeyId,
    'files-b2-key': s3.secretAccessKey,
  });

  /** psql's output without the trailing newline. */
  const sql = (text: string, db?: string) => pg.psql(text, db).trim();

  function seedDatabase(db: string): void {
    sql(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gitea') THEN CREATE ROLE gitea LOGIN; END IF; END $$;`);
    sql(`CREATE DATABASE ${db} OWNER gitea`);
    sql(`CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL);
      CREATE TABLE ledger (n bigserial PRIMARY KEY, src int NOT NULL, dst int NOT NULL);
      INSERT INTO accounts SELECT g, ${START_BALANCE} FROM generate_series(1, ${ACCOUNTS}) g;
      ALTER TABLE accounts OWNER TO gitea; ALTER TABLE ledger OWNER TO gitea;`, db);
  }

  /** Transfers between accounts, one transaction each (balances and ledger change together), until stopped. */
  function startWriter(db: string): { stop: () => Promise<void>; count: () => number } {
    const tx: string[] = [];
    for (let i = 0; i < 40000; i++) {
      const src = (i * 7) % ACCOUNTS + 1;
      const dst = (i * 13 + 5) % ACCOUNTS + 1;
      tx.push(`BEGIN; UPDATE accounts SET balance = balance - 1 WHERE id = ${src}; INSERT INTO ledger (src, dst) VALUES (${src}, ${dst}); UPDATE accounts SET balance = balance + 1 WHERE id = ${dst}; COMMIT;`);
    }
    const p = spawn('psql', ['-X', '-q', '-d', db], { env: { ...process.env, ...pg.env } as NodeJS.ProcessEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    p.stdin.on('error', () => undefined); // EPIPE once it is stopped
    p.stdin.end(tx.join('\n'));
    const done = new Promise<void>((r) => p.on('close', () => r()));
    return {
      stop: async () => { p.kill('SIGTERM'); await done; },
      count: () => Number(sql('SELECT count(*) FROM ledger', db)),
    };
  }

  /** Every account's balance agrees with the ledger, and no money was made or lost. */
  function assertConsistent(db: string): number {
    const total = Number(sql('SELECT sum(balance) FROM accounts', db));
    expect(total).toBe(ACCOUNTS * START_BALANCE);
    const mismatched = sql(`SELECT count(*) FROM accounts a WHERE a.balance <> ${START_BALANCE}
      + (SELECT count(*) FROM ledger l WHERE l.dst = a.id) - (SELECT count(*) FROM ledger l WHERE l.src = a.id)`, db);
    expect(mismatched).toBe('0');
    return Number(sql('SELECT count(*) FROM ledger', db));
  }

  describe.each([['fs' as const], ['s3' as const]])('repository on %s', (repo) => {
    itReal('backs up PostgreSQL while it is written to, restores a consistent snapshot into a fresh database, restic check passes', async () => {
      const db = `gitea_${repo}`;
      seedDatabase(db);
      const vol = path.join(dir, `${repo}-volumes`);
      fs.mkdirSync(path.join(vol, 'data', 'repos'), { recursive: true });
      fs.writeFileSync(path.join(vol, 'data', 'repos', 'README.md'), 'hello from gitea\n');
      const backup = containerRun(podOf(giteaCron), 'backup', secrets());
      expect(backup.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
      const env = local(backup.env, repo, vol, { PGDATABASE: db });

      const { result, before, after } = await runWhileWriting(startWriter(db), 200, backup.argv, env);
      expect(result.stderr).toContain('backup complete: db volume-data');
      expect(result.status).toBe(0);
      // the writer was busy during the whole backup
      expect(after).toBeGreaterThan(before);
      // the pod's main container, once the backup (an init container) succeeded: the dead-man ping
      const ping = containerRun(podOf(giteaCron), 'ping', secrets(), 'containers');
      const p = await run(ping.argv, { ...ping.env, PATH: process.env.PATH! });
      expect(p.status).toBe(0);
      expect(pings).toContain('/ping/gitea');
      const snaps = snapshots(env, [`homelab-app=gitea,homelab-part=db`], ['--host', 'gitea']);
      expect(snaps).toHaveLength(1);
      expect(snaps[0].paths).toEqual(['/gitea/postgresql.sql']);

      // the restore Job `homelab restore gitea` writes, into a fresh database and an empty volume
      const fresh = `${db}_restored`;
      sql(`CREATE DATABASE ${fresh} OWNER gitea`);
      const restoreVol = path.join(dir, `${repo}-restored`);
      fs.mkdirSync(path.join(restoreVol, 'data'), { recursive: true });
      const job = restoreManifest(gitea).objects.find((o) => o.kind === 'Job');
      const restore = containerRun(job.spec.template.spec, 'restore-job', secrets());
      const r = await run(restore.argv, local(restore.env, repo, restoreVol, { PGDATABASE: fresh }));
      expect(r.stderr).toContain('restore complete: 2 part(s)');
      expect(r.status).toBe(0);
      const restored = assertConsistent(fresh);
      expect(restored).toBeGreaterThanOrEqual(200);
      expect(fs.readFileSync(path.join(restoreVol, 'data', 'repos', 'README.md'), 'utf8')).toBe('hello from gitea\n');
      expect(fs.existsSync(path.join(restoreVol, 'data', '.homelab-backup-origin'))).toBe(true);
      // the origin marker came with the data
      expect(sql('SELECT app FROM homelab_backup.origin', fresh)).toBe('gitea');

      // the check CronJob's program
      const check = containerRun(podOf(checkCron), 'check', secrets());
      const c = await run(check.argv, local(check.env, repo, vol));
      expect(c.stderr).toContain('check passed (read 5% of the data)');
      expect(c.status).toBe(0);
      expect(restic(['check'], local(check.env, repo, vol)).status).toBe(0);
    }, 180_000); // a backup under a busy writer, a restore and a check, each real: 60 s is too tight on a loaded 2-core machine
  });

  itReal('the guard: a backup of a fresh, never restored database fails loudly and stores nothing', async () => {
    const db = 'gitea_guard';
    seedDatabase(db);
    const vol = path.join(dir, 'guard-volumes');
    fs.mkdirSync(path.join(vol, 'data'), { recursive: true });
    fs.writeFileSync(path.join(vol, 'data', 'file'), 'x');
    const backup = containerRun(podOf(giteaCron), 'backup', secrets());
    const env = local(backup.env, 'fs', vol, { PGDATABASE: db, RESTIC_REPOSITORY: path.join(dir, 'guard-repo') });
    expect((await run(backup.argv, env)).status).toBe(0);
    const count = snapshots(env).length;
    expect(count).toBe(2);

    // the cluster lost the database: a new, empty one comes up in its place
    sql(`DROP DATABASE ${db}`);
    sql(`CREATE DATABASE ${db} OWNER gitea`);
    sql('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)', db);
    const r = await run(backup.argv, env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/FAILED: db has no origin marker but the repository holds 1 of its snapshots: this is a fresh, empty db that was never restored/);
    expect(snapshots(env)).toHaveLength(count);

    // the same for a volume that came back empty
    sql('DROP TABLE accounts', db);
    const init = containerRun(giteaDeployment.spec.template.spec, 'restore', secrets(), 'initContainers');
    const emptyVol = path.join(dir, 'guard-empty');
    fs.mkdirSync(path.join(emptyVol, 'data'), { recursive: true });
    const rv = await run(backup.argv, { ...env, HOMELAB_VOLUMES_DIR: emptyVol, HOMELAB_PARTS: 'volume-data' });
    expect(rv.status).not.toBe(0);
    expect(rv.stderr).toMatch(/FAILED: volume-data has no origin marker but the repository holds 1 of its snapshots/);
    expect(snapshots(env)).toHaveLength(count);

    // the app's init container restores what has no marker; then backups run again
    const ri = await run(init.argv, local(init.env, 'fs', emptyVol, { PGDATABASE: db, RESTIC_REPOSITORY: env.RESTIC_REPOSITORY }));
    expect(ri.stderr).toContain('restore complete: 2 part(s)');
    expect(ri.status).toBe(0);
    expect(sql('SELECT count(*) FROM accounts', db)).toBe(String(ACCOUNTS));
    expect(fs.readFileSync(path.join(emptyVol, 'data', 'file'), 'utf8')).toBe('x');
    const again = await run(backup.argv, { ...env, HOMELAB_VOLUMES_DIR: emptyVol });
    expect(again.stderr).toContain('backup complete');
    expect(again.status).toBe(0);
    // retention from the model (keep-daily 7, weekly 4, monthly 6): two backups on one day keep one per part
    expect(env.HOMELAB_KEEP_DAILY).toBe('7');
    expect(snapshots(env, ['homelab-app=gitea,homelab-part=db'], ['--host', 'gitea'])).toHaveLength(1);
    expect(snapshots(env, ['homelab-app=gitea,homelab-part=volume-data'], ['--host', 'gitea'])).toHaveLength(1);
    // and no snapshot is left pending
    expect(snapshots(env).map((x) => x.tags.join(','))).toEqual(['homelab-app=gitea,homelab-part=db', 'homelab-app=gitea,homelab-part=volume-data']);
    // a second start finds the markers and restores nothing
    const ri2 = await run(init.argv, local(init.env, 'fs', emptyVol, { PGDATABASE: db, RESTIC_REPOSITORY: env.RESTIC_REPOSITORY }));
    expect(ri2.stderr).toContain('every part has its data');
    expect(ri2.status).toBe(0);
    // a restore cut short (the marker is among the first files restic writes) leaves a sentinel:
    // the part counts as without its data, for the init container and for the guard
    fs.writeFileSync(path.join(emptyVol, 'data', '.homelab-restore-incomplete'), '');
    fs.rmSync(path.join(emptyVol, 'data', 'file'));
    const cut = await run(backup.argv, { ...env, HOMELAB_VOLUMES_DIR: emptyVol, HOMELAB_PARTS: 'volume-data' });
    expect(cut.status).not.toBe(0);
    expect(cut.stderr).toContain('volume-data has no origin marker');
    const again2 = await run(init.argv, local(init.env, 'fs', emptyVol, { PGDATABASE: db, RESTIC_REPOSITORY: env.RESTIC_REPOSITORY }));
    expect(again2.stderr).toContain('volume-data: restoring snapshot latest');
    expect(again2.stderr).toContain('restore complete: 1 part(s)');
    expect(fs.readFileSync(path.join(emptyVol, 'data', 'file'), 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(emptyVol, 'data', '.homelab-restore-incomplete'))).toBe(false);
    // ... without asking the repository: the app restarts while B2 is unreachable (here: refuses the password)
    const offline = { PGDATABASE: db, RESTIC_REPOSITORY: env.RESTIC_REPOSITORY, RESTIC_PASSWORD: 'not the password' };
    const ri3 = await run(init.argv, local(init.env, 'fs', emptyVol, offline));
    expect(ri3.status).toBe(0);
    // but a part that needs its data stops the pod rather than let the app start empty
    const blank = path.join(dir, 'guard-blank');
    fs.mkdirSync(path.join(blank, 'data'), { recursive: true });
    const ri4 = await run(init.argv, local(init.env, 'fs', blank, offline));
    expect(ri4.status).not.toBe(0);
    expect(ri4.stderr).toContain('is unreachable or the password is wrong');
    expect(fs.readdirSync(path.join(blank, 'data'))).toEqual([]);
  }, 180_000); // some fifteen real restic and psql runs: 60 s is too tight on a busy 2-core machine

  itReal("per-app, per-part selection: a restore takes its own part's latest snapshot and refuses another app's", async () => {
    const db = 'gitea_select';
    seedDatabase(db);
    const vol = path.join(dir, 'select-volumes');
    fs.mkdirSync(path.join(vol, 'data'), { recursive: true });
    fs.writeFileSync(path.join(vol, 'data', 'notes.txt'), 'version 1\n');
    const backup = containerRun(podOf(giteaCron), 'backup', secrets());
    // a bucket of its own (the other tests' gitea snapshots live in the reference bucket)
    await s3.createBucket('select-bucket');
    const env = local(backup.env, 's3', vol, { PGDATABASE: db }, 'select-bucket');
    expect((await run(backup.argv, env)).status).toBe(0);
    // then a newer snapshot of the database only: the newest snapshot of the repository is a dump
    sql('INSERT INTO accounts VALUES (999, 0)', db);
    expect((await run(backup.argv, { ...env, HOMELAB_PARTS: 'db' })).status).toBe(0);

    // files: another app, its own repository path in the same bucket
    const filesVol = path.join(dir, 'files-volumes');
    fs.mkdirSync(path.join(filesVol, 'srv'), { recursive: true });
    fs.writeFileSync(path.join(filesVol, 'srv', 'photo.jpg'), 'jpeg');
    const fb = containerRun(podOf(filesCron), 'backup', secrets());
    const fenv = local(fb.env, 's3', filesVol, {}, 'select-bucket');
    expect(fb.env.RESTIC_REPOSITORY).toBe(`s3:https://s3.us-west-004.backblazeb2.com/${files.backup!.bucket}/files`);
    expect(fenv.RESTIC_REPOSITORY).toBe(`s3:${s3.endpoint}/select-bucket/files`);
    const fr = await run(fb.argv, fenv);
    expect(fr.stderr).toContain('backup complete: volume-srv');
    expect(fr.status).toBe(0);
    const kubectl = fs.readFileSync(path.join(dir, 'kubectl.log'), 'utf8');
    expect(kubectl).toContain('-n files scale deployment files --replicas=0');
    expect(kubectl).toContain('-n files scale deployment files --replicas=1');
    const filesSnapshot = snapshots(fenv)[0].id;

    // restore gitea's volume: its own latest volume snapshot, not the newer dump
    fs.rmSync(path.join(vol, 'data', 'notes.txt'));
    const job = restoreManifest(gitea).objects.find((o) => o.kind === 'Job');
    const restore = containerRun(job.spec.template.spec, 'restore-job', secrets());
    const renv = local(restore.env, 's3', vol, { PGDATABASE: db }, 'select-bucket');
    const r = await run(restore.argv, renv);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(vol, 'data', 'notes.txt'), 'utf8')).toBe('version 1\n');
    expect(fs.existsSync(path.join(vol, 'data', 'gitea'))).toBe(false);
    expect(sql('SELECT count(*) FROM accounts WHERE id = 999', db)).toBe('1');

    // another app's snapshot id is refused, and nothing is touched
    const other = restoreManifest(gitea, { snapshot: filesSnapshot }).objects.find((o) => o.kind === 'Job');
    const o = containerRun(other.spec.template.spec, 'restore-job', secrets());
    expect(o.env.HOMELAB_RESTORE_SNAPSHOT).toBe(filesSnapshot);
    const ro = await run(o.argv, local(o.env, 's3', vol, { PGDATABASE: db }, 'select-bucket'));
    expect(ro.status).not.toBe(0);
    expect(ro.stderr).toContain(`snapshot ${filesSnapshot} is not a snapshot of gitea`);
    expect(fs.readFileSync(path.join(vol, 'data', 'notes.txt'), 'utf8')).toBe('version 1\n');
  }, 180_000); // two apps, four backups and two restores, each real

  it('takes the programs from the manifests (no copies in the tests)', () => {
    const backup = containerRun(podOf(giteaCron), 'backup', { 'gitea-restic-password': 'x', 'gitea-b2-key-id': 'x', 'gitea-b2-key': 'x', 'gitea-db-password': 'x', 'gitea-backup-ping-url': 'x' });
    expect(backup.argv[2]).toContain('restic backup --stdin');
    expect(spawnSync('sh', ['-n', '-c', backup.argv[2]]).status).toBe(0);
  });
});
