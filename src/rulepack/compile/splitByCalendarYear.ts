import { addDays, formatIsoDate, maxDate, minDate } from '../../model/calendarDate.ts';
import type { EnrollmentSegment, GapAllowance } from '../compiled.ts';

/** Splits `from..to` at year ends, since gaps are allowed per calendar year. */
export function splitByCalendarYear(
  from: string,
  to: string,
  allowance: GapAllowance,
): EnrollmentSegment[] {
  const out: EnrollmentSegment[] = [];
  let start = from;
  while (start <= to) {
    const yearEnd = formatIsoDate(Number(start.slice(0, 4)), 12, 31);
    const end = minDate(yearEnd, to);
    out.push({ from: maxDate(start, from), to: end, allowance });
    start = addDays(end, 1);
  }
  return out;
}
