import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createResultsWriter, readResults } from '../../../src/adapters/deck/index.ts';
import type { ResultRow } from '../../../src/adapters/deck/index.ts';
import type { Outcome } from '../../../src/model/outcome.ts';
import type { Problem } from '../../../src/model/problem.ts';
import { badDeck, problemsOf, tempDir } from './deckTestSupport.ts';

async function readAllResults(
  path: string,
  options: { keepGoing?: boolean; onSkip?: (p: Problem) => void } = {},
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for await (const row of readResults(path, options)) rows.push(row);
  return rows;
}

const OUTCOMES: Outcome[] = [
  {
    memberId: 'M,1',
    measure: 'COL-E',
    year: 2025,
    productLine: 'commercial',
    initialPopulation: true,
    denominator: true,
    denominatorExclusion: false,
    numerator: true,
    stratum: '46-49',
  },
  {
    memberId: 'M2',
    measure: 'GSD',
    year: 2025,
    productLine: 'medicaid',
    initialPopulation: true,
    denominator: true,
    denominatorExclusion: false,
    numerator: { 'below-8': true, 'above-9': false },
  },
  {
    memberId: 'M3',
    measure: 'COL-E',
    year: 2025,
    productLine: 'medicare',
    initialPopulation: false,
    denominator: false,
    denominatorExclusion: false,
    numerator: false,
  },
];

describe('results files', () => {
  const { dir, cleanup } = tempDir('results');
  afterAll(cleanup);

  for (const ext of ['csv', 'jsonl', 'ndjson']) {
    it(`reads back the outcomes written to a .${ext} file, with their lines`, async () => {
      const file = join(dir, `results.${ext}`);
      const writer = createResultsWriter(file);
      for (const o of OUTCOMES) await writer.write(o);
      await writer.close();
      const rows = await readAllResults(file);
      expect(rows.map((r) => r.outcome)).toEqual(OUTCOMES);
      const first = ext === 'csv' ? 2 : 1;
      expect(rows.map((r) => r.origin)).toEqual([
        { file, line: first },
        { file, line: first + 1 },
        { file, line: first + 2 },
      ]);
    });
  }

  it('reads a CSV results file whose columns come in another order, with extra columns ignored', async () => {
    const file = join(dir, 'reordered.csv');
    writeFileSync(
      file,
      [
        'note,numerator,denominator,initial_population,denominator_exclusion,product_line,year,measure,member_id',
        'hello,1,TRUE,True,0,medicare,2025,COL-E,M9',
        '',
      ].join('\r\n'),
    );
    const rows = await readAllResults(file);
    expect(rows.map((r) => r.outcome)).toEqual([
      {
        memberId: 'M9',
        measure: 'COL-E',
        year: 2025,
        productLine: 'medicare',
        initialPopulation: true,
        denominator: true,
        denominatorExclusion: false,
        numerator: true,
      },
    ]);
  });

  it('stops at a CSV row that is not a valid outcome, naming the file, line and column', async () => {
    const file = badDeck('results-row-not-an-outcome', 'results.csv');
    const problems = await problemsOf(() => readAllResults(file));
    expect(problems).toEqual([
      expect.objectContaining({
        file,
        line: 3,
        column: 5,
        message: 'initial_population "maybe" is not a boolean (column initial_population)',
      }),
    ]);
  });

  it('stops at a JSON Lines row that is not a valid outcome, at the offending value', async () => {
    const file = badDeck('results-row-not-an-outcome', 'results.jsonl');
    const problems = await problemsOf(() => readAllResults(file));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, line: 2, path: 'denominator' });
    expect(problems[0]?.message).toContain('expected boolean, got "yes"');
    // The column of the value "yes" on that line.
    const text =
      '{"memberId":"M2","measure":"COL-E","year":2025,"productLine":"commercial","initialPopulation":true,"denominator":';
    expect(problems[0]?.column).toBe(text.length + 1);
  });

  for (const ext of ['csv', 'jsonl']) {
    it(`with keepGoing skips the bad .${ext} row and reads the others`, async () => {
      const skipped: Problem[] = [];
      const rows = await readAllResults(badDeck('results-row-not-an-outcome', `results.${ext}`), {
        keepGoing: true,
        onSkip: (p) => skipped.push(p),
      });
      expect(rows.map((r) => r.outcome.memberId)).toEqual(['M1', 'M3']);
      expect(skipped.map((p) => p.line)).toEqual([ext === 'csv' ? 3 : 2]);
    });
  }

  it('reports a line that is not JSON at its line and column', async () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, `${JSON.stringify(OUTCOMES[0])}\n{"memberId": "M2",, }\n`);
    const problems = await problemsOf(() => readAllResults(file));
    expect(problems[0]).toMatchObject({ code: 'deck/invalid-json', file, line: 2 });
    expect(problems[0]?.message).toContain('not valid JSON');
  });

  it('refuses a results file whose extension says no format, and one that does not exist', async () => {
    const unknown = await problemsOf(() => readAllResults(join(dir, 'results.txt')));
    expect(unknown[0]?.hint).toContain('.jsonl');
    const missing = await problemsOf(() => readAllResults(join(dir, 'nope.csv')));
    expect(missing[0]?.message).toContain('results file not found');
  });
});
