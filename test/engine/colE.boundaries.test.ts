import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeClause } from '../../src/engine/explain.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Evaluation } from '../../src/engine/trace.ts';
import type { Member, ProductLine } from '../../src/model/member.ts';
import { readMemberFile } from '../../src/model/memberFile.ts';
import { formatProblem } from '../../src/model/problem.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { expectPopulations } from '../support/expectPopulations.ts';
import type { ExpectedPopulations } from '../support/expectPopulations.ts';
import { shippedMeasure } from '../support/shippedPacks.ts';
import { evidenceOf, findClause } from '../support/traceQuery.ts';

const FIXTURES = new URL('../../fixtures/members/', import.meta.url);

function loadMember(file: string): Member {
  const result = readMemberFile(fileURLToPath(new URL(file, FIXTURES)), { strict: true });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

const colE = (year: number): CompiledMeasure => shippedMeasure(year, 'COL-E');

function evaluate(file: string, productLine: ProductLine, year = 2025): Evaluation {
  return evaluateMeasure(
    colE(year),
    { measure: 'COL-E', year, productLine },
    loadMember(`${file}.json`),
  );
}

interface BoundaryCase {
  readonly file: string;
  readonly productLine: ProductLine;
  readonly year: number;
  /** The expected outcome in words; it is the test name. */
  readonly says: string;
  readonly expected: ExpectedPopulations;
}

const OUT: ExpectedPopulations = {
  initialPopulation: false,
  denominator: false,
  denominatorExclusion: false,
  numerator: false,
  stratum: undefined,
};
const IN_NOT_SCREENED: ExpectedPopulations = {
  initialPopulation: true,
  denominator: true,
  denominatorExclusion: false,
  numerator: false,
  stratum: '50-75',
};
const IN_SCREENED: ExpectedPopulations = { ...IN_NOT_SCREENED, numerator: true };
const EXCLUDED: ExpectedPopulations = {
  ...IN_NOT_SCREENED,
  denominatorExclusion: true,
  numerator: false,
};

const c = (
  file: string,
  productLine: ProductLine,
  says: string,
  expected: ExpectedPopulations,
  year = 2025,
): BoundaryCase => ({ file, productLine, year, says, expected });

const CASES: readonly BoundaryCase[] = [
  // Age on Dec 31 of the measurement year: 46-75.
  c('ip-false-age-45-born-1980-01-01', 'commercial', 'not in the population: 45 on Dec 31', OUT),
  c(
    'ip-true-age-46-born-1979-12-31',
    'commercial',
    'in the population, stratum 46-49: turns 46 on Dec 31 itself',
    { ...IN_NOT_SCREENED, stratum: '46-49' },
  ),
  c('ip-true-age-75-born-1950-01-01', 'commercial', 'in the population: 75 on Dec 31', {
    ...IN_NOT_SCREENED,
    stratum: '50-75',
  }),
  c('ip-false-age-76-born-1949-12-31', 'commercial', 'not in the population: 76 on Dec 31', OUT),
  c(
    'ip-false-age-45-born-feb-29-1980',
    'commercial',
    'not in the population: Feb 29 birthday, 45',
    OUT,
  ),
  c(
    'ip-false-age-76-born-feb-29-1948-my2024',
    'commercial',
    'not in the 2024 population: Feb 29 birthday, 76 on Dec 31 2024',
    OUT,
    2024,
  ),

  // Continuous enrollment: MY and the year before, one gap of up to 45 days a year (Medicaid: one
  // calendar month), enrolled in the requested product line on Dec 31.
  c(
    'ip-true-gap-45-days',
    'commercial',
    'in the population: one gap of exactly 45 days',
    IN_NOT_SCREENED,
  ),
  c('ip-false-gap-46-days', 'commercial', 'not in the population: one gap of 46 days', OUT),
  c(
    'ip-false-gap-46-days-in-prior-year',
    'commercial',
    'not in the population: a 46-day gap in the year before the MY',
    OUT,
  ),
  c(
    'ip-false-two-gaps-in-one-year',
    'commercial',
    'not in the population: two short gaps in the MY',
    OUT,
  ),
  c(
    'ip-true-medicaid-gap-apr-1-to-apr-30',
    'medicaid',
    'in the Medicaid population: a one-month gap (Apr 1-Apr 30)',
    IN_NOT_SCREENED,
  ),
  c(
    'ip-false-medicaid-gap-apr-1-to-may-10',
    'medicaid',
    'not in the Medicaid population: a 40-day gap that runs past one month (Apr 1-May 10)',
    OUT,
  ),
  c(
    'ip-true-commercial-gap-apr-1-to-may-10',
    'commercial',
    'in the commercial population: the same 40-day gap is within 45 days',
    IN_NOT_SCREENED,
  ),
  c(
    'ip-false-medicaid-two-month-lapse',
    'medicaid',
    'not in the Medicaid population: a two-month lapse (Apr-May)',
    OUT,
  ),
  c(
    'ip-true-medicaid-gap-jan-15-to-feb-14',
    'medicaid',
    'in the Medicaid population: a gap of one month from mid-month (Jan 15-Feb 14)',
    IN_NOT_SCREENED,
  ),
  c(
    'ip-true-medicaid-gap-jan-31-to-feb-28',
    'medicaid',
    'in the Medicaid population: a gap from Jan 31 through Feb 28 is one month (the pack assumption says so)',
    IN_NOT_SCREENED,
  ),
  c(
    'ip-false-medicaid-gap-feb-1-to-mar-3',
    'medicaid',
    'not in the Medicaid population: Feb 1-Mar 3 is more than one month',
    OUT,
  ),
  c(
    'ip-false-not-enrolled-dec-31',
    'commercial',
    'not in the population: not enrolled on Dec 31',
    OUT,
  ),
  c(
    'ip-false-commercial-enrolled-medicare-on-dec-31',
    'commercial',
    'not in the commercial population: enrolled in Medicare on Dec 31',
    OUT,
  ),
  c(
    'ip-false-commercial-enrolled-medicare-on-dec-31',
    'medicare',
    'in the Medicare population: commercial months count toward continuity',
    IN_NOT_SCREENED,
  ),

  // Numerator windows.
  c(
    'numerator-colonoscopy-first-day-of-window-medicare',
    'medicare',
    'numerator: colonoscopy on Jan 1 nine years before the MY',
    IN_SCREENED,
  ),
  c(
    'not-numerator-colonoscopy-dec-31-my-minus-10',
    'commercial',
    'not numerator: colonoscopy on Dec 31 ten years before the MY',
    IN_NOT_SCREENED,
  ),
  c(
    'numerator-sdna-fit-jan-1-my-minus-2',
    'commercial',
    'numerator: sDNA-FIT on Jan 1 two years before the MY',
    IN_SCREENED,
  ),
  c(
    'not-numerator-sdna-fit-dec-31-my-minus-3',
    'commercial',
    'not numerator: sDNA-FIT on Dec 31 three years before the MY',
    IN_NOT_SCREENED,
  ),
  c(
    'not-numerator-fobt-last-year',
    'commercial',
    'not numerator: FOBT on Dec 31 of last year',
    IN_NOT_SCREENED,
  ),
  c('numerator-fobt-this-year', 'commercial', 'numerator: FOBT on Jan 1 of the MY', IN_SCREENED),
  c(
    'numerator-fobt-lab-result-dec-31',
    'commercial',
    'numerator: FOBT lab result (LOINC observation) on Dec 31 of the MY',
    IN_SCREENED,
  ),

  // I-SNP / LTI: Medicare only, 66 and older.
  c(
    'excluded-isnp-66-medicare-not-commercial',
    'medicare',
    'excluded for Medicare: I-SNP and 66 on Dec 31',
    EXCLUDED,
  ),
  c(
    'excluded-isnp-66-medicare-not-commercial',
    'commercial',
    'not excluded for commercial: the I-SNP exclusion is Medicare only (and the screening counts)',
    IN_SCREENED,
  ),
  c(
    'not-excluded-isnp-age-65-medicare',
    'medicare',
    'not excluded: I-SNP but 65 on Dec 31',
    IN_NOT_SCREENED,
  ),
  c(
    'excluded-lti-66-medicare',
    'medicare',
    'excluded for Medicare: long-term institutional, 67',
    EXCLUDED,
  ),

  // Frailty + advanced illness: 66 and older, every product line.
  c(
    'not-excluded-frailty-two-dates-one-advanced-illness-date',
    'commercial',
    'not excluded: frailty on two dates but advanced illness on one date (two claims that day)',
    IN_NOT_SCREENED,
  ),
  c(
    'excluded-frailty-two-dates-advanced-illness-two-dates-age-66',
    'commercial',
    'excluded: frailty on two dates and advanced illness on two dates (one in the prior year), 66',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-second-date-lab-claim',
    'commercial',
    'not excluded: the second frailty date is a lab claim',
    IN_NOT_SCREENED,
  ),
  c(
    'excluded-frailty-and-dementia-medication',
    'commercial',
    'excluded: frailty on two dates and donepezil dispensed on Jan 1 of the prior year',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-age-65',
    'commercial',
    'not excluded: frailty and advanced illness, but 65 on Dec 31',
    IN_NOT_SCREENED,
  ),

  // Hospice, death, palliative care, colorectal cancer.
  c(
    'excluded-hospice-status',
    'commercial',
    'excluded, and so not numerator despite a colonoscopy: hospice from Dec 31',
    EXCLUDED,
  ),
  c(
    'not-excluded-hospice-ended-dec-31-last-year',
    'commercial',
    'not excluded: hospice ended Dec 31 of the prior year',
    IN_NOT_SCREENED,
  ),
  c('excluded-death-in-my', 'commercial', 'excluded: died Dec 31 of the MY', EXCLUDED),
  c(
    'excluded-palliative-care-z51-5',
    'commercial',
    'excluded: palliative care Z51.5 on Jan 1',
    EXCLUDED,
  ),
  c(
    'excluded-colorectal-cancer-before-my',
    'commercial',
    'excluded: colorectal cancer diagnosed years before the MY',
    EXCLUDED,
  ),
];

describe('COL-E boundary members against the shipped packs', () => {
  for (const { file, productLine, year, says, expected } of CASES) {
    it(`${file} as ${productLine} ${year}: ${says}`, () => {
      expectPopulations(evaluate(file, productLine, year).outcome, expected);
    });
  }

  it('every member fixture is a valid member record in strict mode', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => loadMember(file), file).not.toThrow();
  });
});

describe('COL-E explanations of the boundary members', () => {
  it('the age evidence shows the age on Dec 31 and the range it needs', () => {
    const { trace } = evaluate('ip-false-age-45-born-1980-01-01', 'commercial');
    expect(evidenceOf(trace, 'col-e-age', 'age')).toMatchObject({
      birthDate: '1980-01-01',
      asOf: '2025-12-31',
      age: 45,
      min: 46,
      max: 75,
    });
    expect(describeClause(findClause(trace, 'col-e-age'))).toBe(
      'age 45 on 2025-12-31 (born 1980-01-01); needs 46-75',
    );
  });

  it('a Feb 29 birthday is aged by calendar years in MY2024', () => {
    const { trace } = evaluate('ip-false-age-76-born-feb-29-1948-my2024', 'commercial', 2024);
    expect(evidenceOf(trace, 'col-e-age', 'age')).toMatchObject({ asOf: '2024-12-31', age: 76 });
  });

  it('the enrollment evidence reports the 46-day gap with its dates', () => {
    const { trace } = evaluate('ip-false-gap-46-days', 'commercial');
    const evidence = evidenceOf(trace, 'continuous-enrollment-my-and-prior', 'enrollment');
    const my = evidence.segments.find((s) => s.from === '2025-01-01');
    expect(my).toMatchObject({
      to: '2025-12-31',
      ok: false,
      gaps: [{ start: '2025-03-01', end: '2025-04-15', days: 46 }],
      reason: 'gap 2025-03-01..2025-04-15 is 46 days; at most 45 allowed',
    });
    expect(evidence.segments.find((s) => s.from === '2024-01-01')?.ok).toBe(true);
    expect(describeClause(findClause(trace, 'continuous-enrollment-my-and-prior'))).toContain(
      '2025-01-01..2025-12-31: gap 2025-03-01..2025-04-15 (46 days), FAILS (allowed: 1 gap of up to 45 days)',
    );
  });

  it('the 45-day gap is reported and allowed', () => {
    const { trace } = evaluate('ip-true-gap-45-days', 'commercial');
    const evidence = evidenceOf(trace, 'continuous-enrollment-my-and-prior', 'enrollment');
    expect(evidence.segments.find((s) => s.from === '2025-01-01')).toMatchObject({
      ok: true,
      gaps: [{ start: '2025-03-01', end: '2025-04-14', days: 45 }],
    });
  });

  it('two gaps in one year are reported as two gaps', () => {
    const { trace } = evaluate('ip-false-two-gaps-in-one-year', 'commercial');
    const evidence = evidenceOf(trace, 'continuous-enrollment-my-and-prior', 'enrollment');
    expect(evidence.segments.find((s) => s.from === '2025-01-01')).toMatchObject({
      ok: false,
      gaps: [
        { start: '2025-03-01', end: '2025-03-10', days: 10 },
        { start: '2025-08-01', end: '2025-08-10', days: 10 },
      ],
      reason: '2 gaps; at most 1 allowed',
    });
  });

  it('the Medicaid evidence judges the Apr 1-May 10 gap by calendar month', () => {
    const { trace } = evaluate('ip-false-medicaid-gap-apr-1-to-may-10', 'medicaid');
    const evidence = evidenceOf(trace, 'continuous-enrollment-my-and-prior', 'enrollment');
    expect(evidence.segments.find((s) => s.from === '2025-01-01')).toMatchObject({
      ok: false,
      allowance: { gaps: 1, maxMonths: 1 },
      gaps: [{ start: '2025-04-01', end: '2025-05-10', days: 40 }],
      reason: 'gap 2025-04-01..2025-05-10 is longer than 1 month(s)',
    });
  });

  it('the anchor evidence says the member was not enrolled on Dec 31', () => {
    const { trace } = evaluate('ip-false-not-enrolled-dec-31', 'commercial');
    const evidence = evidenceOf(trace, 'continuous-enrollment-my-and-prior', 'enrollment');
    expect(evidence.anchor).toEqual({ date: '2025-12-31', enrolled: false });
    expect(describeClause(findClause(trace, 'continuous-enrollment-my-and-prior'))).toContain(
      'not enrolled on 2025-12-31',
    );
  });

  it('the anchor evidence names the product line the member was in on Dec 31', () => {
    const { trace } = evaluate('ip-false-commercial-enrolled-medicare-on-dec-31', 'commercial');
    const evidence = evidenceOf(trace, 'continuous-enrollment-my-and-prior', 'enrollment');
    expect(evidence.anchor).toMatchObject({ enrolled: false, otherProductLine: 'medicare' });
    expect(describeClause(findClause(trace, 'continuous-enrollment-my-and-prior'))).toContain(
      'on 2025-12-31 enrolled in medicare, not commercial',
    );
  });

  it('a colonoscopy one day before the window is shown as a near miss', () => {
    const { trace } = evaluate('not-numerator-colonoscopy-dec-31-my-minus-10', 'commercial');
    const evidence = evidenceOf(trace, 'col-e-colonoscopy', 'event');
    expect(evidence.window).toEqual({ from: '2016-01-01', to: '2025-12-31' });
    expect(evidence.matches).toEqual([]);
    expect(evidence.nearMisses).toEqual([
      expect.objectContaining({ id: 'C1', date: '2015-12-31', reason: 'before-window' }),
    ]);
    expect(describeClause(findClause(trace, 'col-e-colonoscopy'))).toContain(
      'claim C1 2015-12-31 CPT 45378 (Colonoscopy), outpatient is before the window',
    );
  });

  it('the I-SNP exclusion is shown as not applying to commercial', () => {
    const { trace } = evaluate('excluded-isnp-66-medicare-not-commercial', 'commercial');
    const node = findClause(trace, 'isnp-lti-66-plus');
    expect(node).toMatchObject({ applicable: false, result: false });
    expect(describeClause(node)).toBe('does not apply to commercial (only medicare)');
  });

  it('advanced illness on one date is reported as 1 distinct date of the 2 needed', () => {
    const { trace } = evaluate(
      'not-excluded-frailty-two-dates-one-advanced-illness-date',
      'commercial',
    );
    expect(findClause(trace, 'frailty').result).toBe(true);
    expect(evidenceOf(trace, 'advanced-illness-diagnosis', 'event')).toMatchObject({
      distinctDates: 1,
      needed: 2,
    });
  });

  it('a lab frailty claim is shown as not counting in the lab setting', () => {
    const { trace } = evaluate('not-excluded-frailty-second-date-lab-claim', 'commercial');
    const evidence = evidenceOf(trace, 'frailty', 'event');
    expect(evidence).toMatchObject({ distinctDates: 1, needed: 2 });
    expect(evidence.nearMisses).toEqual([
      expect.objectContaining({ id: 'C2', date: '2025-05-05', reason: 'setting', setting: 'lab' }),
    ]);
  });

  it('the dementia medication is the advanced-illness evidence', () => {
    const { trace } = evaluate('excluded-frailty-and-dementia-medication', 'commercial');
    expect(evidenceOf(trace, 'dementia-medication', 'event').matches).toEqual([
      expect.objectContaining({ record: 'dispensing', date: '2024-01-01', drug: 'donepezil' }),
    ]);
  });
});
