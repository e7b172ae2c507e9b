/**
 * Runs a container's program the way the cluster would: its command and environment taken from a
 * synthesized manifest, each `secretKeyRef` resolved from a map of test values.
 */
import { spawn } from 'child_process';
import * as path from 'path';

export interface Env { [k: string]: string }
export interface Run { status: number; stdout: string; stderr: string }

/** The pod spec of a Deployment, StatefulSet, Job or CronJob. */
export const podOf = (o: any): any => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);

/**
 * A container's command and env from a pod spec (a container, else an init container, of that
 * name), each secretKeyRef (key `value`) resolved from `secrets`.
 */
export function containerRun(pod: any, name: string, secrets: Readonly<Record<string, string>>, kind?: 'containers' | 'initContainers'): { argv: string[]; env: Env } {
  const kinds = kind ? [kind] : ['containers', 'initContainers'];
  const c = kinds.map((k) => (pod[k] as any[] | undefined)?.find((x) => x.name === name)).find((x) => x);
  if (!c) throw new Error(`no ${kinds.join(' or ')} entry named ${name}`);
  const env: Env = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      if (ref.key !== 'value' || !(ref.name in secrets)) throw new Error(`unexpected secret reference ${JSON.stringify(ref)} for ${e.name}`);
      env[e.name] = secrets[ref.name];
    } else throw new Error(`unexpected env source for ${e.name}`);
  }
  return { argv: c.command, env };
}

/** Where a program runs on this machine instead of in its pod. */
export interface MachinePlaces {
  /** The repository restic uses here (a folder, or s3rver's endpoint with the same bucket and app path). */
  readonly repository: string;
  /** The folder holding the app's volumes, each in a folder of its name. */
  readonly volumes: string;
  /** A scratch folder: HOME, TMPDIR, `tools/` (first on PATH) and restic's cache. */
  readonly dir: string;
  /** restic's cache folder. @default `<dir>/cache` */
  readonly cache?: string;
}

/** A container's environment with this machine's places in place of the pod's (PATH, repository, volumes, tools, HOME, TMPDIR, cache). */
export function onThisMachine(env: Env, at: MachinePlaces): Env {
  return {
    ...env,
    PATH: process.env.PATH!,
    RESTIC_REPOSITORY: at.repository,
    HOMELAB_VOLUMES_DIR: at.volumes,
    HOMELAB_TOOLS: path.join(at.dir, 'tools'),
    RESTIC_CACHE_DIR: at.cache ?? path.join(at.dir, 'cache'),
    HOME: at.dir,
    TMPDIR: at.dir,
  };
}

/** Runs argv with exactly `env`, asynchronously (a writer keeps running meanwhile). */
export function run(argv: string[], env: Env): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(argv[0], argv.slice(1), { env: env as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** A process that keeps committing transactions to a database. */
export interface Writer {
  /** Transactions committed so far. */
  count(): number;
  stop(): Promise<void>;
}

/**
 * Runs `argv` once `writer` has committed `warmup` transactions, then stops the writer (also on
 * failure). Returns the run and the writer's count just before and just after it.
 */
export async function runWhileWriting(writer: Writer, warmup: number, argv: string[], env: Env, beforeRun: () => void = () => undefined): Promise<{ result: Run; before: number; after: number }> {
  try {
    while (writer.count() < warmup) await new Promise((r) => setTimeout(r, 20));
    beforeRun();
    const before = writer.count();
    const result = await run(argv, env);
    return { result, before, after: writer.count() };
  } finally {
    await writer.stop();
  }
}
