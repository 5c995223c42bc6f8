// Packs and measures without product lines: `productLines: []` in pack.yaml, no `productLines` in
// a measure, and the clauses such a measure cannot have.
import { describe, expect, it } from 'vitest';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Member } from '../../src/model/member.ts';
import { formatProblem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { isAskedFor, requestLines } from '../../src/rulepack/compiled.ts';
import { copyPack, editPackFile, fixturePack, scratchFolder } from '../support/tempPacks.ts';

const scratch = scratchFolder('no-product-lines');
let copies = 0;
const freshPack = () => copyPack('no-product-lines', scratch, `pack-${++copies}`);

const MEMBER: Member = {
  id: 'N1',
  birthDate: '1960-04-02',
  sex: 'F',
  enrollments: [],
  statuses: [],
  claims: [
    {
      id: 'C1',
      date: '2017-03-01',
      setting: 'outpatient',
      codes: [{ system: 'CPT', code: '45378' }],
    },
  ],
  dispensings: [],
  observations: [],
};

describe('a measure without product lines', () => {
  it('compiles with none, is asked once without a line, and answers without one', () => {
    const loaded = loadPack(fixturePack('no-product-lines'));
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    const measure = loaded.value.measures.get('SCR');
    if (!measure) throw new Error('no SCR');
    expect(loaded.value.productLines).toEqual([]);
    expect(measure.productLines).toEqual([]);
    expect(requestLines(measure)).toEqual([undefined]);
    expect(isAskedFor(measure, undefined)).toBe(true);
    expect(isAskedFor(measure, 'commercial')).toBe(false);
    const { outcome, trace } = evaluateMeasure(measure, { measure: 'SCR', year: 2025 }, MEMBER);
    expect(outcome).toEqual({
      memberId: 'N1',
      measure: 'SCR',
      year: 2025,
      initialPopulation: true,
      denominator: true,
      denominatorExclusion: false,
      numerator: true,
    });
    expect(trace).not.toHaveProperty('productLine');
    // Asked for a product line it does not have, it is not reported.
    const lined = evaluateMeasure(
      measure,
      { measure: 'SCR', year: 2025, productLine: 'medicaid' },
      MEMBER,
    );
    expect(lined.outcome.initialPopulation).toBe(false);
    expect(lined.trace.notReportedFor).toBe('medicaid');
  });

  it('a clause with productLines, or an enrollment clause, in such a measure is a pack error', () => {
    const dir = freshPack();
    editPackFile(
      dir,
      'measures/scr.yaml',
      '  description: A hospice encounter in the measurement year.\n',
      '  description: A hospice encounter in the measurement year.\n  productLines: [medicare]\n',
    );
    const loaded = loadPack(dir);
    expect(loaded.ok).toBe(false);
    const text = loaded.ok ? [] : loaded.problems.map((p) => `${p.code} ${formatProblem(p)}`);
    expect(text).toEqual([
      expect.stringMatching(
        /^pack\/no-product-lines .*measures\/scr\.yaml:13: clause scr-hospice has productLines, but measure SCR has no product lines/,
      ),
    ]);

    const enrolled = freshPack();
    editPackFile(
      enrolled,
      'measures/scr.yaml',
      '  age: { min: 50, max: 75, asOf: MY-12-31 }\n',
      '  all:\n    - { id: scr-age, age: { min: 50, max: 75, asOf: MY-12-31 } }\n    - id: scr-enrolled\n      enrollment: { periods: [{ from: MY-01-01, to: MY-12-31 }], allowance: { gaps: 0 } }\n',
    );
    const again = loadPack(enrolled);
    expect(again.ok ? [] : again.problems.map((p) => p.code)).toContain('pack/no-product-lines');
  });
});
