// A shared definition that names a clause through onOrAfter follows the measure that uses it: each
// measure is compiled in its own scope, so a definition never sees another measure's clauses.
import { describe, expect, it } from 'vitest';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { memberSchema } from '../../src/model/member.ts';
import { formatProblem } from '../../src/model/problem.ts';
import { measureClauses } from '../../src/rulepack/clauseTree.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { fixturePack } from '../support/tempPacks.ts';

const loaded = loadPack(fixturePack('shared-definition-follows-each-measures-anchor'));
if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
const pack = loaded.value;

const claim = (id: string, date: string, code: string) => ({
  id,
  date,
  setting: 'outpatient',
  codes: [{ system: 'CPT', code }],
});

/** Office visits in February and November, a screening in June between them. */
const member = memberSchema.parse({
  id: 'VISITS-FEB-NOV-SCREENED-JUN',
  birthDate: '1965-05-05',
  sex: 'F',
  enrollments: [
    {
      start: '2025-01-01',
      end: '2025-12-31',
      productLine: 'commercial',
      medical: true,
      pharmacy: true,
    },
  ],
  claims: [
    claim('C1', '2025-02-03', '99213'),
    claim('C2', '2025-06-10', '45378'),
    claim('C3', '2025-11-04', '99213'),
  ],
});

const numerator = (measureId: string): unknown => {
  const measure = pack.measures.get(measureId);
  if (!measure) throw new Error(`the fixture pack has no ${measureId}`);
  const request = { measure: measureId, year: 2025, productLine: 'commercial' as const };
  return evaluateMeasure(measure, request, member).outcome.numerator;
};

describe('a shared definition with onOrAfter on a clause id two measures define', () => {
  it('counts the screening after EARLY’s anchor (a visit in January to March)', () => {
    expect(numerator('EARLY')).toBe(true);
  });

  it('does not count it before LATE’s anchor (a visit in October to December)', () => {
    expect(numerator('LATE')).toBe(false);
  });
});

describe('compiled clauses of the two measures', () => {
  const measureOf = (id: string) => {
    const measure = pack.measures.get(id);
    if (!measure) throw new Error(`the fixture pack has no ${id}`);
    return measure;
  };

  it.each(['EARLY', 'LATE'])(
    '%s reaches one anchor-visit clause, its own, also through the definition’s onOrAfter',
    (id) => {
      const measure = measureOf(id);
      const anchors = measureClauses(measure, { anchors: true }).filter(
        (c) => c.id === 'anchor-visit',
      );
      expect(anchors).toHaveLength(1);
      expect(anchors[0]?.location.file).toContain(`${id.toLowerCase()}.yaml`);
    },
  );

  it('shares a definition that names no measure clause: one isnp-medicare clause for both', () => {
    const shared = pack.definitions.get('isnp-medicare');
    expect(shared).toBeDefined();
    expect(measureOf('EARLY').denominatorExclusion).toBe(shared);
    expect(measureOf('LATE').denominatorExclusion).toBe(shared);
  });

  it('still lists both definitions as written, though one is compiled per measure', () => {
    expect(pack.definitions.has('screening-after-anchor')).toBe(false);
    expect(pack.definitionIds).toEqual(['screening-after-anchor', 'isnp-medicare']);
  });
});
