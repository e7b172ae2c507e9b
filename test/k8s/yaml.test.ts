import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { toYaml, toYamlDocuments } from '../../lib/k8s/yaml';
import { readYamlLikeKubectl } from '../helpers/go-yaml';
import { itWith } from '../helpers/tools';

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

/** Every character a YAML 1.1 or 1.2 reader may take for a line break or reject as not printable, and friends. */
const BREAKERS = ['\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029', '\u0000', '\u001b', '\u0007', '\b', '\f', '\v', '\t', '\u007f', '\u0080', '\u009f',
  '\ufeff', '\ufffe', '\uffff', '\u00a0', '😀', '#', ': ', '"', "'", '\\', '---', '...', '${', '%{'];
const hostileText = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...BREAKERS), fc.string({ maxLength: 3 })), { maxLength: 8 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 12 }),
).map((s) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')); // UTF-8 cannot hold a lone surrogate
const doc: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, hostileText, tricky, fc.integer(), fc.boolean(), fc.constant(null),
    fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.oneof(hostileText, tricky), tie('node'), { maxKeys: 3 })),
})).node;

describe('kubectl\'s reader (go-yaml via sigs.k8s.io/yaml) reads back exactly what we wrote', () => {
  const itGo = itWith('go');

  itGo('escapes NEL, LS, PS, CR, DEL, C1 controls and BOM in values and keys', () => {
    // GIVEN values that go-yaml would fold, break or reject if written raw
    const values = ['a\u0085b', 'a\u2028b', 'a\u2029b', 'a\rb', 'a\u007fb', 'a\u0080b', 'a\u009fb', '\ufeffa', 'a\ufffe', 'a\u0000\u001bb', 'a\n\u0085b\n'];
    const docs = values.map((v) => ({ env: [{ name: 'X', value: v }], [v]: v }));
    // WHEN
    const text = toYamlDocuments(docs, 'generated');
    // THEN no raw break or control character is left, and go-yaml reads every value back
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe]/);
    expect(readYamlLikeKubectl(text)).toEqual([null, ...docs]);
  });

  itGo('keeps user text in header comments inside the comment', () => {
    // GIVEN a secret description that would inject an object if a reader saw a line break in it
    const injected = ['x\rapiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: evil', 'y\u0085kind: Evil', 'z\u2028kind: Evil', 'w\u2029a: 1', 'nul\u0000esc\u001b', 'bom\ufeffdel\u007f'];
    for (const note of injected) {
      // WHEN
      const text = toYamlDocuments([{ a: 1 }], `generated\n\n  default/x  ${note}`);
      // THEN the header is still only a comment: an empty document, then ours
      expect(readYamlLikeKubectl(text)).toEqual([null, { a: 1 }]);
      expect(YAML.parseAllDocuments(text).map((d) => d.toJS())).toEqual([{ a: 1 }]);
    }
    expect(toYamlDocuments([], 'a\rb\u0085c')).toBe('# a\\u000db\\u0085c\n');
  });

  itGo('property: any document and header, read by go-yaml, equals what we wrote', () => {
    // many documents per run, so the reader starts once per run
    fc.assert(fc.property(fc.array(doc, { minLength: 1, maxLength: 60 }), hostileText, (docs, header) => {
      const text = toYamlDocuments(docs, `generated\n${header}`);
      expect(readYamlLikeKubectl(text)).toEqual([null, ...docs]);
    }), { numRuns: 40 });
  });
});
