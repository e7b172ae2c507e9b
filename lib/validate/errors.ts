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
    return `[${this.constructPath}] ${this.field}: ${this.problem} (got ${render(this.value)}); ${this.allowed}`;
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

/** Longest rendered value in a message; a longer one is cut and says how long it was. */
export const MAX_VALUE_CHARS = 200;

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} characters)`;
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
