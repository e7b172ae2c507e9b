import * as fc from 'fast-check';
import { CronError, CronSchedule, maxCronGapSeconds, parseCron } from '../../lib/model/cron';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/** The schedule, or a failed expectation with the parse error. */
function parsed(expr: string): CronSchedule {
  const s = parseCron(expr);
  if (s instanceof CronError) throw new Error(`expected ${JSON.stringify(expr)} to parse: ${s.message}`);
  return s;
}

/** The error, or a failed expectation. */
function failure(expr: string): CronError {
  const s = parseCron(expr);
  if (!(s instanceof CronError)) throw new Error(`expected ${JSON.stringify(expr)} to fail`);
  return s;
}

describe('parseCron', () => {
  test('reads numbers, ranges, steps, lists and names', () => {
    // GIVEN a schedule using every form
    // WHEN parsing it
    const s = parsed('0,30 */6 1-10/3 jan-MAR,Dec mon-wed,FRI');
    // THEN each field holds its run values
    expect(s.minutes).toEqual([0, 30]);
    expect(s.hours).toEqual([0, 6, 12, 18]);
    expect(s.daysOfMonth).toEqual([1, 4, 7, 10]);
    expect(s.months).toEqual([1, 2, 3, 12]);
    expect(s.daysOfWeek).toEqual([1, 2, 3, 5]);
    expect(s.dayOfMonthStar).toBe(false);
    expect(s.dayOfWeekStar).toBe(false);
    expect(s.kubernetes).toBe('0,30 */6 1-10/3 jan-MAR,Dec mon-wed,FRI');
  });

  test.each<[string, string]>([
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    ['@monthly', '0 0 1 * *'],
    ['@weekly', '0 0 * * 0'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
  ])('expands %s to %s', (macro, fields) => {
    // GIVEN a macro
    // WHEN parsing it
    const s = parsed(macro);
    // THEN it is the 5-field schedule it stands for
    expect(s.kubernetes).toBe(fields);
    expect(s.expression).toBe(macro);
  });

  test('reads "a/n" as "a-<last>/n", like Kubernetes', () => {
    // GIVEN a step from a single value
    // WHEN parsing it
    const s = parsed('50/5 * * * 1/2');
    // THEN it runs from that value to the end of the field (day-of-week ends at 6 here)
    expect(s.minutes).toEqual([50, 55]);
    expect(s.daysOfWeek).toEqual([1, 3, 5]);
  });

  test('takes 7 for Sunday and writes it as 0 for Kubernetes, which rejects 7', () => {
    // GIVEN day-of-week fields with 7
    // WHEN parsing them
    // THEN 7 is Sunday, 0
    expect(parsed('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parsed('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parsed('0 0 * * 1-7/2').daysOfWeek).toEqual([0, 1, 3, 5]);
    // AND the Kubernetes form has no 7, other fields stay as written
    expect(parsed('0 0 * * 7').kubernetes).toBe('0 0 * * 0');
    expect(parsed('0 0 * * 5-7').kubernetes).toBe('0 0 * * 0,5-6');
    expect(parsed('0 0 1 * 0-7').kubernetes).toBe('0 0 1 * 0-6');
    expect(parsed('0 0 * * SUN').kubernetes).toBe('0 0 * * SUN');
  });

  test('treats only "*", "?" and "*/1" as an unrestricted day field, like Kubernetes', () => {
    // GIVEN day fields written in different ways
    // WHEN parsing them
    // THEN only the plain stars leave the day unrestricted
    expect(parsed('0 0 * * *').dayOfMonthStar).toBe(true);
    expect(parsed('0 0 ? * ?').dayOfWeekStar).toBe(true);
    expect(parsed('0 0 */1 * *').dayOfMonthStar).toBe(true);
    expect(parsed('0 0 */2 * *').dayOfMonthStar).toBe(false);
    expect(parsed('0 0 1-31 * *').dayOfMonthStar).toBe(false);
  });

  test('caches by expression', () => {
    // GIVEN a schedule parsed once
    const first = parseCron('15 2 * * *');
    // WHEN parsing it again
    // THEN the same object comes back
    expect(parseCron('15 2 * * *')).toBe(first);
  });

  test.each<[string, string, string, string]>([
    // expression, field, what is wrong, what is allowed
    ['61 * * * *', 'minute', 'minute "61" is out of range', 'minute 0-59, as n, *, a-b, */n, a-b/n or a list of these'],
    ['0 24 * * *', 'hour', 'hour "24" is out of range', 'hour 0-23'],
    ['0 0 0 * *', 'day-of-month', 'day-of-month "0" is out of range', 'day-of-month 1-31'],
    ['0 0 * 13 *', 'month', 'month "13" is out of range', 'month 1-12 or JAN-DEC'],
    ['0 0 * * 8', 'day-of-week', 'day-of-week "8" is out of range', 'day-of-week 0-7 or SUN-SAT (0 and 7 are Sunday)'],
    ['0 0 * * MONDAY', 'day-of-week', 'day-of-week "MONDAY" is not a number or name', 'SUN-SAT'],
    ['x * * * *', 'minute', 'minute "x" is not a number', 'minute 0-59'],
    ['-1 * * * *', 'minute', 'minute "-1" is not a number', 'minute 0-59'],
    ['* * *', 'schedule', 'has 3 fields, not 5', '5 fields "minute hour day-of-month month day-of-week" separated by spaces, or one of @yearly'],
    ['0 0 * * * *', 'schedule', 'has 6 fields, not 5', '5 fields'],
    ['', 'schedule', 'empty schedule', '5 fields'],
    ['@reboot', 'schedule', 'unknown macro "@reboot"', 'one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly'],
    ['TZ=Europe/Berlin 0 3 * * *', 'schedule', 'sets a time zone', 'backup schedules run in UTC'],
    ['5-1 * * * *', 'minute', 'minute range "5-1" runs backwards', 'a range a-b with a <= b'],
    ['0 0 * * FRI-SUN', 'day-of-week', 'day-of-week range "FRI-SUN" runs backwards', 'a range a-b with a <= b'],
    ['*/0 * * * *', 'minute', 'minute "*/0" has a step of 0', 'a step of 1 or more'],
    ['*/x * * * *', 'minute', 'minute "*/x" has a step that is not a number', 'a step of 1 or more'],
    ['1-2-3 * * * *', 'minute', 'minute "1-2-3" is not a value, range or step', 'minute 0-59'],
    ['*/2/3 * * * *', 'minute', 'minute "*/2/3" is not a value, range or step', 'minute 0-59'],
    ['1,,2 * * * *', 'minute', 'minute "1,,2" has an empty list item', 'minute 0-59'],
    ['? * * * *', 'minute', 'minute "?" is not a number', 'minute 0-59'],
    ['0 0 30 2 *', 'day-of-month', 'never runs: day-of-month "30" does not occur in month "2"', 'a day-of-month of at most 29, the longest of these months (February 29 exists in leap years only)'],
    ['0 0 31 4,6,9,11 *', 'day-of-month', 'never runs: day-of-month "31" does not occur in month "4,6,9,11"', 'a day-of-month of at most 30'],
  ])('fails on %j', (expr, field, problem, allowed) => {
    // GIVEN a bad expression
    // WHEN parsing it
    const e = failure(expr);
    // THEN the error names the field, the wrong part and what is allowed
    expect(e.field).toBe(field);
    expect(e.problem).toBe(problem);
    expect(e.allowed).toContain(allowed);
    expect(e.message).toBe(`${problem} (got ${JSON.stringify(expr)}); ${e.allowed}`);
    expect(e).toBeInstanceOf(Error);
  });

  test('fails on a value that is not a string', () => {
    // GIVEN a number where a schedule belongs (untyped input)
    // WHEN parsing it
    const e = parseCron(5 as unknown as string) as CronError;
    // THEN it is a CronError, not an exception
    expect(e).toBeInstanceOf(CronError);
    expect(e.message).toBe('not a string (got 5); 5 fields "minute hour day-of-month month day-of-week" separated by spaces, or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly');
  });

  test('accepts a day that exists only in some of the months, or only through day-of-week', () => {
    // GIVEN schedules whose day-of-month misses some months, but not all
    // WHEN parsing them
    // THEN they parse: February 29 exists in leap years, and with a day-of-week either day matches
    expect(parseCron('0 0 29 2 *')).not.toBeInstanceOf(CronError);
    expect(parseCron('0 0 31 2,3 *')).not.toBeInstanceOf(CronError);
    expect(parseCron('0 0 30 2 1')).not.toBeInstanceOf(CronError);
  });
});

describe('maxCronGapSeconds', () => {
  test.each<[string, number, string]>([
    ['0 3 * * *', DAY, 'daily'],
    ['30 4 * * 0', 7 * DAY, 'weekly on Sunday'],
    ['*/15 * * * *', 15 * MIN, 'every quarter hour'],
    ['*/5 * * * *', 5 * MIN, 'every five minutes'],
    ['0 3 * * 1-5', 3 * DAY, 'weekdays: Friday 03:00 to Monday 03:00'],
    ['0 0 1 * *', 31 * DAY, 'monthly: the longest month'],
    ['0 0 31 * *', 61 * DAY, 'the 31st: skips two 30-day months, e.g. May 31 to July 31'],
    ['0 0 29 2 *', 2921 * DAY, 'February 29: 8 years across 2100, which is not a leap year'],
    ['0 0 1 * 1', 7 * DAY, 'the 1st OR a Monday (Vixie): Monday to Monday'],
    ['0 0 30 2 1', 350 * DAY, 'February 30 never exists, but February Mondays do: February 22 to February 7'],
    ['@weekly', 7 * DAY, 'the macro'],
    ['@yearly', 366 * DAY, 'January 1 across a leap year'],
    ['@hourly', HOUR, 'the macro'],
    ['0 0 * * 7', 7 * DAY, 'Sunday written as 7'],
    ['0,30 9-17 * * *', 15 * HOUR + 30 * MIN, 'business hours: 17:30 to 09:00'],
    ['0 0 */2 * *', 2 * DAY, 'odd days of the month'],
    ['0 0 */10 * 1', 7 * DAY, 'the 1st, 11th, 21st, 31st OR a Monday: a stepped star restricts, like Kubernetes'],
    ['0 0 */1 * 1', 7 * DAY, '"*/1" is a star: Mondays only'],
    ['0 0 13 * 5', 7 * DAY, 'the 13th OR a Friday'],
    ['0 0 * 2 *', 338 * DAY, 'every day of February: February 28 of a common year to February 1'],
  ])('%s gives the exact longest gap (%s)', (expr, seconds) => {
    // GIVEN a schedule
    // WHEN computing its longest gap
    // THEN it is the exact number of seconds
    expect(maxCronGapSeconds(expr)).toBe(seconds);
  });

  test.each(['61 * * * *', '* * *', '0 0 30 2 *', '5-1 * * * *', '*/0 * * * *'])('fails on %j with the parse error', (expr) => {
    // GIVEN an invalid schedule
    // WHEN computing its longest gap
    // THEN the CronError is thrown, every time (the error is cached too)
    expect(() => maxCronGapSeconds(expr)).toThrow(CronError);
    expect(() => maxCronGapSeconds(expr)).toThrow((parseCron(expr) as CronError).message);
  });

  test('fails on a schedule that never runs', () => {
    // GIVEN February 30
    // WHEN computing its longest gap
    // THEN it is an error saying it never runs
    expect(() => maxCronGapSeconds('0 0 30 2 *')).toThrow(/never runs/);
  });

  test('matches a day-by-day walk over the 400-year Gregorian cycle', () => {
    // GIVEN random schedules over the day fields
    const dom = fc.constantFrom('*', '1', '15', '28', '29', '30', '31', '1-7', '*/2', '10-31/10', '29,31');
    const month = fc.constantFrom('*', '1', '2', '2,3', '*/3', '4-6', '12');
    const dow = fc.constantFrom('*', '0', '1-5', '6', '7', '*/2', '1,3');
    const time = fc.constantFrom(['0', '0'], ['*/20', '3'], ['5', '1-3'], ['0', '*/8']);
    fc.assert(fc.property(time, dom, month, dow, ([minute, hour], d, m, w) => {
      const expr = `${minute} ${hour} ${d} ${m} ${w}`;
      const s = parseCron(expr);
      // WHEN computing the longest gap, and walking every day with Date
      // THEN both agree (or both say it never runs)
      const reference = referenceGap(s);
      if (reference === undefined) expect(() => maxCronGapSeconds(expr)).toThrow(/never runs/);
      else expect(maxCronGapSeconds(expr)).toBe(reference);
    }), { numRuns: 40, seed: 42 });
  });

  test('is fast uncached and cached', () => {
    // GIVEN 50 distinct schedules nobody asked for yet, and one asked for 1000 times
    const fresh = Array.from({ length: 50 }, (_, i) => `${i} ${i % 24} * * ${i % 2 ? '1-5' : '*'}`);
    // WHEN computing their longest gaps
    const times = fresh.map((e) => {
      const t0 = process.hrtime.bigint();
      maxCronGapSeconds(e);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    });
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) maxCronGapSeconds('0 3 * * *');
    const cachedMs = Number(process.hrtime.bigint() - t0) / 1e6;
    // THEN the median uncached call takes under 5 ms, and 1000 cached calls under 50 ms
    expect([...times].sort((a, b) => a - b)[25]).toBeLessThan(5);
    expect(cachedMs).toBeLessThan(50);
  });
});

/**
 * Longest gap by walking every day 2000-01-01 to 2399-12-31 (month lengths and weekdays from Date)
 * and every run time, wrapping around to the next cycle; undefined when the schedule never runs.
 */
function referenceGap(s: CronSchedule | CronError): number | undefined {
  if (s instanceof CronError) return undefined;
  const times = s.hours.flatMap((h) => s.minutes.map((m) => h * HOUR + m * MIN));
  const dom = new Set(s.daysOfMonth);
  const dow = new Set(s.daysOfWeek);
  const months = new Set(s.months);
  const start = Date.UTC(2000, 0, 1);
  const cycle = (Date.UTC(2400, 0, 1) - start) / 1000;
  let first: number | undefined;
  let prev: number | undefined;
  let max = 0;
  for (let y = 2000; y < 2400; y++) {
    for (let m = 0; m < 12; m++) {
      if (!months.has(m + 1)) continue;
      const monthStart = (Date.UTC(y, m, 1) - start) / 1000;
      const length = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      const weekday = new Date(Date.UTC(y, m, 1)).getUTCDay();
      for (let d = 1; d <= length; d++) {
        const domHit = dom.has(d);
        const dowHit = dow.has((weekday + d - 1) % 7);
        if (!(s.dayOfMonthStar || s.dayOfWeekStar ? domHit && dowHit : domHit || dowHit)) continue;
        for (const x of times) {
          const t = monthStart + (d - 1) * DAY + x;
          if (prev === undefined) first = t;
          else max = Math.max(max, t - prev);
          prev = t;
        }
      }
    }
  }
  if (first === undefined || prev === undefined) return undefined;
  return Math.max(max, first + cycle - prev);
}
