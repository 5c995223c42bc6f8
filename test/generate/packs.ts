import { fileURLToPath } from 'node:url';
import { formatProblem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledPack } from '../../src/rulepack/compiled.ts';
import type { ClauseTrace } from '../../src/engine/trace.ts';

/** A rule pack of the repository, found from this file (not from the working directory). */
export function packAt(relative: string): CompiledPack {
  const dir = fileURLToPath(new URL(`../../${relative}`, import.meta.url));
  const pack = loadPack(dir);
  if (!pack.ok)
    throw new Error(`${relative} does not load:\n${pack.problems.map(formatProblem).join('\n')}`);
  return pack.value;
}

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
