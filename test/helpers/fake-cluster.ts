/**
 * A fake `kubectl` backed by a JSON store of objects: enough of kubectl for `dist/apply.sh`
 * to bring a cluster up, re-apply, and prune. It keeps what `apply -f` sends (labels included),
 * answers the label-selector listings of the ApplySets, and deletes like the API server (a
 * Namespace takes its objects with it). The controllers' objects (Helm jobs, Deployments) are
 * there at once and succeeded; every Secret exists. Each call is logged (`<store>.log`), each
 * deletion too (`<store>.deleted`, `<GroupKind>|<namespace>|<name>`).
 */
import * as fs from 'fs';
import * as path from 'path';

const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require('fs');
const YAML = require(process.env.FAKE_YAML_MODULE);
const store = process.env.FAKE_STORE;
const db = fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, 'utf8')) : {};
let args = process.argv.slice(2);
fs.appendFileSync(store + '.log', args.join(' ') + '\n');
const save = () => fs.writeFileSync(store, JSON.stringify(db));
let ns;
const i = args.indexOf('-n');
if (i >= 0) { ns = args[i + 1]; args.splice(i, 2); }
const gkOf = (o) => { const g = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''; return g ? o.kind + '.' + g : o.kind; };
const CLUSTER = new Set(['Namespace', 'CustomResourceDefinition.apiextensions.k8s.io', 'StorageClass.storage.k8s.io', 'ClusterIssuer.cert-manager.io', 'PersistentVolume']);
const keyOf = (o) => gkOf(o) + '|' + (CLUSTER.has(gkOf(o)) ? '' : (o.metadata.namespace || 'default')) + '|' + o.metadata.name;
const matchGk = (arg, key) => key.split('|')[0].toLowerCase() === arg.toLowerCase();
const out = (s) => process.stdout.write(s);
const cmd = args[0];
if (cmd === 'get' && args[1] === '--raw=/readyz') process.exit(0);
if (cmd === 'wait') process.exit(0);
if (cmd === 'apply') {
  if (args.includes('--dry-run=server')) process.exit(0);
  const files = args.filter((a, j) => args[j - 1] === '-f');
  for (const f of files) {
    const text = f === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(f, 'utf8');
    for (const d of YAML.parseAllDocuments(text, { version: '1.1' })) {
      const o = d.toJS();
      if (!o) continue;
      const k = keyOf(o);
      const before = db[k] ? JSON.stringify(db[k]) : undefined;
      db[k] = o;
      out(o.kind.toLowerCase() + (gkOf(o).includes('.') ? '.' + gkOf(o).split('.').slice(1).join('.') : '') + '/' + o.metadata.name + ' ' + (before === undefined ? 'created' : before === JSON.stringify(o) ? 'unchanged' : 'configured') + '\n');
    }
  }
  save();
  process.exit(0);
}
// a Helm job exists once its HelmChart does, with a uid that changes with the HelmChart (the controller recreates it)
const jobUid = (job) => {
  const chart = db['HelmChart.helm.cattle.io|' + ns + '|' + job.replace(/^(job\/)?helm-install-/, '')];
  if (!chart) process.exit(1);
  return 'uid-' + require('crypto').createHash('sha256').update(JSON.stringify(chart)).digest('hex').slice(0, 8);
};
if (cmd === 'get' && args[1] === 'job') { out(jobUid(args[2]) + '/1//'); process.exit(0); }
if (cmd === 'get' && /^job\//.test(args[1])) { out(jobUid(args[1])); process.exit(0); }
if (cmd === 'get' && /^(deployment\/|secret$|helmchart$)/.test(args[1])) process.exit(0);
if (cmd === 'create') { fs.readFileSync(0); process.exit(0); }
if (cmd === 'get' && args[1] === 'configmap') {
  const o = db['ConfigMap|' + ns + '|' + args[2]];
  if (!o) { process.stderr.write('Error from server (NotFound)\n'); process.exit(1); }
  const a = o.metadata.annotations || {};
  out((a['applyset.kubernetes.io/tooling'] || '') + '|' + (a['applyset.kubernetes.io/contains-group-kinds'] || ''));
  process.exit(0);
}
if (cmd === 'get' && args.includes('-l')) {
  const [lk, lv] = args[args.indexOf('-l') + 1].split('=');
  for (const [k, o] of Object.entries(db)) {
    if (matchGk(args[1], k) && (o.metadata.labels || {})[lk] === lv) out(k.split('|')[1] + '|' + k.split('|')[2] + '\n');
  }
  process.exit(0);
}
if (cmd === 'get' && args[1] === 'persistentvolumeclaim') {
  for (const k of Object.keys(db)) if (k.startsWith('PersistentVolumeClaim|' + ns + '|')) out('persistentvolumeclaim/' + k.split('|')[2] + '\n');
  process.exit(0);
}
if (cmd === 'delete') {
  const name = args[2];
  for (const k of Object.keys(db)) {
    const [gk, kns, kname] = k.split('|');
    const hit = matchGk(args[1], k) && kname === name && (kns === '' || kns === ns);
    const inNs = args[1].toLowerCase() === 'namespace' && kns === name;
    if (hit) fs.appendFileSync(store + '.deleted', k + '\n');
    if (hit || inNs) delete db[k];
  }
  save();
  process.exit(0);
}
process.stderr.write('fake kubectl: unsupported: ' + args.join(' ') + '\n');
process.exit(9);
`;

export interface FakeCluster {
  /** The kubectl executable. */
  readonly kubectl: string;
  /** Environment for a run. */
  readonly env: Record<string, string>;
  /** Keys (`<GroupKind>|<namespace>|<name>`) of the objects the cluster holds. */
  keys(): string[];
  /** Objects by key. */
  objects(): Record<string, any>;
  /** Keys deleted so far, in order. */
  deleted(): string[];
  /** Calls so far. */
  calls(): string[];
}

export function fakeCluster(dir: string): FakeCluster {
  const kubectl = path.join(dir, 'kubectl');
  const store = path.join(dir, 'cluster.json');
  fs.writeFileSync(kubectl, SCRIPT, { mode: 0o755 });
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter((l) => l) : []);
  return {
    kubectl,
    env: { FAKE_STORE: store, FAKE_YAML_MODULE: require.resolve('yaml'), KUBECTL: kubectl, PATH: `${dir}:${process.env.PATH}` },
    keys: () => Object.keys(fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, 'utf8')) : {}).sort(),
    objects: () => (fs.existsSync(store) ? JSON.parse(fs.readFileSync(store, 'utf8')) : {}),
    deleted: () => read(`${store}.deleted`),
    calls: () => read(`${store}.log`),
  };
}
