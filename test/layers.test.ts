/**
 * The layers of `lib/` point one way (README, "A short tour of lib/"): every import of every file
 * under `lib/` (static `import`, `export … from`, `import x = require()`, `require()`, dynamic
 * `import()` and `typeof import()`) is read with the TypeScript parser, each file is mapped to its
 * layer by its top folder, and an import must stay in the file's own folder or go to a lower layer.
 * Sideways between two folders of the same layer (nix/ -> uci/) is not allowed either.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const LIB = path.resolve(__dirname, '..', 'lib');

/** Top folders of lib/, lowest layer first; folders on one line are one layer (L1: the serializers). */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['nix', 'uci', 'k8s', 'terraform'],
  ['model'],
  ['constructs'],
  ['synth'],
  ['homelab'],
  ['cli'],
  ['index.ts'],
];

interface Edge {
  readonly from: string;
  readonly line: number;
  readonly spec: string;
  /** Resolved target, relative to the lib root; undefined when it does not resolve to a file. */
  readonly to?: string;
}

/** Every relative module specifier of one source file, with its line. */
function importsOf(file: string, text: string): { spec: string; line: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: { spec: string; line: number }[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ spec: node.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.arguments.length > 0
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourcesUnder(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourcesUnder(root, p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path.relative(root, p)] : [];
  });
}

/** The file a relative specifier names, as `import` resolves it (`x.ts`, `x/index.ts`, or a file with its extension). */
function resolve(root: string, from: string, spec: string): string | undefined {
  const base = path.join(path.dirname(path.join(root, from)), spec);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(root, candidate);
  }
  return undefined;
}

/** Every relative import of every source file under `root`. Package imports (`cdk8s`, `fs`) are not edges. */
function edgesOf(root: string): Edge[] {
  return sourcesUnder(root).flatMap((from) => importsOf(from, fs.readFileSync(path.join(root, from), 'utf8'))
    .filter((i) => i.spec.startsWith('.'))
    .map((i) => ({ from, line: i.line, spec: i.spec, to: resolve(root, from, i.spec) })));
}

/**
 * Reads of a property `inventory` (`model.inventory.cluster`, `props.inventory`) past lib/model/: the
 * raw input is read by validation and derivation only; Homelab's constructor hands it to them.
 */
function inventoryReads(root: string, allowed: readonly string[] = [path.join('homelab', 'homelab.ts')]): string[] {
  return sourcesUnder(root).filter((f) => topOf(f) !== 'model' && !allowed.includes(f)).flatMap((file) => {
    const sf = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const out: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && node.name.text === 'inventory') {
        out.push(`lib/${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1} reads ${node.getText(sf)} past derive`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    return out;
  });
}

/** Every import cycle between files (strongly connected components of more than one file), each as `a -> b -> a`. */
function cyclesOf(root: string): string[] {
  const next = new Map<string, string[]>();
  for (const e of edgesOf(root)) if (e.to !== undefined && e.to !== e.from) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's algorithm
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push([...scc.sort(), scc[0]].map((f) => `lib/${f}`).join(' -> '));
    }
  };
  for (const f of sourcesUnder(root).sort()) if (!index.has(f)) visit(f);
  return cycles;
}

/** The top folder of a file (its layer's folder), or the file itself at the root (`index.ts`). */
const topOf = (file: string): string => file.split(path.sep)[0];
const rankOf = (top: string): number => LAYERS.findIndex((l) => l.includes(top));

/** Each edge that breaks the layering, as one readable line. */
function violations(root: string): string[] {
  const out: string[] = [];
  for (const file of sourcesUnder(root)) {
    if (rankOf(topOf(file)) < 0) out.push(`lib/${file}: in no layer (put it under one of ${LAYERS.flat().join(', ')}, or add its folder to LAYERS)`);
  }
  for (const e of edgesOf(root)) {
    const at = `lib/${e.from}:${e.line}`;
    if (e.to === undefined) {
      out.push(`${at} imports ${JSON.stringify(e.spec)}, which is no file under lib/ (outside lib/ or missing)`);
      continue;
    }
    if (e.to.startsWith('..')) {
      out.push(`${at} imports ${JSON.stringify(e.spec)}, outside lib/`);
      continue;
    }
    const [a, b] = [topOf(e.from), topOf(e.to)];
    if (a === b) continue;
    const [ra, rb] = [rankOf(a), rankOf(b)];
    if (ra < 0 || rb < 0) continue; // reported above
    if (rb > ra) out.push(`${at} (${a}) -> lib/${e.to} (${b}): points up a layer`);
    else if (rb === ra) out.push(`${at} (${a}) -> lib/${e.to} (${b}): sideways between two folders of one layer`);
  }
  return out;
}

describe('the layers of lib/', () => {
  test('every import stays in its folder or points down a layer', () => {
    // GIVEN lib/ as it is
    // WHEN every import is mapped to the layers of its two ends
    const bad = violations(LIB);
    // THEN none points up or sideways (each offending edge is printed)
    expect(bad.join('\n')).toBe('');
  });

  test('no two files import each other, directly or around a loop', () => {
    expect(cyclesOf(LIB).join('\n')).toBe('');
  });

  test('past lib/model/, only Homelab\'s constructor reads the inventory (to validate and derive it)', () => {
    expect(inventoryReads(LIB).join('\n')).toBe('');
  });

  test('reads every kind of import: the edges of lib/ include index.ts re-exports and the CLI\'s lazy requires', () => {
    const edges = edgesOf(LIB);
    expect(edges.length).toBeGreaterThan(200);
    // `export * from` (index.ts) and `require('…') as typeof import('…')` (cli/command.ts)
    expect(edges.some((e) => e.from === 'index.ts' && e.to === path.join('homelab', 'homelab.ts'))).toBe(true);
    expect(edges.some((e) => e.from === path.join('cli', 'command.ts') && e.to === path.join('cli', 'bring-up.ts'))).toBe(true);
  });

  describe('fails on', () => {
    let root: string;
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'homelab-layers-'));
      write('core/errors.ts', 'export const E = 1;\n');
      write('homelab/homelab.ts', "import { E } from '../core/errors';\nexport const H = E;\n");
      write('model/derive.ts', "export const D = 1;\n");
      write('cli/command.ts', "export async function main() { const { H } = await import('../homelab/homelab'); return H; }\n");
      write('index.ts', "export * from './homelab/homelab';\n");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    test('nothing in a tree that points down only', () => {
      expect(violations(root)).toEqual([]);
    });

    test.each([
      ['a static import', "import { H } from '../homelab/homelab';\n", 'lib/core/errors.ts:1 (core) -> lib/homelab/homelab.ts (homelab): points up a layer'],
      ['an export … from', "export { H } from '../homelab/homelab';\n", 'lib/core/errors.ts:1 (core) -> lib/homelab/homelab.ts (homelab): points up a layer'],
      ['a require()', "const x = 1;\nconst { H } = require('../homelab/homelab');\n", 'lib/core/errors.ts:2 (core) -> lib/homelab/homelab.ts (homelab): points up a layer'],
      ['a dynamic import()', "export const h = () => import('../cli/command');\n", 'lib/core/errors.ts:1 (core) -> lib/cli/command.ts (cli): points up a layer'],
      ['a typeof import() type', "export type H = typeof import('../homelab/homelab');\n", 'lib/core/errors.ts:1 (core) -> lib/homelab/homelab.ts (homelab): points up a layer'],
      ['an import = require()', "import h = require('../homelab/homelab');\nexport const x = h;\n", 'lib/core/errors.ts:1 (core) -> lib/homelab/homelab.ts (homelab): points up a layer'],
    ])('%s pointing up', (_what, text, expected) => {
      // GIVEN core/ importing a higher layer
      write('core/errors.ts', text);
      // THEN the edge is reported with file:line and both layers
      expect(violations(root)).toEqual([expected]);
    });

    test('an import sideways between two L1 serializers', () => {
      write('nix/value.ts', "import { S } from '../uci/section';\nexport const V = S;\n");
      write('uci/section.ts', 'export const S = 1;\n');
      expect(violations(root)).toEqual(['lib/nix/value.ts:1 (nix) -> lib/uci/section.ts (uci): sideways between two folders of one layer']);
    });

    test('a file in no layer, and an import out of lib/', () => {
      write('misc.ts', "import '../apps/main';\n");
      expect(violations(root)).toEqual([
        'lib/misc.ts: in no layer (put it under one of core, nix, uci, k8s, terraform, model, constructs, synth, homelab, cli, index.ts, or add its folder to LAYERS)',
        'lib/misc.ts:1 imports "../apps/main", which is no file under lib/ (outside lib/ or missing)',
      ]);
    });

    test('a cycle inside one layer (model/derive.ts <-> model/backup.ts)', () => {
      write('model/derive.ts', "import { B } from './backup';\nexport const D = B;\n");
      write('model/backup.ts', "import type { D } from './derive';\nexport const B = 1;\nexport type X = typeof D;\n");
      expect(violations(root)).toEqual([]);
      expect(cyclesOf(root)).toEqual(['lib/model/backup.ts -> lib/model/derive.ts -> lib/model/backup.ts']);
    });

    test('a read of the raw inventory past derive', () => {
      write('homelab/stack.ts', "export const f = (model: any) => model.inventory.dns;\n");
      expect(inventoryReads(root)).toEqual(['lib/homelab/stack.ts:1 reads model.inventory past derive']);
    });

    test('the model importing a construct (the props feed constructs, never the other way)', () => {
      write('model/derive.ts', "import { C } from '../constructs/cluster-app';\nexport const D = C;\n");
      write('constructs/cluster-app.ts', 'export const C = 1;\n');
      expect(violations(root)).toEqual(['lib/model/derive.ts:1 (model) -> lib/constructs/cluster-app.ts (constructs): points up a layer']);
    });
  });
});
