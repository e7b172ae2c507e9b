/** Server processes the test helpers start (PostgreSQL, s3rver): tied to the test process, stopped politely. */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
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
