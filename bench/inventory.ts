/**
 * Generated homelabs for the benchmark: N apps and N NixOS hosts.
 *
 * Every app has a Deployment, a Service, a PVC, an Ingress (+ cert-manager
 * Certificate) and a public hostname, so ours emits one Cloudflare record per
 * app. Hosts are one k3s server plus N-1 k3s agents spread over /24 networks
 * (200 hosts each) served by one OpenWrt router, so the router's UCI files
 * (DHCP leases, local names) grow with N. Half of the hosts are VMs (derived
 * MAC), half are metal with an explicit MAC: every host gets a DHCP lease.
 *
 * Only type imports from lib/: loading this module loads no library.
 */
import type { AppSpec, HostSpec, Inventory, NetworkSpec } from '../lib/model/inventory';

const HOSTS_PER_NET = 200;

export function generateInventory(n: number): Inventory {
  const netCount = Math.max(1, Math.ceil(n / HOSTS_PER_NET));
  const networks: NetworkSpec[] = [];
  for (let i = 0; i < netCount; i++) {
    networks.push({
      name: i === 0 ? 'lan' : `net${i}`,
      cidr: `10.64.${i}.0/24`,
      ...(i === 0 ? {} : { vlan: 100 + i }),
      gateway: `10.64.${i}.1`,
      domain: i === 0 ? 'home.example.org' : `net${i}.home.example.org`,
      dhcp: { start: `10.64.${i}.220`, end: `10.64.${i}.250` },
    });
  }
  const hosts: HostSpec[] = [];
  for (let j = 0; j < n; j++) {
    const net = Math.floor(j / HOSTS_PER_NET);
    const octet = 10 + (j % HOSTS_PER_NET);
    const vm = j % 2 === 1;
    hosts.push({
      name: `node-${String(j).padStart(4, '0')}`,
      network: networks[net].name,
      ip: `10.64.${net}.${octet}`,
      interface: vm ? 'ens18' : 'enp1s0',
      kind: vm ? 'vm' : 'metal',
      ...(vm ? {} : { mac: `3c:ec:ef:00:${hex(j >> 8)}:${hex(j & 255)}` }),
      k3s: j === 0 ? 'server' : 'agent',
      ...(j === 0 ? { k3sInit: true } : {}),
      labels: { 'topology.kubernetes.io/zone': 'home' },
    });
  }
  const apps: AppSpec[] = [];
  for (let i = 0; i < n; i++) {
    const name = `web-${String(i).padStart(4, '0')}`;
    apps.push({
      name,
      image: `ghcr.io/example/${name}:1.${i}.0`,
      port: 8080,
      env: { LOG_LEVEL: 'info', APP_ID: String(i) },
      secretEnv: { DB_PASSWORD: 'db-password' },
      volumes: [{ name: 'data', mountPath: '/data', sizeGiB: 1 + (i % 10) }],
      ingress: { host: `${name}.example.org`, public: true },
    });
  }
  return {
    name: `bench-${n}`,
    admins: [{ name: 'admin', sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmJ4xjtY7m5Qn0dJc1a4v3H0p8kZr2uXk9sQyV6bT1w admin@laptop'], hashedPasswordSecret: 'admin-password' }],
    secrets: [
      { name: 'k3s-token' },
      { name: 'admin-password' },
      { name: 'cloudflare-api-token' },
      { name: 'wifi-psk' },
      { name: 'db-password' },
    ],
    cluster: { tokenSecret: 'k3s-token', certIssuer: 'letsencrypt' },
    dns: { zone: 'example.org', zoneId: '0123456789abcdef0123456789abcdef', apiTokenSecret: 'cloudflare-api-token' },
    sites: [
      {
        name: 'home',
        publicIPv4: '203.0.113.10',
        ingressIP: '10.64.0.2',
        networks,
        hosts,
        routers: [{ name: 'gw', networks: networks.map((x) => x.name), wifi: [{ ssid: 'homelab', network: 'lan', keySecret: 'wifi-psk' }], radios: [{ name: 'radio0', band: '2g', channel: 'auto', country: 'DE' }] }],
      },
    ],
    apps,
  };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
