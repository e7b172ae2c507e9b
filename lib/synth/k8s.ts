/**
 * Synthesizes a cdk8s App into YAML files without cdk8s' per-chart
 * re-resolution: the app is validated once, then each chart's objects are
 * resolved once and written with the fast emitter. Output equals what
 * `cdk8s synth` writes per chart, minus the re-validation cost (quadratic in
 * the number of charts), plus each stage's ApplySet label on every object.
 */
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { constructProblems, fail, HomelabProblem } from '../core/errors';
import { K8sStage, k8sFileName, k8sFileNoteOf, k8sStageOf } from './stages';
import { toYamlDocuments } from '../k8s/yaml';
import { stageApplySetId, withApplySetLabel } from './applyset';

export interface K8sFile {
  /** `dist/`-relative name, `<stage number>-<chart>.k8s.yaml` (see `stages.ts`). */
  readonly path: string;
  readonly content: string;
  /** The stage the file is applied in. */
  readonly stage: K8sStage;
  /** The resolved objects written to the file, in file order (with their stage's ApplySet label, see `applyset.ts`). */
  readonly objects: readonly any[];
}

/** Runs every construct's validations once; returns problems with construct paths. */
export function validateK8sApp(app: App): HomelabProblem[] {
  return constructProblems(app);
}

/** Resolved manifests of one chart, in dependency order. */
export function chartObjects(chart: Chart): any[] {
  const all = chart.node.findAll();
  // without explicit dependencies the topological order is the tree order: skip building the graph
  const ordered = all.some((c) => c.node.dependencies.length > 0) ? new DependencyGraph(chart.node).topology() : all;
  return ordered
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
    .map((o) => o.toJson());
}

/**
 * One `<stage number>-<chart>.k8s.yaml` per chart that has objects (the chart part
 * named as cdk8s names charts), sorted by name: the order `kubectl apply -f dist`
 * reads them in is the apply order of the stages.
 */
export function synthK8sFiles(app: App, header: string): K8sFile[] {
  const files: K8sFile[] = [];
  // files are sorted by name below, so the charts' order does not matter: without explicit
  // dependencies, skip building the graph over the whole tree (a Homelab's Terraform stack too)
  const all = app.node.findAll();
  const charts = all.some((c) => c.node.dependencies.length > 0) ? app.charts : all.filter((c): c is Chart => Chart.isChart(c));
  for (const chart of charts) {
    const id = stageApplySetId(k8sStageOf(chart));
    const objects = chartObjects(chart).map((o) => withApplySetLabel(o, id));
    if (objects.length === 0) continue;
    const note = k8sFileNoteOf(chart);
    files.push({ path: k8sFileName(chart), content: toYamlDocuments(objects, note ? `${header}\n\n${note}` : header), stage: k8sStageOf(chart), objects });
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) fail(`dist/${f.path}`, 'Chart.id', 'two charts write this file', f.path, 'give one of them another id');
    seen.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
