import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, daysBetween, maxDate, minDate } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import type { CompiledWindow } from '../../rulepack/compiled.ts';
import type { MeasureBoundaries, OnOrAfterBoundary } from '../boundaries.ts';
import type { Bundle } from './bundle.ts';
import { EMPTY, merge, recordDates, redate } from './bundle.ts';
import { oneOrMore, sometimes } from './choice.ts';
import { dateNear } from './dates.ts';
import { countingRecord } from './prerequisites.ts';

/** Records of the clause an onOrAfter names, and the date the aimed records are placed around. */
export interface Anchor {
  /** Counting records of the named clause, on distinct dates (one date sometimes twice). */
  readonly bundle: Bundle;
  /** The Nth distinct date of the named clause, or where it would be when it has fewer dates. */
  readonly reference: IsoDate;
}

/**
 * Records of the clause `after` names, on N-1, N or N+1 distinct dates (N the occurrence), with
 * the Nth date where `target` (the window of the clause that has the onOrAfter) can see it: on
 * the first or last day both windows share, or between. Earlier dates are one day, two weeks or
 * a few weeks apart. Undefined when the named clause is unknown or no record can count for it.
 */
export function anchorRecords(
  b: MeasureBoundaries,
  after: OnOrAfterBoundary,
  target: CompiledWindow,
): Arbitrary<Anchor> | undefined {
  const e = b.events.find((x) => x.clauseId === after.clauseId);
  if (!e || !countingRecord(b, e, e.window.to)) return undefined;
  const n = after.occurrence;
  const shared = overlap(e.window, target) ?? e.window;
  const to = shared.to;
  const from = shared.from ?? addDays(to, -365);
  const middle = addDays(from, Math.floor(daysBetween(from, to) / 2));
  // The day before the target window opens (and the day after it closes), where the named
  // clause can still hold: a record of the target clause on that day counts only when the
  // target window's edge is off by a day, and the Nth date must already be there.
  const outside = [
    ...(target.from !== undefined ? [addDays(target.from, -1)] : []),
    addDays(target.to, 1),
  ].filter((d) => (e.window.from === undefined || d >= e.window.from) && d <= e.window.to);
  const counts = [
    { arbitrary: fc.constant(n), weight: 7 },
    { arbitrary: fc.constant(n + 1), weight: 2 },
    ...(n >= 1 ? [{ arbitrary: fc.constant(n - 1), weight: 1 }] : []),
  ];
  const gap = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(14), weight: 3 },
    { arbitrary: fc.constant(1), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 90 }), weight: 2 },
  );
  return fc
    .record({
      nth: dateNear([middle, from, to, ...outside], from, to),
      count: fc.oneof({ withCrossShrink: true }, ...counts),
      gaps: fc.array(gap, { minLength: n, maxLength: n }),
      twice: sometimes(fc.nat(n), 0.2),
    })
    .map(({ nth, count, gaps, twice }): Anchor => {
      // dates[i] is the (i+1)th distinct date; dates[n-1] is the Nth.
      const dates: IsoDate[] = [nth];
      for (let i = 0; i < n - 1; i++) dates.unshift(addDays(dates[0] ?? nth, -(gaps[i] ?? 1)));
      dates.push(addDays(nth, gaps[n - 1] ?? 1));
      const chosen = dates.slice(0, count);
      const again =
        twice !== undefined && chosen.length > 0 ? chosen[twice % chosen.length] : undefined;
      const all = again !== undefined ? [...chosen, again] : chosen;
      const records = all.flatMap((date) => {
        const r = countingRecord(b, e, date);
        return r ? [r] : [];
      });
      return { bundle: { ...merge(records), provides: [e.clauseId] }, reference: nth };
    });
}

/** Days from the anchor's reference date: on it, the day before, the day after, or further. */
export const offsetFromAnchor: Arbitrary<number> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constantFrom(0, -1, 1), weight: 6 },
  { arbitrary: fc.integer({ min: -60, max: 60 }), weight: 1 },
);

/**
 * An event bundle with an onOrAfter: the named clause's records (see `anchorRecords`) and the
 * event's own records moved to the Nth date, the day before, the day after, or further.
 */
export function anchoredBundle(
  b: MeasureBoundaries,
  after: OnOrAfterBoundary,
  target: CompiledWindow,
  own: Arbitrary<Bundle>,
): Arbitrary<Bundle> {
  const anchor = anchorRecords(b, after, target);
  if (!anchor) return own;
  return fc
    .record({ anchor, own, offsets: oneOrMore(offsetFromAnchor, 3) })
    .map(({ anchor: a, own: o, offsets }) => {
      const dates = offsets.map((k) => addDays(a.reference, k));
      const moved = recordDates(o).length > 0 ? redate(o, dates) : EMPTY;
      return merge([a.bundle, moved]);
    });
}

/** The days two windows share, or undefined when they share none. */
function overlap(a: CompiledWindow, b: CompiledWindow): CompiledWindow | undefined {
  const to = minDate(a.to, b.to);
  const from =
    a.from === undefined ? b.from : b.from === undefined ? a.from : maxDate(a.from, b.from);
  if (from !== undefined && from > to) return undefined;
  return from === undefined ? { to } : { from, to };
}
