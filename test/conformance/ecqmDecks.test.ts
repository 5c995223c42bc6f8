// The ecqm-2025 pack against expected results written outside this project: the published eCQM
// test cases (CMS's MADiE export) for CMS130, CMS125, CMS165 and CMS122, kept beside the
// repository in ../shared/conformance/ecqm-mp2025 (tests may read it; the package never does).
//
// Every case is imported from its FHIR files and evaluated by the reference; each case we do not
// reproduce must be in ecqm-skips.yaml with its reason and evidence, and each case listed there
// must still differ, exactly as written. docs/conformance.md's table must equal what this finds.
// CI runs this file under TZ=UTC, America/New_York and Pacific/Kiritimati; the last test also runs
// the command-line path (import fhir, then compare --reference) under all three in one run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { importFhir } from '../../src/adapters/fhir/index.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { compareOutcomes } from '../../src/harness/compare.ts';
import type { OutcomeDifference } from '../../src/harness/compare.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';
import { runCli } from '../support/runCli.ts';

const SHARED = [
  resolve(REPO_ROOT, '../shared/conformance/ecqm-mp2025'),
  resolve(REPO_ROOT, '../../shared/conformance/ecqm-mp2025'),
].find((dir) => existsSync(dir));
const DIR = SHARED ?? '';

/** The deck's folders and the measure each reproduces. */
const FOLDERS = {
  ColonCancerScreeningFHIR: 'CMS130',
  BreastCancerScreeningFHIR: 'CMS125',
  ControllingHighBloodPressureFHIR: 'CMS165',
  DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR: 'CMS122',
} as const;
const PACK = repoFile('rules/ecqm/2025');
const bundles = Object.keys(FOLDERS).map((f) => resolve(DIR, f, 'valuesets-bundle.json'));
const testFolders = Object.keys(FOLDERS).map((f) => resolve(DIR, f, 'tests'));

const skipSchema = z.array(
  z.strictObject({
    measure: z.string(),
    case: z.string(),
    title: z.string(),
    population: z.string(),
    expected: z.union([z.boolean(), z.string()]),
    ours: z.union([z.boolean(), z.string()]),
    reason: z.string().min(80),
    evidence: z.array(z.string()).min(2),
  }),
);
const SKIPS = skipSchema.parse(
  parse(readFileSync(repoFile('test/conformance/ecqm-skips.yaml'), 'utf8')),
);

interface Miss {
  readonly measure: string;
  readonly case: string;
  readonly difference: OutcomeDifference;
}

/** Imports every case and compares the reference with each expected row. */
function runDeck(): { perMeasure: Map<string, { cases: number; agree: number }>; misses: Miss[] } {
  const packResult = loadPack(PACK, { valueSets: bundles });
  if (!packResult.ok) throw new Error(JSON.stringify(packResult.problems));
  const pack = packResult.value;
  const byUrl = new Map([...pack.measures.values()].map((m) => [m.url, m.id]));
  const imported = importFhir(testFolders, { measureForUrl: (url) => byUrl.get(url) });
  expect(imported.problems).toEqual([]);
  const perMeasure = new Map<string, { cases: number; agree: number }>();
  const misses: Miss[] = [];
  for (const c of imported.cases) {
    for (const expected of c.expected) {
      const measure = pack.measures.get(expected.measure);
      if (measure === undefined) throw new Error(`no measure ${expected.measure}`);
      const ours = evaluateMeasure(measure, { measure: measure.id, year: 2025 }, c.member).outcome;
      // MeasureReports state no stratum: strata are not compared.
      const difference = compareOutcomes({ ...expected, memberId: c.member.id }, ours, {
        stratum: false,
      });
      const tally = perMeasure.get(measure.id) ?? { cases: 0, agree: 0 };
      perMeasure.set(measure.id, {
        cases: tally.cases + 1,
        agree: tally.agree + (difference ? 0 : 1),
      });
      if (difference) misses.push({ measure: measure.id, case: c.member.id, difference });
    }
  }
  return { perMeasure, misses };
}

/** The rows of docs/conformance.md's results table: measure, cases, reproduced, skipped. */
function documentedTable(): Map<string, { cases: number; agree: number; skipped: number }> {
  const doc = readFileSync(repoFile('docs/conformance.md'), 'utf8');
  const rows = new Map<string, { cases: number; agree: number; skipped: number }>();
  for (const line of doc.split('\n')) {
    const m = /^\| (CMS\d+)\S* +\| [^|]+\| +(\d+) +\| +(\d+) +\| +(\d+) +\|/.exec(line);
    if (m?.[1] !== undefined) {
      rows.set(m[1], { cases: Number(m[2]), agree: Number(m[3]), skipped: Number(m[4]) });
    }
  }
  return rows;
}

describe.runIf(SHARED !== undefined)('ecqm-2025 on the published eCQM test decks', () => {
  const { perMeasure, misses } = runDeck();

  it('reproduces at least 217 of the 219 expected MeasureReports', () => {
    const cases = [...perMeasure.values()].reduce((n, t) => n + t.cases, 0);
    const agree = [...perMeasure.values()].reduce((n, t) => n + t.agree, 0);
    expect(cases).toBe(219);
    expect(agree).toBeGreaterThanOrEqual(217);
  });

  it('differs only on the cases of the skip list, exactly as each entry says', () => {
    expect(SKIPS.length).toBeLessThanOrEqual(2);
    const found = misses.map((m) => ({
      measure: m.measure,
      case: m.case,
      population: m.difference.population,
      expected: m.difference.reference,
      ours: m.difference.implementation,
    }));
    const listed = SKIPS.map((s) => ({
      measure: s.measure,
      case: s.case,
      population: s.population,
      expected: s.expected,
      ours: s.ours,
    }));
    const key = (x: { case: string }) => x.case;
    expect(found.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      listed.sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it('the skip list names each case as the deck titles it', () => {
    for (const s of SKIPS) {
      const folder = Object.entries(FOLDERS).find(([, id]) => id === s.measure)?.[0] ?? '';
      const titles = readFileSync(resolve(DIR, folder, 'cases.txt'), 'utf8');
      expect(titles).toContain(`${s.case} = ${s.title}`);
    }
  });

  it('docs/conformance.md gives the table this run finds', () => {
    const table = documentedTable();
    expect([...table.keys()].sort()).toEqual([...perMeasure.keys()].sort());
    for (const [measure, t] of perMeasure) {
      const skipped = SKIPS.filter((s) => s.measure === measure).length;
      expect({ measure, ...table.get(measure) }).toEqual({ measure, ...t, skipped });
    }
  });
});

describe.runIf(SHARED !== undefined)('import fhir and compare --reference from the CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'mc-ecqm-'));
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('gives the same verdict under three time zones', async () => {
    const verdicts: unknown[] = [];
    for (const TZ of ['UTC', 'America/New_York', 'Pacific/Kiritimati']) {
      const deck = join(work, `deck-${TZ.replace('/', '-')}`);
      const imported = await runCli(
        ['import', 'fhir', ...testFolders, '--out', deck, '--rules', PACK],
        120_000,
        { TZ },
      );
      expect(imported.code, imported.stderr).toBe(0);
      const json = join(work, `compare-${TZ.replace('/', '-')}.json`);
      const compared = await runCli(
        [
          'compare',
          '--fixtures',
          deck,
          '--reference',
          '--rules',
          PACK,
          ...bundles.flatMap((b) => ['--valuesets', b]),
          '--no-progress',
          '--json',
          json,
        ],
        120_000,
        { TZ },
      );
      // The two skipped cases differ, so compare reports discrepancies (exit 1).
      expect(compared.code, compared.stderr).toBe(1);
      const report = z
        .object({
          groups: z.array(
            z.object({
              measure: z.string(),
              members: z.number(),
              agreeing: z.number(),
              examples: z.array(z.object({ memberId: z.string() })),
            }),
          ),
        })
        .parse(JSON.parse(readFileSync(json, 'utf8')));
      verdicts.push(
        report.groups.map((g) => ({
          measure: g.measure,
          members: g.members,
          agreeing: g.agreeing,
          discrepant: g.examples.map((e) => e.memberId).sort(),
        })),
      );
    }
    expect(verdicts[1]).toEqual(verdicts[0]);
    expect(verdicts[2]).toEqual(verdicts[0]);
    const discrepant = (verdicts[0] as { discrepant: string[] }[]).flatMap((g) => g.discrepant);
    expect(discrepant.sort()).toEqual(SKIPS.map((s) => s.case).sort());
  }, 600_000);
});
