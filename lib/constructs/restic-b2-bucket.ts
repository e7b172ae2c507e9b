/**
 * `ResticB2Bucket`: the Backblaze B2 side of restic backups, in any cdktf `TerraformStack`.
 * One private, encrypted bucket; per repository (one per app) a prefix, a lifecycle rule
 * for that prefix (how long B2 keeps what `restic prune` deletes), a B2 application key
 * limited to the prefix with only the capabilities restic needs, and the key as two
 * sensitive Terraform outputs. {@link ResticB2Bucket.addRepository} returns the
 * {@link IResticRepository} handle a `ResticBackedApp` takes on the Kubernetes side.
 */
import { Lazy, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { b2S3Endpoint, DEFAULT_B2_REGION, DEFAULT_KEEP_DELETED_DAYS } from '../model/backup';
import { B2ApplicationKey, B2Bucket, B2BucketConfig, B2Provider } from '../terraform/providers/b2';
import { isDnsLabel } from '../core/net';
import { B2_BUCKET_NAME, checkField, DAYS } from '../model/field-rules';
import { addProblemValidation, problem, ProblemCollector } from '../core/errors';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';
import { IResticRepository } from './restic-backed-app';

/**
 * Capabilities an app's restic needs on its prefix of the bucket, through
 * B2's S3 API, and nothing more (B2 "S3-Compatible App Keys"):
 * - `listBuckets`: HeadBucket, with which `restic init` checks that the
 *   bucket exists before it would try to create it; on a key limited to one
 *   bucket it shows only that bucket's settings;
 * - `listFiles`: ListObjects (restic lists keys, locks, snapshots, index, data);
 * - `readFiles`: GetObject and HeadObject;
 * - `writeFiles`: PutObject and multipart uploads, and DeleteObject *by name*,
 *   which on B2 only hides the file.
 * Not `deleteFiles`: B2 needs it only to delete one *version* of a file, and
 * restic's S3 backend never names a version (it removes by name). Without it a
 * stolen app key can hide backups but never destroy them: hidden versions stay
 * for the app's `keepDeletedDays` (the lifecycle rule), the undelete window.
 * Not `listAllBucketNames`: only the S3 ListBuckets call needs it, and restic
 * never makes it.
 * @internal
 */
export const RESTIC_B2_CAPABILITIES = ['listBuckets', 'listFiles', 'readFiles', 'writeFiles'];

/** B2 accepts at most this many lifecycle rules per bucket. @internal */
export const B2_MAX_LIFECYCLE_RULES = 100;

/** B2 key names are at most this long (letters, digits and `-`). @internal */
export const B2_MAX_KEY_NAME_LENGTH = 100;

/**
 * Names of the Terraform outputs holding an app's restic B2 key id and key
 * (both sensitive): `terraform output -raw <name>` gives the value for
 * `HOMELAB_SECRET_<APP>_B2_KEY_ID` and `HOMELAB_SECRET_<APP>_B2_KEY`, which
 * `dist/apply.sh` turns into the Secrets `<app>-b2-key-id` and `<app>-b2-key`.
 * @internal
 */
export function resticKeyOutputs(app: string): { keyId: string; key: string } {
  const name = app.replace(/-/g, '_');
  return { keyId: `restic_${name}_b2_key_id`, key: `restic_${name}_b2_key` };
}

/** A lifecycle rule: B2 deletes hidden versions under `fileNamePrefix` after `daysFromHidingToDeleting`. @internal */
export interface ResticLifecycleRule {
  readonly fileNamePrefix: string;
  readonly daysFromHidingToDeleting: number;
}

/**
 * The settings of a bucket for restic: private, SSE-B2, and `lifecycleRules`. restic manages
 * its files itself, so no rule ever hides by age (`days_from_uploading_to_hiding` would destroy
 * the repositories).
 * @internal
 */
export function resticBucketConfig(bucketName: string, lifecycleRules: B2BucketConfig['lifecycleRules']): B2BucketConfig {
  return { bucketName, bucketType: 'allPrivate', defaultServerSideEncryption: { mode: 'SSE-B2', algorithm: 'AES256' }, lifecycleRules };
}

/** What {@link addResticKey} creates. @internal */
export interface ResticKeyOptions {
  readonly keyName: string;
  readonly bucket: B2Bucket;
  /** The key may touch only names under this prefix, e.g. `gitea/`. */
  readonly prefix: string;
  /** Ids of the two sensitive outputs ({@link resticKeyOutputs}). */
  readonly outputs: { readonly keyId: string; readonly key: string };
  /** What the outputs' descriptions name: the app and its two Kubernetes Secrets. */
  readonly app: string;
  readonly keyIdSecretName: string;
  readonly keySecretName: string;
  readonly provider?: B2Provider;
}

/** Adds to `scope` a restic key limited to `prefix` of the bucket (id `keyId`), and its sensitive outputs. @internal */
export function addResticKey(scope: Construct, keyId: string, o: ResticKeyOptions): { key: B2ApplicationKey; keyIdOutput: TerraformOutput; keyOutput: TerraformOutput } {
  const key = new B2ApplicationKey(scope, keyId, {
    ...(o.provider ? { provider: o.provider } : {}),
    keyName: o.keyName,
    capabilities: [...RESTIC_B2_CAPABILITIES],
    bucketIds: [o.bucket.bucketId],
    namePrefix: o.prefix,
  });
  const keyIdOutput = new TerraformOutput(scope, o.outputs.keyId, {
    value: key.applicationKeyId,
    sensitive: true,
    description: `B2 key id for restic of app ${o.app} (Secret ${o.keyIdSecretName})`,
  });
  const keyOutput = new TerraformOutput(scope, o.outputs.key, {
    value: key.applicationKey,
    sensitive: true,
    description: `B2 application key for restic of app ${o.app} (Secret ${o.keySecretName})`,
  });
  return { key, keyIdOutput, keyOutput };
}

export interface ResticB2BucketProps {
  /** Globally unique bucket name (6-50 characters: letters, digits, "-"). */
  readonly bucketName: string;
  /** B2 region of the bucket (its S3 endpoint is `https://s3.<region>.backblazeb2.com`). @default 'us-west-004' */
  readonly region?: string;
  /**
   * Days B2 keeps the file versions `restic prune` deletes, per repository unless it says
   * otherwise: the window in which a wrongly pruned or maliciously hidden backup can be undeleted.
   * @default 30
   * @see https://www.backblaze.com/docs/cloud-storage-lifecycle-rules
   */
  readonly keepDeletedDays?: number;
  /** The B2 provider. @default - the stack's default `b2` provider */
  readonly provider?: B2Provider;
  /** Key names are `<keyNamePrefix>-<repository>-restic`. @default - the bucket name */
  readonly keyNamePrefix?: string;
}

/** Options of {@link ResticB2Bucket.addRepository}. */
export interface ResticB2RepositoryOptions {
  /** Kubernetes Secret (key `value`) with the repository password; keep a copy outside the cluster. */
  readonly passwordSecretName: string;
  /** Days B2 keeps what prune deletes under this repository's prefix. @default - the bucket's keepDeletedDays */
  readonly keepDeletedDays?: number;
  /** Kubernetes Secret the key id goes into. @default '<name>-b2-key-id' */
  readonly accessKeyIdSecretName?: string;
  /** Kubernetes Secret the key goes into. @default '<name>-b2-key' */
  readonly secretAccessKeySecretName?: string;
}

/** A repository of a {@link ResticB2Bucket}: the handle for `ResticBackedApp` and what Terraform made for it. */
export interface ResticB2Repository extends IResticRepository {
  /** The names the key may touch: `<name>/`. */
  readonly prefix: string;
  /** The B2 key limited to the prefix. */
  readonly key: B2ApplicationKey;
  /** Sensitive output with the key id (`terraform output -raw restic_<name>_b2_key_id`). */
  readonly keyIdOutput: TerraformOutput;
  /** Sensitive output with the key. */
  readonly keyOutput: TerraformOutput;
}

const RESTIC_B2_BUCKET_BRAND = brandSymbol('ResticB2Bucket');

/** A B2 bucket for restic repositories, one prefix and one limited key per repository. */
export class ResticB2Bucket extends Construct {
  /** True when `x` is a ResticB2Bucket, also from another copy of this library (`instanceof` uses it). */
  static isResticB2Bucket(x: unknown): x is ResticB2Bucket {
    return hasBrand(x, RESTIC_B2_BUCKET_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is ResticB2Bucket {
    return isInstance(this, ResticB2Bucket, RESTIC_B2_BUCKET_BRAND, x);
  }

  /** The `b2_bucket` (primary child, id `Resource`). */
  readonly bucket: B2Bucket;
  readonly bucketName: string;
  readonly region: string;
  /** The repositories added, in order. */
  readonly repositories: ResticB2Repository[] = [];
  private readonly props: ResticB2BucketProps;
  private readonly rules: ResticLifecycleRule[] = [];

  constructor(scope: Construct, id: string, props: ResticB2BucketProps) {
    super(scope, id);
    addBrand(this, RESTIC_B2_BUCKET_BRAND);
    this.props = props;
    this.bucketName = props.bucketName;
    this.region = props.region ?? DEFAULT_B2_REGION;
    const p = new ProblemCollector();
    // the inventory's rules (model/field-rules.ts): the same value gets the same message here and there
    checkField(p, this.node.path, 'ResticB2Bucket.bucketName', props.bucketName, B2_BUCKET_NAME);
    if (props.keepDeletedDays !== undefined) checkField(p, this.node.path, 'ResticB2Bucket.keepDeletedDays', props.keepDeletedDays, DAYS);
    p.throwIfAny();
    const keep = props.keepDeletedDays ?? DEFAULT_KEEP_DELETED_DAYS;
    // B2 rejects two rules for the same files, and the whole-bucket rule ('') overlaps every
    // prefix's: with repositories, each prefix gets its own rule and nothing else does.
    this.bucket = new B2Bucket(this, 'Resource', {
      ...(props.provider ? { provider: props.provider } : {}),
      ...resticBucketConfig(props.bucketName, Lazy.anyValue({
        produce: () => (this.rules.length > 0 ? this.rules : [{ fileNamePrefix: '', daysFromHidingToDeleting: keep }]),
      }) as any),
    });
    addProblemValidation(this, () => (this.rules.length > B2_MAX_LIFECYCLE_RULES
      ? [problem(this.node.path, 'ResticB2Bucket.repositories', 'more repositories than B2 allows lifecycle rules on one bucket', this.rules.length, `at most ${B2_MAX_LIFECYCLE_RULES}, or another bucket`)]
      : []));
  }

  /**
   * Adds the repository `<bucket>/<name>`: its lifecycle rule, a key limited to `<name>/`, and
   * the key's sensitive outputs `restic_<name>_b2_key_id` and `restic_<name>_b2_key`. Put their
   * values into the Kubernetes Secrets the handle names (`<name>-b2-key-id`, `<name>-b2-key`).
   */
  addRepository(name: string, options: ResticB2RepositoryOptions): ResticB2Repository {
    const at = `${this.node.path}/Repository-${name}`;
    const p = new ProblemCollector();
    if (!isDnsLabel(name)) p.add(at, 'ResticB2Bucket.addRepository.name', 'not a DNS label', name, 'lowercase letters, digits and "-" (the prefix and the Secret names come from it)');
    else if (this.repositories.some((r) => r.prefix === `${name}/`)) p.add(at, 'ResticB2Bucket.addRepository.name', 'added twice', name, 'one repository per name');
    if (options.keepDeletedDays !== undefined) checkField(p, at, 'ResticB2Bucket.addRepository.keepDeletedDays', options.keepDeletedDays, DAYS);
    const keyName = `${this.props.keyNamePrefix ?? this.bucketName}-${name}-restic`;
    if (keyName.length > B2_MAX_KEY_NAME_LENGTH) p.add(at, 'ResticB2Bucket.addRepository.name', 'makes a B2 key name that is too long', keyName, `at most ${B2_MAX_KEY_NAME_LENGTH} characters with the key name prefix`);
    p.throwIfAny();
    const prefix = `${name}/`;
    this.rules.push({ fileNamePrefix: prefix, daysFromHidingToDeleting: options.keepDeletedDays ?? this.props.keepDeletedDays ?? DEFAULT_KEEP_DELETED_DAYS });
    const accessKeyIdSecretName = options.accessKeyIdSecretName ?? `${name}-b2-key-id`;
    const secretAccessKeySecretName = options.secretAccessKeySecretName ?? `${name}-b2-key`;
    const outputs = resticKeyOutputs(name);
    const made = addResticKey(this, `Key-${name}`, {
      keyName, bucket: this.bucket, prefix, outputs, app: name, keyIdSecretName: accessKeyIdSecretName, keySecretName: secretAccessKeySecretName, provider: this.props.provider,
    });
    // outputs keep their plain names, for `terraform output -raw`
    made.keyIdOutput.overrideLogicalId(outputs.keyId);
    made.keyOutput.overrideLogicalId(outputs.key);
    const repo: ResticB2Repository = {
      repositoryUrl: `s3:${b2S3Endpoint(this.region)}/${this.bucketName}/${name}`,
      passwordSecretName: options.passwordSecretName,
      accessKeyIdSecretName,
      secretAccessKeySecretName,
      prefix,
      ...made,
    };
    this.repositories.push(repo);
    return repo;
  }
}
