// Bugs that only show on codes the pack does not send as it lists them: an implementation that
// counts one near miss (a decoy the pack lists beside a value set), and one that compares codes or
// modifiers exactly as sent, are caught at the default budget under three seeds; the correct
// samples agree; and the shrunk member reads plainly (a plain birth date, the value set's first
// code beside the decoy).
import { afterAll, describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckResult } from '../../src/harness/check.ts';
import { normalizeCode } from '../../src/rulepack/valueSet.ts';
import { repoFile } from '../support/repoFiles.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const SEEDS = [11, 22, 33] as const;

/** One wrong sample per shipped HEDIS measure, each counting exactly one listed near miss. */
const NEAR_MISS = [
  { measure: 'BCS-E', file: 'bcs-e-wrong-counts-breast-ultrasound', population: 'numerator' },
  {
    measure: 'CBP',
    file: 'cbp-wrong-counts-hypertensive-heart-disease',
    population: 'initialPopulation',
  },
  {
    measure: 'COL-E',
    file: 'col-e-wrong-counts-rigid-proctosigmoidoscopy',
    population: 'numerator',
  },
  { measure: 'GSD', file: 'gsd-wrong-counts-prediabetes', population: 'initialPopulation' },
  {
    measure: 'PDC-STA',
    file: 'pdc-sta-wrong-counts-ckd-stage-5-as-esrd',
    population: 'denominatorExclusion',
  },
] as const;

/** Samples that compare what the contract calls equal as different. */
const EXACT = [
  { measure: 'BCS-E', file: 'bcs-e-wrong-modifiers-case-sensitive' },
  { measure: 'GSD', file: 'gsd-wrong-codes-compared-exactly' },
] as const;

const opened = new Map<string, Promise<Implementation>>();

afterAll(async () => {
  const all = await Promise.all(opened.values());
  await Promise.all(all.map((impl) => impl.close()));
});

function implementation(file: string): Promise<Implementation> {
  let impl = opened.get(file);
  if (!impl) {
    impl = loadModuleImplementation(repoFile(`fixtures/implementations/${file}.ts`));
    opened.set(file, impl);
  }
  return impl;
}

const results = new Map<string, Promise<CheckResult>>();

/**
 * The default budget on the commercial line (every one of these bugs shows on every line), once
 * per sample and seed (tests share the result).
 */
function check(measureId: string, file: string, seed: number): Promise<CheckResult> {
  const key = `${file} ${String(seed)}`;
  let result = results.get(key);
  if (!result) {
    result = run(measureId, file, seed);
    results.set(key, result);
  }
  return result;
}

async function run(measureId: string, file: string, seed: number): Promise<CheckResult> {
  const { pack, measure } = shippedPackAndMeasure(2025, measureId);
  return runCheck({
    pack,
    measure,
    productLines: ['commercial'],
    implementation: await implementation(file),
    runs: DEFAULT_RUNS,
    seed,
    generator: 'rule-aware',
    maxFindings: 1,
  });
}

describe.each(NEAR_MISS)('$file', ({ measure, file, population }) => {
  it.each(SEEDS)('is caught under seed %i, in the population the decoy changes', async (seed) => {
    const result = await check(measure, file, seed);
    expect(result.exitCode).toBe(1);
    const first = result.productLines[0]?.findings[0];
    expect(first?.difference?.population).toBe(population);
  });
});

describe.each(EXACT)('$file', ({ measure, file }) => {
  it.each(SEEDS)('is caught under seed %i', async (seed) => {
    const result = await check(measure, file, seed);
    expect(result.exitCode).toBe(1);
  });
});

describe('the correct samples', () => {
  it.each(['BCS-E', 'CBP', 'COL-E', 'GSD', 'PDC-STA'])(
    '%s agrees on members carrying decoys and every written form of a code',
    async (measure) => {
      const result = await check(measure, `${measure.toLowerCase()}-correct`, SEEDS[0]);
      expect(result.productLines[0]?.findings).toEqual([]);
      expect(result.exitCode).toBe(0);
    },
  );
});

describe('a shrunk counterexample for a decoy', () => {
  it("has a plain birth date, the decoy, and no code but the decoy and the value set's first", async () => {
    const result = await check('GSD', 'gsd-wrong-counts-prediabetes', SEEDS[0]);
    const member = result.productLines[0]?.findings[0]?.member;
    expect(member?.birthDate).toMatch(/-01$/);
    const codes = (member?.claims ?? []).flatMap((c) =>
      c.codes.map((x) => normalizeCode(x.system, x.code)),
    );
    expect(codes).toContain('R7303');
    const { pack } = shippedPackAndMeasure(2025, 'GSD');
    const diabetes = pack.valueSets.get('Diabetes')?.codes.get('ICD10CM');
    const first = [...(diabetes ?? [])].sort()[0];
    expect(first).toBe('E1010');
    // A decoy swap is decided per code, so both diagnosis claims may carry it; any other code left
    // has shrunk to the value set's first.
    expect(codes.filter((c) => c !== 'R7303' && c !== first)).toEqual([]);
  });
});
