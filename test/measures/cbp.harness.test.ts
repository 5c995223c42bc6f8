// CBP through the harness: the correct sample implementation agrees with the reference on the
// 2024 and 2025 packs, and each wrong one (fixtures/implementations/README.md) is caught under
// every seed, in the numerator, with a shrunk member that shows its bug.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckResult, Finding } from '../../src/harness/check.ts';
import type { OutcomeDifference } from '../../src/harness/compare.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { ProductLine } from '../../src/model/member.ts';
import { evidenceOf } from '../support/traceQuery.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const SEEDS = [11, 22, 33] as const;
const YEARS = [2024, 2025] as const;
/** Cases per product line: the CLI default, the budget a user gets. */
const RUNS = DEFAULT_RUNS;

const shippedCbp = (year: number) => shippedPackAndMeasure(year, 'CBP');

const implementations = new Map<string, Promise<Implementation>>();
const results = new Map<string, Promise<CheckResult>>();

afterAll(async () => {
  const opened = await Promise.all(implementations.values());
  await Promise.all(opened.map((impl) => impl.close()));
});

function implementation(file: string): Promise<Implementation> {
  let impl = implementations.get(file);
  if (!impl) {
    impl = loadModuleImplementation(
      fileURLToPath(new URL(`../../fixtures/implementations/${file}`, import.meta.url)),
    );
    implementations.set(file, impl);
  }
  return impl;
}

/** `runCheck` on every product line, once per implementation, year and seed. */
function check(file: string, year: number, seed: number): Promise<CheckResult> {
  const key = `${file} ${year} ${seed}`;
  let result = results.get(key);
  if (!result) {
    const { pack, measure } = shippedCbp(year);
    result = implementation(file).then((impl) =>
      runCheck({
        pack,
        measure,
        productLines: PRODUCT_LINES,
        implementation: impl,
        runs: RUNS,
        seed,
        generator: 'rule-aware',
      }),
    );
    results.set(key, result);
  }
  return result;
}

/** Per product line: the first finding's population, `agrees`, or what came instead. */
function firstPopulations(result: CheckResult): Record<string, string> {
  return Object.fromEntries(
    result.productLines.map((r) => {
      const first = r.findings[0];
      const seen =
        first === undefined
          ? r.discrepantCases + r.failedCases === 0
            ? 'agrees'
            : 'discrepant cases but no finding'
          : (first.difference?.population ?? `failure: ${first.failure?.message ?? '?'}`);
      return [r.productLine ?? '', seen];
    }),
  );
}

function firstFinding(result: CheckResult, line: ProductLine): Finding {
  const finding = result.productLines.find((r) => r.productLine === line)?.findings[0];
  if (!finding) throw new Error(`no finding on ${line} (seed ${result.seed})`);
  return finding;
}

const onEveryLine = (population: OutcomeDifference['population'] | 'agrees') => ({
  commercial: population,
  medicaid: population,
  medicare: population,
});

describe('cbp-correct.ts agrees with the reference', () => {
  const runs = YEARS.flatMap((year) => SEEDS.map((seed) => ({ year, seed })));
  it.each(runs)('MY$year, seed $seed, every product line', async ({ year, seed }) => {
    const result = await check('cbp-correct.ts', year, seed);
    expect(firstPopulations(result)).toEqual(onEveryLine('agrees'));
    expect(result.productLines.map((r) => r.cases)).toEqual([RUNS, RUNS, RUNS]);
    expect(result.exitCode).toBe(0);
  });
});

/** Each wrong implementation, and what its shrunk counterexample must show on `line`. */
const WRONG: readonly {
  readonly bug: string;
  readonly shows: (finding: Finding) => void;
}[] = [
  {
    bug: 'first-reading-not-most-recent',
    // The reference reads the most recent date; the member has a reading before it.
    shows: (finding) => {
      const reading = evidenceOf(finding.reference.trace, 'cbp-bp-controlled', 'reading');
      const latest = reading.date ?? '';
      expect(latest, 'most recent reading date').not.toBe('');
      // Observations, or claims with a CPT II blood pressure code, dated before it.
      const cptII = new Set(['3074F', '3075F', '3077F', '3078F', '3079F', '3080F']);
      const earlier = [
        ...finding.member.observations.filter((o) => o.date < latest),
        ...finding.member.claims.filter(
          (c) => c.date < latest && c.codes.some((x) => cptII.has(x.code)),
        ),
      ];
      expect(earlier.length, `readings before ${latest}`).toBeGreaterThan(0);
    },
  },
  {
    bug: 'ed-readings-counted',
    // A reading in an acute inpatient or ED setting, which the reference left out.
    shows: (finding) => {
      // On an observation, or on a claim with a CPT II blood pressure code.
      const settings = [
        ...finding.member.observations.map((o) => o.setting),
        ...finding.member.claims.map((c) => c.setting),
      ];
      expect(
        settings.some((s) => s === 'ed' || s === 'inpatient-acute'),
        'settings',
      ).toBe(true);
      const reading = evidenceOf(finding.reference.trace, 'cbp-bp-controlled', 'reading');
      expect(reading.nearMisses.map((m) => m.reason)).toContain('setting');
    },
  },
  {
    bug: '140-counts-as-controlled',
    // The reference's systolic test failed on exactly 140.
    shows: (finding) => {
      const reading = evidenceOf(finding.reference.trace, 'cbp-bp-controlled', 'reading');
      const systolic = reading.tests.find((t) => t.valueSet === 'Systolic Blood Pressure');
      expect(systolic).toMatchObject({ value: 140, passed: false });
      expect(finding.reference.outcome.numerator).toBe(false);
    },
  },
];

describe.each(WRONG)('cbp-wrong-$bug.ts is caught', ({ bug, shows }) => {
  it.each(SEEDS)('MY2025, seed %i: in the numerator, on every product line', async (seed) => {
    const result = await check(`cbp-wrong-${bug}.ts`, 2025, seed);
    expect(firstPopulations(result)).toEqual(onEveryLine('numerator'));
    expect(result.exitCode).toBe(1);
    for (const r of result.productLines) {
      expect(r.cases, r.productLine).toBe(RUNS);
      expect(r.failedCases, `${r.productLine}: cases the implementation failed to run`).toBe(0);
    }
  });

  it.each(SEEDS)('MY2025, seed %i: the shrunk member shows the bug', async (seed) => {
    const result = await check(`cbp-wrong-${bug}.ts`, 2025, seed);
    for (const line of PRODUCT_LINES) shows(firstFinding(result, line));
  });
});
