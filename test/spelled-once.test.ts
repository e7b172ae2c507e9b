/**
 * Facts that lib/ once wrote in two or three places, each of which could drift: now each is
 * written once and used by name. Read from the code of lib/ with the TypeScript parser
 * (comments and documentation do not count).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const LIB = path.join(__dirname, '..', 'lib');

/** Every node of lib/'s code that `pick` accepts, as `file:line`. */
function where(pick: (n: ts.Node) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'imports' && e.name !== '.gen') walk(p);
      } else if (e.name.endsWith('.ts')) {
        const sf = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.ES2022, true);
        const visit = (n: ts.Node) => {
          if (pick(n)) out.push(`${path.relative(LIB, p)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`);
          ts.forEachChild(n, visit);
        };
        visit(sf);
      }
    }
  };
  walk(LIB);
  return out.sort();
}

const textOf = (n: ts.Node): string | undefined =>
  ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) ? n.text : undefined;

/** An object literal with all of these property names. */
const objectWith = (...names: string[]) => (n: ts.Node) => ts.isObjectLiteralExpression(n)
  && names.every((k) => n.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === k));

describe('each fact written once in lib/', () => {
  test('fails when B2\'s S3 endpoint is built anywhere but b2S3Endpoint (model/backup.ts)', () => {
    // a template that builds the URL from a region (messages may quote an example URL as a plain string)
    const built = (n: ts.Node) => ts.isTemplateExpression(n) && [n.head, ...n.templateSpans.map((s) => s.literal)].some((t) => textOf(t)!.includes('backblazeb2.com'));
    expect(where(built).map((w) => w.split(':')[0])).toEqual([path.join('model', 'backup.ts')]);
  });

  test('fails when the cStor raid group sizes are tabled twice (model/field-rules.ts RAID_GROUP_SIZE)', () => {
    expect(where(objectWith('mirror', 'raidz', 'raidz2')).map((w) => w.split(':')[0])).toEqual([path.join('model', 'field-rules.ts')]);
  });

  test('fails when a container security context is written out again (k8s/security.ts restrictedContainerSecurity)', () => {
    expect(where(objectWith('readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'privileged')).map((w) => w.split(':')[0])).toEqual([path.join('k8s', 'security.ts')]);
    expect(where(objectWith('ensureNonRoot', 'fsGroup')).map((w) => w.split(':')[0])).toEqual([path.join('k8s', 'security.ts')]);
  });
});
