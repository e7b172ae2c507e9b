/** Namespaces, labelled to enforce a Pod Security Standards level ("restricted" unless a namespace needs less). */
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';

/** Namespace of k3s's Helm controller: HelmCharts live here, and so do their install jobs. */
export const HELM_CONTROLLER_NAMESPACE = 'kube-system';

/** Pod Security Standards level a namespace enforces. */
export enum PodSecurityLevel {
  RESTRICTED = 'restricted',
  BASELINE = 'baseline',
  PRIVILEGED = 'privileged',
}

/** The `pod-security.kubernetes.io/*` labels that enforce, warn and audit one level. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': level,
    'pod-security.kubernetes.io/audit': level,
  };
}

export const PSS_LABELS = podSecurityLabels(PodSecurityLevel.RESTRICTED);

/** A namespace and the Pod Security level it enforces. */
export interface NamespaceSpec {
  readonly name: string;
  /** @default PodSecurityLevel.RESTRICTED */
  readonly podSecurity?: PodSecurityLevel;
}

/** Adds one labelled Namespace per distinct name to `scope`, sorted by name (ids are the names). */
export function addNamespaces(scope: Construct, namespaces: readonly (string | NamespaceSpec)[]): kplus.Namespace[] {
  const byName = new Map<string, PodSecurityLevel>();
  for (const n of namespaces) {
    const spec = typeof n === 'string' ? { name: n } : n;
    if (!byName.has(spec.name)) byName.set(spec.name, spec.podSecurity ?? PodSecurityLevel.RESTRICTED);
  }
  return [...byName.keys()].sort().map((name) => new kplus.Namespace(scope, name, { metadata: { name, labels: podSecurityLabels(byName.get(name)!) } }));
}

const NAMESPACES_CHART_BRAND = brandSymbol('NamespacesChart');

/** A chart of namespaces: the apps' namespaces, applied before the apps. */
export class NamespacesChart extends Chart {
  /** True when `x` is a NamespacesChart, also from another copy of this library (`instanceof` uses it). */
  static isNamespacesChart(x: unknown): x is NamespacesChart {
    return hasBrand(x, NAMESPACES_CHART_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is NamespacesChart {
    return isInstance(this, NamespacesChart, NAMESPACES_CHART_BRAND, x);
  }

  constructor(scope: Construct, id: string, namespaces: readonly (string | NamespaceSpec)[]) {
    super(scope, id, { labels: { 'app.kubernetes.io/managed-by': 'homelab-cdk' } });
    addBrand(this, NAMESPACES_CHART_BRAND);
    addNamespaces(this, namespaces);
  }
}
