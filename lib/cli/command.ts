/**
 * `homelab` command line. Exit codes: 0 success, 1 invalid input (every
 * problem on stderr), 2 usage error, 3 `router diff` found differences.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Homelab, SynthOptions } from '../homelab/homelab';
import { loadProgram } from '../core/program-session';
import { describeFsError, INPUT_LIMITS, InputProblem, readInputText } from '../core/input';
import { describeProgramError, trackProgramSourceMaps } from './program-errors';

const USAGE = `usage: homelab synth [--app FILE | --plans DIR] [--out DIR]
       homelab plan [--app FILE | --plans DIR]
       homelab apply [--out DIR] [--allow-delete-data]
       homelab router diff ROUTER --from FILE [--app FILE | --plans DIR]
       homelab disks discover --from FILE|- [--lock FILE] [--app FILE | --plans DIR]
       homelab restore APP [--snapshot ID] [--out DIR] [--app FILE | --plans DIR]

  synth        write dist/, cdktf.out/, nixos/ and routers/ from the homelab program
  plan         print the bring-up from nothing: outside services, routers, Terraform, NixOS hosts,
               cluster stages, with the command and secrets of each step (writes nothing)
  apply        bring the cluster up from dist/ in one pass: each stage applied once, waiting for
               what the next needs (runs dist/apply.sh; kubectl from PATH or $KUBECTL); then prune
               what no stage declares any more; --allow-delete-data lets that delete PVCs, volumes,
               storage pools and Helm releases (else it stops before applying anything)
  router diff  compare a live router's \`uci export\` (FILE) with what deploy.sh would apply,
               option by option, secrets redacted; exit 0 when equal, 3 when they differ
  disks discover
               read \`kubectl get blockdevices -A -o json\` (FILE, or - for stdin), find the BlockDevice
               of every storage-pool disk, write the lock (default storage.lock.json) and report
               missing disks and disks with stale labels (with the wipe commands, never run);
               exit 0 when every disk is locked, 3 when some are missing
  restore      write the one-off Job that restores APP from its own restic repository (the latest
               snapshot of each part, or --snapshot ID, which must be one of APP's own) to
               DIR/restore-APP-<ID|latest>.k8s.yaml, and print the commands that run it
  --app FILE   the homelab program (default apps/main.ts)
  --plans DIR  a CSV plan folder instead (hosts.csv, k3s.csv, network.yaml; ssh keys in DIR/../secrets/<admin>.pub)
  --out DIR    output root (default .); for restore, the folder of the Job file
`;

class UsageError extends Error {}

interface Args { app?: string; plans?: string; out: string; from?: string; lock?: string; snapshot?: string; positional: string[] }

const FLAGS: Record<string, 'app' | 'plans' | 'out' | 'from' | 'lock' | 'snapshot'> = { '--app': 'app', '--plans': 'plans', '--out': 'out', '--from': 'from', '--lock': 'lock', '--snapshot': 'snapshot' };

function parseArgs(args: string[], allowed: readonly string[]): Args {
  const result: Args = { out: '.', positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { result.positional.push(a); continue; }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (!(flag in FLAGS) || !allowed.includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    result[FLAGS[flag]] = value;
  }
  if (result.app !== undefined && result.plans !== undefined) throw new UsageError('--app and --plans are alternatives; give one');
  if (result.plans === undefined) result.app ??= 'apps/main.ts';
  return result;
}

/**
 * Finishes or undoes a swap a killed synth left under `root` and removes its `.homelab-tmp-*`
 * (every command runs this first; a no-op when nothing was left).
 */
function recover(root: string, wait = false): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { recoverOutputs } = require('../synth/output') as typeof import('../synth/output');
  recoverOutputs(root, { wait });
}

function isOutputError(e: unknown): e is { problems: { message: string }[]; outcome: string } {
  return typeof e === 'object' && e !== null && (e as any).isHomelabOutputError === true;
}

function isValidationError(e: unknown): e is { problems: { message: string }[] } {
  return typeof e === 'object' && e !== null && (e as any).isHomelabValidationError === true;
}

/** Problems with the files a command reads or writes, as a validation error: exit 1, house format. */
function invalid(problems: readonly InputProblem[]): Error {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { HomelabProblem, HomelabValidationError } = require('../core/errors') as typeof import('../core/errors');
  return new HomelabValidationError(problems.map((q) => new HomelabProblem(q.path, q.field, q.problem, q.value, q.allowed)));
}

/** The text of an input file (or stdin for 0), or an exit-1 problem naming it. */
function inputText(file: string | 0, display: string, field: string, maxBytes: number): string {
  const r = readInputText(file, display, field, maxBytes);
  if (r.problem) throw invalid([r.problem]);
  return r.text;
}

/** Writes `file` through a temporary file and a rename; on failure removes the temporary file and throws an exit-1 problem. */
function writeAtomically(file: string, text: string, field: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const { what, todo } = describeFsError(e);
    throw invalid([{ path: file, field, problem: `cannot be written: ${what}`, value: (e as NodeJS.ErrnoException).code ?? String(e), allowed: todo }]);
  }
}

/** The program's Homelab, and the options of its own `synth()` call (undefined when it made none). */
interface Program { lab: Homelab; synth?: SynthOptions }

/**
 * The homelab of a program or a plan folder. Plans are plain data (no tsx). A program is loaded
 * through tsx with a program session open (core/program-session.ts): the Homelab it builds joins
 * the session, and its `synth()` call hands it over instead of writing; the command synthesizes it
 * or reads its model afterwards. A program that builds no Homelab or more than one is an error.
 */
function loadHomelab(args: Args): Program {
  if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
  if (args.plans !== undefined) {
    if (!fs.existsSync(args.plans) || !fs.statSync(args.plans).isDirectory()) throw new UsageError(`plans folder ${JSON.stringify(args.plans)} not found`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Homelab: HomelabClass } = require('../homelab/homelab') as typeof import('../homelab/homelab');
    return { lab: HomelabClass.fromPlans(args.plans) };
  }
  const app = path.resolve(args.app!);
  if (!fs.existsSync(app)) throw new UsageError(`app ${JSON.stringify(args.app)} not found`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('tsx/cjs/api').register();
  // tsx turns source maps on; every cdktf token captures a stack trace, and mapping
  // those costs a large share of synth. HOMELAB_DEBUG=1 keeps them for debugging.
  if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
  // ...but the user's own files keep a map, so their errors name their lines (lib/ or build/ is ours)
  if (!process.env.HOMELAB_DEBUG) trackProgramSourceMaps([path.join(__dirname, '..', '..', 'lib'), path.join(__dirname, '..', '..', 'build')]);
  // run the program file itself each time, also when this process loaded it before (main() called twice)
  delete require.cache[app];
  const built = loadProgram<Homelab, SynthOptions>(args.app!, () => require(app));
  if (built.length !== 1) {
    const names = built.map((b) => (b.homelab as Homelab).model.name);
    throw invalid([{
      path: args.app!,
      field: 'Program.homelab',
      problem: built.length === 0 ? 'builds no Homelab' : `builds ${built.length} Homelabs`,
      value: built.length === 0 ? undefined : names,
      allowed: built.length === 0
        ? 'a program that builds one Homelab (new Homelab({ inventory }) or Homelab.fromPlans(dir)) and calls its synth()'
        : 'one Homelab per program: give each homelab a program file of its own',
    }]);
  }
  return { lab: built[0].homelab, synth: built[0].synth };
}

function synth(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--app', '--plans', '--out']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  recover(args.out);
  const { lab, synth: options } = loadHomelab(args);
  // the program's own synth() options (e.g. an outdir of its choice) win over --out
  lab.synth({ ...options, outdir: options?.outdir ?? args.out });
  io.out(`homelab: wrote dist/, cdktf.out/, nixos/, routers/${args.plans !== undefined ? ` from plans ${args.plans}` : ''} under ${path.resolve(options?.outdir ?? args.out)}\n`);
  return 0;
}

function routerDiff(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--app', '--plans', '--from']);
  const [sub, name, ...extra] = args.positional;
  if (sub !== 'diff') throw new UsageError(sub ? `unknown router command ${JSON.stringify(sub)}` : 'router needs a command: diff');
  if (!name) throw new UsageError('router diff needs a router name');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!args.from) throw new UsageError('router diff needs --from FILE (the router\'s `uci export` output)');
  if (!fs.existsSync(args.from)) throw new UsageError(`file ${JSON.stringify(args.from)} not found`);
  const from = args.from;
  const text = inputText(from, from, 'RouterDiff.from', INPUT_LIMITS.routerExportBytes);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parseUciExport, UciParseError } = require('../uci/parse') as typeof import('../uci/parse');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let live: ReturnType<typeof parseUciExport>;
  try {
    live = parseUciExport(text);
  } catch (e) {
    if (!(e instanceof UciParseError)) throw e;
    // the line itself may hold a secret: name it, never show it
    throw invalid([{ path: `${from}:${e.line}`, field: 'RouterDiff.from', problem: `not uci export output: ${e.reason}`, value: undefined, allowed: 'the unchanged output of ssh root@<router> uci export' }]);
  }
  const sections = live.reduce((n, p) => n + p.sections.length, 0);
  if (sections > INPUT_LIMITS.routerSections) {
    throw invalid([{ path: from, field: 'RouterDiff.from', problem: `more sections than the limit of ${INPUT_LIMITS.routerSections}`, value: sections, allowed: 'one router\'s uci export (README "Input limits")' }]);
  }
  recover(process.env.HOMELAB_OUT ?? '.');
  const { lab } = loadHomelab(args);
  const r = lab.model.routers.find((x) => x.name === name);
  if (r === undefined) throw new UsageError(`no router ${JSON.stringify(name)}; the homelab has ${JSON.stringify(lab.model.routers.map((x) => x.name))}`);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { routerPackages } = require('../homelab/router/packages') as typeof import('../homelab/router/packages');
  const { diffRouter, formatRouterDiff } = require('./router-drift') as typeof import('./router-drift');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const diff = diffRouter(routerPackages(lab.model, r), live);
  io.out(formatRouterDiff(diff, r.name));
  return diff.differences.length === 0 ? 0 : 3;
}

function plan(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--app', '--plans']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { formatBringUp } = require('./bring-up') as typeof import('./bring-up');
  recover(process.env.HOMELAB_OUT ?? '.');
  const { lab } = loadHomelab(args);
  lab.validate();
  io.out(formatBringUp(lab.model, lab.applyOrder()));
  return 0;
}

function apply(rest: string[], io: Io): number {
  // --allow-delete-data goes to apply.sh: pruning may then delete PVCs, volumes, pools and Helm releases
  const allowDeleteData = rest.includes('--allow-delete-data');
  const args = parseArgs(rest.filter((a) => a !== '--allow-delete-data'), ['--out']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { k8sApplyCommand } = require('../synth/apply-order') as typeof import('../synth/apply-order');
  recover(args.out, true);
  const { command, args: argv } = k8sApplyCommand(args.out);
  if (!fs.existsSync(argv[argv.length - 1])) throw new UsageError(`${path.relative('.', argv[argv.length - 1]) || argv[argv.length - 1]} not found: run homelab synth first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const r = spawnSync(command, allowDeleteData ? [...argv, '--allow-delete-data'] : argv, { stdio: 'inherit' });
  if (r.error) { io.err(`homelab: cannot run ${command}: ${r.error.message}\n`); return 1; }
  return r.status ?? 1;
}

function disksDiscover(rest: string[], io: Io): number {
  // `--from -` reads stdin: take it before the generic parser sees the lone "-"
  const i = rest.findIndex((a, j) => a === '-' && rest[j - 1] === '--from');
  const fromStdin = i >= 0;
  const args = parseArgs(fromStdin ? [...rest.slice(0, i - 1), ...rest.slice(i + 1)] : rest, ['--app', '--plans', '--from', '--lock']);
  const [sub, ...extra] = args.positional;
  if (sub !== 'discover') throw new UsageError(sub ? `unknown disks command ${JSON.stringify(sub)}` : 'disks needs a command: discover');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (!fromStdin && !args.from) throw new UsageError('disks discover needs --from FILE (or - for stdin): the output of kubectl get blockdevices -A -o json');
  if (!fromStdin && !fs.existsSync(args.from!)) throw new UsageError(`file ${JSON.stringify(args.from)} not found`);
  const text = inputText(fromStdin ? 0 : args.from!, fromStdin ? 'stdin' : args.from!, 'blockdevices', INPUT_LIMITS.jsonBytes);
  recover(process.env.HOMELAB_OUT ?? '.');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { discoverFromText, formatDiscoverReport } = require('./discover') as typeof import('./discover');
  const { parseLock, renderLock, STORAGE_LOCK_FILE } = require('../model/storage-lock') as typeof import('../model/storage-lock');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const lockFile = args.lock ?? STORAGE_LOCK_FILE;
  // a lock this version cannot read (broken, old, not UTF-8) is replaced, saying so; one it cannot touch stops here
  let previous: ReturnType<typeof parseLock> | undefined;
  let replacing: string | undefined;
  if (fs.existsSync(lockFile)) {
    const read = readInputText(lockFile, lockFile, 'StorageLock', INPUT_LIMITS.jsonBytes);
    let replaceable = true;
    try {
      fs.accessSync(lockFile, fs.constants.R_OK | fs.constants.W_OK);
      replaceable = !fs.statSync(lockFile).isDirectory();
    } catch {
      replaceable = false;
    }
    if (read.problem && !replaceable) throw invalid([read.problem]);
    try {
      if (read.problem) throw invalid([read.problem]);
      previous = parseLock(read.text, lockFile);
    } catch (e) {
      replacing = isValidationError(e) ? e.problems.map((p) => p.message).join('; ') : (e as Error).message;
    }
  }
  const { lab } = loadHomelab(args);
  const result = discoverFromText(text, fromStdin ? 'stdin' : args.from!, lab.model, { previous });
  if (replacing !== undefined) io.err(`homelab: cannot read the existing lock, so it is replaced by what was discovered now (git has the old one): ${replacing}\n`);
  writeAtomically(lockFile, renderLock(result.lock), 'StorageLock');
  io.out(formatDiscoverReport(result));
  io.out(`homelab: wrote ${lockFile} (${result.lock.disks.length} disk${result.lock.disks.length === 1 ? '' : 's'})\n`);
  return result.missing.length === 0 ? 0 : 3;
}

function restore(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--app', '--plans', '--out', '--snapshot']);
  const [name, ...extra] = args.positional;
  if (!name) throw new UsageError('restore needs an app name');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (args.snapshot !== undefined && !/^[0-9a-f]{8,64}$/.test(args.snapshot)) {
    throw new UsageError(`--snapshot ${JSON.stringify(args.snapshot)} is not a restic snapshot id; 8 to 64 lowercase hex digits, as restic snapshots prints them`);
  }
  const out = args.out;
  recover(process.env.HOMELAB_OUT ?? '.');
  const apps = loadHomelab(args).lab.model.apps;
  const app = apps.find((a) => a.name === name);
  if (!app) throw new UsageError(`no app ${JSON.stringify(name)}; the homelab has ${JSON.stringify(apps.map((a) => a.name))}`);
  if (!app.backup) throw new UsageError(`app ${JSON.stringify(name)} has no backup; apps with backup: ${JSON.stringify(apps.filter((a) => a.backup).map((a) => a.name))}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { restoreManifest } = require('../homelab/restore') as typeof import('../homelab/restore');
  const m = restoreManifest(app, { snapshot: args.snapshot });
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, m.fileName);
  writeAtomically(file, m.yaml, 'restore');
  io.out(`homelab: wrote ${file}: restores ${app.name} (${app.backup.parts.join(', ')}) from ${app.backup.repository}, snapshot ${args.snapshot ?? 'latest of each part'}\n`);
  io.out(`Volumes are emptied before their snapshot is restored; ${app.database?.engine === 'postgresql' ? 'the database dump is loaded in one transaction' : app.database ? 'the database is replaced' : 'there is no database'}. Run:\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { shellCommand } = require('../core/shell') as typeof import('../core/shell');
  for (const argv of m.argv) io.out(`  ${shellCommand(argv.map((w) => (w === m.fileName ? file : w)))}\n`);
  return 0;
}

interface Io { err: (s: string) => void; out: (s: string) => void }

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: Io = { err: (s) => process.stderr.write(s), out: (s) => process.stdout.write(s) }): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { io.out(USAGE); return 0; }
  try {
    if (command === 'synth') return synth(rest, io);
    if (command === 'router') return routerDiff(rest, io);
    if (command === 'plan') return plan(rest, io);
    if (command === 'apply') return apply(rest, io);
    if (command === 'disks') return disksDiscover(rest, io);
    if (command === 'restore') return restore(rest, io);
    throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command');
  } catch (e) {
    if (e instanceof UsageError) { io.err(`homelab: ${e.message}\n${USAGE}`); return 2; }
    if (isOutputError(e)) {
      io.err(`homelab: ${command} failed; ${e.outcome}\n`);
      for (const p of e.problems) io.err(`  ${p.message}\n`);
      return 1;
    }
    const what = command === 'router' ? 'nothing was compared' : command === 'plan' ? 'no plan was printed' : 'nothing was written';
    if (isValidationError(e)) {
      io.err(`homelab: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; ${what}\n`);
      for (const p of e.problems) io.err(`  ${p.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === 'string' && typeof err.path === 'string') {
      // a file system error: which file, what happened, what to do
      const { what: happened, todo } = describeFsError(err);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { problem, shown } = require('../core/errors') as typeof import('../core/errors');
      const found = problem(err.path, command, happened, shown(`${JSON.stringify(err.code)}${err.syscall ? ` from ${err.syscall}` : ''}`), todo);
      io.err(`homelab: 1 problem; ${what}\n  ${found.message}\n`);
      return 1;
    }
    // the user's own error first, at their file:line (a syntax error as esbuild's message, without its stack)
    const own = describeProgramError(e);
    if (own !== undefined) {
      const more = process.env.HOMELAB_DEBUG ? `  ${err?.stack ?? String(e)}` : '  (set HOMELAB_DEBUG=1 for the full stack trace)';
      io.err(`homelab: ${command} failed; ${what}\n  ${own.split('\n').join('\n  ')}\n${more}\n`);
      return 1;
    }
    const detail = process.env.HOMELAB_DEBUG ? (err?.stack ?? String(e)) : `${err?.message ?? String(e)}\n  (set HOMELAB_DEBUG=1 for the stack trace)`;
    io.err(`homelab: ${command} failed; ${what}\n  ${detail}\n`);
    return 1;
  }
}
