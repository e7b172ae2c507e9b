/**
 * Secret placeholders (`@@HOMELAB_SECRET:<name>@@`) are synth's own: it writes them only into the
 * options that hold a secret (Wi-Fi keys, WireGuard keys; `UCI_SECRET_OPTIONS`), and `deploy.sh`
 * fills those from the environment. The same text anywhere in the inventory (an SSID, a hostname,
 * an env value, any string) would make a deploy step fill a secret where it is broadcast or
 * logged, so it is rejected wherever it appears: every string of the inventory is walked, so a new
 * field cannot be forgotten.
 */
import { selectInventoryStrings } from './fields';
import { Inventory } from './inventory';
import { HomelabProblem } from '../core/errors';
import { SECRET_PLACEHOLDER_MARK } from '../core/secrets';

/** Every string of `inventory` that holds a placeholder, as a problem at its data path (the one walker, `model/fields.ts`). */
export function placeholderProblems(inventory: Inventory): HomelabProblem[] {
  return selectInventoryStrings(inventory, (value) => value.includes(SECRET_PLACEHOLDER_MARK)).map((s) => new HomelabProblem(s.path, s.field,
    'holds a secret placeholder, which deploy.sh would fill with a secret value here', s.value,
    'placeholders are written by synth only into the options that hold a secret, the Wi-Fi and WireGuard keys: refer to a secret by name in its own field, such as keySecret'));
}
