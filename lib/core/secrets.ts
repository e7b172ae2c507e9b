/**
 * How each target refers to a declared secret. A secret is declared once, by name, in
 * `inventory.secrets` and only ever referenced; no value is read at synth time and none reaches
 * an output. This module is the one place that says what a reference looks like:
 *
 * | target | the reference | where the value comes from |
 * |---|---|---|
 * | Kubernetes | a Secret named like the secret, the value under key {@link SECRET_VALUE_KEY} ({@link secretKeyRef}, {@link secretEnv}) | `dist/apply.sh`, from {@link secretEnvVar} |
 * | `apply.sh`, `deploy.sh` | the environment variable {@link secretEnvVar} (`HOMELAB_SECRET_<NAME>`) | the user's environment |
 * | OpenWrt UCI | the placeholder {@link secretPlaceholder} (`@@HOMELAB_SECRET:<name>@@`), only in options that hold a secret | `deploy.sh`, from {@link secretEnvVar} |
 * | NixOS | the sops-nix file {@link sopsSecretPath} (`/run/secrets/<name>`) | `secrets/secrets.yaml`, decrypted on the host |
 * | Terraform | the sensitive variable {@link secretVariableName} (`var.<name with _>`) | `TF_VAR_<name with _>` |
 */
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** Key under which every referenced Kubernetes Secret holds its value. */
export const SECRET_VALUE_KEY = 'value';

/** A `secretKeyRef` (or cert-manager `…SecretRef`) to a declared secret's Kubernetes Secret. */
export function secretKeyRef(name: string): { readonly name: string; readonly key: string } {
  return { name, key: SECRET_VALUE_KEY };
}

/** A declared secret's value as a kplus env var source (`secretKeyRef`, key `value`); one reference per secret in `scope`. */
export function secretEnv(scope: Construct, secretName: string): kplus.EnvValue {
  const id = `SecretRef-${secretName}`;
  const secret = (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: SECRET_VALUE_KEY });
}

/** The start of every environment variable a deploy step reads a secret from. */
export const SECRET_ENV_PREFIX = 'HOMELAB_SECRET_';

/** The environment variable `apply.sh` and `deploy.sh` read a secret from: `HOMELAB_SECRET_<NAME>` (upper case, `-` as `_`). */
export function secretEnvVar(name: string): string {
  return `${SECRET_ENV_PREFIX}${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The start of every placeholder (what `deploy.sh`'s fill step looks for). */
export const SECRET_PLACEHOLDER_MARK = '@@HOMELAB_SECRET:';

/** The placeholder written in a UCI option in place of a secret value; `deploy.sh` fills it from {@link secretEnvVar}. */
export function secretPlaceholder(name: string): string {
  return `${SECRET_PLACEHOLDER_MARK}${name}@@`;
}

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

/** The Terraform variable of a declared secret (`cloudflare-api-token` -> `var.cloudflare_api_token`, set with `TF_VAR_…`). */
export function secretVariableName(name: string): string {
  return name.replace(/-/g, '_');
}
