import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { evaluateMeasure } from '../../engine/evaluate.ts';
import { addMonths } from '../../model/calendarDate.ts';
import type { Member, ProductLine, Status } from '../../model/member.ts';
import type { CompiledMeasure } from '../../rulepack/compiled.ts';
import type { MeasureBoundaries } from '../boundaries.ts';
import type { Bundle } from './bundle.ts';
import { EMPTY, merge } from './bundle.ts';
import { withIds } from './claims.ts';
import type { FocusedPlans } from './focused.ts';
import { fullCoverage, prerequisitesFor, probeSex } from './focused.ts';
import { aimedStatuses } from './statuses.ts';

/**
 * A member in whom one clause decides the outcome: one part of a conjunction (the other parts
 * held by their prerequisite records) or a status clause, at a boundary birth date where it
 * changes some population (66+ for frailty with advanced illness or an I-SNP status), with the
 * initial population's prerequisite records, so the records or spans aimed at `aim` alone flip
 * the outcome.
 */
export interface DecidingPlan {
  readonly birthDate: string;
  /** The initial population's way (event clause ids), as in `FocusedPlan`. */
  readonly way: readonly string[];
  /** The event clause whose aimed records decide, or the status clause whose aimed spans do. */
  readonly aim: string;
  /** The other parts of the conjunction, held by their prerequisite records. */
  readonly context: readonly string[];
}

const planKey = (p: DecidingPlan): string =>
  `${p.aim}|${p.context.join('|')}|${p.birthDate}|${p.way.join('|')}`;

/**
 * The deciding plans of the measure, asked of the reference: for each part of each conjunction
 * and each focused plan, the plan counts when the member with the other parts' prerequisite
 * records gets a different outcome once the part's own prerequisite records are added; for each
 * status clause, when a span covering its window changes the outcome. Without them the parts of
 * a conjunction are aimed at together, and a window edge of one part decides only when every
 * other part happens to hold and the member happens to be old enough: too rarely to find a
 * one-day shift of that edge. Plans one year of age beside a deciding one are added.
 */
export function decidingPlans(
  measure: CompiledMeasure,
  b: MeasureBoundaries,
  line: ProductLine | undefined,
  plans: FocusedPlans,
): DecidingPlan[] {
  const enrollments = fullCoverage(b, line);
  const sex = probeSex(b);
  const request = {
    measure: measure.id,
    year: measure.year,
    ...(line !== undefined ? { productLine: line } : {}),
  };
  const outcome = (birthDate: string, bundle: Bundle, statuses: Status[] = []): string => {
    const member: Member = {
      id: 'probe',
      birthDate,
      sex,
      enrollments,
      statuses,
      claims: withIds(bundle.claims),
      dispensings: [...bundle.dispensings],
      observations: [...bundle.observations],
    };
    return JSON.stringify(evaluateMeasure(measure, request, member).outcome);
  };
  const out = new Map<string, DecidingPlan>();
  for (const conjunction of b.conjunctions) {
    if (conjunction.some((id) => !plans.records.has(id))) continue;
    for (const aim of conjunction) {
      const context = conjunction.filter((id) => id !== aim);
      for (const plan of plans.plans) {
        const ids = [...new Set([...plan.way, ...context])].filter((id) => id !== aim);
        const around = prerequisitesFor(plans, ids, EMPTY);
        const own = prerequisitesFor(plans, [aim], EMPTY);
        if (outcome(plan.birthDate, around) === outcome(plan.birthDate, merge([around, own]))) {
          continue;
        }
        const p = { birthDate: plan.birthDate, way: plan.way, aim, context };
        out.set(planKey(p), p);
      }
    }
  }
  // A status clause (I-SNP or LTI for members 66+ on Medicare) decides where a span covering
  // its window changes the outcome.
  for (const st of b.statuses) {
    const kind = st.kinds[0];
    if (kind === undefined || !st.scope.includes(line)) continue;
    const span = { kind, start: st.window.from ?? addMonths(st.window.to, -12), end: st.window.to };
    for (const plan of plans.plans) {
      const around = prerequisitesFor(plans, plan.way, EMPTY);
      if (outcome(plan.birthDate, around) === outcome(plan.birthDate, around, [span])) continue;
      const p = { birthDate: plan.birthDate, way: plan.way, aim: st.clauseId, context: [] };
      out.set(planKey(p), p);
    }
  }
  return withNeighbourAges(b, plans, [...out.values()]);
}

/**
 * The deciding plans and, beside them, the same aims at the boundary birth dates one year of age
 * away that do not decide (65 beside 66 for a 66+ conjunction): an age bound of the conjunction
 * that is off by one shows only there.
 */
function withNeighbourAges(
  b: MeasureBoundaries,
  plans: FocusedPlans,
  deciding: readonly DecidingPlan[],
): DecidingPlan[] {
  const ages = new Map<string, number[]>();
  for (const p of b.ages.flatMap((a) => a.points)) {
    ages.set(p.birthDate, [...(ages.get(p.birthDate) ?? []), p.age]);
  }
  const out = new Map(deciding.map((p) => [planKey(p), p]));
  for (const p of deciding) {
    const near = new Set((ages.get(p.birthDate) ?? []).flatMap((a) => [a - 1, a + 1]));
    for (const plan of plans.plans) {
      if (!(ages.get(plan.birthDate) ?? []).some((a) => near.has(a))) continue;
      const q = { ...p, birthDate: plan.birthDate, way: plan.way };
      if (!out.has(planKey(q))) out.set(planKey(q), q);
    }
  }
  return [...out.values()];
}

/**
 * Members from deciding plans (see `decidingPlans`): fully covered, no statuses, no death, the
 * plan's birth date and prerequisite records, and records aimed at the deciding part. The
 * prerequisite records shrink away when they play no part in a counterexample.
 */
export function decidingMembers(
  b: MeasureBoundaries,
  line: ProductLine | undefined,
  plans: FocusedPlans,
  deciding: readonly DecidingPlan[],
  aims: ReadonlyMap<string, Arbitrary<Bundle>>,
  id: Arbitrary<string>,
): Arbitrary<DecidingParts> | undefined {
  // One group per aim, so an aim that many conjunctions share (a left mastectomy with each of
  // three right-side clauses) is drawn as often as any other.
  const groups = new Map<string, DecidingPlan[]>();
  for (const p of deciding) groups.set(p.aim, [...(groups.get(p.aim) ?? []), p]);
  const statusAims = new Map(b.statuses.map((s) => [s.clauseId, aimedStatuses(s)]));
  const enrollments = fullCoverage(b, line);
  const sex = probeSex(b);
  const arbitraries = [...groups].flatMap(([aim, group]): Arbitrary<DecidingParts>[] => {
    const records = aims.get(aim) ?? fc.constant(EMPTY);
    const statuses = statusAims.get(aim) ?? fc.constant<Status[]>([]);
    if (!aims.has(aim) && !statusAims.has(aim)) return [];
    return [
      fc
        .record({
          id,
          plan: fc.constantFrom(...group),
          prerequisites: fc.oneof(
            { withCrossShrink: true },
            { arbitrary: fc.constant(false), weight: 1 },
            { arbitrary: fc.constant(true), weight: 19 },
          ),
          records,
          statuses,
        })
        .map(({ id: memberId, plan, prerequisites, records: r, statuses: s }): DecidingParts => {
          const ids = [...new Set([...plan.way, ...plan.context])].filter((x) => x !== plan.aim);
          return {
            id: memberId,
            birthDate: plan.birthDate,
            sex,
            deathDate: undefined,
            enrollments,
            statuses: s,
            records: prerequisites ? merge([r, prerequisitesFor(plans, ids, r)]) : r,
          };
        }),
    ];
  });
  if (arbitraries.length === 0) return undefined;
  return fc.oneof({ withCrossShrink: true }, ...arbitraries);
}

/** A deciding member before its claims get ids (the shape `member.ts` assembles). */
export interface DecidingParts {
  id: string;
  birthDate: string;
  sex: Member['sex'];
  deathDate: string | undefined;
  enrollments: Member['enrollments'];
  statuses: Member['statuses'];
  records: Bundle;
}
