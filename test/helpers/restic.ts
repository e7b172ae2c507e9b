/**
 * Small wrappers around the restic CLI for tests: /usr/bin/restic when there,
 * else restic from PATH. Gate tests with `itWithRestic()`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { hasTool, itWith } from './tools';

export interface ResticResult {
  /** null when restic was killed by a signal */
  readonly status: number | null;
  readonly stdout: string;
  /** stdout as bytes, for `restic dump` of binary data */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

export interface ResticSnapshot {
  readonly id: string;
  readonly short_id: string;
  /** restic leaves the field out when a snapshot has no tags */
  readonly tags: readonly string[];
  readonly paths: readonly string[];
  readonly hostname: string;
  /** RFC 3339 with nanoseconds, as restic prints it */
  readonly time: string;
}

export interface ResticOptions {
  /** fed to restic's stdin, e.g. for `backup --stdin` */
  readonly input?: string | Buffer;
}

export function resticBin(): string {
  return fs.existsSync('/usr/bin/restic') ? '/usr/bin/restic' : 'restic';
}

let available: boolean | undefined;

export function hasRestic(): boolean {
  available ??= spawnSync(resticBin(), ['version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/**
 * `itWith('restic')` with a probe that restic 0.14 answers: it has no
 * `--version` flag (exit 1, "unknown flag"), only the `version` command, so
 * the default probe would skip it, or fail under HOMELAB_REQUIRE_TOOLS.
 * hasTool caches by tool name, so probing first decides what itWith sees.
 */
export function itWithRestic(): jest.It {
  hasTool('restic', ['version']);
  return itWith('restic');
}

/** Runs restic with `env` over this process' env; never throws on a non-zero exit. */
export function restic(args: readonly string[], env: Readonly<Record<string, string>>, options: ResticOptions = {}): ResticResult {
  const r = spawnSync(resticBin(), [...args], {
    env: { ...process.env, ...env },
    input: options.input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return {
    status: r.status,
    stdout: r.stdout.toString('utf8'),
    stdoutBytes: r.stdout,
    stderr: r.stderr.toString('utf8'),
  };
}

/**
 * `restic snapshots --json`; with tags, only the snapshots that carry every
 * one of them. Throws when restic fails.
 */
export function snapshots(env: Readonly<Record<string, string>>, tags: readonly string[] = [], args: readonly string[] = []): ResticSnapshot[] {
  const tagArgs = tags.length > 0 ? ['--tag', tags.join(',')] : [];
  const r = restic([...args, 'snapshots', '--json', ...tagArgs], env);
  if (r.status !== 0) throw new Error(`restic snapshots failed (exit ${r.status}):\n${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as Array<Partial<ResticSnapshot>> | null;
  return (parsed ?? []).map((s) => ({
    id: s.id!,
    short_id: s.short_id!,
    tags: s.tags ?? [],
    paths: s.paths ?? [],
    hostname: s.hostname!,
    time: s.time!,
  }));
}
