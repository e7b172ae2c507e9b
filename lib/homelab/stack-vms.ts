/**
 * The Proxmox side of the homelab's stack: one bpg/proxmox provider per site with VMs, each system
 * image downloaded once per node, datastore and file name, and one {@link NixHostVM} per host with
 * a `vm`. The resources are children of the scope given (the stack), so their construct paths,
 * which are Terraform's resource addresses, stay `proxmox-<site>`, `image-…` and `<host>/…`.
 */
import { TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { NixHostVM, NixHostVMProps } from '../constructs/nix-host-vm';
import { Model, ResolvedHost } from '../model/derive';
import { NixValue } from '../nix/value';
import { hostModule } from './nixos/module';
import { ProxmoxProvider, ProxmoxVirtualEnvironmentDownloadFile } from '../terraform/providers/proxmox';
import { IVmImageSource, nixHostVMProps, VmImageDownload } from './props';
import { fail, oneOf } from '../core/errors';

/** The sensitive variable of a declared secret (one per secret, shared by the stack's parts). */
export type SecretVariable = (name: string, description: string) => TerraformVariable;

/**
 * A host's VM as Homelab builds it: the same Proxmox VM, and as {@link NixHostVM.nixModule} the
 * host's whole NixOS module, the one synth writes to `nixos/hosts/<host>.nix` (k3s or k3s
 * containers, sops-nix secrets, storage, metadata), not only the base module of the props.
 */
class HomelabHostVM extends NixHostVM {
  constructor(scope: Construct, id: string, props: NixHostVMProps, private readonly model: Model, private readonly host: ResolvedHost) {
    super(scope, id, props);
  }

  override nixModule(): NixValue {
    return hostModule(this.model, this.host);
  }
}

/** The VMs of a homelab and what they share: providers and image downloads. */
export class ProxmoxVms implements IVmImageSource {
  /** One per host with a `vm`, in model order; `nixModule()` gives the host's whole module, as written to `nixos/hosts/<host>.nix`. */
  readonly vms: readonly NixHostVM[];
  private readonly providers = new Map<string, ProxmoxProvider>();
  private readonly images = new Map<string, { readonly url: string; readonly resource: ProxmoxVirtualEnvironmentDownloadFile }>();

  constructor(private readonly scope: Construct, model: Model, secret: SecretVariable) {
    for (const px of model.proxmox) {
      this.providers.set(px.site, new ProxmoxProvider(scope, `proxmox-${px.site}`, {
        endpoint: px.endpoint,
        apiToken: secret(px.apiTokenSecret, `Proxmox VE API token of site ${px.site} (user@realm!id=uuid)`).stringValue,
        insecure: px.insecure,
        ...(model.proxmox.length > 1 ? { alias: px.site } : {}),
      }));
    }
    this.vms = model.hosts.filter((h) => h.vm).map((h) => new HomelabHostVM(scope, h.name, nixHostVMProps(model, h, this), model, h));
  }

  /** The bpg/proxmox provider of a site's Proxmox cluster. */
  proxmoxProvider(site: string): ProxmoxProvider {
    const p = this.providers.get(site);
    if (!p) fail(this.scope.node.path, 'HomelabStack.proxmoxProvider', 'site has no Proxmox cluster', site, oneOf([...this.providers.keys()], 'no site has one: set proxmox on the site'));
    return p;
  }

  /** The image download for a VM's system disk: one resource per node and file, shared by its VMs. */
  imageFor(image: VmImageDownload): ProxmoxVirtualEnvironmentDownloadFile {
    const { site, node } = image;
    const fileName = image.fileName ?? new URL(image.url).pathname.split('/').pop()!;
    const key = `${site}/${node}/${image.datastore}/${fileName}`;
    const known = this.images.get(key);
    if (!known) {
      const d = new ProxmoxVirtualEnvironmentDownloadFile(this.scope, `image-${site}-${node}-${fileName.replace(/[^A-Za-z0-9-]/g, '-')}`, {
        provider: this.proxmoxProvider(site),
        nodeName: node,
        datastoreId: image.datastore,
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
      fail(this.scope.node.path, 'Vm.systemDisk.image.fileName', `two images share file name ${JSON.stringify(fileName)} on node ${node}`, image.url, 'give them different fileName');
    }
    return known.resource;
  }
}
