/**
 * The apply order of `dist/`, as data ({@link ApplyOrder}) and as `dist/apply.sh`.
 *
 * From an empty cluster the stages go in one pass: apply a stage once, make sure
 * the Secrets whose namespace it created exist, wait for what the next stage
 * needs, go on. The waits come from the stage's objects:
 * - a CustomResourceDefinition: `Established` (custom resources of it are refused before);
 * - a k3s HelmChart: its install job `helm-install-<name>` (in the HelmChart's
 *   namespace) `Complete`, then, for the platform's charts, their webhooks' and
 *   controllers' Deployments `Available`. Both appear only after the Helm controller
 *   has picked the HelmChart up, so the script first waits (bounded) until they exist,
 *   because `kubectl wait` fails at once on an object that does not exist yet;
 * - when the next stage holds objects those charts' webhooks admit (cert-manager.io,
 *   metallb.io): a server-side dry run of the next stage, retried (bounded) until the
 *   webhooks answer, since a webhook's Deployment can be Available a moment before its
 *   server is (MetalLB's readiness probe is a plain ping). A dry run persists nothing,
 *   so every stage is still applied exactly once.
 * Secrets are never written: the script checks up front that each one the cluster will
 * read exists or has its value in `HOMELAB_SECRET_<NAME>`, and creates the missing ones
 * right after the stage that creates their namespace.
 *
 * `apply.sh` is POSIX sh and needs nothing but kubectl (`KUBECTL` overrides the
 * command, e.g. `KUBECTL="kubectl --context home"`). `kubectl apply -f dist` never
 * reads it: kubectl takes only `.json`, `.yaml` and `.yml` files from a folder.
 */
import * as path from 'path';
import { HELM_CONTROLLER_NAMESPACE } from '../k8s/namespaces';
import { K8sFile } from './k8s';
import { K8sStage, K8S_STAGES } from './stages';
import { shellWord } from '../core/shell';
import {
  APPLYSET_GROUP_KINDS_ANNOTATION, APPLYSET_ID_LABEL, APPLYSET_NAMESPACES_ANNOTATION, APPLYSET_PARENT_NAMESPACE, APPLYSET_PART_OF_LABEL, APPLYSET_TOOLING,
  APPLYSET_TOOLING_ANNOTATION, clusterScopedCustomKinds, DATA_KINDS, memberKey, prunesStage, stageApplySetId, stageApplySetParent,
} from './applyset';
import { SECRET_ENV_PREFIX, secretEnvVar } from '../core/secrets';

/**
 * What a k3s HelmChart runs that the next stage needs ready, beyond its install job (which is
 * always waited for). The homelab's platform charts (`PLATFORM_CHARTS`) are such; a HelmChart
 * matching none (by name, chart and repo) gets only the install job wait.
 */
export interface HelmChartReadiness {
  /** HelmChart name (= Helm release name). */
  readonly name: string;
  readonly chart: string;
  readonly repo: string;
  /** Deployments (in the chart's target namespace) to wait for, Available, before the next stage. */
  readonly workloads: readonly { readonly deployment: string; readonly reason: string }[];
  /** API groups the chart's validating webhooks admit: a next stage with objects of them is dry-run first. @default [] */
  readonly webhookGroups?: readonly string[];
}

/** A condition that must hold before the next stage is applied. */
export interface ApplyWait {
  /** kubectl resource: `crd/<name>`, `job/<name>`, `deployment/<name>`. */
  readonly resource: string;
  /** Namespace of a namespaced resource. @default - cluster-scoped */
  readonly namespace?: string;
  /**
   * `kubectl wait --for=condition=<condition>`; `Admitted`: a server-side dry run of
   * {@link files} passes every admission webhook (a Deployment can be Available while
   * its webhook server still starts), retried until it does.
   */
  readonly condition: 'Established' | 'Complete' | 'Available' | 'Admitted';
  /** The next stage's files, for `Admitted`. @default [] */
  readonly files?: readonly string[];
  /** A controller creates the resource after the stage is applied: wait until it exists first. */
  readonly appearsLater: boolean;
  /** Longest wait, for existing and for the condition each. */
  readonly timeoutSeconds: number;
  /** Why the next stage needs it. */
  readonly reason: string;
  /**
   * For a Helm controller job: the HelmChart it runs (same namespace). `apply.sh` then waits
   * for the job's outcome, not just `Complete`: a failed install or upgrade stops it with
   * the job's log, and after a change of the HelmChart only a new job counts.
   * @default - not a Helm job
   */
  readonly helmChart?: string;
}

/** A Secret the cluster reads and the user owns (key `value`); `apply.sh` creates it from the environment when missing. */
export interface ApplySecret {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  /** Environment variable `apply.sh` reads the value from: `HOMELAB_SECRET_<NAME>`, as the routers' deploy.sh. */
  readonly env: string;
  /** What it is (`inventory.secrets[].description`). @default - none */
  readonly description?: string;
}

/** One stage: applied once, with one `kubectl apply` of all its files. */
export interface ApplyStage {
  readonly stage: K8sStage;
  /** `dist/`-relative files, in lexical (= apply) order. */
  readonly files: readonly string[];
  /** Secrets ensured right after the stage is applied (it creates their namespace, or an earlier stage did). */
  readonly secrets: readonly ApplySecret[];
  /** What must hold before the next stage. */
  readonly waits: readonly ApplyWait[];
  /** The stage's ApplySet (`applyset.ts`): what `apply.sh` prunes after the last stage. */
  readonly applySet: StageApplySet;
}

/** A stage's ApplySet, as `apply.sh` keeps and prunes it. */
export interface StageApplySet {
  /** The parent ConfigMap's name (in {@link APPLYSET_PARENT_NAMESPACE}). */
  readonly parent: string;
  /** The value of every member's `applyset.kubernetes.io/part-of` label. */
  readonly id: string;
  /** `contains-group-kinds`: the members' GroupKinds, sorted. */
  readonly groupKinds: readonly string[];
  /** `additional-namespaces`: the members' namespaces but the parent's, sorted. */
  readonly namespaces: readonly string[];
  /** The members, `<GroupKind>|<namespace>|<name>` (namespace empty when cluster-scoped). */
  readonly members: readonly string[];
  /** False for the CRDs: never pruned. */
  readonly prune: boolean;
}

/** The apply stages of `dist/` in order (what `apply.sh` runs); not `homelab plan`'s bring-up, nor a CSV plan folder. */
export interface ApplyOrder {
  /** Non-empty stages, in apply order. */
  readonly stages: readonly ApplyStage[];
}

/** @deprecated renamed {@link ApplyOrder} */
export type ApplyPlan = ApplyOrder;

const CRD_TIMEOUT = 60;
const JOB_TIMEOUT = 900;
const DEPLOYMENT_TIMEOUT = 600;
const ADMISSION_TIMEOUT = 300;

const groupOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** The known chart a HelmChart object installs. */
function knownChart(o: any, charts: readonly HelmChartReadiness[]): HelmChartReadiness | undefined {
  return charts.find((c) => c.name === o.metadata?.name && c.chart === o.spec?.chart && c.repo === o.spec?.repo);
}

/** Groups guarded by the webhooks of the HelmCharts among `objects` (known charts only). */
function webhookGroupsOf(objects: readonly any[], charts: readonly HelmChartReadiness[]): Set<string> {
  const groups = new Set<string>();
  for (const o of objects) {
    if (o?.apiVersion !== 'helm.cattle.io/v1' || o.kind !== 'HelmChart') continue;
    for (const g of knownChart(o, charts)?.webhookGroups ?? []) groups.add(g);
  }
  return groups;
}

function waitsFor(objects: readonly any[], charts: readonly HelmChartReadiness[]): ApplyWait[] {
  const crds: ApplyWait[] = [];
  const jobs: ApplyWait[] = [];
  const deployments: ApplyWait[] = [];
  for (const o of objects) {
    if (o?.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition') {
      crds.push({ resource: `crd/${o.metadata.name}`, condition: 'Established', appearsLater: false, timeoutSeconds: CRD_TIMEOUT, reason: `custom resources of ${o.spec?.names?.kind ?? o.metadata.name}` });
    } else if (o?.apiVersion === 'helm.cattle.io/v1' && o.kind === 'HelmChart') {
      const ns = o.metadata.namespace ?? HELM_CONTROLLER_NAMESPACE;
      jobs.push({ resource: `job/helm-install-${o.metadata.name}`, namespace: ns, condition: 'Complete', appearsLater: true, timeoutSeconds: JOB_TIMEOUT, reason: `Helm installs ${o.spec?.chart} ${o.spec?.version ?? ''}`.trim(), helmChart: o.metadata.name });
      for (const w of knownChart(o, charts)?.workloads ?? []) {
        deployments.push({ resource: `deployment/${w.deployment}`, namespace: o.spec.targetNamespace, condition: 'Available', appearsLater: true, timeoutSeconds: DEPLOYMENT_TIMEOUT, reason: w.reason });
      }
    }
  }
  return [...crds, ...jobs, ...deployments];
}

function namespacesCreated(objects: readonly any[]): Set<string> {
  return new Set(objects.filter((o) => o?.apiVersion === 'v1' && o.kind === 'Namespace').map((o) => o.metadata.name as string));
}

/**
 * The apply order of the synthesized files: one stage per non-empty {@link K8sStage}, its waits
 * derived from its objects, and each Secret placed after the stage that creates its
 * namespace (the first stage when none does: the namespace exists already). `helmCharts`: what
 * the HelmCharts among the files run, for the waits after their stage.
 */
export function buildApplyOrder(files: readonly K8sFile[], secrets: readonly Omit<ApplySecret, 'env'>[] = [], helmCharts: readonly HelmChartReadiness[] = []): ApplyOrder {
  const stages = K8S_STAGES.map((stage) => {
    const own = files.filter((f) => f.stage === stage).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { stage, own, objects: own.flatMap((f) => f.objects) };
  }).filter((s) => s.own.length > 0);
  const placed = new Map<number, ApplySecret[]>();
  const seen = new Set<string>();
  // the first stage that creates each namespace (computed once: one Set per stage, not per Secret)
  const createdIn = new Map<string, number>();
  stages.forEach((st, i) => { for (const ns of namespacesCreated(st.objects)) if (!createdIn.has(ns)) createdIn.set(ns, i); });
  for (const s of secrets) {
    const id = `${s.namespace}/${s.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const at = createdIn.get(s.namespace) ?? 0;
    let list = placed.get(at);
    if (!list) placed.set(at, (list = []));
    list.push({ ...s, env: secretEnvVar(s.name) });
  }
  const clusterScoped = clusterScopedCustomKinds(stages.flatMap((s) => s.objects));
  const applySetOf = (stage: K8sStage, objects: readonly any[]): StageApplySet => {
    const members = objects.map((o) => memberKey(o, clusterScoped));
    const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      parent: stageApplySetParent(stage).name,
      id: stageApplySetId(stage),
      groupKinds: sorted(members.map((m) => m.split('|')[0])),
      namespaces: sorted(members.map((m) => m.split('|')[1]).filter((n) => n !== '' && n !== APPLYSET_PARENT_NAMESPACE)),
      members,
      prune: prunesStage(stage),
    };
  };
  return {
    stages: stages.map((s, i) => {
      const next = stages[i + 1];
      const waits = next ? waitsFor(s.objects, helmCharts) : [];
      // the next stage's objects of webhook-guarded groups: probe admission with a server-side dry run
      // (only when that stage creates no namespace: a dry run of a namespace persists nothing)
      const guarded = webhookGroupsOf(s.objects, helmCharts);
      if (next && next.objects.some((o) => guarded.has(groupOf(o?.apiVersion))) && namespacesCreated(next.objects).size === 0) {
        waits.push({ resource: 'dry-run', condition: 'Admitted', files: next.own.map((f) => f.path), appearsLater: false, timeoutSeconds: ADMISSION_TIMEOUT, reason: 'the webhooks admit the next stage' });
      }
      return {
        stage: s.stage,
        files: s.own.map((f) => f.path),
        secrets: (placed.get(i) ?? []).sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1)),
        waits,
        applySet: applySetOf(s.stage, s.objects),
      };
    }),
  };
}

/** @deprecated renamed {@link buildApplyOrder} */
export const buildApplyPlan = buildApplyOrder;

/**
 * The Secrets the objects read by `secretKeyRef` (in the object's namespace); add the ones
 * hidden in HelmChart values (see `platformSecrets`) yourself.
 */
export function referencedSecrets(files: readonly K8sFile[]): Omit<ApplySecret, 'env'>[] {
  const out: Omit<ApplySecret, 'env'>[] = [];
  const walk = (v: unknown, ns: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, ns);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const ref = x as any;
        if (k === 'secretKeyRef' && typeof ref?.name === 'string' && typeof ref?.key === 'string' && ref.optional !== true) out.push({ namespace: ns, name: ref.name, key: ref.key });
        else walk(x, ns);
      }
    }
  };
  for (const f of files) {
    for (const o of f.objects) if (o?.kind !== 'CustomResourceDefinition') walk(o, o?.metadata?.namespace ?? 'default');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// apply.sh
// ---------------------------------------------------------------------------------------------

const sh = shellWord;

const POLL_SECONDS = 5;
/** The end of every polling loop in apply.sh: sleep, count, next round. */
const POLL_TAIL: readonly string[] = [`    sleep ${POLL_SECONDS}`, `    waited=$((waited + ${POLL_SECONDS}))`, '  done', '}'];
/** A Helm job's state for `helm_job`: `uid/succeeded/failed/<Failed condition>`. */
const JOB_STATE = '{.metadata.uid}/{.status.succeeded}/{.status.failed}/{.status.conditions[?(@.type=="Failed")].status}';
/** A HelmChart's `Failed` condition (set by the Helm controller when a job fails under failurePolicy abort). */
const CHART_FAILED = '{.status.conditions[?(@.type=="Failed")].status}';

/** `dist/apply.sh`: the apply order as a POSIX sh script that needs only kubectl. */
export function renderApplyScript(plan: ApplyOrder, header: string): string {
  const all = plan.stages.flatMap((s) => s.secrets);
  const lines: string[] = [
    '#!/bin/sh',
    `# ${header}`,
    '#',
    '# Brings the cluster up from empty in one pass: applies each stage of this folder once,',
    '# in order, and waits for what the next stage needs (CRDs Established, Helm installs',
    '# Complete, webhooks and controllers Available). Safe to run again. Once the cluster is',
    '# up, plain `kubectl apply -f dist` applies the same files (it never reads this script).',
    '#',
    '#   KUBECTL                kubectl command (default kubectl), e.g. KUBECTL="kubectl --context home"',
    `#   ${SECRET_ENV_PREFIX}<NAME>  value of a Secret that does not exist yet; created once, never updated`,
    '#   --allow-delete-data    let pruning delete PersistentVolumeClaims, volumes, storage pools, Helm',
    '#                          releases and namespaces that hold PersistentVolumeClaims',
    '#',
    '# Pruning: every object carries its stage\'s ApplySet label (applyset.kubernetes.io/part-of);',
    '# after the last stage, what the cluster holds of a stage\'s set that no stage declares any more',
    '# is deleted (CRDs never). Anything that would delete data stops the script before it applies',
    '# anything, unless --allow-delete-data is given.',
    '#',
    `# Stages: ${plan.stages.map((s) => s.stage).join(', ')}`,
    'set -eu',
    'KUBECTL=${KUBECTL:-kubectl}',
    'DIST=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    '',
    "say() { printf 'apply.sh: %s\\n' \"$*\" >&2; }",
    '',
    'ALLOW_DELETE_DATA=0',
    'for arg in "$@"; do',
    '  case $arg in',
    '    --allow-delete-data) ALLOW_DELETE_DATA=1 ;;',
    '    *) say "unknown argument: $arg (allowed: --allow-delete-data)"; exit 2 ;;',
    '  esac',
    'done',
    '',
    '# wait_exists NAMESPACE RESOURCE SECONDS: a controller creates RESOURCE after the stage is',
    '# applied, and kubectl wait fails at once on an object that does not exist yet',
    'wait_exists() {',
    '  waited=0',
    '  until $KUBECTL -n "$1" get "$2" >/dev/null 2>&1; do',
    '    if [ "$waited" -ge "$3" ]; then',
    '      say "gave up after $3 s: $2 in namespace $1 does not exist"',
    '      exit 1',
    '    fi',
    ...POLL_TAIL,
    '',
    '# admitted SECONDS FILE-ARGS...: a webhook Deployment can be Available before its server',
    '# answers; a server-side dry run goes through admission and persists nothing',
    'admitted() {',
    '  limit=$1',
    '  shift',
    '  waited=0',
    '  until $KUBECTL apply --dry-run=server "$@" >/dev/null 2>&1; do',
    '    if [ "$waited" -ge "$limit" ]; then',
    '      say "gave up after $limit s: the API server still refuses a dry run of $*:"',
    '      $KUBECTL apply --dry-run=server "$@" >/dev/null || true',
    '      exit 1',
    '    fi',
    ...POLL_TAIL,
    '',
    '# helm_job NAMESPACE CHART SECONDS OLD-UID CHANGED: the outcome of the Helm controller\'s',
    '# install or upgrade job helm-install-CHART. When the HelmChart was changed (CHANGED=1), only',
    '# a new job (not OLD-UID) counts. A failed job stops the script: with failurePolicy abort the',
    '# HelmChart is marked Failed, otherwise the job ran out of retries.',
    'helm_job() {',
    '  waited=0',
    '  while :; do',
    `    state=$($KUBECTL -n "$1" get job "helm-install-$2" -o 'jsonpath=${JOB_STATE}' 2>/dev/null || true)`,
    '    uid=${state%%/*}',
    '    failed=0',
    '    if [ -n "$uid" ] && { [ "$5" = 0 ] || [ "$uid" != "$4" ]; }; then',
    '      rest=${state#*/}',
    '      succeeded=${rest%%/*}',
    '      rest=${rest#*/}',
    '      failed=${rest%%/*}',
    '      exhausted=${rest#*/}',
    '      if [ -n "$succeeded" ] && [ "$succeeded" != 0 ]; then return 0; fi',
    '      if [ "$exhausted" = True ]; then helm_failed "$1" "$2" "the job ran out of retries"; fi',
    '      if [ -n "$failed" ] && [ "$failed" != 0 ]; then',
    `        aborted=$($KUBECTL -n "$1" get helmchart "$2" -o 'jsonpath=${CHART_FAILED}' 2>/dev/null || true)`,
    '        if [ "$aborted" = True ]; then helm_failed "$1" "$2" "failurePolicy abort: the release is left as the failed attempt left it, nothing was uninstalled"; fi',
    '      fi',
    '    fi',
    '    if [ "$waited" -ge "$3" ]; then',
    '      if [ -z "$uid" ]; then',
    '        say "gave up after $3 s: job/helm-install-$2 in namespace $1 does not exist"',
    '      elif [ "$5" = 1 ] && [ "$uid" = "$4" ]; then',
    '        say "gave up after $3 s: the Helm controller started no new job/helm-install-$2 in namespace $1 for the changed HelmChart"',
    '      else',
    '        say "gave up after $3 s: job/helm-install-$2 in namespace $1 has not succeeded (failed attempts: ${failed:-0}); its log: $KUBECTL -n $1 logs job/helm-install-$2"',
    '      fi',
    '      exit 1',
    '    fi',
    ...POLL_TAIL,
    '',
    '# helm_failed NAMESPACE CHART WHY: stop, with the end of the job\'s log and how to go on',
    'helm_failed() {',
    '  say "the Helm install or upgrade of $2 failed ($3); the end of its log:"',
    '  $KUBECTL -n "$1" logs --tail=20 "job/helm-install-$2" >&2 || true',
    '  say "fix the cause (the chart version or values in your program), synth, and run apply.sh again;"',
    '  say "or retry it unchanged: $KUBECTL -n $1 delete job helm-install-$2, then run apply.sh again (README: Upgrades)"',
    '  exit 1',
    '}',
    '',
    '# chart_changed NAME: the last stage apply created or changed HelmChart NAME (1) or not (0)',
    'chart_changed() {',
    '  if printf \'%s\\n\' "$applied" | grep -Eq "^helmchart\\.helm\\.cattle\\.io/$1 (created|configured)"; then echo 1; else echo 0; fi',
    '}',
    '',
    'has_secret() { $KUBECTL -n "$1" get secret "$2" >/dev/null 2>&1; }',
    '',
    '# ensure_secret NAMESPACE NAME KEY VALUE: creates the Secret unless it exists (the value',
    "# goes through stdin, never into a process's arguments)",
    'ensure_secret() {',
    '  if has_secret "$1" "$2"; then return 0; fi',
    '  printf \'%s\' "$4" | $KUBECTL -n "$1" create secret generic "$2" --from-file="$3=/dev/stdin" >/dev/null',
    '  say "created Secret $1/$2"',
    '}',
    '',
    ...APPLYSET_FUNCTIONS,
    'if ! $KUBECTL get --raw=/readyz >/dev/null; then',
    '  say "cannot reach the cluster with: $KUBECTL"',
    '  exit 1',
    'fi',
    '',
  ];
  if (all.length > 0) {
    lines.push('# Every Secret exists already or has its value in the environment; else stop before applying anything.', "missing=''");
    for (const s of all) {
      lines.push(`has_secret ${sh(s.namespace)} ${sh(s.name)} || [ -n "\${${s.env}:-}" ] || missing="$missing ${s.namespace}/${s.name}:${s.env}"`);
    }
    lines.push(
      'if [ -n "$missing" ]; then',
      '  say "missing Secrets (namespace/name:variable); export each variable, or create the Secret with the key \\"value\\":"',
      '  for m in $missing; do say "  $m"; done',
      '  exit 1',
      'fi',
      '',
    );
  }
  lines.push(...renderPruneCheck(plan));
  for (const s of plan.stages) {
    lines.push(`say 'stage ${s.stage}'`);
    const helm = s.waits.filter((w) => w.helmChart !== undefined);
    const applyFiles = `$KUBECTL apply ${s.files.map((f) => `-f "$DIST/${f}"`).join(' ')}`;
    if (helm.length === 0) {
      lines.push(applyFiles);
    } else {
      // the Helm jobs before the apply: after a change of its HelmChart, only a new job counts
      helm.forEach((w, i) => lines.push(`old_job_${i}=$($KUBECTL -n ${sh(w.namespace ?? 'default')} get ${sh(w.resource)} -o 'jsonpath={.metadata.uid}' 2>/dev/null || true)`));
      lines.push(`applied=$(${applyFiles})`, 'printf \'%s\\n\' "$applied"');
    }
    for (const sec of s.secrets) {
      lines.push(`if [ -n "\${${sec.env}:-}" ]; then ensure_secret ${sh(sec.namespace)} ${sh(sec.name)} ${sh(sec.key)} "$${sec.env}"; fi`);
    }
    const crds = s.waits.filter((w) => w.resource.startsWith('crd/'));
    if (crds.length > 0) {
      lines.push(`say 'waiting for ${crds.length} CRDs to be Established'`);
      lines.push(`$KUBECTL wait --for=condition=Established --timeout=${Math.max(...crds.map((w) => w.timeoutSeconds))}s ${crds.map((w) => w.resource).join(' ')}`);
    }
    for (const w of s.waits.filter((x) => !x.resource.startsWith('crd/'))) {
      if (w.condition === 'Admitted') {
        lines.push(`say ${sh(`waiting until ${w.reason} (server-side dry run)`)}`);
        lines.push(`admitted ${w.timeoutSeconds} ${(w.files ?? []).map((f) => `-f "$DIST/${f}"`).join(' ')}`);
        continue;
      }
      const ns = w.namespace ?? 'default';
      lines.push(`say ${sh(`waiting for ${w.resource} in ${ns} (${w.reason})`)}`);
      if (w.helmChart !== undefined) {
        lines.push(`helm_job ${sh(ns)} ${sh(w.helmChart)} ${w.timeoutSeconds} "$old_job_${helm.indexOf(w)}" "$(chart_changed ${sh(w.helmChart)})"`);
        continue;
      }
      if (w.appearsLater) lines.push(`wait_exists ${sh(ns)} ${sh(w.resource)} ${w.timeoutSeconds}`);
      lines.push(`$KUBECTL -n ${sh(ns)} wait --for=condition=${w.condition} --timeout=${w.timeoutSeconds}s ${sh(w.resource)}`);
    }
    lines.push('');
  }
  lines.push(...renderPrune(plan));
  lines.push("say 'done'");
  return lines.join('\n') + '\n';
}

const PARENT_NS = APPLYSET_PARENT_NAMESPACE;
const jsonpathKey = (k: string) => k.replace(/\./g, '\\.');

/** The shell functions of the ApplySets: read and write a stage's parent, list its live members, prune one. */
const APPLYSET_FUNCTIONS: readonly string[] = [
  '# read_parent NAME: the ApplySet parent ConfigMap NAME; sets old_gks to its contains-group-kinds.',
  '# A parent that another tool owns stops the script (ApplySet tools never touch each other\'s sets).',
  'read_parent() {',
  `  parent=$($KUBECTL -n ${PARENT_NS} get configmap "$1" -o 'jsonpath={.metadata.annotations.${jsonpathKey(APPLYSET_TOOLING_ANNOTATION)}}|{.metadata.annotations.${jsonpathKey(APPLYSET_GROUP_KINDS_ANNOTATION)}}' 2>/dev/null || true)`,
  '  tooling=${parent%%|*}',
  '  case $tooling in',
  `    ''|${APPLYSET_TOOLING.split('/')[0]}/*) ;;`,
  `    *) say "ConfigMap ${PARENT_NS}/$1 is the ApplySet parent of another tool ($tooling): stopped, nothing applied"; exit 1 ;;`,
  '  esac',
  '  old_gks=$(printf \'%s\' "${parent#*|}" | tr -cd \'A-Za-z0-9.,-\')',
  '}',
  '',
  '# union LIST LIST: two comma-separated lists as one, sorted, without repeats',
  'union() { printf \'%s,%s\' "$1" "$2" | tr \',\' \'\\n\' | grep -v \'^$\' | LC_ALL=C sort -u | paste -sd, -; }',
  '',
  '# live_members ID GROUP-KINDS: the objects labelled part of ApplySet ID, one <GroupKind>|<namespace>|<name> a line',
  'live_members() {',
  '  for gk in $(printf \'%s\' "$2" | tr \',\' \' \'); do',
  `    $KUBECTL get "$(printf '%s' "$gk" | tr 'A-Z' 'a-z')" -A -l "${APPLYSET_PART_OF_LABEL}=$1" -o 'jsonpath={range .items[*]}{.metadata.namespace}|{.metadata.name}{"\\n"}{end}' 2>/dev/null | sed "s/^/$gk|/" || true`,
  '  done',
  '}',
  '',
  '# write_parent NAME ID GROUP-KINDS NAMESPACES: the ApplySet parent, as kubectl\'s ApplySet specification has it',
  'write_parent() {',
  '  $KUBECTL apply -f - >/dev/null <<EOF',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: $1',
  `  namespace: ${PARENT_NS}`,
  '  labels:',
  `    ${APPLYSET_ID_LABEL}: $2`,
  '  annotations:',
  `    ${APPLYSET_TOOLING_ANNOTATION}: ${APPLYSET_TOOLING}`,
  `    ${APPLYSET_GROUP_KINDS_ANNOTATION}: "$3"`,
  `    ${APPLYSET_NAMESPACES_ANNOTATION}: "$4"`,
  'EOF',
  '}',
  '',
  '# prune_one <GroupKind>|<namespace>|<name>',
  'prune_one() {',
  '  gk=${1%%|*}',
  '  rest=${1#*|}',
  '  pns=${rest%%|*}',
  '  pname=${rest#*|}',
  '  resource=$(printf \'%s\' "$gk" | tr \'A-Z\' \'a-z\')',
  '  say "pruning $gk $pname${pns:+ in $pns} (no stage declares it any more)"',
  '  if [ -n "$pns" ]; then $KUBECTL -n "$pns" delete "$resource" "$pname" --ignore-not-found; else $KUBECTL delete "$resource" "$pname" --ignore-not-found; fi',
  '}',
  '',
];

/**
 * Before anything is applied: each pruned stage's live members that no stage declares (objects
 * that moved to another stage are declared), and the stop when pruning them would delete data.
 * Then every parent is written with the old and new kinds, so an interrupted run leaks nothing.
 */
function renderPruneCheck(plan: ApplyPlan): string[] {
  const pruned = plan.stages.map((s, i) => ({ s, i })).filter(({ s }) => s.applySet.prune);
  const lines: string[] = [
    '# ApplySets: what the cluster holds of each stage\'s set that no stage declares any more (pruned after',
    '# the last stage); every object the stages declare, <GroupKind>|<namespace>|<name>:',
    "expected=$(cat <<'HOMELAB_MEMBERS'",
    ...plan.stages.flatMap((s) => s.applySet.members),
    'HOMELAB_MEMBERS',
    ')',
  ];
  for (const { s, i } of plan.stages.map((st, j) => ({ s: st, i: j }))) {
    lines.push(`read_parent ${sh(s.applySet.parent)}`, `gks_${i}=$(union "$old_gks" ${sh(s.applySet.groupKinds.join(','))})`);
    if (s.applySet.prune) lines.push(`gone_${i}=$(live_members ${sh(s.applySet.id)} "$gks_${i}" | grep -vxF -e "$expected" || true)`);
  }
  lines.push(
    `gone="${pruned.map(({ i }) => `$gone_${i}`).join(' ')}"`,
    "blocked=''",
    'for m in $gone; do',
    '  gk=${m%%|*}',
    '  name=${m##*|}',
    '  case $gk in',
    `    ${DATA_KINDS.join('|')}) blocked="$blocked $m" ;;`,
    '    Namespace) if [ -n "$($KUBECTL -n "$name" get persistentvolumeclaim -o name 2>/dev/null || true)" ]; then blocked="$blocked $m"; fi ;;',
    '  esac',
    'done',
    'if [ -n "$blocked" ] && [ "$ALLOW_DELETE_DATA" != 1 ]; then',
    '  say "stopped before applying anything: pruning would delete data (<kind>|<namespace>|<name>):"',
    '  for m in $blocked; do say "  $m"; done',
    '  say "these are no longer in your program: a PersistentVolumeClaim, a volume, a storage pool, a Helm release"',
    '  say "(uninstalled with its volumes) or a namespace that still holds PersistentVolumeClaims. Back the data up"',
    '  say "or put them back into your program; to delete them, run again with --allow-delete-data"',
    '  exit 1',
    'fi',
    ...plan.stages.map((s, i) => `write_parent ${sh(s.applySet.parent)} ${sh(s.applySet.id)} "$gks_${i}" ${sh(s.applySet.namespaces.join(','))}`),
    '',
  );
  return lines;
}

/** After the last stage: delete what no stage declares, the last stage's first; then each parent holds only the new kinds. */
function renderPrune(plan: ApplyPlan): string[] {
  const lines: string[] = ['# prune: the last stage first (a namespace goes after the objects in it)'];
  plan.stages.forEach((s, i) => { if (s.applySet.prune) lines.unshift(`for m in $gone_${i}; do prune_one "$m"; done`); });
  lines.unshift(lines.pop()!);
  for (const s of plan.stages) lines.push(`write_parent ${sh(s.applySet.parent)} ${sh(s.applySet.id)} ${sh(s.applySet.groupKinds.join(','))} ${sh(s.applySet.namespaces.join(','))}`);
  lines.push('');
  return lines;
}

/** The command `homelab apply` runs: `sh <outdir>/dist/apply.sh` (add `KUBECTL` to its environment to change kubectl). */
export function k8sApplyCommand(outdir: string): { readonly command: string; readonly args: readonly string[] } {
  return { command: 'sh', args: [path.join(path.resolve(outdir), 'dist', 'apply.sh')] };
}
