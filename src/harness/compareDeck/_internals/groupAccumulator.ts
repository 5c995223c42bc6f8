import type { RowOrigin } from '../../../adapters/deck/types.ts';
import type { ImplementationFailure } from '../../../adapters/implementation.ts';
import type { Member } from '../../../model/member.ts';
import type { Outcome } from '../../../model/outcome.ts';
import type { Request } from '../../../model/request.ts';
import { compareOutcomes, numeratorMap } from '../../compare.ts';
import type { OutcomeDifference } from '../../compare.ts';
import type { MatchesNeighbour, Neighbour } from '../../neighbours.ts';
import { acceptsDifference } from '../../acceptList.ts';
import type { AcceptEntry } from '../../acceptList.ts';
import type {
  CompareGroup,
  DiscrepancyGroup,
  DiscrepantMember,
  FailedMember,
  MemberAt,
} from '../types.ts';
import type { DifferenceExplained } from './explainDifference.ts';

/**
 * Discrepant members analysed (reference trace, deciding clauses, neighbour rules) per measure, year
 * and product line; past it, discrepancies are only counted, so a badly wrong implementation on a
 * million members does not re-evaluate every member on the main thread.
 */
export const MAX_ANALYSED = 5000;

/** What a discrepant member needs for its analysis, computed only when it is analysed. */
export interface DiscrepancyContext {
  readonly member: Member;
  readonly memberId: string;
  readonly origin: RowOrigin;
  readonly explain: (d: OutcomeDifference) => DifferenceExplained;
}

interface ConfusionCounts {
  bothTrue: number;
  bothFalse: number;
  expectedOnly: number;
  implementationOnly: number;
}

interface RateTally {
  denominator: number;
  numerator: number;
}

interface DiscrepancyTally {
  readonly group: Omit<DiscrepancyGroup, 'count' | 'neighbourMatches'>;
  count: number;
  /** Per neighbour (its JSON as the key), how many of these members match it. */
  readonly matches: Map<string, { neighbour: MatchesNeighbour; count: number }>;
}

/** Counts for one measure, year and product line, and the first few examples of each problem. */
export class GroupAccumulator {
  private members = 0;
  private agreeing = 0;
  /** Per population flag (`numerator:<rate>` for each rate of a multi-rate measure). */
  private readonly confusion = new Map<string, ConfusionCounts>();
  private readonly strata = { agree: 0, disagree: 0, notStated: 0 };
  private readonly rates = new Map<
    string,
    { expected: RateTally; reference: RateTally; implementation: RateTally }
  >();
  /** Per discrepancy key (`population:clause,clause`), in the order first met. */
  private readonly discrepancies = new Map<string, DiscrepancyTally>();
  private readonly examples: DiscrepantMember[] = [];
  private discrepant = 0;
  private accepted = 0;
  private analysed = 0;
  private missing = 0;
  private readonly missingExamples: MemberAt[] = [];
  private failed = 0;
  private readonly failedExamples: FailedMember[] = [];
  private deckVersusReference = 0;
  private readonly deckExamples: (MemberAt & { difference: OutcomeDifference })[] = [];

  constructor(
    private readonly request: Request,
    private readonly singleRate: boolean,
    private readonly maxExamples: number,
    private readonly neighbours: readonly Neighbour[],
    private readonly accept: readonly AcceptEntry[] = [],
  ) {}

  /** A member the implementation answered: counted, and analysed when it is discrepant. */
  add(
    expected: Outcome,
    reference: Outcome,
    implementation: Outcome,
    stratumStated: boolean,
    context: () => DiscrepancyContext,
  ): void {
    this.members += 1;
    this.count('initialPopulation', expected.initialPopulation, implementation.initialPopulation);
    this.count('denominator', expected.denominator, implementation.denominator);
    this.count(
      'denominatorExclusion',
      expected.denominatorExclusion,
      implementation.denominatorExclusion,
    );
    const e = numeratorMap(expected.numerator);
    const i = numeratorMap(implementation.numerator);
    const r = numeratorMap(reference.numerator);
    for (const [rate, value] of e) {
      const name = this.singleRate ? 'numerator' : `numerator:${rate}`;
      this.count(name, value, i.get(rate) ?? false);
      const counts = this.rates.get(rate) ?? {
        expected: { denominator: 0, numerator: 0 },
        reference: { denominator: 0, numerator: 0 },
        implementation: { denominator: 0, numerator: 0 },
      };
      this.rates.set(rate, counts);
      tally(counts.expected, expected, value);
      tally(counts.reference, reference, r.get(rate) ?? false);
      tally(counts.implementation, implementation, i.get(rate) ?? false);
    }
    if (expected.initialPopulation && implementation.initialPopulation) {
      if (!stratumStated) this.strata.notStated += 1;
      else if (expected.stratum === implementation.stratum) this.strata.agree += 1;
      else this.strata.disagree += 1;
    }
    const difference = compareOutcomes(expected, implementation, { stratum: stratumStated });
    if (!difference) {
      this.agreeing += 1;
      return;
    }
    this.discrepant += 1;
    if (this.analysed >= MAX_ANALYSED) {
      // Past the cap, no more traces on the main thread: count by population only.
      this.tallyDiscrepancy(difference.population, [], false).count += 1;
      return;
    }
    this.analysed += 1;
    const ctx = context();
    const keep = this.examples.length < this.maxExamples;
    // The deciding clauses need the reference's trace, computed here on the main thread for the
    // discrepant members only.
    const explained = ctx.explain(difference);
    const matches = compareOutcomes(reference, implementation)
      ? this.neighbours.find(
          (n) => compareOutcomes(n.outcome(ctx.member), implementation) === undefined,
        )?.matches
      : undefined;
    const entry = this.accept.find((e) =>
      acceptsDifference(
        e,
        this.request.measure,
        this.request.productLine,
        difference,
        explained.deciding,
      ),
    );
    if (entry) this.accepted += 1;
    const seen = this.tallyDiscrepancy(difference.population, explained.deciding, true, entry);
    seen.count += 1;
    if (matches) {
      const id = JSON.stringify(matches);
      const m = seen.matches.get(id) ?? { neighbour: matches, count: 0 };
      m.count += 1;
      seen.matches.set(id, m);
    }
    if (keep) {
      this.examples.push({
        memberId: ctx.memberId,
        origin: ctx.origin,
        difference,
        decidingClauses: explained.deciding,
        expected,
        implementation,
        explanation: explained.lines,
        ...(matches ? { matchesNeighbour: matches } : {}),
      });
    }
  }

  /** A deck member the results file has no row for. */
  missingAnswer(memberId: string, origin: RowOrigin): void {
    this.missing += 1;
    if (this.missingExamples.length < this.maxExamples)
      this.missingExamples.push({ memberId, origin });
  }

  /** A member the implementation gave no valid answer for. */
  failedAnswer(memberId: string, origin: RowOrigin, failure: ImplementationFailure): void {
    this.failed += 1;
    if (this.failedExamples.length < this.maxExamples) {
      this.failedExamples.push({ memberId, origin, failure });
    }
  }

  /** A member whose expected row differs from the reference's outcome. */
  deckDisagrees(memberId: string, origin: RowOrigin, difference: OutcomeDifference): void {
    this.deckVersusReference += 1;
    if (this.deckExamples.length < this.maxExamples) {
      this.deckExamples.push({ memberId, origin, difference });
    }
  }

  /** The tally of one discrepancy group, created on first use (count 0). */
  private tallyDiscrepancy(
    population: OutcomeDifference['population'],
    decidingClauses: readonly string[],
    analysed: boolean,
    accepted?: AcceptEntry,
  ): DiscrepancyTally {
    const key =
      `${population}:${decidingClauses.join(',')}` +
      (accepted ? ` (accepted: ${accepted.file}:${String(accepted.line)})` : '');
    let seen = this.discrepancies.get(key);
    if (!seen) {
      seen = {
        group: { key, population, decidingClauses, analysed, ...(accepted ? { accepted } : {}) },
        count: 0,
        matches: new Map(),
      };
      this.discrepancies.set(key, seen);
    }
    return seen;
  }

  private count(name: string, expected: boolean, implementation: boolean): void {
    const c = this.confusion.get(name) ?? {
      bothTrue: 0,
      bothFalse: 0,
      expectedOnly: 0,
      implementationOnly: 0,
    };
    this.confusion.set(name, c);
    if (expected && implementation) c.bothTrue += 1;
    else if (expected) c.expectedOnly += 1;
    else if (implementation) c.implementationOnly += 1;
    else c.bothFalse += 1;
  }

  result(): CompareGroup {
    return {
      measure: this.request.measure,
      year: this.request.year,
      ...(this.request.productLine !== undefined ? { productLine: this.request.productLine } : {}),
      members: this.members,
      agreeing: this.agreeing,
      discrepant: this.discrepant,
      ...(this.accepted > 0 ? { accepted: this.accepted } : {}),
      populations: [...this.confusion].map(([population, c]) => ({
        population,
        confusion: {
          bothTrue: c.bothTrue,
          bothFalse: c.bothFalse,
          expectedOnly: c.expectedOnly,
          implementationOnly: c.implementationOnly,
        },
      })),
      strata: { ...this.strata },
      rates: [...this.rates].map(([rate, c]) => ({
        rate,
        expected: { ...c.expected },
        reference: { ...c.reference },
        implementation: { ...c.implementation },
      })),
      discrepancies: [...this.discrepancies.values()]
        .map((d) => ({
          ...d.group,
          count: d.count,
          neighbourMatches: [...d.matches.values()].map((m) => ({ ...m })),
        }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
      examples: this.examples,
      missing: this.missing,
      missingExamples: this.missingExamples,
      failed: this.failed,
      failedExamples: this.failedExamples,
      deckVersusReference: this.deckVersusReference,
      deckVersusReferenceExamples: this.deckExamples,
    };
  }
}

/** Adds a member to a rate's counts: the denominator (in, not excluded) and the numerator. */
function tally(counts: RateTally, o: Outcome, numerator: boolean): void {
  if (o.denominator && !o.denominatorExclusion) {
    counts.denominator += 1;
    if (numerator) counts.numerator += 1;
  }
}
