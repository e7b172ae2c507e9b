/**
 * Every command's errors in the house format (`[file:line] Class.field: what (got value); allowed`),
 * exit 1, no stack trace, nothing left behind; input hygiene (UTF-8, capped values, no follow-on
 * errors, YAML aliases) and the documented input limits.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../lib/cli/command';
import { INPUT_LIMITS } from '../../lib/core/input';
import { listFiles } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'apps/main.ts');
const PLANS = path.join(ROOT, 'examples/plans');
const child = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8' });

/** The CLI in this process, its output captured. */
function run(args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = main(args, { out: (s) => { stdout += s; }, err: (s) => { stderr += s; } });
  return { status, stdout, stderr };
}

/** No stack trace, no raw Error text. */
const noTrace = (stderr: string) => {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/Error:/);
};

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-errors-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the example plans (and the admin key) to break. */
function plans(edit: Partial<Record<'hosts.csv' | 'k3s.csv' | 'network.yaml', string | Buffer>> = {}): string {
  const p = path.join(dir, 'plans');
  fs.mkdirSync(p);
  fs.cpSync(path.join(ROOT, 'examples/secrets'), path.join(dir, 'secrets'), { recursive: true });
  for (const f of ['hosts.csv', 'k3s.csv', 'network.yaml'] as const) fs.writeFileSync(path.join(p, f), edit[f] ?? fs.readFileSync(path.join(PLANS, f)));
  return p;
}

describe('disks discover and its lock', () => {
  const empty = () => {
    const f = path.join(dir, 'bd.json');
    fs.writeFileSync(f, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
    return f;
  };

  test.each([
    ['not JSON', '{"version": 1, "disks": ['],
    ['an old version', JSON.stringify({ version: 0, blockDevices: {} })],
    ['not UTF-8', Buffer.from([0x7b, 0xff, 0x7d])],
  ])('replaces a lock that is %s, saying so, and exits 0', (_what, content) => {
    // GIVEN a lock discover cannot read
    const lock = path.join(dir, 'storage.lock.json');
    fs.writeFileSync(lock, content);
    // WHEN discovering
    const r = run(['disks', 'discover', '--from', empty(), '--lock', lock, '--plans', PLANS]);
    // THEN it says what it does and writes a valid lock
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`homelab: cannot read the existing lock, so it is replaced by what was discovered now (git has the old one): [${lock}`);
    expect(JSON.parse(fs.readFileSync(lock, 'utf8'))).toEqual({ version: 1, disks: [] });
  });

  test('fails on a lock that is a folder, in the house format', () => {
    const lock = path.join(dir, 'lockdir');
    fs.mkdirSync(lock);
    const r = run(['disks', 'discover', '--from', empty(), '--lock', lock, '--plans', PLANS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`homelab: 1 problem; nothing was written\n  [${lock}] StorageLock: a folder, not a file (got ${JSON.stringify(lock)}); name the file itself\n`);
  });

  test('fails on a full disk in the house format, and leaves no lock.json.tmp-PID', () => {
    // GIVEN the temporary lock file leads to /dev/full (every write: ENOSPC)
    const lock = path.join(dir, 'storage.lock.json');
    fs.symlinkSync('/dev/full', `${lock}.tmp-${process.pid}`);
    // WHEN discovering
    const r = run(['disks', 'discover', '--from', empty(), '--lock', lock, '--plans', PLANS]);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`homelab: 1 problem; nothing was written\n  [${lock}] StorageLock: cannot be written: no space left on the device (got "ENOSPC"); free some space and run again; nothing was changed\n`);
    expect(fs.readdirSync(dir)).toEqual(['bd.json']);
  });

  test('fails on input that does not exist or is a folder, in the house format', () => {
    const r = run(['disks', 'discover', '--from', dir, '--plans', PLANS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`[${dir}] blockdevices: a folder, not a file`);
    noTrace(r.stderr);
  });
});

describe('router diff', () => {
  test('a uci export with a syntax error names the file and line, never the line\'s text, exit 1', () => {
    const from = path.join(dir, 'gw.uci');
    fs.writeFileSync(from, "package wireless\n\nconfig wifi-iface 'w'\n\toption key 'CANARY-psk\n");
    const r = child(['router', 'diff', 'gw', '--from', from, '--app', APP]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^homelab: 1 problem; nothing was compared\\n  \\[${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4\\] RouterDiff\\.from: not uci export output: [^\\n]+ \\(got nothing\\); the unchanged output of ssh root@<router> uci export\\n$`));
    expect(r.stderr).not.toContain('CANARY');
    expect(r.stdout).toBe('');
  });

  test('a folder as --from, in the house format', () => {
    const r = run(['router', 'diff', 'gw', '--from', dir, '--plans', PLANS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`homelab: 1 problem; nothing was compared\n  [${dir}] RouterDiff.from: a folder, not a file (got ${JSON.stringify(dir)}); name the file itself\n`);
  });

  test('an export over the size limit fails before it is read', () => {
    const from = path.join(dir, 'big.uci');
    fs.writeFileSync(from, '');
    fs.truncateSync(from, INPUT_LIMITS.routerExportBytes + 1);
    const r = run(['router', 'diff', 'gw', '--from', from, '--plans', PLANS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`[${from}] RouterDiff.from: larger than the limit of 32 MiB (got "${INPUT_LIMITS.routerExportBytes + 1} bytes")`);
  });
});

describe('restore', () => {
  test('an --out below a file fails in the house format, without a stack trace', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const r = child(['restore', 'gitea', '--app', APP, '--out', path.join(file, 'sub')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`homelab: 1 problem; nothing was written\n  [${path.join(file, 'sub')}] restore: a path through something that is not a folder (got "ENOTDIR" from mkdir); check the path\n`);
    noTrace(r.stderr);
  });
});

describe('synth --plans input hygiene', () => {
  test('non-UTF-8 bytes are rejected with the file, line and byte offset', () => {
    const hosts = Buffer.concat([Buffer.from('name,interface,ip,admin,room\nolaf,enp0s20f0,10.0.100.2,manfred,k\u00fcche\nulf,enp1s0,10.0.100.3,manfred,b'), Buffer.from([0xfc]), Buffer.from('ro\n')]);
    const p = plans({ 'hosts.csv': hosts, 'k3s.csv': 'host,name,type,ip\n' });
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(1);
    const at = hosts.indexOf(0xfc);
    expect(r.stderr).toBe(`homelab: 1 problem; nothing was written\n  [${path.join(p, 'hosts.csv')}:3] hosts.csv: not UTF-8: byte 0xfc at byte offset ${at} (column 32 in bytes) (got "0xfc"); UTF-8 text; convert it first, e.g. iconv -f latin1 -t utf-8\n`);
    expect(listFiles(path.join(dir, 'out'))).toEqual([]);
  });

  test('a huge single-line value is cut in the message', () => {
    const p = plans({ 'hosts.csv': `name,interface,ip,admin\nolaf,enp0s20f0,${'9'.repeat(1_000_000)},manfred\n` });
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr.length).toBeLessThan(5000);
    expect(r.stderr).toContain('… (1000002 characters)');
  });

  test('an unterminated quote is one problem: no follow-on errors about the hosts it swallowed', () => {
    const hosts = fs.readFileSync(path.join(PLANS, 'hosts.csv'), 'utf8').replace('ulf,', 'ulf,"');
    const p = plans({ 'hosts.csv': hosts });
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('  ['))).toEqual([
      `  [${path.join(p, 'hosts.csv')}:3] hosts.csv.interface: unterminated quoted field (got "\\"enp1s0,10.0.100.3,manfred"); close the quote; write a quote inside a quoted field as ""`,
    ]);
  });

  test('valid YAML aliases in network.yaml are read as their values', () => {
    const network = fs.readFileSync(path.join(PLANS, 'network.yaml'), 'utf8').replace(/^gateway: (.*)$/m, 'gateway: &gw $1').replace(/^nameservers:\n(\s+- .*\n)+/m, 'nameservers:\n  - *gw\n');
    expect(network).toContain('*gw');
    const p = plans({ 'network.yaml': network });
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test.each([
    ['a root sequence of aliases', '- &a x\n- *a\n- *a\n'],
    ['an alias bomb', `a: &a ["x","x"]\n${Array.from({ length: 60 }, (_, i) => `${String.fromCharCode(98 + (i % 20))}${i}: &l${i} [${i === 0 ? '*a,*a' : `*l${i - 1},*l${i - 1}`}]`).join('\n')}\n`],
  ])('%s fails in the house format', (_what, network) => {
    const p = plans({ 'network.yaml': network });
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`\\[${path.join(p, 'network.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?\\] network\\.yaml: (not a mapping of keys to values|more aliases than the limit of 100)`));
    noTrace(r.stderr);
    expect(r.stderr.length).toBeLessThan(5000);
  });

  test('a plan file over the size limit fails before it is read', () => {
    const p = plans();
    fs.truncateSync(path.join(p, 'k3s.csv'), INPUT_LIMITS.planFileBytes + 1);
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`[${path.join(p, 'k3s.csv')}] k3s.csv: larger than the limit of 8 MiB`);
  });

  test('more hosts than the limit fail with one problem', () => {
    const rows = Array.from({ length: INPUT_LIMITS.planRows + 1 }, (_, i) => `h${i},eth0,10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255},manfred`);
    const p = plans({ 'hosts.csv': `name,interface,ip,admin\n${rows.join('\n')}\n`, 'k3s.csv': 'host,name,type,ip\n' });
    const r = run(['synth', '--plans', p, '--out', path.join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`[${path.join(p, 'hosts.csv')}] hosts.csv: more rows than the limit of ${INPUT_LIMITS.planRows} (got ${INPUT_LIMITS.planRows + 1})`);
  });
});
