/**
 * Test helpers around `nix-instantiate`. Tests that need it should skip
 * visibly when it is missing:
 *
 * @example
 * const itNix = hasNixInstantiate() ? it : it.skip;
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { NixValue, toNix } from '../../lib/nix';

/** Outcome of one `nix-instantiate` run; `status` is null if it could not run or timed out. */
export interface NixResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let available: boolean | undefined;

/**
 * Whether `nix-instantiate` is on PATH. Checked once per test file; the
 * first check that finds it missing prints a warning, so skipped tests are
 * visible.
 */
export function hasNixInstantiate(): boolean {
  if (available === undefined) {
    available = spawnSync('nix-instantiate', ['--version']).status === 0;
    if (!available) console.warn('nix-instantiate not found on PATH: skipping the tests that need it (install nix-bin to run them)');
  }
  return available;
}

/**
 * Runs `nix-instantiate --parse FILE`: a syntax check, which also fails on
 * variables that are not bound anywhere in the file.
 */
export function nixParse(file: string): { status: number | null; stderr: string } {
  const { status, stderr } = run(['--parse', file]);
  return { status, stderr };
}

/**
 * Runs `nix-instantiate --eval --strict --json` on a file or an expression;
 * stdout is then JSON. `exprOrFile` is read as a file if it names an
 * existing file, otherwise it is an expression, written to a temporary file
 * (so relative paths in it resolve against a temporary directory).
 *
 * Nix 2.8 prints floats in JSON with 6 significant digits.
 */
export function nixEvalStrict(exprOrFile: string): NixResult {
  if (existsSync(exprOrFile) && statSync(exprOrFile).isFile()) return run(['--eval', '--strict', '--json', exprOrFile]);
  return withTempFile(exprOrFile, (file) => run(['--eval', '--strict', '--json', file]));
}

/** Stubs for {@link nixEvalModule}. */
export interface NixModuleStubs {
  /**
   * Extra package names to put in the stub `pkgs` (Nix cannot answer an
   * arbitrary attribute, so `pkgs` only has the names listed).
   * @default - only {@link STUB_PACKAGES}
   */
  readonly pkgs?: readonly string[];
  /**
   * Module arguments to add or replace, rendered with `toNix` (use `NixRaw`
   * for code), e.g. `{ config: { sops: { secrets: { k3s: { path: '/run/secrets/k3s' } } } } }`.
   * @default - `config = { }`, `options = { }`, `lib`, `pkgs`, `modulesPath = "/stub/nixos/modules"`
   */
  readonly args?: { readonly [name: string]: NixValue };
}

/** Package names always present in the stub `pkgs`. */
export const STUB_PACKAGES: readonly string[] = [
  'bash', 'coreutils', 'curl', 'git', 'htop', 'jq', 'k3s', 'nfs-utils', 'openssh', 'python3', 'restic', 'sops', 'age',
  'tailscale', 'vim', 'wget', 'zfs', 'hello',
];

/**
 * Evaluates a NixOS module file the way the module system would call it,
 * with stub arguments, under `--eval --strict --json`:
 *
 * - `lib`: `mkIf`, `mkMerge`, `mkOverride`, `mkDefault`, `mkForce`,
 *   `mkBefore`, `mkAfter`, `mkOrder` return the same `{ _type = ...; }`
 *   attribute sets as nixpkgs (e.g. `mkDefault 1` is
 *   `{ _type = "override"; priority = 1000; content = 1; }`), plus
 *   `genAttrs`, `optional(s)`, `optionalAttrs`, `optionalString`,
 *   `mapAttrs`, `attrNames`, `attrValues`, `concatStringsSep`,
 *   `concatMapStringsSep`.
 * - `pkgs`: one fake derivation per name in {@link STUB_PACKAGES} and
 *   `stubs.pkgs` (it renders as `"/nix/store/stub-<name>"`), plus `lib` and
 *   `system = "x86_64-linux"`.
 * - `config = { }`, `options = { }`, `modulesPath = "/stub/nixos/modules"`.
 *
 * A module that is a plain attribute set is used as is. Path entries in
 * `imports` are turned into strings, so they need not exist.
 */
export function nixEvalModule(file: string, stubs: NixModuleStubs = {}): NixResult {
  const names = [...STUB_PACKAGES, ...(stubs.pkgs ?? [])];
  const extra = toNix(stubs.args ?? {}, 1);
  const expr = `let
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  lib = {
    inherit mkOverride mkOrder;
    mkDefault = mkOverride 1000;
    mkForce = mkOverride 50;
    mkBefore = mkOrder 500;
    mkAfter = mkOrder 1500;
    mkIf = condition: content: { _type = "if"; inherit condition content; };
    mkMerge = contents: { _type = "merge"; inherit contents; };
    genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
    optional = cond: x: if cond then [ x ] else [ ];
    optionals = cond: xs: if cond then xs else [ ];
    optionalAttrs = cond: as: if cond then as else { };
    optionalString = cond: s: if cond then s else "";
    mapAttrs = builtins.mapAttrs;
    attrNames = builtins.attrNames;
    attrValues = builtins.attrValues;
    concatStringsSep = builtins.concatStringsSep;
    concatMapStringsSep = sep: f: xs: builtins.concatStringsSep sep (map f xs);
  };
  stubPackage = name: { inherit name; type = "derivation"; outPath = "/nix/store/stub-\${name}"; };
  pkgs = builtins.listToAttrs (map (name: { inherit name; value = stubPackage name; }) ${toNix(names, 1)}) // {
    inherit lib;
    system = "x86_64-linux";
  };
  args = { config = { }; options = { }; inherit lib pkgs; modulesPath = "/stub/nixos/modules"; } // ${extra};
  module = import ${toNix(resolve(file))};
  result = if builtins.isFunction module then module args else module;
  showImport = i: if builtins.isPath i then toString i else i;
in
if result ? imports then result // { imports = map showImport result.imports; } else result
`;
  return nixEvalStrict(expr);
}

function run(args: string[]): NixResult {
  const r = spawnSync('nix-instantiate', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

function withTempFile<T>(content: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'homelab-nix-'));
  try {
    const file = join(dir, 'expr.nix');
    writeFileSync(file, content);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
