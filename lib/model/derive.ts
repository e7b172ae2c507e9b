/**
 * Derives every cross-layer fact from the inventory, once. Emitters read the
 * resolved {@link Model} and never each other.
 */
import { createHash } from 'crypto';
import { AppSpec, HostSpec, Inventory, NetworkSpec, RouterSpec, SiteSpec } from './inventory';
import { Cidr, parseCidr, parseIPv4, reverseZone } from './net';

export interface ResolvedNetwork extends NetworkSpec {
  readonly site: string;
  readonly parsed: Cidr;
  readonly nameservers: readonly string[];
  readonly prefix: number;
}

export interface ResolvedHost extends HostSpec {
  readonly site: string;
  readonly interface: string;
  readonly kind: 'metal' | 'vm';
  /** Given, or derived for VMs; undefined for metal hosts without one. */
  readonly mac?: string;
  readonly net: ResolvedNetwork;
  readonly fqdn: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly string[];
}

export interface ResolvedApp extends AppSpec {
  readonly namespace: string;
  readonly replicas: number;
  readonly runAsUser: number;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
  readonly tmpVolume: boolean;
}

/** A name the site router answers locally (hosts, internal apps). */
export interface LocalName {
  readonly name: string;
  readonly ip: string;
}

/** A DHCP reservation on a router. */
export interface StaticLease {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
}

/** A public DNS record (Cloudflare). */
export interface PublicRecord {
  readonly app: string;
  readonly host: string;
  readonly ipv4: string;
}

export interface ResolvedRouter extends RouterSpec {
  readonly site: string;
  readonly networks: readonly string[];
  readonly nets: readonly ResolvedNetwork[];
  readonly address: string;
  readonly timezone: string;
  readonly lanPorts: readonly string[];
  readonly wanDevice: string;
  readonly leases: readonly StaticLease[];
  readonly localNames: readonly LocalName[];
  /** Other sites' domains and reverse zones and their DNS servers. */
  readonly forwards: readonly { readonly domain: string; readonly server: string }[];
  readonly forwardPorts: readonly number[];
  readonly ingressIP?: string;
}

/** The resolved homelab: every default applied, every derived fact computed. */
export interface Model {
  readonly inventory: Inventory;
  readonly name: string;
  readonly networks: readonly ResolvedNetwork[];
  readonly hosts: readonly ResolvedHost[];
  readonly routers: readonly ResolvedRouter[];
  readonly apps: readonly ResolvedApp[];
  readonly publicRecords: readonly PublicRecord[];
  /** The k3s server every other node joins (the `k3sInit` one). */
  readonly initServer?: ResolvedHost;
  /** Site that runs the cluster (where its servers are). */
  readonly clusterSite?: SiteSpec;
  readonly ingressIP?: string;
  readonly stateVersion: string;
  readonly nixpkgs: string;
  readonly timezone: string;
}

/**
 * A stable, locally administered, unicast MAC for a VM: the same inputs give the
 * same MAC on every run, so the Proxmox NIC and the router's DHCP reservation agree.
 */
export function deriveMac(homelab: string, site: string, host: string): string {
  const digest = createHash('sha256').update(`homelab-cdk/mac/${homelab}/${site}/${host}`).digest();
  const bytes = [0x02, digest[0], digest[1], digest[2], digest[3], digest[4]];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Resolves a valid inventory (see `validateInventory`) into the model. */
export function deriveModel(inv: Inventory): Model {
  const networks: ResolvedNetwork[] = [];
  const hosts: ResolvedHost[] = [];
  for (const site of inv.sites) {
    for (const n of site.networks) {
      const parsed = parseCidr(n.cidr)!;
      networks.push({ ...n, site: site.name, parsed, prefix: parsed.prefix, nameservers: n.nameservers ?? [n.gateway] });
    }
    for (const h of site.hosts ?? []) {
      const net = networks.find((n) => n.site === site.name && n.name === h.network)!;
      const kind = h.kind ?? 'metal';
      hosts.push({
        ...h,
        site: site.name,
        interface: h.interface ?? 'eth0',
        kind,
        mac: h.mac ?? (kind === 'vm' ? deriveMac(inv.name, site.name, h.name) : undefined),
        net,
        fqdn: `${h.name}.${net.domain}`,
        labels: h.labels ?? {},
        taints: h.taints ?? [],
      });
    }
  }

  const apps: ResolvedApp[] = (inv.apps ?? []).map((a) => ({
    ...a,
    namespace: a.namespace ?? a.name,
    replicas: a.replicas ?? 1,
    runAsUser: a.runAsUser ?? 1000,
    cpuMillis: a.cpuMillis ?? 100,
    memoryMiB: a.memoryMiB ?? 256,
    tmpVolume: a.tmpVolume ?? true,
  }));

  const initServer = hosts.find((h) => h.k3s === 'server' && h.k3sInit);
  const clusterSite = initServer ? inv.sites.find((s) => s.name === initServer.site) : undefined;
  const ingressIP = clusterSite ? clusterSite.ingressIP ?? initServer!.ip : undefined;

  const publicRecords: PublicRecord[] = [];
  if (clusterSite?.publicIPv4) {
    for (const a of apps) {
      if (a.ingress?.public) publicRecords.push({ app: a.name, host: a.ingress.host, ipv4: clusterSite.publicIPv4 });
    }
  }

  const routers: ResolvedRouter[] = [];
  for (const site of inv.sites) {
    for (const r of site.routers ?? []) {
      const nets = r.networks.map((name) => networks.find((n) => n.site === site.name && n.name === name)!);
      const inNets = (ip: string) => nets.some((n) => isIn(ip, n.parsed));
      const siteHosts = hosts.filter((h) => h.site === site.name && inNets(h.ip));
      const leases = siteHosts.filter((h) => h.mac).map((h) => ({ name: h.name, mac: h.mac!, ip: h.ip }));
      const localNames: LocalName[] = siteHosts.map((h) => ({ name: h.fqdn, ip: h.ip }));
      if (clusterSite?.name === site.name && ingressIP) {
        for (const a of apps) if (a.ingress && !a.ingress.public) localNames.push({ name: a.ingress.host, ip: ingressIP });
      }
      const forwards = inv.sites
        .filter((s) => s.name !== site.name)
        .flatMap((s) => (s.routers ?? []).flatMap((other) => other.networks.map((nn) => networks.find((n) => n.site === s.name && n.name === nn)!)))
        .flatMap((on) => [
          { domain: on.domain, server: on.gateway },
          { domain: reverseZone(on.parsed), server: on.gateway },
        ]);
      const hasPublic = clusterSite?.name === site.name && publicRecords.length > 0;
      routers.push({
        ...r,
        site: site.name,
        nets,
        address: r.address ?? nets[0].gateway,
        timezone: r.timezone ?? 'UTC',
        lanPorts: r.lanPorts ?? ['lan1', 'lan2', 'lan3', 'lan4'],
        wanDevice: r.wanDevice ?? 'wan',
        leases,
        localNames,
        forwards,
        forwardPorts: r.forwardPorts ?? (hasPublic ? [80, 443] : []),
        ingressIP: clusterSite?.name === site.name ? ingressIP : undefined,
      });
    }
  }

  return {
    inventory: inv,
    name: inv.name,
    networks,
    hosts,
    routers,
    apps,
    publicRecords,
    initServer,
    clusterSite,
    ingressIP,
    stateVersion: inv.nix?.stateVersion ?? '24.11',
    nixpkgs: inv.nix?.nixpkgs ?? 'github:NixOS/nixpkgs/nixos-24.11',
    timezone: inv.nix?.timezone ?? 'UTC',
  };
}

function isIn(ip: string, cidr: Cidr): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && n >= cidr.network && n < cidr.network + cidr.size;
}

