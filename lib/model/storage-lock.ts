/**
 * `storage.lock.json`: which OpenEBS BlockDevice (NDM's name, e.g. `blockdevice-3f…`) is
 * which disk of the model, by node and `/dev/disk/by-id` link. Written by
 * `homelab disks discover`, committed, read by synth to fill cStor pools: block-device
 * names are never typed by hand (seed 001).
 */
import { DISK_BY_ID, K8S_NAME } from './field-rules';
import { isDnsLabel } from '../core/net';
import { fail } from '../core/errors';


/** The lock file name, at the project root. */
export const STORAGE_LOCK_FILE = 'storage.lock.json';

/** Disks per cStor raid group of each layout: the one table, kept with the rules of the pool fields. */
export { RAID_GROUP_SIZE } from './field-rules';

/** One disk: where it is and the BlockDevice NDM made of it. */
export interface LockedDisk {
  /** Kubernetes node name (the host name). */
  readonly node: string;
  /** The `/dev/disk/by-id/...` link the model knows the disk by, as the node sees it. */
  readonly link: string;
  /** `metadata.name` of its BlockDevice. */
  readonly blockDevice: string;
}

export interface StorageLock {
  readonly version: 1;
  /** Sorted by node, then link. */
  readonly disks: readonly LockedDisk[];
}

/** The lock as committed: 2-space JSON, sorted, final newline. */
export function renderLock(lock: StorageLock): string {
  const disks = [...lock.disks].sort((a, b) => (a.node === b.node ? (a.link < b.link ? -1 : a.link > b.link ? 1 : 0) : a.node < b.node ? -1 : 1))
    .map((d) => ({ node: d.node, link: d.link, blockDevice: d.blockDevice }));
  return `${JSON.stringify({ version: 1, disks }, null, 2)}\n`;
}

/**
 * Parses a lock file; throws a `HomelabValidationError` in the house format (`[file] StorageLock.<field>: …`)
 * when it is not one.
 */
export function parseLock(text: string, file = STORAGE_LOCK_FILE): StorageLock {
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(file, 'StorageLock', 'not JSON', (e as Error).message, 'the file homelab disks discover writes');
  }
  if (data?.version !== 1 || !Array.isArray(data.disks)) fail(file, 'StorageLock.version', 'not a version 1 lock', data?.version ?? null, 're-run homelab disks discover');
  data.disks.forEach((d: any, i: number) => {
    for (const k of ['node', 'link', 'blockDevice']) {
      if (typeof d?.[k] !== 'string' || d[k] === '') fail(file, `StorageLock.disks[${i}].${k}`, 'missing', d?.[k] ?? null, 'a non-empty string');
    }
    if (!isSubdomain(d.node)) fail(file, `StorageLock.disks[${i}].node`, 'not a Kubernetes node name', d.node, 'a DNS subdomain such as olaf');
    if (!isSubdomain(d.blockDevice)) fail(file, `StorageLock.disks[${i}].blockDevice`, 'not a Kubernetes object name', d.blockDevice, 'a BlockDevice name such as blockdevice-3f…');
    const wrong = DISK_BY_ID.check(d.link);
    if (wrong !== undefined) fail(file, `StorageLock.disks[${i}].link`, wrong, d.link, DISK_BY_ID.allowed);
  });
  return { version: 1, disks: data.disks.map((d: any) => ({ node: d.node, link: d.link, blockDevice: d.blockDevice })) };
}

/** A DNS-1123 label, as Kubernetes checks namespaces (the inventory's rule). */
export function isLabel(s: string): boolean {
  return isDnsLabel(s);
}

/** A DNS-1123 subdomain, as Kubernetes checks object and node names (the inventory's rule). */
export function isSubdomain(s: string): boolean {
  return K8S_NAME.test(s);
}

/** The BlockDevice of a disk, if locked. */
export function lockedBlockDevice(lock: StorageLock, node: string, link: string): string | undefined {
  return lock.disks.find((d) => d.node === node && d.link === link)?.blockDevice;
}
