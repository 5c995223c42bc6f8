import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { evaluateMeasure } from '../engine/evaluate.ts';
import { addMonths } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';
import { loadPack } from '../rulepack/compile.ts';
import { shippedPackDir, shippedYears } from '../rulepack/shipped.ts';
import { compareOutcomes } from './compare.ts';
import type { OutcomeDifference } from './compare.ts';

/**
 * Neighbouring rules a check aims at (neighbour targeting, README "Use it"): the same measure in another
 * year's pack, and/or the same year's rules for another product line. A bug that keeps last year's
 * rule, or applies one product line's rule to another, only shows on members whose outcome differs
 * between the two; a share of the cases is drawn among those members, and every discrepancy is
 * checked against the neighbour to say which rules the implementation follows instead.
 */
export interface NeighbourTargets {
  /** The measure as compiled from the neighbouring year's pack (e.g. 2024 when checking 2025). */
  readonly year?: CompiledMeasure;
  /** Another product line whose rule a buggy implementation may apply to the line checked. */
  readonly productLine?: ProductLine;
}

/** The neighbour whose answer the implementation gave instead of this pack's. */
export type MatchesNeighbour =
  | { readonly kind: 'year'; readonly year: number }
  | { readonly kind: 'productLine'; readonly productLine: ProductLine };

/** What targeting did on one product line (carried in the JSON report). */
export interface TargetingInfo {
  readonly neighbour: MatchesNeighbour;
  /** Probe candidates drawn, and how many of them differ between this pack and the neighbour. */
  readonly probed: number;
  readonly differing: number;
  /** False when differing members are too rare to target within the draw budget. */
  readonly active: boolean;
}

/** One neighbour ready to evaluate a member of the product line being checked. */
export interface Neighbour {
  readonly matches: MatchesNeighbour;
  /** The neighbour's outcome for `member` (checked for `request`). */
  outcome(member: Member): Outcome;
}

/** Candidates drawn per neighbour to estimate how often its outcome differs. */
export const PROBE_DRAWS = 400;
/**
 * A neighbour is targeted only when at least this many probe candidates differ, which bounds the
 * expected rejection-sampling draws per targeted case at PROBE_DRAWS / MIN_DIFFERING.
 */
export const MIN_DIFFERING = 4;

/** The neighbours that apply to one product line of a check (the line itself is no neighbour). */
export function neighboursFor(
  targets: NeighbourTargets | false | undefined,
  measure: CompiledMeasure,
  productLine: ProductLine | undefined,
): Neighbour[] {
  if (!targets) return [];
  const out: Neighbour[] = [];
  const other = targets.year;
  if (other !== undefined && other.year !== measure.year) {
    const years = other.year - measure.year;
    const request: Request = {
      measure: other.id,
      year: other.year,
      ...(productLine !== undefined ? { productLine } : {}),
    };
    out.push({
      matches: { kind: 'year', year: other.year },
      // The neighbour's windows are dates of its own year: move the member by the same number of
      // years, so the neighbour judges "this member, had the rules not changed".
      outcome: (member) => evaluateMeasure(other, request, shiftMember(member, years)).outcome,
    });
  }
  const line = targets.productLine;
  if (line !== undefined && productLine !== undefined && line !== productLine) {
    const request: Request = { measure: measure.id, year: measure.year, productLine: line };
    out.push({
      matches: { kind: 'productLine', productLine: line },
      outcome: (member) =>
        evaluateMeasure(measure, request, switchProductLine(member, productLine, line)).outcome,
    });
  }
  return out;
}

/**
 * The arbitrary a check draws from: the plain generator, mixed with (about a third of the cases)
 * members whose reference outcome differs from each active neighbour's. Differing members are got
 * by rejection sampling (`.filter`) from the same generator, so a case and its shrinks replay
 * exactly from seed and path, and shrinking keeps the member differing. A neighbour is targeted
 * only when a deterministic probe (derived from `seed`) finds differing members often enough.
 */
export function targetedArbitrary(
  base: Arbitrary<Member>,
  measure: CompiledMeasure,
  request: Request,
  neighbours: readonly Neighbour[],
  seed: number,
): { arbitrary: Arbitrary<Member>; targeting: TargetingInfo[] } {
  if (neighbours.length === 0) return { arbitrary: base, targeting: [] };
  const probe = fc.sample(base, { seed: (seed ^ 0x5bd1e995) | 0, numRuns: PROBE_DRAWS });
  const targeting: TargetingInfo[] = [];
  const targeted: Arbitrary<Member>[] = [];
  for (const n of neighbours) {
    const differs = (m: Member) => differsFrom(measure, request, n, m);
    const differing = probe.filter(differs).length;
    const active = differing >= MIN_DIFFERING;
    targeting.push({ neighbour: n.matches, probed: probe.length, differing, active });
    if (active) targeted.push(base.filter(differs));
  }
  if (targeted.length === 0) return { arbitrary: base, targeting };
  const arbitrary = fc.oneof(
    { arbitrary: base, weight: 2 * targeted.length },
    ...targeted.map((arbitrary) => ({ arbitrary, weight: 1 })),
  );
  return { arbitrary, targeting };
}

/** Whether this pack and the neighbour give `member` different outcomes. */
export function differsFrom(
  measure: CompiledMeasure,
  request: Request,
  neighbour: Neighbour,
  member: Member,
): boolean {
  const here = evaluateMeasure(measure, request, member).outcome;
  const there = neighbour.outcome(member);
  // A year that adds or drops strata differs on every member in the population; that is no
  // behaviour worth aiming at, so strata count only when both have them.
  const strata = here.stratum !== undefined && there.stratum !== undefined;
  return (
    compareOutcomes(
      strata ? here : withoutStratum(here),
      strata ? there : withoutStratum(there),
    ) !== undefined
  );
}

/**
 * The neighbour whose answer the implementation gave on the population that differs, when that
 * answer is not this pack's: "this implementation agrees with the 2024 rules for this member".
 */
export function matchingNeighbour(
  neighbours: readonly Neighbour[],
  member: Member,
  difference: OutcomeDifference,
): MatchesNeighbour | undefined {
  for (const n of neighbours) {
    const theirs = populationValue(n.outcome(member), difference.population);
    if (theirs === difference.implementation && theirs !== difference.reference) return n.matches;
  }
  return undefined;
}

/** The sentence the console report prints for a finding that matches a neighbour. */
export function describeNeighbourMatch(
  matches: MatchesNeighbour,
  year: number,
  productLine: ProductLine | undefined,
): string {
  return matches.kind === 'year'
    ? `this implementation agrees with the ${matches.year} rules for this member, not the ${year} rules`
    : `it applies the ${matches.productLine} rule to a ${productLine ?? 'product-line-less'} member`;
}

function populationValue(
  outcome: Outcome,
  population: OutcomeDifference['population'],
): boolean | string | undefined {
  switch (population) {
    case 'initialPopulation':
      return outcome.initialPopulation;
    case 'denominator':
      return outcome.denominator;
    case 'denominatorExclusion':
      return outcome.denominatorExclusion;
    case 'stratum':
      return outcome.stratum;
    case 'numerator':
      return typeof outcome.numerator === 'boolean' ? outcome.numerator : undefined;
    default: {
      const id = population.slice('numerator:'.length);
      return typeof outcome.numerator === 'boolean' ? undefined : outcome.numerator[id];
    }
  }
}

function withoutStratum(outcome: Outcome): Outcome {
  const copy: Outcome = { ...outcome };
  delete copy.stratum;
  return copy;
}

/** The member with every date moved by `years` years (Feb 29 becomes Feb 28). */
export function shiftMember(member: Member, years: number): Member {
  if (years === 0) return member;
  const s = (d: IsoDate): IsoDate => addMonths(d, 12 * years);
  return {
    ...member,
    birthDate: s(member.birthDate),
    ...(member.deathDate !== undefined ? { deathDate: s(member.deathDate) } : {}),
    enrollments: member.enrollments.map((e) => ({ ...e, start: s(e.start), end: s(e.end) })),
    statuses: member.statuses.map((st) => ({ ...st, start: s(st.start), end: s(st.end) })),
    claims: member.claims.map((c) => ({
      ...c,
      date: s(c.date),
      ...(c.endDate !== undefined ? { endDate: s(c.endDate) } : {}),
    })),
    dispensings: member.dispensings.map((d) => ({ ...d, date: s(d.date) })),
    observations: member.observations.map((o) => ({ ...o, date: s(o.date) })),
  };
}

/** The member with its `from` enrollments moved to product line `to`. */
export function switchProductLine(member: Member, from: ProductLine, to: ProductLine): Member {
  return {
    ...member,
    enrollments: member.enrollments.map((e) =>
      e.productLine === from ? { ...e, productLine: to } : e,
    ),
  };
}

/**
 * The measure from the shipped pack of `year`, for `--against-year`: undefined when that pack is
 * not shipped, does not load, or has no such measure (the default neighbour is then simply off).
 */
export function shippedNeighbourMeasure(
  measureId: string,
  year: number,
): CompiledMeasure | undefined {
  if (!shippedYears().includes(year)) return undefined;
  const loaded = loadPack(shippedPackDir(year));
  return loaded.ok ? loaded.value.measures.get(measureId) : undefined;
}
