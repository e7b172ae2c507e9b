/**
 * `homelab disks discover`: matches the disks of the model's storage pools to the OpenEBS
 * BlockDevices NDM made of them (`kubectl get blockdevices -A -o json`) and writes
 * `storage.lock.json`, so block-device names are never typed by hand (seed 001).
 *
 * It also finds the BlockDevices a cStor pool will not claim because of old labels (a
 * `zfs_member` or other filesystem signature, a partition table, a legacy uuid from an old
 * partition, a `Released` claim) and prints the commands that clear them, to be run by hand
 * on the node: it never runs anything itself.
 */
import { Model } from '../model/derive';
import { shellCommand, shellWord } from '../core/shell';
import { ProblemCollector } from '../core/errors';
import { K8S_NAME_RULE } from '../model/field-rules';
import { isLabel, isSubdomain, LockedDisk, StorageLock } from '../model/storage-lock';

/** A model disk no BlockDevice on its node has a by-id link for. */
export interface MissingDisk {
  readonly pool: string;
  /** Kubernetes node name (the host name). */
  readonly node: string;
  /** The `/dev/disk/by-id/...` link the model knows the disk by. */
  readonly link: string;
  /** What to check, in the user's terms. */
  readonly hint: string;
  /** Set when the previous lock had the disk: the lock keeps this BlockDevice. */
  readonly locked?: string;
}

/** A BlockDevice of a model disk that carries old labels or state, and how to clear them. */
export interface StaleDisk {
  readonly node: string;
  readonly link: string;
  /** `metadata.name` of the BlockDevice. */
  readonly blockDevice: string;
  /** Why NDM or cStor will not use it as it is. */
  readonly reasons: readonly string[];
  /**
   * Commands to run by hand, in order: `sudo ...` lines in a shell on the node, `kubectl ...`
   * lines wherever kubectl reaches the cluster. Empty when nothing may be wiped (the disk is
   * claimed or mounted).
   */
  readonly wipe: readonly string[];
}

/** A BlockDevice on a pool node that no model disk names (a disk the inventory may have missed). */
export interface UnknownBlockDevice {
  readonly node: string;
  readonly blockDevice: string;
  /** `spec.path`, e.g. `/dev/sdc`. */
  readonly path: string;
  /** Its `/dev/disk/by-id` links. */
  readonly links: readonly string[];
  /** `spec.capacity.storage` in bytes; 0 when NDM gives none. */
  readonly sizeBytes: number;
  readonly fsType?: string;
  readonly claimState: string;
  readonly state: string;
}

/** A disk whose BlockDevice is not the one the previous lock had. */
export interface ChangedDisk {
  readonly node: string;
  readonly link: string;
  readonly from: string;
  readonly to: string;
}

export interface DiscoverResult {
  /** Every model disk with a BlockDevice, plus previous entries for model disks not seen now. */
  readonly lock: StorageLock;
  /** Sorted by pool, node, link. */
  readonly missing: readonly MissingDisk[];
  /** Sorted by node, link, BlockDevice. */
  readonly stale: readonly StaleDisk[];
  /** BlockDevices on pool nodes that no model disk names; sorted by node, BlockDevice. */
  readonly unknown: readonly UnknownBlockDevice[];
  /** Disks locked before to another BlockDevice; sorted by node, link. */
  readonly changed: readonly ChangedDisk[];
  /** Previous lock entries for disks the model no longer has; sorted by node, link. */
  readonly dropped: readonly LockedDisk[];
}

export interface DiscoverOptions {
  /**
   * The lock committed so far. Its entries for disks still in the model and not seen now
   * are kept; the rest are dropped.
   * @default - none: the lock holds only what is seen now
   */
  readonly previous?: StorageLock;
  /**
   * Where the BlockDevice list came from, for error messages.
   * @default 'kubectl get blockdevices'
   */
  readonly source?: string;
}

/** NDM's label selector for its DaemonSet's pods (openebs-operator.yaml and the helm chart). */
export const NDM_POD_SELECTOR = 'openebs.io/component-name=ndm';

/** The few BlockDevice fields discover reads, checked. */
interface Bd {
  readonly name: string;
  readonly namespace: string;
  readonly node: string;
  readonly path: string;
  readonly byId: readonly string[];
  readonly sizeBytes: number;
  readonly fsType?: string;
  readonly mountPoint?: string;
  readonly partitioned: boolean;
  readonly deviceType?: string;
  readonly claimState: string;
  readonly claimedBy?: string;
  readonly state: string;
  readonly legacyUuid?: string;
}

const ALLOWED = 'the output of kubectl get blockdevices -A -o json';
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;


/**
 * Parses the output of `kubectl get blockdevices -A -o json` and discovers the model's pool
 * disks in it; throws a `HomelabValidationError` (`[<source>] blockdevices: not JSON …`)
 * when the text is not that.
 */
export function discoverFromText(text: string, source: string, model: Model, options: Omit<DiscoverOptions, 'source'> = {}): DiscoverResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const problems = new ProblemCollector();
    problems.add(source, 'blockdevices', 'not JSON', (e as Error).message, ALLOWED);
    problems.throwIfAny();
  }
  return discoverDisks(data, model, { ...options, source });
}

/**
 * Finds, for every disk of every pool node of the model, the BlockDevice on that node whose
 * by-id links contain the disk's link.
 */
export function discoverDisks(blockDevices: unknown, model: Model, options: DiscoverOptions = {}): DiscoverResult {
  const source = options.source ?? 'kubectl get blockdevices';
  const bds = readBlockDevices(blockDevices, source);

  // Every (pool, node, link) of the model, and the set of (node, link).
  const wanted: { pool: string; node: string; link: string }[] = [];
  for (const pool of model.storagePools) {
    for (const n of pool.nodes) for (const link of n.disks) wanted.push({ pool: pool.name, node: n.host, link });
  }
  const inModel = new Set(wanted.map((w) => key(w.node, w.link)));
  const poolNodes = new Set(wanted.map((w) => w.node));
  const previous = new Map((options.previous?.disks ?? []).map((d) => [key(d.node, d.link), d]));

  const found = new Map<string, LockedDisk>();
  const missing: MissingDisk[] = [];
  const stale: StaleDisk[] = [];
  const changed: ChangedDisk[] = [];
  const used = new Set<string>();
  const seen = new Set<string>();

  // BlockDevices a lock names: the previous one's, and (below) the new one's; none is ever deleted
  const lockedNames = new Set((options.previous?.disks ?? []).map((d) => d.blockDevice));
  for (const w of wanted) {
    const k = key(w.node, w.link);
    const held = previous.get(k)?.blockDevice;
    const candidates = bds.filter((b) => b.node === w.node && b.byId.includes(w.link))
      .sort((a, b) => Number(b.name === held) - Number(a.name === held) || byPreference(a, b));
    if (candidates.length === 0) {
      const before = previous.get(k);
      missing.push({ pool: w.pool, node: w.node, link: w.link, hint: missingHint(w.node, w.link, bds, model), ...(before ? { locked: before.blockDevice } : {}) });
      if (before) found.set(k, { node: w.node, link: w.link, blockDevice: before.blockDevice });
      continue;
    }
    for (const c of candidates) used.add(c.name);
    // A disk in two pools is the model's problem; report its BlockDevice once.
    if (seen.has(k)) continue;
    seen.add(k);
    const [bd, ...others] = candidates;
    found.set(k, { node: w.node, link: w.link, blockDevice: bd.name });
    const before = previous.get(k);
    if (before && before.blockDevice !== bd.name) changed.push({ node: w.node, link: w.link, from: before.blockDevice, to: bd.name });
    const reasons = staleReasons(bd);
    // the disk's own BlockDevice goes into the lock: its wipe never deletes it
    if (reasons.length > 0) stale.push({ node: w.node, link: w.link, blockDevice: bd.name, reasons: [...reasons, ...lockedNote(bd, reasons)], wipe: clearCommands(bd, w.link, reasons) });
    for (const o of others) {
      const why = `a second BlockDevice for this disk, NDM also lists ${JSON.stringify(bd.name)}${bd.name === held ? ', which the lock holds' : ''}`;
      stale.push({ node: w.node, link: w.link, blockDevice: o.name, reasons: [why, ...staleReasons(o)], wipe: o.claimState === 'Claimed' ? [] : [deleteBd(o), restartNdm(o)] });
    }
  }
  for (const d of found.values()) lockedNames.add(d.blockDevice);
  // no printed command deletes a BlockDevice a lock names
  const deletesLocked = new Set(bds.filter((b) => lockedNames.has(b.name)).map(deleteBd));
  for (let i = 0; i < stale.length; i++) {
    const st = stale[i];
    if (!lockedNames.has(st.blockDevice)) continue;
    if (found.get(key(st.node, st.link))?.blockDevice !== st.blockDevice) {
      // a BlockDevice another disk's lock entry holds is never to be deleted as a second one
      stale[i] = { ...st, reasons: [...st.reasons, 'it is in the lock: nothing is deleted; check which disk it is before changing the lock'], wipe: [] };
    } else if (st.wipe.some((c) => deletesLocked.has(c))) {
      stale[i] = { ...st, wipe: st.wipe.filter((c) => !deletesLocked.has(c)) };
    }
  }

  const dropped = [...previous.values()].filter((d) => !inModel.has(key(d.node, d.link)));
  const unknown: UnknownBlockDevice[] = bds.filter((b) => poolNodes.has(b.node) && !used.has(b.name)).map((b) => ({
    node: b.node, blockDevice: b.name, path: b.path, links: b.byId, sizeBytes: b.sizeBytes,
    ...(b.fsType ? { fsType: b.fsType } : {}), claimState: b.claimState, state: b.state,
  }));

  return {
    lock: { version: 1, disks: [...found.values()].sort(byNodeLink) },
    missing: missing.sort((a, b) => cmp(a.pool, b.pool) || byNodeLink(a, b)),
    stale: stale.sort((a, b) => byNodeLink(a, b) || cmp(a.blockDevice, b.blockDevice)),
    unknown: unknown.sort((a, b) => cmp(a.node, b.node) || cmp(a.blockDevice, b.blockDevice)),
    changed: changed.sort(byNodeLink),
    dropped: dropped.sort(byNodeLink),
  };
}

/** Why NDM or cStor will not use this BlockDevice as it is; empty when it is fine. */
function staleReasons(bd: Bd): string[] {
  const reasons: string[] = [];
  if (bd.state !== 'Active') {
    const claimed = bd.claimState === 'Claimed' ? `; claimed${bd.claimedBy ? ` by ${bd.claimedBy}` : ''}, so reattach it rather than wipe it` : '';
    reasons.push(`state ${bd.state}: NDM does not see the disk on ${bd.node} now (detached, or not rescanned since it changed)${claimed}`);
  }
  // A claimed disk carries its pool's own labels (cStor's zfs_member): in use, not stale.
  if (bd.claimState === 'Claimed') return reasons;
  if (bd.claimState === 'Released') reasons.push('claimState Released: its old claim is gone but NDM never cleaned it, so nothing can claim it');
  if (bd.deviceType === 'partition') reasons.push('a partition, not a whole disk: a pool takes whole disks; name the disk in the inventory');
  if (bd.mountPoint) reasons.push(`mounted at ${bd.mountPoint}: in use on ${bd.node}; unmount it (and drop it from the node's fileSystems) first`);
  if (bd.fsType) reasons.push(`filesystem signature ${bd.fsType} on the whole disk: an old ${bd.fsType === 'zfs_member' ? 'ZFS pool' : 'filesystem'} left on it`);
  if (bd.partitioned) reasons.push('partitioned: an old partition table left on it');
  if (bd.legacyUuid) reasons.push(`legacy uuid from an old ${bd.legacyUuid} (internal.openebs.io/uuid-scheme: legacy): cStor will not claim it`);
  return reasons;
}

/**
 * What becomes of the locked BlockDevice of a disk whose labels are wiped: NDM's rescan updates it
 * in place (its gpt-scheme name comes from the disk's WWN/serial), but a legacy name came from the
 * old labels, so NDM may list the wiped disk under a new name.
 */
function lockedNote(bd: Bd, reasons: readonly string[]): string[] {
  if (!bd.legacyUuid || clearCommands(bd, '', reasons).length === 0) return [];
  return ['it is in the lock, so it is not deleted: after the wipe NDM may list the disk under a new name (its legacy name came from the old labels); check the next discover before a pool uses it'];
}

/**
 * The commands that clear a stale BlockDevice's disk, by its by-id link (never `/dev/sdX`,
 * which can change between boots): wipe, then let NDM rescan the node, which updates the
 * BlockDevice's labels in place. The BlockDevice itself is never deleted: it goes into the lock.
 */
function clearCommands(bd: Bd, link: string, reasons: readonly string[]): string[] {
  if (bd.claimState === 'Claimed' || bd.mountPoint || bd.deviceType === 'partition') return [];
  const onlyState = reasons.length === 1 && bd.state !== 'Active';
  if (onlyState) return [restartNdm(bd)];
  const q = shellWord(link);
  return [
    ...(bd.partitioned ? [`sudo wipefs --all ${q}-part*`] : []),
    `sudo wipefs --all ${q}`,
    `sudo sgdisk --zap-all ${q}`,
    restartNdm(bd),
  ];
}

function deleteBd(bd: Bd): string {
  return shellCommand(['kubectl', '-n', bd.namespace, 'delete', 'blockdevice', bd.name]);
}

function restartNdm(bd: Bd): string {
  return shellCommand(['kubectl', '-n', bd.namespace, 'delete', 'pod', '-l', NDM_POD_SELECTOR, '--field-selector', `spec.nodeName=${bd.node}`]);
}

function missingHint(node: string, link: string, bds: readonly Bd[], model: Model): string {
  const onNode = bds.some((b) => b.node === node);
  const similar = [...new Set(bds.map((b) => b.node))].filter((n) => n !== node && n.toLowerCase().split('.')[0] === node.toLowerCase()).sort(cmp);
  const noneHere = `NDM reports no BlockDevice on node ${JSON.stringify(node)}: is its openebs-ndm pod running there, and is the Kubernetes node named ${JSON.stringify(node)}?`;
  if (!onNode && similar.length > 0) {
    return `${noneHere}; NDM reports nodes named ${similar.map((n) => JSON.stringify(n)).join(', ')}: the Kubernetes node name must be the host name`;
  }
  const elsewhere = bds.filter((b) => b.node !== node && b.byId.includes(link)).sort((a, b) => cmp(a.node, b.node) || cmp(a.name, b.name));
  if (elsewhere.length > 0) {
    const where = elsewhere.map((b) => `${JSON.stringify(b.node)} (${b.name})`).join(', ');
    return `NDM sees this link on node ${where}: the disk is attached to another host, or the inventory lists it under the wrong host`;
  }
  if (!onNode) return noneHere;
  const host = model.hosts.find((h) => h.name === node);
  const qemu = '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_';
  const vm = host?.vm && link.startsWith(qemu)
    ? `; for a VM, Proxmox must pass the disk through on a SCSI slot with serial=${link.slice(qemu.length)} (check qm config ${host.vm.vmId})`
    : '';
  return `no BlockDevice on ${JSON.stringify(node)} has this link: is the disk attached (ls -l /dev/disk/by-id on ${node})? NDM also skips OS and mounted disks (openebs-ndm-config filters)${vm}`;
}

/** Active first, then Unknown, then Inactive; then by name. */
function byPreference(a: Bd, b: Bd): number {
  const rank = (s: string) => (s === 'Active' ? 0 : s === 'Unknown' ? 1 : 2);
  return rank(a.state) - rank(b.state) || cmp(a.name, b.name);
}

function readBlockDevices(data: unknown, source: string): Bd[] {
  const problems = new ProblemCollector();
  const items = (data as any)?.items;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Array.isArray(items)) {
    problems.add(source, 'blockdevices.items', 'not a list of BlockDevices', typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as any).kind ?? null : data, ALLOWED);
    problems.throwIfAny();
  }
  const out: Bd[] = [];
  const seenNames = new Map<string, string>();
  (items as unknown[]).forEach((raw, i) => {
    const at = `blockdevices.items[${i}]`;
    const it = raw as any;
    if (typeof it !== 'object' || it === null) {
      problems.add(source, at, 'not an object', it, 'a BlockDevice');
      return;
    }
    if (it.kind !== undefined && it.kind !== 'BlockDevice') {
      problems.add(source, `${at}.kind`, 'not a BlockDevice', it.kind, `${ALLOWED}, which lists only BlockDevices`);
      return;
    }
    const name = it.metadata?.name;
    if (typeof name !== 'string' || name === '') problems.add(source, `${at}.metadata.name`, 'missing', name ?? null, 'a non-empty string');
    const node = it.spec?.nodeAttributes?.nodeName || it.metadata?.labels?.['kubernetes.io/hostname'];
    if (typeof node !== 'string' || node === '') problems.add(source, `${at}.spec.nodeAttributes.nodeName`, 'missing', it.spec?.nodeAttributes?.nodeName ?? null, 'the node the disk is attached to');
    const devlinks = it.spec?.devlinks ?? [];
    const linksOk = Array.isArray(devlinks) && devlinks.every((d: any) => typeof d === 'object' && d !== null && (d.links === undefined || d.links === null || (Array.isArray(d.links) && d.links.every((l: unknown) => typeof l === 'string'))));
    if (!linksOk) problems.add(source, `${at}.spec.devlinks`, 'not a list of {kind, links}', devlinks, 'NDM devlinks: [{kind: "by-id", links: [...]}, {kind: "by-path", links: [...]}]');
    const namespace = it.metadata?.namespace ?? 'openebs';
    const nameOk = typeof name === 'string' && isSubdomain(name);
    const nodeOk = typeof node === 'string' && isSubdomain(node);
    const namespaceOk = typeof namespace === 'string' && (namespace === '' || isLabel(namespace));
    if (typeof name === 'string' && name !== '' && !nameOk) problems.add(source, `${at}.metadata.name`, 'not a Kubernetes object name', name, K8S_NAME_RULE);
    if (typeof node === 'string' && node !== '' && !nodeOk) problems.add(source, `${at}.spec.nodeAttributes.nodeName`, 'not a Kubernetes node name', node, K8S_NAME_RULE);
    if (!namespaceOk) problems.add(source, `${at}.metadata.namespace`, 'not a Kubernetes namespace', namespace, 'a DNS label: lowercase letters, digits and "-", up to 63 characters, starting and ending with a letter or digit');
    const textOk = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && !CONTROL.test(v));
    if (linksOk && !devlinks.every((d: any) => (d.links ?? []).every(textOk))) problems.add(source, `${at}.spec.devlinks`, 'a link holds a control character', devlinks, 'device paths such as /dev/disk/by-id/ata-...');
    if (!textOk(it.spec?.path)) problems.add(source, `${at}.spec.path`, 'holds a control character', it.spec.path, 'a device path such as /dev/sdc');
    if (!nameOk || !nodeOk || !namespaceOk || !linksOk) return;
    if (seenNames.has(name)) {
      // the same BlockDevice listed twice (two lists concatenated, a retried kubectl): one device
      if (seenNames.get(name) !== node) problems.add(source, `${at}.metadata.name`, `listed twice, on nodes ${JSON.stringify(seenNames.get(name))} and ${JSON.stringify(node)}`, name, 'each BlockDevice once, as kubectl get blockdevices -A -o json lists them');
      return;
    }
    seenNames.set(name, node);
    const byId = devlinks.filter((d: any) => d.kind === 'by-id').flatMap((d: any) => d.links ?? []);
    const ann = it.metadata?.annotations ?? {};
    const legacy = ann['internal.openebs.io/uuid-scheme'] === 'legacy'
      ? (ann['internal.openebs.io/partition-uuid'] ? 'partition table' : ann['internal.openebs.io/fsuuid'] ? 'filesystem' : 'partition table or filesystem')
      : undefined;
    const size = Number(it.spec?.capacity?.storage ?? 0);
    out.push({
      name,
      namespace: namespace === '' ? 'openebs' : namespace,
      node,
      path: typeof it.spec?.path === 'string' ? it.spec.path : '',
      byId,
      sizeBytes: Number.isFinite(size) ? size : 0,
      fsType: str(it.spec?.filesystem?.fsType),
      mountPoint: str(it.spec?.filesystem?.mountPoint),
      partitioned: it.spec?.partitioned === 'Yes',
      deviceType: str(it.spec?.details?.deviceType),
      claimState: str(it.status?.claimState) ?? 'Unclaimed',
      claimedBy: str(it.spec?.claimRef?.name),
      state: str(it.status?.state) ?? 'Unknown',
      legacyUuid: legacy,
    });
  });
  problems.throwIfAny();
  return out;
}

/**
 * The report `homelab disks discover` prints: what was locked, what is missing (with a hint),
 * what is stale (with the commands that clear it), and the BlockDevices no model disk names.
 */
export function formatDiscoverReport(result: DiscoverResult): string {
  const lines: string[] = [];
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  lines.push(`locked ${n(result.lock.disks.length, 'disk')}`);
  for (const d of result.lock.disks) lines.push(`  ${d.node}  ${d.link}  ${d.blockDevice}`);
  if (result.changed.length > 0) {
    lines.push('', `changed ${n(result.changed.length, 'disk')} (a pool that already uses the old BlockDevice must be checked):`);
    for (const c of result.changed) lines.push(`  ${c.node}  ${c.link}  ${c.from} -> ${c.to}`);
  }
  if (result.dropped.length > 0) {
    lines.push('', `dropped ${n(result.dropped.length, 'disk')} no longer in the model:`);
    for (const d of result.dropped) lines.push(`  ${d.node}  ${d.link}  ${d.blockDevice}`);
  }
  if (result.missing.length > 0) {
    lines.push('', `missing ${n(result.missing.length, 'disk')}:`);
    for (const m of result.missing) {
      lines.push(`  pool ${m.pool}, node ${m.node}: ${m.link}`);
      if (m.locked) lines.push(`    kept from the previous lock as ${m.locked}`);
      lines.push(`    hint: ${m.hint}`);
    }
  }
  if (result.stale.length > 0) {
    lines.push('', `stale ${n(result.stale.length, 'block device')} (old labels or state keep the pool from claiming them):`);
    for (const s of result.stale) {
      lines.push(`  node ${s.node}: ${s.link} (${s.blockDevice})`);
      for (const r of s.reasons) lines.push(`    - ${r}`);
      if (s.wipe.length > 0) {
        const onNode = s.wipe.some((c) => c.startsWith('sudo '));
        lines.push(onNode
          ? `    run by hand, in order (sudo lines on ${s.node}; this destroys what is on the disk), then discover again:`
          : '    run by hand, in order, then discover again:');
        for (const c of s.wipe) lines.push(`      ${c}`);
      } else {
        lines.push('    nothing to wipe: fix the cause above, then discover again');
      }
    }
  }
  if (result.unknown.length > 0) {
    lines.push('', `not in the model: ${n(result.unknown.length, 'block device')} on pool nodes:`);
    for (const u of result.unknown) {
      const fs = u.fsType ? `, ${u.fsType}` : '';
      lines.push(`  ${u.node}  ${u.blockDevice}  ${u.path || '?'}  ${formatBytes(u.sizeBytes)}${fs}, ${u.claimState}, ${u.state}`);
      for (const l of u.links) lines.push(`    ${l}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function key(node: string, link: string): string {
  return `${node}\u0000${link}`;
}

/** Code-point order (not localeCompare). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byNodeLink(a: { node: string; link: string }, b: { node: string; link: string }): number {
  return cmp(a.node, b.node) || cmp(a.link, b.link);
}
