import fc from 'fast-check';
import { parseUci, renderUciPackage, toParsed, UciOptionValue, UciPackage, UciSection } from '../../lib/uci';
import { renderValue } from '../../lib/core/errors';

/**
 * Allowed value text: no C0 control (U+0000-U+001F, so no tab, LF or CR), no
 * DEL, no unpaired surrogate.
 */
const VALID_TEXT = /^(?:(?![\u0000-\u001f\u007f])\P{Cs})*$/u;

const nameArb = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'),
  minLength: 1,
  maxLength: 8,
});

/** Fragments that break naive quoting in shells, UCI, Nix or JSON. */
const hostileFragment = fc.constantFrom(
  "'", "'\\''", "''", '"', '\\', '\\\\', '$', '${', '${x}', '`', ';', '#', ' ', '  ', '\u00a0',
  'option', 'config', 'list', 'ü', '日本', '😀', '👩‍👩‍👧', '\u200b', '',
);

/** Hostile strings, plus arbitrary ones filtered to what the renderer accepts. */
const valueTextArb = fc.oneof(
  fc.array(fc.oneof(hostileFragment, fc.string({ maxLength: 3 })), { maxLength: 6 }).map(parts => parts.join('')),
  fc.string({ unit: 'binary' }).filter(s => VALID_TEXT.test(s)),
  fc.string({ unit: 'grapheme' }).filter(s => VALID_TEXT.test(s)),
);

/** Numbers JavaScript prints as plain decimals. */
const numberArb = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter(n => !/e/.test(String(n))),
);

const valueArb: fc.Arbitrary<UciOptionValue> = fc.oneof(
  valueTextArb,
  numberArb,
  fc.boolean(),
  fc.array(fc.oneof(valueTextArb, numberArb), { maxLength: 4 }),
);

const sectionArb: fc.Arbitrary<UciSection> = fc.record({
  type: nameArb,
  name: fc.option(nameArb, { nil: undefined }),
  options: fc.uniqueArray(fc.tuple(nameArb, valueArb), { selector: ([name]) => name, maxLength: 6 }),
});

const packageArb: fc.Arbitrary<UciPackage> = fc.record({
  name: nameArb,
  // anonymous sections select themselves, so only names must be unique
  sections: fc.uniqueArray(sectionArb, { selector: s => s.name ?? s, maxLength: 5 }),
});

/** One character the renderer must reject: a C0 control, DEL, or half a surrogate pair. */
const forbiddenCharArb = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }),
  fc.constant(0x7f),
  fc.integer({ min: 0xd800, max: 0xdfff }),
).map(code => String.fromCharCode(code));

describe('uci round trip', () => {
  test('parseUci(renderUciPackage(pkg)) equals toParsed(pkg)', () => {
    // GIVEN any valid package with hostile values and an optional header
    fc.assert(fc.property(packageArb, fc.option(valueTextArb, { nil: undefined }), (pkg, header) => {
      // WHEN rendering it and parsing it back as libuci would
      const text = renderUciPackage(pkg, header);
      // THEN the parser sees exactly the model
      expect(parseUci(text, { package: pkg.name })).toStrictEqual(toParsed(pkg));
    }), { numRuns: 500 });
  });

  test('renders only LF-terminated lines of the uci export shape', () => {
    // GIVEN any valid package
    fc.assert(fc.property(packageArb, pkg => {
      // WHEN rendering it
      const lines = renderUciPackage(pkg).split('\n');
      // THEN every line is a package, config, option or list line, or blank, and the text ends in one newline
      expect(lines.pop()).toBe('');
      for (const line of lines) {
        expect(line).toMatch(/^(?:package \w+|config \w+(?: '\w+')?|\t(?:option|list) \w+ '[^\n]*'|)$/u);
      }
      expect(lines[lines.length - 1]).not.toBe('');
    }), { numRuns: 200 });
  });
});

describe('uci rejections', () => {
  test('fails on any value with a forbidden character, wherever it is', () => {
    // GIVEN valid text with one forbidden character inserted
    const badTextArb = fc.tuple(valueTextArb, forbiddenCharArb, valueTextArb).map(([a, c, b]) => a + c + b);
    fc.assert(fc.property(badTextArb, fc.constantFrom('option', 'list', 'header'), (bad, where) => {
      const pkg: UciPackage = {
        name: 'p',
        sections: [{ type: 't', name: 's', options: [['o', where === 'option' ? bad : where === 'list' ? ['ok', bad] : 'ok']] }],
      };
      // WHEN rendering it
      // THEN the renderer refuses, naming the character
      expect(() => renderUciPackage(pkg, where === 'header' ? bad : undefined))
        .toThrow(/: (?:control character|unpaired surrogate) U\+[0-9A-F]{4} in value/);
    }), { numRuns: 500 });
  });

  test('fails on any name outside [A-Za-z0-9_]+', () => {
    // GIVEN a string that is not a valid UCI name
    const badNameArb = fc.string({ unit: 'binary', maxLength: 6 }).filter(s => !/^[A-Za-z0-9_]+$/.test(s));
    fc.assert(fc.property(badNameArb, fc.constantFrom('package', 'type', 'section', 'option'), (bad, where) => {
      const pkg: UciPackage = {
        name: where === 'package' ? bad : 'p',
        sections: [{
          type: where === 'type' ? bad : 't',
          name: where === 'section' ? bad : 's',
          options: [[where === 'option' ? bad : 'o', 'v']],
        }],
      };
      // WHEN rendering it
      // THEN the error names the bad name
      const what = { package: 'package name', type: 'section type', section: 'section name', option: 'option name' }[where];
      // (the value as every message shows it: JSON, with terminal-unsafe characters such as DEL escaped)
      expect(() => renderUciPackage(pkg)).toThrow(`invalid ${what} (got ${renderValue(bad)})`);
    }), { numRuns: 300 });
  });
});
