import { expect } from 'vitest';
import type { Outcome } from '../../src/model/outcome.ts';

/** The populations a test expects; a population left out is not checked. */
export interface ExpectedPopulations {
  readonly initialPopulation?: boolean;
  readonly denominator?: boolean;
  readonly denominatorExclusion?: boolean;
  readonly numerator?: Outcome['numerator'];
  /** `undefined` asserts that the member has no stratum. */
  readonly stratum?: string | undefined;
}

const KEYS = [
  'initialPopulation',
  'denominator',
  'denominatorExclusion',
  'numerator',
  'stratum',
] as const satisfies readonly (keyof ExpectedPopulations & keyof Outcome)[];

/**
 * Asserts an outcome's population flags in one comparison, so a failure shows every population
 * that differs side by side instead of stopping at the first.
 *
 * @example
 * expectPopulations(outcome, { initialPopulation: true, denominatorExclusion: false, numerator: true });
 */
export function expectPopulations(outcome: Outcome, expected: ExpectedPopulations): void {
  const named = KEYS.filter((k) => k in expected);
  const actual = Object.fromEntries(named.map((k) => [k, outcome[k]]));
  const wanted = Object.fromEntries(named.map((k) => [k, expected[k]]));
  expect(
    actual,
    `populations of member ${outcome.memberId} (${outcome.measure} ${outcome.year} ${outcome.productLine})`,
  ).toStrictEqual(wanted);
}
