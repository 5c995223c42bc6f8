import { inWindow } from '../_internals/inWindow.ts';
import type { ClauseEvaluator } from '../context.ts';

/** The member died inside the window. */
export const death: ClauseEvaluator<'death'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const d = ctx.member.deathDate;
    return {
      result: d !== undefined && inWindow(d, clause.window),
      evidence: {
        kind: 'death',
        window: clause.window,
        ...(d !== undefined ? { deathDate: d } : {}),
      },
    };
  },
};
