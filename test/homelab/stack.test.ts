/**
 * The B2 side of restic backups in the Terraform stack: one private bucket,
 * a lifecycle rule per backed-up app's prefix, one key per backed-up app
 * limited to that prefix, and sensitive outputs that hand the keys to the
 * cluster. Checked field by field against the provider docs, plus canaries:
 * no secret value ever reaches the JSON.
 */
import * as cdktf from 'cdktf';
import * as os from 'os';
import * as path from 'path';
import { Homelab } from '../../lib';
import { B2ApplicationKey } from '../../lib/terraform/providers/b2';
import { RESTIC_B2_CAPABILITIES, resticKeyOutputs } from '../../lib/constructs/restic-b2-bucket';
import { HomelabStack } from '../../lib/homelab/stack';
import { deriveModel, Model } from '../../lib/model/derive';
import { Inventory } from '../../lib/model/inventory';
import { validateInventory } from '../../lib/model/rules';
import { bodies, docFor, missingRequired, undocumentedKeys } from '../helpers/terraform-docs';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmJ4xjtY7m5Qn0dJc1a4v3H0p8kZr2uXk9sQyV6bT1w manfred@laptop';

/** Names that look like secret values: if synth ever wrote a value instead of a reference, these would show. */
const CANARY = 'CANARY-b2-0f1e2d3c';

/** A small homelab: `gitea` (postgresql + volume) and `files` (volume) backed up, `whoami` not. */
function backupInventory(overrides: Partial<Inventory> = {}): Inventory {
  return {
    name: 'lab',
    admins: [{ name: 'manfred', sshKeys: [KEY], hashedPasswordSecret: 'admin-password' }],
    secrets: [
      { name: 'k3s-token', description: `k3s join token ${CANARY}` },
      { name: 'admin-password', description: 'hashed password of the admin user' },
      { name: 'b2-key-id', description: `B2 key id Terraform uses ${CANARY}` },
      { name: 'b2-key', description: `B2 application key Terraform uses ${CANARY}` },
      { name: 'gitea-db-password', description: 'Gitea database password' },
      { name: 'gitea-restic-password', description: `restic repository password of gitea ${CANARY}` },
      { name: 'files-restic-password', description: `restic repository password of files ${CANARY}` },
    ],
    cluster: { tokenSecret: 'k3s-token' },
    backup: { bucket: 'lab-homelab-backups', keyIdSecret: 'b2-key-id', keySecret: 'b2-key', keepDeletedDays: 21 },
    sites: [{
      name: 'home',
      networks: [{ name: 'lan', cidr: '10.0.100.0/24', gateway: '10.0.100.1', domain: 'home.example.org' }],
      hosts: [{ name: 'olaf', network: 'lan', ip: '10.0.100.10', interface: 'enp0s20f0', k3s: 'server', k3sInit: true }],
    }],
    apps: [
      { name: 'whoami', image: 'traefik/whoami:v1.10.3', port: 8080 },
      {
        name: 'gitea',
        image: 'gitea/gitea:1.22.3-rootless',
        port: 3000,
        volumes: [{ name: 'data', mountPath: '/var/lib/gitea', sizeGiB: 20 }],
        database: { engine: 'postgresql', passwordSecret: 'gitea-db-password' },
        backup: { passwordSecret: 'gitea-restic-password', retention: { keepDaily: 7, keepDeletedDays: 14 } },
      },
      {
        name: 'files',
        image: 'docker.io/library/nginx:1.27.2',
        port: 8080,
        volumes: [{ name: 'share', mountPath: '/srv', sizeGiB: 50 }],
        // no keepDeletedDays: inventory.backup.keepDeletedDays (21) applies
        backup: { passwordSecret: 'files-restic-password' },
      },
    ],
    ...overrides,
  };
}

/** cdktf creates an App's outdir eagerly; nothing is written there (the same scratch dir as `Homelab`). */
const SCRATCH = path.join(os.tmpdir(), 'homelab-cdk-cdktf-scratch');

/**
 * The Terraform half of `new Homelab({ inventory })`: the same model
 * validation, the same model, the same stack, without the Kubernetes charts
 * (this file tests the Terraform emitter only).
 */
function stackOf(inv: Inventory): { model: Model; stack: HomelabStack } {
  expect(validateInventory(inv).map((p) => p.message)).toEqual([]);
  const model = deriveModel(inv);
  return { model, stack: new HomelabStack(new cdktf.App({ outdir: SCRATCH, stackTraces: false }), model.name, model) };
}

function build(inv: Inventory): { lab: { model: Model; stack: HomelabStack }; json: any; text: string } {
  const lab = stackOf(inv);
  const text = cdktf.Testing.synth(lab.stack);
  return { lab, json: JSON.parse(text), text };
}

const BUCKET_ID = '${b2_bucket.BackupBucket.bucket_id}';

describe('HomelabStack backups', () => {
  const { lab, json, text } = build(backupInventory());
  const bucket = () => json.resource.b2_bucket.BackupBucket;
  const keys = () => json.resource.b2_application_key as Record<string, any>;

  test('one private bucket with SSE-B2', () => {
    // GIVEN two backed-up apps; WHEN synthesized (above); THEN
    expect(Object.keys(json.resource.b2_bucket)).toEqual(['BackupBucket']);
    expect(bucket().bucket_name).toBe('lab-homelab-backups');
    expect(bucket().bucket_type).toBe('allPrivate');
    expect(bucket().default_server_side_encryption).toEqual([{ mode: 'SSE-B2', algorithm: 'AES256' }]);
  });

  test('one lifecycle rule per backed-up app, by app name, and no whole-bucket rule', () => {
    // THEN files (inventory default 21) before gitea (its own 14); '' would overlap both, which B2 rejects
    expect(bucket().lifecycle_rules).toEqual([
      { file_name_prefix: 'files/', days_from_hiding_to_deleting: 21 },
      { file_name_prefix: 'gitea/', days_from_hiding_to_deleting: 14 },
    ]);
    expect(bucket().lifecycle_rules.map((r: any) => r.file_name_prefix)).not.toContain('');
  });

  test('no rule ever hides files by age (restic manages its own files)', () => {
    for (const rule of bucket().lifecycle_rules) {
      expect(rule).not.toHaveProperty('days_from_uploading_to_hiding');
    }
    expect(text).not.toContain('days_from_uploading_to_hiding');
  });

  test('one key per backed-up app, none for the others, and no homelab-wide key', () => {
    expect(Object.keys(keys()).sort()).toEqual(['BackupKey-files', 'BackupKey-gitea']);
    expect(keys()).not.toHaveProperty('BackupKey');
    expect(keys()).not.toHaveProperty('BackupKey-whoami');
    expect([...lab.stack.appKeys.keys()]).toEqual(['files', 'gitea']);
    expect(lab.stack.appKeys.get('gitea')).toBeInstanceOf(B2ApplicationKey);
    expect(lab.stack).not.toHaveProperty('backupKey');
  });

  test.each([
    ['gitea', 'lab-gitea-restic', 'gitea/'],
    ['files', 'lab-files-restic', 'files/'],
  ])('the %s key: its name, the bucket, its prefix, exactly restic\'s capabilities', (app, keyName, prefix) => {
    const key = keys()[`BackupKey-${app}`];
    expect(key.key_name).toBe(keyName);
    expect(key.bucket_ids).toEqual([BUCKET_ID]);
    expect(key).not.toHaveProperty('bucket_id');
    expect(key.name_prefix).toBe(prefix);
    expect(key.capabilities).toEqual(['listBuckets', 'listFiles', 'readFiles', 'writeFiles']);
    expect(key.capabilities).not.toContain('deleteFiles');
    expect(key.capabilities).not.toContain('listAllBucketNames');
    expect(key).not.toHaveProperty('valid_duration_in_seconds');
  });

  test('the key prefixes are the prefixes the model gives restic', () => {
    for (const app of lab.model.apps.filter((a) => a.backup)) {
      expect(keys()[`BackupKey-${app.name}`].name_prefix).toBe(app.backup!.prefix);
      expect(app.backup!.repository.endsWith(`/${app.backup!.prefix.replace(/\/$/, '')}`)).toBe(true);
    }
  });

  test('output names per app', () => {
    expect(resticKeyOutputs('gitea')).toEqual({ keyId: 'restic_gitea_b2_key_id', key: 'restic_gitea_b2_key' });
    expect(resticKeyOutputs('my-app')).toEqual({ keyId: 'restic_my_app_b2_key_id', key: 'restic_my_app_b2_key' });
  });

  test.each(['gitea', 'files'])('sensitive outputs reference the %s key\'s id and secret', (app) => {
    const names = resticKeyOutputs(app);
    expect(json.output[names.keyId]).toMatchObject({ value: `\${b2_application_key.BackupKey-${app}.application_key_id}`, sensitive: true });
    expect(json.output[names.key]).toMatchObject({ value: `\${b2_application_key.BackupKey-${app}.application_key}`, sensitive: true });
  });

  test('outputs exist only for backed-up apps, and all are sensitive references', () => {
    expect(Object.keys(json.output).sort()).toEqual([
      'restic_files_b2_key', 'restic_files_b2_key_id', 'restic_gitea_b2_key', 'restic_gitea_b2_key_id',
    ]);
    for (const o of Object.values<any>(json.output)) {
      expect(o.sensitive).toBe(true);
      expect(o.value).toMatch(/^\$\{b2_application_key\.BackupKey-[a-z0-9-]+\.application_key(_id)?\}$/);
    }
  });

  test('uses only attribute names from the B2 provider docs, and every required one', () => {
    const found = bodies(json).filter((b) => b.docKey.includes('b2'));
    expect(found.map((b) => b.label).sort()).toEqual([
      'b2_application_key.BackupKey-files', 'b2_application_key.BackupKey-gitea', 'b2_bucket.BackupBucket', 'provider.b2[0]',
    ]);
    for (const b of found) {
      expect({ label: b.label, problems: undocumentedKeys(docFor(b.docKey), b.body) }).toEqual({ label: b.label, problems: [] });
      expect({ label: b.label, problems: missingRequired(docFor(b.docKey), b.body) }).toEqual({ label: b.label, problems: [] });
    }
  });

  test('no secret value can reach the JSON: every credential is a variable or a reference', () => {
    // GIVEN secrets whose descriptions carry a canary
    // THEN descriptions never reach the stack
    expect(text).not.toContain(CANARY);
    // AND the provider reads sensitive variables
    expect(json.provider.b2[0]).toEqual({ application_key: '${var.b2_key}', application_key_id: '${var.b2_key_id}' });
    expect(json.variable.b2_key).toMatchObject({ sensitive: true, type: 'string' });
    expect(json.variable.b2_key_id).toMatchObject({ sensitive: true, type: 'string' });
    // AND every application_key / application_key_id field, and every output, holds a reference, never a value
    const leaks: string[] = [];
    const walk = (v: unknown, p: string, key: string): void => {
      if (Array.isArray(v)) v.forEach((e, i) => walk(e, `${p}[${i}]`, key));
      else if (v !== null && typeof v === 'object') for (const [k, e] of Object.entries(v)) walk(e, `${p}.${k}`, k);
      else if (/^application_key(_id)?$/.test(key) && !(typeof v === 'string' && /^\$\{(var|b2_application_key)\.[^}]+\}$/.test(v))) leaks.push(`${p} = ${String(v)}`);
    };
    walk(json, '', '');
    for (const [name, o] of Object.entries<any>(json.output)) {
      if (!/^\$\{b2_application_key\.[^}]+\}$/.test(o.value)) leaks.push(`output.${name} = ${o.value}`);
    }
    expect(leaks).toEqual([]);
    // AND the only strings mentioning application keys are references (outputs and provider config)
    const mentions = text.match(/"[^"]*application_key[^"]*"/g) ?? [];
    for (const m of mentions) {
      expect(m).toMatch(/^"(application_key(_id)?|b2_application_key|\$\{[^}]+\})"$/);
    }
  });

  test('canary values in the environment never reach the JSON', () => {
    // GIVEN a value for every declared secret and every app's B2 key Secret, the way deploy time sets them
    const names = [
      ...backupInventory().secrets!.map((x) => x.name),
      'gitea-b2-key-id', 'gitea-b2-key', 'files-b2-key-id', 'files-b2-key',
    ];
    const env: Record<string, string> = {
      B2_APPLICATION_KEY_ID: `${CANARY}-provider-key-id`,
      B2_APPLICATION_KEY: `${CANARY}-provider-key`,
      AWS_ACCESS_KEY_ID: `${CANARY}-aws-key-id`,
      AWS_SECRET_ACCESS_KEY: `${CANARY}-aws-key`,
    };
    for (const n of names) {
      env[`HOMELAB_SECRET_${n.toUpperCase().replace(/-/g, '_')}`] = `${CANARY}-${n}`;
      env[`TF_VAR_${n.replace(/-/g, '_')}`] = `${CANARY}-${n}`;
    }
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let synthesized: string;
    try {
      // WHEN the stack is synthesized with them present
      synthesized = build(backupInventory()).text;
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    // THEN none of them is in it, and the JSON is the same as without them
    expect(synthesized).not.toContain(CANARY);
    expect(synthesized).toBe(text);
  });

  test('restic password secrets never become Terraform variables', () => {
    expect(Object.keys(json.variable).sort()).toEqual(['b2_key', 'b2_key_id']);
  });

  test('a Homelab built from the same inventory has the same stack', () => {
    const homelab = new Homelab({ inventory: backupInventory() });
    expect(cdktf.Testing.synth(homelab.stack)).toBe(text);
    expect([...homelab.stack.appKeys.keys()]).toEqual(['files', 'gitea']);
  });

  test('same inputs, same bytes', () => {
    expect(build(backupInventory()).text).toBe(text);
  });
});

describe('HomelabStack backups without backed-up apps', () => {
  test('keeps the whole-bucket rule and makes no key and no output', () => {
    // GIVEN inventory.backup but no app with backup
    const inv = backupInventory();
    const { lab, json } = build({ ...inv, apps: inv.apps!.map(({ backup: _backup, ...a }) => a) });
    // THEN
    expect(json.resource.b2_bucket.BackupBucket.lifecycle_rules).toEqual([{ file_name_prefix: '', days_from_hiding_to_deleting: 21 }]);
    expect(json.resource.b2_application_key).toBeUndefined();
    expect(json.output).toBeUndefined();
    expect(lab.stack.appKeys.size).toBe(0);
  });

  test('the whole-bucket rule defaults to 30 days', () => {
    const inv = backupInventory();
    const { json } = build({
      ...inv,
      backup: { bucket: 'lab-homelab-backups', keyIdSecret: 'b2-key-id', keySecret: 'b2-key' },
      apps: inv.apps!.map(({ backup: _backup, ...a }) => a),
    });
    expect(json.resource.b2_bucket.BackupBucket.lifecycle_rules).toEqual([{ file_name_prefix: '', days_from_hiding_to_deleting: 30 }]);
  });

  test('no bucket at all without inventory.backup', () => {
    const inv = backupInventory();
    const { lab, json } = build({ ...inv, backup: undefined, apps: inv.apps!.map(({ backup: _backup, ...a }) => a) });
    expect(json.resource?.b2_bucket).toBeUndefined();
    expect(lab.stack.bucket).toBeUndefined();
    expect(lab.stack.appKeys.size).toBe(0);
  });
});

describe('HomelabStack backups with a bucket of the app\'s own', () => {
  const own = () => {
    const inv = backupInventory();
    return { ...inv, apps: inv.apps!.map((a) => (a.name === 'files' ? { ...a, backup: { ...a.backup!, bucket: 'lab-files-archive' } } : a)) };
  };

  test('the app gets its own private, encrypted bucket with its rule; the homelab bucket keeps the others', () => {
    const { lab, json } = build(own());
    expect(json.resource.b2_bucket['BackupBucket-files']).toEqual({
      bucket_name: 'lab-files-archive',
      bucket_type: 'allPrivate',
      default_server_side_encryption: [{ algorithm: 'AES256', mode: 'SSE-B2' }],
      lifecycle_rules: [{ days_from_hiding_to_deleting: 21, file_name_prefix: 'files/' }],
    });
    expect(json.resource.b2_bucket.BackupBucket.lifecycle_rules).toEqual([{ days_from_hiding_to_deleting: 14, file_name_prefix: 'gitea/' }]);
    expect([...lab.stack.appBuckets.keys()]).toEqual(['files']);
  });

  test("the app's key is limited to its own bucket and prefix; the repository points there", () => {
    const { lab, json } = build(own());
    expect(json.resource.b2_application_key['BackupKey-files'].bucket_ids).toEqual(['${b2_bucket.BackupBucket-files.bucket_id}']);
    expect(json.resource.b2_application_key['BackupKey-files'].name_prefix).toBe('files/');
    expect(json.resource.b2_application_key['BackupKey-gitea'].bucket_ids).toEqual([BUCKET_ID]);
    const files = lab.model.apps.find((a) => a.name === 'files')!.backup!;
    expect(files.repository).toBe('s3:https://s3.us-west-004.backblazeb2.com/lab-files-archive/files');
    expect(files.ownBucket).toBe(true);
  });

  test('state in the app\'s own bucket under its prefix is refused, like in the shared one', () => {
    const inv = { ...own(), stateBackend: { type: 's3' as const, bucket: 'lab-files-archive', key: 'files/terraform.tfstate' } };
    expect(() => new HomelabStack(new cdktf.App({ outdir: SCRATCH, stackTraces: false }), inv.name, deriveModel(inv))).toThrow(/under app files's backup prefix/);
  });
});

describe('HomelabStack backup limits', () => {
  // Not validated first: these inventories exercise the stack's own checks.
  const stackOf = (inv: Inventory) => new HomelabStack(new cdktf.App({ outdir: SCRATCH, stackTraces: false }), inv.name, deriveModel(inv));

  test('fails when the key name is longer than B2 allows', () => {
    const inv = backupInventory();
    const long = 'a'.repeat(63);
    const apps = [{ ...inv.apps![2], name: long }];
    expect(() => stackOf({ ...inv, name: 'b'.repeat(40), apps })).toThrow(
      new RegExp(`\\[${'b'.repeat(40)}/BackupKey-${long}\\] B2ApplicationKey\\.keyName: too long for B2`),
    );
  });

  test('fails with more backed-up apps than B2 allows lifecycle rules', () => {
    const inv = backupInventory();
    const apps = Array.from({ length: 101 }, (_, i) => ({ ...inv.apps![2], name: `app${i}` }));
    expect(() => stackOf({ ...inv, apps })).toThrow(/\[lab\] HomelabStack\.lifecycleRules: more backed-up apps than B2 allows .* \(got 101\); at most 100/);
  });

  test('fails when the Terraform state lies under a backed-up app\'s prefix of the bucket', () => {
    // GIVEN state in the backup bucket at files/… (an app key could read every other key from it)
    const inv = backupInventory({ stateBackend: { type: 's3', bucket: 'lab-homelab-backups', key: 'files/terraform.tfstate' } });
    expect(() => stackOf(inv)).toThrow(/\[lab\] HomelabStack\.stateBackend\.key: .* under app files's backup prefix \(got "files\/terraform\.tfstate"\)/);
  });

  test('state in the backup bucket outside every app prefix is fine (and gets no lifecycle rule)', () => {
    const inv = backupInventory({ stateBackend: { type: 's3', bucket: 'lab-homelab-backups' } });
    const json = JSON.parse(cdktf.Testing.synth(stackOf(inv)));
    expect(json.terraform.backend.s3.key).toBe('lab/terraform.tfstate');
    expect(json.resource.b2_bucket.BackupBucket.lifecycle_rules.map((r: any) => r.file_name_prefix)).toEqual(['files/', 'gitea/']);
  });

  test('capabilities constant is what the keys get', () => {
    expect(RESTIC_B2_CAPABILITIES).toEqual(['listBuckets', 'listFiles', 'readFiles', 'writeFiles']);
  });
});
