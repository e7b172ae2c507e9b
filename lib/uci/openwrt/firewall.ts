/**
 * Typed sections of `/etc/config/firewall` (firewall4): defaults, zones,
 * forwardings, traffic rules and redirects (port forwards).
 *
 * Section order matters in this package - rules match top to bottom - so
 * callers keep their sections in the order they mean; the options inside a
 * section have no order for firewall4, and are written in the fixed order of
 * each definition.
 *
 * Descriptions follow the OpenWrt user guide "Firewall configuration";
 * `@default` is firewall4's when the option is absent.
 *
 * @see https://openwrt.org/docs/guide-user/firewall/firewall_configuration
 * @see https://github.com/openwrt/firewall4/blob/master/root/usr/share/ucode/fw4.uc
 * @module
 */
import type { UciSection } from '../section';
import { address, bool, defineSection, Field, ifaceName, list, oneOf, oneOrList, portOrRange, required, text, UciContext } from './common';

/** A zone policy. */
export type FirewallPolicy = 'ACCEPT' | 'REJECT' | 'DROP';

/** A rule target (firewall4 `parse_target`, the filter ones). */
export type FirewallRuleTarget = 'ACCEPT' | 'REJECT' | 'DROP' | 'NOTRACK' | 'HELPER' | 'MARK' | 'DSCP';

/** A redirect target. */
export type FirewallRedirectTarget = 'DNAT' | 'SNAT';

/** Address families. */
export type FirewallFamily = 'any' | 'ipv4' | 'ipv6';

/** Protocol names firewall4 knows (or a number from /etc/protocols). */
export type FirewallProto = 'tcp' | 'udp' | 'tcpudp' | 'udplite' | 'icmp' | 'icmpv6' | 'esp' | 'ah' | 'sctp' | 'igmp' | 'gre' | 'all' | number;

/** A port (number or numeric string) or a range `"1024-2048"`. */
export type FirewallPort = number | `${number}` | `${number}-${number}` | `${number}:${number}`;

/** `config defaults`: global policies. */
export interface FirewallDefaults {
  /**
   * "Enable SYN flood protection (obsoleted by synflood_protect setting)".
   *
   * @default false
   */
  readonly syn_flood?: boolean;

  /**
   * "Set policy for the INPUT chain of the filter table": traffic to the router.
   *
   * @default 'DROP'
   */
  readonly input?: FirewallPolicy;

  /**
   * "Set policy for the OUTPUT chain of the filter table": traffic from the router.
   *
   * @default 'DROP'
   */
  readonly output?: FirewallPolicy;

  /**
   * "Set policy for the FORWARD chain of the filter table": routed traffic.
   *
   * @default 'DROP'
   */
  readonly forward?: FirewallPolicy;

  /**
   * "Drop invalid packets (e.g. not matching any active connection)".
   *
   * @default false
   */
  readonly drop_invalid?: boolean;
}

/** `config zone`: a group of interfaces with common policies. */
export interface FirewallZone {
  /** "Unique zone name. 11 characters is the maximum working firewall zone name length." */
  readonly name: string;

  /**
   * "List of interfaces attached to this zone" (logical interface names from
   * `/etc/config/network`).
   *
   * @default - the interface named like the zone
   */
  readonly network?: readonly string[];

  /**
   * "Policy for incoming zone traffic" (to the router).
   *
   * @default - the `defaults` input policy
   */
  readonly input?: FirewallPolicy;

  /**
   * "Policy for outgoing zone traffic" (from the router).
   *
   * @default - the `defaults` output policy
   */
  readonly output?: FirewallPolicy;

  /**
   * "Policy for forwarded zone traffic" between networks of this zone.
   *
   * @default - the `defaults` forward policy
   */
  readonly forward?: FirewallPolicy;

  /**
   * "Specifies whether outgoing zone IPv4 traffic should be masqueraded. This
   * is typically enabled on the wan zone."
   *
   * @default false
   */
  readonly masq?: boolean;

  /**
   * "Enable MSS clamping for outgoing zone traffic".
   *
   * @default false
   */
  readonly mtu_fix?: boolean;
}

/** `config forwarding`: lets traffic pass from one zone to another. */
export interface FirewallForwarding {
  /** "Specifies the traffic source zone. Refers to one of the defined zone names." */
  readonly src: string;

  /** "Specifies the traffic destination zone. Refers to one of the defined zone names." */
  readonly dest: string;
}

/** `config rule`: a traffic rule. */
export interface FirewallRule {
  /**
   * "Name of rule".
   *
   * @default - `@rule[<index>]`
   */
  readonly name?: string;

  /**
   * "Specifies the traffic source zone. Refers to one of the defined zone
   * names, or * for any zone. If omitted, the rule applies to output traffic."
   *
   * @default - output traffic
   */
  readonly src?: string;

  /**
   * "Match incoming traffic from the specified source IP address, CIDR
   * notations can be used".
   *
   * @default - any source address
   */
  readonly src_ip?: string | readonly string[];

  /**
   * "Specifies the traffic destination zone. Refers to one of the defined zone
   * names, or * for any zone. If specified, the rule applies to forwarded
   * traffic; otherwise, it is treated as input rule."
   *
   * @default - input traffic (to the router)
   */
  readonly dest?: string;

  /**
   * "Match incoming traffic directed to the specified destination IP address,
   * CIDR notations can be used".
   *
   * @default - any destination address
   */
  readonly dest_ip?: string | readonly string[];

  /**
   * "Match incoming traffic using the given protocol": tcp, udp, udplite,
   * icmp, esp, ah, sctp, all, or a protocol number; a list matches several.
   *
   * @default 'tcpudp'
   */
  readonly proto?: FirewallProto | readonly FirewallProto[];

  /**
   * "Match incoming traffic directed at the given destination port or port
   * range, if relevant proto is specified."
   *
   * @default - any port
   */
  readonly dest_port?: FirewallPort | readonly FirewallPort[];

  /**
   * "For protocol icmp select specific ICMP types to match. Values can be
   * either exact ICMP type numbers or type names".
   *
   * @default - any type
   */
  readonly icmp_type?: string | readonly string[];

  /**
   * "Maximum average matching rate; specified as a number, with an optional
   * /second, /minute, /hour or /day suffix", e.g. `1000/sec`.
   *
   * @default - no limit
   */
  readonly limit?: string;

  /**
   * "Protocol family (ipv4, ipv6 or any) to generate rules for".
   *
   * @default 'any'
   */
  readonly family?: FirewallFamily;

  /**
   * "Firewall action (ACCEPT, REJECT, DROP, MARK, NOTRACK) for matched traffic".
   *
   * @default 'DROP'
   */
  readonly target?: FirewallRuleTarget;
}

/** `config redirect`: a port forward (DNAT) or source NAT rule. */
export interface FirewallRedirect {
  /**
   * "Name of redirect".
   *
   * @default - `@redirect[<index>]`
   */
  readonly name?: string;

  /**
   * "Specifies the traffic source zone. Refers to one of the defined zone
   * names. For typical port forwards this usually is wan." Required for DNAT.
   *
   * @default - none (an error for DNAT)
   */
  readonly src?: string;

  /**
   * "Match incoming traffic from the specified source IP address".
   *
   * @default - any source address
   */
  readonly src_ip?: string;

  /**
   * "For DNAT, match incoming traffic directed at the given destination port
   * or port range on this host".
   *
   * @default - any port
   */
  readonly src_dport?: FirewallPort;

  /**
   * "Specifies the traffic destination zone. Refers to one of the defined zone names."
   *
   * @default - derived from dest_ip
   */
  readonly dest?: string;

  /**
   * "For DNAT, redirect matched incoming traffic to the specified internal host".
   *
   * @default - the router itself
   */
  readonly dest_ip?: string;

  /**
   * "For DNAT, redirect matched incoming traffic to the given port on the
   * internal host".
   *
   * @default - the matched port (src_dport)
   */
  readonly dest_port?: FirewallPort;

  /**
   * "Match incoming traffic using the given protocol".
   *
   * @default 'tcpudp'
   */
  readonly proto?: FirewallProto | readonly FirewallProto[];

  /**
   * "NAT target (DNAT or SNAT) to use when generating the rule".
   *
   * @default 'DNAT'
   */
  readonly target?: FirewallRedirectTarget;
}

const POLICIES: readonly FirewallPolicy[] = ['ACCEPT', 'REJECT', 'DROP'];
const RULE_TARGETS: readonly FirewallRuleTarget[] = ['ACCEPT', 'REJECT', 'DROP', 'NOTRACK', 'HELPER', 'MARK', 'DSCP'];
const PROTO_NAMES = ['tcp', 'udp', 'tcpudp', 'udplite', 'icmp', 'icmpv6', 'esp', 'ah', 'sctp', 'igmp', 'gre', 'all'];

/** firewall4 identifiers, and the 11-character limit the guide gives for zone names. */
function zoneName(any = false): Field {
  const allowed = `a zone name of at most 11 characters matching [A-Za-z_.][A-Za-z0-9/_.-]*${any ? ', or "*" for any zone' : ''}`;
  const base = text(/^[A-Za-z_.][A-Za-z0-9/_.-]{0,10}$/, allowed);
  return { check: (v, p, o) => (any && v === '*' ? v : base.check(v, p, o)) };
}

function proto(): Field {
  const allowed = `${PROTO_NAMES.join(', ')} or a protocol number 0-255`;
  const one: Field = {
    check: (v, p, o) => (PROTO_NAMES.includes(v as string) || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255)
      ? (v as string | number)
      : p.fail(o, 'unknown protocol', v, allowed)),
  };
  return oneOrList(one);
}

/** `n`, `n/second`, `n/sec`, `n/s`, ... as firewall4's `parse_limit` reads them. */
function limit(): Field {
  const allowed = 'a rate like "10/second", "3/minute", "1000/sec" (units second, minute, hour, day or a prefix of them)';
  return {
    check: (v, p, o) => {
      const m = typeof v === 'string' ? /^(\d+)(?:\/([a-z]+))?$/.exec(v) : null;
      const ok = m !== null && (m[2] === undefined || ['second', 'minute', 'hour', 'day'].some((u) => u.startsWith(m[2])));
      return ok ? (v as string) : p.fail(o, 'invalid limit', v, allowed);
    },
  };
}

export const DEFAULTS = defineSection<FirewallDefaults>('firewall', 'defaults', {
  syn_flood: bool(),
  input: oneOf(POLICIES, 'policy'),
  output: oneOf(POLICIES, 'policy'),
  forward: oneOf(POLICIES, 'policy'),
  drop_invalid: bool(),
});

export const ZONE = defineSection<FirewallZone>('firewall', 'zone', {
  name: required(zoneName()),
  network: list(ifaceName(), 0),
  input: oneOf(POLICIES, 'policy'),
  output: oneOf(POLICIES, 'policy'),
  forward: oneOf(POLICIES, 'policy'),
  masq: bool(),
  mtu_fix: bool(),
});

export const FORWARDING = defineSection<FirewallForwarding>('firewall', 'forwarding', {
  src: required(zoneName(true)),
  dest: required(zoneName(true)),
});

export const RULE = defineSection<FirewallRule>('firewall', 'rule', {
  name: text(),
  src: zoneName(true),
  src_ip: oneOrList(address()),
  dest: zoneName(true),
  dest_ip: oneOrList(address()),
  proto: proto(),
  dest_port: portOrRange(),
  icmp_type: oneOrList(text(/^([a-z-]+|\d{1,3}(\/\d{1,3})?)$/, 'an ICMP type name like "echo-request" or a number "8" / "8/0"')),
  limit: limit(),
  family: oneOf<FirewallFamily>(['any', 'ipv4', 'ipv6'], 'family'),
  target: oneOf(RULE_TARGETS, 'target'),
}, (o, p) => {
  const protos = [o.proto ?? 'tcpudp'].flat();
  const icmpOnly = protos.every((x) => x === 'icmp' || x === 'icmpv6');
  if (o.dest_port !== undefined && icmpOnly) p.fail('dest_port', 'ports need a protocol with ports', o.dest_port, 'set proto to tcp, udp, tcpudp, udplite or sctp');
  if (o.icmp_type !== undefined && !protos.some((x) => x === 'icmp' || x === 'icmpv6')) p.fail('icmp_type', 'ICMP types need proto icmp', o.icmp_type, 'set proto to "icmp"');
});

export const REDIRECT = defineSection<FirewallRedirect>('firewall', 'redirect', {
  name: text(),
  src: zoneName(),
  src_ip: address(),
  src_dport: portOrRange(),
  dest: zoneName(),
  dest_ip: address(),
  dest_port: portOrRange(),
  proto: proto(),
  target: oneOf<FirewallRedirectTarget>(['DNAT', 'SNAT'], 'target'),
}, (o, p) => {
  if ((o.target ?? 'DNAT') === 'DNAT' && o.src === undefined) p.fail('src', 'DNAT needs a source zone', undefined, 'set src, usually "wan"');
});

/** `config defaults`. */
export function firewallDefaults(ctx: UciContext, options: FirewallDefaults, name?: string): UciSection {
  return DEFAULTS.build(ctx, options, name);
}

/** `config zone ['<name>']`. */
export function firewallZone(ctx: UciContext, options: FirewallZone, name?: string): UciSection {
  return ZONE.build(ctx, options, name);
}

/** `config forwarding ['<name>']`. */
export function firewallForwarding(ctx: UciContext, options: FirewallForwarding, name?: string): UciSection {
  return FORWARDING.build(ctx, options, name);
}

/**
 * `config rule ['<name>']`.
 *
 * @example
 * firewallRule({ router: 'gw' }, { name: 'Allow-WireGuard', src: 'wan', proto: 'udp', dest_port: 51820, target: 'ACCEPT' })
 * @throws HomelabValidationError e.g. `[router gw] rule.target: unknown target (got "ALLOW"); one of ACCEPT, REJECT, ...`
 */
export function firewallRule(ctx: UciContext, options: FirewallRule, name?: string): UciSection {
  return RULE.build(ctx, options, name);
}

/** `config redirect ['<name>']`. */
export function firewallRedirect(ctx: UciContext, options: FirewallRedirect, name?: string): UciSection {
  return REDIRECT.build(ctx, options, name);
}
