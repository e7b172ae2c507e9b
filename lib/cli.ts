/**
 * `homelab` command line. Exit codes: 0 success, 1 invalid input (every
 * problem on stderr), 2 usage error, 3 `router diff` found differences.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Homelab } from './homelab';

const USAGE = `usage: homelab synth [--app FILE | --plans DIR] [--out DIR]
       homelab plan [--app FILE | --plans DIR]
       homelab apply [--out DIR]
       homelab router diff ROUTER --from FILE [--app FILE | --plans DIR]
       homelab disks discover --from FILE|- [--lock FILE] [--app FILE | --plans DIR]
       homelab restore APP [--snapshot ID] [--out DIR] [--app FILE | --plans DIR]

  synth        write dist/, cdktf.out/, nixos/ and routers/ from the homelab program
  plan         print the bring-up from nothing: outside services, routers, Terraform, NixOS hosts,
               cluster stages, with the command and secrets of each step (writes nothing)
  apply        bring the cluster up from dist/ in one pass: each stage applied once, waiting for
               what the next needs (runs dist/apply.sh; kubectl from PATH or $KUBECTL)
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

function isValidationError(e: unknown): e is { problems: { message: string }[] } {
  return typeof e === 'object' && e !== null && (e as any).isHomelabValidationError === true;
}

/** Marks the process as inspecting: a program's own `synth()` call validates but writes nothing. */
const INSPECT = Symbol.for('homelab-cdk.inspect');

/**
 * The homelabs of a program or a plan folder. Plans are plain data (no tsx);
 * a program is loaded through tsx, and the Homelabs it created are collected
 * from the process-wide registry.
 */
function loadHomelabs(args: Args, inspect: boolean): Homelab[] {
  if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
  if (args.plans !== undefined) {
    if (!fs.existsSync(args.plans) || !fs.statSync(args.plans).isDirectory()) throw new UsageError(`plans folder ${JSON.stringify(args.plans)} not found`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Homelab: HomelabClass } = require('./homelab') as typeof import('./homelab');
    return [HomelabClass.fromPlans(args.plans)];
  }
  const app = path.resolve(args.app!);
  if (!fs.existsSync(app)) throw new UsageError(`app ${JSON.stringify(args.app)} not found`);
  process.env.HOMELAB_OUT = path.resolve(args.out);
  if (inspect) (globalThis as any)[INSPECT] = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('tsx/cjs/api').register();
  // tsx turns source maps on; every cdktf token captures a stack trace, and mapping
  // those costs a large share of synth. HOMELAB_DEBUG=1 keeps them for debugging.
  if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
  require(app);
  const instances: Homelab[] = (globalThis as any)[Symbol.for('homelab-cdk.instances')] ?? [];
  if (instances.length === 0) throw new Error(`${args.app} created no Homelab`);
  return instances;
}

function synth(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--app', '--plans', '--out']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  for (const lab of loadHomelabs(args, false)) if (!lab.isSynthesized) lab.synth({ outdir: args.out });
  io.out(`homelab: wrote dist/, cdktf.out/, nixos/, routers/${args.plans !== undefined ? ` from plans ${args.plans}` : ''} under ${path.resolve(args.out)}\n`);
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
  const labs = loadHomelabs(args, true);
  const found = labs.flatMap((lab) => lab.model.routers.filter((r) => r.name === name).map((r) => ({ lab, r })));
  if (found.length === 0) {
    throw new UsageError(`no router ${JSON.stringify(name)}; the homelab has ${JSON.stringify(labs.flatMap((l) => l.model.routers.map((r) => r.name)))}`);
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { routerPackages } = require('./emitters/uci/router') as typeof import('./emitters/uci/router');
  const { parseUciExport } = require('./emitters/uci/parse') as typeof import('./emitters/uci/parse');
  const { diffRouter, formatRouterDiff } = require('./emitters/uci/diff') as typeof import('./emitters/uci/diff');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { lab, r } = found[0];
  const live = parseUciExport(fs.readFileSync(args.from, 'utf8'));
  const diff = diffRouter(routerPackages(lab.model, r), live);
  io.out(formatRouterDiff(diff, r.name));
  return diff.differences.length === 0 ? 0 : 3;
}

function plan(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--app', '--plans']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { formatPlan } = require('./plan') as typeof import('./plan');
  for (const lab of loadHomelabs(args, true)) {
    lab.validate();
    io.out(formatPlan(lab.model, lab.applyPlan()));
  }
  return 0;
}

function apply(rest: string[], io: Io): number {
  const args = parseArgs(rest, ['--out']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { k8sApplyCommand } = require('./emitters/k8s/apply') as typeof import('./emitters/k8s/apply');
  const { command, args: argv } = k8sApplyCommand(args.out);
  if (!fs.existsSync(argv[argv.length - 1])) throw new UsageError(`${path.relative('.', argv[argv.length - 1]) || argv[argv.length - 1]} not found: run homelab synth first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const r = spawnSync(command, argv, { stdio: 'inherit' });
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
  const text = fs.readFileSync(fromStdin ? 0 : args.from!, 'utf8');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { discoverFromText, formatDiscoverReport } = require('./storage/discover') as typeof import('./storage/discover');
  const { parseLock, renderLock, STORAGE_LOCK_FILE } = require('./storage/lock') as typeof import('./storage/lock');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const lockFile = args.lock ?? STORAGE_LOCK_FILE;
  const previous = fs.existsSync(lockFile) ? parseLock(fs.readFileSync(lockFile, 'utf8'), lockFile) : undefined;
  const labs = loadHomelabs(args, true);
  if (labs.length !== 1) throw new UsageError(`the program creates ${labs.length} homelabs; disks discover needs exactly one`);
  const result = discoverFromText(text, fromStdin ? 'stdin' : args.from!, labs[0].model, { previous });
  const tmp = `${lockFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, renderLock(result.lock));
  fs.renameSync(tmp, lockFile);
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
  const labs = loadHomelabs({ ...args, out: '.' }, true);
  const apps = labs.flatMap((lab) => lab.model.apps);
  const app = apps.find((a) => a.name === name);
  if (!app) throw new UsageError(`no app ${JSON.stringify(name)}; the homelab has ${JSON.stringify(apps.map((a) => a.name))}`);
  if (!app.backups) throw new UsageError(`app ${JSON.stringify(name)} has no backup; apps with backup: ${JSON.stringify(apps.filter((a) => a.backups).map((a) => a.name))}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { restoreManifest } = require('./constructs/restic-backed-app') as typeof import('./constructs/restic-backed-app');
  const m = restoreManifest(app, { snapshot: args.snapshot });
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, m.fileName);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, m.yaml);
  fs.renameSync(tmp, file);
  io.out(`homelab: wrote ${file}: restores ${app.name} (${app.backups.parts.join(', ')}) from ${app.backups.repository}, snapshot ${args.snapshot ?? 'latest of each part'}\n`);
  io.out(`Volumes are emptied before their snapshot is restored; ${app.db?.engine === 'postgresql' ? 'the database dump is loaded in one transaction' : app.db ? 'the database is replaced' : 'there is no database'}. Run:\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { shellCommand } = require('./private/shell') as typeof import('./private/shell');
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
    const what = command === 'synth' ? 'nothing was written' : 'nothing was compared';
    if (isValidationError(e)) {
      io.err(`homelab: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; ${what}\n`);
      for (const p of e.problems) io.err(`  ${p.message}\n`);
      return 1;
    }
    io.err(`homelab: ${command} failed; ${what}\n  ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
