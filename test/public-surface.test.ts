/**
 * The package's public surface, as another repo sees it: `lib/index.ts` built with
 * tsconfig.build.json (declarations with `@internal` stripped) and package.json's `exports`
 * map, installed as `node_modules/homelab-cdk`. A consumer program
 * (`test/fixtures/consumer/main.ts`) that uses every exported construct and interface, and
 * implements `IVmImageSource` from the root, is compiled against the declarations (strict,
 * library checks on, node16 resolution through the `exports` map) and run.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const NODE_MODULES = fs.realpathSync(path.join(ROOT, 'node_modules'));

/** What `import … from 'homelab-cdk'` gives at run time: the L3, the L2s, the three L1 namespaces. */
const VALUES = [
  'CertIssuer', 'ClusterApp', 'Homelab', 'HomelabOutputError', 'HomelabProblem', 'HomelabValidationError', 'IngressRouting', 'NixHostVM',
  'OAuth2Proxy', 'OAuthIngress', 'OpenEBSPool', 'ResticB2Bucket', 'ResticBackedApp', 'ResticRepository', 'RestrictedPodSecurityResolver',
  'nix', 'providers', 'readPlans', 'uci',
];

/** The types besides: props, references, the inventory's types, and what `Homelab`'s members are. */
const TYPES = [
  // L3
  'HomelabProps', 'SynthOptions', 'ReadPlansOptions', 'IVmImageSource', 'VmImageDownload', 'HomelabStack',
  'PlatformCharts', 'PlatformConfig', 'PlatformCrds', 'PlatformServices',
  // the inventory
  'AdminAccessSpec', 'AdminSpec', 'AppBackupSpec', 'AppSpec', 'BackupSpec', 'BootstrapSpec', 'ClusterSpec', 'DatabaseEngine', 'DatabaseSpec',
  'DhcpRangeSpec', 'DnsSpec', 'HostKind', 'HostSpec', 'IngressSpec', 'Inventory', 'K3sContainerSpec', 'K3sRole', 'NetworkSpec', 'NixSpec',
  'OAuthSpec', 'PlatformSpec', 'PoolLayout', 'ProxmoxNodeSpec', 'ProxmoxSpec', 'QuiesceSpec', 'RadioBand', 'RadioSpec', 'RetentionSpec',
  'RouterPortSpec', 'RouterSpec', 'RouterWireguardSpec', 'SecretSpec', 'SiteSpec', 'StateBackendSpec', 'StorageEngine', 'StoragePoolSpec',
  'VmNumaSpec', 'VmSpec', 'VmSystemDiskSpec', 'VolumeSpec', 'WifiSpec', 'WireguardMeshSpec',
  // L2 props and references
  'AppDatabase', 'AppIngressOptions', 'AppVolume', 'ClusterAppProps',
  'BackupQuiesce', 'IResticRepository', 'ResticBackedAppProps', 'ResticRepositoryAttributes', 'ResticRetention', 'RestoreJobOptions',
  'ResticB2BucketProps', 'ResticB2Repository', 'ResticB2RepositoryOptions',
  'ICertIssuer', 'IOAuth2Proxy', 'OAuthForwardAuth', 'OAuthIngressProps',
  'IOpenEBSPool', 'OpenEBSPoolNode', 'OpenEBSPoolProps', 'LockedDisk', 'StorageLock',
  'NixHostVMAdmin', 'NixHostVMNuma', 'NixHostVMProps',
];

let tmp: string;
let pkgDir: string;
let consumerDir: string;
/** The consumer and every .d.ts the package ships, compiled and emitted: its errors. */
let compileErrors: string[];

function tsc(args: string[], cwd: string): void {
  execFileSync(process.execPath, [path.join(NODE_MODULES, 'typescript', 'bin', 'tsc'), ...args], { cwd, stdio: 'pipe', timeout: 120_000 });
}

/** A program over `files` as a consumer compiles it: strict, library checks on, node16 resolution. */
function consumerProgram(files: string[]): ts.Program {
  return ts.createProgram(files, {
    strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true, skipLibCheck: false, types: ['node'], typeRoots: [path.join(NODE_MODULES, '@types')],
    outDir: path.join(consumerDir, 'out'), rootDir: consumerDir,
  });
}

const format = (diagnostics: readonly ts.Diagnostic[]) => diagnostics.map((d) => {
  const where = d.file ? `${path.relative(tmp, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : '';
  return `${where}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
});

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-surface-'));
  // GIVEN the library built as `npm run build` builds it, installed with its package.json
  const nm = path.join(tmp, 'node_modules');
  pkgDir = path.join(nm, 'homelab-cdk');
  fs.mkdirSync(pkgDir, { recursive: true });
  tsc(['-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(pkgDir, 'build')], ROOT);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkgDir, 'package.json'));
  for (const entry of fs.readdirSync(NODE_MODULES)) {
    if (entry !== 'homelab-cdk' && !entry.startsWith('.')) fs.symlinkSync(path.join(NODE_MODULES, entry), path.join(nm, entry));
  }
  // AND a consumer project next to it
  consumerDir = path.join(tmp, 'consumer');
  fs.mkdirSync(consumerDir);
  fs.writeFileSync(path.join(consumerDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  fs.copyFileSync(path.join(__dirname, 'fixtures', 'consumer', 'main.ts'), path.join(consumerDir, 'main.ts'));
  // WHEN the consumer is compiled with every .d.ts the package ships (a stripped @internal name still referenced would fail)
  const declarations = fs.readdirSync(path.join(pkgDir, 'build'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.d.ts')).map((f) => path.join(pkgDir, 'build', f));
  const program = consumerProgram([path.join(consumerDir, 'main.ts'), ...declarations]);
  const emitted = program.emit();
  compileErrors = format([...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]);
}, 180_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the public surface, from the built package', () => {
  test('the consumer compiles against the declarations, with every declaration file of the package checked', () => {
    // (compiled in beforeAll) THEN no errors
    expect(compileErrors).toEqual([]);
  });

  test('the package root exports exactly the curated names', () => {
    // GIVEN the consumer's view of the module `homelab-cdk`
    const program = consumerProgram([path.join(consumerDir, 'main.ts')]);
    const checker = program.getTypeChecker();
    const main = program.getSourceFile(path.join(consumerDir, 'main.ts'))!;
    const spec = main.statements.filter(ts.isImportDeclaration).find((d) => (d.moduleSpecifier as ts.StringLiteral).text === 'homelab-cdk')!.moduleSpecifier;
    const root = checker.getSymbolAtLocation(spec)!;

    // WHEN its exports are listed
    const names = checker.getExportsOfModule(root).map((s) => s.name).sort();

    // THEN they are the values and types above, and nothing else
    expect(names).toEqual([...VALUES, ...TYPES].sort());
    // AND at run time, through the `exports` map's `require` condition, exactly the values
    const keys = execFileSync(process.execPath, ['-e', "console.log(JSON.stringify(Object.keys(require('homelab-cdk')).filter((k) => k !== '__esModule').sort()))"],
      { cwd: consumerDir, encoding: 'utf8' });
    expect(JSON.parse(keys)).toEqual([...VALUES].sort());
  }, 120_000);

  test('the declarations hold nothing marked @internal (Homelab.model, the props mappers, the constructs\' helpers)', () => {
    const declarations = fs.readdirSync(path.join(pkgDir, 'build'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'));
    const marked = declarations.filter((f) => fs.readFileSync(path.join(pkgDir, 'build', f), 'utf8').includes('@internal'));
    expect(marked).toEqual([]);
    const homelab = fs.readFileSync(path.join(pkgDir, 'build', 'homelab', 'homelab.d.ts'), 'utf8');
    expect(homelab).not.toMatch(/\bmodel\b\s*:|renderHostFiles|applyOrder|applyPlan/);
    expect(fs.readFileSync(path.join(pkgDir, 'build', 'homelab', 'props.d.ts'), 'utf8')).not.toMatch(/nixHostVMProps|clusterAppProps|Resolved/);
  });

  test('fails to import any other path of the package, in TypeScript and at run time', () => {
    // GIVEN a consumer reaching into the package past its root
    const deep = path.join(consumerDir, 'deep.ts');
    fs.writeFileSync(deep, "import { deriveModel } from 'homelab-cdk/build/model/derive';\nexport const f = deriveModel;\n");
    // WHEN compiled THEN the module is not found (the exports map has no such path)
    const codes = ts.getPreEmitDiagnostics(consumerProgram([deep])).map((d) => d.code);
    expect(codes).toContain(2307);
    // AND node refuses it
    let error = '';
    try {
      execFileSync(process.execPath, ['-e', "require('homelab-cdk/build/model/derive')"], { cwd: consumerDir, stdio: 'pipe' });
    } catch (e: any) {
      error = String(e.stderr);
    }
    expect(error).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    // AND package.json stays readable (tools read a package's version through it)
    expect(execFileSync(process.execPath, ['-e', "console.log(require('homelab-cdk/package.json').name)"], { cwd: consumerDir, encoding: 'utf8' }).trim()).toBe('homelab-cdk');
  });

  test('the consumer runs: constructs, its own IVmImageSource, the L1 namespaces and Homelab from plans', () => {
    // GIVEN the compiled consumer
    const main = path.join(consumerDir, 'out', 'main.js');
    expect(fs.existsSync(main)).toBe(true);

    // WHEN run
    const out = execFileSync(process.execPath, [main], {
      cwd: consumerDir,
      encoding: 'utf8',
      env: { ...process.env, CONSUMER_PLANS: path.join(ROOT, 'examples', 'plans'), CONSUMER_OUT: path.join(tmp, 'out'), CONSUMER_TF_OUT: path.join(tmp, 'cdktf.out') },
      timeout: 90_000,
    });
    const r = JSON.parse(out);

    // THEN what it built is there
    expect(r.charts).toEqual(expect.arrayContaining(['grafana', 'storage', 'whoami', 'wiki', 'files', 'restore']));
    expect(r.pool).toBe('fast');
    expect(r.wiki[0]).toBe('s3:https://s3.eu-central-003.backblazeb2.com/consumer-backups/wiki');
    expect(r.vms.map((v: string[]) => v[0])).toEqual(['web.example.org', 'db.example.org']);
    expect(r.nixHostName).toBe(true);
    expect(r.problems).toEqual(['lab/tiny NixHostVM.vmId', 'lab/tiny NixHostVM.memoryMiB']);
    expect(r.uci).toEqual(['system']);
    expect(r.lab).toEqual(['homelab', 'function', 0, true]);
    // AND the VMs share the one image our IVmImageSource downloaded, and the VM's id is referenced
    const stack = JSON.parse(fs.readFileSync(path.join(tmp, 'cdktf.out', 'stacks', 'lab', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(stack.resource.proxmox_virtual_environment_download_file)).toEqual(['image-pve1']);
    const importFrom = Object.values<any>(stack.resource.proxmox_virtual_environment_vm).map((v) => v.disk[0].import_from);
    expect(new Set(importFrom)).toEqual(new Set(['${proxmox_virtual_environment_download_file.image-pve1.id}']));
    expect(stack.output.web_id.value).toMatch(/^\$\{proxmox_virtual_environment_vm\.web_Vm_[0-9A-F]+\.id\}$/);
  }, 120_000);
});
