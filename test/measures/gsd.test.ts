// GSD (Glycemic Status Assessment for Patients with Diabetes): the boundary members in
// fixtures/members/gsd/ against the shipped 2024 and 2025 packs. Each fixture's name states the
// outcome it expects; the table below says it once more, with the product line and year.
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
import { evidenceOf, findClause } from '../support/traceQuery.ts';
import { shippedMeasure } from '../support/shippedPacks.ts';

const FIXTURES = new URL('../../fixtures/members/gsd/', import.meta.url);

function loadMember(file: string): Member {
  const result = readMemberFile(fileURLToPath(new URL(file, FIXTURES)), { strict: true });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

const gsd = (year: number): CompiledMeasure => shippedMeasure(year, 'GSD');

function evaluate(file: string, productLine: ProductLine, year = 2025): Evaluation {
  return evaluateMeasure(
    gsd(year),
    { measure: 'GSD', year, productLine },
    loadMember(`${file}.json`),
  );
}

const OUT: ExpectedPopulations = {
  initialPopulation: false,
  denominator: false,
  denominatorExclusion: false,
  numerator: { 'below-8': false, 'above-9': false },
  stratum: undefined,
};
/** In the denominator, not excluded, with the two rates as given. */
const IN = (below8: boolean, above9: boolean): ExpectedPopulations => ({
  initialPopulation: true,
  denominator: true,
  denominatorExclusion: false,
  numerator: { 'below-8': below8, 'above-9': above9 },
  stratum: undefined,
});
/** Most recent result < 8.0 (most members' HbA1c is 7.2 on 2025-09-15). */
const BELOW_8 = IN(true, false);
/** Most recent result > 9.0, missing, or no test. */
const ABOVE_9 = IN(false, true);
/** Most recent result 8.0-9.0: in neither rate. */
const BETWEEN = IN(false, false);
const EXCLUDED: ExpectedPopulations = {
  initialPopulation: true,
  denominator: true,
  denominatorExclusion: true,
  numerator: { 'below-8': false, 'above-9': false },
  stratum: undefined,
};

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
  says: string,
  expected: ExpectedPopulations,
  year = 2025,
): BoundaryCase => ({ file, productLine, year, says, expected });

const CASES: readonly BoundaryCase[] = [
  // Age 18-75 on Dec 31 of the measurement year.
  c('ip-false-age-17-born-2008-01-01', 'commercial', 'not in the population: 17 on Dec 31', OUT),
  c(
    'ip-true-age-18-born-2007-12-31',
    'commercial',
    'in the population: turns 18 on Dec 31 itself',
    BELOW_8,
  ),
  c('ip-true-age-75-born-1950-01-01', 'commercial', 'in the population: 75 on Dec 31', BELOW_8),
  c('ip-false-age-76-born-1949-12-31', 'commercial', 'not in the population: 76 on Dec 31', OUT),
  c(
    'ip-false-age-76-born-feb-29-1948-my2024',
    'commercial',
    'not in the 2024 population: Feb 29 birthday, 76 on Dec 31 2024',
    OUT,
    2024,
  ),
  c(
    'ip-true-age-75-born-mar-1-1949-my2024',
    'commercial',
    'in the 2024 population: 75 on Dec 31 2024',
    BELOW_8,
    2024,
  ),

  // Continuous enrollment in the measurement year only: one gap of up to 45 days (Medicaid: one
  // calendar month), enrolled in the requested product line on Dec 31.
  c('ip-true-gap-45-days', 'commercial', 'in the population: one gap of exactly 45 days', BELOW_8),
  c('ip-false-gap-46-days', 'commercial', 'not in the population: one gap of 46 days', OUT),
  c('ip-false-two-gaps-in-the-my', 'commercial', 'not in the population: two short gaps', OUT),
  c('ip-false-not-enrolled-dec-31', 'commercial', 'not in the population: ends Dec 30', OUT),
  c(
    'ip-false-commercial-enrolled-medicaid-on-dec-31',
    'commercial',
    'not in the commercial population: enrolled in Medicaid on Dec 31',
    OUT,
  ),
  c(
    'ip-false-commercial-enrolled-medicaid-on-dec-31',
    'medicaid',
    'in the Medicaid population: the commercial months count toward continuity',
    BELOW_8,
  ),
  c(
    'ip-true-not-enrolled-in-the-prior-year',
    'commercial',
    'in the population: only the MY needs enrollment (a prior-year diagnosis still counts)',
    BELOW_8,
  ),
  c(
    'ip-true-medicaid-gap-apr-1-to-apr-30',
    'medicaid',
    'in the Medicaid population: a one-month gap',
    BELOW_8,
  ),
  c(
    'ip-false-medicaid-gap-apr-1-to-may-10',
    'medicaid',
    'not in the Medicaid population: a 40-day gap is more than one month',
    OUT,
  ),
  c(
    'ip-true-commercial-gap-apr-1-to-may-10',
    'commercial',
    'in the commercial population: the same 40-day gap is within 45 days',
    BELOW_8,
  ),

  // Diabetes by claims: two diagnoses on different dates in the MY or the year before, no lab claims.
  c('ip-false-one-diabetes-diagnosis', 'commercial', 'not in the population: one diagnosis', OUT),
  c(
    'ip-false-two-diagnoses-on-one-date',
    'commercial',
    'not in the population: two diagnoses on one date',
    OUT,
  ),
  c(
    'ip-false-second-diagnosis-on-a-lab-claim',
    'commercial',
    'not in the population: the second diagnosis is on a lab claim',
    OUT,
  ),
  c(
    'ip-true-diagnoses-jan-1-prior-year-and-dec-31',
    'commercial',
    'in the population: diagnoses on Jan 1 of the prior year (ED) and Dec 31 (inpatient)',
    BELOW_8,
  ),
  c(
    'ip-false-diagnosis-dec-31-two-years-before',
    'commercial',
    'not in the population: one diagnosis falls on Dec 31 two years before the MY',
    OUT,
  ),
  c(
    'ip-false-diagnosis-code-outside-value-set-e16-2',
    'commercial',
    'not in the population: E16.2 (hypoglycemia) is not a diabetes diagnosis',
    OUT,
  ),

  // Diabetes by pharmacy: a diabetes medication plus one diagnosis, MY or the year before.
  c(
    'ip-true-pharmacy-metformin-and-one-diagnosis',
    'commercial',
    'in the population: metformin and one diagnosis',
    BELOW_8,
  ),
  c(
    'ip-true-pharmacy-insulin-glargine-jan-1-prior-year',
    'commercial',
    'in the population: insulin glargine on Jan 1 of the prior year and a diagnosis on Dec 31',
    BELOW_8,
  ),
  c(
    'ip-false-pharmacy-metformin-without-diagnosis',
    'commercial',
    'not in the population: metformin without any diabetes diagnosis',
    OUT,
  ),
  c(
    'ip-false-pharmacy-only-diagnosis-on-a-lab-claim',
    'commercial',
    'not in the population: metformin, and the only diagnosis is on a lab claim',
    OUT,
  ),
  c(
    'ip-false-pharmacy-dispensed-dec-31-two-years-before',
    'commercial',
    'not in the population: glipizide dispensed on Dec 31 two years before the MY',
    OUT,
  ),
  c(
    'ip-false-pharmacy-atorvastatin-is-not-a-diabetes-drug',
    'commercial',
    'not in the population: atorvastatin is not a diabetes medication',
    OUT,
  ),

  // Exclusions: hospice, death, palliative care in the MY.
  c('excluded-hospice-status', 'commercial', 'excluded: hospice Nov-Dec of the MY', EXCLUDED),
  c('excluded-hospice-claim-g0182', 'commercial', 'excluded: hospice claim G0182', EXCLUDED),
  c(
    'not-excluded-hospice-ended-dec-31-last-year',
    'commercial',
    'not excluded: hospice ended Dec 31 of the prior year',
    BELOW_8,
  ),
  c('excluded-death-in-my', 'commercial', 'excluded: died Dec 31 of the MY', EXCLUDED),
  c(
    'not-excluded-death-jan-1-next-year',
    'commercial',
    'not excluded: died Jan 1 after the MY',
    BELOW_8,
  ),
  c('excluded-palliative-care-z51-5', 'commercial', 'excluded: palliative care Z51.5', EXCLUDED),
  c(
    'not-excluded-palliative-care-last-year',
    'commercial',
    'not excluded: palliative care on Dec 31 of the prior year',
    BELOW_8,
  ),
  c(
    'numerator-false-excluded-hospice-with-hba1c-7-0',
    'commercial',
    'excluded, so in neither rate despite an HbA1c of 7.0: hospice on Dec 31',
    EXCLUDED,
  ),

  // I-SNP / LTI: Medicare only, 66 and older.
  c('excluded-isnp-66-medicare', 'medicare', 'excluded for Medicare: I-SNP and 66', EXCLUDED),
  c(
    'not-excluded-isnp-66-commercial',
    'commercial',
    'not excluded for commercial: the I-SNP exclusion is Medicare only',
    BELOW_8,
  ),
  c(
    'not-excluded-isnp-age-65-medicare',
    'medicare',
    'not excluded: I-SNP but 65 on Dec 31',
    BELOW_8,
  ),
  c('excluded-lti-66-medicare', 'medicare', 'excluded for Medicare: LTI in January, 70', EXCLUDED),

  // Frailty + advanced illness: 66 and older, every product line.
  c(
    'excluded-frailty-two-dates-advanced-illness-two-dates-age-66',
    'commercial',
    'excluded: frailty on two dates and advanced illness on two dates, 66',
    EXCLUDED,
  ),
  c(
    'excluded-frailty-and-dementia-medication-medicaid',
    'medicaid',
    'excluded for Medicaid too: frailty on two dates and donepezil, 70',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-and-advanced-illness-age-65',
    'commercial',
    'not excluded: frailty and advanced illness, but 65',
    BELOW_8,
  ),
  c(
    'not-excluded-frailty-one-date-and-dementia-medication',
    'commercial',
    'not excluded: frailty on one date only',
    BELOW_8,
  ),
  c(
    'not-excluded-frailty-without-advanced-illness',
    'commercial',
    'not excluded: frailty on two dates without advanced illness',
    BELOW_8,
  ),

  // Rates: the most recent HbA1c or GMI in the MY; the lowest value on that date.
  c('numerator-below-8-hba1c-7-9', 'commercial', 'below-8: HbA1c 7.9', BELOW_8),
  c(
    'numerator-false-hba1c-8-0-is-not-below-8',
    'commercial',
    'neither rate: HbA1c 8.0 is not < 8.0',
    BETWEEN,
  ),
  c(
    'numerator-false-hba1c-9-0-is-not-above-9',
    'commercial',
    'neither rate: HbA1c 9.0 is not > 9.0',
    BETWEEN,
  ),
  c('numerator-above-9-hba1c-9-1', 'commercial', 'above-9: HbA1c 9.1', ABOVE_9),

  // CPT II result codes on claims are results with their HEDIS meaning, beside observations.
  c(
    'numerator-below-8-cpt-ii-3051f-only',
    'commercial',
    'below-8: the only result is CPT II 3051F (7.0 to under 8.0) on a claim',
    BELOW_8,
  ),
  c(
    'numerator-false-cpt-ii-3052f-only-is-neither-rate',
    'commercial',
    'neither rate: the only result is CPT II 3052F (8.0 to 9.0)',
    BETWEEN,
  ),
  c(
    'numerator-above-9-cpt-ii-3046f-after-earlier-6-5',
    'commercial',
    'above-9: the most recent result is CPT II 3046F (> 9.0), after an earlier 6.5',
    ABOVE_9,
  ),
  c(
    'numerator-below-8-cpt-ii-3052f-and-hba1c-7-5-same-day',
    'commercial',
    'below-8: the lowest of the day is the observed 7.5, below the 3052F range',
    BELOW_8,
  ),
  c('numerator-above-9-no-test', 'commercial', 'above-9: no test in the MY', ABOVE_9),
  c(
    'numerator-above-9-most-recent-test-has-no-result',
    'commercial',
    'above-9, not below-8: the most recent test has no result (an earlier one was 6.5)',
    ABOVE_9,
  ),
  c(
    'numerator-below-8-most-recent-7-0-after-earlier-10-0',
    'commercial',
    'below-8: the most recent result (7.0) decides, not the first (10.0)',
    BELOW_8,
  ),
  c(
    'numerator-above-9-most-recent-9-5-after-earlier-6-5',
    'commercial',
    'above-9: the most recent result (9.5 on Dec 31) decides, not the first (6.5 on Jan 1)',
    ABOVE_9,
  ),
  c(
    'numerator-below-8-lowest-of-same-day-7-5-and-9-5',
    'commercial',
    'below-8: 7.5 and 9.5 on the most recent date, the lowest counts',
    BELOW_8,
  ),
  c(
    'numerator-above-9-lowest-of-same-day-9-2-and-9-8',
    'commercial',
    'above-9: 9.2 and 9.8 on the most recent date, the lowest is still > 9.0',
    ABOVE_9,
  ),
  c(
    'numerator-below-8-gmi-7-4',
    'commercial',
    'below-8: GMI 7.4 counts as glycemic status',
    BELOW_8,
  ),
  c(
    'numerator-below-8-gmi-7-4-my2024',
    'commercial',
    'below-8 in 2024: GMI is accepted from MY2024',
    BELOW_8,
    2024,
  ),
  c(
    'numerator-below-8-same-day-hba1c-9-6-and-gmi-7-6',
    'commercial',
    'below-8: HbA1c 9.6 and GMI 7.6 on one date, the lowest counts across both tests',
    BELOW_8,
  ),
  c(
    'numerator-false-same-day-8-5-and-a-test-without-result',
    'commercial',
    'neither rate: 8.5 and a test without a result on one date, the 8.5 counts',
    BETWEEN,
  ),
  c(
    'numerator-above-9-only-test-dec-31-prior-year',
    'commercial',
    'above-9: the only test (6.0) is on Dec 31 of the prior year',
    ABOVE_9,
  ),
  c(
    'numerator-above-9-later-7-0-on-jan-1-next-year-ignored',
    'commercial',
    'above-9: 9.4 in the MY; a 7.0 on Jan 1 after the MY does not count',
    ABOVE_9,
  ),
  c('numerator-below-8-test-jan-1-of-my', 'commercial', 'below-8: HbA1c 5.9 on Jan 1', BELOW_8),
  c(
    'numerator-above-9-glucose-loinc-2345-7-is-not-a-glycemic-status',
    'commercial',
    'above-9: a glucose result (LOINC 2345-7) is not an HbA1c or GMI',
    ABOVE_9,
  ),
  c('numerator-below-8-medicare-hba1c-6-1', 'medicare', 'below-8 for Medicare: HbA1c 6.1', BELOW_8),
];

describe('GSD boundary members against the shipped packs', () => {
  for (const { file, productLine, year, says, expected } of CASES) {
    it(`${file} as ${productLine} ${year}: ${says}`, () => {
      expectPopulations(evaluate(file, productLine, year).outcome, expected);
    });
  }

  it('every GSD member fixture is a valid member record in strict mode, and is used above', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => loadMember(file), file).not.toThrow();
    const used = new Set(CASES.map((k) => `${k.file}.json`));
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });
});

describe('GSD explanations of the boundary members', () => {
  it('the reading evidence shows both values of the most recent date and the lowest one used', () => {
    const { trace } = evaluate('numerator-below-8-lowest-of-same-day-7-5-and-9-5', 'commercial');
    const reading = evidenceOf(trace, 'gsd-below-8', 'reading');
    expect(reading.date).toBe('2025-11-03');
    expect(reading.readings.map((r) => r.value)).toEqual([7.5, 9.5]);
    expect(reading.tests).toMatchObject([{ comparator: 'below', threshold: 8, value: 7.5 }]);
    expect(describeClause(findClause(trace, 'gsd-below-8'))).toBe(
      'most recent reading 2025-11-03 (HbA1c Lab Test 7.5, HbA1c Lab Test 9.5); value 7.5 < 8: yes',
    );
  });

  it('a most recent test without a result is shown as missing and counts in above-9', () => {
    const { trace } = evaluate('numerator-above-9-most-recent-test-has-no-result', 'commercial');
    const above9 = evidenceOf(trace, 'gsd-above-9', 'reading');
    expect(above9.date).toBe('2025-10-01');
    expect(above9.tests).toEqual([{ comparator: 'above', threshold: 9, passed: true }]);
    expect(describeClause(findClause(trace, 'gsd-below-8'))).toContain('value missing < 8: no');
  });

  it('the same-day rule is stated as an assumption next to the rate', () => {
    const { trace } = evaluate('numerator-below-8-hba1c-7-9', 'commercial');
    expect(findClause(trace, 'gsd-below-8').assumption).toContain('the lowest counts');
    expect(findClause(trace, 'gsd-above-9').assumption).toContain('the lowest counts');
  });

  it('a diagnosis on a lab claim is a near miss of the claims method, for its setting', () => {
    const { trace } = evaluate('ip-false-second-diagnosis-on-a-lab-claim', 'commercial');
    const claims = evidenceOf(trace, 'gsd-diabetes-claims', 'event');
    expect(claims).toMatchObject({ distinctDates: 1, needed: 2 });
    expect(claims.nearMisses).toMatchObject([
      { record: 'claim', id: 'C2', date: '2025-05-12', reason: 'setting' },
    ]);
  });

  it('the I-SNP exclusion is shown as not applying to commercial members', () => {
    const { trace } = evaluate('not-excluded-isnp-66-commercial', 'commercial');
    const isnp = findClause(trace, 'isnp-lti-66-plus');
    expect({ result: isnp.result, applicable: isnp.applicable }).toEqual({
      result: false,
      applicable: false,
    });
    expect(describeClause(isnp)).toBe('does not apply to commercial (only medicare)');
  });

  it('the pharmacy method shows the medication and the one diagnosis', () => {
    const { trace } = evaluate('ip-true-pharmacy-metformin-and-one-diagnosis', 'commercial');
    expect(evidenceOf(trace, 'gsd-diabetes-medication', 'event').matches).toMatchObject([
      { record: 'dispensing', date: '2025-03-01', drug: 'metformin' },
    ]);
    expect(findClause(trace, 'gsd-diabetes-claims').result).toBe(false);
    expect(findClause(trace, 'gsd-diabetes-pharmacy').result).toBe(true);
  });
});
