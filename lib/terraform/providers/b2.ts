/**
 * Typed L1 bindings for the Backblaze B2 Terraform provider (`Backblaze/b2`).
 *
 * Hand-written in the shape of cdktf's generated bindings, covering what a
 * backup bucket and its scoped key need. Every attribute name is copied from
 * the provider docs kept in `schemas/terraform/b2/` (provider v0.13.0), and
 * `test/terraform/providers.test.ts` checks every synthesized key
 * against them.
 */
import { Construct } from 'constructs';
import { TerraformMetaArguments } from 'cdktf';
import { brandSymbol, hasBrand } from '../../core/brand';
import {
  block, blockList, bool, FieldTable, num, ProviderSpec, registerFields, str, strList, strMap, strSet,
  TableProvider, TableResource,
} from './_util';

const B2 = { name: 'b2', source: 'Backblaze/b2', versionConstraint: '~> 0.13.0' } as const satisfies ProviderSpec;

// ---------------------------------------------------------------------------
// provider "b2"
// ---------------------------------------------------------------------------

/**
 * Arguments of the `b2` provider block.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs#schema
 */
export interface B2ProviderConfig {
  /**
   * `application_key_id`: B2 application key ID. Pass a sensitive Terraform variable, never a literal.
   * @default - read from `B2_APPLICATION_KEY_ID` by the provider
   */
  readonly applicationKeyId?: string;
  /**
   * `application_key`: B2 application key (sensitive). Pass a sensitive Terraform variable, never a literal.
   * @default - read from `B2_APPLICATION_KEY` by the provider
   */
  readonly applicationKey?: string;
  /**
   * `endpoint`: `production` or a custom B2 API URL.
   * @default 'production'
   */
  readonly endpoint?: string;
  /**
   * Provider alias, for several B2 accounts in one stack.
   * @default - the default (unaliased) provider
   */
  readonly alias?: string;
}

const B2_PROVIDER_FIELDS: FieldTable<Omit<B2ProviderConfig, 'alias'>> = {
  applicationKeyId: str('application_key_id'),
  applicationKey: str('application_key'),
  endpoint: str('endpoint'),
};

/**
 * The `b2` provider (`source = "Backblaze/b2"`).
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs
 */
export class B2Provider extends TableProvider<B2ProviderConfig> {
  /** True when `x` is a B2Provider, also from another copy of this library (`instanceof` agrees). */
  public static isB2Provider(x: unknown): x is B2Provider {
    return hasBrand(x, brandSymbol('B2Provider'));
  }

  /** Terraform provider type name. */
  public static readonly tfResourceType = B2.name;
  /** Version constraint written to `required_providers`; the docs in `schemas/terraform/b2/` are v0.13.0. */
  public static readonly versionConstraint = B2.versionConstraint;

  constructor(scope: Construct, id: string, config: B2ProviderConfig = {}) {
    super(scope, id, config, { provider: B2, className: 'B2Provider', fields: B2_PROVIDER_FIELDS });
  }
}

// ---------------------------------------------------------------------------
// resource "b2_bucket"
// ---------------------------------------------------------------------------

/**
 * `default_server_side_encryption` block of `b2_bucket` (at most one).
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket#nestedblock--default_server_side_encryption
 */
export interface B2BucketDefaultServerSideEncryption {
  /**
   * `mode`: server-side encryption mode, e.g. `SSE-B2`.
   * @default - the B2 account default
   */
  readonly mode?: string;
  /**
   * `algorithm`: `AES256` is the only one supported.
   * @default - the B2 default (`AES256`)
   */
  readonly algorithm?: string;
}

/**
 * One `lifecycle_rules` block of `b2_bucket`.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket#nestedblock--lifecycle_rules
 */
export interface B2BucketLifecycleRule {
  /** `file_name_prefix`: the files the rule applies to (`""` for the whole bucket). */
  readonly fileNamePrefix: string;
  /**
   * `days_from_hiding_to_deleting`: days to keep versions that are no longer current.
   * @default - hidden versions are kept
   */
  readonly daysFromHidingToDeleting?: number;
  /**
   * `days_from_uploading_to_hiding`: hide files automatically this many days after upload.
   * @default - files are never hidden automatically
   */
  readonly daysFromUploadingToHiding?: number;
  /**
   * `days_from_starting_to_canceling_unfinished_large_files`: cancel unfinished large files after this many days.
   * @default - unfinished large files are kept
   */
  readonly daysFromStartingToCancelingUnfinishedLargeFiles?: number;
}

/**
 * One `cors_rules` block of `b2_bucket`.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket#nestedblock--cors_rules
 */
export interface B2BucketCorsRule {
  /** `cors_rule_name`: a name for humans. */
  readonly corsRuleName: string;
  /** `allowed_operations`: operations the rule allows, e.g. `s3_get`. */
  readonly allowedOperations: string[];
  /** `allowed_origins`: non-empty list of origins the rule covers. */
  readonly allowedOrigins: string[];
  /** `max_age_seconds`: how long a browser may cache the preflight response. */
  readonly maxAgeSeconds: number;
  /**
   * `allowed_headers`: headers allowed in a preflight request.
   * @default - none
   */
  readonly allowedHeaders?: string[];
  /**
   * `expose_headers`: headers exposed to the client application.
   * @default - none
   */
  readonly exposeHeaders?: string[];
}

/**
 * `period` block inside `file_lock_configuration.default_retention`.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket#nestedblock--file_lock_configuration--default_retention--period
 */
export interface B2BucketFileLockPeriod {
  /** `duration`: how long files stay immutable, in `unit`s. */
  readonly duration: number;
  /** `unit`: `days` or `years`. */
  readonly unit: string;
}

/**
 * `default_retention` block inside `file_lock_configuration`.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket#nestedblock--file_lock_configuration--default_retention
 */
export interface B2BucketFileLockDefaultRetention {
  /** `mode`: `compliance`, `governance` or `none`. */
  readonly mode: string;
  /**
   * `period`: how long files are immutable.
   * @default - no default period
   */
  readonly period?: B2BucketFileLockPeriod;
}

/**
 * `file_lock_configuration` block of `b2_bucket` (Object Lock).
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket#nestedblock--file_lock_configuration
 */
export interface B2BucketFileLockConfiguration {
  /**
   * `is_file_lock_enabled`: enable File Lock. Changing it replaces the bucket.
   * @default false
   */
  readonly isFileLockEnabled?: boolean;
  /**
   * `default_retention`: retention applied to newly uploaded files.
   * @default - no default retention
   */
  readonly defaultRetention?: B2BucketFileLockDefaultRetention;
}

/**
 * Arguments of `b2_bucket`.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket
 */
export interface B2BucketConfig extends TerraformMetaArguments {
  /** `bucket_name`: globally unique bucket name. Changing it replaces the bucket. */
  readonly bucketName: string;
  /** `bucket_type`: `allPrivate` or `allPublic`. */
  readonly bucketType: string;
  /**
   * `bucket_info`: user-defined information stored with the bucket.
   * @default - none
   */
  readonly bucketInfo?: { readonly [key: string]: string };
  /**
   * `cors_rules`: CORS rules.
   * @default - none
   */
  readonly corsRules?: B2BucketCorsRule[];
  /**
   * `default_server_side_encryption`: default encryption of new files.
   * @default - the B2 default (SSE-B2)
   */
  readonly defaultServerSideEncryption?: B2BucketDefaultServerSideEncryption;
  /**
   * `file_lock_configuration`: File Lock (Object Lock) settings.
   * @default - File Lock disabled
   */
  readonly fileLockConfiguration?: B2BucketFileLockConfiguration;
  /**
   * `lifecycle_rules`: version retention rules.
   * @default - all versions are kept
   */
  readonly lifecycleRules?: B2BucketLifecycleRule[];
}

type B2BucketArgs = Omit<B2BucketConfig, keyof TerraformMetaArguments>;

const B2_BUCKET_FIELDS: FieldTable<B2BucketArgs> = {
  bucketName: str('bucket_name'),
  bucketType: str('bucket_type'),
  bucketInfo: strMap('bucket_info'),
  corsRules: blockList<B2BucketCorsRule>('cors_rules', {
    corsRuleName: str('cors_rule_name'),
    allowedOperations: strList('allowed_operations'),
    allowedOrigins: strList('allowed_origins'),
    maxAgeSeconds: num('max_age_seconds'),
    allowedHeaders: strList('allowed_headers'),
    exposeHeaders: strList('expose_headers'),
  }),
  defaultServerSideEncryption: block<B2BucketDefaultServerSideEncryption>('default_server_side_encryption', {
    mode: str('mode'),
    algorithm: str('algorithm'),
  }),
  fileLockConfiguration: block<B2BucketFileLockConfiguration>('file_lock_configuration', {
    isFileLockEnabled: bool('is_file_lock_enabled'),
    defaultRetention: block<B2BucketFileLockDefaultRetention>('default_retention', {
      mode: str('mode'),
      period: block<B2BucketFileLockPeriod>('period', {
        duration: num('duration'),
        unit: str('unit'),
      }),
    }),
  }),
  lifecycleRules: blockList<B2BucketLifecycleRule>('lifecycle_rules', {
    fileNamePrefix: str('file_name_prefix'),
    daysFromHidingToDeleting: num('days_from_hiding_to_deleting'),
    daysFromUploadingToHiding: num('days_from_uploading_to_hiding'),
    daysFromStartingToCancelingUnfinishedLargeFiles: num('days_from_starting_to_canceling_unfinished_large_files'),
  }),
};

/**
 * A B2 bucket (`b2_bucket`).
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/bucket
 */
export class B2Bucket extends TableResource<B2BucketConfig> {
  /** True when `x` is a B2Bucket, also from another copy of this library (`instanceof` agrees). */
  public static isB2Bucket(x: unknown): x is B2Bucket {
    return hasBrand(x, brandSymbol('B2Bucket'));
  }

  /** Terraform resource type. */
  public static readonly tfResourceType = 'b2_bucket';

  constructor(scope: Construct, id: string, config: B2BucketConfig) {
    super(scope, id, config, { provider: B2, tfType: B2Bucket.tfResourceType, className: 'B2Bucket', fields: B2_BUCKET_FIELDS });
  }

  /** `id` (read-only): the ID of this resource. */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** `bucket_id` (read-only): the ID B2 gave the bucket. */
  public get bucketId(): string {
    return this.getStringAttribute('bucket_id');
  }

  /** `account_id` (read-only): the account that owns the bucket. */
  public get accountId(): string {
    return this.getStringAttribute('account_id');
  }
}

// ---------------------------------------------------------------------------
// resource "b2_application_key"
// ---------------------------------------------------------------------------

/**
 * Arguments of `b2_application_key`. Changing any of them creates a new key.
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/application_key
 */
export interface B2ApplicationKeyConfig extends TerraformMetaArguments {
  /** `key_name`: the key's name. */
  readonly keyName: string;
  /** `capabilities`: capabilities of the key, e.g. `listFiles`, `readFiles`, `writeFiles`. */
  readonly capabilities: string[];
  /**
   * `bucket_ids`: the only buckets the key can access (use {@link B2Bucket.bucketId}).
   * @default - all buckets of the account
   */
  readonly bucketIds?: string[];
  /**
   * `bucket_id`: deprecated by the provider in favour of `bucket_ids`.
   * @default - not set
   * @deprecated use `bucketIds`
   */
  readonly bucketId?: string;
  /**
   * `name_prefix`: restricts access to files whose names start with this prefix.
   * @default - all files
   */
  readonly namePrefix?: string;
  /**
   * `valid_duration_in_seconds`: the key expires after this many seconds (less than 1000 days).
   * @default - the key never expires
   */
  readonly validDurationInSeconds?: number;
}

type B2ApplicationKeyArgs = Omit<B2ApplicationKeyConfig, keyof TerraformMetaArguments>;

const B2_APPLICATION_KEY_FIELDS: FieldTable<B2ApplicationKeyArgs> = {
  keyName: str('key_name'),
  capabilities: strSet('capabilities'),
  bucketIds: strSet('bucket_ids'),
  bucketId: str('bucket_id'),
  namePrefix: str('name_prefix'),
  validDurationInSeconds: num('valid_duration_in_seconds'),
};

/**
 * A B2 application key (`b2_application_key`).
 * @see https://registry.terraform.io/providers/Backblaze/b2/latest/docs/resources/application_key
 */
export class B2ApplicationKey extends TableResource<B2ApplicationKeyConfig> {
  /** True when `x` is a B2ApplicationKey, also from another copy of this library (`instanceof` agrees). */
  public static isB2ApplicationKey(x: unknown): x is B2ApplicationKey {
    return hasBrand(x, brandSymbol('B2ApplicationKey'));
  }

  /** Terraform resource type. */
  public static readonly tfResourceType = 'b2_application_key';

  constructor(scope: Construct, id: string, config: B2ApplicationKeyConfig) {
    super(scope, id, config, { provider: B2, tfType: B2ApplicationKey.tfResourceType,
      className: 'B2ApplicationKey', fields: B2_APPLICATION_KEY_FIELDS });
  }

  /** `application_key_id` (read-only): the key's ID. */
  public get applicationKeyId(): string {
    return this.getStringAttribute('application_key_id');
  }

  /** `application_key` (read-only, sensitive): the secret key. Outputs using it must be `sensitive`. */
  public get applicationKey(): string {
    return this.getStringAttribute('application_key');
  }
}

registerFields(B2Provider, B2_PROVIDER_FIELDS);
registerFields(B2Bucket, B2_BUCKET_FIELDS);
registerFields(B2ApplicationKey, B2_APPLICATION_KEY_FIELDS);
