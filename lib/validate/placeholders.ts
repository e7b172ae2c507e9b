/**
 * Secret placeholders (`@@HOMELAB_SECRET:<name>@@`) are synth's own: it writes them only into the
 * options that hold a secret (Wi-Fi keys, WireGuard keys; `UCI_SECRET_OPTIONS`), and `deploy.sh`
 * fills those from the environment. The same text anywhere in the inventory (an SSID, a hostname,
 * an env value, any string) would make a deploy step fill a secret where it is broadcast or
 * logged, so it is rejected wherever it appears: every string of the inventory is walked, so a new
 * field cannot be forgotten.
 */
import { HomelabProblem } from './errors';

/** The start of every placeholder (what `deploy.sh`'s fill step looks for). */
export const PLACEHOLDER_MARK = '@@HOMELAB_SECRET:';

/** Class names of the inventory's named collections, for the `Class.field` part of a problem. */
const COLLECTIONS: Readonly<Record<string, string>> = {
  sites: 'Site', hosts: 'Host', routers: 'Router', networks: 'Network', apps: 'App', admins: 'Admin',
  secrets: 'Secret', storagePools: 'StoragePool',
};

/** Every string of `inventory` that holds a placeholder, as a problem at its data path. */
export function placeholderProblems(inventory: unknown): HomelabProblem[] {
  const problems: HomelabProblem[] = [];
  const seen = new Set<unknown>();
  const walk = (value: unknown, path: string, cls: string, field: string) => {
    if (typeof value === 'string') {
      if (value.includes(PLACEHOLDER_MARK)) {
        problems.push(new HomelabProblem(path, `${cls}.${field}`, 'holds a secret placeholder, which deploy.sh would fill with a secret value here', value,
          'placeholders are written by synth only into the options that hold a secret, the Wi-Fi and WireGuard keys: refer to a secret by name in its own field, such as keySecret'));
      }
      return;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, path, cls, `${field}[${i}]`));
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const collection = COLLECTIONS[k];
      if (collection && Array.isArray(v) && field === '') {
        v.forEach((item, i) => {
          const name = typeof (item as { name?: unknown } | null)?.name === 'string' ? (item as { name: string }).name : String(i);
          walk(item, `${path}.${k}[${name}]`, collection, '');
        });
      } else {
        walk(v, path, cls, field === '' ? k : `${field}.${k}`);
      }
    }
  };
  walk(inventory, 'inventory', 'Inventory', '');
  return problems;
}
