import { formatIsoDate, parseIsoDate } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';

/**
 * A FHIR `date`, `dateTime` or `instant` read as a calendar date. The date is the one written in
 * the text, in the timestamp's own offset: `2025-12-31T23:30:00-05:00` is 2025-12-31, whatever the
 * machine's time zone. Nothing here goes through `Date`.
 */
export type FhirDate =
  | { readonly kind: 'date'; readonly date: IsoDate }
  /** A year or a year and month only (`2025`, `2025-03`): no day to put on a record. */
  | { readonly kind: 'partial' }
  | { readonly kind: 'invalid'; readonly reason: string };

const FHIR_DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Reads a FHIR date or dateTime; see `FhirDate`. */
export function readFhirDate(text: string): FhirDate {
  const m = FHIR_DATE_TIME.exec(text);
  if (!m) return { kind: 'invalid', reason: 'is not a FHIR date or dateTime' };
  const [, year, month, day, hour, minute, second, offset] = m;
  if (month === undefined || day === undefined) {
    if (month !== undefined && (Number(month) < 1 || Number(month) > 12))
      return { kind: 'invalid', reason: 'is not a date' };
    return { kind: 'partial' };
  }
  const date = formatIsoDate(Number(year), Number(month), Number(day));
  if (parseIsoDate(date) === undefined || `${year ?? ''}-${month}-${day}` !== date)
    return { kind: 'invalid', reason: 'is not a date' };
  if (hour !== undefined) {
    const validTime =
      Number(hour) <= 23 &&
      Number(minute) <= 59 &&
      (second === undefined || Number(second) <= 60) &&
      (offset === undefined ||
        offset === 'Z' ||
        (Number(offset.slice(1, 3)) <= 14 && Number(offset.slice(4, 6)) <= 59));
    if (!validTime) return { kind: 'invalid', reason: 'has a time of day that is not a time' };
  }
  return { kind: 'date', date };
}
