/**
 * `homelab` command line. Exit codes: 0 success, 1 invalid input (every
 * problem on stderr), 2 usage error.
 */
import * as fs from 'fs';
import * as path from 'path';

const USAGE = `usage: homelab synth [--app FILE | --plans DIR] [--out DIR]

  synth        write dist/, cdktf.out/, nixos/ and routers/ from the homelab program
  --app FILE   the homelab program (default apps/main.ts)
  --plans DIR  a CSV plan folder instead (hosts.csv, k3s.csv, network.yaml; ssh keys in DIR/../secrets/<admin>.pub)
  --out DIR    output root (default .)
`;

class UsageError extends Error {}

interface SynthArgs { app?: string; plans?: string; out: string }

const FLAGS: Record<string, keyof SynthArgs> = { '--app': 'app', '--plans': 'plans', '--out': 'out' };

function parseSynthArgs(args: string[]): SynthArgs {
  const result: SynthArgs = { out: '.' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (!(flag in FLAGS)) throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
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

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: { err: (s: string) => void; out: (s: string) => void } = { err: (s) => process.stderr.write(s), out: (s) => process.stdout.write(s) }): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') { io.out(USAGE); return 0; }
  try {
    if (command !== 'synth') throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command');
    const args = parseSynthArgs(rest);
    if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
    if (args.plans !== undefined) {
      if (!fs.existsSync(args.plans) || !fs.statSync(args.plans).isDirectory()) throw new UsageError(`plans folder ${JSON.stringify(args.plans)} not found`);
      // Plain data: no user program to load, so no tsx.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Homelab } = require('./homelab') as typeof import('./homelab');
      Homelab.fromPlans(args.plans).synth({ outdir: args.out });
      io.out(`homelab: wrote dist/, cdktf.out/, nixos/, routers/ from plans ${args.plans} under ${path.resolve(args.out)}\n`);
      return 0;
    }
    const app = path.resolve(args.app!);
    if (!fs.existsSync(app)) throw new UsageError(`app ${JSON.stringify(args.app)} not found`);
    process.env.HOMELAB_OUT = path.resolve(args.out);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('tsx/cjs/api').register();
    // tsx turns source maps on; every cdktf token captures a stack trace, and mapping
    // those costs a large share of synth. HOMELAB_DEBUG=1 keeps them for debugging.
    if (!process.env.HOMELAB_DEBUG) process.setSourceMapsEnabled(false);
    require(app);
    const instances: any[] = (globalThis as any)[Symbol.for('homelab-cdk.instances')] ?? [];
    if (instances.length === 0) throw new Error(`${args.app} created no Homelab`);
    for (const lab of instances) if (!lab.isSynthesized) lab.synth({ outdir: args.out });
    io.out(`homelab: wrote dist/, cdktf.out/, nixos/, routers/ under ${path.resolve(args.out)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) { io.err(`homelab: ${e.message}\n${USAGE}`); return 2; }
    if (isValidationError(e)) {
      io.err(`homelab: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}; nothing was written\n`);
      for (const p of e.problems) io.err(`  ${p.message}\n`);
      return 1;
    }
    io.err(`homelab: synth failed; nothing was written\n  ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
