/**
 * A throwaway PostgreSQL server for tests: initdb into a temp dir, listen on
 * 127.0.0.1 at a free port with trust auth, fsync off, removed on stop().
 *
 * Debian puts the server binaries under /usr/lib/postgresql/<ver>/bin, off
 * PATH, so `itWith('postgres')` can't find them; use `itWithPostgres()`.
 * initdb and postgres refuse to run as root: as root they run as the
 * `postgres` user (else `nobody`) through setpriv, and the temp dir is
 * chowned to that user.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captureLog, freePort, isExecutable, RunAs, serverUser, stopChild, stopper, tieToProcess } from './child';

/** The entry that HOMELAB_REQUIRE_TOOLS uses for these tests. */
export const POSTGRES_TOOL = 'postgres';

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface PgServer {
  readonly host: string;
  readonly port: number;
  /** The bootstrap superuser; trust auth, so no password. */
  readonly superuser: string;
  /** PGHOST, PGPORT and PGUSER for libpq clients (psql, pg_dump, ...). */
  readonly env: Readonly<Record<string, string>>;
  /** Where initdb and postgres were found. */
  readonly binDir: string;
  /** Runs `psql -X -v ON_ERROR_STOP=1 -At`, SQL on stdin; returns stdout, throws with stderr. */
  psql(sql: string, db?: string): string;
  createDatabase(name: string): void;
  /** Fast shutdown, then removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

let binDirCache: string | null | undefined;

/** The dir holding initdb and postgres, or null when no server is installed. */
export function findPgBinDir(): string | null {
  if (binDirCache !== undefined) return binDirCache;
  binDirCache = null;
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates: string[] = [];
  if (fromPgConfig.status === 0) candidates.push(fromPgConfig.stdout.trim());
  const debianRoot = '/usr/lib/postgresql';
  if (fs.existsSync(debianRoot)) {
    const versions = fs.readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => parseFloat(b) - parseFloat(a));
    candidates.push(...versions.map((v) => path.join(debianRoot, v, 'bin')));
  }
  for (const dir of candidates) {
    if (isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres'))) {
      binDirCache = dir;
      break;
    }
  }
  return binDirCache;
}

/** True when the server binaries (initdb, postgres) are installed. */
export function hasPostgres(): boolean {
  return findPgBinDir() !== null;
}

let warned = false;

/** Like `itWith(tool)`: `it` when the server is there; `it.skip` when not; a failing test when CI requires it. */
export function itWithPostgres(): jest.It {
  if (hasPostgres()) return it;
  const required = (process.env.HOMELAB_REQUIRE_TOOLS ?? '').split(',').map((s) => s.trim());
  if (required.includes(POSTGRES_TOOL)) {
    return ((name: string) => it(name, () => {
      throw new Error(`${POSTGRES_TOOL} is required here (HOMELAB_REQUIRE_TOOLS) but no server binaries were found (pg_config --bindir, /usr/lib/postgresql/*/bin)`);
    })) as unknown as jest.It;
  }
  if (!warned) {
    warned = true;
    console.warn('postgres server binaries not found (pg_config --bindir, /usr/lib/postgresql/*/bin): skipping the tests that need it');
  }
  return it.skip;
}

export async function startPostgres(): Promise<PgServer> {
  const binDir = findPgBinDir();
  if (!binDir) throw new Error('no PostgreSQL server binaries found (pg_config --bindir, /usr/lib/postgresql/*/bin)');
  const runAs = serverUser('postgres');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-pg-'));
  try {
    if (runAs) fs.chownSync(tmp, runAs.uid, runAs.gid);
    const dataDir = path.join(tmp, 'data');
    const serverEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    const init = spawnSync(...asUser(runAs, path.join(binDir, 'initdb'), [
      '-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync',
    ]), { encoding: 'utf8', env: serverEnv });
    if (init.error) throw init.error;
    if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}):\n${init.stderr}${init.stdout}`);
    // Trust over TCP from 127.0.0.1 only; the unix socket accepts nobody.
    fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), `host all all ${HOST}/32 trust\n`);

    // A free port can be taken between probing and binding: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(HOST);
      const child = spawn(...asUser(runAs, path.join(binDir, 'postgres'), [
        '-D', dataDir,
        '-c', `listen_addresses=${HOST}`,
        '-c', `port=${port}`,
        '-c', `unix_socket_directories=${tmp}`,
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
      ]), { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      const log = captureLog(child);
      const untie = tieToProcess(child, tmp, 'SIGQUIT');
      try {
        await waitReady(child, binDir, port, log);
      } catch (err) {
        untie();
        await stopChild(child, 'SIGINT', STOP_TIMEOUT_MS);
        if (attempt < 3 && /could not bind|Address already in use/.test(log())) continue;
        throw err;
      }
      return makeServer(binDir, tmp, port, child, untie);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function makeServer(binDir: string, tmp: string, port: number, child: ChildProcess, untie: () => void): PgServer {
  const env = { PGHOST: HOST, PGPORT: String(port), PGUSER: SUPERUSER };
  const psqlBin = clientBin(binDir, 'psql');
  const psql = (sql: string, db = 'postgres'): string => {
    const r = spawnSync(psqlBin, ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-d', db, '-f', '-'], {
      input: sql, encoding: 'utf8', env: { ...process.env, ...env },
    });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`psql failed (exit ${r.status}) on ${JSON.stringify(sql)}:\n${r.stderr}`);
    return r.stdout;
  };
  return {
    host: HOST,
    port,
    superuser: SUPERUSER,
    env,
    binDir,
    psql,
    createDatabase: (name) => { psql(`CREATE DATABASE "${name.replace(/"/g, '""')}"`); },
    stop: stopper(child, untie, tmp, 'SIGINT', STOP_TIMEOUT_MS),
  };
}

/** The client tool from the server's bin dir when there, else from PATH. */
function clientBin(binDir: string, name: string): string {
  const p = path.join(binDir, name);
  return isExecutable(p) ? p : name;
}

/** setpriv execs in place, so signals reach postgres itself (SIGINT = fast shutdown). */
function asUser(runAs: RunAs | null, cmd: string, args: string[]): [string, string[]] {
  if (!runAs) return [cmd, args];
  return ['setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--', cmd, ...args]];
}

async function waitReady(child: ChildProcess, binDir: string, port: number, log: () => string): Promise<void> {
  const isready = clientBin(binDir, 'pg_isready');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log()}`);
    }
    const r = spawnSync(isready, ['-q', '-h', HOST, '-p', String(port), '-U', SUPERUSER, '-d', 'postgres', '-t', '1']);
    if (r.status === 0) return;
    if (Date.now() > deadline) throw new Error(`postgres not ready after ${READY_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
}

