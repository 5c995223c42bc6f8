// Clause-outcome coverage: a hand-written tiny deck reports exactly the clause
// outcomes it misses, through the library and the CLI; and a default-budget `runCheck` of the
// correct sample implementation exercises every clause outcome of every shipped 2025 measure.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { orThrow } from '../../src/model/problem.ts';
import { readMemberDeck } from '../../src/model/readMemberDeck.ts';
import { runCheck } from '../../src/harness/check.ts';
import {
  deckCoverage,
  measureClauseIds,
  missingOutcomes,
} from '../../src/harness/clauseCoverage.ts';
import type { ProductLine } from '../../src/model/member.ts';
import { formatMissingOutcome } from '../../src/report/clauseCoverageText.ts';
import { runCli } from '../support/runCli.ts';
import { shippedMeasure, shippedPack } from '../support/shippedPacks.ts';

const pack = shippedPack(2025);
const colE = shippedMeasure(2025, 'COL-E');

const DECK = fileURLToPath(
  new URL('../../fixtures/decks/coverage-tiny/members.jsonl', import.meta.url),
);

/*
 * What the tiny deck exercises (every member is enrolled in commercial only):
 * A 60, enrolled 2024-2025, FOBT 2025; B 47, enrolled 2025 only, hospice status 2025;
 * C 70, enrolled, died 2025, colonoscopy 2020; D 80, enrolled, palliative care 2025.
 * - col-e-age: true for A, B, C; false for D (80). Initial population: true for A and C on
 *   commercial, false for B (enrollment) and D (age); on medicaid and medicare nobody is enrolled
 *   (their spans are commercial), so the initial population and enrollment are never true there.
 * - Exclusions: hospice (status, B), death (C), palliative care (D) are true once each; no
 *   colorectal cancer, hospice claim, frailty, advanced illness or dementia medication anywhere.
 *   frailty-age-66-plus is true for C and D, false for A and B.
 * - isnp-lti-66-plus applies on medicare only: its age (66+) is both, its status never true.
 * - Numerator: FOBT (A) and colonoscopy (C) true; sDNA-FIT, sigmoidoscopy, CT colonography never.
 * - Strata: 46-49 true for B only; 50-75 (min 50, no max) true for A, C, D, false for B.
 */
const NEVER_TRUE_EVERYWHERE = [
  'col-e-colorectal-cancer-or-colectomy',
  'hospice-claim',
  'frailty-advanced-illness-66-plus',
  'frailty',
  'advanced-illness',
  'advanced-illness-diagnosis',
  'dementia-medication',
  'col-e-sdna-fit',
  'col-e-flexible-sigmoidoscopy',
  'col-e-ct-colonography',
];
const NOT_ENROLLED = [
  'col-e-initial-population',
  'col-e-enrollment',
  'continuous-enrollment-my-and-prior',
];
const never = (line: ProductLine, ids: readonly string[]) =>
  ids.map((id) => `clause ${id} never true on ${line}`);
const EXPECTED_MISSING: Record<ProductLine, string[]> = {
  commercial: never('commercial', NEVER_TRUE_EVERYWHERE),
  medicaid: never('medicaid', [...NOT_ENROLLED, ...NEVER_TRUE_EVERYWHERE]),
  medicare: never('medicare', [
    ...NOT_ENROLLED,
    ...NEVER_TRUE_EVERYWHERE.slice(0, 2),
    'isnp-lti-66-plus',
    'isnp-lti-status',
    ...NEVER_TRUE_EVERYWHERE.slice(2),
  ]),
};
const LINES: readonly ProductLine[] = ['commercial', 'medicaid', 'medicare'];

describe('clause ids of a measure', () => {
  it('lists every reachable clause once, and leaves out clauses scoped to other product lines', () => {
    const all = measureClauseIds(colE);
    expect(all).toHaveLength(28);
    expect(all.slice(0, 5)).toEqual([
      'col-e-initial-population',
      'col-e-age',
      'col-e-enrollment',
      'continuous-enrollment-my-and-prior',
      'col-e-exclusions',
    ]);
    expect(all).toContain('dementia-medication');
    expect(all.at(-1)).toBe('col-e-stratum-50-75');
    expect(measureClauseIds(colE, 'medicare')).toEqual(all);
    const commercial = measureClauseIds(colE, 'commercial');
    expect(all.filter((id) => !commercial.includes(id))).toEqual([
      'isnp-lti-66-plus',
      'isnp-lti-age-66-plus',
      'isnp-lti-status',
    ]);
  });
});

describe('coverage of the hand-written tiny deck', () => {
  it('reports exactly the clause outcomes the deck misses, per product line', () => {
    const members = orThrow(readMemberDeck(DECK));
    expect(members.map((m) => m.id)).toEqual([
      'A-60-FOBT',
      'B-47-HOSPICE-ENROLLED-2025-ONLY',
      'C-70-DIED-COLONOSCOPY-2020',
      'D-80-PALLIATIVE',
    ]);
    const coverage = deckCoverage(colE, members, LINES);
    for (const c of coverage) {
      expect(c.members).toBe(4);
      expect(c.missing.map(formatMissingOutcome)).toEqual(
        EXPECTED_MISSING[c.productLine ?? 'commercial'],
      );
    }
    expect(coverage.map((c) => c.outcomes)).toEqual([50, 50, 56]);
    // Scoped out on commercial: evaluated (as not applicable) but not an outcome to exercise.
    const isnp = coverage[0]?.clauses.find((c) => c.id === 'isnp-lti-66-plus');
    expect(isnp).toEqual({
      id: 'isnp-lti-66-plus',
      whenTrue: 0,
      whenFalse: 0,
      notApplicable: 4,
    });
    expect(missingOutcomes(coverage)).toHaveLength(10 + 13 + 15);
  });

  it('prints the same report through the CLI, exit 1 when outcomes are missing', async () => {
    const run = await runCli([
      'coverage',
      '--members',
      DECK,
      '--measure',
      'COL-E',
      '--year',
      '2025',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain(
      'commercial: 40 of 50 clause outcomes exercised (4 members); never exercised:',
    );
    for (const line of LINES) {
      const listed = lines
        .filter((l) => l.startsWith('  clause ') && l.endsWith(` on ${line}`))
        .map((l) => l.trim());
      expect(listed).toEqual(EXPECTED_MISSING[line]);
    }

    const json = await runCli([
      'coverage',
      '--members',
      DECK,
      '--measure',
      'COL-E',
      '--year',
      '2025',
      '--product-line',
      'medicaid',
      '--json',
    ]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      members: number;
      productLines: { productLine: string }[];
      missing: string[];
    };
    expect(report.members).toBe(4);
    expect(report.productLines.map((p) => p.productLine)).toEqual(['medicaid']);
    expect(report.missing).toEqual(EXPECTED_MISSING.medicaid);
  });

  describe('bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'measurecheck-coverage-'));
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('names the file and line of a bad record and exits 2', async () => {
      const file = join(dir, 'bad.jsonl');
      const good = '{"id":"X","birthDate":"1965-06-15","sex":"F"}';
      writeFileSync(file, `${good}\n\n${good.replace('"1965-06-15"', '"not a date"')}\n`);
      const run = await runCli(['coverage', '--members', file, '--measure', 'COL-E']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${file}:3`);
      expect(run.stdout).toBe('');
    });

    it('rejects a missing deck and an empty one', () => {
      expect(() => orThrow(readMemberDeck(join(dir, 'nope.jsonl')))).toThrow(
        /no such file or folder/,
      );
      const empty = join(dir, 'empty.jsonl');
      writeFileSync(empty, '\n');
      expect(() => orThrow(readMemberDeck(empty))).toThrow(/no member records/);
    });
  });
});

describe('runCheck at the default budget exercises every clause outcome of the shipped measures', () => {
  const SEED = 1;
  for (const id of [...pack.measures.keys()]) {
    it(`${id} 2025`, { timeout: 60_000 }, async () => {
      const measure = pack.measures.get(id);
      if (!measure) throw new Error(id);
      const implementation = await loadModuleImplementation(
        fileURLToPath(
          new URL(`../../fixtures/implementations/${id.toLowerCase()}-correct.ts`, import.meta.url),
        ),
      );
      try {
        const result = await runCheck({
          pack,
          measure,
          productLines: measure.productLines,
          implementation,
          runs: DEFAULT_RUNS,
          seed: SEED,
          generator: 'rule-aware',
        });
        expect(result.exitCode).toBe(0);
        const coverage = result.productLines.map((r) => {
          if (!r.coverage) throw new Error(`no coverage for ${r.productLine}`);
          return r.coverage;
        });
        for (const c of coverage) {
          expect(c.members).toBe(DEFAULT_RUNS);
          expect(c.outcomes).toBe(2 * measureClauseIds(measure, c.productLine).length);
        }
        const missing = missingOutcomes(coverage);
        expect(missing.map(formatMissingOutcome)).toEqual([]);
      } finally {
        await implementation.close();
      }
    });
  }
});

describe('check --coverage', () => {
  it('prints, per product line, that all clause outcomes were exercised', async () => {
    const run = await runCli([
      'check',
      '--measure',
      'COL-E',
      '--year',
      '2025',
      '--product-line',
      'commercial',
      '--seed',
      '1',
      '--runs',
      '1000',
      '--coverage',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Clause coverage');
    expect(run.stdout).toContain('commercial: all 50 clause outcomes exercised (1000 members)');
  });
});
