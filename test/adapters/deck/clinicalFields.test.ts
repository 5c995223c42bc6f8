import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeckWriter, openDeck } from '../../../src/adapters/deck/index.ts';
import { memberSchema, strictMemberSchema } from '../../../src/model/member.ts';
import type { Member } from '../../../src/model/member.ts';
import { problemsOf, readAll, tempDir } from './deckTestSupport.ts';

/** A member with every clinical record field of the contract. */
const CLINICAL: Member = {
  id: 'F1',
  birthDate: '1960-05-01',
  sex: 'F',
  enrollments: [],
  statuses: [],
  claims: [
    {
      id: 'E1',
      date: '2025-03-02',
      endDate: '2025-03-05',
      setting: 'inpatient-acute',
      codes: [
        { system: 'SNOMEDCT', code: '183452005' },
        { system: 'SNOMEDCT', code: '428361000124107', role: 'discharge-disposition' },
      ],
      kind: 'encounter',
      status: 'finished',
      doNotPerform: false,
    },
  ],
  dispensings: [],
  observations: [
    {
      id: 'O1',
      date: '2025-06-01',
      endDate: '2025-06-02',
      code: { system: 'LOINC', code: '71802-3' },
      valueCode: { system: 'SNOMEDCT', code: '160734000' },
      status: 'final',
      category: ['survey'],
    },
  ],
  conditions: [
    {
      id: 'D1',
      onset: '2019-04-10',
      abatement: '2025-02-01',
      codes: [
        { system: 'ICD10CM', code: 'C18.9' },
        { system: 'SNOMEDCT', code: '72696002', role: 'body-site' },
      ],
      clinicalStatus: 'resolved',
      verificationStatus: 'confirmed',
      category: ['problem-list-item'],
    },
    { id: 'D2', onset: '2024-12-31', codes: [{ system: 'ICD10CM', code: 'I10' }] },
  ],
  orders: [
    {
      id: 'R1',
      kind: 'medication',
      date: '2025-01-15',
      daysSupply: 90,
      codes: [{ system: 'RXNORM', code: '617312' }],
      status: 'active',
      intent: 'order',
      doNotPerform: true,
    },
  ],
};

const PLAIN: Member = {
  id: 'P1',
  birthDate: '1970-01-01',
  sex: 'M',
  enrollments: [],
  statuses: [],
  claims: [],
  dispensings: [],
  observations: [],
};

describe('clinical record fields in decks', () => {
  const { dir, cleanup } = tempDir('deck-clinical');
  afterAll(cleanup);

  it('the example member is a valid member record (strict)', () => {
    expect(strictMemberSchema.safeParse(CLINICAL).success).toBe(true);
  });

  it('a JSON Lines deck carries every field, and a member without them stays byte-identical', async () => {
    const deck = join(dir, 'jsonl');
    const writer = createDeckWriter(deck, 'jsonl');
    await writer.write(CLINICAL, []);
    await writer.write(PLAIN, []);
    await writer.close();
    const read = await readAll(openDeck(deck, { strict: true }));
    expect(read.map((r) => r.member)).toEqual([CLINICAL, memberSchema.parse(PLAIN)]);
    const lines = readFileSync(join(deck, 'members.jsonl'), 'utf8').split('\n');
    expect(lines[1]).not.toContain('conditions');
    expect(lines[1]).not.toContain('orders');
  });

  it('a CSV deck refuses to write a member with such a field, naming the member and the field', async () => {
    const cases: [Member, string][] = [
      [CLINICAL, 'conditions'],
      [{ ...CLINICAL, conditions: undefined, orders: undefined }, 'claims[0].kind'],
      [
        {
          ...PLAIN,
          claims: [
            {
              ...(CLINICAL.claims[0] as Member['claims'][0]),
              kind: undefined,
              status: undefined,
              doNotPerform: undefined,
            },
          ],
        },
        'claims[0].codes[1].role',
      ],
      [{ ...PLAIN, observations: CLINICAL.observations }, 'observations[0].id'],
    ];
    for (const [member, path] of cases) {
      const writer = createDeckWriter(join(dir, 'csv'), 'csv');
      const problems = await problemsOf(() => writer.write(member, []));
      writer.abort();
      expect(problems[0]?.code).toBe('deck/csv-unsupported');
      expect(problems[0]?.path).toBe(path);
      expect(problems[0]?.message).toContain(`member ${member.id}`);
      expect(problems[0]?.hint).toContain('--format jsonl');
    }
  });

  it('a CSV deck with a conditions or orders table, or a column for such a field, is refused when read', async () => {
    const deck = join(dir, 'read-csv');
    const writer = createDeckWriter(deck, 'csv');
    await writer.write(PLAIN, []);
    await writer.close();
    writeFileSync(join(deck, 'conditions.csv'), 'member_id,condition_id,onset\nP1,D1,2025-01-01\n');
    const tableProblems = await problemsOf(async () => readAll(openDeck(deck)));
    expect(tableProblems[0]?.code).toBe('deck/csv-unsupported');
    expect(tableProblems[0]?.file).toBe(join(deck, 'conditions.csv'));

    const columns = join(dir, 'read-csv-columns');
    mkdirSync(columns);
    writeFileSync(join(columns, 'members.csv'), 'member_id,birth_date,sex\nP1,1970-01-01,M\n');
    writeFileSync(
      join(columns, 'claims.csv'),
      'member_id,claim_id,date,setting,code_system,code,status\nP1,C1,2025-01-01,outpatient,CPT,99213,cancelled\n',
    );
    const columnProblems = await problemsOf(async () => readAll(openDeck(columns)));
    expect(columnProblems[0]).toMatchObject({
      code: 'deck/csv-unsupported',
      line: 1,
      column: 7,
    });
    expect(columnProblems[0]?.message).toContain('"status"');
  });
});
