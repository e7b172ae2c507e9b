/**
 * The public surface of homelab-cdk: what `import … from 'homelab-cdk'` gives, and nothing else.
 *
 * - L3: `Homelab`, its props and the inventory types it reads.
 * - L2: the constructs that stand alone in anyone's cdk8s `Chart` or cdktf `TerraformStack`,
 *   with their props and the typed references between them.
 * - L1, as namespaces: `nix` (typed Nix trees and their writer), `uci` (UCI sections, writer,
 *   parser, typed OpenWrt sections), `providers` (the B2 and Proxmox provider bindings).
 *
 * Everything else in `lib/` is internal: not exported here, and the `exports` map of
 * package.json lets no other path of the package be imported. `test/public-surface.test.ts`
 * holds this list and compiles a consumer against the built declarations.
 */

// L3: the homelab from one inventory
export { Homelab, type HomelabProps, type SynthOptions } from './homelab/homelab';
export * from './model/inventory';
export { readPlans, type ReadPlansOptions } from './model/plan-folder/read';
export type { IVmImageSource, VmImageDownload } from './homelab/props';
export type { HomelabStack } from './homelab/stack';
export type { PlatformCharts, PlatformConfig, PlatformCrds, PlatformServices } from './homelab/platform';

// problems, in the house format
export { HomelabOutputError, HomelabProblem, HomelabValidationError } from './core/errors';

// L2: the constructs
export { type AppDatabase, type AppIngressOptions, type AppVolume, ClusterApp, type ClusterAppProps } from './constructs/cluster-app';
export {
  type BackupQuiesce, type IResticRepository, ResticBackedApp, type ResticBackedAppProps, ResticRepository, type ResticRepositoryAttributes, type ResticRetention, type RestoreJobOptions,
} from './constructs/restic-backed-app';
export { ResticB2Bucket, type ResticB2BucketProps, type ResticB2Repository, type ResticB2RepositoryOptions } from './constructs/restic-b2-bucket';
export {
  CertIssuer, type ICertIssuer, IngressRouting, type IOAuth2Proxy, OAuth2Proxy, type OAuthForwardAuth, OAuthIngress, type OAuthIngressProps,
} from './constructs/oauth-ingress';
export { type IOpenEBSPool, OpenEBSPool, type OpenEBSPoolNode, type OpenEBSPoolProps } from './constructs/openebs-pool';
export type { LockedDisk, StorageLock } from './model/storage-lock';
export { NixHostVM, type NixHostVMAdmin, type NixHostVMNuma, type NixHostVMProps } from './constructs/nix-host-vm';
export { RestrictedPodSecurityResolver } from './k8s/security';

// L1: the typed layers below the constructs
export * as nix from './nix';
export * as uci from './uci';
export * as providers from './terraform/providers';
