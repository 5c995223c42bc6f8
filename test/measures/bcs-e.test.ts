// BCS-E (Breast Cancer Screening): the boundary members in fixtures/members/bcs-e/ against the
// shipped 2024 and 2025 packs. Each fixture's name states the outcome it expects; the table below
// says it once more, with the product line and year. The correct sample implementation
// (fixtures/implementations/bcs-e-correct.ts) must give the same answers.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeClause } from '../../src/engine/explain.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Evaluation } from '../../src/engine/trace.ts';
import type { Member, ProductLine } from '../../src/model/member.ts';
import { readMemberFile } from '../../src/model/memberFile.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import { formatProblem } from '../../src/model/problem.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { evaluate as correctImplementation } from '../../fixtures/implementations/bcs-e-correct.ts';
import { expectPopulations } from '../support/expectPopulations.ts';
import type { ExpectedPopulations } from '../support/expectPopulations.ts';
import { evidenceOf, findClause } from '../support/traceQuery.ts';
import { shippedMeasure } from '../support/shippedPacks.ts';

const FIXTURES = new URL('../../fixtures/members/bcs-e/', import.meta.url);

function loadMember(file: string): Member {
  const result = readMemberFile(fileURLToPath(new URL(file, FIXTURES)), { strict: true });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

const bcsE = (year: number): CompiledMeasure => shippedMeasure(year, 'BCS-E');

function evaluate(file: string, productLine: ProductLine, year = 2025): Evaluation {
  return evaluateMeasure(
    bcsE(year),
    { measure: 'BCS-E', year, productLine },
    loadMember(`${file}.json`),
  );
}

const OUT: ExpectedPopulations = {
  initialPopulation: false,
  denominator: false,
  denominatorExclusion: false,
  numerator: false,
  stratum: undefined,
};
/** In the denominator, not excluded, not screened, in `stratum` (none in MY2024). */
const inDenominator = (stratum: string | undefined): ExpectedPopulations => ({
  initialPopulation: true,
  denominator: true,
  denominatorExclusion: false,
  numerator: false,
  stratum,
});
/** Most fixture members are born 1965-06-15: 60 on Dec 31 2025, 59 on Dec 31 2024. */
const IN = inDenominator('52-74');
const SCREENED: ExpectedPopulations = { ...IN, numerator: true };
const EXCLUDED: ExpectedPopulations = { ...IN, denominatorExclusion: true };
const IN_2024 = inDenominator(undefined);
const SCREENED_2024: ExpectedPopulations = { ...IN_2024, numerator: true };

interface BoundaryCase {
  readonly file: string;
  readonly productLine: ProductLine;
  readonly year: number;
  /** The expected outcome in words; it is the test name. */
  readonly says: string;
  readonly expected: ExpectedPopulations;
}

const c = (
  file: string,
  productLine: ProductLine,
  year: number,
  says: string,
  expected: ExpectedPopulations,
): BoundaryCase => ({ file, productLine, year, says, expected });

const CASES: readonly BoundaryCase[] = [
  // Age on Dec 31 of the MY: 42-74 in MY2025 (technical update), strata 42-51 / 52-74.
  c(
    'ip-true-age-42-born-1983-12-31',
    'commercial',
    2025,
    'in the population, stratum 42-51: turns 42 on Dec 31 itself',
    inDenominator('42-51'),
  ),
  c(
    'ip-false-age-41-born-1984-01-01',
    'commercial',
    2025,
    'not in the population: 41 on Dec 31',
    OUT,
  ),
  c(
    'ip-true-age-51-stratum-42-51-born-1974-01-01',
    'commercial',
    2025,
    'in the population, stratum 42-51: 51 on Dec 31',
    inDenominator('42-51'),
  ),
  c(
    'ip-true-age-52-stratum-52-74-born-1973-12-31',
    'commercial',
    2025,
    'in the population, stratum 52-74: turns 52 on Dec 31',
    inDenominator('52-74'),
  ),
  c('ip-true-age-74-born-1951-01-01', 'commercial', 2025, 'in the population: 74 on Dec 31', IN),
  c(
    'ip-false-age-75-born-1950-12-31',
    'commercial',
    2025,
    'not in the population: turns 75 on Dec 31',
    OUT,
  ),
  // MY2024: 52-74, no strata.
  c(
    'ip-true-my2024-age-52-born-1972-12-31',
    'commercial',
    2024,
    'in the 2024 population, no stratum: turns 52 on Dec 31 2024',
    IN_2024,
  ),
  c(
    'ip-true-my2024-age-52-born-feb-29-1972',
    'commercial',
    2024,
    'in the 2024 population: Feb 29 birthday, 52 on Dec 31 2024',
    IN_2024,
  ),
  c(
    'ip-false-my2024-age-51-born-1973-01-01',
    'commercial',
    2024,
    'not in the 2024 population: 51 on Dec 31 2024',
    OUT,
  ),
  c(
    'ip-true-my2024-age-74-born-1950-01-01',
    'commercial',
    2024,
    'in the 2024 population: 74 on Dec 31 2024',
    IN_2024,
  ),
  c(
    'ip-false-my2024-age-75-born-1949-12-31',
    'commercial',
    2024,
    'not in the 2024 population: turns 75 on Dec 31 2024',
    OUT,
  ),
  c(
    'ip-false-my2024-ip-true-my2025-age-45-then-46',
    'commercial',
    2024,
    'not in the 2024 population: 45 is below the 2024 floor of 52',
    OUT,
  ),
  c(
    'ip-false-my2024-ip-true-my2025-age-45-then-46',
    'commercial',
    2025,
    'in the 2025 population, stratum 42-51: the same member at 46',
    inDenominator('42-51'),
  ),
  // Administrative sex F.
  c('ip-false-sex-m', 'commercial', 2025, 'not in the population: sex M', OUT),
  c('ip-false-sex-u', 'commercial', 2025, 'not in the population: sex U', OUT),
  // Enrollment: Oct 1 two years before the MY (no gap through Dec 31), then one gap a year.
  c(
    'ip-true-enrolled-from-oct-1-my-minus-2',
    'commercial',
    2025,
    'in the population: enrolled from Oct 1 2023 exactly',
    IN,
  ),
  c(
    'ip-false-enrolled-from-oct-2-my-minus-2',
    'commercial',
    2025,
    'not in the population: enrolled from Oct 2 2023 (a one-day gap in the no-gap period)',
    OUT,
  ),
  c(
    'ip-false-one-day-gap-dec-15-my-minus-2',
    'commercial',
    2025,
    'not in the population: a one-day gap on Dec 15 2023',
    OUT,
  ),
  c(
    'ip-false-medicaid-one-day-gap-nov-1-my-minus-2',
    'medicaid',
    2025,
    'not in the Medicaid population: the no-gap period has no one-month allowance',
    OUT,
  ),
  c(
    'ip-false-gap-dec-20-to-jan-10-crosses-into-no-gap-period',
    'commercial',
    2025,
    'not in the population: a gap from Dec 20 2023 into Jan 2024 touches the no-gap period',
    OUT,
  ),
  c(
    'ip-true-gap-jan-1-to-feb-14-prior-year',
    'commercial',
    2025,
    'in the population: a 45-day gap starting Jan 1 2024, right after the no-gap period',
    IN,
  ),
  c(
    'ip-true-gap-45-days-prior-year',
    'commercial',
    2025,
    'in the population: one 45-day gap in 2024',
    IN,
  ),
  c(
    'ip-false-gap-46-days-prior-year',
    'commercial',
    2025,
    'not in the population: one 46-day gap in 2024',
    OUT,
  ),
  c(
    'ip-true-gap-45-days-my',
    'commercial',
    2025,
    'in the population: one 45-day gap in the MY',
    IN,
  ),
  c(
    'ip-false-gap-46-days-my',
    'commercial',
    2025,
    'not in the population: one 46-day gap in the MY',
    OUT,
  ),
  c(
    'ip-false-two-gaps-in-prior-year',
    'commercial',
    2025,
    'not in the population: two 5-day gaps in 2024',
    OUT,
  ),
  c(
    'ip-true-commercial-gap-apr-1-to-may-10-prior-year',
    'commercial',
    2025,
    'in the commercial population: a 40-day gap is within 45 days',
    IN,
  ),
  c(
    'ip-false-medicaid-gap-apr-1-to-may-10-prior-year',
    'medicaid',
    2025,
    'not in the Medicaid population: the same 40-day gap runs past one month',
    OUT,
  ),
  c(
    'ip-true-medicaid-gap-apr-1-to-apr-30-prior-year',
    'medicaid',
    2025,
    'in the Medicaid population: a one-month gap (Apr 1-Apr 30 2024)',
    IN,
  ),
  c(
    'ip-false-not-enrolled-dec-31',
    'commercial',
    2025,
    'not in the population: not enrolled on Dec 31',
    OUT,
  ),
  c(
    'ip-false-commercial-enrolled-medicaid-on-dec-31',
    'commercial',
    2025,
    'not in the commercial population: enrolled in Medicaid on Dec 31',
    OUT,
  ),
  c(
    'ip-false-commercial-enrolled-medicaid-on-dec-31',
    'medicaid',
    2025,
    'in the Medicaid population: commercial months count toward continuity',
    IN,
  ),
  // Mastectomy any time through Dec 31 of the MY.
  c(
    'excluded-bilateral-mastectomy-0htv0zz-in-2010-with-mammogram',
    'commercial',
    2025,
    'excluded, not in the numerator despite a mammogram: bilateral mastectomy in 2010',
    EXCLUDED,
  ),
  c(
    'excluded-bilateral-mastectomy-dec-31-my',
    'commercial',
    2025,
    'excluded: bilateral mastectomy on Dec 31 of the MY',
    EXCLUDED,
  ),
  c(
    'not-excluded-bilateral-mastectomy-jan-1-after-my',
    'commercial',
    2025,
    'not excluded: bilateral mastectomy on Jan 1 after the MY',
    IN,
  ),
  c(
    'excluded-unilateral-mastectomy-modifier-50',
    'commercial',
    2025,
    'excluded: a unilateral mastectomy code with the bilateral modifier 50',
    EXCLUDED,
  ),
  c(
    'not-excluded-unilateral-mastectomy-no-modifier',
    'commercial',
    2025,
    'not excluded: a unilateral mastectomy code without a modifier',
    IN,
  ),
  c(
    'excluded-history-of-bilateral-mastectomy-z90-13',
    'commercial',
    2025,
    'excluded: acquired absence of both breasts Z90.13',
    EXCLUDED,
  ),
  c(
    'excluded-unilateral-lt-and-rt-on-different-dates',
    'commercial',
    2025,
    'excluded: unilateral mastectomy codes with LT (2015) and RT (2021)',
    EXCLUDED,
  ),
  c(
    'excluded-unilateral-lt-and-rt-on-one-claim',
    'commercial',
    2025,
    'excluded: one claim with a unilateral code with LT and another with RT',
    EXCLUDED,
  ),
  c(
    'not-excluded-unilateral-lt-twice-no-right',
    'commercial',
    2025,
    'not excluded: two left mastectomies (LT), no right one',
    IN,
  ),
  c(
    'excluded-left-mastectomy-0htu0zz-and-absence-of-right-breast-z90-11',
    'commercial',
    2025,
    'excluded: left mastectomy 0HTU0ZZ and absence of the right breast Z90.11',
    EXCLUDED,
  ),
  c(
    'excluded-absence-of-left-breast-z90-12-and-unilateral-rt',
    'commercial',
    2025,
    'excluded: absence of the left breast Z90.12 and a unilateral code with RT',
    EXCLUDED,
  ),
  c(
    'excluded-left-0htu0zz-and-right-0htt0zz-same-day',
    'commercial',
    2025,
    'excluded: left and right mastectomy codes on one day',
    EXCLUDED,
  ),
  c(
    'not-excluded-left-mastectomy-0htu0zz-only',
    'commercial',
    2025,
    'not excluded, in the numerator: a left mastectomy only, and a mammogram',
    SCREENED,
  ),
  c(
    'not-excluded-absence-of-right-breast-z90-11-only',
    'commercial',
    2025,
    'not excluded: absence of the right breast only',
    IN,
  ),
  c(
    'not-excluded-left-before-my-right-rt-jan-1-after-my',
    'commercial',
    2025,
    'not excluded: the right mastectomy (RT) is on Jan 1 after the MY',
    IN,
  ),
  // Shared exclusions.
  c(
    'excluded-hospice-status',
    'commercial',
    2025,
    'excluded, not in the numerator: hospice status in Nov-Dec',
    EXCLUDED,
  ),
  c(
    'not-excluded-hospice-ended-dec-31-prior-year',
    'commercial',
    2025,
    'not excluded: hospice ended Dec 31 of the year before',
    IN,
  ),
  c('excluded-hospice-claim-g0182', 'commercial', 2025, 'excluded: hospice claim G0182', EXCLUDED),
  c('excluded-death-in-my', 'commercial', 2025, 'excluded: died Dec 31 of the MY', EXCLUDED),
  c(
    'not-excluded-death-jan-1-after-my',
    'commercial',
    2025,
    'not excluded: died Jan 1 after the MY',
    IN,
  ),
  c(
    'excluded-palliative-care-z51-5',
    'commercial',
    2025,
    'excluded: palliative care Z51.5',
    EXCLUDED,
  ),
  c(
    'excluded-isnp-66-medicare-not-commercial',
    'medicare',
    2025,
    'excluded as Medicare: I-SNP at 66',
    EXCLUDED,
  ),
  c(
    'excluded-isnp-66-medicare-not-commercial',
    'commercial',
    2025,
    'not excluded as commercial: I-SNP is a Medicare-only exclusion',
    IN,
  ),
  c(
    'excluded-lti-66-medicare',
    'medicare',
    2025,
    'excluded as Medicare: LTI status on Dec 31 at 66',
    EXCLUDED,
  ),
  c(
    'not-excluded-isnp-age-65-medicare',
    'medicare',
    2025,
    'not excluded as Medicare: I-SNP at 65',
    IN,
  ),
  c(
    'excluded-frailty-and-advanced-illness-age-66',
    'commercial',
    2025,
    'excluded: 66 with frailty on two dates and advanced illness on two dates',
    EXCLUDED,
  ),
  c(
    'excluded-frailty-and-dementia-medication-age-66',
    'commercial',
    2025,
    'excluded: 66 with frailty on two dates and donepezil dispensed',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-and-advanced-illness-age-65',
    'commercial',
    2025,
    'not excluded: 65 with frailty and advanced illness',
    IN,
  ),
  // Numerator: a mammogram from Oct 1 two years before the MY through Dec 31 of the MY.
  c(
    'numerator-true-mammogram-oct-1-my-minus-2',
    'commercial',
    2025,
    'numerator: mammogram on Oct 1 2023, first day of the window',
    SCREENED,
  ),
  c(
    'numerator-false-mammogram-sep-30-my-minus-2',
    'commercial',
    2025,
    'not numerator: mammogram on Sep 30 2023, one day before the window',
    IN,
  ),
  c(
    'numerator-true-mammogram-dec-31-my',
    'commercial',
    2025,
    'numerator: breast tomosynthesis on Dec 31 of the MY',
    SCREENED,
  ),
  c(
    'numerator-false-mammogram-jan-1-after-my',
    'commercial',
    2025,
    'not numerator: mammogram on Jan 1 after the MY',
    IN,
  ),
  c(
    'numerator-true-mammogram-loinc-observation',
    'commercial',
    2025,
    'numerator: an EHR mammography result (LOINC 24606-6)',
    SCREENED,
  ),
  c('numerator-false-no-mammogram', 'commercial', 2025, 'not numerator: no mammogram', IN),
  c(
    'numerator-true-my2024-mammogram-oct-1-2022',
    'commercial',
    2024,
    'numerator in 2024: mammogram on Oct 1 2022',
    SCREENED_2024,
  ),
  c(
    'numerator-false-my2024-mammogram-sep-30-2022',
    'commercial',
    2024,
    'not numerator in 2024: mammogram on Sep 30 2022',
    IN_2024,
  ),
];

describe('BCS-E boundary members against the shipped packs', () => {
  for (const { file, productLine, year, says, expected } of CASES) {
    it(`${file} as ${productLine} ${year}: ${says}`, () => {
      expectPopulations(evaluate(file, productLine, year).outcome, expected);
    });
  }

  it('every fixture in fixtures/members/bcs-e/ is a valid member record and has a case above', () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const file of files) expect(() => loadMember(file), file).not.toThrow();
    const named = new Set(CASES.map((k) => `${k.file}.json`));
    expect(files.filter((f) => !named.has(f))).toEqual([]);
    expect([...named].filter((f) => !files.includes(f))).toEqual([]);
  });
});

describe('bcs-e-correct.ts gives the expected outcome for every boundary member', () => {
  for (const { file, productLine, year, expected } of CASES) {
    it(`${file} as ${productLine} ${year}`, () => {
      const outcome = correctImplementation(
        { measure: 'BCS-E', year, productLine },
        loadMember(`${file}.json`),
      ) as Outcome;
      expectPopulations(outcome, expected);
    });
  }
});

describe('BCS-E explanations of the boundary members', () => {
  it('the age evidence shows the MY2025 range 42-74 and the MY2024 range 52-74', () => {
    const file = 'ip-false-my2024-ip-true-my2025-age-45-then-46';
    expect(evidenceOf(evaluate(file, 'commercial', 2024).trace, 'bcs-e-age', 'age')).toMatchObject({
      asOf: '2024-12-31',
      age: 45,
      min: 52,
      max: 74,
    });
    expect(evidenceOf(evaluate(file, 'commercial', 2025).trace, 'bcs-e-age', 'age')).toMatchObject({
      asOf: '2025-12-31',
      age: 46,
      min: 42,
      max: 74,
    });
    expect(describeClause(findClause(evaluate(file, 'commercial', 2024).trace, 'bcs-e-age'))).toBe(
      'age 45 on 2024-12-31 (born 1979-06-15); needs 52-74',
    );
  });

  it('the MY2025 age clause carries the assumption about the eCQM conflict', () => {
    const age = findClause(
      evaluate('ip-true-age-42-born-1983-12-31', 'commercial').trace,
      'bcs-e-age',
    );
    expect(age.assumption).toContain('CMS125v13');
  });

  it('the enrollment evidence shows the one-day gap in the no-gap Oct-Dec period', () => {
    const { trace } = evaluate('ip-false-enrolled-from-oct-2-my-minus-2', 'commercial');
    const evidence = evidenceOf(trace, 'bcs-e-continuous-enrollment', 'enrollment');
    expect(evidence.segments[0]).toMatchObject({
      from: '2023-10-01',
      to: '2023-12-31',
      allowance: { gaps: 0 },
      gaps: [{ start: '2023-10-01', end: '2023-10-01', days: 1 }],
      ok: false,
      reason: '1 gaps; at most 0 allowed',
    });
    expect(evidence.segments.slice(1).map((s) => s.ok)).toEqual([true, true]);
  });

  it('the mastectomy evidence names the LT and RT claims that make both sides', () => {
    const { trace } = evaluate('excluded-unilateral-lt-and-rt-on-different-dates', 'commercial');
    expect(findClause(trace, 'bcs-e-left-and-right-mastectomy').result).toBe(true);
    expect(
      evidenceOf(trace, 'bcs-e-unilateral-mastectomy-modifier-lt', 'event').matches,
    ).toMatchObject([{ id: 'C1', date: '2015-03-02', modifiers: ['LT'] }]);
    expect(
      evidenceOf(trace, 'bcs-e-unilateral-mastectomy-modifier-rt', 'event').matches,
    ).toMatchObject([{ id: 'C2', date: '2021-11-30', code: 'Z90.10', modifiers: ['RT'] }]);
  });

  it('a unilateral code without a modifier is shown as a near miss for its modifier', () => {
    const { trace } = evaluate('not-excluded-unilateral-mastectomy-no-modifier', 'commercial');
    expect(
      evidenceOf(trace, 'bcs-e-unilateral-mastectomy-modifier-50', 'event').nearMisses,
    ).toMatchObject([{ id: 'C1', reason: 'modifier' }]);
  });

  it('a mammogram one day before the window is shown as a near miss', () => {
    const { trace } = evaluate('numerator-false-mammogram-sep-30-my-minus-2', 'commercial');
    const evidence = evidenceOf(trace, 'bcs-e-mammogram', 'event');
    expect(evidence.window).toEqual({ from: '2023-10-01', to: '2025-12-31' });
    expect(evidence.matches).toEqual([]);
    expect(evidence.nearMisses).toMatchObject([{ date: '2023-09-30', reason: 'before-window' }]);
  });

  it('the I-SNP exclusion does not apply to commercial, and the trace says why', () => {
    const { trace } = evaluate('excluded-isnp-66-medicare-not-commercial', 'commercial');
    expect(findClause(trace, 'isnp-lti-66-plus')).toMatchObject({
      result: false,
      applicable: false,
      evidence: { kind: 'scope', productLine: 'commercial', appliesTo: ['medicare'] },
    });
  });
});
