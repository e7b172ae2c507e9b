import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { toYaml, toYamlDocuments } from '../../../lib/emitters/k8s/yaml';

// strings a YAML reader could mistake for something else
const tricky = fc.constantFrom('', ' ', 'true', 'False', 'yes', 'NO', 'on', 'off', 'y', 'n', 'null', '~', '0', '-1', '1.5', '1e3', '0x1F', '0o17', '017', '.inf', '-.Inf', '.nan',
  '2024-01-01', '1:20', 'e0', 'E5', 'e-3', 'a: b', 'a #b', '#x', '- x', '? x', ': x', '*ref', '&anchor', '!tag', '%YAML', '@x', '`x', '|', '>', '"q"', "'q'", 'a\nb', 'tab\there', ' lead', 'trail ',
  '{a: 1}', '[1]', ',', 'key:', 'http://x:80/y', 'ü', '😀', '\u2028', '\u0000', '\u007f', '---', '...', 'x: ', 'a,b', '25%');

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
    expect(toYaml({ a: 'true', b: '80', c: '', d: 'a: b', e: [], f: {}, g: null, h: 1.5, i: 'x\ny' }))
      .toBe('a: "true"\nb: "80"\nc: ""\nd: "a: b"\ne: []\nf: {}\ng: null\nh: 1.5\ni: "x\\ny"\n');
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
  });

  test('fails on values JSON cannot hold', () => {
    expect(() => toYaml({ a: NaN })).toThrow(/NaN/);
    expect(() => toYaml({ a: () => 1 })).toThrow(/function/);
  });
});
