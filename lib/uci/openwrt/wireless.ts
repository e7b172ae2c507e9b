/**
 * Typed sections of `/etc/config/wireless`: the settings of a radio
 * (`wifi-device`) and a wireless network (`wifi-iface`) on it. A radio's
 * hardware options (`type`, `path`, `macaddr`) come from the board: the
 * router's own `wifi-device` section keeps them, and `deploy.sh` applies
 * these options on top of it.
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

/** Radio bands (`band`, OpenWrt 21.02 and later). */
export type WifiBand = '2g' | '5g' | '6g' | '60g';

/** `config wifi-device '<radio>'`: the settings of one radio the board has. */
export interface WifiDevice {
  /**
   * "Specifies the band, possible values are 2g for 2.4 GHz, 5g for 5 GHz, 6g for 6 GHz and 60g for 60 GHz".
   *
   * @default - the board's default band for the radio
   */
  readonly band?: WifiBand;

  /**
   * "Specifies the wireless channel. 'auto' defaults to the lowest available channel, or utilizes the ACS algorithm if supported".
   *
   * @default 'auto'
   */
  readonly channel?: number | 'auto';

  /**
   * "Specifies the country code, affects the available channels and transmission powers" (ISO 3166-1 alpha-2).
   *
   * @default '00' (world: the most restrictive channels and power)
   */
  readonly country?: string;

  /**
   * "Disables the radio adapter if set to 1"; OpenWrt sets it on first boot.
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

export const WIFI_DEVICE = defineSection<WifiDevice>('wireless', 'wifi-device', {
  band: oneOf<WifiBand>(['2g', '5g', '6g', '60g'], 'band'),
  channel: { check: (v, p, o) => (v === 'auto' ? v : int(1, 233, 'a channel of the band, or "auto"').check(v, p, o)) },
  country: text(/^([A-Z]{2}|00)$/, 'an ISO 3166-1 alpha-2 country code like "DE", or "00" (world)'),
  disabled: bool(),
});

/**
 * `config wifi-device '<radio>'`: settings of the board's radio `radio`.
 *
 * @example
 * wifiDevice({ router: 'gw' }, 'radio0', { band: '2g', channel: 'auto', country: 'DE', disabled: false })
 */
export function wifiDevice(ctx: UciContext, radio: string, options: WifiDevice): UciSection {
  return WIFI_DEVICE.build(ctx, options, radio);
}

/**
 * `config wifi-iface ['<name>']`.
 *
 * @example
 * wifiIface({ router: 'gw' }, { device: 'radio0', mode: 'ap', network: 'lan', ssid: 'homelab', encryption: 'sae-mixed', key: { secret: 'wifi-psk' } }, 'homelab_wifi0')
 */
export function wifiIface(ctx: UciContext, options: WifiIface, name?: string): UciSection {
  return WIFI_IFACE.build(ctx, options, name);
}
