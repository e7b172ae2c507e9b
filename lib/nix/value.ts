/**
 * Typed Nix expression trees (L1). Build a {@link NixValue}, then render it
 * with `toNix` / `renderNixFile` from `./serialize`.
 *
 * Plain data maps onto Nix directly: strings, numbers, booleans and `null`
 * are literals, plain objects are attribute sets and arrays are lists. The
 * classes below cover the few non-data expressions the emitters need.
 *
 * @see https://nixos.org/manual/nix/stable/language/
 * @module
 */
import { fail as failAt } from '../core/errors';

/**
 * Any Nix expression we can render.
 *
 * - `number`: integers (within ±(2^53-1)) become Nix ints, other finite
 *   numbers become Nix floats; NaN, Infinity and subnormals are rejected.
 * - {@link NixAttrs}: a plain object (prototype `Object.prototype` or `null`);
 *   keys are sorted by code point on output.
 * - {@link NixList}: an array; order is kept.
 */
export type NixValue = string | number | boolean | null | NixList | NixAttrs | NixNode;

/** An attribute set: a plain object whose values are Nix values. */
export interface NixAttrs {
  readonly [name: string]: NixValue;
}

/** A list: an array of Nix values, rendered in order. */
export type NixList = readonly NixValue[];

/** The non-data expression nodes. */
export type NixNode = NixRaw | NixPath | NixSelect | NixLambda | NixApply | NixBinOp;

/** Nix keywords: never valid as bare attribute names, identifiers or formals. */
export const NIX_KEYWORDS: ReadonlySet<string> = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/**
 * Whether `name` can be written bare as a Nix identifier or attribute name:
 * it matches `[A-Za-z_][A-Za-z0-9_'-]*` and is not a keyword.
 */
export function isNixIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !NIX_KEYWORDS.has(name);
}

/**
 * Raw Nix code, emitted verbatim. The only escape hatch: use it sparingly
 * (e.g. `inputs:` function headers or `with` expressions).
 *
 * In list items and function arguments the code is parenthesized unless it
 * is a plain identifier or attribute path (`pkgs.hello`). Lines after the
 * first are not re-indented.
 */
export class NixRaw {
  constructor(
    /** The Nix code. */
    readonly code: string,
  ) {}
}

// `./x`, `../x` or `/x`, then more `/segment`s; no empty segment, no trailing slash.
const PATH = /^(\.{1,2})?(\/[A-Za-z0-9._+-]+)+$/;

/**
 * A path literal such as `./hosts/a.nix` or `/etc/nixos`.
 *
 * @throws HomelabValidationError unless the path starts with `./`, `../` or `/` and uses only
 *   `[A-Za-z0-9._+-]` in non-empty segments (Nix rejects `//` and a trailing `/`)
 */
export class NixPath {
  constructor(
    /** The path as written, e.g. `./hosts/a.nix`. */
    readonly path: string,
  ) {
    if (!PATH.test(path)) {
      fail('NixPath.path', 'not a Nix path literal', path, 'start with ./, ../ or / and use [A-Za-z0-9._+-] in non-empty segments, without a trailing /');
    }
  }
}

/**
 * An attribute path reference, e.g. `config.sops.secrets."k3s-token".path`
 * from `new NixSelect('config', ['sops', 'secrets', 'k3s-token', 'path'])`.
 * Attribute names are quoted exactly like attribute set keys.
 *
 * @throws HomelabValidationError if `base` is not an identifier (see {@link isNixIdentifier})
 */
export class NixSelect {
  constructor(
    /** The variable to select from, e.g. `config`, `inputs`, `pkgs`. */
    readonly base: string,
    /** The attribute names, outermost first; may be empty to reference `base` itself. */
    readonly attrs: readonly string[] = [],
  ) {
    if (!isNixIdentifier(base)) fail('NixSelect.base', 'not a Nix identifier', base, 'match [A-Za-z_][A-Za-z0-9_\'-]* and not be a keyword');
  }
}

/**
 * A function with a set pattern: `{ a, b, ... }: body`.
 *
 * @example
 * new NixLambda(['config', 'lib', 'pkgs'], { networking: { hostName: 'nas01' } })
 * // { config, lib, pkgs, ... }: { networking = { hostName = "nas01"; }; }
 * @throws HomelabValidationError if an argument is not an identifier or appears twice
 */
export class NixLambda {
  constructor(
    /** The formal argument names, in output order. */
    readonly args: readonly string[],
    /** The function body. */
    readonly body: NixValue,
    /** Whether the pattern ends with `...` (accept extra arguments), as NixOS modules must. */
    readonly ellipsis = true,
  ) {
    args.forEach((arg, i) => {
      if (!isNixIdentifier(arg)) fail('NixLambda.args', 'not a Nix identifier', arg, 'match [A-Za-z_][A-Za-z0-9_\'-]* and not be a keyword');
      if (args.indexOf(arg) !== i) fail('NixLambda.args', 'duplicate argument', arg, 'name each argument once');
    });
  }
}

/**
 * A function application: `fn arg1 arg2`, e.g.
 * `new NixApply(new NixSelect('nixpkgs', ['lib', 'nixosSystem']), [{ system: 'x86_64-linux' }])`.
 * It is parenthesized when used as a list item or argument, and so are
 * arguments that need it.
 *
 * @throws HomelabValidationError if `args` is empty
 */
export class NixApply {
  constructor(
    /** The function. */
    readonly fn: NixValue,
    /** The arguments, at least one. */
    readonly args: readonly NixValue[],
  ) {
    if (args.length === 0) fail('NixApply.args', 'no arguments', args, 'pass at least one argument, or use the function value itself');
  }
}

/** The binary operators {@link NixBinOp} renders: `+` (add, concatenate strings or paths), `++` (list concatenation), `//` (attribute set update). */
export type NixBinaryOperator = '+' | '++' | '//';

const BINARY_OPERATORS: ReadonlySet<string> = new Set<NixBinaryOperator>(['+', '++', '//']);

/**
 * A binary operation `left op right`, e.g. the NixOS idiom
 * `modulesPath + "/profiles/qemu-guest.nix"` from
 * `new NixBinOp(new NixSelect('modulesPath'), '+', '/profiles/qemu-guest.nix')`.
 * Both operands are rendered as self-delimiting expressions (applications,
 * lambdas, other operations and negative numbers are parenthesized), so
 * precedence never changes the meaning; the whole operation is parenthesized
 * as a list item or function argument.
 *
 * @throws HomelabValidationError if `op` is not one of {@link NixBinaryOperator}
 */
export class NixBinOp {
  constructor(
    /** The left operand. */
    readonly left: NixValue,
    /** The operator. */
    readonly op: NixBinaryOperator,
    /** The right operand. */
    readonly right: NixValue,
  ) {
    if (!BINARY_OPERATORS.has(op)) fail('NixBinOp.op', 'unsupported operator', op, 'use "+", "++" or "//"');
  }
}

function fail(field: string, problem: string, value: unknown, allowed: string): never {
  return failAt('nix', field, problem, value, allowed);
}
