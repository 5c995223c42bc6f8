import { walkClauses } from '../../../rulepack/clauseTree.ts';
import type { ClauseOf, CompiledClause } from '../../../rulepack/compiled.ts';

export type AgeClause = ClauseOf<'age'>;

/** Whether an age clause holds at `age` (in whole years). */
export function ageHolds(c: AgeClause, age: number): boolean {
  return (c.min === undefined || age >= c.min) && (c.max === undefined || age <= c.max);
}

/**
 * Age clauses every member of `root` must satisfy: those reached through `all` and references
 * only, and not scoped to some product lines.
 */
export function ageClausesOfAll(root: CompiledClause): AgeClause[] {
  const out: AgeClause[] = [];
  walkClauses([root], (c) => {
    if (c.productLines !== undefined) return false;
    if (c.kind === 'age') out.push(c);
    return c.kind === 'all' || c.kind === 'ref';
  });
  return out;
}

/** The clause a reference stands for (through any chain of references). */
export function deref(c: CompiledClause): CompiledClause {
  return c.kind === 'ref' ? deref(c.child) : c;
}
