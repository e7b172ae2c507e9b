/**
 * The platform's CustomResourceDefinitions, applied in the first stage so that
 * no chart ever installs its own and nothing waits on a controller to create one.
 *
 * Source of truth: the upstream CRD files in `schemas/crds/` (the project's shared
 * CRD copies; `schemas/crds/SOURCES.md` says from where), plus open-schema CRDs for
 * the kinds only the controllers use (see {@link OPEN_SCHEMA_CRDS}). What
 * synth reads is `schemas/crds/platform.stripped.json`: the same CRDs without the
 * `description` keyword of their schemas, pre-parsed, because parsing 1.3 MB of
 * YAML on every synth would cost most of a second. A test regenerates it from the
 * YAML and fails when the two differ (`npx tsx test/k8s/update-crd-bundle.ts`).
 *
 * Why strip: client-side `kubectl apply` keeps the whole object in the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, and all of an
 * object's annotations together are limited to 262144 bytes. Without their
 * descriptions the largest CRD (cert-manager's Challenge) is a fifth of that, so
 * the design's plain `kubectl apply -f dist` works without `--server-side`.
 * Only the schema keyword goes: a property that is *named* `description` (inside
 * `properties`) and data in `default`, `enum` or `example` stay as they are, and
 * printer columns keep theirs.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';
import { bug } from '../core/errors';

/** Where the stripped bundle lives, relative to the package root. */
export const CRD_BUNDLE_FILE = 'schemas/crds/platform.stripped.json';

/** Groups whose CRDs go into the bundle (the platform's charts). */
export const CRD_BUNDLE_GROUPS: readonly string[] = ['acme.cert-manager.io', 'cert-manager.io', 'cstor.openebs.io', 'metallb.io', 'monitoring.coreos.com', 'openebs.io', 'traefik.io'];

const isPlain = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

const mapValues = (o: unknown, f: (v: unknown) => unknown): unknown => {
  if (!isPlain(o)) return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = f(v);
  return out;
};

/**
 * A JSON-schema (JSONSchemaProps) node without its `description` keyword, recursively.
 * Only the keys whose values are schemas are walked; every other keyword's value
 * (`default`, `enum`, `example`, `x-kubernetes-*`, ...) is data and kept as is.
 */
export function stripSchemaDescriptions(schema: unknown): unknown {
  if (!isPlain(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    switch (k) {
      case 'description':
        break;
      case 'properties':
      case 'patternProperties':
      case 'definitions':
        out[k] = mapValues(v, stripSchemaDescriptions);
        break;
      case 'dependencies': // a schema, or a list of property names
        out[k] = mapValues(v, (d) => (Array.isArray(d) ? d : stripSchemaDescriptions(d)));
        break;
      case 'items':
        out[k] = Array.isArray(v) ? v.map(stripSchemaDescriptions) : stripSchemaDescriptions(v);
        break;
      case 'additionalProperties':
      case 'additionalItems':
      case 'not':
        out[k] = typeof v === 'boolean' ? v : stripSchemaDescriptions(v);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[k] = Array.isArray(v) ? v.map(stripSchemaDescriptions) : v;
        break;
      default:
        out[k] = v;
    }
  }
  return out;
}

/** A CRD whose version schemas carry no `description` keyword (see {@link stripSchemaDescriptions}). */
export function stripCrdDescriptions(crd: any): any {
  if (!isPlain(crd) || !isPlain(crd.spec) || !Array.isArray(crd.spec.versions)) return crd;
  const versions = crd.spec.versions.map((v: any) => {
    if (!isPlain(v) || !isPlain(v.schema) || v.schema.openAPIV3Schema === undefined) return v;
    return { ...v, schema: { ...v.schema, openAPIV3Schema: stripSchemaDescriptions(v.schema.openAPIV3Schema) } };
  });
  return { ...crd, spec: { ...crd.spec, versions } };
}

/**
 * Plain data as cdk8s writes it (`sanitizeValue` with sorted keys): object keys in
 * `Array.prototype.sort` order, `null` and `undefined` members left out.
 */
export function sanitizeData(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map(sanitizeData);
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = sanitizeData(v[k]);
    if (x !== undefined && x !== null) out[k] = x;
  }
  return out;
}

/** A CRD the charts need of which the project keeps no upstream copy. */
export interface OpenSchemaCrd {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly version: string;
  readonly status: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

/**
 * Kinds the pinned charts' controllers watch and create themselves, but that no user object here
 * uses, and of which `schemas/crds/` holds no upstream copy (the copies come from the project's
 * shared CRD set). They are emitted with their real group, names, scope, version and status
 * subresource and an open schema (`x-kubernetes-preserve-unknown-fields`): the API server stores
 * them without validating their fields. Replace an entry with the upstream file in `schemas/crds/`
 * when one is added there (the bundle prefers the upstream copy).
 */
export const OPEN_SCHEMA_CRDS: readonly OpenSchemaCrd[] = [
  { group: 'acme.cert-manager.io', kind: 'Challenge', plural: 'challenges', version: 'v1', status: true, categories: ['cert-manager', 'cert-manager-acme'] },
  { group: 'acme.cert-manager.io', kind: 'Order', plural: 'orders', version: 'v1', status: true, categories: ['cert-manager', 'cert-manager-acme'] },
  { group: 'cert-manager.io', kind: 'CertificateRequest', plural: 'certificaterequests', version: 'v1', status: true, shortNames: ['cr', 'crs'], categories: ['cert-manager'] },
  // cStor operator chart (github.com/openebs-archive/cstor-operators deploy/helm/charts/crds/): all cstor.openebs.io/v1, namespaced
  { group: 'cstor.openebs.io', kind: 'CStorBackup', plural: 'cstorbackups', version: 'v1', status: true },
  { group: 'cstor.openebs.io', kind: 'CStorCompletedBackup', plural: 'cstorcompletedbackups', version: 'v1', status: true },
  { group: 'cstor.openebs.io', kind: 'CStorPoolInstance', plural: 'cstorpoolinstances', version: 'v1', status: true, shortNames: ['cspi'] },
  { group: 'cstor.openebs.io', kind: 'CStorRestore', plural: 'cstorrestores', version: 'v1', status: true },
  { group: 'cstor.openebs.io', kind: 'CStorVolumeConfig', plural: 'cstorvolumeconfigs', version: 'v1', status: true, shortNames: ['cvc'] },
  { group: 'cstor.openebs.io', kind: 'CStorVolumePolicy', plural: 'cstorvolumepolicies', version: 'v1', status: true, shortNames: ['cvp'] },
  { group: 'cstor.openebs.io', kind: 'CStorVolumeReplica', plural: 'cstorvolumereplicas', version: 'v1', status: true, shortNames: ['cvr'] },
  { group: 'cstor.openebs.io', kind: 'CStorVolume', plural: 'cstorvolumes', version: 'v1', status: true, shortNames: ['cv'] },
  { group: 'metallb.io', kind: 'BFDProfile', plural: 'bfdprofiles', version: 'v1beta1', status: true },
  { group: 'metallb.io', kind: 'Community', plural: 'communities', version: 'v1beta1', status: true },
  { group: 'metallb.io', kind: 'ConfigurationState', plural: 'configurationstates', version: 'v1beta1', status: true },
  { group: 'metallb.io', kind: 'ServiceBGPStatus', plural: 'servicebgpstatuses', version: 'v1beta1', status: true },
  { group: 'metallb.io', kind: 'ServiceL2Status', plural: 'servicel2statuses', version: 'v1beta1', status: true },
  // NDM (node-disk-manager, the cStor chart's openebs-ndm dependency): openebs.io/v1alpha1, namespaced
  { group: 'openebs.io', kind: 'BlockDevice', plural: 'blockdevices', version: 'v1alpha1', status: true, shortNames: ['bd'] },
  { group: 'openebs.io', kind: 'BlockDeviceClaim', plural: 'blockdeviceclaims', version: 'v1alpha1', status: true, shortNames: ['bdc'] },
  // Mayastor (OpenEBS 4.x): DiskPool openebs.io/v1beta3 (docs "Create DiskPool(s)"), namespaced
  { group: 'openebs.io', kind: 'DiskPool', plural: 'diskpools', version: 'v1beta3', status: true, shortNames: ['dsp'] },
  { group: 'traefik.io', kind: 'IngressRouteUDP', plural: 'ingressrouteudps', version: 'v1alpha1', status: false },
  { group: 'traefik.io', kind: 'MiddlewareTCP', plural: 'middlewaretcps', version: 'v1alpha1', status: false },
  { group: 'traefik.io', kind: 'ServersTransportTCP', plural: 'serverstransporttcps', version: 'v1alpha1', status: false },
  { group: 'traefik.io', kind: 'TLSStore', plural: 'tlsstores', version: 'v1alpha1', status: false },
];

/** The CustomResourceDefinition of an {@link OpenSchemaCrd}. */
export function openSchemaCrd(c: OpenSchemaCrd): any {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${c.plural}.${c.group}`, annotations: { 'homelab-cdk/schema': 'open: no upstream copy in schemas/crds' } },
    spec: {
      group: c.group,
      names: {
        kind: c.kind,
        listKind: `${c.kind}List`,
        plural: c.plural,
        singular: c.kind.toLowerCase(),
        ...(c.shortNames ? { shortNames: [...c.shortNames] } : {}),
        ...(c.categories ? { categories: [...c.categories] } : {}),
      },
      scope: 'Namespaced',
      versions: [{
        name: c.version,
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        ...(c.status ? { subresources: { status: {} } } : {}),
      }],
    },
  };
}

/**
 * The bundle's text: the stripped CRDs of {@link CRD_BUNDLE_GROUPS}, sorted by
 * name, keys sorted as cdk8s sorts them, one compact JSON object per line (so a
 * change diffs per CRD).
 */
export function renderCrdBundle(upstream: readonly any[]): string {
  const names = new Set(upstream.map((c) => c?.metadata?.name));
  const crds = [...upstream, ...OPEN_SCHEMA_CRDS.map(openSchemaCrd).filter((c) => !names.has(c.metadata.name))];
  const wanted = crds
    .filter((c) => isPlain(c) && c.kind === 'CustomResourceDefinition' && CRD_BUNDLE_GROUPS.includes(c.spec?.group))
    .map((c) => sanitizeData(stripCrdDescriptions(c)) as any)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return `[\n${wanted.map((c) => JSON.stringify(c)).join(',\n')}\n]\n`;
}

let bundle: ReadonlyMap<string, any> | undefined;

/** The stripped CRDs by name (`ingressroutes.traefik.io`), read once per process. */
export function crdBundle(): ReadonlyMap<string, any> {
  if (!bundle) {
    // lib/k8s and build/k8s are both two levels below the package root
    const file = path.resolve(__dirname, '..', '..', CRD_BUNDLE_FILE);
    const crds: any[] = JSON.parse(fs.readFileSync(file, 'utf8'));
    bundle = new Map(crds.map((c) => [c.metadata.name, c]));
  }
  return bundle;
}

/**
 * The named CRDs from the bundle (shared, frozen-by-convention data: copy before changing one).
 * Throws on a name the bundle lacks: that is a bug in the platform table, not a user error.
 */
export function bundledCrds(names: readonly string[]): any[] {
  const all = crdBundle();
  return names.map((n) => {
    const crd = all.get(n);
    if (!crd) bug(CRD_BUNDLE_FILE, 'CustomResourceDefinition.name', 'not in the CRD bundle', n, 'add its upstream file to schemas/crds/ (or an OPEN_SCHEMA_CRDS entry) and regenerate the bundle');
    return crd;
  });
}

/**
 * An ApiObject for a large body of plain data (a CRD): cdk8s would walk every node of
 * it through the resolvers and sort every key on each synth; this object's body is
 * already what that yields (sorted keys, no nulls, no tokens; see {@link sanitizeData}),
 * so `toJson()` only resolves the metadata. With a JSON patch added it falls back to
 * cdk8s's full resolution, so escape hatches keep working.
 */
const PLAIN_DATA_API_OBJECT_BRAND = brandSymbol('PlainDataApiObject');

export class PlainDataApiObject extends ApiObject {
  /** True when `x` is a PlainDataApiObject, also from another copy of this library (`instanceof` uses it). */
  static isPlainDataApiObject(x: unknown): x is PlainDataApiObject {
    return hasBrand(x, PLAIN_DATA_API_OBJECT_BRAND);
  }

  /** Its own, not ApiObject's (which says yes for every ApiObject). */
  static [Symbol.hasInstance](x: unknown): x is PlainDataApiObject {
    return isInstance(this, PlainDataApiObject, PLAIN_DATA_API_OBJECT_BRAND, x);
  }

  private readonly body: Readonly<Record<string, unknown>>;
  private patched = false;

  /** `data` must be plain JSON data with `apiVersion`, `kind` and `metadata`. */
  constructor(scope: Construct, id: string, data: Readonly<Record<string, any>>) {
    const { apiVersion, kind, metadata, ...rest } = data;
    super(scope, id, { apiVersion, kind, metadata, ...rest });
    addBrand(this, PLAIN_DATA_API_OBJECT_BRAND);
    this.body = sanitizeData(rest) as Record<string, unknown>;
  }

  addJsonPatch(...ops: JsonPatch[]): void {
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  toJson(): any {
    if (this.patched) return super.toJson();
    return { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata.toJson(), ...this.body };
  }
}
