/**
 * A model of how netifd programs a VLAN-filtering bridge from `/etc/config/network`
 * (openwrt/netifd `bridge.c` and `config.c`), to check what reaches each port:
 *
 * - Without any `bridge-vlan` of a bridge, the kernel's defaults hold: the bridge and every port
 *   are untagged members of VLAN 1 with PVID 1 (`default_pvid`).
 * - With one or more, netifd turns on VLAN filtering and deletes the default VLAN 1 from the bridge
 *   itself and from every port ("delete default VLAN 1" in `bridge_set_up` / `bridge_enable_member`);
 *   then each `bridge-vlan` adds its VLAN to the ports it lists: `port` or `port:u` untagged,
 *   `port:t` tagged, a `*` makes it the port's PVID (the VLAN untagged frames arriving there get).
 *   With `local` (the default) the bridge itself (the CPU) is a tagged member, so an interface on
 *   the VLAN device `<bridge>.<vid>` sends and receives in that VLAN.
 * - An interface on the bare bridge device talks untagged on the bridge: it needs the bridge's own
 *   PVID, which only the defaults give.
 *
 * Only what the emitter writes is modelled (no `vlan_filtering` option, no 802.1ad); anything else
 * makes {@link bridgeState} throw, so the model cannot silently pass something it does not know.
 */
import type { UciParsedPackage, UciParsedSection } from '../../lib/uci';

/** Membership of one VLAN on one bridge port (or the bridge itself). */
export interface VlanMembership {
  readonly tagged: boolean;
  readonly pvid: boolean;
}

/** The VLAN table of one bridge after netifd set it up. */
export interface BridgeState {
  readonly name: string;
  readonly hasVlans: boolean;
  /** Port -> VLAN id -> membership. */
  readonly ports: ReadonlyMap<string, ReadonlyMap<number, VlanMembership>>;
  /** The bridge itself (the CPU port): VLAN id -> membership. */
  readonly self: ReadonlyMap<number, VlanMembership>;
}

const values = (s: UciParsedSection, name: string): readonly string[] => s.options.find((o) => o.name === name)?.values ?? [];
const value = (s: UciParsedSection, name: string): string | undefined => values(s, name)[0];

/** Every bridge of a `network` package with its VLAN table. */
export function bridgeStates(network: UciParsedPackage): Map<string, BridgeState> {
  const out = new Map<string, BridgeState>();
  for (const dev of network.sections.filter((s) => s.type === 'device' && value(s, 'type') === 'bridge')) {
    const name = value(dev, 'name')!;
    const bridgePorts = values(dev, 'ports');
    const vlans = network.sections.filter((s) => s.type === 'bridge-vlan' && value(s, 'device') === name);
    const ports = new Map<string, Map<number, VlanMembership>>(bridgePorts.map((p) => [p, new Map()]));
    const self = new Map<number, VlanMembership>();
    if (vlans.length === 0) {
      // kernel defaults: VLAN 1 untagged, PVID, everywhere
      for (const m of ports.values()) m.set(1, { tagged: false, pvid: true });
      self.set(1, { tagged: false, pvid: true });
    }
    for (const v of vlans) {
      const vid = Number(value(v, 'vlan'));
      if (!Number.isInteger(vid) || vid < 1 || vid > 4094) throw new Error(`bridge-vlan of ${name}: bad vlan ${value(v, 'vlan')}`);
      for (const entry of values(v, 'ports')) {
        const m = /^([^:]+)(?::(t|u)?(\*)?)?$/.exec(entry);
        if (!m) throw new Error(`bridge-vlan ${vid} of ${name}: unparsable port ${JSON.stringify(entry)}`);
        const table = ports.get(m[1]);
        if (!table) throw new Error(`bridge-vlan ${vid} of ${name}: ${m[1]} is not a port of the bridge (ports: ${bridgePorts.join(' ')})`);
        const pvid = m[3] === '*';
        if (pvid) for (const [other, mem] of table) if (mem.pvid) throw new Error(`port ${m[1]} of ${name}: PVID ${vid} and ${other}`);
        table.set(vid, { tagged: m[2] === 't', pvid });
      }
      if (value(v, 'local') !== '0') self.set(vid, { tagged: true, pvid: false });
    }
    out.set(name, { name, hasVlans: vlans.length > 0, ports, self });
  }
  return out;
}

/** Where an interface's traffic goes on a bridge: its VLAN, or undefined when it has none. */
export interface InterfaceVlan {
  readonly bridge: string;
  readonly vid?: number;
}

/**
 * The bridge VLAN that interface `iface` lives in: `<bridge>.<vid>` needs the bridge itself to be a
 * (local) member of `vid`; the bare bridge needs the bridge's PVID. Undefined when the interface is
 * not on a bridge.
 */
export function interfaceVlan(network: UciParsedPackage, iface: string): InterfaceVlan | undefined {
  const sec = network.sections.find((s) => s.type === 'interface' && s.name === iface);
  const device = sec && value(sec, 'device');
  if (!device) return undefined;
  const bridges = bridgeStates(network);
  const bare = bridges.get(device);
  if (bare) {
    const pvid = [...bare.self].find(([, m]) => m.pvid && !m.tagged);
    return { bridge: bare.name, vid: pvid?.[0] };
  }
  const dot = device.lastIndexOf('.');
  const bridge = dot > 0 ? bridges.get(device.slice(0, dot)) : undefined;
  if (!bridge) return undefined;
  const vid = Number(device.slice(dot + 1));
  return { bridge: bridge.name, vid: bridge.self.get(vid)?.tagged ? vid : undefined };
}
