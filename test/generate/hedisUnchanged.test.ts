import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureBoundaries, memberArbitrary } from '../../src/generate/index.ts';
import type { GeneratorMode } from '../../src/generate/index.ts';
import { everyShippedMeasure } from '../support/shippedPacks.ts';

/**
 * The shipped HEDIS packs use none of the clause options added for clinical (FHIR) data, so their
 * members must come out exactly as before those options existed: the same seed gives the same
 * members, byte for byte. The digests below were computed before the generators learned the new
 * record fields; a change to them means a HEDIS run with a given seed no longer replays. CBP and
 * GSD moved once, on purpose, when their readings gained CPT II claim results (`claimResults`),
 * which the generator aims at.
 */
const DIGESTS: Readonly<Record<string, string>> = {
  'rule-aware 2024 BCS-E': '406babfc22ef46a5',
  'rule-aware 2024 CBP': '8657ae421b4ad6db',
  'rule-aware 2024 COL-E': 'd9a12a579a6d64cd',
  'rule-aware 2024 GSD': '1e767fa7821f7638',
  'rule-aware 2024 PDC-STA': 'c4088a6cf204eff2',
  'rule-aware 2025 BCS-E': 'ebf17530874641d7',
  'rule-aware 2025 CBP': '6ff2134952b174ec',
  'rule-aware 2025 COL-E': 'a529c3d88e7f087c',
  'rule-aware 2025 GSD': '5e763d01fccdefeb',
  'rule-aware 2025 PDC-STA': 'a02eda78f643ae5e',
  'uniform 2025 COL-E': '03caeca426d03034',
};

function digest(mode: GeneratorMode, year: number, id: string): string {
  const measure = everyShippedMeasure().find((m) => m.year === year && m.id === id)?.measure;
  if (!measure) throw new Error(`no shipped measure ${id} ${String(year)}`);
  const productLine = measure.productLines[0] ?? 'commercial';
  const members = fc.sample(memberArbitrary(measure, { productLine, mode }), {
    seed: 1,
    numRuns: 200,
  });
  return createHash('sha256').update(JSON.stringify(members)).digest('hex').slice(0, 16);
}

describe('members for the shipped HEDIS packs', () => {
  it('are the same for the same seed as before the clinical record fields (rule-aware)', () => {
    const got: Record<string, string> = {};
    for (const { year, id } of everyShippedMeasure()) {
      got[`rule-aware ${String(year)} ${id}`] = digest('rule-aware', year, id);
    }
    got['uniform 2025 COL-E'] = digest('uniform', 2025, 'COL-E');
    expect(got).toEqual(DIGESTS);
  });

  it('have boundaries without clinical aims and events reading only claims, observations, dispensings', () => {
    for (const { measure } of everyShippedMeasure()) {
      const b = measureBoundaries(measure);
      expect(b.events.filter((e) => e.clinical !== undefined)).toEqual([]);
      expect(b.readings.filter((r) => r.clinical !== undefined)).toEqual([]);
      const records = new Set(b.events.flatMap((e) => e.records));
      expect(records.has('conditions') || records.has('orders')).toBe(false);
    }
  });
});
