// Evaluating one member for every product line with shared traces of the line-independent clauses
// (as `compare` and `fixtures generate` do on their workers) gives exactly the outcome and the trace
// of evaluating each line on its own, for every shipped measure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMeasure, lineIndependent } from '../../src/engine/evaluate.ts';
import type { SharedEvaluations } from '../../src/engine/evaluate.ts';
import { memberArbitrary } from '../../src/generate/index.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import { shippedMeasure, shippedPack } from '../support/shippedPacks.ts';

const pack = shippedPack(2025);

describe.each([...pack.measures.keys()])('%s 2025 with shared line-independent traces', (id) => {
  const measure = shippedMeasure(2025, id);

  it('equals evaluating each product line on its own (outcome and trace)', () => {
    const members = fc.oneof(
      ...PRODUCT_LINES.map((productLine) =>
        memberArbitrary(measure, { productLine, mode: 'rule-aware' }),
      ),
    );
    fc.assert(
      fc.property(members, (member) => {
        const shared: SharedEvaluations = new Map();
        for (const productLine of PRODUCT_LINES) {
          const request = { measure: id, year: 2025, productLine };
          const alone = evaluateMeasure(measure, request, member);
          const together = evaluateMeasure(measure, request, member, shared);
          expect(together).toEqual(alone);
        }
      }),
      { numRuns: 300, seed: 2025 },
    );
  });

  it('shares something: the initial population depends on the product line, some clause does not', () => {
    expect(lineIndependent(measure.initialPopulation)).toBe(false);
    const rate = measure.rates[0];
    if (!rate) throw new Error('no rate');
    // Every shipped numerator is made of events, readings or coverage, none scoped by line.
    expect(lineIndependent(rate.numerator)).toBe(true);
  });
});
