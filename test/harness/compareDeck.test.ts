// `compare` against a generated fixture deck: the reference itself agrees on every member; each
// wrong sample implementation is caught on the product lines where its bug shows, attributed to the
// population the bug changes; a results file with members missing or extra is reported, not
// dropped; expected rows the packs cannot serve are errors (or counted skips with keepGoing).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDeckWriter,
  createResultsWriter,
  openDeck,
  readResults,
} from '../../src/adapters/deck/index.ts';
import type { Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { compareDeck } from '../../src/harness/compareDeck/index.ts';
import type { CompareDeckOptions, CompareResult } from '../../src/harness/compareDeck/index.ts';
import { generateDeck } from '../../src/harness/generateDeck.ts';
import { startReferencePool } from '../../src/harness/referencePool.ts';
import type { ReferencePool } from '../../src/harness/referencePool.ts';
import type { ProductLine } from '../../src/model/member.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import type { Problem } from '../../src/model/problem.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { repoFile } from '../support/repoFiles.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const { pack, measure } = shippedPackAndMeasure(2025, 'COL-E');
const MEMBERS = 1500;
let dir: string;
let deckDir: string;
let pool: ReferencePool;
const opened: Implementation[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'measurecheck-compare-'));
  deckDir = join(dir, 'col-e-2025');
  pool = await startReferencePool([pack], { workers: 0 });
  const writer = createDeckWriter(deckDir, 'csv');
  await generateDeck({
    measure,
    productLines: measure.productLines,
    members: MEMBERS,
    seed: 5,
    writer,
    pool,
  });
  await writer.close();
});

afterAll(async () => {
  await Promise.all(opened.map((i) => i.close()));
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The reference engine itself, as an implementation. */
function referenceImplementation(m: CompiledMeasure): Implementation {
  return {
    label: 'the reference',
    evaluate: (cases) =>
      Promise.resolve(
        cases.map((c) => ({
          id: c.id,
          ok: true as const,
          outcome: evaluateMeasure(m, c.request, c.member).outcome,
        })),
      ),
    close: () => Promise.resolve(),
  };
}

async function sample(name: string): Promise<Implementation> {
  const impl = await loadModuleImplementation(repoFile(`fixtures/implementations/${name}.ts`));
  opened.push(impl);
  return impl;
}

function run(
  implementation: Implementation,
  extra: Partial<CompareDeckOptions> = {},
): Promise<CompareResult> {
  return compareDeck({
    deck: openDeck(deckDir),
    packs: [pack],
    answers: { kind: 'implementation', implementation },
    pool,
    ...extra,
  });
}

const line = (r: CompareResult, productLine: ProductLine) => {
  const g = r.groups.find((x) => x.productLine === productLine);
  if (!g) throw new Error(`no group for ${productLine}`);
  return g;
};

describe('a generated COL-E 2025 deck', () => {
  it('agrees 100% with the reference itself, on every product line and every member', async () => {
    const r = await run(referenceImplementation(measure));
    expect(r.exitCode).toBe(0);
    expect(r.expectedFrom).toBe('deck');
    expect(r.deckMembers).toBe(MEMBERS);
    expect(
      r.groups.map((g) => [g.productLine, g.members, g.agreeing, g.deckVersusReference]),
    ).toEqual([
      ['commercial', MEMBERS, MEMBERS, 0],
      ['medicaid', MEMBERS, MEMBERS, 0],
      ['medicare', MEMBERS, MEMBERS, 0],
    ]);
    // The deck is boundary-dense: every population is reached on every line.
    for (const g of r.groups) {
      for (const p of g.populations)
        expect(p.confusion.bothTrue, `${g.productLine} ${p.population}`).toBeGreaterThan(20);
      const rate = g.rates[0];
      expect(rate?.implementation).toEqual(rate?.expected);
      expect(rate?.reference).toEqual(rate?.expected);
    }
  });

  it('agrees with the correct sample implementation, and with the worker pool evaluating', async () => {
    const workers = await startReferencePool([pack], { workers: 2 });
    try {
      const r = await run(await sample('col-e-correct'), { pool: workers });
      expect(r.exitCode).toBe(0);
      expect(r.groups.reduce((x, g) => x + g.agreeing, 0)).toBe(3 * MEMBERS);
    } finally {
      await workers.close();
    }
  });

  const WRONG: readonly {
    bug: string;
    shows: Partial<Record<ProductLine, string>>;
  }[] = [
    {
      bug: 'age-floor-50',
      shows: {
        commercial: 'initialPopulation',
        medicaid: 'initialPopulation',
        medicare: 'initialPopulation',
      },
    },
    {
      bug: 'isnp-all-product-lines',
      shows: { commercial: 'denominatorExclusion', medicaid: 'denominatorExclusion' },
    },
    {
      bug: 'colonoscopy-window-off-by-one-year',
      shows: { commercial: 'numerator', medicaid: 'numerator', medicare: 'numerator' },
    },
    {
      bug: '45-day-gap-is-a-break',
      shows: { commercial: 'initialPopulation', medicare: 'initialPopulation' },
    },
    { bug: 'medicaid-monthly-rule-ignored', shows: { medicaid: 'initialPopulation' } },
    {
      bug: 'frailty-without-advanced-illness',
      shows: {
        commercial: 'denominatorExclusion',
        medicaid: 'denominatorExclusion',
        medicare: 'denominatorExclusion',
      },
    },
    {
      bug: 'no-dec-31-enrollment',
      shows: {
        commercial: 'initialPopulation',
        medicaid: 'initialPopulation',
        medicare: 'initialPopulation',
      },
    },
  ];

  it.each(WRONG)(
    'finds col-e-wrong-$bug on the lines where it shows, in the population it changes',
    async ({ bug, shows }) => {
      const r = await run(await sample(`col-e-wrong-${bug}`));
      expect(r.exitCode).toBe(1);
      for (const productLine of measure.productLines) {
        const g = line(r, productLine);
        const population = shows[productLine];
        if (population === undefined) {
          expect(g.discrepant, `${productLine} should agree`).toBe(0);
          continue;
        }
        expect(g.discrepant, productLine).toBeGreaterThan(0);
        expect(new Set(g.discrepancies.map((d) => d.population))).toEqual(new Set([population]));
        // The confusion counts say the same, and the examples carry the reference's explanation.
        const confusion = g.populations.find((p) => p.population === population)?.confusion;
        expect(
          (confusion?.expectedOnly ?? 0) + (confusion?.implementationOnly ?? 0),
        ).toBeGreaterThan(0);
        const example = g.examples[0];
        expect(example?.difference.population).toBe(population);
        expect(example?.explanation.length).toBeGreaterThan(1);
      }
    },
  );

  it('says the I-SNP bug applies the medicare rule to commercial and medicaid members', async () => {
    const r = await run(await sample('col-e-wrong-isnp-all-product-lines'));
    for (const productLine of ['commercial', 'medicaid'] as const) {
      const [group, ...others] = line(r, productLine).discrepancies;
      expect(others).toEqual([]);
      expect(group?.decidingClauses).toContain('isnp-lti-66-plus');
      expect(group?.neighbourMatches).toEqual([
        { neighbour: { kind: 'productLine', productLine: 'medicare' }, count: group?.count },
      ]);
      expect(line(r, productLine).examples[0]?.matchesNeighbour).toEqual({
        kind: 'productLine',
        productLine: 'medicare',
      });
    }
  });
});

describe('a results file', () => {
  async function resultsFile(name: string, edit: (o: Outcome[]) => Outcome[]): Promise<string> {
    const outcomes: Outcome[] = [];
    for await (const dm of openDeck(deckDir).members()) {
      for (const e of dm.expected) {
        const { productLine } = e.outcome;
        if (productLine === undefined) throw new Error('every row of this deck has a product line');
        outcomes.push({ ...e.outcome, productLine });
      }
    }
    const file = join(dir, name);
    const writer = createResultsWriter(file);
    for (const o of edit(outcomes)) await writer.write(o);
    await writer.close();
    return file;
  }

  const fromFile = (file: string, keepGoing = false) =>
    compareDeck({
      deck: openDeck(deckDir),
      packs: [pack],
      answers: { kind: 'results', file, rows: readResults(file, { keepGoing }) },
      pool,
      keepGoing,
    });

  it('that matches the deck agrees (CSV and JSON Lines)', async () => {
    for (const name of ['same.csv', 'same.jsonl']) {
      const r = await fromFile(await resultsFile(name, (o) => o));
      expect(r.exitCode, name).toBe(0);
      expect(r.groups.reduce((x, g) => x + g.agreeing, 0)).toBe(3 * MEMBERS);
    }
  });

  it('in another order than the deck (read ahead and buffered) agrees too', async () => {
    const r = await fromFile(await resultsFile('reversed.csv', (o) => [...o].reverse()));
    expect(r.exitCode).toBe(0);
    expect(r.groups.reduce((x, g) => x + g.agreeing, 0)).toBe(3 * MEMBERS);
  });

  it('reports deck members it lacks and members the deck lacks, and exits 1', async () => {
    const file = await resultsFile('edited.csv', (o) => [
      ...o.filter((x) => !(x.memberId === 'M0000002' && x.productLine === 'medicare')),
      { ...o[0], memberId: 'NOT-IN-DECK', productLine: 'commercial' } as Outcome,
      { ...o[0], memberId: 'OTHER-MEASURE', measure: 'BCS-E' } as Outcome,
    ]);
    const r = await fromFile(file);
    expect(r.exitCode).toBe(1);
    expect(line(r, 'medicare').missing).toBe(1);
    expect(line(r, 'medicare').missingExamples[0]?.memberId).toBe('M0000002');
    expect(line(r, 'commercial').missing).toBe(0);
    expect(r.unmatchedResults).toBe(1);
    expect(r.unmatchedResultExamples[0]).toMatchObject({
      memberId: 'NOT-IN-DECK',
      origin: { file },
    });
    expect(r.ignoredResults).toBe(1);
  });

  it('with a second row for the same member is an error naming both lines', async () => {
    const file = await resultsFile('duplicate.csv', (o) => [...o.slice(0, 5), o[0] as Outcome]);
    const r = await fromFile(file);
    expect(r.exitCode).toBe(2);
    expect(r.inputError?.[0]).toMatchObject({ code: 'results/duplicate', file, line: 7 });
    expect(r.inputError?.[0]?.message).toContain(
      'a second result for member M0000001, COL-E 2025 commercial',
    );
  });
});

describe('expected rows the rule packs cannot serve', () => {
  let badDeck: string;
  beforeAll(() => {
    // The deck's first three members with their commercial expected rows; the second member's row
    // names a measure no pack has.
    badDeck = join(dir, 'unknown-measure');
    mkdirSync(badDeck);
    const ids = ['M0000001', 'M0000002', 'M0000003'];
    for (const table of [
      'members',
      'enrollments',
      'statuses',
      'claims',
      'dispensings',
      'observations',
    ]) {
      const [header, ...rows] = readFileSync(join(deckDir, `${table}.csv`), 'utf8').split('\n');
      const kept = rows.filter((l) => ids.some((id) => l.startsWith(`${id},`)));
      writeFileSync(join(badDeck, `${table}.csv`), `${[header, ...kept].join('\n')}\n`);
    }
    const expected = readFileSync(join(deckDir, 'expected.csv'), 'utf8').split('\n');
    const rows = ids.map((id) => {
      const row = expected.find((l) => l.startsWith(`${id},`) && l.includes(',commercial,'));
      if (row === undefined) throw new Error(`no commercial expected row for ${id}`);
      return id === 'M0000002' ? row.replace(',COL-E,', ',COL-X,') : row;
    });
    writeFileSync(join(badDeck, 'expected.csv'), `${[expected[0], ...rows].join('\n')}\n`);
  });

  it('stop the run with the file, the line and the measures the pack has', async () => {
    const r = await compareDeck({
      deck: openDeck(badDeck),
      packs: [pack],
      answers: { kind: 'implementation', implementation: referenceImplementation(measure) },
      pool,
    });
    expect(r.exitCode).toBe(2);
    expect(r.inputError?.[0]).toMatchObject({
      code: 'deck/unknown-measure',
      file: join(badDeck, 'expected.csv'),
      line: 3,
    });
    expect(r.inputError?.[0]?.message).toContain('"COL-X"');
    expect(r.inputError?.[0]?.hint).toContain('COL-E');
  });

  it('are counted and listed with keepGoing, and the rest is compared', async () => {
    const skips: Problem[] = [];
    const r = await compareDeck({
      deck: openDeck(badDeck, { keepGoing: true, onSkip: (p) => skips.push(p) }),
      packs: [pack],
      answers: { kind: 'implementation', implementation: referenceImplementation(measure) },
      pool,
      keepGoing: true,
    });
    expect(r.exitCode).toBe(0);
    expect(r.skippedCount).toBe(1);
    expect(r.skipped[0]).toMatchObject({ code: 'deck/unknown-measure', line: 3 });
    expect(line(r, 'commercial').members).toBe(2);
    expect(r.membersWithoutExpected).toBe(1);
  });
});
