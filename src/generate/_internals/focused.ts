import type { Enrollment, Member, ProductLine } from '../../model/member.ts';
import { evaluateClause, evaluationContext } from '../../engine/evaluate.ts';
import type { CompiledMeasure } from '../../rulepack/compiled.ts';
import type { MeasureBoundaries } from '../boundaries.ts';
import type { Bundle } from './bundle.ts';
import { merge } from './bundle.ts';
import { withIds } from './claims.ts';
import { yearEnd, yearStart } from './dates.ts';
import { prerequisiteRecords } from './prerequisites.ts';

/**
 * Coverage of every checked period (and the anchor date) in `line`, with no gap: the member the
 * enrollment rules let in.
 */
export function fullCoverage(b: MeasureBoundaries, line: ProductLine | undefined): Enrollment[] {
  // A measure without product lines has no enrollment clauses: its members need no coverage.
  if (line === undefined) return [];
  const dates = b.enrollments.flatMap((e) => [
    ...e.segments[line].flatMap((s) => [s.from, s.to]),
    ...(e.anchor !== undefined ? [e.anchor] : []),
  ]);
  const sorted = [...dates].sort();
  return [
    {
      start: sorted[0] ?? yearStart(b.year),
      end: sorted.at(-1) ?? yearEnd(b.year),
      productLine: line,
      medical: true,
      pharmacy: true,
    },
  ];
}

/** The sex of the members probed for plans: the first the measure asks for, else F. */
export function probeSex(b: MeasureBoundaries): Member['sex'] {
  return b.sexes.find((s): s is Member['sex'] => s === 'F' || s === 'M' || s === 'U') ?? 'F';
}

/**
 * One way into the initial population: a boundary birth date and the event clauses whose
 * prerequisite records (see `prerequisiteRecords`) a fully covered member needs with it.
 */
export interface FocusedPlan {
  readonly birthDate: string;
  /** Event clause ids, with their records in `FocusedPlans.records`; empty when none is needed. */
  readonly way: readonly string[];
}

export interface FocusedPlans {
  /** Never empty. */
  readonly plans: readonly FocusedPlan[];
  /** Prerequisite records by event clause id. */
  readonly records: ReadonlyMap<string, Bundle>;
  /** The ways (sets of event clauses) that let some boundary birth date in. */
  readonly ways: readonly (readonly string[])[];
}

/**
 * The ways a fully covered member gets into the initial population, asked of the reference
 * itself so it holds for any measure: each boundary birth date with no records, and when that
 * lets nobody in, with the prerequisite records of each way the initial population's event
 * clauses can hold (two hypertension diagnoses for CBP, a diabetes diagnosis on two dates, or a
 * diabetes drug and one diagnosis, for GSD). Falls back to every boundary birth date with no
 * records when nothing lets a member in.
 */
export function focusedPlans(
  measure: CompiledMeasure,
  b: MeasureBoundaries,
  line: ProductLine | undefined,
): FocusedPlans {
  const births = [...new Set(b.ages.flatMap((a) => a.points.map((p) => p.birthDate)))];
  const candidates = births.length > 0 ? births : [`${b.year - 50}-06-15`];
  const enrollments = fullCoverage(b, line);
  const sex = probeSex(b);
  const records = new Map<string, Bundle>();
  for (const e of b.events) {
    const r = prerequisiteRecords(b, e);
    if (r) records.set(e.clauseId, r);
  }
  const inPopulation = (birthDate: string, bundle: Bundle): boolean => {
    const member: Member = {
      id: 'probe',
      birthDate,
      sex,
      enrollments,
      statuses: [],
      claims: withIds(bundle.claims),
      dispensings: [...bundle.dispensings],
      observations: [...bundle.observations],
    };
    return evaluateClause(measure.initialPopulation, evaluationContext(member, line)).result;
  };
  const plansFor = (way: readonly string[]): FocusedPlan[] => {
    const parts = way.map((id) => records.get(id));
    if (parts.some((p) => p === undefined)) return [];
    const bundle = merge(parts as Bundle[]);
    return candidates
      .filter((d) => inPopulation(d, bundle))
      .map((birthDate) => ({ birthDate, way }));
  };
  const without = plansFor([]);
  if (without.length > 0) return { plans: without, records, ways: [] };
  const withRecords = b.initialPopulationWays.flatMap(plansFor);
  if (withRecords.length === 0) {
    return { plans: candidates.map((birthDate) => ({ birthDate, way: [] })), records, ways: [] };
  }
  const ways = new Map(withRecords.map((p) => [p.way.join('|'), p.way]));
  return { plans: withRecords, records, ways: [...ways.values()] };
}

/**
 * The prerequisite records of `way`, without those of clauses `bundle` already places on purpose
 * (its onOrAfter anchor, its coverage fills), so they do not move the dates it aims at.
 */
export function prerequisitesFor(
  plans: FocusedPlans,
  way: readonly string[],
  bundle: Bundle,
): Bundle {
  const provided = new Set(bundle.provides ?? []);
  return merge(
    way.flatMap((id) => {
      const r = plans.records.get(id);
      return r && !provided.has(id) ? [r] : [];
    }),
  );
}
