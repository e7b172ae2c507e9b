import { IConstruct } from 'constructs';

/**
 * The one error path. Every problem (model rules, construct props, serializers, provider
 * bindings, the CLI's input files) is a {@link HomelabProblem}, built here and nowhere else, and
 * reads `[<construct or data path>] <Class>.<field>: <what is wrong> (got <value>); <what is allowed>`.
 * {@link fail} throws one; {@link ProblemCollector} gathers many and throws them at once; both
 * throw a {@link HomelabValidationError}, which carries the structured problems (the CLI prints
 * every one and exits 1). A test (`test/core/error-path.test.ts`) fails on any
 * `new Error(` in `lib/` outside this module.
 */

/** One problem found in the model or a construct. */
export class HomelabProblem {
  constructor(
    /** Construct path (`home/apps/grafana`) or data path (`inventory.sites[home].hosts[nas01]`). */
    readonly constructPath: string,
    /** `Class.field`, e.g. `Host.ip`. */
    readonly field: string,
    /** What is wrong, lowercase, no final period. */
    readonly problem: string,
    /** The offending value (rendered with JSON.stringify). */
    readonly value: unknown,
    /** What is allowed instead. */
    readonly allowed: string,
  ) {}

  /** The problem in the house format, one line. */
  get message(): string {
    return `[${escapePath(this.constructPath)}] ${escapeText(this.field).replace(/:/g, '\\u003a')}: ${escapeText(this.problem)} (got ${renderValue(this.value)}); ${escapeText(this.allowed)}`;
  }

  toString(): string {
    return this.message;
  }
}

/**
 * The one factory: a problem in the house format.
 * @param at construct path (`home/apps/grafana`) or data path (`inventory.sites[home].hosts[nas01]`, `plans/hosts.csv:2`)
 * @param field `Class.field`, e.g. `Host.ip`
 * @param what what is wrong, lowercase, no final period
 * @param got the offending value: rendered with JSON.stringify (`undefined` as `nothing`), or {@link shown} text
 * @param allowed what is allowed instead, concretely
 */
export function problem(at: string, field: string, what: string, got: unknown, allowed: string): HomelabProblem {
  return new HomelabProblem(at, field, what, got, allowed);
}

/** Throws one problem (see {@link problem}) as a {@link HomelabValidationError}. */
export function fail(at: string, field: string, what: string, got: unknown, allowed: string): never {
  throw new HomelabValidationError([problem(at, field, what, got, allowed)]);
}

/**
 * Throws a problem only a bug in homelab-cdk can cause (a table without a row, a state the checks
 * before exclude), in the house format like every other, saying so.
 * @param fix what the code needs, for whoever fixes it
 */
export function bug(at: string, field: string, what: string, got: unknown, fix: string): never {
  return fail(at, field, what, got, `${fix} (a bug in homelab-cdk: please report it)`);
}

/**
 * A value already written as a message should show it (`Date instance`, `NaN`), for writers whose
 * readers know that form; it is still cut at {@link MAX_VALUE_CHARS} and made terminal-safe.
 */
export class ShownValue {
  constructor(readonly text: string) {}
}

/** See {@link ShownValue}. */
export function shown(text: string): ShownValue {
  return new ShownValue(text);
}

/**
 * What is allowed when the value must be one of `choices`: `one of ["a","b"]` (`one of a, b` with
 * `plain`), or `none` when there is no choice at all, so a message never says `one of []`.
 * @param none what to do when nothing can be chosen, e.g. `the app has no volume: add one to volumes`
 */
export function oneOf(choices: readonly unknown[], none: string, plain = false): string {
  if (choices.length === 0) return none;
  return `one of ${plain ? choices.join(', ') : JSON.stringify(choices)}`;
}

/** Thrown when the model or the construct tree is invalid; carries every problem at once. */
export class HomelabValidationError extends Error {
  /** Duck-typing marker: the CLI recognises this error even across module copies. */
  readonly isHomelabValidationError = true;

  constructor(readonly problems: readonly HomelabProblem[]) {
    // one problem is its own line; more get a count first
    super(problems.length === 1
      ? problems[0].message
      : `${problems.length} problems in the homelab:\n` + problems.map((p) => `  ${p.message}`).join('\n'));
    this.name = 'HomelabValidationError';
  }

  /** Path of the first problem (for callers that want one). */
  get constructPath(): string {
    return this.problems[0]?.constructPath ?? '';
  }

  /** Field of the first problem. */
  get field(): string {
    return this.problems[0]?.field ?? '';
  }
}

/** Collects problems; throws them all at once. */
export class ProblemCollector {
  private readonly items: HomelabProblem[] = [];

  add(path: string, field: string, problem: string, value: unknown, allowed: string): void {
    this.items.push(new HomelabProblem(path, field, problem, value, allowed));
  }

  addAll(problems: readonly HomelabProblem[]): void {
    this.items.push(...problems);
  }

  get problems(): readonly HomelabProblem[] {
    return this.items;
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new HomelabValidationError(this.items);
  }
}

/**
 * Where inventory data came from: data path (`inventory.sites[home].hosts[olaf]`) -> the
 * user's `file:line` (`plans/hosts.csv:2`). Built by whatever made the inventory from files.
 */
export type SourceMap = ReadonlyMap<string, string>;

/**
 * The problems with every data path that has a source (the path itself, or its longest
 * prefix ending before a `.` or `[`) shown as that `file:line`; field and message unchanged.
 */
export function withSources(problems: readonly HomelabProblem[], sources: SourceMap): HomelabProblem[] {
  const sourceOf = (path: string): string | undefined => {
    for (let end = path.length; end > 0; end = Math.max(path.lastIndexOf('.', end - 1), path.lastIndexOf('[', end - 1))) {
      const hit = sources.get(path.slice(0, end));
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  return problems.map((q) => {
    const at = sourceOf(q.constructPath);
    return at === undefined ? q : new HomelabProblem(at, q.field, q.problem, q.value, q.allowed);
  });
}

/** Longest rendered value in a message; a longer one is cut and says how long it was. */
export const MAX_VALUE_CHARS = 200;

/**
 * What a terminal could act on or that would break a message apart, beyond
 * what JSON.stringify escapes: DEL and C1 controls (`\u009b` starts an ANSI
 * sequence like ESC [), line and paragraph separators, BOM, bidirectional
 * overrides and isolates (they reorder the text shown), lone surrogates.
 */
const TERMINAL_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A path or field name as the `[path]` part of a message shows it: names in
 * it come from the user, so, like values, every control character and
 * backslash is escaped (`\u001b`, `\\`), and in data paths (`inventory…`)
 * every space too (`\u0020`), so the path stays one printable word.
 */
export function escapePath(path: string): string {
  // data paths hold the user's names; our own construct paths may hold a space (`router gw`)
  const unsafe = path.startsWith('inventory') ? /[\\\s\u0000-\u001f]/g : /[\\\u0000-\u001f]/g;
  return path.replace(unsafe, (c) => (c === '\\' ? '\\\\' : hex4(c))).replace(TERMINAL_UNSAFE, hex4);
}

/** Prose of a message (it may quote names): control characters and the terminal-unsafe ones escaped. */
function escapeText(text: string): string {
  return text.replace(/[\u0000-\u001f]/g, hex4).replace(TERMINAL_UNSAFE, hex4);
}

/** A value as a message shows it: JSON, except `nothing`, `NaN`/`Infinity`, `[Function f]` and {@link ShownValue}s. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  if (value instanceof ShownValue) text = value.text;
  else if (typeof value === 'function') text = `[Function ${value.name || 'anonymous'}]`;
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  const cut = text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters)`;
  return cut.replace(TERMINAL_UNSAFE, hex4);
}

/** Global, so that constructs made by another copy of this library are read too. */
const PROBLEM_CHECKS = Symbol.for('homelab-cdk.problem-checks');

interface ProblemCheck {
  readonly check: () => readonly HomelabProblem[];
  /** What the last `node.validate()` found. */
  last: readonly HomelabProblem[];
}

/**
 * Adds a whole-tree check (`node.addValidation`) whose problems stay structured: `cdk8s synth` and
 * `cdktf synth` print their messages, {@link constructProblems} reports the problems themselves,
 * with their own fields, values and what is allowed.
 */
export function addProblemValidation(scope: IConstruct, check: () => readonly HomelabProblem[]): void {
  const entry: ProblemCheck = { check, last: [] };
  const checks: ProblemCheck[] = ((scope as any)[PROBLEM_CHECKS] ??= []);
  checks.push(entry);
  scope.node.addValidation({
    validate: () => {
      entry.last = check();
      return entry.last.map((p) => p.message);
    },
  });
}

/**
 * A message from a validation that is not ours (cdktf's, cdk8s-plus', the user's own
 * `addValidation`): shown as `[<construct path>] <Class>: <its message>`, because only its own
 * words say what is wrong and what it wants; nothing is made up around them.
 */
class ForeignProblem extends HomelabProblem {
  override get message(): string {
    return `[${escapePath(this.constructPath)}] ${escapeText(this.field)}: ${escapeText(this.problem)}`;
  }
}

/**
 * Runs every construct's validations under `root` once; one problem per message, with its construct
 * path. Checks added with {@link addProblemValidation} give their structured problems; any other
 * validation's message is shown as it is (see {@link ForeignProblem}).
 */
export function constructProblems(root: IConstruct): HomelabProblem[] {
  const problems: HomelabProblem[] = [];
  for (const c of root.node.findAll()) {
    const messages = c.node.validate();
    if (messages.length === 0) continue;
    const ours = ((c as any)[PROBLEM_CHECKS] ?? []) as ProblemCheck[];
    const structured = ours.flatMap((x) => x.last);
    const pending = new Map<string, number>();
    for (const p of structured) pending.set(p.message, (pending.get(p.message) ?? 0) + 1);
    problems.push(...structured);
    for (const message of messages) {
      const n = pending.get(message) ?? 0;
      if (n > 0) { pending.set(message, n - 1); continue; }
      problems.push(new ForeignProblem(c.node.path, c.constructor.name, message, undefined, ''));
    }
  }
  return problems;
}

/**
 * An error as Node's `fs` raises it (`code`, `syscall`, `path`), for a step that must fail the way
 * the file system would (an injected fault, a file that appeared in the way), so that it takes the
 * same path as a real one: it is no problem of ours but the cause of one (`describeFsError`).
 */
export function fileSystemError(code: string, what: string, path: string, syscall?: string): NodeJS.ErrnoException {
  // worded as Node words them: `ENOENT: no such file or directory, open '/x'`
  return Object.assign(new Error(`${code}: ${what}, ${syscall ? `${syscall} ` : ''}'${path}'`), { code, path, ...(syscall ? { syscall } : {}) });
}

/**
 * Thrown when synth could not write or swap its outputs (a full disk, an output folder that cannot
 * be renamed, a file of yours in the way, another synth holding the output root); `outcome` says
 * exactly what became of the outputs, e.g. "nothing was written" or which folders are old and new.
 */
export class HomelabOutputError extends Error {
  /** Duck-typing marker: the CLI recognises this error even across module copies. */
  readonly isHomelabOutputError = true;

  constructor(readonly problems: readonly HomelabProblem[], readonly outcome: string) {
    super(`${outcome}:\n` + problems.map((p) => `  ${p.message}`).join('\n'));
    this.name = 'HomelabOutputError';
  }
}
