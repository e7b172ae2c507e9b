/**
 * The homelab's Terraform stack: Cloudflare DNS records for public apps, and
 * the B2 backup bucket with one key per backed-up app, limited to the app's
 * prefix. This module and `synth.ts` are the only places that touch cdktf, so
 * moving to a community fork stays small.
 *
 * Provider credentials are Terraform sensitive variables named after the
 * declared secrets (`cloudflare-api-token` -> `var.cloudflare_api_token`,
 * set with `TF_VAR_cloudflare_api_token`); no value is ever written.
 */
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { LocalBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULT_KEEP_DELETED_DAYS } from '../model/backup';
import { NixHostVM } from '../constructs/nix-host-vm';
import { IVmImageSource, nixHostVMProps } from './props';
import { Model, ResolvedVm } from '../model/derive';
import { StateBackendSpec } from '../model/inventory';
import { addResticKey, B2_MAX_KEY_NAME_LENGTH, B2_MAX_LIFECYCLE_RULES, b2S3Endpoint, resticBucketConfig, resticKeyOutputs } from '../constructs/restic-b2-bucket';
import { B2ApplicationKey, B2Bucket, B2Provider } from '../terraform/providers/b2';
import { ProxmoxProvider, ProxmoxVirtualEnvironmentDownloadFile } from '../terraform/providers/proxmox';
import { addBrand, brandSymbol, hasBrand } from '../core/brand';

export { B2_MAX_KEY_NAME_LENGTH, B2_MAX_LIFECYCLE_RULES, b2S3Endpoint, RESTIC_B2_CAPABILITIES, resticKeyOutputs } from '../constructs/restic-b2-bucket';

/** Terraform variable name for a declared secret. */
export function secretVariableName(secret: string): string {
  return secret.replace(/-/g, '_');
}

const HOMELAB_STACK_BRAND = brandSymbol('HomelabStack');

export class HomelabStack extends TerraformStack implements IVmImageSource {
  /** True when `x` is a HomelabStack, also from another copy of this library (`instanceof` uses it). */
  static isHomelabStack(x: unknown): x is HomelabStack {
    return hasBrand(x, HOMELAB_STACK_BRAND);
  }

  static [Symbol.hasInstance](x: unknown): x is HomelabStack {
    return HomelabStack.isHomelabStack(x);
  }

  private readonly variables = new Map<string, TerraformVariable>();
  private readonly proxmox = new Map<string, ProxmoxProvider>();
  private readonly images = new Map<string, { readonly url: string; readonly resource: ProxmoxVirtualEnvironmentDownloadFile }>();
  private readonly model: Model;
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
    this.model = model;
    const inv = model.inventory;
    addBackend(this, id, inv.stateBackend);
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
    const appKeys = new Map<string, B2ApplicationKey>();
    this.appKeys = appKeys;
    if (inv.backup) {
      new B2Provider(this, 'b2', {
        applicationKeyId: this.secret(inv.backup.keyIdSecret, 'B2 key id used by Terraform').stringValue,
        applicationKey: this.secret(inv.backup.keySecret, 'B2 application key used by Terraform').stringValue,
      });
      const backedUp = model.apps.flatMap((a) => (a.backups ? [{ name: a.name, backups: a.backups }] : []))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // apps with a bucket of their own get it below; the others share the homelab's
      const shared = backedUp.filter((a) => !a.backups.ownBucket);
      if (shared.length > B2_MAX_LIFECYCLE_RULES) {
        throw new Error(`[${this.node.path}] HomelabStack.lifecycleRules: more backed-up apps than B2 allows lifecycle rules on one bucket (got ${shared.length}); at most ${B2_MAX_LIFECYCLE_RULES}, or give some apps a bucket of their own (backup.bucket)`);
      }
      // The state holds every app key: no app key may reach it.
      const state = inv.stateBackend?.type === 's3' ? inv.stateBackend.key ?? `${id}/terraform.tfstate` : undefined;
      const stateBucket = inv.stateBackend?.type === 's3' ? inv.stateBackend.bucket : undefined;
      const exposed = state === undefined ? undefined : backedUp.find((a) => a.backups.bucket === stateBucket && state.startsWith(a.backups.prefix));
      if (exposed) {
        throw new Error(`[${this.node.path}] HomelabStack.stateBackend.key: the Terraform state, which holds every app's B2 key, is under app ${exposed.name}'s backup prefix (got ${JSON.stringify(state)}); a key outside ${JSON.stringify(exposed.backups.prefix)}, or another bucket`);
      }
      // B2 rejects two rules that apply to the same files, and the whole-bucket
      // rule ('') overlaps every app's: with backed-up apps, each app's prefix
      // gets its own rule and nothing else does (hidden versions elsewhere are kept).
      // restic manages its files itself, so no rule ever hides by age
      // (days_from_uploading_to_hiding would destroy the repositories).
      const rule = (a: typeof backedUp[number]) => ({ fileNamePrefix: a.backups.prefix, daysFromHidingToDeleting: a.backups.retention.keepDeletedDays });
      const bucket = new B2Bucket(this, 'BackupBucket', resticBucketConfig(inv.backup.bucket, shared.length > 0
        ? shared.map(rule)
        : [{ fileNamePrefix: '', daysFromHidingToDeleting: inv.backup.keepDeletedDays ?? DEFAULT_KEEP_DELETED_DAYS }]));
      this.bucket = bucket;
      const appBuckets = new Map<string, B2Bucket>();
      this.appBuckets = appBuckets;
      for (const app of backedUp) {
        if (app.backups.ownBucket) appBuckets.set(app.name, new B2Bucket(this, `BackupBucket-${app.name}`, resticBucketConfig(app.backups.bucket, [rule(app)])));
      }
      for (const app of backedUp) {
        const keyName = `${model.name}-${app.name}-restic`;
        if (keyName.length > B2_MAX_KEY_NAME_LENGTH) {
          throw new Error(`[${this.node.path}/BackupKey-${app.name}] B2ApplicationKey.keyName: too long for B2 (got ${JSON.stringify(keyName)}); at most ${B2_MAX_KEY_NAME_LENGTH} characters, so homelab and app names of at most ${B2_MAX_KEY_NAME_LENGTH - '--restic'.length} together`);
        }
        const { key } = addResticKey(this, `BackupKey-${app.name}`, {
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
    }
    const sites = new Set(model.hosts.filter((h) => h.vm).map((h) => h.site));
    for (const site of [...sites].sort()) {
      const px = inv.sites.find((s) => s.name === site)!.proxmox!;
      this.proxmox.set(site, new ProxmoxProvider(this, `proxmox-${site}`, {
        endpoint: px.endpoint,
        apiToken: this.secret(px.apiTokenSecret, `Proxmox VE API token of site ${site} (user@realm!id=uuid)`).stringValue,
        insecure: px.insecure ?? false,
        ...(sites.size > 1 ? { alias: site } : {}),
      }));
    }
    this.vms = model.hosts.filter((h) => h.vm).map((h) => new NixHostVM(this, h.name, nixHostVMProps(model, h, this)));
  }

  /** The bpg/proxmox provider of a site's Proxmox cluster. */
  proxmoxProvider(site: string): ProxmoxProvider {
    const p = this.proxmox.get(site);
    if (!p) throw new Error(`[${this.node.path}] HomelabStack.proxmoxProvider: site has no Proxmox cluster (got ${JSON.stringify(site)}); a site with proxmox set`);
    return p;
  }

  /** The image download for a VM's system disk: one resource per node and URL, shared by its VMs. */
  imageFor(vm: ResolvedVm): ProxmoxVirtualEnvironmentDownloadFile {
    const image = vm.systemDisk.image!;
    const site = this.model.hosts.find((h) => h.vm === vm)!.site;
    const fileName = image.fileName ?? new URL(image.url).pathname.split('/').pop()!;
    const key = `${site}/${vm.node}/${vm.nodeSpec.imageDatastore}/${fileName}`;
    const known = this.images.get(key);
    if (!known) {
      const d = new ProxmoxVirtualEnvironmentDownloadFile(this, `image-${site}-${vm.node}-${fileName.replace(/[^A-Za-z0-9-]/g, '-')}`, {
        provider: this.proxmoxProvider(site),
        nodeName: vm.node,
        datastoreId: vm.nodeSpec.imageDatastore,
        contentType: 'import',
        url: image.url,
        fileName,
        ...(image.sha256 ? { checksum: image.sha256, checksumAlgorithm: 'sha256' } : {}),
        overwrite: false,
      });
      this.images.set(key, { url: image.url, resource: d });
      return d;
    }
    if (known.url !== image.url) {
      throw new Error(`[${this.node.path}] Vm.systemDisk.image.fileName: two images share file name ${JSON.stringify(fileName)} on node ${vm.node} (got ${JSON.stringify(image.url)}); give them different fileName`);
    }
    return known.resource;
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

/**
 * The state backend. Local by default, with a relative path: cdktf's default
 * is absolute (the synth machine's cwd), which breaks byte-identical outputs
 * across checkouts; relative to `cdktf.out/stacks/<id>/` this is the project
 * root, outside the outputs synth replaces. S3 (B2 by default) takes its
 * credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` at deploy time:
 * Terraform backends cannot read variables, and nothing secret is written.
 */
function addBackend(stack: TerraformStack, id: string, spec: StateBackendSpec | undefined): void {
  if (!spec || spec.type === 'local') {
    new LocalBackend(stack, { path: `../../../${spec?.path ?? `terraform.${id}.tfstate`}` });
    return;
  }
  const region = spec.region ?? 'us-west-004';
  const isB2 = spec.endpoint === undefined;
  new S3Backend(stack, {
    bucket: spec.bucket,
    key: spec.key ?? `${id}/terraform.tfstate`,
    region,
    endpoints: { s3: spec.endpoint ?? b2S3Endpoint(region) },
    // Not AWS: no STS, no EC2 metadata, no AWS region list, path-style bucket URLs.
    skipCredentialsValidation: true,
    skipRegionValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    usePathStyle: true,
    // B2 rejects the newer S3 checksum headers.
    ...(isB2 ? { skipS3Checksum: true } : {}),
  });
}
