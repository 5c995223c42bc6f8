// Every finding prints a seed and a path; replaying them must bring back exactly that member and
// that disagreement, and the same seed must give the same findings on every run.
import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckResult, Finding } from '../../src/harness/check.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { ProductLine } from '../../src/model/member.ts';
import { repoFile } from '../support/repoFiles.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const { pack, measure } = shippedPackAndMeasure(2025, 'COL-E');
const RUNS = 500;

function wrong(bug: string): Promise<Implementation> {
  return loadModuleImplementation(repoFile(`fixtures/implementations/col-e-wrong-${bug}.ts`));
}

function check(
  implementation: Implementation,
  seed: number,
  productLines: readonly (ProductLine | undefined)[] = PRODUCT_LINES,
  path?: string,
): Promise<CheckResult> {
  return runCheck({
    pack,
    measure,
    productLines,
    implementation,
    runs: RUNS,
    seed,
    generator: 'rule-aware',
    ...(path !== undefined ? { path } : {}),
  });
}

/** What a finding says, without how long it took to find. */
function gist(f: Finding) {
  return {
    productLine: f.productLine,
    key: f.key,
    difference: f.difference,
    member: f.member,
    implementationOutcome: f.implementationOutcome,
    referenceOutcome: f.reference.outcome,
  };
}

describe('replaying a finding with its printed seed and path', () => {
  it.each([
    ['colonoscopy-window-off-by-one-year', 11],
    ['45-day-gap-is-a-break', 22],
    ['isnp-all-product-lines', 33],
    ['frailty-without-advanced-illness', 11],
    ['medicaid-monthly-rule-ignored', 22],
  ] as const)(
    'col-e-wrong-%s.ts (seed %i): the same member and the same differing population',
    async (bug, seed) => {
      const implementation = await wrong(bug);
      const run = await check(implementation, seed);
      const findings = run.productLines.flatMap((r) => r.findings);
      expect(findings.length).toBeGreaterThan(0);

      for (const finding of findings) {
        const replay = await check(
          implementation,
          finding.seed,
          [finding.productLine],
          finding.path,
        );
        const line = replay.productLines[0];
        expect(replay.exitCode, finding.key).toBe(1);
        expect(line?.cases, finding.key).toBe(1);
        expect(line?.findings.map(gist), finding.key).toEqual([gist(finding)]);
        // The replayed finding prints the same replay line again.
        expect(line?.findings[0]?.path, finding.key).toBe(finding.path);
        expect(line?.findings[0]?.seed, finding.key).toBe(finding.seed);
      }
    },
  );
});

describe('determinism', () => {
  it.each([
    ['age-floor-50', 22],
    ['no-dec-31-enrollment', 33],
    ['frailty-without-advanced-illness', 11],
  ] as const)('col-e-wrong-%s.ts: seed %i gives the same findings twice', async (bug, seed) => {
    const first = await check(await wrong(bug), seed);
    // A fresh load of the module, as a second CI run would have.
    const second = await check(await wrong(bug), seed);

    const summary = (r: CheckResult) =>
      r.productLines.map((l) => ({
        productLine: l.productLine,
        cases: l.cases,
        discrepantCases: l.discrepantCases,
        failedCases: l.failedCases,
        unreportedFindings: l.unreportedFindings,
        findings: l.findings.map((f) => ({
          ...gist(f),
          path: f.path,
          seed: f.seed,
          occurrences: f.occurrences,
          shrinkSteps: f.shrinkSteps,
          decidingClauses: f.decidingClauses,
          trace: f.reference.trace,
        })),
      }));
    expect(first.exitCode).toBe(1);
    expect(summary(second)).toEqual(summary(first));
  });
});
