/**
 * Typed sections of `/etc/config/system`: the system itself and the NTP
 * client/server.
 *
 * @see https://openwrt.org/docs/guide-user/base-system/system_configuration
 * @module
 */
import type { UciSection } from '../section';
import { bool, defineSection, dnsName, int, list, text, UciContext } from './common';

/** `config system`: host name, time zone, logging. */
export interface SystemOptions {
  /**
   * "The hostname for this system. Avoid points, even if they are within
   * quotes." A single label.
   *
   * @default 'OpenWrt'
   */
  readonly hostname?: string;

  /**
   * "IANA/Olson time zone string", e.g. `Europe/Berlin` (shown by LuCI; the
   * system uses {@link timezone}).
   *
   * @default 'UTC'
   */
  readonly zonename?: string;

  /**
   * "POSIX.1 time zone string corresponding to the time zone in which date and
   * time should be displayed by default", e.g. `CET-1CEST,M3.5.0,M10.5.0/3`.
   *
   * @default 'UTC'
   */
  readonly timezone?: string;

  /**
   * "Size of the file or circular memory buffer in KiB" (the system log).
   *
   * @default 64
   */
  readonly log_size?: number;

  /**
   * "Require authentication for local users to log in the system" (serial
   * console and keyboard).
   *
   * @default false
   */
  readonly ttylogin?: boolean;
}

/** `config timeserver 'ntp'`: the built-in NTP client (sysntpd) and server. */
export interface Timeserver {
  /**
   * "Enable the NTP client".
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * "Enable the built-in NTP server" for the LAN.
   *
   * @default false
   */
  readonly enable_server?: boolean;

  /**
   * "Defines the pool of NTP servers to poll the time from. If the list is
   * empty, the builtin NTP daemon is not started."
   *
   * @default - none
   */
  readonly server?: readonly string[];
}

export const SYSTEM = defineSection<SystemOptions>('system', 'system', {
  hostname: text(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, 'a host name label (letters, digits, "-"; no dots), at most 63 characters'),
  zonename: text(/^[A-Za-z0-9_+\-/]+$/, 'an IANA time zone name like "Europe/Berlin" or "UTC"'),
  timezone: text(/^\S+$/, 'a POSIX TZ string without spaces, e.g. "UTC0" or "CET-1CEST,M3.5.0,M10.5.0/3"'),
  log_size: int(1, 1048576, 'KiB'),
  ttylogin: bool(),
});

export const TIMESERVER = defineSection<Timeserver>('system', 'timeserver', {
  enabled: bool(),
  enable_server: bool(),
  server: list(dnsName(), 0),
});

/** `config system ['<name>']`. */
export function systemSection(ctx: UciContext, options: SystemOptions, name?: string): UciSection {
  return SYSTEM.build(ctx, options, name);
}

/** `config timeserver '<name>'` (OpenWrt names it `ntp`). */
export function timeserver(ctx: UciContext, options: Timeserver, name = 'ntp'): UciSection {
  return TIMESERVER.build(ctx, options, name);
}
