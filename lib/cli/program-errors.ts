/**
 * The user's own errors, with their own file:line, first. Source maps are off
 * while the program runs (cdktf captures a stack per token, and mapping them
 * is slow), and tsx then compiles without a map, so a stack names lines of
 * the compiled code. Here tsx compiles the user's files (not the library, not
 * node_modules) with an inline map, which is kept; it runs with maps off; an
 * error's frames in those files are mapped back on the way out. A syntax
 * error is esbuild's message at its file:line:col, without esbuild's stack.
 */
import * as fs from 'fs';
import * as path from 'path';

/** base64 source maps of the user's files, by file name. */
const maps = new Map<string, string>();
let installed = false;
let libraryDirs: readonly string[] = [];

/** A file of the user's program: not the library's own, not a package. */
function isUserFile(file: string): boolean {
  return path.isAbsolute(file) && !file.split(path.sep).includes('node_modules') && !libraryDirs.some((d) => file.startsWith(d + path.sep));
}

/**
 * Keeps the source maps of the user's files as tsx compiles them (call after
 * tsx registers; `library` are the folders of this library's own code).
 */
export function trackProgramSourceMaps(library: readonly string[]): void {
  if (installed) return;
  installed = true;
  libraryDirs = library.map((d) => path.resolve(d));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const Module = require('module') as { _extensions: Record<string, (m: unknown, f: string) => void>; prototype: { _compile: (code: string, f: string) => unknown } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const ext of ['.ts', '.tsx', '.mts', '.cts']) {
    const load = Module._extensions[ext];
    if (!load) continue;
    Module._extensions[ext] = function (m, file) {
      if (!isUserFile(file)) return load.call(this, m, file);
      // tsx writes an inline map only while source maps are on
      const was = process.sourceMapsEnabled;
      process.setSourceMapsEnabled(true);
      try { return load.call(this, m, file); } finally { process.setSourceMapsEnabled(was); }
    };
  }
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (code: string, file: string) {
    if (!isUserFile(file)) return compile.call(this, code, file);
    const map = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
    if (map) maps.set(file, map[1]);
    // the program itself runs with maps off (Node neither caches nor applies them)
    const was = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try { return compile.call(this, code, file); } finally { process.setSourceMapsEnabled(was); }
  };
}

/** `file:line:col` in the user's source for a position in its compiled code (1-based). */
function mapPosition(file: string, line: number, column: number): string {
  const payload = maps.get(file);
  if (payload === undefined) return `${file}:${line}:${column}`;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { SourceMap } = require('module') as typeof import('module');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const entry = new SourceMap(JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))).findEntry(line - 1, column - 1) as { originalLine?: number; originalColumn?: number };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return `${file}:${line}:${column}`;
  return `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

const FRAME = /^\s+at (?:(.*?) \()?(\/[^()]*?):(\d+):(\d+)\)?$/;
const ESBUILD_ERROR = /^(\/.*?):(\d+):(\d+): ERROR: (.*)$/;

/**
 * The user's error as they should read it first: for a syntax error, each of
 * esbuild's errors as `file:line:col: what` with the line and a caret; for an
 * error thrown while their program ran, `file:line:col: Name: message` at the
 * innermost frame in their files, then their frames. `undefined` when the
 * error did not come from a file of theirs.
 */
export function describeProgramError(e: unknown): string | undefined {
  const err = e as Error | undefined;
  if (typeof err?.message !== 'string') return undefined;
  if (err.message.startsWith('Transform failed with')) {
    const out: string[] = [];
    for (const line of err.message.split('\n')) {
      const m = ESBUILD_ERROR.exec(line);
      if (!m) continue;
      const [, file, ln, col, text] = m;
      // esbuild counts columns from 0; editors and stack traces from 1
      out.push(`${file}:${ln}:${Number(col) + 1}: ${text}`);
      let source: string | undefined;
      try { source = fs.readFileSync(file, 'utf8').split('\n')[Number(ln) - 1]; } catch { source = undefined; }
      if (source !== undefined && source.length <= 200) out.push(`    ${source}`, `    ${' '.repeat(Number(col))}^`);
    }
    return out.length > 0 ? out.join('\n') : undefined;
  }
  const frames: { where: string; fn?: string }[] = [];
  for (const line of (typeof err.stack === 'string' ? err.stack : '').split('\n')) {
    const m = FRAME.exec(line);
    if (!m || !isUserFile(m[2])) continue;
    // the module wrapper's frame repeats the top-level line the frame before it names
    if (m[1] === 'Object.<anonymous>' && frames.length > 0) continue;
    frames.push({ where: mapPosition(m[2], Number(m[3]), Number(m[4])), fn: m[1] && !m[1].includes('<anonymous>') ? m[1] : undefined });
  }
  if (frames.length === 0) return undefined;
  const head = `${frames[0].where}: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}`;
  return [head, ...frames.map((f) => `    at ${f.fn ? `${f.fn} (${f.where})` : f.where}`)].join('\n');
}
