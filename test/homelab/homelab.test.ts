/**
 * End to end: the reference homelab synthesized into all four outputs, each
 * checked by a real parser (schemas + CRDs, nix-instantiate, our UCI parser,
 * the provider docs), plus determinism, staged writes and secret canaries.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { inventory } from '../../apps/inventory';
import { Homelab } from '../../lib';
import { PROMETHEUS_RULE_CRD } from '../../lib/homelab/platform';
import { routerPackages } from '../../lib/homelab/router/packages';
import { OPENEBS_CHART, PLATFORM_CHARTS } from '../../lib/homelab/versions';
import { deriveMac } from '../../lib/model/derive';
import { chartObjects } from '../../lib/synth/k8s';
import { k8sFileName } from '../../lib/synth/stages';
import { parseUci, toParsed } from '../../lib/uci/parse';
import { APPLYSET_PART_OF_LABEL, stageApplySetId } from '../../lib/synth/applyset';
import { k8sStageOf } from '../../lib/synth/stages';
import { checkPodSecurityRestricted, loadManifests, validateManifest } from '../helpers/k8s-validate';
import { nixEvalModule, nixEvalStrict, nixParse } from '../helpers/nix';
import { hasTool, itWith } from '../helpers/tools';
import { listFiles, treeHash } from '../helpers/tree';

const ROOT = path.resolve(__dirname, '..', '..');
const itNix = itWith('nix-instantiate');

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `homelab-${name}-`));
const USER_SECRETS = 'secrets/secrets.yaml';

let out: string;
let lab: Homelab;

beforeAll(() => {
  out = tmp('ref');
  // the user's encrypted sops file lives in secrets/ at the project root, outside what synth writes
  fs.mkdirSync(path.join(out, 'secrets'), { recursive: true });
  fs.writeFileSync(path.join(out, USER_SECRETS), 'k3s-token: ENC[AES256_GCM,data:abc=,type:str]\n');
  lab = new Homelab({ inventory });
  lab.synth({ outdir: out });
});

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('outputs', () => {
  test('writes all four outputs in the layouts their tools expect', () => {
    // WHEN the reference homelab is synthesized (beforeAll)
    const files = listFiles(out);
    // THEN
    expect(files).toEqual(expect.arrayContaining([
      'dist/00-crds.k8s.yaml', 'dist/10-platform.k8s.yaml', 'dist/20-platform-config.k8s.yaml',
      'dist/25-namespaces.k8s.yaml', 'dist/30-app-whoami.k8s.yaml', 'dist/30-app-gitea.k8s.yaml', 'dist/apply.sh',
      'cdktf.out/manifest.json', 'cdktf.out/stacks/example/cdk.tf.json',
      'nixos/flake.nix', 'nixos/hive.nix', 'nixos/hosts/olaf.nix', 'nixos/hosts/ulf.nix',
      'routers/gw/etc/config/network', 'routers/gw/etc/config/dhcp', 'routers/gw/etc/config/firewall',
      'routers/gw/etc/config/system', 'routers/gw/etc/config/dropbear', 'routers/gw/etc/config/wireless',
      'routers/gw/deploy.sh', 'routers/flat-gw/etc/config/dhcp',
    ]));
    expect(files.filter((f) => f.startsWith('.homelab-tmp'))).toEqual([]);
    expect(fs.statSync(path.join(out, 'routers/gw/deploy.sh')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(out, 'dist/apply.sh')).mode & 0o777).toBe(0o755);
  });

  test('keeps the user-owned secrets/ and files of yours inside the output folders across synths', () => {
    // GIVEN the sops file written before the first synth, and a flake.lock that `nix flake lock` wrote into nixos/
    fs.writeFileSync(path.join(out, 'nixos/flake.lock'), '{ "version": 7 }\n');
    // WHEN synth runs again
    lab.synth({ outdir: out });
    // THEN both are still there, unchanged, and nixos/ lists only synth's files as its own
    expect(fs.readFileSync(path.join(out, USER_SECRETS), 'utf8')).toContain('ENC[AES256_GCM');
    expect(fs.readFileSync(path.join(out, 'nixos/flake.lock'), 'utf8')).toBe('{ "version": 7 }\n');
    expect(fs.readFileSync(path.join(out, 'nixos/.homelab-owned'), 'utf8')).not.toContain('flake.lock');
    fs.rmSync(path.join(out, 'nixos/flake.lock'));
  });

  test('an existing nixos/secrets/ is left untouched, with a note saying what to move where', () => {
    // GIVEN a project from before the sops file moved out of nixos/
    const dir = tmp('legacy-secrets');
    fs.mkdirSync(path.join(dir, 'nixos/secrets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'nixos/secrets/secrets.yaml'), 'k3s-token: ENC[AES256_GCM,data:old=,type:str]\n');
    // WHEN synth runs, twice
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), 'synth', '--app', path.join(ROOT, 'apps/main.ts'), '--out', '.'], { cwd: dir, encoding: 'utf8' });
    const again = spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), 'synth', '--app', path.join(ROOT, 'apps/main.ts'), '--out', '.'], { cwd: dir, encoding: 'utf8' });
    // THEN it succeeds, keeps the file, and says how to move it
    expect([r.status, again.status]).toEqual([0, 0]);
    expect(fs.readFileSync(path.join(dir, 'nixos/secrets/secrets.yaml'), 'utf8')).toContain('data:old=');
    expect(r.stderr).toBe('homelab: nixos/secrets/ is yours and synth left it untouched, but the NixOS configurations no longer read it: they read the sops file secrets/secrets.yaml (outside the folders synth writes).\n'
      + '  Move it once: mkdir -p secrets && git mv nixos/secrets/secrets.yaml secrets/secrets.yaml\n'
      + '  and point the path_regex of your .sops.yaml at secrets/secrets.yaml; then delete nixos/secrets/.\n');
    fs.rmSync(dir, { recursive: true });
  });

  test('is deterministic: two synths give byte-identical trees', () => {
    // GIVEN two fresh homelabs from the same inventory
    const a = tmp('det-a');
    const b = tmp('det-b');
    new Homelab({ inventory }).synth({ outdir: a });
    new Homelab({ inventory }).synth({ outdir: b });
    // THEN
    const ha = treeHash(a);
    expect(Object.keys(ha).length).toBeGreaterThan(20);
    expect(treeHash(b)).toEqual(ha);
    fs.rmSync(a, { recursive: true });
    fs.rmSync(b, { recursive: true });
  });
});

describe('kubernetes', () => {
  test('every object validates against its upstream schema or CRD, unknown fields rejected', () => {
    const objects = loadManifests(path.join(out, 'dist'));
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    // the platform's CRDs come first (00-crds), one per kind its charts watch
    expect(kinds.filter((k) => k.startsWith('CustomResourceDefinition/')).map((k) => k.split('/')[2]).sort()).toEqual([...PLATFORM_CHARTS.filter((c) => c !== OPENEBS_CHART).flatMap((c) => c.crds), PROMETHEUS_RULE_CRD].sort()); // a cStor pool, no Mayastor one; backups' alerts
    expect(kinds.filter((k) => !k.startsWith('CustomResourceDefinition/'))).toEqual([
      'CStorPoolCluster/openebs/cstor-disks',
      'Certificate/files/files-tls', 'Certificate/gitea/gitea-tls', 'Certificate/homepage/homepage-tls', 'Certificate/whoami/whoami-tls',
      'ClusterIssuer//letsencrypt',
      'CronJob/files/files-backup', 'CronJob/files/files-backup-check', 'CronJob/gitea/gitea-backup', 'CronJob/gitea/gitea-backup-check',
      'Deployment/files/files', 'Deployment/gitea/gitea', 'Deployment/homepage/homepage', 'Deployment/whoami/whoami',
      'HelmChart/kube-system/cert-manager', 'HelmChart/kube-system/cstor', 'HelmChart/kube-system/metallb', 'HelmChart/kube-system/oauth2-proxy', 'HelmChart/kube-system/traefik',
      'IPAddressPool/metallb-system/lan',
      'IngressRoute/files/files', 'IngressRoute/gitea/gitea', 'IngressRoute/homepage/homepage', 'IngressRoute/whoami/whoami',
      'L2Advertisement/metallb-system/default',
      'Middleware/homepage/homepage-auth', 'Middleware/homepage/homepage-signin',
      'Namespace//cert-manager', 'Namespace//files', 'Namespace//gitea', 'Namespace//homepage', 'Namespace//metallb-system', 'Namespace//oauth2-proxy', 'Namespace//openebs', 'Namespace//traefik', 'Namespace//whoami',
      'PersistentVolumeClaim/files/files-srv', 'PersistentVolumeClaim/gitea/gitea-data', 'PersistentVolumeClaim/gitea/gitea-db-data',
      'PrometheusRule/files/files-backup', 'PrometheusRule/gitea/gitea-backup',
      'Role/files/files-backup', 'RoleBinding/files/files-backup',
      'Service/files/files', 'Service/gitea/gitea', 'Service/gitea/gitea-db', 'Service/homepage/homepage', 'Service/whoami/whoami',
      'ServiceAccount/files/files-backup',
      'StatefulSet/gitea/gitea-db',
      'StorageClass//cstor-disks',
    ]);
    expect(objects.flatMap(validateManifest)).toEqual([]);
  });

  test('every workload passes Pod Security "restricted" and namespaces enforce it', () => {
    const objects = loadManifests(path.join(out, 'dist'));
    expect(objects.flatMap(checkPodSecurityRestricted)).toEqual([]);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gitea');
    expect(deployment.spec.template.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(deployment.spec.template.spec.containers[0].securityContext.capabilities.drop).toEqual(['ALL']);
    // every namespace enforces "restricted" but MetalLB's (its speaker needs the host network) and OpenEBS's (storage data planes)
    for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
      expect([ns.metadata.name, ns.metadata.labels['pod-security.kubernetes.io/enforce']]).toEqual([ns.metadata.name, ['metallb-system', 'openebs'].includes(ns.metadata.name) ? 'privileged' : 'restricted']);
    }
  });

  test('the YAML files hold exactly the objects cdk8s resolves, each with its stage\'s ApplySet label', () => {
    for (const chart of lab.k8s.charts) {
      const file = path.join(out, 'dist', k8sFileName(chart));
      const parsed = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
      const id = stageApplySetId(k8sStageOf(chart));
      expect(parsed).toEqual(chartObjects(chart).map((o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [APPLYSET_PART_OF_LABEL]: id } } })));
    }
  });

  test('an app hostname feeds its ingress and certificate; secrets are references', () => {
    const objects = loadManifests(path.join(out, 'dist'));
    const route = objects.find((o) => o.kind === 'IngressRoute' && o.metadata.name === 'whoami');
    expect(route.spec.routes.map((r: any) => r.match)).toEqual(['Host(`whoami.example.org`)']);
    expect(route.spec.tls).toEqual({ secretName: 'whoami-tls' });
    const admin = objects.find((o) => o.kind === 'IngressRoute' && o.metadata.name === 'homepage');
    expect(admin.spec.routes[0].middlewares).toEqual([{ name: 'homepage-signin', namespace: 'homepage' }, { name: 'homepage-auth', namespace: 'homepage' }]);
    const cert = objects.find((o) => o.kind === 'Certificate' && o.metadata.name === 'whoami-tls');
    expect(cert.spec.dnsNames).toEqual(['whoami.example.org']);
    expect(cert.spec.issuerRef).toEqual({ group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' });
    const gitea = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gitea');
    const env = gitea.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'GITEA__security__SECRET_KEY', valueFrom: { secretKeyRef: { key: 'value', name: 'gitea-secret-key' } } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

describe('terraform', () => {
  const stack = () => JSON.parse(fs.readFileSync(path.join(out, 'cdktf.out/stacks/example/cdk.tf.json'), 'utf8'));

  test('state lives at the project root, by a relative path (same bytes in every checkout)', () => {
    expect(stack().terraform.backend).toEqual({ local: { path: '../../../terraform.example.tfstate' } });
  });

  test('manifest.json points cdktf at the stack', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'cdktf.out/manifest.json'), 'utf8'));
    expect(manifest.stacks.example.synthesizedStackPath).toBe('stacks/example/cdk.tf.json');
    expect(manifest.stacks.example.workingDirectory).toBe('stacks/example');
  });

  test('one DNS record per public host, none for internal hosts, no wildcard', () => {
    const records = Object.values(stack().resource.cloudflare_dns_record) as any[];
    expect(records.map((r) => ({ name: r.name, type: r.type, content: r.content, zone_id: r.zone_id }))).toEqual([
      { name: 'dash.example.org', type: 'A', content: '203.0.113.10', zone_id: '0123456789abcdef0123456789abcdef' },
      { name: 'whoami.example.org', type: 'A', content: '203.0.113.10', zone_id: '0123456789abcdef0123456789abcdef' },
    ]);
  });

  test('a private, encrypted B2 bucket, and per backed-up app a lifecycle rule and a key limited to its prefix', () => {
    const s = stack();
    const bucket = s.resource.b2_bucket.BackupBucket;
    expect(bucket.bucket_name).toBe('example-homelab-backups');
    expect(bucket.bucket_type).toBe('allPrivate');
    expect(bucket.default_server_side_encryption).toEqual([{ algorithm: 'AES256', mode: 'SSE-B2' }]);
    expect(bucket.lifecycle_rules).toEqual([
      { days_from_hiding_to_deleting: 30, file_name_prefix: 'files/' },
      { days_from_hiding_to_deleting: 30, file_name_prefix: 'gitea/' },
    ]);
    expect(Object.keys(s.resource.b2_application_key).sort()).toEqual(['BackupKey-files', 'BackupKey-gitea']);
    const key = s.resource.b2_application_key['BackupKey-gitea'];
    expect(key.bucket_ids).toEqual(['${b2_bucket.BackupBucket.bucket_id}']);
    expect(key.name_prefix).toBe('gitea/');
    expect(key.key_name).toBe('example-gitea-restic');
    expect(key.capabilities).toEqual(['listBuckets', 'listFiles', 'readFiles', 'writeFiles']);
    expect(s.output.restic_gitea_b2_key).toMatchObject({ sensitive: true, value: '${b2_application_key.BackupKey-gitea.application_key}' });
    expect(s.output.restic_gitea_b2_key_id).toMatchObject({ sensitive: true, value: '${b2_application_key.BackupKey-gitea.application_key_id}' });
  });

  test('provider credentials are sensitive variables, never literals', () => {
    const s = stack();
    for (const name of ['cloudflare_api_token', 'b2_key_id', 'b2_key']) {
      expect(s.variable[name]).toMatchObject({ sensitive: true, type: 'string' });
    }
    expect(s.provider.cloudflare[0].api_token).toBe('${var.cloudflare_api_token}');
    expect(s.provider.b2[0]).toEqual({ application_key: '${var.b2_key}', application_key_id: '${var.b2_key_id}' });
  });
});

describe('nixos', () => {
  const nixFiles = () => listFiles(path.join(out, 'nixos')).filter((f) => f.endsWith('.nix')).map((f) => path.join(out, 'nixos', f));

  itNix('every .nix file parses with nix-instantiate --parse', () => {
    const files = nixFiles();
    expect(files.length).toBe(6);
    for (const f of files) expect({ f, ...nixParse(f) }).toEqual({ f, status: 0, stderr: '' });
  });

  itNix('host modules evaluate strictly with stub module arguments', () => {
    const olaf = nixEvalModule(path.join(out, 'nixos/hosts/olaf.nix'));
    expect(olaf.stderr).toBe('');
    expect(olaf.status).toBe(0);
    const o = JSON.parse(olaf.stdout);
    expect(o.networking.interfaces.enp0s20f0.ipv4.addresses).toEqual([{ address: '10.0.100.10', prefixLength: 24 }]);
    expect(o.networking.defaultGateway).toEqual({ address: '10.0.100.1', interface: 'enp0s20f0' });
    expect(o.services.k3s).toMatchObject({ enable: true, role: 'server', clusterInit: true, tokenFile: '/run/secrets/k3s-token' });
    expect(o.services.openssh.settings).toEqual({ KbdInteractiveAuthentication: false, PasswordAuthentication: false, PermitRootLogin: 'no' });
    expect(o.networking.firewall.allowedTCPPorts).toEqual([22, 6443, 2379, 2380, 10250]);
    expect(o.users.users.manfred).toMatchObject({ isNormalUser: true, extraGroups: ['wheel'], hashedPasswordFile: '/run/secrets-for-users/admin-password' });
    expect(o.sops.secrets).toEqual({ 'admin-password': { neededForUsers: true }, 'k3s-token': {} });
    // the sops file is the user's, at the project root: the module names the same store path as that file
    expect(o.sops.defaultSopsFile).toBe(JSON.parse(nixEvalStrict(`"\${${path.join(out, USER_SECRETS)}}"`).stdout));
    const ulf = JSON.parse(nixEvalModule(path.join(out, 'nixos/hosts/ulf.nix')).stdout);
    expect(ulf.services.k3s).toMatchObject({ role: 'agent', serverAddr: 'https://10.0.100.10:6443' });
    expect(ulf.services.k3s.clusterInit).toBeUndefined();
    // the platform brings its own Traefik and MetalLB: the server drops k3s's bundled ones, agents have nothing to drop
    expect(o.services.k3s.extraFlags).toEqual(['--node-ip=10.0.100.10', '--node-label=topology.kubernetes.io/zone=home', '--disable=traefik', '--disable=servicelb']);
    // ulf carries a disk of the cStor pool: the engine's node label, derived
    expect(ulf.services.k3s.extraFlags).toEqual(['--node-ip=10.0.100.11', '--node-label=openebs.io/nodegroup=storage-node', '--node-label=topology.kubernetes.io/zone=home']);
    expect(ulf.services.qemuGuest).toEqual({ enable: true });
  });

  itNix('flake.nix and hive.nix evaluate with stub inputs', () => {
    // GIVEN stub flake inputs: nixosSystem returns its arguments, nixpkgs imports to a stub
    const stubDir = tmp('nixstub');
    fs.writeFileSync(path.join(stubDir, 'nixpkgs.nix'), '{ system }: { inherit system; }\n');
    const expr = `let
      flake = import ${path.join(out, 'nixos/flake.nix')};
      nixpkgs = { outPath = ${path.join(stubDir, 'nixpkgs.nix')}; lib.nixosSystem = args: { inherit (args) system; modules = map toString args.modules; }; };
      sops-nix = { nixosModules.sops = "sops-module"; };
      outputs = flake.outputs { self = { }; inherit nixpkgs sops-nix; };
      hive = outputs.colmena;
    in {
      inputs = flake.inputs;
      hosts = builtins.attrNames outputs.nixosConfigurations;
      olaf = outputs.nixosConfigurations.olaf;
      deployment = builtins.mapAttrs (n: v: v.deployment) (removeAttrs hive [ "meta" "defaults" ]);
      meta = hive.meta.nixpkgs;
    }`;
    const file = path.join(stubDir, 'check.nix');
    fs.writeFileSync(file, expr);
    const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.hosts).toEqual(['karl', 'olaf', 'rolf', 'ulf']);
    expect(v.olaf.modules).toEqual(['sops-module', path.join(out, 'nixos/hosts/olaf.nix')]);
    expect(v.inputs.nixpkgs.url).toBe('github:NixOS/nixpkgs/nixos-24.11');
    expect(v.deployment.ulf).toEqual({ targetHost: '10.0.100.11', targetUser: 'manfred', tags: ['home', 'k3s-agent'] });
    expect(v.meta).toEqual({ system: 'x86_64-linux' });
    fs.rmSync(stubDir, { recursive: true });
  });
});

describe('openwrt', () => {
  test('every UCI file round-trips through the UCI parser', () => {
    for (const r of lab.model.routers) {
      for (const pkg of routerPackages(lab.model, r)) {
        const text = fs.readFileSync(path.join(out, 'routers', r.name, 'etc/config', pkg.name), 'utf8');
        expect(parseUci(text, { package: pkg.name })).toEqual(toParsed(pkg));
      }
    }
  });

  test('a VM gets one derived MAC for its DHCP reservation; hosts and internal apps resolve locally', () => {
    const dhcp = parseUci(fs.readFileSync(path.join(out, 'routers/gw/etc/config/dhcp'), 'utf8'));
    const opt = (s: any, name: string) => s.options.find((o: any) => o.name === name)?.values;
    const hosts = dhcp.sections.filter((s) => s.type === 'host').map((s) => [opt(s, 'name')[0], opt(s, 'mac')[0], opt(s, 'ip')[0]]);
    expect(hosts).toEqual([
      ['olaf', '3c:ec:ef:10:00:02', '10.0.100.10'],
      ['ulf', deriveMac('example', 'home', 'ulf'), '10.0.100.11'],
      ['rolf', deriveMac('example', 'home', 'rolf'), '10.0.100.12'],
      ['karl', deriveMac('example', 'home', 'karl'), '10.0.100.13'],
    ]);
    const names = dhcp.sections.filter((s) => s.type === 'domain').map((s) => `${opt(s, 'name')[0]}=${opt(s, 'ip')[0]}`);
    expect(names).toContain('git.home.example.org=10.0.100.240');
    expect(names).not.toContain('whoami.example.org=10.0.100.240');
    const dnsmasq = dhcp.sections.find((s) => s.type === 'dnsmasq')!;
    expect(opt(dnsmasq, 'server')).toEqual(expect.arrayContaining(['/flat.example.org/10.0.1.1', '/1.0.10.in-addr.arpa/10.0.1.1']));
    const flat = parseUci(fs.readFileSync(path.join(out, 'routers/flat-gw/etc/config/dhcp'), 'utf8'));
    const flatDns = flat.sections.find((s) => s.type === 'dnsmasq')!;
    expect(opt(flatDns, 'server')).toEqual(expect.arrayContaining(['/home.example.org/10.0.100.1', '/100.0.10.in-addr.arpa/10.0.100.1']));
  });

  test('public ports forward to the cluster ingress only at the cluster site', () => {
    const fw = parseUci(fs.readFileSync(path.join(out, 'routers/gw/etc/config/firewall'), 'utf8'));
    const redirects = fw.sections.filter((s) => s.type === 'redirect').map((s) => Object.fromEntries(s.options.map((o) => [o.name, o.values[0]])));
    expect(redirects.map((r) => `${r.src_dport}->${r.dest_ip}:${r.dest_port}`)).toEqual(['80->10.0.100.240:80', '443->10.0.100.240:443']);
    const flatFw = parseUci(fs.readFileSync(path.join(out, 'routers/flat-gw/etc/config/firewall'), 'utf8'));
    expect(flatFw.sections.filter((s) => s.type === 'redirect')).toEqual([]);
  });

  test('deploy.sh is valid sh and fills secrets only at deploy time, escaped', () => {
    const dir = path.join(out, 'routers/gw');
    expect(spawnSync('sh', ['-n', path.join(dir, 'deploy.sh')]).status).toBe(0);
    const wireless = fs.readFileSync(path.join(dir, 'etc/config/wireless'), 'utf8');
    expect(wireless).toContain("option key '@@HOMELAB_SECRET:wifi-psk@@'");
    // WHEN the fill step runs with a hostile secret value
    const secret = "it's a \"secret\" $HOME ${x} \\ ;";
    const filled = spawnSync('awk', ['-f', path.join(dir, 'fill-secrets.awk'), path.join(dir, 'etc/config/wireless')], { encoding: 'utf8', env: { ...process.env, HOMELAB_SECRET_WIFI_PSK: secret } });
    // THEN the filled file parses back to the exact value
    expect(filled.status).toBe(0);
    const iface = parseUci(filled.stdout).sections.find((s) => s.type === 'wifi-iface')!;
    expect(iface.options.find((o) => o.name === 'key')!.values).toEqual([secret]);
    // AND a missing secret fails loudly
    const env = { ...process.env };
    delete env.HOMELAB_SECRET_WIFI_PSK;
    const missing = spawnSync('awk', ['-f', path.join(dir, 'fill-secrets.awk'), path.join(dir, 'etc/config/wireless')], { encoding: 'utf8', env });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('HOMELAB_SECRET_WIFI_PSK');
  });
});

describe('command line', () => {
  const cli = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), ...args], { cwd, encoding: 'utf8' });

  test('synth writes the outputs and exits 0, the same bytes from any working directory', () => {
    // GIVEN a run from another directory than the in-process synth of beforeAll
    const dir = tmp('cli');
    const r = cli(['synth', '--app', path.join(ROOT, 'apps/main.ts'), '--out', dir], os.tmpdir());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(treeHash(dir)).toEqual(treeHash(out, (f) => f === USER_SECRETS));
    fs.rmSync(dir, { recursive: true });
  });

  test('fails with exit 2 on usage errors', () => {
    expect(cli(['synth', '--bogus']).status).toBe(2);
    expect(cli(['deploy']).status).toBe(2);
    expect(cli(['synth', '--app']).status).toBe(2);
    expect(cli(['synth', '--app', 'no/such/app.ts']).status).toBe(2);
  });

  test('fails with exit 1 on a broken app, lists every problem, and leaves previous outputs untouched', () => {
    // GIVEN previous outputs and an app with two mistakes
    const dir = tmp('broken');
    expect(cli(['synth', '--out', dir]).status).toBe(0);
    const before = treeHash(dir);
    const app = path.join(dir, 'broken.ts');
    fs.writeFileSync(app, `import { Homelab } from ${JSON.stringify(path.join(ROOT, 'lib'))};
import { inventory } from ${JSON.stringify(path.join(ROOT, 'apps/inventory'))};
const sites = inventory.sites.map((s) => s.name !== 'home' ? s : { ...s, hosts: s.hosts!.map((h) => h.name === 'olaf' ? { ...h, ip: '10.0.9.5' } : { ...h, name: 'olaf' }) });
new Homelab({ inventory: { ...inventory, sites, apps: [...inventory.apps!, { name: 'bad', image: 'nginx', port: 0 }] } }).synth();
`);
    // WHEN
    const r = cli(['synth', '--app', app, '--out', dir]);
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[inventory.sites[home].hosts[olaf]] Host.ip: outside network lan 10.0.100.0/24 (got "10.0.9.5"); use a host address inside it');
    expect(r.stderr).toMatch(/\[inventory\.sites\[home\]\.hosts\[olaf\]\] Host\.name: duplicate hostname/);
    expect(r.stderr).toMatch(/\[inventory\.apps\[bad\]\] App\.image: not a pinned image reference \(got "nginx"\)/);
    expect(r.stderr).toMatch(/\[inventory\.apps\[bad\]\] App\.port: not a TCP port \(got 0\); integer 1-65535/);
    fs.rmSync(app);
    expect(treeHash(dir)).toEqual(before);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('secrets', () => {
  test('no secret value reaches any output (canaries in every place a user keeps secrets)', () => {
    // GIVEN canary values in the environment (deploy-time and Terraform variables) and in secret files
    const canaries: Record<string, string> = {};
    for (const s of inventory.secrets!) canaries[s.name] = `CANARY-${s.name}-${crypto.randomBytes(8).toString('hex')}`;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(canaries)) {
      env[`HOMELAB_SECRET_${name.toUpperCase().replace(/-/g, '_')}`] = value;
      env[`TF_VAR_${name.replace(/-/g, '_')}`] = value;
    }
    const dir = tmp('canary');
    fs.mkdirSync(path.join(dir, 'secrets'));
    fs.writeFileSync(path.join(dir, 'secrets/plain.yaml'), Object.entries(canaries).map(([k, v]) => `${k}: ${v}\n`).join(''));
    fs.writeFileSync(path.join(dir, '.env'), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
    // WHEN synth runs with all of them present
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), 'synth', '--app', path.join(ROOT, 'apps/main.ts'), '--out', dir], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.status).toBe(0);
    // THEN no output file contains any canary
    const outputs = listFiles(dir).filter((f) => /^(dist|cdktf\.out|nixos|routers)\//.test(f));
    expect(outputs.length).toBeGreaterThan(20);
    const leaks = outputs.flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return Object.values(canaries).filter((c) => text.includes(c)).map((c) => `${f}: ${c}`);
    });
    expect(leaks).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});

test('nix-instantiate availability is reported', () => {
  // visible record of whether the real-parser checks ran here
  console.info(`nix-instantiate ${hasTool('nix-instantiate') ? 'present: Nix checks ran' : 'missing: Nix checks skipped'}`);
  expect(typeof hasTool('nix-instantiate')).toBe('boolean');
});

describe('construct validation', () => {
  test('fails with every construct problem at once, each with its construct path, and writes nothing', () => {
    // GIVEN a user chart and a Terraform construct that each report a problem
    const bad = new Homelab({ inventory });
    const chart = new (require('cdk8s').Chart)(bad.k8s, 'user-chart');
    chart.node.addValidation({ validate: () => ['replicas must be odd'] });
    bad.stack.node.addValidation({ validate: () => ['needs a remote backend'] });
    const dir = tmp('invalid');
    // WHEN
    let error: any;
    try { bad.synth({ outdir: dir }); } catch (e) { error = e; }
    // THEN
    expect(error?.isHomelabValidationError).toBe(true);
    // (in tree order: the homelab's stack was built before the user's chart)
    expect(error.problems.map((p: any) => [p.constructPath, p.problem])).toEqual([
      ['example', 'needs a remote backend'],
      ['user-chart', 'replicas must be odd'],
    ]);
    expect(listFiles(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });
});
