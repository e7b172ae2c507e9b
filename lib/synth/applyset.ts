/**
 * One ApplySet per apply stage (the ApplySet specification of kubectl, KEP-3659), so that
 * `apply.sh` can prune what the homelab no longer declares, and nothing else:
 * - every object of a stage's files carries the label `applyset.kubernetes.io/part-of: <id>`;
 * - the stage's parent is a ConfigMap `homelab-applyset-<stage>` in `kube-system`, labelled
 *   `applyset.kubernetes.io/id: <id>` and annotated with `applyset.kubernetes.io/tooling:
 *   homelab/v1`, `.../contains-group-kinds` and `.../additional-namespaces`. `apply.sh` writes
 *   it (a superset of the old and new kinds before applying, the new ones after pruning, as
 *   kubectl does), so an interrupted run leaks nothing;
 * - the id is kubectl's: `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`
 *   (staging/src/k8s.io/kubectl/pkg/cmd/apply/applyset.go, `ApplySet.ID`).
 *
 * The labels are in the files, not added at apply time, so a plain `kubectl apply -f dist`
 * keeps every object in its set. That is also why `apply.sh` prunes by itself instead of
 * `kubectl apply --prune --applyset`: kubectl refuses input that already carries the part-of
 * label ("ApplySet label ... already set in input data") and parents of another tooling.
 */
import { createHash } from 'crypto';
import { K8sStage } from './stages';

export const APPLYSET_PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
export const APPLYSET_ID_LABEL = 'applyset.kubernetes.io/id';
export const APPLYSET_TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';
export const APPLYSET_NAMESPACES_ANNOTATION = 'applyset.kubernetes.io/additional-namespaces';
/** `<toolname>/<version>` of the parents we write; `apply.sh` refuses a parent of another tool. */
export const APPLYSET_TOOLING = 'homelab/v1';
/** Namespace of every stage's parent (exists in every cluster, before any stage). */
export const APPLYSET_PARENT_NAMESPACE = 'kube-system';

/** An ApplySet parent object, as the id hashes it. */
export interface ApplySetParentRef {
  readonly name: string;
  /** Empty for a cluster-scoped parent. */
  readonly namespace: string;
  readonly kind: string;
  /** Empty for the core group. */
  readonly group: string;
}

/** kubectl's ApplySet id of a parent: `applyset-<base64url(sha256(name.namespace.kind.group)), unpadded>-v1`. */
export function applySetId(parent: ApplySetParentRef): string {
  const hash = createHash('sha256').update([parent.name, parent.namespace, parent.kind, parent.group].join('.')).digest('base64url');
  return `applyset-${hash}-v1`;
}

/** The parent of a stage's ApplySet: ConfigMap `homelab-applyset-<stage>` in kube-system. */
export function stageApplySetParent(stage: K8sStage): ApplySetParentRef {
  return { name: `homelab-applyset-${stage}`, namespace: APPLYSET_PARENT_NAMESPACE, kind: 'ConfigMap', group: '' };
}

/** The stage's ApplySet id (the value of every member's part-of label). */
export function stageApplySetId(stage: K8sStage): string {
  return applySetId(stageApplySetParent(stage));
}

/** The stages `apply.sh` prunes: all but the CRDs (a removed CRD would take every object of its kind with it). */
export function prunesStage(stage: K8sStage): boolean {
  return stage !== K8sStage.CRDS;
}

/** kubectl's GroupKind string: `Kind.group`, or `Kind` for the core group. */
export function groupKindOf(o: any): string {
  const apiVersion = String(o?.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return group ? `${o.kind}.${group}` : String(o.kind);
}

/** Built-in cluster-scoped kinds (by GroupKind); custom kinds' scope comes from their CRDs. */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'CustomResourceDefinition.apiextensions.k8s.io', 'ClusterRole.rbac.authorization.k8s.io',
  'ClusterRoleBinding.rbac.authorization.k8s.io', 'StorageClass.storage.k8s.io', 'CSIDriver.storage.k8s.io', 'PriorityClass.scheduling.k8s.io',
  'IngressClass.networking.k8s.io', 'ValidatingWebhookConfiguration.admissionregistration.k8s.io', 'MutatingWebhookConfiguration.admissionregistration.k8s.io',
]);

/**
 * The member key `apply.sh` compares: `<GroupKind>|<namespace>|<name>`, the namespace empty for a
 * cluster-scoped object. A namespaced object written without a namespace is keyed in `default`,
 * where kubectl puts it (with a context whose namespace is `default`).
 */
export function memberKey(o: any, clusterScopedKinds: ReadonlySet<string>): string {
  const gk = groupKindOf(o);
  const cluster = CLUSTER_SCOPED.has(gk) || clusterScopedKinds.has(gk);
  return `${gk}|${cluster ? '' : (o.metadata?.namespace ?? 'default')}|${o.metadata?.name}`;
}

/** GroupKinds of the custom resources that are cluster-scoped, from the CRDs among `objects`. */
export function clusterScopedCustomKinds(objects: readonly any[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (o?.kind === 'CustomResourceDefinition' && o.spec?.scope === 'Cluster') out.add(`${o.spec.names.kind}.${o.spec.group}`);
  }
  return out;
}

/** `o` with the stage's part-of label added (a copy; the object itself is left alone). */
export function withApplySetLabel(o: any, id: string): any {
  if (o === null || typeof o !== 'object' || typeof o.metadata !== 'object') return o;
  return { ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), [APPLYSET_PART_OF_LABEL]: id } } };
}

/** What pruning an object loses for good: PVCs and PVs, storage pools; a Namespace only when it holds a PVC (checked live). */
export const DATA_KINDS: readonly string[] = ['PersistentVolumeClaim', 'PersistentVolume', 'CStorPoolCluster.cstor.openebs.io', 'DiskPool.openebs.io'];
