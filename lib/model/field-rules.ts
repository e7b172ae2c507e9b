/**
 * Rules for single fields that both the inventory (`model/rules.ts`) and the constructs'
 * props check: one test and one wording each, so a bad value gets the same
 * `<what is wrong> (got <value>); <what is allowed>` wherever it is given; only the path and
 * `Class.field` differ (`[inventory.apps[wiki]] App.ingress.admin.allowedEmails[0]` or
 * `[wiki/Ingress] OAuthIngress.forwardAuth.allowedEmails[0]`).
 */
import { CronError, parseCron } from './cron';
import { ProblemCollector } from '../core/errors';
import { PoolLayout } from './inventory';
import { isDnsLabel, isEmail, isFqdn, isMac } from '../core/net';

/** One field rule: what is wrong with a value (undefined when it is fine) and what is allowed. */
export interface FieldRule {
  /** What is wrong with `value`, lowercase; undefined when the value passes. */
  readonly check: (value: unknown) => string | undefined;
  /** What is allowed instead. */
  readonly allowed: string;
}

/** A rule from a test and one wording. */
function rule(test: (value: unknown) => boolean, problem: string, allowed: string): FieldRule {
  return { check: (v) => (test(v) ? undefined : problem), allowed };
}

/**
 * Adds a problem to `p` when `value` breaks `rule`; true when it passes.
 * @param allowed what is allowed, when the field needs more said than the rule (defaults to the rule's)
 */
export function checkField(p: ProblemCollector, at: string, field: string, value: unknown, fieldRule: FieldRule, allowed = fieldRule.allowed): boolean {
  const wrong = fieldRule.check(value);
  if (wrong === undefined) return true;
  p.add(at, field, wrong, value, allowed);
  return false;
}

export const LABEL_RULE = 'lowercase letters, digits and "-", 1-63 characters, starting and ending with a letter or digit';

/** A DNS-1123 label: names of hosts, networks, namespaces, pools, Kubernetes objects of one part. */
export const DNS_LABEL = rule(isDnsLabel, 'not a DNS label', LABEL_RULE);

/** Longest app name: its objects add suffixes (`-signin`; a backed-up app's CronJobs more, checked apart). */
export const APP_NAME_MAX = 52;

/** An app's name (a ClusterApp's, an OAuthIngress's, an inventory app's). */
export const APP_NAME = rule((v) => isDnsLabel(v) && v.length <= APP_NAME_MAX, `not a DNS label of at most ${APP_NAME_MAX} characters`,
  `lowercase letters, digits and "-", 1-${APP_NAME_MAX} characters, starting and ending with a letter or digit (object names add suffixes such as "-signin")`);

/** An email address as oauth2-proxy and ACME take it. */
export const EMAIL = rule(isEmail, 'not an email address', 'e.g. "manfred@example.org" (no spaces or commas)');

/** A group of the OAuth provider (oauth2-proxy splits its list parameters on ","). */
export const PROVIDER_GROUP = rule((g) => typeof g === 'string' && g !== '' && !/[\s,]/.test(g), 'not a group name',
  'a provider group without spaces or commas, e.g. "example-org:admins"');

/** A host name an ingress serves. */
export const HOST_NAME = rule(isFqdn, 'not a fully qualified hostname', 'a name such as photos.example.org (lowercase DNS labels, no wildcard)');

/** A MAC address as the outputs write it. */
export const MAC_ADDRESS = rule(isMac, 'not a MAC address', 'six lowercase hex pairs separated by ":", e.g. "02:00:00:00:00:01"');

/**
 * A whole number in `min`-`max` (or at least `min` without `max`).
 * @param what what a wrong value is not, e.g. `a TCP port`
 * @param unit what the number counts, shown in what is allowed (`MiB`)
 */
export function integerIn(what: string, min: number, max?: number, unit?: string, note?: string): FieldRule {
  const range = max === undefined ? `>= ${min}` : `${min}-${max}`;
  const allowed = `integer ${unit ? `${unit} ` : ''}${range}${note ? ` ${note}` : ''}`;
  return { check: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && (max === undefined || v <= max) ? undefined : `not ${what}`), allowed };
}

export const TCP_PORT = integerIn('a TCP port', 1, 65535);
export const VLAN_ID = integerIn('a VLAN id', 1, 4094);
export const REPLICAS = integerIn('a replica count', 0);
export const NON_ROOT_UID = integerIn('a non-root UID', 1, undefined, undefined, '(Pod Security "restricted" forbids root)');
export const CPU_MILLIS = integerIn('a CPU amount', 1, undefined, 'millicores');
export const MEMORY_MIB = integerIn('a memory amount', 4, undefined, 'MiB');
export const VOLUME_GIB = integerIn('a size in GiB', 1);
export const DAYS = integerIn('a positive whole number of days', 1);
export const VM_ID = integerIn('a Proxmox VM id', 100, 999999999);
export const VM_CORES = integerIn('a core count', 1, 512);
export const VM_SOCKETS = integerIn('a socket count', 1, 16);
export const VM_MEMORY_MIB = integerIn('a memory size', 512, 4194304, 'MiB');

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const SQL_IDENTIFIER_RULE = 'lowercase letters, digits and "_", 1-63 characters, not starting with a digit';
/** Longest user name MySQL accepts. */
const MYSQL_USER_MAX = 32;

/**
 * The database name and user of a server engine (an inventory app's, a ClusterApp's): SQL
 * identifiers (by default the app name with "-" as "_"), a user other than root for MySQL and
 * MariaDB (their images keep root), at most 32 characters for MySQL.
 * @param field the prefix of both fields, e.g. `App.database`
 */
export function checkDatabaseNames(p: ProblemCollector, at: string, field: string, engine: string, appName: unknown, given: { readonly name?: unknown; readonly user?: unknown }): void {
  for (const f of ['name', 'user'] as const) {
    const set = given[f] !== undefined;
    if (!set && typeof appName !== 'string') continue;
    const v: unknown = given[f] ?? (appName as string).replace(/-/g, '_');
    if (typeof v !== 'string' || !SQL_IDENTIFIER.test(v)) {
      if (set) p.add(at, `${field}.${f}`, 'not an SQL identifier', v, SQL_IDENTIFIER_RULE);
      else p.add(at, `${field}.${f}`, 'the default, the app name with "-" as "_", is not an SQL identifier', v, `set ${f}: ${SQL_IDENTIFIER_RULE}`);
    } else if (f === 'user' && engine !== 'postgresql' && v === 'root') {
      p.add(at, `${field}.user`, `the ${engine} image keeps root for itself and refuses it as the app's user`, v, 'another user name');
    } else if (f === 'user' && engine === 'mysql' && v.length > MYSQL_USER_MAX) {
      p.add(at, `${field}.user`, `longer than the ${MYSQL_USER_MAX} characters MySQL allows${set ? '' : ' (the default is the app name with "-" as "_")'}`, v, `a user name of at most ${MYSQL_USER_MAX} characters`);
    }
  }
}

/** One OpenSSH public key line. */
export const SSH_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
/** An admin's public key. */
export const SSH_PUBLIC_KEY = rule((k) => typeof k === 'string' && SSH_KEY.test(k), 'not an OpenSSH public key', 'one line such as "ssh-ed25519 AAAA... comment"');
/** An admin's login name (not root: root logs in by no password and no key of ours). */
export const ADMIN_NAME = rule((n) => typeof n === 'string' && /^[a-z_][a-z0-9_-]{0,31}$/.test(n) && n !== 'root', 'not a valid unix user name',
  'lowercase letters, digits, "_" and "-", up to 32 characters, not root');

/** A Kubernetes object name (DNS-1123 subdomain). */
export const K8S_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
export const K8S_NAME_RULE = 'lowercase letters, digits, "-" and ".", at most 253 characters, starting and ending with a letter or digit';
const isK8sName = (v: unknown) => typeof v === 'string' && K8S_NAME.test(v);
/** The name of a Kubernetes object we refer to (a ClusterIssuer, an IngressClass, a BlockDevice). */
export const K8S_OBJECT_NAME = rule(isK8sName, 'not a Kubernetes object name', K8S_NAME_RULE);
/** The StorageClass a volume is provisioned from. */
export const STORAGE_CLASS_NAME = rule(isK8sName, 'not a StorageClass name', K8S_NAME_RULE);

/** A stable block device path (sdX names change between boots). */
export const DISK_BY_ID = rule((d) => typeof d === 'string' && /^\/dev\/disk\/by-id\/[A-Za-z0-9_.:+-]+$/.test(d), 'not a stable block device path',
  '/dev/disk/by-id/<id> (sdX names change between boots)');

/** Where a volume is mounted in an app's container (`/tmp` is the app's own scratch space). */
export const MOUNT_PATH = rule((m) => typeof m === 'string' && m.startsWith('/') && m !== '/tmp', 'not an absolute path other than /tmp', 'e.g. /data');

/**
 * Disks per cStor raid group of each layout (`dataRaidGroupType`): a node's disks must split into
 * whole groups. A stripe has none: all of a node's disks, any number, form its one group. The model
 * rules and `OpenEBSPool` both check with this table.
 * @see https://github.com/openebs/cstor-operators/blob/develop/docs/tutorial/cspc/tuning.md
 */
export const RAID_GROUP_SIZE: Readonly<Record<PoolLayout, number | undefined>> = { stripe: undefined, mirror: 2, raidz: 3, raidz2: 6 };

/** A storage pool's engine. */
export const STORAGE_ENGINE = rule((e) => e === 'cstor' || e === 'mayastor', 'unknown engine', '"cstor" or "mayastor"');

/** A storage pool's raid layout. */
export const POOL_LAYOUT = rule((l) => typeof l === 'string' && Object.prototype.hasOwnProperty.call(RAID_GROUP_SIZE, l), 'unknown layout',
  '"stripe", "mirror", "raidz" or "raidz2"');

export const B2_BUCKET_RULE = '6-63 letters, digits and "-", not starting with "b2-"';

/** B2's bucket name rule. */
export function isB2BucketName(b: unknown): boolean {
  return typeof b === 'string' && /^[A-Za-z0-9-]{6,63}$/.test(b) && !b.toLowerCase().startsWith('b2-');
}

export const B2_BUCKET_NAME = rule(isB2BucketName, 'not a valid B2 bucket name', B2_BUCKET_RULE);

/** A cron schedule as the backups take it (5 fields or a macro, in UTC, that runs at some time). */
export const CRON_SCHEDULE: FieldRule & { readonly allowedFor: (value: unknown) => string } = {
  check: (v) => {
    const s = parseCron(v as string);
    return s instanceof CronError ? `not a cron schedule: ${s.problem}` : undefined;
  },
  allowed: 'a cron schedule of 5 fields, e.g. "0 3 * * *"',
  /** What is allowed, said for the mistake in `value` (e.g. `minute 0-59, …` for `61 * * * *`). */
  allowedFor: (v) => {
    const s = parseCron(v as string);
    return s instanceof CronError ? s.allowed : CRON_SCHEDULE.allowed;
  },
};

/** Adds a problem for a schedule that is not one (with what is allowed for its mistake); true when it is. */
export function checkSchedule(p: ProblemCollector, at: string, field: string, expr: unknown): boolean {
  return checkField(p, at, field, expr, CRON_SCHEDULE, CRON_SCHEDULE.allowedFor(expr));
}

/**
 * The image reference grammar of distribution/reference (what docker and
 * containerd parse): `[registry[:port]/]path[:tag][@digest]`, the registry
 * told apart by a "." or ":" or being `localhost`, each path component
 * `[a-z0-9]+(([._]|__|-*)[a-z0-9]+)*`, the name at most 255 characters.
 * @see https://github.com/distribution/reference/blob/main/regexp.go
 */
const IMAGE_REGISTRY = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*(?::[0-9]+)?$/;
const IMAGE_PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const IMAGE_TAG = /^\w[\w.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Longest image name (registry and path) distribution/reference accepts. */
const IMAGE_NAME_MAX = 255;
export const PINNED_IMAGE_RULE = '[registry[:port]/]path[:tag][@sha256:digest], path components lowercase letters and digits joined by ".", "_", "__" or "-", the name at most 255 characters, the tag at most 128 letters, digits, "_", "." and "-" (a tag or digest is required)';

/** An image reference by the OCI/docker grammar, with a tag or a digest. */
export function isPinnedImage(image: unknown): boolean {
  if (typeof image !== 'string') return false;
  const at = image.indexOf('@');
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const named = at < 0 ? image : image.slice(0, at);
  const colon = named.lastIndexOf(':');
  const tag = colon > named.lastIndexOf('/') ? named.slice(colon + 1) : undefined;
  const name = tag === undefined ? named : named.slice(0, colon);
  if (digest !== undefined && !IMAGE_DIGEST.test(digest)) return false;
  if (tag !== undefined && !IMAGE_TAG.test(tag)) return false;
  if (digest === undefined && tag === undefined) return false;
  if (name.length === 0 || name.length > IMAGE_NAME_MAX) return false;
  const parts = name.split('/');
  const first = parts[0];
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!IMAGE_REGISTRY.test(first)) return false;
    parts.shift();
  }
  return parts.every((c) => IMAGE_PATH_COMPONENT.test(c));
}

/** A container image pinned by tag or digest. */
export const PINNED_IMAGE = rule(isPinnedImage, 'not a pinned image reference', PINNED_IMAGE_RULE);
