/**
 * The bootstrap graph: everything the homelab needs to come up from nothing
 * (secrets, the homelab's own source, Terraform state, image registries,
 * routers, Terraform, NixOS hosts, the cluster and its apps) as nodes, with
 * an edge from each step to what it needs first.
 *
 * A service the homelab needs to come up that is served by the cluster it
 * brings up closes a cycle (seed 000 kept its Pulumi state in MinIO on the
 * cluster it managed); {@link bootstrapCycles} finds every such cycle with
 * each of its steps. {@link bringUpOrder} is the order to recreate the
 * homelab from nothing.
 */
import { Inventory } from './inventory';
import { isIPv4InRange } from '../core/net';

/** One step of bringing the homelab up. */
export interface BootstrapNode {
  /** Stable id: `source`, `secrets`, `state`, `routers`, `terraform`, `hosts`, `cluster`, `app:<name>`, `registry:<host>`. */
  readonly id: string;
  /** What it is, in the user's words. */
  readonly label: string;
  /** Served from outside the homelab (must exist before anything else). */
  readonly external: boolean;
  /** The ids this step needs first. */
  readonly needs: readonly string[];
}

/** A cycle through the bring-up, from the configured service back to itself. */
export interface BootstrapCycle {
  /** The node whose configuration closes the cycle (`state`, `source`, `secrets`, `registry:<host>`). */
  readonly start: string;
  /** Node ids in order; the last one needs the first. */
  readonly steps: readonly string[];
  /** Data path and field of the setting that closes it. */
  readonly path: string;
  readonly field: string;
  /** The offending setting's value. */
  readonly value: string;
}

/** Where something lives in the cluster, when its host name or address is served by it. */
export interface InClusterService {
  /** The app serving it, if any. */
  readonly app?: string;
  /** In the user's words: `app gitea`, `k3s node olaf`, `a Kubernetes service name`. */
  readonly what: string;
}

/**
 * Whether a host name or IPv4 address is served by this homelab's cluster: an
 * app's ingress host, a Kubernetes service name, the ingress address, a k3s
 * node or k3s container (by address or name).
 */
export function clusterService(inv: Inventory, host: string): InClusterService | undefined {
  const h = host.toLowerCase();
  const app = (inv.apps ?? []).find((a) => typeof a.ingress?.host === 'string' && a.ingress.host.toLowerCase() === h);
  if (app) return { app: app.name, what: `app ${app.name}` };
  if (/(^|\.)(svc|cluster\.local)$/.test(h)) return { what: 'a Kubernetes service name' };
  for (const site of inv.sites ?? []) {
    if (site.ingressIP === h) return { what: `the ingress of site ${site.name}` };
    for (const n of site.networks ?? []) {
      const pool = n.loadBalancerPool;
      if (pool && isIPv4InRange(h, pool.start, pool.end)) return { what: `the load-balancer pool of network ${n.name}` };
    }
    for (const host of site.hosts ?? []) {
      if (host.k3s && (host.ip === h || h === host.name || h.startsWith(`${host.name}.`))) return { what: `k3s node ${host.name}` };
      for (const c of host.k3sContainers ?? []) if (c.ip === h || h === c.name || h.startsWith(`${c.name}.`)) return { what: `k3s container ${c.name}` };
    }
  }
  return undefined;
}

/** The registry host of an image reference (`ghcr.io/a/b:1` → `ghcr.io`, `nginx:1` → `docker.io`). */
export function imageRegistry(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first.replace(/:\d+$/, '') : 'docker.io';
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    // scp-like git remotes: git@host:owner/repo
    const m = /^[^@/]+@([^:/]+):/.exec(url);
    return m ? m[1].toLowerCase() : undefined;
  }
}

/** The bring-up graph of a valid inventory. */
export function bootstrapGraph(inv: Inventory): BootstrapNode[] {
  const nodes: BootstrapNode[] = [];
  const servedBy = (host: string | undefined): string[] => {
    if (host === undefined) return [];
    const s = clusterService(inv, host);
    return s ? [s.app ? `app:${s.app}` : 'cluster'] : [];
  };
  const by = (host: string | undefined): string => {
    const s = host === undefined ? undefined : clusterService(inv, host);
    return s ? ` (served by ${s.what})` : '';
  };
  const boot = inv.bootstrap ?? {};
  const state = inv.stateBackend;
  const stateHost = state?.type === 's3' ? hostOf(state.endpoint) : undefined;
  nodes.push({ id: 'source', label: `the homelab's source${boot.gitRemote ? ` (git remote ${boot.gitRemote})` : ''}${by(hostOf(boot.gitRemote))}`, external: servedBy(hostOf(boot.gitRemote)).length === 0, needs: servedBy(hostOf(boot.gitRemote)) });
  nodes.push({ id: 'secrets', label: `the secret values (${boot.secretStore ?? 'sops-encrypted files and your environment'})${by(hostOf(boot.secretStore))}`, external: servedBy(hostOf(boot.secretStore)).length === 0, needs: servedBy(hostOf(boot.secretStore)) });
  nodes.push({
    id: 'state',
    label: state?.type === 's3' ? `Terraform state in bucket ${state.bucket}${state.endpoint ? ` at ${state.endpoint}` : ' on Backblaze B2'}${by(stateHost)}` : `Terraform state in the local file ${state?.type === 'local' && state.path ? state.path : `terraform.${inv.name}.tfstate`}`,
    external: servedBy(stateHost).length === 0,
    needs: servedBy(stateHost),
  });
  const routers = (inv.sites ?? []).flatMap((s) => (s.routers ?? []).map((r) => r.name));
  if (routers.length > 0) nodes.push({ id: 'routers', label: `the routers (${routers.join(', ')})`, external: false, needs: ['source', 'secrets'] });
  const routerDep = routers.length > 0 ? ['routers'] : [];
  nodes.push({ id: 'terraform', label: `Terraform stack ${inv.name}`, external: false, needs: ['source', 'secrets', 'state', ...routerDep] });
  const hosts = (inv.sites ?? []).flatMap((s) => (s.hosts ?? []).map((h) => h.name));
  if (hosts.length > 0) nodes.push({ id: 'hosts', label: `the NixOS hosts (${hosts.join(', ')})`, external: false, needs: ['source', 'secrets', 'terraform', ...routerDep] });
  const clusterNodes = (inv.sites ?? []).some((s) => (s.hosts ?? []).some((h) => h.k3s || (h.k3sContainers ?? []).length > 0));
  if (clusterNodes) {
    nodes.push({ id: 'cluster', label: 'the cluster platform', external: false, needs: ['source', 'secrets', 'hosts'] });
    const registries = new Map<string, string[]>();
    for (const a of inv.apps ?? []) {
      if (typeof a.image !== 'string' || typeof a.name !== 'string') continue;
      const r = imageRegistry(a.image);
      nodes.push({ id: `app:${a.name}`, label: `app ${a.name}`, external: false, needs: ['cluster', `registry:${r}`] });
      registries.set(r, servedBy(r));
    }
    for (const [r, needs] of [...registries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      nodes.push({ id: `registry:${r}`, label: `image registry ${r}${by(r)}`, external: needs.length === 0, needs });
    }
  }
  return nodes;
}

/** Every cycle that a service served by the cluster closes, shortest path each. */
export function bootstrapCycles(inv: Inventory): BootstrapCycle[] {
  const nodes = bootstrapGraph(inv);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const cycles: BootstrapCycle[] = [];
  for (const start of nodes) {
    if (start.needs.length === 0 || !['source', 'secrets', 'state'].includes(start.id) && !start.id.startsWith('registry:')) continue;
    // Breadth-first from what the start needs, back to the start.
    const prev = new Map<string, string>();
    const queue = [...start.needs];
    for (const n of start.needs) prev.set(n, start.id);
    let found = false;
    while (queue.length > 0 && !found) {
      const id = queue.shift()!;
      for (const next of byId.get(id)?.needs ?? []) {
        if (next === start.id) { prev.set(start.id + '#end', id); found = true; break; }
        if (!prev.has(next)) { prev.set(next, id); queue.push(next); }
      }
    }
    if (!found) continue;
    const steps: string[] = [];
    for (let id = prev.get(start.id + '#end')!; id !== start.id; id = prev.get(id)!) steps.unshift(id);
    steps.unshift(start.id);
    cycles.push({ start: start.id, steps, ...origin(inv, start.id) });
  }
  return cycles;
}

function origin(inv: Inventory, id: string): { path: string; field: string; value: string } {
  if (id === 'state') return { path: 'inventory.stateBackend', field: 'StateBackend.endpoint', value: (inv.stateBackend as { endpoint?: string }).endpoint ?? '' };
  if (id === 'source') return { path: 'inventory.bootstrap', field: 'Bootstrap.gitRemote', value: inv.bootstrap!.gitRemote! };
  if (id === 'secrets') return { path: 'inventory.bootstrap', field: 'Bootstrap.secretStore', value: inv.bootstrap!.secretStore! };
  const registry = id.slice('registry:'.length);
  const app = (inv.apps ?? []).find((a) => imageRegistry(a.image) === registry && clusterService(inv, registry)?.app === a.name)
    ?? (inv.apps ?? []).find((a) => imageRegistry(a.image) === registry)!;
  return { path: `inventory.apps[${app.name}]`, field: 'App.image', value: app.image };
}

/** The labels of a cycle's steps, joined with arrows ("A needs B needs … needs A"). */
export function describeCycle(inv: Inventory, cycle: BootstrapCycle): string {
  const byId = new Map(bootstrapGraph(inv).map((n) => [n.id, n]));
  return [...cycle.steps, cycle.steps[0]].map((id) => byId.get(id)!.label).join(' → needs → ');
}

/** Steps in an order where each comes after everything it needs (external ones first). */
export function bringUpOrder(inv: Inventory): BootstrapNode[] {
  const nodes = bootstrapGraph(inv);
  const done = new Set<string>();
  const order: BootstrapNode[] = [];
  const external = nodes.filter((n) => n.external);
  for (const n of external) { order.push(n); done.add(n.id); }
  let progress = true;
  while (progress) {
    progress = false;
    for (const n of nodes) {
      if (done.has(n.id) || !n.needs.every((d) => done.has(d))) continue;
      order.push(n);
      done.add(n.id);
      progress = true;
    }
  }
  return order;
}
