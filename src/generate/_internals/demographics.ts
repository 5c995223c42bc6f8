import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { SEXES } from '../../model/member.ts';
import type { Member } from '../../model/member.ts';
import type { MeasureBoundaries } from '../boundaries.ts';
import { sometimes } from './choice.ts';
import { dateBetween, yearEnd, yearStart } from './dates.ts';

type Sex = Member['sex'];

/**
 * Birth dates at every age boundary (both ends of each age, Feb 29), sometimes any age 0-100;
 * each shrinks toward a plain date of its year or month (see `birthDateForm`).
 */
export function ruleAwareBirthDate(b: MeasureBoundaries): Arbitrary<string> {
  const points = [...new Set(b.ages.flatMap((a) => a.points.map((p) => p.birthDate)))];
  const anyAge = dateBetween(yearStart(b.year - 100), yearEnd(b.year));
  if (points.length === 0) return anyAge;
  const drawn = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constantFrom(...points), weight: 3 },
    { arbitrary: anyAge, weight: 1 },
  );
  return fc.tuple(drawn, birthDateForm).map(([date, form]) => inBirthDateForm(date, form));
}

/**
 * `jan-1`: Jan 1 of the drawn date's year; `first-of-month`: the 1st of its month; `as-drawn`:
 * the date itself. Plain forms are rare (the drawn boundary is the point), but shrinking goes
 * there first, so a counterexample shows a plain birth date whenever the same age still
 * disagrees (Jan 1 has the age on Dec 31 of every date of its year).
 */
export type BirthDateForm = 'jan-1' | 'first-of-month' | 'as-drawn';

export const birthDateForm: Arbitrary<BirthDateForm> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant<BirthDateForm>('jan-1'), weight: 1 },
  { arbitrary: fc.constant<BirthDateForm>('first-of-month'), weight: 1 },
  { arbitrary: fc.constant<BirthDateForm>('as-drawn'), weight: 38 },
);

export function inBirthDateForm(date: string, form: BirthDateForm): string {
  return form === 'jan-1'
    ? `${date.slice(0, 4)}-01-01`
    : form === 'first-of-month'
      ? `${date.slice(0, 7)}-01`
      : date;
}

/** Birth dates uniform over 1930..2010. */
export function uniformBirthDate(): Arbitrary<string> {
  return dateBetween(yearStart(1930), yearEnd(2010));
}

/**
 * Mostly a sex some clause names (BCS-E: F), shrinking toward it so the member stays in; the
 * others now and then. Uniform when no clause names a sex.
 */
export function ruleAwareSex(b: MeasureBoundaries): Arbitrary<Sex> {
  const named = SEXES.filter((s) => b.sexes.includes(s));
  const others = SEXES.filter((s) => !named.includes(s));
  if (named.length === 0 || others.length === 0) return fc.constantFrom(...SEXES);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constantFrom(...named), weight: 8 },
    { arbitrary: fc.constantFrom(...others), weight: 2 },
  );
}

export function uniformSex(): Arbitrary<Sex> {
  return fc.constantFrom(...SEXES);
}

/**
 * Usually no death; with probability `chance` a death window's edges, or any date in
 * MY-2..MY+1.
 */
export function ruleAwareDeathDate(
  b: MeasureBoundaries,
  chance = 0.15,
): Arbitrary<string | undefined> {
  const edges = [...new Set(b.deaths.flatMap((d) => d.edges.map((p) => p.date)))];
  const anyDay = dateBetween(yearStart(b.year - 2), yearEnd(b.year + 1));
  const date =
    edges.length > 0
      ? fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constantFrom(...edges), weight: 3 },
          { arbitrary: anyDay, weight: 1 },
        )
      : anyDay;
  return sometimes(date, chance);
}

/** Usually no death; otherwise any date in MY-2..MY. */
export function uniformDeathDate(year: number): Arbitrary<string | undefined> {
  return sometimes(dateBetween(yearStart(year - 2), yearEnd(year)), 0.15);
}
