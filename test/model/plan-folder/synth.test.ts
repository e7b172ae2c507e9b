/**
 * End to end: `homelab synth --plans examples/plans` (seed 002's plan folder)
 * writes NixOS configurations for all five example hosts and their six k3s
 * containers, evaluated with nix-instantiate; bad plans exit 1 and write nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Homelab } from '../../../lib';
import { nixEvalModule, nixEvalStrict } from '../../helpers/nix';
import { itWith } from '../../helpers/tools';
import { treeHash } from '../../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const itNix = itWith('nix-instantiate');
const cli = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8' });
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-plans-${name}-`));

/** The example plans, as the seed 002 README tables give them. */
const HOSTS = { olaf: '10.0.100.2', ulf: '10.0.100.3', rolf: '10.0.100.4', karl: '10.0.100.5', ulrich: '10.0.100.6' };
const K3S = [
  { host: 'olaf', name: 'olaf-k3s-server', role: 'server', init: true, ip: '10.0.100.10' },
  { host: 'olaf', name: 'olaf-k3s-agent', role: 'agent', init: false, ip: '10.0.100.11' },
  { host: 'ulf', name: 'ulf-k3s-server', role: 'server', init: false, ip: '10.0.100.12' },
  { host: 'ulf', name: 'ulf-k3s-agent', role: 'agent', init: false, ip: '10.0.100.13' },
  { host: 'rolf', name: 'rolf-k3s-server', role: 'server', init: false, ip: '10.0.100.14' },
  { host: 'karl', name: 'karl-k3s-agent', role: 'agent', init: false, ip: '10.0.100.15' },
];

let out: string;
let run: ReturnType<typeof cli>;

beforeAll(() => {
  out = tmp('example');
  run = cli(['synth', '--plans', 'examples/plans', '--out', out]);
  // The user's sops file (the host modules name it as a path, so it must exist to evaluate).
  fs.mkdirSync(path.join(out, 'secrets'), { recursive: true });
  fs.writeFileSync(path.join(out, 'secrets/secrets.yaml'), 'k3s-token: ENC[AES256_GCM,data:abc=,type:str]\n');
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('homelab synth --plans examples/plans', () => {
  test('exits 0 and writes a NixOS configuration for each of the five hosts', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(out, 'nixos/hosts')).sort()).toEqual(Object.keys(HOSTS).map((h) => `${h}.nix`).sort());
    expect(fs.existsSync(path.join(out, 'nixos/flake.nix'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'nixos/hive.nix'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'cdktf.out/manifest.json'))).toBe(true);
  });

  itNix('puts every host on its static IP and all six k3s containers on theirs, with their roles', () => {
    const found: typeof K3S = [];
    for (const [host, ip] of Object.entries(HOSTS)) {
      const r = nixEvalModule(path.join(out, 'nixos/hosts', `${host}.nix`));
      expect({ host, stderr: r.stderr, status: r.status }).toEqual({ host, stderr: '', status: 0 });
      const m = JSON.parse(r.stdout);
      expect(m.networking.hostName).toBe(host);
      const iface = host === 'ulrich' ? 'eno1' : 'mv-host';
      expect({ host, addresses: m.networking.interfaces[iface].ipv4.addresses }).toEqual({ host, addresses: [{ address: ip, prefixLength: 24 }] });
      expect(m.networking.defaultGateway).toEqual({ address: '10.0.100.1', interface: iface });
      expect(m.networking.nameservers).toEqual(['10.0.100.1', '1.1.1.1']);
      expect(m.users.users.manfred.openssh.authorizedKeys.keys).toEqual([fs.readFileSync(path.join(ROOT, 'examples/secrets/manfred.pub'), 'utf8').trim()]);
      expect(m.users.users.manfred.hashedPasswordFile).toBe('/run/secrets-for-users/manfred-password');
      for (const [name, c] of Object.entries<any>(m.containers ?? {})) {
        const cfg = c.config;
        const [addr] = Object.values<any>(cfg.networking.interfaces)[0].ipv4.addresses;
        expect(c.macvlans).toEqual([Object.keys(m.networking.interfaces).find((i) => i !== 'mv-host')]);
        expect(cfg.services.k3s.tokenFile).toBe('/run/secrets/k3s-token');
        if (!cfg.services.k3s.clusterInit) expect(cfg.services.k3s.serverAddr).toBe('https://10.0.100.10:6443');
        found.push({ host, name, role: cfg.services.k3s.role, init: cfg.services.k3s.clusterInit === true, ip: addr.address });
      }
      for (const [name, c] of Object.entries<any>(m.virtualisation?.['oci-containers']?.containers ?? {})) {
        const ipOpt = c.extraOptions.find((o: string) => o.startsWith('--ip='));
        expect(c.environment).toEqual({ K3S_URL: 'https://10.0.100.10:6443', K3S_TOKEN_FILE: '/run/secrets/k3s-token' });
        expect(c.image).toBe('docker.io/rancher/k3s:v1.30.4-k3s1');
        found.push({ host, name, role: c.cmd[0], init: false, ip: ipOpt.slice('--ip='.length) });
      }
    }
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    expect(found.sort(byName)).toEqual([...K3S].sort(byName));
  });

  itNix('colmena reaches every host at its own address', () => {
    const r = nixEvalStrict(`let hive = import ${JSON.stringify(path.join(out, 'nixos/hive.nix'))} { nixpkgs = { }; sops-nix = { nixosModules.sops = { }; }; };
      in builtins.mapAttrs (n: v: v.deployment.targetHost) (removeAttrs hive [ "meta" "defaults" ])`);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(HOSTS);
  });

  test('gives the same bytes from the library function as from the command, twice', () => {
    const a = tmp('lib-a');
    const b = tmp('lib-b');
    Homelab.fromPlans(path.join(ROOT, 'examples/plans')).synth({ outdir: a });
    Homelab.fromPlans(path.join(ROOT, 'examples/plans')).synth({ outdir: b });
    expect(treeHash(a)).toEqual(treeHash(out, (f) => f.startsWith('secrets/')));
    expect(treeHash(b)).toEqual(treeHash(a));
    fs.rmSync(a, { recursive: true });
    fs.rmSync(b, { recursive: true });
  });
});

describe('bad plans', () => {
  test('exit 1 with file:line and column of every problem, and leave previous outputs untouched', () => {
    // GIVEN previous outputs and a plan folder with a duplicate IP and a k3s row on an unknown host
    const work = tmp('bad');
    const plans = path.join(work, 'plans');
    fs.mkdirSync(plans);
    fs.mkdirSync(path.join(work, 'secrets'));
    for (const f of ['hosts.csv', 'k3s.csv', 'network.yaml']) fs.copyFileSync(path.join(ROOT, 'examples/plans', f), path.join(plans, f));
    fs.copyFileSync(path.join(ROOT, 'examples/secrets/manfred.pub'), path.join(work, 'secrets/manfred.pub'));
    const dest = path.join(work, 'out');
    expect(cli(['synth', '--plans', plans, '--out', dest]).status).toBe(0);
    const before = treeHash(dest);
    fs.writeFileSync(path.join(plans, 'k3s.csv'), [
      'host,name,type,ip',
      'olaf,olaf-k3s-server,init-server,10.0.100.10',
      'olaf,olaf-k3s-agent,agent,10.0.100.10',
      'sven,sven-k3s-agent,agent,10.0.100.40',
      '',
    ].join('\n'));
    // WHEN
    const r = cli(['synth', '--plans', plans, '--out', dest]);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nothing was written');
    expect(r.stderr).toMatch(new RegExp(`\\[${plans.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/k3s\\.csv:3\\] k3s\\.csv\\.ip: address already used by k3s container olaf-k3s-server`));
    expect(r.stderr).toMatch(/k3s\.csv:4\] k3s\.csv\.host: .*\(got "sven"\)/);
    expect(treeHash(dest)).toEqual(before);
    fs.rmSync(work, { recursive: true });
  });

  test('problems the model rules find after the CSV is read name the plan file and line, not the inventory path', () => {
    // GIVEN a hosts.csv row that passes the CSV checks (an interface name of 13 characters is valid)
    // but fails a model rule: its k3s server container's macvlan "mv-<interface>" is over 15 characters
    const work = tmp('model-rule');
    const plans = path.join(work, 'plans');
    fs.mkdirSync(plans);
    fs.mkdirSync(path.join(work, 'secrets'));
    for (const f of ['k3s.csv', 'network.yaml']) fs.copyFileSync(path.join(ROOT, 'examples/plans', f), path.join(plans, f));
    fs.copyFileSync(path.join(ROOT, 'examples/secrets/manfred.pub'), path.join(work, 'secrets/manfred.pub'));
    const hosts = fs.readFileSync(path.join(ROOT, 'examples/plans/hosts.csv'), 'utf8').replace('ulf,enp1s0,', 'ulf,enp0s20f0u1u2,');
    fs.writeFileSync(path.join(plans, 'hosts.csv'), hosts);
    const dest = path.join(work, 'out');
    // WHEN
    const r = cli(['synth', '--plans', plans, '--out', dest]);
    // THEN: hosts.csv line 3 (ulf), with the model's Class.field and message kept
    expect(r.status).toBe(1);
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect(r.stderr).toMatch(new RegExp(`\\[${esc(plans)}/hosts\\.csv:3\\] Host\\.interface: too long for k3s server containers`));
    expect(r.stderr).not.toContain('inventory.sites[');
    expect(fs.existsSync(dest)).toBe(false);
    fs.rmSync(work, { recursive: true });
  });

  test('a missing plans folder is a usage error (exit 2)', () => {
    expect(cli(['synth', '--plans', 'no/such/plans']).status).toBe(2);
    expect(cli(['synth', '--plans', 'examples/plans', '--app', 'apps/main.ts']).status).toBe(2);
  });
});
