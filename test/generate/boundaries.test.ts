import { describe, expect, it } from 'vitest';
import { ageOn } from '../../src/model/calendarDate.ts';
import { measureBoundaries } from '../../src/generate/index.ts';
import type { CompiledClause } from '../../src/rulepack/compiled.ts';
import { valueSetHas } from '../../src/rulepack/valueSet.ts';
import type { ValueSet } from '../../src/rulepack/valueSet.ts';
import { shippedMeasure } from '../support/shippedPacks.ts';

const measure = shippedMeasure(2025, 'COL-E');
const b = measureBoundaries(measure);

describe('measureBoundaries on COL-E 2025', () => {
  it('aims at ages 45, 46, 75 and 76 on Dec 31 at both ends of each age', () => {
    const age = b.ages.find((a) => a.clauseId === 'col-e-age');
    expect(age).toMatchObject({ asOf: '2025-12-31', min: 46, max: 75 });
    const points = age?.points ?? [];
    for (const p of points) expect(ageOn(p.birthDate, '2025-12-31')).toBe(p.age);
    const at = (birthDate: string) => points.find((p) => p.birthDate === birthDate)?.age;
    expect(at('1980-12-31')).toBe(45); // turns 45 on Dec 31
    expect(at('1980-01-01')).toBe(45); // turns 46 on Jan 1 of the next year
    expect(at('1979-12-31')).toBe(46);
    expect(at('1950-12-31')).toBe(75);
    expect(at('1949-12-31')).toBe(76);
    expect(points.some((p) => p.reason === 'feb-29' && p.birthDate.endsWith('-02-29'))).toBe(true);
  });

  it('reaches the shared definitions: 66+ ages, strata, statuses, death, enrollment', () => {
    expect(b.ages.map((a) => a.clauseId)).toEqual(
      expect.arrayContaining([
        'isnp-lti-age-66-plus',
        'frailty-age-66-plus',
        'col-e-stratum-46-49',
        'col-e-stratum-50-75',
      ]),
    );
    const isnp = b.statuses.find((s) => s.clauseId === 'isnp-lti-status');
    expect(isnp?.scope).toEqual(['medicare']);
    expect(isnp?.kinds).toEqual(['isnp', 'lti']);
    expect(b.deaths.map((d) => d.edges.map((e) => e.date))).toEqual([
      ['2025-07-02', '2025-01-01', '2025-12-31', '2024-12-31', '2026-01-01'],
    ]);
    const enrollment = b.enrollments[0];
    expect(enrollment?.anchor).toBe('2025-12-31');
    expect(enrollment?.segments.commercial.map((s) => [s.from, s.to, s.allowance.maxDays])).toEqual(
      [
        ['2024-01-01', '2024-12-31', 45],
        ['2025-01-01', '2025-12-31', 45],
      ],
    );
    expect(enrollment?.segments.medicaid[0]?.allowance).toMatchObject({ gaps: 1, maxMonths: 1 });
  });

  it('gives each event clause its window edges, codes, near misses and settings', () => {
    const colonoscopy = b.events.find((e) => e.clauseId === 'col-e-colonoscopy');
    expect(colonoscopy?.edges.map((e) => [e.label, e.date])).toEqual([
      ['inside', '2020-12-31'],
      ['from', '2016-01-01'],
      ['to', '2025-12-31'],
      ['before-from', '2015-12-31'],
      ['after-to', '2026-01-01'],
    ]);
    const frailty = b.events.find((e) => e.clauseId === 'frailty');
    expect(frailty).toMatchObject({ minDistinctDates: 2, excludeSettings: ['lab'] });
    const dementia = b.events.find((e) => e.clauseId === 'dementia-medication');
    expect(dementia?.drugs).toContain('donepezil');
    // A near miss is in none of the clause's value sets.
    const sets = measureValueSets().filter((vs) => colonoscopy?.valueSets.includes(vs.name));
    for (const miss of colonoscopy?.nearMisses ?? []) {
      expect(sets.some((vs) => valueSetHas(vs, miss.system, miss.code))).toBe(false);
    }
    expect(colonoscopy?.nearMisses.length).toBeGreaterThan(0);
    expect(b.conjunctions).toEqual(
      expect.arrayContaining([['advanced-illness-diagnosis', 'frailty']]),
    );
  });
});

/** The value sets of the clauses under the exclusions and the numerator. */
function measureValueSets(): ValueSet[] {
  const visit = (c: CompiledClause): ValueSet[] =>
    c.kind === 'event'
      ? [...c.valueSets]
      : c.kind === 'all' || c.kind === 'any'
        ? c.children.flatMap(visit)
        : c.kind === 'not' || c.kind === 'ref'
          ? visit(c.child)
          : [];
  return [
    ...(measure.denominatorExclusion ? visit(measure.denominatorExclusion) : []),
    ...measure.rates.flatMap((r) => visit(r.numerator)),
  ];
}
