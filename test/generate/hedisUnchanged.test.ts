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
 * which the generator aims at; all moved once more, on purpose, when the generator learned to send
 * every equal written form of a code (claims, dispensings, observations and CPT II results) and the
 * packs' near misses (decoys). Any other move is a bug.
 */
const DIGESTS: Readonly<Record<string, string>> = {
  'rule-aware 2024 BCS-E': '1b261c542f486973',
  'rule-aware 2024 CBP': '15ea7a8cf3e5f3c0',
  'rule-aware 2024 COL-E': '795b22fb59db6a07',
  'rule-aware 2024 GSD': 'caf172ce85ac94f8',
  'rule-aware 2024 PDC-STA': 'fe59074dfe28db88',
  'rule-aware 2025 BCS-E': 'bdfaef2dfbed9ae7',
  'rule-aware 2025 CBP': 'c9b5e31ca94c6e3e',
  'rule-aware 2025 COL-E': 'f56398d5cf937416',
  'rule-aware 2025 GSD': '8664edc2c808bc8a',
  'rule-aware 2025 PDC-STA': '6a97d27109767487',
  'uniform 2025 COL-E': 'fe2f96c6d21f3583',
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
