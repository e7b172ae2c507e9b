/**
 * A cdktf stack with two NixOS VMs on Proxmox, and each VM's NixOS module written to
 * `nixos/<host>.nix` with homelab-cdk's renderer (`nixos-rebuild --target-host` or
 * colmena apply them once the VMs run).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { NixHostVM, nix, providers } from 'homelab-cdk';

const app = new App({ stackTraces: false });
const stack = new TerraformStack(app, 'vms');
const provider = new providers.ProxmoxProvider(stack, 'proxmox', {
  endpoint: 'https://pve1.lab.example.org:8006/',
  apiToken: new TerraformVariable(stack, 'proxmox_api_token', { type: 'string', sensitive: true }).stringValue,
});
const image = new providers.ProxmoxVirtualEnvironmentDownloadFile(stack, 'nixos-image', {
  provider,
  nodeName: 'pve1',
  datastoreId: 'local',
  contentType: 'import',
  url: 'https://images.example.org/nixos-24.11-x86_64-cloudinit.qcow2',
  fileName: 'nixos-24.11-x86_64-cloudinit.qcow2',
});

const site = {
  provider,
  node: 'pve1',
  domain: 'lab.example.org',
  gateway: '10.1.0.1',
  image,
  admins: [{ name: 'ada', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdaLovelaceExampleKey ada@laptop'] }],
};
const vms = [
  new NixHostVM(stack, 'web', { ...site, vmId: 301, address: '10.1.0.21/24', cores: 2, memoryMiB: 2048 }),
  new NixHostVM(stack, 'db', { ...site, vmId: 302, address: '10.1.0.22/24', cores: 4, memoryMiB: 8192, dataDisksGiB: [100], vlan: 30 }),
];

app.synth();
const dir = path.join(process.env.NIXOS_OUT ?? '.', 'nixos');
fs.mkdirSync(dir, { recursive: true });
for (const vm of vms) fs.writeFileSync(path.join(dir, `${vm.hostName}.nix`), nix.renderNixFile(vm.nixModule(), `example nixos-vms (host ${vm.hostName})`));
