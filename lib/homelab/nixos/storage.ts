/**
 * What a host needs to carry an OpenEBS storage pool (see `OpenEBSPool`), derived
 * from the pools that use its disks, never typed again:
 *
 * - the k3s node label the engine's data plane selects on;
 * - cStor: an iSCSI initiator (`services.openiscsi`), which its volumes are served over;
 * - Mayastor: 2 MiB hugepages for its SPDK io-engine (2 GiB, the documented minimum)
 *   and the `nvme-tcp` kernel module for its NVMe-oF volumes.
 *
 * @see https://openebs.io/docs/user-guides/replicated-storage-user-guide/replicated-pv-mayastor/rs-installation
 */
import { Model } from '../../model/derive';

/** Node label of each engine's storage nodes. */
export const STORAGE_NODE_LABELS: Readonly<Record<'cstor' | 'mayastor', readonly [string, string]>> = {
  cstor: ['openebs.io/nodegroup', 'storage-node'],
  mayastor: ['openebs.io/engine', 'mayastor'],
};

/** Mayastor's io-engine needs 1024 pages of 2 MiB. */
export const MAYASTOR_HUGEPAGES = 1024;

export interface StorageNodeConfig {
  readonly labels: Readonly<Record<string, string>>;
  readonly iscsi: boolean;
  readonly hugepages?: number;
  readonly kernelModules: readonly string[];
}

/** The storage needs of a host; empty when no pool uses it. */
export function storageNodeConfig(model: Model, host: string): StorageNodeConfig {
  const engines = new Set(model.storagePools.filter((p) => p.nodes.some((n) => n.host === host)).map((p) => p.engine));
  const labels: Record<string, string> = {};
  for (const e of [...engines].sort()) labels[STORAGE_NODE_LABELS[e][0]] = STORAGE_NODE_LABELS[e][1];
  return {
    labels,
    iscsi: engines.has('cstor'),
    ...(engines.has('mayastor') ? { hugepages: MAYASTOR_HUGEPAGES } : {}),
    kernelModules: engines.has('mayastor') ? ['nvme-tcp'] : [],
  };
}
