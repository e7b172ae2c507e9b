/**
 * Which UCI option names hold secrets, for options this layer does not type
 * (what a router may hold and `router diff` reads back). Kept next to the
 * typed sections, whose own secret options come from their definitions
 * ({@link UCI_SECRET_OPTIONS} in `index.ts`).
 *
 * Two parts: a table of the names OpenWrt's packages use, and a heuristic for
 * names nobody listed (a package's new option, a user's own `token`). Treating
 * a harmless option as secret only hides its value; missing a secret prints it.
 *
 * @module
 */

/**
 * Option names (compared case-insensitively) whose values are secrets, in the
 * packages OpenWrt ships, with where they come from:
 *
 * | name | where |
 * |---|---|
 * | `key` | wireless `wifi-iface`: the PSK, or the RADIUS secret for WPA-EAP (hostapd.sh) |
 * | `key1`-`key4` | wireless `wifi-iface`: WEP keys |
 * | `password` | wireless (EAP), network `interface` (ppp, pppoe, pptp, l2tp, 3g, qmi, 6in4, openconnect, vpnc), rpcd `login`, ddns `service` |
 * | `password2` | network `interface` proto openconnect (second factor) |
 * | `sae_password` | wireless `wifi-iface` (WPA3) |
 * | `auth_secret`, `acct_secret`, `dae_secret` | wireless `wifi-iface`: RADIUS shared secrets |
 * | `priv_key`, `priv_key_pwd`, `priv_key2_pwd` | wireless `wifi-iface` (EAP-TLS client key and its passphrases) |
 * | `wps_pin` | wireless `wifi-iface` |
 * | `multi_ap_backhaul_key` | wireless `wifi-iface` |
 * | `r0kh`, `r1kh` | wireless `wifi-iface`: 802.11r key holders, each item ends with a key |
 * | `private_key` | network `interface` proto wireguard |
 * | `preshared_key` | network `wireguard_<iface>` peer |
 * | `token_secret` | network `interface` proto openconnect |
 * | `pincode`, `pin` | network `interface` proto 3g, qmi, ncm, mbim: the SIM PIN |
 * | `xauth_password` | network `interface` proto vpnc (older name) |
 * | `hexpasswd` | network `interface` proto vpnc: the obfuscated password from a .pcf file |
 * | `passgroup`, `hexpassgroup` | network `interface` proto vpnc: the group password, plain or obfuscated |
 * | `updatekey` | network `interface` proto 6in4 (older tunnel brokers) |
 * | `param_enc` | ddns `service`: an encoded extra parameter, often a token |
 * | `tls_auth`, `tls_crypt`, `tls_crypt_v2`, `askpass`, `auth_user_pass` | openvpn: static keys and password files |
 * | `psk`, `secret`, `passphrase` | generic names |
 * | `token`, `api_key`, `apikey`, `auth_key`, `secret_key`, `passwd`, `credentials` | generic names (ddns, acme and third-party packages) |
 */
export const SECRET_OPTION_NAMES: ReadonlySet<string> = new Set([
  'key', 'key1', 'key2', 'key3', 'key4', 'password', 'password2', 'sae_password',
  'auth_secret', 'acct_secret', 'dae_secret', 'priv_key', 'priv_key_pwd', 'priv_key2_pwd',
  'wps_pin', 'multi_ap_backhaul_key', 'r0kh', 'r1kh',
  'private_key', 'preshared_key', 'token_secret', 'pincode', 'pin', 'xauth_password',
  'hexpasswd', 'passgroup', 'hexpassgroup', 'updatekey', 'param_enc',
  'tls_auth', 'tls_crypt', 'tls_crypt_v2', 'askpass', 'auth_user_pass',
  'psk', 'secret', 'passphrase',
  'token', 'api_key', 'apikey', 'auth_key', 'secret_key', 'passwd', 'credentials',
]);

/**
 * Words that make an option name secret wherever they appear in it: within a
 * word too (`hexpasswd`, `wpapassphrase`, `mytoken`).
 */
const SECRET_STEMS = ['passw', 'passphrase', 'passgroup', 'passwd', 'secret', 'token', 'credential', 'privkey', 'privatekey', 'presharedkey'];

/** Whole words (between `_`, `-`, `.`, digits or a case change) that make an option name secret. */
const SECRET_WORDS = new Set(['key', 'keys', 'psk', 'pin', 'pincode', 'pwd', 'pass', 'cred', 'creds', 'otp', 'totp', 'hmac', 'cookie', 'session']);

/** A last word that makes the name a setting about a secret, not the secret (`PasswordAuth`, `key_mgmt`, `token_file`). */
const QUALIFIERS = new Set([
  'auth', 'authentication', 'mgmt', 'type', 'file', 'path', 'dir', 'len', 'length', 'size', 'bits', 'id', 'idx', 'index',
  'timeout', 'lifetime', 'interval', 'expire', 'expiry', 'algo', 'algorithm', 'method', 'mode', 'format', 'enable', 'enabled',
  'disable', 'disabled', 'required', 'require', 'policy', 'retries', 'url', 'uri', 'server', 'port', 'user', 'username',
]);

/** Package names whose every option is secret (`secrets`, `credentials`, `api_keys`). */
const SECRET_PACKAGE_WORDS = new Set(['secret', 'secrets', 'credential', 'credentials', 'keys', 'vault', 'tokens']);

/** Words that mark a value as public on purpose (`public_key`, `pubkey`). */
const PUBLIC_WORDS = new Set(['public', 'pub', 'pubkey', 'publickey']);

/** The lower-case words of an option name: split at `_`, `-`, `.`, digits and case changes. */
function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w !== '');
}

/**
 * Whether an option or package name suggests a secret that no table lists:
 * a secret stem anywhere in it (`hexpasswd`, `api_token`), or a secret word
 * (`auth_key`, `wpa_psk`, `sim_pin`), unless its last word makes it a setting
 * about the secret (`PasswordAuth`, `key_mgmt`, `password_file`) or a word
 * marks it public (`public_key`).
 */
export function looksSecret(name: string): boolean {
  const ws = words(name);
  if (ws.length === 0 || ws.some((w) => PUBLIC_WORDS.has(w))) return false;
  if (QUALIFIERS.has(ws[ws.length - 1]) && ws.length > 1) return false;
  return ws.some((w) => SECRET_WORDS.has(w) || SECRET_STEMS.some((s) => w.includes(s)) || w.endsWith('key') || w.endsWith('psk') || (w.endsWith('pass') && w !== 'bypass'));
}

/**
 * Whether option `name` of package `pkg` holds a secret by its name alone:
 * in {@link SECRET_OPTION_NAMES} (any case), or {@link looksSecret} of the
 * option, or a package named like `secrets`
 * or `credentials` is secret).
 */
export function isSecretOptionName(pkg: string, name: string): boolean {
  return SECRET_OPTION_NAMES.has(name.toLowerCase()) || looksSecret(name) || words(pkg).some((w) => SECRET_PACKAGE_WORDS.has(w));
}
