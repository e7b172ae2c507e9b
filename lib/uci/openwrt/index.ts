/**
 * Typed OpenWrt UCI sections (L1 with checks): one interface per section type,
 * fields named exactly like the UCI options, and a constructor per type that
 * checks the values and returns a {@link UciSection} with its options in a
 * fixed order (the order the interface declares them).
 *
 * Every constructor takes the {@link UciContext} first, so errors read
 * `[router gw] rule.target: unknown target (got "ALLOW"); one of ACCEPT, ...`.
 * Options that hold a secret take a {@link SecretRef} and render as
 * `@@HOMELAB_SECRET:<name>@@`; {@link UCI_SECRET_OPTIONS} lists them.
 *
 * @example
 * import { openwrt } from 'homelab-cdk';
 * const at = { router: 'gw' };
 * const rule = openwrt.firewallRule(at, { name: 'Allow-WireGuard', src: 'wan', proto: 'udp', dest_port: 51820, target: 'ACCEPT' });
 * @module
 */
import type { UciParsedPackage } from '../section';
import type { SectionDef } from './common';
import { BRIDGE_VLAN, DEVICE, INTERFACE, ROUTE, WIREGUARD_PEER } from './network';
import { DHCP_POOL, DNSMASQ, DOMAIN, HOST } from './dhcp';
import { DEFAULTS, FORWARDING, REDIRECT, RULE, ZONE } from './firewall';
import { SYSTEM, TIMESERVER } from './system';
import { DROPBEAR } from './dropbear';
import { WIFI_DEVICE, WIFI_IFACE } from './wireless';

export type { SecretRef, UciContext, SectionDef } from './common';
export { secretPlaceholder } from '../../core/secrets';
export * from './network';
export * from './dhcp';
export * from './firewall';
export * from './system';
export * from './dropbear';
export * from './wireless';

/** Every typed section definition, by package. */
export const SECTION_DEFS: readonly SectionDef<any>[] = [
  INTERFACE, DEVICE, BRIDGE_VLAN, ROUTE, WIREGUARD_PEER,
  DNSMASQ, DHCP_POOL, HOST, DOMAIN,
  DEFAULTS, ZONE, FORWARDING, RULE, REDIRECT,
  SYSTEM, TIMESERVER,
  DROPBEAR,
  WIFI_DEVICE, WIFI_IFACE,
];

/** One option that holds a secret. */
export interface UciSecretOption {
  readonly package: string;
  /** Section type; `wireguard_*` matches the peer sections of every WireGuard interface. */
  readonly type: string;
  readonly option: string;
  /**
   * True when this layer types the option (it renders a placeholder); false
   * for secret options of OpenWrt this layer does not write but a router may
   * hold (for redacting what is read back from one).
   */
  readonly typed: boolean;
}

/** Secret options OpenWrt knows that this layer does not type. */
const UNTYPED_SECRETS: readonly (readonly [string, string, string])[] = [
  ['network', 'interface', 'password'], // ppp, pppoe, l2tp, ...
  ['network', 'interface', 'pincode'], // 3g, qmi, ncm: the SIM PIN
  ['wireless', 'wifi-iface', 'key1'],
  ['wireless', 'wifi-iface', 'key2'],
  ['wireless', 'wifi-iface', 'key3'],
  ['wireless', 'wifi-iface', 'key4'],
  ['wireless', 'wifi-iface', 'sae_password'],
  ['wireless', 'wifi-iface', 'password'],
  ['wireless', 'wifi-iface', 'auth_secret'],
  ['wireless', 'wifi-iface', 'acct_secret'],
  ['wireless', 'wifi-iface', 'dae_secret'],
  ['wireless', 'wifi-iface', 'priv_key_pwd'],
];

/**
 * Which (package, section type, option) triples hold secrets: the typed ones
 * (derived from the section definitions, so they cannot drift) first, then
 * the untyped OpenWrt ones. For `router diff` redaction.
 */
export const UCI_SECRET_OPTIONS: readonly UciSecretOption[] = [
  ...SECTION_DEFS.flatMap((d) => d.secretOptions.map((option) => ({ package: d.package, type: d.type, option, typed: true }))),
  ...UNTYPED_SECRETS.map(([pkg, type, option]) => ({ package: pkg, type, option, typed: false })),
];

/** True when `option` of a `type` section in package `pkg` holds a secret (see {@link UCI_SECRET_OPTIONS}). */
export function isUciSecretOption(pkg: string, type: string, option: string): boolean {
  return UCI_SECRET_OPTIONS.some((s) => s.package === pkg && s.option === option
    && (s.type === type || (s.type.endsWith('*') && type.startsWith(s.type.slice(0, -1)))));
}

/**
 * A copy of `pkg` with every value of a secret option replaced by
 * `replacement` (one value per option, so list lengths do not leak either).
 */
export function redactUciSecrets(pkg: UciParsedPackage, replacement = '<redacted>'): UciParsedPackage {
  return {
    name: pkg.name,
    sections: pkg.sections.map((s) => ({
      ...s,
      options: s.options.map((o) => (isUciSecretOption(pkg.name, s.type, o.name) ? { name: o.name, kind: o.kind, values: [replacement] } : o)),
    })),
  };
}
