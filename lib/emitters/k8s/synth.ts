/**
 * Synthesizes a cdk8s App into YAML files without cdk8s' per-chart
 * re-resolution: the app is validated once, then each chart's objects are
 * resolved once and written with the fast emitter. Output equals what
 * `cdk8s synth` writes per chart, minus the re-validation cost (quadratic in
 * the number of charts).
 */
import { ApiObject, App, Chart, DependencyGraph, Names } from 'cdk8s';
import { constructProblems, HomelabProblem } from '../../validate/errors';
import { toYamlDocuments } from './yaml';

export interface K8sFile {
  readonly path: string;
  readonly content: string;
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

/** One `<chart>.k8s.yaml` per chart, named as cdk8s names charts. */
export function synthK8sFiles(app: App, header: string): K8sFile[] {
  const files: K8sFile[] = [];
  for (const chart of app.charts) {
    const objects = chartObjects(chart);
    if (objects.length === 0) continue;
    files.push({ path: `${Names.toDnsLabel(chart)}.k8s.yaml`, content: toYamlDocuments(objects, header) });
  }
  return files;
}
