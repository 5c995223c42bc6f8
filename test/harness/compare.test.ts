import { describe, expect, it } from 'vitest';
import { compareOutcomes } from '../../src/harness/compare.ts';
import type { Outcome } from '../../src/model/outcome.ts';

/** An outcome for member M1, COL-E 2025 commercial; `populations` overrides the flags. */
function outcome(populations: Partial<Outcome>): Outcome {
  return {
    memberId: 'M1',
    measure: 'COL-E',
    year: 2025,
    productLine: 'commercial',
    initialPopulation: true,
    denominator: true,
    denominatorExclusion: false,
    numerator: false,
    ...populations,
  };
}

/** The outcome that disagrees with `reference` on every population. */
function oppositeOf(reference: Outcome): Outcome {
  const flip = (n: Outcome['numerator']): Outcome['numerator'] =>
    typeof n === 'boolean' ? !n : Object.fromEntries(Object.entries(n).map(([id, v]) => [id, !v]));
  return outcome({
    initialPopulation: !reference.initialPopulation,
    denominator: !reference.denominator,
    denominatorExclusion: !reference.denominatorExclusion,
    numerator: flip(reference.numerator),
    stratum: reference.stratum === '46-49' ? '50-75' : '46-49',
  });
}

describe('compareOutcomes: hierarchical, so one root cause is one finding', () => {
  it('finds no difference when every population agrees', () => {
    const reference = outcome({ numerator: true, stratum: '50-75' });
    expect(compareOutcomes(reference, outcome({ numerator: true, stratum: '50-75' }))).toBe(
      undefined,
    );
  });

  describe('the initial population comes first', () => {
    it('reports the initial population when it differs, even when everything else differs too', () => {
      const reference = outcome({ numerator: true, stratum: '50-75' });
      expect(compareOutcomes(reference, oppositeOf(reference))).toEqual({
        population: 'initialPopulation',
        reference: true,
        implementation: false,
      });
    });

    it('reports an implementation that puts in a member the reference leaves out', () => {
      const reference = outcome({
        initialPopulation: false,
        denominator: false,
        numerator: false,
      });
      expect(compareOutcomes(reference, oppositeOf(reference))).toEqual({
        population: 'initialPopulation',
        reference: false,
        implementation: true,
      });
    });
  });

  describe('populations below a shared false are not compared', () => {
    it('ignores every other population when both leave the member out of the initial population', () => {
      const reference = outcome({
        initialPopulation: false,
        denominator: false,
        denominatorExclusion: false,
        numerator: false,
      });
      const implementation = outcome({
        initialPopulation: false,
        denominator: true,
        denominatorExclusion: true,
        numerator: true,
        stratum: '46-49',
      });
      expect(compareOutcomes(reference, implementation)).toBe(undefined);
    });

    it('ignores exclusion and numerator when both leave the member out of the denominator', () => {
      const reference = outcome({ denominator: false, numerator: false });
      const implementation = outcome({
        denominator: false,
        denominatorExclusion: true,
        numerator: true,
      });
      expect(compareOutcomes(reference, implementation)).toBe(undefined);
    });

    it('reports the denominator when the initial population agrees and the denominator does not', () => {
      const reference = outcome({ numerator: true, stratum: '50-75' });
      const implementation = { ...oppositeOf(reference), initialPopulation: true };
      expect(compareOutcomes(reference, implementation)).toEqual({
        population: 'denominator',
        reference: true,
        implementation: false,
      });
    });

    it('reports the exclusion before the numerator', () => {
      const reference = outcome({ numerator: true });
      const implementation = outcome({ denominatorExclusion: true, numerator: false });
      expect(compareOutcomes(reference, implementation)).toEqual({
        population: 'denominatorExclusion',
        reference: false,
        implementation: true,
      });
    });

    it('ignores the numerator of a member both exclude', () => {
      const reference = outcome({ denominatorExclusion: true, numerator: false });
      const implementation = outcome({ denominatorExclusion: true, numerator: true });
      expect(compareOutcomes(reference, implementation)).toBe(undefined);
    });

    it('reports the numerator of a member in the denominator and not excluded', () => {
      const reference = outcome({ numerator: true });
      expect(compareOutcomes(reference, outcome({ numerator: false }))).toEqual({
        population: 'numerator',
        reference: true,
        implementation: false,
      });
    });
  });

  describe('the stratum is compared only for members in the initial population', () => {
    it('reports a different stratum of a member in the initial population', () => {
      const reference = outcome({ numerator: true, stratum: '46-49' });
      expect(compareOutcomes(reference, outcome({ numerator: true, stratum: '50-75' }))).toEqual({
        population: 'stratum',
        reference: '46-49',
        implementation: '50-75',
      });
    });

    it('reports a missing stratum of a member in the initial population', () => {
      const reference = outcome({ stratum: '46-49' });
      expect(compareOutcomes(reference, outcome({}))).toEqual({
        population: 'stratum',
        reference: '46-49',
        implementation: undefined,
      });
    });

    it('compares the stratum of a member in the initial population but out of the denominator', () => {
      const reference = outcome({ denominator: false, stratum: '46-49' });
      const implementation = outcome({ denominator: false, stratum: '50-75' });
      expect(compareOutcomes(reference, implementation)?.population).toBe('stratum');
    });

    it('compares the stratum of an excluded member', () => {
      const reference = outcome({ denominatorExclusion: true, stratum: '46-49' });
      const implementation = outcome({ denominatorExclusion: true, stratum: '50-75' });
      expect(compareOutcomes(reference, implementation)?.population).toBe('stratum');
    });

    it('ignores the stratum of a member both leave out of the initial population', () => {
      const reference = outcome({
        initialPopulation: false,
        denominator: false,
        numerator: false,
      });
      const implementation = { ...reference, stratum: '46-49' };
      expect(compareOutcomes(reference, implementation)).toBe(undefined);
    });

    it('reports the numerator, not the stratum, when both differ', () => {
      const reference = outcome({ numerator: true, stratum: '46-49' });
      const implementation = outcome({ numerator: false, stratum: '50-75' });
      expect(compareOutcomes(reference, implementation)?.population).toBe('numerator');
    });
  });

  describe('a measure with several rates compares each numerator by its rate id', () => {
    const reference = outcome({ numerator: { 'rate-a': true, 'rate-b': false, 'rate-c': true } });

    it('agrees when every rate agrees, whatever the order of the keys', () => {
      const implementation = outcome({
        numerator: { 'rate-c': true, 'rate-b': false, 'rate-a': true },
      });
      expect(compareOutcomes(reference, implementation)).toBe(undefined);
    });

    it('names the rate that differs', () => {
      const implementation = outcome({
        numerator: { 'rate-a': true, 'rate-b': true, 'rate-c': true },
      });
      expect(compareOutcomes(reference, implementation)).toEqual({
        population: 'numerator:rate-b',
        reference: false,
        implementation: true,
      });
    });

    it("reports the first differing rate in the reference's order", () => {
      const implementation = outcome({
        numerator: { 'rate-a': true, 'rate-b': true, 'rate-c': false },
      });
      expect(compareOutcomes(reference, implementation)?.population).toBe('numerator:rate-b');
    });

    it('reports a rate the implementation left out', () => {
      const implementation = outcome({ numerator: { 'rate-a': true, 'rate-b': false } });
      expect(compareOutcomes(reference, implementation)).toEqual({
        population: 'numerator:rate-c',
        reference: true,
        implementation: undefined,
      });
    });

    it('reports the first rate when the implementation answers one boolean for several rates', () => {
      expect(compareOutcomes(reference, outcome({ numerator: true }))).toEqual({
        population: 'numerator:rate-a',
        reference: true,
        implementation: undefined,
      });
    });

    it('ignores every rate of an excluded member', () => {
      const excluded = outcome({
        denominatorExclusion: true,
        numerator: { 'rate-a': false, 'rate-b': false, 'rate-c': false },
      });
      const implementation = outcome({
        denominatorExclusion: true,
        numerator: { 'rate-a': true, 'rate-b': true, 'rate-c': true },
      });
      expect(compareOutcomes(excluded, implementation)).toBe(undefined);
    });
  });
});
