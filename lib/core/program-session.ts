/**
 * How a homelab program hands its `Homelab` to the `homelab` command (README "The command").
 *
 * While the command loads a program (`--app FILE`) it opens a session. Each `Homelab` built
 * during the load joins it, and `synth()` hands that homelab over instead of writing. Once the
 * program has finished, the command checks that it built exactly one Homelab and then
 * synthesizes it (`homelab synth`) or reads its model (`plan`, `router diff`, `disks discover`,
 * `restore`). With no session open (plain `node`/`tsx`, jest, the cdk8s or cdktf CLIs running
 * your own program), nothing is recorded and `synth()` writes.
 *
 * The session lives on `globalThis` under a `Symbol.for` key only from the start of the load to
 * its end, so a program that loads another copy of this library than the command's (its own
 * `node_modules/homelab-cdk`, or `lib/` while the command runs from `build/`) still hands over.
 */
import { fail } from './errors';

/** The version of this hand-off; a copy of the library speaking another one fails loudly. */
export const PROGRAM_SESSION_VERSION = 1;

const SESSION = Symbol.for('homelab-cdk.program-session');

/** One Homelab built while the program loaded. */
export interface HandedOverHomelab<H extends object = object, O = unknown> {
  readonly homelab: H;
  /** The options of the program's `synth()` call; undefined when it made none. */
  synth?: O;
}

/** The open session of one program load. */
export interface ProgramSession<H extends object = object, O = unknown> {
  readonly version: number;
  /** The program file, as the command was given it. */
  readonly program: string;
  /** Every Homelab built during the load, in order. */
  readonly homelabs: HandedOverHomelab<H, O>[];
}

/** The session open in this process, if any. */
function current(): ProgramSession | undefined {
  const session = (globalThis as any)[SESSION] as ProgramSession | undefined;
  if (session !== undefined && session.version !== PROGRAM_SESSION_VERSION) {
    fail(session.program, 'ProgramSession.version', `the homelab command speaks program hand-off version ${session.version}, this program's homelab-cdk version ${PROGRAM_SESSION_VERSION}`,
      session.version, 'run the program with the homelab command of the homelab-cdk it imports (npx homelab)');
  }
  return session;
}

/**
 * Runs `load` (the `require` of a program) with a session open, and closes it however `load`
 * ends. Returns what was handed over.
 */
export function loadProgram<H extends object, O>(program: string, load: () => void): HandedOverHomelab<H, O>[] {
  if (current() !== undefined) fail(program, 'ProgramSession.program', `a program is already loading (${current()!.program})`, program, 'one program per command');
  const session: ProgramSession<H, O> = { version: PROGRAM_SESSION_VERSION, program, homelabs: [] };
  (globalThis as any)[SESSION] = session;
  try {
    load();
  } finally {
    delete (globalThis as any)[SESSION];
  }
  return session.homelabs;
}

/** Called by each new Homelab: joins the open session. False when no program is loading. */
export function joinProgramSession(homelab: object): boolean {
  const session = current();
  if (session === undefined) return false;
  session.homelabs.push({ homelab });
  return true;
}

/**
 * Called by `Homelab.synth()`: while a program loads, records the call for the command, which
 * synthesizes once the program has finished (true: do not write now). False when no program is
 * loading: synth writes.
 */
export function handOverSynth(homelab: object, options: unknown): boolean {
  const session = current();
  if (session === undefined) return false;
  let entry = session.homelabs.find((h) => h.homelab === homelab);
  if (entry === undefined) session.homelabs.push(entry = { homelab });
  entry.synth = options;
  return true;
}
