/** Server processes the test helpers start (PostgreSQL, s3rver): tied to the test process, stopped politely. */
import { ChildProcess, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import { Socket } from 'net';

/**
 * A server a test forgot to stop must neither keep jest from exiting nor
 * outlive it: unref it, and on exit send it `exitSignal` and remove its temp
 * dir. Returns the undo, for stop().
 */
export function tieToProcess(child: ChildProcess, tmp: string, exitSignal: NodeJS.Signals): () => void {
  child.unref();
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();
  const onExit = () => {
    child.kill(exitSignal);
    try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* still being written: left for the OS */ }
  };
  process.once('exit', onExit);
  return () => { process.off('exit', onExit); };
}

/** Sends `signal` and waits for the exit; SIGKILL after `timeoutMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), timeoutMs); });
  const hung = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (hung) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Whether `p` is an executable file. */
export function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A system user a server runs as. */
export interface RunAs { readonly name: string; readonly uid: number; readonly gid: number }

/**
 * Who a database server runs as: null for the current user; when we are root (servers refuse
 * root), `preferred` if that user exists, else nobody.
 */
export function serverUser(preferred: string): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of [preferred, 'nobody']) {
    const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' });
    const uid = id('-u');
    const gid = id('-g');
    if (uid.status === 0 && gid.status === 0) {
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  throw new Error(`running as root, but neither a ${preferred} nor a nobody user exists to run the server as`);
}

/** A free TCP port on `host` (for a server that is told its port). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Keeps the last 64 KiB of a server's output for error messages. */
export function captureLog(child: ChildProcess): () => string {
  let buf = '';
  const add = (chunk: Buffer) => { buf = (buf + chunk.toString('utf8')).slice(-65536); };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => buf;
}

/** A server's stop(), safe to call twice: untie it, stop it with `signal` (see stopChild), remove its temp dir. */
export function stopper(child: ChildProcess, untie: () => void, tmp: string, signal: NodeJS.Signals, timeoutMs: number): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    untie();
    try {
      await stopChild(child, signal, timeoutMs);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  };
}
