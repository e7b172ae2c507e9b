/**
 * Hostile strings through every user-settable string field of the inventory
 * (issue 20): each value is either rejected in the house format (no stack
 * trace) or read back byte for byte by the real reader of every output it
 * reaches: kubectl's YAML reader (go-yaml), `nix-instantiate --eval --strict
 * --json`, Terraform's template reading of `cdk.tf.json`, our UCI parser.
 *
 * The fields come from `lib/model/fields.ts` walking `INVENTORY_SAMPLES`
 * (every field of every type set), so a new field is driven here or must be
 * named in NOT_DRIVEN with the reason.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory as reference } from '../../apps/inventory';
import { Homelab, Inventory } from '../../lib';
import { parseUci } from '../../lib/uci/parse';
import { SOPS_FILE_AT_ROOT } from '../../lib/nix/sops';
import { inventoryStrings } from '../../lib/model/fields';
import { INVENTORY_SAMPLES } from '../../lib/model/inventory-sample';
import { HomelabValidationError } from '../../lib/core/errors';
import { validateInventory } from '../../lib/model/rules';
import { readYamlLikeKubectl } from '../helpers/go-yaml';
import { hasNixInstantiate, nixEvalModule, nixEvalStrict } from '../helpers/nix';
import { templateStrings, unescapedTemplates } from '../helpers/terraform-json';
import { hasTool } from '../helpers/tools';
import { listFiles } from '../helpers/tree';
import { MESSAGE_FORMAT } from './fixtures';

const HOSTILE = [
  '${file("/etc/passwd")}', '%{ if true }x%{ endif }', "''${x}", '"\'q', 'back\\slash\\', 'a\rb', 'a\u0085b', 'a\u2028b\u2029',
  'a\u0000b', 'a\u001b[2Jb', 'a\nb', 'x'.repeat(300), '@@HOMELAB_SECRET:wg-gw-key@@', 'é😀\u202e',
];

/** The reference homelab, plus values for the fields it leaves out, so more fields reach the outputs. */
function base(): Inventory {
  const inv = JSON.parse(JSON.stringify(reference));
  inv.nix = { stateVersion: '24.11', nixpkgs: 'github:NixOS/nixpkgs/nixos-24.11', timezone: 'Europe/Berlin' };
  inv.cluster = { ...inv.cluster, certIssuer: 'letsencrypt', ingressClass: 'traefik', k3sVersion: 'v1.30.4+k3s1' };
  inv.stateBackend = { type: 's3', bucket: 'tfstate', key: 'example/terraform.tfstate', endpoint: 'https://s3.example.net', region: 'us-west-004' };
  inv.bootstrap = { gitRemote: 'git@github.com:me/homelab.git', secretStore: 'https://vault.example.net:8200' };
  const olaf = inv.sites[0].hosts[0];
  olaf.taints = ['dedicated=infra:NoSchedule'];
  olaf.kind = 'metal';
  olaf.metadata = { rack: 'r1' };
  const gw = inv.sites[0].routers[0];
  Object.assign(gw, { address: '10.0.100.1', wanDevice: 'wan', lanPorts: ['lan1', 'lan2'] });
  Object.assign(gw.wifi[0], { device: 'radio0', encryption: 'sae' });
  const files = inv.apps.find((a: { name: string }) => a.name === 'files');
  files.backup.quiesce = { mode: 'hook', pre: 'echo pre', post: 'echo post' };
  files.backup.check = { schedule: '0 5 * * 0', readDataSubset: '5%' };
  return inv;
}

/** Fields of the samples that no driven inventory holds, and why. A new field lands here or in `base()`. */
const NOT_DRIVEN: Readonly<Record<string, string>> = {
  'stateBackend.path': 'the local backend: the s3 one is driven; both share the template rule',
  'sites[].hosts[].k3sContainers[].name': 'k3s containers need a macvlan host layout of their own',
  'sites[].hosts[].k3sContainers[].ip': 'as above',
  'sites[].hosts[].k3sContainers[].role': 'as above',
  'sites[].hosts[].vm.systemDisk.clone.node': 'the reference VMs import an image',
  'storagePools[].layout': 'the reference pool is cStor stripe by default',
  'cluster.platform.oauth.oidcIssuerUrl': 'the reference signs in with another provider',
  'sites[].hosts[].disks[]': 'metal pool disks need a storage lock',
  'sites[].networks[].allowTo[]': 'names of networks, checked against them; none in the reference',
  'sites[].routers[].ports[].name': 'the reference router uses lanPorts', 'sites[].routers[].ports[].untagged': 'as above',
  'sites[].routers[].ports[].tagged[]': 'as above',
  'sites[].hosts[].admins[]': 'names of admins, checked against them',
  'sites[].hosts[].vm.systemDisk.datastore': 'defaults from the node',
  'sites[].hosts[].vm.systemDisk.image.fileName': 'derived from the URL when unset',
  'sites[].hosts[].vm.cpuType': 'not in the reference VMs',
  'apps[].namespace': 'not in the reference apps',
  'apps[].volumes[].storageClass': 'the reference volumes use pools',
  'apps[].database.image': 'engine defaults', 'apps[].database.toolsImage': 'engine defaults',
  'apps[].database.name': 'engine defaults', 'apps[].database.user': 'engine defaults',
  'apps[].database.storageClass': 'the reference database uses a pool', 'apps[].database.volume': 'sqlite only', 'apps[].database.file': 'sqlite only',
  'apps[].backup.volumes[]': 'all volumes by default', 'apps[].backup.bucket': 'the shared bucket in the reference',
  'backup.region': 'the default region', 'backup.resticImage': 'the default image',
};

const LOCK = path.resolve(__dirname, '../../storage.lock.json');
const samplePatterns = [...new Set(INVENTORY_SAMPLES.flatMap((s) => inventoryStrings(s).map((x) => x.pattern)))].sort();

describe('the list of string fields', () => {
  test('every string field of the samples is driven here or named in NOT_DRIVEN', () => {
    const driven = new Set(inventoryStrings(base()).map((s) => s.pattern));
    expect(samplePatterns.filter((p) => !driven.has(p) && !(p in NOT_DRIVEN))).toEqual([]);
    // and NOT_DRIVEN names only real fields that really are not driven
    expect(Object.keys(NOT_DRIVEN).filter((p) => !samplePatterns.includes(p) || driven.has(p))).toEqual([]);
  });

  test('finds fields by walking, with the paths and classes messages use', () => {
    const strings = inventoryStrings(INVENTORY_SAMPLES[0]);
    expect(strings.find((s) => s.pattern === 'sites[].hosts[].vm.systemDisk.image.url')).toMatchObject({ path: 'inventory.sites[home].hosts[h].vm', field: 'Vm.systemDisk.image.url' });
    expect(strings.find((s) => s.pattern === 'apps[].env{key}')).toMatchObject({ path: 'inventory.apps[a]', field: 'App.env', value: 'K' });
    expect(strings.find((s) => s.pattern === 'admins[].sshKeys[]')).toMatchObject({ path: 'inventory.admins[me]', field: 'Admin.sshKeys[0]' });
    expect(samplePatterns.length).toBeGreaterThan(100);
  });
});

/** Every string leaf (and key) of a parsed document. */
function leaves(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((e) => leaves(e, out));
  else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) { out.push(k); leaves(e, out); }
  return out;
}

/** The strings of text that is data in another language: JSON, YAML (go-yaml, as Helm reads values), URL query values. */
function embedded(text: string): string[] {
  const out: string[] = [];
  try { leaves(JSON.parse(text), out); } catch { /* not JSON */ }
  try { leaves(readYamlLikeKubectl(text), out); } catch { /* not YAML */ }
  for (const m of text.matchAll(/[?&][^=&]+=([^&\s"]*)/g)) {
    try { out.push(...decodeURIComponent(m[1].replace(/\+/g, ' ')).split(',')); } catch { /* not encoded */ }
  }
  return out;
}

/** What each output file holds, as its real reader reads it. */
function readOutputs(root: string): Map<string, string[]> {
  const read = new Map<string, string[]>();
  for (const f of listFiles(root)) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    if (f.endsWith('.yaml') && f.startsWith('dist/')) read.set(f, leaves(readYamlLikeKubectl(text)));
    else if (f.endsWith('cdk.tf.json')) {
      const doc = JSON.parse(text);
      expect(unescapedTemplates(doc)).toEqual([]);
      read.set(f, templateStrings(doc).map((s) => s.value));
    } else if (f.startsWith('nixos/hosts/')) {
      const r = nixEvalModule(path.join(root, f));
      expect(r.stderr).toBe('');
      read.set(f, leaves(JSON.parse(r.stdout)));
    } else if (f === 'nixos/flake.nix') {
      const r = nixEvalStrict(`builtins.removeAttrs (import ${path.join(root, f)}) [ "outputs" ]`);
      expect(r.stderr).toBe('');
      read.set(f, leaves(JSON.parse(r.stdout)));
    } else if (/^routers\/[^/]+\/etc\/config\//.test(f)) {
      const parsed = parseUci(text);
      read.set(f, parsed.sections.flatMap((s) => [s.name ?? '', ...s.options.flatMap((o) => o.values)]));
    }
  }
  return read;
}

/** What is wrong with a rejection, if anything: it must be a HomelabValidationError of printable one-line house-format messages. */
function houseRejectionFaults(e: unknown): string[] {
  if (!(e instanceof HomelabValidationError)) return [`not a HomelabValidationError: ${String((e as Error)?.stack ?? e).slice(0, 300)}`];
  return e.problems.map((p) => p.message)
    .filter((m) => !MESSAGE_FORMAT.test(m) || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(m))
    .map((m) => `not in the house format: ${m.slice(0, 300)}`);
}

const realReaders = hasTool('go', ['version']) && hasNixInstantiate();
(realReaders ? describe : describe.skip)('hostile strings, one field at a time', () => {
  const patterns = [...new Set(inventoryStrings(base()).map((s) => s.pattern))];

  test.each(HOSTILE.map((h) => [JSON.stringify(h).slice(0, 40), h]))('%s: rejected in the house format or read back exactly', (_, hostile) => {
    // GIVEN each field holding the value (after its own), one field at a time; the fields validation accepts are
    // then set together (each behind its own marker), so one synth checks them all
    const faults: string[] = [];
    const accepted: { pattern: string; marker: string }[] = [];
    patterns.forEach((pattern, i) => {
      const inv = base();
      const marker = `M${i}q`;
      const field = inventoryStrings(inv).find((x) => x.pattern === pattern)!;
      field.set(`${field.value}${marker}${hostile}`); // after the valid value, so URLs and keys stay URLs and keys
      const problems = validateInventory(inv);
      if (problems.length > 0) faults.push(...houseRejectionFaults(new HomelabValidationError(problems)).map((f) => `${pattern}: ${f}`));
      else accepted.push({ pattern, marker });
    });
    // WHEN the accepted ones are synthesized (all at once; one by one where together they fail)
    const synth = (fields: typeof accepted): void => {
      const inv = base();
      for (const a of fields) {
        const field = inventoryStrings(inv).find((x) => x.pattern === a.pattern)!;
        field.set(`${field.value}${a.marker}${hostile}`);
      }
      const out = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-hostile-'));
      fs.mkdirSync(path.join(out, path.dirname(SOPS_FILE_AT_ROOT)), { recursive: true });
      fs.writeFileSync(path.join(out, SOPS_FILE_AT_ROOT), 'k3s-token: ENC[x]\n'); // the user's sops file, which the flake reads
      try {
        try {
          new Homelab({ inventory: inv, storageLockFile: LOCK }).synth({ outdir: out });
        } catch (e) {
          if (fields.length > 1) { fields.forEach((f) => synth([f])); return; }
          faults.push(...houseRejectionFaults(e).map((f) => `${fields[0].pattern}: ${f}`));
          return;
        }
        // THEN every file a marker reached gives the whole value back through its reader
        for (const [file, strings] of readOutputs(out)) {
          const text = fs.readFileSync(path.join(out, file), 'utf8');
          for (const a of fields) {
            if (!text.includes(a.marker) && !strings.some((x) => x.includes(a.marker))) continue;
            const whole = `${a.marker}${hostile}`;
            if (strings.some((x) => x.includes(whole))) continue;
            // text that is itself data (JSON in a Nix string, Helm values YAML, a URL query) is read by its own reader
            if (strings.filter((x) => x.includes(a.marker)).some((x) => embedded(x).some((y) => y.includes(whole)))) continue;
            faults.push(`${a.pattern}: does not read back from ${file}`);
          }
        }
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    };
    synth(accepted);
    expect(faults).toEqual([]);
  });

  test('fast-check: random strings in random fields are rejected in the house format or accepted', () => {
    fc.assert(fc.property(fc.constantFrom(...patterns), fc.string({ unit: 'binary', maxLength: 20 }), (pattern, value) => {
      const inv = base();
      inventoryStrings(inv).find((x) => x.pattern === pattern)!.set(value);
      try {
        new Homelab({ inventory: inv });
      } catch (e) {
        expect(houseRejectionFaults(e)).toEqual([]);
      }
    }), { numRuns: 150 });
  });
});
