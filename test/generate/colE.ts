import { fileURLToPath } from 'node:url';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';

/** COL-E of the shipped 2025 pack, found from this file (not from the working directory). */
export function colE2025(): CompiledMeasure {
  const dir = fileURLToPath(new URL('../../rules/hedis/2025', import.meta.url));
  const pack = loadPack(dir);
  if (!pack.ok) throw new Error(`rules/hedis/2025 does not load: ${JSON.stringify(pack.problems)}`);
  const measure = pack.value.measures.get('COL-E');
  if (!measure) throw new Error('rules/hedis/2025 has no COL-E');
  return measure;
}
