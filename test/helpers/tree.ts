/** Files of an output tree and their hashes, for byte-identity checks. */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Every file below `dir`, relative, in code-point order; empty when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** sha256 of every file below `dir` (minus `skip`), by relative path. */
export function treeHash(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const h: Record<string, string> = {};
  for (const f of listFiles(dir)) {
    if (skip(f)) continue;
    h[f] = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex');
  }
  return h;
}

/** Writes `files` (relative path → content) below `root`, making folders as needed. */
export function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [f, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), content);
  }
}

/** Asserts every file of `files` is below `root` with exactly that content, and no `.homelab-*` is left in `root`. */
export function expectFilesIntact(root: string, files: Readonly<Record<string, string>>): void {
  for (const [f, content] of Object.entries(files)) {
    const actual = fs.existsSync(path.join(root, f)) ? fs.readFileSync(path.join(root, f), 'utf8') : '(missing)';
    expect({ f, content: actual }).toEqual({ f, content });
  }
  expect(fs.readdirSync(root).filter((e) => e.startsWith('.homelab-'))).toEqual([]);
}

/**
 * Makes `dir` unchangeable for real (no entry can be added, removed or renamed): immutable
 * (`chattr +i`) as root, read-only otherwise. Returns the undo; undefined where neither works (a
 * container without CAP_LINUX_IMMUTABLE), for the caller to simulate the failure visibly instead.
 */
export function freezeDir(dir: string): (() => void) | undefined {
  if (process.getuid?.() === 0) {
    if (spawnSync('chattr', ['+i', dir]).status !== 0) return undefined;
    return () => { spawnSync('chattr', ['-i', dir]); };
  }
  fs.chmodSync(dir, 0o555);
  return () => fs.chmodSync(dir, 0o755);
}
