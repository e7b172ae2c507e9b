/**
 * The pinned versions of what the platform installs: each Helm chart with its repository,
 * version, the CRDs its controllers watch and the workloads and webhooks `apply.sh` waits for,
 * and where each was read. Bumping a chart is one edit here (and its CRD copies in
 * `schemas/crds/`, `schemas/crds/SOURCES.md`). The model's own defaults (k3s release, nixpkgs,
 * restic and database images) are pinned where derive applies them (`model/derive.ts`,
 * `model/backup.ts`), below this layer.
 */
import { PodSecurityLevel } from '../k8s/namespaces';

/** A workload a platform chart runs that the next stage (or the cluster) needs ready. */
export interface PlatformWorkload {
  /** Deployment name (the chart's fullname, derived from the release name). */
  readonly deployment: string;
  /** What it is for; printed by `apply.sh` while it waits. */
  readonly reason: string;
}

/** A Helm chart the platform installs through k3s's Helm controller. */
export interface PlatformChartSpec {
  /** HelmChart name = Helm release name (the charts derive their object names from it). */
  readonly name: string;
  /** Target namespace of the release. */
  readonly namespace: string;
  /** Pod Security level the namespace enforces. */
  readonly podSecurity: PodSecurityLevel;
  readonly repo: string;
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** Where the version, the value keys and the CRDs were checked. */
  readonly source: string;
  /** CRDs (by name) the chart's controllers watch; applied in stage `00-crds`. */
  readonly crds: readonly string[];
  /** Deployments to wait for (Available) before the next stage. */
  readonly workloads: readonly PlatformWorkload[];
  /** API groups the chart's validating webhooks admit (objects of them wait for the chart). @default [] */
  readonly webhookGroups?: readonly string[];
  /**
   * CRDs whose versions the chart's own webhook converts: the chart's CRD template points
   * `spec.conversion` at its Service, and its controller injects the CA bundle there (it
   * fails to start when the field is missing), so our copy carries the same stanza.
   * @default {}
   */
  readonly conversionWebhooks?: Readonly<Record<string, CrdConversionWebhook>>;
  /**
   * What k3s's Helm controller does when an install or upgrade of the chart fails
   * (HelmChart `spec.failurePolicy`, helm.cattle.io/v1): `abort` leaves the release as the
   * failed attempt left it, marks the HelmChart `Failed` and waits for you; `reinstall`
   * (the controller's default) uninstalls the release and installs it again.
   * Every chart that holds state or runs admission webhooks aborts: an uninstall would take
   * a storage engine, the webhooks, or every address MetalLB announces with it.
   * @see https://github.com/k3s-io/helm-controller (HelmChartSpec.FailurePolicy)
   */
  readonly failurePolicy: HelmFailurePolicy;
  /** Why {@link failurePolicy} is what it is (kept next to the choice). */
  readonly failurePolicyReason: string;
}

/** HelmChart `spec.failurePolicy` values we emit (the CRD also allows `retry`). */
export type HelmFailurePolicy = 'abort' | 'reinstall';

/** `spec.conversion.webhook` of a CRD, as a chart's CRD template sets it (the namespace is the chart's). */
export interface CrdConversionWebhook {
  readonly service: string;
  readonly path: string;
  readonly conversionReviewVersions: readonly string[];
}

/**
 * Traefik Proxy v3.7.11, chart traefik 41.3.0 (artifacthub.io/packages/helm/traefik/traefik;
 * values and `crds/` of github.com/traefik/traefik-helm-chart tag v41.3.0). Its CRD
 * provider watches all ten traefik.io kinds, so all ten are installed.
 */
export const TRAEFIK_CHART: PlatformChartSpec = {
  name: 'traefik',
  namespace: 'traefik',
  podSecurity: PodSecurityLevel.RESTRICTED,
  repo: 'https://traefik.github.io/charts',
  chart: 'traefik',
  version: '41.3.0',
  source: 'github.com/traefik/traefik-helm-chart v41.3.0: traefik/values.yaml, values.schema.json, crds/',
  crds: [
    'ingressroutes.traefik.io', 'ingressroutetcps.traefik.io', 'ingressrouteudps.traefik.io', 'middlewares.traefik.io', 'middlewaretcps.traefik.io',
    'serverstransports.traefik.io', 'serverstransporttcps.traefik.io', 'tlsoptions.traefik.io', 'tlsstores.traefik.io', 'traefikservices.traefik.io',
  ],
  workloads: [{ deployment: 'traefik', reason: 'the ingress controller (IngressRoutes, Middlewares)' }],
  failurePolicy: 'reinstall',
  failurePolicyReason: 'stateless: no volume (certificates live in cert-manager\'s Secrets), no admission webhook; a reinstall recreates the Deployment and the LoadBalancer Service (MetalLB gives back the pinned ingress address), so a failed upgrade heals itself after a short ingress outage',
};

/**
 * cert-manager v1.21.1, chart cert-manager v1.21.1 from charts.jetstack.io
 * (artifacthub.io/packages/helm/cert-manager/cert-manager; values of
 * github.com/cert-manager/cert-manager tag v1.21.1 deploy/charts/cert-manager, CRDs from deploy/crds).
 */
export const CERT_MANAGER_CHART: PlatformChartSpec = {
  name: 'cert-manager',
  namespace: 'cert-manager',
  podSecurity: PodSecurityLevel.RESTRICTED,
  repo: 'https://charts.jetstack.io',
  chart: 'cert-manager',
  version: 'v1.21.1',
  source: 'github.com/cert-manager/cert-manager v1.21.1: deploy/charts/cert-manager/values.yaml, values.schema.json, deploy/crds/',
  crds: [
    'certificaterequests.cert-manager.io', 'certificates.cert-manager.io', 'challenges.acme.cert-manager.io', 'clusterissuers.cert-manager.io',
    'issuers.cert-manager.io', 'orders.acme.cert-manager.io',
  ],
  workloads: [
    { deployment: 'cert-manager-webhook', reason: 'the webhook that admits cert-manager.io and acme.cert-manager.io objects' },
    { deployment: 'cert-manager-cainjector', reason: 'injects the webhook\'s CA bundle' },
    { deployment: 'cert-manager', reason: 'the controller that issues certificates' },
  ],
  webhookGroups: ['cert-manager.io', 'acme.cert-manager.io'],
  failurePolicy: 'abort',
  failurePolicyReason: 'admission webhooks for cert-manager.io: an uninstall removes the webhook while Certificates and the ClusterIssuer stay, and certificate renewals stop',
};

/**
 * MetalLB v0.16.1, chart metallb 0.16.1 (artifacthub.io/packages/helm/metallb/metallb;
 * values of github.com/metallb/metallb tag v0.16.1 charts/metallb, CRDs from config/crd/bases).
 * Layer 2 only: the FRR and frr-k8s BGP backends are off (0.16 turns frr-k8s on by default).
 */
export const METALLB_CHART: PlatformChartSpec = {
  name: 'metallb',
  namespace: 'metallb-system',
  podSecurity: PodSecurityLevel.PRIVILEGED,
  repo: 'https://metallb.github.io/metallb',
  chart: 'metallb',
  version: '0.16.1',
  source: 'github.com/metallb/metallb v0.16.1: charts/metallb/values.yaml, values.schema.json, config/crd/bases/',
  crds: [
    'bfdprofiles.metallb.io', 'bgpadvertisements.metallb.io', 'bgppeers.metallb.io', 'communities.metallb.io', 'configurationstates.metallb.io',
    'ipaddresspools.metallb.io', 'l2advertisements.metallb.io', 'servicebgpstatuses.metallb.io', 'servicel2statuses.metallb.io',
  ],
  workloads: [{ deployment: 'metallb-controller', reason: 'the webhook that admits metallb.io objects, and the address allocator' }],
  webhookGroups: ['metallb.io'],
  failurePolicy: 'abort',
  failurePolicyReason: 'admission and CRD conversion webhooks for metallb.io, and every LoadBalancer address it announces: an uninstall drops the ingress address',
  // charts/metallb/charts/crds/templates/crds.yaml (v0.16.1): the BGPPeer v1beta1 <-> v1beta2 conversion
  conversionWebhooks: { 'bgppeers.metallb.io': { service: 'metallb-webhook-service', path: '/convert', conversionReviewVersions: ['v1beta1', 'v1beta2'] } },
};

/**
 * oauth2-proxy v7.15.3, chart oauth2-proxy 10.7.0 (artifacthub.io/packages/helm/oauth2-proxy/oauth2-proxy;
 * values of github.com/oauth2-proxy/manifests tag oauth2-proxy-10.7.0 helm/oauth2-proxy). No CRDs.
 */
export const OAUTH2_PROXY_CHART: PlatformChartSpec = {
  name: 'oauth2-proxy',
  namespace: 'oauth2-proxy',
  podSecurity: PodSecurityLevel.RESTRICTED,
  repo: 'https://oauth2-proxy.github.io/manifests',
  chart: 'oauth2-proxy',
  version: '10.7.0',
  source: 'github.com/oauth2-proxy/manifests oauth2-proxy-10.7.0: helm/oauth2-proxy/values.yaml, templates/deployment.yaml',
  crds: [],
  workloads: [{ deployment: 'oauth2-proxy', reason: 'signs people in for admin-only apps' }],
  failurePolicy: 'reinstall',
  failurePolicyReason: 'stateless: sessions live in the browsers\' cookies, no volume, no webhook; a reinstall only signs nobody in for a minute',
};

/**
 * cStor operator, chart cstor 3.3.0 from the OpenEBS archive's Helm repo (github.com/openebs-archive/cstor-operators
 * deploy/helm/charts: Chart.yaml, values.yaml, templates/, crds/). Installed only when a cStor pool exists. Its CRDs live in the chart's
 * `crds/` folder, which Helm skips for CRDs that exist (ours, stage 00), as for Traefik. NDM stays on
 * (`openebsNDM.enabled`): it turns the nodes' disks into the BlockDevices `storage.lock.json` names.
 * Release `cstor` = chart name, so the chart's fullname is `cstor`. The namespace runs cStor's pool pods and
 * NDM's DaemonSet, which need privileged containers and host paths (/dev, /run/udev): "privileged".
 */
export const CSTOR_CHART: PlatformChartSpec = {
  name: 'cstor',
  namespace: 'openebs',
  podSecurity: PodSecurityLevel.PRIVILEGED,
  // The project moved to the OpenEBS archive; its index.md gives this Helm repo. The Deployment
  // names are fixed in the chart's templates (admission-server.yaml, cspc-operator.yaml,
  // cvc-operator.yaml: openebs-cstor-*), whatever the release is called.
  repo: 'https://openebs-archive.github.io/cstor-operators',
  chart: 'cstor',
  // A version whose deploy/helm/charts/Chart.yaml was read (the archive may hold later ones).
  version: '3.3.0',
  source: 'github.com/openebs-archive/cstor-operators: index.md (repo), deploy/helm/charts/Chart.yaml (version 3.3.0, NDM 2.0.0 dependency), templates/admission-server.yaml (deployment openebs-cstor-admission-server)',
  crds: [
    'cstorbackups.cstor.openebs.io', 'cstorcompletedbackups.cstor.openebs.io', 'cstorpoolclusters.cstor.openebs.io', 'cstorpoolinstances.cstor.openebs.io',
    'cstorrestores.cstor.openebs.io', 'cstorvolumeconfigs.cstor.openebs.io', 'cstorvolumepolicies.cstor.openebs.io', 'cstorvolumereplicas.cstor.openebs.io',
    'cstorvolumes.cstor.openebs.io', 'blockdevices.openebs.io', 'blockdeviceclaims.openebs.io',
  ],
  workloads: [
    { deployment: 'openebs-cstor-admission-server', reason: 'the webhook that admits cstor.openebs.io objects (CStorPoolClusters)' },
    { deployment: 'openebs-cstor-cspc-operator', reason: 'turns CStorPoolClusters into pool instances' },
    { deployment: 'openebs-cstor-cvc-operator', reason: 'provisions cStor volumes' },
  ],
  webhookGroups: ['cstor.openebs.io'],
  failurePolicy: 'abort',
  failurePolicyReason: 'storage engine (pools, volume replicas) and an admission webhook for cstor.openebs.io: an uninstall stops every cStor volume',
};

/**
 * OpenEBS 4.6.1 with Replicated PV Mayastor 2.12.1, chart openebs 4.6.1 from openebs.github.io/openebs
 * (github.com/openebs/openebs charts/Chart.yaml and values.yaml: `engines.local.{hostpath,lvm,zfs,rawfile}.enabled`,
 * `engines.replicated.mayastor.enabled`; mayastor-extensions chart/values.yaml `crds.enabled`). Installed only
 * when a Mayastor pool exists; every other engine off, the chart's CRDs off (DiskPool comes from stage 00).
 * Mayastor's io-engine runs privileged with hugepages and host networking: the namespace is "privileged".
 */
export const OPENEBS_CHART: PlatformChartSpec = {
  name: 'openebs',
  namespace: 'openebs',
  podSecurity: PodSecurityLevel.PRIVILEGED,
  repo: 'https://openebs.github.io/openebs',
  chart: 'openebs',
  version: '4.6.1',
  source: 'github.com/openebs/openebs v4.6.1: charts/Chart.yaml, charts/values.yaml; github.com/openebs/mayastor-extensions v2.12.1: chart/values.yaml',
  crds: ['diskpools.openebs.io'],
  workloads: [
    { deployment: 'openebs-agent-core', reason: 'Mayastor\'s control plane' },
    { deployment: 'openebs-operator-diskpool', reason: 'creates the pools of DiskPool objects' },
  ],
  failurePolicy: 'abort',
  failurePolicyReason: 'storage engine (Mayastor pools, volumes and their etcd): an uninstall stops every volume and may lose the control plane\'s state',
};

/** Every chart the platform can install, in install order. */
export const PLATFORM_CHARTS: readonly PlatformChartSpec[] = [TRAEFIK_CHART, CERT_MANAGER_CHART, METALLB_CHART, OAUTH2_PROXY_CHART, CSTOR_CHART, OPENEBS_CHART];
