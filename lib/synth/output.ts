/**
 * The output swap: synth replaces exactly the files it wrote, never one of
 * yours, and survives a kill at any instant and a second synth on the same
 * output root.
 *
 * - Ownership: every output folder (`dist/`, `cdktf.out/`, `nixos/`,
 *   `routers/`) holds a `.homelab-owned` list of the files synth wrote there.
 *   Only those are replaced or removed; anything else in the folder (a
 *   `flake.lock`, Terraform's `.terraform/`, your notes) is never moved,
 *   copied or deleted. A path synth wants to write that holds a file it did
 *   not write is an error, and nothing changes. A folder written before the
 *   list existed counts as owning the files synth writes by name (see
 *   {@link LEGACY_OWNED}).
 * - Lock: `.homelab-lock` in the output root holds the pid of the one synth
 *   at work there. Another waits up to `HOMELAB_LOCK_WAIT` seconds (default
 *   60), then fails naming that pid. A lock whose process is gone is taken over.
 * - Crash safety: new files are staged in `.homelab-tmp-<pid>-<n>/new/`. Before
 *   the first rename, a journal (`journal.json`) lists every rename: the old
 *   owned files into `old/`, the new ones in, output by output. A swap that
 *   was killed is finished by the next synth or `homelab` command (every
 *   staged file is complete before the journal exists); one that failed is
 *   undone, by the failing run or, if it could not, by the next command. The
 *   stage folder is removed after either.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileSystemError, HomelabOutputError, HomelabProblem } from '../core/errors';

export interface OutputFile {
  /** Path relative to the output root, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /** @default 0o644 */
  readonly mode?: number;
}

/** Directories that synth writes under the output root. */
export const OUTPUT_DIRS = ['dist', 'cdktf.out', 'nixos', 'routers'] as const;
export type OutputDir = (typeof OUTPUT_DIRS)[number];

/** The list of files synth wrote, one per output folder. */
export const OWNED_LIST = '.homelab-owned';
/** The lock file in the output root. */
export const LOCK_FILE = '.homelab-lock';
/** Prefix of everything a run stages in the output root (removed after a crash by the next run). */
export const TMP_PREFIX = '.homelab-tmp-';
const JOURNAL = 'journal.json';
const LOCK_TMP = `${TMP_PREFIX}lock-`;

/**
 * Files a folder written before `.homelab-owned` existed counts as synth's:
 * the names synth writes. Anything else found there is left alone.
 */
export const LEGACY_OWNED: Readonly<Record<OutputDir, RegExp>> = {
  dist: /^(?:[^/]+\.k8s\.yaml|apply\.sh)$/,
  'cdktf.out': /^(?:manifest\.json|stacks\/[^/]+\/cdk\.tf\.json)$/,
  nixos: /^(?:flake\.nix|hive\.nix|hosts\/[^/]+\.nix)$/,
  routers: /^[^/]+\/(?:etc\/config\/[^/]+|etc\/dropbear\/authorized_keys|fill-secrets\.awk|deploy\.sh)$/,
};

// ---------------------------------------------------------------------------------------------
// Fault injection, for the fault tests only: HOMELAB_FAULT is a comma list of
//   kill@N        SIGKILL this process at step N (every write, rename, journal update and removal is a step)
//   fail@N:CODE   step N throws the fs error CODE (ENOSPC, EACCES, EPERM, ...)
//   slow:MS       sleep MS milliseconds before every step
//   trace:FILE    append "N name path" per step to FILE
// ---------------------------------------------------------------------------------------------
let stepCount = 0;

/** Restarts the step count (tests that inject faults in-process). @internal */
export function _resetFaultSteps(): void {
  stepCount = 0;
}

function step(name: string, target: string): void {
  const spec = process.env.HOMELAB_FAULT;
  if (!spec) return;
  stepCount++;
  for (const part of spec.split(',')) {
    if (part.startsWith('trace:')) fs.appendFileSync(part.slice('trace:'.length), `${stepCount} ${name} ${target}\n`);
    else if (part.startsWith('slow:')) sleep(Number(part.slice('slow:'.length)));
    else if (part === `kill@${stepCount}`) {
      process.kill(process.pid, 'SIGKILL');
      for (;;) sleep(1000);
    } else {
      const m = /^fail@(\d+):([A-Z]+)$/.exec(part);
      if (m && Number(m[1]) === stepCount) {
        throw fileSystemError(m[2], 'injected fault', target, name);
      }
    }
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---------------------------------------------------------------------------------------------
// Lock
// ---------------------------------------------------------------------------------------------

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

interface LockInfo { readonly pid: number; readonly host: string }

function readLock(file: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof v?.pid === 'number' && typeof v?.host === 'string' ? v : { pid: -1, host: '' };
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    return { pid: -1, host: '' }; // unreadable or half-written by a dead run: stale
  }
}

/** A lock held on another machine (shared folder) cannot be checked: it counts as alive. */
function lockAlive(l: LockInfo): boolean {
  return l.host !== os.hostname() || (l.pid > 0 && pidAlive(l.pid));
}

/** How long a second synth waits for the lock, from `HOMELAB_LOCK_WAIT` (seconds). */
function lockWaitMs(): number {
  const s = Number(process.env.HOMELAB_LOCK_WAIT);
  return Number.isFinite(s) && s >= 0 && process.env.HOMELAB_LOCK_WAIT !== '' ? s * 1000 : 60_000;
}

/** The output root's lock, held by this process until {@link release}. */
export class OutputLock {
  /**
   * Takes the lock of `root`, waiting up to `waitMs` for another run to finish; a lock left by a dead
   * process is taken over. Throws a {@link HomelabOutputError} naming the holder's pid on timeout.
   */
  static acquire(root: string, waitMs: number = lockWaitMs()): OutputLock {
    const file = path.join(root, LOCK_FILE);
    const me = JSON.stringify({ pid: process.pid, host: os.hostname() }) + '\n';
    const deadline = Date.now() + waitMs;
    let n = 0;
    for (;;) {
      // write the whole content first, then link it into place: the lock is never seen half-written
      const candidate = path.join(root, `${LOCK_TMP}${process.pid}-${n++}`);
      fs.writeFileSync(candidate, me);
      try {
        fs.linkSync(candidate, file);
        return new OutputLock(file);
      } catch (e: any) {
        if (e.code !== 'EEXIST') throw e;
      } finally {
        fs.rmSync(candidate, { force: true });
      }
      const holder = readLock(file);
      if (holder === undefined) continue; // released in between
      if (!lockAlive(holder)) {
        // take over a dead run's lock: move it aside, and put it back if it turns out to be a live one
        // that another waiter made in between
        const aside = path.join(root, `${LOCK_TMP}${process.pid}-${n++}`);
        try {
          fs.renameSync(file, aside);
        } catch (e: any) {
          if (e.code === 'ENOENT') continue;
          throw e;
        }
        const moved = readLock(aside);
        if (moved && moved.pid !== holder.pid && lockAlive(moved)) {
          try { fs.linkSync(aside, file); } catch { /* a third run holds it now; it is valid too */ }
        }
        fs.rmSync(aside, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new HomelabOutputError([new HomelabProblem(display(root), 'Output.lock',
          `another homelab run (pid ${holder.pid}${holder.host !== os.hostname() ? ` on ${holder.host}` : ''}) is writing this output root; waited ${+(waitMs / 1000).toFixed(1)} s`,
          holder.pid, `one output root serves one synth at a time: wait for it to finish (HOMELAB_LOCK_WAIT sets the wait in seconds), stop it, or use another --out`)], 'nothing was written');
      }
      sleep(Math.min(100, Math.max(1, deadline - Date.now())));
    }
  }

  private held = true;

  private constructor(readonly file: string) {}

  release(): void {
    if (!this.held) return;
    this.held = false;
    const l = readLock(this.file);
    if (l?.pid === process.pid && l.host === os.hostname()) fs.rmSync(this.file, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Journal
// ---------------------------------------------------------------------------------------------

interface Op {
  /** `backup`: an old owned file into the stage's `old/`; `install`: a new file from `new/` into place. */
  readonly kind: 'backup' | 'install';
  readonly dir: OutputDir;
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
}

interface Journal {
  readonly version: 1;
  /** `forward`: finish the renames; `back`: undo them; `done`: only the cleanup is left. */
  readonly state: 'forward' | 'back' | 'done';
  /** Output folders, relative to the output root (absolute when outside it). */
  readonly targets: Readonly<Record<OutputDir, string>>;
  readonly ops: readonly Op[];
}

class Swap {
  /** Folders this swap has made sure exist (each made once, not once per file). */
  private readonly made = new Set<string>();

  constructor(readonly root: string, readonly stage: string, readonly journal: Journal) {}

  private mkdirOnce(dir: string): void {
    if (this.made.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    this.made.add(dir);
  }

  target(dir: OutputDir): string {
    return path.resolve(this.root, this.journal.targets[dir]);
  }
  staged(which: 'new' | 'old', op: Op): string {
    return path.join(this.stage, which, op.dir, ...op.path.split('/'));
  }
  live(op: Op): string {
    return path.join(this.target(op.dir), ...op.path.split('/'));
  }

  /** Whether an op's forward rename has happened (renames are atomic, so this is exact). */
  done(op: Op): boolean {
    return op.kind === 'backup' ? fs.existsSync(this.staged('old', op)) : !fs.existsSync(this.staged('new', op));
  }

  /** Does an op's rename, unless it is done; `undone`: the caller knows it is not (the swap's first pass). */
  forward(op: Op, undone = false): void {
    if (!undone && this.done(op)) return;
    if (op.kind === 'backup') {
      const live = this.live(op);
      if (!fs.existsSync(live)) return; // already gone: nothing to keep
      const to = this.staged('old', op);
      this.mkdirOnce(path.dirname(to));
      step('rename', live);
      fs.renameSync(live, to);
    } else {
      const to = this.live(op);
      this.mkdirOnce(path.dirname(to));
      if (fs.existsSync(to)) throw fileSystemError('EEXIST', 'a file appeared during the swap', to);
      step('rename', to);
      fs.renameSync(this.staged('new', op), to);
    }
  }

  undo(op: Op): void {
    if (!this.done(op)) return;
    if (op.kind === 'backup') {
      fs.mkdirSync(path.dirname(this.live(op)), { recursive: true });
      step('rename', this.live(op));
      fs.renameSync(this.staged('old', op), this.live(op));
    } else {
      if (!fs.existsSync(this.live(op))) return; // removed by hand since: nothing to take back
      fs.mkdirSync(path.dirname(this.staged('new', op)), { recursive: true });
      step('rename', this.live(op));
      fs.renameSync(this.live(op), this.staged('new', op));
    }
  }

  setState(state: Journal['state']): Swap {
    const next = new Swap(this.root, this.stage, { ...this.journal, state });
    writeJournal(this.stage, next.journal);
    return next;
  }

  /** Runs the journal to its end: forward or back, then removes empty folders and the stage. */
  finish(): void {
    let s: Swap = this;
    if (s.journal.state === 'forward') {
      for (const op of s.journal.ops) s.forward(op);
      s = s.setState('done');
    } else if (s.journal.state === 'back') {
      for (const op of [...s.journal.ops].reverse()) s.undo(op);
      s = s.setState('done');
    }
    s.cleanup();
  }

  /** Removes folders the swap left empty inside the outputs, then the stage. */
  cleanup(): void {
    // each folder once: pruning walks up to the output folder, so the order does not matter
    const dirs = new Map<string, string>();
    for (const op of this.journal.ops) dirs.set(path.dirname(this.live(op)), this.target(op.dir));
    for (const [dir, top] of dirs) pruneEmpty(top, dir);
    removeStage(this.stage);
  }

  /** Which outputs are old, new or in between, for a failure message. */
  describe(): string {
    const state = (dir: OutputDir) => {
      const ops = this.journal.ops.filter((o) => o.dir === dir);
      const n = ops.filter((o) => this.done(o)).length;
      return n === 0 ? 'old' : n === ops.length ? 'new' : 'partly replaced';
    };
    const groups = new Map<string, string[]>();
    for (const d of OUTPUT_DIRS) groups.set(state(d), [...(groups.get(state(d)) ?? []), `${display(this.target(d))}/`]);
    return [...groups].map(([s, dirs]) => `${joinAnd(dirs)} ${dirs.length === 1 ? 'is' : 'are'} ${s}`).join('; ');
  }
}

function writeJournal(stage: string, j: Journal): void {
  const file = path.join(stage, JOURNAL);
  step('journal', file);
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(j));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function readJournal(stage: string): Journal | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(stage, JOURNAL), 'utf8'));
    return j?.version === 1 ? j : undefined;
  } catch {
    return undefined; // no journal: the run died while staging, before touching any output
  }
}

function removeStage(stage: string): void {
  step('remove', stage);
  fs.rmSync(stage, { recursive: true, force: true });
}

/** Removes `dir` and its parents up to (not including) `top` while they are empty. */
function pruneEmpty(top: string, dir: string): void {
  for (let d = dir; d !== top && d.startsWith(top + path.sep); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      return; // not empty (or gone): stop
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Recovery
// ---------------------------------------------------------------------------------------------

/** Whether `root` holds anything a dead run left (cheap: no lock taken). */
function hasLeftovers(root: string): boolean {
  try {
    return fs.readdirSync(root).some((e) => e.startsWith(TMP_PREFIX) || e === LOCK_FILE);
  } catch {
    return false;
  }
}

/** Finishes or undoes an interrupted swap and removes what dead runs left; the caller holds the lock. */
function recoverLocked(root: string): void {
  for (const e of fs.readdirSync(root).sort()) {
    if (!e.startsWith(TMP_PREFIX)) continue;
    const p = path.join(root, e);
    if (e.startsWith(LOCK_TMP)) {
      const pid = Number(/^(\d+)-/.exec(e.slice(LOCK_TMP.length))?.[1]);
      if (!(pid > 0 && pid !== process.pid && pidAlive(pid))) fs.rmSync(p, { force: true });
      continue;
    }
    const journal = readJournal(p);
    const swap = journal ? new Swap(root, p, journal) : undefined;
    try {
      if (swap) swap.finish();
      else removeStage(p);
    } catch (err) {
      throw outputError(err, root, swap ? `an interrupted swap could not be finished: ${swap.describe()}; run the command again once the cause is fixed` : 'nothing was written');
    }
  }
}

/**
 * Makes the outputs under `root` whole again after a killed synth: finishes or undoes its swap and
 * removes its `.homelab-tmp-*`. A no-op (no lock taken) when nothing was left behind. Every
 * `homelab` command runs it first. With `wait` false, a root whose lock a live run holds is left
 * to that run (it repaired the root when it took the lock); with `wait`, the command waits for it
 * like a second synth does (for commands that read the outputs, such as `apply`).
 */
export function recoverOutputs(root: string, options: { readonly wait?: boolean } = {}): void {
  const abs = path.resolve(root);
  if (!hasLeftovers(abs)) return;
  let lock: OutputLock;
  try {
    lock = OutputLock.acquire(abs, options.wait ? lockWaitMs() : 0);
  } catch (e) {
    if (!options.wait && (e as HomelabOutputError).isHomelabOutputError) return;
    throw e;
  }
  try {
    recoverLocked(abs);
  } finally {
    lock.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Staging and the swap
// ---------------------------------------------------------------------------------------------

/** Staged output of one synth: open (lock + recovery), write, commit, close. */
export class StagedOutput {
  /**
   * Takes the output root's lock, repairs what a dead run left, and opens a stage.
   * `targets` maps each output folder to its final place (default `<root>/<name>`).
   */
  static open(root: string, targets: Partial<Record<OutputDir, string>> = {}): StagedOutput {
    const abs = path.resolve(root);
    try {
      fs.mkdirSync(abs, { recursive: true });
    } catch (e) {
      throw outputError(e, abs, 'nothing was written');
    }
    const lock = OutputLock.acquire(abs);
    try {
      recoverLocked(abs);
      const all = Object.fromEntries(OUTPUT_DIRS.map((d) => [d, path.resolve(targets[d] ?? path.join(abs, d))])) as Record<OutputDir, string>;
      return new StagedOutput(abs, all, lock);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  readonly stage: string;
  private closed = false;
  /** Folders of the stage made so far (each made once, not once per file). */
  private readonly made = new Set<string>();

  private constructor(readonly root: string, readonly targets: Readonly<Record<OutputDir, string>>, private readonly lock: OutputLock) {
    try {
      step('mkdir', root);
      this.stage = fs.mkdtempSync(path.join(root, `${TMP_PREFIX}${process.pid}-`));
      for (const d of OUTPUT_DIRS) fs.mkdirSync(this.dir(d), { recursive: true });
    } catch (e) {
      throw outputError(e, root, 'nothing was written');
    }
  }

  /** Directory inside the stage for an output dir (for writers that want a path). */
  dir(name: OutputDir): string {
    return path.join(this.stage, 'new', name);
  }

  write(files: readonly OutputFile[]): void {
    for (const f of files) {
      const target = path.join(this.stage, 'new', ...f.path.split('/'));
      try {
        const dir = path.dirname(target);
        if (!this.made.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          this.made.add(dir);
        }
        step('write', target);
        fs.writeFileSync(target, f.content, { mode: f.mode ?? 0o644 });
        fs.chmodSync(target, f.mode ?? 0o644);
      } catch (e) {
        throw outputError(e, this.root, 'nothing was written', f.path);
      }
    }
  }

  /**
   * Swaps the staged files in: synth's old files out, the new ones in, the `.homelab-owned` lists
   * updated. Throws a {@link HomelabOutputError} saying which outputs are old and which new.
   */
  commit(): void {
    const ops: Op[] = [];
    const conflicts: HomelabProblem[] = [];
    const rootDev = fs.statSync(this.root).dev;
    for (const d of OUTPUT_DIRS) {
      const target = this.targets[d];
      const fresh = listTree(this.dir(d));
      const ownedList = fresh.length > 0 || fs.existsSync(target) ? renderOwned(fresh) : undefined;
      if (ownedList !== undefined) {
        this.write([{ path: `${d}/${OWNED_LIST}`, content: ownedList }]);
        fresh.push(OWNED_LIST);
      }
      const old = ownedFiles(d, target, new Set(fresh));
      const oldSet = new Set(old);
      for (const p of fresh) {
        const problem = conflictAt(target, p, oldSet);
        if (problem) conflicts.push(new HomelabProblem(display(path.join(target, ...p.split('/'))), 'Output.path', problem, p, 'synth writes this path and replaces only files it wrote itself: move your file elsewhere (outside dist/, cdktf.out/, nixos/ and routers/) and run synth again'));
      }
      const parent = existingParent(target);
      if (fs.statSync(parent).dev !== rootDev) {
        conflicts.push(new HomelabProblem(display(target), 'Output.path', 'on another file system than the output root, so it cannot be swapped in atomically', display(target), `keep ${d}/ on the file system of ${display(this.root)} (CDK8S_OUTDIR, CDKTF_OUTDIR)`));
      }
      for (const p of old) ops.push({ kind: 'backup', dir: d, path: p });
      for (const p of fresh) ops.push({ kind: 'install', dir: d, path: p });
    }
    if (conflicts.length > 0) throw new HomelabOutputError(conflicts, 'nothing was written');

    const targets = Object.fromEntries(OUTPUT_DIRS.map((d) => [d, relativeOrAbsolute(this.root, this.targets[d])])) as Record<OutputDir, string>;
    let swap = new Swap(this.root, this.stage, { version: 1, state: 'forward', targets, ops });
    try {
      writeJournal(this.stage, swap.journal);
    } catch (e) {
      throw outputError(e, this.root, 'nothing was written');
    }
    let failedAt: Op | undefined;
    try {
      for (const op of ops) {
        failedAt = op;
        swap.forward(op, true);
      }
      failedAt = undefined;
      swap = swap.setState('done');
    } catch (e) {
      if (failedAt === undefined) {
        // every rename is done; only the journal update failed: the swap is complete
        this.closed = true;
        try { swap.cleanup(); } catch { /* the next command removes the stage */ }
        return;
      }
      throw this.rollBack(swap, e, failedAt);
    }
    this.closed = true;
    try {
      swap.cleanup();
    } catch {
      // the outputs are new; a leftover stage is removed by the next command
    }
  }

  /** Undoes a failed swap; the error says which outputs ended old or new. */
  private rollBack(swap: Swap, cause: unknown, at: Op): HomelabOutputError {
    let s = swap;
    try {
      s = s.setState('back');
    } catch {
      // cannot record it; undo anyway (a kill now rolls forward, which is whole too)
      s = new Swap(s.root, s.stage, { ...s.journal, state: 'back' });
    }
    try {
      for (const op of [...s.journal.ops].reverse()) s.undo(op);
    } catch {
      this.closed = true; // the stage holds the journal the next command finishes
      return outputError(cause, this.root, `the swap failed and could not be undone: ${s.describe()}; the next homelab command finishes undoing it`, `${at.dir}/${at.path}`);
    }
    this.closed = true;
    const outcome = `nothing was replaced: ${s.describe()}`;
    try { s.setState('done').cleanup(); } catch { /* the next command removes the stage */ }
    return outputError(cause, this.root, outcome, `${at.dir}/${at.path}`);
  }

  /** Removes the stage if nothing was swapped, and releases the lock. */
  close(): void {
    try {
      if (!this.closed) {
        this.closed = true;
        removeStage(this.stage);
      }
    } finally {
      this.lock.release();
    }
  }
}

/**
 * Opens a stage under `root`, lets `fill` write into it, and swaps it in; the lock is held
 * throughout and released on every exit.
 */
export function writeOutputs(root: string, targets: Partial<Record<OutputDir, string>>, fill: (out: StagedOutput) => void): void {
  const out = StagedOutput.open(root, targets);
  try {
    fill(out);
    out.commit();
  } finally {
    out.close();
  }
}

/** The files synth owns in an output folder: its `.homelab-owned` list, or the legacy names. */
function ownedFiles(dir: OutputDir, target: string, fresh: ReadonlySet<string>): string[] {
  if (!fs.existsSync(target)) return [];
  const listFile = path.join(target, OWNED_LIST);
  let owned: string[];
  if (fs.existsSync(listFile)) {
    owned = [OWNED_LIST, ...parseOwned(fs.readFileSync(listFile, 'utf8'))];
  } else {
    owned = listTree(target).filter((p) => LEGACY_OWNED[dir].test(p) || fresh.has(p));
  }
  // only what is still there, and only plain files
  return [...new Set(owned)].filter((p) => {
    try {
      return fs.lstatSync(path.join(target, ...p.split('/')), { throwIfNoEntry: false })?.isFile() ?? false;
    } catch {
      return false;
    }
  });
}

/** Why synth may not write `p` in `target`, or undefined. */
function conflictAt(target: string, p: string, owned: ReadonlySet<string>): string | undefined {
  const parts = p.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(path.join(target, ...parts.slice(0, i)), { throwIfNoEntry: false });
    } catch {
      return undefined; // nothing there: free
    }
    if (st === undefined) return undefined; // nothing there: free
    if (i < parts.length) {
      if (st.isDirectory()) continue;
      if (owned.has(rel)) return undefined; // synth's own file, moved out first
      return `a file synth did not write is in the way (${rel})`;
    }
    if (st.isDirectory()) return 'a folder synth did not make is in the way';
    if (!owned.has(rel)) return 'holds a file synth did not write';
  }
  return undefined;
}

const OWNED_HEADER = '# generated by homelab-cdk — do not edit: the files synth wrote in this folder; it replaces or removes only these';

function renderOwned(files: readonly string[]): string {
  return [OWNED_HEADER, ...[...files].sort(byCodePoint)].join('\n') + '\n';
}

function parseOwned(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.split('/').includes('..') && !path.isAbsolute(l));
}

/** Every file below `dir`, relative and `/`-separated, in code-point order. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort(byCodePoint);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function existingParent(p: string): string {
  let d = p;
  while (!fs.existsSync(d)) d = path.dirname(d);
  return d;
}

function relativeOrAbsolute(root: string, p: string): string {
  const r = path.relative(root, p);
  return r.startsWith('..') || path.isAbsolute(r) ? p : r;
}

/** A path as the user would type it: relative to the working directory when below it. */
export function display(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? p : r;
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const FS_ERRORS: Record<string, [string, string]> = {
  ENOSPC: ['no space left on the file system', 'free space there and run synth again'],
  EDQUOT: ['disk quota exceeded', 'free space there and run synth again'],
  EACCES: ['permission denied', 'make the output folders writable by you and run synth again'],
  EPERM: ['not permitted (read-only, immutable or a mount point)', 'make the output folders renamable (chattr -i, a writable mount, not a mount point) and run synth again'],
  EROFS: ['read-only file system', 'write to a writable file system (--out)'],
  EBUSY: ['busy (a mount point?)', 'make the output folders plain folders, not mount points, and run synth again'],
  EXDEV: ['on another file system than the output root', 'keep the output folders on the file system of the output root'],
  EEXIST: ['a file appeared there during the swap', 'do not write into the output folders while synth runs'],
};

/** An fs error during staging or the swap, in the house format, with what became of the outputs. */
function outputError(e: unknown, root: string, outcome: string, rel?: string): HomelabOutputError {
  if ((e as any)?.isHomelabOutputError) return e as HomelabOutputError;
  const code = typeof (e as any)?.code === 'string' ? (e as any).code : undefined;
  const [what, allowed] = (code && FS_ERRORS[code]) ?? [String((e as Error)?.message ?? e).split('\n')[0], 'fix the cause and run synth again'];
  const where = rel !== undefined ? path.join(root, ...rel.split('/')) : (e as any)?.path ?? root;
  return new HomelabOutputError([new HomelabProblem(display(where), `Output.${(e as any)?.syscall ?? 'write'}`, what, code ?? 'error', allowed)], outcome);
}

export { outputError as _outputError };
