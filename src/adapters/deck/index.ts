/**
 * Fixture decks (members with expected results) and results files: reading them as streams and
 * writing them. The formats are described in docs/fixtures.md.
 */
export { openDeck } from './openDeck.ts';
export { readResults } from './readResults.ts';
export type { ReadResultsOptions } from './readResults.ts';
export { createDeckWriter } from './createDeckWriter.ts';
export type { DeckWriter } from './createDeckWriter.ts';
export { createResultsWriter } from './createResultsWriter.ts';
export type { ResultsWriter } from './createResultsWriter.ts';
export {
  CLAIMS_TABLE,
  DECK_FILES,
  DECK_TABLES,
  DISPENSINGS_TABLE,
  ENROLLMENTS_TABLE,
  MEMBERS_TABLE,
  MODIFIER_SEPARATOR,
  OBSERVATIONS_TABLE,
  OUTCOMES_TABLE,
  RATE_COLUMN_PREFIX,
  STATUSES_TABLE,
} from './columns.ts';
export type { DeckTable } from './columns.ts';
export type {
  Deck,
  DeckExpected,
  DeckMember,
  DeckReadOptions,
  ResultRow,
  RowOrigin,
} from './types.ts';
