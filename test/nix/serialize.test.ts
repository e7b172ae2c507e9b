import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  compareCodePoints,
  NixApply,
  NixLambda,
  NixPath,
  NixRaw,
  NixSelect,
  NixValue,
  renderNixFile,
  toNix,
} from '../../lib/nix';
import { hasNixInstantiate, nixEvalModule, nixEvalStrict, nixParse } from '../helpers/nix';

const itNix = hasNixInstantiate() ? it : it.skip;

describe('toNix strings', () => {
  it.each<[string, string, string]>([
    ['plain text', 'hello', '"hello"'],
    ['the empty string', '', '""'],
    ['an interpolation opener', 'a${b}', '"a\\${b}"'],
    ['a dollar before an interpolation opener', '$${x}', '"$\\${x}"'],
    ['a lone dollar and brace', 'a$ {b} c$', '"a$ {b} c$"'],
    ['an indented-string delimiter', "it''s ''${x}", '"it\'\'s \'\'\\${x}"'],
    ['double quotes', 'say "hi"', '"say \\"hi\\""'],
    ['backslashes', 'C:\\dir\\', '"C:\\\\dir\\\\"'],
    ['a backslash before an interpolation opener', '\\${x}', '"\\\\\\${x}"'],
    ['newline, carriage return and tab', 'a\nb\rc\td', '"a\\nb\\rc\\td"'],
    ['comment and statement characters', '# x; /* y */ }', '"# x; /* y */ }"'],
    ['unicode, emoji and RTL text', 'héllo 😀 שלום \u202e', '"héllo 😀 שלום \u202e"'],
  ])('renders %s', (_name, input, expected) => {
    // GIVEN a string
    // WHEN it is rendered
    const out = toNix(input);
    // THEN it is a double-quoted Nix string with exactly the required escapes
    expect(out).toBe(expected);
  });
});

describe('toNix scalars', () => {
  it.each<[string, NixValue, string]>([
    ['null', null, 'null'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['zero', 0, '0'],
    ['negative zero as zero', -0, '0'],
    ['an integer', 42, '42'],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ['a negative integer at the top', -7, '-7'],
    ['a float', 1.5, '1.5'],
    ['a float below one', 0.25, '0.25'],
    ['a negative float', -0.25, '-0.25'],
    ['a small float with a dot before the exponent', 1e-7, '1.0e-7'],
    ['a small float with a fraction', -1.5e-7, '-1.5e-7'],
  ])('renders %s', (_name, input, expected) => {
    // GIVEN a scalar
    // WHEN it is rendered
    const out = toNix(input);
    // THEN it is the Nix literal
    expect(out).toBe(expected);
  });
});

describe('toNix attribute names', () => {
  it.each<[string, string, string]>([
    ['an identifier', 'hostName', 'hostName'],
    ['an identifier with dash, quote and underscore', "_x-y'", "_x-y'"],
    ['the keyword if', 'if', '"if"'],
    ['the keyword inherit', 'inherit', '"inherit"'],
    ['the keyword or', 'or', '"or"'],
    ['a name with a dot', 'a.b', '"a.b"'],
    ['a name with a space', 'with space', '"with space"'],
    ['a name starting with a digit', '1password', '"1password"'],
    ['a unicode name', 'héllo', '"héllo"'],
    ['the empty name', '', '""'],
    ['a name with an interpolation opener', '${x}', '"\\${x}"'],
    ['a name with a quote', 'a"b', '"a\\"b"'],
  ])('renders %s', (_name, key, expected) => {
    // GIVEN an attribute set with one key
    // WHEN it is rendered
    const out = toNix({ [key]: 1 });
    // THEN the key is bare only when it is a non-keyword identifier
    expect(out).toBe(`{\n  ${expected} = 1;\n}`);
  });

  it('sorts keys by code point', () => {
    // GIVEN keys whose code point order differs from localeCompare and from UTF-16 order
    const value = { b: 1, a: 2, B: 3, _: 4, '10': 5, '9': 6, '😀': 7, '\uffff': 8 };
    // WHEN it is rendered
    const out = toNix(value);
    // THEN digits < uppercase < underscore < lowercase < U+FFFF < U+1F600
    expect(out).toBe('{\n  "10" = 5;\n  "9" = 6;\n  B = 3;\n  _ = 4;\n  a = 2;\n  b = 1;\n  "\uffff" = 8;\n  "😀" = 7;\n}');
  });

  it('compares strings by code point', () => {
    // GIVEN a BMP private-use-area character and an astral character
    // WHEN they are compared
    // THEN the astral one (U+1F600) sorts after U+FFFF, unlike with `<`
    expect(compareCodePoints('\uffff', '😀')).toBeLessThan(0);
    expect('\uffff' < '😀').toBe(false);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'b')).toBe(0);
  });
});

describe('toNix containers', () => {
  it.each<[string, NixValue, string]>([
    ['an empty attribute set', {}, '{ }'],
    ['an empty list', [], '[ ]'],
    ['a null-prototype object', Object.assign(Object.create(null), { a: 1 }), '{\n  a = 1;\n}'],
    ['a list in order', [3, 1, 2], '[\n  3\n  1\n  2\n]'],
    ['negative numbers in a list', [-1, 2, -3.5], '[\n  (-1)\n  2\n  (-3.5)\n]'],
    ['a negative attribute value', { a: -1 }, '{\n  a = -1;\n}'],
    [
      'nested structures without dotted paths',
      { services: { k3s: { enable: true, extraFlags: ['--disable', 'traefik'], empty: {}, none: [] } } },
      [
        '{',
        '  services = {',
        '    k3s = {',
        '      empty = { };',
        '      enable = true;',
        '      extraFlags = [',
        '        "--disable"',
        '        "traefik"',
        '      ];',
        '      none = [ ];',
        '    };',
        '  };',
        '}',
      ].join('\n'),
    ],
    ['lists of lists and sets', [[], [{}], { a: [] }], '[\n  [ ]\n  [\n    { }\n  ]\n  {\n    a = [ ];\n  }\n]'],
  ])('renders %s', (_name, input, expected) => {
    // GIVEN a container
    // WHEN it is rendered
    const out = toNix(input);
    // THEN it is laid out one entry per line with 2-space indentation
    expect(out).toBe(expected);
  });

  it('indents continuation lines by the given level', () => {
    // GIVEN a nested value rendered at indent level 2
    // WHEN it is rendered
    const out = toNix({ a: [1] }, 2);
    // THEN inner lines are at 6 and 8 spaces and the closer at 4
    expect(out).toBe('{\n      a = [\n        1\n      ];\n    }');
  });
});

describe('toNix nodes', () => {
  it.each<[string, NixValue, string]>([
    ['a relative path', new NixPath('./hosts/a.nix'), './hosts/a.nix'],
    ['a parent path', new NixPath('../common/base-2.0+x.nix'), '../common/base-2.0+x.nix'],
    ['an absolute path', new NixPath('/etc/nixos'), '/etc/nixos'],
    ['paths in a list', [new NixPath('./a.nix'), new NixPath('./b')], '[\n  ./a.nix\n  ./b\n]'],
    ['a bare identifier', new NixSelect('inputs'), 'inputs'],
    ['an attribute path', new NixSelect('inputs', ['nixpkgs']), 'inputs.nixpkgs'],
    ['an attribute path with dashes', new NixSelect('config', ['sops', 'secrets', 'k3s-token', 'path']), 'config.sops.secrets.k3s-token.path'],
    ['an attribute path with quoted parts', new NixSelect('config', ['users', 'a.b', 'if', '${x}']), 'config.users."a.b"."if"."\\${x}"'],
    ['a lambda', new NixLambda(['config', 'lib'], { a: 1 }), '{ config, lib, ... }: {\n  a = 1;\n}'],
    ['a lambda without ellipsis', new NixLambda(['x'], new NixSelect('x'), false), '{ x }: x'],
    ['a lambda with only an ellipsis', new NixLambda([], null), '{ ... }: null'],
    ['a lambda without arguments', new NixLambda([], null, false), '{ }: null'],
    ['a lambda in a list', [new NixLambda(['a'], 1)], '[\n  ({ a, ... }: 1)\n]'],
    [
      'an application',
      new NixApply(new NixSelect('nixpkgs', ['lib', 'nixosSystem']), [{ system: 'x86_64-linux' }]),
      'nixpkgs.lib.nixosSystem {\n  system = "x86_64-linux";\n}',
    ],
    [
      'an application with arguments that need parentheses',
      new NixApply(new NixRaw('f'), [-1, new NixApply(new NixRaw('g'), [1]), new NixLambda(['a'], 2), 'x', new NixPath('./p')]),
      'f (-1) (g 1) ({ a, ... }: 2) "x" ./p',
    ],
    ['an application of a lambda', new NixApply(new NixLambda(['a'], new NixSelect('a')), [{ a: 1 }]), '({ a, ... }: a) {\n  a = 1;\n}'],
    ['an application in a list', [new NixApply(new NixRaw('lib.mkDefault'), [true])], '[\n  (lib.mkDefault true)\n]'],
    ['an application as an attribute value', { a: new NixApply(new NixRaw('f'), [1]) }, '{\n  a = f 1;\n}'],
    ['raw code', new NixRaw('inputs: inputs.self'), 'inputs: inputs.self'],
    ['simple raw code in a list', [new NixRaw('pkgs.hello')], '[\n  pkgs.hello\n]'],
    ['compound raw code in a list', [new NixRaw('a + b')], '[\n  (a + b)\n]'],
  ])('renders %s', (_name, input, expected) => {
    // GIVEN a Nix node
    // WHEN it is rendered
    const out = toNix(input);
    // THEN it is the Nix expression, parenthesized only where the position needs it
    expect(out).toBe(expected);
  });
});

describe('renderNixFile', () => {
  it('writes the header, the expression and one final newline', () => {
    // GIVEN a value and a header
    // WHEN the file is rendered
    const out = renderNixFile({ a: 1 }, 'nixos/nas01/default.nix');
    // THEN it has the generated-by header and ends with exactly one newline
    expect(out).toBe('# generated by nixos/nas01/default.nix — do not edit\n{\n  a = 1;\n}\n');
  });

  it('is deterministic whatever the key insertion order', () => {
    // GIVEN two equal sets built in a different order
    const a = { x: 1, y: { p: 1, q: 2 } };
    const b = { y: { q: 2, p: 1 }, x: 1 };
    // WHEN both are rendered
    // THEN the bytes are identical
    expect(renderNixFile(b, 'h')).toBe(renderNixFile(a, 'h'));
  });

  it('fails on a header with a newline', () => {
    // GIVEN a header that would end the comment
    // WHEN the file is rendered
    // THEN it is rejected
    expect(() => renderNixFile(1, 'a\nb')).toThrow(/renderNixFile\.header: contains a control character/);
  });
});

describe('toNix rejections', () => {
  class Thing {
    constructor(readonly x = 1) {}
  }
  const circular: Record<string, unknown> = {};
  circular.self = circular;

  it.each<[string, unknown, RegExp]>([
    ['NaN', NaN, /^\[nix\] NixValue: number is not finite \(got "NaN"\)/],
    ['Infinity', { a: [Infinity] }, /^\[nix\.a\[0\]\] NixValue: number is not finite \(got "Infinity"\)/],
    ['-Infinity', -Infinity, /number is not finite \(got "-Infinity"\)/],
    ['an unsafe integer', 2 ** 53, /integer is not exactly representable \(got 9007199254740992\)/],
    ['a subnormal float', 5e-324, /subnormal float/],
    ['a function', { f: () => 1 }, /^\[nix\.f\] NixValue: unsupported function \(got \[Function f\]\)/],
    ['undefined', { a: { b: undefined } }, /^\[nix\.a\.b\] NixValue: unsupported undefined/],
    ['a symbol', [Symbol('s')], /^\[nix\[0\]\] NixValue: unsupported symbol/],
    ['a bigint', 1n, /unsupported bigint \(got 1\)/],
    ['a class instance', { t: new Thing() }, /^\[nix\.t\] NixValue: unsupported instance of Thing \(got \{"x":1\}\)/],
    ['a Date', new Date(0), /unsupported instance of Date/],
    ['a Map', new Map(), /unsupported instance of Map/],
    ['a circular reference', circular, /^\[nix\.self\] NixValue: circular reference/],
    ['a NUL character', 'a\u0000', /string contains control character U\+0000 at index 1/],
    ['a bell character', { 'a-b': 'x\u0007' }, /^\[nix\.a-b\] NixValue: string contains control character U\+0007 at index 1 \(got "x\\u0007"\)/],
    ['an escape character', '\u001b[0m', /control character U\+001B at index 0/],
    ['a DEL character', 'a\u007f', /control character U\+007F at index 1/],
    ['a control character in a key', { 'k\u0001': 1 }, /^\[nix\."k\\u0001"\] NixValue: string contains control character U\+0001/],
    ['a control character in a selected name', new NixSelect('a', ['b\u0002']), /control character U\+0002/],
    ['an unpaired surrogate', 'a\ud800b', /unpaired surrogate U\+D800 at index 1/],
    ['a function inside a lambda body', new NixLambda(['a'], { x: (() => 1) as unknown as NixValue }), /^\[nix\.<body>\.x\] NixValue: unsupported function/],
    ['a NaN application argument', new NixApply(new NixRaw('f'), [NaN]), /^\[nix\.<arg 0>\] NixValue: number is not finite/],
  ])('fails on %s', (_name, input, expected) => {
    // GIVEN a value that Nix cannot represent faithfully
    // WHEN it is rendered
    // THEN an error names the path and the problem
    expect(() => toNix(input as NixValue)).toThrow(expected);
  });

  it.each<[string, () => unknown, RegExp]>([
    ['a path without ./ or /', () => new NixPath('hosts/a.nix'), /^\[nix\] NixPath\.path: not a Nix path literal \(got "hosts\/a\.nix"\)/],
    ['a path with a trailing slash', () => new NixPath('./hosts/'), /NixPath\.path: not a Nix path literal/],
    ['a path with an empty segment', () => new NixPath('.//a'), /NixPath\.path/],
    ['a path with a space', () => new NixPath('./a b.nix'), /NixPath\.path/],
    ['a path with an interpolation', () => new NixPath('./${x}'), /NixPath\.path/],
    ['the root path', () => new NixPath('/'), /NixPath\.path/],
    ['a keyword as select base', () => new NixSelect('if', ['a']), /^\[nix\] NixSelect\.base: not a Nix identifier \(got "if"\)/],
    ['a dotted select base', () => new NixSelect('a.b'), /NixSelect\.base/],
    ['a keyword lambda argument', () => new NixLambda(['in'], 1), /^\[nix\] NixLambda\.args: not a Nix identifier \(got "in"\)/],
    ['a lambda argument starting with a digit', () => new NixLambda(['1a'], 1), /NixLambda\.args: not a Nix identifier/],
    ['a duplicate lambda argument', () => new NixLambda(['a', 'a'], 1), /NixLambda\.args: duplicate argument \(got "a"\)/],
    ['an application without arguments', () => new NixApply(new NixRaw('f'), []), /NixApply\.args: no arguments/],
  ])('fails on %s', (_name, build, expected) => {
    // GIVEN an invalid node
    // WHEN it is constructed
    // THEN it is rejected eagerly
    expect(build).toThrow(expected);
  });
});

describe('with nix-instantiate', () => {
  // A module using every node type, written once.
  const module = new NixLambda(['config', 'lib', 'pkgs', 'modulesPath'], {
    imports: [new NixPath('./hardware-configuration.nix'), new NixRaw('(modulesPath + "/profiles/qemu-guest.nix")')],
    networking: { hostName: 'nas01', firewall: { allowedTCPPorts: [22, 6443] } },
    services: {
      k3s: {
        enable: new NixApply(new NixSelect('lib', ['mkDefault']), [true]),
        tokenFile: new NixSelect('config', ['sops', 'secrets', 'k3s-token', 'path']),
        extraFlags: ['--disable=traefik', 'a${b}', "''", '"q"', '\\'],
      },
    },
    environment: { systemPackages: [new NixSelect('pkgs', ['k3s']), new NixSelect('pkgs', ['nfs-utils'])] },
    'if': { 'a.b': -1, list: [-1, 1.5, {}, []] },
  });
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'homelab-nix-test-'));
    file = join(dir, 'default.nix');
    writeFileSync(file, renderNixFile(module, 'test'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  itNix('parses a rendered module file', () => {
    // GIVEN the module file on disk
    // WHEN nix-instantiate parses it
    const { status, stderr } = nixParse(file);
    // THEN it is valid Nix
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  itNix('evaluates a rendered module with stub arguments', () => {
    // GIVEN the module file and a stub config holding the referenced secret
    const config = { sops: { secrets: { 'k3s-token': { path: '/run/secrets/k3s-token' } } } };
    // WHEN it is evaluated
    const r = nixEvalModule(file, { args: { config } });
    // THEN the result has the rendered values, with stubbed lib, pkgs and imports
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      imports: [join(dir, 'hardware-configuration.nix'), '/stub/nixos/modules/profiles/qemu-guest.nix'],
      networking: { hostName: 'nas01', firewall: { allowedTCPPorts: [22, 6443] } },
      services: {
        k3s: {
          enable: { _type: 'override', priority: 1000, content: true },
          tokenFile: '/run/secrets/k3s-token',
          extraFlags: ['--disable=traefik', 'a${b}', "''", '"q"', '\\'],
        },
      },
      environment: { systemPackages: ['/nix/store/stub-k3s', '/nix/store/stub-nfs-utils'] },
      if: { 'a.b': -1, list: [-1, 1.5, {}, []] },
    });
  });

  itNix('fails to evaluate a module that reads a missing config attribute', () => {
    // GIVEN the module file and the default empty stub config
    // WHEN it is evaluated
    const r = nixEvalModule(file);
    // THEN nix-instantiate reports the missing attribute
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/attribute 'sops' missing/);
  });

  itNix('evaluates an expression strictly to JSON', () => {
    // GIVEN an expression string
    // WHEN it is evaluated
    const r = nixEvalStrict(toNix({ a: ['x${y}', -2, null] }));
    // THEN stdout is its JSON
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ a: ['x${y}', -2, null] });
  });

  itNix('fails to parse a broken file', () => {
    // GIVEN a file with an unescaped interpolation of an unbound variable
    const broken = join(dir, 'broken.nix');
    writeFileSync(broken, '{ a = "${b}"; }\n');
    // WHEN it is parsed
    // THEN nix-instantiate reports the error
    expect(nixParse(broken).status).not.toBe(0);
  });
});
