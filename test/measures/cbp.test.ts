// CBP (Controlling High Blood Pressure): the boundary members in fixtures/members/cbp/ against the
// shipped 2024 and 2025 packs. Each fixture's name states the outcome it expects; the table below
// says it once more, with the product line and year. Most members are 60, commercial, enrolled
// through 2025, with hypertension on 2024-03-12 (office visit) and 2024-09-20 (telephone visit).
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

const FIXTURES = new URL('../../fixtures/members/cbp/', import.meta.url);

function loadMember(file: string): Member {
  const result = readMemberFile(fileURLToPath(new URL(file, FIXTURES)), { strict: true });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

const cbp = (year: number): CompiledMeasure => shippedMeasure(year, 'CBP');

function evaluate(file: string, productLine: ProductLine, year = 2025): Evaluation {
  return evaluateMeasure(
    cbp(year),
    { measure: 'CBP', year, productLine },
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
const CONTROLLED: ExpectedPopulations = {
  initialPopulation: true,
  denominator: true,
  denominatorExclusion: false,
  numerator: true,
  stratum: undefined,
};
const NOT_CONTROLLED: ExpectedPopulations = { ...CONTROLLED, numerator: false };
const EXCLUDED: ExpectedPopulations = {
  ...CONTROLLED,
  denominatorExclusion: true,
  numerator: false,
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
  // Age on Dec 31 of the measurement year: 18-85.
  c('ip-true-age-18-born-2007-12-31', 'commercial', 'in the population: 18 on Dec 31', CONTROLLED),
  c('ip-false-age-17-born-2008-01-01', 'commercial', 'not in the population: 17 on Dec 31', OUT),
  c('ip-true-age-85-born-1940-01-01', 'commercial', 'in the population: 85 on Dec 31', CONTROLLED),
  c('ip-false-age-86-born-1939-12-31', 'commercial', 'not in the population: 86 on Dec 31', OUT),

  // Hypertension: outpatient or telehealth claims on two different dates, Jan 1 MY-1..Jun 30 MY.
  c(
    'ip-false-two-hypertension-claims-on-one-date',
    'commercial',
    'not in the population: two hypertension visits on the same date',
    OUT,
  ),
  c(
    'ip-true-second-hypertension-date-jun-30',
    'commercial',
    'in the population: the second hypertension date is Jun 30 of the MY',
    CONTROLLED,
  ),
  c(
    'ip-false-second-hypertension-date-jul-1',
    'commercial',
    'not in the population: the second hypertension date is Jul 1 of the MY',
    OUT,
  ),
  c(
    'ip-true-first-hypertension-date-jan-1-prior-year',
    'commercial',
    'in the population: the first hypertension date is Jan 1 of the prior year',
    CONTROLLED,
  ),
  c(
    'ip-false-first-hypertension-date-dec-31-two-years-before',
    'commercial',
    'not in the population: the first hypertension date is Dec 31 two years before',
    OUT,
  ),
  c(
    'ip-false-second-hypertension-diagnosis-on-ed-claim',
    'commercial',
    'not in the population: the second hypertension diagnosis is on an ED claim',
    OUT,
  ),
  c(
    'ip-false-hypertension-visit-without-diagnosis-code',
    'commercial',
    'not in the population: the second office visit has no hypertension diagnosis',
    OUT,
  ),
  c(
    'ip-true-two-telehealth-visits-snomed-diagnosis',
    'commercial',
    'in the population: two virtual visits with a SNOMED CT essential hypertension code',
    CONTROLLED,
  ),

  // Continuous enrollment: the MY only, one gap of up to 45 days (Medicaid: one month), Dec 31.
  c(
    'ip-true-not-enrolled-prior-year',
    'commercial',
    'in the population: enrollment in the prior year is not needed (diagnoses then still count)',
    CONTROLLED,
  ),
  c('ip-true-gap-45-days', 'commercial', 'in the population: one gap of 45 days', CONTROLLED),
  c('ip-false-gap-46-days', 'commercial', 'not in the population: one gap of 46 days', OUT),
  c(
    'ip-false-not-enrolled-dec-31',
    'commercial',
    'not in the population: enrollment ends Dec 30',
    OUT,
  ),
  c(
    'ip-true-medicaid-gap-apr-1-to-apr-30',
    'medicaid',
    'in the Medicaid population: a one-month gap (Apr 1-Apr 30)',
    CONTROLLED,
  ),
  c(
    'ip-false-medicaid-gap-apr-1-to-may-10',
    'medicaid',
    'not in the Medicaid population: a 40-day gap is longer than one month',
    OUT,
  ),

  // Exclusions.
  c('excluded-hospice-status', 'commercial', 'excluded: hospice from Nov 1', EXCLUDED),
  c(
    'not-excluded-hospice-status-ended-dec-31-prior-year',
    'commercial',
    'not excluded: hospice ended Dec 31 of the prior year',
    CONTROLLED,
  ),
  c('excluded-death-in-my', 'commercial', 'excluded: died Dec 31 of the MY', EXCLUDED),
  c('excluded-palliative-care-z51-5', 'commercial', 'excluded: palliative care Z51.5', EXCLUDED),
  c(
    'excluded-esrd-n18-6-in-2019',
    'commercial',
    'excluded: ESRD diagnosed in 2019 (any time through Dec 31)',
    EXCLUDED,
  ),
  c('excluded-dialysis-dec-31', 'commercial', 'excluded: dialysis on Dec 31 of the MY', EXCLUDED),
  c(
    'not-excluded-dialysis-jan-1-next-year',
    'commercial',
    'not excluded: dialysis on Jan 1 after the MY',
    CONTROLLED,
  ),
  c(
    'excluded-kidney-transplant-icd10pcs-2022',
    'commercial',
    'excluded: kidney transplant (ICD-10-PCS) in 2022',
    EXCLUDED,
  ),
  c('excluded-nephrectomy-cpt-50220', 'commercial', 'excluded: nephrectomy in the MY', EXCLUDED),
  c(
    'excluded-pregnancy-z33-1-in-my',
    'commercial',
    'excluded: pregnancy diagnosis on Jan 1 of the MY',
    EXCLUDED,
  ),
  c(
    'not-excluded-pregnancy-dec-31-prior-year',
    'commercial',
    'not excluded: pregnancy diagnosis on Dec 31 of the prior year',
    CONTROLLED,
  ),
  c(
    'excluded-nonacute-inpatient-admission-dec-31',
    'commercial',
    'excluded: nonacute inpatient stay admitted Dec 31 of the MY',
    EXCLUDED,
  ),
  c(
    'not-excluded-nonacute-inpatient-admitted-dec-31-prior-year',
    'commercial',
    'not excluded: nonacute stay admitted Dec 31 of the prior year, running into the MY',
    CONTROLLED,
  ),
  c(
    'not-excluded-acute-inpatient-admission',
    'commercial',
    'not excluded: an acute inpatient stay is not a nonacute admission',
    CONTROLLED,
  ),
  c(
    'excluded-isnp-66-medicare',
    'medicare',
    'excluded for Medicare: I-SNP and 66 on Dec 31',
    EXCLUDED,
  ),
  c(
    'not-excluded-isnp-66-commercial',
    'commercial',
    'not excluded for commercial: the I-SNP exclusion is Medicare only',
    CONTROLLED,
  ),
  c(
    'not-excluded-isnp-65-medicare',
    'medicare',
    'not excluded: I-SNP but 65 on Dec 31',
    CONTROLLED,
  ),
  c(
    'excluded-lti-66-medicare',
    'medicare',
    'excluded for Medicare: long-term institutional status in June, 66',
    EXCLUDED,
  ),
  c(
    'excluded-frailty-advanced-illness-age-66',
    'commercial',
    'excluded: 66 with frailty on two dates and advanced illness on two dates',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-advanced-illness-age-65',
    'commercial',
    'not excluded: frailty and advanced illness, but 65',
    CONTROLLED,
  ),
  c(
    'excluded-frailty-dementia-medication-age-80-medicaid',
    'medicaid',
    'excluded for Medicaid: 80 with frailty and a dementia medication in the prior year',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-without-advanced-illness-age-80',
    'commercial',
    'not excluded: 80 with frailty alone (66-80 needs advanced illness too)',
    CONTROLLED,
  ),
  c('excluded-frailty-alone-age-81', 'commercial', 'excluded: 81 with frailty alone', EXCLUDED),
  c(
    'excluded-frailty-alone-age-81-medicare',
    'medicare',
    'excluded for Medicare: 81 with frailty alone',
    EXCLUDED,
  ),
  c(
    'not-excluded-frailty-one-date-age-81',
    'commercial',
    'not excluded: 81 with frailty on one date only (two claims that day)',
    CONTROLLED,
  ),
  c(
    'not-excluded-frailty-second-date-lab-claim-age-81',
    'commercial',
    'not excluded: 81, the second frailty date is a lab claim',
    CONTROLLED,
  ),

  // Numerator: the most recent reading in the MY, on or after the second diagnosis.
  c(
    'numerator-true-systolic-139-diastolic-89',
    'commercial',
    'numerator: 139/89 is controlled',
    CONTROLLED,
  ),
  c('numerator-false-systolic-140', 'commercial', 'not numerator: systolic 140', NOT_CONTROLLED),

  // CPT II result codes on claims are readings with their HEDIS meaning, beside observations.
  c(
    'numerator-true-cpt-ii-3075f-3079f-only',
    'commercial',
    'numerator: the only reading is CPT II 3075F (130-139) and 3079F (80-89) on a claim',
    CONTROLLED,
  ),
  c(
    'numerator-false-cpt-ii-3077f-3078f-only',
    'commercial',
    'not numerator: the only reading is CPT II 3077F (>= 140) and 3078F (< 80)',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-true-cpt-ii-3077f-and-systolic-128-same-day',
    'commercial',
    'numerator: the lowest systolic of the day is an observed 128, below the 3077F range',
    CONTROLLED,
  ),
  c(
    'numerator-false-cpt-ii-systolic-only-after-controlled-reading',
    'commercial',
    'not numerator: the most recent date has only a systolic CPT II code (incomplete)',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-false-cpt-ii-on-ed-claim-ignored-outpatient-uncontrolled',
    'commercial',
    'not numerator: CPT II codes on a later ED claim do not count; the outpatient 150/78 does',
    NOT_CONTROLLED,
  ),
  c('numerator-false-diastolic-90', 'commercial', 'not numerator: diastolic 90', NOT_CONTROLLED),
  c(
    'numerator-true-most-recent-controlled-earlier-uncontrolled',
    'commercial',
    'numerator: the most recent reading is controlled, an earlier one was not',
    CONTROLLED,
  ),
  c(
    'numerator-false-most-recent-uncontrolled-earlier-controlled',
    'commercial',
    'not numerator: the most recent reading is high, an earlier one was controlled',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-true-lowest-of-two-readings-same-day',
    'commercial',
    'numerator: the lower of two readings on the most recent day counts',
    CONTROLLED,
  ),
  c(
    'numerator-true-lowest-systolic-and-diastolic-from-different-readings',
    'commercial',
    'numerator: lowest systolic and lowest diastolic come from different readings (150/80, 130/95)',
    CONTROLLED,
  ),
  c(
    'numerator-false-lowest-systolic-still-140',
    'commercial',
    'not numerator: the lowest systolic of the day is 140',
    NOT_CONTROLLED,
  ),
  c('numerator-false-no-reading', 'commercial', 'not numerator: no reading', NOT_CONTROLLED),
  c(
    'numerator-false-most-recent-date-missing-diastolic',
    'commercial',
    'not numerator: the most recent date has a systolic but no diastolic',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-false-most-recent-diastolic-without-value',
    'commercial',
    'not numerator: the most recent diastolic has no value',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-true-ed-reading-ignored-outpatient-controlled',
    'commercial',
    'numerator: a later high ED reading does not count',
    CONTROLLED,
  ),
  c(
    'numerator-false-ed-reading-ignored-outpatient-uncontrolled',
    'commercial',
    'not numerator: a later controlled ED reading does not count',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-false-only-reading-in-acute-inpatient-stay',
    'commercial',
    'not numerator: the only reading was taken in an acute inpatient stay',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-true-reading-without-setting-member-reported',
    'commercial',
    'numerator: a member-reported reading (no setting) is the most recent',
    CONTROLLED,
  ),
  c(
    'numerator-true-reading-telehealth-dec-31',
    'commercial',
    'numerator: a telehealth reading on Dec 31 of the MY',
    CONTROLLED,
  ),
  c(
    'numerator-false-only-reading-dec-31-prior-year',
    'commercial',
    'not numerator: the only reading is on Dec 31 of the prior year',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-true-reading-jan-1',
    'commercial',
    'numerator: a controlled reading on Jan 1 of the MY',
    CONTROLLED,
  ),
  c(
    'numerator-false-only-reading-before-second-diagnosis',
    'commercial',
    'not numerator: the only reading is the day before the second diagnosis',
    NOT_CONTROLLED,
  ),
  c(
    'numerator-true-reading-on-second-diagnosis-date',
    'commercial',
    'numerator: a controlled reading on the date of the second diagnosis',
    CONTROLLED,
  ),
  c(
    'numerator-false-controlled-reading-before-second-diagnosis-later-uncontrolled',
    'commercial',
    'not numerator: controlled before the second diagnosis, high after it',
    NOT_CONTROLLED,
  ),
  c('numerator-true-medicare', 'medicare', 'numerator for Medicare: 136/70', CONTROLLED),

  // The two measurement years: the same rules, windows relative to each MY.
  c(
    'numerator-true-2024-false-2025-reading-only-in-2024',
    'commercial',
    'numerator in MY2024: the reading of Nov 2024 is in the MY',
    CONTROLLED,
    2024,
  ),
  c(
    'numerator-true-2024-false-2025-reading-only-in-2024',
    'commercial',
    'not numerator in MY2025: no reading in 2025',
    NOT_CONTROLLED,
  ),
  c(
    'ip-false-2024-true-2025-second-diagnosis-jul-1-2024',
    'commercial',
    'not in the MY2024 population: Jul 1 2024 is after Jun 30 of the MY',
    OUT,
    2024,
  ),
  c(
    'ip-false-2024-true-2025-second-diagnosis-jul-1-2024',
    'commercial',
    'in the MY2025 population: both 2024 dates are in the window',
    CONTROLLED,
  ),
  c(
    'ip-true-2024-false-2025-first-diagnosis-dec-31-2023',
    'commercial',
    'in the MY2024 population: Dec 31 2023 is in the prior year',
    CONTROLLED,
    2024,
  ),
  c(
    'ip-true-2024-false-2025-first-diagnosis-dec-31-2023',
    'commercial',
    'not in the MY2025 population: Dec 31 2023 is two years before',
    OUT,
  ),
];

describe('CBP boundary members against the shipped packs', () => {
  for (const { file, productLine, year, says, expected } of CASES) {
    it(`${file} as ${productLine} ${year}: ${says}`, () => {
      expectPopulations(evaluate(file, productLine, year).outcome, expected);
    });
  }

  it('every member fixture is a valid member record in strict mode, and has a case above', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => loadMember(file), file).not.toThrow();
    const tested = new Set(CASES.map((k) => `${k.file}.json`));
    expect(files.filter((f) => !tested.has(f))).toEqual([]);
  });
});

describe('CBP explanations of the boundary members', () => {
  it('the reading evidence shows the most recent date and the lowest value of each kind', () => {
    const { trace } = evaluate(
      'numerator-true-lowest-systolic-and-diastolic-from-different-readings',
      'commercial',
    );
    const reading = evidenceOf(trace, 'cbp-bp-controlled', 'reading');
    expect(reading.date).toBe('2025-11-20');
    expect(reading.after).toEqual({
      clause: 'cbp-hypertension-diagnosis',
      occurrence: 2,
      date: '2024-09-20',
    });
    expect(reading.tests).toEqual([
      {
        valueSet: 'Systolic Blood Pressure',
        comparator: 'below',
        threshold: 140,
        value: 130,
        passed: true,
      },
      {
        valueSet: 'Diastolic Blood Pressure',
        comparator: 'below',
        threshold: 90,
        value: 80,
        passed: true,
      },
    ]);
    expect(describeClause(findClause(trace, 'cbp-bp-controlled'))).toContain(
      'Systolic Blood Pressure 130 < 140: yes; Diastolic Blood Pressure 80 < 90: yes',
    );
  });

  it('a systolic of 140 fails its test, shown with the value and the threshold', () => {
    const { trace } = evaluate('numerator-false-systolic-140', 'commercial');
    const tests = evidenceOf(trace, 'cbp-bp-controlled', 'reading').tests;
    expect(tests.map((t) => [t.valueSet, t.value, t.passed])).toEqual([
      ['Systolic Blood Pressure', 140, false],
      ['Diastolic Blood Pressure', 80, true],
    ]);
  });

  it('an incomplete most recent reading shows the missing diastolic', () => {
    const { trace } = evaluate('numerator-false-most-recent-date-missing-diastolic', 'commercial');
    const reading = evidenceOf(trace, 'cbp-bp-controlled', 'reading');
    expect(reading.date).toBe('2025-11-20');
    const diastolic = reading.tests.find((t) => t.valueSet === 'Diastolic Blood Pressure');
    expect(diastolic).toMatchObject({ passed: false });
    expect(diastolic?.value).toBeUndefined();
  });

  it('an ED reading is a near miss because of its setting', () => {
    const { trace } = evaluate(
      'numerator-true-ed-reading-ignored-outpatient-controlled',
      'commercial',
    );
    const reading = evidenceOf(trace, 'cbp-bp-controlled', 'reading');
    expect(reading.date).toBe('2025-10-01');
    expect(reading.nearMisses.map((m) => [m.date, m.setting, m.reason])).toContainEqual([
      '2025-12-05',
      'ed',
      'setting',
    ]);
  });

  it('a reading before the second diagnosis is a near miss before the anchor date', () => {
    const { trace } = evaluate(
      'numerator-false-only-reading-before-second-diagnosis',
      'commercial',
    );
    const reading = evidenceOf(trace, 'cbp-bp-controlled', 'reading');
    expect(reading.after?.date).toBe('2025-05-01');
    expect(reading.date).toBeUndefined();
    expect(reading.nearMisses.map((m) => [m.date, m.reason])).toContainEqual([
      '2025-04-30',
      'before-anchor',
    ]);
  });

  it('a hypertension visit on Jul 1 is a near miss after the window', () => {
    const { trace } = evaluate('ip-false-second-hypertension-date-jul-1', 'commercial');
    const event = evidenceOf(trace, 'cbp-hypertension-diagnosis', 'event');
    expect(event).toMatchObject({
      window: { from: '2024-01-01', to: '2025-06-30' },
      distinctDates: 1,
      needed: 2,
    });
    expect(event.nearMisses.map((m) => [m.date, m.reason])).toEqual([
      ['2025-07-01', 'after-window'],
    ]);
  });

  it('a nonacute inpatient stay is matched by its setting alone', () => {
    const { trace } = evaluate('excluded-nonacute-inpatient-admission-dec-31', 'commercial');
    const event = evidenceOf(trace, 'cbp-nonacute-inpatient-admission', 'event');
    expect(event.matches.map((m) => [m.id, m.date, m.setting])).toEqual([
      ['C3', '2025-12-31', 'inpatient-nonacute'],
    ]);
  });

  it('the I-SNP exclusion does not apply to a commercial member', () => {
    const { trace } = evaluate('not-excluded-isnp-66-commercial', 'commercial');
    expect(findClause(trace, 'isnp-lti-66-plus')).toMatchObject({
      applicable: false,
      result: false,
    });
  });
});
