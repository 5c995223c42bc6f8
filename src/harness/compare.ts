import type { Outcome, Population } from '../model/outcome.ts';

/** The first population where an implementation's outcome differs from the reference's. */
export interface OutcomeDifference {
  /** The population, or `numerator` / `numerator:<rateId>` for a rate. */
  readonly population: Population | `numerator:${string}`;
  readonly reference: boolean | string | undefined;
  readonly implementation: boolean | string | undefined;
}

/**
 * Compares hierarchically, so one root cause is one finding (docs/contract.md): initial population
 * first; where both agree the member is in, the denominator; then the exclusion; then, for members
 * in the denominator and not excluded, each rate's numerator; then, for members in the initial
 * population, the stratum (unless `options.stratum` is false). Returns undefined when they agree.
 */
export function compareOutcomes(
  reference: Outcome,
  implementation: Outcome,
  options: { readonly stratum?: boolean } = {},
): OutcomeDifference | undefined {
  const diff = (
    population: OutcomeDifference['population'],
    r: boolean | string | undefined,
    i: boolean | string | undefined,
  ): OutcomeDifference | undefined =>
    r === i ? undefined : { population, reference: r, implementation: i };

  const ip = diff(
    'initialPopulation',
    reference.initialPopulation,
    implementation.initialPopulation,
  );
  if (ip || !reference.initialPopulation) return ip;
  const den = diff('denominator', reference.denominator, implementation.denominator);
  if (den) return den;
  const excl = reference.denominator
    ? diff(
        'denominatorExclusion',
        reference.denominatorExclusion,
        implementation.denominatorExclusion,
      )
    : undefined;
  if (excl) return excl;
  if (reference.denominator && !reference.denominatorExclusion) {
    const rates = numeratorMap(reference.numerator);
    const theirs = numeratorMap(implementation.numerator);
    const single = typeof reference.numerator === 'boolean';
    for (const [id, value] of rates) {
      const d = diff(single ? 'numerator' : `numerator:${id}`, value, theirs.get(id));
      if (d) return d;
    }
  }
  // `stratum: false`: the expected side does not state a stratum (a deck row imported from a
  // MeasureReport), so there is nothing to compare it with.
  return options.stratum === false
    ? undefined
    : diff('stratum', reference.stratum, implementation.stratum);
}

/** An outcome's numerators by rate id (`numerator` for a single-rate measure). */
export function numeratorMap(n: Outcome['numerator']): Map<string, boolean> {
  return typeof n === 'boolean' ? new Map([['numerator', n]]) : new Map(Object.entries(n));
}
