/**
 * A throwaway dnsmasq (Debian's `dnsmasq-base`, /usr/sbin/dnsmasq) answering DNS on one loopback
 * address and a high port, for tests: no system configuration is read (`--conf-file=/dev/null`,
 * `--no-hosts`), no upstream (`--no-resolv`), no pid file, in the foreground, logging to stderr;
 * as root it runs as nobody (dnsmasq drops privileges itself). Its hosts file lives in a temp dir
 * removed on stop().
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Resolver } from 'dns/promises';
import { captureLog, freePort, stopper, tieToProcess } from './child';
import { toolPath } from './tools';

export interface DnsmasqServer {
  readonly address: string;
  readonly port: number;
  /** A resolver that asks only this server. */
  resolver(): Resolver;
  /** Its output so far (the log goes to stderr). */
  log(): string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts dnsmasq on `address` with `options` (dnsmasq long options without `--`) and a hosts file
 * of `hosts` lines; resolves once it answers.
 */
export async function startDnsmasq(address: string, options: readonly string[], hosts: readonly string[], port?: number): Promise<DnsmasqServer> {
  const bin = toolPath('dnsmasq');
  if (!bin) throw new Error('dnsmasq not found (PATH, /usr/sbin)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dnsmasq-'));
  fs.chmodSync(tmp, 0o755); // readable by nobody, when dnsmasq drops to it
  const hostsFile = path.join(tmp, 'hosts');
  fs.writeFileSync(hostsFile, hosts.map((l) => `${l}\n`).join(''), { mode: 0o644 });
  const p = port ?? (await freePort(address));
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-hosts', '--no-resolv', '--pid-file', '--log-facility=-',
    `--listen-address=${address}`, `--port=${p}`, `--addn-hosts=${hostsFile}`,
    ...(process.getuid?.() === 0 ? ['--user=nobody'] : []),
    ...options.map((o) => `--${o}`),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = captureLog(child);
  const untie = tieToProcess(child, tmp, 'SIGKILL');
  const stop = stopper(child, untie, tmp, 'SIGTERM', 5000);
  const resolver = () => {
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([`${address}:${p}`]);
    return r;
  };
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`dnsmasq exited with ${child.exitCode}: ${args.join(' ')}\n${log()}`);
    }
    try {
      // any answer, NXDOMAIN or REFUSED (no upstream) included, means it is up
      await resolver().resolve4('homelab-readiness-probe.invalid');
      break;
    } catch (e) {
      if (['ENOTFOUND', 'ENODATA', 'EREFUSED'].includes((e as { code?: string }).code ?? '')) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`dnsmasq did not answer on ${address}:${p} within 15 s: ${String(e)}\n${log()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { address, port: p, resolver, log, stop };
}
