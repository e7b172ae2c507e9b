/**
 * A ResticBackedApp as a user builds it in a project of their own, without Homelab or an
 * inventory: a cdktf stack with the B2 side (ResticB2Bucket) hands its repository to a cdk8s
 * app, which holds a chart of the user's and the backed-up app (PostgreSQL and a volume), all
 * from props. cdk8s's own `app.synth()` writes the YAML; the programs and their environment are
 * read from that YAML, and run for real: the backup CronJob's against a throwaway PostgreSQL,
 * restic and s3rver over TLS; then the app's restore init container's, into an empty database
 * and an empty volume. The rows and the files come back.
 *
 * What differs from the cluster, and only that, is overridden: the repository endpoint
 * (s3rver, same bucket and app path), the database host, port and name, the folder the
 * volumes are mounted at, the tools folder, the restic cache, s3rver's CA file, and the
 * secrets' values.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { App as TfApp, TerraformStack, TerraformVariable } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { CertIssuer, providers, RestrictedPodSecurityResolver, ResticB2Bucket, ResticBackedApp } from '../../lib';
import { containerRun, Env, onThisMachine, podOf, run } from '../helpers/manifest-run';
import { hasPostgres, itWithPostgres, PgServer, startPostgres } from '../helpers/postgres';
import { hasRestic, itWithRestic, restic, snapshots } from '../helpers/restic';
import { S3Server, startS3 } from '../helpers/s3';

const ready = hasPostgres() && hasRestic();
// visible skip (or a failure under HOMELAB_REQUIRE_TOOLS) when restic or PostgreSQL is missing
const itReal: jest.It = !hasRestic() ? itWithRestic() : itWithPostgres();

const BUCKET = 'notes-backups';

/** The user's project: both apps, synthesized by cdktf and cdk8s themselves into `dir`. */
function synthUserProject(dir: string): { k8s: any[]; tf: any } {
  fs.mkdirSync(dir, { recursive: true });
  // Terraform: the bucket and the app's repository in it
  const tf = new TfApp({ outdir: path.join(dir, 'cdktf.out'), stackTraces: false });
  const stack = new TerraformStack(tf, 'backups');
  const b2Key = (name: string) => new TerraformVariable(stack, name, { type: 'string', sensitive: true }).stringValue;
  new providers.B2Provider(stack, 'b2', { applicationKeyId: b2Key('b2_key_id'), applicationKey: b2Key('b2_key') });
  const bucket = new ResticB2Bucket(stack, 'Backups', { bucketName: BUCKET, region: 'eu-central-003', keepDeletedDays: 30 });
  const repository = bucket.addRepository('notes', { passwordSecretName: 'notes-restic-password' });

  // Kubernetes: a chart of the user's, and the backed-up app from props
  const k8s = new App({ outdir: path.join(dir, 'dist'), resolvers: [new RestrictedPodSecurityResolver()] });
  const mine = new Chart(k8s, 'mine', { namespace: 'notes' });
  new kplus.ConfigMap(mine, 'Settings', { metadata: { name: 'notes-settings' }, data: { THEME: 'dark' } });
  new ResticBackedApp(k8s, 'notes', {
    image: 'ghcr.io/example/notes:1.4.2',
    port: 8080,
    volumes: [{ name: 'data', mountPath: '/srv/notes', sizeGiB: 2 }],
    database: { engine: 'postgresql', passwordSecret: 'notes-db-password', sizeGiB: 1 },
    ingress: { host: 'notes.example.org', issuer: CertIssuer.clusterIssuer('letsencrypt') },
    repository,
    backupSchedule: '45 1 * * *',
    backupRetention: { keepDaily: 3, keepWeekly: 2, keepMonthly: 1 },
  });

  k8s.synth();
  tf.synth();
  const yaml = fs.readFileSync(path.join(dir, 'dist', 'notes.k8s.yaml'), 'utf8');
  return {
    k8s: YAML.parseAllDocuments(yaml).map((d) => d.toJSON()),
    tf: JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'backups', 'cdk.tf.json'), 'utf8')),
  };
}

describe('a ResticBackedApp built from props, its programs run for real', () => {
  let pg: PgServer;
  let s3: S3Server;
  let dir: string;

  beforeAll(async () => {
    if (!ready) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-standalone-e2e-'));
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, 'tools'));
    pg = await startPostgres();
    s3 = await startS3();
    await s3.createBucket(BUCKET);
  }, 60_000);

  afterAll(async () => {
    if (!ready) return;
    await pg?.stop();
    await s3?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const secrets = () => ({
    'notes-restic-password': 'a repository password of the user',
    'notes-b2-key-id': s3.accessKeyId,
    'notes-b2-key': s3.secretAccessKey,
    'notes-db-password': 'unused-with-trust-auth',
  });

  /** The overrides for this machine (see the module comment). */
  function local(env: Env, volumes: string, database: string): Env {
    // s3:https://s3.<region>.backblazeb2.com/<bucket>/<app> -> the same bucket and app path on s3rver
    const m = /^s3:https:\/\/s3\.eu-central-003\.backblazeb2\.com\/([^/]+)\/([^/]+)$/.exec(env.RESTIC_REPOSITORY);
    expect(m).not.toBeNull();
    return {
      ...onThisMachine(env, { repository: `s3:${s3.endpoint}/${m![1]}/${m![2]}`, volumes, dir }),
      SSL_CERT_FILE: s3.caCertFile,
      PGHOST: pg.host,
      PGPORT: String(pg.port),
      PGDATABASE: database,
    };
  }

  const sql = (text: string, db?: string) => pg.psql(text, db).trim();
  /** Every row of the notes table, in order, as one string. */
  const rows = (db: string) => sql("SELECT string_agg(id || ':' || title || ':' || body, E'\\n' ORDER BY id) FROM notes", db);

  itReal('backs up PostgreSQL and a volume; the restore init container brings both back into an empty database and volume', async () => {
    // GIVEN the user's project, synthesized by cdk8s and cdktf
    const { k8s, tf } = synthUserProject(path.join(dir, 'project'));
    const of = (kind: string, name: string) => k8s.find((o) => o.kind === kind && o.metadata.name === name);
    const cron = of('CronJob', 'notes-backup');
    const deployment = of('Deployment', 'notes');
    expect(cron.spec.schedule).toBe('45 1 * * *');
    // the two sides meet: the repository path is the prefix the app's B2 key is limited to
    const backup = containerRun(podOf(cron), 'backup', secrets());
    expect(backup.env.RESTIC_REPOSITORY).toBe(`s3:https://s3.eu-central-003.backblazeb2.com/${BUCKET}/notes`);
    expect(Object.values(tf.resource.b2_application_key).map((k: any) => k.name_prefix)).toEqual(['notes/']);
    expect(backup.env).toMatchObject({ HOMELAB_PARTS: 'db volume-data', PGUSER: 'notes', PGDATABASE: 'notes', HOMELAB_KEEP_DAILY: '3' });

    // AND the app's data: rows in its database, a file in its volume
    sql(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'notes') THEN CREATE ROLE notes LOGIN; END IF; END $$;`);
    sql('CREATE DATABASE notes_live OWNER notes');
    sql(`CREATE TABLE notes (id int PRIMARY KEY, title text NOT NULL, body text NOT NULL);
      INSERT INTO notes SELECT g, 'note ' || g, repeat('é😀 line ' || g || E'\\n', g % 7 + 1) FROM generate_series(1, 250) g;
      ALTER TABLE notes OWNER TO notes;`, 'notes_live');
    const live = rows('notes_live');
    expect(live.split('\n').length).toBeGreaterThan(250);
    const volumes = path.join(dir, 'volumes');
    fs.mkdirSync(path.join(volumes, 'data', 'attachments'), { recursive: true });
    fs.writeFileSync(path.join(volumes, 'data', 'attachments', 'plan.txt'), 'the plan\n');

    // WHEN the backup CronJob's program runs with its environment
    const b = await run(backup.argv, local(backup.env, volumes, 'notes_live'));

    // THEN each part is a snapshot of the app's own repository
    expect(b.stderr).toContain('backup complete: db volume-data');
    expect(b.status).toBe(0);
    const env = local(backup.env, volumes, 'notes_live');
    expect(snapshots(env).map((s) => s.tags.join(',')).sort()).toEqual(['homelab-app=notes,homelab-part=db', 'homelab-app=notes,homelab-part=volume-data']);

    // WHEN the app starts on an empty database and an empty volume: its restore init container
    sql('CREATE DATABASE notes_fresh OWNER notes');
    const freshVolumes = path.join(dir, 'fresh-volumes');
    fs.mkdirSync(path.join(freshVolumes, 'data'), { recursive: true });
    const init = containerRun(deployment.spec.template.spec, 'restore', secrets(), 'initContainers');
    expect(init.env.HOMELAB_RESTORE_MODE).toBe('init');
    const r = await run(init.argv, local(init.env, freshVolumes, 'notes_fresh'));

    // THEN the rows and the file are back, with the origin markers
    expect(r.stderr).toContain('restore complete: 2 part(s)');
    expect(r.status).toBe(0);
    expect(rows('notes_fresh')).toBe(live);
    expect(sql('SELECT tableowner FROM pg_tables WHERE tablename = $$notes$$', 'notes_fresh')).toBe('notes');
    expect(fs.readFileSync(path.join(freshVolumes, 'data', 'attachments', 'plan.txt'), 'utf8')).toBe('the plan\n');
    expect(sql('SELECT app FROM homelab_backup.origin', 'notes_fresh')).toBe('notes');
    expect(fs.existsSync(path.join(freshVolumes, 'data', '.homelab-backup-origin'))).toBe(true);

    // AND a second start finds the data and leaves it alone; the check CronJob's program passes
    const again = await run(init.argv, local(init.env, freshVolumes, 'notes_fresh'));
    expect(again.stderr).toContain('every part has its data');
    expect(again.status).toBe(0);
    const check = containerRun(podOf(of('CronJob', 'notes-backup-check')), 'check', secrets());
    const c = await run(check.argv, local(check.env, volumes, 'notes_live'));
    expect(c.stderr).toContain('check passed');
    expect(c.status).toBe(0);
    expect(restic(['check'], env).status).toBe(0);
  }, 180_000);
});
