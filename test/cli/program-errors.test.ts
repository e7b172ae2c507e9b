/**
 * A broken homelab program (issue 20 item 9): the user's own error is the first thing they read,
 * at their own file:line:col, without HOMELAB_DEBUG; a syntax error is esbuild's message at its
 * position, not esbuild's stack.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-program-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `homelab synth` on `app` in `dir`, without HOMELAB_DEBUG. */
function synth(app: string, env: NodeJS.ProcessEnv = {}): { status: number | null; lines: string[]; stderr: string } {
  const { HOMELAB_DEBUG: _debug, ...rest } = process.env;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/homelab.js'), 'synth', '--app', app, '--out', path.join(dir, 'out')],
    { cwd: dir, encoding: 'utf8', env: { ...rest, ...env } });
  return { status: r.status, lines: r.stderr.split('\n'), stderr: r.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('homelab synth on a program that fails', () => {
  test('fails with the thrown error first, at the TypeScript line that threw', () => {
    // GIVEN a program whose types and comments make its compiled lines differ from the source
    const app = write('main.ts', [
      "import { check } from './check';", // 1
      '', // 2
      '/** A comment the compiler drops. */', // 3
      'interface Options { readonly n: number }', // 4
      'const options: Options = { n: 3 };', // 5
      'check(options.n);', // 6
      '',
    ].join('\n'));
    const check = write('check.ts', [
      'export type Size = number;', // 1
      '', // 2
      'export function check(n: Size): void {', // 3
      '  if (n > 2) {', // 4
      '    throw new RangeError(`n too big: ${n}`);', // 5
      '  }', // 6
      '}', // 7
      '',
    ].join('\n'));
    // WHEN synthesizing it
    const r = synth(app);
    // THEN it exits 1 and the first line after the summary is the error at check.ts:5, then the caller at main.ts:6
    expect(r.status).toBe(1);
    expect(r.lines[0]).toBe('homelab: synth failed; nothing was written');
    expect(r.lines[1]).toBe(`  ${check}:5:11: RangeError: n too big: 3`);
    expect(r.lines[2]).toBe(`      at check (${check}:5:11)`);
    expect(r.lines[3]).toMatch(new RegExp(`^      at ${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:1$`));
    // AND nothing of tsx, esbuild, node or the library's stack
    expect(r.stderr).not.toMatch(/node_modules|node:internal|lib\/cli/);
  });

  test('fails with esbuild\'s message at file:line:col on a syntax error, without its stack', () => {
    // GIVEN a program with a syntax error on line 4
    const app = write('main.ts', 'const a = 1;\n\nconst b = {\n  c: a,,\n};\n');
    // WHEN synthesizing it
    const r = synth(app);
    // THEN the first line after the summary is esbuild's message at line 4, column 8 (the second ","), with the line and a caret
    expect(r.status).toBe(1);
    expect(r.lines[1]).toBe(`  ${app}:4:8: Expected identifier but found ","`);
    expect(r.lines[2]).toBe('        c: a,,');
    expect(r.lines[3]).toBe('             ^');
    expect(r.stderr).not.toMatch(/node_modules|esbuild|Transform failed|^\s+at /m);
  });

  test('fails with the user\'s error first with HOMELAB_DEBUG=1 too, the full stack after it', () => {
    // GIVEN a syntax error WHEN synthesizing it with HOMELAB_DEBUG=1
    const app = write('main.ts', 'const a = 1;\nconst b = ;\n');
    const r = synth(app, { HOMELAB_DEBUG: '1' });
    // THEN esbuild's message comes first, the stack after
    expect(r.lines[1]).toBe(`  ${app}:2:11: Unexpected ";"`);
    expect(r.stderr).toMatch(/Transform failed/);
  });
});
