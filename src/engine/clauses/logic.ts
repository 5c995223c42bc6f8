import type { ClauseEvaluator } from '../context.ts';

/** Clauses made of other clauses: every child is evaluated (no short-circuit), so the trace is complete. */

export const all: ClauseEvaluator<'all'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const children = clause.children.map((c) => ctx.evaluate(c));
    return { result: children.every((c) => c.result), children };
  },
};

export const any: ClauseEvaluator<'any'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const children = clause.children.map((c) => ctx.evaluate(c));
    return { result: children.some((c) => c.result), children };
  },
};

export const not: ClauseEvaluator<'not'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const child = ctx.evaluate(clause.child);
    return { result: !child.result, children: [child] };
  },
};

/** A shared definition used by name: it holds when the definition holds. */
export const ref: ClauseEvaluator<'ref'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const child = ctx.evaluate(clause.child);
    return { result: child.result, children: [child] };
  },
};
