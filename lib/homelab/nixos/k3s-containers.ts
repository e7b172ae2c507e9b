/**
 * k3s nodes in containers on a NixOS host, in seed 002's layout: every
 * container has its own static address on a macvlan of the host's interface;
 * servers run in a NixOS container (`containers.<name>`), agents in a
 * privileged podman container (`virtualisation.oci-containers`), because a
 * kubelet needs privileges a NixOS container does not give.
 *
 * Everything is a typed Nix tree; JSON files are data in Nix strings.
 *
 * @module
 */
import { createHash } from 'crypto';
import { K3sNode, Model, ResolvedHost } from '../../model/derive';
import { HomelabProblem, HomelabValidationError } from '../../core/errors';
import { AdminAccounts, sshDaemon } from './admins';
import { sopsSecretPath } from '../../core/secrets';
import { NixAttrs, NixValue } from '../../nix/value';

/** Ports a k3s server without an agent listens on: the API server, and the embedded etcd's client and peer ports. */
export const K3S_CONTROL_PLANE_TCP: readonly number[] = [6443, 2379, 2380];

/** Longest Linux interface name (IFNAMSIZ - 1). */
const MAX_IFNAME = 15;

/** Fixed creation time of generated podman networks: same inputs, same bytes. */
export const PODMAN_NETWORK_CREATED = '1970-01-01T00:00:00Z';

/** The k3s image, fully qualified. */
const K3S_IMAGE = 'docker.io/rancher/k3s';

/**
 * The name systemd-nspawn gives the macvlan it moves into a container for
 * `containers.<name>.macvlans = [ iface ]`: `mv-<iface>`.
 *
 * @throws HomelabValidationError when `mv-<iface>` is longer than 15
 *   characters: nspawn would then shorten it with a hash of its own, and the
 *   container's address would be configured on an interface that does not exist
 */
export function containerMacvlanInterface(host: ResolvedHost): string {
  const name = `mv-${host.interface}`;
  if (name.length > MAX_IFNAME) {
    throw new HomelabValidationError([new HomelabProblem(
      `inventory.sites[${host.site}].hosts[${host.name}]`, 'Host.interface',
      `too long for k3s containers: their macvlan ${JSON.stringify(name)} exceeds ${MAX_IFNAME} characters`, host.interface,
      `an interface name of at most ${MAX_IFNAME - 3} characters (rename it with systemd.network.links), or no k3s containers on this host`,
    )]);
  }
  return name;
}

/**
 * The `rancher/k3s` image for a k3s release: `v1.30.4+k3s1` becomes
 * `docker.io/rancher/k3s:v1.30.4-k3s1` (image tags cannot contain `+`). Fully
 * qualified, because podman refuses short names it cannot resolve without a TTY.
 *
 * @see https://hub.docker.com/r/rancher/k3s/tags
 */
export function k3sImage(version: string): string {
  return `${K3S_IMAGE}:${version.replace(/\+/g, '-')}`;
}

/** A podman network definition, as netavark stores it in `/etc/containers/networks/<name>.json`. */
export interface PodmanNetwork {
  readonly name: string;
  /** `etc` path of the definition, relative to `/etc`. */
  readonly etcPath: string;
  /** The definition (netavark's field names and order). */
  readonly definition: {
    readonly name: string;
    readonly id: string;
    readonly driver: 'macvlan';
    readonly network_interface: string;
    readonly created: string;
    readonly subnets: readonly { readonly subnet: string; readonly gateway: string }[];
    readonly ipv6_enabled: false;
    readonly internal: false;
    readonly dns_enabled: false;
    readonly ipam_options: { readonly driver: 'host-local' };
  };
}

const PODMAN_NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * The podman macvlan network of a host's interface, declared as a file
 * instead of with `podman network create` (no script, no state to drift).
 * Its id is the sha256 of its name, so the same inventory gives the same file.
 *
 * @see https://github.com/containers/common/blob/main/libnetwork/types/network.go
 */
export function podmanMacvlanNetwork(host: ResolvedHost): PodmanNetwork {
  const name = `macvlan-${host.interface}`;
  if (!PODMAN_NETWORK_NAME.test(name)) {
    throw new HomelabValidationError([new HomelabProblem(
      `inventory.sites[${host.site}].hosts[${host.name}]`, 'Host.interface', 'not usable in a podman network name', host.interface,
      'letters, digits, "_", "." and "-"',
    )]);
  }
  return {
    name,
    etcPath: `containers/networks/${name}.json`,
    definition: {
      name,
      id: createHash('sha256').update(name).digest('hex'),
      driver: 'macvlan',
      network_interface: host.interface,
      created: PODMAN_NETWORK_CREATED,
      subnets: [{ subnet: host.net.cidr, gateway: host.net.gateway }],
      ipv6_enabled: false,
      internal: false,
      dns_enabled: false,
      ipam_options: { driver: 'host-local' },
    },
  };
}

/** What the container builders need from the host module. */
export interface K3sContainerContext {
  readonly model: Model;
  readonly host: ResolvedHost;
  /** The host's admins (the same accounts exist in server containers). */
  readonly admins: AdminAccounts;
}

/**
 * `containers.<name>` for a k3s server: a NixOS container with its own
 * address on a macvlan of the host interface.
 *
 * The server runs with `disableAgent` (`--disable-agent`): no kubelet,
 * containerd or flannel inside, so the container needs no extra capabilities
 * (`additionalCapabilities`), devices (`allowedDevices`, e.g. `/dev/kmsg`)
 * or kernel modules; workloads run on the podman agents.
 *
 * @see https://search.nixos.org/options?query=containers.%3Cname%3E
 */
export function k3sServerContainer(ctx: K3sContainerContext, node: K3sNode): NixAttrs {
  const { model, host, admins } = ctx;
  const tokenFile = sopsSecretPath(model.cluster!.tokenSecret);
  const iface = containerMacvlanInterface(host);

  // The same paths inside as on the host; each file read-only, and only the
  // secrets this container uses (its token and its admins' password hashes).
  const bindMounts: Record<string, NixValue> = {
    [tokenFile]: { hostPath: tokenFile, isReadOnly: true },
  };
  for (const s of admins.passwordSecrets) {
    const p = sopsSecretPath(s, true);
    bindMounts[p] = { hostPath: p, isReadOnly: true };
  }

  const k3s: Record<string, NixValue> = {
    enable: true,
    role: 'server',
    disableAgent: true,
    tokenFile,
    extraFlags: [`--node-ip=${node.ip}`, ...k3sServerDisableFlags(model)],
  };
  if (node.init) k3s.clusterInit = true;
  else k3s.serverAddr = model.serverAddr!;

  const config: NixAttrs = {
    networking: {
      hostName: node.name,
      domain: host.net.domain,
      useDHCP: false,
      interfaces: { [iface]: { ipv4: { addresses: [{ address: node.ip, prefixLength: host.net.prefix }] } } },
      defaultGateway: { address: host.net.gateway, interface: iface },
      nameservers: [...host.net.nameservers],
      search: [host.net.domain],
      // Containers copy the host's resolv.conf by default; use our nameservers instead.
      useHostResolvConf: false,
      // The container has its own network namespace, so its own firewall.
      firewall: { enable: true, allowedTCPPorts: [22, ...K3S_CONTROL_PLANE_TCP] },
    },
    time: { timeZone: model.timezone },
    users: { mutableUsers: admins.mutableUsers, users: admins.users },
    security: { sudo: { wheelNeedsPassword: true } },
    services: { openssh: sshDaemon(), k3s },
    system: { stateVersion: model.stateVersion },
  };

  return {
    autoStart: true,
    // Names longer than 11 characters need Linux >= 5.8 (interface altnames) with privateNetwork.
    privateNetwork: true,
    macvlans: [host.interface],
    bindMounts,
    config,
  };
}

/**
 * `virtualisation.oci-containers.containers.<name>` for a k3s agent: the
 * `rancher/k3s` image, privileged (the kubelet and containerd need it), on the
 * host's podman macvlan network with its static address.
 *
 * Its state (`/var/lib/rancher/k3s`) and node password (`/etc/rancher/node`)
 * live in named volumes: the service recreates the container on every start,
 * and a node that comes back with a new password is rejected by the servers.
 *
 * @see https://search.nixos.org/options?query=virtualisation.oci-containers.containers
 * @see https://docs.k3s.io/cli/agent
 */
export function k3sAgentContainer(ctx: K3sContainerContext, node: K3sNode, network: PodmanNetwork): NixAttrs {
  const { model } = ctx;
  const tokenFile = sopsSecretPath(model.cluster!.tokenSecret);
  return {
    image: k3sImage(model.k3sVersion),
    cmd: ['agent', `--node-ip=${node.ip}`],
    environment: { K3S_URL: model.serverAddr!, K3S_TOKEN_FILE: tokenFile },
    volumes: [
      `${tokenFile}:${tokenFile}:ro`,
      `${node.name}-k3s:/var/lib/rancher/k3s`,
      `${node.name}-node:/etc/rancher/node`,
    ],
    extraOptions: ['--privileged', `--network=${network.name}`, `--ip=${node.ip}`, `--hostname=${node.name}`],
    autoStart: true,
  };
}

/**
 * Kernel modules k3s agents load at start (`pkg/agent/syssetup`); a container
 * cannot load them itself, so the host does.
 */
export const K3S_AGENT_KERNEL_MODULES: readonly string[] = ['overlay', 'nf_conntrack', 'br_netfilter', 'iptable_nat', 'iptable_filter'];

/**
 * With the homelab's own platform (Traefik, MetalLB as HelmCharts in dist/), k3s servers must not
 * deploy their bundled Traefik and servicelb: two ingress controllers and two load balancers would
 * fight over the same Services and ports.
 */
export function k3sServerDisableFlags(model: Model): string[] {
  return model.cluster?.platform ? ['--disable=traefik', '--disable=servicelb'] : [];
}
