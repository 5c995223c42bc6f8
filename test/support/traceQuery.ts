import { traceRoots } from '../../src/engine/trace.ts';
import type { ClauseTrace, Evidence, MeasureTrace } from '../../src/engine/trace.ts';

/** Every clause node of a measure trace, depth first, in population order. */
export function clauseNodes(trace: MeasureTrace): ClauseTrace[] {
  const out: ClauseTrace[] = [];
  const visit = (n: ClauseTrace) => {
    out.push(n);
    n.children?.forEach(visit);
  };
  for (const root of traceRoots(trace)) visit(root.trace);
  return out;
}

/** The trace node of the clause with `id`; throws when the trace has none (a test bug). */
export function findClause(trace: MeasureTrace, id: string): ClauseTrace {
  const node = clauseNodes(trace).find((n) => n.id === id);
  if (!node) throw new Error(`trace of ${trace.memberId} has no clause "${id}"`);
  return node;
}

/** The evidence of clause `id`, narrowed to `kind`; throws when it is missing or of another kind. */
export function evidenceOf<K extends Evidence['kind']>(
  trace: MeasureTrace,
  id: string,
  kind: K,
): Extract<Evidence, { kind: K }> {
  const evidence = findClause(trace, id).evidence;
  if (evidence?.kind !== kind)
    throw new Error(`clause "${id}" has ${evidence?.kind ?? 'no'} evidence, expected ${kind}`);
  return evidence as Extract<Evidence, { kind: K }>;
}
