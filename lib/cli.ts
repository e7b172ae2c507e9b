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

  synth        write dist/, cdktf.out/, nixos/ and routers/ from the homelab program
  plan         print the bring-up from nothing: outside services, routers, Terraform, NixOS hosts,
               cluster stages, with the command and secrets of each step (writes nothing)
  apply        bring the cluster up from dist/ in one pass: each stage applied once, waiting for
               what the next needs (runs dist/apply.sh; kubectl from PATH or $KUBECTL)
  router diff  compare a live router's \`uci export\` (FILE) with what deploy.sh would apply,
               option by option, secrets redacted; exit 0 when equal, 3 when they differ
  --app FILE   the homelab program (default apps/main.ts)
  --plans DIR  a CSV plan folder instead (hosts.csv, k3s.csv, network.yaml; ssh keys in DIR/../secrets/<admin>.pub)
  --out DIR    output root (default .)
`;

class UsageError extends Error {}

interface Args { app?: string; plans?: string; out: string; from?: string; positional: string[] }

const FLAGS: Record<string, 'app' | 'plans' | 'out' | 'from'> = { '--app': 'app', '--plans': 'plans', '--out': 'out', '--from': 'from' };

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
