/**
 * Typed section of `/etc/config/dropbear`: the SSH server.
 *
 * Boolean options accept `true`/`false` (written `1`/`0`) or the `on`/`off`
 * spelling of OpenWrt's shipped file; the init script reads both.
 *
 * @see https://openwrt.org/docs/guide-user/base-system/dropbear
 * @see https://github.com/openwrt/openwrt/blob/main/package/network/services/dropbear/files/dropbear.init
 * @module
 */
import type { UciSection } from '../section';
import { defineSection, Field, ifaceName, port, UciContext } from './common';

/** A dropbear boolean: `true`/`false`, or OpenWrt's `'on'`/`'off'`. */
export type OnOff = boolean | 'on' | 'off';

/** `config dropbear`: one dropbear instance. */
export interface Dropbear {
  /**
   * "Set to 0 to disable authenticating with passwords."
   *
   * @default true
   */
  readonly PasswordAuth?: OnOff;

  /**
   * "Set to 0 to disable authenticating as root with passwords."
   *
   * @default true
   */
  readonly RootPasswordAuth?: OnOff;

  /**
   * "Set to 0 to disable SSH logins as root."
   *
   * @default true
   */
  readonly RootLogin?: OnOff;

  /**
   * "Port number to listen on."
   *
   * @default 22
   */
  readonly Port?: number;

  /**
   * "Listen only on the given interface name. If unspecified, listen on all
   * interfaces." (a logical interface, e.g. `lan`)
   *
   * @default - all interfaces
   */
  readonly Interface?: string;

  /**
   * "Set to 1 to allow remote hosts to connect to forwarded ports."
   *
   * @default false
   */
  readonly GatewayPorts?: OnOff;

  /**
   * "Set to 0 to disable starting dropbear at system boot."
   *
   * @default true
   */
  readonly enable?: OnOff;
}

function onOff(): Field {
  return {
    check: (v, p, o) => (typeof v === 'boolean' || v === 'on' || v === 'off' ? v : p.fail(o, 'expected a boolean', v, 'true, false, "on" or "off"')),
  };
}

export const DROPBEAR = defineSection<Dropbear>('dropbear', 'dropbear', {
  PasswordAuth: onOff(),
  RootPasswordAuth: onOff(),
  RootLogin: onOff(),
  Port: port(),
  Interface: ifaceName(),
  GatewayPorts: onOff(),
  enable: onOff(),
});

/** `config dropbear ['<name>']`. */
export function dropbearSection(ctx: UciContext, options: Dropbear, name?: string): UciSection {
  return DROPBEAR.build(ctx, options, name);
}
