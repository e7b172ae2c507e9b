/** Files of an output tree and their hashes, for byte-identity checks. */
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
