/**
 * A secret placeholder typed by the user (anywhere in the inventory) is rejected at synth time: the
 * fill step of deploy.sh would otherwise put a secret value where it is broadcast or logged.
 */
import { inventory } from '../../apps/inventory';
import { Inventory } from '../../lib/model/inventory';
import { validateInventory } from '../../lib/model/rules';
import { Draft, expectMessage } from './fixtures';

const PLACEHOLDER = '@@HOMELAB_SECRET:wg-gw-key@@';
const ALLOWED = 'placeholders are written by synth only into the options that hold a secret';

function broken(mutate: (inv: Draft<Inventory>) => void): string[] {
  const inv = structuredClone(inventory) as Draft<Inventory>;
  mutate(inv);
  return validateInventory(inv as Inventory).map((p) => p.message).filter((m) => m.includes('secret placeholder'));
}

const home = (inv: Draft<Inventory>) => inv.sites.find((s) => s.name === 'home')!;

describe('a secret placeholder outside a secret option', () => {
  test('fails in an SSID, naming the router and the field', () => {
    // GIVEN the Wi-Fi name set to the WireGuard key's placeholder (it would be broadcast)
    const messages = broken((inv) => { home(inv).routers![0].wifi![0].ssid = PLACEHOLDER; });
    // THEN
    expect(messages).toHaveLength(1);
    expectMessage(messages[0], { path: 'inventory.sites[home].routers[gw]', field: 'Router.wifi[0].ssid', value: PLACEHOLDER, allowed: ALLOWED, wrong: 'holds a secret placeholder' });
  });

  test.each([
    ['an app env value', (inv: Draft<Inventory>) => { inv.apps![0].env = { GREETING: `x${PLACEHOLDER}y` }; }, 'inventory.apps[whoami]', 'App.env[GREETING]', `x${PLACEHOLDER}y`],
    ['a secret description', (inv: Draft<Inventory>) => { inv.secrets![0].description = PLACEHOLDER; }, `inventory.secrets[${inventory.secrets![0].name}]`, 'Secret.description', PLACEHOLDER],
    ['an admin ssh key comment', (inv: Draft<Inventory>) => { inv.admins[0].sshKeys[0] = `${inventory.admins[0].sshKeys[0]} ${PLACEHOLDER}`; }, `inventory.admins[${inventory.admins[0].name}]`, 'Admin.sshKeys[0]', `${inventory.admins[0].sshKeys[0]} ${PLACEHOLDER}`],
    ['the domain of a network', (inv: Draft<Inventory>) => { home(inv).networks[0].domain = PLACEHOLDER; }, `inventory.sites[home].networks[${inventory.sites[0].networks[0].name}]`, 'Network.domain', PLACEHOLDER],
  ])('fails in %s too (every string of the inventory is checked)', (_what, mutate, path, field, value) => {
    const messages = broken(mutate);
    expect(messages).toHaveLength(1);
    expectMessage(messages[0], { path, field, value, allowed: ALLOWED, wrong: 'holds a secret placeholder' });
  });

  test('the reference homelab holds none', () => {
    expect(broken(() => undefined)).toEqual([]);
  });
});
