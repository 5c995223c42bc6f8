// `compare --reference` as a user runs it: the rule pack's own results against a deck's expected
// results. A deck the pack wrote agrees; an edited row is reported by member; a row that states
// no stratum (as rows imported from MeasureReports) is not compared on it, while a wrong stratum
// still differs.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';

const PACK = 'fixtures/packs/no-product-lines';
const SCR_DECK = 'fixtures/decks/no-product-lines-jsonl';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-reference-'));
const colE = join(scratch, 'col-e');

beforeAll(async () => {
  const generated = await runCli([
    'fixtures',
    'generate',
    '--measure',
    'COL-E',
    '--year',
    '2025',
    '--product-line',
    'commercial',
    '--members',
    '150',
    '--seed',
    '3',
    '--format',
    'jsonl',
    '--out',
    colE,
    '--workers',
    '0',
  ]);
  expect(generated.code, generated.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of a deck folder whose expected.jsonl rows are rewritten by `edit`. */
function editedDeck(
  from: string,
  name: string,
  edit: (row: Record<string, unknown>, index: number) => Record<string, unknown>,
): string {
  const to = join(scratch, name);
  mkdirSync(to);
  copyFileSync(join(from, 'members.jsonl'), join(to, 'members.jsonl'));
  const rows = readFileSync(join(from, 'expected.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => JSON.stringify(edit(JSON.parse(line) as Record<string, unknown>, i)));
  writeFileSync(join(to, 'expected.jsonl'), `${rows.join('\n')}\n`);
  return to;
}

function compareReference(deck: string, rules: readonly string[] = []) {
  return runCli(['compare', ...rules, '--fixtures', deck, '--reference', '--workers', '0']);
}

describe('compare --reference', () => {
  it('agrees with a deck the same pack wrote (exit 0)', async () => {
    const scr = await compareReference(SCR_DECK, ['--rules', PACK]);
    expect(scr.stderr).toBe('');
    expect(scr.code).toBe(0);
    expect(scr.stdout).toContain('against the reference (no-product-lines-2025 v1.0.0)');
    expect(scr.stdout).toMatch(/^SCR 2025: 4 members compared, 4 agree/m);

    const col = await compareReference(colE);
    expect(col.code, col.stdout).toBe(0);
    expect(col.stdout).toMatch(/^COL-E 2025 commercial: 150 members compared, 150 agree/m);
    expect(col.stdout).toMatch(/stratum: \d+ agree, 0 differ/);
  });

  it('reports the member whose expected row was edited to a wrong value (exit 1)', async () => {
    const deck = editedDeck(SCR_DECK, 'scr-wrong-n2', (row) =>
      row['memberId'] === 'N2' ? { ...row, numerator: false } : row,
    );
    const run = await compareReference(deck, ['--rules', PACK]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^SCR 2025: 4 members compared, 3 agree — 1 discrepant/m);
    expect(run.stdout).toContain(
      `N2 (${join(deck, 'expected.jsonl')}:2): numerator: expected no, implementation yes`,
    );
    expect(run.stdout).not.toMatch(/\bN[134] \(/);
    expect(run.stdout).toContain('DISCREPANCIES: 1 discrepant of 4 member outcomes compared');
  });

  it('takes exactly one of --impl, --results and --reference (exit 2 with the usage message)', async () => {
    const deck = ['compare', '--rules', PACK, '--fixtures', SCR_DECK];
    const twoOfThem = [
      ['--reference', '--results', join(scratch, 'results.csv')],
      ['--reference', '--impl', 'fixtures/implementations/scr-correct.ts'],
    ];
    for (const answers of twoOfThem) {
      const run = await runCli([...deck, ...answers]);
      expect(run.code, answers.join(' ')).toBe(2);
      expect(run.stderr).toContain('pass only one of --impl, --results and --reference');
      expect(run.stderr).toContain('--reference to check the rule pack itself against the deck');
    }
    const none = await runCli(deck);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('compare needs an implementation, its results, or --reference');
  });
});

describe('expected rows without a stratum', () => {
  it('state none: the stratum is not compared, and the report says so', async () => {
    const deck = editedDeck(colE, 'col-e-no-strata', (row) =>
      Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'stratum')),
    );
    expect(readFileSync(join(deck, 'expected.jsonl'), 'utf8')).not.toContain('stratum');
    const run = await compareReference(deck);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^COL-E 2025 commercial: 150 members compared, 150 agree/m);
    expect(run.stdout).toMatch(
      /^ {2}stratum: not compared for \d+ member\(s\) whose expected row states none/m,
    );
    expect(run.stdout).not.toMatch(/stratum: \d+ agree/);
  });

  it('a row with a wrong stratum still differs, and names the member', async () => {
    let changed = '';
    const deck = editedDeck(colE, 'col-e-wrong-stratum', (row) => {
      const { stratum, ...rest } = row;
      if (changed === '' && typeof stratum === 'string') {
        changed = String(row['memberId']);
        return { ...rest, stratum: stratum === '46-49' ? '50-75' : '46-49' };
      }
      return rest;
    });
    const run = await compareReference(deck);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}stratum: 0 agree, 1 differ/m);
    expect(run.stdout).toMatch(new RegExp(`^ {4}${changed} \\(.*\\): stratum: expected`, 'm'));
    expect(run.stdout).toContain('DISCREPANCIES: 1 discrepant of 150 member outcomes compared');
  });
});
