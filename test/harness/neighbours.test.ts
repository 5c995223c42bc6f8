// Neighbour targeting: a share of the cases is aimed at members whose outcome
// differs between the pack checked and a neighbour (the previous year's pack, or another product
// line's rules), and a discrepancy where the implementation gives the neighbour's answer says so.
import { describe, expect, it } from 'vitest';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckOptions, CheckResult } from '../../src/harness/check.ts';
import {
  shiftMember,
  shippedNeighbourMeasure,
  switchProductLine,
} from '../../src/harness/neighbours.ts';
import type { Member } from '../../src/model/member.ts';
import type { CompiledMeasure, CompiledPack } from '../../src/rulepack/compiled.ts';
import { ConsoleReporter } from '../../src/report/consoleReporter.ts';
import { repoFile } from '../support/repoFiles.ts';
import { shippedMeasure, shippedPackAndMeasure } from '../support/shippedPacks.ts';

const RUNS = 500;
const SEED = 7;

const bcs2025 = shippedPackAndMeasure(2025, 'BCS-E');
const bcs2024 = shippedMeasure(2024, 'BCS-E');
const col2025 = shippedPackAndMeasure(2025, 'COL-E');

async function check(
  fixture: string,
  target: { pack: CompiledPack; measure: CompiledMeasure },
  extra: Partial<CheckOptions>,
): Promise<CheckResult> {
  const implementation = await loadModuleImplementation(
    repoFile(`fixtures/implementations/${fixture}.ts`),
  );
  try {
    return await runCheck({
      ...target,
      productLines: ['commercial'],
      implementation,
      runs: RUNS,
      seed: SEED,
      generator: 'rule-aware',
      ...extra,
    });
  } finally {
    await implementation.close();
  }
}

function consoleText(result: CheckResult): string {
  let text = '';
  const reporter = new ConsoleReporter({
    write: (s) => (text += s),
    replayCommand: () => 'replay',
  });
  reporter.onRunEnd(result);
  return text;
}

describe('neighbour targeting', () => {
  it('catches a BCS-E implementation that keeps the 2024 ages in 2025 and names 2024', async () => {
    const result = await check('bcs-e-wrong-2024-ages-in-2025', bcs2025, {
      neighbours: { year: bcs2024 },
    });
    const line = result.productLines[0];
    expect(line?.targeting).toEqual([
      expect.objectContaining({ neighbour: { kind: 'year', year: 2024 }, active: true }),
    ]);
    expect(result.exitCode).toBe(1);
    const finding = line?.findings[0];
    expect(finding?.difference?.population).toBe('initialPopulation');
    expect(finding?.matchesNeighbour).toEqual({ kind: 'year', year: 2024 });
    expect(consoleText(result)).toContain(
      'this implementation agrees with the 2024 rules for this member, not the 2025 rules',
    );
  });

  it('says a COL-E implementation applies the medicare I-SNP rule to a commercial member', async () => {
    const result = await check('col-e-wrong-isnp-all-product-lines', col2025, {
      neighbours: { productLine: 'medicare' },
    });
    const finding = result.productLines[0]?.findings[0];
    expect(finding?.difference?.population).toBe('denominatorExclusion');
    expect(finding?.matchesNeighbour).toEqual({ kind: 'productLine', productLine: 'medicare' });
    expect(consoleText(result)).toContain('it applies the medicare rule to a commercial member');
  });

  it('finds no discrepancy in the correct BCS-E implementation with targeting on', async () => {
    const result = await check('bcs-e-correct', bcs2025, { neighbours: { year: bcs2024 } });
    expect(result.productLines[0]?.targeting?.[0]?.active).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.productLines[0]?.discrepantCases).toBe(0);
  });

  it('raises the share of discrepant cases for the 2024-ages bug at the same seed and budget', async () => {
    const off = await check('bcs-e-wrong-2024-ages-in-2025', bcs2025, { neighbours: false });
    const on = await check('bcs-e-wrong-2024-ages-in-2025', bcs2025, {
      neighbours: { year: bcs2024 },
    });
    const offCases = off.productLines[0]?.discrepantCases ?? 0;
    const onCases = on.productLines[0]?.discrepantCases ?? 0;
    expect(off.productLines[0]?.cases).toBe(RUNS);
    expect(on.productLines[0]?.cases).toBe(RUNS);
    // A third of the cases are drawn among members the 2024 and 2025 rules disagree on.
    expect(onCases).toBeGreaterThan(offCases + RUNS / 5);
  });

  it('replays a targeted finding exactly from its seed and path', async () => {
    const full = await check('bcs-e-wrong-2024-ages-in-2025', bcs2025, {
      neighbours: { year: bcs2024 },
    });
    const finding = full.productLines[0]?.findings[0];
    expect(finding).toBeDefined();
    const replay = await check('bcs-e-wrong-2024-ages-in-2025', bcs2025, {
      neighbours: { year: bcs2024 },
      path: finding?.path ?? '',
    });
    const again = replay.productLines[0]?.findings[0];
    expect(again?.member).toEqual(finding?.member);
    expect(again?.matchesNeighbour).toEqual({ kind: 'year', year: 2024 });
  });
});

describe('neighbour helpers', () => {
  const member: Member = {
    id: 'M1',
    birthDate: '1980-02-29',
    sex: 'F',
    deathDate: '2025-06-01',
    enrollments: [
      {
        start: '2024-01-01',
        end: '2025-12-31',
        productLine: 'commercial',
        medical: true,
        pharmacy: false,
      },
      {
        start: '2023-01-01',
        end: '2023-12-31',
        productLine: 'medicaid',
        medical: true,
        pharmacy: false,
      },
    ],
    statuses: [{ kind: 'isnp', start: '2025-01-01', end: '2025-03-31' }],
    claims: [
      {
        id: 'C1',
        date: '2025-03-01',
        endDate: '2025-03-04',
        setting: 'outpatient',
        codes: [{ system: 'CPT', code: '77067' }],
      },
    ],
    dispensings: [{ date: '2025-05-05', daysSupply: 30, code: { system: 'NDC', code: '1' } }],
    observations: [{ date: '2025-07-07', code: { system: 'LOINC', code: '1' }, value: 1 }],
  };

  it('moves every date of a member by whole years (Feb 29 to Feb 28)', () => {
    const shifted = shiftMember(member, -1);
    expect(shifted.birthDate).toBe('1979-02-28');
    expect(shifted.deathDate).toBe('2024-06-01');
    expect(shifted.enrollments[0]).toMatchObject({ start: '2023-01-01', end: '2024-12-31' });
    expect(shifted.statuses[0]).toMatchObject({ start: '2024-01-01', end: '2024-03-31' });
    expect(shifted.claims[0]).toMatchObject({ date: '2024-03-01', endDate: '2024-03-04' });
    expect(shifted.dispensings[0]?.date).toBe('2024-05-05');
    expect(shifted.observations[0]?.date).toBe('2024-07-07');
  });

  it('switches only the enrollments of the line checked to the neighbour line', () => {
    const switched = switchProductLine(member, 'commercial', 'medicare');
    expect(switched.enrollments.map((e) => e.productLine)).toEqual(['medicare', 'medicaid']);
  });

  it('finds the shipped previous-year measure, and nothing for a year not shipped', () => {
    expect(shippedNeighbourMeasure('BCS-E', 2024)?.year).toBe(2024);
    expect(shippedNeighbourMeasure('BCS-E', 1999)).toBeUndefined();
    expect(shippedNeighbourMeasure('NO-SUCH', 2024)).toBeUndefined();
  });
});
