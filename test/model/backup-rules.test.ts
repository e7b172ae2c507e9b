import { inventory } from '../../apps/inventory';
import { AppSpec, Inventory } from '../../lib/model/inventory';
import { HomelabProblem } from '../../lib/core/errors';
import { validateInventory } from '../../lib/model/rules';
import { Draft, expectMessage, ExpectedMessage, expectValid, MESSAGE_FORMAT } from './fixtures';

// ---------------------------------------------------------------------------
// Helpers (as in model-rules.test.ts)
// ---------------------------------------------------------------------------

/** A writable deep copy type, so a test can break one thing in the inventory. */
type DraftApp = Draft<AppSpec>;

const WIKI = 'inventory.apps[wiki]';
const NOTES = 'inventory.apps[notes]';
const BACKUP = 'inventory.backup';

/**
 * The reference inventory plus two backed-up apps of this file's own, so the cases do not depend
 * on what the reference apps back up: `wiki` (PostgreSQL, an uploads volume, a hook, every
 * backup option set) and `notes` (SQLite in its data volume, scaled to zero for the backup).
 */
function reference(): Draft<Inventory> {
  const inv = structuredClone(inventory) as Draft<Inventory>;
  const secrets = ['wiki-db-password', 'wiki-restic-password', 'wiki-backup-ping-url', 'notes-restic-password'];
  inv.secrets = [...(inv.secrets ?? []).filter((s) => !secrets.includes(s.name)), ...secrets.map((name) => ({ name }))];
  inv.backup = { ...inv.backup!, region: 'eu-central-003', resticImage: 'docker.io/restic/restic:0.17.3' };
  inv.apps = [
    ...(inv.apps ?? []).filter((a) => a.name !== 'wiki' && a.name !== 'notes'),
    {
      name: 'wiki',
      image: 'ghcr.io/requarks/wiki:2.5.300',
      port: 3000,
      volumes: [{ name: 'uploads', mountPath: '/uploads', sizeGiB: 5 }, { name: 'cache', mountPath: '/cache', sizeGiB: 1 }],
      database: { engine: 'postgresql', image: 'docker.io/library/postgres:16.4', name: 'wiki', user: 'wiki_app', passwordSecret: 'wiki-db-password', sizeGiB: 5, pool: 'cstor-disks' },
      backup: {
        passwordSecret: 'wiki-restic-password',
        schedule: '0 3 * * *',
        volumes: ['uploads'],
        retention: { keepLast: 3, keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepYearly: 2, keepDeletedDays: 14 },
        quiesce: { mode: 'hook', pre: 'wget -q -O- --post-data= http://wiki:3000/maintenance/on', post: 'wget -q -O- --post-data= http://wiki:3000/maintenance/off' },
        check: { schedule: '30 4 * * 0', readDataSubset: '5%' },
        pingUrlSecret: 'wiki-backup-ping-url',
      },
    },
    {
      name: 'notes',
      image: 'docker.io/example/notes:1.2.3',
      port: 8080,
      volumes: [{ name: 'data', mountPath: '/data', sizeGiB: 2 }],
      database: { engine: 'sqlite', volume: 'data', file: 'db/notes.db', toolsImage: 'docker.io/keinos/sqlite3:3.46.1' },
      backup: { passwordSecret: 'notes-restic-password', quiesce: { mode: 'scale-to-zero' } },
    },
  ];
  return inv;
}

/** The inventory above with one thing changed by `mutate`. */
function breakReference(mutate: (inv: Draft<Inventory>) => void): Inventory {
  const inv = reference();
  mutate(inv);
  return inv as Inventory;
}

const app = (inv: Draft<Inventory>, name: string): DraftApp => inv.apps!.find((a) => a.name === name)!;
const wiki = (inv: Draft<Inventory>) => app(inv, 'wiki');
const notes = (inv: Draft<Inventory>) => app(inv, 'notes');
/** Loosens a field's type so a test can put a wrong value in it. */
const loose = (o: object) => o as Record<string, unknown>;

interface Expected extends ExpectedMessage {
  /** Exactly the "what is wrong" part. */
  readonly wrong: string;
}

/** Finds the problem at `path` + `field` + `wrong` and checks its message piece by piece. */
function expectProblem(problems: readonly HomelabProblem[], e: Expected): void {
  const hit = problems.find((p) => p.constructPath === e.path && p.field === e.field && p.problem === e.wrong);
  expect(hit ? `[${e.path}] ${e.field}: ${e.wrong}` : problems.map((p) => p.message)).toBe(`[${e.path}] ${e.field}: ${e.wrong}`);
  expectMessage(hit!.message, { ...e, exactWrong: true });
}

// ---------------------------------------------------------------------------
// Valid inventories
// ---------------------------------------------------------------------------

describe('validateInventory accepts backups', () => {
  test('of a PostgreSQL app with every option and a SQLite app with the defaults', () => {
    // GIVEN the inventory with wiki and notes
    // WHEN validating it
    const problems = validateInventory(reference() as Inventory);
    // THEN there is no problem
    expect(problems.map((p) => p.message)).toEqual([]);
  });

  test.each<[string, (inv: Draft<Inventory>) => void]>([
    ['the smallest backup: a password and nothing else', (inv) => { wiki(inv).backup = { passwordSecret: 'wiki-restic-password' }; }],
    ['a database and no volume backed up', (inv) => { const b = wiki(inv).backup!; b.volumes = []; delete b.quiesce; }],
    ['a volume and no database', (inv) => { delete wiki(inv).database; }],
    ['only keepDeletedDays (the keep* defaults apply)', (inv) => { wiki(inv).backup!.retention = { keepDeletedDays: 1 }; }],
    ['scale-to-zero with several replicas', (inv) => { wiki(inv).replicas = 3; wiki(inv).backup!.quiesce = { mode: 'scale-to-zero' }; }],
    ['a hook without post', (inv) => { wiki(inv).backup!.quiesce = { mode: 'hook', pre: 'sync' }; }],
    ['macros and Sunday as 7', (inv) => { wiki(inv).backup!.schedule = '@daily'; wiki(inv).backup!.check = { schedule: '0 5 * * 7' }; }],
    ['February 29', (inv) => { wiki(inv).backup!.check = { schedule: '0 5 29 2 *' }; }],
    ['read-data-subset 100%', (inv) => { wiki(inv).backup!.check!.readDataSubset = '100%'; }],
    ['read-data-subset 2.5%', (inv) => { wiki(inv).backup!.check!.readDataSubset = '2.5%'; }],
    ['read-data-subset 1/7', (inv) => { wiki(inv).backup!.check!.readDataSubset = '1/7'; }],
    ['read-data-subset 7/7', (inv) => { wiki(inv).backup!.check!.readDataSubset = '7/7'; }],
    ['read-data-subset 500M', (inv) => { wiki(inv).backup!.check!.readDataSubset = '500M'; }],
    ['read-data-subset 2T', (inv) => { wiki(inv).backup!.check!.readDataSubset = '2T'; }],
    ['MySQL and MariaDB with default names', (inv) => { wiki(inv).database = { engine: 'mysql', passwordSecret: 'wiki-db-password' }; notes(inv).database = { engine: 'mariadb', passwordSecret: 'wiki-db-password' }; }],
    ['PostgreSQL with the user root', (inv) => { wiki(inv).database!.user = 'root'; }],
    ['a database name with "_" from an app name with "-"', (inv) => { const w = wiki(inv); w.name = 'my-wiki'; delete w.database!.name; delete w.database!.user; }],
    ['a database with storageClass and no pool', (inv) => { delete wiki(inv).database!.pool; wiki(inv).database!.storageClass = 'local-path'; }],
    ['the default B2 region and restic image', (inv) => { delete inv.backup!.region; delete inv.backup!.resticImage; }],
    ['a database without backup', (inv) => { delete wiki(inv).backup; }],
  ])('%s', (_name, mutate) => {
    // GIVEN the inventory with an unusual but valid change WHEN validating it THEN there is no problem
    expectValid(breakReference(mutate));
  });
});

// ---------------------------------------------------------------------------
// One mistake per case
// ---------------------------------------------------------------------------

interface Case extends Expected {
  readonly mutate: (inv: Draft<Inventory>) => void;
}

const NOT_SECRET = 'refers to a secret that is not declared';
const PINNED = 'a tag or digest is required';
const SUBSET_RULE = 'a percentage such as "5%" or "2.5%" (above 0, at most 100), a part "n/m" such as "1/7" (1 <= n <= m), or a size such as "500M" (K, M, G or T)';

const cases: Record<string, Case> = {
  // Database
  'the engine is unknown': {
    mutate: (inv) => { loose(wiki(inv).database!).engine = 'oracle'; },
    path: WIKI, field: 'App.database.engine', value: 'oracle', wrong: 'unknown database engine', allowed: '"postgresql", "mysql", "mariadb" or "sqlite"',
  },
  'the engine is missing': {
    mutate: (inv) => { delete loose(wiki(inv).database!).engine; },
    path: WIKI, field: 'App.database.engine', value: null, wrong: 'unknown database engine', allowed: '"postgresql", "mysql", "mariadb" or "sqlite"',
  },
  'the server image has no tag': {
    mutate: (inv) => { wiki(inv).database!.image = 'docker.io/library/postgres'; },
    path: WIKI, field: 'App.database.image', value: 'docker.io/library/postgres', wrong: 'not a pinned image reference', allowed: PINNED,
  },
  'the server image has an empty repository component': {
    mutate: (inv) => { wiki(inv).database!.image = 'docker.io/library/:16.4'; },
    path: WIKI, field: 'App.database.image', value: 'docker.io/library/:16.4', wrong: 'not a pinned image reference', allowed: PINNED,
  },
  'the sqlite tools image has no tag': {
    mutate: (inv) => { notes(inv).database!.toolsImage = 'keinos/sqlite3'; },
    path: NOTES, field: 'App.database.toolsImage', value: 'keinos/sqlite3', wrong: 'not a pinned image reference', allowed: PINNED,
  },
  'the database name has uppercase and "-"': {
    mutate: (inv) => { wiki(inv).database!.name = 'Wiki-DB'; },
    path: WIKI, field: 'App.database.name', value: 'Wiki-DB', wrong: 'not an SQL identifier', allowed: 'lowercase letters, digits and "_", 1-63 characters, not starting with a digit',
  },
  'the database user starts with a digit': {
    mutate: (inv) => { wiki(inv).database!.user = '1wiki'; },
    path: WIKI, field: 'App.database.user', value: '1wiki', wrong: 'not an SQL identifier', allowed: 'not starting with a digit',
  },
  'the database name is 64 characters': {
    mutate: (inv) => { wiki(inv).database!.name = 'w'.repeat(64); },
    path: WIKI, field: 'App.database.name', value: 'w'.repeat(64), wrong: 'not an SQL identifier', allowed: '1-63 characters',
  },
  'the default database name, from an app name starting with a digit, is no SQL identifier': {
    mutate: (inv) => { const w = wiki(inv); w.name = '1-wiki'; delete w.database!.name; },
    path: 'inventory.apps[1-wiki]', field: 'App.database.name', value: '1_wiki', wrong: 'the default, the app name with "-" as "_", is not an SQL identifier', allowed: 'set name: lowercase letters',
  },
  'a server has no password': {
    mutate: (inv) => { delete wiki(inv).database!.passwordSecret; },
    path: WIKI, field: 'App.database.passwordSecret', value: null, wrong: 'a postgresql server needs a password', allowed: 'name a declared secret holding the password',
  },
  'the password secret is not declared': {
    mutate: (inv) => { wiki(inv).database!.passwordSecret = 'wiki-pw'; },
    path: WIKI, field: 'App.database.passwordSecret', value: 'wiki-pw', wrong: NOT_SECRET, allowed: 'declare it in inventory.secrets',
  },
  'a MySQL user is root': {
    mutate: (inv) => { wiki(inv).database = { engine: 'mysql', user: 'root', passwordSecret: 'wiki-db-password' }; },
    path: WIKI, field: 'App.database.user', value: 'root', wrong: 'the mysql image keeps root for itself and refuses it as the app\'s user', allowed: 'another user name',
  },
  'a MariaDB user is root by default (an app named root)': {
    mutate: (inv) => { const w = wiki(inv); w.name = 'root'; w.database = { engine: 'mariadb', passwordSecret: 'wiki-db-password' }; },
    path: 'inventory.apps[root]', field: 'App.database.user', value: 'root', wrong: 'the mariadb image keeps root for itself and refuses it as the app\'s user', allowed: 'another user name',
  },
  'a MySQL user from a long app name is over 32 characters': {
    mutate: (inv) => { const w = wiki(inv); w.name = `wiki-${'x'.repeat(30)}`; w.database = { engine: 'mysql', passwordSecret: 'wiki-db-password' }; },
    path: `inventory.apps[wiki-${'x'.repeat(30)}]`, field: 'App.database.user', value: `wiki_${'x'.repeat(30)}`, wrong: 'longer than the 32 characters MySQL allows (the default is the app name with "-" as "_")', allowed: 'a user name of at most 32 characters',
  },
  'the data volume size is zero': {
    mutate: (inv) => { wiki(inv).database!.sizeGiB = 0; },
    path: WIKI, field: 'App.database.sizeGiB', value: 0, wrong: 'not a size in GiB', allowed: 'integer >= 1',
  },
  'the data volume size is fractional': {
    mutate: (inv) => { wiki(inv).database!.sizeGiB = 1.5; },
    path: WIKI, field: 'App.database.sizeGiB', value: 1.5, wrong: 'not a size in GiB', allowed: 'integer >= 1',
  },
  'the data volume names an unknown pool': {
    mutate: (inv) => { wiki(inv).database!.pool = 'fast'; },
    path: WIKI, field: 'App.database.pool', value: 'fast', wrong: 'unknown storage pool', allowed: 'one of ["cstor-disks"]',
  },
  'the data volume has a pool and a storageClass': {
    mutate: (inv) => { wiki(inv).database!.storageClass = 'local-path'; },
    path: WIKI, field: 'App.database.storageClass', value: 'local-path', wrong: 'set together with pool', allowed: 'give pool (its StorageClass is used) or storageClass, not both',
  },
  'a server has a sqlite volume': {
    mutate: (inv) => { wiki(inv).database!.volume = 'uploads'; },
    path: WIKI, field: 'App.database.volume', value: 'uploads', wrong: 'sqlite only, not used by postgresql', allowed: 'drop volume',
  },
  'a server has a sqlite file': {
    mutate: (inv) => { wiki(inv).database!.file = 'wiki.db'; },
    path: WIKI, field: 'App.database.file', value: 'wiki.db', wrong: 'sqlite only, not used by postgresql', allowed: 'drop file',
  },
  'a server has a tools image': {
    mutate: (inv) => { wiki(inv).database!.toolsImage = 'docker.io/keinos/sqlite3:3.46.1'; },
    path: WIKI, field: 'App.database.toolsImage', value: 'docker.io/keinos/sqlite3:3.46.1', wrong: 'sqlite only, not used by postgresql', allowed: 'drop toolsImage; the server image (image) takes the dumps',
  },
  'sqlite has no volume': {
    mutate: (inv) => { delete notes(inv).database!.volume; },
    path: NOTES, field: 'App.database.volume', value: null, wrong: 'sqlite needs the volume that holds the database file', allowed: 'one of the app\'s volumes ["data"]',
  },
  'sqlite names an unknown volume': {
    mutate: (inv) => { notes(inv).database!.volume = 'db'; },
    path: NOTES, field: 'App.database.volume', value: 'db', wrong: 'unknown volume', allowed: 'one of the app\'s volumes ["data"]',
  },
  'sqlite has no file': {
    mutate: (inv) => { delete notes(inv).database!.file; },
    path: NOTES, field: 'App.database.file', value: null, wrong: 'not a file path inside the volume', allowed: 'a relative path such as "app.db" or "data/app.db", without a leading "/", ".." or empty parts',
  },
  'the sqlite file is empty': {
    mutate: (inv) => { notes(inv).database!.file = ''; },
    path: NOTES, field: 'App.database.file', value: '', wrong: 'not a file path inside the volume', allowed: 'a relative path',
  },
  'the sqlite file is absolute': {
    mutate: (inv) => { notes(inv).database!.file = '/data/notes.db'; },
    path: NOTES, field: 'App.database.file', value: '/data/notes.db', wrong: 'not a file path inside the volume', allowed: 'without a leading "/"',
  },
  'the sqlite file climbs out of the volume': {
    mutate: (inv) => { notes(inv).database!.file = 'db/../../etc/notes.db'; },
    path: NOTES, field: 'App.database.file', value: 'db/../../etc/notes.db', wrong: 'not a file path inside the volume', allowed: '".."',
  },
  'the sqlite file is a folder': {
    mutate: (inv) => { notes(inv).database!.file = 'db/'; },
    path: NOTES, field: 'App.database.file', value: 'db/', wrong: 'not a file path inside the volume', allowed: 'empty parts',
  },
  'sqlite has a password': {
    mutate: (inv) => { notes(inv).database!.passwordSecret = 'notes-restic-password'; },
    path: NOTES, field: 'App.database.passwordSecret', value: 'notes-restic-password', wrong: 'not used by sqlite, which has no server', allowed: 'drop passwordSecret; sqlite takes volume, file and toolsImage',
  },
  'sqlite has a server image': {
    mutate: (inv) => { notes(inv).database!.image = 'docker.io/library/postgres:16.4'; },
    path: NOTES, field: 'App.database.image', value: 'docker.io/library/postgres:16.4', wrong: 'not used by sqlite, which has no server', allowed: 'drop image',
  },
  'sqlite has a size': {
    mutate: (inv) => { notes(inv).database!.sizeGiB = 5; },
    path: NOTES, field: 'App.database.sizeGiB', value: 5, wrong: 'not used by sqlite, which has no server', allowed: 'drop sizeGiB',
  },
  'sqlite has a pool': {
    mutate: (inv) => { notes(inv).database!.pool = 'cstor-disks'; },
    path: NOTES, field: 'App.database.pool', value: 'cstor-disks', wrong: 'not used by sqlite, which has no server', allowed: 'drop pool',
  },
  'sqlite has a user': {
    mutate: (inv) => { notes(inv).database!.user = 'notes'; },
    path: NOTES, field: 'App.database.user', value: 'notes', wrong: 'not used by sqlite, which has no server', allowed: 'drop user',
  },

  // App backup
  'the homelab has no B2 bucket': {
    mutate: (inv) => { delete inv.backup; },
    path: NOTES, field: 'App.backup', value: { passwordSecret: 'notes-restic-password', quiesce: { mode: 'scale-to-zero' } }, wrong: 'backed up, but the homelab has no B2 bucket (inventory.backup is missing)', allowed: 'declare inventory.backup (bucket, keyIdSecret, keySecret), or drop the app\'s backup',
  },
  'the repository password is not declared': {
    mutate: (inv) => { wiki(inv).backup!.passwordSecret = 'restic'; },
    path: WIKI, field: 'App.backup.passwordSecret', value: 'restic', wrong: NOT_SECRET, allowed: 'declare it in inventory.secrets',
  },
  'the ping URL secret is not declared': {
    mutate: (inv) => { wiki(inv).backup!.pingUrlSecret = 'hc-url'; },
    path: WIKI, field: 'App.backup.pingUrlSecret', value: 'hc-url', wrong: NOT_SECRET, allowed: 'declare it in inventory.secrets',
  },
  'a backed-up app name too long for its CronJobs': {
    mutate: (inv) => { wiki(inv).name = 'w'.repeat(40); },
    path: `inventory.apps[${'w'.repeat(40)}]`, field: 'App.name', value: 'w'.repeat(40), wrong: `too long for a backed-up app (its CronJob ${'w'.repeat(40)}-backup-check would pass Kubernetes' 52 characters)`, allowed: 'at most 39 characters',
  },
  'an own bucket with a bad name': {
    mutate: (inv) => { wiki(inv).backup!.bucket = 'b2-wiki'; },
    path: WIKI, field: 'App.backup.bucket', value: 'b2-wiki', wrong: 'not a valid B2 bucket name', allowed: '6-63 letters, digits and "-", not starting with "b2-"',
  },
  "an own bucket that is the homelab's": {
    mutate: (inv) => { wiki(inv).backup!.bucket = inv.backup!.bucket; },
    path: WIKI, field: 'App.backup.bucket', value: 'example-homelab-backups', wrong: "is the homelab's bucket, which the app uses anyway", allowed: "another name for a bucket of the app's own, or drop bucket",
  },
  'two apps with the same own bucket': {
    mutate: (inv) => { wiki(inv).backup!.bucket = 'shared-archive'; notes(inv).backup!.bucket = 'shared-archive'; },
    path: NOTES, field: 'App.backup.bucket', value: 'shared-archive', wrong: 'already the bucket of app wiki', allowed: "one app per bucket of its own; apps that share one use the homelab's",
  },
  'the schedule has minute 61': {
    mutate: (inv) => { wiki(inv).backup!.schedule = '61 * * * *'; },
    path: WIKI, field: 'App.backup.schedule', value: '61 * * * *', wrong: 'not a cron schedule: minute "61" is out of range', allowed: 'minute 0-59, as n, *, a-b, */n, a-b/n or a list of these',
  },
  'the schedule has three fields': {
    mutate: (inv) => { wiki(inv).backup!.schedule = '* * *'; },
    path: WIKI, field: 'App.backup.schedule', value: '* * *', wrong: 'not a cron schedule: has 3 fields, not 5', allowed: '5 fields "minute hour day-of-month month day-of-week"',
  },
  'the schedule never runs': {
    mutate: (inv) => { wiki(inv).backup!.schedule = '0 0 30 2 *'; },
    path: WIKI, field: 'App.backup.schedule', value: '0 0 30 2 *', wrong: 'not a cron schedule: never runs: day-of-month "30" does not occur in month "2"', allowed: 'a day-of-month of at most 29',
  },
  'the schedule has a reversed range': {
    mutate: (inv) => { wiki(inv).backup!.schedule = '5-1 * * * *'; },
    path: WIKI, field: 'App.backup.schedule', value: '5-1 * * * *', wrong: 'not a cron schedule: minute range "5-1" runs backwards', allowed: 'a range a-b with a <= b',
  },
  'the schedule has step 0': {
    mutate: (inv) => { wiki(inv).backup!.schedule = '*/0 * * * *'; },
    path: WIKI, field: 'App.backup.schedule', value: '*/0 * * * *', wrong: 'not a cron schedule: minute "*/0" has a step of 0', allowed: 'a step of 1 or more',
  },
  'the check schedule is an unknown macro': {
    mutate: (inv) => { wiki(inv).backup!.check!.schedule = '@reboot'; },
    path: WIKI, field: 'App.backup.check.schedule', value: '@reboot', wrong: 'not a cron schedule: unknown macro "@reboot"', allowed: 'one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
  },
  'a backed-up volume is not a volume of the app': {
    mutate: (inv) => { wiki(inv).backup!.volumes = ['uploads', 'media']; },
    path: WIKI, field: 'App.backup.volumes', value: 'media', wrong: 'unknown volume', allowed: 'one of the app\'s volumes ["uploads","cache"]',
  },
  'a backed-up volume is listed twice': {
    mutate: (inv) => { wiki(inv).backup!.volumes = ['uploads', 'cache', 'uploads']; },
    path: WIKI, field: 'App.backup.volumes', value: 'uploads', wrong: 'volume listed twice', allowed: 'each volume once',
  },
  'there is nothing to back up (no database, volumes: [])': {
    mutate: (inv) => { delete wiki(inv).database; const b = wiki(inv).backup!; b.volumes = []; delete b.quiesce; },
    path: WIKI, field: 'App.backup.volumes', value: [], wrong: 'nothing to back up: the app has no database, and no volume is backed up', allowed: 'back up volumes of the app ["uploads","cache"], give it a database, or drop backup',
  },
  'there is nothing to back up (no database, no volume)': {
    mutate: (inv) => { delete wiki(inv).database; delete wiki(inv).volumes; wiki(inv).backup = { passwordSecret: 'wiki-restic-password' }; },
    path: WIKI, field: 'App.backup.volumes', value: [], wrong: 'nothing to back up: the app has no database, and no volume is backed up', allowed: 'give it a database, or drop backup',
  },
  'keepDaily is 0': {
    mutate: (inv) => { wiki(inv).backup!.retention!.keepDaily = 0; },
    path: WIKI, field: 'App.backup.retention.keepDaily', value: 0, wrong: 'not a positive whole number of snapshots', allowed: 'integer >= 1',
  },
  'keepLast is fractional': {
    mutate: (inv) => { wiki(inv).backup!.retention!.keepLast = 1.5; },
    path: WIKI, field: 'App.backup.retention.keepLast', value: 1.5, wrong: 'not a positive whole number of snapshots', allowed: 'integer >= 1',
  },
  'keepYearly is -1': {
    mutate: (inv) => { wiki(inv).backup!.retention!.keepYearly = -1; },
    path: WIKI, field: 'App.backup.retention.keepYearly', value: -1, wrong: 'not a positive whole number of snapshots', allowed: 'integer >= 1',
  },
  'keepWeekly is a string': {
    mutate: (inv) => { loose(wiki(inv).backup!.retention!).keepWeekly = '4'; },
    path: WIKI, field: 'App.backup.retention.keepWeekly', value: '4', wrong: 'not a positive whole number of snapshots', allowed: 'integer >= 1',
  },
  'keepMonthly is 0': {
    mutate: (inv) => { wiki(inv).backup!.retention!.keepMonthly = 0; },
    path: WIKI, field: 'App.backup.retention.keepMonthly', value: 0, wrong: 'not a positive whole number of snapshots', allowed: 'integer >= 1',
  },
  'keepDeletedDays is 0': {
    mutate: (inv) => { wiki(inv).backup!.retention!.keepDeletedDays = 0; },
    path: WIKI, field: 'App.backup.retention.keepDeletedDays', value: 0, wrong: 'not a positive whole number of days', allowed: 'integer >= 1',
  },
  'the quiesce mode is unknown': {
    mutate: (inv) => { wiki(inv).backup!.quiesce = { mode: 'pause' } as never; },
    path: WIKI, field: 'App.backup.quiesce.mode', value: 'pause', wrong: 'unknown quiesce mode', allowed: '"scale-to-zero" or "hook"',
  },
  'a hook has no pre command': {
    mutate: (inv) => { wiki(inv).backup!.quiesce = { mode: 'hook' } as never; },
    path: WIKI, field: 'App.backup.quiesce.pre', value: null, wrong: 'a hook needs a command to run before the backup', allowed: 'a non-empty shell command',
  },
  'a hook has a blank pre command': {
    mutate: (inv) => { wiki(inv).backup!.quiesce = { mode: 'hook', pre: '  ' }; },
    path: WIKI, field: 'App.backup.quiesce.pre', value: '  ', wrong: 'a hook needs a command to run before the backup', allowed: 'a non-empty shell command',
  },
  'a hook has an empty post command': {
    mutate: (inv) => { wiki(inv).backup!.quiesce = { mode: 'hook', pre: 'sync', post: '' }; },
    path: WIKI, field: 'App.backup.quiesce.post', value: '', wrong: 'not a shell command', allowed: 'a non-empty shell command run after the backup, or no post',
  },
  'there is nothing to quiesce (only the database is backed up)': {
    mutate: (inv) => { wiki(inv).backup!.volumes = []; wiki(inv).backup!.quiesce = { mode: 'scale-to-zero' }; },
    path: WIKI, field: 'App.backup.quiesce', value: { mode: 'scale-to-zero' }, wrong: 'nothing to quiesce: no volume is backed up (the database dump is consistent by itself)', allowed: 'drop quiesce, or back up a volume',
  },
  'the read-data subset is 0%': {
    mutate: (inv) => { wiki(inv).backup!.check!.readDataSubset = '0%'; },
    path: WIKI, field: 'App.backup.check.readDataSubset', value: '0%', wrong: 'not a restic --read-data-subset', allowed: SUBSET_RULE,
  },
  'the read-data subset is 101%': {
    mutate: (inv) => { wiki(inv).backup!.check!.readDataSubset = '101%'; },
    path: WIKI, field: 'App.backup.check.readDataSubset', value: '101%', wrong: 'not a restic --read-data-subset', allowed: SUBSET_RULE,
  },
  'the read-data subset is 0/7': {
    mutate: (inv) => { wiki(inv).backup!.check!.readDataSubset = '0/7'; },
    path: WIKI, field: 'App.backup.check.readDataSubset', value: '0/7', wrong: 'not a restic --read-data-subset', allowed: SUBSET_RULE,
  },
  'the read-data subset is 8/7': {
    mutate: (inv) => { wiki(inv).backup!.check!.readDataSubset = '8/7'; },
    path: WIKI, field: 'App.backup.check.readDataSubset', value: '8/7', wrong: 'not a restic --read-data-subset', allowed: SUBSET_RULE,
  },
  'the read-data subset is a bare number': {
    mutate: (inv) => { wiki(inv).backup!.check!.readDataSubset = '5'; },
    path: WIKI, field: 'App.backup.check.readDataSubset', value: '5', wrong: 'not a restic --read-data-subset', allowed: SUBSET_RULE,
  },
  'the read-data subset is 10MB': {
    mutate: (inv) => { wiki(inv).backup!.check!.readDataSubset = '10MB'; },
    path: WIKI, field: 'App.backup.check.readDataSubset', value: '10MB', wrong: 'not a restic --read-data-subset', allowed: SUBSET_RULE,
  },

  // The homelab's bucket
  'the B2 region has no number': {
    mutate: (inv) => { inv.backup!.region = 'us-west'; },
    path: BACKUP, field: 'Backup.region', value: 'us-west', wrong: 'not a B2 region', allowed: 'e.g. "us-west-004" or "eu-central-003"',
  },
  'the B2 region is uppercase': {
    mutate: (inv) => { inv.backup!.region = 'US-WEST-004'; },
    path: BACKUP, field: 'Backup.region', value: 'US-WEST-004', wrong: 'not a B2 region', allowed: 's3.<region>.backblazeb2.com',
  },
  'the restic image has no tag': {
    mutate: (inv) => { inv.backup!.resticImage = 'restic/restic'; },
    path: BACKUP, field: 'Backup.resticImage', value: 'restic/restic', wrong: 'not a pinned image reference', allowed: PINNED,
  },
};

describe('validateInventory', () => {
  test.each(Object.entries(cases))('fails when %s', (_name, c) => {
    // GIVEN the inventory with one mistake
    const inv = breakReference(c.mutate);
    // WHEN validating it
    const problems = validateInventory(inv);
    // THEN the mistake is reported at its data path and field, with the value and what is allowed
    expectProblem(problems, c);
    // AND every message has the catalog format
    for (const p of problems) expect(p.message).toMatch(MESSAGE_FORMAT);
  });

  test('fails with the exact message for a bad schedule', () => {
    // GIVEN a backup schedule with minute 61
    const inv = breakReference((i) => { wiki(i).backup!.schedule = '61 * * * *'; });
    // WHEN validating it
    const problems = validateInventory(inv);
    // THEN the one problem reads in full
    expect(problems.map((p) => p.message)).toEqual([
      '[inventory.apps[wiki]] App.backup.schedule: not a cron schedule: minute "61" is out of range (got "61 * * * *"); minute 0-59, as n, *, a-b, */n, a-b/n or a list of these',
    ]);
  });

  test('fails with every problem at once', () => {
    // GIVEN the inventory with mistakes in the database, the backup and the bucket
    const inv = breakReference((i) => {
      wiki(i).database!.image = 'postgres';
      delete wiki(i).database!.passwordSecret;
      notes(i).database!.file = '../notes.db';
      wiki(i).backup!.schedule = '0 0 30 2 *';
      wiki(i).backup!.check!.readDataSubset = '0%';
      wiki(i).backup!.retention!.keepDaily = 0;
      notes(i).backup!.quiesce = { mode: 'hook', pre: '' };
      i.backup!.region = 'b2';
    });
    // WHEN validating it once
    const problems = validateInventory(inv);
    // THEN all eight are reported, and nothing else
    expect(problems.map((p) => `[${p.constructPath}] ${p.field}`)).toEqual([
      `[${WIKI}] App.database.image`,
      `[${WIKI}] App.database.passwordSecret`,
      `[${WIKI}] App.backup.schedule`,
      `[${WIKI}] App.backup.retention.keepDaily`,
      `[${WIKI}] App.backup.check.readDataSubset`,
      `[${NOTES}] App.database.file`,
      `[${NOTES}] App.backup.quiesce.pre`,
      `[${BACKUP}] Backup.region`,
    ]);
    expectProblem(problems, { path: WIKI, field: 'App.backup.schedule', value: '0 0 30 2 *', wrong: 'not a cron schedule: never runs: day-of-month "30" does not occur in month "2"', allowed: 'at most 29' });
    expectProblem(problems, { path: NOTES, field: 'App.database.file', value: '../notes.db', wrong: 'not a file path inside the volume', allowed: '".."' });
  });
});
