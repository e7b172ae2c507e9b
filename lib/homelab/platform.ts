/**
 * The cluster platform (`cluster.platform`): Traefik, cert-manager, MetalLB and
 * (with `platform.oauth`) oauth2-proxy, installed by k3s's built-in Helm
 * controller from `helm.cattle.io/v1` HelmCharts, so synth needs no `helm`
 * binary. k3s's bundled Traefik and servicelb are disabled on the servers (the
 * NixOS emitter passes `--disable=traefik --disable=servicelb`), so this Traefik
 * is the only one and MetalLB the only load balancer.
 *
 * Three charts, in three apply stages (see `stages.ts`):
 * - {@link PlatformCrds} (`00-crds`): the CRDs of all four charts, from the
 *   project's upstream copies without descriptions (`crds.ts`). The charts are
 *   told not to install their own: cert-manager `crds.enabled: false`, MetalLB
 *   `crds.enabled: false`. Traefik ships its CRDs in the chart's `crds/` folder,
 *   which Helm installs only on first install and skips, with a warning, for
 *   every CRD that already exists ("If the CRD already exists, it will be skipped
 *   with a warning", helm.sh docs, Custom Resource Definitions best practices);
 *   ours exist and are Established before any HelmChart is applied. Helm does
 *   still create the chart's 15 `hub.traefik.io` CRDs, which nothing here uses
 *   (k3s's HelmChart has no `--skip-crds`).
 * - {@link PlatformServices} (`10-platform`): the four namespaces with their Pod
 *   Security labels, and the HelmCharts (in `kube-system`). All chart pods run
 *   "restricted" except MetalLB's speaker, which needs the host network and
 *   NET_RAW to answer ARP: `metallb-system` alone enforces "privileged".
 * - {@link PlatformConfig} (`20-platform-config`): the ClusterIssuer (ACME DNS-01
 *   through Cloudflare) and MetalLB's address pools; both kinds are guarded by
 *   their chart's validating webhook, so they wait for stage 10's webhooks.
 *
 * Chart versions are pinned in `versions.ts`, each with its source; the CRD copies in
 * `schemas/crds/` are the same releases' files (`schemas/crds/SOURCES.md`). The values come
 * from the derived model in `platform-values.ts`.
 */
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SECRET_ENV_PREFIX, secretKeyRef } from '../core/secrets';
import { Model } from '../model/derive';
import { bundledCrds, PlainDataApiObject } from '../k8s/crds';
import { addNamespaces, HELM_CONTROLLER_NAMESPACE } from '../k8s/namespaces';
import { K8sStage, setK8sFileNote, setK8sStage } from '../synth/stages';
import { toYaml } from '../k8s/yaml';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';
import { addProblemValidation, problem } from '../core/errors';
import { METALLB_CHART } from './versions';
import { LETSENCRYPT_PRODUCTION, LETSENCRYPT_STAGING, loadBalancerNetworks, platformChartValues, platformCharts, platformSecrets } from './platform-values';

export * from './versions';
export * from './platform-values';

// ---------------------------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------------------------

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'homelab-cdk' };

const PLATFORM_CRDS_BRAND = brandSymbol('PlatformCrds');

/** Stage `00-crds`: every CRD the platform's charts need, without descriptions. */
export class PlatformCrds extends Chart {
  /** True when `x` is a PlatformCrds, also from another copy of this library (`instanceof` uses it). */
  static isPlatformCrds(x: unknown): x is PlatformCrds {
    return hasBrand(x, PLATFORM_CRDS_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is PlatformCrds {
    return isInstance(this, PlatformCrds, PLATFORM_CRDS_BRAND, x);
  }

  /** One ApiObject per CRD, by CRD name. */
  readonly crds: ReadonlyMap<string, ApiObject>;

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id, { labels: MANAGED_BY });
    addBrand(this, PLATFORM_CRDS_BRAND);
    setK8sStage(this, K8sStage.CRDS);
    const charts = platformCharts(model);
    const crds = new Map<string, ApiObject>();
    // PrometheusRule for the backup alerts (a prometheus-operator, if any, picks them up)
    const extra = model.apps.some((a) => a.backup) ? [PROMETHEUS_RULE_CRD] : [];
    for (const shared of bundledCrds([...charts.flatMap((c) => c.crds), ...extra])) {
      let crd = shared;
      const owner = charts.find((c) => c.conversionWebhooks?.[crd.metadata.name]);
      const conversion = owner?.conversionWebhooks?.[crd.metadata.name];
      if (owner && conversion) {
        crd = {
          ...shared,
          spec: {
            ...shared.spec,
            conversion: {
              strategy: 'Webhook',
              webhook: {
                clientConfig: { service: { name: conversion.service, namespace: owner.namespace, path: conversion.path } },
                conversionReviewVersions: [...conversion.conversionReviewVersions],
              },
            },
          },
        };
      }
      crds.set(crd.metadata.name, new PlainDataApiObject(this, crd.metadata.name, crd));
    }
    this.crds = crds;
  }
}

/** The CRD of the backup alerts (`ResticBackedApp`), applied in stage 00 when an app has backups. */
export const PROMETHEUS_RULE_CRD = 'prometheusrules.monitoring.coreos.com';

const PLATFORM_SERVICES_BRAND = brandSymbol('PlatformServices');

/** Stage `10-platform`: the platform namespaces and one k3s HelmChart per chart. */
export class PlatformServices extends Chart {
  /** True when `x` is a PlatformServices, also from another copy of this library (`instanceof` uses it). */
  static isPlatformServices(x: unknown): x is PlatformServices {
    return hasBrand(x, PLATFORM_SERVICES_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is PlatformServices {
    return isInstance(this, PlatformServices, PLATFORM_SERVICES_BRAND, x);
  }

  /** The HelmCharts, by chart name. */
  readonly helmCharts: ReadonlyMap<string, ApiObject>;
  readonly namespaces: readonly kplus.Namespace[];

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id, { labels: MANAGED_BY });
    addBrand(this, PLATFORM_SERVICES_BRAND);
    setK8sStage(this, K8sStage.PLATFORM);
    const charts = platformCharts(model);
    // cStor and OpenEBS share `openebs`: one Namespace
    const namespaces = charts.filter((c, i) => charts.findIndex((x) => x.namespace === c.namespace) === i);
    this.namespaces = addNamespaces(this, namespaces.map((c) => ({ name: c.namespace, podSecurity: c.podSecurity })));
    const helmCharts = new Map<string, ApiObject>();
    for (const c of charts) {
      helmCharts.set(c.name, new ApiObject(this, `HelmChart-${c.name}`, {
        apiVersion: 'helm.cattle.io/v1',
        kind: 'HelmChart',
        metadata: { name: c.name, namespace: HELM_CONTROLLER_NAMESPACE },
        spec: {
          repo: c.repo,
          chart: c.chart,
          version: c.version,
          targetNamespace: c.namespace,
          createNamespace: true,
          failurePolicy: c.failurePolicy,
          valuesContent: toYaml(platformChartValues(model, c)),
        },
      }));
    }
    this.helmCharts = helmCharts;
    setK8sFileNote(this, secretsNote(model));
  }
}

function secretsNote(model: Model): string {
  const secrets = platformSecrets(model);
  const width = Math.max(0, ...secrets.map((s) => `${s.namespace}/${s.name}`.length));
  return [
    'Secrets are yours: synth never writes a value. Each is a Secret with the key "value";',
    `dist/apply.sh creates a missing one from $${SECRET_ENV_PREFIX}<NAME> (never updates one), or create it:`,
    '  kubectl -n <namespace> create secret generic <name> --from-file=value=/dev/stdin',
    ...secrets.map((s) => `  ${`${s.namespace}/${s.name}`.padEnd(width)}${s.description ? `  ${s.description}` : ''}`),
  ].join('\n');
}

const PLATFORM_CONFIG_BRAND = brandSymbol('PlatformConfig');

/** Stage `20-platform-config`: the ClusterIssuer and MetalLB's address pools. */
export class PlatformConfig extends Chart {
  /** True when `x` is a PlatformConfig, also from another copy of this library (`instanceof` uses it). */
  static isPlatformConfig(x: unknown): x is PlatformConfig {
    return hasBrand(x, PLATFORM_CONFIG_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is PlatformConfig {
    return isInstance(this, PlatformConfig, PLATFORM_CONFIG_BRAND, x);
  }

  readonly clusterIssuer?: ApiObject;
  readonly addressPools: readonly ApiObject[];
  readonly l2Advertisement?: ApiObject;

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id, { labels: MANAGED_BY });
    addBrand(this, PLATFORM_CONFIG_BRAND);
    setK8sStage(this, K8sStage.PLATFORM_CONFIG);
    const platform = model.cluster!.platform!;
    const issuer = model.cluster!.certIssuer;
    const dns = model.dns;
    if (dns) {
      this.clusterIssuer = new ApiObject(this, 'ClusterIssuer', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'ClusterIssuer',
        metadata: { name: issuer },
        spec: {
          acme: {
            email: platform.acmeEmail,
            server: platform.acmeStaging ? LETSENCRYPT_STAGING : LETSENCRYPT_PRODUCTION,
            privateKeySecretRef: { name: `${issuer}-account-key` },
            solvers: [{
              selector: { dnsZones: [dns.zone] },
              dns01: { cloudflare: { apiTokenSecretRef: secretKeyRef(dns.apiTokenSecret) } },
            }],
          },
        },
      });
    }
    const networks = loadBalancerNetworks(model);
    this.addressPools = networks.map((n) => new ApiObject(this, `IPAddressPool-${n.name}`, {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: n.name, namespace: METALLB_CHART.namespace },
      spec: { addresses: [`${n.loadBalancerPool!.start}-${n.loadBalancerPool!.end}`] },
    }));
    if (networks.length > 0) {
      this.l2Advertisement = new ApiObject(this, 'L2Advertisement', {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: { name: 'default', namespace: METALLB_CHART.namespace },
        spec: { ipAddressPools: networks.map((n) => n.name) },
      });
    }
    addProblemValidation(this, () => (networks.length > 0 ? [] : [
      problem(this.node.path, 'PlatformConfig.networks', 'no network at the cluster\'s site has a loadBalancerPool, so MetalLB has no address for Traefik',
        model.clusterSite?.name ?? null, 'a loadBalancerPool on a network of that site (networks[].loadBalancerPool), outside its DHCP range'),
    ]));
  }
}

/** The platform's three charts, when `cluster.platform` is set. */
export interface PlatformCharts {
  readonly crds: PlatformCrds;
  readonly services: PlatformServices;
  readonly config: PlatformConfig;
}

/** Adds the platform's charts (ids `crds`, `platform`, `platform-config`) to the cdk8s app; undefined without `cluster.platform`. */
export function addPlatformCharts(app: Construct, model: Model): PlatformCharts | undefined {
  if (!model.cluster?.platform) return undefined;
  return {
    crds: new PlatformCrds(app, 'crds', model),
    services: new PlatformServices(app, 'platform', model),
    config: new PlatformConfig(app, 'platform-config', model),
  };
}
