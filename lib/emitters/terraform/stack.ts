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
import { LocalBackend, S3Backend, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { IVmImageSource, NixHostVM } from '../../constructs/nix-host-vm';
import { Model, ResolvedVm } from '../../model/derive';
import { StateBackendSpec } from '../../model/inventory';
import { B2ApplicationKey, B2Bucket, B2Provider } from './providers/b2';
import { ProxmoxProvider, ProxmoxVirtualEnvironmentDownloadFile } from './providers/proxmox';

/** Backblaze B2's S3 endpoint for a region. */
export function b2S3Endpoint(region: string): string {
  return `https://s3.${region}.backblazeb2.com`;
}

/** Capabilities restic needs on its bucket, and nothing more. */
export const RESTIC_B2_CAPABILITIES = ['deleteFiles', 'listBuckets', 'listFiles', 'readFiles', 'writeFiles'];

/** Terraform variable name for a declared secret. */
export function secretVariableName(secret: string): string {
  return secret.replace(/-/g, '_');
}

export class HomelabStack extends TerraformStack implements IVmImageSource {
  private readonly variables = new Map<string, TerraformVariable>();
  private readonly proxmox = new Map<string, ProxmoxProvider>();
  private readonly images = new Map<string, { readonly url: string; readonly resource: ProxmoxVirtualEnvironmentDownloadFile }>();
  private readonly model: Model;
  /** One per host with a `vm`. */
  readonly vms: readonly NixHostVM[];
  readonly records: DnsRecord[] = [];
  readonly bucket?: B2Bucket;
  readonly backupKey?: B2ApplicationKey;

  constructor(scope: Construct, id: string, model: Model) {
    super(scope, id);
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
    this.vms = model.hosts.filter((h) => h.vm).map((h) => new NixHostVM(this, h.name, { model, host: h, images: this }));
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
