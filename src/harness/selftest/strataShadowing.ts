import type { CompiledMeasure } from '../../rulepack/compiled.ts';
import type { Mutant } from '../mutants.ts';
import { ageClausesOfAll, ageHolds } from './_internals/ageClauses.ts';

/**
 * Proves a stratum mutant equivalent when every age at which the mutated `when` (an age clause)
 * changes is an age some earlier stratum already takes, or an age outside the initial
 * population's age clause: the stratum chosen (the first that holds) is then the same.
 */
export function strataShadowing(measure: CompiledMeasure, mutant: Mutant): string | undefined {
  const k = mutant.stratumIndex;
  if (k === undefined) return undefined;
  const before = measure.strata[k]?.when;
  const after = mutant.measure.strata[k]?.when;
  if (before?.kind !== 'age' || after?.kind !== 'age' || before.asOf !== after.asOf) {
    return undefined;
  }
  const ipAges = ageClausesOfAll(measure.initialPopulation).filter((c) => c.asOf === before.asOf);
  const reasons: string[] = [];
  for (let age = 0; age <= 130; age++) {
    if (ageHolds(before, age) === ageHolds(after, age)) continue;
    const earlier = measure.strata
      .slice(0, k)
      .find((s) => s.when.kind === 'age' && s.when.asOf === before.asOf && ageHolds(s.when, age));
    if (earlier) {
      reasons.push(`age ${String(age)} falls in stratum ${earlier.id} first`);
      continue;
    }
    const outside = ipAges.find((c) => !ageHolds(c, age));
    if (outside) {
      reasons.push(`age ${String(age)} is outside the initial population (${outside.id})`);
      continue;
    }
    return undefined;
  }
  if (reasons.length === 0) return 'proven equivalent (strata shadowing: no age changes)';
  return `proven equivalent (strata shadowing: ${reasons.join('; ')})`;
}
