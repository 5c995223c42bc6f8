import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DECK_TABLES, openDeck } from '../../../src/adapters/deck/index.ts';
import { evaluateMeasure } from '../../../src/engine/evaluate.ts';
import { outcomeSchema } from '../../../src/model/outcome.ts';
import { shippedPackAndMeasure } from '../../support/shippedPacks.ts';
import { repoFile } from '../../support/repoFiles.ts';
import { readAll, tempDir } from './deckTestSupport.ts';

const doc = readFileSync(repoFile('docs/fixtures.md'), 'utf8');

/** The worked example: a `file.csv`: line, a blank line, then a ```csv block. */
const exampleFiles = [...doc.matchAll(/`(\w+\.csv)`:\n\n```csv\n([\s\S]*?)```/g)].map((m) => ({
  file: m[1] ?? '',
  text: m[2] ?? '',
}));

describe('docs/fixtures.md', () => {
  const { dir, cleanup } = tempDir('docs-deck');
  afterAll(cleanup);

  it('documents every column of every table', () => {
    for (const table of Object.values(DECK_TABLES)) {
      expect(doc).toContain(`### ${table.file}`);
      for (const column of table.columns) expect(doc).toContain(`| \`${column}\``);
    }
  });

  it('the worked example is a valid deck whose expected results the reference agrees with', async () => {
    expect(exampleFiles.map((f) => f.file)).toEqual([
      'members.csv',
      'enrollments.csv',
      'claims.csv',
      'expected.csv',
    ]);
    for (const f of exampleFiles) writeFileSync(join(dir, f.file), f.text);
    const members = await readAll(openDeck(dir));
    expect(
      members.map((m) => [m.member.id, m.member.enrollments.length, m.member.claims.length]),
    ).toEqual([
      ['M1', 1, 1],
      ['M2', 2, 1],
    ]);
    expect(members[1]?.member.claims[0]?.codes).toHaveLength(2);
    const { measure } = shippedPackAndMeasure(2025, 'COL-E');
    for (const m of members) {
      for (const e of m.expected) {
        const { productLine } = e.outcome;
        if (productLine === undefined) throw new Error('every row of this deck has a product line');
        const { outcome } = evaluateMeasure(measure, { ...e.outcome, productLine }, m.member);
        expect(e.outcome).toEqual(outcome);
      }
    }
  });

  it('the JSON Lines example is a valid multi-rate outcome', () => {
    const line = /```jsonl\n(.*)\n```/.exec(doc)?.[1] ?? '';
    expect(outcomeSchema.parse(JSON.parse(line)).numerator).toEqual({
      'below-8': true,
      'above-9': false,
    });
  });
});
