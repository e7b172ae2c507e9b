import { App, Chart } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory as reference } from '../../apps/inventory';
import { OpenEBSPool } from '../../lib/constructs/openebs-pool';
import { chartObjects, synthK8sFiles } from '../../lib/synth/k8s';
import { Homelab } from '../../lib/homelab/homelab';
import { ResolvedPool } from '../../lib/model/derive';
import { Inventory } from '../../lib/model/inventory';
import { StorageLock } from '../../lib/model/storage-lock';
import { HomelabValidationError } from '../../lib/core/errors';
import { validateManifest } from '../helpers/k8s-validate';
import { ApiServerModel } from '../synth/api-server-model';

const link = (n: string) => `/dev/disk/by-id/ata-DISK_${n}`;
const CSTOR: ResolvedPool = {
  name: 'tank', engine: 'cstor', layout: 'mirror', replicas: 2,
  nodes: [{ host: 'n1', disks: [link('a'), link('b'), link('c'), link('d')] }, { host: 'n2', disks: [link('e'), link('f')] }],
};
const LOCK: StorageLock = {
  version: 1,
  disks: [['n1', 'a'], ['n1', 'b'], ['n1', 'c'], ['n1', 'd'], ['n2', 'e'], ['n2', 'f']].map(([node, d]) => ({ node, link: link(d), blockDevice: `blockdevice-${d}` })),
};

function synth(pool: ResolvedPool, lock?: StorageLock) {
  const chart = new Chart(new App(), 'storage');
  const construct = new OpenEBSPool(chart, 'Pool', { ...pool, lock });
  return { construct, objects: chartObjects(chart) };
}

describe('cStor', () => {
  test('a CStorPoolCluster with one pool per node, raid groups from the layout, block devices from the lock', () => {
    // GIVEN a mirror pool on two nodes and a full lock WHEN synthesized
    const { construct, objects } = synth(CSTOR, LOCK);
    // THEN
    const cspc = objects.find((o) => o.kind === 'CStorPoolCluster');
    expect(cspc.apiVersion).toBe('cstor.openebs.io/v1');
    expect(cspc.metadata).toEqual({ name: 'tank', namespace: 'openebs' });
    expect(cspc.spec.pools).toEqual([
      {
        nodeSelector: { 'kubernetes.io/hostname': 'n1' },
        dataRaidGroups: [
          { blockDevices: [{ blockDeviceName: 'blockdevice-a' }, { blockDeviceName: 'blockdevice-b' }] },
          { blockDevices: [{ blockDeviceName: 'blockdevice-c' }, { blockDeviceName: 'blockdevice-d' }] },
        ],
        poolConfig: { dataRaidGroupType: 'mirror' },
      },
      {
        nodeSelector: { 'kubernetes.io/hostname': 'n2' },
        dataRaidGroups: [{ blockDevices: [{ blockDeviceName: 'blockdevice-e' }, { blockDeviceName: 'blockdevice-f' }] }],
        poolConfig: { dataRaidGroupType: 'mirror' },
      },
    ]);
    expect(construct.problems).toEqual([]);
    expect(validateManifest(cspc)).toEqual([]);
  });

  test('stripe puts every disk of a node in one group', () => {
    const { objects } = synth({ ...CSTOR, layout: 'stripe' }, LOCK);
    const groups = objects.find((o) => o.kind === 'CStorPoolCluster').spec.pools.map((p: any) => p.dataRaidGroups.map((g: any) => g.blockDevices.length));
    expect(groups).toEqual([[4], [2]]);
  });

  test('the CRD check can fail: an unknown field in the CSPC is reported', () => {
    const { objects } = synth(CSTOR, LOCK);
    const cspc = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'CStorPoolCluster')));
    cspc.spec.pools[0].dataRaidGroups[0].blockDevices[0].name = 'oops';
    expect(validateManifest(cspc).join('\n')).toMatch(/name/);
  });

  test('a StorageClass named like the pool, for cStor CSI, referenced by storageClassName', () => {
    const { construct, objects } = synth(CSTOR, LOCK);
    const sc = objects.find((o) => o.kind === 'StorageClass');
    expect(sc).toEqual({
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'tank' }, provisioner: 'cstor.csi.openebs.io', allowVolumeExpansion: true,
      parameters: { 'cas-type': 'cstor', cstorPoolCluster: 'tank', replicaCount: '2' },
    });
    expect(construct.storageClassName).toBe('tank');
    expect(validateManifest(sc)).toEqual([]);
  });

  test('fails when disks are missing from the lock: names exactly those node/link pairs and the discover command', () => {
    const lock: StorageLock = { version: 1, disks: LOCK.disks.filter((d) => !(d.node === 'n1' && d.link === link('c')) && d.node !== 'n2') };
    const { construct } = synth(CSTOR, lock);
    expect(construct.problems.map((p) => p.message)).toEqual([
      `[storage/Pool] OpenEBSPool.disks: not in storage.lock.json, so their BlockDevice names are unknown (got [{"node":"n1","link":"${link('c')}"},{"node":"n2","link":"${link('e')}"},{"node":"n2","link":"${link('f')}"}]); run npx homelab disks discover --from <file> once the nodes run NDM, and commit the lock it writes`,
    ]);
  });

  test('fails when replicas exceed the pools (nodes)', () => {
    const { construct } = synth({ ...CSTOR, replicas: 3 }, LOCK);
    expect(construct.problems.map((p) => p.message)).toEqual([
      '[storage/Pool] OpenEBSPool.replicas: above the number of cStor pools of pool "tank", each copy needs its own node (got 3); at most 2 (n1, n2); lower replicas or add hosts',
    ]);
  });

  test('fails when a node\'s disks do not split into the layout\'s groups', () => {
    const { construct } = synth({ ...CSTOR, layout: 'raidz' }, LOCK);
    expect(construct.problems.map((p) => p.field)).toEqual(['OpenEBSPool.layout', 'OpenEBSPool.layout']);
  });
});

describe('Mayastor', () => {
  test('one DiskPool per disk with its aio by-id URI, and a StorageClass for Mayastor CSI', () => {
    const { construct, objects } = synth({ ...CSTOR, engine: 'mayastor', replicas: 2 });
    expect(objects.filter((o) => o.kind === 'DiskPool').map((o) => [o.apiVersion, o.metadata.namespace, o.metadata.name, o.spec])).toEqual([
      ['openebs.io/v1beta3', 'openebs', 'tank-n1-0', { node: 'n1', disks: [`aio://${link('a')}`] }],
      ['openebs.io/v1beta3', 'openebs', 'tank-n1-1', { node: 'n1', disks: [`aio://${link('b')}`] }],
      ['openebs.io/v1beta3', 'openebs', 'tank-n1-2', { node: 'n1', disks: [`aio://${link('c')}`] }],
      ['openebs.io/v1beta3', 'openebs', 'tank-n1-3', { node: 'n1', disks: [`aio://${link('d')}`] }],
      ['openebs.io/v1beta3', 'openebs', 'tank-n2-0', { node: 'n2', disks: [`aio://${link('e')}`] }],
      ['openebs.io/v1beta3', 'openebs', 'tank-n2-1', { node: 'n2', disks: [`aio://${link('f')}`] }],
    ]);
    expect(objects.find((o) => o.kind === 'CStorPoolCluster')).toBeUndefined();
    const sc = objects.find((o) => o.kind === 'StorageClass');
    expect([sc.provisioner, sc.parameters, sc.allowVolumeExpansion]).toEqual(['io.openebs.csi-mayastor', { protocol: 'nvmf', repl: '2' }, true]);
    expect(construct.problems).toEqual([]);
  });
});

describe('in a homelab', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-pool-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const DISK = '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_32N0_WD-WCC7K0123456';

  function lab(engine: 'cstor' | 'mayastor', lockDisks: StorageLock['disks']): Homelab {
    const inv: Inventory = JSON.parse(JSON.stringify(reference));
    const file = path.join(tmp, `${engine}-${lockDisks.length}.json`);
    fs.writeFileSync(file, JSON.stringify({ version: 1, disks: lockDisks }));
    const apps = inv.apps!.map((a) => ({ ...a, volumes: a.volumes?.map((v) => ({ ...v, pool: a.name === 'gitea' ? 'fast' : undefined })), database: a.database && { ...a.database, pool: undefined } }));
    return new Homelab({ inventory: { ...inv, apps, storagePools: [{ name: 'fast', engine, hosts: ['rolf'] }] }, storageLockFile: file });
  }

  test('the pool, its operator and the PVC\'s StorageClass; the plan replays without a refusal', () => {
    // GIVEN a cStor pool on rolf, locked, and gitea's volume on it WHEN synthesized
    const h = lab('cstor', [{ node: 'rolf', link: DISK, blockDevice: 'blockdevice-0123' }]);
    h.validate();
    const files = synthK8sFiles(h.k8s, 'test');
    const all = files.flatMap((f) => f.objects.map((o) => ({ ...o, file: f.path })));
    // THEN
    expect(all.filter((o) => o.kind === 'CStorPoolCluster').map((o) => [o.file, o.spec.pools[0].dataRaidGroups])).toEqual([
      ['20-storage.k8s.yaml', [{ blockDevices: [{ blockDeviceName: 'blockdevice-0123' }] }]],
    ]);
    expect(all.filter((o) => o.kind === 'HelmChart').map((o) => o.metadata.name)).toContain('cstor');
    expect(all.filter((o) => o.kind === 'HelmChart').map((o) => o.metadata.name)).not.toContain('openebs');
    const ns = all.filter((o) => o.kind === 'Namespace' && o.metadata.name === 'openebs');
    expect(ns.map((o) => o.metadata.labels['pod-security.kubernetes.io/enforce'])).toEqual(['privileged']);
    expect(all.filter((o) => o.file === '00-crds.k8s.yaml').map((o) => o.metadata.name)).toContain('cstorpoolclusters.cstor.openebs.io');
    expect(all.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'gitea-data').spec.storageClassName).toBe('fast');

    const plan = h.applyOrder(files);
    const byFile = Object.fromEntries(files.map((f) => [f.path, f.objects]));
    const replay = (waits: (s: any) => readonly any[]) => {
      const api = new ApiServerModel();
      for (const s of plan.stages) {
        api.applyStage(s.stage, s.files.flatMap((f) => byFile[f]));
        for (const w of waits(s)) api.wait(w);
      }
      return api.refused;
    };
    expect(replay((s) => s.waits)).toEqual([]);
    // the check can fail: without the wait for cStor's admission webhook the CSPC is refused
    expect(replay((s) => s.waits.filter((w: any) => w.resource !== 'deployment/openebs-cstor-admission-server'))).toEqual([
      '20-platform-config: CStorPoolCluster/fast: webhook openebs/openebs-cstor-admission-server for cstor.openebs.io was not waited for',
    ]);
  });

  test('Mayastor: the OpenEBS chart and the DiskPool CRD instead of cStor\'s', () => {
    const h = lab('mayastor', []);
    h.validate();
    const all = synthK8sFiles(h.k8s, 'test').flatMap((f) => f.objects);
    expect(all.filter((o) => o.kind === 'HelmChart').map((o) => o.metadata.name)).toEqual(['traefik', 'cert-manager', 'metallb', 'oauth2-proxy', 'openebs']);
    const crds = all.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
    expect(crds).toContain('diskpools.openebs.io');
    expect(crds).not.toContain('cstorpoolclusters.cstor.openebs.io');
    expect(all.filter((o) => o.kind === 'DiskPool').map((o) => o.spec)).toEqual([{ node: 'rolf', disks: [`aio://${DISK}`] }]);
  });

  test('fails at synth when a disk is not locked', () => {
    const h = lab('cstor', []);
    expect(() => h.validate()).toThrow(HomelabValidationError);
    expect(() => h.validate()).toThrow(/\[storage\/pool-fast\] OpenEBSPool\.disks: not in .*"node":"rolf".*npx homelab disks discover --from <file>/);
  });
});
