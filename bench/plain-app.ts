/**
 * The objects of lib/constructs/cluster-app.ts (addAppObjects) for the
 * "all apps in one Chart" layout: ClusterApp is itself a Chart (namespace and
 * managed-by label are chart-level there), so here the namespace goes on each
 * object and the label on the one chart. Same kplus constructs, same props.
 */
import { Construct } from 'constructs';
import { addAppObjects } from '../lib/constructs/cluster-app';
import { clusterAppProps } from '../lib/homelab/props';
import type { ResolvedApp } from '../lib/model/derive';
import type { ClusterSpec } from '../lib/model/inventory';

export class PlainApp extends Construct {
  constructor(scope: Construct, id: string, app: ResolvedApp, cluster?: ClusterSpec) {
    super(scope, id);
    addAppObjects(this, clusterAppProps(app, cluster, []), app.namespace);
  }
}
