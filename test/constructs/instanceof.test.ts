/**
 * `instanceof` for every construct class of ours: cdk8s `Chart` defines a static
 * `Symbol.hasInstance` (Chart.isChart), which its subclasses inherit unless they define
 * their own; then every Chart passed as a ResticBackedApp.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as path from 'path';
import {
  ClusterApp, Homelab, HomelabStack, NamespacesChart, NixHostVM, OAuthIngress, OpenEBSPool,
  PlatformConfig, PlatformCrds, PlatformServices, ResticBackedApp,
} from '../../lib';
import { inventory } from '../../apps/inventory';

const lab = new Homelab({ inventory, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });

describe('instanceof', () => {
  test('finds the backed-up app among the apps, not the first Chart', () => {
    // GIVEN the reference homelab: whoami without backup, gitea and files with
    // WHEN the apps are filtered by class
    const backedUp = lab.apps.filter((a) => a instanceof ResticBackedApp).map((a) => a.node.id);
    // THEN only the apps with backups are ResticBackedApps, and every app is a ClusterApp
    expect(backedUp).toEqual(lab.model.apps.filter((a) => a.backups).map((a) => `app-${a.name}`));
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
