/**
 * Typed section of `/etc/config/wireless`: a wireless network (`wifi-iface`)
 * on a radio. Radio sections (`wifi-device`) depend on the hardware and stay
 * on the router (`deploy.sh` merges this package instead of replacing it).
 *
 * @see https://openwrt.org/docs/guide-user/network/wifi/basic
 * @see https://github.com/openwrt/netifd/blob/master/scripts/netifd-wireless.sh (wireless_vif_parse_encryption)
 * @module
 */
import type { UciSection } from '../section';
import { bool, defineSection, Field, ifaceName, int, oneOf, required, SecretRef, secret, text, UciContext } from './common';

/** Operation modes. */
export type WifiMode = 'ap' | 'sta' | 'adhoc' | 'wds' | 'monitor' | 'mesh';

/** Key management of {@link WifiEncryption}. */
export type WifiAuth = 'none' | 'owe' | 'psk' | 'psk2' | 'psk-mixed' | 'sae' | 'sae-mixed' | 'wpa' | 'wpa2' | 'wpa-mixed' | 'wpa3' | 'wpa3-mixed' | 'wpa3-192';

/** Cipher suffixes of the WPA/WPA2 modes. */
export type WifiCipher = 'ccmp' | 'tkip' | 'tkip+ccmp' | 'gcmp' | 'ccmp256' | 'gcmp256';

/**
 * OpenWrt encryption values: `psk2` (WPA2-PSK), `sae` (WPA3-SAE), `sae-mixed`
 * (WPA2/WPA3 transition), `owe` (Enhanced Open), `wpa2`/`wpa3` (802.1X), ...;
 * WPA and WPA2 modes take an optional cipher, e.g. `psk2+ccmp`.
 * WEP (`wep-open`, `wep-shared`) is deliberately not offered: it is broken.
 */
export type WifiEncryption = WifiAuth | `${'psk' | 'psk2' | 'psk-mixed' | 'wpa' | 'wpa2' | 'wpa-mixed'}+${WifiCipher}`;

/** `config wifi-iface`: a wireless network. */
export interface WifiIface {
  /** "Specifies the used wireless adapter, must refer to one of the defined wifi-device sections", e.g. `radio0`. */
  readonly device: string;

  /**
   * "Selects the operation mode of the wireless network interface controller".
   *
   * @default 'ap'
   */
  readonly mode?: WifiMode;

  /**
   * "Specifies one or multiple logical network interfaces declared in the
   * network configuration" the wireless interface is bridged into, e.g. `lan`.
   *
   * @default - not attached to a network
   */
  readonly network?: string;

  /**
   * "The broadcasted SSID of the wireless network and for managed mode the SSID
   * of the network you're connecting to" (1-32 bytes).
   *
   * @default 'OpenWrt'
   */
  readonly ssid?: string;

  /**
   * "Turns off SSID broadcasting if set to 1".
   *
   * @default false
   */
  readonly hidden?: boolean;

  /**
   * "Wireless encryption method".
   *
   * @default 'none'
   */
  readonly encryption?: WifiEncryption;

  /**
   * "In any WPA-PSK mode, this is a string that specifies the pre-shared
   * passphrase from which the pre-shared key will be derived. The clear text
   * key has to be 8-63 characters long." (in 802.1X modes: the RADIUS secret).
   * A secret: give a reference.
   *
   * @default - none; required by the PSK and SAE modes
   */
  readonly key?: SecretRef;

  /**
   * "Enables MFP (802.11w) support (0 = disabled, 1 = optional, 2 = required)".
   *
   * @default - 2 for sae/owe, 1 for sae-mixed, else 0
   */
  readonly ieee80211w?: 0 | 1 | 2;

  /**
   * "Isolates wireless clients from each other".
   *
   * @default false
   */
  readonly isolate?: boolean;

  /**
   * "When set to 1, the wireless network is disabled."
   *
   * @default false
   */
  readonly disabled?: boolean;
}

const AUTHS: readonly WifiAuth[] = ['none', 'owe', 'psk', 'psk2', 'psk-mixed', 'sae', 'sae-mixed', 'wpa', 'wpa2', 'wpa-mixed', 'wpa3', 'wpa3-mixed', 'wpa3-192'];
const CIPHERS: readonly WifiCipher[] = ['ccmp', 'tkip', 'tkip+ccmp', 'gcmp', 'ccmp256', 'gcmp256'];
const WITH_CIPHER = ['psk', 'psk2', 'psk-mixed', 'wpa', 'wpa2', 'wpa-mixed'];
/** Every accepted encryption value. */
export const WIFI_ENCRYPTIONS: readonly WifiEncryption[] = [
  ...AUTHS,
  ...WITH_CIPHER.flatMap((a) => CIPHERS.map((c) => `${a}+${c}` as WifiEncryption)),
];

function encryption(): Field {
  const allowed = `one of ${AUTHS.join(', ')}, or ${WITH_CIPHER.join('/')} followed by +${CIPHERS.join('/+')} (WEP is not offered: it is broken)`;
  return {
    check: (v, p, o) => (WIFI_ENCRYPTIONS.includes(v as WifiEncryption) ? (v as string) : p.fail(o, 'unsupported encryption', v, allowed)),
  };
}

export const WIFI_IFACE = defineSection<WifiIface>('wireless', 'wifi-iface', {
  device: required(text(/^[A-Za-z0-9_]+$/, 'a wifi-device section name like "radio0"')),
  mode: oneOf<WifiMode>(['ap', 'sta', 'adhoc', 'wds', 'monitor', 'mesh'], 'mode'),
  network: ifaceName(),
  ssid: {
    check: (v, p, o) => {
      const bytes = typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0;
      return typeof v === 'string' && bytes >= 1 && bytes <= 32 && !/[\u0000-\u001f\u007f]/.test(v)
        ? v
        : p.fail(o, 'invalid SSID', v, '1-32 bytes of UTF-8 without control characters');
    },
  },
  hidden: bool(),
  encryption: encryption(),
  key: secret(),
  ieee80211w: int(0, 2, '0 disabled, 1 optional, 2 required'),
  isolate: bool(),
  disabled: bool(),
}, (o, p) => {
  const enc = o.encryption ?? 'none';
  const personal = /^(psk|sae)/.test(enc);
  if (personal && o.key === undefined) p.fail('key', `missing key for encryption ${enc}`, undefined, 'a secret reference { secret: "<name>" } holding the passphrase');
  if ((enc === 'none' || enc === 'owe') && o.key !== undefined) p.fail('key', `key not used with encryption ${enc}`, '<redacted>', 'leave it out, or choose psk2, sae or sae-mixed');
});

/**
 * `config wifi-iface ['<name>']`.
 *
 * @example
 * wifiIface({ router: 'gw' }, { device: 'radio0', mode: 'ap', network: 'lan', ssid: 'homelab', encryption: 'sae-mixed', key: { secret: 'wifi-psk' } }, 'homelab_wifi0')
 */
export function wifiIface(ctx: UciContext, options: WifiIface, name?: string): UciSection {
  return WIFI_IFACE.build(ctx, options, name);
}
