/**
 * Test-side validation of Kubernetes manifests, for everything we emit into `dist/`.
 *
 * - `validateManifest`: schema check. Built-in kinds go through `kubernetes-models` (types,
 *   required fields, enums) plus an unknown-field walk over the upstream type metadata that
 *   `@kubernetes/client-node` ships (`attributeTypeMap` of each generated model). Custom
 *   resources go through ajv against the CRD `openAPIV3Schema` files in `schemas/crds/`, with
 *   unknown fields rejected the way the API server's structural pruning would drop them.
 * - `checkPodSecurityRestricted`: the Pod Security Standards "restricted" profile (which
 *   includes "baseline"), policy version "latest" as of Kubernetes 1.34.
 * - `loadManifests`: what `kubectl apply -f <dir>` would read.
 *
 * Every problem is one line: `<kind>/<metadata.name> <path>: <what is wrong>`, plus
 * ` (in <file>)` when the object came from `loadManifests`.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';

type Seg = string | number;
type Report = (segs: readonly Seg[], message: string) => void;

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Where the CRDs whose custom resources we can validate live. */
export const CRD_DIR = path.join(REPO_ROOT, 'schemas', 'crds');

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Schema-checks one manifest. Returns one line per problem; empty means valid.
 */
export function validateManifest(obj: any): string[] {
  const out: string[] = [];
  const report = reporter(obj, out);
  if (!isObject(obj)) {
    report([], `manifest must be an object (got ${show(obj)})`);
    return out;
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') report(['apiVersion'], `must be a non-empty string (got ${show(apiVersion)})`);
  if (typeof kind !== 'string' || kind === '') report(['kind'], `must be a non-empty string (got ${show(kind)})`);
  if (out.length > 0) return out;

  const builtin = builtinModel(apiVersion, kind);
  if (builtin) {
    validateBuiltin(obj, builtin, report);
    return out;
  }
  const crd = crdRegistry().lookup(apiVersion, kind);
  if (crd) {
    validateCustomResource(obj, crd, report);
    return out;
  }
  const group = groupOf(apiVersion);
  if (isBuiltinGroup(group)) {
    report([], `unknown built-in kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}; kubernetes-models has no such resource`);
  } else {
    report([], `no schema for ${JSON.stringify(apiVersion)} ${JSON.stringify(kind)}; add its CRD to schemas/crds/`);
  }
  return out;
}

/**
 * Checks the Pod Security Standards "restricted" profile (all baseline and restricted controls)
 * on the pod spec inside `obj`. Returns [] for objects that hold no pod.
 */
export function checkPodSecurityRestricted(obj: any): string[] {
  const out: string[] = [];
  const loc = podLocation(obj);
  if (!loc) return out;
  const spec = get(obj, loc.spec);
  if (!isObject(spec)) return out;
  const meta = get(obj, loc.meta);
  checkPod(spec, isObject(meta) ? meta : {}, loc, reporter(obj, out));
  return out;
}

/**
 * Reads every `*.yaml`, `*.yml` and `*.json` file directly in `dir` (not recursive, sorted by
 * name), like `kubectl apply -f dir`. Multi-document YAML is split and empty documents are
 * skipped; a `kind: List` is flattened into its items. Each object gets a non-enumerable
 * `__file` property. Throws on unparsable files and non-object documents.
 */
export function loadManifests(dir: string): any[] {
  const files = fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const result: any[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    const docs: unknown[] = [];
    if (name.endsWith('.json')) {
      try {
        docs.push(JSON.parse(text));
      } catch (e) {
        throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
      }
    } else {
      for (const doc of YAML.parseAllDocuments(text, KUBE_YAML_OPTIONS)) {
        if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0].message}`);
        docs.push(doc.toJS({ maxAliasCount: 100 }));
      }
    }
    docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return;
      if (!isObject(doc)) throw new Error(`${file}: document ${i} is not an object (got ${show(doc)})`);
      const items = isListKind(doc) ? doc.items : [doc];
      for (const item of items) {
        if (!isObject(item)) throw new Error(`${file}: document ${i} has a list item that is not an object (got ${show(item)})`);
        Object.defineProperty(item, '__file', { value: file, enumerable: false, configurable: true });
        result.push(item);
      }
    });
  }
  return result;
}

/**
 * The YAML rules kubectl reads with: YAML 1.1 scalars (`on`, `yes`, `0755`), as go-yaml does and
 * as cdk8s writes, but timestamps and sexagesimal numbers stay strings.
 */
const KUBE_YAML_OPTIONS = {
  version: '1.1' as const,
  customTags: (tags: YAML.Tags) => tags.filter((t) => {
    const tag = t as { tag?: string; format?: string };
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
  }),
};

function isListKind(doc: Record<string, any>): doc is { items: unknown[] } {
  return doc.apiVersion === 'v1' && doc.kind === 'List' && Array.isArray(doc.items);
}

// ---------------------------------------------------------------------------------------------
// Problem formatting
// ---------------------------------------------------------------------------------------------

function reporter(obj: any, out: string[]): Report {
  const kind = isObject(obj) && typeof obj.kind === 'string' && obj.kind ? obj.kind : '<no kind>';
  const rawName = isObject(obj) && isObject(obj.metadata) ? obj.metadata.name : undefined;
  const name = typeof rawName === 'string' && rawName ? rawName : '<no name>';
  const file = isObject(obj) && typeof obj.__file === 'string' ? ` (in ${obj.__file})` : '';
  return (segs, message) => out.push(`${kind}/${name} ${formatPath(segs)}: ${message}${file}`);
}

/** `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(segs: readonly Seg[]): string {
  if (segs.length === 0) return '(root)';
  let s = '';
  for (const seg of segs) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) s += (s ? '.' : '') + seg;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Turns ajv errors (from kubernetes-models or our CRD validators) into problems. */
function reportAjvErrors(errors: readonly ErrorObject[], root: unknown, report: Report): void {
  // anyOf/oneOf failures also report every branch's failure; keep only the summary.
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const isBranchError = (e: ErrorObject) => alternatives.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const seen = new Set<string>();
  for (const e of errors) {
    if (isBranchError(e)) continue;
    const segs = pointerToSegs(e.instancePath, root);
    const value = get(root, segs);
    let at = segs;
    let message: string;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        at = [...segs, key];
        message = unknownFieldMessage(key, Object.keys(((e.parentSchema as any)?.properties) ?? {}));
        break;
      }
      case 'required':
        at = [...segs, String((e.params as { missingProperty: string }).missingProperty)];
        message = 'required field is missing';
        break;
      case 'enum':
        message = `must be one of ${show((e.params as { allowedValues: unknown[] }).allowedValues)} (got ${show(value)})`;
        break;
      case 'anyOf':
      case 'oneOf': {
        const branches = errors.filter((b) => b.schemaPath.startsWith(`${e.schemaPath}/`) && b.instancePath === e.instancePath);
        const why = [...new Set(branches.map((b) => b.message ?? b.keyword))].join(' | ');
        message = `${e.message ?? e.keyword}${why ? ` (${why})` : ''} (got ${show(value)})`;
        break;
      }
      default:
        message = `${e.message ?? e.keyword} (got ${show(value)})`;
    }
    const line = `${formatPath(at)}\0${message}`;
    if (seen.has(line)) continue;
    seen.add(line);
    report(at, message);
  }
}

function pointerToSegs(pointer: string, root: unknown): Seg[] {
  if (!pointer) return [];
  const segs: Seg[] = [];
  let cur: any = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: Seg = Array.isArray(cur) && /^\d+$/.test(key) ? Number(key) : key;
    segs.push(seg);
    cur = cur == null ? undefined : cur[seg];
  }
  return segs;
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(k, key);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const close = best !== undefined && bestDistance < key.length && bestDistance <= Math.max(2, Math.floor(key.length / 3));
  const hint = close ? `; did you mean ${JSON.stringify(best)}?` : '';
  return `unknown field ${JSON.stringify(key)}${hint}`;
}

/** Optimal string alignment distance: edits plus adjacent transpositions ("lables" -> "labels" is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function get(root: unknown, segs: readonly Seg[]): any {
  let cur: any = root;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[s];
  }
  return cur;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.indexOf('/') + 1);
}

const LEGACY_BUILTIN_GROUPS = new Set(['', 'apps', 'autoscaling', 'batch', 'extensions', 'policy']);

/** Groups served by kube-apiserver itself (CRD groups such as gateway.networking.k8s.io aside). */
function isBuiltinGroup(group: string): boolean {
  return LEGACY_BUILTIN_GROUPS.has(group) || group.endsWith('.k8s.io');
}

// ---------------------------------------------------------------------------------------------
// Built-in kinds: kubernetes-models + @kubernetes/client-node type metadata
// ---------------------------------------------------------------------------------------------

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: any): { validate(): void };
}

const API_VERSION_RE = /^(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;
const KUBERNETES_MODELS_DIR = path.dirname(require.resolve('kubernetes-models/package.json'));
const builtinCache = new Map<string, ModelClass | null>();

/**
 * kubernetes-models lays its classes out as `<apiVersion>/<Kind>.js` (core: `v1/Service.js`);
 * a class with a static apiVersion and kind is a top-level resource.
 */
function builtinModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion} ${kind}`;
  let model = builtinCache.get(key);
  if (model === undefined) {
    model = null;
    const file = path.join(KUBERNETES_MODELS_DIR, apiVersion, `${kind}.js`);
    if (API_VERSION_RE.test(apiVersion) && KIND_RE.test(kind) && fs.existsSync(file)) {
      const mod = require(file) as Record<string, ModelClass | undefined>;
      const candidate = mod[kind];
      if (candidate && candidate.apiVersion === apiVersion && candidate.kind === kind) model = candidate;
    }
    builtinCache.set(key, model);
  }
  return model ?? undefined;
}

function validateBuiltin(obj: Record<string, any>, model: ModelClass, report: Report): void {
  // 1. types, required fields and enums (kubernetes-models' precompiled validators)
  runModelValidation(() => new model(obj).validate(), obj, report);
  // 2. unknown fields, against the upstream type metadata
  const cls = clientNodeClassFor(obj.apiVersion, obj.kind);
  if (cls) walkTypes(obj, cls, [], report);
  else report([], `${JSON.stringify(obj.apiVersion)} ${JSON.stringify(obj.kind)} is not in the Kubernetes API of @kubernetes/client-node (a removed beta version?), so unknown fields cannot be checked; use a served version`);
  // 3. the apiserver's own checks that matter most for generated manifests
  checkMetadata(obj, builtinNameRule(groupOf(obj.apiVersion), obj.kind), report);
  checkWorkloadSelector(obj, report);
}

function runModelValidation(validate: () => void, root: unknown, report: Report): void {
  try {
    validate();
  } catch (e) {
    const errors = (e as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) throw e;
    reportAjvErrors(errors as ErrorObject[], root, report);
  }
}

const CLIENT_NODE_MODELS_DIR = path.join(path.dirname(require.resolve('@kubernetes/client-node/package.json')), 'dist', 'gen', 'models');
const PRIMITIVE_TYPES = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);
const attributeCache = new Map<string, ReadonlyMap<string, string> | null>();

/**
 * `baseName -> type` of a generated @kubernetes/client-node model, read from the static
 * `attributeTypeMap` in its `dist/gen/models/<Class>.js`. The package is ESM-only, so we read
 * the generated data instead of importing it.
 */
function attributeTypes(cls: string): ReadonlyMap<string, string> | undefined {
  let map = attributeCache.get(cls);
  if (map === undefined) {
    map = null;
    const file = path.join(CLIENT_NODE_MODELS_DIR, `${cls}.js`);
    if (/^[A-Za-z0-9]+$/.test(cls) && fs.existsSync(file)) {
      const src = fs.readFileSync(file, 'utf8');
      const m = new RegExp(`^${cls}\\.attributeTypeMap = (\\[\\]|\\[\\n[\\s\\S]*?\\n\\]);`, 'm').exec(src);
      if (!m) throw new Error(`k8s-validate: cannot find ${cls}.attributeTypeMap in ${file}`);
      const entries = JSON.parse(m[1]) as { baseName: string; type: string }[];
      map = new Map(entries.map((e) => [e.baseName, e.type]));
    }
    attributeCache.set(cls, map);
  }
  return map ?? undefined;
}

/**
 * apps/v1 Deployment -> V1Deployment; autoscaling/v2 HorizontalPodAutoscaler ->
 * V2HorizontalPodAutoscaler; v1 Event -> CoreV1Event (the generator prefixes the group when
 * two groups share a name). Only classes with apiVersion, kind and metadata qualify.
 */
function clientNodeClassFor(apiVersion: string, kind: string): string | undefined {
  const version = versionOf(apiVersion);
  const ver = version.charAt(0).toUpperCase() + version.slice(1);
  const group = groupOf(apiVersion);
  const first = group === '' ? 'core' : group.split('.')[0];
  const prefix = first.charAt(0).toUpperCase() + first.slice(1);
  for (const cls of [`${prefix}${ver}${kind}`, `${ver}${kind}`]) {
    const attrs = attributeTypes(cls);
    if (attrs && attrs.has('apiVersion') && attrs.has('kind') && attrs.has('metadata')) return cls;
  }
  return undefined;
}

/** Reports every key that the upstream type does not declare, recursively. */
function walkTypes(value: unknown, type: string, segs: readonly Seg[], report: Report): void {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => walkTypes(v, array[1], [...segs, i], report));
    return;
  }
  const dict = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (dict) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) walkTypes(v, dict[1], [...segs, k], report);
    return;
  }
  if (PRIMITIVE_TYPES.has(type)) return;
  const attrs = attributeTypes(type);
  if (!attrs) throw new Error(`k8s-validate: no @kubernetes/client-node model for type ${JSON.stringify(type)} at ${formatPath(segs)}`);
  if (!isObject(value)) return; // wrong types are kubernetes-models' finding
  for (const [k, v] of Object.entries(value)) {
    const t = attrs.get(k);
    if (t === undefined) report([...segs, k], unknownFieldMessage(k, [...attrs.keys()]));
    else walkTypes(v, t, [...segs, k], report);
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata and workload checks that kube-apiserver applies (names, labels, selectors)
// ---------------------------------------------------------------------------------------------

type NameRule = 'dns1123Subdomain' | 'dns1123Label' | 'dns1035Label' | 'pathSegment';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Name rules from k8s.io/kubernetes pkg/apis/<group>/validation for the kinds that differ. */
function builtinNameRule(group: string, kind: string): NameRule {
  if (group === '' && kind === 'Service') return 'dns1035Label';
  if (group === '' && kind === 'Namespace') return 'dns1123Label';
  if (group === 'rbac.authorization.k8s.io') return 'pathSegment';
  return 'dns1123Subdomain';
}

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'dns1123Label':
      if (name.length > 63 || !DNS1123_LABEL.test(name)) return 'a lowercase RFC 1123 label: [a-z0-9-], alphanumeric at both ends, at most 63 characters';
      return undefined;
    case 'dns1035Label':
      if (name.length > 63 || !DNS1035_LABEL.test(name)) return 'a lowercase RFC 1035 label: [a-z0-9-], starting with a letter, alphanumeric at the end, at most 63 characters';
      return undefined;
    case 'dns1123Subdomain':
      if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) return 'a lowercase RFC 1123 subdomain: [a-z0-9-.], alphanumeric at both ends, at most 253 characters';
      return undefined;
    case 'pathSegment':
      if (name === '.' || name === '..' || /[/%]/.test(name)) return 'a path segment: not "." or "..", without "/" or "%"';
      return undefined;
  }
}

function checkMetadata(obj: Record<string, any>, rule: NameRule, report: Report): void {
  const meta = obj.metadata;
  if (!isObject(meta)) {
    report(['metadata'], `must be an object (got ${show(meta)})`);
    return;
  }
  if (typeof meta.name !== 'string' || meta.name === '') {
    report(['metadata', 'name'], `required field is missing (got ${show(meta.name)}); kubectl apply needs a name`);
  } else {
    const why = nameProblem(meta.name, rule);
    if (why) report(['metadata', 'name'], `invalid name (got ${show(meta.name)}); must be ${why}`);
    if (obj.kind === 'CronJob' && groupOf(obj.apiVersion) === 'batch' && meta.name.length > 52) {
      report(['metadata', 'name'], `too long for a CronJob (got ${meta.name.length} characters); at most 52`);
    }
  }
  if (meta.namespace !== undefined) {
    const why = typeof meta.namespace === 'string' ? nameProblem(meta.namespace, 'dns1123Label') : 'a string';
    if (why) report(['metadata', 'namespace'], `invalid namespace (got ${show(meta.namespace)}); must be ${why}`);
  }
  checkLabels(meta.labels, ['metadata', 'labels'], report);
  checkAnnotations(meta.annotations, ['metadata', 'annotations'], report);
}

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'at most one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return 'a prefix that is a lowercase RFC 1123 subdomain';
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return 'a name of at most 63 characters from [A-Za-z0-9-_.], alphanumeric at both ends';
  return undefined;
}

function checkLabels(labels: unknown, segs: readonly Seg[], report: Report): void {
  if (!isObject(labels)) return;
  for (const [k, v] of Object.entries(labels)) {
    const keyWhy = qualifiedNameProblem(k);
    if (keyWhy) report([...segs, k], `invalid label key (got ${show(k)}); needs ${keyWhy}`);
    if (typeof v === 'string' && v !== '' && (v.length > 63 || !QUALIFIED_NAME_PART.test(v))) {
      report([...segs, k], `invalid label value (got ${show(v)}); empty, or at most 63 characters from [A-Za-z0-9-_.], alphanumeric at both ends`);
    }
  }
}

function checkAnnotations(annotations: unknown, segs: readonly Seg[], report: Report): void {
  if (!isObject(annotations)) return;
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    const keyWhy = qualifiedNameProblem(k.toLowerCase());
    if (keyWhy) report([...segs, k], `invalid annotation key (got ${show(k)}); needs ${keyWhy}`);
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > 256 * 1024) report(segs, `annotations too large (got ${size} bytes); at most 262144`);
}

const SELECTOR_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** apps/v1 rejects a workload whose selector does not select its own pod template. */
function checkWorkloadSelector(obj: Record<string, any>, report: Report): void {
  if (groupOf(obj.apiVersion) !== 'apps' || !SELECTOR_KINDS.has(obj.kind)) return;
  const selector = get(obj, ['spec', 'selector']);
  if (!isObject(selector)) return; // missing selector: kubernetes-models reports it
  const labels = get(obj, ['spec', 'template', 'metadata', 'labels']);
  checkLabels(labels, ['spec', 'template', 'metadata', 'labels'], report);
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    report(['spec', 'selector'], 'empty selector is invalid; it would select every pod in the namespace');
    return;
  }
  const podLabels: Record<string, unknown> = isObject(labels) ? labels : {};
  const matches = Object.entries(matchLabels).every(([k, v]) => podLabels[k] === v)
    && expressions.every((e: any) => matchesExpression(e, podLabels));
  if (!matches) {
    report(['spec', 'template', 'metadata', 'labels'], `selector does not match template labels (got ${show(podLabels)}); spec.selector ${show(selector)} must select the pod template`);
  }
}

function matchesExpression(e: any, labels: Record<string, unknown>): boolean {
  if (!isObject(e)) return true;
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  const values: unknown[] = Array.isArray(e.values) ? e.values : [];
  switch (e.operator) {
    case 'In': return has && values.includes(labels[e.key]);
    case 'NotIn': return !has || !values.includes(labels[e.key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    default: return true; // an unknown operator is a schema finding
  }
}

// ---------------------------------------------------------------------------------------------
// Custom resources: CRD openAPIV3Schema + ajv
// ---------------------------------------------------------------------------------------------

interface CrdVersion {
  readonly served: boolean;
  readonly schema: any;
  validate?: ValidateFunction;
}

interface CrdDefinition {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  versions?: Map<string, CrdVersion>;
}

/**
 * group/kind -> CRD file, indexed by a cheap text scan of each file's header; a file is only
 * parsed when one of its kinds is validated, and each version's schema is compiled on first use.
 */
class CrdRegistry {
  private readonly byGroupKind = new Map<string, CrdDefinition>();

  public addDirectory(dir: string): void {
    for (const name of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = path.join(dir, name);
      const text = fs.readFileSync(file, 'utf8');
      const header = scanCrdHeader(text);
      if (header) {
        this.byGroupKind.set(`${header.group}/${header.kind}`, { file, ...header });
      } else {
        for (const crd of parseCrdFile(file, text)) this.addParsed(file, crd);
      }
    }
  }

  public lookup(apiVersion: string, kind: string): { def: CrdDefinition; version: string } | undefined {
    const def = this.byGroupKind.get(`${groupOf(apiVersion)}/${kind}`);
    if (!def) return undefined;
    if (!def.versions) this.load(def);
    return { def, version: versionOf(apiVersion) };
  }

  private addParsed(file: string, crd: any): void {
    const def: CrdDefinition = { file, group: crd.spec.group, kind: crd.spec.names.kind };
    def.versions = crdVersions(crd);
    this.byGroupKind.set(`${def.group}/${def.kind}`, def);
  }

  private load(def: CrdDefinition): void {
    const crds = parseCrdFile(def.file, fs.readFileSync(def.file, 'utf8'))
      .filter((c) => c.spec.group === def.group && c.spec.names.kind === def.kind);
    if (crds.length !== 1) throw new Error(`k8s-validate: ${def.file} does not define exactly one CRD for ${def.group}/${def.kind}`);
    def.versions = crdVersions(crds[0]);
  }
}

/** Reads `spec.group` and `spec.names.kind` from a single-document controller-gen CRD file. */
function scanCrdHeader(text: string): { group: string; kind: string } | undefined {
  if (/^---\s*$/m.test(text.replace(/^---\s*\n/, ''))) return undefined; // several documents
  if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(text)) return undefined;
  const unquote = (s: string) => s.replace(/^(['"])(.*)\1$/, '$2');
  const group = /^ {2}group:\s*(\S+)\s*$/m.exec(text);
  const names = /^ {2}names:\s*\n((?: {4,}.*\n)+)/m.exec(text);
  const kind = names && /^ {4}kind:\s*(\S+)\s*$/m.exec(names[1]);
  if (!group || !kind) return undefined;
  return { group: unquote(group[1]), kind: unquote(kind[1]) };
}

/**
 * Parses a CRD file with js-yaml: it is several times faster than `yaml` on these large files,
 * and like go-yaml (so kubectl) it accepts the under-indented continuation lines in quoted
 * descriptions that some published CRDs have (the cstor one does; `yaml` rejects it).
 */
function parseCrdFile(file: string, text: string): any[] {
  let objects: unknown[];
  try {
    objects = jsyaml.loadAll(text);
  } catch (e) {
    throw new Error(`k8s-validate: ${file}: invalid YAML: ${(e as Error).message}`);
  }
  return objects.filter((o): o is any => isObject(o) && o.kind === 'CustomResourceDefinition' && isObject(o.spec));
}

function crdVersions(crd: any): Map<string, CrdVersion> {
  const versions = new Map<string, CrdVersion>();
  for (const v of Array.isArray(crd.spec.versions) ? crd.spec.versions : []) {
    versions.set(v.name, { served: v.served !== false, schema: v.schema?.openAPIV3Schema ?? crd.spec.validation?.openAPIV3Schema });
  }
  return versions;
}

let registry: CrdRegistry | undefined;
function crdRegistry(): CrdRegistry {
  if (!registry) {
    registry = new CrdRegistry();
    registry.addDirectory(CRD_DIR);
  }
  return registry;
}

/** Makes the CRDs in another directory known to `validateManifest` (e.g. CRDs we emit). */
export function registerCrdDirectory(dir: string): void {
  crdRegistry().addDirectory(dir);
}

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      allErrors: true,
      verbose: true, // parentSchema lets unknown-field problems suggest the closest field
      strict: false, // unknown keywords such as `example` are not ours to judge
      code: { regExp: goRegExp },
    });
    // formats kube-apiserver checks for CRDs (k8s.io/apiextensions-apiserver, go-openapi strfmt)
    ajvInstance.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajvInstance.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    ajvInstance.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
    ajvInstance.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/);
  }
  return ajvInstance;
}

/** RE2 patterns from Go CRDs: a leading `(?i)` flag becomes the JS `i` flag. */
const goRegExp = Object.assign((pattern: string, flags: string) => {
  const m = /^(\^?)\(\?i\)/.exec(pattern);
  if (m) return new RegExp(m[1] + pattern.slice(m[0].length), `${flags}i`);
  return new RegExp(pattern, flags);
}, { code: 'new RegExp' });

function validateCustomResource(obj: Record<string, any>, found: { def: CrdDefinition; version: string }, report: Report): void {
  const { def, version } = found;
  const v = def.versions?.get(version);
  if (!v) {
    report(['apiVersion'], `${def.group}/${def.kind} has no version ${JSON.stringify(version)} (got ${show(obj.apiVersion)}); versions: ${[...(def.versions?.keys() ?? [])].map((n) => `${def.group}/${n}`).join(', ')}`);
    return;
  }
  if (!v.served) {
    report(['apiVersion'], `version is not served (got ${show(obj.apiVersion)})`);
    return;
  }
  // metadata is ObjectMeta for every resource; the CRD schema cannot describe it
  checkObjectMeta(obj.metadata, report);
  checkMetadata(obj, 'dns1123Subdomain', report);
  if (!v.schema) return; // no schema: the apiserver keeps everything
  if (!v.validate) {
    try {
      v.validate = ajv().compile(toAjvSchema(v.schema));
    } catch (e) {
      throw new Error(`k8s-validate: cannot compile the ${def.group}/${version} ${def.kind} schema from ${def.file}: ${(e as Error).message}`);
    }
  }
  if (!v.validate(obj)) reportAjvErrors(v.validate.errors ?? [], obj, report);
}

let objectMetaModel: ModelClass | undefined;
function checkObjectMeta(meta: unknown, report: Report): void {
  if (!isObject(meta)) return; // checkMetadata reports it
  if (!objectMetaModel) {
    objectMetaModel = require('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta').ObjectMeta as ModelClass;
  }
  const model = objectMetaModel;
  runModelValidation(() => new model(meta).validate(), meta, (segs, message) => report(['metadata', ...segs], message));
  walkTypes(meta, 'V1ObjectMeta', ['metadata'], report);
}

/**
 * Turns a structural CRD schema into plain JSON schema for ajv:
 * - an object node in the structural skeleton (properties / items / additionalProperties) that
 *   neither allows additionalProperties nor sets `x-kubernetes-preserve-unknown-fields: true`
 *   gets `additionalProperties: false`, because the apiserver prunes (silently drops) the rest;
 * - `x-kubernetes-int-or-string: true` accepts an integer or a string;
 * - `x-kubernetes-embedded-resource: true` implies apiVersion, kind and metadata;
 * - other `x-kubernetes-*` keywords and descriptions are dropped.
 * Value validations (allOf / anyOf / oneOf / not) are copied but never tightened.
 */
export function toAjvSchema(root: any): any {
  const schema = convert(root, true);
  schema.properties = { ...(schema.properties ?? {}) };
  // every object carries apiVersion, kind and metadata; metadata is checked as ObjectMeta
  schema.properties.apiVersion ??= { type: 'string' };
  schema.properties.kind ??= { type: 'string' };
  schema.properties.metadata = { type: 'object' };
  if (root?.['x-kubernetes-preserve-unknown-fields'] !== true && root?.additionalProperties === undefined) schema.additionalProperties = false;
  return schema;
}

function convert(s: any, structural: boolean): any {
  if (!isObject(s)) return s;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'description') continue;
    switch (k) {
      case 'properties':
        out.properties = Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, convert(ps, structural)]));
        break;
      case 'items':
        out.items = Array.isArray(v) ? v.map((i) => convert(i, structural)) : convert(v, structural);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convert(v, structural);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[k] = (v as any[]).map((b) => convert(b, false));
        break;
      case 'not':
        out.not = convert(v, false);
        break;
      default:
        out[k] = v;
    }
  }
  if (s['x-kubernetes-int-or-string'] === true && out.type === undefined && out.anyOf === undefined && out.oneOf === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (s['x-kubernetes-embedded-resource'] === true) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties ?? {}) };
  }
  if (structural && s.type === 'object' && s.additionalProperties === undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Pod Security Standards: restricted (includes baseline)
// https://kubernetes.io/docs/concepts/security/pod-security-standards/
// k8s.io/pod-security-admission/policy/check_*.go
// ---------------------------------------------------------------------------------------------

interface PodLocation {
  readonly spec: readonly Seg[];
  readonly meta: readonly Seg[];
}

const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

function podLocation(obj: any): PodLocation | undefined {
  if (!isObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return undefined;
  if (!['', 'apps', 'batch', 'extensions'].includes(groupOf(obj.apiVersion))) return undefined;
  if (obj.kind === 'Pod') return { spec: ['spec'], meta: ['metadata'] };
  if (obj.kind === 'PodTemplate') return { spec: ['template', 'spec'], meta: ['template', 'metadata'] };
  if (TEMPLATE_KINDS.has(obj.kind)) return { spec: ['spec', 'template', 'spec'], meta: ['spec', 'template', 'metadata'] };
  if (obj.kind === 'CronJob') {
    return { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], meta: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] };
  }
  return undefined;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
const RESTRICTED_VOLUME_TYPES_ALLOWED = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports', // 1.27+
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', // 1.29+
  'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem', // 1.32+
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SECCOMP_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function checkPod(spec: Record<string, any>, meta: Record<string, any>, loc: PodLocation, report: Report): void {
  const at = (...segs: Seg[]) => [...loc.spec, ...segs];
  const pss = (control: string, level: 'baseline' | 'restricted') => `; pod security ${level} control "${control}"`;
  const psc: Record<string, any> = isObject(spec.securityContext) ? spec.securityContext : {};
  // Linux-only controls do not apply to pods that declare spec.os.name windows (1.25+)
  const windows = get(spec, ['os', 'name']) === 'windows';
  // pods in a user namespace (hostUsers: false) are exempt from the root-user controls
  const userNamespaced = spec.hostUsers === false;

  // --- pod-level controls
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) report(at(field), `must be false or unset (got true)${pss('Host Namespaces', 'baseline')}`);
  }
  if (get(psc, ['windowsOptions', 'hostProcess']) === true) {
    report(at('securityContext', 'windowsOptions', 'hostProcess'), `must be false or unset (got true)${pss('HostProcess', 'baseline')}`);
  }
  checkSeLinux(psc.seLinuxOptions, at('securityContext', 'seLinuxOptions'), 'pod', report);
  checkAppArmorField(psc.appArmorProfile, at('securityContext', 'appArmorProfile', 'type'), 'pod', report);
  if (Array.isArray(psc.sysctls)) {
    psc.sysctls.forEach((s: any, i: number) => {
      if (!SAFE_SYSCTLS.has(s?.name)) report(at('securityContext', 'sysctls', i, 'name'), `unsafe sysctl (got ${show(s?.name)}); allowed: ${[...SAFE_SYSCTLS].join(', ')}${pss('Sysctls', 'baseline')}`);
    });
  }
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((vol: any, i: number) => {
      if (!isObject(vol)) return;
      const name = JSON.stringify(vol.name);
      if (vol.hostPath !== undefined) {
        report(at('volumes', i, 'hostPath'), `volume ${name} must not use hostPath${pss('HostPath Volumes', 'baseline')}`);
        return;
      }
      const types = Object.keys(vol).filter((k) => k !== 'name' && vol[k] !== undefined && vol[k] !== null);
      if (!types.some((t) => RESTRICTED_VOLUME_TYPES_ALLOWED.has(t))) {
        report(at('volumes', i), `volume ${name} has a restricted type (got ${show(types)}); allowed: ${[...RESTRICTED_VOLUME_TYPES_ALLOWED].join(', ')}${pss('Volume Types', 'restricted')}`);
      }
    });
  }
  const annotations = isObject(meta.annotations) ? meta.annotations : {};
  for (const [k, v] of Object.entries(annotations)) {
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && typeof v === 'string' && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/'))) {
      report([...loc.meta, 'annotations', k], `forbidden AppArmor profile (got ${show(v)}); runtime/default or localhost/*${pss('AppArmor', 'baseline')}`);
    }
  }

  // pod-level values that containers may inherit
  let podSeccompOk = false;
  const podSeccomp = get(psc, ['seccompProfile', 'type']);
  if (psc.seccompProfile !== undefined) {
    if (SECCOMP_ALLOWED.has(podSeccomp)) podSeccompOk = true;
    else report(at('securityContext', 'seccompProfile', 'type'), `pod must not set seccomp profile ${show(podSeccomp)}; RuntimeDefault or Localhost${pss('Seccomp', 'restricted')}`);
  }
  let podNonRoot = false;
  if (psc.runAsNonRoot === true) podNonRoot = true;
  else if (psc.runAsNonRoot !== undefined && !userNamespaced) report(at('securityContext', 'runAsNonRoot'), `pod must set runAsNonRoot to true (got ${show(psc.runAsNonRoot)})${pss('Running as Non-root', 'restricted')}`);
  if (psc.runAsUser === 0 && !userNamespaced) report(at('securityContext', 'runAsUser'), `pod must not run as root user (got 0)${pss('Running as Non-root user', 'restricted')}`);

  // --- per-container controls
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: any, i: number) => {
      if (!isObject(c)) return;
      const who = `container ${JSON.stringify(c.name)}`;
      const sc: Record<string, any> = isObject(c.securityContext) ? c.securityContext : {};
      const cat = (...segs: Seg[]) => at(list, i, ...segs);
      const scAt = (...segs: Seg[]) => cat('securityContext', ...segs);

      if (sc.privileged === true) report(scAt('privileged'), `${who} must not be privileged (got true)${pss('Privileged Containers', 'baseline')}`);
      if (get(sc, ['windowsOptions', 'hostProcess']) === true) report(scAt('windowsOptions', 'hostProcess'), `${who} must not be a HostProcess container (got true)${pss('HostProcess', 'baseline')}`);
      if (sc.procMount !== undefined && sc.procMount !== 'Default' && !userNamespaced) report(scAt('procMount'), `${who} must use the default /proc mount (got ${show(sc.procMount)})${pss('/proc Mount Type', 'baseline')}`);
      checkSeLinux(sc.seLinuxOptions, scAt('seLinuxOptions'), who, report);
      checkAppArmorField(sc.appArmorProfile, scAt('appArmorProfile', 'type'), who, report);

      if (Array.isArray(c.ports)) {
        c.ports.forEach((p: any, j: number) => {
          if (isObject(p) && p.hostPort !== undefined && p.hostPort !== 0) report(cat('ports', j, 'hostPort'), `${who} must not use a host port (got ${show(p.hostPort)})${pss('Host Ports', 'baseline')}`);
        });
      }
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        for (const handler of ['httpGet', 'tcpSocket']) {
          const host = get(c, [probe, handler, 'host']);
          if (host !== undefined && host !== '') report(cat(probe, handler, 'host'), `${who} must not set a probe host (got ${show(host)})${pss('Host Probes / Lifecycle Hooks', 'baseline')}`);
        }
      }
      for (const hook of ['postStart', 'preStop']) {
        for (const handler of ['httpGet', 'tcpSocket']) {
          const host = get(c, ['lifecycle', hook, handler, 'host']);
          if (host !== undefined && host !== '') report(cat('lifecycle', hook, handler, 'host'), `${who} must not set a lifecycle hook host (got ${show(host)})${pss('Host Probes / Lifecycle Hooks', 'baseline')}`);
        }
      }

      // capabilities: baseline allows a fixed list; restricted (Linux) allows only adding NET_BIND_SERVICE and requires dropping ALL
      const add = get(sc, ['capabilities', 'add']);
      if (Array.isArray(add)) {
        add.forEach((cap: unknown, j: number) => {
          const allowed = windows ? BASELINE_CAPABILITIES.has(cap as string) : cap === 'NET_BIND_SERVICE';
          if (!allowed) {
            const allowedList = windows ? [...BASELINE_CAPABILITIES].join(', ') : 'NET_BIND_SERVICE';
            report(scAt('capabilities', 'add', j), `${who} must not add capability ${show(cap)}; allowed: ${allowedList}${pss('Capabilities', windows ? 'baseline' : 'restricted')}`);
          }
        });
      }
      if (!windows) {
        const drop = get(sc, ['capabilities', 'drop']);
        if (!Array.isArray(drop) || !drop.includes('ALL')) report(scAt('capabilities', 'drop'), `${who} must drop "ALL" capabilities (got ${show(drop)})${pss('Capabilities', 'restricted')}`);
        if (sc.allowPrivilegeEscalation !== false) report(scAt('allowPrivilegeEscalation'), `${who} must set allowPrivilegeEscalation to false (got ${show(sc.allowPrivilegeEscalation)})${pss('Privilege Escalation', 'restricted')}`);
      }

      // seccomp: Unconfined is never allowed; restricted needs a profile on the pod or on every container
      if (sc.seccompProfile !== undefined) {
        const type = get(sc, ['seccompProfile', 'type']);
        if (!SECCOMP_ALLOWED.has(type)) report(scAt('seccompProfile', 'type'), `${who} must not set seccomp profile ${show(type)}; RuntimeDefault or Localhost${pss('Seccomp', 'baseline')}`);
      } else if (!podSeccompOk && !windows) {
        report(scAt('seccompProfile', 'type'), `${who} must set a seccomp profile when the pod does not (got undefined); RuntimeDefault or Localhost${pss('Seccomp', 'restricted')}`);
      }

      if (!userNamespaced) {
        if (sc.runAsNonRoot === false) report(scAt('runAsNonRoot'), `${who} must not set runAsNonRoot to false${pss('Running as Non-root', 'restricted')}`);
        else if (sc.runAsNonRoot === undefined && !podNonRoot) report(scAt('runAsNonRoot'), `${who} must set runAsNonRoot to true when the pod does not (got undefined)${pss('Running as Non-root', 'restricted')}`);
        if (sc.runAsUser === 0) report(scAt('runAsUser'), `${who} must not run as root user (got 0)${pss('Running as Non-root user', 'restricted')}`);
      }
    });
  }
}

function checkSeLinux(opts: unknown, segs: readonly Seg[], who: string, report: Report): void {
  if (!isObject(opts)) return;
  const control = '; pod security baseline control "SELinux"';
  const type = opts.type ?? '';
  if (!SELINUX_TYPES.has(type)) report([...segs, 'type'], `${who} must not set SELinux type ${show(type)}; allowed: ${[...SELINUX_TYPES].filter(Boolean).join(', ')}${control}`);
  if (opts.user !== undefined && opts.user !== '') report([...segs, 'user'], `${who} must not set an SELinux user (got ${show(opts.user)})${control}`);
  if (opts.role !== undefined && opts.role !== '') report([...segs, 'role'], `${who} must not set an SELinux role (got ${show(opts.role)})${control}`);
}

function checkAppArmorField(profile: unknown, segs: readonly Seg[], who: string, report: Report): void {
  if (!isObject(profile) || profile.type === undefined) return;
  if (!APPARMOR_ALLOWED.has(profile.type)) report(segs, `${who} must not set AppArmor profile ${show(profile.type)}; RuntimeDefault or Localhost; pod security baseline control "AppArmor"`);
}
