import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths, maxDate, minDate } from '../../model/calendarDate.ts';
import { STATUS_KINDS } from '../../model/member.ts';
import type { Status, StatusKind } from '../../model/member.ts';
import type { MeasureBoundaries, StatusBoundary } from '../boundaries.ts';
import { dateBetween, yearEnd, yearStart } from './dates.ts';
import { oneOrMore } from './choice.ts';

/** Where a status span sits against a window: inside, across it, or touching an edge. */
const PLACEMENTS = [
  'inside',
  'covering',
  'ends-on-from',
  'ends-before-from',
  'starts-on-to',
  'starts-after-to',
] as const;
type Placement = (typeof PLACEMENTS)[number];

/**
 * Status spans (hospice, I-SNP, LTI) aimed at each status clause's window: inside, covering it,
 * ending on its first day or the day before, starting on its last day or the day after. Mostly
 * the clause's kinds, sometimes another kind. Shrinks toward none.
 */
export function ruleAwareStatuses(b: MeasureBoundaries, chance = 0.4): Arbitrary<Status[]> {
  if (b.statuses.length === 0) return uniformStatuses(b.year);
  // Most members have no status at all; a status in the window usually excludes the member.
  const some = Math.max(1, Math.round(chance * 100));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant<Status[]>([]), weight: 100 - some },
    {
      arbitrary: oneOrMore(fc.oneof(...b.statuses.map(aimedStatus)), 3),
      weight: some,
    },
  );
}

/**
 * One or two status spans aimed at status clause `s` alone (see `ruleAwareStatuses` for where
 * they fall), for a member in whom that clause decides.
 */
export function aimedStatuses(s: StatusBoundary): Arbitrary<Status[]> {
  return oneOrMore(aimedStatus(s), 2);
}

function aimedStatus(s: StatusBoundary): Arbitrary<Status> {
  const others = STATUS_KINDS.filter((k) => !s.kinds.includes(k));
  const kind =
    others.length > 0
      ? fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constantFrom(...s.kinds), weight: 4 },
          { arbitrary: fc.constantFrom(...others), weight: 1 },
        )
      : fc.constantFrom(...s.kinds);
  const to = s.window.to;
  const from = s.window.from ?? addMonths(to, -120);
  const inside = s.edges[0]?.date ?? to;
  return fc
    .record({ kind, placement: fc.constantFrom(...PLACEMENTS), days: fc.nat(90) })
    .map(({ kind: k, placement, days }) => ({ kind: k, ...span(placement, days) }));

  function span(p: Placement, days: number): { start: string; end: string } {
    switch (p) {
      case 'inside':
        return { start: inside, end: minDate(to, addDays(inside, days)) };
      case 'covering':
        return { start: addDays(from, -days), end: addDays(to, days) };
      case 'ends-on-from':
        return { start: addDays(from, -days), end: from };
      case 'ends-before-from':
        return { start: addDays(from, -1 - days), end: addDays(from, -1) };
      case 'starts-on-to':
        return { start: to, end: addDays(to, days) };
      case 'starts-after-to':
        return { start: addDays(to, 1), end: addDays(to, 1 + days) };
    }
  }
}

/** 0-2 status spans of any kind anywhere in MY-2..MY. */
export function uniformStatuses(year: number): Arbitrary<Status[]> {
  const day = dateBetween(yearStart(year - 2), yearEnd(year));
  return fc.array(
    fc
      .record({ kind: fc.constantFrom<StatusKind>(...STATUS_KINDS), a: day, b: day })
      .map(({ kind, a, b }) => ({ kind, start: minDate(a, b), end: maxDate(a, b) })),
    { minLength: 0, maxLength: 2 },
  );
}
