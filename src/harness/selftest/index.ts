/**
 * The mutation self-test: how many plausible implementation mistakes (mutants of the rule pack)
 * the harness kills, and how fast; the survivors argued equivalent by a proof or a search.
 */
export { runSelfTest, SELFTEST_DEFAULT_RUNS } from './runSelfTest.ts';
export { sameLogic } from './sameLogic.ts';
export { strataShadowing } from './strataShadowing.ts';
export { siblingSubsumption } from './siblingSubsumption.ts';
export { percentile } from './_internals/percentile.ts';
export type { MutantResult, MutantStatus, SelfTestOptions, SelfTestResult } from './types.ts';
