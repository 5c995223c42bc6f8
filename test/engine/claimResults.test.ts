// A reading's `claimResults`: claim codes that report a result as a range of values (CPT II), read
// beside observations. The shipped CBP and GSD members with CPT II codes are in
// test/measures/cbp.test.ts and gsd.test.ts; here, the range arithmetic on small packs, a pack
// error, and the explanation `measurecheck explain` prints.
import { describe, expect, it } from 'vitest';
import { clausePack, clauseProblems, verdict } from '../support/clausePack.ts';
import { runCli } from '../support/runCli.ts';

/** A reading of systolic BP where an office-visit code (CPT 99213) stands for a range. */
const reading = (range: string, test: string, sameDay = 'lowest') => `
reading:
  valueSets: [Systolic BP]
  window: { from: MY-01-01, to: MY-12-31 }
  excludeSettings: [ed]
  sameDay: ${sameDay}
  require:
    - { ${test}, ifMissing: false }
  claimResults:
    - { valueSet: Office Visit, reads: Systolic BP, ${range} }
`;

const claim = (date: string, setting = 'outpatient') => ({
  id: 'C1',
  date,
  setting,
  codes: [{ system: 'CPT', code: '99213' }],
});
const systolic = (date: string, value: number) => ({
  date,
  code: { system: 'LOINC', code: '8480-6' },
  value,
});

describe('reading claimResults', () => {
  it('a range passes a test only when every value in it passes', () => {
    const cases: [range: string, test: string, passes: boolean][] = [
      ['atLeast: 130, below: 140', 'below: 140', true],
      ['atLeast: 130, atMost: 140', 'below: 140', false],
      ['atLeast: 130, below: 140', 'atMost: 139', false],
      ['atLeast: 8, atMost: 9', 'below: 8', false],
      ['atLeast: 8, atMost: 9', 'above: 9', false],
      ['above: 9', 'above: 9', true],
      ['atLeast: 9', 'above: 9', false],
      ['above: 9', 'atLeast: 9', true],
      ['below: 7', 'below: 8', true],
      ['below: 7', 'atLeast: 0', false],
    ];
    for (const [range, test, passes] of cases) {
      const pack = clausePack(reading(range, test));
      const { result } = verdict(pack, { claims: [claim('2025-06-01')] });
      expect(result, `${range} against ${test}`).toBe(passes);
    }
  });

  it('the lowest of the day combines claim ranges and observed numbers', () => {
    const pack = clausePack(reading('atLeast: 140', 'below: 140'));
    // 140 or more, and an observed 128 the same day: the lowest is 128.
    const mixed = verdict(pack, {
      claims: [claim('2025-06-01')],
      observations: [systolic('2025-06-01', 128)],
    });
    expect(mixed.result).toBe(true);
    expect(mixed.text).toContain('value 128 < 140: yes');
    // An older controlled observation does not count: the claim is the most recent reading.
    const newer = verdict(pack, {
      claims: [claim('2025-06-02')],
      observations: [systolic('2025-06-01', 128)],
    });
    expect(newer.result).toBe(false);
    expect(newer.text).toContain('Systolic BP at least 140 (CPT 99213 on claim C1)');
    // A claim in an excluded setting is not a reading.
    const ed = verdict(pack, {
      claims: [claim('2025-06-02', 'ed')],
      observations: [systolic('2025-06-01', 128)],
    });
    expect(ed.result).toBe(true);
    expect(ed.text).toContain('most recent reading 2025-06-01 (Systolic BP 128)');
    const misses = ed.trace.evidence?.kind === 'reading' ? ed.trace.evidence.nearMisses : [];
    expect(misses.map((m) => [m.id, m.reason])).toEqual([['C1', 'setting']]);
  });

  it('with sameDay highest, the highest of the day may stay a range', () => {
    const pack = clausePack(reading('atLeast: 130, below: 140', 'atLeast: 130', 'highest'));
    const { result, text } = verdict(pack, {
      claims: [claim('2025-06-01')],
      observations: [systolic('2025-06-01', 120)],
    });
    expect(result).toBe(true);
    expect(text).toContain('value 130 to under 140 >= 130: yes');
  });

  it('a claim result must read one of the reading value sets', () => {
    const problems = clauseProblems(`
reading:
  valueSets: [Systolic BP]
  window: { from: MY-01-01, to: MY-12-31 }
  require:
    - { below: 140 }
  claimResults:
    - { valueSet: Office Visit, reads: Diastolic BP, below: 130 }
`);
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      [
        'pack/unknown-value-set',
        'claim result reads "Diastolic BP", which is not one of this reading\'s valueSets',
      ],
    ]);
  });

  it('explain prints the claim and code of a CPT II reading (CBP 2025)', async () => {
    const run = await runCli([
      'explain',
      '--member',
      'fixtures/members/cbp/numerator-true-cpt-ii-3075f-3079f-only.json',
      '--measure',
      'CBP',
      '--year',
      '2025',
      '--product-line',
      'commercial',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Systolic Blood Pressure 130 to under 140 (CPT-CAT-II 3075F on claim C3)',
    );
    expect(run.stdout).toContain('Systolic Blood Pressure 130 to under 140 < 140: yes');
    expect(run.stdout).toContain('Diastolic Blood Pressure 80 to under 90 < 90: yes');
  });
});
