/**
 * How the cluster reads a declared secret: a Kubernetes Secret of the secret's name, created by
 * the user (or `dist/apply.sh`), its value under the key `value`. Nothing here holds a value.
 */
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** Key under which every referenced Kubernetes Secret holds its value. @internal */
export const SECRET_VALUE_KEY = 'value';

/** A declared secret's value as an env var source (`secretKeyRef`, key `value`); one reference per secret in `scope`. @internal */
export function secretEnv(scope: Construct, secretName: string): kplus.EnvValue {
  const id = `SecretRef-${secretName}`;
  const secret = (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: SECRET_VALUE_KEY });
}
