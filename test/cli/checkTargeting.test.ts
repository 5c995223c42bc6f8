// `measurecheck check --against-year`, `--against-product-line` and `--coverage` as a user runs
// them: a real child process, judged by what it prints and the JSON report it writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCli } from '../support/runCli.ts';

const BCS_E_2024_AGES = 'fixtures/implementations/bcs-e-wrong-2024-ages-in-2025.ts';
const ISNP = 'fixtures/implementations/col-e-wrong-isnp-all-product-lines.ts';
const COL_E_CORRECT = 'fixtures/implementations/col-e-correct.ts';
const FAST = ['--runs', '100', '--seed', '3'];

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-targeting-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The parts of the JSON report these tests read; the rest is left to the report's own tests. */
const neighbourSchema = z.looseObject({ kind: z.string() });
const reportSchema = z.looseObject({
  exitCode: z.number(),
  productLines: z.array(
    z.looseObject({
      productLine: z.string(),
      targeting: z
        .array(
          z.looseObject({
            neighbour: neighbourSchema,
            differing: z.number(),
            active: z.boolean(),
          }),
        )
        .optional(),
      findings: z.array(
        z.looseObject({
          difference: z.looseObject({ population: z.string() }),
          matchesNeighbour: neighbourSchema.optional(),
        }),
      ),
      coverage: z
        .looseObject({
          members: z.number(),
          clauses: z.array(
            z.looseObject({ id: z.string(), whenTrue: z.number(), whenFalse: z.number() }),
          ),
        })
        .optional(),
    }),
  ),
});

function readReport(file: string): z.infer<typeof reportSchema> {
  return reportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

describe('measurecheck check --against-year', () => {
  it("says the BCS-E implementation that kept 2024's ages agrees with the 2024 rules, not 2025", async () => {
    const json = join(scratch, 'bcs-e-against-2024.json');
    const run = await runCli([
      'check',
      '--impl',
      BCS_E_2024_AGES,
      '--measure',
      'BCS-E',
      '--year',
      '2025',
      '--product-line',
      'commercial',
      '--against-year',
      '2024',
      '--json',
      json,
      ...FAST,
    ]);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/BCS-E 2025 commercial: initialPopulation differs/);
    expect(run.stdout).toContain(
      'this implementation agrees with the 2024 rules for this member, not the 2025 rules',
    );
    expect(run.stdout).toContain('--against-year 2024');
    const line = readReport(json).productLines[0];
    expect(line?.targeting?.[0]).toMatchObject({ neighbour: { kind: 'year', year: 2024 } });
    expect(line?.targeting?.[0]?.active).toBe(true);
    expect(line?.findings[0]?.matchesNeighbour).toEqual({ kind: 'year', year: 2024 });
  });
});

describe('measurecheck check --against-product-line', () => {
  it('says the COL-E implementation that applies the I-SNP exclusion everywhere applies the medicare rule to a commercial member', async () => {
    const json = join(scratch, 'isnp-against-medicare.json');
    const run = await runCli([
      'check',
      '--impl',
      ISNP,
      '--product-line',
      'commercial',
      '--no-against-year',
      '--against-product-line',
      'medicare',
      '--json',
      json,
      ...FAST,
    ]);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/COL-E 2025 commercial: denominatorExclusion differs/);
    expect(run.stdout).toContain('it applies the medicare rule to a commercial member');
    // The replay line keeps the targeting, so a replay aims at the same members.
    expect(run.stdout).toMatch(/replay: .*--against-product-line medicare/);
    const line = readReport(json).productLines[0];
    expect(line?.targeting?.[0]).toMatchObject({
      neighbour: { kind: 'productLine', productLine: 'medicare' },
      active: true,
    });
    expect(line?.findings[0]?.matchesNeighbour).toEqual({
      kind: 'productLine',
      productLine: 'medicare',
    });
  });
});

describe('measurecheck check --coverage', () => {
  it('prints the clause coverage of each product line and carries it in the JSON report', async () => {
    const json = join(scratch, 'coverage.json');
    const run = await runCli([
      'check',
      '--impl',
      COL_E_CORRECT,
      '--coverage',
      '--json',
      json,
      ...FAST,
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Clause coverage (reference outcomes over the generated cases):');
    for (const line of ['commercial', 'medicaid', 'medicare']) {
      expect(run.stdout).toMatch(
        new RegExp(
          `^ {2}${line}: (all \\d+|\\d+ of \\d+) clause outcomes exercised \\(100 members\\)`,
          'm',
        ),
      );
    }
    const report = readReport(json);
    expect(report.exitCode).toBe(0);
    expect(report.productLines.map((l) => l.productLine)).toEqual([
      'commercial',
      'medicaid',
      'medicare',
    ]);
    for (const line of report.productLines) {
      expect(line.coverage?.members).toBe(100);
      const ids = line.coverage?.clauses.map((c) => c.id) ?? [];
      expect(ids).toContain('col-e-age');
      expect(ids).toContain('frailty-advanced-illness-66-plus');
      const age = line.coverage?.clauses.find((c) => c.id === 'col-e-age');
      expect((age?.whenTrue ?? 0) + (age?.whenFalse ?? 0)).toBe(100);
    }
  });

  it('prints no coverage without --coverage', async () => {
    const run = await runCli([
      'check',
      '--impl',
      COL_E_CORRECT,
      '--product-line',
      'medicaid',
      ...FAST,
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('Clause coverage');
    expect(run.stdout).not.toMatch(/clause outcomes/);
  });
});
