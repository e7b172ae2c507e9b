/**
 * Terraform reads `${…}` and `%{…}` in a `.tf.json` string as template code.
 * Every literal string reaches `cdk.tf.json` escaped (`$${`, `%%{`) and reads
 * back as written; only our own references stay expressions.
 */
import * as cdktf from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory as reference } from '../../apps/inventory';
import { Homelab, Inventory } from '../../lib';
import { escapeLiterals, escapeTemplate, isExpressionToken } from '../../lib/terraform/escape';
import { B2Bucket } from '../../lib/terraform/providers/b2';
import { synthTerraform } from '../../lib/synth/terraform';
import { Draft } from '../model/fixtures';
import { readTemplate, templateStrings, unescapedTemplates } from '../helpers/terraform-json';

const HOSTILE = '${file("/etc/passwd")} %{ if true }x%{ endif } $${ %%{ $$${ ${';

function draft(): Draft<Inventory> {
  return JSON.parse(JSON.stringify(reference));
}

function synthDoc(lab: Homelab): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-tfescape-'));
  try {
    synthTerraform(lab.terraform, dir);
    return JSON.parse(fs.readFileSync(path.join(dir, 'stacks', lab.model.name, 'cdk.tf.json'), 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('escapeTemplate', () => {
  test.each([
    ['plain', 'plain'],
    ['${x}', '$${x}'],
    ['%{ if }', '%%{ if }'],
    ['$${x}', '$$${x}'],
    ['%%{', '%%%{'],
    ['$ { % {', '$ { % {'],
    ['a${b}c%{d}', 'a$${b}c%%{d}'],
    ['', ''],
  ])('%j -> %j, and Terraform reads the original back', (input, escaped) => {
    expect(escapeTemplate(input)).toBe(escaped);
    expect(readTemplate(escaped)).toEqual({ value: input, unescaped: [] });
  });

  test('tells our expression tokens from data tokens', () => {
    const stack = new cdktf.TerraformStack(new cdktf.App(), 's');
    const v = new cdktf.TerraformVariable(stack, 'v', { type: 'string' });
    expect(isExpressionToken(cdktf.Tokenization.reverseString(v.stringValue).firstToken)).toBe(true);
    expect(isExpressionToken(cdktf.Lazy.anyValue({ produce: () => 'x' }))).toBe(false);
    expect(escapeLiterals({ 'k${': ['${a}', 1, true] })).toEqual({ 'k$${': ['$${a}', 1, true] });
  });
});

describe('cdk.tf.json', () => {
  test('the reference homelab has no unescaped template and keeps its references', () => {
    // WHEN
    const doc = synthDoc(new Homelab({ inventory: reference }));
    // THEN
    expect(unescapedTemplates(doc)).toEqual([]);
    const refs = templateStrings(doc).filter((s) => s.raw.startsWith('${'));
    expect(refs.map((s) => s.raw)).toEqual(expect.arrayContaining(['${var.proxmox_api_token}', '${var.b2_key}']));
  });

  test('hostile ssh key comment, Proxmox endpoint and image URL arrive escaped and read back exactly', () => {
    // GIVEN an inventory whose Terraform-bound strings all hold template code
    const inv = draft();
    const key = `${inv.admins[0].sshKeys[0].split(' ').slice(0, 2).join(' ')} ${HOSTILE}`;
    inv.admins[0].sshKeys = [key];
    const site = inv.sites.find((s) => s.proxmox)!;
    const endpoint = `https://pve1.home.example.org:8006/${HOSTILE}`;
    site.proxmox!.endpoint = endpoint;
    const url = 'https://images.example.org/${file("/etc/shadow")}/nixos.qcow2';
    for (const h of site.hosts ?? []) if (h.vm?.systemDisk?.image) h.vm.systemDisk.image.url = url;
    // WHEN
    const doc = synthDoc(new Homelab({ inventory: inv as Inventory }));
    // THEN nothing outside our references is a template, and each value reads back byte for byte
    expect(unescapedTemplates(doc)).toEqual([]);
    const values = templateStrings(doc).filter((s) => !s.literal).map((s) => s.value);
    expect(values).toContain(endpoint);
    expect(values).toContain(url);
    expect(values).toContain(key);
    expect(JSON.stringify(doc)).toContain(JSON.stringify(escapeTemplate(key)));
  });

  test('a construct of the user\'s own: literals and Lazy data escaped, references mixed into text kept', () => {
    // GIVEN a bucket added by hand to the homelab's stack
    const lab = new Homelab({ inventory: reference });
    const v = lab.stack.secret('b2-key', 'x');
    new B2Bucket(lab.stack, 'Mine', {
      bucketName: `${HOSTILE}-${v.stringValue}-%{`,
      bucketType: 'allPrivate',
      lifecycleRules: cdktf.Lazy.anyValue({ produce: () => [{ fileNamePrefix: HOSTILE, daysFromHidingToDeleting: 1 }] }) as never,
      bucketInfo: { [HOSTILE]: cdktf.Lazy.stringValue({ produce: () => HOSTILE }) },
    });
    new cdktf.TerraformOutput(lab.stack, 'mine', { value: cdktf.Lazy.stringValue({ produce: () => HOSTILE }), description: 'plain' });
    // WHEN
    const doc = synthDoc(lab) as any;
    // THEN
    expect(unescapedTemplates(doc)).toEqual([]);
    const mine = doc.resource.b2_bucket.Mine;
    expect(readTemplate(mine.bucket_name).value).toBe(`${HOSTILE}-\${var.b2_key}-%{`);
    expect(readTemplate(mine.lifecycle_rules[0].file_name_prefix).value).toBe(HOSTILE);
    expect(mine.bucket_info).toEqual({ [escapeTemplate(HOSTILE)]: escapeTemplate(HOSTILE) });
    expect(readTemplate(doc.output.mine.value).value).toBe(HOSTILE);
  });

  test.each([
    ['s3 key', { type: 's3', bucket: 'tfstate', key: 'lab/${file("/etc/passwd")}' }, 'key'],
    ['s3 endpoint', { type: 's3', bucket: 'tfstate', endpoint: 'https://s3.example.net/%{ for x in y }' }, 'endpoint'],
    ['local path', { type: 'local', path: 'state/${path.cwd}.tfstate' }, 'path'],
  ])('fails on a template sequence in the state backend\'s %s (Terraform takes it literally, OpenTofu evaluates it)', (_, backend, field) => {
    const inv = draft();
    inv.stateBackend = backend as never;
    expect(() => new Homelab({ inventory: inv as Inventory })).toThrow(
      new RegExp(`\\[inventory\\.stateBackend\\] StateBackend\\.${field}: holds a Terraform template sequence \\(got .*\\); no "\\$\\{" or "%\\{"`));
  });

  test('a state backend without template code is written literally', () => {
    const inv = draft();
    inv.stateBackend = { type: 's3', bucket: 'tfstate', key: 'lab/$ {x}/state', endpoint: 'https://s3.example.net/a$b' };
    const doc = synthDoc(new Homelab({ inventory: inv as Inventory })) as any;
    expect(doc.terraform.backend.s3).toMatchObject({ key: 'lab/$ {x}/state', endpoints: { s3: 'https://s3.example.net/a$b' } });
    expect(unescapedTemplates(doc)).toEqual([]);
  });

  test('synthesizing twice escapes once', () => {
    const inv = draft();
    inv.sites.find((s) => s.proxmox)!.proxmox!.endpoint = 'https://pve1.home.example.org:8006/${x}';
    const lab = new Homelab({ inventory: inv as Inventory });
    const first = synthDoc(lab);
    expect(synthDoc(lab)).toEqual(first);
    expect(JSON.stringify(first)).toContain('8006/$${x}');
  });
});
