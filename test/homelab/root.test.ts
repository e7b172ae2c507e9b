/**
 * `Homelab` is the root of its construct tree: its charts and its Terraform stack are its
 * children, so every walk of the tree (validation, `node.findAll()`) reaches every construct,
 * and charts and stacks of your own go directly under it, as under a cdk8s or cdktf App.
 */
import * as cdk8s from 'cdk8s';
import * as cdktf from 'cdktf';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Homelab, HomelabValidationError, Inventory } from '../../lib';
import { constructProblems } from '../../lib/core/errors';
import { inventory } from '../../apps/inventory';
import { listFiles } from '../helpers/tree';

const ROOT = path.join(__dirname, '..', '..');
const build = () => new Homelab({ inventory, storageLockFile: path.join(ROOT, 'storage.lock.json') });

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-root-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A construct below `scope` whose validation fails with `message`. */
function bad(scope: Construct, id: string, message: string): Construct {
  const c = new Construct(scope, id);
  c.node.addValidation({ validate: () => [message] });
  return c;
}

describe('Homelab as the root of its construct tree', () => {
  test('has no scope, and its charts and stack as children: the tree holds every construct', () => {
    // GIVEN the reference homelab
    const lab = build();
    // THEN it is the root, and every construct the homelab made is in its tree
    expect(lab.node.scope).toBeUndefined();
    const all = new Set(lab.node.findAll());
    const made = [...lab.apps, ...lab.pools, lab.stack, ...lab.stack.vms, lab.platform!.crds, lab.platform!.services, lab.platform!.config,
      ...lab.apps.flatMap((a) => (a.oauthIngress ? [a.oauthIngress] : []))];
    for (const c of made) expect([c.node.path, all.has(c)]).toEqual([c.node.path, true]);
    // AND the charts and the stack sit directly under it, at the paths the outputs were always written from
    expect(lab.node.children).toEqual(expect.arrayContaining([...lab.apps, lab.stack, lab.platform!.crds]));
    expect(lab.stack.node.path).toBe('example');
    expect(lab.apps.map((a) => a.node.path)).toEqual(lab.model.apps.map((a) => `app-${a.name}`));
    // AND it is the cdk8s App of its charts and the cdktf app of its stacks
    expect(cdk8s.App.of(lab.apps[0])).toBe(lab);
    expect(cdktf.App.isApp(lab)).toBe(true);
    expect(cdktf.TerraformStack.of(lab.stack.vms[0])).toBe(lab.stack);
  });

  test('fails with a bad construct anywhere under the Homelab, reported by a walk of its tree and by synth', () => {
    // GIVEN constructs whose validation fails: deep in an app chart, in a storage pool, in a VM of
    // the Terraform stack, and directly under the Homelab
    const lab = build();
    const withIngress = lab.apps.find((a) => a.oauthIngress)!;
    const places = [
      bad(withIngress.oauthIngress!, 'Bad', 'bad in an ingress'),
      bad(lab.pools[0], 'Bad', 'bad in a pool'),
      bad(lab.stack.vms[0], 'Bad', 'bad in a VM'),
      bad(lab, 'Bad', 'bad at the root'),
    ];
    // WHEN the tree is validated from the Homelab
    const found = constructProblems(lab).map((p) => [p.constructPath, p.problem]);
    // THEN each is reported at its path
    const expected = places.map((c) => [c.node.path, c.node.validate()[0]]);
    expect(found).toEqual(expect.arrayContaining(expected));
    expect(expected.map(([p]) => p)).toEqual([`${withIngress.oauthIngress!.node.path}/Bad`, `${lab.pools[0].node.path}/Bad`, `${lab.stack.vms[0].node.path}/Bad`, 'Bad']);
    // AND synth throws all of them at once and writes nothing
    let error: unknown;
    try { lab.synth({ outdir: dir }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(HomelabValidationError);
    expect((error as HomelabValidationError).problems.map((p) => [p.constructPath, p.problem])).toEqual(expect.arrayContaining(expected));
    expect(listFiles(dir)).toEqual([]);
  });

  test('synthesizes a chart and a Terraform stack of yours added directly to the Homelab', () => {
    // GIVEN a chart and a stack of the user's, next to the homelab's own
    const lab = build();
    const mine = new cdk8s.Chart(lab, 'mine', { namespace: 'mine' });
    new cdk8s.ApiObject(mine, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: 'b' } });
    const extra = new cdktf.TerraformStack(lab, 'extra');
    new cdktf.TerraformOutput(extra, 'answer', { value: '42' });
    // WHEN the homelab is synthesized
    lab.synth({ outdir: dir });
    // THEN the chart is a file of the apps stage and the stack a cdktf stack of its own
    const yaml = fs.readFileSync(path.join(dir, 'dist', '30-mine.k8s.yaml'), 'utf8');
    expect(yaml).toMatch(/kind: ConfigMap\n/);
    expect(yaml).toMatch(/namespace: mine\n/);
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'extra', 'cdk.tf.json'), 'utf8'));
    expect(stack.output.answer.value).toBe('42');
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'manifest.json'), 'utf8')).stacks).sort()).toEqual(['example', 'extra']);
  });

  test('fails in the house format when the homelab is named like one of its charts', () => {
    // GIVEN an inventory named like the chart of the storage pools
    const named: Inventory = { ...inventory, name: 'storage' };
    // WHEN / THEN
    expect(() => new Homelab({ inventory: named })).toThrow(/\[inventory\] Inventory\.name: is the id of one of the homelab's Kubernetes charts.* \(got "storage"\); a name other than "crds", "platform"/);
  });
});
