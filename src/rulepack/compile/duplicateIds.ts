import type { Problem } from '../../model/problem.ts';
import { measureClauses } from '../clauseTree.ts';
import type { CompiledClause, CompiledMeasure } from '../compiled.ts';

/** Two different clauses with one id would make traces, coverage and diffs ambiguous. */
export function duplicateIds(measure: CompiledMeasure): Problem[] {
  const seen = new Map<string, CompiledClause>();
  const problems: Problem[] = [];
  for (const c of measureClauses(measure)) {
    const other = seen.get(c.id);
    if (!other) {
      seen.set(c.id, c);
      continue;
    }
    problems.push({
      code: 'pack/duplicate-clause-id',
      message: `clause id "${c.id}" is used twice in ${measure.id} (${other.location.file}:${other.location.line} and ${c.location.file}:${c.location.line})`,
      file: c.location.file,
      line: c.location.line,
      hint: 'clause ids must be unique within a measure and its shared definitions',
    });
  }
  return problems;
}
