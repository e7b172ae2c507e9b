/**
 * Seed 002's plans as an {@link Inventory}: `hosts.csv` (the machines),
 * `k3s.csv` (k3s nodes in containers on them) and `network.yaml` (the one
 * network they share), plus the admins' ssh keys from the `secrets` folder
 * next to the plans.
 *
 * Every value (and every CSV column name and YAML key) is trimmed and
 * lower-cased: the plans are not case sensitive. SSH keys are kept as written.
 *
 * Problems are collected over all files and thrown together as one
 * {@link HomelabValidationError}. Each names the file and line as the user
 * gave them (`examples/plans/k3s.csv:3`) and the column or key
 * (`k3s.csv.ip`, `network.yaml.gateway`).
 */
import * as path from 'path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument, visit } from 'yaml';
import { AdminSpec, HostSpec, Inventory, K3sContainerSpec, NetworkSpec, SecretSpec } from '../inventory';
import { Cidr, formatIPv4, isDnsLabel, isFqdn, isHostIn, parseCidr, parseIPv4 } from '../../core/net';
import { bug, HomelabProblem, ProblemCollector, SourceMap } from '../../core/errors';
import { LABEL_RULE, SSH_KEY } from '../rules';
import { INPUT_LIMITS, readInputText } from '../../core/input';
import { CsvRecord, CsvTable, parseCsvTable } from './csv';

/** One plan file: its text and the path to show in messages (as the user gave it, e.g. relative). */
export interface PlanFile {
  /** Display path, e.g. `examples/plans/hosts.csv`. */
  readonly path: string;
  /** File contents (UTF-8 text; a byte order mark is ignored). */
  readonly text: string;
}

/** The three plan files of seed 002. */
export interface PlanFiles {
  /** `hosts.csv`: columns name, interface, ip, admin; other columns become host metadata. */
  readonly hosts: PlanFile;
  /**
   * `k3s.csv`: columns host, name, type, ip; other columns become metadata of the
   * host the container runs on, keyed `<container>.<column>`. An empty file means no k3s containers.
   */
  readonly k3s: PlanFile;
  /** `network.yaml`: subnet, gateway, domain, nameservers, and optionally name, site and k3s.version. */
  readonly network: PlanFile;
}

/** Options of {@link inventoryFromPlans}. */
export interface PlanOptions {
  /**
   * OpenSSH public keys of each admin named in `hosts.csv`, by admin name.
   * An admin without an entry is a problem that names the key file to create.
   * @default {} - every admin is a problem
   */
  readonly sshKeys?: Readonly<Record<string, readonly string[]>>;
  /**
   * Folder of the admins' `<admin>.pub` key files, as shown in messages.
   * @default - `secrets` next to the folder of `hosts.csv` (`<plans>/../secrets`)
   */
  readonly secretsDir?: string;
}

/** Options of {@link readPlans}. */
export interface ReadPlansOptions {
  /**
   * Folder of the admins' `<admin>.pub` key files (every non-empty line not starting with `#` is one key).
   * @default - `secrets` next to the plans folder (`<dir>/../secrets`)
   */
  readonly secretsDir?: string;
}

const HOSTS = 'hosts.csv';
const K3S = 'k3s.csv';
const NETWORK = 'network.yaml';
const HOST_COLUMNS = ['name', 'interface', 'ip', 'admin'] as const;
const K3S_COLUMNS = ['host', 'name', 'type', 'ip'] as const;
const NETWORK_KEYS = ['name', 'site', 'subnet', 'gateway', 'nameservers', 'domain', 'k3s'] as const;
const K3S_KEYS = ['version'] as const;
const K3S_TYPES = ['init-server', 'server', 'agent'] as const;
const NETWORK_NAME = 'lan';
const TOKEN_SECRET = 'k3s-token';

const ADMIN = /^[a-z][a-z0-9-]{0,31}$/;
const ADMIN_RULE = 'a unix user name: lowercase letters, digits and "-", up to 32 characters, starting with a letter, not root';
const INTERFACE = /^[a-z0-9][a-z0-9_.-]{0,14}$/;
const INTERFACE_RULE = 'a network interface name such as enp1s0: letters, digits, "_", "." and "-", up to 15 characters';
const K3S_VERSION = /^v\d+\.\d+\.\d+[+-]k3s\d+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** A line of private key material: PEM/OpenSSH/PKCS#8 armour, or a PuTTY key file. */
const PRIVATE_KEY = /-----BEGIN|PRIVATE KEY|^\s*PuTTY-User-Key-File-|^\s*Private-Lines:/i;

/**
 * Builds the inventory from the plan files' contents. Pure: reads nothing from
 * disk; ssh keys come in {@link PlanOptions.sshKeys}.
 *
 * @throws HomelabValidationError with every problem of every file
 */
export function inventoryFromPlans(files: PlanFiles, options: PlanOptions = {}): Inventory {
  const p = new ProblemCollector();
  const plans = parsePlans(files, p);
  const secretsDir = options.secretsDir ?? defaultSecretsDir(path.dirname(files.hosts.path));
  const inventory = assemble(plans, options.sshKeys ?? {}, secretsDir, p);
  p.throwIfAny();
  return inventory;
}

/**
 * Reads `hosts.csv`, `k3s.csv` and `network.yaml` from `dir`, and each admin's
 * `<admin>.pub` from the secrets folder, and builds the inventory. Paths in
 * messages are joined onto `dir` as given (a relative `dir` gives relative paths).
 *
 * @throws HomelabValidationError with every problem, including missing files
 */
export function readPlans(dir: string, options: ReadPlansOptions = {}): Inventory {
  return readPlansWithSources(dir, options).inventory;
}

/**
 * {@link readPlans}, and where each host, k3s container and the network came from: data path
 * (`inventory.sites[home].hosts[olaf]`) -> `file:line` (`plans/hosts.csv:2`), so problems the
 * model rules find later can name the plan line (`withSources` in `core/errors.ts`).
 */
export function readPlansWithSources(dir: string, options: ReadPlansOptions = {}): { inventory: Inventory; sources: SourceMap } {
  const p = new ProblemCollector();
  const read = (name: string, create: string): PlanFile | undefined => {
    const file = path.join(dir, name);
    const text = readText(file, name, create, p);
    return text === undefined ? undefined : { path: file, text };
  };
  const hosts = read(HOSTS, `create it with the header line ${HOST_COLUMNS.join(',')} and one row per host`);
  const k3s = read(K3S, `create it with the header line ${K3S_COLUMNS.join(',')} (an empty file means no k3s containers)`);
  const network = read(NETWORK, 'create it with the keys subnet, gateway and domain');
  if (!hosts || !k3s || !network) {
    p.throwIfAny();
    return bug(dir, 'readPlans', 'a plan file is missing but no problem was recorded', [HOSTS, K3S, NETWORK], 'readText to record a problem for each missing file');
  }

  const plans = parsePlans({ hosts, k3s, network }, p);
  const secretsDir = options.secretsDir ?? defaultSecretsDir(dir);
  const sshKeys: Record<string, readonly string[]> = {};
  for (const admin of plans.admins.keys()) {
    const file = keyFilePath(secretsDir, admin);
    const read = readInputText(file, file, `${admin}.pub`, INPUT_LIMITS.planFileBytes);
    if (read.problem) {
      // a missing file is reported by assemble (with the hosts.csv line that names the admin)
      if (read.problem.value !== 'ENOENT') {
        p.add(read.problem.path, read.problem.field, read.problem.problem, read.problem.value, read.problem.allowed);
        sshKeys[admin] = [];
      }
      continue;
    }
    sshKeys[admin] = parseKeyFile(read.text, file, admin, p);
  }
  const inventory = assemble(plans, sshKeys, secretsDir, p, new Set(Object.keys(sshKeys).filter((a) => sshKeys[a].length === 0)));
  p.throwIfAny();
  return { inventory, sources: sourcesOf(plans) };
}

/** Data path of each host, k3s container and the network -> the plan `file:line` it came from. */
function sourcesOf(plans: ParsedPlans): SourceMap {
  const site = `inventory.sites[${plans.network.site}]`;
  const sources = new Map<string, string>([[`${site}.networks[${NETWORK_NAME}]`, plans.files.network.path]]);
  for (const h of plans.hosts) {
    const hpath = `${site}.hosts[${h.name}]`;
    sources.set(hpath, `${plans.files.hosts.path}:${h.line}`);
    h.containers.forEach((c, i) => sources.set(`${hpath}.k3sContainers[${c.name}]`, `${plans.files.k3s.path}:${h.containerLines[i]}`));
  }
  return sources;
}

/**
 * The keys in an `<admin>.pub` file: every non-empty line that does not start
 * with `#`, trimmed. A line that is not an OpenSSH public key is a problem at its line.
 */
function parseKeyFile(text: string, displayPath: string, admin: string, p: ProblemCollector): string[] {
  const keys: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const privateAt = lines.findIndex((l) => PRIVATE_KEY.test(l));
  if (privateAt >= 0) {
    // not a byte of it goes into a message: no line, no snippet, no length
    p.add(`${displayPath}:${privateAt + 1}`, `${admin}.pub.key`, 'holds a private key; the file was not read further', '<private key, not shown>',
      'only public keys here (the .pub file ssh-keygen writes next to the private key); move the private key out of this folder and treat it as leaked if it was committed');
    return [];
  }
  lines.forEach((raw, i) => {
    const key = raw.trim();
    if (key === '' || key.startsWith('#')) return;
    if (!SSH_KEY.test(key)) {
      p.add(`${displayPath}:${i + 1}`, `${admin}.pub.key`, 'not an OpenSSH public key', key, 'one key per line such as "ssh-ed25519 AAAA... comment"; lines starting with # are comments');
      return;
    }
    keys.push(key);
  });
  if (keys.length === 0 && lines.every((l) => l.trim() === '' || l.trim().startsWith('#'))) {
    p.add(displayPath, `${admin}.pub`, 'no ssh public key in the file', [], 'one OpenSSH public key per line, such as "ssh-ed25519 AAAA... comment"');
  }
  return keys;
}

// ---------------------------------------------------------------------------
// parsing

interface Place { readonly what: string; readonly where: string }

interface HostEntry {
  readonly line: number;
  readonly name: string;
  readonly interface: string;
  readonly ip: string;
  readonly admin: string;
  readonly metadata: Map<string, string>;
  readonly containers: K3sContainerSpec[];
  /** The k3s.csv line of each of `containers`. */
  readonly containerLines: number[];
  server?: Place;
  agent?: Place;
}

interface ParsedNetwork {
  readonly name: string;
  readonly site: string;
  readonly subnet?: string;
  readonly cidr?: Cidr;
  readonly gateway?: string;
  readonly gatewayLine?: number;
  readonly nameservers?: readonly string[];
  readonly domain?: string;
  readonly k3sVersion?: string;
}

interface ParsedPlans {
  readonly files: PlanFiles;
  readonly network: ParsedNetwork;
  readonly hosts: readonly HostEntry[];
  /** Valid admin names in order of first use, with the first hosts.csv line naming them. */
  readonly admins: ReadonlyMap<string, number>;
}

/** A CSV row keyed by normalised column name. */
interface Row {
  readonly line: number;
  readonly malformed: boolean;
  readonly values: ReadonlyMap<string, string>;
  /** Columns beyond the required ones, with non-empty values, in header order. */
  readonly extra: readonly (readonly [string, string])[];
}

function norm(s: string): string {
  return s.trim().toLowerCase();
}

function defaultSecretsDir(plansDir: string): string {
  return path.join(plansDir, '..', 'secrets');
}

function keyFilePath(secretsDir: string, admin: string): string {
  return path.join(secretsDir, `${admin}.pub`);
}

function readText(file: string, name: string, create: string, p: ProblemCollector): string | undefined {
  const r = readInputText(file, file, name, INPUT_LIMITS.planFileBytes);
  if (r.problem) {
    const q = r.problem;
    if (q.value === 'ENOENT') p.add(file, name, 'file not found', file, create);
    else p.add(q.path, q.field, q.problem, q.value, q.allowed);
    return undefined;
  }
  return r.text;
}

function parsePlans(files: PlanFiles, out: ProblemCollector): ParsedPlans {
  // each file's problems are collected apart, then passed on in line order
  let p = new ProblemCollector();
  const flush = () => {
    out.addAll(inLineOrder(p.problems));
    p = new ProblemCollector();
  };
  const network = parseNetwork(files.network, p);
  flush();
  const ips = new Map<string, Place>();
  const names = new Map<string, Place>();
  if (network.gateway !== undefined && network.gatewayLine !== undefined) {
    ips.set(network.gateway, { what: 'the gateway', where: `${files.network.path}:${network.gatewayLine}` });
  }
  const checkIp = (file: PlanFile, kind: string, row: Row, owner: string) => {
    const ip = row.values.get('ip') ?? '';
    const at = `${file.path}:${row.line}`;
    const n = parseIPv4(ip);
    const inside = network.cidr ? `a dotted quad inside ${network.subnet}` : 'a dotted quad such as 10.0.100.2';
    if (n === undefined) {
      p.add(at, `${kind}.ip`, 'not an IPv4 address', ip, inside);
      return false;
    }
    if (network.cidr) {
      const wrong = subnetProblem(n, network.cidr);
      if (wrong) p.add(at, `${kind}.ip`, `${wrong} ${network.subnet}`, ip, hostRange(network.subnet!, network.cidr));
    }
    const prev = ips.get(ip);
    if (prev) p.add(at, `${kind}.ip`, `address already used by ${prev.what} (${prev.where})`, ip, 'give every host, k3s container and the gateway its own address');
    else ips.set(ip, { what: owner, where: at });
    return true;
  };
  const checkName = (file: PlanFile, kind: string, row: Row, what: string): string | undefined => {
    const name = row.values.get('name') ?? '';
    const at = `${file.path}:${row.line}`;
    if (!isDnsLabel(name)) {
      p.add(at, `${kind}.name`, 'not a DNS label', name, LABEL_RULE);
      return undefined;
    }
    const prev = names.get(name);
    if (prev) {
      p.add(at, `${kind}.name`, `name already used by ${prev.what} (${prev.where})`, name, 'hosts and k3s containers share one namespace: give each a name of its own');
      return undefined;
    }
    names.set(name, { what: `${what} ${name}`, where: at });
    return name;
  };
  const checkExtra = (file: PlanFile, kind: string, row: Row) => {
    for (const [column, value] of row.extra) {
      if (CONTROL.test(value)) p.add(`${file.path}:${row.line}`, `${kind}.${column}`, 'contains a control character', value, 'one line of text');
    }
  };

  // hosts.csv
  const { rows: hostRows, complete: hostsComplete } = readTable(files.hosts, HOSTS, HOST_COLUMNS, false, p);
  const hosts: HostEntry[] = [];
  const byName = new Map<string, HostEntry>();
  const knownHosts = new Set<string>();
  const admins = new Map<string, number>();
  for (const row of hostRows ?? []) {
    const candidate = row.values.get('name');
    if (candidate !== undefined) knownHosts.add(candidate);
    if (row.malformed) continue;
    const at = `${files.hosts.path}:${row.line}`;
    const name = checkName(files.hosts, HOSTS, row, 'host');
    const iface = row.values.get('interface')!;
    if (!INTERFACE.test(iface)) p.add(at, `${HOSTS}.interface`, 'not a network interface name', iface, INTERFACE_RULE);
    const ip = row.values.get('ip')!;
    checkIp(files.hosts, HOSTS, row, `host ${name ?? row.values.get('name')}`);
    const admin = row.values.get('admin')!;
    if (!ADMIN.test(admin) || admin === 'root') p.add(at, `${HOSTS}.admin`, 'not a valid admin user name', admin, ADMIN_RULE);
    else if (!admins.has(admin)) admins.set(admin, row.line);
    checkExtra(files.hosts, HOSTS, row);
    if (name === undefined) continue;
    const entry: HostEntry = { line: row.line, name, interface: iface, ip, admin, metadata: new Map(row.extra), containers: [], containerLines: [] };
    hosts.push(entry);
    byName.set(name, entry);
  }
  if (hostRows && hostRows.length === 0) {
    p.add(files.hosts.path, HOSTS, 'no hosts', [], 'one row per host after the header line');
  }

  flush();

  // k3s.csv
  const { rows: k3sRows, complete: k3sComplete } = readTable(files.k3s, K3S, K3S_COLUMNS, true, p);
  let init: Place | undefined;
  let firstServer: Place | undefined;
  let wellFormed = 0;
  for (const row of k3sRows ?? []) {
    if (row.malformed) continue;
    wellFormed++;
    const at = `${files.k3s.path}:${row.line}`;
    const hostName = row.values.get('host')!;
    const entry = byName.get(hostName);
    // after a fatal syntax error in hosts.csv its later hosts are unknown: no follow-on errors
    if (!entry && hostRows && hostsComplete && !knownHosts.has(hostName)) {
      p.add(at, `${K3S}.host`, 'unknown host', hostName, `a host named in ${HOSTS}${knownHosts.size > 0 ? ` (${[...knownHosts].join(', ')})` : ''}`);
    }
    const name = checkName(files.k3s, K3S, row, 'k3s container');
    const type = row.values.get('type')!;
    const known = (K3S_TYPES as readonly string[]).includes(type);
    if (!known) p.add(at, `${K3S}.type`, 'unknown k3s node type', type, `one of ${K3S_TYPES.join(', ')}`);
    const ipOk = checkIp(files.k3s, K3S, row, `k3s container ${name ?? row.values.get('name')}`);
    checkExtra(files.k3s, K3S, row);
    if (!known) continue;

    const role = type === 'agent' ? 'agent' : 'server';
    const place: Place = { what: name ?? row.values.get('name')!, where: at };
    if (type === 'init-server') {
      if (init) p.add(at, `${K3S}.type`, `second init-server (the first is ${init.what}, ${init.where})`, type, 'exactly one init-server, the server that initializes the cluster; make the others type server');
      else init = place;
    }
    if (role === 'server' && !firstServer) firstServer = place;
    if (entry) {
      const prev = role === 'server' ? entry.server : entry.agent;
      if (prev) p.add(at, `${K3S}.type`, `host ${entry.name} already runs a k3s ${role} (${prev.what}, ${prev.where})`, type, 'each host runs at most one k3s server and at most one k3s agent');
      else if (role === 'server') entry.server = place;
      else entry.agent = place;
    }
    if (!entry || name === undefined || !ipOk) continue;
    entry.containers.push({ name, role, ...(type === 'init-server' ? { init: true } : {}), ip: row.values.get('ip')! });
    entry.containerLines.push(row.line);
    for (const [column, value] of row.extra) {
      const key = `${name}.${column}`;
      if (entry.metadata.has(key)) {
        p.add(at, `${K3S}.${column}`, `metadata key ${key} of host ${entry.name} already set by ${HOSTS} line ${entry.line}`, value, `rename the ${HOSTS} column ${key}`);
      } else {
        entry.metadata.set(key, value);
      }
    }
  }
  if (k3sRows && k3sComplete && wellFormed > 0 && !init) {
    if (firstServer) p.add(firstServer.where, `${K3S}.type`, 'no init-server in k3s.csv', 'server', `make exactly one server (e.g. ${firstServer.what}) type init-server: it initializes the cluster`);
    else p.add(files.k3s.path, `${K3S}.type`, 'no init-server in k3s.csv', [], 'exactly one row of type init-server: the server that initializes the cluster');
  }

  flush();
  return { files, network, hosts, admins };
}

/** Problems sorted by the line in their path (`file:line`), stable; those without a line last. */
function inLineOrder(problems: readonly HomelabProblem[]): HomelabProblem[] {
  const line = (q: HomelabProblem) => {
    const m = /:(\d+)$/.exec(q.constructPath);
    return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
  };
  return problems.map((q, i) => ({ q, i, l: line(q) })).sort((a, b) => a.l - b.l || a.i - b.i).map((x) => x.q);
}

/** Why `ip` is not a host address of `cidr` ("outside subnet", ...), or undefined when it is one. */
function subnetProblem(ip: number, cidr: Cidr): string | undefined {
  if (isHostIn(ip, cidr)) return undefined;
  if (ip < cidr.network || ip >= cidr.network + cidr.size) return 'outside subnet';
  return ip === cidr.network ? 'the network address of subnet' : 'the broadcast address of subnet';
}

function hostRange(subnet: string, cidr: Cidr): string {
  if (cidr.prefix >= 31) return `an address inside ${subnet}`;
  return `an address inside ${subnet} (${formatIPv4(cidr.network + 1)}-${formatIPv4(cidr.network + cidr.size - 2)})`;
}

/** `hosts.csv.ip` for a named column, `hosts.csv.column5` for a field beyond the header or under an unnamed column. */
function columnField(kind: string, columns: readonly string[], index: number): string {
  const name = columns[index];
  return name ? `${kind}.${name}` : `${kind}.column${index + 1}`;
}

/**
 * Reads a plan CSV with its required columns; reports syntax, header and
 * field-count problems. Undefined when the header is unusable (rows are then not checked).
 */
function readTable(file: PlanFile, kind: string, required: readonly string[], emptyOk: boolean, p: ProblemCollector): { rows?: Row[]; complete: boolean } {
  const table = parseCsvTable(file.text);
  const complete = !table.fatal;
  if (table.rows.length > INPUT_LIMITS.planRows) {
    p.add(file.path, kind, `more rows than the limit of ${INPUT_LIMITS.planRows}`, table.rows.length, 'a plan within the documented input limits (README "Input limits")');
    return { complete: false };
  }
  return { rows: readRows(file, kind, required, emptyOk, p, table), complete };
}

function readRows(file: PlanFile, kind: string, required: readonly string[], emptyOk: boolean, p: ProblemCollector, table: CsvTable): Row[] | undefined {
  const header = table.header;
  const columns = header ? header.fields.map(norm) : [];
  const records: CsvRecord[] = header ? [header, ...table.rows] : [...table.rows];
  const headerRule = `a first line naming the columns ${required.join(', ')} (in any order; other columns are kept as metadata)`;

  for (const prob of table.problems) {
    const owner = [...records].reverse().find((r) => r.line <= prob.line);
    let field = kind;
    if (owner === header) field = `${kind}.header`;
    else if (prob.field !== undefined) field = columnField(kind, columns, prob.field);
    p.add(`${file.path}:${prob.line}`, field, prob.problem, prob.value, prob.allowed);
  }
  if (!header) {
    if (emptyOk) return [];
    p.add(file.path, `${kind}.header`, 'no header line', file.text, headerRule);
    return undefined;
  }
  if (header.malformed) return undefined;

  const at = `${file.path}:${header.line}`;
  let usable = true;
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c === '') {
      p.add(at, `${kind}.header`, `column ${i + 1} has no name`, header.fields, 'a name for every column (remove a trailing comma)');
      usable = false;
    } else if (CONTROL.test(c)) {
      p.add(at, `${kind}.header`, 'column name contains a control character', c, 'one line of text per column name');
      usable = false;
    } else if (seen.has(c)) {
      p.add(at, `${kind}.${c}`, 'duplicate column', c, 'name each column once');
      usable = false;
    }
    seen.add(c);
  });
  for (const c of required) {
    if (!seen.has(c)) {
      p.add(at, `${kind}.${c}`, 'missing required column', columns, headerRule);
      usable = false;
    }
  }
  if (!usable) return undefined;

  return table.rows.map((r) => {
    const values = new Map<string, string>();
    const extra: (readonly [string, string])[] = [];
    columns.forEach((c, i) => {
      if (i >= r.fields.length) return;
      const v = norm(r.fields[i]);
      values.set(c, v);
      if (!required.includes(c) && v !== '') extra.push([c, v]);
    });
    return { line: r.line, malformed: r.malformed, values, extra };
  });
}

/** Reads network.yaml; every problem names the key and, when the key is present, its line. */
function parseNetwork(file: PlanFile, p: ProblemCollector): ParsedNetwork {
  const fallback: ParsedNetwork = { name: 'homelab', site: 'home' };
  const lines = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lines, prettyErrors: false, schema: 'failsafe' });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  const where = (line: number | undefined) => (line === undefined ? file.path : `${file.path}:${line}`);
  /** An alias (`*name`) as the node it names, as the YAML library resolves it. */
  const deref = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);
  /** The failsafe schema reads every scalar as a string: an absent, empty or blank value is "no value". */
  const text = (raw: unknown): string | undefined => {
    const node = deref(raw);
    return isScalar(node) && typeof node.value === 'string' ? norm(node.value) : undefined;
  };
  const empty = (node: unknown): boolean => node === null || node === undefined || text(node) === '';
  /** A node's value for a message; aliases inside it stay `{ source }` (never expanded, so an alias bomb stays small). */
  const shown = (node: unknown): unknown => {
    try {
      return (node as Node | null | undefined)?.toJSON?.() ?? null;
    } catch {
      const range = (node as Node | null | undefined)?.range;
      return range ? file.text.slice(range[0], range[1]).trim() : null;
    }
  };
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = lines.linePos(err.pos[0]).line;
      const source = file.text.split(/\r\n|\r|\n/)[line - 1]?.trim() ?? '';
      const what = err.message.split('\n')[0].replace(/\.$/, '');
      p.add(where(line), NETWORK, `not valid YAML: ${what.charAt(0).toLowerCase()}${what.slice(1)}`, source, 'one "key: value" per line, list items as "- value"');
    }
    return fallback;
  }
  let aliases = 0;
  visit(doc, { Alias: () => { aliases++; } });
  if (aliases > INPUT_LIMITS.yamlAliases) {
    p.add(file.path, NETWORK, `more aliases than the limit of ${INPUT_LIMITS.yamlAliases}`, aliases, 'plain values; a network.yaml needs few or no aliases (*name)');
    return fallback;
  }
  const root = deref(doc.contents);
  if (root !== null && root !== undefined && !isMap(root)) {
    p.add(where(lineOf(root)), NETWORK, 'not a mapping of keys to values', shown(doc.contents), `keys ${NETWORK_KEYS.join(', ')}`);
    return fallback;
  }

  /** Normalised key -> [value node, line of the key]. */
  const entries = (map: unknown, prefix: string, allowed: readonly string[]) => {
    const out = new Map<string, { value: unknown; line?: number }>();
    if (!isMap(map)) return out;
    for (const pair of map.items) {
      const line = lineOf(pair.key);
      const key = text(pair.key);
      pair.value = deref(pair.value) as typeof pair.value;
      const field = `${NETWORK}.${prefix}${key ?? ''}`.replace(/\.$/, '');
      if (key === undefined || !allowed.includes(key)) {
        p.add(where(line), field, 'unknown key', key ?? shown(pair.key), `one of ${allowed.join(', ')}`);
      } else if (out.has(key)) {
        p.add(where(line), field, `duplicate key (first on line ${out.get(key)!.line})`, key, 'give each key once');
      } else {
        out.set(key, { value: pair.value, line });
      }
    }
    return out;
  };
  const top = entries(root, '', NETWORK_KEYS);

  /** A single scalar value, trimmed and lower-cased; problems for missing or non-scalar values. */
  const scalar = (key: string, what: string, required: boolean, source = top, prefix = ''): { value?: string; line?: number } => {
    const entry = source.get(key);
    const field = `${NETWORK}.${prefix}${key}`;
    const node = entry?.value;
    const line = lineOf(node) ?? entry?.line;
    if (entry === undefined || empty(node)) {
      if (required) p.add(where(entry?.line), field, 'missing', undefined, what);
      return { line };
    }
    const value = text(node);
    if (value === undefined) p.add(where(line), field, 'not a single value', shown(node), what);
    return { value, line };
  };

  const name = scalar('name', 'a DNS label naming the homelab, e.g. homelab', false);
  if (name.value !== undefined && !isDnsLabel(name.value)) p.add(where(name.line), `${NETWORK}.name`, 'not a DNS label', name.value, LABEL_RULE);
  const site = scalar('site', 'a DNS label naming the site, e.g. home', false);
  if (site.value !== undefined && !isDnsLabel(site.value)) p.add(where(site.line), `${NETWORK}.site`, 'not a DNS label', site.value, LABEL_RULE);

  const subnet = scalar('subnet', 'the network in CIDR form, e.g. 10.0.100.0/24', true);
  const cidr = subnet.value === undefined ? undefined : parseCidr(subnet.value);
  if (subnet.value !== undefined && !cidr) p.add(where(subnet.line), `${NETWORK}.subnet`, 'not an IPv4 network in CIDR form', subnet.value, 'a network address and prefix with the host bits zero, e.g. 10.0.100.0/24');

  const gateway = scalar('gateway', 'the router address inside the subnet, e.g. 10.0.100.1', true);
  let gatewayOk = false;
  if (gateway.value !== undefined) {
    const n = parseIPv4(gateway.value);
    if (n === undefined) {
      p.add(where(gateway.line), `${NETWORK}.gateway`, 'not an IPv4 address', gateway.value, 'a dotted quad such as 10.0.100.1');
    } else {
      gatewayOk = true;
      const wrong = cidr && subnetProblem(n, cidr);
      if (wrong) p.add(where(gateway.line), `${NETWORK}.gateway`, `${wrong} ${subnet.value}`, gateway.value, hostRange(subnet.value!, cidr!));
    }
  }

  const domain = scalar('domain', 'the DNS domain of the network, e.g. home.example.org', true);
  if (domain.value !== undefined && !isFqdn(domain.value)) p.add(where(domain.line), `${NETWORK}.domain`, 'not a DNS domain', domain.value, 'a domain of at least two labels, e.g. home.example.org');

  let nameservers: string[] | undefined;
  const ns = top.get('nameservers');
  if (ns && !empty(ns.value)) {
    const line = lineOf(ns.value) ?? ns.line;
    if (!isSeq(ns.value)) {
      p.add(where(line), `${NETWORK}.nameservers`, 'not a list', shown(ns.value), 'a list of IPv4 addresses, one "- address" per line');
    } else if (ns.value.items.length === 0) {
      p.add(where(line), `${NETWORK}.nameservers`, 'empty list', [], 'at least one IPv4 address, or leave the key out to use the gateway');
    } else {
      nameservers = [];
      ns.value.items.forEach((item, i) => {
        const itemLine = lineOf(item) ?? line;
        const value = text(item);
        if (value === undefined || parseIPv4(value) === undefined) {
          p.add(where(itemLine), `${NETWORK}.nameservers[${i}]`, 'not an IPv4 address', value ?? shown(item), 'a dotted quad such as 1.1.1.1');
        } else {
          nameservers!.push(value);
        }
      });
    }
  }

  let k3sVersion: string | undefined;
  const k3s = top.get('k3s');
  if (k3s && !empty(k3s.value)) {
    if (!isMap(k3s.value)) {
      p.add(where(lineOf(k3s.value) ?? k3s.line), `${NETWORK}.k3s`, 'not a mapping', shown(k3s.value), `keys ${K3S_KEYS.join(', ')}`);
    } else {
      const sub = entries(k3s.value, 'k3s.', K3S_KEYS);
      const version = scalar('version', 'a k3s release such as v1.30.4+k3s1', false, sub, 'k3s.');
      if (version.value !== undefined) {
        if (!K3S_VERSION.test(version.value)) p.add(where(version.line), `${NETWORK}.k3s.version`, 'not a k3s release', version.value, 'a tag of rancher/k3s such as v1.30.4+k3s1 or v1.30.4-k3s1');
        else k3sVersion = version.value.replace(/-k3s(\d+)$/, '+k3s$1');
      }
    }
  }

  return {
    name: name.value ?? fallback.name,
    site: site.value ?? fallback.site,
    ...(cidr ? { subnet: subnet.value, cidr } : {}),
    ...(gatewayOk ? { gateway: gateway.value, gatewayLine: gateway.line } : {}),
    ...(nameservers ? { nameservers } : {}),
    ...(domain.value !== undefined ? { domain: domain.value } : {}),
    ...(k3sVersion ? { k3sVersion } : {}),
  };
}

// ---------------------------------------------------------------------------
// building the inventory

/**
 * Turns parsed plans into the inventory; reports admins without keys.
 * `reported` lists admins whose key problem was already reported (an empty key file).
 */
function assemble(
  plans: ParsedPlans,
  sshKeys: Readonly<Record<string, readonly string[]>>,
  secretsDir: string,
  p: ProblemCollector,
  reported: ReadonlySet<string> = new Set(),
): Inventory {
  const admins: AdminSpec[] = [];
  for (const [admin, line] of plans.admins) {
    const keys = Object.prototype.hasOwnProperty.call(sshKeys, admin) ? sshKeys[admin] : undefined;
    const file = keyFilePath(secretsDir, admin);
    if (keys === undefined) {
      p.add(`${plans.files.hosts.path}:${line}`, `${HOSTS}.admin`, `no ssh key file for admin ${admin}`, admin, `create ${file} with the admin's OpenSSH public keys, one per line`);
    } else if (keys.length === 0 && !reported.has(admin)) {
      p.add(file, `${admin}.pub`, 'no ssh public key in the file', [], 'one OpenSSH public key per line, such as "ssh-ed25519 AAAA... comment"');
    }
    admins.push({ name: admin, sshKeys: [...(keys ?? [])], hashedPasswordSecret: `${admin}-password` });
  }

  const net = plans.network;
  const network: NetworkSpec = {
    name: NETWORK_NAME,
    cidr: net.subnet ?? '',
    gateway: net.gateway ?? '',
    domain: net.domain ?? '',
    ...(net.nameservers ? { nameservers: net.nameservers } : {}),
  };
  const hosts: HostSpec[] = plans.hosts.map((h) => ({
    name: h.name,
    network: NETWORK_NAME,
    ip: h.ip,
    interface: h.interface,
    kind: 'metal',
    admins: [h.admin],
    k3sContainers: h.containers,
    metadata: Object.fromEntries(h.metadata),
  }));
  const secrets: SecretSpec[] = [
    { name: TOKEN_SECRET, description: 'k3s cluster join token' },
    ...admins.map((a) => ({ name: a.hashedPasswordSecret!, description: `hashed password of admin ${a.name} (for sudo)` })),
  ];
  return {
    name: net.name,
    sites: [{ name: net.site, networks: [network], hosts }],
    admins,
    secrets,
    cluster: { tokenSecret: TOKEN_SECRET, ...(net.k3sVersion ? { k3sVersion: net.k3sVersion } : {}) },
  };
}
