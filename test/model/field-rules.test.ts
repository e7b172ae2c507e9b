import { Testing } from 'cdk8s';
import * as cdktf from 'cdktf';
import { inventory as reference } from '../../apps/inventory';
import { ClusterApp, IngressRouting, ResticBackedApp, ResticRepository } from '../../lib';
import { NixHostVM } from '../../lib/constructs/nix-host-vm';
import { OpenEBSPool } from '../../lib/constructs/openebs-pool';
import { ResticB2Bucket } from '../../lib/constructs/restic-b2-bucket';
import { ProxmoxProvider } from '../../lib/terraform/providers/proxmox';
import { Inventory } from '../../lib/model/inventory';
import { HomelabProblem, HomelabValidationError } from '../../lib/core/errors';
import { validateInventory } from '../../lib/model/rules';
import { Draft } from './fixtures';

/** The problems `fn` throws (a construct's eager checks); [] when it throws none. */
function thrown(fn: () => unknown): readonly HomelabProblem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof HomelabValidationError) return e.problems;
    throw e;
  }
  return [];
}

/** The one problem with `field`, or a failure naming what was found instead. */
function one(problems: readonly HomelabProblem[], field: string): HomelabProblem {
  const hits = problems.filter((p) => p.field === field);
  expect(hits.map((p) => p.message)).toHaveLength(1);
  return hits[0];
}

/** The part of a message every place that checks the rule shares: `<what> (got <value>); <allowed>`. */
const tail = (p: HomelabProblem) => p.message.slice(p.message.indexOf(': ', p.message.indexOf('] ')) + 2);

/** The reference inventory with one thing broken, validated. */
function inventoryProblems(mutate: (inv: Draft<Inventory>) => void): readonly HomelabProblem[] {
  const inv = structuredClone(reference) as Draft<Inventory>;
  mutate(inv);
  return validateInventory(inv as Inventory);
}

const app = (inv: Draft<Inventory>, name: string) => inv.apps!.find((a) => a.name === name)!;
const repository = ResticRepository.fromUrl({
  repositoryUrl: 's3:https://s3.eu-central-003.backblazeb2.com/my-backups/wiki',
  passwordSecretName: 'wiki-restic-password', accessKeyIdSecretName: 'wiki-b2-key-id', secretAccessKeySecretName: 'wiki-b2-key',
});
const ingress = (forwardAuth: { allowedEmails?: string[]; allowedGroups?: string[] }, host = 'dash.example.org') =>
  ({ host, routing: IngressRouting.TRAEFIK_INGRESS_ROUTE, forwardAuth });

/** One rule, given badly to a construct and to the inventory. */
interface Case {
  readonly construct: () => unknown;
  readonly constructField: string;
  readonly inventory: (inv: Draft<Inventory>) => void;
  readonly inventoryField: string;
}

const CASES: Record<string, Case> = {
  'an e-mail address with a comma': {
    construct: () => new ClusterApp(Testing.app(), 'homepage', { image: 'ghcr.io/gethomepage/homepage:v0.9.10', port: 3000, ingress: ingress({ allowedEmails: ['a@example.org,b@example.org'] }) }),
    constructField: 'OAuthIngress.forwardAuth.allowedEmails[0]',
    inventory: (inv) => { app(inv, 'homepage').ingress!.admin!.allowedEmails = ['a@example.org,b@example.org']; },
    inventoryField: 'App.ingress.admin.allowedEmails[0]',
  },
  'a group with a space': {
    construct: () => new ClusterApp(Testing.app(), 'homepage', { image: 'ghcr.io/gethomepage/homepage:v0.9.10', port: 3000, ingress: ingress({ allowedGroups: ['example org'] }) }),
    constructField: 'OAuthIngress.forwardAuth.allowedGroups[0]',
    inventory: (inv) => { app(inv, 'homepage').ingress!.admin!.allowedGroups = ['example org']; },
    inventoryField: 'App.ingress.admin.allowedGroups[0]',
  },
  'a wildcard host': {
    construct: () => new ClusterApp(Testing.app(), 'whoami', { image: 'traefik/whoami:v1.10.3', port: 8080, ingress: { host: '*.example.org', routing: IngressRouting.INGRESS } }),
    constructField: 'OAuthIngress.host',
    inventory: (inv) => { app(inv, 'whoami').ingress!.host = '*.example.org'; },
    inventoryField: 'App.ingress.host',
  },
  'an unpinned image': {
    construct: () => new ClusterApp(Testing.app(), 'whoami', { image: 'traefik/whoami', port: 8080 }),
    constructField: 'ClusterApp.image',
    inventory: (inv) => { app(inv, 'whoami').image = 'traefik/whoami'; },
    inventoryField: 'App.image',
  },
  'port 0': {
    construct: () => new ClusterApp(Testing.app(), 'whoami', { image: 'traefik/whoami:v1.10.3', port: 0 }),
    constructField: 'ClusterApp.port',
    inventory: (inv) => { app(inv, 'whoami').port = 0; },
    inventoryField: 'App.port',
  },
  'a volume mounted over /tmp': {
    construct: () => new ClusterApp(Testing.app(), 'files', { image: 'docker.io/filebrowser/filebrowser:v2.31.2', port: 8080, volumes: [{ name: 'srv', mountPath: '/tmp', sizeGiB: 50 }] }),
    constructField: 'ClusterApp.volumes[0].mountPath',
    inventory: (inv) => { app(inv, 'files').volumes![0].mountPath = '/tmp'; },
    inventoryField: 'App.volumes[srv].mountPath',
  },
  'memory below 4 MiB': {
    construct: () => new ClusterApp(Testing.app(), 'whoami', { image: 'traefik/whoami:v1.10.3', port: 8080, memoryMiB: 1 }),
    constructField: 'ClusterApp.memoryMiB',
    inventory: (inv) => { app(inv, 'whoami').memoryMiB = 1; },
    inventoryField: 'App.memoryMiB',
  },
  'a backup schedule with minute 61': {
    construct: () => new ResticBackedApp(Testing.app(), 'files', { image: 'docker.io/filebrowser/filebrowser:v2.31.2', port: 8080, volumes: [{ name: 'srv', mountPath: '/srv', sizeGiB: 50 }], repository, backupSchedule: '61 2 * * *' }),
    constructField: 'ResticBackedApp.backupSchedule',
    inventory: (inv) => { app(inv, 'files').backup!.schedule = '61 2 * * *'; },
    inventoryField: 'App.backup.schedule',
  },
  'a B2 bucket name starting with "b2-"': {
    construct: () => new ResticB2Bucket(new cdktf.TerraformStack(cdktf.Testing.app(), 'lab'), 'Backups', { bucketName: 'b2-homelab-backups' }),
    constructField: 'ResticB2Bucket.bucketName',
    inventory: (inv) => { inv.backup!.bucket = 'b2-homelab-backups'; },
    inventoryField: 'Backup.bucket',
  },
  'zero days to keep deleted files': {
    construct: () => new ResticB2Bucket(new cdktf.TerraformStack(cdktf.Testing.app(), 'lab'), 'Backups', { bucketName: 'homelab-backups', keepDeletedDays: 0 }),
    constructField: 'ResticB2Bucket.keepDeletedDays',
    inventory: (inv) => { inv.backup!.keepDeletedDays = 0; },
    inventoryField: 'Backup.keepDeletedDays',
  },
  'a VM with 128 MiB': {
    construct: () => {
      const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'lab');
      const provider = new ProxmoxProvider(stack, 'proxmox', { endpoint: 'https://pve.example.org:8006/' });
      const admins = [{ name: 'ada', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtestkeyada ada@laptop'] }];
      return new NixHostVM(stack, 'web', { domain: 'lab.example.org', node: 'pve1', provider, gateway: '10.1.0.1', admins, vmId: 301, address: '10.1.0.21/24', memoryMiB: 128, clone: { vmId: 9000 } });
    },
    constructField: 'NixHostVM.memoryMiB',
    inventory: (inv) => {
      const vmHost = inv.sites.flatMap((s) => s.hosts ?? []).find((h) => h.vm)!;
      vmHost.vm!.memoryMiB = 128;
    },
    inventoryField: 'Vm.memoryMiB',
  },
  'a MariaDB user root': {
    construct: () => new ClusterApp(Testing.app(), 'gitea', { image: 'gitea/gitea:1.22.3-rootless', port: 3000, database: { engine: 'mariadb', user: 'root', passwordSecret: 'gitea-db-password' } }),
    constructField: 'ClusterApp.database.user',
    inventory: (inv) => { app(inv, 'gitea').database = { engine: 'mariadb', user: 'root', passwordSecret: 'gitea-db-password' }; },
    inventoryField: 'App.database.user',
  },
  'an admin key that is no OpenSSH key': {
    construct: () => {
      const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'lab');
      const provider = new ProxmoxProvider(stack, 'proxmox', { endpoint: 'https://pve.example.org:8006/' });
      const admins = [{ name: 'ada', sshKeys: ['ssh-ed25519 AAAAC3Nz ada@laptop', 'AAAAC3Nz ada@laptop'] }];
      return new NixHostVM(stack, 'web', { domain: 'lab.example.org', node: 'pve1', provider, gateway: '10.1.0.1', admins, vmId: 301, address: '10.1.0.21/24', clone: { vmId: 9000 } });
    },
    constructField: 'NixHostVM.admins[0].sshKeys[1]',
    inventory: (inv) => { inv.admins![0].sshKeys = [inv.admins![0].sshKeys[0], 'AAAAC3Nz ada@laptop']; },
    inventoryField: 'Admin.sshKeys[1]',
  },
  'a pool layout "raid5"': {
    construct: () => new OpenEBSPool(Testing.chart(), 'pool', { name: 'fast', engine: 'cstor', layout: 'raid5' as 'mirror', nodes: [{ host: 'olaf', disks: ['/dev/disk/by-id/ata-a'] }] }),
    constructField: 'OpenEBSPool.layout',
    inventory: (inv) => { inv.storagePools![0] = { ...inv.storagePools![0], layout: 'raid5' as 'mirror' }; },
    inventoryField: 'StoragePool.layout',
  },
};

describe('one rule per field, in the inventory and in the constructs', () => {
  test.each(Object.entries(CASES))('fails on %s with the same message in a construct and in the inventory', (_name, c) => {
    // GIVEN the same bad value in a construct's props and in the inventory
    // WHEN each is checked
    const fromConstruct = one(constructProblems(c.construct), c.constructField);
    const fromInventory = one(inventoryProblems(c.inventory), c.inventoryField);
    // THEN both say the same: what is wrong, the value, what is allowed (only path and Class.field differ)
    expect(tail(fromConstruct)).toBe(tail(fromInventory));
    expect(fromConstruct.problem).toBe(fromInventory.problem);
    expect(fromConstruct.allowed).toBe(fromInventory.allowed);
  });
});

/** A construct's problems: those it throws eagerly, else those its validations report (OpenEBSPool). */
function constructProblems(make: () => unknown): readonly HomelabProblem[] {
  let made: unknown;
  const eager = thrown(() => { made = make(); });
  if (eager.length > 0) return eager;
  return (made as { problems?: readonly HomelabProblem[] }).problems ?? [];
}
