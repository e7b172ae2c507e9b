/**
 * The standalone examples (`examples/<name>/`), as another repo would use the library:
 * the package is built and packed (`npm pack`), the tarball is installed into a temporary
 * copy of each example, and each example is synthesized by its own CLI configuration.
 * Outputs go through our checks: Kubernetes schemas with unknown fields rejected (CRDs
 * included) and Pod Security "restricted", Terraform attributes against the provider docs,
 * NixOS modules through nix-instantiate.
 *
 * Offline: the tarball is unpacked into `node_modules/homelab-cdk` (what `npm install
 * ../../homelab-cdk-<v>.tgz` does) and every other dependency is linked from this repo's
 * node_modules, so nothing is fetched. The cdktf CLI is not a dependency of this repo: where
 * an example would run `cdktf synth`, the test runs the app command of its `cdktf.json`
 * (`npx tsx main.ts`), which is what `cdktf synth` itself runs.
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkPodSecurityRestricted, loadManifests, validateManifest } from './helpers/k8s-validate';
import { nixEvalModule, nixParse } from './helpers/nix';
import { bodies, docFor, missingRequired, undocumentedKeys } from './helpers/terraform-docs';
import { hasTool } from './helpers/tools';
import { treeHash } from './helpers/tree';

const ROOT = path.join(__dirname, '..');
const NODE_MODULES = fs.realpathSync(path.join(ROOT, 'node_modules'));
const EXAMPLES = ['oauth-ingress', 'restic-postgres', 'nixos-vms'];
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

let tmp: string;
const exampleDir = (name: string) => path.join(tmp, 'examples', name);

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const options: ExecFileSyncOptions = { cwd, env: { ...process.env, ...env, HOMELAB_DEBUG: undefined }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 90_000 };
  try {
    return execFileSync(cmd, args, options) as unknown as string;
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`);
  }
}

/** The app command of the example's cdktf.json, as `cdktf synth` would run it. */
function cdktfSynth(dir: string): void {
  const app: string = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')).app;
  const [cmd, ...args] = app.split(' ');
  run(cmd, args, dir, { CDKTF_OUTDIR: path.join(dir, 'cdktf.out') });
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-examples-'));
  // GIVEN the package, built from this checkout and packed as npm publishes it
  const src = path.join(tmp, 'package');
  fs.mkdirSync(src);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) fs.copyFileSync(path.join(ROOT, f), path.join(src, f));
  for (const d of pkg.files as string[]) if (d !== 'build') fs.cpSync(path.join(ROOT, d), path.join(src, d), { recursive: true });
  fs.symlinkSync(NODE_MODULES, path.join(src, 'node_modules'));
  run(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], src);
  const out = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], src).trim().split('\n').pop()!;
  const tarball = path.join(tmp, out);
  expect(fs.existsSync(tarball)).toBe(true);
  // AND a copy of each example with the tarball installed
  for (const name of EXAMPLES) {
    const dir = exampleDir(name);
    fs.cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
    const deps = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(deps.dependencies['homelab-cdk']).toBe(`file:../../${out}`);
    install(tarball, dir);
  }
  // AND a homelab project of its own: the reference inventory, importing homelab-cdk by its name
  const lab = path.join(tmp, 'mylab');
  fs.mkdirSync(lab);
  install(tarball, lab);
  const inventory = fs.readFileSync(path.join(ROOT, 'apps', 'inventory.ts'), 'utf8');
  expect(inventory).toContain("from '../lib';");
  fs.writeFileSync(path.join(lab, 'inventory.ts'), inventory.replace("from '../lib';", "from 'homelab-cdk';"));
  fs.copyFileSync(path.join(ROOT, 'storage.lock.json'), path.join(lab, 'storage.lock.json'));
  fs.writeFileSync(path.join(lab, 'homelab.ts'), [
    "import * as path from 'path';",
    "import { Homelab } from 'homelab-cdk';",
    "import { inventory } from './inventory';",
    '',
    "new Homelab({ inventory, storageLockFile: path.join(__dirname, 'storage.lock.json') }).synth();",
    '',
  ].join('\n'));
}, 110_000);

/** What `npm install <tarball>` does, offline: the package unpacked, every other dependency linked from ours. */
function install(tarball: string, dir: string): void {
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(nm, 'homelab-cdk'), { recursive: true });
  run('tar', ['-xzf', tarball, '-C', path.join(nm, 'homelab-cdk'), '--strip-components=1'], dir);
  for (const entry of fs.readdirSync(NODE_MODULES)) {
    if (entry !== 'homelab-cdk') fs.symlinkSync(path.join(NODE_MODULES, entry), path.join(nm, entry));
  }
}

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every problem of the manifests in `dist/`: schema (CRDs too) and Pod Security "restricted". */
function k8sProblems(dir: string): { objects: any[]; problems: string[] } {
  const objects = loadManifests(path.join(dir, 'dist'));
  return { objects, problems: [...objects.flatMap(validateManifest), ...objects.flatMap(checkPodSecurityRestricted)] };
}

/** Every Terraform body checked against the provider docs. */
function terraformProblems(stackJson: any): string[] {
  return bodies(stackJson).flatMap((b) => [...undocumentedKeys(docFor(b.docKey), b.body), ...missingRequired(docFor(b.docKey), b.body)
    .filter((m) => !(b.docKey === 'provider.proxmox' && /^(username|password):/.test(m) && 'api_token' in b.body))].map((m) => `${b.label}: ${m}`));
}

describe('examples, installed from the packed library', () => {
  test('the package ships build/index.d.ts exporting the constructs, their props and the reference interfaces; no props mention the model', () => {
    const installed = path.join(exampleDir('oauth-ingress'), 'node_modules', 'homelab-cdk');
    expect(fs.existsSync(path.join(installed, pkg.main))).toBe(true);
    // the declarations index.d.ts reaches, by following its `export * from` lines
    const seen = new Set<string>();
    const texts: Record<string, string> = {};
    const visit = (file: string) => {
      if (seen.has(file) || !fs.existsSync(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, 'utf8');
      texts[path.relative(path.join(installed, 'build'), file)] = text;
      for (const m of text.matchAll(/export (?:\*|\{[^}]*\}) from '(\.[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        visit(fs.existsSync(`${target}.d.ts`) ? `${target}.d.ts` : path.join(target, 'index.d.ts'));
      }
    };
    visit(path.join(installed, pkg.types));
    const all = Object.values(texts).join('\n');
    const declared = (kind: string, name: string) => new RegExp(`export declare ${kind} ${name}\\b|export ${kind} ${name}\\b`).test(all);
    for (const c of ['OAuthIngress', 'ClusterApp', 'ResticBackedApp', 'ResticB2Bucket', 'OpenEBSPool', 'NixHostVM', 'CertIssuer', 'OAuth2Proxy', 'ResticRepository', 'Homelab']) expect([c, declared('class', c)]).toEqual([c, true]);
    for (const i of ['OAuthIngressProps', 'ClusterAppProps', 'ResticBackedAppProps', 'ResticB2BucketProps', 'OpenEBSPoolProps', 'NixHostVMProps', 'ICertIssuer', 'IOAuth2Proxy', 'IResticRepository', 'IOpenEBSPool']) {
      expect([i, declared('interface', i)]).toEqual([i, true]);
    }
    // the constructs' declarations name no model type (Resolved*, the inventory's *Spec, Model)
    for (const [file, text] of Object.entries(texts).filter(([f]) => f.startsWith('constructs/'))) {
      expect([file, text.match(/\b(Resolved\w+|Model|Inventory|\w+Spec)\b/g) ?? []]).toEqual([file, []]);
    }
  });

  test('the examples typecheck against build/index.d.ts of the package', () => {
    // GIVEN a consumer tsconfig over the three examples, resolving homelab-cdk to the installed package
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', esModuleInterop: true, skipLibCheck: true, types: ['node'], typeRoots: [path.join(NODE_MODULES, '@types')] },
      files: EXAMPLES.map((n) => path.join(exampleDir(n), 'main.ts')),
    };
    fs.writeFileSync(path.join(tmp, 'examples', 'tsconfig.json'), JSON.stringify(tsconfig));
    // WHEN compiled THEN no error (each main.ts resolves its imports from its own node_modules)
    run(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '-p', path.join(tmp, 'examples', 'tsconfig.json')], path.join(tmp, 'examples'));
  }, 60_000);

  test('oauth-ingress: `cdk8s synth` writes an IngressRoute, two Middlewares and a Certificate in front of the kplus Deployment', () => {
    const dir = exampleDir('oauth-ingress');
    run(path.join(dir, 'node_modules', '.bin', 'cdk8s'), ['synth'], dir);
    const { objects, problems } = k8sProblems(dir);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Certificate/grafana-tls', 'Deployment/grafana', 'IngressRoute/grafana', 'Middleware/grafana-auth', 'Middleware/grafana-signin', 'Service/grafana',
    ]);
    const route = objects.find((o) => o.kind === 'IngressRoute');
    expect(route.spec.routes[0].services).toEqual([{ kind: 'Service', name: 'grafana', port: 80 }]);
    expect(route.spec.routes[1].services).toEqual([{ kind: 'Service', name: 'oauth2-proxy', namespace: 'auth', port: 4180 }]);
    expect(problems).toEqual([]);
  }, 60_000);

  test('restic-postgres: `cdk8s synth` and the cdktf app give the app, its backups and the B2 side, meeting in one repository', () => {
    const dir = exampleDir('restic-postgres');
    run(path.join(dir, 'node_modules', '.bin', 'cdk8s'), ['synth'], dir);
    cdktfSynth(dir);
    const { objects, problems } = k8sProblems(dir);
    expect(problems).toEqual([]);
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment/wiki', 'StatefulSet/wiki-db', 'CronJob/wiki-backup', 'CronJob/wiki-backup-check', 'IngressRoute/wiki', 'Certificate/wiki-tls']));
    const backup = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'wiki-backup');
    const env = backup.spec.jobTemplate.spec.template.spec.initContainers.find((c: any) => c.name === 'backup').env;
    const value = (n: string) => env.find((e: any) => e.name === n);
    expect(value('RESTIC_REPOSITORY').value).toBe('s3:https://s3.eu-central-003.backblazeb2.com/example-wiki-backups/wiki');
    expect(value('AWS_ACCESS_KEY_ID').valueFrom.secretKeyRef.name).toBe('wiki-b2-key-id');
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'backups', 'cdk.tf.json'), 'utf8'));
    expect(terraformProblems(stack)).toEqual([]);
    const [key] = Object.values<any>(stack.resource.b2_application_key);
    expect(key.name_prefix).toBe('wiki/');
    expect(Object.values<any>(stack.resource.b2_bucket)[0].lifecycle_rules).toEqual([{ file_name_prefix: 'wiki/', days_from_hiding_to_deleting: 30 }]);
    expect(stack.output.restic_wiki_b2_key_id).toMatchObject({ sensitive: true });
  }, 90_000);

  test('nixos-vms: the cdktf app gives two VMs and their NixOS modules, which nix-instantiate reads', () => {
    const dir = exampleDir('nixos-vms');
    cdktfSynth(dir);
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', 'vms', 'cdk.tf.json'), 'utf8'));
    expect(terraformProblems(stack)).toEqual([]);
    expect(Object.values<any>(stack.resource.proxmox_virtual_environment_vm).map((v) => v.name).sort()).toEqual(['db', 'web']);
    const files = fs.readdirSync(path.join(dir, 'nixos')).sort();
    expect(files).toEqual(['db.nix', 'web.nix']);
    if (!hasTool('nix-instantiate')) {
      if (process.env.HOMELAB_REQUIRE_TOOLS) throw new Error('nix-instantiate is required');
      console.warn('SKIPPED: nix-instantiate is not installed; the modules were not evaluated');
      return;
    }
    for (const f of files) {
      const file = path.join(dir, 'nixos', f);
      expect(nixParse(file).stderr).toBe('');
      const r = nixEvalModule(file);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout).networking.hostName).toBe(f.replace(/\.nix$/, ''));
    }
  }, 60_000);
});

describe('a homelab program in another repo, importing homelab-cdk from the installed package', () => {
  const lab = () => path.join(tmp, 'mylab');
  const golden = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'golden', 'reference-tree.json'), 'utf8'));

  test('`npx homelab synth` (the installed command) writes the reference homelab, byte for byte, and `npx homelab plan` reads it', () => {
    // GIVEN the project, whose program imports homelab-cdk by its package name
    const bin = path.join(lab(), 'node_modules', 'homelab-cdk', 'bin', 'homelab.js');
    // WHEN the installed command runs it, as `npx homelab synth --app homelab.ts` does
    const said = run(process.execPath, [bin, 'synth', '--app', 'homelab.ts', '--out', 'out'], lab());
    // THEN the four outputs are the reference homelab's
    expect(said).toContain('homelab: wrote dist/, cdktf.out/, nixos/, routers/');
    expect(treeHash(path.join(lab(), 'out'))).toEqual(golden());
    // AND the other commands read the same program's model
    expect(run(process.execPath, [bin, 'plan', '--app', 'homelab.ts'], lab())).toMatch(/^homelab example: bring-up from nothing\n/);
  });

  test('this checkout\'s command, with the program on the installed copy of the library, writes the same bytes', () => {
    // GIVEN the same program: its homelab-cdk is the installed package, the command's is this checkout (another copy)
    // WHEN this checkout's command runs it
    run(process.execPath, [path.join(ROOT, 'bin', 'homelab.js'), 'synth', '--app', 'homelab.ts', '--out', 'out2'], lab());
    // THEN the program handed its Homelab over across the two copies, and the outputs are the same
    expect(treeHash(path.join(lab(), 'out2'))).toEqual(golden());
  });
});
