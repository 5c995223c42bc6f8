// The harness against the GSD sample implementations (fixtures/implementations/gsd-*.ts): the
// correct one agrees with the shipped 2024 and 2025 packs on every product line under the CLI's
// default budget, and each wrong one is caught under every seed, in the rate its bug changes, with
// a shrunk member that shows the bug.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckResult, Finding } from '../../src/harness/check.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { ProductLine } from '../../src/model/member.ts';
import { evidenceOf } from '../support/traceQuery.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const SEEDS = [11, 22, 33] as const;
const YEARS = [2024, 2025] as const;
/** Cases per product line: the CLI default, the budget a user gets. */
const RUNS = DEFAULT_RUNS;

const BELOW_8 = 'numerator:below-8';
const ABOVE_9 = 'numerator:above-9';

const shippedGsd = (year: number) => shippedPackAndMeasure(year, 'GSD');

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
    const { pack, measure } = shippedGsd(year);
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

/** The reference's glycemic-status reading for a finding's member (the same for both rates). */
function reading(finding: Finding) {
  return evidenceOf(finding.reference.trace, 'gsd-above-9', 'reading');
}

interface WrongCase {
  readonly bug: string;
  /** Rates whose numerator the bug can change; the first finding must be one of them. */
  readonly rates: readonly string[];
  /** What the shrunk member must show, checked on the first finding of each product line. */
  readonly shows: string;
  readonly check: (finding: Finding) => void;
}

const WRONG: readonly WrongCase[] = [
  {
    bug: 'missing-result-is-controlled',
    // Missing result: the reference says not < 8 and > 9; the bug says the opposite. below-8 is
    // compared first.
    rates: [BELOW_8],
    shows: 'the most recent test date has no result',
    check: (finding) => {
      const r = reading(finding);
      expect(r.date, 'a most recent test date').toBeDefined();
      expect(
        r.readings.every((v) => v.value === undefined),
        'no value that day',
      ).toBe(true);
      expect(r.tests).toMatchObject([{ passed: true }]);
      expect(r.tests[0]?.value).toBeUndefined();
    },
  },
  {
    bug: 'first-test-not-most-recent',
    rates: [BELOW_8, ABOVE_9],
    shows: 'two or more test dates in the measurement year',
    check: (finding) => {
      const year = finding.request.year;
      const codes = new Set(['4548-4', '17855-8', '17856-6', '4549-2', '96595-4', '97506-0']);
      // CPT II result codes on claims are test results too.
      const cptII = new Set(['3044F', '3051F', '3052F', '3046F']);
      const dates = new Set([
        ...finding.member.observations
          .filter((o) => o.date.startsWith(`${year}-`) && codes.has(o.code.code))
          .map((o) => o.date),
        ...finding.member.claims
          .filter((c) => c.date.startsWith(`${year}-`) && c.codes.some((x) => cptII.has(x.code)))
          .map((c) => c.date),
      ]);
      expect(dates.size, `test dates in ${year}`).toBeGreaterThanOrEqual(2);
    },
  },
  {
    bug: 'highest-same-day',
    rates: [BELOW_8, ABOVE_9],
    shows: 'two different results on the most recent date',
    check: (finding) => {
      // A number, or the range a CPT II code on a claim reports.
      const values = reading(finding).readings.flatMap((v) =>
        v.value !== undefined ? [String(v.value)] : v.range ? [JSON.stringify(v.range)] : [],
      );
      expect(new Set(values).size, `results on ${reading(finding).date ?? '?'}`).toBeGreaterThan(1);
    },
  },
];

describe('gsd-correct.ts agrees with the reference', () => {
  describe.each(YEARS)('MY%i', (year) => {
    it.each(SEEDS)('on every product line, seed %i, at the default budget', async (seed) => {
      const result = await check('gsd-correct.ts', year, seed);
      expect(firstPopulations(result)).toEqual({
        commercial: 'agrees',
        medicaid: 'agrees',
        medicare: 'agrees',
      });
      expect(result.productLines.map((r) => r.cases)).toEqual([RUNS, RUNS, RUNS]);
      expect(result.exitCode).toBe(0);
    });
  });
});

describe.each(WRONG)('gsd-wrong-$bug.ts is caught', ({ bug, rates, shows, check: shown }) => {
  it.each(SEEDS)(
    `under seed %i in MY2025, on every product line, in the rate the bug changes`,
    async (seed) => {
      const result = await check(`gsd-wrong-${bug}.ts`, 2025, seed);
      expect(result.exitCode).toBe(1);
      const first = firstPopulations(result);
      for (const line of PRODUCT_LINES)
        expect(rates, `${line}: ${first[line] ?? ''}`).toContain(first[line]);
      for (const r of result.productLines) {
        expect(r.cases, r.productLine).toBe(RUNS);
        expect(r.failedCases, `${r.productLine}: cases the implementation failed to run`).toBe(0);
        for (const f of r.findings)
          expect(rates, `${r.productLine}: ${f.key}`).toContain(f.difference?.population);
      }
    },
  );

  it.each(SEEDS)(`shrinks to a member that shows ${shows}, seed %i`, async (seed) => {
    const result = await check(`gsd-wrong-${bug}.ts`, 2025, seed);
    for (const line of PRODUCT_LINES) {
      const finding = firstFinding(result, line);
      expect(finding.reference.outcome.denominator, line).toBe(true);
      expect(finding.reference.outcome.denominatorExclusion, line).toBe(false);
      shown(finding);
    }
  });
});
