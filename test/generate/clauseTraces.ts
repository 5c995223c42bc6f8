import type { ClauseTrace } from '../../src/engine/trace.ts';

/** The clause `id` in a trace, depth first. */
export function findClause(trace: ClauseTrace | undefined, id: string): ClauseTrace | undefined {
  if (!trace) return undefined;
  if (trace.id === id) return trace;
  for (const c of trace.children ?? []) {
    const found = findClause(c, id);
    if (found) return found;
  }
  return undefined;
}

/** Every clause node of a trace, depth first. */
export function allClauses(trace: ClauseTrace | undefined): ClauseTrace[] {
  if (!trace) return [];
  return [trace, ...(trace.children ?? []).flatMap(allClauses)];
}
