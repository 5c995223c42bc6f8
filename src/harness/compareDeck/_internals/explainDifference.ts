import { evaluateMeasure } from '../../../engine/evaluate.ts';
import { describeClause, renderClauseTree } from '../../../engine/explain.ts';
import type { Member } from '../../../model/member.ts';
import type { Request } from '../../../model/request.ts';
import type { CompiledPack } from '../../../rulepack/compiled.ts';
import { decidingFor, traceOf } from '../../check.ts';
import type { OutcomeDifference } from '../../compare.ts';

/** The reference's deciding clauses for a difference, and its clause tree as the engine renders it. */
export interface DifferenceExplained {
  readonly deciding: string[];
  readonly lines: string[];
}

/** The reference's explanation of the population that differs: its deciding clauses and tree. */
export function explainDifference(
  packs: ReadonlyMap<number, CompiledPack>,
  request: Request,
  member: Member,
  difference: OutcomeDifference,
): DifferenceExplained {
  const measure = packs.get(request.year)?.measures.get(request.measure);
  if (!measure) return { deciding: [], lines: [] };
  const evaluation = evaluateMeasure(measure, request, member);
  const node = traceOf(evaluation, difference.population);
  const deciding = decidingFor(evaluation, difference);
  if (!node) return { deciding, lines: [] };
  return {
    deciding,
    lines: [`${node.id}: ${describeClause(node)}`, ...renderClauseTree(node, '  ').slice(1)],
  };
}
