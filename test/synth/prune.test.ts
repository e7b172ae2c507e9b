/**
 * Pruning with ApplySets: `dist/apply.sh` against a fake cluster that keeps what is applied
 * (test/helpers/fake-cluster.ts). Removing something from the inventory deletes exactly its
 * objects on the next apply; data goes only with --allow-delete-data; CRDs and objects that
 * are not ours are never touched.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { inventory } from '../../apps/inventory';
import { Homelab } from '../../lib/homelab/homelab';
import { Inventory } from '../../lib/model/inventory';
import { APPLYSET_PART_OF_LABEL, applySetId, stageApplySetId } from '../../lib/synth/applyset';
import { K8sStage } from '../../lib/synth/stages';
import { FakeCluster, fakeCluster } from '../helpers/fake-cluster';

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-${name}-`));
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** Synthesizes `inv` into a fresh output root; returns its dist/. */
function synth(inv: Inventory): string {
  const out = tmp('prune-out');
  dirs.push(out);
  new Homelab({ inventory: inv }).synth({ outdir: out });
  return path.join(out, 'dist');
}

/** The keys (`<GroupKind>|<namespace>|<name>`) of every object in a dist/ folder, as the fake cluster keys them. */
function keysOf(dist: string): string[] {
  const cluster = new Set(['Namespace', 'CustomResourceDefinition.apiextensions.k8s.io', 'StorageClass.storage.k8s.io', 'ClusterIssuer.cert-manager.io']);
  const keys: string[] = [];
  for (const f of fs.readdirSync(dist).filter((x) => x.endsWith('.yaml'))) {
    for (const d of YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8'), { version: '1.1' })) {
      const o = d.toJS();
      if (!o) continue;
      const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      const gk = g ? `${o.kind}.${g}` : o.kind;
      keys.push(`${gk}|${cluster.has(gk) ? '' : o.metadata.namespace}|${o.metadata.name}`);
    }
  }
  return keys.sort();
}

function applyWith(cluster: FakeCluster, dist: string, ...args: string[]) {
  return spawnSync('sh', [path.join(dist, 'apply.sh'), ...args], {
    encoding: 'utf8',
    env: { ...cluster.env, PATH: `${path.dirname(cluster.kubectl)}:${path.dirname(process.execPath)}:${process.env.PATH}` },
  });
}

const without = (app: string): Inventory => ({ ...inventory, apps: inventory.apps!.filter((a) => a.name !== app) });
const PARENTS = (keys: string[]) => keys.filter((k) => k.startsWith('ConfigMap|kube-system|homelab-applyset-'));

test('the ApplySet id is kubectl\'s: base64url(sha256(name.namespace.kind.group)) between applyset- and -v1', () => {
  // kubectl's own test data: staging/src/k8s.io/kubectl/pkg/cmd/apply/testdata/prune/cross_namespace/manifest1-expected-parent.yaml
  expect(applySetId({ name: 'cross_namespace', namespace: 'applyset-namespace', kind: 'Secret', group: '' })).toBe('applyset-maUyxm9hLztJjNIswOCgA-VT6EJxr1_CcWA5kSzuMYE-v1');
  expect(stageApplySetId(K8sStage.APPS)).toBe(applySetId({ name: 'homelab-applyset-30-apps', namespace: 'kube-system', kind: 'ConfigMap', group: '' }));
});

test('every object in dist/ carries its stage\'s ApplySet label', () => {
  const dist = synth(inventory);
  const stageOf = (file: string) => [K8sStage.CRDS, K8sStage.PLATFORM, K8sStage.PLATFORM_CONFIG, K8sStage.NAMESPACES, K8sStage.APPS].find((s) => file.startsWith(s.slice(0, 3)))!;
  let n = 0;
  for (const f of fs.readdirSync(dist).filter((x) => x.endsWith('.yaml'))) {
    for (const d of YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8'), { version: '1.1' })) {
      const o = d.toJS();
      if (!o) continue;
      n++;
      expect([f, o.metadata.labels?.[APPLYSET_PART_OF_LABEL]]).toEqual([f, stageApplySetId(stageOf(f))]);
    }
  }
  expect(n).toBeGreaterThan(50);
});

describe('apply.sh prunes (one fake cluster, applied in turn)', () => {
  let dir: string;
  let cluster: FakeCluster;
  let first: string;
  let second: string;

  beforeAll(() => {
    dir = tmp('fake-cluster');
    dirs.push(dir);
    cluster = fakeCluster(dir);
    // GIVEN the reference homelab applied to the cluster
    first = synth(inventory);
    const r = applyWith(cluster, first);
    expect(r.stderr).toContain('apply.sh: done');
    expect(r.status).toBe(0);
    expect(cluster.deleted()).toEqual([]);
    expect(cluster.keys().filter((k) => !PARENTS([k]).length)).toEqual(keysOf(first));
  }, 600_000);

  test('removing an app deletes exactly that app\'s objects and nothing else; CRDs and objects that are not ours stay', () => {
    // AND an object of the user's, unlabelled, and a CRD labelled as ours that no stage declares
    const objects = cluster.objects();
    objects['ConfigMap|gitea|mine'] = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine', namespace: 'gitea' } };
    objects['CustomResourceDefinition.apiextensions.k8s.io||olds.example.org'] = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'olds.example.org', labels: { [APPLYSET_PART_OF_LABEL]: stageApplySetId(K8sStage.CRDS) } } };
    fs.writeFileSync(cluster.env.FAKE_STORE, JSON.stringify(objects));
    // WHEN whoami is removed from the inventory and the next apply runs
    second = synth(without('whoami'));
    const r = applyWith(cluster, second);
    expect(r.stderr).toContain('apply.sh: done');
    expect(r.status).toBe(0);
    // THEN exactly what the first synth declared and the second does not is deleted
    const removed = keysOf(first).filter((k) => !keysOf(second).includes(k));
    expect(removed.length).toBeGreaterThan(3);
    expect(removed.every((k) => k.split('|')[1] === 'whoami' || k === 'Namespace||whoami')).toBe(true);
    expect([...cluster.deleted()].sort()).toEqual(removed);
    // AND the namespace went last, after the objects in it
    expect(cluster.deleted()[cluster.deleted().length - 1]).toBe('Namespace||whoami');
    // AND the cluster holds the second synth's objects, the parents, the user's ConfigMap and the CRD
    expect(cluster.keys()).toEqual([...keysOf(second), ...PARENTS(cluster.keys()), 'ConfigMap|gitea|mine', 'CustomResourceDefinition.apiextensions.k8s.io||olds.example.org'].sort());
    // AND each parent holds its stage's kinds, with homelab as its tooling
    const parent = cluster.objects()['ConfigMap|kube-system|homelab-applyset-30-apps'];
    expect(parent.metadata.labels).toEqual({ 'applyset.kubernetes.io/id': stageApplySetId(K8sStage.APPS) });
    expect(parent.metadata.annotations['applyset.kubernetes.io/tooling']).toBe('homelab/v1');
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).toMatch(/^Certificate\.cert-manager\.io,.*Deployment\.apps,.*Service,/);
  }, 600_000);

  test('fails: removing an app with a PersistentVolumeClaim stops before anything is applied, unless --allow-delete-data', () => {
    const app = inventory.apps!.find((a) => a.name !== 'whoami' && (a.volumes ?? []).length > 0)!.name;
    const third = synth({ ...inventory, apps: inventory.apps!.filter((a) => a.name !== 'whoami' && a.name !== app) });
    const calls = cluster.calls().length;
    const deleted = cluster.deleted().length;
    const r = applyWith(cluster, third);
    // THEN it stops with the data it would delete, before applying anything
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('apply.sh: stopped before applying anything: pruning would delete data');
    expect(r.stderr).toMatch(new RegExp(`apply.sh:   PersistentVolumeClaim\\|${app}\\|`));
    expect(r.stderr).toContain(`apply.sh:   Namespace||${app}`);
    expect(r.stderr).toContain('run again with --allow-delete-data');
    expect(cluster.calls().slice(calls).filter((c) => c.startsWith('apply') || c.includes(' delete '))).toEqual([]);
    expect(cluster.deleted().length).toBe(deleted);
    // AND an unknown argument is a usage error
    expect(applyWith(cluster, third, '--yes').status).toBe(2);
    // WHEN the flag is given THEN the app goes, PVC and namespace included, and nothing else
    const ok = applyWith(cluster, third, '--allow-delete-data');
    expect(ok.status).toBe(0);
    const gone = cluster.deleted().slice(deleted);
    expect(gone).toContain(`Namespace||${app}`);
    expect(gone.some((k) => k.startsWith(`PersistentVolumeClaim|${app}|`))).toBe(true);
    expect(gone.every((k) => k.split('|')[1] === app || k === `Namespace||${app}`)).toBe(true);
  }, 600_000);
});
