import { formatProblem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledMeasure, CompiledPack } from '../../src/rulepack/compiled.ts';
import { repoFile } from './repoFiles.ts';

/** The shipped 2025 rule pack and its COL-E measure, as `measurecheck check` loads them. */
export function shippedColE2025(): { pack: CompiledPack; measure: CompiledMeasure } {
  const loaded = loadPack(repoFile('rules/hedis/2025'));
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const measure = loaded.value.measures.get('COL-E');
  if (!measure) throw new Error('the shipped 2025 pack has no COL-E');
  return { pack: loaded.value, measure };
}
