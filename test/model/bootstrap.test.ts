import { inventory as reference } from '../../apps/inventory';
import { bootstrapCycles, bootstrapGraph, bringUpOrder, clusterService, describeCycle, imageRegistry } from '../../lib/model/bootstrap';
import { Inventory } from '../../lib/model/inventory';
import { validateInventory } from '../../lib/model/rules';

const clone = (): any => structuredClone(reference);
const ids = (inv: Inventory) => bringUpOrder(inv).map((n) => n.id);

describe('bootstrap graph', () => {
  test('the reference homelab has no cycle and comes up outside-in', () => {
    expect(bootstrapCycles(reference)).toEqual([]);
    const order = ids(reference);
    expect(order).toEqual([
      'source', 'secrets', 'state', 'registry:docker.io', 'registry:ghcr.io',
      'routers', 'terraform', 'hosts', 'cluster', 'app:whoami', 'app:gitea', 'app:files', 'app:homepage',
    ]);
    // every step comes after what it needs
    const graph = bootstrapGraph(reference);
    for (const n of graph) for (const d of n.needs) expect({ n: n.id, before: order.indexOf(d) < order.indexOf(n.id) }).toEqual({ n: n.id, before: true });
  });

  test('knows what the cluster serves', () => {
    expect(clusterService(reference, 'git.home.example.org')).toEqual({ app: 'gitea', what: 'app gitea' });
    expect(clusterService(reference, 'minio.minio.svc.cluster.local')).toEqual({ what: 'a Kubernetes service name' });
    expect(clusterService(reference, '10.0.100.245')).toEqual({ what: 'the load-balancer pool of network lan' });
    expect(clusterService(reference, 'olaf.home.example.org')).toEqual({ what: 'k3s node olaf' });
    expect(clusterService(reference, 's3.us-west-004.backblazeb2.com')).toBeUndefined();
    expect(imageRegistry('nginx:1.27')).toBe('docker.io');
    expect(imageRegistry('gitea/gitea:1.22')).toBe('docker.io');
    expect(imageRegistry('ghcr.io/a/b:1')).toBe('ghcr.io');
    expect(imageRegistry('registry.home.example.org:5000/a:1')).toBe('registry.home.example.org');
  });

  test('a git remote on the cluster it builds is a cycle with every step named', () => {
    const inv = clone();
    inv.bootstrap = { gitRemote: 'https://git.home.example.org/manfred/homelab.git' };
    const cycles = bootstrapCycles(inv);
    expect(cycles.map((c) => [c.start, c.steps, c.path, c.field])).toEqual([
      ['source', ['source', 'app:gitea', 'cluster'], 'inventory.bootstrap', 'Bootstrap.gitRemote'],
    ]);
    expect(describeCycle(inv, cycles[0])).toBe(
      "the homelab's source (git remote https://git.home.example.org/manfred/homelab.git) (served by app gitea) → needs → app gitea → needs → the cluster platform → needs → the homelab's source (git remote https://git.home.example.org/manfred/homelab.git) (served by app gitea)",
    );
  });

  test('a registry that serves its own image is a cycle; one that only serves others is an order', () => {
    const inv = clone();
    inv.apps.push({ name: 'registry', image: 'registry.home.example.org/library/registry:2.8.3', port: 5000, ingress: { host: 'registry.home.example.org' } });
    expect(bootstrapCycles(inv).map((c) => [c.start, c.steps, c.path, c.field, c.value])).toEqual([
      ['registry:registry.home.example.org', ['registry:registry.home.example.org', 'app:registry'], 'inventory.apps[registry]', 'App.image', 'registry.home.example.org/library/registry:2.8.3'],
    ]);
    inv.apps[inv.apps.length - 1].image = 'registry:2.8.3';
    inv.apps[0].image = 'registry.home.example.org/me/whoami:1';
    expect(bootstrapCycles(inv)).toEqual([]);
    const order = ids(inv);
    expect(order.indexOf('app:registry')).toBeLessThan(order.indexOf('registry:registry.home.example.org'));
    expect(order.indexOf('registry:registry.home.example.org')).toBeLessThan(order.indexOf('app:whoami'));
  });

  test('validation reports every cycle at once, in the house format', () => {
    const inv = clone();
    inv.bootstrap = { gitRemote: 'git@git.home.example.org:manfred/homelab.git', secretStore: 'https://10.0.100.11:8200' };
    inv.stateBackend = { type: 's3', bucket: 'tfstate', endpoint: 'https://minio.minio.svc.cluster.local' };
    const messages = validateInventory(inv).map((p) => p.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/^\[inventory\.bootstrap\] Bootstrap\.gitRemote: bootstrap cycle: the homelab's source .* \(served by app gitea\) → needs → app gitea → /);
    expect(messages[1]).toMatch(/^\[inventory\.bootstrap\] Bootstrap\.secretStore: bootstrap cycle: the secret values \(https:\/\/10\.0\.100\.11:8200\) \(served by k3s node ulf\) → needs → the cluster platform → /);
    expect(messages[2]).toMatch(/^\[inventory\.stateBackend\] StateBackend\.endpoint: bootstrap cycle: Terraform state in bucket tfstate at https:\/\/minio\.minio\.svc\.cluster\.local \(served by a Kubernetes service name\) → needs → the cluster platform → needs → the NixOS hosts/);
    for (const m of messages) expect(m).toMatch(/; serve it from outside this homelab/);
  });

  test('rejects a git remote or secret store that is not a URL', () => {
    const inv = clone();
    inv.bootstrap = { gitRemote: 'my repo', secretStore: 'vault' };
    expect(validateInventory(inv).map((p) => p.message)).toEqual([
      '[inventory.bootstrap] Bootstrap.gitRemote: not a git remote (got "my repo"); a URL such as "https://github.com/me/homelab.git" or "git@github.com:me/homelab.git"',
      '[inventory.bootstrap] Bootstrap.secretStore: not an https URL (got "vault"); e.g. "https://vault.example.net:8200"',
    ]);
  });
});
