/**
 * The floors: the cheapest way to turn already-resolved Kubernetes objects
 * into files. `yamlFloor` is a minimal, correct block-YAML writer (every
 * string value JSON-quoted, which is a valid YAML double-quoted scalar; keys
 * plain when safe). `jsonFloor` is JSON.stringify. Neither resolves tokens,
 * validates or builds constructs: they bound what any emitter can cost.
 */

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

function key(k: string): string {
  return PLAIN_KEY.test(k) && !RESERVED.has(k.toLowerCase()) ? k : JSON.stringify(k);
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  return String(v);
}

function isBlock(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length > 0;
  for (const _ in v) return true;
  return false;
}

/** `ind` is the indentation of this node's lines, `first` the prefix of its first line. */
function block(v: any, ind: string, first: string): string {
  let s = '';
  let pre = first;
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isBlock(item)) s += block(item, ind + '  ', pre + '- ');
      else s += pre + '- ' + scalar(item) + '\n';
      pre = ind;
    }
  } else {
    for (const k in v) {
      const item = v[k];
      if (item === undefined) continue;
      if (isBlock(item)) s += pre + key(k) + ':\n' + block(item, ind + '  ', ind + '  ');
      else s += pre + key(k) + ': ' + scalar(item) + '\n';
      pre = ind;
    }
  }
  return s;
}

/** A multi-document YAML file. */
export function yamlFloor(docs: readonly unknown[], header: string): string {
  let s = `# ${header}\n`;
  for (const d of docs) s += '---\n' + (isBlock(d) ? block(d, '', '') : scalar(d) + '\n');
  return s;
}

/** A JSON file (an array of the documents). */
export function jsonFloor(docs: readonly unknown[]): string {
  return JSON.stringify(docs) + '\n';
}
