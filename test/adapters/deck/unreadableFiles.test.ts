import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDeck, readResults } from '../../../src/adapters/deck/index.ts';
import { MeasurecheckError } from '../../../src/model/problem.ts';
import type { Problem } from '../../../src/model/problem.ts';
import { runCli } from '../../support/runCli.ts';
import { problemsOf, readAll, tempDir } from './deckTestSupport.ts';

const MEMBERS = 'member_id,birth_date,sex\nA1,1960-05-01,F\nA2,1961-05-01,M\nA3,1962-05-01,F\n';
const ENROLLMENTS =
  'member_id,start,end,product_line,medical,pharmacy\nA1,2024-01-01,2025-12-31,commercial,true,true\nA2,2024-01-01,2025-12-31,commercial,true,true\nA3,2024-01-01,2025-12-31,commercial,true,true\n';
const CLAIMS =
  'member_id,claim_id,date,setting,code_system,code\nA1,C1,2025-03-01,outpatient,CPT,45378\n';
const EXPECTED_HEADER =
  'member_id,measure,year,product_line,initial_population,denominator,denominator_exclusion,numerator\n';
const EXPECTED = `${EXPECTED_HEADER}A1,COL-E,2025,commercial,true,true,false,true\nA2,COL-E,2025,commercial,true,true,false,false\nA3,COL-E,2025,commercial,true,true,false,false\n`;

const { dir, cleanup } = tempDir('unreadable');
afterAll(cleanup);

/** A CSV deck folder; `files` overrides or adds files (text). */
function deck(name: string, files: Record<string, string> = {}): string {
  const d = join(dir, name);
  mkdirSync(d);
  const all = {
    'members.csv': MEMBERS,
    'enrollments.csv': ENROLLMENTS,
    'claims.csv': CLAIMS,
    'expected.csv': EXPECTED,
    ...files,
  };
  for (const [f, text] of Object.entries(all)) writeFileSync(join(d, f), text);
  return d;
}

/** The problems openDeck or reading the deck rejects with (exit code 2), with or without keepGoing. */
async function deckProblems(path: string, keepGoing = false): Promise<readonly Problem[]> {
  return problemsOf(() => readAll(openDeck(path, { keepGoing, onSkip: () => undefined })));
}

describe('a deck table that cannot be read is a problem naming it, never a table without rows', () => {
  it('a dangling symbolic link', async () => {
    const d = deck('dangling');
    const claims = join(d, 'claims.csv');
    rmSync(claims);
    symlinkSync('claims-2025.csv', claims);
    for (const keepGoing of [false, true]) {
      const [p, ...rest] = await deckProblems(d, keepGoing);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({ code: 'file/dangling-symlink', file: claims });
      expect(p?.message).toContain('claims-2025.csv, which does not exist');
    }
  });

  it('a symbolic link that loops', async () => {
    const d = deck('loop');
    rmSync(join(d, 'enrollments.csv'));
    symlinkSync('enrollments.csv', join(d, 'enrollments.csv'));
    const [p] = await deckProblems(d, true);
    expect(p).toMatchObject({ code: 'file/symlink-loop', file: join(d, 'enrollments.csv') });
  });

  it('a folder where a table is expected', async () => {
    const d = deck('folder');
    mkdirSync(join(d, 'statuses.csv'));
    const [p] = await deckProblems(d);
    expect(p).toMatchObject({ code: 'file/is-a-directory', file: join(d, 'statuses.csv') });
  });

  it('a dangling expected.csv is not a deck without expected results', () => {
    const d = deck('dangling-expected');
    rmSync(join(d, 'expected.csv'));
    symlinkSync('old/expected.csv', join(d, 'expected.csv'));
    const e = (() => {
      try {
        openDeck(d);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(MeasurecheckError);
    expect((e as MeasurecheckError).problems[0]).toMatchObject({
      code: 'file/dangling-symlink',
      file: join(d, 'expected.csv'),
    });
  });

  it('compare exits 2 naming the dangling table, and compares nothing (child process)', async () => {
    const d = deck('dangling-cli');
    rmSync(join(d, 'claims.csv'));
    symlinkSync('nowhere.csv', join(d, 'claims.csv'));
    const results = join(dir, 'dangling-cli-results.csv');
    writeFileSync(results, EXPECTED);
    const run = await runCli(['compare', '--fixtures', d, '--results', results, '--workers', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${join(d, 'claims.csv')}: cannot read it: it is a symbolic link to nowhere.csv`,
    );
    expect(run.stdout).not.toContain('agree');
    expect(run.stderr).not.toMatch(/^ {4}at /m);
  });
});

describe('bytes that are not UTF-8 are a problem at their line, even with keepGoing', () => {
  it('a Latin-1 byte in a claim code (CSV deck)', async () => {
    const d = deck('latin1-claims');
    // A lone 0xE9 byte (é in Latin-1) on line 3.
    writeFileSync(
      join(d, 'claims.csv'),
      Buffer.concat([
        Buffer.from(`${CLAIMS}A2,C2,2025-03-01,outpatient,CPT,4537`),
        Buffer.from([0xe9, 0x0a]),
      ]),
    );
    for (const keepGoing of [false, true]) {
      const [p, ...rest] = await deckProblems(d, keepGoing);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({
        code: 'file/not-utf8',
        file: join(d, 'claims.csv'),
        line: 3,
        column: 37,
      });
      expect(p?.message).toContain('0xE9');
    }
  });

  it('a UTF-16 members.jsonl', async () => {
    const file = join(dir, 'utf16.jsonl');
    const text = '{"id":"J1","birthDate":"1960-05-01","sex":"F"}\n';
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const [p] = await deckProblems(file);
    expect(p).toMatchObject({ code: 'file/not-utf8', file, line: 1, column: 1 });
    expect(p?.hint).toContain('UTF-16');
  });

  it('a character cut short at the end of results.jsonl', async () => {
    const file = join(dir, 'cut.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from('\n\n{"memberId":"A'), Buffer.from([0xc3])]));
    const problems = await problemsOf(async () => {
      const rows = readResults(file, { keepGoing: true });
      while (!(await rows.next()).done) {
        // reading
      }
    });
    expect(problems[0]).toMatchObject({ code: 'file/not-utf8', file, line: 3, column: 15 });
  });
});

describe('where problems are reported', () => {
  it('a truncated last line of members.csv is reported in members.csv at its line', async () => {
    // The last member's row is cut short; enrollments.csv has that member's row.
    const d = deck('truncated', { 'members.csv': MEMBERS.slice(0, -12) });
    const [p] = await deckProblems(d);
    expect(p).toMatchObject({ code: 'deck/malformed-row', file: join(d, 'members.csv'), line: 4 });
  });

  it('compare reports a missing results file first and alone, exit 2 (child process)', async () => {
    const d = deck('missing-results');
    const missing = join(dir, 'no-such-results.csv');
    const run = await runCli(['compare', '--fixtures', d, '--results', missing, '--workers', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')[0]).toBe(`${missing}: results file not found: ${missing}`);
    expect(run.stdout).not.toMatch(/missing/);
  });

  it('a 0-byte results file is bad input, exit 2, not every member missing (child process)', async () => {
    const d = deck('empty-results');
    for (const name of ['empty.csv', 'empty.jsonl']) {
      const file = join(dir, name);
      writeFileSync(file, '');
      const run = await runCli(['compare', '--fixtures', d, '--results', file, '--workers', '0']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${file}: the results file is empty`);
      expect(run.stdout).not.toMatch(/missing/);
    }
  });
});

describe('a partial deck is never read', () => {
  it.each(['.measurecheck-partial', 'expected.csv.partial'])(
    'a deck folder holding %s is refused, naming it',
    async (marker) => {
      const d = deck(`partial-${marker}`);
      writeFileSync(join(d, marker), '');
      const [p] = await deckProblems(d);
      expect(p).toMatchObject({ code: 'deck/partial', file: join(d, marker) });
      expect(p?.message).toContain('is incomplete');
      expect(readFileSync(join(d, 'members.csv'), 'utf8')).toBe(MEMBERS);
    },
  );
});
