import { IConstruct } from 'constructs';

/**
 * Error catalog. Every message has the shape
 * `[<construct or data path>] <Class>.<field>: <what is wrong> (got <value>); <what is allowed>`.
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

  get message(): string {
    return `[${escapePath(this.constructPath)}] ${escapeText(this.field).replace(/:/g, '\\u003a')}: ${escapeText(this.problem)} (got ${render(this.value)}); ${escapeText(this.allowed)}`;
  }

  toString(): string {
    return this.message;
  }
}

/** Thrown when the model or the construct tree is invalid; carries every problem at once. */
export class HomelabValidationError extends Error {
  /** Duck-typing marker: the CLI recognises this error even across module copies. */
  readonly isHomelabValidationError = true;

  constructor(readonly problems: readonly HomelabProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the homelab:\n` + problems.map((p) => `  ${p.message}`).join('\n'));
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

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const cut = text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters)`;
  return cut.replace(TERMINAL_UNSAFE, hex4);
}

/** Runs every construct's own validations under `root` once; one problem per message, with its construct path. */
export function constructProblems(root: IConstruct): HomelabProblem[] {
  const problems: HomelabProblem[] = [];
  for (const c of root.node.findAll()) {
    for (const message of c.node.validate()) {
      problems.push(new HomelabProblem(c.node.path, c.constructor.name, message, undefined, 'see the construct documentation'));
    }
  }
  return problems;
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
