import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, daysBetween, formatIsoDate } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';

/** A date in `from..to` (inclusive), drawn as a day offset so it shrinks toward `from`. */
export function dateBetween(from: IsoDate, to: IsoDate): Arbitrary<IsoDate> {
  const span = Math.max(0, daysBetween(from, to));
  return fc.integer({ min: 0, max: span }).map((d) => addDays(from, d));
}

/**
 * Mostly one of `points` (shrinking toward the first), sometimes any date in `from..to`.
 * Drawing from a handful of points makes equal dates (several records on one day) common.
 */
export function dateNear(
  points: readonly IsoDate[],
  from: IsoDate,
  to: IsoDate,
): Arbitrary<IsoDate> {
  if (points.length === 0) return dateBetween(from, to);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constantFrom(...points), weight: 3 },
    { arbitrary: dateBetween(from, to), weight: 1 },
  );
}

/** Jan 1 of `year`. */
export function yearStart(year: number): IsoDate {
  return formatIsoDate(year, 1, 1);
}

/** Dec 31 of `year`. */
export function yearEnd(year: number): IsoDate {
  return formatIsoDate(year, 12, 31);
}
