/**
 * `compare`: an implementation, or its results file, against a fixture deck, member by member.
 * The findings are data (counts, groups, examples); src/report/compareText.ts and its siblings
 * render them.
 */
export { compareDeck } from './compareDeck.ts';
export { implementationDidNotStart } from './implementationDidNotStart.ts';
export { SkipList } from './skipList.ts';
export { MAX_ANALYSED } from './_internals/groupAccumulator.ts';
export type {
  AnswerSource,
  CompareDeckOptions,
  CompareGroup,
  CompareResult,
  CompareSelection,
  Confusion,
  DiscrepancyGroup,
  DiscrepantMember,
  FailedMember,
  MemberAt,
  RateComparison,
  RateCounts,
  UnmatchedResult,
} from './types.ts';
