import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import type { Bundle } from './bundle.ts';
import { EMPTY, merge, recordDates, redate } from './bundle.ts';
import { oneOrMore, preferFirst } from './choice.ts';
import { aimedClaims, noiseClaims } from './claims.ts';
import {
  aimedConditions,
  aimedOrders,
  clinicalClaims,
  clinicalObservations,
  conditionBundle,
  orderBundle,
  readsClinical,
} from './clinical.ts';
import type { ClaimDraft } from './claims.ts';
import { aimedDispensings } from './dispensings.ts';
import { aimedFills } from './fills.ts';
import { aimedObservations } from './observations.ts';
import { anchoredBundle } from './onOrAfter.ts';
import { aimedReadings } from './readings.ts';

/** One aim: a clause (or clauses that must hold together) and the records aimed at it. */
interface Target {
  readonly ids: readonly string[];
  readonly arbitrary: Arbitrary<Bundle>;
}

/**
 * Records aimed at the measure's clauses: up to four bundles, each aimed at one event, reading
 * or coverage clause (as claims, observations or dispensings, whichever it reads) or at a
 * conjunction of events that must hold together (frailty with advanced illness, a left and a
 * right mastectomy), plus noise claims. Shrinks toward fewer bundles, then fewer records in each.
 */
export function ruleAwareRecords(b: MeasureBoundaries): Arbitrary<Bundle> {
  return recordsFrom(b, { minBundles: 0, maxBundles: 4, noise: true });
}

/** Records aimed at one clause (or one conjunction), without noise; rarely none. */
export function focusedRecords(b: MeasureBoundaries): Arbitrary<Bundle> {
  return recordsFrom(b, { minBundles: 1, maxBundles: 1, noise: false });
}

function recordsFrom(
  b: MeasureBoundaries,
  options: { minBundles: number; maxBundles: number; noise: boolean },
): Arbitrary<Bundle> {
  const targets = aimedTargets(b);
  const weighted = weigh(targets, new Set(b.numeratorClauses));
  const one = weighted.length === 0 ? undefined : fc.oneof({ withCrossShrink: true }, ...weighted);
  const aimed = !one
    ? fc.constant<Bundle[]>([])
    : options.minBundles > 0
      ? // Shrinks to no bundle at all (the first option), so a focused member's records can go.
        fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constant<Bundle[]>([]), weight: 1 },
          { arbitrary: oneOrMore(one, options.maxBundles), weight: 9 },
        )
      : fc.array(one, { maxLength: options.maxBundles });
  return fc
    .record({
      aimed,
      noise: options.noise ? noiseClaims(b) : fc.constant<ClaimDraft[]>([]),
      noiseFirst: fc.boolean(),
    })
    .map(({ aimed: bundles, noise, noiseFirst }) => {
      const all = merge(bundles);
      const claims = noiseFirst ? [...noise, ...all.claims] : [...all.claims, ...noise];
      return { ...all, claims };
    });
}

/** Records aimed at each event clause that some record kind can reach, by clause id. */
export function eventAims(b: MeasureBoundaries): Map<string, Arbitrary<Bundle>> {
  const byId = new Map<string, Arbitrary<Bundle>>();
  for (const e of b.events) {
    const arb = forEvent(b, e);
    // The bundle provides its own clause: a member whose initial population needs the clause
    // gets no prerequisite records for it, so the aimed records (and their window edges) decide.
    if (arb)
      byId.set(
        e.clauseId,
        arb.map((x) => providing(x, e.clauseId)),
      );
  }
  return byId;
}

function providing(bundle: Bundle, clauseId: string): Bundle {
  return { ...bundle, provides: [...new Set([...(bundle.provides ?? []), clauseId])] };
}

/** Every aim of the measure: events, conjunctions of events, readings, coverage clauses. */
function aimedTargets(b: MeasureBoundaries): Target[] {
  const byId = eventAims(b);
  const events = [...byId.entries()].map(([id, arbitrary]): Target => ({ ids: [id], arbitrary }));
  const conjunctions = b.conjunctions.flatMap((ids): Target[] => {
    const parts = ids.map((id) => byId.get(id));
    if (parts.some((p) => p === undefined)) return [];
    // Each part can shrink away on its own (to an empty bundle), so a counterexample keeps only
    // the parts of a conjunction that matter.
    const droppable = (parts as Arbitrary<Bundle>[]).map((p) =>
      fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constant(EMPTY), weight: 1 },
        { arbitrary: p, weight: 19 },
      ),
    );
    const together = fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant('apart' as const), weight: 4 },
      { arbitrary: fc.constant('same-day' as const), weight: 1 },
      { arbitrary: fc.constant('one-claim' as const), weight: 1 },
    );
    return [
      {
        ids,
        arbitrary: fc
          .tuple(fc.tuple(...droppable), together)
          .map(([bundles, how]) => joined(bundles, how)),
      },
    ];
  });
  const readings = b.readings.flatMap((r): Target[] => {
    const arb = aimedReadings(b, r);
    return arb ? [{ ids: [r.clauseId], arbitrary: arb }] : [];
  });
  const coverages = b.coverages.flatMap((c): Target[] => {
    const arb = aimedFills(b, c);
    return arb ? [{ ids: [c.clauseId], arbitrary: arb }] : [];
  });
  return [...events, ...conjunctions, ...readings, ...coverages];
}

/**
 * Weights so that the aims some numerator reaches get half of the draws together and the rest
 * (exclusions, initial-population events) the other half: a measure with one numerator clause
 * and twenty exclusions still meets its numerator often. Conjunctions together weigh as much as
 * two single aims when there are more than two of them (BCS-E pairs each of three left-side
 * clauses with each of three right-side ones): deciding members aim at their parts too, and nine
 * pairs would otherwise crowd out every single exclusion.
 */
function weigh(
  targets: readonly Target[],
  numerator: ReadonlySet<string>,
): { arbitrary: Arbitrary<Bundle>; weight: number }[] {
  const isNumerator = (t: Target) => t.ids.some((id) => numerator.has(id));
  const conjunctions = targets.filter((t) => t.ids.length > 1).length;
  const unit = (t: Target) => (conjunctions <= 2 ? 1 : t.ids.length > 1 ? 2 : conjunctions);
  const mass = (ts: readonly Target[]) => ts.reduce((sum, t) => sum + unit(t), 0);
  const inNumerator = mass(targets.filter(isNumerator));
  const elsewhere = mass(targets.filter((t) => !isNumerator(t)));
  return targets.map((t) => ({
    arbitrary: t.arbitrary,
    weight:
      inNumerator === 0 || elsewhere === 0
        ? unit(t)
        : unit(t) * (isNumerator(t) ? elsewhere : inNumerator),
  }));
}

/**
 * The parts of a conjunction as drawn, all on the first record's date, or as one claim carrying
 * every part's codes (a left and a right mastectomy on one claim).
 */
function joined(bundles: readonly Bundle[], how: 'apart' | 'same-day' | 'one-claim'): Bundle {
  const all = merge(bundles);
  const first = recordDates(all)[0];
  if (how === 'apart' || first === undefined) return all;
  const sameDay = redate(all, [first]);
  const [head, ...rest] = sameDay.claims;
  if (how === 'same-day' || !head || rest.length === 0) return sameDay;
  return { ...sameDay, claims: [{ ...head, codes: sameDay.claims.flatMap((c) => c.codes) }] };
}

/**
 * Records aimed at one event clause, as whichever record kind it reads (claims first), with the
 * records of the clause its onOrAfter names when it has one.
 */
function forEvent(b: MeasureBoundaries, e: EventBoundary): Arbitrary<Bundle> | undefined {
  if (readsClinical(e)) return clinicalEvent(b, e);
  const claims = aimedClaims(b, e)?.map((c): Bundle => ({ ...EMPTY, claims: c }));
  const observations = aimedObservations(e)?.map((o): Bundle => ({ ...EMPTY, observations: o }));
  const dispensings = aimedDispensings(b, e)?.map((d): Bundle => ({ ...EMPTY, dispensings: d }));
  const own = preferFirst([claims, 3], [dispensings, 2], [observations, 1]);
  if (!own || !e.onOrAfter) return own;
  return anchoredBundle(b, e.onOrAfter, e.window, own);
}

/**
 * `forEvent` for a clause that reads clinical record fields or conditions and orders: the same
 * claims, observations and dispensings, with those fields aimed at, and conditions and orders.
 */
function clinicalEvent(b: MeasureBoundaries, e: EventBoundary): Arbitrary<Bundle> | undefined {
  const claims = aimedClaims(b, e);
  const observations = aimedObservations(e);
  const c = claims && clinicalClaims(e, claims).map((x): Bundle => ({ ...EMPTY, claims: x }));
  const o =
    observations &&
    clinicalObservations(b, e, observations).map((x): Bundle => ({ ...EMPTY, observations: x }));
  const dispensings = aimedDispensings(b, e)?.map((d): Bundle => ({ ...EMPTY, dispensings: d }));
  const conditions = aimedConditions(b, e)?.map(conditionBundle);
  const orders = aimedOrders(b, e)?.map(orderBundle);
  const own = preferFirst(
    [claims ? c : undefined, 3],
    [conditions, 3],
    [orders, 3],
    [dispensings, 2],
    [o, 2],
  );
  if (!own || !e.onOrAfter) return own;
  return anchoredBundle(b, e.onOrAfter, e.window, own);
}
