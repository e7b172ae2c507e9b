import * as fs from 'fs';
import * as path from 'path';
import { HomelabProblem } from '../../lib/core/errors';

const LIB = path.resolve(__dirname, '../../lib');
/** The one error module: whatever file defines the problem factory (it moves with the re-layout). */
const ERROR_MODULE = require.resolve('../../lib/core/errors');

/**
 * `Error(`, `new Error(`, `TypeError(`, …: an error built by hand. Problems are built by the factory
 * (`problem`, `fail`, `bug`, `ProblemCollector`), file-system-like errors by `fileSystemError`.
 */
const HAND_BUILT = /(?<![\w$.])(?:Type|Range|Syntax|Reference|Eval|URI)?Error\s*\(/;

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** `file:line: text` of every hand-built error in `files` (comment lines skipped). */
export function handBuiltErrors(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (file === ERROR_MODULE) continue;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const code = line.trim();
      if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
      if (HAND_BUILT.test(code.replace(/\/\/.*$/, ''))) found.push(`${path.relative(path.resolve(LIB, '..'), file)}:${i + 1}: ${code}`);
    });
  }
  return found;
}

describe('one error path', () => {
  test('no file in lib/ builds an error by hand; every problem comes from the error module', () => {
    // GIVEN every TypeScript file of the library
    const files = tsFiles(LIB);
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain(ERROR_MODULE);
    // WHEN looking for errors built outside the error module
    const found = handBuiltErrors(files);
    // THEN there is none (each is listed as file:line, to be built with problem()/fail()/bug())
    expect(found).toEqual([]);
  });

  test('fails on a hand-built error, naming its file and line', () => {
    // GIVEN a library file that throws a hand-built error, and one that only mentions one in a comment
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'error-path-'));
    const bad = path.join(dir, 'bad.ts');
    fs.writeFileSync(bad, "export function f(): void {\n  // new Error('in a comment is fine')\n  throw new Error('x');\n}\nconst g = () => TypeError('y');\n");
    // WHEN scanning them
    const found = handBuiltErrors([bad]).map((f) => f.replace(/^.*bad\.ts/, 'bad.ts'));
    fs.rmSync(dir, { recursive: true, force: true });
    // THEN both throw sites are named by line, the comment is not
    expect(found).toEqual(["bad.ts:3: throw new Error('x');", "bad.ts:5: const g = () => TypeError('y');"]);
  });

  test('the factory builds the house format, never an empty "one of []"', () => {
    // GIVEN the factory and an empty list of choices
    const { problem, oneOf } = require('../../lib/core/errors') as typeof import('../../lib/core/errors');
    // WHEN building problems with and without choices
    const some = problem('home/web', 'ClusterApp.database.volume', 'unknown volume', 'db', oneOf(['data'], 'the app has no volume'));
    const none = problem('home/web', 'ClusterApp.database.volume', 'unknown volume', 'db', oneOf([], 'the app has no volume: add one to volumes'));
    // THEN both read [path] Class.field: what (got value); allowed
    expect(some).toBeInstanceOf(HomelabProblem);
    expect(some.message).toBe('[home/web] ClusterApp.database.volume: unknown volume (got "db"); one of ["data"]');
    expect(none.message).toBe('[home/web] ClusterApp.database.volume: unknown volume (got "db"); the app has no volume: add one to volumes');
  });
});

describe('constructProblems', () => {
  test('reports our checks with their own field, value and what is allowed, and any other validation in its own words', () => {
    // GIVEN a construct with one of our structured checks and one plain cdk validation
    const { Construct, RootConstruct } = require('constructs') as typeof import('constructs');
    const { addProblemValidation, constructProblems, problem } = require('../../lib/core/errors') as typeof import('../../lib/core/errors');
    class Web extends Construct {}
    const root = new RootConstruct('home');
    const web = new Web(root, 'web');
    addProblemValidation(web, () => [problem(web.node.path, 'ClusterApp.database.volume', 'unknown volume', 'db', 'one of ["data"]')]);
    web.node.addValidation({ validate: () => ['needs at least one container'] });
    // WHEN collecting the problems of the tree
    const messages = constructProblems(root).map((p) => p.message);
    // THEN ours is exactly the problem we built, the other is shown as it is, nothing is made up around either
    expect(messages).toEqual([
      '[home/web] ClusterApp.database.volume: unknown volume (got "db"); one of ["data"]',
      '[home/web] Web: needs at least one container',
    ]);
    expect(messages.join('\n')).not.toMatch(/see the construct documentation|one of \[\]/);
  });
});
