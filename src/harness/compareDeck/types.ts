import type { Deck, ResultRow, RowOrigin } from '../../adapters/deck/types.ts';
import type { Implementation, ImplementationFailure } from '../../adapters/implementation.ts';
import type { ProductLine } from '../../model/member.ts';
import type { Outcome } from '../../model/outcome.ts';
import type { Problem } from '../../model/problem.ts';
import type { Request } from '../../model/request.ts';
import type { CompiledPack } from '../../rulepack/compiled.ts';
import type { AcceptEntry } from '../acceptList.ts';
import type { OutcomeDifference } from '../compare.ts';
import type { MatchesNeighbour } from '../neighbours.ts';
import type { ReferencePool } from '../referencePool.ts';
import type { SkipList } from './skipList.ts';

/** Where the implementation's answers come from. */
export type AnswerSource =
  | { readonly kind: 'implementation'; readonly implementation: Implementation }
  | {
      readonly kind: 'results';
      /** The results file, for the report. */
      readonly file: string;
      readonly rows: AsyncIterable<ResultRow>;
    };

/** Which measures, years and product lines to compare. */
export interface CompareSelection {
  readonly measures?: readonly string[];
  readonly years?: readonly number[];
  readonly productLines?: readonly ProductLine[];
}

export interface CompareDeckOptions {
  readonly deck: Deck;
  /** The rule packs the reference evaluates with, one per measurement year. */
  readonly packs: readonly CompiledPack[];
  readonly answers: AnswerSource;
  readonly pool: ReferencePool;
  /** Narrows the deck's expected rows; only these are compared. */
  readonly selection?: CompareSelection;
  /**
   * What to compare when the deck has no expected results: each member for each of these requests,
   * with the reference as the expected side.
   */
  readonly requestsWithoutExpected?: readonly Request[];
  /** Members per batch sent to the reference workers and the implementation. Default 256. */
  readonly batchSize?: number;
  /** Discrepant members kept with their explanation, per measure, year and product line. Default 20. */
  readonly maxExamples?: number;
  /**
   * Reviewed, accepted differences (`--accept`): a discrepancy one matches is counted apart
   * (`accepted`) and does not fail the compare; an entry for a compared measure that matches
   * nothing is stale and does (past the first 5,000 discrepancies of a group, discrepancies are
   * not analysed and cannot be accepted).
   */
  readonly accept?: readonly AcceptEntry[];
  /** Skip bad input rows (counted and listed) instead of stopping at the first. */
  readonly keepGoing?: boolean;
  /**
   * Where skipped bad rows are collected: pass the same list as the deck's and the results file's
   * `onSkip`, so the report lists the rows they skipped too.
   */
  readonly skips?: SkipList;
  /** Called after each batch with the number of members read so far. */
  readonly onProgress?: (members: number) => void;
  /**
   * Stops the compare (Ctrl-C): members not yet read are not compared, the result covers those
   * that were, is marked `interrupted`, and its exit code is 130.
   */
  readonly signal?: AbortSignal;
}

/** Agreement on one population flag: expected (rows) against the implementation (columns). */
export interface Confusion {
  /** Both say yes. */
  readonly bothTrue: number;
  /** Both say no. */
  readonly bothFalse: number;
  /** Expected yes, implementation no. */
  readonly expectedOnly: number;
  /** Expected no, implementation yes. */
  readonly implementationOnly: number;
}

export interface RateCounts {
  /** Members in the denominator and not excluded. */
  readonly denominator: number;
  readonly numerator: number;
}

export interface RateComparison {
  /** `numerator` for a single-rate measure, else the rate id. */
  readonly rate: string;
  readonly expected: RateCounts;
  readonly reference: RateCounts;
  readonly implementation: RateCounts;
}

/** One discrepant member, with the reference's explanation of the population that differs. */
export interface DiscrepantMember {
  readonly memberId: string;
  readonly origin: RowOrigin;
  readonly difference: OutcomeDifference;
  /** The reference's deciding clauses one level below the population (as `check` groups findings). */
  readonly decidingClauses: readonly string[];
  readonly expected: Outcome;
  readonly implementation: Outcome;
  /** What the reference found, clause by clause, for the population that differs. */
  readonly explanation: readonly string[];
  /**
   * The implementation's answer is what the previous year's rules or another product line's rules
   * give for this member: the likely root cause.
   */
  readonly matchesNeighbour?: MatchesNeighbour;
}

export interface DiscrepancyGroup {
  /** `population:clause,clause`, as `check` keys its findings. */
  readonly key: string;
  readonly population: OutcomeDifference['population'];
  readonly decidingClauses: readonly string[];
  readonly count: number;
  /** How many of these members get the implementation's answer under a neighbour's rules. */
  readonly neighbourMatches: readonly {
    readonly neighbour: MatchesNeighbour;
    readonly count: number;
  }[];
  /** Past the analysis cap, discrepancies are counted by population only. */
  readonly analysed: boolean;
  /** The reviewed entry (`--accept`) that accepts these discrepancies: they do not fail the run. */
  readonly accepted?: AcceptEntry;
}

export interface FailedMember {
  readonly memberId: string;
  readonly origin: RowOrigin;
  readonly failure: ImplementationFailure;
}

/** A deck member and where its row is, for the lists of examples. */
export interface MemberAt {
  readonly memberId: string;
  readonly origin: RowOrigin;
}

/** The comparison for one measure, year and product line. */
export interface CompareGroup {
  readonly measure: string;
  readonly year: number;
  /** Absent for a measure without product lines. */
  readonly productLine?: ProductLine;
  /** Members compared (with an answer from the implementation). */
  readonly members: number;
  readonly agreeing: number;
  readonly discrepant: number;
  /** Of the discrepant members, those an `--accept` entry accepts. */
  readonly accepted?: number;
  readonly populations: readonly { readonly population: string; readonly confusion: Confusion }[];
  /**
   * Members where both sides have the member in the initial population: same stratum or not;
   * `notStated`: those whose expected row states no stratum while the reference puts the member in
   * one (rows imported from MeasureReports), so the stratum was not compared.
   */
  readonly strata: {
    readonly agree: number;
    readonly disagree: number;
    readonly notStated?: number;
  };
  readonly rates: readonly RateComparison[];
  readonly discrepancies: readonly DiscrepancyGroup[];
  readonly examples: readonly DiscrepantMember[];
  /** Deck members the results file has no row for. */
  readonly missing: number;
  readonly missingExamples: readonly MemberAt[];
  /** Members the implementation gave no valid answer for (crash, timeout, invalid). */
  readonly failed: number;
  readonly failedExamples: readonly FailedMember[];
  /**
   * Members where the deck's expected result differs from the reference's (only when the deck has
   * expected results): the deck and the rule pack disagree, whatever the implementation says.
   */
  readonly deckVersusReference: number;
  readonly deckVersusReferenceExamples: readonly (MemberAt & {
    readonly difference: OutcomeDifference;
  })[];
}

/** A results-file row for a compared group whose member the deck does not have. */
export interface UnmatchedResult extends MemberAt {
  /** The row's group, `measure|year|product line`. */
  readonly group: string;
}

export interface CompareResult {
  readonly format: 'measurecheck-compare/1';
  readonly deck: string;
  readonly deckFormat: 'csv' | 'jsonl';
  /** `deck` when the deck's expected results are the truth; `reference` when computed. */
  readonly expectedFrom: 'deck' | 'reference';
  readonly implementation: string;
  readonly packs: readonly {
    readonly id: string;
    readonly version: string;
    readonly family?: string;
  }[];
  /** Members read from the deck. */
  readonly deckMembers: number;
  /** Deck members with no expected row in the selection (not compared). */
  readonly membersWithoutExpected: number;
  readonly groups: readonly CompareGroup[];
  /** Results-file rows for a compared measure, year and product line whose member is not in the deck. */
  readonly unmatchedResults: number;
  readonly unmatchedResultExamples: readonly UnmatchedResult[];
  /** Results-file rows outside the selection (other measures, years or product lines). */
  readonly ignoredResults: number;
  /** `--accept` entries for a compared measure that matched no discrepancy: they fail the run. */
  readonly staleAccepts?: readonly AcceptEntry[];
  /** Bad input rows skipped with `--keep-going`. */
  readonly skipped: readonly Problem[];
  readonly skippedCount: number;
  /** The implementation stopped working; what was compared before is kept. */
  readonly aborted?: { readonly message: string; readonly stderr?: string };
  /** The compare was stopped by a signal before the end of the deck: a partial result. */
  readonly interrupted?: true;
  /** Bad input stopped the run (without `--keep-going`); what was compared before is kept. */
  readonly inputError?: readonly Problem[];
  readonly durationMs: number;
  /** 0 agree; 1 discrepancies or members on one side only; 2 bad input; 3 implementation failed. */
  /** 0 agree, 1 discrepancies, 2 bad input, 3 the implementation failed, 130 interrupted. */
  readonly exitCode: 0 | 1 | 2 | 3 | 130;
}
