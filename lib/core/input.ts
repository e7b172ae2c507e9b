/**
 * Reading what a user hands a command (plan files, `uci export`, NDM's JSON, the lock):
 * a size limit checked before reading, UTF-8 checked byte for byte, and every failure as
 * one problem in the house format with the file (and line, and byte offset) instead of a
 * stack trace or silently replaced characters.
 */
import * as fs from 'fs';

/**
 * Input limits, far above a real homelab and far below what exhausts memory; each is
 * checked before the work it bounds (README "Input limits").
 */
export const INPUT_LIMITS = {
  /** Bytes of one plan file (`hosts.csv`, `k3s.csv`, `network.yaml`, `<admin>.pub`). */
  planFileBytes: 8 * 1024 * 1024,
  /** Data rows of `hosts.csv`, and of `k3s.csv`. */
  planRows: 20_000,
  /** Bytes of the `uci export` that `router diff` reads. */
  routerExportBytes: 32 * 1024 * 1024,
  /** Sections in that export. */
  routerSections: 200_000,
  /** Bytes of NDM's BlockDevice list, and of the storage lock. */
  jsonBytes: 64 * 1024 * 1024,
  /** YAML aliases in `network.yaml`. */
  yamlAliases: 100,
} as const;

/** One problem with an input file, in the terms of the error catalog. */
export interface InputProblem {
  /** `file`, or `file:line` when there is a line. */
  readonly path: string;
  readonly field: string;
  readonly problem: string;
  readonly value: unknown;
  readonly allowed: string;
}

export type InputText = { readonly text: string; readonly problem?: undefined } | { readonly text?: undefined; readonly problem: InputProblem };

/** What an errno means, and what to do about it, in the user's terms. */
export function describeFsError(e: unknown): { readonly what: string; readonly todo: string } {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return { what: 'file not found', todo: 'check the path' };
    case 'EISDIR': return { what: 'a folder, not a file', todo: 'name the file itself' };
    case 'ENOTDIR': return { what: 'a path through something that is not a folder', todo: 'check the path' };
    case 'EACCES': case 'EPERM': return { what: 'permission denied', todo: 'make it readable (and its folder writable) for this user' };
    case 'ENOSPC': return { what: 'no space left on the device', todo: 'free some space and run again; nothing was changed' };
    case 'EDQUOT': return { what: 'disk quota exceeded', todo: 'free some space and run again; nothing was changed' };
    case 'EROFS': return { what: 'read-only file system', todo: 'write somewhere writable' };
    default: return { what: `cannot be read or written (${code ?? String(e)})`, todo: 'check the file and run again' };
  }
}

/**
 * The first byte that is not part of valid UTF-8, or -1. Node's decoder replaces such bytes
 * with U+FFFD; re-encoding the decoded text gives back the input up to the first one.
 */
export function firstInvalidUtf8(buf: Buffer, text = buf.toString('utf8')): number {
  if (!text.includes('\uFFFD')) return -1;
  const again = Buffer.from(text, 'utf8');
  if (again.equals(buf)) return -1;
  let i = 0;
  while (i < buf.length && i < again.length && buf[i] === again[i]) i++;
  return i;
}

/**
 * Reads a text file (or stdin for `fd` 0) of at most `maxBytes`, as UTF-8. A folder, a missing
 * file, a file over the limit and invalid UTF-8 are problems naming `display` (with the line
 * and byte offset of the first bad byte).
 */
export function readInputText(file: string | 0, display: string, field: string, maxBytes: number): InputText {
  const fail = (problem: string, value: unknown, allowed: string, line?: number): InputText =>
    ({ problem: { path: line === undefined ? display : `${display}:${line}`, field, problem, value, allowed } });
  let buf: Buffer;
  try {
    if (file !== 0) {
      const st = fs.statSync(file);
      if (st.isDirectory()) return fail('a folder, not a file', display, 'name the file itself');
      if (st.size > maxBytes) return fail(`larger than the limit of ${formatBytes(maxBytes)}`, `${st.size} bytes`, 'a file within the documented input limits (README "Input limits"); split it, or check that it is the right file');
    }
    buf = fs.readFileSync(file);
  } catch (e) {
    const { what, todo } = describeFsError(e);
    return fail(what, (e as NodeJS.ErrnoException).code ?? String(e), todo);
  }
  if (buf.length > maxBytes) return fail(`larger than the limit of ${formatBytes(maxBytes)}`, `${buf.length} bytes`, 'input within the documented input limits (README "Input limits")');
  const text = buf.toString('utf8');
  const bad = firstInvalidUtf8(buf, text);
  if (bad >= 0) {
    let line = 1;
    let lineStart = 0;
    for (let i = buf.indexOf(10); i !== -1 && i < bad; i = buf.indexOf(10, i + 1)) { line++; lineStart = i + 1; }
    return fail(`not UTF-8: byte 0x${buf[bad].toString(16).padStart(2, '0')} at byte offset ${bad} (column ${bad - lineStart + 1} in bytes)`, `0x${buf[bad].toString(16).padStart(2, '0')}`, 'UTF-8 text; convert it first, e.g. iconv -f latin1 -t utf-8', line);
  }
  return { text };
}

/** `8 MiB`, `32 MiB`. */
export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}
