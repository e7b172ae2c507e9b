/**
 * One OpenEBS storage pool and its StorageClass, in any cdk8s Chart (the OpenEBS operator of
 * its engine must run in namespace `openebs`).
 *
 * - cStor: one `CStorPoolCluster` (cstor.openebs.io/v1) with one pool per node, its raid
 *   groups built from the layout, and block devices named as NDM named them, read from
 *   `storage.lock.json` (seed 001: they were filled in by hand before). A disk the lock
 *   lacks is a problem that names every node/link pair to discover.
 * - Mayastor: one `DiskPool` (openebs.io/v1beta3, the version of the OpenEBS 4.x docs'
 *   "Create DiskPool(s)" page) per disk, `aio://` + the disk's by-id link; no lock needed.
 *
 * The StorageClass is named like the pool; reference it with {@link OpenEBSPool.storageClassName}.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PoolLayout, StorageEngine } from '../model/inventory';
import { lockedBlockDevice, STORAGE_LOCK_FILE, StorageLock } from '../model/storage-lock';
import { addProblemValidation, HomelabProblem, ProblemCollector } from '../core/errors';
import { checkField, DNS_LABEL, POOL_LAYOUT, RAID_GROUP_SIZE, STORAGE_ENGINE } from '../model/field-rules';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';

/** Namespace the OpenEBS charts run in; CSPCs and DiskPools must be created there. @internal */
export const OPENEBS_NAMESPACE = 'openebs';

/** cStor's CSI provisioner. @see https://github.com/openebs/cstor-csi @internal */
export const CSTOR_PROVISIONER = 'cstor.csi.openebs.io';
/** Mayastor's CSI provisioner (OpenEBS docs, Replicated PV Mayastor, "Create StorageClass(s)"). @internal */
export const MAYASTOR_PROVISIONER = 'io.openebs.csi-mayastor';

/** The command that fills `storage.lock.json`. @internal */
export const DISCOVER_COMMAND = 'npx homelab disks discover --from <file>';

/** A pool other constructs reference (a volume's StorageClass). */
export interface IOpenEBSPool {
  /** The pool's name (`inventory.storagePools[].name`). */
  readonly poolName: string;
  /** Name of the pool's StorageClass. */
  readonly storageClassName: string;
}

/** One node of a pool and the disks it gives to it. */
export interface OpenEBSPoolNode {
  /** The Kubernetes node name (`kubernetes.io/hostname`). */
  readonly host: string;
  /** The disks as `/dev/disk/by-id/...` links inside the node. */
  readonly disks: readonly string[];
}

export interface OpenEBSPoolProps {
  /** Name of the pool and of its StorageClass. @default - the construct id */
  readonly name?: string;
  /** `cstor` (a CStorPoolCluster; needs the storage lock) or `mayastor` (DiskPools). */
  readonly engine: StorageEngine;
  /** The nodes and their disks. */
  readonly nodes: readonly OpenEBSPoolNode[];
  /**
   * How a node's disks form cStor raid groups (`dataRaidGroupType`).
   * @default 'stripe'
   * @see https://github.com/openebs/cstor-operators/blob/develop/docs/tutorial/cspc/tuning.md
   */
  readonly layout?: PoolLayout;
  /** Copies of each volume (`replicaCount` / `repl`). @default - the number of nodes, at most 3 */
  readonly replicas?: number;
  /**
   * Which BlockDevice is which disk (cStor only).
   * @default - an empty lock: every cStor disk is a problem
   */
  readonly lock?: StorageLock;
  /**
   * Lock file name, for messages.
   * @default 'storage.lock.json'
   */
  readonly lockFile?: string;
}

const OPENEBS_POOL_BRAND = brandSymbol('OpenEBSPool');

/** An OpenEBS pool: a CStorPoolCluster or DiskPools, and a StorageClass. */
export class OpenEBSPool extends Construct implements IOpenEBSPool {
  /** True when `x` is a OpenEBSPool, also from another copy of this library (`instanceof` uses it). */
  static isOpenEBSPool(x: unknown): x is OpenEBSPool {
    return hasBrand(x, OPENEBS_POOL_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is OpenEBSPool {
    return isInstance(this, OpenEBSPool, OPENEBS_POOL_BRAND, x);
  }

  readonly poolName: string;
  readonly engine: StorageEngine;
  /** The CStorPoolCluster (cStor). */
  readonly cstorPoolCluster?: ApiObject;
  /** The DiskPools, one per disk (Mayastor). */
  readonly diskPools: readonly ApiObject[];
  /** The StorageClass (primary child, id `Resource`). */
  readonly storageClass: ApiObject;
  /** Every problem of the pool (missing lock entries, replicas, layout), in the house format. */
  readonly problems: readonly HomelabProblem[];

  constructor(scope: Construct, id: string, props: OpenEBSPoolProps) {
    super(scope, id);
    addBrand(this, OPENEBS_POOL_BRAND);
    const pool = {
      name: props.name ?? id,
      engine: props.engine,
      layout: props.layout ?? 'stripe',
      replicas: props.replicas ?? Math.min(3, props.nodes.length),
      nodes: props.nodes,
    };
    this.poolName = pool.name;
    this.engine = pool.engine;
    const problems: HomelabProblem[] = [];
    const where = this.node.path;
    // the inventory's rules (model/field-rules.ts): the same value gets the same message here and there
    const single = new ProblemCollector();
    checkField(single, where, 'OpenEBSPool.name', pool.name, DNS_LABEL);
    checkField(single, where, 'OpenEBSPool.engine', pool.engine, STORAGE_ENGINE);
    checkField(single, where, 'OpenEBSPool.layout', pool.layout, POOL_LAYOUT);
    problems.push(...single.problems);
    if (!Number.isInteger(pool.replicas) || pool.replicas < 1) problems.push(new HomelabProblem(where, 'OpenEBSPool.replicas', 'not a positive integer', pool.replicas, 'at least 1'));
    if (pool.replicas > pool.nodes.length) {
      problems.push(new HomelabProblem(where, 'OpenEBSPool.replicas', `above the number of ${pool.engine === 'cstor' ? 'cStor pools' : 'nodes'} of pool ${JSON.stringify(pool.name)}, each copy needs its own node`, pool.replicas,
        `at most ${pool.nodes.length} (${pool.nodes.map((n) => n.host).join(', ')}); lower replicas or add hosts`));
    }

    if (pool.engine === 'cstor') {
      const lock = props.lock ?? { version: 1, disks: [] };
      const missing: { node: string; link: string }[] = [];
      const group = RAID_GROUP_SIZE[pool.layout];
      const pools = pool.nodes.map((n) => {
        const names = n.disks.map((link) => {
          const bd = lockedBlockDevice(lock, n.host, link);
          if (bd === undefined) missing.push({ node: n.host, link });
          return bd ?? '';
        });
        if (group !== undefined && (names.length === 0 || names.length % group !== 0)) {
          problems.push(new HomelabProblem(where, 'OpenEBSPool.layout', `node ${JSON.stringify(n.host)} has ${names.length} disks, which do not split into ${pool.layout} groups of ${group}`, pool.layout,
            `a multiple of ${group} disks per node, or another layout`));
        } else if (names.length === 0) {
          problems.push(new HomelabProblem(where, 'OpenEBSPool.disks', `node ${JSON.stringify(n.host)} has no disk for the pool`, [], 'passthroughDisks (VM) or disks (metal host)'));
        }
        const size = group ?? Math.max(1, names.length);
        const groups: string[][] = [];
        for (let i = 0; i < names.length; i += size) groups.push(names.slice(i, i + size));
        return {
          nodeSelector: { 'kubernetes.io/hostname': n.host },
          dataRaidGroups: groups.map((g) => ({ blockDevices: g.map((blockDeviceName) => ({ blockDeviceName })) })),
          poolConfig: { dataRaidGroupType: pool.layout },
        };
      });
      if (missing.length > 0) {
        problems.push(new HomelabProblem(where, 'OpenEBSPool.disks', `not in ${props.lockFile ?? STORAGE_LOCK_FILE}, so their BlockDevice names are unknown`, missing,
          `run ${DISCOVER_COMMAND} once the nodes run NDM, and commit the lock it writes`));
      }
      this.cstorPoolCluster = new ApiObject(this, 'CStorPoolCluster', {
        apiVersion: 'cstor.openebs.io/v1',
        kind: 'CStorPoolCluster',
        metadata: { name: pool.name, namespace: OPENEBS_NAMESPACE },
        spec: { pools },
      });
      this.diskPools = [];
      this.storageClass = new ApiObject(this, 'Resource', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: pool.name },
        provisioner: CSTOR_PROVISIONER,
        allowVolumeExpansion: true,
        parameters: { 'cas-type': 'cstor', cstorPoolCluster: pool.name, replicaCount: String(pool.replicas) },
      });
    } else {
      this.diskPools = pool.nodes.flatMap((n) => n.disks.map((link, i) => new ApiObject(this, `DiskPool-${n.host}-${i}`, {
        apiVersion: 'openebs.io/v1beta3',
        kind: 'DiskPool',
        metadata: { name: `${pool.name}-${n.host}-${i}`, namespace: OPENEBS_NAMESPACE },
        spec: { node: n.host, disks: [`aio://${link}`] },
      })));
      for (const n of pool.nodes) {
        if (n.disks.length === 0) problems.push(new HomelabProblem(where, 'OpenEBSPool.disks', `node ${JSON.stringify(n.host)} has no disk for the pool`, [], 'passthroughDisks (VM) or disks (metal host)'));
      }
      // parameters: OpenEBS docs, Replicated PV Mayastor, "Storage Class Parameters" (all string values)
      this.storageClass = new ApiObject(this, 'Resource', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: pool.name },
        provisioner: MAYASTOR_PROVISIONER,
        allowVolumeExpansion: true,
        parameters: { protocol: 'nvmf', repl: String(pool.replicas) },
      });
    }
    this.problems = problems;
    // standalone, `cdk8s synth` reports them; Homelab collects `problems` itself
    addProblemValidation(this, () => problems);
  }

  get storageClassName(): string {
    return this.storageClass.name;
  }
}
