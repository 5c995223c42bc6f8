import { clauseParents, measureClauses } from '../../rulepack/clauseTree.ts';
import type { ClauseOf, CompiledClause, CompiledMeasure } from '../../rulepack/compiled.ts';
import type { Mutant } from '../mutants.ts';
import { ageClausesOfAll, ageHolds, deref } from './_internals/ageClauses.ts';
import type { AgeClause } from './_internals/ageClauses.ts';

/** The clause tree as mutants see it: anchors are clauses a mutant can change too. */
const WALK = { anchors: true } as const;

/**
 * Proves an age-bound mutant equivalent when it only widens an age range inside a conjunction
 * (`all`) of an `any`, and at every age it adds, a sibling conjunction of that `any` already holds
 * whenever the widened one does: an age clause of the sibling holds at that age and its other
 * parts are among the widened conjunction's (CBP: frailty with advanced illness at 66-80 widened
 * to 81, where frailty alone at 81+ already excludes). Ages outside the initial population's age
 * clause change nothing either.
 */
export function siblingSubsumption(measure: CompiledMeasure, mutant: Mutant): string | undefined {
  if (mutant.operator !== 'age-min' && mutant.operator !== 'age-max') return undefined;
  const before = measureClauses(measure, WALK).find((c) => c.id === mutant.clauseId);
  const after = measureClauses(mutant.measure, WALK).find((c) => c.id === mutant.clauseId);
  if (before?.kind !== 'age' || after?.kind !== 'age' || before.asOf !== after.asOf) {
    return undefined;
  }
  const parents = clauseParents(measure, WALK);
  const only = (c: CompiledClause): CompiledClause | undefined => {
    const ps = parents.get(c) ?? [];
    return ps.length === 1 ? ps[0] : undefined;
  };
  const conjunction = only(before);
  if (conjunction?.kind !== 'all') return undefined;
  // Climb through references to the `any` that holds the conjunction.
  let holder: CompiledClause = conjunction;
  let up = only(conjunction);
  while (up?.kind === 'ref') {
    holder = up;
    up = only(up);
  }
  if (up?.kind !== 'any') return undefined;
  const others = new Set(conjunction.children.filter((c) => c !== before).map(deref));
  const siblings = up.children
    .filter((c) => c !== holder)
    .map(deref)
    .filter((c): c is ClauseOf<'all'> => c.kind === 'all' && c.productLines === undefined);
  const ipAges = ageClausesOfAll(measure.initialPopulation).filter((c) => c.asOf === before.asOf);
  const reasons: string[] = [];
  for (let age = 0; age <= 130; age++) {
    const was = ageHolds(before, age);
    if (was === ageHolds(after, age)) continue;
    // A narrowed range drops members; no sibling argument covers that.
    if (was) return undefined;
    const outside = ipAges.find((c) => !ageHolds(c, age));
    if (outside) {
      reasons.push(`age ${String(age)} is outside the initial population (${outside.id})`);
      continue;
    }
    const sibling = siblings.find((s) => {
      const parts = s.children.map(deref);
      const ages = parts.filter((p): p is AgeClause => p.kind === 'age');
      return (
        ages.length > 0 &&
        ages.every(
          (p) => p.asOf === before.asOf && p.productLines === undefined && ageHolds(p, age),
        ) &&
        parts.every((p) => p.kind === 'age' || others.has(p))
      );
    });
    if (!sibling) return undefined;
    reasons.push(
      `at age ${String(age)} ${sibling.id} already holds whenever ${conjunction.id} does`,
    );
  }
  if (reasons.length === 0) return undefined;
  return `proven equivalent (sibling subsumption: ${reasons.join('; ')})`;
}
