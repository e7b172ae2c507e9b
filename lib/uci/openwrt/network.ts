/**
 * Typed sections of `/etc/config/network` (netifd): interfaces, bridge
 * devices, bridge VLANs, static routes and WireGuard peers.
 *
 * Option names are netifd's; descriptions follow the OpenWrt user guide
 * ("Network configuration", "WireGuard") and the netifd / wireguard-tools
 * sources where the guide is silent.
 *
 * @see https://openwrt.org/docs/guide-user/network/network_configuration
 * @see https://openwrt.org/docs/guide-user/network/wireguard/basics
 * @see https://github.com/openwrt/netifd (interface.c, proto.c, config.c)
 * @see https://github.com/openwrt/openwrt/blob/main/package/network/utils/wireguard-tools/files/wireguard.sh
 * @module
 */
import type { UciSection } from '../section';
import { HomelabValidationError } from '../../core/errors';
import {
  address, bool, defineSection, deviceName, Field, hostOrAddress, ifaceName, int, ipv4, ipv4OrPrefix, ipv6, list, mac,
  netmaskField, oneOf, oneOrList, port, required, SectionProblems, SecretRef, secret, text, UciContext,
} from './common';

/** Interface protocols this layer types (netifd has more, e.g. `pppoe`). */
export type InterfaceProto = 'static' | 'dhcp' | 'dhcpv6' | 'wireguard' | 'none';

/** `config interface '<name>'`: a logical network interface. */
export interface NetworkInterface {
  /**
   * The device the interface is bound to: a Linux device (`eth0`), a bridge or
   * VLAN device (`br-lan`, `br-lan.20`) or an alias of another interface (`@wan`).
   * WireGuard interfaces create their own device, named after the section.
   *
   * @default - none (required for every protocol except `wireguard`)
   * @see https://openwrt.org/docs/guide-user/network/network_configuration
   */
  readonly device?: string;

  /**
   * "Protocol type": how the interface gets its addresses (`static`, `dhcp`,
   * `dhcpv6`, `wireguard`, `none`).
   */
  readonly proto: InterfaceProto;

  /**
   * `static` only. "IP address": an IPv4 address, optionally with a prefix
   * length (`192.168.1.1/24`, then without {@link netmask}); a list assigns
   * several.
   *
   * @default - none; `static` needs it or {@link ip6addr}
   */
  readonly ipaddr?: string | readonly string[];

  /**
   * `static` only. "Netmask" of {@link ipaddr} when it has no prefix length.
   *
   * @default - none (a bare `ipaddr` then gets /32)
   */
  readonly netmask?: string;

  /**
   * `static` only. "Default gateway" (IPv4).
   *
   * @default - no default route from this interface
   */
  readonly gateway?: string;

  /**
   * `static` only. "Assign given IPv6 address to this interface (CIDR notation)".
   *
   * @default - none
   */
  readonly ip6addr?: string | readonly string[];

  /**
   * "DNS server(s)" to use for this interface (with `static`, or to override
   * the ones a DHCP server announces when {@link peerdns} is off).
   *
   * @default - none
   */
  readonly dns?: readonly string[];

  /**
   * `dhcp`/`dhcpv6`: "Whether to create a default route via the received gateway".
   *
   * @default true
   */
  readonly defaultroute?: boolean;

  /**
   * `dhcp`/`dhcpv6`: "Use DHCP-provided DNS server(s)".
   *
   * @default true
   */
  readonly peerdns?: boolean;

  /**
   * "Override the default MTU on this interface". For WireGuard the guide
   * recommends 1280-1420.
   *
   * @default - the device's MTU (WireGuard: 1420)
   */
  readonly mtu?: number;

  /**
   * `wireguard` only. "Required. Base64-encoded private key for this interface."
   * A secret: give a reference, `deploy.sh` fills it in (an empty or
   * `generate` value would make OpenWrt generate a new key on the router).
   *
   * @default - none (required with proto wireguard)
   */
  readonly private_key?: SecretRef;

  /**
   * `wireguard` only. "UDP port used for outgoing and incoming packets."
   *
   * @default - a random port chosen by the kernel
   */
  readonly listen_port?: number;

  /**
   * `wireguard` only. "IP addresses and (optional) subnet masks of the
   * interface", e.g. `10.255.0.1/24`.
   *
   * @default - no address
   */
  readonly addresses?: readonly string[];
}

/** Device types netifd creates. */
export type DeviceType = 'bridge' | '8021q' | '8021ad' | 'macvlan' | 'veth';

/** `config device`: a bridge or VLAN device netifd creates. */
export interface NetworkDevice {
  /** "Name of the device" to create, e.g. `br-lan`. */
  readonly name: string;

  /**
   * "Device type". Only `bridge` takes {@link ports}.
   *
   * @default - an options-only section for an existing Linux device
   */
  readonly type?: DeviceType;

  /**
   * `bridge`: "Specifies the wired ports to attach to this bridge" (DSA port
   * names such as `lan1`).
   *
   * @default - an empty bridge
   */
  readonly ports?: readonly string[];

  /**
   * "MTU" of the device.
   *
   * @default - the kernel default
   */
  readonly mtu?: number;

  /**
   * "MAC address override".
   *
   * @default - the hardware address
   */
  readonly macaddr?: string;
}

/** `config bridge-vlan`: one VLAN on a VLAN-filtering bridge (DSA). */
export interface BridgeVlan {
  /** "The bridge device" this VLAN belongs to, e.g. `br-lan`. */
  readonly device: string;

  /** "VLAN ID" 1-4094; the interface device becomes `<bridge>.<vlan>`. */
  readonly vlan: number;

  /**
   * "Ports" of the VLAN: a port name, optionally followed by `:` and flags -
   * `t` tagged, `u` untagged (the default), `*` primary VLAN (PVID) - e.g.
   * `lan1:t`, `lan2:u*`.
   *
   * @default - no port (only the bridge itself)
   */
  readonly ports?: readonly string[];

  /**
   * "Whether the bridge itself (the CPU) is a member of the VLAN", so an
   * interface can use `<bridge>.<vlan>`.
   *
   * @default true
   */
  readonly local?: boolean;
}

/** `config route`: a static IPv4 route. */
export interface NetworkRoute {
  /** "Specifies the logical interface name of the parent (or master) interface this route belongs to". */
  readonly interface: string;

  /** "Network address" (or `a.b.c.d/prefix`). */
  readonly target: string;

  /**
   * "Route netmask" when {@link target} has no prefix length.
   *
   * @default - a host route (/32) unless target has a prefix
   */
  readonly netmask?: string;

  /**
   * "Network gateway".
   *
   * @default - on-link through the interface
   */
  readonly gateway?: string;

  /**
   * "Specifies the route metric to use".
   *
   * @default 0
   */
  readonly metric?: number;
}

/** `config wireguard_<interface>`: one peer of a WireGuard interface. */
export interface WireguardPeer {
  /**
   * "Description of this peer" (shown by LuCI).
   *
   * @default - none
   */
  readonly description?: string;

  /** "Required. Base64-encoded public key of peer." (`wg pubkey`; not a secret) */
  readonly public_key: string;

  /**
   * "Base64-encoded preshared key. Adds in an additional layer of symmetric-key
   * cryptography for post-quantum resistance." A secret: give a reference.
   *
   * @default - none
   */
  readonly preshared_key?: SecretRef;

  /**
   * "Required. IP addresses and prefixes that this peer is allowed to use
   * inside the tunnel": usually the peer's tunnel address and the networks it
   * routes.
   */
  readonly allowed_ips: readonly string[];

  /**
   * "Automatically create a route for each Allowed IPs for this peer."
   *
   * @default false
   */
  readonly route_allowed_ips?: boolean;

  /**
   * "Host of peer. Names are resolved prior to bringing up the interface."
   *
   * @default - none: this side waits for the peer to connect
   */
  readonly endpoint_host?: string;

  /**
   * "Port of peer."
   *
   * @default 51820
   */
  readonly endpoint_port?: number;

  /**
   * "Seconds between keep alive messages. Default is 0 (disabled).
   * Recommended value if this device is behind a NAT is 25."
   *
   * @default 0
   */
  readonly persistent_keepalive?: number;
}

/** A WireGuard public key: base64 of 32 bytes (43 characters and `=`). */
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export const INTERFACE = defineSection<NetworkInterface>('network', 'interface', {
  device: deviceOrAlias(),
  proto: required(oneOf<InterfaceProto>(['static', 'dhcp', 'dhcpv6', 'wireguard', 'none'], 'protocol')),
  ipaddr: oneOrList(ipv4OrPrefix()),
  netmask: netmaskField(),
  gateway: ipv4(),
  ip6addr: oneOrList(ipv6()),
  dns: list(address()),
  defaultroute: bool(),
  peerdns: bool(),
  mtu: int(68, 9216, 'bytes'),
  private_key: secret(),
  listen_port: port(),
  addresses: list(address(true)),
}, (o, p) => {
  const staticOnly = ['ipaddr', 'netmask', 'gateway', 'ip6addr'] as const;
  const wireguardOnly = ['private_key', 'listen_port', 'addresses'] as const;
  if (o.proto !== 'static') {
    for (const k of staticOnly) if (o[k] !== undefined) p.fail(k, `not used with proto ${o.proto}`, o[k], 'set it only with proto static');
  } else if (o.ipaddr === undefined && o.ip6addr === undefined) {
    p.fail('ipaddr', 'missing address for proto static', undefined, 'set ipaddr or ip6addr');
  }
  if (o.netmask !== undefined && [o.ipaddr ?? []].flat().some((a) => a.includes('/'))) {
    p.fail('netmask', 'netmask given with a prefix length in ipaddr', o.netmask, 'use either ipaddr with a prefix length or netmask');
  }
  if (o.proto !== 'wireguard') {
    for (const k of wireguardOnly) if (o[k] !== undefined) p.fail(k, `not used with proto ${o.proto}`, k === 'private_key' ? '<redacted>' : o[k], 'set it only with proto wireguard');
  } else {
    if (o.private_key === undefined) p.fail('private_key', 'missing private key for proto wireguard', undefined, 'a secret reference { secret: "<name>" }');
    if (o.device !== undefined) p.fail('device', 'not used with proto wireguard', o.device, 'leave it out: the device is named after the section');
  }
});

export const DEVICE = defineSection<NetworkDevice>('network', 'device', {
  name: required(deviceName()),
  type: oneOf<DeviceType>(['bridge', '8021q', '8021ad', 'macvlan', 'veth'], 'device type'),
  ports: list(deviceName(), 0),
  mtu: int(68, 9216, 'bytes'),
  macaddr: mac(),
}, (o, p) => {
  if (o.ports !== undefined && o.type !== 'bridge') p.fail('ports', 'ports need type bridge', o.ports, 'set type to "bridge" or leave out ports');
});

export const BRIDGE_VLAN = defineSection<BridgeVlan>('network', 'bridge-vlan', {
  device: required(deviceName()),
  vlan: required(int(1, 4094)),
  ports: list(text(/^[^\s/:]{1,15}(:(t|u)?\*?)?$/, 'a port name with an optional ":t", ":u", ":*", ":t*" or ":u*" suffix, e.g. "lan1:t"'), 0),
  local: bool(),
});

export const ROUTE = defineSection<NetworkRoute>('network', 'route', {
  interface: required(ifaceName()),
  target: required(ipv4OrPrefix()),
  netmask: netmaskField(),
  gateway: ipv4(),
  metric: int(0, 2 ** 31 - 1),
}, (o, p) => {
  if (o.netmask !== undefined && o.target.includes('/')) p.fail('netmask', 'netmask given with a prefix length in target', o.netmask, 'use either target with a prefix length or netmask');
});

export const WIREGUARD_PEER = defineSection<WireguardPeer>('network', 'wireguard_*', {
  description: text(),
  public_key: required(text(WG_KEY, 'a base64 WireGuard public key (44 characters ending in "=")')),
  preshared_key: secret(),
  allowed_ips: required(list(address())),
  route_allowed_ips: bool(),
  endpoint_host: hostOrAddress(),
  endpoint_port: port(),
  persistent_keepalive: int(0, 65535, 'seconds, 0 = off'),
}, (o, p) => {
  if (o.endpoint_port !== undefined && o.endpoint_host === undefined) {
    p.fail('endpoint_port', 'endpoint port without endpoint host', o.endpoint_port, 'set endpoint_host too, or leave both out');
  }
});

/** A device name or an `@interface` alias. */
function deviceOrAlias(): Field {
  const dev = deviceName();
  return { check: (v, p, o) => (typeof v === 'string' && /^@[A-Za-z0-9_]+$/.test(v) ? v : dev.check(v, p, o)) };
}

/**
 * `config interface '<name>'`.
 *
 * @example
 * networkInterface({ router: 'gw' }, 'lan', { device: 'br-lan', proto: 'static', ipaddr: '10.0.100.1', netmask: '255.255.255.0' })
 * @throws HomelabValidationError `[router gw] interface.<option>: ...` for every invalid option
 */
export function networkInterface(ctx: UciContext, name: string, options: NetworkInterface): UciSection {
  return INTERFACE.build(ctx, options, name);
}

/** `config device ['<name>']`: a bridge or VLAN device. */
export function networkDevice(ctx: UciContext, options: NetworkDevice, name?: string): UciSection {
  return DEVICE.build(ctx, options, name);
}

/** `config bridge-vlan ['<name>']`. */
export function bridgeVlan(ctx: UciContext, options: BridgeVlan, name?: string): UciSection {
  return BRIDGE_VLAN.build(ctx, options, name);
}

/** `config route ['<name>']`. */
export function networkRoute(ctx: UciContext, options: NetworkRoute, name?: string): UciSection {
  return ROUTE.build(ctx, options, name);
}

/**
 * `config wireguard_<iface> ['<name>']`: a peer of WireGuard interface `iface`.
 *
 * @example
 * wireguardPeer({ router: 'gw' }, 'wg0', { public_key: 'sTvy...=', allowed_ips: ['10.255.0.2/32'] }, 'wg_flat_gw')
 */
export function wireguardPeer(ctx: UciContext, iface: string, options: WireguardPeer, name?: string): UciSection {
  if (typeof iface !== 'string' || !/^[A-Za-z0-9_]+$/.test(iface)) {
    // the section type embeds the interface name
    const p = new SectionProblems(`router ${ctx.router}`, 'wireguard_*');
    p.fail('(type)', 'invalid interface name', iface, 'a logical interface name matching [A-Za-z0-9_]+');
    throw new HomelabValidationError(p.problems);
  }
  return WIREGUARD_PEER.build(ctx, options, name, `wireguard_${iface}`);
}
