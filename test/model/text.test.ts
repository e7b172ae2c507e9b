/**
 * Text from the user in messages and in Nix-bound fields: control characters
 * are rejected in the house format before any writer runs, and names in the
 * `[path]` part of a message are escaped like values.
 */
import { inventory as reference } from '../../apps/inventory';
import { Homelab, Inventory } from '../../lib';
import { escapePath, HomelabProblem, HomelabValidationError } from '../../lib/core/errors';
import { validateInventory } from '../../lib/model/rules';
import { Draft, MESSAGE_FORMAT } from './fixtures';

const draft = (): Draft<Inventory> => JSON.parse(JSON.stringify(reference));

/** The problems `new Homelab` reports: a HomelabValidationError, never another error. */
function problemsOf(inv: Draft<Inventory>): string[] {
  try {
    new Homelab({ inventory: inv as Inventory });
  } catch (e) {
    expect(e).toBeInstanceOf(HomelabValidationError);
    return (e as HomelabValidationError).problems.map((p) => p.message);
  }
  throw new Error('no problem reported');
}

describe('Nix-bound fields', () => {
  const BAD = ['\u0000', '\u001b[2J', '\u007f', '\ud800'];
  test.each([
    ['an admin\'s ssh key comment', (inv: Draft<Inventory>, x: string) => { inv.admins[0].sshKeys[0] += ` me${x}@laptop`; }, 'inventory.admins[manfred]', 'Admin.sshKeys[0]'],
    ['nix.timezone', (inv: Draft<Inventory>, x: string) => { inv.nix = { ...inv.nix, timezone: `Europe/Berlin${x}` }; }, 'inventory.nix', 'Nix.timezone'],
    ['nix.stateVersion', (inv: Draft<Inventory>, x: string) => { inv.nix = { ...inv.nix, stateVersion: `24.11${x}` }; }, 'inventory.nix', 'Nix.stateVersion'],
    ['nix.nixpkgs', (inv: Draft<Inventory>, x: string) => { inv.nix = { ...inv.nix, nixpkgs: `github:NixOS/nixpkgs/${x}` }; }, 'inventory.nix', 'Nix.nixpkgs'],
    ['cluster.k3sVersion', (inv: Draft<Inventory>, x: string) => { inv.cluster!.k3sVersion = `v1.30.4+k3s1${x}`; }, 'inventory.cluster', 'Cluster.k3sVersion'],
    ['a node label value', (inv: Draft<Inventory>, x: string) => { inv.sites[0].hosts![0].labels = { zone: `a${x}` }; }, 'inventory.sites[home].hosts[olaf]', 'Host.labels[zone]'],
  ])('fails on control characters in %s, in the house format', (_, set, path, field) => {
    for (const bad of BAD) {
      // GIVEN the field holding NUL, ESC, DEL or half a surrogate pair
      const inv = draft();
      set(inv, bad);
      // WHEN / THEN rejected before any writer runs, naming the inventory path
      const messages = problemsOf(inv);
      const mine = messages.filter((m) => m.startsWith(`[${path}] ${field}: holds `));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatch(MESSAGE_FORMAT);
      expect(mine[0]).not.toMatch(/[\u0000-\u001f\u007f\ud800-\udfff]/);
    }
  });

  test('fails on a line break in a one-line field, accepts it in a multi-line one', () => {
    const inv = draft();
    inv.nix = { timezone: 'UTC\nx' };
    inv.secrets![0].description = 'line one\nline two\r\n\ttabbed';
    expect(validateInventory(inv as Inventory).map((p) => p.message))
      .toEqual(['[inventory.nix] Nix.timezone: holds a line break or tab (got "UTC\\nx"); one line of text']);
  });
});

describe('messages', () => {
  test('escape names in the [path] part like values: no raw ANSI, newline or space', () => {
    // GIVEN a host whose name clears the terminal and splits the message
    const inv = draft();
    inv.sites[0].hosts![0].name = 'olaf\u001b[2J\u009b31m\n[x] Fake.field: \u202eevil\\';
    // WHEN
    const messages = problemsOf(inv);
    // THEN every message is one printable line in the house format, the name escaped in the path
    for (const m of messages) {
      expect(m).toMatch(MESSAGE_FORMAT);
      expect(m).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    }
    expect(messages.some((m) => m.startsWith('[inventory.sites[home].hosts[olaf\\u001b[2J\\u009b31m\\u000a[x]\\u0020Fake.field:\\u0020\\u202eevil\\\\]] '))).toBe(true);
  });

  test('escapePath keeps plain paths as they are', () => {
    expect(escapePath('inventory.sites[home].hosts[olaf]')).toBe('inventory.sites[home].hosts[olaf]');
    expect(escapePath('home/lan/nas01/Vm')).toBe('home/lan/nas01/Vm');
    expect(new HomelabProblem('a\tb', 'X.y\u0007', 'bad\u009b', 'v\u0085', 'ok\u001b').message).toBe('[a\\u0009b] X.y\\u0007: bad\\u009b (got "v\\u0085"); ok\\u001b');
  });
});

describe('smaller gaps (issue 20 item 9) and router fields', () => {
  test.each([
    ['cluster.certIssuer', (inv: Draft<Inventory>) => { inv.cluster!.certIssuer = 'Lets Encrypt'; }, '[inventory.cluster] Cluster.certIssuer: not a Kubernetes object name'],
    ['cluster.ingressClass', (inv: Draft<Inventory>) => { inv.cluster!.ingressClass = 'traefik"\n'; }, '[inventory.cluster] Cluster.ingressClass: not a Kubernetes object name'],
    ['cluster.k3sVersion', (inv: Draft<Inventory>) => { inv.cluster!.k3sVersion = 'latest; rm -rf /'; }, '[inventory.cluster] Cluster.k3sVersion: not a k3s release'],
    ['a volume storageClass', (inv: Draft<Inventory>) => { inv.apps![0].volumes = [{ name: 'v', mountPath: '/v', sizeGiB: 1, storageClass: 'UPPER_case' }]; }, '[inventory.apps[whoami]] App.volumes[v].storageClass: not a StorageClass name'],
    ['a taint value over 63 characters', (inv: Draft<Inventory>) => { inv.sites[0].hosts![0].taints = [`k=${'v'.repeat(64)}:NoSchedule`]; }, '[inventory.sites[home].hosts[olaf]] Host.taints: taint value not a Kubernetes label value'],
    ['a router time zone', (inv: Draft<Inventory>) => { inv.sites[0].routers![0].timezone = 'Europe/Berlin\'; reboot'; }, '[inventory.sites[home].routers[gw]] Router.timezone: not a time zone name'],
    ['a router LAN port', (inv: Draft<Inventory>) => { inv.sites[0].routers![0].lanPorts = ['lan 1']; }, '[inventory.sites[home].routers[gw]] Router.lanPorts[0]: not a network device name'],
    ['a wifi device', (inv: Draft<Inventory>) => { inv.sites[0].routers![0].wifi![0].device = 'radio0/x'; }, '[inventory.sites[home].routers[gw]] Router.wifi[0].device: not a wifi-device section name'],
  ])('fails on %s in the house format at the inventory path', (_, set, start) => {
    const inv = draft();
    set(inv);
    const messages = problemsOf(inv).filter((m) => m.startsWith(start));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(MESSAGE_FORMAT);
  });

  test('a map key with ":" keeps the field part of a message parseable', () => {
    const inv = draft();
    inv.apps![0].env = { 'A:B': 'x' };
    const m = problemsOf(inv).find((x) => x.includes('App.env[A\\u003aB]'));
    expect(m).toMatch(MESSAGE_FORMAT);
  });
});

describe('untyped inventories (issue 20 item 9)', () => {
  test.each([
    ['hosts: "x"', (inv: any) => { inv.sites[0].hosts = 'x'; }, '[inventory.sites[home]] Site.hosts: not a list (got "x"); a list [...], as the Inventory type says'],
    ['sshKeys: "x"', (inv: any) => { inv.admins[0].sshKeys = 'x'; }, '[inventory.admins[manfred]] Admin.sshKeys: not a list (got "x"); a list [...], as the Inventory type says'],
    ['sites: 1', (inv: any) => { inv.sites = 1; }, '[inventory] Inventory.sites: not a list (got 1); a list [...], as the Inventory type says'],
    ['env: []', (inv: any) => { inv.apps[0].env = ['A=b']; }, '[inventory.apps[whoami]] App.env: not an object (got ["A=b"]); an object {...}, as the Inventory type says'],
  ])('fails on %s with the house message, not a TypeError', (_, set, message) => {
    const inv = draft();
    set(inv);
    expect(problemsOf(inv)).toEqual([message]);
  });
});
