/**
 * Admin accounts and the ssh daemon, shared by a host and the NixOS
 * containers on it (seed 002: "the NixOS on the nested k3s server container
 * has the same admin user").
 *
 * @module
 */
import { AdminSpec } from '../../model/inventory';
import { sopsSecretPath } from '../../core/secrets';
import { NixAttrs } from '../../nix/value';

/** The NixOS settings for a set of admins. */
export interface AdminAccounts {
  /** `users.users`: one normal user in `wheel` per admin, ssh keys only. */
  readonly users: NixAttrs;
  /** sops secrets holding hashed passwords (delivered to `/run/secrets-for-users`), in admin order. */
  readonly passwordSecrets: readonly string[];
  /**
   * `users.mutableUsers`: false as soon as one password comes from a file,
   * so that NixOS owns every account; true otherwise (nothing to own).
   */
  readonly mutableUsers: boolean;
}

/**
 * Builds the accounts of `admins`.
 *
 * @see https://search.nixos.org/options?query=users.users.%3Cname%3E.hashedPasswordFile
 */
export function adminAccounts(admins: readonly AdminSpec[]): AdminAccounts {
  const users: Record<string, NixAttrs> = {};
  const passwordSecrets: string[] = [];
  for (const a of admins) {
    const user: Record<string, NixAttrs[string]> = {
      isNormalUser: true,
      extraGroups: ['wheel'],
      openssh: { authorizedKeys: { keys: [...a.sshKeys] } },
    };
    if (a.hashedPasswordSecret) {
      if (!passwordSecrets.includes(a.hashedPasswordSecret)) passwordSecrets.push(a.hashedPasswordSecret);
      user.hashedPasswordFile = sopsSecretPath(a.hashedPasswordSecret, true);
    }
    users[a.name] = user;
  }
  return { users, passwordSecrets, mutableUsers: passwordSecrets.length === 0 };
}

/** `services.openssh`: keys only, no root login. */
export function sshDaemon(): NixAttrs {
  return {
    enable: true,
    settings: { PasswordAuthentication: false, KbdInteractiveAuthentication: false, PermitRootLogin: 'no' },
  };
}
