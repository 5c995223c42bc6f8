import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDeck } from '../../../src/adapters/deck/index.ts';
import { MeasurecheckError } from '../../../src/model/problem.ts';
import { problemsOf, readAll, tempDir } from './deckTestSupport.ts';

const MEMBER = '{"id":"J1","birthDate":"1960-05-01","sex":"F"}';
const OUTCOME =
  '{"memberId":"J1","measure":"COL-E","year":2025,"productLine":"commercial","initialPopulation":true,"denominator":true,"denominatorExclusion":false,"numerator":false}';

function problemOf(open: () => unknown): MeasurecheckError {
  try {
    open();
  } catch (e) {
    if (e instanceof MeasurecheckError) return e;
    throw e;
  }
  throw new Error('expected openDeck to throw');
}

describe('openDeck: format detection', () => {
  const { dir, cleanup } = tempDir('open-deck');
  afterAll(cleanup);

  it('a .jsonl file is a JSON Lines deck without expected results', async () => {
    const file = join(dir, 'members.jsonl');
    writeFileSync(file, `${MEMBER}\n\n`);
    const deck = openDeck(file);
    expect(deck).toMatchObject({ path: file, format: 'jsonl', expectedFile: undefined });
    const members = await readAll(deck);
    expect(members.map((m) => [m.member.id, m.expected])).toEqual([['J1', []]]);
    expect(members[0]?.member.claims).toEqual([]);
  });

  it('a JSON Lines deck folder may take its expected results from expected.csv', async () => {
    const deck = join(dir, 'jsonl-with-csv-expected');
    mkdirSync(deck);
    writeFileSync(join(deck, 'members.jsonl'), `${MEMBER}\n`);
    writeFileSync(
      join(deck, 'expected.csv'),
      'member_id,measure,year,product_line,initial_population,denominator,denominator_exclusion,numerator\nJ1,COL-E,2025,commercial,1,1,0,0\n',
    );
    const opened = openDeck(deck);
    expect(opened.format).toBe('jsonl');
    expect(opened.expectedFile).toBe(join(deck, 'expected.csv'));
    const [m] = await readAll(opened);
    expect(m?.expected.map((e) => e.outcome)).toEqual([JSON.parse(OUTCOME)]);
  });

  it('a CSV deck may take its expected results from expected.jsonl; child tables are optional', async () => {
    const deck = join(dir, 'csv-with-jsonl-expected');
    mkdirSync(deck);
    writeFileSync(
      join(deck, 'members.csv'),
      '\uFEFFsex,member_id,birth_date\r\nF,J1,1960-05-01\r\n',
    );
    writeFileSync(join(deck, 'expected.jsonl'), `${OUTCOME}\n`);
    const opened = openDeck(deck);
    expect(opened.format).toBe('csv');
    const [m] = await readAll(opened);
    expect(m?.member).toEqual({
      id: 'J1',
      birthDate: '1960-05-01',
      sex: 'F',
      enrollments: [],
      statuses: [],
      claims: [],
      dispensings: [],
      observations: [],
    });
    expect(m?.expected.map((e) => e.origin.line)).toEqual([1]);
  });

  it('ignores unknown columns, and rejects them with strict', async () => {
    const deck = join(dir, 'unknown-column');
    mkdirSync(deck);
    writeFileSync(
      join(deck, 'members.csv'),
      'member_id,birth_date,sex,colour\nJ1,1960-05-01,F,blue\n',
    );
    expect((await readAll(openDeck(deck))).map((m) => m.member.id)).toEqual(['J1']);
    const problems = await problemsOf(() => readAll(openDeck(deck, { strict: true })));
    expect(problems[0]).toMatchObject({
      code: 'deck/unknown-column',
      file: join(deck, 'members.csv'),
      line: 1,
      column: 4,
    });
  });

  it('a missing path, a folder without members and a folder with both formats are usage errors', () => {
    const missing = problemOf(() => openDeck(join(dir, 'no-such-deck')));
    expect(missing.exitCode).toBe(2);
    expect(missing.problems[0]).toMatchObject({
      code: 'deck/not-found',
      file: join(dir, 'no-such-deck'),
    });
    expect(missing.problems[0]?.hint).toContain('members.csv');

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(problemOf(() => openDeck(empty)).problems[0]).toMatchObject({
      code: 'deck/no-members',
      message: `no members.csv or members.jsonl in ${empty}`,
    });

    const both = join(dir, 'both');
    mkdirSync(both);
    writeFileSync(join(both, 'members.csv'), 'member_id,birth_date,sex\n');
    writeFileSync(join(both, 'members.jsonl'), '');
    expect(problemOf(() => openDeck(both)).problems[0]?.code).toBe('deck/ambiguous');
  });

  it('an empty members.csv is an error: it needs its header', async () => {
    const deck = join(dir, 'empty-members');
    mkdirSync(deck);
    writeFileSync(join(deck, 'members.csv'), '');
    const problems = await problemsOf(() => readAll(openDeck(deck)));
    expect(problems[0]).toMatchObject({ code: 'deck/missing-column', line: 1 });
    expect(problems[0]?.message).toContain('members.csv is empty');
  });

  it('reads a multi-line quoted value and keeps counting lines from where each row starts', async () => {
    const deck = join(dir, 'multi-line');
    mkdirSync(deck);
    writeFileSync(
      join(deck, 'members.csv'),
      'member_id,birth_date,sex\n"J1\nsecond line",1960-05-01,F\n\nJ2,1960-05-0x,F\n',
    );
    const problems = await problemsOf(() => readAll(openDeck(deck)));
    expect(problems[0]).toMatchObject({ line: 5, column: 2 });
  });

  it('applies the order rule to the expected rows of a JSON Lines deck', async () => {
    const deck = join(dir, 'jsonl-expected-out-of-order');
    mkdirSync(deck);
    const j2 = MEMBER.replace('J1', 'J2');
    writeFileSync(join(deck, 'members.jsonl'), `${MEMBER}\n${j2}\n`);
    writeFileSync(join(deck, 'expected.jsonl'), `${OUTCOME.replace('J1', 'J2')}\n${OUTCOME}\n`);
    const problems = await problemsOf(() => readAll(openDeck(deck)));
    expect(problems[0]).toMatchObject({
      code: 'deck/out-of-order',
      file: join(deck, 'expected.jsonl'),
      line: 2,
    });
    expect(problems[0]?.message).toContain('member "J1" is at members.jsonl line 1');
  });
});
