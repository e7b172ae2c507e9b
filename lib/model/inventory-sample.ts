/**
 * Inventories in which every field of every type is set: their type makes
 * each optional field required, so adding a field to `inventory.ts` does not
 * compile until it is set here, and {@link inventoryStrings} then lists it.
 * The hostile-string property test drives every string field found this way.
 * Not a valid homelab (a VM with both a clone and an image, for instance):
 * only the shape counts.
 */
import { Inventory, QuiesceSpec, StateBackendSpec } from './inventory';

/** `T` with every optional field required, all the way down (each member of a union on its own). */
export type Full<T> = T extends readonly (infer U)[] ? readonly Full<U>[] : T extends object ? { readonly [K in keyof T]-?: Full<T[K]> } : T;

const S3: Full<Extract<StateBackendSpec, { type: 's3' }>> = { type: 's3', bucket: 'tfstate', key: 'lab/terraform.tfstate', endpoint: 'https://s3.example.net', region: 'us-west-004' };
const LOCAL: Full<Extract<StateBackendSpec, { type: 'local' }>> = { type: 'local', path: 'terraform.tfstate' };
const HOOK: Full<Extract<QuiesceSpec, { mode: 'hook' }>> = { mode: 'hook', pre: 'echo pre', post: 'echo post' };

const SAMPLE: Full<Inventory> = {
  name: 'lab',
  secrets: [{ name: 's', description: 'a secret' }],
  admins: [{ name: 'me', sshKeys: ['ssh-ed25519 AAAA me@x'], hashedPasswordSecret: 's' }],
  sites: [{
    name: 'home',
    publicIPv4: '203.0.113.10',
    ingressIP: '10.0.0.240',
    networks: [{
      name: 'lan', cidr: '10.0.0.0/24', vlan: 10, gateway: '10.0.0.1', domain: 'home.example.org', nameservers: ['10.0.0.1'],
      dhcp: { start: '10.0.0.100', end: '10.0.0.199', leaseTime: '12h' }, loadBalancerPool: { start: '10.0.0.240', end: '10.0.0.250' },
      isolated: false, allowTo: ['lan'],
    }],
    hosts: [{
      name: 'h', network: 'lan', ip: '10.0.0.10', interface: 'eth0', mac: '02:00:00:00:00:01', kind: 'vm', k3s: 'server', k3sInit: true,
      labels: { zone: 'a' }, taints: ['k=v:NoSchedule'], macvlan: true, admins: ['me'], disks: ['/dev/disk/by-id/x'], metadata: { rack: '1' },
      k3sContainers: [{ name: 'c', role: 'agent', init: false, ip: '10.0.0.20' }],
      vm: {
        node: 'pve', vmId: 100, cores: 2, sockets: 1, memoryMiB: 2048, cpuType: 'host', cpuAffinity: '0-1', onBoot: true,
        numa: [{ cpus: '0-1', memoryMiB: 2048, hostNodes: '0', policy: 'bind' }],
        systemDisk: { sizeGiB: 20, datastore: 'local-lvm', clone: { vmId: 9000, node: 'pve' }, image: { url: 'https://x/n.qcow2', sha256: 'ab', fileName: 'n.qcow2' } },
        dataDisksGiB: [10], passthroughDisks: ['/dev/disk/by-id/y'],
      },
    }],
    routers: [{
      name: 'gw', networks: ['lan'], lanPorts: ['lan1'], wanDevice: 'wan', address: '10.0.0.1', timezone: 'UTC', forwardPorts: [443],
      wifi: [{ ssid: 'w', network: 'lan', keySecret: 's', encryption: 'sae', device: 'radio0' }],
      radios: [{ name: 'radio0', band: '2g', channel: 'auto', country: 'DE' }],
      ports: [{ name: 'lan1', untagged: 'lan', tagged: ['lan'] }],
      wireguard: { address: '10.255.0.1', publicKey: 'k', privateKeySecret: 's', endpoint: 'vpn.example.org' },
    }],
    proxmox: { endpoint: 'https://pve:8006/', apiTokenSecret: 's', insecure: false, nodes: [{ name: 'pve', datastore: 'local-lvm', imageDatastore: 'local', bridge: 'vmbr0' }] },
  }],
  apps: [{
    name: 'a', namespace: 'a', image: 'x/y:1', port: 80, replicas: 1, env: { K: 'v' }, secretEnv: { S: 's' },
    volumes: [{ name: 'd', mountPath: '/d', sizeGiB: 1, storageClass: 'sc', pool: 'p' }],
    ingress: { host: 'a.example.org', public: true, admin: { allowedEmails: ['me@example.org'], allowedGroups: ['g'] } },
    runAsUser: 1000, cpuMillis: 100, memoryMiB: 128, tmpVolume: true,
    database: { engine: 'postgresql', image: 'postgres:16', toolsImage: 'postgres:16', name: 'a', user: 'a', passwordSecret: 's', sizeGiB: 1, pool: 'p', storageClass: 'sc', volume: 'd', file: 'a.db' },
    backup: {
      passwordSecret: 's', schedule: '0 3 * * *', volumes: ['d'], quiesce: HOOK, pingUrlSecret: 's', bucket: 'b',
      retention: { keepLast: 1, keepDaily: 1, keepWeekly: 1, keepMonthly: 1, keepYearly: 1, keepDeletedDays: 1 },
      check: { schedule: '0 4 * * 0', readDataSubset: '5%' },
    },
  }],
  cluster: {
    tokenSecret: 's', certIssuer: 'letsencrypt', ingressClass: 'traefik', k3sVersion: 'v1.30.4+k3s1',
    platform: {
      acmeEmail: 'me@example.org', acmeStaging: true,
      oauth: { provider: 'oidc', oidcIssuerUrl: 'https://id.example.org', clientIdSecret: 's', clientSecretSecret: 's', cookieSecretSecret: 's', allowedEmails: ['me@example.org'] },
    },
  },
  dns: { zone: 'example.org', zoneId: '0123', apiTokenSecret: 's', proxied: false },
  backup: { bucket: 'b', keepDeletedDays: 1, keyIdSecret: 's', keySecret: 's', region: 'us-west-004', resticImage: 'restic/restic:0.17.3' },
  nix: { stateVersion: '24.11', nixpkgs: 'github:NixOS/nixpkgs/nixos-24.11', timezone: 'UTC' },
  stateBackend: S3,
  wireguard: { cidr: '10.255.0.0/24', listenPort: 51820, persistentKeepalive: 25 },
  bootstrap: { gitRemote: 'git@example.org:me/lab.git', secretStore: 'https://vault.example.org' },
  storagePools: [{ name: 'p', engine: 'mayastor', hosts: ['h'], layout: 'stripe', replicas: 1 }],
};

/** Every field set, and together every member of every union that holds strings (the state backends). */
export const INVENTORY_SAMPLES: readonly Inventory[] = [SAMPLE, { ...SAMPLE, stateBackend: LOCAL }];
