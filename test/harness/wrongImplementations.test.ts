// The harness's reason to exist: each sample COL-E implementation with a known bug
// (fixtures/implementations/README.md) is caught, on the product lines where the bug shows, with
// the population the bug changes, and shrunk to a member a reader can check at a glance. The
// correct implementations, in TypeScript and in Python, pass under the same seeds.
import { afterAll, describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { openImplementation } from '../../src/adapters/openImplementation.ts';
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckResult, Finding } from '../../src/harness/check.ts';
import type { OutcomeDifference } from '../../src/harness/compare.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { ProductLine } from '../../src/model/member.ts';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';
import { evidenceOf } from '../support/traceQuery.ts';

const SEEDS = [11, 22, 33] as const;

/**
 * Cases per product line: the CLI default, since the claim under test is that the default budget
 * catches every one of these bugs.
 */
const RUNS = DEFAULT_RUNS;

const { pack, measure } = shippedPackAndMeasure(2025, 'COL-E');

/** What the first finding on a product line should report, or `agrees` for no discrepancy. */
type Expected = Readonly<Record<ProductLine, OutcomeDifference['population'] | 'agrees'>>;

const onEveryLine = (population: OutcomeDifference['population'] | 'agrees'): Expected => ({
  commercial: population,
  medicaid: population,
  medicare: population,
});
const agreeEverywhere = onEveryLine('agrees');

/** The wrong implementations whose bug shows in one population; `age-at-run-date` is apart. */
const WRONG: readonly { readonly bug: string; readonly expected: Expected }[] = [
  { bug: 'age-floor-50', expected: onEveryLine('initialPopulation') },
  {
    bug: 'isnp-all-product-lines',
    expected: {
      commercial: 'denominatorExclusion',
      medicaid: 'denominatorExclusion',
      medicare: 'agrees',
    },
  },
  { bug: 'colonoscopy-window-off-by-one-year', expected: onEveryLine('numerator') },
  {
    bug: '45-day-gap-is-a-break',
    // Medicaid uses the one-month rule, which the bug does not touch.
    expected: {
      commercial: 'initialPopulation',
      medicaid: 'agrees',
      medicare: 'initialPopulation',
    },
  },
  {
    bug: 'medicaid-monthly-rule-ignored',
    expected: { commercial: 'agrees', medicaid: 'initialPopulation', medicare: 'agrees' },
  },
  { bug: 'frailty-without-advanced-illness', expected: onEveryLine('denominatorExclusion') },
  { bug: 'no-dec-31-enrollment', expected: onEveryLine('initialPopulation') },
];

const implementations = new Map<string, Promise<Implementation>>();
const results = new Map<string, Promise<CheckResult>>();

afterAll(async () => {
  const opened = await Promise.all(implementations.values());
  await Promise.all(opened.map((impl) => impl.close()));
});

/** Opens an implementation the way the CLI does, once per file (a process stays running). */
function implementation(spec: string): Promise<Implementation> {
  let impl = implementations.get(spec);
  if (!impl) {
    impl = spec.endsWith('.ts')
      ? loadModuleImplementation(repoFile(spec))
      : openImplementation(spec, { cwd: REPO_ROOT });
    implementations.set(spec, impl);
  }
  return impl;
}

/** `runCheck` on every product line, once per implementation and seed (tests share the result). */
function check(spec: string, seed: number): Promise<CheckResult> {
  const key = `${spec} ${seed}`;
  let result = results.get(key);
  if (!result) {
    result = implementation(spec).then((impl) =>
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

const wrong = (bug: string, seed: number) =>
  check(`fixtures/implementations/col-e-wrong-${bug}.ts`, seed);

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

/** The first finding on `line`; fails the test when there is none. */
function firstFinding(result: CheckResult, line: ProductLine): Finding {
  const finding = result.productLines.find((r) => r.productLine === line)?.findings[0];
  if (!finding) throw new Error(`no finding on ${line} (seed ${result.seed})`);
  return finding;
}

/** The reference's continuous-enrollment evidence for a finding's member. */
function enrollmentEvidence(finding: Finding) {
  return evidenceOf(finding.reference.trace, 'continuous-enrollment-my-and-prior', 'enrollment');
}

describe.each(WRONG)('col-e-wrong-$bug through the module adapter', ({ bug, expected }) => {
  it.each(SEEDS)('is caught under seed %i, in the population the bug changes', async (seed) => {
    const result = await wrong(bug, seed);

    expect(result.exitCode).toBe(1);
    expect(firstPopulations(result)).toEqual(expected);
    for (const r of result.productLines) {
      expect(r.cases, r.productLine).toBe(RUNS);
      expect(r.failedCases, `${r.productLine}: cases the implementation failed to run`).toBe(0);
      if (expected[r.productLine ?? 'commercial'] === 'agrees') expect(r.findings).toEqual([]);
    }
  });
});

describe('col-e-wrong-age-at-run-date.ts through the module adapter', () => {
  // Its answers depend on the day the test runs, so only the kind of finding is fixed.
  const ageDriven: readonly string[] = ['initialPopulation', 'stratum', 'denominatorExclusion'];

  it.each(SEEDS)('is caught under seed %i, in populations that depend on age', async (seed) => {
    const result = await wrong('age-at-run-date', seed);

    expect(result.exitCode).toBe(1);
    const findings = result.productLines.flatMap((r) => r.findings);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(ageDriven, `${f.productLine}: ${f.key}`).toContain(f.difference?.population);
    }
  });
});

describe('the shrunk counterexample is one a reader can check at a glance', () => {
  it.each(SEEDS)(
    'colonoscopy-window-off-by-one-year, seed %i: one claim, on 2016-01-01 (first day of the window)',
    async (seed) => {
      const result = await wrong('colonoscopy-window-off-by-one-year', seed);
      const claims = Object.fromEntries(
        PRODUCT_LINES.map((line) => [
          line,
          firstFinding(result, line).member.claims.map((c) => c.date),
        ]),
      );
      expect(claims).toEqual({
        commercial: ['2016-01-01'],
        medicaid: ['2016-01-01'],
        medicare: ['2016-01-01'],
      });
    },
  );

  it.each(SEEDS)(
    'isnp-all-product-lines, seed %i: one I-SNP status and no claims',
    async (seed) => {
      const result = await wrong('isnp-all-product-lines', seed);
      const shapes = Object.fromEntries(
        (['commercial', 'medicaid'] as const).map((line) => {
          const { member } = firstFinding(result, line);
          return [
            line,
            {
              statuses: member.statuses.map((s) => s.kind),
              claims: member.claims.map(
                (c) => `${c.date} ${c.codes.map((k) => `${k.system} ${k.code}`).join(' ')}`,
              ),
            },
          ];
        }),
      );
      expect(shapes).toEqual({
        commercial: { statuses: ['isnp'], claims: [] },
        medicaid: { statuses: ['isnp'], claims: [] },
      });
    },
  );

  it.each(SEEDS)(
    '45-day-gap-is-a-break, seed %i: the reference shows an enrollment gap of exactly 45 days',
    async (seed) => {
      const result = await wrong('45-day-gap-is-a-break', seed);
      for (const line of ['commercial', 'medicare'] as const) {
        const finding = firstFinding(result, line);
        const gaps = enrollmentEvidence(finding).segments.flatMap((s) => s.gaps.map((g) => g.days));
        expect(gaps, `${line}: gap lengths in days`).toContain(45);
        expect(finding.reference.outcome.initialPopulation, line).toBe(true);
      }
    },
  );

  it.each(SEEDS)(
    'age-floor-50, seed %i: the member is 46-49 on Dec 31 of the measurement year',
    async (seed) => {
      const result = await wrong('age-floor-50', seed);
      for (const line of PRODUCT_LINES) {
        const age = evidenceOf(firstFinding(result, line).reference.trace, 'col-e-age', 'age');
        expect(age.asOf, line).toBe('2025-12-31');
        expect([46, 47, 48, 49], `${line}: age`).toContain(age.age);
      }
    },
  );

  it.each(SEEDS)(
    'medicaid-monthly-rule-ignored, seed %i: a gap longer than a month and at most 45 days',
    async (seed) => {
      const result = await wrong('medicaid-monthly-rule-ignored', seed);
      const finding = firstFinding(result, 'medicaid');
      const failing = enrollmentEvidence(finding).segments.filter((s) => !s.ok);
      expect(finding.reference.outcome.initialPopulation).toBe(false);
      expect(failing.map((s) => s.allowance)).toEqual([{ gaps: 1, maxMonths: 1 }]);
      const days = failing.flatMap((s) => s.gaps.map((g) => g.days));
      expect(days.length).toBe(1);
      expect(
        days.every((d) => d > 28 && d <= 45),
        `gap of ${days.join(', ')} days`,
      ).toBe(true);
    },
  );

  it.each(SEEDS)(
    'no-dec-31-enrollment, seed %i: not enrolled in the product line on 2025-12-31',
    async (seed) => {
      const result = await wrong('no-dec-31-enrollment', seed);
      for (const line of PRODUCT_LINES) {
        const anchor = enrollmentEvidence(firstFinding(result, line)).anchor;
        expect({ date: anchor?.date, enrolled: anchor?.enrolled }, line).toEqual({
          date: '2025-12-31',
          enrolled: false,
        });
      }
    },
  );
});

describe('the correct implementations agree under the same seeds', () => {
  it.each(SEEDS)('col-e-correct.ts through the module adapter, seed %i', async (seed) => {
    const result = await check('fixtures/implementations/col-e-correct.ts', seed);
    expect(firstPopulations(result)).toEqual(agreeEverywhere);
    expect(result.productLines.map((r) => r.cases)).toEqual([RUNS, RUNS, RUNS]);
    expect(result.exitCode).toBe(0);
  });

  it.each(SEEDS)(
    'python3 fixtures/implementations/col-e-correct.py through the process adapter, seed %i',
    async (seed) => {
      const result = await check('python3 fixtures/implementations/col-e-correct.py', seed);
      expect(firstPopulations(result)).toEqual(agreeEverywhere);
      expect(result.productLines.map((r) => r.cases)).toEqual([RUNS, RUNS, RUNS]);
      expect(result.aborted).toBe(undefined);
      expect(result.exitCode).toBe(0);
    },
  );
});
