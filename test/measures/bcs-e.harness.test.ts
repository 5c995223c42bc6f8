// BCS-E through the harness: the correct sample implementation agrees with the reference in
// MY2024 and MY2025 on every product line, and each wrong one (fixtures/implementations/README.md)
// is caught under every seed, in the population its bug changes, with a shrunk member that shows
// the bug.
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
type Year = (typeof YEARS)[number];

/** The CLI default: the claim under test is that the default budget catches these bugs. */
const RUNS = DEFAULT_RUNS;

const shipped = (year: Year) => shippedPackAndMeasure(year, 'BCS-E');

type Seen = OutcomeDifference['population'] | 'agrees';
type Expected = Readonly<Record<ProductLine, Seen>>;
const onEveryLine = (seen: Seen): Expected => ({
  commercial: seen,
  medicaid: seen,
  medicare: seen,
});
const agreeEverywhere = onEveryLine('agrees');

const WRONG: readonly {
  readonly bug: string;
  readonly expected: Readonly<Record<Year, Expected>>;
}[] = [
  {
    bug: '2024-ages-in-2025',
    expected: { 2024: agreeEverywhere, 2025: onEveryLine('initialPopulation') },
  },
  {
    bug: 'laterality-modifiers-ignored',
    expected: {
      2024: onEveryLine('denominatorExclusion'),
      2025: onEveryLine('denominatorExclusion'),
    },
  },
  {
    bug: 'mammogram-window-jan-1',
    expected: { 2024: onEveryLine('numerator'), 2025: onEveryLine('numerator') },
  },
];

const implementations = new Map<string, Promise<Implementation>>();
const results = new Map<string, Promise<CheckResult>>();

afterAll(async () => {
  const opened = await Promise.all(implementations.values());
  await Promise.all(opened.map((impl) => impl.close()));
});

function implementation(name: string): Promise<Implementation> {
  let impl = implementations.get(name);
  if (!impl) {
    impl = loadModuleImplementation(
      fileURLToPath(new URL(`../../fixtures/implementations/bcs-e-${name}.ts`, import.meta.url)),
    );
    implementations.set(name, impl);
  }
  return impl;
}

/** `runCheck` on every product line, once per implementation, year and seed. */
function check(name: string, year: Year, seed: number): Promise<CheckResult> {
  const key = `${name} ${year} ${seed}`;
  let result = results.get(key);
  if (!result) {
    const { pack, measure } = shipped(year);
    result = implementation(name).then((impl) =>
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

const CASES = YEARS.flatMap((year) => SEEDS.map((seed) => ({ year, seed })));

describe('bcs-e-correct.ts agrees with the reference', () => {
  it.each(CASES)('MY$year, every product line, seed $seed', async ({ year, seed }) => {
    const result = await check('correct', year, seed);
    expect(firstPopulations(result)).toEqual(agreeEverywhere);
    expect(result.productLines.map((r) => r.cases)).toEqual([RUNS, RUNS, RUNS]);
    expect(result.exitCode).toBe(0);
  });
});

describe.each(WRONG)('bcs-e-wrong-$bug', ({ bug, expected }) => {
  it.each(CASES)(
    'MY$year, seed $seed: caught in the population the bug changes',
    async ({ year, seed }) => {
      const result = await check(`wrong-${bug}`, year, seed);
      expect(firstPopulations(result)).toEqual(expected[year]);
      const caught = Object.values(expected[year]).some((p) => p !== 'agrees');
      expect(result.exitCode).toBe(caught ? 1 : 0);
      for (const r of result.productLines) {
        expect(r.cases, r.productLine).toBe(RUNS);
        expect(r.failedCases, `${r.productLine}: cases the implementation failed to run`).toBe(0);
      }
    },
  );
});

describe('the shrunk BCS-E counterexamples show the bug', () => {
  it.each(SEEDS)('2024-ages-in-2025, seed %i: the member is 42-51 on 2025-12-31', async (seed) => {
    const result = await check('wrong-2024-ages-in-2025', 2025, seed);
    for (const line of PRODUCT_LINES) {
      const age = evidenceOf(firstFinding(result, line).reference.trace, 'bcs-e-age', 'age');
      expect(age.asOf, line).toBe('2025-12-31');
      expect(age.age >= 42 && age.age <= 51, `${line}: age ${age.age}`).toBe(true);
    }
  });

  it.each(SEEDS)(
    'laterality-modifiers-ignored, seed %i: a side comes only from a unilateral code with LT or RT',
    async (seed) => {
      const result = await check('wrong-laterality-modifiers-ignored', 2025, seed);
      for (const line of PRODUCT_LINES) {
        const { trace } = firstFinding(result, line).reference;
        const lt = evidenceOf(trace, 'bcs-e-unilateral-mastectomy-modifier-lt', 'event');
        const rt = evidenceOf(trace, 'bcs-e-unilateral-mastectomy-modifier-rt', 'event');
        expect(lt.matches.length + rt.matches.length, line).toBeGreaterThan(0);
      }
    },
  );

  it.each(SEEDS)(
    'mammogram-window-jan-1, seed %i: the only mammogram is in Oct-Dec 2023',
    async (seed) => {
      const result = await check('wrong-mammogram-window-jan-1', 2025, seed);
      for (const line of PRODUCT_LINES) {
        const { trace } = firstFinding(result, line).reference;
        const dates = evidenceOf(trace, 'bcs-e-mammogram', 'event').matches.map((m) => m.date);
        expect(dates.length, line).toBeGreaterThan(0);
        for (const d of dates)
          expect(d >= '2023-10-01' && d <= '2023-12-31', `${line}: ${d}`).toBe(true);
      }
    },
  );
});
