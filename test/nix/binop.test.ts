import { NixApply, NixBinaryOperator, NixBinOp, NixLambda, NixRaw, NixSelect, NixValue, toNix } from '../../lib/nix';
import { nixEvalStrict } from '../helpers/nix';
import { itWith } from '../helpers/tools';

const itNix = itWith('nix-instantiate');

describe('NixBinOp', () => {
  it.each<[string, NixValue, string]>([
    ['a path under modulesPath', new NixBinOp(new NixSelect('modulesPath'), '+', '/profiles/qemu-guest.nix'), 'modulesPath + "/profiles/qemu-guest.nix"'],
    ['string concatenation with escapes', new NixBinOp('a${b}', '+', '"c"'), '"a\\${b}" + "\\"c\\""'],
    ['list concatenation', new NixBinOp([1], '++', []), '[\n  1\n] ++ [ ]'],
    ['attribute set update', new NixBinOp({ a: 1 }, '//', { b: 2 }), '{\n  a = 1;\n} // {\n  b = 2;\n}'],
    ['an empty set update', new NixBinOp({}, '//', {}), '{ } // { }'],
    ['a negative operand, parenthesized', new NixBinOp(-1, '+', 2), '(-1) + 2'],
    ['a nested operation on the left, parenthesized', new NixBinOp(new NixBinOp('a', '+', 'b'), '+', 'c'), '("a" + "b") + "c"'],
    ['a nested operation on the right, parenthesized', new NixBinOp(['a'], '++', new NixBinOp(['b'], '++', ['c'])), '[\n  "a"\n] ++ ([\n  "b"\n] ++ [\n  "c"\n])'],
    ['an application operand, parenthesized', new NixBinOp(new NixApply(new NixSelect('toString'), [1]), '+', 'x'), '(toString 1) + "x"'],
    ['a lambda operand, parenthesized', new NixBinOp({}, '//', new NixLambda(['x'], 1, false)), '{ } // ({ x }: 1)'],
    ['a raw operand with an operator, parenthesized', new NixBinOp(new NixRaw('1 + 1'), '+', 1), '(1 + 1) + 1'],
    ['a raw attribute path, bare', new NixBinOp(new NixRaw('pkgs.path'), '+', '/nixos'), 'pkgs.path + "/nixos"'],
  ])('renders %s', (_name, value, expected) => {
    // GIVEN a binary operation
    // WHEN it is rendered
    const out = toNix(value);
    // THEN it is exactly the expected code
    expect(out).toBe(expected);
  });

  it('is parenthesized as a list item and as a function argument', () => {
    // GIVEN an operation inside a list and as an argument
    const op = new NixBinOp(new NixSelect('modulesPath'), '+', '/x.nix');
    // WHEN rendered
    const list = toNix([op]);
    const arg = toNix(new NixApply(new NixSelect('import'), [op]));
    // THEN both positions parenthesize it
    expect(list).toBe('[\n  (modulesPath + "/x.nix")\n]');
    expect(arg).toBe('import (modulesPath + "/x.nix")');
  });

  it('fails on an operator it does not render', () => {
    // GIVEN an operator outside the supported set
    // WHEN the node is built
    // THEN it throws naming the field and the allowed operators
    expect(() => new NixBinOp(1, '-' as NixBinaryOperator, 2)).toThrow(/NixBinOp\.op: unsupported operator \(got "-"\); use "\+", "\+\+" or "\/\/"/);
  });

  it('fails on an unrepresentable operand, naming its position', () => {
    // GIVEN an operand Nix cannot represent
    // WHEN rendered
    // THEN the error names the operand
    expect(() => toNix({ x: new NixBinOp(Number.NaN, '+', 1) })).toThrow(/\[nix\.x\.<left>\] NixValue: number is not finite/);
  });

  itNix('evaluates to what Nix computes for the same operation', () => {
    // GIVEN operations covering each operator and nesting
    const expr = new NixApply(new NixLambda(['modulesPath'], {
      path: new NixBinOp(new NixSelect('modulesPath'), '+', '/profiles/qemu-guest.nix'),
      list: new NixBinOp([1, -2], '++', new NixBinOp([3], '++', [])),
      set: new NixBinOp({ a: 1, b: 1 }, '//', { b: 2 }),
      sum: new NixBinOp(new NixBinOp(-1, '+', 2), '+', 3),
      text: new NixBinOp('${', '+', '"'),
    }, false), [{ modulesPath: '/stub/nixos/modules' }]);
    const code = toNix(expr);
    // WHEN Nix evaluates the rendered code
    const r = nixEvalStrict(code);
    // THEN it parses and gives the values the operators define
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      path: '/stub/nixos/modules/profiles/qemu-guest.nix',
      list: [1, -2, 3],
      set: { a: 1, b: 2 },
      sum: 4,
      text: '${"',
    });
  });
});
