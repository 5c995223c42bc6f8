import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeckWriter, DECK_TABLES, openDeck } from '../../../src/adapters/deck/index.ts';
import type { DeckMember } from '../../../src/adapters/deck/index.ts';
import { memberArbitrary } from '../../../src/generate/index.ts';
import { memberSchema, PRODUCT_LINES } from '../../../src/model/member.ts';
import type { Member } from '../../../src/model/member.ts';
import type { Outcome } from '../../../src/model/outcome.ts';
import { shippedMeasure } from '../../support/shippedPacks.ts';
import { readAll, tempDir } from './deckTestSupport.ts';

/** Members of the rule-aware and uniform generators for COL-E and GSD, with unique ids. */
function generatedMembers(): Member[] {
  const out: Member[] = [];
  for (const measureId of ['COL-E', 'GSD']) {
    const measure = shippedMeasure(2025, measureId);
    for (const productLine of PRODUCT_LINES) {
      for (const mode of ['rule-aware', 'uniform'] as const) {
        const sample = fc.sample(memberArbitrary(measure, { productLine, mode }), {
          seed: 2025,
          numRuns: 60,
        });
        for (const m of sample)
          out.push({ ...m, id: `${measureId}-${productLine}-${mode}-${out.length}` });
      }
    }
  }
  return out;
}

/** Hand-made members at the edges of the CSV format. */
const EDGE_MEMBERS: Member[] = [
  {
    id: 'E1, "quoted", with a comma',
    birthDate: '1952-02-29',
    sex: 'U',
    deathDate: '2025-07-04',
    enrollments: [
      {
        start: '2024-01-01',
        end: '2024-06-30',
        productLine: 'medicare',
        medical: true,
        pharmacy: false,
      },
      {
        start: '2024-08-15',
        end: '2025-12-31',
        productLine: 'medicaid',
        medical: false,
        pharmacy: true,
      },
    ],
    statuses: [
      { kind: 'hospice', start: '2025-03-01', end: '2025-12-31' },
      { kind: 'isnp', start: '2025-01-01', end: '2025-01-01' },
    ],
    claims: [
      {
        id: 'C,1',
        date: '2025-03-02',
        endDate: '2025-03-05',
        setting: 'inpatient-acute',
        codes: [
          { system: 'ICD10CM', code: 'I10' },
          { system: 'CPT', code: '99213', modifiers: ['25'] },
          { system: 'CPT', code: '27447', modifiers: ['LT', '59'] },
        ],
      },
      {
        id: 'C"2"',
        date: '2025-03-02',
        setting: 'telehealth',
        codes: [{ system: 'HCPCS', code: 'G0121' }],
      },
    ],
    dispensings: [
      {
        date: '2025-02-01',
        daysSupply: 30,
        code: { system: 'NDC', code: '00093505698' },
        drug: 'atorvastatin, generic',
      },
      { date: '2025-03-03', daysSupply: 90, code: { system: 'RXNORM', code: '617310' } },
    ],
    observations: [
      {
        date: '2025-06-01',
        code: { system: 'LOINC', code: '8480-6' },
        value: 138,
        unit: 'mm[Hg]',
        setting: 'outpatient',
      },
      { date: '2025-06-01', code: { system: 'LOINC', code: '4548-4' }, value: 7.9, unit: '%' },
      { date: '2025-06-02', code: { system: 'LOINC', code: '4548-4' } },
      {
        date: '2025-06-03',
        code: { system: 'SNOMEDCT', code: '1234' },
        value: -0.5,
        unit: 'line\nbreak "unit"',
      },
    ],
  },
  // No rows in any child table.
  {
    id: 'E2',
    birthDate: '2000-01-01',
    sex: 'F',
    enrollments: [],
    statuses: [],
    claims: [],
    dispensings: [],
    observations: [],
  },
  {
    id: ' E3 with spaces ',
    birthDate: '1970-12-31',
    sex: 'M',
    enrollments: [
      {
        start: '2025-01-01',
        end: '2025-12-31',
        productLine: 'commercial',
        medical: true,
        pharmacy: true,
      },
    ],
    statuses: [],
    claims: [],
    dispensings: [],
    observations: [{ date: '2025-01-01', code: { system: 'LOINC', code: '97506-0' }, value: 0 }],
  },
];

/** Expected outcomes for member i: single-rate COL-E with and without strata, multi-rate GSD. */
function outcomesFor(m: Member, i: number): Outcome[] {
  const base = {
    memberId: m.id,
    year: 2025,
    productLine: PRODUCT_LINES[i % 3] ?? 'commercial',
    initialPopulation: i % 2 === 0,
    denominator: i % 2 === 0,
    denominatorExclusion: i % 5 === 0,
  } as const;
  const outcomes: Outcome[] = [];
  if (i % 4 !== 3) {
    outcomes.push({
      ...base,
      measure: 'COL-E',
      numerator: i % 3 === 0,
      ...(i % 2 === 0 ? { stratum: i % 4 === 0 ? '46-49' : '50-75' } : {}),
    });
  }
  if (i % 3 !== 1) {
    outcomes.push({
      ...base,
      measure: 'GSD',
      numerator: { 'below-8': i % 2 === 1, 'above-9': i % 7 === 0 },
      ...(i % 6 === 0 ? { stratum: '18-64' } : {}),
    });
  }
  return outcomes;
}

for (const format of ['csv', 'jsonl'] as const) {
  describe(`round trip through a ${format} deck`, () => {
    const { dir, cleanup } = tempDir(`deck-${format}`);
    const written = [...EDGE_MEMBERS, ...generatedMembers()];
    const expected = written.map(outcomesFor);
    let read: DeckMember[] = [];

    beforeAll(async () => {
      const writer = createDeckWriter(join(dir, 'nested', 'deck'), format);
      for (const [i, m] of written.entries()) await writer.write(m, expected[i] ?? []);
      await writer.close();
      read = await readAll(openDeck(join(dir, 'nested', 'deck')));
    });
    afterAll(cleanup);

    it('detects the format and finds the expected file', () => {
      const deck = openDeck(join(dir, 'nested', 'deck'));
      expect(deck.format).toBe(format);
      expect(deck.expectedFile).toBe(join(dir, 'nested', 'deck', `expected.${format}`));
    });

    it('reads back every member, in order, equal to what was written (after schema parsing)', () => {
      expect(read.map((r) => r.member.id)).toEqual(written.map((m) => m.id));
      for (const [i, m] of written.entries()) {
        expect(read[i]?.member).toEqual(memberSchema.parse(m));
      }
    });

    it('reads back every expected outcome, multi-rate numerators and strata included', () => {
      for (const [i, r] of read.entries()) {
        expect(r.expected.map((e) => e.outcome)).toEqual(expected[i]);
      }
      const gsd = read[0]?.expected.find((e) => e.outcome.measure === 'GSD')?.outcome;
      expect(gsd?.numerator).toEqual({ 'below-8': false, 'above-9': true });
      expect(gsd?.stratum).toBe('18-64');
    });

    it('says where each member and expected row came from', () => {
      const membersFile = join(dir, 'nested', 'deck', `members.${format}`);
      expect(read[0]?.origin).toEqual({ file: membersFile, line: format === 'csv' ? 2 : 1 });
      const lines = read.flatMap((r) => r.expected.map((e) => e.origin.line));
      // Expected rows are one per line (CSV has a header), in member order.
      expect(lines[0]).toBe(format === 'csv' ? 2 : 1);
      expect(lines).toEqual([...lines].sort((a, b) => a - b));
    });
  });
}

describe('the CSV deck writer', () => {
  const { dir, cleanup } = tempDir('deck-writer');
  afterAll(cleanup);

  it('writes all seven files with their headers even when there are no rows', async () => {
    const writer = createDeckWriter(dir, 'csv');
    await writer.write(EDGE_MEMBERS[1] as Member, []);
    await writer.close();
    for (const table of Object.values(DECK_TABLES)) {
      const text = readFileSync(join(dir, table.file), 'utf8');
      expect(text.split('\n')[0]).toBe(table.columns.join(','));
    }
    expect(readFileSync(join(dir, 'members.csv'), 'utf8')).toBe(
      'member_id,birth_date,sex,death_date\nE2,2000-01-01,F,\n',
    );
  });

  it('quotes values with commas, quotes and line breaks, and writes one claims.csv row per code', async () => {
    const writer = createDeckWriter(dir, 'csv');
    await writer.write(EDGE_MEMBERS[0] as Member, []);
    await writer.close();
    const claims = readFileSync(join(dir, 'claims.csv'), 'utf8').split('\n');
    expect(claims[1]).toBe(
      '"E1, ""quoted"", with a comma","C,1",2025-03-02,2025-03-05,inpatient-acute,ICD10CM,I10,',
    );
    expect(claims[3]).toContain(',CPT,27447,LT;59');
    expect(claims[4]).toContain('"C""2""",2025-03-02,,telehealth,HCPCS,G0121,');
  });

  it('adds one numerator.<rateId> column per rate to expected.csv', async () => {
    const writer = createDeckWriter(dir, 'csv');
    const m = EDGE_MEMBERS[1] as Member;
    await writer.write(m, outcomesFor(m, 0));
    await writer.close();
    expect(readFileSync(join(dir, 'expected.csv'), 'utf8')).toBe(
      [
        'member_id,measure,year,product_line,initial_population,denominator,denominator_exclusion,numerator,stratum,numerator.below-8,numerator.above-9',
        'E2,COL-E,2025,commercial,true,true,true,true,46-49,,',
        'E2,GSD,2025,commercial,true,true,true,,18-64,false,true',
        '',
      ].join('\n'),
    );
  });

  it('refuses a member the CSV format cannot represent', async () => {
    const writer = createDeckWriter(dir, 'csv');
    const base = EDGE_MEMBERS[1] as Member;
    const claim = {
      id: 'C1',
      date: '2025-01-01',
      setting: 'lab' as const,
      codes: [{ system: 'CPT' as const, code: '82270' }],
    };
    await expect(writer.write({ ...base, claims: [claim, claim] }, [])).rejects.toThrow(
      /two claims with id C1/,
    );
    await expect(
      writer.write(
        {
          ...base,
          claims: [{ ...claim, codes: [{ system: 'CPT', code: '1', modifiers: ['A;B'] }] }],
        },
        [],
      ),
    ).rejects.toThrow(/separates modifiers/);
    await writer.close();
  });

  it('writes and reads back 10,000 members across many read chunks, with bounded heap', async () => {
    const many = join(dir, 'many');
    const writer = createDeckWriter(many, 'csv');
    const template = EDGE_MEMBERS[0] as Member;
    const count = 10_000;
    for (let i = 0; i < count; i += 1) {
      const m = { ...template, id: `M${String(i).padStart(6, '0')}` };
      await writer.write(m, outcomesFor(m, i));
    }
    await writer.close();
    let n = 0;
    let claims = 0;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for await (const dm of openDeck(many).members()) {
      n += 1;
      claims += dm.member.claims.length;
      if (n % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(n).toBe(count);
    expect(claims).toBe(2 * count);
    // About 10 MB of CSV; the reader holds one member's rows and the member ids, plus garbage.
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
  });
});
