/**
 * The commands besides synth, one case per process (spawned by bench/run.ts as
 * `node -r tsx/cjs bench/commands.ts <case> <N> <tmpdir>`):
 *
 * - `router-diff N`: `parseUciExport` + `diffRouter` + `formatRouterDiff` of a
 *   live `uci export` of N sections against the reference router gw (its own
 *   packages plus N-ish hand-made sections: named rules, anonymous hosts and
 *   rules without identity, a secret in every 10th). The export is built
 *   before timing.
 * - `plans-synth N`: `Homelab.fromPlans(dir).synth({ outdir })` of a plan
 *   folder with N hosts (one k3s init-server container, the rest plain),
 *   written before timing.
 *
 * Prints `BENCH_RESULT {json}` with the timed span and the peak RSS.
 */
process.setSourceMapsEnabled(false);
import * as fs from 'fs';
import * as path from 'path';

const [caseName, nArg, tmp] = process.argv.slice(2);
const N = Number(nArg);

interface Mark { wall: number; cpu: NodeJS.CpuUsage }
const mark = (): Mark => ({ wall: performance.now(), cpu: process.cpuUsage() });
const span = (a: Mark, b: Mark) => ({ wallMs: b.wall - a.wall, cpuMs: (b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system)) / 1000 });

/** The reference router's export with sections added until it has `n`. */
export function liveExport(n: number): { text: string; sections: number } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { inventory } = require('../apps/inventory') as typeof import('../apps/inventory');
  const { Homelab } = require('../lib/homelab/homelab') as typeof import('../lib/homelab/homelab');
  const { routerPackages } = require('../lib/homelab/router/packages') as typeof import('../lib/homelab/router/packages');
  const { renderUciPackage } = require('../lib/uci/serialize') as typeof import('../lib/uci/serialize');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const lab = new Homelab({ inventory });
  const pkgs = routerPackages(lab.model, lab.model.routers.find((r) => r.name === 'gw')!);
  const own = pkgs.reduce((s, p) => s + p.sections.length, 0);
  const texts = new Map(pkgs.map((p) => [p.name, renderUciPackage(p).replace(/@@HOMELAB_SECRET:([^@]+)@@/g, 'S3cret-$1')]));
  const extra: Record<string, string[]> = { firewall: [], dhcp: [], vendor: [] };
  for (let i = 0; own + i < n; i++) {
    switch (i % 4) {
      case 0: extra.firewall.push(`config rule\n\toption name 'Allow-${i}'\n\toption src 'wan'\n\toption dest_port '${1024 + (i % 60000)}'\n\toption target 'ACCEPT'\n`); break;
      case 1: extra.dhcp.push(`config host\n\toption name 'h${i}'\n\toption mac '02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}'\n\toption ip '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}'\n`); break;
      case 2: extra.firewall.push(`config include\n\toption type 'script'\n\toption note 'n${i}'\n`); break;
      default: extra.vendor.push(`config thing 't${i}'\n\toption label 'x${i}'\n${i % 10 === 3 ? `\toption token 'tok-${i}-secret'\n` : ''}`);
    }
  }
  for (const [p, blocks] of Object.entries(extra)) texts.set(p, (texts.get(p) ?? `package ${p}\n\n`) + blocks.join('\n'));
  const text = [...texts.keys()].sort().map((k) => texts.get(k)!.replace(/^#.*\n/gm, '') + '\n').join('');
  return { text, sections: Math.max(n, own) };
}

/** A plan folder with `n` hosts on one /16. */
function writePlans(dir: string, n: number): void {
  fs.mkdirSync(path.join(dir, 'plans'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'secrets'), { recursive: true });
  const ip = (i: number) => `10.0.${(i + 2) >> 8}.${(i + 2) & 255}`;
  const hosts = ['name,interface,ip,admin,rack'];
  for (let i = 0; i < n; i++) hosts.push(`h${i},eth0,${ip(i)},admin,r${i % 40}`);
  fs.writeFileSync(path.join(dir, 'plans', 'hosts.csv'), `${hosts.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'plans', 'k3s.csv'), `host,name,type,ip\nh0,k3s-init,init-server,${ip(n)}\n`);
  fs.writeFileSync(path.join(dir, 'plans', 'network.yaml'), 'subnet: 10.0.0.0/16\ngateway: 10.0.0.1\ndomain: home.example.org\nk3s:\n  version: v1.30.4+k3s1\n');
  fs.writeFileSync(path.join(dir, 'secrets', 'admin.pub'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBvJ5Vq8yG4D0K2m4Yp1Qm3gJ0x9N3kq7pL2l8nT9xQ admin@laptop\n');
}

function main(): void {
  if (caseName === 'router-diff') {
    const { text, sections } = liveExport(N);
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { inventory } = require('../apps/inventory') as typeof import('../apps/inventory');
    const { Homelab } = require('../lib/homelab/homelab') as typeof import('../lib/homelab/homelab');
    const { routerPackages } = require('../lib/homelab/router/packages') as typeof import('../lib/homelab/router/packages');
    const { parseUciExport } = require('../lib/uci/parse') as typeof import('../lib/uci/parse');
    const { diffRouter, formatRouterDiff } = require('../lib/cli/router-drift') as typeof import('../lib/cli/router-drift');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const lab = new Homelab({ inventory });
    const ours = routerPackages(lab.model, lab.model.routers.find((r) => r.name === 'gw')!);
    const a = mark();
    const out = formatRouterDiff(diffRouter(ours, parseUciExport(text)), 'gw');
    const b = mark();
    if (out.includes('tok-') || out.includes('S3cret')) throw new Error('a secret reached the output');
    report({ work: span(a, b), sections, bytes: Buffer.byteLength(text), lines: out.split('\n').length });
  } else if (caseName === 'plans-synth') {
    const dir = fs.mkdtempSync(path.join(tmp, 'plans-'));
    writePlans(dir, N);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Homelab } = require('../lib/homelab/homelab') as typeof import('../lib/homelab/homelab');
    const a = mark();
    Homelab.fromPlans(path.join(dir, 'plans')).synth({ outdir: path.join(dir, 'out') });
    const b = mark();
    fs.rmSync(dir, { recursive: true, force: true });
    report({ work: span(a, b), hosts: N });
  } else {
    throw new Error(`unknown case ${caseName}`);
  }
}

function report(r: object): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ case: caseName, n: N, ...r, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

if (require.main === module) main();
