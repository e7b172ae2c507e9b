export * from './b2';
export * from './proxmox';
