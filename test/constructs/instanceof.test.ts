/**
 * `instanceof` for every construct class of ours: cdk8s `Chart` defines a static
 * `Symbol.hasInstance` (Chart.isChart), which its subclasses inherit unless they define
 * their own; then every Chart passed as a ResticBackedApp.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { App as TfApp, TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClusterApp, Homelab, NixHostVM, OAuthIngress, OpenEBSPool, ResticBackedApp } from '../../lib';
import { PlatformConfig, PlatformCrds, PlatformServices } from '../../lib/homelab/platform';
import { HomelabStack } from '../../lib/homelab/stack';
import { NamespacesChart } from '../../lib/k8s/namespaces';
import { B2Bucket } from '../../lib/terraform/providers/b2';
import { inventory } from '../../apps/inventory';

const lab = new Homelab({ inventory, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });

describe('instanceof', () => {
  test('finds the backed-up app among the apps, not the first Chart', () => {
    // GIVEN the reference homelab: whoami without backup, gitea and files with
    // WHEN the apps are filtered by class
    const backedUp = lab.apps.filter((a) => a instanceof ResticBackedApp).map((a) => a.node.id);
    // THEN only the apps with backups are ResticBackedApps, and every app is a ClusterApp
    expect(backedUp).toEqual(lab.model.apps.filter((a) => a.backup).map((a) => `app-${a.name}`));
    expect(backedUp.length).toBeGreaterThan(0);
    expect(backedUp.length).toBeLessThan(lab.apps.length);
    expect(lab.apps.every((a) => a instanceof ClusterApp)).toBe(true);
  });

  test('a plain Chart is none of our Chart classes', () => {
    // GIVEN a Chart of cdk8s itself
    const chart = new Chart(new App(), 'plain');
    // THEN it is a Chart, and no class of ours claims it
    expect(chart instanceof Chart).toBe(true);
    for (const cls of [ClusterApp, ResticBackedApp, NamespacesChart, PlatformCrds, PlatformServices, PlatformConfig] as const) {
      expect(chart instanceof cls).toBe(false);
    }
    expect(ResticBackedApp.isResticBackedApp(chart)).toBe(false);
    expect(ClusterApp.isClusterApp(null)).toBe(false);
  });

  test('each construct of the reference homelab is an instance of its own class only', () => {
    // GIVEN one instance of each class
    const found = {
      ClusterApp: lab.apps.find((a) => !(a instanceof ResticBackedApp))!,
      ResticBackedApp: lab.apps.find((a) => a instanceof ResticBackedApp)!,
      OAuthIngress: lab.apps.find((a) => a.oauthIngress)!.oauthIngress!,
      OpenEBSPool: lab.pools[0],
      NixHostVM: lab.stack.vms[0],
      HomelabStack: lab.stack,
      Homelab: lab,
      PlatformCrds: lab.platform!.crds,
    };
    const classes: Record<string, { isOf: (x: unknown) => boolean; cls: any }> = {
      ClusterApp: { isOf: ClusterApp.isClusterApp, cls: ClusterApp },
      OAuthIngress: { isOf: OAuthIngress.isOAuthIngress, cls: OAuthIngress },
      OpenEBSPool: { isOf: OpenEBSPool.isOpenEBSPool, cls: OpenEBSPool },
      NixHostVM: { isOf: NixHostVM.isNixHostVM, cls: NixHostVM },
      HomelabStack: { isOf: HomelabStack.isHomelabStack, cls: HomelabStack },
      Homelab: { isOf: Homelab.isHomelab, cls: Homelab },
    };
    // THEN instanceof and isX() agree and say yes for exactly the own class (and ClusterApp for its subclass)
    for (const [name, obj] of Object.entries(found)) {
      expect(obj).toBeDefined();
      for (const [cname, c] of Object.entries(classes)) {
        const expected = cname === name || (cname === 'ClusterApp' && name === 'ResticBackedApp');
        expect([name, cname, obj instanceof c.cls]).toEqual([name, cname, expected]);
        expect([name, cname, c.isOf(obj)]).toEqual([name, cname, expected]);
      }
    }
    // AND a plain Construct is none of them
    const plain = new Construct(new App(), 'x');
    for (const c of Object.values(classes)) expect(plain instanceof c.cls).toBe(false);
  });
});

describe('instanceof for every construct class of ours, over every construct of the reference homelab', () => {
  // the package root and the modules of the classes it does not export (the providers, the L3's charts and stack)
  const MODULES = ['../../lib', '../../lib/terraform/providers', '../../lib/homelab/stack', '../../lib/homelab/platform', '../../lib/k8s/namespaces', '../../lib/k8s/crds'];
  /* eslint-disable @typescript-eslint/no-require-imports */
  const load = (): Record<string, unknown> => Object.assign({}, ...MODULES.map((m) => require(m)));
  const here = load();
  // a second copy of the library, as a program importing lib/ beside the command running from build/
  let other: Record<string, unknown> = {};
  jest.isolateModules(() => { other = load(); });
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ours = Object.entries(here).filter((e): e is [string, Function] => typeof e[1] === 'function' && e[1].prototype instanceof Construct);

  test('knows the construct classes it checks, and the second copy is another copy', () => {
    expect(ours.map(([n]) => n)).toEqual(expect.arrayContaining(['Homelab', 'ClusterApp', 'ResticBackedApp', 'OAuthIngress', 'OpenEBSPool', 'NixHostVM',
      'ResticB2Bucket', 'HomelabStack', 'PlainDataApiObject', 'B2Bucket', 'B2ApplicationKey', 'B2Provider', 'ProxmoxProvider', 'ProxmoxVirtualEnvironmentVm',
      'ProxmoxVirtualEnvironmentDownloadFile', 'NamespacesChart', 'PlatformCrds', 'PlatformServices', 'PlatformConfig']));
    expect(other.Homelab).not.toBe(here.Homelab);
  });

  test('each construct is an instance of exactly the classes it was made from, in this copy and in another', () => {
    // GIVEN every construct of the reference homelab, and constructs of cdk8s and cdktf themselves
    const plainK8s = new App();
    const plainChart = new Chart(plainK8s, 'plain');
    const plainObject = new ApiObject(plainChart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap' });
    const plainStack = new TerraformStack(new TfApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-instanceof-')) }), 'plain');
    const plainResource = new TerraformResource(plainStack, 'r', { terraformResourceType: 'null_resource' });
    const constructs = new Set<IConstruct>([lab, ...lab.k8s.node.findAll(), ...lab.stack.node.findAll(), plainChart, plainObject, plainStack, plainResource]);
    // WHEN each is tested against each class of ours, from this copy and from the other
    const wrong: string[] = [];
    for (const c of constructs) {
      for (const [name, cls] of ours) {
        const truth = cls.prototype.isPrototypeOf(c);
        if ((c instanceof cls) !== truth) wrong.push(`${c.node.path || '<root>'} (${c.constructor.name}) instanceof ${name}: ${!truth}`);
        if ((c instanceof (other[name] as Function)) !== truth) wrong.push(`${c.node.path || '<root>'} (${c.constructor.name}) instanceof ${name} of another copy: ${!truth}`);
      }
    }
    // THEN instanceof says exactly what the prototype chain in the constructs' own copy says
    expect(constructs.size).toBeGreaterThan(200);
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  test('every construct class of ours has an isX() static that agrees with instanceof', () => {
    // GIVEN one construct of each class the reference homelab has
    const seen = new Map<string, IConstruct>();
    for (const c of [lab, ...lab.k8s.node.findAll(), ...lab.stack.node.findAll()]) if (!seen.has(c.constructor.name)) seen.set(c.constructor.name, c);
    for (const [name, cls] of ours) {
      // THEN the class has is<Name>(), true for its instances and false for a plain construct
      const isX = (cls as any)[`is${name}`] as ((x: unknown) => boolean) | undefined;
      expect([name, typeof isX]).toEqual([name, 'function']);
      const instance = seen.get(name);
      if (instance) expect([name, isX!(instance), (other[name] as any)[`is${name}`](instance)]).toEqual([name, true, true]);
      expect([name, isX!(new Construct(new App(), 'x')), isX!(undefined)]).toEqual([name, false, false]);
    }
  });
  test('a subclass of yours is answered by its own prototype chain, not by the brand of the class it extends', () => {
    // GIVEN a subclass of each class of ours, as a user would write it (no Symbol.hasInstance of its own)
    const constructs = [lab, ...lab.k8s.node.findAll(), ...lab.stack.node.findAll()];
    const wrong: string[] = [];
    for (const [name, cls] of ours) {
      const Sub = class extends (cls as any) {};
      // THEN no construct of the homelab is an instance of it (none was made from it)
      for (const c of constructs) if (c instanceof Sub) wrong.push(`${c.node.path} (${c.constructor.name}) instanceof a subclass of ${name}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // AND an instance of a real subclass is one of it and of the class it extends, in either copy
    class MyApp extends ClusterApp {}
    class MyBucket extends B2Bucket {}
    const mine = new MyApp(new App(), 'whoami', { image: 'traefik/whoami:v1.10.3', port: 80 });
    const bucket = new MyBucket(new TerraformStack(new TfApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-instanceof-')) }), 's'), 'b', { bucketName: 'mine-bucket', bucketType: 'allPrivate' });
    expect([mine instanceof MyApp, mine instanceof ClusterApp, mine instanceof (other.ClusterApp as Function), mine instanceof ResticBackedApp]).toEqual([true, true, true, false]);
    expect([bucket instanceof MyBucket, bucket instanceof B2Bucket, bucket instanceof (other.B2Bucket as Function), B2Bucket.isB2Bucket(bucket)]).toEqual([true, true, true, true]);
    expect([lab.apps[0] instanceof MyApp, lab.stack.node.findAll().some((c) => c instanceof MyBucket)]).toEqual([false, false]);
  });
});
