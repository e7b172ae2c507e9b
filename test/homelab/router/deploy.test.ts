/**
 * deploy.sh end to end against a fake router (test/helpers/fake-router.ts):
 * the reference homelab's router files, fake ssh/scp first on PATH, a temp
 * directory standing for the router's root, seeded with an old configuration.
 */
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inventory } from '../../../apps/inventory';
import { Homelab } from '../../../lib';
import { parseUci } from '../../../lib/uci/parse';
import { deployScript } from '../../../lib/homelab/router/deploy';
import { secretEnvVar, secretPlaceholder } from '../../../lib/core/secrets';
import { routerPackages } from '../../../lib/homelab/router/packages';
import { FakeRouter, FakeRouterOptions } from '../../helpers/fake-router';
import { hasTool } from '../../helpers/tools';
import { listFiles } from '../../helpers/tree';

const hex = crypto.randomBytes(6).toString('hex');
/** Canaries; the wifi one has a quote (UCI `'\''`) and shell metacharacters. */
const WIFI_PSK = `it's-CANARY-wifi-${hex} "$HOME" \`x\` \\ ;`;
const WG_KEY = `CANARY-wg-${hex}+/=`;
const SECRETS = { [secretEnvVar('wifi-psk')]: WIFI_PSK, [secretEnvVar('wg-gw-key')]: WG_KEY };
/** Fast timings for every run: rollback after 1 s, reconnect at once. */
const FAST = { ROLLBACK_SECONDS: '1', CONFIRM_AFTER: '0' };

/**
 * The router's configuration before the deploy, like a stock OpenWrt's: radio0 disabled with the
 * open `default_radio0` on lan, the ULA prefix in `globals`, a board LED; a second interface
 * (`guest`) with a Wi-Fi the model does not declare. No dropbear package: the deploy adds one, a
 * rollback must remove it.
 */
const OLD_CONFIG: Record<string, string> = {
  network: "config interface 'lan'\n\toption device 'br-lan'\n\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n\toption netmask '255.255.255.0'\n\n"
    + "config globals 'globals'\n\toption ula_prefix 'fd12:3456:789a::/48'\n\nconfig device\n\toption name 'br-lan'\n\toption type 'bridge'\n\tlist ports 'lan1'\n",
  wireless: "config wifi-device 'radio0'\n\toption type 'mac80211'\n\toption path 'platform/soc/18000000.wifi'\n\toption channel '1'\n\toption band '2g'\n\toption htmode 'HE20'\n\toption disabled '1'\n\n"
    + "config wifi-iface 'default_radio0'\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'OpenWrt'\n\toption encryption 'none'\n\n"
    + "config wifi-iface\n\toption device 'radio0'\n\toption network 'lan'\n\toption mode 'ap'\n\toption ssid 'old-guest'\n\toption encryption 'psk2'\n\toption key 'old-psk'\n",
  dhcp: "config dnsmasq\n\toption domain 'lan'\n\nconfig dhcp 'lan'\n\toption interface 'lan'\n\toption start '100'\n\nconfig odhcpd 'odhcpd'\n\toption maindhcp '0'\n",
  firewall: "config defaults\n\toption input 'ACCEPT'\n",
  system: "config system\n\toption hostname 'OpenWrt'\n\nconfig led 'led_wan'\n\toption name 'WAN'\n\toption sysfs 'green:wan'\n\toption trigger 'netdev'\n",
  luci: "config core 'main'\n\toption lang 'auto'\n",
};
const OLD_KEYS = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDO old@admin\n';
const OLD_ETC = {
  ...Object.fromEntries(Object.entries(OLD_CONFIG).map(([k, v]) => [`config/${k}`, v])),
  'dropbear/authorized_keys': OLD_KEYS,
  'init.d/network': expect.any(String),
};
const oldRouter = (opts: FakeRouterOptions = {}) =>
  new FakeRouter({ ...opts, files: { ...Object.fromEntries(Object.entries(OLD_CONFIG).map(([k, v]) => [`etc/config/${k}`, v])), 'etc/dropbear/authorized_keys': OLD_KEYS, ...opts.files } });

const option = (text: string, pkg: string, section: string, name: string) =>
  parseUci(text, { package: pkg }).sections.find((s) => s.name === section)?.options.find((o) => o.name === name)?.values;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROLLING_BACK = 'logger homelab: rolling back to the previous configuration';
const expectRolledBack = (fake: FakeRouter) => {
  expect(fake.files('etc')).toEqual(OLD_ETC);
  expect(fake.exists('tmp/homelab-rolledback')).toBe(true);
  expect(fake.exists('tmp/homelab-confirmed')).toBe(false);
  expect(fake.exists('tmp/homelab-new')).toBe(false);
  expect(fake.log()).toContain(ROLLING_BACK);
};

let out: string;
let script: string;
let gen: string;
const routers: FakeRouter[] = [];
const router = (opts: FakeRouterOptions = {}) => {
  const r = oldRouter(opts);
  routers.push(r);
  return r;
};

beforeAll(() => {
  // GIVEN the reference homelab's router files, as synth writes them
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-deploy-'));
  for (const f of new Homelab({ inventory }).renderHostFiles()) {
    if (!f.path.startsWith('routers/')) continue;
    fs.mkdirSync(path.dirname(path.join(out, f.path)), { recursive: true });
    fs.writeFileSync(path.join(out, f.path), f.content, { mode: f.mode ?? 0o644 });
  }
  gen = path.join(out, 'routers/gw');
  script = path.join(gen, 'deploy.sh');
});

afterAll(() => {
  for (const r of routers) r.dispose();
  fs.rmSync(out, { recursive: true, force: true });
});

describe('the script', () => {
  const lab = () => new Homelab({ inventory }).model;

  test('is POSIX sh (sh -n, and dash -n when installed)', () => {
    for (const r of lab().routers) {
      for (const variant of [r, { ...r, mesh: undefined }]) {
        const file = path.join(out, `check-${r.name}-${variant.mesh ? 'mesh' : 'plain'}.sh`);
        fs.writeFileSync(file, deployScript(variant, routerPackages(lab(), r).map((p) => p.name)));
        for (const sh of ['sh', ...(hasTool('dash', ['-c', 'true']) ? ['dash'] : [])]) {
          expect({ sh, file, ...spawnSync(sh, ['-n', file], { encoding: 'utf8' }) }).toMatchObject({ status: 0, stderr: '' });
        }
      }
    }
  });

  test('checks for WireGuard only on routers in the mesh', () => {
    const gw = lab().routers.find((r) => r.name === 'gw')!;
    expect(gw.mesh).toBeDefined();
    expect(deployScript(gw, ['network'])).toContain('command -v wg');
    expect(deployScript({ ...gw, mesh: undefined }, ['network'])).not.toContain('command -v wg');
  });

  test('documents its settings and their defaults in the header', () => {
    const header = fs.readFileSync(script, 'utf8').split('\nset -eu\n')[0];
    expect(header).toMatch(/CONFIRM_AFTER +seconds to wait after applying before reconnecting.*\(default 5\)/s);
    expect(header).toMatch(/ROLLBACK_SECONDS .*\(default 120\)/s);
    expect(header).toMatch(/CONFIRM +auto \(default\).*ask:.*keep this configuration\? \[y\/N\]/s);
    expect(header).toContain('HOMELAB_SECRET_<NAME>');
  });
});

describe('a deploy the router confirms', () => {
  let fake: FakeRouter;
  let run: ReturnType<FakeRouter['run']>;

  beforeAll(() => {
    fake = router();
    // WHEN deploying with every secret set
    run = fake.run(script, { ...SECRETS, ...FAST });
  });

  test('exits 0, confirmed, with no staged files and no backup (the old configuration) left on the router', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('confirmed');
    expect(fake.exists('tmp/homelab-confirmed')).toBe(true);
    expect(fake.exists('tmp/homelab-new')).toBe(false);
    expect(fake.exists('tmp/homelab-backup')).toBe(false);
  });

  test('fills the wifi key on the router, quote and all', () => {
    const wireless = fake.read('etc/config/wireless');
    expect(option(wireless, 'wireless', 'homelab_wifi0', 'key')).toEqual([WIFI_PSK]);
  });

  test('wireless on a stock router: the radio enabled with its band, channel and country, its hardware options kept, no undeclared wifi-iface, no open network', () => {
    const wireless = parseUci(fake.read('etc/config/wireless'), { package: 'wireless' });
    const radio0 = Object.fromEntries(wireless.sections.find((x) => x.name === 'radio0')!.options.map((o) => [o.name, o.values[0]]));
    expect(radio0).toEqual({ type: 'mac80211', path: 'platform/soc/18000000.wifi', channel: 'auto', band: '2g', htmode: 'HE20', disabled: '0', country: 'DE' });
    const ifaces = wireless.sections.filter((x) => x.type === 'wifi-iface');
    expect(ifaces.map((x) => x.name)).toEqual(['homelab_wifi0']);
    for (const i of ifaces) expect(i.options.find((o) => o.name === 'encryption')?.values).not.toEqual(['none']);
    expect(wireless.sections.map((x) => x.type).sort()).toEqual(['wifi-device', 'wifi-iface']);
  });

  test('keeps the board sections the model does not write: globals (ula_prefix), the LED, odhcpd', () => {
    const sectionsOf = (pkg: string) => parseUci(fake.read(`etc/config/${pkg}`), { package: pkg }).sections;
    expect(sectionsOf('network').find((x) => x.name === 'globals')?.options).toEqual([{ name: 'ula_prefix', kind: 'option', values: ['fd12:3456:789a::/48'] }]);
    expect(sectionsOf('system').find((x) => x.name === 'led_wan')?.options.map((o) => o.values[0])).toEqual(['WAN', 'green:wan', 'netdev']);
    expect(sectionsOf('dhcp').find((x) => x.name === 'odhcpd')?.type).toBe('odhcpd');
    // the stock anonymous br-lan device is replaced by the model's, not kept beside it
    expect(sectionsOf('network').filter((x) => x.type === 'device').map((x) => x.name)).toEqual(['br_lan']);
  });

  test('fills the WireGuard private key on the router', () => {
    // the generated network package holds the placeholder (router.ts emits the mesh interface)
    expect(fs.readFileSync(path.join(gen, 'etc/config/network'), 'utf8')).toContain(secretPlaceholder('wg-gw-key'));
    const network = parseUci(fake.read('etc/config/network'), { package: 'network' });
    const keys = network.sections.flatMap((s) => s.options.filter((o) => o.name === 'private_key').flatMap((o) => o.values));
    expect(keys).toEqual([WG_KEY]);
  });

  test('replaces the model\'s sections of the other packages and installs authorized_keys with mode 600', () => {
    const modelSections = (pkg: string, text: string) => parseUci(text, { package: pkg }).sections.filter((x) => !['led', 'odhcpd'].includes(x.type));
    for (const pkg of ['dhcp', 'firewall', 'system', 'dropbear']) {
      expect(modelSections(pkg, fake.read(`etc/config/${pkg}`))).toEqual(modelSections(pkg, fs.readFileSync(path.join(gen, 'etc/config', pkg), 'utf8')));
    }
    expect(fake.read('etc/config/luci')).toBe(OLD_CONFIG.luci);
    expect(fake.read('etc/dropbear/authorized_keys')).toBe(fs.readFileSync(path.join(gen, 'etc/dropbear/authorized_keys'), 'utf8'));
    expect(fs.statSync(path.join(fake.root, 'etc/dropbear/authorized_keys')).mode & 0o777).toBe(0o600);
  });

  test('imports, then commits, then reloads', () => {
    const log = fake.log().split('\n');
    const at = (line: string) => log.indexOf(line);
    expect(at('uci import network')).toBeGreaterThanOrEqual(0);
    expect(at('uci import wireless')).toBeGreaterThan(at('uci import network'));
    expect(at('uci commit')).toBeGreaterThan(at('uci import wireless'));
    expect(at('reload_config')).toBeGreaterThan(at('uci commit'));
    expect(log).toContain('logger homelab: configuration confirmed');
  });

  test('stages the filled files privately: directory 700, files 600', () => {
    const staged = fake.staged();
    expect(staged.map((s) => s.file).sort()).toEqual(['authorized_keys', 'dhcp', 'dropbear', 'firewall', 'network', 'system', 'wireless']);
    for (const s of staged) expect(s).toEqual({ file: s.file, mode: '-rw-------', dirMode: 'drwx------' });
  });

  test('leaves no secret behind: not in routers/, the local TMPDIR, the router /tmp, its log or any command line', () => {
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
    const places: Record<string, string> = { 'ssh command lines': fake.sshCommands(), 'router log': fake.log() };
    for (const f of listFiles(path.join(out, 'routers'))) places[`routers/${f}`] = fs.readFileSync(path.join(out, 'routers', f), 'utf8');
    for (const [f, text] of Object.entries(fake.files('tmp'))) places[`router /tmp/${f}`] = text;
    const leaks = Object.entries(places).flatMap(([where, text]) => [WIFI_PSK, WG_KEY, `CANARY-wifi-${hex}`].filter((c) => text.includes(c)).map(() => where));
    expect(leaks).toEqual([]);
  });

  test('keeps the new configuration past the rollback delay', async () => {
    // WHEN the rollback delay (1 s) has passed
    await sleep(1500);
    // THEN the rollback timer did nothing
    expect(fake.log()).not.toContain(ROLLING_BACK);
    expect(fake.exists('tmp/homelab-rolledback')).toBe(false);
    expect(option(fake.read('etc/config/wireless'), 'wireless', 'homelab_wifi0', 'key')).toEqual([WIFI_PSK]);
  });
});

describe('a secret placeholder outside the options that hold secrets', () => {
  /** The router files of the reference homelab, copied, with `edit` applied to one package. */
  function tampered(pkg: string, edit: (text: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-tampered-'));
    fs.cpSync(gen, dir, { recursive: true });
    const file = path.join(dir, 'etc/config', pkg);
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    return dir;
  }
  const fill = (dir: string, pkg: string) => spawnSync('awk', ['-f', path.join(dir, 'fill-secrets.awk'), path.join(dir, 'etc/config', pkg)], { encoding: 'utf8', env: { ...process.env, ...SECRETS } });

  test.each([
    ['the SSID', 'wireless', (t: string) => t.replace("option ssid 'homelab'", `option ssid '${secretPlaceholder('wg-gw-key')}'`), "option ssid of a wifi-iface section in package wireless"],
    ['a list of a peer', 'network', (t: string) => t.replace(/(config wireguard_wg0 .*\n)/, `$1\tlist allowed_ips '${secretPlaceholder('wg-gw-key')}'\n`), 'list allowed_ips of a wireguard_wg0 section in package network'],
    ['a key option in another package', 'system', (t: string) => `${t}\toption key '${secretPlaceholder('wg-gw-key')}'\n`, 'option key of a timeserver section in package system'],
  ])('the real fill program refuses one in %s, and fills no secret there', (_what, pkg, edit, where) => {
    // GIVEN a package with a placeholder where no secret belongs
    const dir = tampered(pkg, edit);
    // WHEN the fill program runs with every secret set
    const r = fill(dir, pkg);
    // THEN it fails, says where, and the output holds no secret
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^deploy: .*etc/config/${pkg}:\\d+: a secret placeholder outside the options that hold secrets \\(${where.replace(/ /g, ' ')}\\); refusing to fill it\n$`));
    expect(r.stdout.split('\n').filter((l) => l.includes(WG_KEY))).toEqual(r.stdout.split('\n').filter((l) => /^\toption private_key /.test(l) && l.includes(WG_KEY)));
    expect(r.stdout).toContain(secretPlaceholder('wg-gw-key'));
    fs.rmSync(dir, { recursive: true });
  });

  test('the secret options themselves are still filled', () => {
    const r = fill(gen, 'network');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`option private_key '${WG_KEY}'`);
  });

  test('deploy.sh stops before it connects: the SSID never carries the key', () => {
    // GIVEN the Wi-Fi name set to the WireGuard key's placeholder
    const dir = tampered('wireless', (t) => t.replace("option ssid 'homelab'", `option ssid '${secretPlaceholder('wg-gw-key')}'`));
    const fake = router();
    // WHEN
    const r = fake.run(path.join(dir, 'deploy.sh'), { ...SECRETS, ...FAST });
    // THEN
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('option ssid of a wifi-iface section in package wireless); refusing to fill it');
    expect(fake.connections()).toBe(0);
    expect(fake.files('etc')).toEqual(OLD_ETC);
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('checks before changing anything', () => {
  test('fails when a secret is missing: nothing copied, config unchanged, no temp files', () => {
    // GIVEN the wifi key is not in the environment
    const fake = router();
    const env: Record<string, string> = { ...SECRETS, ...FAST };
    delete env[secretEnvVar('wifi-psk')];
    // WHEN
    const r = fake.run(script, env);
    // THEN
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('HOMELAB_SECRET_WIFI_PSK');
    expect(fake.connections()).toBe(0);
    expect(fake.staged()).toEqual([]);
    expect(fake.files('etc')).toEqual(OLD_ETC);
    expect(fake.files('tmp')).toEqual({});
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
  });

  test('fails with a clear message when a secret holds a line break, naming it', () => {
    const fake = router();
    const r = fake.run(script, { ...SECRETS, ...FAST, [secretEnvVar('wifi-psk')]: 'two\nlines' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('secret wifi-psk contains a line break');
    expect(r.stderr).not.toContain('missing;');
    expect(fake.connections()).toBe(0);
  });

  test('fails with a clear message when the router lacks a radio the model names, before changing anything', () => {
    // GIVEN a board whose only radio is radio1
    const fake = router({ files: { 'etc/config/wireless': OLD_CONFIG.wireless.replace(/radio0/g, 'radio1') } });
    // WHEN
    const r = fake.run(script, { ...SECRETS, ...FAST });
    // THEN
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('router gw has no radio radio0 (uci show wireless lists: radio1 )');
    expect(fake.connections()).toBe(1);
    expect(fake.files('etc/config')).toEqual({ ...Object.fromEntries(Object.entries(OLD_CONFIG).map(([k, v]) => [k, v])), wireless: OLD_CONFIG.wireless.replace(/radio0/g, 'radio1') });
    expect(fake.files('tmp')).toEqual({});
  });

  test('fails with a clear message when the mesh router has no WireGuard', () => {
    // GIVEN a router without wg and without the wireguard-tools package
    const fake = router({ wireguard: 'none' });
    // WHEN
    const r = fake.run(script, { ...SECRETS, ...FAST });
    // THEN
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/router gw is in the WireGuard mesh but has no WireGuard support.*opkg install wireguard-tools/);
    expect(fake.connections()).toBe(1);
    expect(fake.files('etc')).toEqual(OLD_ETC);
    expect(fake.files('tmp')).toEqual({});
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
  });

  test.each(['opkg', 'apk'] as const)('accepts the wireguard-tools package (%s) as WireGuard support', (wireguard) => {
    const fake = router({ wireguard });
    const r = fake.run(script, { ...SECRETS, ...FAST });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('fails while the router has uncommitted uci changes', () => {
    const fake = router({ uciChanges: "network.lan.ipaddr='192.168.2.1'\n" });
    const r = fake.run(script, { ...SECRETS, ...FAST });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('uncommitted uci changes');
    expect(fake.files('etc')).toEqual(OLD_ETC);
    expect(fake.connections()).toBe(1);
  });

  test('fails while an earlier deploy still waits for confirmation', () => {
    // GIVEN a live rollback timer of an earlier deploy
    const timer = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const fake = router({ files: { 'tmp/homelab-pending': `${timer.pid}\n` } });
      // WHEN
      const r = fake.run(script, { ...SECRETS, ...FAST });
      // THEN
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('an earlier deploy still waits for confirmation');
      expect(fake.files('etc')).toEqual(OLD_ETC);
      expect(fake.connections()).toBe(1);
      fs.rmSync(path.join(fake.root, 'tmp/homelab-pending'));
    } finally {
      timer.kill();
    }
  });

  test('fails on bad settings without connecting', () => {
    const fake = router();
    const bads: Record<string, string>[] = [{ CONFIRM: 'maybe' }, { ROLLBACK_SECONDS: '1; reboot' }, { CONFIRM_AFTER: '5', ROLLBACK_SECONDS: '5' }];
    for (const bad of bads) {
      const r = fake.run(script, { ...SECRETS, ...FAST, ...bad });
      expect({ bad, status: r.status }).toEqual({ bad, status: 1 });
    }
    expect(fake.connections()).toBe(0);
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
  });
});

describe('rollback', () => {
  test('fails when locked out, and the router restores the old configuration by itself', async () => {
    // GIVEN the router stops answering after applying (connections: check, copy, apply, then confirm)
    const fake = router();
    // WHEN
    const r = fake.run(script, { ...SECRETS, ...FAST, FAKE_SSH_FAIL_FROM: '4' });
    // THEN the script gives up, and the new configuration was in place
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('could not reach');
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
    expect(fake.exists('tmp/homelab-applied')).toBe(true);
    expect(option(fake.read('etc/config/wireless'), 'wireless', 'homelab_wifi0', 'key')).toEqual([WIFI_PSK]);
    // AND after the rollback delay the router has its old configuration and restarted the network
    await fake.waitFor(() => fake.log().includes('network restart'));
    expectRolledBack(fake);
    const log = fake.log();
    expect(log.indexOf('logger homelab: not confirmed within 1 s')).toBeGreaterThan(log.indexOf('uci commit'));
    expect(log.indexOf('network restart')).toBeGreaterThan(log.indexOf(ROLLING_BACK));
  });

  test('fails when an import fails, and restores the old configuration at once', () => {
    // GIVEN the router rejects the firewall package
    const fake = router({ failImport: 'firewall' });
    // WHEN
    const r = fake.run(script, { ...SECRETS, ...FAST });
    // THEN without waiting for the timer
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('uci import firewall failed');
    expectRolledBack(fake);
    expect(fake.exists('tmp/homelab-pending')).toBe(false);
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
  });
});

describe('CONFIRM=ask', () => {
  test('asks after reconnecting, and confirms on y', () => {
    const fake = router();
    // (a longer rollback delay: the answer must come before it even on a busy machine)
    const r = fake.run(script, { ...SECRETS, ...FAST, ROLLBACK_SECONDS: '5', CONFIRM: 'ask' }, 'y\n');
    expect(r.stderr).toContain('keep this configuration? [y/N]');
    expect(r.status).toBe(0);
    expect(fake.exists('tmp/homelab-confirmed')).toBe(true);
    // check, copy, apply, reconnect, confirm
    expect(fake.connections()).toBe(5);
  });

  test('fails without an answer, and does not confirm', () => {
    const fake = router();
    const r = fake.run(script, { ...SECRETS, ...FAST, CONFIRM: 'ask' }, '');
    expect(r.status).not.toBe(0);
    expect(fake.exists('tmp/homelab-confirmed')).toBe(false);
    expect(fake.connections()).toBe(4);
  });

  test('fails on n, and the router rolls back by itself', async () => {
    const fake = router();
    const r = fake.run(script, { ...SECRETS, ...FAST, CONFIRM: 'ask' }, 'n\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('not confirmed');
    await fake.waitFor(() => fake.log().includes('network restart'));
    expectRolledBack(fake);
  });

  test('fails on a y that comes after the rollback, and keeps the old configuration', async () => {
    // GIVEN the question is on screen
    const fake = router();
    const run = fake.start(script, { ...SECRETS, ...FAST, CONFIRM: 'ask' });
    try {
      await fake.waitFor(() => run.output().includes('[y/N]'));
      // WHEN the answer comes only after the router rolled back
      await fake.waitFor(() => fake.log().includes('network restart'));
      run.child.stdin.write('y\n');
    } finally {
      run.stop();
    }
    const r = await run.done;
    // THEN
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('too late');
    expectRolledBack(fake);
    expect(fs.readdirSync(fake.tmpdir)).toEqual([]);
  });
});
