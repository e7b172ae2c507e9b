/**
 * Homelab turns the model into the constructs' props; what the props cannot say (a pool
 * without its OpenEBSPool) comes back as a problem in the house format.
 */
import * as path from 'path';
import { inventory as reference } from '../../apps/inventory';
import { Homelab, HomelabValidationError, Inventory } from '../../lib';

test('fails for a volume naming a pool that has no OpenEBSPool (no platform), naming the app and field', () => {
  // GIVEN the reference homelab without its platform, so no OpenEBSPool is built, and a volume in a pool
  const inv: any = JSON.parse(JSON.stringify(reference));
  delete inv.cluster.platform;
  for (const a of inv.apps) if (a.ingress) delete a.ingress.admin;
  const app = inv.apps.find((a: any) => (a.volumes ?? []).length > 0);
  app.volumes[0].pool = 'cstor-disks';
  let lab: Homelab | undefined;
  try {
    lab = new Homelab({ inventory: inv as Inventory, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });
  } catch (e) {
    // the model rules may already refuse it; then they name the volume
    expect((e as HomelabValidationError).problems.map((p) => p.message).join('\n')).toMatch(/pool/);
    return;
  }
  // WHEN validated
  let messages: string[] = [];
  try {
    lab.validate();
  } catch (e) {
    messages = (e as HomelabValidationError).problems.map((p) => p.message);
  }
  // THEN
  expect(messages).toEqual(expect.arrayContaining([
    `[app-${app.name}] ClusterApp.volumes.pool: volume ${JSON.stringify(app.volumes[0].name)} names a pool the homelab has no OpenEBSPool for (got "cstor-disks"); a pool of inventory.storagePools, which need cluster.platform (the homelab has none), or a storageClass instead of pool`,
    '[app-gitea] ClusterApp.database.pool: database names a pool the homelab has no OpenEBSPool for (got "cstor-disks"); a pool of inventory.storagePools, which need cluster.platform (the homelab has none), or a storageClass instead of pool',
  ]));
  expect(messages.every((m) => / ClusterApp\.(volumes|database)\.pool: /.test(m))).toBe(true);
});
