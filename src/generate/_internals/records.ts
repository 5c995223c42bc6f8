import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Claim, Dispensing, Observation } from '../../model/member.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import { oneOrMore, preferFirst } from './choice.ts';
import { aimedClaims, noiseClaims, withIds } from './claims.ts';
import type { ClaimDraft } from './claims.ts';
import { aimedDispensings } from './dispensings.ts';
import { aimedObservations } from './observations.ts';

/** A member's clinical records. */
export interface Records {
  readonly claims: Claim[];
  readonly observations: Observation[];
  readonly dispensings: Dispensing[];
}

interface Bundle {
  readonly claims: readonly ClaimDraft[];
  readonly observations: readonly Observation[];
  readonly dispensings: readonly Dispensing[];
}

const EMPTY: Bundle = { claims: [], observations: [], dispensings: [] };

/**
 * Records aimed at the measure's event clauses: up to four bundles, each aimed at one event
 * clause (as claims, observations or dispensings, whichever the clause reads) or at a
 * conjunction of clauses that must hold together (frailty with advanced illness), plus noise
 * claims. Shrinks toward fewer bundles, then fewer records in each.
 */
export function ruleAwareRecords(b: MeasureBoundaries): Arbitrary<Records> {
  return recordsFrom(b, { minBundles: 0, maxBundles: 4, noise: true });
}

/** Records aimed at one event clause (or one conjunction), without noise; rarely none. */
export function focusedRecords(b: MeasureBoundaries): Arbitrary<Records> {
  return recordsFrom(b, { minBundles: 1, maxBundles: 1, noise: false });
}

function recordsFrom(
  b: MeasureBoundaries,
  options: { minBundles: number; maxBundles: number; noise: boolean },
): Arbitrary<Records> {
  const byId = new Map<string, Arbitrary<Bundle>>();
  for (const e of b.events) {
    const arb = forEvent(b, e);
    if (arb) byId.set(e.clauseId, arb);
  }
  const conjunctions = b.conjunctions.flatMap((ids) => {
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
    return [fc.tuple(...droppable).map((bundles) => merge(bundles))];
  });
  const targets = [...byId.values(), ...conjunctions];
  const aimed =
    targets.length === 0
      ? fc.constant<Bundle[]>([])
      : options.minBundles > 0
        ? // Shrinks to no bundle at all (the first option), so a focused member's records can go.
          fc.oneof(
            { withCrossShrink: true },
            { arbitrary: fc.constant<Bundle[]>([]), weight: 1 },
            {
              arbitrary: oneOrMore(
                fc.oneof({ withCrossShrink: true }, ...targets),
                options.maxBundles,
              ),
              weight: 9,
            },
          )
        : fc.array(fc.oneof({ withCrossShrink: true }, ...targets), {
            maxLength: options.maxBundles,
          });
  return fc
    .record({
      aimed,
      noise: options.noise ? noiseClaims(b) : fc.constant<ClaimDraft[]>([]),
      noiseFirst: fc.boolean(),
    })
    .map(({ aimed: bundles, noise, noiseFirst }) => {
      const all = merge(bundles);
      const claims = noiseFirst ? [...noise, ...all.claims] : [...all.claims, ...noise];
      return {
        claims: withIds(claims),
        observations: [...all.observations],
        dispensings: [...all.dispensings],
      };
    });
}

/** Records aimed at one event clause, as whichever record kind it reads (claims first). */
function forEvent(b: MeasureBoundaries, e: EventBoundary): Arbitrary<Bundle> | undefined {
  const claims = aimedClaims(b, e)?.map((c): Bundle => ({ ...EMPTY, claims: c }));
  const observations = aimedObservations(e)?.map((o): Bundle => ({ ...EMPTY, observations: o }));
  const dispensings = aimedDispensings(e)?.map((d): Bundle => ({ ...EMPTY, dispensings: d }));
  return preferFirst([claims, 3], [dispensings, 2], [observations, 1]);
}

function merge(bundles: readonly Bundle[]): Bundle {
  return {
    claims: bundles.flatMap((x) => x.claims),
    observations: bundles.flatMap((x) => x.observations),
    dispensings: bundles.flatMap((x) => x.dispensings),
  };
}
