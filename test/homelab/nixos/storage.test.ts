/**
 * Storage nodes in NixOS, derived from the pools that use their disks: the engine's node
 * label, cStor's iSCSI initiator, Mayastor's hugepages and nvme-tcp. Evaluated with
 * nix-instantiate, and checked against the recorded NixOS option facts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory } from '../../../apps/inventory';
import { renderNixFile } from '../../../lib/nix';
import { hostModule } from '../../../lib/homelab/nixos/module';
import { storageNodeConfig } from '../../../lib/homelab/nixos/storage';
import { deriveModel, Model } from '../../../lib/model/derive';
import { Inventory } from '../../../lib/model/inventory';
import { validateInventory } from '../../../lib/model/rules';
import { nixEvalModule } from '../../helpers/nix';
import { checkNixosOptions, loadNixosOptionFacts } from '../../helpers/nixos-options';
import { itWith } from '../../helpers/tools';

const itNix = itWith('nix-instantiate');

/** The reference homelab with one pool of the engine on rolf (a VM with a pass-through disk). */
function withPool(engine: 'cstor' | 'mayastor'): Model {
  const base = structuredClone(inventory);
  const inv: Inventory = {
    ...base,
    storagePools: [{ name: 'fast', engine, hosts: ['rolf'] }],
    apps: base.apps!.map((a) => ({ ...a, volumes: a.volumes?.map(({ pool, ...v }) => v), database: a.database && { ...a.database, pool: undefined } })),
  };
  expect(validateInventory(inv).map((p) => p.message)).toEqual([]);
  return deriveModel(inv);
}

function evalHost(m: Model, name: string): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-storage-nix-'));
  fs.mkdirSync(path.join(dir, 'nixos/hosts'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'secrets'));
  fs.writeFileSync(path.join(dir, 'secrets/secrets.yaml'), '');
  const file = path.join(dir, 'nixos/hosts', `${name}.nix`);
  fs.writeFileSync(file, renderNixFile(hostModule(m, m.hosts.find((h) => h.name === name)!), 'test'));
  const r = nixEvalModule(file);
  fs.rmSync(dir, { recursive: true });
  expect({ stderr: r.stderr, status: r.status }).toEqual({ stderr: '', status: 0 });
  return JSON.parse(r.stdout);
}

describe('storage nodes', () => {
  test('derive their needs from the pools, and nothing for hosts outside them', () => {
    expect(storageNodeConfig(withPool('cstor'), 'rolf')).toEqual({ labels: { 'openebs.io/nodegroup': 'storage-node' }, iscsi: true, kernelModules: [] });
    expect(storageNodeConfig(withPool('mayastor'), 'rolf')).toEqual({ labels: { 'openebs.io/engine': 'mayastor' }, iscsi: false, hugepages: 1024, kernelModules: ['nvme-tcp'] });
    expect(storageNodeConfig(withPool('mayastor'), 'ulf')).toEqual({ labels: {}, iscsi: false, kernelModules: [] });
  });

  itNix('a cStor node gets its label as a k3s flag and an iSCSI initiator', () => {
    const rolf = evalHost(withPool('cstor'), 'rolf');
    expect(rolf.services.k3s.extraFlags).toContain('--node-label=openebs.io/nodegroup=storage-node');
    expect(rolf.services.openiscsi).toEqual({ enable: true, name: 'iqn.2016-04.org.nixos:rolf' });
    expect(rolf.boot.kernel).toBeUndefined();
  });

  itNix('a Mayastor node gets its label, 1024 hugepages and nvme-tcp', () => {
    const m = withPool('mayastor');
    const rolf = evalHost(m, 'rolf');
    expect(rolf.services.k3s.extraFlags).toContain('--node-label=openebs.io/engine=mayastor');
    expect(rolf.boot.kernel.sysctl).toEqual({ 'vm.nr_hugepages': 1024 });
    expect(rolf.boot.kernelModules).toEqual(['nvme-tcp']);
    expect(rolf.services.openiscsi).toBeUndefined();
    // a host outside the pool gets none of it
    const ulf = evalHost(m, 'ulf');
    expect(ulf.boot.kernel).toBeUndefined();
    expect(ulf.services.k3s.extraFlags.some((f: string) => f.includes('openebs.io'))).toBe(false);
  });

  test('every option the storage part emits is a real NixOS option', () => {
    const facts = loadNixosOptionFacts();
    for (const engine of ['cstor', 'mayastor'] as const) {
      const m = withPool(engine);
      expect(checkNixosOptions(hostModule(m, m.hosts.find((h) => h.name === 'rolf')!), facts)).toEqual([]);
    }
  });
});
