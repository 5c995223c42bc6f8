import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureBoundaries, memberArbitrary } from '../../src/generate/index.ts';
import type { GeneratorMode } from '../../src/generate/index.ts';
import { everyShippedMeasure } from '../support/shippedPacks.ts';

/**
 * The shipped HEDIS packs use none of the clause options added for clinical (FHIR) data, so their
 * members must come out exactly as before those options existed: the same seed gives the same
 * members, byte for byte. The digests below were last computed when the generators learned to
 * send every equal written form of a code and the packs' near misses (decoy codes); a change to
 * them means a HEDIS run with a given seed no longer replays.
 */
const DIGESTS: Readonly<Record<string, string>> = {
  'rule-aware 2024 BCS-E': 'd982da51ef5d922d',
  'rule-aware 2024 CBP': '4dfb34faa1c7bf25',
  'rule-aware 2024 COL-E': '89b8f8794104fc89',
  'rule-aware 2024 GSD': 'd3f92f98e5fb7480',
  'rule-aware 2024 PDC-STA': 'cfc051c9682c865f',
  'rule-aware 2025 BCS-E': 'a98639446ceafa87',
  'rule-aware 2025 CBP': 'aed2406b392e42de',
  'rule-aware 2025 COL-E': '9a4b5991cde87e5f',
  'rule-aware 2025 GSD': 'd1c694ecdc2d2870',
  'rule-aware 2025 PDC-STA': '8d918de4b6d5a981',
  'uniform 2025 COL-E': '2fc3fab13ef66b71',
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
