/** `homelab disks discover`: the lock file from `kubectl get blockdevices -A -o json`, through the real command line. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'examples/storage/blockdevices.json');
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd: ROOT, encoding: 'utf8', input });

describe('homelab disks discover', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-discover-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes the lock the reference homelab commits, from a file or from stdin', () => {
    const lock = path.join(dir, 'lock.json');
    const r = cli(['disks', 'discover', '--from', FIXTURE, '--lock', lock]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('locked 3 disks');
    expect(fs.readFileSync(lock, 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'storage.lock.json'), 'utf8'));
    const lock2 = path.join(dir, 'lock2.json');
    const s = cli(['disks', 'discover', '--from', '-', '--lock', lock2], fs.readFileSync(FIXTURE, 'utf8'));
    expect(s.status).toBe(0);
    expect(fs.readFileSync(lock2, 'utf8')).toBe(fs.readFileSync(lock, 'utf8'));
  });

  test('exits 3 and names each missing disk when NDM does not see it; the lock keeps what was found', () => {
    const list = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
    list.items = list.items.filter((i: any) => i.spec.nodeAttributes.nodeName !== 'karl');
    const input = path.join(dir, 'bd.json');
    fs.writeFileSync(input, JSON.stringify(list));
    const lock = path.join(dir, 'lock.json');
    const r = cli(['disks', 'discover', '--from', input, '--lock', lock]);
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('pool cstor-disks, node karl: /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_32N0_WD-WCC7K0777777');
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).disks.map((d: any) => d.node)).toEqual(['rolf', 'ulf']);
  });

  test('reports input that is not the blockdevices JSON (exit 1) and usage errors (exit 2)', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, 'NAME   NODENAME   SIZE\n');
    const r = cli(['disks', 'discover', '--from', bad, '--lock', path.join(dir, 'l.json')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`[${bad}] blockdevices: not JSON`);
    expect(fs.existsSync(path.join(dir, 'l.json'))).toBe(false);
    expect(cli(['disks', 'discover']).status).toBe(2);
    expect(cli(['disks', 'list', '--from', FIXTURE]).status).toBe(2);
  });
});
