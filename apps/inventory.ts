/**
 * The reference homelab: two sites, an OpenWrt router at each, a k3s server
 * and a k3s agent (a Proxmox VM), two apps, one public DNS record, one B2
 * bucket. `apps/main.ts` synthesizes it; tests import it.
 */
import { Inventory } from '../lib';

export const inventory: Inventory = {
  name: 'example',
  admins: [
    {
      name: 'manfred',
      sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmJ4xjtY7m5Qn0dJc1a4v3H0p8kZr2uXk9sQyV6bT1w manfred@laptop'],
      hashedPasswordSecret: 'admin-password',
    },
  ],
  secrets: [
    { name: 'k3s-token', description: 'k3s cluster join token' },
    { name: 'admin-password', description: 'hashed password of the admin user (for sudo)' },
    { name: 'cloudflare-api-token', description: 'Cloudflare API token with Zone.DNS edit' },
    { name: 'b2-key-id', description: 'B2 key id Terraform uses' },
    { name: 'b2-key', description: 'B2 application key Terraform uses' },
    { name: 'wifi-psk', description: 'WPA passphrase of the home wifi' },
    { name: 'gitea-secret-key', description: 'Gitea SECRET_KEY' },
  ],
  cluster: { tokenSecret: 'k3s-token', certIssuer: 'letsencrypt' },
  dns: { zone: 'example.org', zoneId: '0123456789abcdef0123456789abcdef', apiTokenSecret: 'cloudflare-api-token' },
  backup: { bucket: 'example-homelab-backups', keyIdSecret: 'b2-key-id', keySecret: 'b2-key', keepDeletedDays: 30 },
  sites: [
    {
      name: 'home',
      publicIPv4: '203.0.113.10',
      ingressIP: '10.0.100.10',
      networks: [
        { name: 'lan', cidr: '10.0.100.0/24', gateway: '10.0.100.1', domain: 'home.example.org', nameservers: ['10.0.100.1'], dhcp: { start: '10.0.100.100', end: '10.0.100.199' } },
        { name: 'iot', cidr: '10.0.20.0/24', vlan: 20, gateway: '10.0.20.1', domain: 'iot.home.example.org', dhcp: { start: '10.0.20.100', end: '10.0.20.250', leaseTime: '1h' } },
      ],
      hosts: [
        { name: 'olaf', network: 'lan', ip: '10.0.100.10', interface: 'enp0s20f0', mac: '3c:ec:ef:10:00:02', k3s: 'server', k3sInit: true, labels: { 'topology.kubernetes.io/zone': 'home' } },
        { name: 'ulf', network: 'lan', ip: '10.0.100.11', interface: 'ens18', kind: 'vm', k3s: 'agent', labels: { 'topology.kubernetes.io/zone': 'home' } },
      ],
      routers: [
        { name: 'gw', networks: ['lan', 'iot'], timezone: 'UTC', wifi: [{ ssid: 'homelab', network: 'lan', keySecret: 'wifi-psk' }] },
      ],
    },
    {
      name: 'flat',
      networks: [
        { name: 'lan', cidr: '10.0.1.0/24', gateway: '10.0.1.1', domain: 'flat.example.org', dhcp: { start: '10.0.1.100', end: '10.0.1.199' } },
      ],
      routers: [{ name: 'flat-gw', networks: ['lan'] }],
    },
  ],
  apps: [
    {
      name: 'whoami',
      image: 'traefik/whoami:v1.10.3',
      port: 8080,
      env: { WHOAMI_PORT_NUMBER: '8080' },
      ingress: { host: 'whoami.example.org', public: true },
    },
    {
      name: 'gitea',
      image: 'gitea/gitea:1.22.3-rootless',
      port: 3000,
      env: { GITEA__server__ROOT_URL: 'https://git.home.example.org/' },
      secretEnv: { GITEA__security__SECRET_KEY: 'gitea-secret-key' },
      volumes: [{ name: 'data', mountPath: '/var/lib/gitea', sizeGiB: 20 }],
      ingress: { host: 'git.home.example.org' },
      memoryMiB: 512,
    },
  ],
};
