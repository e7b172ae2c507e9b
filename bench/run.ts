/**
 * Benchmark: ours (Homelab.synth, all four outputs) against plain cdk8s,
 * plain cdktf and the serialization floors, for generated homelabs of
 * N = 10, 100, 1000 apps + hosts and for the reference homelab.
 *
 *   npx tsx bench/run.ts [--sizes=ref,10,100,1000] [--reps=3] [--no-cli] [--no-commands] [--tmp=DIR]
 *
 * Then the other commands (bench/commands.ts): `router diff` at 1k, 16k and 64k sections and
 * `synth --plans` at 100, 1k and 10k hosts, with their growth targets.
 *
 * Outputs go to temporary directories under --tmp (default: /dev/shm when it
 * is a writable tmpfs, else the OS temp dir), removed at the end. On a tmpfs
 * the numbers measure our code, not the disk; pass --tmp=/tmp to include it.
 *
 * Every measured case runs in its own `node -r tsx/cjs bench/child.ts`
 * process (see child.ts); this parent only spawns, collects and prints.
 * Progress goes to stderr, the report (markdown) to stdout.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { ChildResult, Span } from './child';

const ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'child.ts');
const PROBE = path.join(__dirname, 'rss-probe.cjs');

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as [string, string]; }));
const SIZES = (args.get('sizes') ?? 'ref,10,100,1000').split(',');
const REPS = Number(args.get('reps') ?? 3);
const BIG = 1000;

type CaseName = 'ours' | 'ours-phases' | 'cdk8s-per-app' | 'cdk8s-one-chart' | 'cdktf' | 'cdktf-nost' | 'floor-yaml' | 'floor-json' | 'load';
/** repeat: 'always' = REPS runs at every N; 'small' = REPS runs below N=1000, one at 1000; 'once' = one run. */
const CASES: { name: CaseName; label: string; repeat: 'always' | 'small' | 'once' }[] = [
  { name: 'ours', label: '1 ours: Homelab.synth (k8s+tf+nix+uci)', repeat: 'always' },
  { name: 'ours-phases', label: '1b ours, step by step (phases)', repeat: 'small' },
  { name: 'cdk8s-per-app', label: '2 cdk8s, chart per app', repeat: 'once' },
  { name: 'cdk8s-one-chart', label: '3 cdk8s, one chart', repeat: 'once' },
  { name: 'cdktf', label: '4 cdktf (default: stack traces)', repeat: 'once' },
  { name: 'cdktf-nost', label: '4b cdktf, stackTraces:false', repeat: 'once' },
  { name: 'floor-yaml', label: '5a floor: minimal YAML writer', repeat: 'small' },
  { name: 'floor-json', label: '5b floor: JSON.stringify', repeat: 'small' },
];

interface Run { result?: ChildResult; procMs: number; error?: string }

const log = (s: string) => process.stderr.write(s);

/** File system type of the mount holding `dir` (from /proc/mounts), if known. */
function fsTypeOf(dir: string): string | undefined {
  try {
    const real = fs.realpathSync(dir);
    let best: [string, string] | undefined;
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mnt, type] = line.split(' ');
      if (mnt && (real === mnt || real.startsWith(mnt.endsWith('/') ? mnt : mnt + '/')) && (!best || mnt.length > best[0].length)) best = [mnt, type];
    }
    return best?.[1];
  } catch {
    return undefined;
  }
}
function defaultTmp(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    if (fsTypeOf('/dev/shm') === 'tmpfs') return '/dev/shm';
  } catch { /* no /dev/shm */ }
  return os.tmpdir();
}
const TMP_BASE = path.resolve(args.get('tmp') ?? defaultTmp());
const tmpRoot = fs.mkdtempSync(path.join(TMP_BASE, 'homelab-bench-'));

/** Cost of creating and writing one 6 KB file in the output file system (µs), for reading the write phases. */
function fileWriteCost(): number {
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'fscost-'));
  const body = 'x'.repeat(6000);
  const t = performance.now();
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, `f${i}.yaml`), body);
  const us = ((performance.now() - t) / 200) * 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  return us;
}
const WRITE_US = fileWriteCost();
const benchStart = performance.now();
const load0 = os.loadavg();

/** Busy CPU ticks of the whole machine, and of this process plus its waited-for children (Linux /proc; 100 ticks/s). */
function cpuTicks(): { machine: number; ours: number } | undefined {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const self = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = self.slice(self.lastIndexOf(')') + 2).split(' ').map(Number); // f[0] is field 3 (state)
    return { machine: user + nice + system + irq + softirq + steal, ours: f[11] + f[12] + f[13] + f[14] };
  } catch {
    return undefined;
  }
}
const ticks0 = cpuTicks();

function spawnChild(c: CaseName, inv: string, outdir: string, dump?: string): Run {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', CHILD, c, inv, outdir, ...(dump ? [dump] : [])], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  const procMs = performance.now() - t;
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (r.status !== 0 || !line) return { procMs, error: `${c} ${inv}: exit ${r.status}\n${(r.stderr ?? '').split('\n').slice(0, 12).join('\n')}` };
  return { result: JSON.parse(line.slice('BENCH_RESULT '.length)), procMs };
}

const work = (r: ChildResult): Span => ({ wallMs: r.build.wallMs + r.synth.wallMs, cpuMs: r.build.cpuMs + r.synth.cpuMs });
const total = (r: ChildResult): Span => ({ wallMs: r.load.wallMs + work(r).wallMs, cpuMs: r.load.cpuMs + work(r).cpuMs });

/** Runs a case `reps` times (fresh process each), returns the run with the median work wall time. */
type Measured = Run & { outdir: string; reps: number; rssRange?: number[] };
function measure(c: CaseName, inv: string, reps: number, keep = false, dump?: string): Measured {
  const runs: (Run & { outdir: string })[] = [];
  for (let i = 0; i < reps; i++) {
    const outdir = path.join(tmpRoot, `${inv}-${c}-${i}`);
    log(`  ${c} N=${inv} #${i + 1}/${reps} ... `);
    const run = spawnChild(c, inv, outdir, i === 0 || c !== 'ours-phases' ? dump : undefined); // ours-phases writes the dump once, floors read it
    log(run.error ? `FAILED\n${run.error}\n` : `${fmt(work(run.result!).wallMs)} ms work, ${fmt(run.procMs)} ms process\n`);
    runs.push({ ...run, outdir });
  }
  const ok = runs.filter((r) => r.result).sort((a, b) => work(a.result!).wallMs - work(b.result!).wallMs);
  const pick = ok.length > 0 ? ok[Math.floor((ok.length - 1) / 2)] : runs[0];
  for (const r of runs) if (!(keep && r === pick)) fs.rmSync(r.outdir, { recursive: true, force: true });
  const rss = ok.map((r) => r.result!.maxRssKiB);
  return { ...pick, reps, rssRange: rss.length > 1 ? [Math.min(...rss), Math.max(...rss)] : undefined };
}

function fmt(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return 'n/a';
  return ms < 10 ? ms.toFixed(1) : ms.toFixed(0);
}
const mib = (kib?: number) => (kib === undefined ? 'n/a' : (kib / 1024).toFixed(0));

// ---------------------------------------------------------------------------
// reference homelab, cold CLI: `node bin/homelab.js synth --out <tmp>` from spawn to exit
interface CliRun { label: string; wallMs: number; rssKiB?: number; ok: boolean; err?: string; info?: boolean }
const cli: CliRun[] = [];
if (args.get('no-cli') !== 'true') {
  log('cold CLI (reference homelab)\n');
  // a fresh TMPDIR gives tsx an empty transpile cache for run 1; run 2 reuses it
  const cacheTmp = fs.mkdtempSync(path.join(tmpRoot, 'tsx-cache-'));
  for (const label of ['run 1 (empty tsx cache)', 'run 2 (warm tsx cache)']) {
    const out = fs.mkdtempSync(path.join(tmpRoot, 'cli-out-'));
    const probe = path.join(tmpRoot, 'cli-rss');
    const t = performance.now();
    const r = spawnSync(process.execPath, ['-r', PROBE, 'bin/homelab.js', 'synth', '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TMPDIR: cacheTmp, BENCH_PROBE_OUT: probe } });
    const wallMs = performance.now() - t;
    const ok = r.status === 0 && fs.existsSync(path.join(out, 'dist')) && fs.existsSync(path.join(out, 'routers'));
    cli.push({ label, wallMs, ok, rssKiB: fs.existsSync(probe) ? Number(fs.readFileSync(probe, 'utf8')) : undefined, err: ok ? undefined : r.stderr });
    log(`  ${label}: ${fmt(wallMs)} ms${ok ? '' : ' FAILED ' + r.stderr}\n`);
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.rmSync(cacheTmp, { recursive: true, force: true });

  // For reading the numbers above only (not the shipped CLI): the same program as plain
  // JavaScript, lib/ and apps/ transpiled by esbuild into a temp dir, run without tsx.
  const js = path.join(tmpRoot, 'js');
  try {
    compileToJs(js);
    const out = fs.mkdtempSync(path.join(tmpRoot, 'cli-out-'));
    const probe = path.join(tmpRoot, 'cli-rss');
    fs.rmSync(probe, { force: true });
    const t = performance.now();
    const r = spawnSync(process.execPath, ['-r', PROBE, path.join(js, 'apps', 'main.js')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HOMELAB_OUT: out, NODE_PATH: path.join(ROOT, 'node_modules'), BENCH_PROBE_OUT: probe } });
    const wallMs = performance.now() - t;
    const ok = r.status === 0 && fs.existsSync(path.join(out, 'dist')) && fs.existsSync(path.join(out, 'routers'));
    cli.push({ label: '(info) same program as plain JS, no tsx: `node <esbuild copy>/apps/main.js`', wallMs, ok, info: true, rssKiB: fs.existsSync(probe) ? Number(fs.readFileSync(probe, 'utf8')) : undefined, err: ok ? undefined : r.stderr });
    log(`  plain JS: ${fmt(wallMs)} ms${ok ? '' : ' FAILED ' + r.stderr}\n`);
    fs.rmSync(out, { recursive: true, force: true });
  } catch (e) {
    log(`  plain JS: skipped (${(e as Error).message})\n`);
  }
  fs.rmSync(js, { recursive: true, force: true });
}

/** Transpiles lib/ and apps/ (TypeScript) to CommonJS under `dest`, file by file, with tsx's esbuild. */
function compileToJs(dest: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/package.json'))] })) as typeof import('esbuild');
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const code = esbuild.transformSync(fs.readFileSync(path.join(ROOT, r), 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: r }).code;
        fs.mkdirSync(path.join(dest, path.dirname(r)), { recursive: true });
        fs.writeFileSync(path.join(dest, r.replace(/\.ts$/, '.js')), code);
      }
    }
  };
  walk('lib');
  walk('apps');
  // data the library and the program read next to their code
  fs.symlinkSync(path.join(ROOT, 'schemas'), path.join(dest, 'schemas'));
  fs.copyFileSync(path.join(ROOT, 'storage.lock.json'), path.join(dest, 'storage.lock.json'));
}

// ---------------------------------------------------------------------------
// module loading breakdown (one process, reference inventory)
log('module loading\n');
const loadRun = measure('load', 'ref', 1);

// ---------------------------------------------------------------------------
const results = new Map<string, Map<CaseName, Measured>>();
const checks: string[] = [];
for (const size of SIZES) {
  log(`N=${size}\n`);
  const per = new Map<CaseName, Measured>();
  results.set(size, per);
  const keep = size === '10'; // outputs compared below
  const dump = path.join(tmpRoot, `objects-${size}.json`);
  for (const c of CASES) {
    const reps = c.repeat === 'always' || (c.repeat === 'small' && size !== String(BIG)) ? REPS : 1;
    per.set(c.name, measure(c.name, size, reps, keep, c.name === 'ours-phases' || c.name.startsWith('floor') ? dump : undefined));
  }
  if (keep) checks.push(...compareOutputs(per));
  for (const r of per.values()) fs.rmSync(r.outdir, { recursive: true, force: true });
  fs.rmSync(dump, { force: true });
}
const load1 = os.loadavg();
const ticks1 = cpuTicks();
fs.rmSync(tmpRoot, { recursive: true, force: true });

// ---------------------------------------------------------------------------
// same objects? parse every YAML/JSON output at N=10 and compare with ours
function compareOutputs(per: Map<CaseName, Run & { outdir: string }>): string[] {
  const canon = (v: any): any => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      const o: any = {};
      for (const k of Object.keys(v).sort()) o[k] = k === 'cdk8s.io/metadata.addr' ? '<addr>' : canon(v[k]);
      return o;
    }
    return v;
  };
  const readDir = (dir: string): string[] => {
    if (!fs.existsSync(dir)) return [];
    const docs: string[] = [];
    // the files kubectl reads (dist/ also holds apply.sh)
    for (const f of fs.readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort()) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const objs = f.endsWith('.json') ? JSON.parse(text) : parseAllDocuments(text).map((d) => d.toJS());
      for (const o of objs) if (o !== null) docs.push(JSON.stringify(canon(o)));
    }
    return docs.sort();
  };
  const out: string[] = [];
  const ours = per.get('ours');
  if (!ours?.result) return ['ours failed; outputs not compared'];
  const ref = readDir(path.join(ours.outdir, 'dist'));
  const sources: [CaseName, string, string][] = [
    ['cdk8s-per-app', '', ''],
    ['cdk8s-one-chart', '', ' (cdk8s.io/metadata.addr selector values masked: they hash the construct path)'],
    ['floor-yaml', 'dist', ''],
    ['floor-json', 'dist', ''],
  ];
  for (const [c, sub, note] of sources) {
    const r = per.get(c);
    if (!r?.result) { out.push(`${c}: failed`); continue; }
    const docs = readDir(path.join(r.outdir, sub));
    const same = docs.length === ref.length && docs.every((d, i) => d === ref[i]);
    out.push(`${c} vs ours at N=10: ${same ? 'same' : 'DIFFERENT'} Kubernetes objects (${docs.length} vs ${ref.length})${note}`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// report
const lines: string[] = [];
const p = (s = '') => lines.push(s);
const get = (size: string, c: CaseName) => results.get(size)?.get(c)?.result;

p('## homelab-cdk synth benchmark');
p();
p(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${load0.map((x) => x.toFixed(2)).join(' ')} at start, ${load1.map((x) => x.toFixed(2)).join(' ')} at end`);
p(`outputs written under ${TMP_BASE} (${fsTypeOf(TMP_BASE) ?? 'unknown fs'}; creating+writing one 6 KB file ≈ ${WRITE_US.toFixed(0)} µs)`);
if (ticks0 && ticks1) {
  const secs = (performance.now() - benchStart) / 1000;
  const foreign = (ticks1.machine - ticks0.machine - (ticks1.ours - ticks0.ours)) / 100;
  p(`other processes used ${foreign.toFixed(1)} CPU-seconds during the ${secs.toFixed(0)} s of measurements (${((foreign / secs) * 100).toFixed(0)}% of one core${foreign / secs > 0.25 ? '; wall times are inflated by contention, CPU times less so' : ''})`);
}
p(`times in ms; a case run several times (column runs, each a fresh process) shows its median run by work wall time; peak RSS = maxRSS of that run's process (range over the runs in parentheses)`);
p();
p('| N | case | runs | load | build | synth | **work** wall | work CPU | load+work | process | peak RSS MiB |');
p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const size of SIZES) {
  for (const c of CASES) {
    const run = results.get(size)?.get(c.name);
    const r = run?.result;
    if (!r) { p(`| ${size} | ${c.label} | | FAILED | | | | | | | |`); continue; }
    const w = work(r);
    p(`| ${size} | ${c.label} | ${run!.reps} | ${fmt(r.load.wallMs)} | ${fmt(r.build.wallMs)} | ${fmt(r.synth.wallMs)} | **${fmt(w.wallMs)}** | ${fmt(w.cpuMs)} | ${fmt(total(r).wallMs)} | ${fmt(run!.procMs)} | ${mib(r.maxRssKiB)}${run!.rssRange ? ` (${mib(run!.rssRange[0])}–${mib(run!.rssRange[1])})` : ''} |`);
  }
}
p();

p('### ours, phase breakdown (wall ms, from the step-by-step child; CPU ms in parentheses)');
p();
p(`| phase | ${SIZES.join(' | ')} |`);
p(`|---|${SIZES.map(() => '---:').join('|')}|`);
const phaseNames = [...new Set(SIZES.flatMap((s) => Object.keys(get(s, 'ours-phases')?.phases ?? {})))];
for (const ph of phaseNames) p(`| ${ph} | ${SIZES.map((s) => { const x = get(s, 'ours-phases')?.phases?.[ph]; return x ? `${fmt(x.wallMs)} (${fmt(x.cpuMs)})` : ''; }).join(' | ')} |`);
p(`| **sum (step by step)** | ${SIZES.map((s) => { const r = get(s, 'ours-phases'); return r ? `**${fmt(work(r).wallMs)}** (${fmt(work(r).cpuMs)})` : ''; }).join(' | ')} |`);
p(`| Homelab.synth, same N (row 1) | ${SIZES.map((s) => { const r = get(s, 'ours'); return r ? `${fmt(work(r).wallMs)} (${fmt(work(r).cpuMs)})` : ''; }).join(' | ')} |`);
p();

if (loadRun.result?.modules) {
  p(`### module loading (one process, in this order; node + tsx hook before the first line: ${fmt(loadRun.result.bootMs)} ms)`);
  p();
  p('| module | wall | CPU |');
  p('|---|---:|---:|');
  for (const [m, s] of Object.entries(loadRun.result.modules)) p(`| ${m} | ${fmt(s.wallMs)} | ${fmt(s.cpuMs)} |`);
  p();
}

if (cli.length > 0) {
  p('### reference homelab, cold `node bin/homelab.js synth --out <tmp>` (spawn to exit)');
  p();
  p('| run | wall ms | peak RSS MiB | < 1500 ms |');
  p('|---|---:|---:|---|');
  for (const c of cli) p(`| ${c.label} | ${fmt(c.wallMs)} | ${mib(c.rssKiB)} | ${c.ok ? (c.info ? `(${c.wallMs < 1500 ? 'under' : 'over'})` : c.wallMs < 1500 ? 'PASS' : 'FAIL') : 'ERROR'} |`);
  p();
}

// targets
p(`### targets (N=${BIG}, computed from the runs above)`);
p();
p('| target | measured (wall) | verdict | measured (CPU) | verdict |');
p('|---|---:|---|---:|---|');
const B = String(BIG);
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
const ours = get(B, 'ours');
const phases = get(B, 'ours-phases');
const perApp = get(B, 'cdk8s-per-app');
const oneChart = get(B, 'cdk8s-one-chart');
const tfs = [get(B, 'cdktf'), get(B, 'cdktf-nost')].filter((x): x is ChildResult => !!x);
const yamlFloor = get(B, 'floor-yaml');
const minOf = (xs: (ChildResult | undefined)[], f: (r: ChildResult) => number) => { const v = xs.filter((x): x is ChildResult => !!x).map(f); return v.length ? Math.min(...v) : NaN; };
type Metric = 'wallMs' | 'cpuMs';
const row = (name: string, f: (m: Metric) => { text: string; ok?: boolean }) => { const w = f('wallMs'); const c = f('cpuMs'); p(`| ${name} | ${w.text} | ${verdict(w.ok)} | ${c.text} | ${verdict(c.ok)} |`); };
if (ours) {
  row('ours work (build+synth, all 4 outputs) < min(cdk8s 2, 3) + min(cdktf 4, 4b), each build+synth', (m) => {
    const plain = minOf([perApp, oneChart], (r) => work(r)[m]) + minOf(tfs, (r) => work(r)[m]);
    const v = work(ours)[m];
    return { text: `${fmt(v)} vs ${fmt(plain)} (${(v / plain).toFixed(2)}×)`, ok: v < plain };
  });
  row('same, including module loading (load+build+synth; plain = two processes summed)', (m) => {
    const plain = minOf([perApp, oneChart], (r) => total(r)[m]) + minOf(tfs, (r) => total(r)[m]);
    const v = total(ours)[m];
    return { text: `${fmt(v)} vs ${fmt(plain)} (${(v / plain).toFixed(2)}×)`, ok: v < plain };
  });
}
if (phases && yamlFloor) {
  const k8sPart = (m: Metric) => ['build: k8s constructs', 'synth: k8s validate', 'synth: k8s resolve', 'synth: k8s yaml', 'synth: k8s write'].reduce((s, k) => s + (phases.phases?.[k]?.[m] ?? NaN), 0);
  const emit = (m: Metric) => ['synth: k8s yaml', 'synth: k8s write'].reduce((s, k) => s + (phases.phases?.[k]?.[m] ?? NaN), 0);
  row('ours k8s part (k8s constructs+validate+resolve+yaml+write) ≤ 2× YAML floor', (m) => { const v = k8sPart(m); const f = yamlFloor.synth[m]; return { text: `${fmt(v)} vs ${fmt(f)} (${(v / f).toFixed(1)}×)`, ok: v <= 2 * f }; });
  if (ours) row('ours total work (all 4 outputs) ≤ 2× YAML floor', (m) => { const v = work(ours)[m]; const f = yamlFloor.synth[m]; return { text: `${fmt(v)} vs ${fmt(f)} (${(v / f).toFixed(1)}×)`, ok: v <= 2 * f }; });
  row('(info) ours k8s emit only (yaml+write of resolved objects) vs YAML floor', (m) => { const v = emit(m); const f = yamlFloor.synth[m]; return { text: `${fmt(v)} vs ${fmt(f)} (${(v / f).toFixed(1)}×)`, ok: v <= 2 * f }; });
}
const ours100 = get('100', 'ours');
if (ours && ours100) row('ours t(1000)/t(100) ≤ 12 (work)', (m) => { const v = work(ours)[m] / work(ours100)[m]; return { text: `${fmt(work(ours)[m])} / ${fmt(work(ours100)[m])} = ${v.toFixed(1)}`, ok: v <= 12 }; });
if (ours) {
  const range = results.get(B)?.get('ours')?.rssRange;
  const worst = range ? range[1] : ours.maxRssKiB;
  p(`| ours peak RSS < 300 MiB (whole process incl. tsx and libraries; worst of ${range ? 'the runs' : 'one run'}) | ${mib(worst)} MiB${range ? ` (runs: ${mib(range[0])}–${mib(range[1])})` : ''} | ${verdict(worst < 300 * 1024)} | | |`);
}
for (const c of cli.filter((x) => !x.info)) p(`| reference cold CLI < 1.5 s, ${c.label} | ${fmt(c.wallMs)} ms | ${c.ok ? verdict(c.wallMs < 1500) : 'ERROR'} | | |`);
p();
// the other commands: router diff and synth --plans, each size in a fresh process (bench/commands.ts)
if (args.get('no-commands') !== 'true') {
  type CmdResult = { work: Span; maxRssKiB: number; bytes?: number };
  const runCmd = (c: string, n: number): CmdResult | string => {
    log(`  ${c} N=${n} ... `);
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'commands.ts'), c, String(n), cmdTmp], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (r.status !== 0 || !line) { log('FAILED\n'); return `${c} ${n}: exit ${r.status}\n${(r.stderr ?? '').split('\n').slice(0, 12).join('\n')}`; }
    const res = JSON.parse(line.slice('BENCH_RESULT '.length)) as CmdResult;
    log(`${fmt(res.work.wallMs)} ms\n`);
    return res;
  };
  const median = (c: string, n: number): CmdResult | string => {
    const rs = Array.from({ length: n >= 16000 || n >= 10000 ? 1 : REPS }, () => runCmd(c, n));
    const ok = rs.filter((x): x is CmdResult => typeof x !== 'string').sort((a, b) => a.work.wallMs - b.work.wallMs);
    return ok.length > 0 ? ok[Math.floor((ok.length - 1) / 2)] : rs[0];
  };
  const cmdCases: { c: string; label: string; sizes: number[] }[] = [
    { c: 'router-diff', label: 'router diff (parse + diff + format), sections', sizes: [1000, 16000, 64000] },
    { c: 'plans-synth', label: 'synth --plans (read + validate + synth), hosts', sizes: [100, 1000, 10000] },
  ];
  const cmd = new Map<string, CmdResult | string>();
  const cmdTmp = fs.mkdtempSync(path.join(TMP_BASE, 'homelab-bench-commands-'));
  try {
    for (const k of cmdCases) for (const n of k.sizes) cmd.set(`${k.c}:${n}`, median(k.c, n));
  } finally {
    fs.rmSync(cmdTmp, { recursive: true, force: true });
  }
  p('### other commands (wall ms, CPU ms in brackets; peak RSS MiB)');
  p();
  for (const k of cmdCases) {
    p(`| ${k.label} | ${k.sizes.join(' | ')} |`);
    p(`|---|${k.sizes.map(() => '---:').join('|')}|`);
    p(`| work | ${k.sizes.map((n) => { const r = cmd.get(`${k.c}:${n}`); return typeof r === 'string' || !r ? 'ERROR' : `${fmt(r.work.wallMs)} (${fmt(r.work.cpuMs)}); ${mib(r.maxRssKiB)}`; }).join(' | ')} |`);
    p();
  }
  p('| target | measured (wall) | verdict | measured (CPU) | verdict |');
  p('|---|---:|---|---:|---|');
  const got = (key: string) => { const r = cmd.get(key); return typeof r === 'string' ? undefined : r; };
  const ratioRow = (name: string, a: string, b: string, limit: number) => {
    const x = got(a);
    const y = got(b);
    const cell = (m: 'wallMs' | 'cpuMs') => (x && y ? { text: `${fmt(x.work[m])} / ${fmt(y.work[m])} = ${(x.work[m] / y.work[m]).toFixed(1)}`, ok: x.work[m] / y.work[m] <= limit } : { text: 'n/a', ok: undefined });
    const w = cell('wallMs');
    const c = cell('cpuMs');
    p(`| ${name} | ${w.text} | ${verdict(w.ok)} | ${c.text} | ${verdict(c.ok)} |`);
  };
  ratioRow('router diff linear: t(64k)/t(16k) ≤ 5', 'router-diff:64000', 'router-diff:16000', 5);
  const big = got('router-diff:64000');
  p(`| router diff of 64k sections < 5 s | ${big ? `${fmt(big.work.wallMs)} ms` : 'n/a'} | ${verdict(big ? big.work.wallMs < 5000 : undefined)} | ${big ? `${fmt(big.work.cpuMs)} ms` : 'n/a'} | ${verdict(big ? big.work.cpuMs < 5000 : undefined)} |`);
  ratioRow('synth --plans: t(10k)/t(1k) ≤ 12', 'plans-synth:10000', 'plans-synth:1000', 12);
  p();
  for (const [k, r] of cmd) if (typeof r === 'string') { p('```\n' + r + '\n```'); process.exitCode = 1; void k; }
}

if (checks.length > 0) {
  p('### output check');
  p();
  for (const c of checks) p(`- ${c}`);
  p();
}
const failed = [...results.values()].flatMap((m) => [...m.values()]).filter((r) => r.error);
if (failed.length > 0) {
  p('### failed cases');
  p();
  for (const f of failed) p('```\n' + f.error + '\n```');
  p();
}
p(`bench wall time: ${(((performance.now() - benchStart) / 1000)).toFixed(0)} s`);
process.stdout.write(lines.join('\n') + '\n');
if (failed.length > 0 || cli.some((c) => !c.ok && !c.info)) process.exitCode = 1;
