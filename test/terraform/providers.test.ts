import * as fs from 'fs';
import * as path from 'path';
import { Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import {
  B2ApplicationKey, B2Bucket, B2Provider,
  ProxmoxProvider, ProxmoxVirtualEnvironmentDownloadFile, ProxmoxVirtualEnvironmentVm,
} from '../../lib/terraform/providers';
import { Field, fieldsOf } from '../../lib/terraform/providers/_util';
import { HomelabValidationError } from '../../lib/core/errors';
import {
  bodies, DOCS, docFor, DocSchema, emittedPaths, isPlainObject, META_KEYS, missingRequired, parseDoc, SCHEMA_ROOT, synth, undocumentedKeys,
} from '../helpers/terraform-docs';

// ---------------------------------------------------------------------------
// Every field a binding knows, set at once
// ---------------------------------------------------------------------------

/** A config with every field of a binding's table set to a sample value. */
function sampleConfig(fields: Readonly<Record<string, Field>>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    switch (field.kind) {
      case 'string': config[key] = 'x'; break;
      case 'number': config[key] = 1; break;
      case 'boolean': config[key] = true; break;
      case 'stringList': case 'stringSet': config[key] = ['x']; break;
      case 'numberList': config[key] = [1]; break;
      case 'stringMap': config[key] = { k: 'v' }; break;
      case 'block': config[key] = sampleConfig(field.fields); break;
      case 'blockList': config[key] = [sampleConfig(field.fields)]; break;
    }
  }
  return config;
}

/** The provider names a table can emit, as dotted paths. */
function tablePaths(fields: Readonly<Record<string, Field>>, prefix = ''): string[] {
  return Object.values(fields).flatMap((f) => {
    const p = prefix ? `${prefix}.${f.tf}` : f.tf;
    return f.kind === 'block' || f.kind === 'blockList' ? [p, ...tablePaths(f.fields, p)] : [p];
  });
}

const BINDINGS: ReadonlyArray<{ docKey: string; cls: new (scope: any, id: string, config: any) => unknown }> = [
  { docKey: 'provider.b2', cls: B2Provider },
  { docKey: 'resource.b2_bucket', cls: B2Bucket },
  { docKey: 'resource.b2_application_key', cls: B2ApplicationKey },
  { docKey: 'provider.proxmox', cls: ProxmoxProvider },
  { docKey: 'resource.proxmox_virtual_environment_vm', cls: ProxmoxVirtualEnvironmentVm },
  { docKey: 'resource.proxmox_virtual_environment_download_file', cls: ProxmoxVirtualEnvironmentDownloadFile },
];

// ---------------------------------------------------------------------------
// A fully-populated stack
// ---------------------------------------------------------------------------

const ADMIN_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomelabTestKeyOnly admin@laptop';
const PASSTHROUGH_DISK = '/dev/disk/by-id/ata-WDC_WD80EFZZ-68BTXN0_WD-CA0ABCDE';

function buildStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'homelab');

  const b2KeyId = new TerraformVariable(stack, 'b2_application_key_id', { type: 'string', sensitive: true });
  const b2Key = new TerraformVariable(stack, 'b2_application_key', { type: 'string', sensitive: true });
  const pveToken = new TerraformVariable(stack, 'proxmox_api_token', { type: 'string', sensitive: true });

  new B2Provider(stack, 'B2', {
    applicationKeyId: b2KeyId.stringValue,
    applicationKey: b2Key.stringValue,
    endpoint: 'production',
  });
  const bucket = new B2Bucket(stack, 'Backup', {
    bucketName: 'homelab-restic-backup',
    bucketType: 'allPrivate',
    bucketInfo: { purpose: 'restic', 'Managed-By': 'homelab-cdk' },
    defaultServerSideEncryption: { mode: 'SSE-B2', algorithm: 'AES256' },
    lifecycleRules: [{
      fileNamePrefix: '',
      daysFromHidingToDeleting: 30,
      daysFromUploadingToHiding: 365,
      daysFromStartingToCancelingUnfinishedLargeFiles: 7,
    }],
    corsRules: [{
      corsRuleName: 'downloadFromLan',
      allowedOperations: ['b2_download_file_by_name'],
      allowedOrigins: ['https://home.example.org'],
      maxAgeSeconds: 3600,
      allowedHeaders: ['range'],
      exposeHeaders: ['x-bz-content-sha1'],
    }],
    fileLockConfiguration: {
      isFileLockEnabled: true,
      defaultRetention: { mode: 'governance', period: { duration: 14, unit: 'days' } },
    },
  });
  const key = new B2ApplicationKey(stack, 'BackupKey', {
    keyName: 'restic-nas01',
    capabilities: ['listBuckets', 'listFiles', 'readFiles', 'writeFiles', 'deleteFiles'],
    bucketIds: [bucket.bucketId],
    namePrefix: 'nas01/',
    validDurationInSeconds: 86400 * 365,
  });

  const pve = new ProxmoxProvider(stack, 'Proxmox', {
    endpoint: 'https://10.0.0.2:8006/',
    apiToken: pveToken.stringValue,
    insecure: true,
    minTls: '1.3',
    ssh: {
      agent: true,
      username: 'terraform',
      nodeAddressSource: 'api',
      node: [{ name: 'pve1', address: '10.0.0.2', port: 22 }],
    },
    randomVmIds: false,
  });
  const image = new ProxmoxVirtualEnvironmentDownloadFile(stack, 'DebianImage', {
    contentType: 'import',
    datastoreId: 'local',
    nodeName: 'pve1',
    url: 'https://cloud.debian.org/images/cloud/bookworm/20231228-1609/debian-12-generic-amd64-20231228-1609.qcow2',
    fileName: 'debian-12-generic-amd64-20231228-1609.qcow2',
    checksum: 'd2fbcf11fb28795842e91364d8c7b69f1870db09ff299eb94e4fbbfa510eb78d',
    checksumAlgorithm: 'sha256',
    overwrite: false,
    overwriteUnmanaged: false,
    uploadTimeout: 1800,
    verify: true,
    provider: pve,
  });
  const vm = new ProxmoxVirtualEnvironmentVm(stack, 'Nas01', {
    provider: pve,
    nodeName: 'pve1',
    vmId: 101,
    name: 'nas01',
    description: 'Managed by homelab-cdk',
    tags: ['homelab', 'nas'],
    onBoot: true,
    started: true,
    bios: 'ovmf',
    machine: 'q35',
    scsiHardware: 'virtio-scsi-single',
    bootOrder: ['scsi0'],
    stopOnDestroy: true,
    agent: { enabled: true, trim: true, waitForIp: { ipv4: true } },
    cpu: { cores: 4, sockets: 2, type: 'host', numa: true, affinity: '0-3,8-11' },
    memory: { dedicated: 16384, floating: 0 },
    numa: [
      { device: 'numa0', cpus: '0-3', memory: 8192, hostnodes: '0', policy: 'bind' },
      { device: 'numa1', cpus: '4-7', memory: 8192, hostnodes: '1', policy: 'bind' },
    ],
    efiDisk: { datastoreId: 'local-lvm', type: '4m', preEnrolledKeys: false },
    disk: [
      { interface: 'scsi0', datastoreId: 'local-lvm', importFrom: image.id, size: 32, discard: 'on', iothread: true, ssd: true },
      { interface: 'scsi1', datastoreId: 'local-lvm', size: 200, fileFormat: 'raw', discard: 'on', iothread: true, backup: false },
      { interface: 'scsi2', datastoreId: '', pathInDatastore: PASSTHROUGH_DISK, fileFormat: 'raw', backup: false, replicate: false },
    ],
    networkDevice: [{ bridge: 'vmbr0', vlanId: 100, macAddress: 'BC:24:11:00:01:01', model: 'virtio', firewall: false }],
    initialization: {
      datastoreId: 'local-lvm',
      ipConfig: [{ ipv4: { address: '10.0.100.11/24', gateway: '10.0.100.1' } }],
      dns: { servers: ['10.0.100.1'], domain: 'home.example.org' },
      userAccount: { username: 'admin', keys: [ADMIN_KEY] },
    },
    operatingSystem: { type: 'l26' },
    serialDevice: [{}],
    hostpci: [{ device: 'hostpci0', mapping: 'hba', pcie: true, rombar: true }],
    vga: { type: 'serial0' },
    startup: { order: 2, upDelay: 30, downDelay: 60 },
  });
  new ProxmoxVirtualEnvironmentVm(stack, 'Web01', {
    provider: pve,
    nodeName: 'pve1',
    vmId: 102,
    name: 'web01',
    clone: { vmId: 9000, nodeName: 'pve1', full: true, datastoreId: 'local-lvm', retries: 3 },
    cpu: { cores: 2 },
    memory: { dedicated: 4096 },
    disk: [{ interface: 'scsi0', datastoreId: 'local-lvm', size: 40 }],
    networkDevice: [{ bridge: 'vmbr0', vlanId: 100 }],
  });

  new TerraformOutput(stack, 'bucket_id', { value: bucket.bucketId });
  new TerraformOutput(stack, 'bucket_tf_id', { value: bucket.id });
  new TerraformOutput(stack, 'account_id', { value: bucket.accountId });
  new TerraformOutput(stack, 'key_id', { value: key.applicationKeyId });
  new TerraformOutput(stack, 'key_secret', { value: key.applicationKey, sensitive: true });
  new TerraformOutput(stack, 'image_id', { value: image.id });
  new TerraformOutput(stack, 'image_size', { value: image.size });
  new TerraformOutput(stack, 'nas01_id', { value: vm.id });
  new TerraformOutput(stack, 'nas01_macs', { value: vm.macAddresses });
  new TerraformOutput(stack, 'nas01_ipv4', { value: vm.ipv4Addresses });
  new TerraformOutput(stack, 'nas01_ipv6', { value: vm.ipv6Addresses });
  new TerraformOutput(stack, 'nas01_ifnames', { value: vm.networkInterfaceNames });
  return stack;
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('provider docs extractor', () => {
  test('finds every bound provider and resource, with nested paths', () => {
    // GIVEN the docs copied into schemas/terraform
    // WHEN they are parsed (at module load)
    // THEN each binding has a doc, and nested names sit under their block
    for (const key of [
      'provider.b2', 'resource.b2_bucket', 'resource.b2_application_key',
      'provider.proxmox', 'resource.proxmox_virtual_environment_vm', 'resource.proxmox_virtual_environment_download_file',
    ]) {
      expect(DOCS.has(key)).toBe(true);
    }
    const bucket = docFor('resource.b2_bucket');
    expect(bucket.get('bucket_name')).toEqual({ required: true, readOnly: false, map: false });
    expect(bucket.get('bucket_info')).toEqual({ required: false, readOnly: false, map: true });
    expect(bucket.get('bucket_id')?.readOnly).toBe(true);
    expect(bucket.get('lifecycle_rules.file_name_prefix')?.required).toBe(true);
    expect(bucket.get('file_lock_configuration.default_retention.period.unit')?.required).toBe(true);
    expect(bucket.has('file_name_prefix')).toBe(false);

    const vm = docFor('resource.proxmox_virtual_environment_vm');
    expect(vm.get('node_name')?.required).toBe(true);
    expect(vm.get('disk.interface')?.required).toBe(true);
    expect(vm.has('disk.path_in_datastore')).toBe(true);
    expect(vm.has('disk.import_from')).toBe(true);
    expect(vm.has('initialization.ip_config.ipv4.gateway')).toBe(true);
    expect(vm.has('initialization.user_account.keys')).toBe(true);
    expect(vm.has('cpu.affinity')).toBe(true);
    expect(vm.get('numa.hostnodes')?.required).toBe(false);
    expect(vm.get('mac_addresses')?.readOnly).toBe(true);
    expect(vm.has('vlan_id')).toBe(false);

    expect(docFor('provider.proxmox').has('ssh.node.address')).toBe(true);
    expect(docFor('provider.b2').get('application_key')?.readOnly).toBe(false);
    expect(docFor('resource.b2_application_key').get('application_key')?.readOnly).toBe(true);
  });
});

describe('checker', () => {
  test('fails on a misspelled, misplaced or read-only attribute', () => {
    // GIVEN hand-made bodies with deliberate mistakes
    const bucket = {
      bucket_name: 'x',
      bucket_typ: 'allPrivate',
      bucket_info: { anything_goes_here: 'map keys are data' },
      lifecycle_rules: [{ file_name_prefix: '', days_from_hidding_to_deleting: 1 }],
      bucket_id: 'set-by-b2',
    };
    const vm = { node_name: 'pve1', vlan_id: 100, network_device: [{ bridge: 'vmbr0', vlan: 100 }] };

    // WHEN checked against the docs
    // THEN every mistake is reported, and nothing else
    expect(undocumentedKeys(docFor('resource.b2_bucket'), bucket)).toEqual([
      'bucket_typ: not documented',
      'lifecycle_rules.days_from_hidding_to_deleting: not documented',
      'bucket_id: read-only attribute',
    ]);
    expect(missingRequired(docFor('resource.b2_bucket'), bucket)).toEqual(['bucket_type: required but missing']);
    expect(undocumentedKeys(docFor('resource.proxmox_virtual_environment_vm'), vm)).toEqual([
      'vlan_id: not documented',
      'network_device.vlan: not documented',
    ]);
  });
});

describe('provider bindings', () => {
  test('every synthesized key is a documented argument of its resource', () => {
    // GIVEN a stack using every binding with (nearly) every field set
    const out = synth(buildStack());

    // WHEN each provider and resource body is checked
    const checked = bodies(out);

    // THEN no key is undocumented or read-only, and no required argument is missing
    expect(checked.map((c) => c.label).sort()).toEqual([
      'b2_application_key.BackupKey',
      'b2_bucket.Backup',
      'provider.b2[0]',
      'provider.proxmox[0]',
      'proxmox_virtual_environment_download_file.DebianImage',
      'proxmox_virtual_environment_vm.Nas01',
      'proxmox_virtual_environment_vm.Web01',
    ]);
    for (const { docKey, label, body } of checked) {
      const schema = docFor(docKey);
      expect({ label, problems: undocumentedKeys(schema, body) }).toEqual({ label, problems: [] });
      if (docKey.startsWith('resource.')) {
        expect({ label, problems: missingRequired(schema, body) }).toEqual({ label, problems: [] });
      }
    }
  });

  test.each(BINDINGS.map((b) => [b.docKey, b]))('%s: every name the binding can emit is documented', (_, binding) => {
    // GIVEN the binding with every field of its table set
    const fields = fieldsOf(binding.cls);
    expect(fields).toBeDefined();
    const app = Testing.app();
    const stack = new TerraformStack(app, 'all');
    new binding.cls(stack, 'All', sampleConfig(fields!));

    // WHEN synthesized
    const [only] = bodies(synth(stack));
    const schema = docFor(binding.docKey);

    // THEN every field was emitted, under a documented, settable name
    expect(only.docKey).toBe(binding.docKey);
    expect(emittedPaths(schema, only.body)).toEqual([...tablePaths(fields!)].sort());
    expect(undocumentedKeys(schema, only.body)).toEqual([]);
  });

  test('attribute getters reference documented attributes', () => {
    // GIVEN outputs built from every getter
    const out = synth(buildStack());

    // WHEN the referenced attribute names are read back
    const refs = Object.values<any>(out.output).map((o) => String(o.value));

    // THEN each is documented for its resource (`id`, which Terraform gives every resource, also where the page omits it)
    expect(refs.length).toBe(12);
    for (const ref of refs) {
      const m = ref.match(/^\$\{([a-z0-9_]+)\.[A-Za-z0-9_]+\.([a-z0-9_]+)\}$/);
      expect(m).not.toBeNull();
      expect({ ref, documented: m![2] === 'id' || docFor(`resource.${m![1]}`).has(m![2]) }).toEqual({ ref, documented: true });
    }
    expect(out.output.key_secret.sensitive).toBe(true);
  });

  test('providers: source, version constraint and credentials from variables', () => {
    // GIVEN / WHEN
    const out = synth(buildStack());

    // THEN
    expect(out.terraform.required_providers).toEqual({
      b2: { source: 'Backblaze/b2', version: '~> 0.13.0' },
      proxmox: { source: 'bpg/proxmox', version: '~> 0.111.0' },
    });
    expect(out.provider.b2).toEqual([{
      application_key: '${var.b2_application_key}',
      application_key_id: '${var.b2_application_key_id}',
      endpoint: 'production',
    }]);
    expect(out.provider.proxmox).toEqual([{
      api_token: '${var.proxmox_api_token}',
      endpoint: 'https://10.0.0.2:8006/',
      insecure: true,
      min_tls: '1.3',
      random_vm_ids: false,
      ssh: [{ agent: true, node: [{ address: '10.0.0.2', name: 'pve1', port: 22 }], node_address_source: 'api', username: 'terraform' }],
    }]);
    expect(out.variable.b2_application_key).toEqual({ sensitive: true, type: 'string' });
  });

  test('b2_bucket and b2_application_key: exact JSON', () => {
    // GIVEN / WHEN
    const out = synth(buildStack());

    // THEN
    expect(out.resource.b2_bucket.Backup).toEqual({
      bucket_info: { 'Managed-By': 'homelab-cdk', purpose: 'restic' },
      bucket_name: 'homelab-restic-backup',
      bucket_type: 'allPrivate',
      cors_rules: [{
        allowed_headers: ['range'],
        allowed_operations: ['b2_download_file_by_name'],
        allowed_origins: ['https://home.example.org'],
        cors_rule_name: 'downloadFromLan',
        expose_headers: ['x-bz-content-sha1'],
        max_age_seconds: 3600,
      }],
      default_server_side_encryption: [{ algorithm: 'AES256', mode: 'SSE-B2' }],
      file_lock_configuration: [{
        default_retention: [{ mode: 'governance', period: [{ duration: 14, unit: 'days' }] }],
        is_file_lock_enabled: true,
      }],
      lifecycle_rules: [{
        days_from_hiding_to_deleting: 30,
        days_from_starting_to_canceling_unfinished_large_files: 7,
        days_from_uploading_to_hiding: 365,
        file_name_prefix: '',
      }],
    });
    expect(out.resource.b2_application_key.BackupKey).toEqual({
      bucket_ids: ['${b2_bucket.Backup.bucket_id}'],
      capabilities: ['listBuckets', 'listFiles', 'readFiles', 'writeFiles', 'deleteFiles'],
      key_name: 'restic-nas01',
      name_prefix: 'nas01/',
      valid_duration_in_seconds: 31536000,
    });
  });

  test('proxmox download file and VM: exact JSON for the fields that matter', () => {
    // GIVEN / WHEN
    const out = synth(buildStack());
    const vm = out.resource.proxmox_virtual_environment_vm.Nas01;

    // THEN the image is downloaded by the node and imported as the boot disk
    expect(out.resource.proxmox_virtual_environment_download_file.DebianImage).toMatchObject({
      content_type: 'import',
      datastore_id: 'local',
      node_name: 'pve1',
      file_name: 'debian-12-generic-amd64-20231228-1609.qcow2',
      checksum_algorithm: 'sha256',
      overwrite: false,
      provider: 'proxmox',
    });
    expect(vm).toMatchObject({ node_name: 'pve1', vm_id: 101, name: 'nas01', provider: 'proxmox', tags: ['homelab', 'nas'] });
    expect(vm.agent).toEqual([{ enabled: true, trim: true, wait_for_ip: [{ ipv4: true }] }]);
    expect(vm.cpu).toEqual([{ affinity: '0-3,8-11', cores: 4, numa: true, sockets: 2, type: 'host' }]);
    expect(vm.memory).toEqual([{ dedicated: 16384, floating: 0 }]);
    expect(vm.numa).toEqual([
      { cpus: '0-3', device: 'numa0', hostnodes: '0', memory: 8192, policy: 'bind' },
      { cpus: '4-7', device: 'numa1', hostnodes: '1', memory: 8192, policy: 'bind' },
    ]);
    expect(vm.disk).toEqual([
      {
        datastore_id: 'local-lvm', discard: 'on', import_from: '${proxmox_virtual_environment_download_file.DebianImage.id}',
        interface: 'scsi0', iothread: true, size: 32, ssd: true,
      },
      { backup: false, datastore_id: 'local-lvm', discard: 'on', file_format: 'raw', interface: 'scsi1', iothread: true, size: 200 },
      { backup: false, datastore_id: '', file_format: 'raw', interface: 'scsi2', path_in_datastore: PASSTHROUGH_DISK, replicate: false },
    ]);
    expect(vm.network_device).toEqual([{ bridge: 'vmbr0', firewall: false, mac_address: 'BC:24:11:00:01:01', model: 'virtio', vlan_id: 100 }]);
    expect(vm.initialization).toEqual([{
      datastore_id: 'local-lvm',
      dns: [{ domain: 'home.example.org', servers: ['10.0.100.1'] }],
      ip_config: [{ ipv4: [{ address: '10.0.100.11/24', gateway: '10.0.100.1' }] }],
      user_account: [{ keys: [ADMIN_KEY], username: 'admin' }],
    }]);
    expect(vm.serial_device).toEqual([{}]);
    expect(vm.hostpci).toEqual([{ device: 'hostpci0', mapping: 'hba', pcie: true, rombar: true }]);
    expect(out.resource.proxmox_virtual_environment_vm.Web01.clone).toEqual([
      { datastore_id: 'local-lvm', full: true, node_name: 'pve1', retries: 3, vm_id: 9000 },
    ]);
  });

  test('synthesizes the same bytes twice', () => {
    // GIVEN / WHEN two independent synths
    // THEN identical output
    expect(Testing.synth(buildStack())).toBe(Testing.synth(buildStack()));
  });

  test('HCL synthesis renders blocks with provider names', () => {
    // GIVEN / WHEN
    const hcl: string = Testing.synthHcl(buildStack());

    // THEN nested blocks are HCL blocks and attributes keep their provider names
    expect(hcl).toContain('resource "proxmox_virtual_environment_vm" "Nas01" {');
    expect(hcl).toContain(`path_in_datastore = "${PASSTHROUGH_DISK}"`);
    expect(hcl).toMatch(/ip_config \{\s*ipv4 \{\s*address = "10\.0\.100\.11\/24"\s*gateway = "10\.0\.100\.1"\s*\}\s*\}/);
    expect(hcl).toMatch(/lifecycle_rules \{[^}]*days_from_hiding_to_deleting = 30/);
    expect(hcl).toContain('bucket_info = {');
    expect(hcl).not.toMatch(/[a-z][A-Z][a-z]+ = /); // no camelCase attribute leaked
  });

  test('block lists given lazily are rendered with provider names', () => {
    // GIVEN disks produced only at synth time
    const app = Testing.app();
    const stack = new TerraformStack(app, 'lazy');
    const disks: Array<{ interface: string; size: number }> = [];
    new ProxmoxVirtualEnvironmentVm(stack, 'Vm', {
      nodeName: 'pve1',
      disk: Lazy.anyValue({ produce: () => disks }),
    });
    disks.push({ interface: 'virtio0', size: 16 });

    // WHEN
    const out = synth(stack);

    // THEN
    expect(out.resource.proxmox_virtual_environment_vm.Vm.disk).toEqual([{ interface: 'virtio0', size: 16 }]);
  });

  test('fails on an unknown config key, naming the construct and the field', () => {
    // GIVEN a config from untyped code with a typo in a nested block
    const app = Testing.app();
    const stack = new TerraformStack(app, 'typo');
    const config: any = {
      bucketName: 'x', bucketType: 'allPrivate', lifecycleRules: [{ fileNamePrefx: '' }],
    };

    // WHEN / THEN
    expect(() => new B2Bucket(stack, 'Backup', config)).toThrow(HomelabValidationError);
    expect(() => new B2Bucket(stack, 'Backup2', config))
      .toThrow(/^\[typo\/Backup2\] B2Bucket\.lifecycleRules\[0\]\.fileNamePrefx: unknown attribute \(got "fileNamePrefx"\); one of /);
  });
});
