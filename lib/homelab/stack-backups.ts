/**
 * The B2 side of the homelab's stack: the provider, the homelab's backup bucket (private, SSE-B2),
 * the buckets of apps with one of their own, and one application key per backed-up app limited to
 * the app's prefix, with its id and key as sensitive outputs. The resources are children of the
 * scope given (the stack), so their construct paths, which are Terraform's resource addresses, stay
 * `BackupBucket`, `BackupBucket-<app>` and `BackupKey-<app>`.
 */
import { Construct } from 'constructs';
import { ResolvedBackup } from '../model/backup';
import { ResolvedStateBackend } from '../model/derive';
import { addResticKey, B2_MAX_KEY_NAME_LENGTH, B2_MAX_LIFECYCLE_RULES, resticBucketConfig, resticKeyOutputs } from '../constructs/restic-b2-bucket';
import { B2ApplicationKey, B2Bucket, B2Provider } from '../terraform/providers/b2';
import { fail } from '../core/errors';

export interface BackupBucketsProps {
  /** The homelab's name: the first part of every key name (`<homelab>-<app>-restic`). */
  readonly homelab: string;
  /** The homelab's bucket. */
  readonly bucket: string;
  /** Days B2 keeps hidden file versions when no app is backed up (each app has its own rule otherwise). */
  readonly keepDeletedDays: number;
  /** The B2 key Terraform uses (references to sensitive variables, never values). */
  readonly applicationKeyId: string;
  readonly applicationKey: string;
  /** The backed-up apps, each with its repository (bucket, prefix, retention, Secret names). */
  readonly apps: readonly { readonly name: string; readonly backups: ResolvedBackup }[];
  /** The state backend: no app's key may reach the state, which holds every key. */
  readonly stateBackend: ResolvedStateBackend;
}

export interface BackupBuckets {
  readonly bucket: B2Bucket;
  /** The buckets of apps with a bucket of their own, by app name. */
  readonly appBuckets: ReadonlyMap<string, B2Bucket>;
  /** One key per backed-up app, by app name. */
  readonly appKeys: ReadonlyMap<string, B2ApplicationKey>;
}

/** Adds the B2 provider, the buckets and the apps' keys to `scope`. */
export function addBackupBuckets(scope: Construct, props: BackupBucketsProps): BackupBuckets {
  const at = scope.node.path;
  new B2Provider(scope, 'b2', { applicationKeyId: props.applicationKeyId, applicationKey: props.applicationKey });
  const backedUp = [...props.apps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // apps with a bucket of their own get it below; the others share the homelab's
  const shared = backedUp.filter((a) => !a.backups.ownBucket);
  if (shared.length > B2_MAX_LIFECYCLE_RULES) {
    fail(at, 'HomelabStack.lifecycleRules', 'more backed-up apps than B2 allows lifecycle rules on one bucket', shared.length,
      `at most ${B2_MAX_LIFECYCLE_RULES}, or give some apps a bucket of their own (backup.bucket)`);
  }
  // The state holds every app key: no app key may reach it.
  const state = props.stateBackend.type === 's3' ? props.stateBackend : undefined;
  const exposed = state === undefined ? undefined : backedUp.find((a) => a.backups.bucket === state.bucket && state.key.startsWith(a.backups.prefix));
  if (exposed) {
    fail(at, 'HomelabStack.stateBackend.key', `the Terraform state, which holds every app's B2 key, is under app ${exposed.name}'s backup prefix`, state!.key,
      `a key outside ${JSON.stringify(exposed.backups.prefix)}, or another bucket`);
  }
  // B2 rejects two rules that apply to the same files, and the whole-bucket
  // rule ('') overlaps every app's: with backed-up apps, each app's prefix
  // gets its own rule and nothing else does (hidden versions elsewhere are kept).
  // restic manages its files itself, so no rule ever hides by age
  // (days_from_uploading_to_hiding would destroy the repositories).
  const rule = (a: typeof backedUp[number]) => ({ fileNamePrefix: a.backups.prefix, daysFromHidingToDeleting: a.backups.retention.keepDeletedDays });
  const bucket = new B2Bucket(scope, 'BackupBucket', resticBucketConfig(props.bucket, shared.length > 0
    ? shared.map(rule)
    : [{ fileNamePrefix: '', daysFromHidingToDeleting: props.keepDeletedDays }]));
  const appBuckets = new Map<string, B2Bucket>();
  for (const app of backedUp) {
    if (app.backups.ownBucket) appBuckets.set(app.name, new B2Bucket(scope, `BackupBucket-${app.name}`, resticBucketConfig(app.backups.bucket, [rule(app)])));
  }
  const appKeys = new Map<string, B2ApplicationKey>();
  for (const app of backedUp) {
    const keyName = `${props.homelab}-${app.name}-restic`;
    if (keyName.length > B2_MAX_KEY_NAME_LENGTH) {
      fail(`${at}/BackupKey-${app.name}`, 'B2ApplicationKey.keyName', 'too long for B2', keyName,
        `at most ${B2_MAX_KEY_NAME_LENGTH} characters, so homelab and app names of at most ${B2_MAX_KEY_NAME_LENGTH - '--restic'.length} together`);
    }
    const { key } = addResticKey(scope, `BackupKey-${app.name}`, {
      keyName,
      bucket: appBuckets.get(app.name) ?? bucket,
      prefix: app.backups.prefix,
      outputs: resticKeyOutputs(app.name),
      app: app.name,
      keyIdSecretName: app.backups.keyIdSecret,
      keySecretName: app.backups.keySecret,
    });
    appKeys.set(app.name, key);
  }
  return { bucket, appBuckets, appKeys };
}
