/**
 * A small RFC 4180 CSV reader that keeps line numbers, for the seed 002 plan
 * files (`hosts.csv`, `k3s.csv`). Pure functions, no host state.
 *
 * - Fields are separated by `,`; records by CRLF, LF or a lone CR.
 * - A field in double quotes may hold `,`, line breaks and `""` (one quote).
 *   Spaces and tabs around a quoted field are ignored.
 * - A leading byte order mark is stripped; a line holding only spaces and tabs
 *   is skipped (write `""` for a record of one empty field); a final line break is optional.
 * - Syntax problems do not stop the reader: it reports each one with its line
 *   and goes on with the next record, except an unterminated quote, which
 *   swallows the rest of the text ({@link CsvParseResult.fatal}).
 */

/** One record of a CSV text. */
export interface CsvRecord {
  /** 1-based line the record starts on (a quoted line break moves the next record down). */
  readonly line: number;
  /** Field values exactly as written, quotes removed and `""` undone; not trimmed. */
  readonly fields: readonly string[];
  /** The record has a syntax problem (listed in {@link CsvParseResult.problems}); its fields are a best guess. */
  readonly malformed: boolean;
}

/** A syntax problem in a CSV text, in the terms of the error catalog. */
export interface CsvProblem {
  /** 1-based line of the problem (for a whole record: the line it starts on). */
  readonly line: number;
  /** 0-based index of the field in its record. @default - the whole record */
  readonly field?: number;
  /** What is wrong, lowercase, no final period. */
  readonly problem: string;
  /** The offending text. */
  readonly value: unknown;
  /** What is allowed instead. */
  readonly allowed: string;
}

export interface CsvParseResult {
  /** Every record, malformed ones included, in file order. */
  readonly records: readonly CsvRecord[];
  readonly problems: readonly CsvProblem[];
  /**
   * The text ended inside a quoted field (an unterminated quote): what follows it is
   * unknown, so checks that need every record (a name defined further down) must not run.
   */
  readonly fatal: boolean;
}

/** A CSV text read as a header line and rows. */
export interface CsvTable {
  /** The first record. @default - none when the text has no records */
  readonly header?: CsvRecord;
  /** The records after the header; a row whose field count differs from the header's is marked malformed. */
  readonly rows: readonly CsvRecord[];
  /**
   * Syntax problems and one problem per row with the wrong number of fields, in line order.
   * A field-count problem points at the first missing column or the first field beyond the header.
   */
  readonly problems: readonly CsvProblem[];
  /** See {@link CsvParseResult.fatal}. */
  readonly fatal: boolean;
}

const QUOTE_ALLOWED = 'enclose the whole field in double quotes and write a quote inside it as "" (e.g. "a ""b"", c")';
const SNIPPET = 40;

/** Parses CSV text into records with line numbers; never throws. */
export function parseCsv(text: string): CsvParseResult {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fatal = false;

  /** Length of the line break at `k` (0 when there is none). */
  const breakAt = (k: number): number => {
    const c = text.charCodeAt(k);
    if (c === 10) return 1;
    if (c === 13) return text.charCodeAt(k + 1) === 10 ? 2 : 1;
    return 0;
  };
  const snippet = (from: number): string => {
    let end = from;
    while (end < n && end - from < SNIPPET && breakAt(end) === 0) end++;
    return text.slice(from, end);
  };

  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let malformed = false;
    let onlyField: 'quoted' | 'plain' = 'plain';
    let ended = false;
    while (!ended) {
      const fieldIndex = fields.length;
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j < n && text[j] === '"') {
        onlyField = 'quoted';
        const openLine = line;
        let k = j + 1;
        let value = '';
        let closed = false;
        while (k < n) {
          const q = text.indexOf('"', k);
          const chunkEnd = q === -1 ? n : q;
          for (let m = k; m < chunkEnd; m++) {
            const b = breakAt(m);
            if (b > 0) { line++; m += b - 1; }
          }
          value += text.slice(k, chunkEnd);
          if (q === -1) { k = n; break; }
          if (text[q + 1] === '"') { value += '"'; k = q + 2; continue; }
          k = q + 1;
          closed = true;
          break;
        }
        fields.push(value);
        if (!closed) {
          problems.push({ line: openLine, field: fieldIndex, problem: 'unterminated quoted field', value: snippet(j), allowed: 'close the quote; write a quote inside a quoted field as ""' });
          malformed = true;
          fatal = true;
          i = n;
          ended = true;
          break;
        }
        while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
        if (k < n && text[k] !== ',' && breakAt(k) === 0) {
          problems.push({ line, field: fieldIndex, problem: 'text after the closing quote', value: snippet(j), allowed: QUOTE_ALLOWED });
          malformed = true;
          while (k < n && text[k] !== ',' && breakAt(k) === 0) k++;
        }
        i = k;
      } else {
        let k = i;
        while (k < n && text[k] !== ',' && breakAt(k) === 0) k++;
        const value = text.slice(i, k);
        if (value.includes('"')) {
          problems.push({ line, field: fieldIndex, problem: 'quote inside an unquoted field', value, allowed: QUOTE_ALLOWED });
          malformed = true;
        }
        fields.push(value);
        i = k;
      }
      if (i >= n) {
        ended = true;
      } else if (text[i] === ',') {
        i++; // a separator at the very end opens an empty last field on the next pass
        onlyField = 'plain';
      } else {
        i += breakAt(i);
        line++;
        ended = true;
      }
    }
    const blank = fields.length === 1 && onlyField === 'plain' && /^[ \t]*$/.test(fields[0]);
    if (!blank) records.push({ line: start, fields, malformed });
  }
  return { records, problems, fatal };
}

/**
 * Parses CSV text whose first record is a header. Rows with a different
 * number of fields than the header are problems (and marked malformed).
 */
export function parseCsvTable(text: string): CsvTable {
  const { records, problems, fatal } = parseCsv(text);
  const [header, ...rows] = records;
  if (!header) return { rows: [], problems, fatal };
  const all = [...problems];
  const width = header.fields.length;
  const checked = rows.map((r) => {
    if (r.fields.length === width || r.malformed) return r; // a malformed record's field count is a guess
    all.push({
      line: r.line,
      field: Math.min(r.fields.length, width), // the first missing column, or the first field beyond the header
      problem: `${r.fields.length} field${r.fields.length === 1 ? '' : 's'} where the header has ${width}`,
      value: r.fields,
      allowed: `one value for each column (${header.fields.map((f) => f.trim()).join(', ')}); quote values that contain a comma`,
    });
    return { ...r, malformed: true };
  });
  all.sort((a, b) => a.line - b.line);
  return { header, rows: checked, problems: all, fatal };
}
