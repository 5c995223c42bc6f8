import { decidingChildren, populationTraces } from '../engine/explain.ts';
import type { ClauseTrace, Evaluation } from '../engine/trace.ts';
import type { ImplementationFailure } from '../adapters/implementation.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { AcceptEntry } from './acceptList.ts';
import type { OutcomeDifference } from './compare.ts';
import type { MatchesNeighbour } from './neighbours.ts';

/** What the implementation answered for a member one time: an outcome, or no valid answer. */
export type GivenAnswer =
  { readonly outcome: Outcome } | { readonly failure: ImplementationFailure };

/** One distinct disagreement (or implementation failure), shrunk to a minimal member. */
export interface Finding {
  /** Undefined for a measure without product lines. */
  readonly productLine: ProductLine | undefined;
  /**
   * `discrepancy`: a different answer; `failure`: no valid answer (crash, timeout, invalid);
   * `inconsistent`: asked again about the same member, the implementation answered differently
   * (it is flaky or stateful), so the finding could not be replayed or shrunk.
   */
  readonly kind: 'discrepancy' | 'failure' | 'inconsistent';
  /** Groups findings: population and deciding clause(s), or the failure kind. */
  readonly key: string;
  readonly difference?: OutcomeDifference;
  readonly failure?: ImplementationFailure;
  /** The reference's clauses that decided the differing population. */
  readonly decidingClauses: readonly string[];
  /** How many screened cases showed this finding. */
  readonly occurrences: number;
  readonly seed: number;
  /** fast-check path that replays exactly this (shrunk) case with `seed`. */
  readonly path: string;
  readonly shrinkSteps: number;
  readonly member: Member;
  readonly request: Request;
  readonly reference: Evaluation;
  readonly implementationOutcome?: Outcome;
  /** The implementation gave the neighbour's answer (another year's or product line's rules). */
  readonly matchesNeighbour?: MatchesNeighbour;
  /** For `inconsistent`: the answer that made the finding, and the answer when asked again. */
  readonly inconsistency?: { readonly first: GivenAnswer; readonly second: GivenAnswer };
  /** The FHIR Bundle file of `member`, when the run wrote one (`check --fhir-out`). */
  readonly fhirBundle?: string;
  /** The reviewed entry (`--accept`) that accepts this difference: it does not fail the run. */
  readonly accepted?: AcceptEntry;
}

/**
 * The reference's deciding clauses for the population that differs, one level below the
 * population's root (e.g. `col-e-age` for an initial population, `isnp-lti-66-plus` for an
 * exclusion, `col-e-colonoscopy` for a numerator). Two findings are distinct when they differ in
 * population or in these clauses; going deeper would split one root cause into many findings.
 */
export function decidingFor(reference: Evaluation, difference: OutcomeDifference): string[] {
  const trace = traceOf(reference, difference.population);
  if (!trace) return [];
  return decidingChildren(trace).map((c) => c.id);
}

/** The trace node behind a population of the outcome. */
export function traceOf(
  reference: Evaluation,
  population: OutcomeDifference['population'],
): ClauseTrace | undefined {
  const t = reference.trace;
  if (population === 'initialPopulation') return t.initialPopulation;
  if (population === 'denominator') return t.denominator ?? t.initialPopulation;
  if (population === 'denominatorExclusion') return t.denominatorExclusion;
  if (population === 'stratum') {
    return t.strata.find((s) => s.id === reference.outcome.stratum)?.trace ?? t.strata[0]?.trace;
  }
  const rateId = population === 'numerator' ? undefined : population.slice('numerator:'.length);
  const rate = rateId === undefined ? t.rates[0] : t.rates.find((r) => r.id === rateId);
  return rate?.trace ?? populationTraces(t).at(-1)?.trace;
}
