// PDC-STA (statin adherence, proportion of days covered) boundary members against the shipped
// 2024 and 2025 packs. Each fixture under fixtures/members/pdc-sta/ is named by its expected
// outcome; the explanations a reviewer reads (index date, period, days covered) are asserted too.
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

const FIXTURES = new URL('../../fixtures/members/pdc-sta/', import.meta.url);

function loadMember(file: string): Member {
  const result = readMemberFile(fileURLToPath(new URL(file, FIXTURES)), { strict: true });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

const pdcSta = (year: number): CompiledMeasure => shippedMeasure(year, 'PDC-STA');

function evaluate(file: string, productLine: ProductLine = 'commercial', year = 2025): Evaluation {
  return evaluateMeasure(
    pdcSta(year),
    { measure: 'PDC-STA', year, productLine },
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
const NOT_ADHERENT: ExpectedPopulations = {
  initialPopulation: true,
  denominator: true,
  denominatorExclusion: false,
  numerator: false,
  stratum: undefined,
};
const ADHERENT: ExpectedPopulations = { ...NOT_ADHERENT, numerator: true };
const EXCLUDED: ExpectedPopulations = { ...NOT_ADHERENT, denominatorExclusion: true };

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
  // Age 18 or older on Jan 1 of the measurement year.
  c(
    'ip-true-age-18-on-jan-1-born-2007-01-01',
    'commercial',
    'in the population and adherent: 18 on Jan 1 2025',
    ADHERENT,
  ),
  c(
    'ip-false-age-17-on-jan-1-born-2007-01-02',
    'commercial',
    'not in the population: 17 on Jan 1 (18 by Dec 31 does not count)',
    OUT,
  ),
  c(
    'ip-true-age-18-on-jan-1-born-2006-01-01-my2024',
    'commercial',
    'in the 2024 population and adherent: 18 on Jan 1 2024',
    ADHERENT,
    2024,
  ),

  // Continuous pharmacy enrollment in the MY: one gap of up to 45 days (Medicaid: one month),
  // enrolled in the product line on Dec 31.
  c(
    'ip-true-pharmacy-gap-45-days-period-ends-feb-28',
    'commercial',
    'in the population: a 45-day pharmacy gap; adherent, since the period ends when the gap starts',
    ADHERENT,
  ),
  c('ip-false-pharmacy-gap-46-days', 'commercial', 'not in the population: a 46-day gap', OUT),
  c(
    'ip-false-medical-benefit-only-no-pharmacy',
    'commercial',
    'not in the population: enrolled all year without a pharmacy benefit',
    OUT,
  ),
  c(
    'ip-false-not-enrolled-dec-31',
    'commercial',
    'not in the population: pharmacy coverage ends Nov 30 (a 31-day gap, but no Dec 31 enrollment)',
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
    'in the Medicare population and adherent: the touching commercial and Medicare spans join',
    ADHERENT,
  ),
  c(
    'ip-true-medicaid-pharmacy-gap-apr-1-to-apr-30',
    'medicaid',
    'in the Medicaid population: a one-month gap (Apr 1-Apr 30); adherent up to the gap',
    ADHERENT,
  ),
  c(
    'ip-false-medicaid-pharmacy-gap-apr-1-to-may-10',
    'medicaid',
    'not in the Medicaid population: a 40-day gap is more than one month',
    OUT,
  ),
  c(
    'ip-true-commercial-pharmacy-gap-apr-1-to-may-10',
    'commercial',
    'in the commercial population: the same 40-day gap is within 45 days',
    ADHERENT,
  ),

  // Two or more statin fills on different dates in the MY.
  c(
    'ip-false-two-statins-on-one-day-only',
    'commercial',
    'not in the population: two statins dispensed on one date are one date',
    OUT,
  ),
  c(
    'ip-false-second-fill-ezetimibe-not-a-statin',
    'commercial',
    'not in the population: ezetimibe alone is not a statin',
    OUT,
  ),
  c(
    'ip-false-one-fill-in-my-one-in-prior-year',
    'commercial',
    'not in the population: the other fill is in the prior year',
    OUT,
  ),
  c(
    'ip-true-drug-names-in-upper-case',
    'commercial',
    'in the population and adherent: drug names match in any letter case',
    ADHERENT,
  ),
  c(
    'ip-true-combination-products-count-as-statins',
    'commercial',
    'in the population and adherent: amlodipine-atorvastatin and ezetimibe-simvastatin are statins',
    ADHERENT,
  ),
  c(
    'numerator-false-fills-without-a-drug-name-do-not-count',
    'commercial',
    'not adherent: two fills without a drug name do not cover any day',
    NOT_ADHERENT,
  ),

  // Index date (first fill in the MY) on or before Dec 31 - 91 days = Oct 1.
  c(
    'ip-true-index-oct-1-numerator-74-of-92-days',
    'commercial',
    'in the population (index Oct 1) and adherent: 74 of 92 days',
    ADHERENT,
  ),
  c(
    'numerator-false-index-oct-1-73-of-92-days',
    'commercial',
    'in the population (index Oct 1), not adherent: 73 of 92 days',
    NOT_ADHERENT,
  ),
  c(
    'ip-false-index-oct-2-90-days-before-dec-31',
    'commercial',
    'not in the population: index Oct 2 is only 90 days before Dec 31',
    OUT,
  ),
  c(
    'ip-false-index-oct-2-prior-year-fill-is-not-the-index',
    'commercial',
    'not in the population: a fill on Dec 1 of the prior year is not the index',
    OUT,
  ),
  c(
    'ip-true-index-oct-1-my2024',
    'commercial',
    'in the 2024 population (index Oct 1 2024) and adherent: 92 of 92 days',
    ADHERENT,
    2024,
  ),
  c(
    'ip-false-index-oct-2-my2024',
    'commercial',
    'not in the 2024 population: index Oct 2 2024',
    OUT,
    2024,
  ),

  // Exclusions: hospice and ESRD in the MY (and nothing else).
  c(
    'excluded-hospice-status-from-dec-31',
    'commercial',
    'excluded, and so not adherent despite full coverage: hospice from Dec 31',
    EXCLUDED,
  ),
  c(
    'excluded-hospice-claim-g0182',
    'commercial',
    'excluded: hospice claim G0182 in June',
    EXCLUDED,
  ),
  c(
    'not-excluded-hospice-ended-dec-31-prior-year',
    'commercial',
    'not excluded, adherent: hospice ended Dec 31 of the prior year',
    ADHERENT,
  ),
  c('excluded-esrd-n18-6-on-dec-31', 'commercial', 'excluded: ESRD N18.6 on Dec 31', EXCLUDED),
  c(
    'excluded-esrd-dialysis-dependence-z99-2-jan-1',
    'commercial',
    'excluded: Z99.2 (written Z992) on an inpatient claim on Jan 1',
    EXCLUDED,
  ),
  c(
    'not-excluded-esrd-dec-31-prior-year',
    'commercial',
    'not excluded, adherent: ESRD only on Dec 31 of the prior year',
    ADHERENT,
  ),
  c(
    'not-excluded-ckd-stage-5-n18-5',
    'commercial',
    'not excluded, adherent: CKD stage 5 (N18.5) is not ESRD',
    ADHERENT,
  ),
  c(
    'not-excluded-palliative-care-z51-5',
    'commercial',
    'not excluded, adherent: palliative care is not a PDC exclusion',
    ADHERENT,
  ),
  c(
    'not-excluded-isnp-age-70-medicare',
    'medicare',
    'not excluded, adherent: I-SNP at 70 is not a PDC exclusion, even for Medicare',
    ADHERENT,
  ),
  c(
    'not-excluded-frailty-and-dementia-medication-age-70',
    'commercial',
    'not excluded, adherent: frailty with a dementia medication at 70 is not a PDC exclusion',
    ADHERENT,
  ),

  // Proportion of days covered >= 80%.
  c(
    'numerator-true-292-of-365-days-exactly-80-percent',
    'commercial',
    'adherent: 292 of 365 days is exactly 80%',
    ADHERENT,
  ),
  c(
    'numerator-false-291-of-365-days',
    'commercial',
    'not adherent: 291 of 365 days is 79.7%',
    NOT_ADHERENT,
  ),
  c(
    'numerator-false-my2024-292-of-366-days-leap-year',
    'commercial',
    'not adherent in 2024: 292 of 366 days (leap year) is 79.8%',
    NOT_ADHERENT,
    2024,
  ),
  c(
    'numerator-true-my2024-293-of-366-days',
    'commercial',
    'adherent in 2024: 293 of 366 days is 80.1%',
    ADHERENT,
    2024,
  ),
  c(
    'numerator-true-early-refills-same-drug-shifted',
    'commercial',
    'adherent: early refills of atorvastatin shift forward (360 days; 241 without shifting)',
    ADHERENT,
  ),
  c(
    'numerator-true-same-drug-twice-same-day-shifted',
    'commercial',
    'adherent: two atorvastatin fills on Jan 1 run back to back (300 of 365 days)',
    ADHERENT,
  ),
  c(
    'numerator-false-two-statins-same-day-not-shifted',
    'commercial',
    'not adherent: atorvastatin and rosuvastatin on one day overlap, not shifted (180 of 365 days)',
    NOT_ADHERENT,
  ),
  c(
    'numerator-false-supply-past-dec-31-not-counted',
    'commercial',
    'not adherent: a 90-day fill on Dec 1 covers only 31 days of the period (61 of 92)',
    NOT_ADHERENT,
  ),
  c(
    'numerator-true-died-jun-30-period-ends-at-death',
    'commercial',
    'adherent and not excluded: death on Jun 30 ends the period (180 of 181 days)',
    ADHERENT,
  ),
  c(
    'numerator-true-pharmacy-gap-in-nov-ends-period-oct-31',
    'commercial',
    'adherent: the pharmacy gap from Nov 1 ends the period on Oct 31 (270 of 304 days)',
    ADHERENT,
  ),
  c(
    'numerator-false-adjacent-pharmacy-spans-join',
    'commercial',
    'not adherent: spans Jan-Jun and Jul-Dec join, so the period runs to Dec 31 (180 of 365)',
    NOT_ADHERENT,
  ),
];

describe('PDC-STA boundary members against the shipped packs', () => {
  for (const { file, productLine, year, says, expected } of CASES) {
    it(`${file} as ${productLine} ${year}: ${says}`, () => {
      expectPopulations(evaluate(file, productLine, year).outcome, expected);
    });
  }

  it('every PDC-STA fixture is a valid member record in strict mode and has a case', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => loadMember(file), file).not.toThrow();
    const covered = new Set(CASES.map((k) => `${k.file}.json`));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
  });
});

describe('PDC-STA explanations of the boundary members', () => {
  it('the age is taken on Jan 1 of the measurement year', () => {
    const { trace } = evaluate('ip-false-age-17-on-jan-1-born-2007-01-02');
    expect(describeClause(findClause(trace, 'pdc-sta-age'))).toBe(
      'age 17 on 2025-01-01 (born 2007-01-02); needs 18 or older',
    );
  });

  it('the index clause shows its window ending Oct 1 and the Oct 2 fill just after it', () => {
    const { trace } = evaluate('ip-false-index-oct-2-90-days-before-dec-31');
    const evidence = evidenceOf(trace, 'pdc-sta-index-91-days-before-year-end', 'event');
    expect(evidence.window).toEqual({ from: '2025-01-01', to: '2025-10-01' });
    expect(evidence.matches).toEqual([]);
    expect(evidence.nearMisses[0]).toMatchObject({
      date: '2025-10-02',
      drug: 'atorvastatin',
      reason: 'after-window',
    });
    expect(findClause(trace, 'pdc-sta-two-statin-fills').result).toBe(true);
  });

  it('the same index window ends Oct 1 in the leap year 2024', () => {
    const { trace } = evaluate('ip-true-index-oct-1-my2024', 'commercial', 2024);
    expect(evidenceOf(trace, 'pdc-sta-index-91-days-before-year-end', 'event').window).toEqual({
      from: '2024-01-01',
      to: '2024-10-01',
    });
  });

  it('the coverage evidence shows the shifted early refills and the days covered', () => {
    const { trace } = evaluate('numerator-true-early-refills-same-drug-shifted');
    const evidence = evidenceOf(trace, 'pdc-sta-adherent', 'coverage');
    expect(evidence).toMatchObject({
      index: '2025-01-01',
      periodEnd: '2025-12-31',
      endReason: 'window',
      periodDays: 365,
      coveredDays: 360,
    });
    expect(evidence.fills.map((f) => `${f.date}: ${f.start}..${f.end}`)).toEqual([
      '2025-01-01: 2025-01-01..2025-03-31',
      '2025-01-31: 2025-04-01..2025-06-29',
      '2025-04-01: 2025-06-30..2025-09-27',
      '2025-06-01: 2025-09-28..2025-12-26',
    ]);
    expect(describeClause(findClause(trace, 'pdc-sta-adherent'))).toBe(
      'index 2025-01-01, period 2025-01-01..2025-12-31 (365 days, ends at window); ' +
        '360 days covered = 98.6%, needs 80.0%; 4 fill(s), 3 early refill(s) shifted',
    );
  });

  it('fills of two different statins on one day are not shifted', () => {
    const { trace } = evaluate('numerator-false-two-statins-same-day-not-shifted');
    const evidence = evidenceOf(trace, 'pdc-sta-adherent', 'coverage');
    expect(evidence.fills.map((f) => `${f.drug ?? '?'} ${f.start}..${f.end}`)).toEqual([
      'atorvastatin 2025-01-01..2025-05-30',
      'rosuvastatin 2025-01-01..2025-05-30',
      'atorvastatin 2025-08-01..2025-08-30',
    ]);
    expect(evidence.coveredDays).toBe(180);
  });

  it('exactly 80% is adherent: 292 of 365 days', () => {
    const { trace } = evaluate('numerator-true-292-of-365-days-exactly-80-percent');
    expect(evidenceOf(trace, 'pdc-sta-adherent', 'coverage')).toMatchObject({
      periodDays: 365,
      coveredDays: 292,
      proportion: 0.8,
      atLeast: 0.8,
    });
  });

  it('supply past Dec 31 is cut off at the period end', () => {
    const { trace } = evaluate('numerator-false-supply-past-dec-31-not-counted');
    const evidence = evidenceOf(trace, 'pdc-sta-adherent', 'coverage');
    expect(evidence).toMatchObject({ index: '2025-10-01', periodDays: 92, coveredDays: 61 });
    expect(evidence.fills.at(-1)).toMatchObject({ start: '2025-12-01', end: '2026-02-28' });
  });

  it('death ends the period, and is not an exclusion', () => {
    const { trace } = evaluate('numerator-true-died-jun-30-period-ends-at-death');
    expect(evidenceOf(trace, 'pdc-sta-adherent', 'coverage')).toMatchObject({
      periodEnd: '2025-06-30',
      endReason: 'death',
      periodDays: 181,
      coveredDays: 180,
    });
  });

  it('an allowed pharmacy gap ends the period; touching spans do not', () => {
    const gap = evaluate('numerator-true-pharmacy-gap-in-nov-ends-period-oct-31').trace;
    expect(evidenceOf(gap, 'pdc-sta-adherent', 'coverage')).toMatchObject({
      periodEnd: '2025-10-31',
      endReason: 'disenrollment',
      periodDays: 304,
      coveredDays: 270,
    });
    const joined = evaluate('numerator-false-adjacent-pharmacy-spans-join').trace;
    expect(evidenceOf(joined, 'pdc-sta-adherent', 'coverage')).toMatchObject({
      periodEnd: '2025-12-31',
      endReason: 'window',
      coveredDays: 180,
    });
  });

  it('the ESRD exclusion names the claim that decided it', () => {
    const { trace } = evaluate('excluded-esrd-dialysis-dependence-z99-2-jan-1');
    expect(evidenceOf(trace, 'pdc-sta-esrd', 'event').matches).toEqual([
      expect.objectContaining({ date: '2025-01-01', code: 'Z992', valueSet: 'ESRD' }),
    ]);
  });
});
