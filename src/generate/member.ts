import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type {
  Claim,
  Dispensing,
  Enrollment,
  Member,
  Observation,
  ProductLine,
} from '../model/member.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';
import { measureBoundaries } from './boundaries.ts';
import type { MeasureBoundaries } from './boundaries.ts';
import { merge, withoutPharmacy } from './_internals/bundle.ts';
import type { Bundle } from './_internals/bundle.ts';
import { sometimes } from './_internals/choice.ts';
import { uniformClaims, withIds } from './_internals/claims.ts';
import {
  birthDateForm,
  inBirthDateForm,
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
import { uniformClinical } from './_internals/clinical.ts';
import type { UniformClinical } from './_internals/clinical.ts';
import { eventAims, focusedRecords, ruleAwareRecords } from './_internals/records.ts';
import { decidingMembers, decidingPlans } from './_internals/deciding.ts';
import { decoySwap, withDecoy } from './_internals/decoys.ts';
import { focusedPlans, fullCoverage, prerequisitesFor } from './_internals/focused.ts';
import { ruleAwareStatuses, uniformStatuses } from './_internals/statuses.ts';

/**
 * `rule-aware` aims at the measure's boundaries; `uniform` is the plain baseline that draws
 * everything uniformly, kept to measure how much the aim helps.
 */
export type GeneratorMode = 'rule-aware' | 'uniform';

export interface MemberArbitraryOptions {
  /**
   * The product line the member is evaluated for: enrollment is aimed at its allowance. Undefined
   * for a measure without product lines: its members carry no enrollment.
   */
  readonly productLine: ProductLine | undefined;
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
    const parts = fc.record({
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
    });
    // Drawn after the rest, and only for measures that read conditions or orders, so uniform
    // members of every other measure are the members they were.
    const clinical = uniformClinical(b);
    return toMember(
      clinical
        ? fc.tuple(parts, clinical).map(([p, c]): UniformParts => ({ ...p, clinical: c }))
        : parts,
    );
  }
  // Wide members combine every boundary at once and find interactions; focused members are in
  // the initial population by age, coverage and (where it needs events) prerequisite records, and
  // carry one aimed bundle of records, so each window edge, threshold and exclusion decides the
  // outcome often. Wide comes first: it shrinks there.
  const plans = focusedPlans(measure, b, options.productLine);
  const wide = fc
    .record({
      id,
      birthDate: ruleAwareBirthDate(b),
      sex: ruleAwareSex(b),
      deathDate: ruleAwareDeathDate(b),
      enrollments:
        options.productLine !== undefined
          ? ruleAwareEnrollments(b, options.productLine)
          : fc.constant<Enrollment[]>([]),
      statuses: ruleAwareStatuses(b),
      records: ruleAwareRecords(b),
      way:
        plans.ways.length > 0
          ? sometimes(fc.constantFrom(...plans.ways), 0.5)
          : fc.constant(undefined),
    })
    .map(({ way, records, ...rest }): MemberParts => ({
      ...rest,
      records: way ? merge([records, prerequisitesFor(plans, way, records)]) : records,
    }));
  const enrollments = fullCoverage(b, options.productLine);
  const focused = fc
    .record({
      id,
      plan: fc.constantFrom(...plans.plans),
      birthForm: birthDateForm,
      // Shrinks to no prerequisite records, so a counterexample keeps them only when they matter.
      prerequisites: fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constant(false), weight: 1 },
        { arbitrary: fc.constant(true), weight: 19 },
      ),
      sex: ruleAwareSex(b),
      // Now and then a death at a death window's edge: in a member already in the initial
      // population, such a death decides the exclusion.
      deathDate: ruleAwareDeathDate(b, FOCUSED_DEATH_CHANCE),
      // Statuses less often than in wide members: a hospice span would exclude the member and
      // hide the aimed records (wide members still carry them two times in five).
      statuses: ruleAwareStatuses(b, FOCUSED_STATUS_CHANCE),
      records: focusedRecords(b),
    })
    .map(
      ({
        id: memberId,
        plan,
        birthForm,
        prerequisites,
        sex,
        deathDate,
        statuses,
        records,
      }): MemberParts => ({
        id: memberId,
        birthDate: inBirthDateForm(plan.birthDate, birthForm),
        sex,
        deathDate,
        enrollments,
        statuses,
        records: prerequisites
          ? merge([records, prerequisitesFor(plans, plan.way, records)])
          : records,
      }),
    );
  // Deciding members put one part of a conjunction (frailty with advanced illness) in charge:
  // the other parts hold, the member is old enough, so each edge of that part decides.
  const deciding = decidingMembers(
    b,
    options.productLine,
    plans,
    decidingPlans(measure, b, options.productLine, plans),
    eventAims(b),
    id,
  );
  const members = fc
    .oneof(
      { withCrossShrink: true },
      { arbitrary: wide, weight: 2 },
      { arbitrary: focused, weight: 4 },
      ...(deciding ? [{ arbitrary: deciding, weight: 1 }] : []),
    )
    .map(assemble);
  // Now and then one code swapped for a near miss the pack lists for its value set.
  const swap = decoySwap(b);
  return swap ? fc.tuple(members, swap).map(([member, s]) => withDecoy(b, member, s)) : members;
}

/** How often a focused member dies (wide members: the default of `ruleAwareDeathDate`). */
const FOCUSED_DEATH_CHANCE = 0.05;

/** How often a focused member has status spans (wide members: two times in five). */
const FOCUSED_STATUS_CHANCE = 0.2;

interface MemberParts {
  id: string;
  birthDate: string;
  sex: Member['sex'];
  deathDate: string | undefined;
  enrollments: Member['enrollments'];
  statuses: Member['statuses'];
  records: Bundle;
}

/**
 * The member from its parts: claims, conditions and orders get ids by position (observations
 * drawn with an id too), a death date the records were aimed
 * with wins, and pharmacy gaps the records were aimed with are cut out of the coverage.
 */
function assemble({ records: r, deathDate, enrollments, ...rest }: MemberParts): Member {
  const death = r.deathDate ?? deathDate;
  return {
    id: rest.id,
    birthDate: rest.birthDate,
    sex: rest.sex,
    ...(death !== undefined ? { deathDate: death } : {}),
    enrollments: r.pharmacyGaps ? withoutPharmacy(enrollments, r.pharmacyGaps) : enrollments,
    statuses: rest.statuses,
    claims: withIds(r.claims),
    dispensings: [...r.dispensings],
    observations: r.observations.map((o, i) =>
      o.id !== undefined ? { ...o, id: `O${String(i + 1)}` } : o,
    ),
    // Present only when some clause aimed at them: members of HEDIS packs stay as they were.
    ...(r.conditions && r.conditions.length > 0
      ? { conditions: r.conditions.map((c, i) => ({ id: `D${String(i + 1)}`, ...c })) }
      : {}),
    ...(r.orders && r.orders.length > 0
      ? { orders: r.orders.map((o, i) => ({ id: `R${String(i + 1)}`, ...o })) }
      : {}),
  };
}

interface UniformParts {
  id: string;
  birthDate: string;
  sex: Member['sex'];
  deathDate: string | undefined;
  enrollments: Member['enrollments'];
  statuses: Member['statuses'];
  records: { claims: Claim[]; observations: Observation[]; dispensings: Dispensing[] };
  clinical?: UniformClinical;
}

function toMember(parts: Arbitrary<UniformParts>): Arbitrary<Member> {
  return parts.map(
    ({
      id: memberId,
      birthDate,
      sex,
      deathDate,
      enrollments,
      statuses,
      records: r,
      clinical,
    }): Member => ({
      id: memberId,
      birthDate,
      sex,
      ...(deathDate !== undefined ? { deathDate } : {}),
      enrollments,
      statuses,
      claims: r.claims,
      dispensings: r.dispensings,
      observations: r.observations,
      ...(clinical && clinical.conditions.length > 0
        ? { conditions: clinical.conditions.map((c, i) => ({ id: `D${String(i + 1)}`, ...c })) }
        : {}),
      ...(clinical && clinical.orders.length > 0
        ? { orders: clinical.orders.map((o, i) => ({ id: `R${String(i + 1)}`, ...o })) }
        : {}),
    }),
  );
}
