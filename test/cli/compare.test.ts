// `measurecheck fixtures generate` and `measurecheck compare` as a user runs them: real child
// processes (the Python implementation through the process protocol, the reference on worker
// threads), judged by exit codes, what they print and the report files they write.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';
import type { CliRun } from '../support/runCli.ts';
import { attribute, elementsNamed, parseXml } from '../support/xmlTree.ts';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-compare-'));
const deck = join(scratch, 'col-e-2025');
let generated: CliRun;

beforeAll(async () => {
  generated = await runCli([
    'fixtures',
    'generate',
    '--measure',
    'COL-E',
    '--year',
    '2025',
    '--product-line',
    'all',
    '--members',
    '600',
    '--seed',
    '3',
    '--out',
    deck,
  ]);
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function expectNoStackTrace(run: CliRun): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output, 'no stack trace').not.toMatch(/^\s+at .+[(:]\d+/m);
}

describe('measurecheck fixtures generate', () => {
  it('writes every table of the deck and a summary of where the members land', () => {
    expect(generated.code, generated.stderr).toBe(0);
    for (const file of ['members.csv', 'enrollments.csv', 'claims.csv', 'expected.csv']) {
      expect(existsSync(join(deck, file)), file).toBe(true);
    }
    expect(readFileSync(join(deck, 'members.csv'), 'utf8').trim().split('\n')).toHaveLength(601);
    expect(readFileSync(join(deck, 'expected.csv'), 'utf8').trim().split('\n')).toHaveLength(1801);
    expect(generated.stdout).toContain('600 members, COL-E 2025');
    expect(generated.stdout).toMatch(/commercial\s+\d+ \(\d+\.\d%\)/);
  });

  it('writes the same deck for the same seed', async () => {
    const again = join(scratch, 'again');
    const run = await runCli([
      'fixtures',
      'generate',
      '--measure',
      'COL-E',
      '--year',
      '2025',
      '--members',
      '600',
      '--seed',
      '3',
      '--out',
      again,
    ]);
    expect(run.code, run.stderr).toBe(0);
    for (const file of ['members.csv', 'claims.csv', 'expected.csv']) {
      expect(readFileSync(join(again, file), 'utf8'), file).toBe(
        readFileSync(join(deck, file), 'utf8'),
      );
    }
  }, 120_000);

  it('writes a deck that exercises every clause outcome, as `coverage` reads it', async () => {
    const run = await runCli([
      'coverage',
      '--members',
      deck,
      '--measure',
      'COL-E',
      '--year',
      '2025',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('600 member(s)');
    expect(run.stdout).toMatch(/^commercial: all \d+ clause outcomes exercised/m);
    expect(run.stdout).toMatch(/^medicare: all \d+ clause outcomes exercised/m);
  });

  it('refuses to write into a folder that already holds a deck', async () => {
    const run = await runCli([
      'fixtures',
      'generate',
      '--measure',
      'COL-E',
      '--members',
      '5',
      '--out',
      deck,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already holds files');
    expect(run.stderr).toContain('--force');
    expectNoStackTrace(run);
  });
});

describe('measurecheck compare', () => {
  it('agrees with the Python implementation through the process protocol (exit 0)', async () => {
    const run = await runCli(
      [
        'compare',
        '--fixtures',
        deck,
        '--impl',
        'python3 fixtures/implementations/col-e-correct.py',
      ],
      120_000,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('COL-E 2025 commercial: 600 members compared, 600 agree');
    expect(run.stdout).toMatch(
      /^OK: the implementation agrees with the expected results on all 1,800 member outcomes/m,
    );
  }, 120_000);

  it('reports a wrong implementation with exit 1, the population, the deciding clause, and JSON, JUnit and Markdown reports', async () => {
    const json = join(scratch, 'out', 'compare.json');
    const junit = join(scratch, 'out', 'compare.xml');
    const markdown = join(scratch, 'out', 'compare.md');
    const run = await runCli(
      [
        'compare',
        '--fixtures',
        deck,
        '--impl',
        'fixtures/implementations/col-e-wrong-isnp-all-product-lines.ts',
        '--json',
        json,
        '--junit',
        junit,
        '--markdown',
        markdown,
      ],
      120_000,
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(
      /COL-E 2025 commercial: 600 members compared, \d+ agree — \d+ discrepant/,
    );
    expect(run.stdout).toMatch(
      /\d+ {2}denominatorExclusion \(.*isnp-lti-66-plus.*\)\n +all \d+: it applies the medicare rule to a commercial member/,
    );
    expect(run.stdout).toContain(
      'likely cause: it applies the medicare rule to a commercial member',
    );
    expect(run.stdout).toContain('denominatorExclusion: expected no, implementation yes');
    expect(run.stdout).toMatch(/COL-E 2025 medicare: 600 members compared, 600 agree — agree/);

    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      exitCode: number;
      groups: {
        productLine: string;
        discrepant: number;
        discrepancies: { population: string }[];
      }[];
    };
    expect(result.exitCode).toBe(1);
    const commercial = result.groups.find((g) => g.productLine === 'commercial');
    expect(commercial?.discrepancies.map((d) => d.population)).toEqual(['denominatorExclusion']);

    const xml = parseXml(readFileSync(junit, 'utf8'));
    const failed = elementsNamed(xml, 'testcase').filter(
      (t) => elementsNamed(t, 'failure').length > 0,
    );
    expect(failed.map((t) => attribute(t, 'name'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^denominatorExclusion: 600 members$/)]),
    );
    expect(elementsNamed(xml, 'testsuite').map((s) => attribute(s, 'name'))).toEqual([
      'COL-E 2025 commercial',
      'COL-E 2025 medicaid',
      'COL-E 2025 medicare',
    ]);

    const md = readFileSync(markdown, 'utf8');
    expect(md).toMatch(/^## ❌ measurecheck compare/);
    expect(md).toMatch(/\| COL-E \| 2025 \| commercial \| 600 \| \d+ \| \d+ \|/);
    expect(md).toContain('`isnp-lti-66-plus`');
  }, 120_000);

  it('compares a results file, reporting members missing from it (exit 1)', async () => {
    const expected = readFileSync(join(deck, 'expected.csv'), 'utf8').trimEnd().split('\n');
    const results = join(scratch, 'results.csv');
    // Drop one member's medicaid row: the implementation "forgot" it.
    writeFileSync(
      results,
      `${expected.filter((l) => !(l.startsWith('M0000005,') && l.includes(',medicaid,'))).join('\n')}\n`,
    );
    const run = await runCli(['compare', '--fixtures', deck, '--results', results], 120_000);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('1 deck member(s) have no row in the results file');
    expect(run.stdout).toContain('M0000005');
  }, 120_000);

  it('stops on a malformed results row with its file and line (exit 2), no stack trace', async () => {
    const results = join(scratch, 'bad-results.csv');
    const expected = readFileSync(join(deck, 'expected.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(
      results,
      `${[...expected.slice(0, 3), expected[3]?.replace(',false,', ',maybe,') ?? ''].join('\n')}\n`,
    );
    const run = await runCli(['compare', '--fixtures', deck, '--results', results], 120_000);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(`${results}:4:`);
    expectNoStackTrace(run);
  }, 120_000);

  it('compares a deck without expected results against the reference for --measure', async () => {
    const run = await runCli([
      'compare',
      '--fixtures',
      'fixtures/decks/coverage-tiny/members.jsonl',
      '--measure',
      'COL-E',
      '--product-line',
      'commercial',
      '--impl',
      'fixtures/implementations/col-e-correct.ts',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('expected results: computed by the reference');
    expect(run.stdout).toContain('COL-E 2025 commercial: 4 members compared, 4 agree');
  });

  it('exits 3 when the implementation cannot run, and still writes the JUnit report', async () => {
    const junit = join(scratch, 'out', 'crash.xml');
    const run = await runCli([
      'compare',
      '--fixtures',
      deck,
      '--impl',
      'python3 fixtures/implementations/misbehaving/always-crashes.py',
      '--junit',
      junit,
    ]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('STOPPED: the implementation could not run');
    expectNoStackTrace(run);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    expect(elementsNamed(xml, 'error').length).toBeGreaterThan(0);
  });

  it('says a missing results file is bad input (exit 2), without a stack trace', async () => {
    const run = await runCli([
      'compare',
      '--fixtures',
      deck,
      '--results',
      join(scratch, 'nope.csv'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('nope.csv');
    expectNoStackTrace(run);
  });

  it('fails (exit 2) when the filters select nothing, instead of passing', async () => {
    const run = await runCli([
      'compare',
      '--fixtures',
      deck,
      '--impl',
      'fixtures/implementations/col-e-correct.ts',
      '--measure',
      'GSD',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing to compare');
    expectNoStackTrace(run);
  });

  it('lists the deck rows --keep-going skipped', async () => {
    const bad = join(scratch, 'bad-date');
    for (const table of [
      'members',
      'enrollments',
      'statuses',
      'claims',
      'dispensings',
      'observations',
      'expected',
    ]) {
      const text = readFileSync(join(deck, `${table}.csv`), 'utf8');
      writeFileSync(
        join(mkdirp(bad), `${table}.csv`),
        table === 'members' ? text.replace(/^(M0000005,)\d{4}-\d\d-\d\d/m, '$1not-a-date') : text,
      );
    }
    const run = await runCli([
      'compare',
      '--fixtures',
      bad,
      '--impl',
      'fixtures/implementations/col-e-correct.ts',
      '--keep-going',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('1 bad input row(s) skipped (--keep-going):');
    expect(run.stdout).toMatch(/members\.csv:6:\d+: .*not-a-date/);
  });

  it('needs one of --impl, --results and --reference', async () => {
    const run = await runCli(['compare', '--fixtures', deck]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('compare needs an implementation, its results, or --reference');
    expectNoStackTrace(run);
  });

  it('says which folder is not a deck', async () => {
    const run = await runCli([
      'compare',
      '--fixtures',
      join(scratch, 'nowhere'),
      '--results',
      'x.csv',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nowhere');
    expectNoStackTrace(run);
  });
});

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
