/**
 * A fake OpenWrt router for running a generated `deploy.sh` end to end without
 * a network: fake `ssh` and `scp` executables (POSIX sh, written into a temp
 * dir that goes first on PATH) run the router side locally, in a directory
 * that stands for the router's `/`.
 *
 * Layout below `base` (a fresh temp dir):
 * - `bin/`: the local fakes `ssh` and `scp`;
 * - `root/`: the router's root (FAKE_ROOT): `etc/config/`, `etc/dropbear/`,
 *   `etc/init.d/network`, `tmp/`, `bin/` (its whole PATH: stubs for `uci`,
 *   `reload_config`, `logger`, `opkg`, optionally `wg`, and links to the few
 *   host tools a router shell has) and `log`, where the stubs write one line
 *   per call;
 * - `state/`: the connection counter, every ssh command line, and what scp
 *   saw of its inputs (`ls -ld` of each file and its directory);
 * - `tmp/`: the local TMPDIR for the deploy script.
 *
 * `ssh [-n] [-o opt] HOST CMD` runs CMD with `sh -c` in an empty environment
 * (PATH = the router's bin/ only: the router never sees local variables such
 * as the secrets); its stdin, unless `-n`, goes to CMD, so `ssh HOST 'sh -s'`
 * runs a script. In the command text and the script, every absolute router
 * path (`/etc/...`, `/tmp/homelab-...`) becomes FAKE_ROOT + path (one sed
 * pass). `scp [-O] [-q] FILES HOST:DIR` copies into FAKE_ROOT + DIR.
 *
 * The fake `uci`: `uci import PKG < file` replaces `etc/config/PKG` (a UCI
 * parser reads a repeated named section as reopening the earlier one, options
 * replacing, as libuci does); `uci -m import PKG` APPENDS the sections
 * (without the `package` line); `uci export PKG` prints the file with its
 * `package` line; `uci show PKG` prints `PKG.<name>=<type>` and
 * `PKG.<name>.<option>=<value>` lines (anonymous sections as `@type[i]`);
 * `-q` is accepted; `uci commit` and `uci revert` only log; `uci changes`
 * prints {@link FakeRouterOptions.uciChanges}.
 *
 * Lock-out switch: with `FAKE_SSH_FAIL_FROM=N` in the deploy's environment,
 * the Nth connection (ssh or scp, counted together from 1) and every later one
 * fail as if the router were unreachable (ssh exits 255, scp 1).
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface FakeRouterOptions {
  /** Files below the router's root, by relative path (e.g. `etc/config/network`). @default - none */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * How the router provides WireGuard: the `wg` command, only the installed
   * package `wireguard-tools` (no `wg` on PATH) as opkg or apk (OpenWrt 25)
   * lists it, or not at all. The router has `opkg` except with 'apk'.
   * @default 'wg'
   */
  readonly wireguard?: 'wg' | 'opkg' | 'apk' | 'none';
  /** What `uci changes` prints (uncommitted changes). @default '' */
  readonly uciChanges?: string;
  /** A package whose `uci import` fails. @default - every import succeeds */
  readonly failImport?: string;
}

/** What scp saw of one input file: its mode string and its directory's (`ls -ld`). */
export interface StagedFile {
  readonly file: string;
  readonly mode: string;
  readonly dirMode: string;
}

/** Host tools linked into the router's PATH (busybox has them on OpenWrt). */
const ROUTER_TOOLS = ['sh', 'cat', 'cp', 'rm', 'mkdir', 'chmod', 'mv', 'touch', 'sleep', 'grep', 'ls', 'sed', 'kill', 'rmdir', 'dirname', 'head', 'awk', 'tr'];

/** Environment variables the deploy script reads; never inherited from the test process. */
const DEPLOY_VARS = /^(HOMELAB_SECRET_.*|ROUTER|ROLLBACK_SECONDS|CONFIRM|CONFIRM_AFTER|FAKE_SSH_FAIL_FROM)$/;

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, tool);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export class FakeRouter {
  /** The temp dir holding everything. */
  readonly base: string;
  /** The router's `/` (FAKE_ROOT). */
  readonly root: string;
  /** Local bin dir with the fake `ssh` and `scp`; goes first on PATH. */
  readonly bin: string;
  /** The local TMPDIR the deploy script gets. */
  readonly tmpdir: string;
  private readonly state: string;

  constructor(opts: FakeRouterOptions = {}) {
    this.base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fake-router-')));
    if (/[#&\\'\s]/.test(this.base)) throw new Error(`fake router: unusable temp path ${JSON.stringify(this.base)}`);
    this.root = path.join(this.base, 'root');
    this.bin = path.join(this.base, 'bin');
    this.state = path.join(this.base, 'state');
    this.tmpdir = path.join(this.base, 'tmp');
    for (const d of [this.bin, this.state, this.tmpdir, 'bin', 'etc/config', 'etc/dropbear', 'etc/init.d', 'tmp']) {
      fs.mkdirSync(path.isAbsolute(d) ? d : path.join(this.root, d), { recursive: true });
    }
    fs.writeFileSync(path.join(this.state, 'connections'), '0\n');
    fs.writeFileSync(path.join(this.state, 'uci-changes'), opts.uciChanges ?? '');
    fs.writeFileSync(path.join(this.root, 'log'), '');
    for (const [rel, content] of Object.entries(opts.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(this.root, rel)), { recursive: true });
      fs.writeFileSync(path.join(this.root, rel), content);
    }

    const ROOT = sq(this.root);
    const STATE = sq(this.state);
    const exe = (file: string, body: string) => fs.writeFileSync(file, `#!/bin/sh\n# fake for homelab-cdk tests (test/helpers/fake-router.ts)\nROOT=${ROOT}\nSTATE=${STATE}\n${body}`, { mode: 0o755 });
    const connect = `n=$(( $(cat "$STATE/connections") + 1 ))
echo "$n" > "$STATE/connections"
down() { [ -n "\${FAKE_SSH_FAIL_FROM:-}" ] && [ "$n" -ge "$FAKE_SSH_FAIL_FROM" ]; }
`;

    // local side
    exe(path.join(this.bin, 'ssh'), `${connect}nostdin=
while [ $# -gt 0 ]; do
  case $1 in
    -n) nostdin=1; shift ;;
    -o|-p|-i|-l|-F|-J) shift 2 ;;
    -q|-T|-4|-6|-C) shift ;;
    --) shift; break ;;
    -*) echo "fake ssh: unsupported option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "fake ssh: a host and a command are required" >&2; exit 2; }
host=$1
shift
cmd=$*
printf '%s\\n' "$cmd" >> "$STATE/ssh.log"
if down; then echo "ssh: connect to host $host port 22: Connection timed out" >&2; exit 255; fi
map() { sed -E "s#(^|[^A-Za-z0-9_./-])(/etc/|/tmp/homelab-)#\\\\1$ROOT\\\\2#g"; }
mapped=$(printf '%s\\n' "$cmd" | map)
run() { env -i PATH="$ROOT/bin" "$ROOT/bin/sh" -c "$mapped"; }
if [ -n "$nostdin" ]; then run </dev/null; else map | run; fi
`);
    exe(path.join(this.bin, 'scp'), `${connect}while [ $# -gt 0 ]; do
  case $1 in
    -O|-q|-p|-B|-C|-4|-6) shift ;;
    -o|-P|-i|-F|-J) shift 2 ;;
    --) shift; break ;;
    -*) echo "fake scp: unsupported option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "fake scp: files and a HOST:DIR target are required" >&2; exit 2; }
for target; do :; done
case $target in *:*) ;; *) echo "fake scp: the target is not HOST:DIR ($target)" >&2; exit 2 ;; esac
host=\${target%%:*}
dir=\${target#*:}
case $dir in /tmp/homelab-*|/etc/*) ;; *) echo "fake scp: no router path mapping for $dir" >&2; exit 2 ;; esac
if down; then echo "ssh: connect to host $host port 22: Connection timed out" >&2; echo "lost connection" >&2; exit 1; fi
[ -d "$ROOT$dir" ] || { echo "scp: $dir: No such file or directory" >&2; exit 1; }
while [ $# -gt 1 ]; do
  ls -ld "$1" >> "$STATE/scp.log"
  ls -ld "$(dirname "$1")" >> "$STATE/scp.log"
  cp "$1" "$ROOT$dir/" || exit 1
  shift
done
`);

    // router side
    for (const tool of ROUTER_TOOLS) {
      const p = which(tool);
      if (p) fs.symlinkSync(p, path.join(this.root, 'bin', tool));
    }
    const rbin = (name: string) => path.join(this.root, 'bin', name);
    exe(rbin('uci'), `log() { echo "$*" >> "$ROOT/log"; }
merge=
while :; do
  case \${1:-} in
    -m) merge=1; shift ;;
    -q) shift ;;
    *) break ;;
  esac
done
case \${1:-} in
  export)
    f="$ROOT/etc/config/\${2:-}"
    [ -e "$f" ] || { echo "uci: Entry not found" >&2; exit 1; }
    log "uci export $2"
    { echo "package $2"; echo; sed '/^package /d' "$f"; } ;;
  show)
    f="$ROOT/etc/config/\${2:-}"
    [ -e "$f" ] || { echo "uci: Entry not found" >&2; exit 1; }
    awk -v p="$2" '/^config / { name = $3; gsub(/\\047/, "", name); if (name == "") name = "@" $2 "[" (n[$2]++) "]"; print p "." name "=" $2; next }
      /^[ \t]+(option|list) / { v = $0; sub(/^[ \t]+(option|list) [^ ]+ /, "", v); print p "." name "." $2 "=" v }' "$f" ;;
  import)
    pkg=\${2:-}
    case $pkg in ''|*/*) echo "uci: Invalid argument" >&2; exit 1 ;; esac
    if [ "$pkg" = ${sq(opts.failImport ?? '')} ]; then log "uci import $pkg: parse error"; cat >/dev/null; echo "uci: Parse error (invalid command) at line 3, byte 0" >&2; exit 1; fi
    if [ -n "$merge" ]; then
      log "uci -m import $pkg"
      { [ ! -s "$ROOT/etc/config/$pkg" ] || echo; sed '/^package /d'; } >> "$ROOT/etc/config/$pkg"
    else
      log "uci import $pkg"
      cat > "$ROOT/etc/config/$pkg"
    fi ;;
  commit|revert) log "uci $*" ;;
  changes) cat "$STATE/uci-changes" ;;
  *) echo "fake uci: unsupported: $*" >&2; exit 1 ;;
esac
`);
    exe(rbin('reload_config'), 'echo reload_config >> "$ROOT/log"\n');
    exe(rbin('logger'), `tag=
while [ $# -gt 0 ]; do case $1 in -t) tag=$2; shift 2 ;; -*) shift ;; *) break ;; esac; done
echo "logger $tag: $*" >> "$ROOT/log"
`);
    exe(path.join(this.root, 'etc/init.d/network'), 'echo "network $*" >> "$ROOT/log"\n');
    const wg = opts.wireguard ?? 'wg';
    if (wg === 'wg') exe(rbin('wg'), 'exit 0\n');
    if (wg === 'apk') {
      exe(rbin('apk'), 'case "$*" in "info -e wireguard-tools") echo wireguard-tools ;; *) exit 1 ;; esac\n');
    } else {
      exe(rbin('opkg'), wg === 'opkg'
        ? 'case ${1:-} in list-installed) case ${2:-wireguard-tools} in wireguard-tools|wireguard*) echo "wireguard-tools - 1.0.20210914-3" ;; esac ;; esac\n'
        : 'exit 0\n');
    }
  }

  /** Environment for a deploy: the test's own minus deploy variables, the fakes first on PATH, TMPDIR, then `extra`. */
  env(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!DEPLOY_VARS.test(k)) env[k] = v;
    return { ...env, PATH: `${this.bin}${path.delimiter}${process.env.PATH ?? ''}`, TMPDIR: this.tmpdir, ...extra };
  }

  /** Runs `script` against this router and waits for it. */
  run(script: string, extra: Readonly<Record<string, string>> = {}, input = ''): SpawnSyncReturns<string> {
    return spawnSync(script, [], { env: this.env(extra), input, encoding: 'utf8', timeout: 20000 });
  }

  /**
   * Starts `script` with its stdin open, for answering later. `stop()` closes
   * stdin (call it in a `finally`); the script is killed after 20 s anyway.
   */
  start(script: string, extra: Readonly<Record<string, string>> = {}) {
    const child = spawn(script, [], { env: this.env(extra), stdio: ['pipe', 'pipe', 'pipe'] });
    const killer = setTimeout(() => child.kill(), 20000);
    killer.unref();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (status) => {
        clearTimeout(killer);
        resolve({ status, stdout, stderr });
      }));
    return { child, done, output: () => stdout + stderr, stop: () => child.stdin.end() };
  }

  /** ssh and scp connections so far (failed ones included). */
  connections(): number {
    return Number(fs.readFileSync(path.join(this.state, 'connections'), 'utf8'));
  }

  /** Every ssh command line so far, as given (before the path mapping). */
  sshCommands(): string {
    return this.readState('ssh.log');
  }

  /** What scp saw of its input files. */
  staged(): StagedFile[] {
    const lines = this.readState('scp.log').split('\n').filter(Boolean);
    const out: StagedFile[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const [mode] = lines[i].split(/\s+/);
      const [dirMode] = lines[i + 1].split(/\s+/);
      out.push({ file: path.basename(lines[i].split(/\s+/).pop()!), mode, dirMode });
    }
    return out;
  }

  /** The stubs' log: one line per uci, reload_config, logger or network call. */
  log(): string {
    return this.read('log');
  }

  /** A file below the router's root. */
  read(rel: string): string {
    return fs.readFileSync(path.join(this.root, rel), 'utf8');
  }

  exists(rel: string): boolean {
    return fs.existsSync(path.join(this.root, rel));
  }

  /** Contents of every file below `rel` (dotfiles too), by path relative to `rel`. */
  files(rel: string): Record<string, string> {
    const dir = path.join(this.root, rel);
    const out: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
      }
    };
    if (fs.existsSync(dir)) walk(dir);
    return out;
  }

  /** Resolves once `pred` holds; rejects after `timeoutMs`. */
  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`fake router: condition not met within ${timeoutMs} ms; log:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops a rollback timer still waiting, and removes everything. */
  dispose(): void {
    const pending = path.join(this.root, 'tmp/homelab-pending');
    if (fs.existsSync(pending)) {
      try {
        process.kill(Number(fs.readFileSync(pending, 'utf8')));
      } catch {
        // already gone
      }
    }
    fs.rmSync(this.base, { recursive: true, force: true });
  }

  private readState(name: string): string {
    const p = path.join(this.state, name);
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
  }
}
