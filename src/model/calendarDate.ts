import { z } from 'zod';

/**
 * Calendar dates without time or zone. A date is kept as its ISO text `YYYY-MM-DD`, which sorts
 * correctly as a string, and converted to a day number (days since 1970-01-01) for arithmetic.
 * Everything goes through UTC (`utcTime`), so nothing depends on the process time zone.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Milliseconds of UTC midnight of a date given in parts (month 0-11, overflowing days roll over).
 * `Date.UTC` would read years 0-99 as 1900-1999; `setUTCFullYear` takes the year as given.
 */
function utcTime(year: number, monthIndex: number, day: number): number {
  return new Date(0).setUTCFullYear(year, monthIndex, day);
}

/** Days in `month` (1-12) of `year`, Gregorian. */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcTime(year, month, 0)).getUTCDate();
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Parses `YYYY-MM-DD` into parts, or returns undefined when it is not a real calendar date. */
export function parseIsoDate(
  text: string,
): { year: number; month: number; day: number } | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** Formats parts as `YYYY-MM-DD`. */
export function formatIsoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Day number of an ISO date: days since 1970-01-01. */
export function toDayNumber(date: IsoDate): number {
  const p = parseIsoDate(date);
  if (!p) throw new RangeError(`not a calendar date: ${date}`);
  return utcTime(p.year, p.month - 1, p.day) / 86_400_000;
}

/** ISO date of a day number. */
export function fromDayNumber(dayNumber: number): IsoDate {
  const d = new Date(dayNumber * 86_400_000);
  return formatIsoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** `date` plus `days` (may be negative). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * `date` plus `months` calendar months; a day that does not exist in the target month is clamped
 * to the month's last day (Jan 31 + 1 month = Feb 28 or 29).
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const p = parseIsoDate(date);
  if (!p) throw new RangeError(`not a calendar date: ${date}`);
  const index = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatIsoDate(year, month, Math.min(p.day, daysInMonth(year, month)));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/**
 * Age in whole years on `asOf`. The birthday counts once the month and day are reached, so a
 * Feb 29 birthday is reached on Mar 1 in a non-leap year (the same reading as CQL's AgeInYearsAt).
 */
export function ageOn(birthDate: IsoDate, asOf: IsoDate): number {
  const b = parseIsoDate(birthDate);
  const a = parseIsoDate(asOf);
  if (!b || !a) throw new RangeError(`not a calendar date: ${!b ? birthDate : asOf}`);
  const beforeBirthday = a.month < b.month || (a.month === b.month && a.day < b.day);
  return a.year - b.year - (beforeBirthday ? 1 : 0);
}

/** The later of two ISO dates. */
export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

/** The earlier of two ISO dates. */
export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

/** zod schema for a calendar date `YYYY-MM-DD` that must exist (no Feb 30, no times). */
export const isoDateSchema = z.string().refine((s) => parseIsoDate(s) !== undefined, {
  message: 'expected a calendar date YYYY-MM-DD (no time, no time zone), e.g. 2025-12-31',
});
