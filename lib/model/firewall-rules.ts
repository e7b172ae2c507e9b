/**
 * Validation of the firewall policy fields of networks (`isolated`, `allowTo`): each network a
 * router serves becomes a firewall zone named like it, so its name must be one OpenWrt accepts as a
 * zone, and `allowTo` may only name networks of the same router or the mesh.
 */
import { Inventory } from './inventory';
import { HomelabProblem, oneOf } from '../core/errors';

/** `allowTo` entry for the other sites' networks over the WireGuard mesh. */
export const MESH_TARGET = 'mesh';
/** Zone names the router emitter uses itself. */
const RESERVED_ZONES = new Set(['wan', 'vpn', MESH_TARGET]);
/** OpenWrt: "11 characters is the maximum working firewall zone name length". */
const MAX_ZONE = 11;

/** Every problem with the networks' firewall policy, at their data paths. */
export function firewallPolicyProblems(inv: Inventory): HomelabProblem[] {
  const problems: HomelabProblem[] = [];
  for (const site of inv.sites ?? []) {
    const routers = site.routers ?? [];
    for (const n of site.networks ?? []) {
      const path = `inventory.sites[${site.name}].networks[${n.name}]`;
      const served = routers.filter((r) => (r.networks ?? []).includes(n.name));
      if (n.isolated !== undefined && typeof n.isolated !== 'boolean') {
        problems.push(new HomelabProblem(path, 'Network.isolated', 'not a boolean', n.isolated, 'true for an untrusted network (IoT, guest), false or left out otherwise'));
      }
      if (served.length > 0 && typeof n.name === 'string') {
        if (n.name.length > MAX_ZONE) {
          problems.push(new HomelabProblem(path, 'Network.name', `too long for the firewall zone its router ${served[0].name} makes of it`, n.name, `at most ${MAX_ZONE} characters on a network a router serves`));
        }
        if (RESERVED_ZONES.has(n.name)) {
          problems.push(new HomelabProblem(path, 'Network.name', 'the name of a firewall zone the router makes itself', n.name, `any name but ${[...RESERVED_ZONES].join(', ')} on a network a router serves`));
        }
      }
      if (n.allowTo === undefined) continue;
      if (!Array.isArray(n.allowTo)) {
        problems.push(new HomelabProblem(path, 'Network.allowTo', 'not a list', n.allowTo, `names of other networks on the same router, or "${MESH_TARGET}"`));
        continue;
      }
      const neighbours = new Set(served.flatMap((r) => r.networks ?? []).filter((x) => x !== n.name));
      const meshed = served.some((r) => r.wireguard !== undefined);
      const seen = new Set<string>();
      n.allowTo.forEach((t, i) => {
        const field = `Network.allowTo[${i}]`;
        const targets = [...neighbours, ...(meshed ? [MESH_TARGET] : [])];
        const allowed = targets.length === 0
          ? 'another network on the same router (it serves no other: add one to its networks), or drop allowTo'
          : `${oneOf(targets, '')}: networks on the same router${meshed ? `, or "${MESH_TARGET}" for the other sites` : ''}`;
        if (served.length === 0) problems.push(new HomelabProblem(path, field, 'the network is on no router, so there is no firewall to open', t, 'add the network to a router\'s networks, or drop allowTo'));
        else if (seen.has(t)) problems.push(new HomelabProblem(path, field, 'listed twice', t, 'name each network once'));
        else if (t === n.name) problems.push(new HomelabProblem(path, field, 'the network itself', t, allowed));
        else if (!(typeof t === 'string' && (neighbours.has(t) || (t === MESH_TARGET && meshed)))) problems.push(new HomelabProblem(path, field, t === MESH_TARGET ? 'its router is not in the WireGuard mesh' : 'not a network on the same router', t, allowed));
        seen.add(t as string);
      });
    }
  }
  return problems;
}
