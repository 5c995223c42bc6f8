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
import { ruleAwareRecords } from './_internals/records.ts';
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
  const records: Arbitrary<Records> = rule
    ? ruleAwareRecords(b)
    : fc.record({
        claims: uniformClaims(b),
        observations: uniformObservations(b),
        dispensings: uniformDispensings(b),
      });
  return fc
    .record({
      id,
      birthDate: rule ? ruleAwareBirthDate(b) : uniformBirthDate(),
      sex: rule ? ruleAwareSex(b) : uniformSex(),
      deathDate: rule ? ruleAwareDeathDate(b) : uniformDeathDate(b.year),
      enrollments: rule ? ruleAwareEnrollments(b, options.productLine) : uniformEnrollments(b.year),
      statuses: rule ? ruleAwareStatuses(b) : uniformStatuses(b.year),
      records,
    })
    .map(
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
