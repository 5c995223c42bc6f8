import type { ClauseEvaluator } from '../context.ts';
import { daysCovered } from '../daysCovered.ts';

/** The proportion of days covered by fills of the clause's drugs is at least `atLeast`. */
export const coverage: ClauseEvaluator<'coverage'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const evidence = daysCovered(clause, ctx);
    return {
      result: evidence.index !== undefined && evidence.proportion >= clause.atLeast,
      evidence,
    };
  },
};
