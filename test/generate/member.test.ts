import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memberArbitrary } from '../../src/generate/index.ts';
import type { GeneratorMode } from '../../src/generate/index.ts';
import { PRODUCT_LINES, strictMemberSchema } from '../../src/model/member.ts';
import { shippedMeasure } from '../support/shippedPacks.ts';

const measure = shippedMeasure(2025, 'COL-E');
const MODES: readonly GeneratorMode[] = ['rule-aware', 'uniform'];

describe('memberArbitrary', () => {
  for (const mode of MODES) {
    for (const productLine of PRODUCT_LINES) {
      it(`${mode}, ${productLine}: every member is a valid member record (strict)`, () => {
        const members = fc.sample(memberArbitrary(measure, { productLine, mode }), {
          seed: 20251231,
          numRuns: 1000,
        });
        const invalid = members.flatMap((m) => {
          const parsed = strictMemberSchema.safeParse(m);
          return parsed.success ? [] : [{ member: m, issues: parsed.error.issues }];
        });
        expect(invalid.slice(0, 1)).toEqual([]);
        for (const m of members) {
          const ids = m.claims.map((c) => c.id);
          expect(new Set(ids).size).toBe(ids.length);
        }
      });
    }
  }

  it('is deterministic: the same seed gives the same members', () => {
    for (const mode of MODES) {
      const draw = (seed: number) =>
        fc.sample(memberArbitrary(measure, { productLine: 'medicaid', mode }), {
          seed,
          numRuns: 50,
        });
      expect(draw(42)).toEqual(draw(42));
      expect(draw(42)).not.toEqual(draw(43));
    }
  });

  it('uses the given member id', () => {
    const [fixed] = fc.sample(
      memberArbitrary(measure, { productLine: 'commercial', mode: 'uniform', id: 'X9' }),
      { seed: 1, numRuns: 1 },
    );
    expect(fixed?.id).toBe('X9');
    const drawn = fc.sample(
      memberArbitrary(measure, {
        productLine: 'commercial',
        mode: 'rule-aware',
        id: fc.constantFrom('A', 'B'),
      }),
      { seed: 1, numRuns: 20 },
    );
    expect(new Set(drawn.map((m) => m.id))).toEqual(new Set(['A', 'B']));
  });

  it('shrinks toward a member with full coverage and no records', () => {
    const arb = memberArbitrary(measure, { productLine: 'commercial', mode: 'rule-aware' });
    // Fails for every member with a birth date: shrinking then goes as far as it can.
    const result = fc.check(
      fc.property(arb, (m) => m.birthDate === ''),
      { seed: 7, numRuns: 20 },
    );
    const [shrunk] = result.counterexample ?? [];
    expect(shrunk).toMatchObject({
      claims: [],
      statuses: [],
      dispensings: [],
      observations: [],
      enrollments: [
        {
          start: '2024-01-01',
          end: '2025-12-31',
          productLine: 'commercial',
          medical: true,
          pharmacy: false,
        },
      ],
    });
    expect(shrunk?.deathDate).toBeUndefined();
  });

  it('shrinks an aimed claim to one claim that keeps the property failing', () => {
    const arb = memberArbitrary(measure, { productLine: 'commercial', mode: 'rule-aware' });
    const result = fc.check(
      fc.property(arb, (m) => m.claims.every((c) => c.setting !== 'lab')),
      { seed: 7, numRuns: 500 },
    );
    const [shrunk] = result.counterexample ?? [];
    expect(shrunk?.claims).toHaveLength(1);
    expect(shrunk?.claims[0]?.setting).toBe('lab');
  });
});
