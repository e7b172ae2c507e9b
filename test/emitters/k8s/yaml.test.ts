import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { toYaml, toYamlDocuments } from '../../../lib/emitters/k8s/yaml';

// strings a YAML reader could mistake for something else
const tricky = fc.constantFrom('', ' ', 'true', 'False', 'yes', 'NO', 'on', 'off', 'y', 'n', 'null', '~', '0', '-1', '1.5', '1e3', '0x1F', '0o17', '017', '.inf', '-.Inf', '.nan',
  '2024-01-01', '1:20', 'e0', 'E5', 'e-3', 'a: b', 'a #b', '#x', '- x', '? x', ': x', '*ref', '&anchor', '!tag', '%YAML', '@x', '`x', '|', '>', '"q"', "'q'", 'a\nb', 'tab\there', ' lead', 'trail ',
  '{a: 1}', '[1]', ',', 'key:', 'http://x:80/y', 'ü', '😀', '\u2028', '\u0000', '\u007f', '---', '...', 'x: ', 'a,b', '25%',
  // multi-line: literal blocks where they fit, JSON strings where they do not
  'a\n', 'a\n b\n', 'a\n\nb', 'a\n  ', 'a\n\n', '\na', ' a\nb', 'x\n---\n...\n', 'a\n#c', 'k: v\n- x\n', 'a\n\tb', 'a\r\nb', 'a\u0085b\nc', 'é\n😀\n', 'a \nb ');

const key = fc.oneof(tricky, fc.string());
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' },
    tricky, fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)), fc.boolean(), fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;

describe('toYaml', () => {
  test('writes plain scalars only where no reader could misread them', () => {
    // GIVEN / WHEN / THEN: exact output for typical manifest values
    expect(toYaml({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' } } }))
      .toBe('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n');
    expect(toYaml({ a: 'true', b: '80', c: '', d: 'a: b', e: [], f: {}, g: null, h: 1.5, i: 'x\tz' }))
      .toBe('a: "true"\nb: "80"\nc: ""\nd: "a: b"\ne: []\nf: {}\ng: null\nh: 1.5\ni: "x\\tz"\n');
  });

  test('writes multi-line text as literal blocks, and as JSON strings where a block cannot hold it', () => {
    // GIVEN / WHEN / THEN: a HelmChart's valuesContent stays readable and diffs by line
    expect(toYaml({ valuesContent: 'ports:\n  web: {}\n', list: ['a\n\nb'] }))
      .toBe('valuesContent: |\n  ports:\n    web: {}\nlist:\n  - |-\n    a\n\n    b\n');
    expect(toYaml({ lead: ' a\nb', tail: 'a\n\n', tab: 'a\n\tb', cr: 'a\r\nb' }))
      .toBe('lead: " a\\nb"\ntail: "a\\n\\n"\ntab: "a\\n\\tb"\ncr: "a\\r\\nb"\n');
  });

  test('writes nested lists of maps in block style', () => {
    expect(toYaml({ containers: [{ name: 'app', ports: [{ containerPort: 80 }] }, 'x', [1, [2]]] }))
      .toBe('containers:\n  - name: app\n    ports:\n      - containerPort: 80\n  - x\n  - - 1\n    - - 2\n');
  });

  test('round-trips any JSON value through a real YAML parser', () => {
    // property: the yaml package (YAML 1.2) and its 1.1 mode read back exactly what we wrote
    fc.assert(fc.property(value, (v) => {
      const text = toYaml(v);
      expect(YAML.parse(text)).toEqual(v);
      expect(YAML.parse(text, { version: '1.1' })).toEqual(v);
    }), { numRuns: 2000 });
  });

  test('separates documents and writes the header as a comment', () => {
    const text = toYamlDocuments([{ a: 1 }, { b: 2 }], 'generated');
    expect(text).toBe('# generated\n---\na: 1\n---\nb: 2\n');
    expect(YAML.parseAllDocuments(text).map((d) => d.toJS())).toEqual([{ a: 1 }, { b: 2 }]);
    // a multi-line header is one comment line per line
    expect(toYamlDocuments([{ a: 1 }], 'generated\n\nnote')).toBe('# generated\n#\n# note\n---\na: 1\n');
  });

  test('fails on values JSON cannot hold', () => {
    expect(() => toYaml({ a: NaN })).toThrow(/NaN/);
    expect(() => toYaml({ a: () => 1 })).toThrow(/function/);
  });
});
