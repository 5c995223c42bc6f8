// PDC-STA through the harness: the correct sample implementation agrees with the reference on the
// 2024 and 2025 packs, and each wrong one (fixtures/implementations/README.md) is caught at the
// CLI's default budget under every seed, in the population its bug changes, with a shrunk member
// whose reference explanation shows the bug's construct.
import { afterAll, describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckResult, Finding } from '../../src/harness/check.ts';
import type { OutcomeDifference } from '../../src/harness/compare.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { ProductLine } from '../../src/model/member.ts';
import { repoFile } from '../support/repoFiles.ts';
import { evidenceOf } from '../support/traceQuery.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const SEEDS = [11, 22, 33] as const;
const YEARS = [2024, 2025] as const;
/** Cases per product line: the CLI default, the budget a user gets. */
const RUNS = DEFAULT_RUNS;

const shippedPdcSta = (year: number) => shippedPackAndMeasure(year, 'PDC-STA');

type Population = OutcomeDifference['population'] | 'agrees';
const onEveryLine = (population: Population): Readonly<Record<ProductLine, Population>> => ({
  commercial: population,
  medicaid: population,
  medicare: population,
});

const WRONG: readonly { readonly bug: string; readonly population: Population }[] = [
  { bug: 'no-refill-shifting', population: 'numerator' },
  { bug: 'index-90-days', population: 'initialPopulation' },
  { bug: 'coverage-past-dec-31', population: 'numerator' },
];

const implementations = new Map<string, Promise<Implementation>>();
const results = new Map<string, Promise<CheckResult>>();

afterAll(async () => {
  const opened = await Promise.all(implementations.values());
  await Promise.all(opened.map((impl) => impl.close()));
});

function implementation(file: string): Promise<Implementation> {
  let impl = implementations.get(file);
  if (!impl) {
    impl = loadModuleImplementation(repoFile(`fixtures/implementations/${file}`));
    implementations.set(file, impl);
  }
  return impl;
}

/** `runCheck` on every product line, once per implementation, year and seed (tests share it). */
function check(file: string, year: number, seed: number): Promise<CheckResult> {
  const key = `${file} ${year} ${seed}`;
  let result = results.get(key);
  if (!result) {
    const { pack, measure } = shippedPdcSta(year);
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

const wrong = (bug: string, seed: number) => check(`pdc-sta-wrong-${bug}.ts`, 2025, seed);

/** Per product line: the first finding's population, `agrees`, or the failure that came instead. */
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

describe('pdc-sta-correct.ts agrees with the reference', () => {
  describe.each(YEARS)('MY%i', (year) => {
    it.each(SEEDS)('on every product line under seed %i', async (seed) => {
      const result = await check('pdc-sta-correct.ts', year, seed);
      expect(firstPopulations(result)).toEqual(onEveryLine('agrees'));
      expect(result.productLines.map((r) => r.cases)).toEqual([RUNS, RUNS, RUNS]);
      expect(result.exitCode).toBe(0);
    });
  });
});

describe.each(WRONG)('pdc-sta-wrong-$bug.ts', ({ bug, population }) => {
  it.each(SEEDS)(`is caught under seed %i, in ${population}`, async (seed) => {
    const result = await wrong(bug, seed);
    expect(result.exitCode).toBe(1);
    expect(firstPopulations(result)).toEqual(onEveryLine(population));
    for (const r of result.productLines) {
      expect(r.cases, r.productLine).toBe(RUNS);
      expect(r.failedCases, `${r.productLine}: cases the implementation failed to run`).toBe(0);
    }
  });
});

describe('the shrunk PDC-STA counterexamples show the construct each bug gets wrong', () => {
  it.each(SEEDS)(
    'index-90-days, seed %i: no statin fill by Oct 1, the first one is on Oct 2',
    async (seed) => {
      const result = await wrong('index-90-days', seed);
      for (const line of PRODUCT_LINES) {
        const { trace } = firstFinding(result, line).reference;
        const index = evidenceOf(trace, 'pdc-sta-index-91-days-before-year-end', 'event');
        expect(index.matches, line).toEqual([]);
        const fills = evidenceOf(trace, 'pdc-sta-two-statin-fills', 'event');
        expect(fills.matches[0]?.date, line).toBe('2025-10-02');
      }
    },
  );

  it.each(SEEDS)(
    'no-refill-shifting, seed %i: the reference shifted an early refill of the same drug',
    async (seed) => {
      const result = await wrong('no-refill-shifting', seed);
      for (const line of PRODUCT_LINES) {
        const { trace } = firstFinding(result, line).reference;
        const fills = evidenceOf(trace, 'pdc-sta-adherent', 'coverage').fills;
        expect(
          fills.some((f) => f.start !== f.date),
          `${line}: ${JSON.stringify(fills)}`,
        ).toBe(true);
      }
    },
  );

  it.each(SEEDS)(
    'coverage-past-dec-31, seed %i: a fill whose supply runs past the end of the period',
    async (seed) => {
      const result = await wrong('coverage-past-dec-31', seed);
      for (const line of PRODUCT_LINES) {
        const { trace } = firstFinding(result, line).reference;
        const coverage = evidenceOf(trace, 'pdc-sta-adherent', 'coverage');
        const periodEnd = coverage.periodEnd ?? '';
        expect(
          coverage.fills.some((f) => f.end > periodEnd),
          `${line}: period ends ${periodEnd}; ${JSON.stringify(coverage.fills)}`,
        ).toBe(true);
      }
    },
  );
});
