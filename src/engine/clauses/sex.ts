import type { ClauseEvaluator } from '../context.ts';

/** The member's administrative sex is one of the allowed ones. */
export const sex: ClauseEvaluator<'sex'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => ({
    result: clause.sexes.has(ctx.member.sex),
    evidence: { kind: 'sex', sex: ctx.member.sex, allowed: [...clause.sexes] },
  }),
};
