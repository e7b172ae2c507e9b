import { inventory } from '../../apps/inventory';
import { deriveMac, deriveModel, Model, ResolvedHost, ResolvedRouter } from '../../lib/model/derive';
import { K3sRole } from '../../lib/model/inventory';

/** The reference inventory, resolved once (deriveModel is pure). */
let model: Model;
beforeAll(() => {
  model = deriveModel(inventory);
});

function hostOf(name: string): ResolvedHost {
  const h = model.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name} in ${JSON.stringify(model.hosts.map((x) => x.name))}`);
  return h;
}

function routerOf(site: string): ResolvedRouter {
  const r = model.routers.find((x) => x.site === site);
  if (!r) throw new Error(`no router at site ${site}`);
  return r;
}

describe('deriveModel on the reference inventory', () => {
  test('gives the VM host a derived MAC, and the home router a lease for it', () => {
    // GIVEN the reference inventory, where ulf is a VM without a MAC
    // WHEN deriving the model
    const ulf = hostOf('ulf');
    // THEN ulf gets the MAC derived from homelab, site and host name
    const mac = deriveMac('example', 'home', 'ulf');
    expect(ulf.kind).toBe('vm');
    expect(ulf.mac).toBe(mac);
    // AND the home router reserves that same MAC for ulf's address
    expect(routerOf('home').leases).toContainEqual({ name: 'ulf', mac, ip: '10.0.100.11' });
  });

  test('keeps the given MAC of the metal host', () => {
    // GIVEN the reference inventory, where olaf is metal with a given MAC
    // WHEN deriving the model
    const olaf = hostOf('olaf');
    // THEN olaf keeps it, and the router's lease uses it
    expect(olaf.kind).toBe('metal');
    expect(olaf.mac).toBe('3c:ec:ef:10:00:02');
    expect(routerOf('home').leases).toContainEqual({ name: 'olaf', mac: '3c:ec:ef:10:00:02', ip: '10.0.100.10' });
  });

  test('gives a metal host without a MAC no MAC and no lease', () => {
    // GIVEN the reference inventory with one more metal host that has no MAC
    const inv = structuredClone(inventory);
    (inv.sites[0].hosts as unknown[]).push({ name: 'sven', network: 'lan', ip: '10.0.100.20' });
    // WHEN deriving the model
    const m = deriveModel(inv);
    // THEN sven has no MAC and no lease, but a local name
    const sven = m.hosts.find((h) => h.name === 'sven')!;
    expect(sven.mac).toBeUndefined();
    const home = m.routers.find((r) => r.site === 'home')!;
    expect(home.leases.map((l) => l.name)).not.toContain('sven');
    expect(home.localNames).toContainEqual({ name: 'sven.home.example.org', ip: '10.0.100.20' });
  });

  test('publishes the public app at the site public IPv4, and only the public app', () => {
    // GIVEN the reference inventory: whoami is public, gitea is internal
    // WHEN deriving the model
    const records = model.publicRecords;
    // THEN whoami.example.org points at the home site's public IPv4
    expect(records).toContainEqual({ app: 'whoami', host: 'whoami.example.org', ipv4: '203.0.113.10' });
    // AND the internal gitea host is not published
    expect(records.map((r) => r.host)).not.toContain('git.home.example.org');
    expect(records.map((r) => r.app)).not.toContain('gitea');
  });

  test('lets the home router answer for its hosts and the internal app', () => {
    // GIVEN the reference inventory
    // WHEN deriving the model
    const names = routerOf('home').localNames;
    // THEN the home router resolves both hosts to their addresses
    expect(names).toContainEqual({ name: 'olaf.home.example.org', ip: '10.0.100.10' });
    expect(names).toContainEqual({ name: 'ulf.home.example.org', ip: '10.0.100.11' });
    // AND the internal app's host to the ingress IP
    expect(model.ingressIP).toBe('10.0.100.240');
    expect(names).toContainEqual({ name: 'git.home.example.org', ip: '10.0.100.240' });
  });

  test('forwards each site\'s domain and reverse zone to the other site\'s router', () => {
    // GIVEN the reference inventory with sites home (10.0.100.0/24, 10.0.20.0/24) and flat (10.0.1.0/24)
    // WHEN deriving the model
    const home = routerOf('home');
    const flat = routerOf('flat');
    // THEN home forwards flat's domain and reverse zone to flat's gateway
    expect(home.forwards).toContainEqual({ domain: 'flat.example.org', server: '10.0.1.1' });
    expect(home.forwards).toContainEqual({ domain: '1.0.10.in-addr.arpa', server: '10.0.1.1' });
    // AND flat forwards home's domains and reverse zones to home's gateways
    expect(flat.forwards).toContainEqual({ domain: 'home.example.org', server: '10.0.100.1' });
    expect(flat.forwards).toContainEqual({ domain: '100.0.10.in-addr.arpa', server: '10.0.100.1' });
    expect(flat.forwards).toContainEqual({ domain: 'iot.home.example.org', server: '10.0.20.1' });
    expect(flat.forwards).toContainEqual({ domain: '20.0.10.in-addr.arpa', server: '10.0.20.1' });
    // AND no router forwards its own zones away
    expect(home.forwards.map((f) => f.server)).toEqual(['10.0.1.1', '10.0.1.1']);
    expect(flat.forwards.map((f) => f.server)).not.toContain('10.0.1.1');
  });

  test('makes olaf the init server', () => {
    // GIVEN the reference inventory, where olaf is the k3s server with k3sInit
    // WHEN deriving the model
    // THEN olaf is the server every other node joins, and home runs the cluster
    expect(model.initNode?.name).toBe('olaf');
    expect(model.clusterSite?.name).toBe('home');
  });

  test('makes the k3sInit server the init server even when another server comes first', () => {
    // GIVEN the reference inventory where olaf is a plain server and ulf, listed after it, the init server
    const inv = structuredClone(inventory);
    const [olaf, ulf] = inv.sites[0].hosts as unknown as { k3s?: K3sRole; k3sInit?: boolean }[];
    delete olaf.k3sInit;
    ulf.k3s = 'server';
    ulf.k3sInit = true;
    // WHEN deriving the model
    const m = deriveModel(inv);
    // THEN ulf is the init server
    expect(m.initNode?.name).toBe('ulf');
  });

  test('is deterministic', () => {
    // GIVEN the reference inventory
    // WHEN deriving the model twice
    // THEN both results are equal
    expect(deriveModel(inventory)).toEqual(model);
  });
});

describe('the model speaks the inventory\'s names', () => {
  test('an app\'s database and backup, and the storage pools, keep their inventory keys (resolved, no second name)', () => {
    // GIVEN the reference inventory WHEN derived
    const model = deriveModel(inventory);
    const gitea = model.apps.find((a) => a.name === 'gitea')!;
    // THEN the resolved values sit under the spec's keys
    expect(gitea.database).toMatchObject({ engine: 'postgresql', service: 'gitea-db' });
    expect(gitea.backup?.repository).toMatch(/^s3:https:\/\/s3\..*\/gitea$/);
    expect(model.storagePools.map((p) => p.name)).toEqual((inventory.storagePools ?? []).map((p) => p.name));
    // AND the names they had besides are gone
    for (const old of ['db', 'backups']) expect(Object.keys(gitea)).not.toContain(old);
    expect(Object.keys(model)).not.toContain('pools');
  });
});
