/**
 * The homelab's Terraform stack: Cloudflare DNS records for public apps and the
 * B2 backup bucket with a key limited to it. This module and `synth.ts` are the
 * only places that touch cdktf, so moving to a community fork stays small.
 *
 * Provider credentials are Terraform sensitive variables named after the
 * declared secrets (`cloudflare-api-token` -> `var.cloudflare_api_token`,
 * set with `TF_VAR_cloudflare_api_token`); no value is ever written.
 */
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { Model } from '../../model/derive';
import { B2ApplicationKey, B2Bucket, B2Provider } from './providers/b2';

/** Capabilities restic needs on its bucket, and nothing more. */
export const RESTIC_B2_CAPABILITIES = ['deleteFiles', 'listBuckets', 'listFiles', 'readFiles', 'writeFiles'];

/** Terraform variable name for a declared secret. */
export function secretVariableName(secret: string): string {
  return secret.replace(/-/g, '_');
}

export class HomelabStack extends TerraformStack {
  private readonly variables = new Map<string, TerraformVariable>();
  readonly records: DnsRecord[] = [];
  readonly bucket?: B2Bucket;
  readonly backupKey?: B2ApplicationKey;

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id);
    // cdktf's default local backend path is absolute (the synth machine's cwd), which breaks
    // byte-identical outputs across checkouts. Relative to cdktf.out/stacks/<id>/ this is the
    // project root, outside the outputs that synth replaces.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    const inv = model.inventory;
    if (inv.dns) {
      new CloudflareProvider(this, 'cloudflare', { apiToken: this.secret(inv.dns.apiTokenSecret, 'Cloudflare API token (Zone.DNS edit on the zone)').stringValue });
      for (const r of model.publicRecords) {
        this.records.push(new DnsRecord(this, `Record-${r.app}`, {
          zoneId: inv.dns.zoneId,
          name: r.host,
          type: 'A',
          content: r.ipv4,
          ttl: 1,
          proxied: inv.dns.proxied ?? false,
          comment: `homelab-cdk: app ${r.app}`,
        }));
      }
    }
    if (inv.backup) {
      new B2Provider(this, 'b2', {
        applicationKeyId: this.secret(inv.backup.keyIdSecret, 'B2 key id used by Terraform').stringValue,
        applicationKey: this.secret(inv.backup.keySecret, 'B2 application key used by Terraform').stringValue,
      });
      this.bucket = new B2Bucket(this, 'BackupBucket', {
        bucketName: inv.backup.bucket,
        bucketType: 'allPrivate',
        defaultServerSideEncryption: { mode: 'SSE-B2', algorithm: 'AES256' },
        lifecycleRules: [{ fileNamePrefix: '', daysFromHidingToDeleting: inv.backup.keepDeletedDays ?? 30 }],
      });
      this.backupKey = new B2ApplicationKey(this, 'BackupKey', {
        keyName: `${model.name}-restic`,
        capabilities: RESTIC_B2_CAPABILITIES,
        bucketIds: [this.bucket.bucketId],
      });
    }
  }

  /** The sensitive variable for a declared secret (one per secret). */
  secret(name: string, description: string): TerraformVariable {
    let v = this.variables.get(name);
    if (!v) {
      v = new TerraformVariable(this, secretVariableName(name), { type: 'string', sensitive: true, nullable: false, description });
      this.variables.set(name, v);
    }
    return v;
  }
}
