/**
 * Staged output: everything is written into a temporary directory next to the
 * outputs, and only when every file is written are the output directories
 * swapped in. A failure leaves the previous outputs byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface OutputFile {
  /** Path relative to the output root, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /** @default 0o644 */
  readonly mode?: number;
}

/** Directories that synth owns under the output root. */
export const OUTPUT_DIRS = ['dist', 'cdktf.out', 'nixos', 'routers'] as const;

/** User-owned paths inside output directories that a swap carries over. */
export const PRESERVED = ['nixos/secrets'];

export class StagedOutput {
  readonly stage: string;

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
    this.stage = fs.mkdtempSync(path.join(root, '.homelab-tmp-'));
    // every output dir exists in the stage, so outputs that became empty replace stale ones
    for (const d of OUTPUT_DIRS) fs.mkdirSync(path.join(this.stage, d));
  }

  /** Directory inside the stage for an output dir (for writers that want a path). */
  dir(name: string): string {
    return path.join(this.stage, name);
  }

  write(files: readonly OutputFile[]): void {
    for (const f of files) {
      const target = path.join(this.stage, ...f.path.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, f.content, { mode: f.mode ?? 0o644 });
      fs.chmodSync(target, f.mode ?? 0o644);
    }
  }

  /** Swaps the staged directories in; `targets` maps an output dir to its final location. */
  commit(targets: Readonly<Record<string, string>>): void {
    const old = path.join(this.stage, '.old');
    fs.mkdirSync(old);
    for (const keep of PRESERVED) {
      const [dir, ...rest] = keep.split('/');
      const from = path.join(targets[dir] ?? path.join(this.root, dir), ...rest);
      if (fs.existsSync(from) && fs.existsSync(this.dir(dir))) fs.renameSync(from, path.join(this.dir(dir), ...rest));
    }
    for (const [dir, target] of Object.entries(targets)) {
      const staged = this.dir(dir);
      if (!fs.existsSync(staged)) continue;
      if (fs.existsSync(target)) moveDir(target, path.join(old, dir));
      moveDir(staged, target);
    }
    fs.rmSync(this.stage, { recursive: true, force: true });
  }

  abort(): void {
    fs.rmSync(this.stage, { recursive: true, force: true });
  }
}

function moveDir(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e: any) {
    if (e.code !== 'EXDEV') throw e;
    fs.cpSync(from, to, { recursive: true });
    fs.rmSync(from, { recursive: true, force: true });
  }
}
