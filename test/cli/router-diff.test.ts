/**
 * `homelab router diff <router> --from FILE`: the live router's `uci export`
 * against what deploy.sh would apply, through the real command line.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..');
const APP = path.join(ROOT, 'apps/main.ts');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8' });

const CANARY_WIFI = "CANARY-wifi-'psk-7f3a";
const CANARY_WG = 'CANARY-wg-Zm9vYmFyYmF6cXV4';

let work: string;
let exported: string;

/** What `uci export` prints on the router: our packages with the secrets filled in, no header comments. */
function liveExport(configDir: string): string {
  return fs.readdirSync(configDir).sort().map((pkg) => fs.readFileSync(path.join(configDir, pkg), 'utf8')
    .split('\n').filter((l) => !l.startsWith('#')).join('\n')
    .replace(/@@HOMELAB_SECRET:wifi-psk@@/g, CANARY_WIFI.replace(/'/g, "'\\''"))
    .replace(/@@HOMELAB_SECRET:wg-gw-key@@/g, CANARY_WG)).join('\n');
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-router-diff-'));
  const out = path.join(work, 'out');
  expect(cli(['synth', '--app', APP, '--out', out], work).status).toBe(0);
  exported = liveExport(path.join(out, 'routers/gw/etc/config'));
  fs.rmSync(out, { recursive: true });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('homelab router diff', () => {
  test('exits 0 with no differences when the router runs what we would deploy, and writes nothing', () => {
    const file = path.join(work, 'same.uci');
    fs.writeFileSync(file, exported);
    const r = cli(['router', 'diff', 'gw', '--from', file, '--app', APP], work);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('router gw: no differences');
    expect(r.stdout).toContain('secret options set on both sides (not compared): network.wg0.private_key, wireless.homelab_wifi0.key');
    // the program's own synth() ran as a dry run: nothing but the input file in the working directory
    expect(listFiles(work)).toEqual(['same.uci']);
    fs.rmSync(file);
  });

  test('exits 3 and lists hand edits option by option, with secrets never printed', () => {
    const file = path.join(work, 'edited.uci');
    const edited = exported
      .replace("option leasetime '12h'", "option leasetime '24h'")
      .replace("package firewall\n", "package firewall\n\nconfig rule\n\toption name 'Allow-SSH-WAN'\n\toption src 'wan'\n\toption dest_port '22'\n\toption target 'ACCEPT'\n");
    expect(edited).not.toBe(exported);
    fs.writeFileSync(file, `${edited}\npackage rpcd\n\nconfig rpcd\n\toption socket '/var/run/ubus/ubus.sock'\n`);
    const r = cli(['router', 'diff', 'gw', '--from', file], ROOT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('~ dhcp.lan.leasetime: model "12h", router "24h"');
    expect(r.stdout).toMatch(/\+ firewall\.@rule\[Allow-SSH-WAN\]: rule section unknown to the model/);
    expect(r.stdout).toContain('live packages not managed by the model (not compared): rpcd');
    expect(r.stdout).toMatch(/router gw: 2 differences\n$/);
    for (const s of [r.stdout, r.stderr]) {
      expect(s).not.toContain('CANARY');
      expect(s).not.toContain('Zm9vYmFy');
    }
  });

  test('usage errors exit 2: unknown router, missing --from, missing file', () => {
    const file = path.join(work, 'x.uci');
    fs.writeFileSync(file, exported);
    const unknown = cli(['router', 'diff', 'nope', '--from', file], ROOT);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no router "nope"; the homelab has ["gw","flat-gw"]');
    expect(cli(['router', 'diff', 'gw'], ROOT).status).toBe(2);
    expect(cli(['router', 'diff', 'gw', '--from', path.join(work, 'missing.uci')], ROOT).status).toBe(2);
    expect(cli(['router', 'show', 'gw'], ROOT).status).toBe(2);
  });
});
