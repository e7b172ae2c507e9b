/** Namespaces for the apps, labelled to enforce Pod Security "restricted". */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

export const PSS_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
};

/** The first chart applied: every namespace the apps use. */
export class NamespacesChart extends Chart {
  constructor(scope: Construct, id: string, namespaces: readonly string[]) {
    super(scope, id, { labels: { 'app.kubernetes.io/managed-by': 'homelab-cdk' } });
    for (const ns of [...new Set(namespaces)].sort()) {
      new kplus.Namespace(this, ns, { metadata: { name: ns, labels: PSS_LABELS } });
    }
  }
}
