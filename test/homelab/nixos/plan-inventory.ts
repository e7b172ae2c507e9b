/**
 * A homelab laid out like seed 002's plans: one site, one network, hosts that
 * run k3s in containers on a macvlan of their interface (servers in NixOS
 * containers, agents in podman), a host without containers, and a
 * Terraform-managed Proxmox VM.
 */
import { Inventory } from '../../../lib/model/inventory';

export const MANFRED_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmJ4xjtY7m5Qn0dJc1a4v3H0p8kZr2uXk9sQyV6bT1w manfred@laptop';
export const ERIKA_KEYS = [
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2rika0000000000000000000000000000000000000000 erika@tablet',
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2rika1111111111111111111111111111111111111111 erika@phone',
];

export function planInventory(): Inventory {
  return {
    name: 'plans',
    admins: [
      { name: 'manfred', sshKeys: [MANFRED_KEY], hashedPasswordSecret: 'manfred-password' },
      { name: 'erika', sshKeys: [...ERIKA_KEYS] },
    ],
    secrets: [
      { name: 'k3s-token', description: 'k3s cluster join token' },
      { name: 'manfred-password', description: 'hashed password of manfred (for sudo)' },
      { name: 'pve-api-token', description: 'Proxmox API token' },
    ],
    cluster: { tokenSecret: 'k3s-token', k3sVersion: 'v1.30.4+k3s1' },
    nix: { stateVersion: '24.11', timezone: 'Europe/Berlin' },
    sites: [
      {
        name: 'home',
        networks: [
          { name: 'lan', cidr: '10.0.100.0/24', gateway: '10.0.100.1', domain: 'home.example.org', nameservers: ['10.0.100.1', '9.9.9.9'] },
        ],
        proxmox: { endpoint: 'https://pve.home.example.org:8006/', apiTokenSecret: 'pve-api-token', nodes: [{ name: 'pve1' }] },
        hosts: [
          {
            name: 'olaf', network: 'lan', ip: '10.0.100.2', interface: 'enp0s20f0', admins: ['manfred', 'erika'],
            metadata: { rack: 'a1', 'disk-serial': 'S3Z9NB0K', 10: 'ten', 9: 'nine' },
            k3sContainers: [
              { name: 'olaf-k3s-server', role: 'server', init: true, ip: '10.0.100.10' },
              { name: 'olaf-k3s-agent', role: 'agent', ip: '10.0.100.11' },
            ],
          },
          {
            name: 'ulf', network: 'lan', ip: '10.0.100.3', interface: 'enp1s0', admins: ['manfred'],
            k3sContainers: [{ name: 'ulf-k3s-server', role: 'server', ip: '10.0.100.12' }],
          },
          {
            name: 'karl', network: 'lan', ip: '10.0.100.5', interface: 'eni1', admins: ['erika'],
            k3sContainers: [{ name: 'karl-k3s-agent', role: 'agent', ip: '10.0.100.15' }],
          },
          { name: 'ulrich', network: 'lan', ip: '10.0.100.6', interface: 'eno1' },
          {
            name: 'vm01', network: 'lan', ip: '10.0.100.20', interface: 'ens18', admins: ['erika'],
            vm: { node: 'pve1', vmId: 120, systemDisk: { sizeGiB: 40, image: { url: 'https://images.example.org/nixos-24.11.qcow2' } } },
          },
        ],
      },
    ],
  };
}
