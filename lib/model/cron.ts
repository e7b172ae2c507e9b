/**
 * Schedules of the backup and check CronJobs: standard 5-field cron
 * (`minute hour day-of-month month day-of-week`) and the macros, parsed the way
 * Kubernetes parses `CronJob.spec.schedule` (robfig/cron's standard parser),
 * and the longest time between two runs of a schedule.
 *
 * Each field is a list (`a,b`) of items; an item is a number, a name (months
 * `JAN`-`DEC`, weekdays `SUN`-`SAT`, any case), `*`, a range `a-b`, or one of
 * these with a step: `*\/n`, `a-b/n`, `a/n` (= `a-<last>/n`). Day-of-month and
 * day-of-week also take `?` for `*`. Day-of-week is 0-7 with both 0 and 7 for
 * Sunday; Kubernetes itself rejects 7, so {@link CronSchedule.kubernetes} writes
 * such a field with 0 instead. Macros match in any case and spaces around the
 * expression are ignored: the CronJob gets {@link CronSchedule.kubernetes}, with
 * the macro expanded. Not supported: `@every`, `@reboot`, `TZ=` prefixes.
 *
 * Day matching follows Vixie cron: when both day fields are restricted a day
 * matches if EITHER does; when one of them is `*` (or `?`, or `*\/1`) only the
 * other counts. As in Kubernetes, a stepped star such as `*\/2` is a restriction.
 *
 * Schedules run in UTC (the inventory says so), so every day has the same run
 * times and no daylight-saving gap exists.
 */

/** The five fields of a cron expression, in order. */
export type CronField = 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

/** The macros and the schedule each stands for. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed schedule: the run times as sorted sets. */
export interface CronSchedule {
  /** The expression as written. */
  readonly expression: string;
  /** Minutes 0-59. */
  readonly minutes: readonly number[];
  /** Hours 0-23. */
  readonly hours: readonly number[];
  /** Days of the month 1-31. */
  readonly daysOfMonth: readonly number[];
  /** Months 1-12. */
  readonly months: readonly number[];
  /** Weekdays 0-6, Sunday is 0 (a 7 in the expression is here as 0). */
  readonly daysOfWeek: readonly number[];
  /** Day-of-month is `*`, `?` or `*\/1`: only day-of-week restricts the days. */
  readonly dayOfMonthStar: boolean;
  /** Day-of-week is `*`, `?` or `*\/1`: only day-of-month restricts the days. */
  readonly dayOfWeekStar: boolean;
  /**
   * The same schedule as 5 space-separated fields Kubernetes accepts: macros expanded, the
   * fields as written, except a day-of-week that uses 7 (written as a list of 0-6).
   */
  readonly kubernetes: string;
}

/** A schedule that cannot be parsed, or never runs. Returned by {@link parseCron}, thrown by {@link maxCronGapSeconds}. */
export class CronError extends Error {
  constructor(
    /** The whole expression. */
    readonly expression: unknown,
    /** The field at fault, or `schedule` for the expression as a whole. */
    readonly field: CronField | 'schedule',
    /** What is wrong, naming the field and the wrong part, e.g. `minute "61" is out of range`. */
    readonly problem: string,
    /** What is allowed instead. */
    readonly allowed: string,
  ) {
    super(`${problem} (got ${JSON.stringify(expression) ?? String(expression)}); ${allowed}`);
    this.name = 'CronError';
  }
}

interface FieldSpec {
  readonly name: CronField;
  readonly min: number;
  /** Largest value written. */
  readonly max: number;
  /** Last value of `*` and of `a/n` (day-of-week: 6, though 7 may be written). */
  readonly last: number;
  readonly names?: Readonly<Record<string, number>>;
  /** `?` means `*`. */
  readonly question: boolean;
  readonly range: string;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59, last: 59, question: false, range: 'minute 0-59' },
  { name: 'hour', min: 0, max: 23, last: 23, question: false, range: 'hour 0-23' },
  { name: 'day-of-month', min: 1, max: 31, last: 31, question: true, range: 'day-of-month 1-31' },
  {
    name: 'month', min: 1, max: 12, last: 12, question: false, range: 'month 1-12 or JAN-DEC',
    names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  },
  {
    name: 'day-of-week', min: 0, max: 7, last: 6, question: true, range: 'day-of-week 0-7 or SUN-SAT (0 and 7 are Sunday)',
    names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 },
  },
];

const SYNTAX = 'as n, *, a-b, */n, a-b/n or a list of these';
const FIELDS_TEXT = '5 fields "minute hour day-of-month month day-of-week" separated by spaces';
const FIVE_FIELDS = `${FIELDS_TEXT}, or one of ${Object.keys(CRON_MACROS).join(', ')}`;
/** Longest month, February counted in a leap year. */
const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface ParsedField { readonly values: number[]; readonly star: boolean; readonly seven: boolean }

/** One field; a CronError for its first mistake. */
function parseField(f: FieldSpec, text: string, expr: unknown): ParsedField | CronError {
  const set = new Array<boolean>(f.max + 1).fill(false);
  let star = false;
  let seven = false;
  const fail = (problem: string, allowed = `${f.range}, ${SYNTAX}`) => new CronError(expr, f.name, problem, allowed);
  const value = (s: string, item: string): number | CronError => {
    const named = f.names?.[s.toLowerCase()];
    if (named !== undefined) return named;
    if (!/^\d+$/.test(s)) return fail(`${f.name} "${item}" is not a number${f.names ? ' or name' : ''}`);
    const n = Number(s);
    if (n < f.min || n > f.max) return fail(`${f.name} "${item}" is out of range`);
    return n;
  };
  for (const item of text.split(',')) {
    if (item === '') return fail(`${f.name} "${text}" has an empty list item`);
    const slash = item.split('/');
    const dash = slash[0].split('-');
    if (slash.length > 2 || dash.length > 2) return fail(`${f.name} "${item}" is not a value, range or step`);
    let start: number;
    let end: number;
    const isStar = slash[0] === '*' || (f.question && slash[0] === '?');
    if (isStar) {
      start = f.min;
      end = f.last;
    } else {
      const a = value(dash[0], item);
      if (a instanceof CronError) return a;
      start = a;
      end = a;
      if (dash.length === 2) {
        const b = value(dash[1], item);
        if (b instanceof CronError) return b;
        end = b;
      }
    }
    let step = 1;
    if (slash.length === 2) {
      if (!/^\d+$/.test(slash[1])) return fail(`${f.name} "${item}" has a step that is not a number`, 'a step of 1 or more, as in */15 or 0-30/5');
      step = Number(slash[1]);
      if (step === 0) return fail(`${f.name} "${item}" has a step of 0`, 'a step of 1 or more, as in */15 or 0-30/5');
      if (!isStar && dash.length === 1) end = f.last; // `a/n` is `a-<last>/n`
    }
    if (start > end) {
      return fail(`${f.name} range "${item}" runs backwards`, 'a range a-b with a <= b (ranges do not wrap around: write a list such as "22-23,0-2")');
    }
    if (isStar && step === 1) star = true;
    for (let v = start; v <= end; v += step) set[v] = true;
  }
  if (f.max === 7 && set[7]) {
    set[7] = false;
    set[0] = true;
    seven = true;
  }
  const values: number[] = [];
  set.forEach((on, v) => { if (on) values.push(v); });
  return { values, star, seven };
}

/** A sorted list of small integers as "0,2-4". */
function compact(values: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) j++;
    out.push(j === i ? `${values[i]}` : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

function parseUncached(expr: unknown): CronSchedule | CronError {
  if (typeof expr !== 'string') return new CronError(expr, 'schedule', 'not a string', FIVE_FIELDS);
  const trimmed = expr.trim();
  if (trimmed === '') return new CronError(expr, 'schedule', 'empty schedule', FIVE_FIELDS);
  if (/^(CRON_)?TZ=/.test(trimmed)) return new CronError(expr, 'schedule', 'sets a time zone', 'no TZ= or CRON_TZ= prefix: backup schedules run in UTC');
  let text = trimmed;
  if (trimmed.startsWith('@')) {
    const macro = CRON_MACROS[trimmed.toLowerCase()];
    if (macro === undefined) return new CronError(expr, 'schedule', `unknown macro "${trimmed}"`, `one of ${Object.keys(CRON_MACROS).join(', ')}, or ${FIELDS_TEXT}`);
    text = macro;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return new CronError(expr, 'schedule', `has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 5`, FIVE_FIELDS);
  const parsed: ParsedField[] = [];
  for (const [i, f] of FIELDS.entries()) {
    const r = parseField(f, parts[i], expr);
    if (r instanceof CronError) return r;
    parsed.push(r);
  }
  const [minute, hour, dom, month, dow] = parsed;
  // Only a restricted day-of-month with an unrestricted day-of-week can miss every month.
  if (!dom.star && dow.star && !month.values.some((m) => dom.values[0] <= MONTH_DAYS[m])) {
    const longest = Math.max(...month.values.map((m) => MONTH_DAYS[m]));
    return new CronError(expr, 'day-of-month', `never runs: day-of-month "${parts[2]}" does not occur in month "${parts[3]}"`,
      `a day-of-month of at most ${longest}, the longest of these months${longest === 29 ? ' (February 29 exists in leap years only)' : ''}`);
  }
  const k8sDow = dow.seven ? (dow.star ? '*' : compact(dow.values)) : parts[4];
  return {
    expression: expr,
    minutes: minute.values,
    hours: hour.values,
    daysOfMonth: dom.values,
    months: month.values,
    daysOfWeek: dow.values,
    dayOfMonthStar: dom.star,
    dayOfWeekStar: dow.star,
    kubernetes: [...parts.slice(0, 4), k8sDow].join(' '),
  };
}

/** Entries kept per cache before it starts over (a homelab has a handful of distinct schedules). */
const CACHE_LIMIT = 1024;
const parsedCache = new Map<string, CronSchedule | CronError>();
const gapCache = new Map<string, number | CronError>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Parses a schedule: a {@link CronSchedule}, or a {@link CronError} naming the field, the wrong
 * part and what is allowed (also for a schedule that never runs, such as `0 0 30 2 *`).
 * Results are cached by expression.
 */
export function parseCron(expr: string): CronSchedule | CronError {
  if (typeof expr !== 'string') return parseUncached(expr);
  return parsedCache.get(expr) ?? remember(parsedCache, expr, parseUncached(expr));
}

/** Days in one Gregorian cycle: 400 years, a whole number of weeks, after which dates and weekdays repeat. */
const CYCLE_DAYS = 146097;
const DAY_SECONDS = 86400;
const MONTH_DAYS_COMMON = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The longest time, in seconds, between two consecutive runs of `expr`, ever.
 *
 * Exact for every schedule: dates and weekdays repeat every 400 Gregorian years, so the days
 * the schedule runs on are enumerated over one whole cycle (2000-2399, wrapping around from the
 * last run to the first run of the next cycle), and each run day has the same times (UTC).
 * The answer does not depend on the current date. So `0 0 29 2 *` gives 8 years (2921 days:
 * 2096-02-29 to 2104-02-29, as 2100 is not a leap year), not 4.
 *
 * Cached by expression. Uncached, it visits the 4,800 months of the cycle once; the run days of
 * a month depend only on its length and the weekday of its 1st, so only 28 kinds of month are
 * ever looked at day by day (well under a millisecond). Throws a {@link CronError} when the schedule is invalid or never runs.
 */
export function maxCronGapSeconds(expr: string): number {
  const cached = gapCache.get(expr);
  const gap = cached ?? remember(gapCache, expr, gapOf(parseCron(expr)));
  if (gap instanceof CronError) throw gap;
  return gap;
}

function gapOf(s: CronSchedule | CronError): number | CronError {
  if (s instanceof CronError) return s;
  // Run times within a day, in seconds, ascending.
  const times: number[] = [];
  for (const h of s.hours) for (const m of s.minutes) times.push(h * 3600 + m * 60);
  let withinDay = 0;
  for (let i = 1; i < times.length; i++) if (times[i] - times[i - 1] > withinDay) withinDay = times[i] - times[i - 1];
  const span = times[times.length - 1] - times[0];

  let monthMask = 0;
  for (const m of s.months) monthMask |= 1 << m;
  let domMask = 0;
  for (const d of s.daysOfMonth) domMask |= 1 << d; // bit 31 makes it negative; read with >>>
  let dowMask = 0;
  for (const d of s.daysOfWeek) dowMask |= 1 << d;
  const both = s.dayOfMonthStar || s.dayOfWeekStar; // one side is `*`: both must match

  // The loops use no globals such as Math: in a vm context (jest) each global lookup is slow.
  // Run days of one month depend only on its length and the weekday of its 1st: 7 x 4 kinds,
  // each worked out once (index firstDow * 32 + length): first and last run day (0: none), longest gap.
  const known = new Uint8Array(7 * 32);
  const firstOf = new Uint8Array(7 * 32);
  const lastOf = new Uint8Array(7 * 32);
  const innerOf = new Uint8Array(7 * 32);
  let firstRun = -1;
  let prev = -1;
  let maxDays = 0;
  let day = 0; // days since 2000-01-01
  let firstDow = 6; // 2000-01-01 was a Saturday
  for (let y = 0; y < 400; y++) {
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0); // year 2000 + y
    for (let m = 1; m <= 12; m++) {
      const len = m === 2 && leap ? 29 : MONTH_DAYS_COMMON[m];
      if ((monthMask >>> m) & 1) {
        const k = firstDow * 32 + len;
        if (known[k] === 0) {
          known[k] = 1;
          for (let d = 1; d <= len; d++) {
            const domHit = (domMask >>> d) & 1;
            const dowHit = (dowMask >>> ((firstDow + d - 1) % 7)) & 1;
            if (both ? domHit & dowHit : domHit | dowHit) {
              if (firstOf[k] === 0) firstOf[k] = d;
              else if (d - lastOf[k] > innerOf[k]) innerOf[k] = d - lastOf[k];
              lastOf[k] = d;
            }
          }
        }
        if (firstOf[k] > 0) {
          const at = day + firstOf[k] - 1;
          if (firstRun < 0) firstRun = at;
          else if (at - prev > maxDays) maxDays = at - prev;
          if (innerOf[k] > maxDays) maxDays = innerOf[k];
          prev = day + lastOf[k] - 1;
        }
      }
      day += len;
      firstDow = (firstDow + len) % 7;
    }
  }
  if (firstRun < 0) return new CronError(s.expression, 'day-of-month', 'never runs', 'a day that exists in one of the months');
  maxDays = Math.max(maxDays, firstRun + CYCLE_DAYS - prev);
  return Math.max(withinDay, maxDays * DAY_SECONDS - span);
}
