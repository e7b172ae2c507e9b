/**
 * Where sops-nix secrets live on a NixOS host. Only paths: no secret value
 * ever enters a generated file or the Nix store.
 *
 * @module
 */

/**
 * Where sops-nix puts a secret on the host: `/run/secrets/<name>`, or
 * `/run/secrets-for-users/<name>` for secrets with `neededForUsers` (read
 * before users are created, e.g. hashed passwords).
 *
 * @see https://github.com/Mic92/sops-nix#setting-a-users-password
 */
export function sopsSecretPath(name: string, forUsers = false): string {
  return `${forUsers ? '/run/secrets-for-users' : '/run/secrets'}/${name}`;
}

/** Encrypted secrets file, relative to the host module (`nixos/secrets/secrets.yaml`). */
export const SOPS_FILE = '../secrets/secrets.yaml';
