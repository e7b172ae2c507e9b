import { randomBytes } from 'crypto';
import { PgServer, itWithPostgres, startPostgres } from './postgres';
import { itWithRestic, restic, snapshots } from './restic';
import { S3Server, startS3 } from './s3';

describe('test harness', () => {
  let pg: PgServer | undefined;
  let s3: S3Server | undefined;

  afterEach(async () => {
    const [p, s] = [pg, s3];
    pg = undefined;
    s3 = undefined;
    try {
      await p?.stop();
    } finally {
      await s?.stop();
    }
  });

  itWithPostgres()('runs a throwaway postgres that keeps what is written to it', async () => {
    // GIVEN
    pg = await startPostgres();
    pg.createDatabase('app');

    // WHEN
    pg.psql(`
      CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);
      INSERT INTO notes VALUES (1, 'hello'), (2, 'it''s \${x}');
    `, 'app');

    // THEN
    expect(pg.psql('SELECT id, body FROM notes ORDER BY id', 'app')).toBe("1|hello\n2|it's ${x}\n");
    expect(pg.psql('SELECT current_user')).toBe(`${pg.superuser}\n`);
    expect(pg.env).toEqual({ PGHOST: '127.0.0.1', PGPORT: String(pg.port), PGUSER: pg.superuser });
  });

  itWithRestic()('backs up to s3rver over TLS and restores the same bytes', async () => {
    // GIVEN
    s3 = await startS3();
    await s3.createBucket('backups');
    const env = s3.resticEnv('backups', 'harness');
    const payload = randomBytes(64 * 1024);
    expect(s3.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(env.RESTIC_REPOSITORY).toBe(`s3:${s3.endpoint}/backups/harness`);

    // WHEN
    const init = restic([...s3.resticArgs, 'init'], env);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const backup = restic([...s3.resticArgs, 'backup', '--stdin', '--stdin-filename', 'payload.bin', '--tag', 'harness'], env, { input: payload });
    expect(backup.status).toBe(0);

    // THEN
    const dump = restic([...s3.resticArgs, 'dump', 'latest', '/payload.bin'], env);
    expect(dump.status).toBe(0);
    expect(dump.stdoutBytes.equals(payload)).toBe(true);
    expect(restic([...s3.resticArgs, 'check'], env).status).toBe(0);
    const snaps = snapshots(env, ['harness']);
    expect(snaps).toHaveLength(1);
    expect(snaps[0]).toMatchObject({ tags: ['harness'], paths: ['/payload.bin'] });
    expect(snaps[0].id.startsWith(snaps[0].short_id)).toBe(true);
    expect(snapshots(env, ['other'])).toEqual([]);
  });
});
