import {
  addDays as dfAddDays,
  addMonths as dfAddMonths,
  differenceInCalendarDays,
  differenceInYears,
  format,
  getDaysInMonth,
  isLeapYear as dfIsLeapYear,
  isValid,
  max,
  min,
  parse,
} from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  ageOn,
  daysBetween,
  daysInMonth,
  formatIsoDate,
  fromDayNumber,
  isLeapYear,
  isoDateSchema,
  maxDate,
  minDate,
  parseIsoDate,
  toDayNumber,
} from '../../src/model/calendarDate.ts';

/**
 * src/model/calendarDate.ts against date-fns as an oracle.
 *
 * Zone safety: date-fns reads and writes a date's calendar fields through the local getters and
 * setters (`getDate`, `setFullYear`, ...), which follow the machine's time zone, where a local day
 * can be skipped (Pacific/Apia has no 2011-12-30) or a local midnight missing (DST). So the oracle
 * never works in local time: every date is a `UtcDate`, whose local getters and setters are the
 * UTC ones, and which date-fns keeps using for its results (it builds them with
 * `new date.constructor(...)`). Dates are built with `setUTCFullYear` (not `Date.UTC`, which maps
 * years 0-99 to 1900-1999) and compared as calendar-date strings that date-fns formats with
 * `uuuu-MM-dd` (`yyyy` is the year of the era, which prints year 0 as 1).
 */
class UtcDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getDay(): number {
    return this.getUTCDay();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  override getMilliseconds(): number {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset(): number {
    return 0;
  }
  override setFullYear(year: number, month?: number, date?: number): number {
    return this.setUTCFullYear(year, month ?? this.getUTCMonth(), date ?? this.getUTCDate());
  }
  override setMonth(month: number, date?: number): number {
    return this.setUTCMonth(month, date ?? this.getUTCDate());
  }
  override setDate(date: number): number {
    return this.setUTCDate(date);
  }
  override setHours(hours: number, minutes?: number, seconds?: number, ms?: number): number {
    return this.setUTCHours(
      hours,
      minutes ?? this.getUTCMinutes(),
      seconds ?? this.getUTCSeconds(),
      ms ?? this.getUTCMilliseconds(),
    );
  }
  override setMinutes(minutes: number, seconds?: number, ms?: number): number {
    return this.setUTCMinutes(
      minutes,
      seconds ?? this.getUTCSeconds(),
      ms ?? this.getUTCMilliseconds(),
    );
  }
  override setSeconds(seconds: number, ms?: number): number {
    return this.setUTCSeconds(seconds, ms ?? this.getUTCMilliseconds());
  }
  override setMilliseconds(ms: number): number {
    return this.setUTCMilliseconds(ms);
  }
}

/** Midnight UTC of a calendar date (month 1-12), for any year 0-9999. */
function utc(year: number, month: number, day: number): UtcDate {
  const date = new UtcDate(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

/** The oracle's calendar date as text. */
const text = (date: Date): string => format(date, 'uuuu-MM-dd');

/** The oracle's reading of a `YYYY-MM-DD` text: a UtcDate, or an invalid date. */
const oracleParse = (iso: string): Date => parse(iso, 'uuuu-MM-dd', utc(2000, 1, 1));

interface Day {
  readonly iso: string;
  readonly date: UtcDate;
}

/**
 * Calendar dates of years `minYear`..`maxYear`, with extra weight on the days where calendar
 * arithmetic goes wrong: Feb 29, Feb 28, Mar 1, the last day of a month, Jan 1 and Dec 31.
 */
function dayArbitrary(minYear: number, maxYear: number): fc.Arbitrary<Day> {
  const year = fc.integer({ min: minYear, max: maxYear });
  const month = fc.integer({ min: 1, max: 12 });
  const leapYear = year.map((y) => {
    let leap = y - (y % 4);
    while (!dfIsLeapYear(utc(leap, 1, 1)) || leap < minYear) leap += 4;
    return leap;
  });
  const parts = fc.oneof(
    fc
      .record({ y: year, m: month, d: fc.integer({ min: 1, max: 31 }) })
      .map(({ y, m, d }) => ({ y, m, d: Math.min(d, getDaysInMonth(utc(y, m, 1))) })),
    fc.record({ y: year, m: month }).map(({ y, m }) => ({ y, m, d: getDaysInMonth(utc(y, m, 1)) })),
    leapYear.map((y) => ({ y, m: 2, d: 29 })),
    year.chain((y) =>
      fc.constantFrom(
        { y, m: 2, d: 28 },
        { y, m: 3, d: 1 },
        { y, m: 1, d: 1 },
        { y, m: 12, d: 31 },
      ),
    ),
  );
  return parts
    .filter(({ y }) => y <= maxYear)
    .map(({ y, m, d }) => {
      const date = utc(y, m, d);
      return { iso: text(date), date };
    });
}

/** Years 100-9999; years below 100 have their own test below. */
const day = dayArbitrary(100, 9999);
/** Dates far enough from the ends of the range that ±220 years stay inside it. */
const middleDay = dayArbitrary(400, 9600);
const dayCount = fc.oneof(
  fc.integer({ min: -400, max: 400 }),
  fc.integer({ min: -80_000, max: 80_000 }),
);
const monthCount = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.integer({ min: -2600, max: 2600 }),
);
const RUNS = { numRuns: 2000 };

describe('the oracle itself is zone-free', () => {
  it('builds, formats and steps dates in UTC whatever the machine zone', () => {
    // Days that some zones skip or start after midnight: Apia, Kiritimati, DST changes.
    for (const iso of ['2011-12-30', '1994-12-31', '2025-03-09', '2025-03-30', '2018-11-04']) {
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      const date = utc(y, m, d);
      expect(text(date)).toBe(iso);
      expect(text(oracleParse(iso))).toBe(iso);
      expect(dfAddDays(date, 1)).toBeInstanceOf(UtcDate);
      expect(text(dfAddDays(dfAddDays(date, 1), -1))).toBe(iso);
    }
    expect(text(utc(50, 1, 1))).toBe('0050-01-01');
  });
});

describe('calendarDate against date-fns (fast-check)', () => {
  it('addDays', () => {
    fc.assert(
      fc.property(middleDay, dayCount, ({ iso, date }, n) => {
        expect(addDays(iso, n)).toBe(text(dfAddDays(date, n)));
      }),
      RUNS,
    );
  });

  it('addMonths: a day the target month lacks becomes its last day (Jan 31 + 1 month = Feb 28/29)', () => {
    fc.assert(
      fc.property(middleDay, monthCount, ({ iso, date }, n) => {
        expect(addMonths(iso, n)).toBe(text(dfAddMonths(date, n)));
      }),
      RUNS,
    );
  });

  it('daysBetween', () => {
    fc.assert(
      fc.property(day, day, (from, to) => {
        expect(daysBetween(from.iso, to.iso)).toBe(differenceInCalendarDays(to.date, from.date));
      }),
      RUNS,
    );
  });

  it('ageOn: whole years, a Feb 29 birthday reached on Mar 1 in a common year', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [birth, asOf] = a.iso <= b.iso ? [a, b] : [b, a];
        expect(ageOn(birth.iso, asOf.iso)).toBe(differenceInYears(asOf.date, birth.date));
      }),
      RUNS,
    );
  });

  it('ageOn before the birth date is negative (an unborn member is never age 0)', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        fc.pre(a.iso !== b.iso);
        const [asOf, birth] = a.iso < b.iso ? [a, b] : [b, a];
        expect(ageOn(birth.iso, asOf.iso)).toBeLessThan(0);
      }),
      RUNS,
    );
  });

  it('daysInMonth and isLeapYear', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        expect(isLeapYear(y)).toBe(dfIsLeapYear(utc(y, 1, 1)));
        // Years below 100 are the subject of the last group of tests.
        if (y >= 100) expect(daysInMonth(y, m)).toBe(getDaysInMonth(utc(y, m, 1)));
      }),
      RUNS,
    );
  });

  it('formatIsoDate', () => {
    fc.assert(
      fc.property(day, ({ iso, date }) => {
        expect(formatIsoDate(date.getFullYear(), date.getMonth() + 1, date.getDate())).toBe(iso);
      }),
      RUNS,
    );
  });

  it('parseIsoDate and isoDateSchema accept exactly the real dates YYYY-MM-DD', () => {
    const digits = (n: number, max: number) =>
      fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
    // Months 00-19 and days 00-39: mostly real dates, and every way to miss one.
    const candidate = fc
      .tuple(fc.integer({ min: 100, max: 9999 }), digits(2, 19), digits(2, 39))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${m}-${d}`);
    fc.assert(
      fc.property(
        fc.oneof(
          candidate,
          day.map((d) => d.iso),
        ),
        (iso) => {
          const oracle = oracleParse(iso);
          const parsed = parseIsoDate(iso);
          if (isValid(oracle)) {
            expect(parsed).toEqual({
              year: oracle.getFullYear(),
              month: oracle.getMonth() + 1,
              day: oracle.getDate(),
            });
          } else {
            expect(parsed).toBeUndefined();
          }
          expect(isoDateSchema.safeParse(iso).success).toBe(isValid(oracle));
        },
      ),
      RUNS,
    );
  });

  it('parseIsoDate refuses other shapes: times, zones, short fields, spaces', () => {
    for (const iso of [
      '2025-1-01',
      '2025-01-1',
      '25-01-01',
      '2025-01-01T00:00:00Z',
      '2025-01-01Z',
      ' 2025-01-01',
      '2025-01-01 ',
      '2025/01/01',
      '+2025-01-01',
      '',
    ]) {
      expect(parseIsoDate(iso), iso).toBeUndefined();
      expect(isoDateSchema.safeParse(iso).success, iso).toBe(false);
    }
  });

  it('toDayNumber and fromDayNumber count days from 1970-01-01', () => {
    const epoch = utc(1970, 1, 1);
    fc.assert(
      fc.property(day, ({ iso, date }) => {
        const n = differenceInCalendarDays(date, epoch);
        expect(toDayNumber(iso)).toBe(n);
        expect(fromDayNumber(n)).toBe(iso);
      }),
      RUNS,
    );
  });

  it('maxDate and minDate', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        expect(maxDate(a.iso, b.iso)).toBe(text(max([a.date, b.date])));
        expect(minDate(a.iso, b.iso)).toBe(text(min([a.date, b.date])));
      }),
      RUNS,
    );
  });
});

describe('calendarDate in years 0000-0099 (valid YYYY-MM-DD dates a member file may hold)', () => {
  const early = dayArbitrary(0, 99);

  it('toDayNumber, addDays and daysBetween agree with date-fns', () => {
    const epoch = utc(1970, 1, 1);
    fc.assert(
      fc.property(early, fc.integer({ min: -400, max: 400 }), ({ iso, date }, n) => {
        // Not differenceInCalendarDays here: its zone correction goes through Date.UTC, which
        // reads years 0-99 as 1900-1999 (0000-02-29 comes out one day late). The dates are UTC
        // midnights, so the difference of their times is exact.
        expect(toDayNumber(iso)).toBe((date.getTime() - epoch.getTime()) / 86_400_000);
        const later = dfAddDays(date, Math.abs(n));
        expect(addDays(iso, Math.abs(n))).toBe(text(later));
        expect(daysBetween(iso, text(later))).toBe(Math.abs(n));
      }),
      RUNS,
    );
  });

  it('0000-02-29 is a real date (year 0 is a leap year)', () => {
    expect(dfIsLeapYear(utc(0, 1, 1))).toBe(true);
    expect(parseIsoDate('0000-02-29')).toEqual({ year: 0, month: 2, day: 29 });
  });
});
