import type { CompiledMeasure } from '../../rulepack/compiled.ts';
import type { Mutant } from '../mutants.ts';
import { deepEqualIgnoring } from './_internals/deepEqualIgnoring.ts';

/** Fields that document a clause or measure; the engine never reads them for an outcome. */
const DOCUMENTATION = new Set(['description', 'source', 'assumption', 'location', 'spec', 'file']);

/**
 * Proves a mutant equivalent when its measure has the same logic as the original: the two differ
 * at most in documentation (a previous-year clause whose only change is its citation).
 */
export function sameLogic(measure: CompiledMeasure, mutant: Mutant): string | undefined {
  const logic = (m: CompiledMeasure) => [
    m.initialPopulation,
    m.denominator,
    m.denominatorExclusion,
    m.rates,
    m.strata,
    m.productLines,
  ];
  if (!deepEqualIgnoring(logic(measure), logic(mutant.measure), DOCUMENTATION)) return undefined;
  return 'proven equivalent (same logic: the mutant differs only in description, source or assumption)';
}
