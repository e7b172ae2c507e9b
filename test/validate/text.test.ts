/**
 * Text from the user in messages and in Nix-bound fields: control characters
 * are rejected in the house format before any writer runs, and names in the
 * `[path]` part of a message are escaped like values.
 */
import { inventory as reference } from '../../apps/inventory';
import { Homelab, Inventory } from '../../lib';
import { escapePath, HomelabProblem, HomelabValidationError } from '../../lib/validate/errors';
import { validateInventory } from '../../lib/validate/model-rules';
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
