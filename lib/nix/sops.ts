/**
 * Where the sops file lives. Only paths: no secret value ever enters a generated file or the
 * Nix store. Where a secret lands on the host is `sopsSecretPath` in `core/secrets.ts`.
 *
 * @module
 */

/**
 * The encrypted sops file, relative to the output root: yours, outside every folder synth writes.
 *
 * The flake lives in `nixos/`, a subfolder of your git repository. Nix copies a git flake's whole
 * repository into the store (a flake in a subfolder can read its parent folders; NixOS/nix#4414),
 * so the host modules name the file by a relative path and sops-nix's `defaultSopsFile` (a path,
 * copied to the store and checked at evaluation) finds it. Git flakes see tracked files only:
 * `git add secrets/secrets.yaml` (it is encrypted). A flake outside git (`path:`) cannot read it.
 *
 * @see https://github.com/Mic92/sops-nix#usage-example
 */
export const SOPS_FILE_AT_ROOT = 'secrets/secrets.yaml';

/** The sops file as the host modules name it: relative to `nixos/hosts/<host>.nix`. */
export const SOPS_FILE = `../../${SOPS_FILE_AT_ROOT}`;
