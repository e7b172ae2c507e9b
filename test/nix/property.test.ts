import * as fc from 'fast-check';
import { nixString, renderNixFile, toNix } from '../../lib/nix';
import { hasNixInstantiate, nixEvalStrict } from '../helpers/nix';
import { NixData, parseNixLiteral } from '../helpers/nix-literal-parser';

const itNix = hasNixInstantiate() ? it : it.skip;

// Characters toNix rejects: control characters other than \n \r \t, and unpaired surrogates.
const UNREPRESENTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Pieces that are special somewhere in Nix syntax, plus unicode that must pass through. */
const HOSTILE = [
  '${', '$', '{', '}', '$${', '\\${', "''", "''${", "'", '"', '\\', '\n', '\r', '\t', ';', '=', '#', '/*', '*/', '.', ' ',
  'if', 'or', 'inherit', 'a', '_', '-', '0', '1e5', 'é', '😀', '👩‍👩‍👧', 'שלום', 'مرحبا', '\u202e', '\u200f', '\uffff', '\u0085', '\u2028',
];

const hostileString: fc.Arbitrary<string> = fc
  .oneof(
    fc.array(fc.constantFrom(...HOSTILE), { maxLength: 8 }).map((parts) => parts.join('')),
    fc.string({ unit: 'binary-ascii' }),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
  )
  .map((s) => s.replace(UNREPRESENTABLE, ''));

// Keywords and JavaScript's `__proto__` as whole keys; `outPath` and `__toString`
// are left out because they change how Nix converts an attribute set to JSON.
const hostileKey = fc
  .oneof(hostileString, fc.constantFrom('__proto__', 'if', 'or', 'inherit', 'rec', ''))
  .filter((k) => k !== 'outPath' && k !== '__toString');

const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((d) => (Number.isInteger(d) ? Number.isSafeInteger(d) : Math.abs(d) >= MIN_NORMAL))
    .map((d) => (Object.is(d, -0) ? 0 : d)),
);

const leaf: fc.Arbitrary<NixData> = fc.oneof(hostileString, number, fc.boolean(), fc.constant(null));

/** JSON-like trees with hostile strings and keys (some objects have a null prototype). */
const { tree } = fc.letrec<{ tree: NixData; list: NixData[]; attrs: { [key: string]: NixData } }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('attrs')),
  list: fc.array(tie('tree'), { maxLength: 5 }),
  attrs: fc.dictionary(hostileKey, tie('tree'), { maxKeys: 5 }),
}));

describe('toNix properties', () => {
  it('round-trips through the literal parser', () => {
    // GIVEN any JSON-like tree with hostile strings and keys
    fc.assert(
      fc.property(tree, (value) => {
        // WHEN it is rendered
        const out = toNix(value);
        // THEN parsing the output gives back an equal tree
        expect(parseNixLiteral(out)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips whole files at any indent level', () => {
    // GIVEN any tree and indent level
    fc.assert(
      fc.property(tree, fc.nat(4), (value, indent) => {
        // WHEN it is rendered as a file and as an indented expression
        const file = renderNixFile(value, 'property test');
        const indented = toNix(value, indent);
        // THEN both parse back to the tree, and the file ends with exactly one newline
        expect(parseNixLiteral(file)).toEqual(value);
        expect(parseNixLiteral(indented)).toEqual(value);
        expect(file.endsWith('\n') && !file.endsWith('\n\n')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic', () => {
    // GIVEN any tree and a deep copy built in reverse key order
    fc.assert(
      fc.property(tree, (value) => {
        // WHEN both are rendered
        // THEN the bytes are identical
        expect(toNix(reversed(value))).toBe(toNix(value));
      }),
    );
  });

  itNix('evaluates with nix-instantiate to the same values', () => {
    // GIVEN batches of 200 trees
    fc.assert(
      fc.property(fc.array(tree, { minLength: 200, maxLength: 200 }), (values) => {
        // WHEN nix evaluates them once per batch, and compares them with the JSON input exactly
        const expr = `let values = ${toNix(values, 1)};\nin { inherit values; same = values == builtins.fromJSON ${nixString(JSON.stringify(values))}; }\n`;
        const r = nixEvalStrict(expr);
        // THEN evaluation succeeds, Nix finds the values equal, and its JSON matches
        // (Nix 2.8 prints floats with 6 significant digits, so floats are compared loosely here)
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const out = JSON.parse(r.stdout) as { same: boolean; values: NixData[] };
        expect(out.same).toBe(true);
        expect(alignFloats(out.values, values)).toEqual(values);
      }),
      { numRuns: 5 },
    );
  });
});

/** A deep copy of `value` with every object's keys inserted in reverse order. */
function reversed(value: NixData): NixData {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: NixData } = {};
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, { value: reversed(value[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `actual` with each float replaced by the expected one when they agree to 6 significant digits. */
function alignFloats(actual: unknown, expected: unknown): unknown {
  if (typeof actual === 'number' && typeof expected === 'number') {
    return Math.abs(actual - expected) <= 1e-5 * Math.abs(expected) ? expected : actual;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) return actual.map((a, i) => alignFloats(a, expected[i]));
  if (actual && expected && typeof actual === 'object' && typeof expected === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, a] of Object.entries(actual)) {
      const e = Object.prototype.hasOwnProperty.call(expected, key) ? (expected as Record<string, unknown>)[key] : undefined;
      Object.defineProperty(out, key, { value: alignFloats(a, e), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return actual;
}
