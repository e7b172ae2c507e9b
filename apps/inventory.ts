/**
 * The reference homelab: two sites, an OpenWrt router at each, a bare-metal
 * k3s server and k3s agents in Proxmox VMs (NixHostVM), apps (gitea with PostgreSQL and
 * files with a plain volume backed up by ResticBackedApp), one
 * public DNS record, one B2 bucket. `apps/main.ts` synthesizes it; tests import it.
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
    { name: 'gitea-db-password', description: "password of Gitea's PostgreSQL user" },
    { name: 'gitea-restic-password', description: "restic repository password of gitea's backups (keep a copy outside the homelab)" },
    { name: 'gitea-backup-ping-url', description: 'healthchecks.io ping URL of the gitea backup' },
    { name: 'files-restic-password', description: "restic repository password of files' backups (keep a copy outside the homelab)" },
    { name: 'proxmox-api-token', description: 'Proxmox VE API token, terraform@pve!homelab=<uuid>' },
    { name: 'wg-gw-key', description: 'WireGuard private key of router gw' },
    { name: 'wg-flat-gw-key', description: 'WireGuard private key of router flat-gw' },
    { name: 'oauth-client-id', description: 'GitHub OAuth app client id for oauth2-proxy' },
    { name: 'oauth-client-secret', description: 'GitHub OAuth app client secret for oauth2-proxy' },
    { name: 'oauth-cookie-secret', description: 'oauth2-proxy cookie secret (32 random bytes, base64)' },
  ],
  // Seed 001's cStor pool, from the disks passed through to ulf, rolf and karl (block devices from storage.lock.json).
  storagePools: [{ name: 'cstor-disks', engine: 'cstor', hosts: ['ulf', 'rolf', 'karl'], replicas: 3 }],
  // Seed 004's mesh between sites, as WireGuard: each router reaches the other site's networks.
  wireguard: { cidr: '10.255.0.0/24', listenPort: 51820 },
  cluster: {
    tokenSecret: 'k3s-token',
    certIssuer: 'letsencrypt',
    // Traefik, cert-manager (DNS-01 through Cloudflare), MetalLB and oauth2-proxy, CRDs first.
    platform: {
      acmeEmail: 'manfred@example.org',
      oauth: {
        provider: 'github',
        clientIdSecret: 'oauth-client-id',
        clientSecretSecret: 'oauth-client-secret',
        cookieSecretSecret: 'oauth-cookie-secret',
        allowedEmails: ['manfred@example.org'],
      },
    },
  },
  dns: { zone: 'example.org', zoneId: '0123456789abcdef0123456789abcdef', apiTokenSecret: 'cloudflare-api-token' },
  backup: { bucket: 'example-homelab-backups', keyIdSecret: 'b2-key-id', keySecret: 'b2-key', keepDeletedDays: 30 },
  sites: [
    {
      name: 'home',
      publicIPv4: '203.0.113.10',
      // Traefik's address from MetalLB's pool on lan (the router forwards 80/443 here).
      ingressIP: '10.0.100.240',
      networks: [
        {
          name: 'lan', cidr: '10.0.100.0/24', gateway: '10.0.100.1', domain: 'home.example.org', nameservers: ['10.0.100.1'],
          dhcp: { start: '10.0.100.100', end: '10.0.100.199' }, loadBalancerPool: { start: '10.0.100.240', end: '10.0.100.250' },
        },
        // IoT devices: their own firewall zone, the internet and the router's DHCP and DNS only; the LAN may reach them
        { name: 'iot', cidr: '10.0.20.0/24', vlan: 20, gateway: '10.0.20.1', domain: 'iot.home.example.org', dhcp: { start: '10.0.20.100', end: '10.0.20.250', leaseTime: '1h' }, isolated: true },
      ],
      proxmox: {
        endpoint: 'https://pve1.home.example.org:8006/',
        apiTokenSecret: 'proxmox-api-token',
        nodes: [{ name: 'pve1', datastore: 'local-lvm', imageDatastore: 'local', bridge: 'vmbr0' }],
      },
      hosts: [
        // Bare metal: the k3s server that initialises the cluster.
        { name: 'olaf', network: 'lan', ip: '10.0.100.10', interface: 'enp0s20f0', mac: '3c:ec:ef:10:00:02', k3s: 'server', k3sInit: true, labels: { 'topology.kubernetes.io/zone': 'home' } },
        // Two NixHostVMs on Proxmox node pve1; their MACs are derived, and the router reserves them.
        {
          name: 'ulf', network: 'lan', ip: '10.0.100.11', interface: 'ens18', k3s: 'agent', labels: { 'topology.kubernetes.io/zone': 'home' },
          vm: {
            node: 'pve1', vmId: 211, cores: 4, memoryMiB: 8192,
            systemDisk: { sizeGiB: 40, image: { url: 'https://images.example.org/nixos-24.11-x86_64-cloudinit.qcow2', sha256: 'f3b1c0e6a1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9' } },
            dataDisksGiB: [100],
            passthroughDisks: ['/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0654321'],
          },
        },
        {
          // Seed 001: a storage node pinned to NUMA node 1 with a whole disk passed through for the pool.
          name: 'rolf', network: 'lan', ip: '10.0.100.12', interface: 'ens18', k3s: 'agent', labels: { 'topology.kubernetes.io/zone': 'home', 'openebs.io/storage': 'true' },
          vm: {
            node: 'pve1', vmId: 212, cores: 4, memoryMiB: 16384, cpuAffinity: '8-11',
            numa: [{ cpus: '0-3', memoryMiB: 16384, hostNodes: '1', policy: 'bind' }],
            systemDisk: { sizeGiB: 40, image: { url: 'https://images.example.org/nixos-24.11-x86_64-cloudinit.qcow2', sha256: 'f3b1c0e6a1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9' } },
            passthroughDisks: ['/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0123456'],
          },
        },
        {
          // The third node of the cStor pool.
          name: 'karl', network: 'lan', ip: '10.0.100.13', interface: 'ens18', k3s: 'agent', labels: { 'topology.kubernetes.io/zone': 'home' },
          vm: {
            node: 'pve1', vmId: 213, cores: 2, memoryMiB: 4096,
            systemDisk: { sizeGiB: 40, image: { url: 'https://images.example.org/nixos-24.11-x86_64-cloudinit.qcow2', sha256: 'f3b1c0e6a1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9' } },
            passthroughDisks: ['/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0777777'],
          },
        },
      ],
      routers: [
        {
          name: 'gw', networks: ['lan', 'iot'], timezone: 'UTC', wifi: [{ ssid: 'homelab', network: 'lan', keySecret: 'wifi-psk' }],
          // the board's radio0, turned on (OpenWrt ships it disabled)
          radios: [{ name: 'radio0', band: '2g', channel: 'auto', country: 'DE' }],
          wireguard: { address: '10.255.0.1', publicKey: 'algXW1Q1sAN4lkEOIItpMulFWG1F9i6Q/0ic8YfTQwQ=', privateKeySecret: 'wg-gw-key', endpoint: 'vpn.example.org' },
        },
      ],
    },
    {
      name: 'flat',
      networks: [
        { name: 'lan', cidr: '10.0.1.0/24', gateway: '10.0.1.1', domain: 'flat.example.org', dhcp: { start: '10.0.1.100', end: '10.0.1.199' } },
      ],
      // No public address here: flat-gw dials out to gw and keeps the tunnel open.
      routers: [{ name: 'flat-gw', networks: ['lan'], wireguard: { address: '10.255.0.2', publicKey: 'sTvytGxCEXI9IWGnJgIb7ioCele6glkoZwezGN6lbw8=', privateKeySecret: 'wg-flat-gw-key' } }],
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
      env: {
        GITEA__server__ROOT_URL: 'https://git.home.example.org/',
        // DB_* come first in the environment (ResticBackedApp's database): $(VAR) expands them
        GITEA__database__DB_TYPE: 'postgres',
        GITEA__database__HOST: '$(DB_HOST):$(DB_PORT)',
        GITEA__database__NAME: '$(DB_NAME)',
        GITEA__database__USER: '$(DB_USER)',
        GITEA__database__PASSWD: '$(DB_PASSWORD)',
      },
      secretEnv: { GITEA__security__SECRET_KEY: 'gitea-secret-key' },
      volumes: [{ name: 'data', mountPath: '/var/lib/gitea', sizeGiB: 20, pool: 'cstor-disks' }],
      ingress: { host: 'git.home.example.org' },
      memoryMiB: 512,
      // PostgreSQL next to it; pg_dump in one transaction, then the repositories volume, nightly
      database: { engine: 'postgresql', passwordSecret: 'gitea-db-password', pool: 'cstor-disks' },
      backup: {
        passwordSecret: 'gitea-restic-password',
        schedule: '15 3 * * *',
        retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 },
        pingUrlSecret: 'gitea-backup-ping-url',
      },
    },
    {
      // A plain volume, backed up while the app is scaled to zero (seed 001's mail, 30 days of versions).
      name: 'files',
      image: 'docker.io/filebrowser/filebrowser:v2.31.2',
      port: 8080,
      env: { FB_PORT: '8080', FB_ROOT: '/srv', FB_DATABASE: '/srv/.filebrowser.db' },
      volumes: [{ name: 'srv', mountPath: '/srv', sizeGiB: 50, pool: 'cstor-disks' }],
      ingress: { host: 'files.home.example.org' },
      backup: {
        passwordSecret: 'files-restic-password',
        schedule: '45 2 * * *',
        quiesce: { mode: 'scale-to-zero' },
        retention: { keepDaily: 14, keepMonthly: 12, keepDeletedDays: 30 },
      },
    },
    {
      // Admin-only, on a public name: oauth2-proxy signs the browser in first (seed 001's OAuth middleware).
      name: 'homepage',
      image: 'ghcr.io/gethomepage/homepage:v0.9.10',
      port: 3000,
      env: { HOMEPAGE_ALLOWED_HOSTS: 'dash.example.org' },
      ingress: { host: 'dash.example.org', public: true, admin: { allowedEmails: ['manfred@example.org'], allowedGroups: ['example-org:admins'] } },
    },
  ],
};
