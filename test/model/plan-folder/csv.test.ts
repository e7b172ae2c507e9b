import * as fc from 'fast-check';
import { CsvProblem, parseCsv, parseCsvTable } from '../../../lib/model/plan-folder/csv';

/** Records as [line, fields] pairs, for compact expectations. */
function lined(text: string): [number, readonly string[]][] {
  return parseCsv(text).records.map((r) => [r.line, r.fields]);
}

describe('parseCsv', () => {
  test.each<[string, string, [number, string[]][]]>([
    ['plain fields', 'a,b,c\n1,2,3\n', [[1, ['a', 'b', 'c']], [2, ['1', '2', '3']]]],
    ['no final line break', 'a,b\n1,2', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['CRLF line breaks', 'a,b\r\n1,2\r\n', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['a lone CR as a line break', 'a,b\r1,2', [[1, ['a', 'b']], [2, ['1', '2']]]],
    ['a quoted field with a comma', 'a,"b,c",d', [[1, ['a', 'b,c', 'd']]]],
    ['doubled quotes inside a quoted field', '"say ""hi""",x', [[1, ['say "hi"', 'x']]]],
    ['a quoted field that is only a quote', '""""', [[1, ['"']]]],
    ['a quoted line break (the next record starts two lines down)', 'a,"line1\nline2"\nb,c\n', [[1, ['a', 'line1\nline2']], [3, ['b', 'c']]]],
    ['a quoted CRLF, kept as written', '"x\r\ny",z\r\nq,r', [[1, ['x\r\ny', 'z']], [3, ['q', 'r']]]],
    ['blank lines skipped, line numbers kept', '\na,b\n\n\n1,2\n\n', [[2, ['a', 'b']], [5, ['1', '2']]]],
    ['a line of only spaces and tabs skipped', 'a\n \t \nb', [[1, ['a']], [3, ['b']]]],
    ['a quoted empty field kept as a record', 'a\n""\nb', [[1, ['a']], [2, ['']], [3, ['b']]]],
    ['a byte order mark stripped', '\uFEFFname,ip\nolaf,1', [[1, ['name', 'ip']], [2, ['olaf', '1']]]],
    ['empty fields', 'a,,b\n,,\n', [[1, ['a', '', 'b']], [2, ['', '', '']]]],
    ['a trailing separator (an empty last field)', 'a,b,\nc,d,', [[1, ['a', 'b', '']], [2, ['c', 'd', '']]]],
    ['spaces kept in unquoted fields', ' a , b ', [[1, [' a ', ' b ']]]],
    ['spaces around a quoted field dropped', 'x, "a,b" ,y', [[1, ['x', 'a,b', 'y']]]],
    ['an empty text', '', []],
    ['only a byte order mark', '\uFEFF', []],
  ])('parses %s', (_name, text, expected) => {
    // GIVEN a CSV text
    // WHEN parsing it
    const result = parseCsv(text);
    // THEN the records and their start lines are as written, with no problem
    expect(result.records.map((r) => [r.line, r.fields])).toEqual(expected);
    expect(result.problems).toEqual([]);
    expect(result.records.every((r) => !r.malformed)).toBe(true);
  });

  test('keeps a byte order mark that is not at the start', () => {
    // GIVEN a BOM inside the text
    // WHEN parsing it
    // THEN it stays part of the field
    expect(lined('a\n\uFEFFb')).toEqual([[1, ['a']], [2, ['\uFEFFb']]]);
  });

  test.each<[string, string, Partial<CsvProblem>, number, number]>([
    ['an unterminated quote (reported on the line it opens)', 'a,b\nc,"d\ne,f\n', { line: 2, field: 1, problem: 'unterminated quoted field', value: '"d' }, 2, 2],
    ['a quote inside an unquoted field', 'a,b\nc,d"e\nf,g', { line: 2, field: 1, problem: 'quote inside an unquoted field', value: 'd"e' }, 3, 2],
    ['text after the closing quote', 'a,b\n\n"c"x,d\n', { line: 3, field: 0, problem: 'text after the closing quote', value: '"c"x,d' }, 2, 3],
    ['text after a closing quote on a later line', '"a\nb"c,d\ne,f', { line: 2, field: 0, problem: 'text after the closing quote' }, 2, 1],
  ])('fails on %s', (_name, text, problem, records, malformedLine) => {
    // GIVEN a CSV text with a syntax error
    // WHEN parsing it
    const result = parseCsv(text);
    // THEN the problem names its line and field, the record is marked, and parsing went on
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject(problem);
    expect(result.records).toHaveLength(records);
    expect(result.records.filter((r) => r.malformed).map((r) => r.line)).toEqual([malformedLine]);
  });

  test('goes on after a bad record and reports every bad record', () => {
    // GIVEN two records with quotes inside unquoted fields
    const text = 'a"1,b\nok,ok\nc,d"2\n';
    // WHEN parsing it
    const result = parseCsv(text);
    // THEN both are reported and the good record is read
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([[1, 0], [3, 1]]);
    expect(result.records.map((r) => [r.line, r.malformed])).toEqual([[1, true], [2, false], [3, true]]);
  });
});

describe('parseCsvTable', () => {
  test('splits the header from the rows', () => {
    // GIVEN a table
    // WHEN parsing it
    const table = parseCsvTable('name,ip\nolaf,10.0.100.2\nulf,10.0.100.3\n');
    // THEN the first record is the header
    expect(table.header?.fields).toEqual(['name', 'ip']);
    expect(table.rows.map((r) => [r.line, r.fields])).toEqual([[2, ['olaf', '10.0.100.2']], [3, ['ulf', '10.0.100.3']]]);
    expect(table.problems).toEqual([]);
  });

  test('has no header for an empty text', () => {
    // GIVEN blank lines only
    // WHEN parsing them as a table
    const table = parseCsvTable('\n\n');
    // THEN there is no header and no row
    expect(table.header).toBeUndefined();
    expect(table.rows).toEqual([]);
  });

  test('fails on rows with the wrong number of fields, with their line numbers', () => {
    // GIVEN a row with too few fields after a quoted line break, and one with too many
    const text = 'name,note,ip\nolaf,"two\nlines",10.0.100.2\nulf,10.0.100.3\n\nrolf,x,10.0.100.4,extra\n';
    // WHEN parsing it as a table
    const table = parseCsvTable(text);
    // THEN each is reported at the line it starts on, pointing at the first missing or extra field
    expect(table.problems).toEqual([
      expect.objectContaining({ line: 4, field: 2, problem: '2 fields where the header has 3', value: ['ulf', '10.0.100.3'] }),
      expect.objectContaining({ line: 6, field: 3, problem: '4 fields where the header has 3', value: ['rolf', 'x', '10.0.100.4', 'extra'] }),
    ]);
    expect(table.rows.map((r) => [r.line, r.malformed])).toEqual([[2, false], [4, true], [6, true]]);
  });
});

/** A correct CSV writer: quotes a field when it must, and otherwise when `quote` says so. Also returns the line each record starts on. */
function writeCsv(records: readonly (readonly string[])[], quote: readonly boolean[], lineBreak: string, finalBreak: boolean): { text: string; starts: number[] } {
  let k = 0;
  const written = records.map((fields, r) => fields.map((f, c) => {
    const must = /[",\r\n]/.test(f)
      || (r === 0 && c === 0 && f.startsWith('\uFEFF'))
      || (fields.length === 1 && /^[ \t]*$/.test(f));
    return must || quote[k++ % quote.length] ? `"${f.replace(/"/g, '""')}"` : f;
  }).join(','));
  const breaks = (s: string) => (s.match(/\r\n|\r|\n/g) ?? []).length;
  let line = 1;
  const starts = written.map((w) => {
    const start = line;
    line += breaks(w) + 1;
    return start;
  });
  const text = written.join(lineBreak) + (finalBreak && records.length > 0 ? lineBreak : '');
  return { text, starts };
}

/** Field values: arbitrary code points, and strings dense in the characters CSV cares about. */
const field = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', ' ', '\t', '\uFEFF', 'a', 'Z', 'é', '😀') }),
);

describe('parseCsv properties', () => {
  test('reads back what a correct writer wrote, with the line each record starts on', () => {
    fc.assert(fc.property(
      fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 8 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
      (records, quote, lineBreak, finalBreak) => {
        // GIVEN records written by a correct CSV writer
        const { text, starts } = writeCsv(records, quote, lineBreak, finalBreak);
        // WHEN parsing the text
        const result = parseCsv(text);
        // THEN the same records come back, each at the line where it starts
        expect(result.problems).toEqual([]);
        expect(result.records.map((r) => r.fields)).toEqual(records);
        expect(result.records.map((r) => r.line)).toEqual(starts);
      },
    ), { numRuns: 500 });
  });

  test('never throws, and reports problems on lines of the text', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', ' ', 'a', '\uFEFF') }), (text) => {
      // GIVEN any text
      // WHEN parsing it
      const result = parseCsv(text);
      // THEN every record and problem line is a line of the text
      const lines = 1 + (text.match(/\r\n|\r|\n/g) ?? []).length;
      for (const r of [...result.records, ...result.problems]) {
        expect(r.line).toBeGreaterThanOrEqual(1);
        expect(r.line).toBeLessThanOrEqual(lines);
      }
    }), { numRuns: 500 });
  });
});
