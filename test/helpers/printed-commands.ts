/**
 * Runs command lines a `homelab` command printed, the way a person pastes them, in a sandbox:
 * `sh -n` first (it must parse), then `sh -c` in an empty folder whose PATH holds only stubs.
 * Each stub is the command replaced by `printf '%s\0'` of its name and arguments, so the test
 * sees the exact argv sh built; anything else the line would run (an injected `touch`, `id`,
 * `curl`) is not found, and any file it would create shows up in the folder.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from './tree';

export interface PrintedRun {
  /** One argv per stub call, the command name first. */
  readonly calls: readonly (readonly string[])[];
  /** Files in the sandbox folder afterwards (the stubs' own excluded). */
  readonly files: readonly string[];
  readonly status: number | null;
  readonly stderr: string;
}

const STUB = `#!/bin/sh\n{ printf '%s\\0' "\${0##*/}" "$@"; printf '\\1\\0'; } >> "$PRINTED_LOG"\n`;

/**
 * Runs `line` with `commands` stubbed (names on PATH, or `./relative/paths` in the sandbox).
 * Throws when `sh -n` rejects the line.
 */
export function runPrinted(line: string, commands: readonly string[]): PrintedRun {
  const parsed = spawnSync('sh', ['-n', '-c', line], { encoding: 'utf8' });
  if (parsed.status !== 0) throw new Error(`sh -n rejects ${JSON.stringify(line)}: ${parsed.stderr}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-printed-'));
  try {
    const bin = path.join(root, 'bin');
    const work = path.join(root, 'work');
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    const stubs: string[] = [];
    for (const c of commands) {
      const file = c.includes('/') ? path.join(work, c) : path.join(bin, c);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, STUB, { mode: 0o755 });
      if (c.includes('/')) stubs.push(path.relative(work, file).split(path.sep).join('/'));
    }
    const log = path.join(root, 'log');
    fs.writeFileSync(log, '');
    const r = spawnSync('/bin/sh', ['-c', line], { cwd: work, encoding: 'utf8', env: { PATH: bin, PRINTED_LOG: log, HOME: work } });
    const calls: string[][] = [];
    let current: string[] = [];
    for (const part of fs.readFileSync(log, 'utf8').split('\0').slice(0, -1)) {
      if (part === '\u0001') { calls.push(current); current = []; } else current.push(part);
    }
    return { calls, files: listFiles(work).filter((f) => !stubs.includes(f)), status: r.status, stderr: r.stderr };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
