import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Member, ProductLine } from '../model/member.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';
import { measureBoundaries } from './boundaries.ts';
import type { MeasureBoundaries } from './boundaries.ts';
import { uniformClaims } from './_internals/claims.ts';
import {
  ruleAwareBirthDate,
  ruleAwareDeathDate,
  ruleAwareSex,
  uniformBirthDate,
  uniformDeathDate,
  uniformSex,
} from './_internals/demographics.ts';
import { uniformDispensings } from './_internals/dispensings.ts';
import { ruleAwareEnrollments, uniformEnrollments } from './_internals/enrollments.ts';
import { uniformObservations } from './_internals/observations.ts';
import { focusedRecords, ruleAwareRecords } from './_internals/records.ts';
import { focusedBasics } from './_internals/focused.ts';
import type { Records } from './_internals/records.ts';
import { ruleAwareStatuses, uniformStatuses } from './_internals/statuses.ts';

/**
 * `rule-aware` aims at the measure's boundaries; `uniform` is the plain baseline that draws
 * everything uniformly, kept to measure how much the aim helps.
 */
export type GeneratorMode = 'rule-aware' | 'uniform';

export interface MemberArbitraryOptions {
  /** The product line the member is evaluated for: enrollment is aimed at its allowance. */
  readonly productLine: ProductLine;
  readonly mode: GeneratorMode;
  /** The member id, or an arbitrary of ids; `M1` by default. */
  readonly id?: string | Arbitrary<string>;
  /** Boundaries computed earlier with `measureBoundaries(measure)`, to avoid recomputing them. */
  readonly boundaries?: MeasureBoundaries;
}

/**
 * Members for `measure`, valid against the member-record schema. Built only from fast-check
 * combinators, so a failing member shrinks toward fewer spans and records and simpler values
 * (full coverage, no death, the first code of a value set).
 *
 * @example
 * const arb = memberArbitrary(measure, { productLine: 'medicaid', mode: 'rule-aware' });
 * fc.sample(arb, { seed: 42, numRuns: 3 });
 */
export function memberArbitrary(
  measure: CompiledMeasure,
  options: MemberArbitraryOptions,
): Arbitrary<Member> {
  const b = options.boundaries ?? measureBoundaries(measure);
  const id =
    typeof options.id === 'string' || options.id === undefined
      ? fc.constant(options.id ?? 'M1')
      : options.id;
  const rule = options.mode === 'rule-aware';
  if (!rule) {
    return toMember(
      fc.record({
        id,
        birthDate: uniformBirthDate(),
        sex: uniformSex(),
        deathDate: uniformDeathDate(b.year),
        enrollments: uniformEnrollments(b.year),
        statuses: uniformStatuses(b.year),
        records: fc.record({
          claims: uniformClaims(b),
          observations: uniformObservations(b),
          dispensings: uniformDispensings(b),
        }),
      }),
    );
  }
  // Wide members combine every boundary at once and find interactions; focused members are in
  // the initial population by age and coverage and carry one aimed bundle of records, so each
  // window edge and exclusion decides the outcome often. Wide comes first: it shrinks there.
  const wide = fc.record({
    id,
    birthDate: ruleAwareBirthDate(b),
    sex: ruleAwareSex(b),
    deathDate: ruleAwareDeathDate(b),
    enrollments: ruleAwareEnrollments(b, options.productLine),
    statuses: ruleAwareStatuses(b),
    records: ruleAwareRecords(b),
  });
  const basics = focusedBasics(measure, b, options.productLine);
  const focused = fc.record({
    id,
    birthDate: basics.birthDate,
    sex: ruleAwareSex(b),
    deathDate: fc.constant(undefined),
    enrollments: basics.enrollments,
    statuses: ruleAwareStatuses(b),
    records: focusedRecords(b),
  });
  return toMember(
    fc.oneof(
      { withCrossShrink: true },
      { arbitrary: wide, weight: 1 },
      { arbitrary: focused, weight: 2 },
    ),
  );
}

interface MemberParts {
  id: string;
  birthDate: string;
  sex: Member['sex'];
  deathDate: string | undefined;
  enrollments: Member['enrollments'];
  statuses: Member['statuses'];
  records: Records;
}

function toMember(parts: Arbitrary<MemberParts>): Arbitrary<Member> {
  return parts.map(
    ({ id: memberId, birthDate, sex, deathDate, enrollments, statuses, records: r }): Member => ({
      id: memberId,
      birthDate,
      sex,
      ...(deathDate !== undefined ? { deathDate } : {}),
      enrollments,
      statuses,
      claims: r.claims,
      dispensings: r.dispensings,
      observations: r.observations,
    }),
  );
}
