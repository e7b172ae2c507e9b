/**
 * A model of the Kubernetes API server's admission rules that matter for apply
 * order, to replay `dist/`'s stages against:
 * - a custom resource is accepted only when its CRD was applied in an EARLIER stage
 *   and an `Established` wait for that CRD followed;
 * - an object of a webhook-guarded group (cert-manager.io, acme.cert-manager.io,
 *   metallb.io) only after that webhook's Deployment was waited for (Available);
 * - a namespaced object only when its namespace exists: created in an earlier stage,
 *   or earlier in the same apply, or one every cluster has;
 * - built-in kinds are always there, and so are k3s's HelmChart and HelmChartConfig.
 * A refused object is what would have needed a second `kubectl apply`.
 *
 * The rules are written from the API server's and the charts' behaviour, not read
 * from the emitter's tables, so a wrong table in the emitter shows up here.
 */

/** Which Deployment serves each webhook-guarded group (from the charts' webhook configurations). */
export const WEBHOOKS: Readonly<Record<string, { readonly namespace: string; readonly deployment: string }>> = {
  'cert-manager.io': { namespace: 'cert-manager', deployment: 'cert-manager-webhook' },
  'acme.cert-manager.io': { namespace: 'cert-manager', deployment: 'cert-manager-webhook' },
  'metallb.io': { namespace: 'metallb-system', deployment: 'metallb-controller' },
  'cstor.openebs.io': { namespace: 'openebs', deployment: 'openebs-cstor-admission-server' },
};

/** Groups whose kinds every (k3s) cluster serves without a CRD of ours. */
const BUILT_IN_GROUP = /^(|apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|apiextensions\.k8s\.io|admissionregistration\.k8s\.io|scheduling\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|node\.k8s\.io|certificates\.k8s\.io|helm\.cattle\.io)$/;
/** Cluster-scoped built-in kinds (a namespaced kind needs its namespace). */
const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass', 'IngressClass', 'PersistentVolume', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'Node']);

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

export interface ReplayWait {
  readonly resource: string;
  readonly namespace?: string;
  readonly condition: string;
}

export class ApiServerModel {
  private stage = -1;
  /** CRD name -> the stage it was applied in, and its group/kind/scope. */
  private readonly crds = new Map<string, { stage: number; group: string; kind: string; scope: string }>();
  private readonly established = new Set<string>();
  private readonly readyWebhooks = new Set<string>();
  private readonly namespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
  private readonly appliedStages: string[] = [];
  /** Every refusal, `<stage>: <kind>/<name>: <why>`. */
  readonly refused: string[] = [];

  /** One `kubectl apply` of a stage: the objects of its files, in file order. */
  applyStage(name: string, objects: readonly any[]): void {
    this.stage++;
    if (this.appliedStages.includes(name)) this.refused.push(`${name}: applied a second time`);
    this.appliedStages.push(name);
    for (const o of objects) {
      const why = this.refusal(o);
      if (why) {
        this.refused.push(`${name}: ${o.kind}/${o.metadata?.name}: ${why}`);
        continue;
      }
      if (o.kind === 'Namespace' && groupOf(o.apiVersion) === '') this.namespaces.add(o.metadata.name);
      if (o.kind === 'CustomResourceDefinition') {
        this.crds.set(o.metadata.name, { stage: this.stage, group: o.spec.group, kind: o.spec.names.kind, scope: o.spec.scope });
      }
    }
  }

  /** A wait between stages. A wait for something that cannot exist fails too. */
  wait(w: ReplayWait): void {
    const [kind, name] = w.resource.split('/');
    if (w.condition === 'Established' && kind === 'crd') {
      if (!this.crds.has(name)) this.refused.push(`wait: crd/${name} was never applied`);
      else this.established.add(name);
    } else if (w.condition === 'Available' && kind === 'deployment') {
      for (const [group, hook] of Object.entries(WEBHOOKS)) {
        if (hook.deployment === name && hook.namespace === w.namespace) this.readyWebhooks.add(group);
      }
    }
  }

  private refusal(o: any): string | undefined {
    const group = groupOf(o.apiVersion);
    let scope = CLUSTER_SCOPED.has(o.kind) ? 'Cluster' : 'Namespaced';
    if (!BUILT_IN_GROUP.test(group)) {
      const entry = [...this.crds.entries()].find(([, c]) => c.group === group && c.kind === o.kind);
      if (!entry) return `no CRD for ${group}/${o.kind}`;
      const [crd, c] = entry;
      if (c.stage >= this.stage) return `its CRD ${crd} was applied in the same stage`;
      if (!this.established.has(crd)) return `no Established wait for its CRD ${crd}`;
      scope = c.scope;
    }
    if (WEBHOOKS[group] && !this.readyWebhooks.has(group)) {
      const hook = WEBHOOKS[group];
      return `webhook ${hook.namespace}/${hook.deployment} for ${group} was not waited for`;
    }
    if (scope === 'Namespaced') {
      const ns = o.metadata?.namespace ?? 'default';
      if (!this.namespaces.has(ns)) return `namespace ${ns} does not exist yet`;
    }
    return undefined;
  }
}
