/**
 * The apply stages of `dist/`: every chart belongs to one stage, and its file is
 * named `<stage number>-<chart>.k8s.yaml`, so the lexical order of the flat
 * `dist/` folder is the apply order (`kubectl apply -f dist` reads a folder's
 * files sorted by name, and never descends into subfolders).
 *
 * | stage | files | what must hold before the next stage |
 * |---|---|---|
 * | `00-crds` | `00-crds.k8s.yaml`: every CRD of the platform charts | each CRD Established |
 * | `10-platform` | `10-platform.k8s.yaml`: platform namespaces, k3s HelmCharts | Helm install jobs Complete, webhooks and controllers Available |
 * | `20-platform-config` | `20-platform-config.k8s.yaml`: ClusterIssuer, MetalLB pools | - |
 * | `25-namespaces` | `25-namespaces.k8s.yaml`: the apps' namespaces | - |
 * | `30-apps` | `30-<chart>.k8s.yaml`: one per app chart, and any chart of yours | - |
 *
 * A chart without a stage (one you add to `homelab.k8s`) goes to `30-apps`.
 */
import { Chart, Names } from 'cdk8s';

/** An apply stage; the value is its name, and its first two characters prefix its files. */
export enum K8sStage {
  CRDS = '00-crds',
  PLATFORM = '10-platform',
  PLATFORM_CONFIG = '20-platform-config',
  NAMESPACES = '25-namespaces',
  APPS = '30-apps',
}

/** The stages in apply order. */
export const K8S_STAGES: readonly K8sStage[] = [K8sStage.CRDS, K8sStage.PLATFORM, K8sStage.PLATFORM_CONFIG, K8sStage.NAMESPACES, K8sStage.APPS];

const STAGES = new WeakMap<Chart, K8sStage>();
const NOTES = new WeakMap<Chart, string>();

/** Puts a chart into a stage (before synth). */
export function setK8sStage(chart: Chart, stage: K8sStage): void {
  STAGES.set(chart, stage);
}

/** The chart's stage. @default K8sStage.APPS */
export function k8sStageOf(chart: Chart): K8sStage {
  return STAGES.get(chart) ?? K8sStage.APPS;
}

/** A comment written under the header of the chart's file (one `#` line per line). */
export function setK8sFileNote(chart: Chart, note: string): void {
  NOTES.set(chart, note);
}

export function k8sFileNoteOf(chart: Chart): string | undefined {
  return NOTES.get(chart);
}

/** `dist/`-relative file name of a chart: `<stage number>-<chart as cdk8s names it>.k8s.yaml`. */
export function k8sFileName(chart: Chart): string {
  return `${k8sStageOf(chart).slice(0, 2)}-${Names.toDnsLabel(chart)}.k8s.yaml`;
}
