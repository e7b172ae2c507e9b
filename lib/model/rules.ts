/**
 * Whole-inventory validation. Runs before any construct exists and reports
 * every problem at once, each with its data path, field, value and what is allowed.
 */
import { bootstrapCycles, describeCycle } from './bootstrap';
import { deriveMac } from './derive';
import { AppBackupSpec, AppSpec, DatabaseSpec, HostSpec, Inventory, NetworkSpec, RouterSpec, SiteSpec, VmSpec } from './inventory';
import { Cidr, isDnsLabel, isFqdn, isHostIn, isMac, isResolvableHost, isSameOrBelow, parseCidr, parseIPv4, reverseZones } from '../core/net';
import { CONTROL_CHARACTER, LONE_SURROGATE, MULTI_LINE_FIELDS, selectInventoryStrings, shapeProblems } from './fields';
import { INVENTORY_SAMPLES } from './inventory-sample';
import {
  ADMIN_NAME, APP_NAME, B2_BUCKET_NAME, checkDatabaseNames, SSH_PUBLIC_KEY, K8S_NAME, K8S_OBJECT_NAME, STORAGE_CLASS_NAME, checkField, checkSchedule, CPU_MILLIS, DAYS, DISK_BY_ID, DNS_LABEL, EMAIL, HOST_NAME, LABEL_RULE, MAC_ADDRESS, MEMORY_MIB,
  MOUNT_PATH, NON_ROOT_UID, PINNED_IMAGE, POOL_LAYOUT, PROVIDER_GROUP, RAID_GROUP_SIZE, REPLICAS, STORAGE_ENGINE, TCP_PORT, VLAN_ID, VM_CORES, VM_ID, VM_MEMORY_MIB, VM_SOCKETS, VOLUME_GIB,
} from './field-rules';
import { HomelabProblem, oneOf, ProblemCollector } from '../core/errors';
import { firewallPolicyProblems } from './firewall-rules';
import { placeholderProblems } from './placeholders';

export { LABEL_RULE } from './field-rules';
/** One OpenSSH public key line. */
export { SSH_KEY } from './field-rules';
/** OpenWrt wifi-iface encryptions. */
const WIFI_ENCRYPTIONS: readonly string[] = ['psk2', 'sae', 'sae-mixed'];
/** A Linux network device name (IFNAMSIZ 16 with the NUL). */
const NETDEV = /^[A-Za-z0-9._-]{1,15}$/;
/** A Kubernetes object name (DNS-1123 subdomain). */
export { K8S_NAME } from './field-rules';

/** `${` or `%{`: the start of Terraform template code. */
const TEMPLATE_SEQUENCE = /[$%]\{/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** OpenWrt interface names the router emitter uses itself. */
const RESERVED_ROUTER_NETWORKS = new Set(['loopback', 'wan', 'wan6']);

interface Claim { readonly owner: string; readonly what: string }

/** Validates the inventory; returns every problem (empty when valid). */
export function validateInventory(inv: Inventory): readonly HomelabProblem[] {
  // an untyped inventory (`hosts: 'x'`) gets the house message, not a TypeError in a rule below
  const shapes = shapeProblems(inv, INVENTORY_SAMPLES);
  if (shapes.length > 0) {
    return shapes.map((s) => new HomelabProblem(s.path, s.field, `not a${s.expected === 'list' ? ' list' : 'n object'}`, s.value,
      s.expected === 'list' ? 'a list [...], as the Inventory type says' : 'an object {...}, as the Inventory type says'));
  }
  return validateShaped(inv);
}

function validateShaped(inv: Inventory): readonly HomelabProblem[] {
  const p = new ProblemCollector();
  const root = 'inventory';
  validateText(inv, p);
  checkField(p, root, 'Inventory.name', inv.name, DNS_LABEL);

  const secrets = new Set<string>();
  (inv.secrets ?? []).forEach((s, i) => {
    const path = `${root}.secrets[${s.name ?? i}]`;
    checkField(p, path, 'Secret.name', s.name, DNS_LABEL);
    if (secrets.has(s.name)) p.add(path, 'Secret.name', 'duplicate secret name', s.name, 'declare each secret once');
    secrets.add(s.name);
  });
  const needSecret = (path: string, field: string, name: unknown) => {
    if (typeof name !== 'string' || !secrets.has(name)) {
      p.add(path, field, 'refers to a secret that is not declared', name, `declare it in inventory.secrets (declared: ${JSON.stringify([...secrets])})`);
    }
  };

  if (!inv.admins || inv.admins.length === 0) p.add(root, 'Inventory.admins', 'no admin user', inv.admins, 'declare at least one admin with ssh keys');
  (inv.admins ?? []).forEach((a, i) => {
    const path = `${root}.admins[${a.name ?? i}]`;
    checkField(p, path, 'Admin.name', a.name, ADMIN_NAME);
    if (!a.sshKeys || a.sshKeys.length === 0) p.add(path, 'Admin.sshKeys', 'no ssh key', a.sshKeys, 'at least one OpenSSH public key (login is key-only)');
    (a.sshKeys ?? []).forEach((k, j) => {
      checkField(p, path, `Admin.sshKeys[${j}]`, k, SSH_PUBLIC_KEY);
    });
    if (a.hashedPasswordSecret !== undefined) needSecret(path, 'Admin.hashedPasswordSecret', a.hashedPasswordSecret);
  });

  const siteNames = new Set<string>();
  const hostNames = new Map<string, string>();
  const macs = new Map<string, string>();
  const ips = new Map<string, Claim>();
  const claimIp = (ip: string, owner: string, what: string, path: string, field: string) => {
    const prev = ips.get(ip);
    if (prev) p.add(path, field, `address already used by ${prev.owner}`, ip, 'give every host, router and load balancer its own address');
    else ips.set(ip, { owner, what });
  };

  const vmIds = new Map<number, string>();
  const passthrough = new Map<string, string>();
  let servers = 0;
  let inits = 0;
  let nodes = 0;
  for (const site of inv.sites ?? []) {
    const spath = `${root}.sites[${site.name}]`;
    checkField(p, spath, 'Site.name', site.name, DNS_LABEL);
    if (site.proxmox) {
      const ppath = `${spath}.proxmox`;
      const px = site.proxmox;
      if (!isHttpsUrl(px.endpoint)) p.add(ppath, 'Proxmox.endpoint', 'not an https URL', px.endpoint, 'e.g. "https://pve.home.example.org:8006/"');
      else checkUrlHost(p, ppath, 'Proxmox.endpoint', px.endpoint);
      needSecret(ppath, 'Proxmox.apiTokenSecret', px.apiTokenSecret);
      if (!px.nodes || px.nodes.length === 0) p.add(ppath, 'Proxmox.nodes', 'no node', px.nodes, 'name at least one Proxmox node');
      const seen = new Set<string>();
      for (const n of px.nodes ?? []) {
        if (!isDnsLabel(n.name)) p.add(`${ppath}.nodes[${n.name}]`, 'ProxmoxNode.name', 'not a node name', n.name, LABEL_RULE);
        if (seen.has(n.name)) p.add(`${ppath}.nodes[${n.name}]`, 'ProxmoxNode.name', 'duplicate node', n.name, 'node names are unique');
        seen.add(n.name);
        for (const f of ['datastore', 'imageDatastore', 'bridge'] as const) {
          const v = n[f];
          if (v !== undefined && (typeof v !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(v))) p.add(`${ppath}.nodes[${n.name}]`, `ProxmoxNode.${f}`, 'not a Proxmox storage or bridge id', v, 'letters, digits, "-", "_", "." starting with a letter');
        }
      }
    }
    if (siteNames.has(site.name)) p.add(spath, 'Site.name', 'duplicate site name', site.name, 'site names are unique');
    siteNames.add(site.name);
    if (site.publicIPv4 !== undefined && parseIPv4(site.publicIPv4) === undefined) p.add(spath, 'Site.publicIPv4', 'not an IPv4 address', site.publicIPv4, 'dotted quad such as 203.0.113.7');

    const nets = validateNetworks(site, spath, p);
    for (const [name, n] of nets) {
      claimIp(n.spec.gateway, `the gateway of network ${name}`, 'gateway', `${spath}.networks[${name}]`, 'Network.gateway');
    }
    if (site.ingressIP !== undefined) {
      const n = parseIPv4(site.ingressIP);
      if (n === undefined) p.add(spath, 'Site.ingressIP', 'not an IPv4 address', site.ingressIP, 'an address inside one of the site networks');
      else {
        const net = [...nets.values()].find((x) => isHostIn(n, x.cidr));
        if (!net) p.add(spath, 'Site.ingressIP', 'outside every network of the site', site.ingressIP, `use an address inside ${[...nets.values()].map((x) => x.spec.cidr).join(', ')}`);
        else if (net.dhcp && n >= net.dhcp[0] && n <= net.dhcp[1]) p.add(spath, 'Site.ingressIP', `inside the DHCP range of network ${net.spec.name} ${net.spec.dhcp!.start}-${net.spec.dhcp!.end}`, site.ingressIP, 'use an address outside the DHCP range');
      }
    }

    for (const h of site.hosts ?? []) {
      const hpath = `${spath}.hosts[${h.name}]`;
      validateHost(site, h, hpath, nets, p);
      if (typeof h.name === 'string') {
        const prev = hostNames.get(h.name);
        if (prev) p.add(hpath, 'Host.name', `duplicate hostname, also at ${prev}`, h.name, 'hostnames are unique across the homelab');
        else hostNames.set(h.name, hpath);
      }
      if (parseIPv4(h.ip) !== undefined) claimIp(h.ip, `host ${h.name}`, h.k3s ? 'node' : 'host', hpath, 'Host.ip');
      const mac = h.mac ?? ((h.vm ? 'vm' : h.kind ?? 'metal') === 'vm' ? deriveMac(inv.name, site.name, h.name) : undefined);
      if (mac !== undefined && isMac(mac)) {
        const prev = macs.get(mac);
        if (prev) p.add(hpath, 'Host.mac', `duplicate MAC, also used by ${prev}`, mac, 'every interface has its own MAC');
        else macs.set(mac, `host ${h.name}`);
      }
      if (h.k3s) nodes++;
      if (h.k3s === 'server') servers++;
      if (h.k3sInit) inits++;
      for (const [j, c] of (h.k3sContainers ?? []).entries()) {
        const cpath = `${hpath}.k3sContainers[${c.name ?? j}]`;
        checkField(p, cpath, 'K3sContainer.name', c.name, DNS_LABEL);
        if (typeof c.name === 'string') {
          const prev = hostNames.get(c.name);
          if (prev) p.add(cpath, 'K3sContainer.name', `duplicate hostname, also at ${prev}`, c.name, 'hosts and k3s containers have unique names across the homelab');
          else hostNames.set(c.name, cpath);
        }
        if (c.role !== 'server' && c.role !== 'agent') p.add(cpath, 'K3sContainer.role', 'unknown k3s role', c.role, '"server" or "agent"');
        if (c.init && c.role !== 'server') p.add(cpath, 'K3sContainer.init', 'only a k3s server can initialise the cluster', c.role ?? null, 'set role: "server" or drop init');
        const net = nets.get(h.network);
        const cip = parseIPv4(c.ip);
        if (cip === undefined) p.add(cpath, 'K3sContainer.ip', 'not an IPv4 address', c.ip, 'dotted quad such as 10.0.100.10');
        else {
          if (net && !isHostIn(cip, net.cidr)) p.add(cpath, 'K3sContainer.ip', `outside network ${net.spec.name} ${net.spec.cidr} of host ${h.name}`, c.ip, 'containers sit on a macvlan of the host interface: use a host address inside that network');
          else if (net?.dhcp && cip >= net.dhcp[0] && cip <= net.dhcp[1]) p.add(cpath, 'K3sContainer.ip', `inside the DHCP range of network ${net.spec.name} ${net.spec.dhcp!.start}-${net.spec.dhcp!.end}`, c.ip, 'use a static address outside the DHCP range');
          claimIp(c.ip, `k3s container ${c.name}`, 'node', cpath, 'K3sContainer.ip');
        }
        nodes++;
        if (c.role === 'server') servers++;
        if (c.init) inits++;
      }
      if ((h.k3sContainers ?? []).length > 0) {
        if (h.k3s) p.add(hpath, 'Host.k3s', 'the host runs k3s containers and k3s itself', h.k3s, 'run k3s either on the host or in its containers');
        if (h.macvlan === false) p.add(hpath, 'Host.macvlan', 'k3s containers need the host on a macvlan', false, 'drop macvlan or set it to true');
        const iface = h.interface ?? 'eth0';
        if ((h.k3sContainers ?? []).some((c) => c.role === 'server') && typeof iface === 'string' && iface.length > 12) {
          p.add(hpath, 'Host.interface', `too long for k3s server containers: their macvlan "mv-${iface}" exceeds 15 characters`, iface, 'an interface name of at most 12 characters (rename it with a systemd .link unit), or no k3s server container on this host');
        }
      }
      for (const a of h.admins ?? []) {
        if (!(inv.admins ?? []).some((x) => x.name === a)) p.add(hpath, 'Host.admins', 'unknown admin', a, oneOf((inv.admins ?? []).map((x) => x.name), 'an admin of inventory.admins (none is declared: declare one with ssh keys)'));
      }
      if (h.admins !== undefined && h.admins.length === 0) p.add(hpath, 'Host.admins', 'no admin on the host', [], 'at least one admin (hosts are reached over ssh only)');
      for (const [k, v] of Object.entries(h.metadata ?? {})) {
        if (typeof v !== 'string') p.add(hpath, `Host.metadata[${k}]`, 'not a string', v, 'metadata values are strings');
      }
      if (h.vm) validateVm(site, h, h.vm, hpath, p, vmIds, passthrough, needSecret);
    }

    // The ingress is either a k3s node's own address (servicelb) or an address nobody else uses.
    if (site.ingressIP !== undefined && parseIPv4(site.ingressIP) !== undefined) {
      const prev = ips.get(site.ingressIP);
      if (!prev) ips.set(site.ingressIP, { owner: `the ingress of site ${site.name}`, what: 'ingress' });
      else if (prev.what !== 'node') p.add(spath, 'Site.ingressIP', `address already used by ${prev.owner}`, site.ingressIP, 'use the address of a k3s node or an address nobody else uses');
    }

    // With the platform, servicelb is off: the ingress is Traefik's MetalLB address, inside a pool.
    const clusterHere = (site.hosts ?? []).some((h) => h.k3s === 'server' || (h.k3sContainers ?? []).some((c) => c.role === 'server'));
    if (inv.cluster?.platform && clusterHere && ![...nets.values()].some((n) => n.pool)) {
      p.add(spath, 'Site.networks', 'the platform needs a load-balancer pool at the cluster\'s site (MetalLB gives Traefik its address from it)', (site.networks ?? []).map((n) => n.name), 'set loadBalancerPool on one of these networks, outside its DHCP range');
    }
    if (inv.cluster?.platform && clusterHere && site.ingressIP !== undefined && parseIPv4(site.ingressIP) !== undefined) {
      const a = parseIPv4(site.ingressIP)!;
      if (![...nets.values()].some((n) => n.pool && a >= n.pool[0] && a <= n.pool[1])) {
        p.add(spath, 'Site.ingressIP', 'outside every load-balancer pool, but the platform\'s Traefik gets its address from MetalLB', site.ingressIP, `an address in a network's loadBalancerPool${[...nets.values()].filter((n) => n.pool).map((n) => ` (${n.spec.loadBalancerPool!.start}-${n.spec.loadBalancerPool!.end})`).join(',')}`);
      }
    }

    // Static addresses must stay out of the load-balancer pools (the ingress may sit inside: it is a load-balancer address).
    for (const [name, n] of nets) {
      if (!n.pool) continue;
      for (const [ip, claim] of ips) {
        const a = parseIPv4(ip)!;
        if (claim.what !== 'ingress' && a >= n.pool[0] && a <= n.pool[1]) {
          p.add(`${spath}.networks[${name}]`, 'Network.loadBalancerPool', `contains ${ip}, the address of ${claim.owner}`, `${n.spec.loadBalancerPool!.start}-${n.spec.loadBalancerPool!.end}`, 'a pool outside every static address');
        }
      }
    }

    const served = new Map<string, string>();
    for (const r of site.routers ?? []) {
      const rpath = `${spath}.routers[${r.name}]`;
      checkField(p, rpath, 'Router.name', r.name, DNS_LABEL);
      if (!r.networks || r.networks.length === 0) p.add(rpath, 'Router.networks', 'serves no network', r.networks, `name one or more networks of site ${site.name}`);
      for (const nn of r.networks ?? []) {
        if (RESERVED_ROUTER_NETWORKS.has(nn)) p.add(rpath, 'Router.networks', 'name taken by the router\'s own interfaces', nn, `a network name other than ${[...RESERVED_ROUTER_NETWORKS].join(', ')}`);
        if (!nets.has(nn)) p.add(rpath, 'Router.networks', 'unknown network', nn, oneOf([...nets.keys()], `a network of site ${site.name} (it has none: declare one in networks)`));
        else if (served.has(nn)) p.add(rpath, 'Router.networks', `network already served by router ${served.get(nn)}`, nn, 'one router per network');
        else served.set(nn, r.name);
      }
      for (const [j, w] of (r.wifi ?? []).entries()) {
        if (!nets.has(w.network)) p.add(rpath, `Router.wifi[${j}].network`, 'unknown network', w.network, oneOf([...nets.keys()], `a network of site ${site.name} (it has none: declare one in networks)`));
        if (typeof w.ssid !== 'string' || w.ssid.length < 1 || Buffer.byteLength(w.ssid) > 32) p.add(rpath, `Router.wifi[${j}].ssid`, 'invalid SSID', w.ssid, '1 to 32 bytes');
        needSecret(rpath, `Router.wifi[${j}].keySecret`, w.keySecret);
        if (w.device !== undefined && !(typeof w.device === 'string' && /^[A-Za-z0-9_]{1,32}$/.test(w.device))) p.add(rpath, `Router.wifi[${j}].device`, 'not a wifi-device section name', w.device, 'letters, digits and "_", e.g. "radio0"');
        if (w.encryption !== undefined && !WIFI_ENCRYPTIONS.includes(w.encryption)) p.add(rpath, `Router.wifi[${j}].encryption`, 'unknown encryption', w.encryption, `one of ${WIFI_ENCRYPTIONS.join(', ')}`);
      }
      if (r.timezone !== undefined && !(typeof r.timezone === 'string' && /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(r.timezone) && r.timezone.length <= 64)) {
        p.add(rpath, 'Router.timezone', 'not a time zone name', r.timezone, 'an IANA time zone name like "Europe/Berlin" or "UTC"');
      }
      for (const [field, dev] of [['wanDevice', r.wanDevice], ...(r.lanPorts ?? []).map((d, j) => [`lanPorts[${j}]`, d])] as const) {
        if (dev !== undefined && !(typeof dev === 'string' && NETDEV.test(dev))) p.add(rpath, `Router.${field}`, 'not a network device name', dev, 'letters, digits, ".", "_" and "-", 1-15 characters, e.g. "wan" or "lan1"');
      }
      validateRouterLan(r, rpath, nets, p);
      for (const port of r.forwardPorts ?? []) {
        checkField(p, rpath, 'Router.forwardPorts', port, TCP_PORT);
      }
      if (r.address !== undefined && parseIPv4(r.address) === undefined) p.add(rpath, 'Router.address', 'not an IPv4 address', r.address, 'dotted quad');
    }
  }
  if ((inv.sites ?? []).length === 0) p.add(root, 'Inventory.sites', 'no site', inv.sites, 'declare at least one site with a network');

  if (nodes > 0) {
    if (!inv.cluster) p.add(root, 'Inventory.cluster', 'hosts have k3s roles but no cluster is declared', inv.cluster, 'declare cluster.tokenSecret');
    else needSecret(`${root}.cluster`, 'Cluster.tokenSecret', inv.cluster.tokenSecret);
    if (servers === 0) p.add(root, 'Inventory.sites[].hosts[].k3s', 'no k3s server', 'agent only', 'at least one host or k3s container with the server role');
    if (inits !== 1) p.add(root, 'Inventory.sites[].hosts[].k3sInit', `${inits} k3s servers initialise the cluster`, inits, 'exactly one k3s server with k3sInit: true (or a server container with init: true)');
  }

  if (inv.cluster) {
    const c = inv.cluster;
    for (const field of ['certIssuer', 'ingressClass'] as const) {
      const v = c[field];
      if (v !== undefined) checkField(p, `${root}.cluster`, `Cluster.${field}`, v, K8S_OBJECT_NAME);
    }
    if (c.k3sVersion !== undefined && !(typeof c.k3sVersion === 'string' && /^v\d+\.\d+\.\d+(-rc\d+)?\+k3s\d+$/.test(c.k3sVersion))) {
      p.add(`${root}.cluster`, 'Cluster.k3sVersion', 'not a k3s release', c.k3sVersion, 'e.g. "v1.30.4+k3s1"');
    }
  }
  for (const app of inv.apps ?? []) {
    const apath = `${root}.apps[${app.name}]`;
    for (const v of app.volumes ?? []) {
      if (v.storageClass !== undefined) checkField(p, apath, `App.volumes[${v.name}].storageClass`, v.storageClass, STORAGE_CLASS_NAME);
    }
    const dsc = app.database?.storageClass;
    if (dsc !== undefined) checkField(p, apath, 'App.database.storageClass', dsc, STORAGE_CLASS_NAME);
  }
  validateApps(inv, servers > 0, p, needSecret);
  validatePlatform(inv, p, needSecret);
  validateStoragePools(inv, p);
  validateWireguard(inv, p, needSecret);
  validateDnsZones(inv, p);
  validateStateBackend(inv, p);
  validateBootstrap(inv, p);

  if (inv.dns) {
    const dpath = `${root}.dns`;
    if (!isFqdn(inv.dns.zone)) p.add(dpath, 'Dns.zone', 'not a DNS zone', inv.dns.zone, 'a domain such as example.org');
    if (typeof inv.dns.zoneId !== 'string' || !/^[0-9a-f]{32}$/.test(inv.dns.zoneId)) p.add(dpath, 'Dns.zoneId', 'not a Cloudflare zone id', inv.dns.zoneId, '32 lowercase hex characters');
    needSecret(dpath, 'Dns.apiTokenSecret', inv.dns.apiTokenSecret);
  }
  if (inv.backup) {
    const bpath = `${root}.backup`;
    const b = inv.backup.bucket;
    checkField(p, bpath, 'Backup.bucket', b, B2_BUCKET_NAME);
    const days = inv.backup.keepDeletedDays;
    if (days !== undefined) checkField(p, bpath, 'Backup.keepDeletedDays', days, DAYS);
    needSecret(bpath, 'Backup.keyIdSecret', inv.backup.keyIdSecret);
    needSecret(bpath, 'Backup.keySecret', inv.backup.keySecret);
    const region = inv.backup.region;
    if (region !== undefined && (typeof region !== 'string' || !B2_REGION.test(region))) p.add(bpath, 'Backup.region', 'not a B2 region', region, 'e.g. "us-west-004" or "eu-central-003", as in the endpoint s3.<region>.backblazeb2.com');
    if (inv.backup.resticImage !== undefined) checkField(p, bpath, 'Backup.resticImage', inv.backup.resticImage, PINNED_IMAGE);
  }
  p.addAll(firewallPolicyProblems(inv));
  p.addAll(placeholderProblems(inv));
  return p.problems;
}

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;
const NUMA_CPUS = /^\d+(-\d+)?(;\d+(-\d+)?)*$/;

function isHttpsUrl(u: unknown): boolean {
  if (typeof u !== 'string') return false;
  try { return new URL(u).protocol === 'https:'; } catch { return false; }
}

const HOST_NAME_RULE = 'a host name of DNS labels of at most 63 characters each, at most 253 characters in all';


/** Reports a URL (or scp-like git remote) whose host no resolver can look up; unparsable URLs are the caller's problem. */
function checkUrlHost(p: ProblemCollector, path: string, field: string, u: unknown): void {
  if (typeof u !== 'string') return;
  let host: string | undefined;
  try { host = new URL(u).hostname; } catch { host = /^[^@\s/]+@([^:\s/]+):/.exec(u)?.[1]; }
  if (host !== undefined && host !== '' && !isResolvableHost(host)) p.add(path, field, 'host name too long', u, HOST_NAME_RULE);
}

function validateVm(
  site: SiteSpec, h: HostSpec, vm: VmSpec, hpath: string, p: ProblemCollector,
  vmIds: Map<number, string>, passthrough: Map<string, string>, _needSecret: (path: string, field: string, name: unknown) => void,
): void {
  const vpath = `${hpath}.vm`;
  if (h.kind === 'metal') p.add(hpath, 'Host.kind', 'a host with a vm is a VM', 'metal', 'drop kind or set it to "vm"');
  if (!site.proxmox) p.add(vpath, 'Vm.node', `site ${site.name} has no Proxmox cluster`, vm.node, 'declare the site\'s proxmox (endpoint, apiTokenSecret, nodes)');
  else if (!site.proxmox.nodes?.some((n) => n.name === vm.node)) p.add(vpath, 'Vm.node', 'unknown Proxmox node', vm.node, oneOf((site.proxmox.nodes ?? []).map((n) => n.name), `a node of the site's proxmox.nodes (none is declared: name the Proxmox node, e.g. { name: "pve1" })`));
  if (!Number.isInteger(vm.vmId) || vm.vmId < 100 || vm.vmId > 999999999) p.add(vpath, 'Vm.vmId', 'not a Proxmox VM id', vm.vmId, 'integer 100-999999999');
  else {
    const prev = vmIds.get(vm.vmId);
    if (prev) p.add(vpath, 'Vm.vmId', `VM id already used by host ${prev}`, vm.vmId, 'every VM has its own id');
    else vmIds.set(vm.vmId, h.name);
  }
  const int = (field: string, v: unknown, min: number, max: number, unit = '') => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) p.add(vpath, `Vm.${field}`, `not ${unit || 'a whole number'} in range`, v, `integer ${min}-${max}`);
  };
  if (vm.cores !== undefined) checkField(p, vpath, 'Vm.cores', vm.cores, VM_CORES);
  if (vm.sockets !== undefined) checkField(p, vpath, 'Vm.sockets', vm.sockets, VM_SOCKETS);
  if (vm.memoryMiB !== undefined) checkField(p, vpath, 'Vm.memoryMiB', vm.memoryMiB, VM_MEMORY_MIB);
  if (vm.cpuType !== undefined && (typeof vm.cpuType !== 'string' || !/^[A-Za-z0-9_.+-]+$/.test(vm.cpuType))) p.add(vpath, 'Vm.cpuType', 'not a CPU model', vm.cpuType, 'e.g. "host" or "x86-64-v2-AES"');
  if (vm.cpuAffinity !== undefined && (typeof vm.cpuAffinity !== 'string' || !CPU_LIST.test(vm.cpuAffinity))) p.add(vpath, 'Vm.cpuAffinity', 'not a CPU list', vm.cpuAffinity, 'zero-based host CPU ids such as "0-3" or "0,2,4-7"');
  const numa = vm.numa ?? [];
  if (numa.length > 8) p.add(vpath, 'Vm.numa', 'more than 8 NUMA nodes', numa.length, 'at most 8 (numa0-numa7)');
  let numaMem = 0;
  for (const [j, n] of numa.entries()) {
    if (typeof n.cpus !== 'string' || !NUMA_CPUS.test(n.cpus)) p.add(vpath, `Vm.numa[${j}].cpus`, 'not a CPU list', n.cpus, 'guest vCPU ids such as "0-3" or "0-3;8-11"');
    int(`numa[${j}].memoryMiB`, n.memoryMiB, 1, 4194304, 'MiB');
    numaMem += typeof n.memoryMiB === 'number' ? n.memoryMiB : 0;
    if (n.hostNodes !== undefined && (typeof n.hostNodes !== 'string' || !NUMA_CPUS.test(n.hostNodes))) p.add(vpath, `Vm.numa[${j}].hostNodes`, 'not a host NUMA node list', n.hostNodes, 'e.g. "0" or "0-1"');
    if (n.policy !== undefined && !['preferred', 'bind', 'interleave'].includes(n.policy)) p.add(vpath, `Vm.numa[${j}].policy`, 'unknown NUMA policy', n.policy, '"preferred", "bind" or "interleave"');
  }
  if (numa.length > 0 && numaMem !== (vm.memoryMiB ?? 4096)) p.add(vpath, 'Vm.numa', `NUMA memory adds up to ${numaMem} MiB, not the VM's ${vm.memoryMiB ?? 4096} MiB`, numaMem, 'the memoryMiB of the NUMA nodes sums to the VM memoryMiB');
  const sd = vm.systemDisk;
  if (!sd || (sd.clone === undefined) === (sd.image === undefined)) p.add(vpath, 'Vm.systemDisk', 'needs exactly one source', sd ? Object.keys(sd).filter((k) => k === 'clone' || k === 'image') : sd, 'either clone (a template VM id) or image (a URL to download)');
  if (sd) {
    int('systemDisk.sizeGiB', sd.sizeGiB, 4, 65536, 'GiB');
    if (sd.clone) int('systemDisk.clone.vmId', sd.clone.vmId ?? null, 100, 999999999);
    if (sd.image) {
      const url = sd.image.url;
      let ok = false;
      try { ok = /^https?:$/.test(new URL(url).protocol); } catch { ok = false; }
      if (!ok) p.add(vpath, 'Vm.systemDisk.image.url', 'not an http(s) URL', url, 'e.g. "https://example.org/nixos.qcow2"');
      else checkUrlHost(p, vpath, 'Vm.systemDisk.image.url', url);
      if (sd.image.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sd.image.sha256)) p.add(vpath, 'Vm.systemDisk.image.sha256', 'not a sha256 digest', sd.image.sha256, '64 lowercase hex characters');
      const name = sd.image.fileName ?? (ok ? new URL(url).pathname.split('/').pop() : undefined);
      if (name !== undefined && !/^[A-Za-z0-9_.-]+\.(img|qcow2|raw)$/.test(name)) p.add(vpath, 'Vm.systemDisk.image.fileName', 'not an importable image file name', name, 'letters, digits, "-", "_", "." ending in .img, .qcow2 or .raw (set fileName when the URL does not end so)');
      else if (name !== undefined) {
        // VMs on one node share one download per file name; two URLs cannot share a name.
        const key = `image:${site.name}/${vm.node}/${name}`;
        const prev = passthrough.get(key);
        if (prev !== undefined && prev !== url) p.add(vpath, 'Vm.systemDisk.image.fileName', `file name already used on node ${vm.node} for ${prev}`, name, 'give images from different URLs different file names');
        else passthrough.set(key, url);
      }
    }
  }
  for (const [j, g] of (vm.dataDisksGiB ?? []).entries()) int(`dataDisksGiB[${j}]`, g, 1, 65536, 'GiB');
  for (const [j, d] of (vm.passthroughDisks ?? []).entries()) {
    if (checkField(p, vpath, `Vm.passthroughDisks[${j}]`, d, DISK_BY_ID)) {
      const prev = passthrough.get(`${vm.node}:${d}`);
      if (prev) p.add(vpath, `Vm.passthroughDisks[${j}]`, `disk already passed through to ${prev}`, d, 'a disk belongs to one VM (sharing corrupts it)');
      else passthrough.set(`${vm.node}:${d}`, `host ${h.name}`);
    }
  }
  const disks = 1 + (vm.dataDisksGiB ?? []).length + (vm.passthroughDisks ?? []).length;
  if (disks > 31) p.add(vpath, 'Vm.dataDisksGiB', `${disks} disks`, disks, 'at most 31 SCSI disks per VM');
  if (vm.onBoot !== undefined && typeof vm.onBoot !== 'boolean') p.add(vpath, 'Vm.onBoot', 'not a boolean', vm.onBoot, 'true or false');
}

/**
 * What each router answers itself (its networks' domains and reverse zones) and what it forwards
 * (every other site's, to that site's router) must not overlap: dnsmasq would answer one of them
 * only. Reverse zones are per /24 (per /16 for /16 and larger), so two sites' networks in one /24
 * collide; domains collide when equal (a more specific forwarded domain wins in dnsmasq).
 */
function validateDnsZones(inv: Inventory, p: ProblemCollector): void {
  interface Zone { readonly name: string; readonly reverse: boolean; readonly owner: string; readonly what: string }
  const zonesOf = (site: SiteSpec, r: RouterSpec): Zone[] => (r.networks ?? []).flatMap((nn) => {
    const n = (site.networks ?? []).find((x) => x.name === nn);
    const c = n && parseCidr(n.cidr);
    if (!n || !c) return [];
    const owner = `router ${r.name} (site ${site.name})`;
    const what = `network ${n.name} ${n.cidr}`;
    return [
      ...(typeof n.domain === 'string' ? [{ name: n.domain, reverse: false, owner, what }] : []),
      ...(c.prefix >= 8 ? reverseZones(c).map((z) => ({ name: z, reverse: true, owner, what })) : []),
    ];
  });
  const all = (inv.sites ?? []).flatMap((site) => (site.routers ?? []).map((r) => ({ site, r, zones: zonesOf(site, r) })));
  for (const { site, r, zones: served } of all) {
    const rpath = `inventory.sites[${site.name}].routers[${r.name}]`;
    const forwarded = all.filter((o) => o.site !== site).flatMap((o) => o.zones);
    const entries = [...served.map((z) => ({ ...z, verb: 'serves' })), ...forwarded.map((z) => ({ ...z, verb: `forwards to ${z.owner}` }))];
    const reported = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      for (let j = i + 1; j < entries.length; j++) {
        const [a, b] = [entries[i], entries[j]];
        if (a.owner === b.owner || a.reverse !== b.reverse) continue;
        const clash = a.reverse ? isSameOrBelow(a.name, b.name) || isSameOrBelow(b.name, a.name) : a.name.toLowerCase() === b.name.toLowerCase();
        const key = `${a.name}|${b.name}|${a.owner}|${b.owner}`;
        if (!clash || reported.has(key)) continue;
        reported.add(key);
        const kind = a.reverse ? 'reverse zone' : 'domain';
        p.add(rpath, 'Router.networks', `${a.verb === 'serves' ? 'serves' : a.verb} ${kind} ${a.name} (${a.what}), which overlaps ${kind} ${b.name} it ${b.verb} (${b.what})`, r.networks,
          a.reverse ? 'networks of different sites in different /24 reverse zones (different /16 zones for /16 and larger networks)' : 'a domain per site that no other site uses');
      }
    }
  }
}

const RADIO_BANDS = ['2g', '5g', '6g', '60g'];

/** A router's bridge (one network without a VLAN at most, distinct VLAN ids, per-port networks) and its radios. */
function validateRouterLan(r: RouterSpec, rpath: string, nets: ReadonlyMap<string, CheckedNet>, p: ProblemCollector): void {
  const own = (r.networks ?? []).map((nn) => nets.get(nn)).filter((n): n is CheckedNet => n !== undefined).map((n) => n.spec);
  const untagged = own.filter((n) => n.vlan === undefined);
  if (untagged.length > 1) {
    p.add(rpath, 'Router.networks', `networks ${untagged.map((n) => n.name).join(' and ')} both have no VLAN`, r.networks, 'one network without a vlan per router; give the others a vlan');
  }
  const vlans = new Map<number, string>();
  for (const n of own) {
    if (n.vlan === undefined) continue;
    if (vlans.has(n.vlan)) p.add(rpath, 'Router.networks', `networks ${vlans.get(n.vlan)} and ${n.name} have the same VLAN`, n.vlan, 'one VLAN id per network of a router');
    else vlans.set(n.vlan, n.name);
  }
  const lanPorts = r.lanPorts ?? ['lan1', 'lan2', 'lan3', 'lan4'];
  const names = own.map((n) => n.name);
  const seen = new Set<string>();
  for (const [j, port] of (r.ports ?? []).entries()) {
    const ppath = `Router.ports[${j}]`;
    if (!lanPorts.includes(port.name)) p.add(rpath, `${ppath}.name`, 'not one of the router\'s lanPorts', port.name, oneOf(lanPorts, 'a port of the router\'s lanPorts (it lists none: name its LAN ports there, e.g. ["lan1"])'));
    if (seen.has(port.name)) p.add(rpath, `${ppath}.name`, 'port listed twice', port.name, 'one entry per port');
    seen.add(port.name);
    if (port.untagged !== undefined && !names.includes(port.untagged)) p.add(rpath, `${ppath}.untagged`, 'not a network of this router', port.untagged, oneOf(names, 'a network the router serves (it serves none: add one to its networks)'));
    for (const t of port.tagged ?? []) {
      const n = own.find((x) => x.name === t);
      if (!n) p.add(rpath, `${ppath}.tagged`, 'not a network of this router', t, oneOf(names, 'a network the router serves (it serves none: add one to its networks)'));
      else if (n.vlan === undefined) p.add(rpath, `${ppath}.tagged`, `network ${t} has no VLAN, so it cannot be tagged`, t, 'networks with a vlan; carry the network without one as untagged');
      else if (t === port.untagged) p.add(rpath, `${ppath}.tagged`, `network ${t} is already the port's untagged network`, t, 'a network is either untagged or tagged on a port');
    }
  }
  const radios = new Set<string>();
  for (const [j, radio] of (r.radios ?? []).entries()) {
    const rp = `Router.radios[${j}]`;
    if (typeof radio.name !== 'string' || !/^[A-Za-z0-9_]+$/.test(radio.name)) p.add(rpath, `${rp}.name`, 'not a wifi-device section name', radio.name, 'letters, digits and "_", e.g. "radio0"');
    else if (radios.has(radio.name)) p.add(rpath, `${rp}.name`, 'radio declared twice', radio.name, 'one entry per radio');
    radios.add(radio.name);
    if (!RADIO_BANDS.includes(radio.band)) p.add(rpath, `${rp}.band`, 'unknown band', radio.band, `one of ${RADIO_BANDS.join(', ')}`);
    if (radio.channel !== undefined && radio.channel !== 'auto' && (!Number.isInteger(radio.channel) || radio.channel < 1 || radio.channel > 233)) {
      p.add(rpath, `${rp}.channel`, 'not a channel', radio.channel, 'an integer 1-233 valid for the band, or "auto"');
    }
    if (typeof radio.country !== 'string' || !/^[A-Z]{2}$/.test(radio.country)) p.add(rpath, `${rp}.country`, 'not a country code', radio.country, 'two upper-case letters (ISO 3166-1 alpha-2), e.g. "DE"');
  }
  for (const [j, w] of (r.wifi ?? []).entries()) {
    const device = w.device ?? 'radio0';
    if (!radios.has(device)) p.add(rpath, `Router.wifi[${j}].device`, 'radio not declared in the router\'s radios', device, 'declare it in radios with its band and country, e.g. { name: "radio0", band: "2g", country: "DE" }');
  }
}

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** The WireGuard mesh: tunnel addresses, keys, endpoints, and networks that do not collide across sites. */
function validateWireguard(inv: Inventory, p: ProblemCollector, needSecret: (path: string, field: string, name: unknown) => void): void {
  const mesh = inv.wireguard;
  const members = (inv.sites ?? []).flatMap((site) => (site.routers ?? []).filter((r) => r.wireguard).map((r) => ({ site, r, path: `inventory.sites[${site.name}].routers[${r.name}]` })));
  if (!mesh) {
    for (const m of members) p.add(m.path, 'Router.wireguard', 'router joins a WireGuard mesh that is not declared', m.r.name, 'declare inventory.wireguard (cidr, listenPort) or drop the router\'s wireguard');
    return;
  }
  const wpath = 'inventory.wireguard';
  const cidr = parseCidr(mesh.cidr);
  if (!cidr) p.add(wpath, 'Wireguard.cidr', 'not an IPv4 CIDR with zero host bits', mesh.cidr, 'e.g. 10.255.0.0/24');
  else {
    for (const site of inv.sites ?? []) {
      for (const n of site.networks ?? []) {
        const c = parseCidr(n.cidr);
        if (c && c.network < cidr.network + cidr.size && cidr.network < c.network + c.size) p.add(wpath, 'Wireguard.cidr', `overlaps network ${n.name} ${n.cidr} of site ${site.name}`, mesh.cidr, 'a tunnel network apart from every site network');
      }
    }
  }
  if (mesh.listenPort !== undefined && (!Number.isInteger(mesh.listenPort) || mesh.listenPort < 1 || mesh.listenPort > 65535)) p.add(wpath, 'Wireguard.listenPort', 'not a UDP port', mesh.listenPort, 'integer 1-65535');
  if (mesh.persistentKeepalive !== undefined && (!Number.isInteger(mesh.persistentKeepalive) || mesh.persistentKeepalive < 0 || mesh.persistentKeepalive > 65535)) p.add(wpath, 'Wireguard.persistentKeepalive', 'not a keepalive in seconds', mesh.persistentKeepalive, 'integer 0-65535 (0 turns it off)');
  const addresses = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const { r, path } of members) {
    const wg = r.wireguard!;
    const a = parseIPv4(wg.address);
    if (a === undefined) p.add(path, 'Router.wireguard.address', 'not an IPv4 address', wg.address, `a host address inside ${mesh.cidr}`);
    else if (cidr && !isHostIn(a, cidr)) p.add(path, 'Router.wireguard.address', `outside the mesh network ${mesh.cidr}`, wg.address, `a host address inside ${mesh.cidr}`);
    else if (addresses.has(wg.address)) p.add(path, 'Router.wireguard.address', `tunnel address already used by router ${addresses.get(wg.address)}`, wg.address, 'one tunnel address per router');
    else addresses.set(wg.address, r.name);
    if (typeof wg.publicKey !== 'string' || !WG_KEY.test(wg.publicKey)) p.add(path, 'Router.wireguard.publicKey', 'not a WireGuard public key', wg.publicKey, '44 characters of base64 for 32 bytes, as `wg pubkey` prints');
    else if (keys.has(wg.publicKey)) p.add(path, 'Router.wireguard.publicKey', `same public key as router ${keys.get(wg.publicKey)}`, wg.publicKey, 'one key pair per router');
    else keys.set(wg.publicKey, r.name);
    needSecret(path, 'Router.wireguard.privateKeySecret', wg.privateKeySecret);
    if (wg.endpoint !== undefined && parseIPv4(wg.endpoint) === undefined && !isFqdn(wg.endpoint)) p.add(path, 'Router.wireguard.endpoint', 'not a host name or IPv4 address', wg.endpoint, 'e.g. "vpn.example.org" or "203.0.113.10"');
  }
  // Two routers that both only dial out can never meet.
  const dialOnly = members.filter(({ site, r }) => r.wireguard!.endpoint === undefined && site.publicIPv4 === undefined);
  for (let i = 1; i < dialOnly.length; i++) {
    p.add(dialOnly[i].path, 'Router.wireguard.endpoint', `neither this router nor router ${dialOnly[0].r.name} can be reached (no endpoint, no site publicIPv4)`, null, 'give one of them an endpoint or its site a publicIPv4');
  }
  // Routes over the mesh need site networks that do not collide.
  const seen: { net: NetworkSpec; c: Cidr; site: string }[] = [];
  for (const { site, r, path } of members) {
    for (const nn of r.networks ?? []) {
      const net = (site.networks ?? []).find((n) => n.name === nn);
      const c = net && parseCidr(net.cidr);
      if (!net || !c) continue;
      for (const o of seen) {
        if (o.site !== site.name && c.network < o.c.network + o.c.size && o.c.network < c.network + c.size) {
          p.add(path, 'Router.networks', `network ${net.name} ${net.cidr} overlaps network ${o.net.name} ${o.net.cidr} of site ${o.site}, which the mesh also routes`, nn, 'sites joined by the mesh use distinct networks');
        }
      }
      seen.push({ net, c, site: site.name });
    }
  }
}

/**
 * Text every output can carry: no string holds a control character (other
 * than tab, LF and CR) or a lone surrogate, and only the multi-line fields
 * (descriptions, env and metadata values, backup hooks) hold tabs or line
 * breaks. Nix, UCI, YAML and Terraform JSON would otherwise fail to write the
 * value, or change it.
 */
function validateText(inv: Inventory, p: ProblemCollector): void {
  for (const s of selectInventoryStrings(inv, (value, pattern) => textProblem(value, pattern) !== undefined)) {
    const [problem, allowed] = textProblem(s.value, s.pattern)!;
    p.add(s.path, s.field, problem, s.value, allowed);
  }
}

/** Any character that can make a string fail {@link validateText}: C0 controls, DEL, surrogates (also halves of good pairs). */
const SUSPECT_TEXT = /[\u0000-\u001f\u007f\ud800-\udfff]/;

/** What is wrong with the text of the string `value` at field `pattern`, and what is allowed; `undefined` when nothing is. */
function textProblem(value: string, pattern: string): readonly [string, string] | undefined {
  if (!SUSPECT_TEXT.test(value)) return undefined;
  if (CONTROL_CHARACTER.test(value)) return ['holds a control character', 'printable text (no NUL, ESC or other control characters)'];
  if (LONE_SURROGATE.test(value)) return ['holds half of a UTF-16 surrogate pair', 'text that UTF-8 can hold'];
  if (/[\t\n\r]/.test(value) && !MULTI_LINE_FIELDS.includes(pattern)) return ['holds a line break or tab', 'one line of text'];
  return undefined;
}

/** Terraform state must live outside the cluster it builds (seed 000 kept it in MinIO on that cluster). */
function validateStateBackend(inv: Inventory, p: ProblemCollector): void {
  const b = inv.stateBackend;
  if (!b) return;
  const bpath = 'inventory.stateBackend';
  // Terraform takes backend settings literally, OpenTofu evaluates them: neither escaping nor not is right for both.
  for (const field of ['path', 'key', 'endpoint', 'bucket', 'region'] as const) {
    const v = (b as Record<string, unknown>)[field];
    if (typeof v === 'string' && TEMPLATE_SEQUENCE.test(v)) {
      p.add(bpath, `StateBackend.${field}`, 'holds a Terraform template sequence', v, 'no "${" or "%{" (backend settings are not templates)');
      return;
    }
  }
  if (b.type === 'local') {
    if (b.path !== undefined && (typeof b.path !== 'string' || b.path === '' || b.path.startsWith('/'))) p.add(bpath, 'StateBackend.path', 'not a relative path', b.path, 'a path relative to the project root, e.g. "terraform.tfstate"');
    return;
  }
  if (b.type !== 's3') { p.add(bpath, 'StateBackend.type', 'unknown backend', (b as { type: unknown }).type, '"s3" (B2 or another S3-compatible store) or "local"'); return; }
  if (typeof b.bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b.bucket)) p.add(bpath, 'StateBackend.bucket', 'not a bucket name', b.bucket, '3-63 lowercase letters, digits, "." and "-"');
  if (b.key !== undefined && (typeof b.key !== 'string' || b.key === '' || b.key.startsWith('/'))) p.add(bpath, 'StateBackend.key', 'not an object key', b.key, 'e.g. "homelab/terraform.tfstate"');
  if (b.region !== undefined && (typeof b.region !== 'string' || !/^[a-z0-9-]+$/.test(b.region))) p.add(bpath, 'StateBackend.region', 'not a region', b.region, 'e.g. "us-west-004"');
  if (b.endpoint === undefined) return;
  let ok = false;
  try { ok = new URL(b.endpoint).protocol === 'https:'; } catch { ok = false; }
  if (!ok) p.add(bpath, 'StateBackend.endpoint', 'not an https URL', b.endpoint, 'e.g. "https://s3.us-west-004.backblazeb2.com"');
  else checkUrlHost(p, bpath, 'StateBackend.endpoint', b.endpoint);
  // An endpoint served by the cluster itself is a bootstrap cycle (see validateBootstrap).
}

/** Nothing the bring-up needs may be served by the cluster it brings up (model/bootstrap.ts). */
function validateBootstrap(inv: Inventory, p: ProblemCollector): void {
  const b = inv.bootstrap;
  if (b?.gitRemote !== undefined && (typeof b.gitRemote !== 'string' || !(/^[a-z+]+:\/\/[^\s]+$/.test(b.gitRemote) || /^[^@\s/]+@[^:\s/]+:[^\s]+$/.test(b.gitRemote)))) {
    p.add('inventory.bootstrap', 'Bootstrap.gitRemote', 'not a git remote', b.gitRemote, 'a URL such as "https://github.com/me/homelab.git" or "git@github.com:me/homelab.git"');
  } else checkUrlHost(p, 'inventory.bootstrap', 'Bootstrap.gitRemote', b?.gitRemote);
  if (b?.secretStore !== undefined) {
    let ok = false;
    try { ok = new URL(b.secretStore).protocol === 'https:'; } catch { ok = false; }
    if (!ok) p.add('inventory.bootstrap', 'Bootstrap.secretStore', 'not an https URL', b.secretStore, 'e.g. "https://vault.example.net:8200"');
    else checkUrlHost(p, 'inventory.bootstrap', 'Bootstrap.secretStore', b.secretStore);
  }
  for (const c of bootstrapCycles(inv)) {
    p.add(c.path, c.field, `bootstrap cycle: ${describeCycle(inv, c)}`, c.value,
      'serve it from outside this homelab (Backblaze B2, a hosted registry or git forge), or bootstrap from an external copy first');
  }
}

interface CheckedNet { readonly spec: NetworkSpec; readonly cidr: Cidr; readonly dhcp?: [number, number]; readonly pool?: [number, number] }

function validateNetworks(site: SiteSpec, spath: string, p: ProblemCollector): Map<string, CheckedNet> {
  const nets = new Map<string, CheckedNet>();
  for (const n of site.networks ?? []) {
    const npath = `${spath}.networks[${n.name}]`;
    checkField(p, npath, 'Network.name', n.name, DNS_LABEL);
    if (nets.has(n.name)) p.add(npath, 'Network.name', 'duplicate network name', n.name, 'network names are unique per site');
    const cidr = parseCidr(n.cidr);
    if (!cidr) { p.add(npath, 'Network.cidr', 'not an IPv4 CIDR with zero host bits', n.cidr, 'e.g. 10.0.100.0/24'); continue; }
    for (const other of nets.values()) {
      if (cidr.network < other.cidr.network + other.cidr.size && other.cidr.network < cidr.network + cidr.size) {
        p.add(npath, 'Network.cidr', `overlaps network ${other.spec.name} ${other.spec.cidr}`, n.cidr, 'networks of a site do not overlap');
      }
    }
    if (cidr.prefix < 8) p.add(npath, 'Network.cidr', 'larger than a /8', n.cidr, 'a network of /8 or smaller');
    if (n.vlan !== undefined) checkField(p, npath, 'Network.vlan', n.vlan, VLAN_ID);
    if (!isFqdn(n.domain)) p.add(npath, 'Network.domain', 'not a DNS domain', n.domain, 'a domain such as home.example.org');
    const gw = parseIPv4(n.gateway);
    if (gw === undefined || !isHostIn(gw, cidr)) p.add(npath, 'Network.gateway', `not a host address in ${n.cidr}`, n.gateway, 'use an address inside the network');
    for (const [j, ns] of (n.nameservers ?? []).entries()) {
      if (parseIPv4(ns) === undefined) p.add(npath, `Network.nameservers[${j}]`, 'not an IPv4 address', ns, 'dotted quad');
    }
    let dhcp: [number, number] | undefined;
    if (n.dhcp) {
      const s = parseIPv4(n.dhcp.start);
      const e = parseIPv4(n.dhcp.end);
      if (s === undefined || !isHostIn(s, cidr)) p.add(npath, 'Network.dhcp.start', `not a host address in ${n.cidr}`, n.dhcp.start, 'use an address inside the network');
      if (e === undefined || !isHostIn(e, cidr)) p.add(npath, 'Network.dhcp.end', `not a host address in ${n.cidr}`, n.dhcp.end, 'use an address inside the network');
      if (s !== undefined && e !== undefined) {
        if (s > e) p.add(npath, 'Network.dhcp', 'start is after end', `${n.dhcp.start}-${n.dhcp.end}`, 'start <= end');
        else {
          dhcp = [s, e];
          if (gw !== undefined && gw >= s && gw <= e) p.add(npath, 'Network.gateway', `inside the DHCP range ${n.dhcp.start}-${n.dhcp.end}`, n.gateway, 'keep the gateway outside the DHCP range');
        }
      }
      if (n.dhcp.leaseTime !== undefined && !/^\d+[smhdw]?$|^infinite$/.test(n.dhcp.leaseTime)) p.add(npath, 'Network.dhcp.leaseTime', 'not a lease time', n.dhcp.leaseTime, 'e.g. "12h", "1d" or "infinite"');
    }
    let pool: [number, number] | undefined;
    if (n.loadBalancerPool) {
      const lb = n.loadBalancerPool;
      const s = parseIPv4(lb.start);
      const e = parseIPv4(lb.end);
      if (s === undefined || !isHostIn(s, cidr)) p.add(npath, 'Network.loadBalancerPool.start', `not a host address in ${n.cidr}`, lb.start, 'use an address inside the network');
      if (e === undefined || !isHostIn(e, cidr)) p.add(npath, 'Network.loadBalancerPool.end', `not a host address in ${n.cidr}`, lb.end, 'use an address inside the network');
      if (s !== undefined && e !== undefined && isHostIn(s, cidr) && isHostIn(e, cidr)) {
        if (s > e) p.add(npath, 'Network.loadBalancerPool', 'start is after end', `${lb.start}-${lb.end}`, 'start <= end');
        else {
          pool = [s, e];
          if (dhcp && s <= dhcp[1] && dhcp[0] <= e) {
            p.add(npath, 'Network.loadBalancerPool', `overlaps the DHCP range ${n.dhcp!.start}-${n.dhcp!.end}`, `${lb.start}-${lb.end}`, 'a load-balancer pool and the DHCP range share no address');
          }
        }
      }
    }
    nets.set(n.name, { spec: n, cidr, dhcp, pool });
  }
  if ((site.networks ?? []).length === 0) p.add(spath, 'Site.networks', 'no network', site.networks, 'declare at least one network');
  return nets;
}

function validateHost(site: SiteSpec, h: HostSpec, hpath: string, nets: Map<string, CheckedNet>, p: ProblemCollector): void {
  checkField(p, hpath, 'Host.name', h.name, DNS_LABEL);
  const net = nets.get(h.network);
  if (!net) p.add(hpath, 'Host.network', 'unknown network', h.network, nets.size > 0 ? `${oneOf([...nets.keys()], '')} at site ${site.name}` : `a network of site ${site.name} (it has none: declare one in networks)`);
  const ip = parseIPv4(h.ip);
  if (ip === undefined) p.add(hpath, 'Host.ip', 'not an IPv4 address', h.ip, 'dotted quad such as 10.0.100.5');
  else if (net) {
    if (!isHostIn(ip, net.cidr)) p.add(hpath, 'Host.ip', `outside network ${net.spec.name} ${net.spec.cidr}`, h.ip, 'use a host address inside it');
    else if (net.dhcp && ip >= net.dhcp[0] && ip <= net.dhcp[1]) p.add(hpath, 'Host.ip', `inside the DHCP range of network ${net.spec.name} ${net.spec.dhcp!.start}-${net.spec.dhcp!.end}`, h.ip, 'use a static address outside the DHCP range');
  }
  if (h.mac !== undefined) checkField(p, hpath, 'Host.mac', h.mac, MAC_ADDRESS);
  if (h.kind !== undefined && h.kind !== 'metal' && h.kind !== 'vm') p.add(hpath, 'Host.kind', 'unknown kind', h.kind, '"metal" or "vm"');
  if (h.interface !== undefined && !/^[A-Za-z0-9_.-]{1,15}$/.test(h.interface)) p.add(hpath, 'Host.interface', 'not an interface name', h.interface, 'up to 15 letters, digits, ".", "_" or "-"');
  if (h.k3s !== undefined && h.k3s !== 'server' && h.k3s !== 'agent') p.add(hpath, 'Host.k3s', 'unknown k3s role', h.k3s, '"server" or "agent"');
  if (h.k3sInit && h.k3s !== 'server') p.add(hpath, 'Host.k3sInit', 'only a k3s server can initialise the cluster', h.k3s ?? null, 'set k3s: "server" or drop k3sInit');
  for (const [k, v] of Object.entries(h.labels ?? {})) {
    const prefix = k.includes('/') ? k.slice(0, k.indexOf('/')) : undefined;
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/.test(k) || (prefix !== undefined && !K8S_NAME.test(prefix)) || !/^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/.test(v)) {
      p.add(hpath, `Host.labels[${k}]`, 'not a Kubernetes label', `${k}=${v}`, 'prefix/name=value with alphanumerics, "-", "_", "."; name and value at most 63 characters, the optional prefix a DNS subdomain of at most 253');
    }
  }
  for (const t of h.taints ?? []) {
    const value = typeof t === 'string' ? /=([^:]*):/.exec(t)?.[1] : undefined;
    if (typeof t !== 'string' || !/^[A-Za-z0-9./-]+(=[A-Za-z0-9._-]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/.test(t)) p.add(hpath, 'Host.taints', 'not a taint', t, 'key[=value]:NoSchedule|PreferNoSchedule|NoExecute');
    else if (value !== undefined && (value.length > 63 || (value !== '' && !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(value)))) {
      p.add(hpath, 'Host.taints', 'taint value not a Kubernetes label value', t, 'a value of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit');
    }
  }
}

function validateApps(inv: Inventory, hasCluster: boolean, p: ProblemCollector, needSecret: (path: string, field: string, name: unknown) => void): void {
  const names = new Set<string>();
  const ingressHosts = new Map<string, string>();
  const apps: readonly AppSpec[] = inv.apps ?? [];
  if (apps.length > 0 && !hasCluster) p.add('inventory', 'Inventory.apps', 'apps declared but no k3s server', apps.length, 'add a host with k3s: "server"');
  const clusterSite = (inv.sites ?? []).find((s) => (s.hosts ?? []).some((h) => h.k3s === 'server'));
  for (const a of apps) {
    const apath = `inventory.apps[${a.name}]`;
    checkField(p, apath, 'App.name', a.name, APP_NAME);
    if (names.has(a.name)) p.add(apath, 'App.name', 'duplicate app name', a.name, 'app names are unique');
    names.add(a.name);
    if (a.namespace !== undefined) checkField(p, apath, 'App.namespace', a.namespace, DNS_LABEL);
    checkField(p, apath, 'App.image', a.image, PINNED_IMAGE);
    checkField(p, apath, 'App.port', a.port, TCP_PORT);
    if (a.replicas !== undefined) checkField(p, apath, 'App.replicas', a.replicas, REPLICAS);
    if (a.runAsUser !== undefined) checkField(p, apath, 'App.runAsUser', a.runAsUser, NON_ROOT_UID);
    if (a.cpuMillis !== undefined) checkField(p, apath, 'App.cpuMillis', a.cpuMillis, CPU_MILLIS);
    if (a.memoryMiB !== undefined) checkField(p, apath, 'App.memoryMiB', a.memoryMiB, MEMORY_MIB);
    for (const k of Object.keys(a.env ?? {})) if (!ENV_NAME.test(k)) p.add(apath, `App.env[${k}]`, 'not an environment variable name', k, 'letters, digits and "_", not starting with a digit');
    for (const [k, s] of Object.entries(a.secretEnv ?? {})) {
      if (!ENV_NAME.test(k)) p.add(apath, `App.secretEnv[${k}]`, 'not an environment variable name', k, 'letters, digits and "_", not starting with a digit');
      if (a.env && k in a.env) p.add(apath, `App.secretEnv[${k}]`, 'also set in env', k, 'set a variable in env or secretEnv, not both');
      needSecret(apath, `App.secretEnv[${k}]`, s);
    }
    const vols = new Set<string>();
    for (const v of a.volumes ?? []) {
      checkField(p, apath, `App.volumes[${v.name}].name`, v.name, DNS_LABEL);
      if (vols.has(v.name)) p.add(apath, `App.volumes[${v.name}].name`, 'duplicate volume name', v.name, 'volume names are unique per app');
      vols.add(v.name);
      checkField(p, apath, `App.volumes[${v.name}].mountPath`, v.mountPath, MOUNT_PATH);
      checkField(p, apath, `App.volumes[${v.name}].sizeGiB`, v.sizeGiB, VOLUME_GIB);
    }
    if (a.database) validateDatabase(a, a.database, apath, vols, p, needSecret);
    if (a.backup) validateAppBackup(inv, a, a.backup, apath, vols, p, needSecret);
    if (a.ingress) {
      const host = a.ingress.host;
      if (checkField(p, apath, 'App.ingress.host', host, HOST_NAME)) {
        const prev = ingressHosts.get(host);
        if (prev) p.add(apath, 'App.ingress.host', `hostname already used by app ${prev}`, host, 'one app per hostname');
        ingressHosts.set(host, a.name);
        if (a.ingress.public) {
          if (!inv.dns) p.add(apath, 'App.ingress.public', 'public app but no DNS zone declared', true, 'declare inventory.dns or make the app internal');
          else if (isFqdn(inv.dns.zone) && host !== inv.dns.zone && !host.endsWith(`.${inv.dns.zone}`)) p.add(apath, 'App.ingress.host', `not inside DNS zone ${inv.dns.zone}`, host, `a name ending in .${inv.dns.zone}`);
          if (clusterSite && !clusterSite.publicIPv4) p.add(apath, 'App.ingress.public', `public app but site ${clusterSite.name} has no publicIPv4`, true, 'set the site publicIPv4 or make the app internal');
        }
      }
      const admin = a.ingress.admin;
      if (admin) {
        const oauth = inv.cluster?.platform?.oauth;
        if (!oauth) p.add(apath, 'App.ingress.admin', 'admin-only app but no oauth2-proxy is declared', admin, 'declare cluster.platform.oauth, or drop admin to make the app open');
        for (const [j, e] of (admin.allowedEmails ?? []).entries()) {
          checkField(p, apath, `App.ingress.admin.allowedEmails[${j}]`, e, EMAIL);
        }
        for (const [j, g] of (admin.allowedGroups ?? []).entries()) {
          checkField(p, apath, `App.ingress.admin.allowedGroups[${j}]`, g, PROVIDER_GROUP);
        }
        const people = (admin.allowedEmails ?? oauth?.allowedEmails ?? []).length + (admin.allowedGroups ?? []).length;
        if (oauth && people === 0) p.add(apath, 'App.ingress.admin', 'nobody is allowed in', admin, 'name allowedEmails or allowedGroups here, or allowedEmails in cluster.platform.oauth');
      }
    }
  }
}

const DATABASE_ENGINES: readonly string[] = ['postgresql', 'mysql', 'mariadb', 'sqlite'];
/** Fields of a database server; sqlite has none of them. */
const SERVER_FIELDS = ['image', 'name', 'user', 'passwordSecret', 'sizeGiB', 'pool', 'storageClass'] as const;
/** Fields only sqlite uses. */
const SQLITE_FIELDS = ['toolsImage', 'volume', 'file'] as const;
/** A B2 region, as in `s3.us-west-004.backblazeb2.com`. */
const B2_REGION = /^[a-z]+-[a-z]+-\d{3}$/;
const RETENTION_FIELDS = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly', 'keepDeletedDays'] as const;

/** An app's database: engine, images, SQL names, password, sqlite file, size. */
function validateDatabase(a: AppSpec, d: DatabaseSpec, apath: string, vols: ReadonlySet<string>, p: ProblemCollector, needSecret: (path: string, field: string, name: unknown) => void): void {
  const engine: unknown = d.engine;
  if (typeof engine !== 'string' || !DATABASE_ENGINES.includes(engine)) p.add(apath, 'App.database.engine', 'unknown database engine', engine ?? null, '"postgresql", "mysql", "mariadb" or "sqlite"');
  // A field the engine does not use is reported as such below, not checked here as well.
  if (engine !== 'sqlite' && d.image !== undefined) checkField(p, apath, 'App.database.image', d.image, PINNED_IMAGE);
  if (engine === 'sqlite' && d.toolsImage !== undefined) checkField(p, apath, 'App.database.toolsImage', d.toolsImage, PINNED_IMAGE);
  if (engine !== 'sqlite' && d.sizeGiB !== undefined) checkField(p, apath, 'App.database.sizeGiB', d.sizeGiB, VOLUME_GIB);
  const appVolumes = vols.size > 0 ? `one of the app's volumes ${JSON.stringify([...vols])}` : 'a volume of the app, which has none: add one to volumes for the database file';
  if (engine === 'sqlite') {
    for (const f of SERVER_FIELDS) {
      if (d[f] !== undefined) p.add(apath, `App.database.${f}`, 'not used by sqlite, which has no server', d[f], `drop ${f}; sqlite takes volume, file and toolsImage`);
    }
    if (d.volume === undefined) p.add(apath, 'App.database.volume', 'sqlite needs the volume that holds the database file', null, appVolumes);
    else if (typeof d.volume !== 'string' || !vols.has(d.volume)) p.add(apath, 'App.database.volume', 'unknown volume', d.volume, appVolumes);
    const file: unknown = d.file;
    if (typeof file !== 'string' || file === '' || file.startsWith('/') || file.split('/').some((part) => part === '' || part === '..')) {
      p.add(apath, 'App.database.file', 'not a file path inside the volume', file ?? null, 'a relative path such as "app.db" or "data/app.db", without a leading "/", ".." or empty parts');
    }
    return;
  }
  if (engine !== 'postgresql' && engine !== 'mysql' && engine !== 'mariadb') return;
  for (const f of SQLITE_FIELDS) {
    if (d[f] !== undefined) p.add(apath, `App.database.${f}`, `sqlite only, not used by ${engine}`, d[f], `drop ${f}${f === 'toolsImage' ? '; the server image (image) takes the dumps' : ''}`);
  }
  if (d.passwordSecret === undefined) p.add(apath, 'App.database.passwordSecret', `a ${engine} server needs a password`, null, 'name a declared secret holding the password');
  else needSecret(apath, 'App.database.passwordSecret', d.passwordSecret);
  checkDatabaseNames(p, apath, 'App.database', engine, a.name, d);
}

const BACKED_UP_NAME_MAX = 52 - '-backup-check'.length;

/** An app's restic backups: the bucket, secrets, schedules, parts, retention, quiesce, check. */
function validateAppBackup(inv: Inventory, a: AppSpec, b: AppBackupSpec, apath: string, vols: ReadonlySet<string>, p: ProblemCollector, needSecret: (path: string, field: string, name: unknown) => void): void {
  if (!inv.backup) p.add(apath, 'App.backup', 'backed up, but the homelab has no B2 bucket (inventory.backup is missing)', b, 'declare inventory.backup (bucket, keyIdSecret, keySecret), or drop the app\'s backup');
  needSecret(apath, 'App.backup.passwordSecret', b.passwordSecret);
  // CronJob names are at most 52 characters: `<app>-backup-check`
  if (typeof a.name === 'string' && a.name.length > BACKED_UP_NAME_MAX) {
    p.add(apath, 'App.name', `too long for a backed-up app (its CronJob ${a.name}-backup-check would pass Kubernetes' 52 characters)`, a.name, `at most ${BACKED_UP_NAME_MAX} characters`);
  }
  if (b.pingUrlSecret !== undefined) needSecret(apath, 'App.backup.pingUrlSecret', b.pingUrlSecret);
  if (b.bucket !== undefined) {
    const first = (inv.apps ?? []).find((x) => x.backup?.bucket === b.bucket);
    const named = checkField(p, apath, 'App.backup.bucket', b.bucket, B2_BUCKET_NAME);
    if (named && b.bucket === inv.backup?.bucket) p.add(apath, 'App.backup.bucket', "is the homelab's bucket, which the app uses anyway", b.bucket, "another name for a bucket of the app's own, or drop bucket");
    else if (named && first && first !== a) p.add(apath, 'App.backup.bucket', `already the bucket of app ${first.name}`, b.bucket, 'one app per bucket of its own; apps that share one use the homelab\'s');
  }
  const schedule = (field: string, expr: string | undefined) => {
    if (expr !== undefined) checkSchedule(p, apath, field, expr);
  };
  schedule('App.backup.schedule', b.schedule);
  schedule('App.backup.check.schedule', b.check?.schedule);

  const volumes = JSON.stringify([...vols]);
  const listed = new Set<string>();
  for (const v of b.volumes ?? []) {
    if (!vols.has(v)) p.add(apath, 'App.backup.volumes', 'unknown volume', v, vols.size > 0 ? `one of the app's volumes ${volumes}` : 'a volume of the app, which has none: add it to volumes, or back up only the database');
    else if (listed.has(v)) p.add(apath, 'App.backup.volumes', 'volume listed twice', v, 'each volume once');
    listed.add(v);
  }
  const backedUp = b.volumes ?? (a.volumes ?? []).map((v) => v.name);
  if (!a.database && backedUp.length === 0) {
    p.add(apath, 'App.backup.volumes', 'nothing to back up: the app has no database, and no volume is backed up', backedUp, `back up volumes of the app ${volumes}, give it a database, or drop backup`);
  }

  // Every keep* set is at least 1, and none set means the defaults: some rule is always in effect.
  const r = b.retention ?? {};
  for (const k of RETENTION_FIELDS) {
    const v: unknown = r[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
      p.add(apath, `App.backup.retention.${k}`, k === 'keepDeletedDays' ? 'not a positive whole number of days' : 'not a positive whole number of snapshots', v, 'integer >= 1');
    }
  }

  const q = b.quiesce;
  if (q !== undefined) {
    const mode: unknown = q.mode;
    if (mode !== 'scale-to-zero' && mode !== 'hook') p.add(apath, 'App.backup.quiesce.mode', 'unknown quiesce mode', mode ?? null, '"scale-to-zero" or "hook"');
    if (q.mode === 'hook') {
      if (typeof q.pre !== 'string' || q.pre.trim() === '') p.add(apath, 'App.backup.quiesce.pre', 'a hook needs a command to run before the backup', q.pre ?? null, 'a non-empty shell command, e.g. "wget -q -O- --post-data= http://app/api/maintenance/on"');
      if (q.post !== undefined && (typeof q.post !== 'string' || q.post.trim() === '')) p.add(apath, 'App.backup.quiesce.post', 'not a shell command', q.post, 'a non-empty shell command run after the backup, or no post');
    }
    if (backedUp.length === 0) p.add(apath, 'App.backup.quiesce', 'nothing to quiesce: no volume is backed up (the database dump is consistent by itself)', q, 'drop quiesce, or back up a volume');
  }

  const subset = b.check?.readDataSubset;
  if (subset !== undefined && !isReadDataSubset(subset)) {
    p.add(apath, 'App.backup.check.readDataSubset', 'not a restic --read-data-subset', subset, 'a percentage such as "5%" or "2.5%" (above 0, at most 100), a part "n/m" such as "1/7" (1 <= n <= m), or a size such as "500M" (K, M, G or T)');
  }
}

/** What `restic check --read-data-subset` takes: `n%`, `n/m` or a size with a K/M/G/T suffix. */
function isReadDataSubset(s: unknown): boolean {
  if (typeof s !== 'string') return false;
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(s);
  if (pct) return Number(pct[1]) > 0 && Number(pct[1]) <= 100;
  const part = /^(\d+)\/(\d+)$/.exec(s);
  if (part) return Number(part[1]) >= 1 && Number(part[1]) <= Number(part[2]);
  return /^[1-9]\d*[KMGT]$/.test(s);
}

/** What a volume or database may name as pool when the inventory declares none. */
const NO_POOL = 'a pool of inventory.storagePools (none is declared: declare one, or use storageClass instead)';

/** Storage pools: names, engines, nodes with disks, layouts that fit the disk counts, replicas, volume references. */
function validateStoragePools(inv: Inventory, p: ProblemCollector): void {
  const pools = inv.storagePools ?? [];
  const hosts = new Map((inv.sites ?? []).flatMap((s) => (s.hosts ?? []).map((h) => [h.name, h] as const)));
  const names = new Set<string>();
  const diskOwner = new Map<string, string>();
  for (const [i, pool] of pools.entries()) {
    const ppath = `inventory.storagePools[${pool.name ?? i}]`;
    if (checkField(p, ppath, 'StoragePool.name', pool.name, DNS_LABEL) && names.has(pool.name)) p.add(ppath, 'StoragePool.name', 'duplicate pool name', pool.name, 'pool names are unique (each is a StorageClass)');
    names.add(pool.name);
    checkField(p, ppath, 'StoragePool.engine', pool.engine, STORAGE_ENGINE);
    if (pool.layout !== undefined) checkField(p, ppath, 'StoragePool.layout', pool.layout, POOL_LAYOUT);
    if (pool.engine === 'mayastor' && pool.layout !== undefined && pool.layout !== 'stripe') p.add(ppath, 'StoragePool.layout', 'no raid layout in a Mayastor pool (one DiskPool per disk; volumes are replicated across nodes)', pool.layout, 'drop layout, and set replicas');
    if (!Array.isArray(pool.hosts) || pool.hosts.length === 0) { p.add(ppath, 'StoragePool.hosts', 'no node', pool.hosts ?? null, 'name the k3s hosts whose disks form the pool'); continue; }
    const seen = new Set<string>();
    for (const name of pool.hosts) {
      const h = hosts.get(name);
      if (!h) { p.add(ppath, 'StoragePool.hosts', 'unknown host', name, oneOf([...hosts.keys()], 'a host of the sites (none is declared)')); continue; }
      if (seen.has(name)) p.add(ppath, 'StoragePool.hosts', 'host listed twice', name, 'each node once');
      seen.add(name);
      if (!h.k3s) p.add(ppath, 'StoragePool.hosts', 'not a k3s node (its disks would serve no cluster)', name, 'a host with k3s: "server" or "agent"');
      const disks = h.vm ? h.vm.passthroughDisks ?? [] : h.disks ?? [];
      if (disks.length === 0) p.add(ppath, 'StoragePool.hosts', `host ${name} has no ${h.vm ? 'vm.passthroughDisks' : 'disks'}`, name, h.vm ? 'pass whole disks through to the VM by /dev/disk/by-id' : 'list its data disks by /dev/disk/by-id in disks');
      const group = RAID_GROUP_SIZE[pool.layout ?? 'stripe'] ?? 1;
      if (pool.engine === 'cstor' && disks.length > 0 && group > 1 && disks.length % group !== 0) {
        p.add(ppath, 'StoragePool.layout', `${pool.layout} needs disks in groups of ${group}, but host ${name} has ${disks.length}`, pool.layout, `a multiple of ${group} disks on every node, or another layout`);
      }
      for (const d of disks) {
        const key = `${name}:${d}`;
        const prev = diskOwner.get(key);
        if (prev && prev !== pool.name) p.add(ppath, 'StoragePool.hosts', `disk ${d} of host ${name} is already in pool ${prev}`, name, 'a disk belongs to one pool');
        else diskOwner.set(key, pool.name);
      }
    }
    const nodes = new Set(pool.hosts).size;
    if (pool.replicas !== undefined && (!Number.isInteger(pool.replicas) || pool.replicas < 1 || pool.replicas > nodes)) {
      p.add(ppath, 'StoragePool.replicas', `not a replica count for ${nodes} node${nodes === 1 ? '' : 's'} (each replica sits on another node)`, pool.replicas, `integer 1-${nodes}`);
    }
  }
  for (const site of inv.sites ?? []) {
    for (const h of site.hosts ?? []) {
      const hpath = `inventory.sites[${site.name}].hosts[${h.name}]`;
      if (h.disks && h.vm) p.add(hpath, 'Host.disks', 'a VM\'s pool disks are its vm.passthroughDisks', h.disks, 'move them to vm.passthroughDisks');
      for (const [j, d] of (h.disks ?? []).entries()) {
        checkField(p, hpath, `Host.disks[${j}]`, d, DISK_BY_ID);
      }
    }
  }
  for (const a of inv.apps ?? []) {
    const vpath = `inventory.apps[${a.name}]`;
    for (const v of a.volumes ?? []) {
      if (v.pool === undefined) continue;
      if (!names.has(v.pool)) p.add(vpath, `App.volumes[${v.name}].pool`, 'unknown storage pool', v.pool, oneOf([...names], NO_POOL));
      if (v.storageClass !== undefined) p.add(vpath, `App.volumes[${v.name}].storageClass`, 'set together with pool', v.storageClass, 'give pool (its StorageClass is used) or storageClass, not both');
    }
    // The server's data volume (sqlite has none: validateDatabase reports its pool).
    const d = a.database;
    if (d?.pool !== undefined && d.engine !== 'sqlite') {
      if (!names.has(d.pool)) p.add(vpath, 'App.database.pool', 'unknown storage pool', d.pool, oneOf([...names], NO_POOL));
      if (d.storageClass !== undefined) p.add(vpath, 'App.database.storageClass', 'set together with pool', d.storageClass, 'give pool (its StorageClass is used) or storageClass, not both');
    }
  }
}


/** The cluster platform: ACME account, DNS-01 through Cloudflare, oauth2-proxy. */
function validatePlatform(inv: Inventory, p: ProblemCollector, needSecret: (path: string, field: string, name: unknown) => void): void {
  const platform = inv.cluster?.platform;
  if (!platform) return;
  const ppath = 'inventory.cluster.platform';
  checkField(p, ppath, 'Platform.acmeEmail', platform.acmeEmail, EMAIL, 'the address Let\'s Encrypt writes to about expiring certificates');
  if (!inv.dns) p.add(ppath, 'Platform.acmeEmail', 'certificates are issued by DNS-01 through Cloudflare, but no DNS zone is declared', null, 'declare inventory.dns (zone, zoneId, apiTokenSecret)');
  const oauth = platform.oauth;
  if (!oauth) return;
  const opath = `${ppath}.oauth`;
  const providers = ['github', 'google', 'gitlab', 'oidc', 'keycloak-oidc'];
  if (!providers.includes(oauth.provider)) p.add(opath, 'OAuth.provider', 'unknown provider', oauth.provider, `one of ${providers.join(', ')}`);
  const needsIssuer = oauth.provider === 'oidc' || oauth.provider === 'keycloak-oidc';
  if (needsIssuer) {
    let ok = false;
    try { ok = new URL(oauth.oidcIssuerUrl ?? '').protocol === 'https:'; } catch { ok = false; }
    if (!ok) p.add(opath, 'OAuth.oidcIssuerUrl', `${oauth.provider} needs the issuer's https URL`, oauth.oidcIssuerUrl ?? null, 'e.g. "https://sso.example.org/realms/home"');
    else checkUrlHost(p, opath, 'OAuth.oidcIssuerUrl', oauth.oidcIssuerUrl);
  }
  needSecret(opath, 'OAuth.clientIdSecret', oauth.clientIdSecret);
  needSecret(opath, 'OAuth.clientSecretSecret', oauth.clientSecretSecret);
  needSecret(opath, 'OAuth.cookieSecretSecret', oauth.cookieSecretSecret);
  for (const [j, e] of (oauth.allowedEmails ?? []).entries()) {
    checkField(p, opath, `OAuth.allowedEmails[${j}]`, e, EMAIL);
  }
  // oauth2-proxy needs someone to let in (an email list or, for group-only apps, any account); it will not start otherwise
  const anyone = (oauth.allowedEmails ?? []).length > 0 || (inv.apps ?? []).some((a) => (a.ingress?.admin?.allowedEmails ?? []).length + (a.ingress?.admin?.allowedGroups ?? []).length > 0);
  if (!anyone) p.add(opath, 'OAuth.allowedEmails', 'oauth2-proxy would let nobody sign in (no emails here, and no admin-only app names emails or groups)', oauth.allowedEmails ?? [], 'list the admins\' emails here, or drop oauth');
}
