import type { Member } from '../../model/member.ts';
import type { ExpectedOutcome, Outcome } from '../../model/outcome.ts';
import type { Problem } from '../../model/problem.ts';

/** Where a row came from: the file and the 1-based line an editor shows (the header is line 1). */
export interface RowOrigin {
  readonly file: string;
  readonly line: number;
}

/** One member of a fixture deck, assembled from every table, with the deck's expected results for it. */
export interface DeckMember {
  readonly member: Member;
  /** The member's row in members.csv, or its line in members.jsonl. */
  readonly origin: RowOrigin;
  /** The expected outcomes for this member (one per measure, year and product line), in file order. */
  readonly expected: readonly DeckExpected[];
}

export interface DeckExpected {
  /** Without `productLine` for a measure without product lines (JSON Lines decks only). */
  readonly outcome: ExpectedOutcome;
  readonly origin: RowOrigin;
}

export interface DeckReadOptions {
  /**
   * Skip a bad row (a malformed row, an unknown code system, a date that is not a date, a row for a
   * member who does not exist, a duplicate member id) instead of failing at the first one. Every skip
   * is passed to `onSkip`. A member whose own row is bad is skipped with all its rows.
   */
  readonly keepGoing?: boolean;
  readonly onSkip?: (problem: Problem) => void;
  /** Unknown columns (CSV) or unknown fields (JSON Lines) are errors instead of being ignored. */
  readonly strict?: boolean;
}

/** A fixture deck opened for streaming: nothing is read until `members()` is iterated. */
export interface Deck {
  /** The deck folder (or the .jsonl file given). */
  readonly path: string;
  readonly format: 'csv' | 'jsonl';
  /** The expected-results file, when the deck has one (expected.csv or expected.jsonl). */
  readonly expectedFile: string | undefined;
  /**
   * Streams the members in deck order, each assembled from all its tables, with its expected rows.
   * Memory stays bounded by one member's rows plus the set of member ids seen. Without
   * `keepGoing`, the first bad row rejects with a `MeasurecheckError` (exit code 2) whose problem
   * names the file, the line and the column.
   */
  members(): AsyncIterable<DeckMember>;
}

/** One outcome row of an implementation's results file (CSV or JSON Lines). */
export interface ResultRow {
  readonly outcome: Outcome;
  readonly origin: RowOrigin;
}
