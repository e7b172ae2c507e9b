/**
 * The homelab's Terraform stack: Cloudflare DNS records for public apps, the B2 backup bucket
 * with one key per backed-up app limited to the app's prefix, the Proxmox VMs, and the state
 * backend, each part in its own module (`stack-*.ts`) with its own props.
 *
 * Provider credentials are Terraform sensitive variables named after the
 * declared secrets (`cloudflare-api-token` -> `var.cloudflare_api_token`,
 * set with `TF_VAR_cloudflare_api_token`); no value is ever written.
 */
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { NixHostVM } from '../constructs/nix-host-vm';
import { IVmImageSource, VmImageDownload } from './props';
import { Model } from '../model/derive';
import { B2ApplicationKey, B2Bucket } from '../terraform/providers/b2';
import { ProxmoxProvider, ProxmoxVirtualEnvironmentDownloadFile } from '../terraform/providers/proxmox';
import { addBrand, brandSymbol, hasBrand, isInstance } from '../core/brand';
import { addStateBackend } from './stack-backend';
import { addDnsRecords } from './stack-dns';
import { addBackupBuckets } from './stack-backups';
import { ProxmoxVms } from './stack-vms';
import { secretVariableName } from '../core/secrets';

const HOMELAB_STACK_BRAND = brandSymbol('HomelabStack');

/**
 * The homelab's stack, composed of its parts, each from the derived model: the state backend
 * (`stack-backend.ts`), the DNS records (`stack-dns.ts`), the backup buckets and keys
 * (`stack-backups.ts`) and the VMs (`stack-vms.ts`). The parts add their resources to the stack
 * itself, not to construct scopes of their own, because a construct path is a Terraform resource
 * address: nesting them would make Terraform destroy and recreate every bucket and record.
 */
export class HomelabStack extends TerraformStack implements IVmImageSource {
  /** True when `x` is a HomelabStack, also from another copy of this library (`instanceof` uses it). */
  static isHomelabStack(x: unknown): x is HomelabStack {
    return hasBrand(x, HOMELAB_STACK_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is HomelabStack {
    return isInstance(this, HomelabStack, HOMELAB_STACK_BRAND, x);
  }

  private readonly variables = new Map<string, TerraformVariable>();
  private readonly proxmoxVms: ProxmoxVms;
  /** One per host with a `vm`. */
  readonly vms: readonly NixHostVM[];
  readonly records: DnsRecord[] = [];
  readonly bucket?: B2Bucket;
  /** One B2 key per backed-up app (`BackupKey-<app>`), by app name, limited to the app's prefix. */
  readonly appKeys: ReadonlyMap<string, B2ApplicationKey>;
  /** The buckets of apps with a bucket of their own (`backup.bucket`), by app name. */
  readonly appBuckets: ReadonlyMap<string, B2Bucket> = new Map();

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id);
    addBrand(this, HOMELAB_STACK_BRAND);
    addStateBackend(this, model.stateBackend);
    const dns = model.dns;
    if (dns) {
      this.records.push(...addDnsRecords(this, {
        zoneId: dns.zoneId,
        proxied: dns.proxied,
        apiToken: this.secret(dns.apiTokenSecret, 'Cloudflare API token (Zone.DNS edit on the zone)').stringValue,
        records: model.publicRecords,
      }));
    }
    const backup = model.backup;
    if (backup) {
      const applicationKeyId = this.secret(backup.keyIdSecret, 'B2 key id used by Terraform').stringValue;
      const applicationKey = this.secret(backup.keySecret, 'B2 application key used by Terraform').stringValue;
      const made = addBackupBuckets(this, {
        homelab: model.name,
        bucket: backup.bucket,
        keepDeletedDays: backup.keepDeletedDays,
        applicationKeyId,
        applicationKey,
        apps: model.apps.flatMap((a) => (a.backup ? [{ name: a.name, backups: a.backup }] : [])),
        stateBackend: model.stateBackend,
      });
      this.bucket = made.bucket;
      this.appBuckets = made.appBuckets;
      this.appKeys = made.appKeys;
    } else {
      this.appKeys = new Map();
    }
    this.proxmoxVms = new ProxmoxVms(this, model, (name, description) => this.secret(name, description));
    this.vms = this.proxmoxVms.vms;
  }

  /** The bpg/proxmox provider of a site's Proxmox cluster. */
  proxmoxProvider(site: string): ProxmoxProvider {
    return this.proxmoxVms.proxmoxProvider(site);
  }

  /** The image download for a VM's system disk: one resource per node and URL, shared by its VMs. */
  imageFor(image: VmImageDownload): ProxmoxVirtualEnvironmentDownloadFile {
    return this.proxmoxVms.imageFor(image);
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
