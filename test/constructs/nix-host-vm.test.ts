import * as cdktf from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderNixFile } from '../../lib/nix/serialize';
import { ProxmoxProvider } from '../../lib/terraform/providers/proxmox';
import { nixEvalModule } from '../helpers/nix';
import { itWith } from '../helpers/tools';
import { inventory as reference } from '../../apps/inventory';
import { Homelab, Inventory } from '../../lib';
import { NixHostVM } from '../../lib/constructs/nix-host-vm';
import { passthroughSerial } from '../../lib/model/derive';
import { parseUci } from '../../lib/uci/parse';
import { routerPackages } from '../../lib/homelab/router/packages';
import { renderUciPackage } from '../../lib/uci/serialize';
import { deriveMac } from '../../lib/model/derive';
import { HomelabValidationError } from '../../lib/core/errors';
import { bodies, docFor, missingRequired, undocumentedKeys } from '../helpers/terraform-docs';

const clone = (): any => JSON.parse(JSON.stringify(reference));

function stackJson(inv: Inventory): { lab: Homelab; json: any } {
  const lab = new Homelab({ inventory: inv });
  return { lab, json: JSON.parse(cdktf.Testing.synth(lab.stack)) };
}

/** The VM resource body of a host (the VM's `name` is the hostname). */
function vmBody(json: any, host: string): any {
  const found = Object.values<any>(json.resource.proxmox_virtual_environment_vm).filter((v) => v.name === host);
  expect(found).toHaveLength(1);
  return found[0];
}

function problemsOf(inv: Inventory): string[] {
  try {
    new Homelab({ inventory: inv });
  } catch (e) {
    if (e instanceof HomelabValidationError) return e.problems.map((p) => p.message);
    throw e;
  }
  return [];
}

describe('NixHostVM', () => {
  const { lab, json } = stackJson(reference);

  it('makes one VM per host with a vm, as constructs the user can reach', () => {
    expect(lab.stack.vms.map((v) => v.hostName)).toEqual(['ulf', 'rolf', 'karl']);
    expect(lab.stack.vms[0]).toBeInstanceOf(NixHostVM);
    expect(Object.keys(json.resource.proxmox_virtual_environment_vm)).toHaveLength(3);
  });

  it('uses only attribute names from the bpg/proxmox docs, and every required one', () => {
    const found = bodies(json).filter((b) => b.docKey.includes('proxmox'));
    expect(found.map((b) => b.docKey).sort()).toEqual([
      'provider.proxmox',
      'resource.proxmox_virtual_environment_download_file',
      'resource.proxmox_virtual_environment_vm',
      'resource.proxmox_virtual_environment_vm',
      'resource.proxmox_virtual_environment_vm',
    ]);
    for (const b of found) {
      expect({ label: b.label, problems: undocumentedKeys(docFor(b.docKey), b.body) }).toEqual({ label: b.label, problems: [] });
      // The provider doc marks username and password "(Required)", but api_token "takes precedence over username with password".
      const missing = missingRequired(docFor(b.docKey), b.body).filter((m) => !(b.docKey === 'provider.proxmox' && /^(username|password):/.test(m) && 'api_token' in b.body));
      expect({ label: b.label, problems: missing }).toEqual({ label: b.label, problems: [] });
    }
  });

  it('the checker catches a misspelled attribute in a VM body', () => {
    const body = JSON.parse(JSON.stringify(vmBody(json, 'ulf')));
    body.cpu[0].coress = 4;
    body.network_device[0].mac = 'x';
    expect(undocumentedKeys(docFor('resource.proxmox_virtual_environment_vm'), body)).toEqual(['cpu.coress: not documented', 'network_device.mac: not documented']);
  });

  it('sizes, pins and places the VM as declared', () => {
    const rolf = vmBody(json, 'rolf');
    expect(rolf.node_name).toBe('pve1');
    expect(rolf.vm_id).toBe(212);
    expect(rolf.cpu).toEqual([{ cores: 4, sockets: 1, type: 'host', numa: true, affinity: '8-11' }]);
    expect(rolf.memory).toEqual([{ dedicated: 16384 }]);
    expect(rolf.numa).toEqual([{ device: 'numa0', cpus: '0-3', memory: 16384, hostnodes: '1', policy: 'bind' }]);
    expect(rolf.agent).toEqual([{ enabled: true, trim: true }]);
    expect(rolf.on_boot).toBe(true);
    const ulf = vmBody(json, 'ulf');
    expect(ulf.cpu).toEqual([{ cores: 4, sockets: 1, type: 'host' }]);
    expect(ulf.numa).toBeUndefined();
  });

  it('imports the system disk from one shared download, adds data disks and passes whole host disks through', () => {
    const downloads = json.resource.proxmox_virtual_environment_download_file;
    expect(Object.keys(downloads)).toHaveLength(1);
    const [name, dl] = Object.entries<any>(downloads)[0];
    expect(dl).toMatchObject({
      node_name: 'pve1', datastore_id: 'local', content_type: 'import',
      url: 'https://images.example.org/nixos-24.11-x86_64-cloudinit.qcow2', file_name: 'nixos-24.11-x86_64-cloudinit.qcow2',
      checksum_algorithm: 'sha256', checksum: 'f3b1c0e6a1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9',
    });
    const ulf = vmBody(json, 'ulf');
    expect(ulf.disk).toEqual([
      { interface: 'scsi0', datastore_id: 'local-lvm', size: 40, discard: 'on', iothread: true, ssd: true, import_from: `\${proxmox_virtual_environment_download_file.${name}.id}` },
      { interface: 'scsi1', datastore_id: 'local-lvm', size: 100, discard: 'on', iothread: true, ssd: true },
      {
        interface: 'scsi2', datastore_id: '', path_in_datastore: '/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0654321',
        file_format: 'raw', backup: false, replicate: false, serial: '32N0_WD-WCC7K0654321',
      },
    ]);
    const rolf = vmBody(json, 'rolf');
    expect(rolf.disk[0].import_from).toBe(`\${proxmox_virtual_environment_download_file.${name}.id}`);
    expect(rolf.disk[1]).toEqual({
      interface: 'scsi1', datastore_id: '', path_in_datastore: '/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0123456',
      file_format: 'raw', backup: false, replicate: false, serial: '32N0_WD-WCC7K0123456',
    });
  });

  it('clones a template instead when asked', () => {
    const inv = clone();
    inv.sites[0].hosts[1].vm.systemDisk = { sizeGiB: 64, clone: { vmId: 9000 } };
    const ulf = vmBody(stackJson(inv).json, 'ulf');
    expect(ulf.clone).toEqual([{ vm_id: 9000, node_name: 'pve1', full: true }]);
    expect(ulf.disk[0]).toEqual({ interface: 'scsi0', datastore_id: 'local-lvm', size: 64, discard: 'on', iothread: true, ssd: true });
  });

  it('gives cloud-init the static address, gateway, DNS and ssh keys, never a password', () => {
    const init = vmBody(json, 'ulf').initialization;
    expect(init).toEqual([{
      datastore_id: 'local-lvm',
      ip_config: [{ ipv4: [{ address: '10.0.100.11/24', gateway: '10.0.100.1' }] }],
      dns: [{ domain: 'home.example.org', servers: ['10.0.100.1'] }],
      user_account: [{ username: 'manfred', keys: reference.admins[0].sshKeys }],
    }]);
  });

  it('one MAC: the VM NIC, the router DHCP reservation and the NixOS interface agree', () => {
    for (const host of ['ulf', 'rolf']) {
      const mac = deriveMac('example', 'home', host);
      const nic = vmBody(json, host).network_device[0];
      expect(nic).toMatchObject({ bridge: 'vmbr0', model: 'virtio' });
      expect(nic.mac_address.toLowerCase()).toBe(mac);
      const router = lab.model.routers.find((r) => r.name === 'gw')!;
      const dhcp = parseUci(renderUciPackage(routerPackages(lab.model, router).find((p) => p.name === 'dhcp')!, 'test'));
      const opt = (s: any, name: string) => s.options.find((o: any) => o.name === name)?.values;
      const lease = dhcp.sections.find((s) => s.type === 'host' && opt(s, 'name')[0] === host);
      expect(opt(lease, 'mac')).toEqual([mac]);
      expect(opt(lease, 'ip')).toEqual([lab.model.hosts.find((h) => h.name === host)!.ip]);
      const nix = lab.stack.vms.find((v) => v.hostName === host)!.nixModule() as any;
      const links = nix.body.systemd.network.links;
      const link = Object.values<any>(links)[0];
      expect(link.matchConfig.PermanentMACAddress).toBe(mac);
      expect(link.linkConfig.Name).toBe('ens18');
      expect(nix.body.networking.interfaces.ens18.ipv4.addresses).toEqual([{ address: lab.model.hosts.find((h) => h.name === host)!.ip, prefixLength: 24 }]);
    }
  });

  it("a Homelab VM's nixModule() is its host's whole module: the nixos/hosts/<host>.nix synth writes, byte for byte", () => {
    // GIVEN the reference homelab synthesized
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-vm-module-'));
    try {
      const built = new Homelab({ inventory: reference, storageLockFile: path.join(__dirname, '..', '..', 'storage.lock.json') });
      built.synth({ outdir: out });
      for (const vm of built.stack.vms) {
        // WHEN the VM's module is rendered with the file's own header line
        const file = fs.readFileSync(path.join(out, 'nixos', 'hosts', `${vm.hostName}.nix`), 'utf8');
        const header = /^# generated by (.*) — do not edit\n/.exec(file)![1];
        // THEN it is that file, k3s and sops-nix included
        expect(renderNixFile(vm.nixModule(), header)).toBe(file);
        const body = (vm.nixModule() as any).body;
        expect(body.services.k3s.role).toMatch(/^(server|agent)$/);
        expect(body.sops.secrets).toHaveProperty('k3s-token');
      }
      expect(built.stack.vms).toHaveLength(3);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('tags the NIC with the network VLAN', () => {
    const inv = clone();
    const ulf = inv.sites[0].hosts[1];
    ulf.network = 'iot';
    ulf.ip = '10.0.20.11';
    expect(vmBody(stackJson(inv).json, 'ulf').network_device[0].vlan_id).toBe(20);
    expect(vmBody(json, 'ulf').network_device[0].vlan_id).toBeUndefined();
  });

  it('reads the Proxmox endpoint from the model and the API token from a sensitive variable', () => {
    expect(json.provider.proxmox).toEqual([{ endpoint: 'https://pve1.home.example.org:8006/', api_token: '${var.proxmox_api_token}', insecure: false }]);
    expect(json.variable.proxmox_api_token).toMatchObject({ type: 'string', sensitive: true });
    expect(JSON.stringify(json)).not.toMatch(/password/);
  });

  it('aliases one provider per site when two sites have Proxmox', () => {
    const inv = clone();
    inv.sites[1].proxmox = { endpoint: 'https://pve.flat.example.org:8006/', apiTokenSecret: 'proxmox-api-token', nodes: [{ name: 'pve9' }] };
    inv.sites[1].hosts = [{ name: 'sven', network: 'lan', ip: '10.0.1.20', vm: { node: 'pve9', vmId: 300, systemDisk: { clone: { vmId: 9000 } } } }];
    const out = stackJson(inv).json;
    expect(out.provider.proxmox.map((p: any) => [p.alias, p.endpoint])).toEqual([['flat', 'https://pve.flat.example.org:8006/'], ['home', 'https://pve1.home.example.org:8006/']]);
    const sven = Object.values<any>(out.resource.proxmox_virtual_environment_vm).find((v) => v.name === 'sven');
    expect(sven.provider).toBe('proxmox.flat');
    expect(sven.node_name).toBe('pve9');
  });

  it('keeps serials of passed-through disks within 20 characters', () => {
    expect(passthroughSerial('/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0T123456A')).toBe('_1TB_S5GXNX0T123456A');
    expect(passthroughSerial('/dev/disk/by-id/nvme-Samsung_SSD_980_PRO_1TB_S5GXNX0T123456A')).toHaveLength(20);
    expect(passthroughSerial('/dev/disk/by-id/ata-X1')).toBe('ata-X1');
  });
});

describe('VM validation', () => {
  it('reports every VM problem at once, with data path, field, value and what is allowed', () => {
    const inv = clone();
    const ulf = inv.sites[0].hosts[1];
    ulf.vm.node = 'pve2';
    ulf.vm.vmId = 212;
    ulf.vm.cores = 0;
    ulf.vm.cpuAffinity = '0-3,a';
    ulf.vm.numa = [{ cpus: '0-1', memoryMiB: 1024 }];
    ulf.vm.systemDisk = { clone: { vmId: 9000 }, image: { url: 'ftp://x/y.iso' } };
    ulf.vm.passthroughDisks = ['/dev/sdb'];
    const problems = problemsOf(inv);
    const P = '[inventory.sites[home].hosts[ulf].vm]';
    expect(problems).toEqual(expect.arrayContaining([
      `${P} Vm.node: unknown Proxmox node (got "pve2"); one of ["pve1"]`,
      `${P} Vm.cores: not a core count (got 0); integer 1-512`,
      `${P} Vm.cpuAffinity: not a CPU list (got "0-3,a"); zero-based host CPU ids such as "0-3" or "0,2,4-7"`,
      `${P} Vm.numa: NUMA memory adds up to 1024 MiB, not the VM's 8192 MiB (got 1024); the memoryMiB of the NUMA nodes sums to the VM memoryMiB`,
      `${P} Vm.systemDisk: needs exactly one source (got ["clone","image"]); either clone (a template VM id) or image (a URL to download)`,
      `${P} Vm.systemDisk.image.url: not an http(s) URL (got "ftp://x/y.iso"); e.g. "https://example.org/nixos.qcow2"`,
      `${P} Vm.passthroughDisks[0]: not a stable block device path (got "/dev/sdb"); /dev/disk/by-id/<id> (sdX names change between boots)`,
    ]));
    // vmId 212 is rolf's; whichever comes second is reported.
    expect(problems.some((m) => m.includes('Vm.vmId: VM id already used by host'))).toBe(true);
  });

  it('rejects a VM at a site without Proxmox, the same disk in two VMs, and two images under one file name', () => {
    const inv = clone();
    inv.sites[0].hosts[1].vm.passthroughDisks = ['/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0123456'];
    inv.sites[0].hosts[2].vm.systemDisk.image.url = 'https://mirror.example.org/nixos-24.11-x86_64-cloudinit.qcow2';
    inv.sites[1].hosts = [{ name: 'sven', network: 'lan', ip: '10.0.1.20', vm: { node: 'pve1', vmId: 300, systemDisk: { clone: { vmId: 9000 } } } }];
    const problems = problemsOf(inv);
    expect(problems).toEqual(expect.arrayContaining([
      '[inventory.sites[home].hosts[rolf].vm] Vm.passthroughDisks[0]: disk already passed through to host ulf (got "/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0123456"); a disk belongs to one VM (sharing corrupts it)',
      '[inventory.sites[home].hosts[rolf].vm] Vm.systemDisk.image.fileName: file name already used on node pve1 for https://images.example.org/nixos-24.11-x86_64-cloudinit.qcow2 (got "nixos-24.11-x86_64-cloudinit.qcow2"); give images from different URLs different file names',
      '[inventory.sites[flat].hosts[sven].vm] Vm.node: site flat has no Proxmox cluster (got "pve1"); declare the site\'s proxmox (endpoint, apiTokenSecret, nodes)',
    ]));
  });

  it('rejects a Proxmox cluster with a plain-http endpoint or an undeclared token secret', () => {
    const inv = clone();
    inv.sites[0].proxmox.endpoint = 'http://pve1:8006/';
    inv.sites[0].proxmox.apiTokenSecret = 'nope';
    const problems = problemsOf(inv);
    expect(problems).toEqual(expect.arrayContaining([
      '[inventory.sites[home].proxmox] Proxmox.endpoint: not an https URL (got "http://pve1:8006/"); e.g. "https://pve.home.example.org:8006/"',
    ]));
    expect(problems.some((m) => m.startsWith('[inventory.sites[home].proxmox] Proxmox.apiTokenSecret: refers to a secret that is not declared (got "nope")'))).toBe(true);
  });
});

describe('Terraform state backend', () => {
  const backendOf = (inv: Inventory) => stackJson(inv).json.terraform.backend;

  it('is a local file in the project root by default, relative so outputs do not depend on the checkout', () => {
    expect(backendOf(reference)).toEqual({ local: { path: '../../../terraform.example.tfstate' } });
  });

  it('goes to Backblaze B2 over S3 when asked, with no credentials in the output', () => {
    const inv = clone();
    inv.stateBackend = { type: 's3', bucket: 'example-tfstate' };
    expect(backendOf(inv)).toEqual({
      s3: {
        bucket: 'example-tfstate', key: 'example/terraform.tfstate', region: 'us-west-004',
        endpoints: { s3: 'https://s3.us-west-004.backblazeb2.com' },
        skip_credentials_validation: true, skip_region_validation: true, skip_requesting_account_id: true,
        skip_metadata_api_check: true, use_path_style: true, skip_s3_checksum: true,
      },
    });
  });

  it('takes another external S3 endpoint', () => {
    const inv = clone();
    inv.stateBackend = { type: 's3', bucket: 'tfstate', key: 'lab/state.json', endpoint: 'https://s3.eu-central-003.wasabisys.com', region: 'eu-central-003' };
    expect(backendOf(inv).s3).toMatchObject({ bucket: 'tfstate', key: 'lab/state.json', endpoints: { s3: 'https://s3.eu-central-003.wasabisys.com' } });
    expect(backendOf(inv).s3.skip_s3_checksum).toBeUndefined();
  });

  it.each([
    ['an app of this homelab', 'https://git.home.example.org', 'app gitea'],
    ['a Kubernetes service', 'https://minio.minio.svc.cluster.local:9000', 'a Kubernetes service name'],
    ['a k3s node', 'https://10.0.100.11:9000', 'k3s node ulf'],
    ['a k3s node by name', 'https://olaf.home.example.org:9000', 'k3s node olaf'],
  ])('is a synth error when it points at %s (the state would live in the cluster it builds)', (_what, endpoint, owner) => {
    const inv = clone();
    inv.stateBackend = { type: 's3', bucket: 'tfstate', endpoint };
    const problems = problemsOf(inv);
    expect(problems).toHaveLength(1);
    // every step of the cycle, from the state back to the state
    const state = `Terraform state in bucket tfstate at ${endpoint} (served by ${owner})`;
    expect(problems[0]).toContain(`[inventory.stateBackend] StateBackend.endpoint: bootstrap cycle: ${state} → needs → `);
    expect(problems[0]).toContain(' → needs → the NixOS hosts (olaf, ulf, rolf, karl) → needs → Terraform stack example → needs → ' + state + ` (got ${JSON.stringify(endpoint)}); `);
    expect(problems[0]).toMatch(/; serve it from outside this homelab \(Backblaze B2, a hosted registry or git forge\), or bootstrap from an external copy first$/);
  });

  it('accepts an endpoint outside the cluster and rejects plain http', () => {
    const inv = clone();
    inv.stateBackend = { type: 's3', bucket: 'tfstate', endpoint: 'https://s3.eu-central-003.wasabisys.com' };
    expect(problemsOf(inv)).toEqual([]);
    inv.stateBackend = { type: 's3', bucket: 'tfstate', endpoint: 'http://nas.home.example.org:9000' };
    expect(problemsOf(inv)).toEqual(['[inventory.stateBackend] StateBackend.endpoint: not an https URL (got "http://nas.home.example.org:9000"); e.g. "https://s3.us-west-004.backblazeb2.com"']);
  });
});

describe('NixHostVM standalone, in a plain cdktf stack', () => {
  const itNix = itWith('nix-instantiate');
  const build = () => {
    const app = cdktf.Testing.app();
    const stack = new cdktf.TerraformStack(app, 'lab');
    const provider = new ProxmoxProvider(stack, 'proxmox', { endpoint: 'https://pve.example.org:8006/' });
    const admins = [{ name: 'ada', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtestkeyada ada@laptop'] }];
    const common = { domain: 'lab.example.org', node: 'pve1', provider, gateway: '10.1.0.1', admins };
    const web = new NixHostVM(stack, 'web', { ...common, vmId: 301, address: '10.1.0.21/24', memoryMiB: 2048, clone: { vmId: 9000 } });
    const db = new NixHostVM(stack, 'db', { ...common, vmId: 302, address: '10.1.0.22/24', vlan: 30, macAddress: '02:00:00:00:00:22', dataDisksGiB: [50] });
    return { stack, web, db };
  };

  it('makes the VMs from props, with a stable derived MAC and the given one', () => {
    // GIVEN two VMs in a user's stack WHEN synthesized
    const { stack, web, db } = build();
    const json = JSON.parse(cdktf.Testing.synth(stack));
    const again = build();
    // THEN
    expect(vmBody(json, 'web')).toMatchObject({ vm_id: 301, memory: [{ dedicated: 2048 }], clone: [{ vm_id: 9000, node_name: 'pve1', full: true }], description: 'homelab-cdk: host web.lab.example.org' });
    expect(vmBody(json, 'db').network_device[0]).toMatchObject({ mac_address: '02:00:00:00:00:22', vlan_id: 30, bridge: 'vmbr0' });
    expect(vmBody(json, 'db').initialization[0].user_account).toEqual([{ username: 'ada', keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtestkeyada ada@laptop'] }]);
    expect(web.macAddress).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(again.web.macAddress).toBe(web.macAddress);
    expect(db.macAddress).not.toBe(web.macAddress);
  });

  itNix('writes NixOS modules that nix-instantiate evaluates, naming the NIC by the VM\'s MAC', () => {
    // GIVEN the VMs' modules written with our renderer
    const { db } = build();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixhostvm-'));
    try {
      const file = path.join(dir, 'db.nix');
      fs.writeFileSync(file, renderNixFile(db.nixModule(), 'test'));
      // WHEN evaluated
      const r = nixEvalModule(file);
      expect(r.stderr).toBe('');
      const m = JSON.parse(r.stdout);
      // THEN
      expect(m.networking.interfaces.ens18.ipv4.addresses).toEqual([{ address: '10.1.0.22', prefixLength: 24 }]);
      expect(m.systemd.network.links['10-ens18'].matchConfig.PermanentMACAddress).toBe('02:00:00:00:00:22');
      expect(m.users.users.ada.openssh.authorizedKeys.keys).toEqual(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtestkeyada ada@laptop']);
      expect(m.services.openssh.settings.PasswordAuthentication).toBe(false);
      expect(m.security.sudo.wheelNeedsPassword).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with every problem of its props, naming path and field', () => {
    const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'lab');
    let messages: string[] = [];
    try {
      new NixHostVM(stack, 'Web', { domain: 'x.org', node: 'pve1', vmId: 5, address: '10.0.0.1', gateway: 'gw', admins: [], memoryMiB: 128 });
    } catch (e) {
      messages = (e as HomelabValidationError).problems.map((p) => p.message);
    }
    expect(messages).toEqual([
      expect.stringMatching(/^\[lab\/Web\] NixHostVM\.hostName: not a DNS label/),
      '[lab/Web] NixHostVM.vmId: not a Proxmox VM id (got 5); integer 100-999999999',
      '[lab/Web] NixHostVM.memoryMiB: not a memory size (got 128); integer MiB 512-4194304',
      expect.stringMatching(/^\[lab\/Web\] NixHostVM\.address: not an IPv4 address with prefix length \(got "10\.0\.0\.1"\)/),
      expect.stringMatching(/^\[lab\/Web\] NixHostVM\.gateway: /),
      expect.stringMatching(/^\[lab\/Web\] NixHostVM\.admins: /),
    ]);
  });
});
