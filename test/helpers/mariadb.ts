/**
 * A throwaway MariaDB server for tests: `mariadb-install-db` into a temp dir,
 * `mariadbd` on 127.0.0.1 at a free port and on a socket in that dir, InnoDB
 * flushing relaxed, removed on stop(). The system's option files are never
 * read (`--no-defaults`), so an installed (or running) system server is left
 * alone.
 *
 * Debian puts `mariadbd` in /usr/sbin, off a normal user's PATH, so
 * `itWith('mariadbd')` would not find it; use `itWithMariadb()`. The server
 * refuses to run as root: as root, install-db and the server get
 * `--user=mysql` (else `nobody`) and the temp dir is chowned to that user;
 * mariadbd drops to it itself, so signals still reach it directly.
 *
 * The bootstrap `root@localhost` has no password (`--auth-root-authentication-method=normal`:
 * no unix_socket auth, so any OS user may use it) and is reachable only over the socket.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captureLog, freePort, isExecutable, RunAs, serverUser, stopChild, stopper, tieToProcess } from './child';

/** The entry that HOMELAB_REQUIRE_TOOLS uses for these tests. */
export const MARIADB_TOOL = 'mariadb';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/** Where distributions put the server when it is not on PATH (Debian, Fedora). */
const SERVER_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/libexec'];
/** Small InnoDB files and no durability: a test server starts in about a second. */
const INNODB = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=64M'];

export interface MariaServer {
  readonly host: string;
  readonly port: number;
  /** The unix socket the bootstrap root uses. */
  readonly socket: string;
  /** The client binary (`mariadb`, else `mysql`) and its arguments to connect as root over the socket. */
  clientArgv(db?: string): string[];
  /** Runs SQL through the client as root (`--batch --skip-column-names`); returns trimmed stdout, throws with stderr. */
  sql(text: string, db?: string): string;
  /** `'<name>'@'%'` and `'<name>'@'localhost'`, both with this password. */
  createUser(name: string, password: string): void;
  /** A database on which `owner` (made with createUser) gets ALL. */
  createDatabase(name: string, owner: string): void;
  /** Fast shutdown (SIGKILL after a timeout), then removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Absolute paths of the server and its tools. */
export interface MariaBinaries {
  readonly server: string;
  readonly installDb: string;
  /** `mariadb`, else `mysql`. */
  readonly client: string;
  /** `mariadb-admin`, else `mysqladmin`. */
  readonly admin: string;
  /** `mariadb-dump`, else `mysqldump`. */
  readonly dump: string;
}

let binCache: MariaBinaries | null | undefined;

/** The server, install-db, client and admin binaries, or null when no server is installed. */
export function findMariadb(): MariaBinaries | null {
  if (binCache !== undefined) return binCache;
  const server = findBinary(['mariadbd'], SERVER_DIRS);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db'], []);
  const client = findBinary(['mariadb', 'mysql'], []);
  const admin = findBinary(['mariadb-admin', 'mysqladmin'], []);
  const dump = findBinary(['mariadb-dump', 'mysqldump'], []);
  binCache = server && installDb && client && admin && dump ? { server, installDb, client, admin, dump } : null;
  return binCache;
}

/** True when the server (mariadbd, on PATH or in /usr/sbin) and its tools are installed. */
export function hasMariadb(): boolean {
  return findMariadb() !== null;
}

let warned = false;

/** Like `itWith(tool)`: `it` when the server is there; `it.skip` when not; a failing test when CI requires it. */
export function itWithMariadb(): jest.It {
  if (hasMariadb()) return it;
  const required = (process.env.HOMELAB_REQUIRE_TOOLS ?? '').split(',').map((s) => s.trim());
  if (required.includes(MARIADB_TOOL)) {
    return ((name: string) => it(name, () => {
      throw new Error(`${MARIADB_TOOL} is required here (HOMELAB_REQUIRE_TOOLS) but no server was found (mariadbd on PATH or in ${SERVER_DIRS.join(', ')}, with mariadb-install-db, mariadb, mariadb-admin and mariadb-dump)`);
    })) as unknown as jest.It;
  }
  if (!warned) {
    warned = true;
    console.warn(`mariadbd not found (PATH, ${SERVER_DIRS.join(', ')}): skipping the tests that need it`);
  }
  return it.skip;
}

/** A MariaDB string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A MariaDB identifier. */
export function sqlName(s: string): string {
  return `\`${s.replace(/`/g, '``')}\``;
}

export async function startMariadb(): Promise<MariaServer> {
  const bin = findMariadb();
  if (!bin) throw new Error(`no MariaDB server found (mariadbd on PATH or in ${SERVER_DIRS.join(', ')})`);
  const runAs = serverUser('mysql');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-mariadb-'));
  try {
    if (runAs) fs.chownSync(tmp, runAs.uid, runAs.gid);
    const dataDir = path.join(tmp, 'data');
    const socket = path.join(tmp, 'mysqld.sock');
    const userArgs = runAs ? [`--user=${runAs.name}`] : [];
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    const init = spawnSync(bin.installDb, [
      '--no-defaults', `--datadir=${dataDir}`, ...userArgs,
      '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', ...INNODB,
    ], { encoding: 'utf8', env });
    if (init.error) throw init.error;
    if (init.status !== 0) throw new Error(`${path.basename(bin.installDb)} failed (exit ${init.status}):\n${init.stderr}${init.stdout}`);

    // A free port can be taken between probing and binding: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(HOST);
      const child = spawn(bin.server, [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${socket}`,
        `--pid-file=${path.join(tmp, 'mysqld.pid')}`,
        `--port=${port}`,
        `--bind-address=${HOST}`,
        '--skip-networking=0',
        // '<user>'@'%' matches 127.0.0.1 without a reverse lookup
        '--skip-name-resolve',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-doublewrite=0',
        '--innodb-fast-shutdown=2',
        ...INNODB,
        ...userArgs,
      ], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const log = captureLog(child);
      const untie = tieToProcess(child, tmp, 'SIGKILL');
      try {
        await waitReady(child, bin, socket, log);
      } catch (err) {
        untie();
        await stopChild(child, 'SIGTERM', STOP_TIMEOUT_MS);
        if (attempt < 3 && /Bind on TCP\/IP port|Address already in use/.test(log())) continue;
        throw err;
      }
      return makeServer(bin, tmp, socket, port, child, untie);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function makeServer(bin: MariaBinaries, tmp: string, socket: string, port: number, child: ChildProcess, untie: () => void): MariaServer {
  // --no-defaults must come first
  const clientArgv = (db?: string, extra: readonly string[] = []) => [bin.client, '--no-defaults', `--socket=${socket}`, '--user=root', ...extra, ...(db ? [db] : [])];
  const sql = (text: string, db?: string): string => {
    const [cmd, ...args] = clientArgv(db, ['--batch', '--skip-column-names']);
    const r = spawnSync(cmd, args, { input: text, encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed (exit ${r.status}) on ${JSON.stringify(text)}:\n${r.stderr}`);
    return r.stdout.trim();
  };
  const accounts = (name: string) => [`${sqlString(name)}@'%'`, `${sqlString(name)}@'localhost'`];
  return {
    host: HOST,
    port,
    socket,
    clientArgv,
    sql,
    createUser: (name, password) => {
      sql(accounts(name).map((a) => `CREATE USER ${a} IDENTIFIED BY ${sqlString(password)};`).join('\n'));
    },
    createDatabase: (name, owner) => {
      sql(`CREATE DATABASE ${sqlName(name)};\n${accounts(owner).map((a) => `GRANT ALL ON ${sqlName(name)}.* TO ${a};`).join('\n')}`);
    },
    stop: stopper(child, untie, tmp, 'SIGTERM', STOP_TIMEOUT_MS),
  };
}

/** The first of `names` on PATH, else in `dirs`; null when none is there. */
function findBinary(names: readonly string[], dirs: readonly string[]): string | null {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const name of names) {
    for (const dir of [...pathDirs, ...dirs]) {
      const p = path.join(dir, name);
      if (isExecutable(p)) return p;
    }
  }
  return null;
}

/** Until `mariadb-admin ping` gets in as root over the socket (TCP is bound before the socket). */
async function waitReady(child: ChildProcess, bin: MariaBinaries, socket: string, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`mariadbd exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log()}`);
    }
    const r = spawnSync(bin.admin, ['--no-defaults', `--socket=${socket}`, '--user=root', '--connect-timeout=1', 'ping'], { stdio: 'ignore' });
    if (r.status === 0) return;
    if (Date.now() > deadline) throw new Error(`mariadbd not ready after ${READY_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
}
