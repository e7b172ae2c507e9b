/**
 * Provider docs (schemas/terraform) as attribute schemas, and checks of a
 * synthesized cdktf stack against them: every emitted key documented and
 * settable, every required argument present.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';

// ---------------------------------------------------------------------------
// Provider docs → documented attribute paths
// ---------------------------------------------------------------------------

/** One documented argument or attribute. */
export interface DocAttr {
  readonly required: boolean;
  readonly readOnly: boolean;
  /** `(Map of ...)`: its keys are user data, not attribute names. */
  readonly map: boolean;
}

/** Dotted path (`initialization.ip_config.ipv4.address`) → what the doc says about it. */
export type DocSchema = Map<string, DocAttr>;

export const SCHEMA_ROOT = path.join(__dirname, '..', '..', 'schemas', 'terraform');

/**
 * Reads one provider doc. Handles both layouts in `schemas/terraform`:
 * - tfplugindocs (`## Schema`, `### Required|Optional|Read-Only`,
 *   `### Nested Schema for \`a.b\``, flat bullets), used by Backblaze/b2;
 * - hand-written (`## Argument Reference` / `## Attribute Reference` with
 *   nesting by bullet indentation, `(Required)` in the text), used by bpg/proxmox.
 * Returns undefined for guides (no resource/provider title).
 */
export function parseDoc(md: string, providerDir: string): { key: string; schema: DocSchema } | undefined {
  const lines = md.split(/\r?\n/);
  let key: string | undefined;
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^# Resource: (\S+)\s*$/)) || (m = line.match(/^# (\S+) \(Resource\)\s*$/))) {
      key = `resource.${m[1]}`;
    } else if ((m = line.match(/^# Data Source: (\S+)\s*$/)) || (m = line.match(/^# (\S+) \(Data Source\)\s*$/))) {
      key = `data.${m[1]}`;
    } else if (/^# .+ Provider\s*$/.test(line)) {
      key = `provider.${providerDir}`;
    }
    if (key !== undefined) break;
  }
  if (key === undefined) return undefined;

  const schema: DocSchema = new Map();
  let inSection = false;
  let readOnlySection = false;
  let inFence = false;
  let prefix = '';
  let group: string | undefined;
  let stack: Array<{ indent: number; path: string }> = [];
  for (const line of lines) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^## (.+?)\s*$/))) {
      inSection = /^(Argument Reference|Attributes? Reference|Schema)$/.test(m[1]);
      readOnlySection = /^Attributes? Reference$/.test(m[1]);
      prefix = '';
      group = undefined;
      stack = [];
      continue;
    }
    if (!inSection) continue;
    if ((m = line.match(/^### (.+?)\s*$/))) {
      const nested = m[1].match(/^Nested Schema for `([^`]+)`/);
      prefix = nested ? nested[1] : '';
      group = nested ? undefined : m[1];
      stack = [];
      continue;
    }
    if ((m = line.match(/^(Required|Optional|Read-Only):\s*$/))) {
      group = m[1];
      continue;
    }
    m = line.match(/^(\s*)[-*] `([A-Za-z_][A-Za-z0-9_]*)`(.*)$/);
    if (!m) continue;
    const indent = m[1].length;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack.length > 0 ? stack[stack.length - 1].path : prefix;
    const attrPath = parent ? `${parent}.${m[2]}` : m[2];
    const rest = m[3];
    if (!schema.has(attrPath)) {
      schema.set(attrPath, {
        required: group !== undefined ? group === 'Required' : /\(Required\)/.test(rest),
        readOnly: readOnlySection || group === 'Read-Only',
        map: /\(Map of /.test(rest),
      });
    }
    stack.push({ indent, path: attrPath });
  }
  return { key, schema };
}

export function loadDocs(): Map<string, DocSchema> {
  const docs = new Map<string, DocSchema>();
  for (const dir of fs.readdirSync(SCHEMA_ROOT).sort()) {
    const full = path.join(SCHEMA_ROOT, dir);
    if (!fs.statSync(full).isDirectory()) continue;
    for (const file of fs.readdirSync(full).filter((f) => f.endsWith('.md')).sort()) {
      const parsed = parseDoc(fs.readFileSync(path.join(full, file), 'utf8'), dir);
      if (parsed) docs.set(parsed.key, parsed.schema);
    }
  }
  return docs;
}

export const DOCS = loadDocs();

export function docFor(key: string): DocSchema {
  const schema = DOCS.get(key);
  if (!schema) throw new Error(`no doc for ${key} in ${SCHEMA_ROOT}`);
  return schema;
}

// ---------------------------------------------------------------------------
// Checker: synthesized body vs documented names
// ---------------------------------------------------------------------------

/** Keys cdktf adds itself (meta-arguments, metadata); not provider attributes. */
export const META_KEYS = ['//', 'alias', 'count', 'connection', 'depends_on', 'for_each', 'lifecycle', 'provider', 'provisioner'];

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every key (recursively, through nested blocks) that is not a documented, settable argument. */
export function undocumentedKeys(schema: DocSchema, body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (!prefix && META_KEYS.includes(k)) continue;
      const p = prefix ? `${prefix}.${k}` : k;
      const doc = schema.get(p);
      if (!doc) {
        problems.push(`${p}: not documented`);
        continue;
      }
      if (doc.readOnly) {
        problems.push(`${p}: read-only attribute`);
        continue;
      }
      if (doc.map) continue;
      for (const e of Array.isArray(v) ? v : [v]) {
        if (isPlainObject(e)) walk(e, p);
      }
    }
  };
  walk(body, '');
  return problems;
}

/** Every documented required argument missing from an emitted object (top level and each block). */
export function missingRequired(schema: DocSchema, body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [p, doc] of schema) {
      const parent = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
      const name = p.slice(p.lastIndexOf('.') + 1);
      if (parent === prefix && doc.required && !doc.readOnly && !(name in obj)) {
        problems.push(`${p}: required but missing`);
      }
    }
    for (const [k, v] of Object.entries(obj)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (!schema.has(p) || schema.get(p)!.map) continue;
      for (const e of Array.isArray(v) ? v : [v]) {
        if (isPlainObject(e)) walk(e, p);
      }
    }
  };
  walk(body, '');
  return problems;
}

/** Every key path in a body (through nested blocks, not into documented maps). */
export function emittedPaths(schema: DocSchema, body: Record<string, unknown>): string[] {
  const paths = new Set<string>();
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (!prefix && META_KEYS.includes(k)) continue;
      const p = prefix ? `${prefix}.${k}` : k;
      paths.add(p);
      if (schema.get(p)?.map) continue;
      for (const e of Array.isArray(v) ? v : [v]) {
        if (isPlainObject(e)) walk(e, p);
      }
    }
  };
  walk(body, '');
  return [...paths].sort();
}

export function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

/** Every (doc key, body) pair of a synthesized stack: providers and resources. */
export function bodies(out: any): Array<{ docKey: string; label: string; body: Record<string, unknown> }> {
  const result: Array<{ docKey: string; label: string; body: Record<string, unknown> }> = [];
  for (const [name, blocks] of Object.entries<any[]>(out.provider ?? {})) {
    blocks.forEach((b, i) => result.push({ docKey: `provider.${name}`, label: `provider.${name}[${i}]`, body: b }));
  }
  for (const [type, byName] of Object.entries<Record<string, any>>(out.resource ?? {})) {
    for (const [name, b] of Object.entries(byName)) {
      result.push({ docKey: `resource.${type}`, label: `${type}.${name}`, body: b });
    }
  }
  return result;
}

