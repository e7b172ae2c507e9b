import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as YAML from 'yaml';
import { inventory } from '../../apps/inventory';
import { Homelab } from '../../lib';
import { bundledCrds, CRD_BUNDLE_FILE, crdBundle, OPEN_SCHEMA_CRDS, openSchemaCrd, PlainDataApiObject, renderCrdBundle, stripCrdDescriptions, stripSchemaDescriptions } from '../../lib/k8s/crds';
import { OPENEBS_CHART, PLATFORM_CHARTS, PROMETHEUS_RULE_CRD } from '../../lib/homelab/platform';
import { loadManifests, registerCrdDirectory, toAjvSchema, validateManifest } from '../helpers/k8s-validate';
import { expectedCrdBundle, readUpstreamCrds, ROOT } from './update-crd-bundle';

/** Client-side apply keeps the object in an annotation; all annotations together may hold this many bytes. */
const ANNOTATION_LIMIT = 262144;

let out: string;
let objects: any[];

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-crds-'));
  new Homelab({ inventory }).synth({ outdir: out });
  objects = loadManifests(path.join(out, 'dist'));
});

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** Every schema node (JSONSchemaProps) of a CRD, with its path; `properties` maps are walked by name. */
function schemaNodes(schema: unknown, at: string, visit: (node: Record<string, any>, at: string) => void): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const s = schema as Record<string, any>;
  visit(s, at);
  for (const key of ['properties', 'patternProperties', 'definitions']) {
    for (const [name, sub] of Object.entries(s[key] ?? {})) schemaNodes(sub, `${at}.${key}.${name}`, visit);
  }
  if (Array.isArray(s.items)) s.items.forEach((x: unknown, i: number) => schemaNodes(x, `${at}.items[${i}]`, visit));
  else schemaNodes(s.items, `${at}.items`, visit);
  if (typeof s.additionalProperties === 'object') schemaNodes(s.additionalProperties, `${at}.additionalProperties`, visit);
  for (const key of ['allOf', 'anyOf', 'oneOf']) (s[key] ?? []).forEach((x: unknown, i: number) => schemaNodes(x, `${at}.${key}[${i}]`, visit));
  schemaNodes(s.not, `${at}.not`, visit);
}

describe('stripSchemaDescriptions', () => {
  test('removes the description keyword only: a property named description, defaults, enums and examples stay', () => {
    // GIVEN a schema with a property called "description" and data that holds the word
    const schema = {
      description: 'a Widget',
      type: 'object',
      required: ['description'],
      properties: {
        description: { description: 'the widget\'s own description field', type: 'string', default: 'none' },
        meta: { type: 'object', default: { description: 'data, not a keyword' }, example: { description: 'x' } },
        kind: { type: 'string', enum: ['description', 'other'] },
        list: { type: 'array', items: { description: 'an item', type: 'object', properties: { description: { type: 'integer' } } } },
        tuple: { type: 'array', items: [{ description: 'first', type: 'string' }] },
        map: { type: 'object', additionalProperties: { description: 'a value', type: 'string' } },
        open: { type: 'object', additionalProperties: true },
        either: { anyOf: [{ description: 'a number', type: 'integer' }, { type: 'string' }], not: { description: 'never', type: 'boolean' } },
      },
      'x-kubernetes-validations': [{ rule: 'has(self.description)', message: 'description is required' }],
    };
    // WHEN
    const stripped = stripSchemaDescriptions(schema);
    // THEN
    expect(stripped).toEqual({
      type: 'object',
      required: ['description'],
      properties: {
        description: { type: 'string', default: 'none' },
        meta: { type: 'object', default: { description: 'data, not a keyword' }, example: { description: 'x' } },
        kind: { type: 'string', enum: ['description', 'other'] },
        list: { type: 'array', items: { type: 'object', properties: { description: { type: 'integer' } } } },
        tuple: { type: 'array', items: [{ type: 'string' }] },
        map: { type: 'object', additionalProperties: { type: 'string' } },
        open: { type: 'object', additionalProperties: true },
        either: { anyOf: [{ type: 'integer' }, { type: 'string' }], not: { type: 'boolean' } },
      },
      'x-kubernetes-validations': [{ rule: 'has(self.description)', message: 'description is required' }],
    });
    // AND it accepts and rejects exactly what the original does
    const ajv = new Ajv({ allErrors: true, strict: false });
    const original = ajv.compile(toAjvSchema(schema));
    const after = ajv.compile(toAjvSchema(stripped));
    const samples = [
      {}, { description: 'x' }, { description: 1 }, { description: 'x', kind: 'description' }, { description: 'x', kind: 'nope' },
      { description: 'x', list: [{ description: 2 }] }, { description: 'x', list: [{ description: 'two' }] }, { description: 'x', list: [{ other: 1 }] },
      { description: 'x', map: { a: 'b' } }, { description: 'x', map: { a: 1 } }, { description: 'x', either: 1 }, { description: 'x', either: true },
      { description: 'x', bogus: true },
    ].map((spec) => ({ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' }, ...spec }));
    expect(samples.map((x) => after(x))).toEqual(samples.map((x) => original(x)));
    expect(new Set(samples.map((x) => original(x)))).toEqual(new Set([true, false]));
  });

  test('leaves a CRD\'s printer column descriptions and everything outside the schemas alone', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.org' },
      spec: {
        group: 'example.org', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, additionalPrinterColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'age' }], schema: { openAPIV3Schema: { description: 'W', type: 'object' } } }],
      },
    };
    const stripped = stripCrdDescriptions(crd);
    expect(stripped.spec.versions[0].additionalPrinterColumns[0].description).toBe('age');
    expect(stripped.spec.versions[0].schema.openAPIV3Schema).toEqual({ type: 'object' });
    expect(crd.spec.versions[0].schema.openAPIV3Schema.description).toBe('W'); // the input is not changed
  });
});

describe('the CRD bundle', () => {
  test('is the upstream YAML in schemas/crds/ without descriptions (regenerate: npx tsx test/k8s/update-crd-bundle.ts)', () => {
    const actual = fs.readFileSync(path.join(ROOT, CRD_BUNDLE_FILE), 'utf8');
    expect(actual === expectedCrdBundle()).toBe(true);
  });

  test('holds every CRD the platform charts need, and keeps every property of the upstream schemas', () => {
    const bundle = crdBundle();
    const needed = PLATFORM_CHARTS.flatMap((c) => c.crds);
    expect(needed.filter((n) => !bundle.has(n))).toEqual([]);
    // no property lost: the `properties` names of every schema node are the same before and after
    for (const upstream of readUpstreamCrds().filter((c) => bundle.has(c.metadata.name))) {
      const ours = bundle.get(upstream.metadata.name);
      upstream.spec.versions.forEach((v: any, i: number) => {
        const names = (schema: unknown) => {
          const found: string[] = [];
          schemaNodes(schema, '', (node, at) => found.push(`${at}:${Object.keys(node.properties ?? {}).sort().join(',')}`));
          return found.sort();
        };
        expect(names(ours.spec.versions[i].schema.openAPIV3Schema)).toEqual(names(v.schema.openAPIV3Schema));
        const left: string[] = [];
        schemaNodes(ours.spec.versions[i].schema.openAPIV3Schema, '', (node, at) => { if ('description' in node) left.push(at); });
        expect({ crd: upstream.metadata.name, left }).toEqual({ crd: upstream.metadata.name, left: [] });
      });
    }
  });

  test('every emitted object fits the client-side apply annotation; the CRDs with their descriptions would be three to four times larger', () => {
    for (const o of objects) expect({ object: `${o.kind}/${o.metadata.name}`, fits: Buffer.byteLength(JSON.stringify(o)) < ANNOTATION_LIMIT }).toEqual({ object: `${o.kind}/${o.metadata.name}`, fits: true });
    const issuers = readUpstreamCrds().find((c) => c.metadata.name === 'clusterissuers.cert-manager.io');
    const stripped = objects.find((o) => o.metadata.name === 'clusterissuers.cert-manager.io');
    expect(Buffer.byteLength(JSON.stringify(stripped)) * 3).toBeLessThan(Buffer.byteLength(JSON.stringify(issuers)));
  });

  test('renders deterministically, sorted by name and with sorted keys', () => {
    const crds = readUpstreamCrds();
    expect(renderCrdBundle([...crds].reverse())).toBe(renderCrdBundle(crds));
    const names = [...crdBundle().keys()];
    expect(names).toEqual([...names].sort());
  });

  test('kinds without an upstream copy come with an open schema, their real names, scope and status subresource', () => {
    const upstream = new Set(readUpstreamCrds().map((c) => c.metadata.name));
    const open = objects.filter((o) => o.kind === 'CustomResourceDefinition' && !upstream.has(o.metadata.name));
    // the reference has a cStor pool and no Mayastor one: every open kind but DiskPool
    expect(open.map((o) => o.metadata.name).sort()).toEqual(OPEN_SCHEMA_CRDS.filter((c) => c.kind !== 'DiskPool').map((c) => `${c.plural}.${c.group}`).sort());
    const challenge = open.find((o) => o.metadata.name === 'challenges.acme.cert-manager.io');
    expect(challenge.spec).toEqual({
      group: 'acme.cert-manager.io',
      names: { categories: ['cert-manager', 'cert-manager-acme'], kind: 'Challenge', listKind: 'ChallengeList', plural: 'challenges', singular: 'challenge' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, served: true, storage: true, subresources: { status: {} } }],
    });
    // an upstream copy wins over the open entry of the same name
    const tlsStore = openSchemaCrd(OPEN_SCHEMA_CRDS.find((c) => c.kind === 'TLSStore')!);
    tlsStore.spec.versions[0].schema.openAPIV3Schema = { type: 'object', properties: { spec: { type: 'object' } } };
    const bundle = JSON.parse(renderCrdBundle([tlsStore]));
    expect(bundle.filter((c: any) => c.metadata.name === 'tlsstores.traefik.io')).toHaveLength(1);
    expect(bundle.find((c: any) => c.metadata.name === 'tlsstores.traefik.io').spec.versions[0].schema.openAPIV3Schema).toEqual({ type: 'object', properties: { spec: { type: 'object' } } });
    expect(bundle).toHaveLength(OPEN_SCHEMA_CRDS.length);
  });

  test('fails loudly on a CRD the bundle lacks', () => {
    expect(() => bundledCrds(['widgets.example.org'])).toThrow(/not in the CRD bundle \(got "widgets.example.org"\)/);
  });
});

describe('PlainDataApiObject', () => {
  test('writes exactly what cdk8s resolves for the same data, and honours JSON patches', () => {
    // GIVEN each bundled CRD as a plain cdk8s ApiObject and as ours, in charts with labels
    const app = new App();
    const plain = new Chart(app, 'plain', { labels: { a: 'b' } });
    const fast = new Chart(app, 'fast', { labels: { a: 'b' } });
    for (const crd of crdBundle().values()) {
      const { apiVersion, kind, metadata, ...rest } = JSON.parse(JSON.stringify(crd));
      const expected = new ApiObject(plain, crd.metadata.name, { apiVersion, kind, metadata, ...rest }).toJson();
      // THEN
      expect(new PlainDataApiObject(fast, crd.metadata.name, crd).toJson()).toEqual(expected);
    }
    const patched = new PlainDataApiObject(fast, 'patched', crdBundle().get('tlsstores.traefik.io'));
    patched.addJsonPatch(JsonPatch.replace('/spec/scope', 'Cluster'));
    expect(patched.toJson().spec.scope).toBe('Cluster');
  });
});

describe('stripped and upstream CRDs', () => {
  test('accept and reject the same objects, with the same problems', () => {
    // GIVEN our custom resources, broken variants of them, and a minimal object of every bundled kind
    const crs = objects.filter((o) => o.kind !== 'CustomResourceDefinition' && /\./.test(o.apiVersion.split('/')[0] ?? '') && !o.apiVersion.startsWith('helm.cattle.io/') && !o.apiVersion.startsWith('storage.k8s.io/') && !o.apiVersion.startsWith('rbac.authorization.k8s.io/'));
    expect(crs.length).toBeGreaterThan(5);
    const clone = (o: any) => JSON.parse(JSON.stringify(o));
    const samples: any[] = [];
    for (const o of crs) {
      samples.push(clone(o));
      samples.push({ ...clone(o), spec: { ...clone(o.spec), bogus: true } });
      samples.push({ ...clone(o), spec: 'not an object' });
    }
    // (open-schema CRDs have no upstream copy to compare with; they accept any fields by design)
    const upstream = new Set(readUpstreamCrds().map((c) => c.metadata.name));
    for (const crd of [...crdBundle().values()].filter((c) => upstream.has(c.metadata.name))) {
      const version = crd.spec.versions.find((v: any) => v.storage).name;
      const base = { apiVersion: `${crd.spec.group}/${version}`, kind: crd.spec.names.kind, metadata: { name: 'x', ...(crd.spec.scope === 'Namespaced' ? { namespace: 'x' } : {}) } };
      samples.push({ ...base, spec: {} }, { ...base, spec: { bogus: 1 } }, { ...base, status: { bogus: 1 } });
    }
    samples.push(
      { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'r', namespace: 'x' }, spec: { routes: [{ kind: 'Nope', match: 'Host(`a`)' }] } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'x' }, spec: { secretName: 's', issuerRef: { name: 'i' }, duration: 5 } },
      { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p', namespace: 'x' }, spec: { addresses: '10.0.0.1-10.0.0.2' } },
    );
    // WHEN validated against the upstream files, then against the emitted 00-crds file
    const before = samples.map((s) => validateManifest(s));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-stripped-'));
    fs.copyFileSync(path.join(out, 'dist/00-crds.k8s.yaml'), path.join(dir, '00-crds.k8s.yaml'));
    registerCrdDirectory(dir);
    const after = samples.map((s) => validateManifest(s));
    fs.rmSync(dir, { recursive: true });
    // THEN
    expect(after).toEqual(before);
    expect(before.filter((p) => p.length === 0).length).toBeGreaterThanOrEqual(crs.length);
    expect(before.filter((p) => p.length > 0).length).toBeGreaterThan(samples.length / 2);
  });

  test('the emitted CRDs are valid CustomResourceDefinitions themselves', () => {
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([...PLATFORM_CHARTS.filter((c) => c !== OPENEBS_CHART).flatMap((c) => c.crds), PROMETHEUS_RULE_CRD].sort());
    expect(crds.flatMap(validateManifest)).toEqual([]);
    // and parse back from YAML the way kubectl reads them
    const text = fs.readFileSync(path.join(out, 'dist/00-crds.k8s.yaml'), 'utf8');
    expect(YAML.parseAllDocuments(text, { version: '1.1' }).length).toBe(crds.length);
  });
});
