import { describe, expect, it } from 'vitest';
import { openDeck } from '../../../src/adapters/deck/index.ts';
import { formatProblem } from '../../../src/model/problem.ts';
import type { Problem } from '../../../src/model/problem.ts';
import { badDeck, problemsOf, readAll, readKeepingGoing } from './deckTestSupport.ts';

interface BadCase {
  /** The folder under fixtures/decks/bad/. */
  readonly deck: string;
  /** Where the problem is. */
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
  readonly code: string;
  /** Words the message must contain. */
  readonly words: readonly string[];
  /** Words the hint must contain. */
  readonly hint?: readonly string[];
  /** With keepGoing: each member that comes through, with its enrollment, claim and expected counts. */
  readonly keepGoing: readonly string[] | 'fatal';
}

const CASES: readonly BadCase[] = [
  {
    deck: 'claims-unknown-code-system',
    file: 'claims.csv',
    line: 3,
    column: 6,
    code: 'deck/invalid-value',
    words: ['code_system "ICD-10" is not a known code system (column code_system)'],
    hint: ['ICD10CM', 'CPT-CAT-II', 'RXNORM'],
    keepGoing: ['M1 e0 c1 x0', 'M2 e0 c1 x0'],
  },
  {
    deck: 'members-birth-date-not-a-date',
    file: 'members.csv',
    line: 3,
    column: 2,
    code: 'deck/invalid-value',
    words: ['birth_date "03/04/1970" is not a calendar date YYYY-MM-DD', '(column birth_date)'],
    hint: ['YYYY-MM-DD'],
    // M2 is skipped with its enrollment row.
    keepGoing: ['M1 e1 c0 x0', 'M3 e1 c0 x0'],
  },
  {
    deck: 'enrollments-end-2025-02-30',
    file: 'enrollments.csv',
    line: 3,
    column: 3,
    code: 'deck/invalid-value',
    words: ['end "2025-02-30" is not a calendar date', '(column end)'],
    keepGoing: ['M1 e1 c0 x0', 'M2 e1 c0 x0'],
  },
  {
    deck: 'claims-row-with-an-extra-field',
    file: 'claims.csv',
    line: 3,
    column: 9,
    code: 'deck/malformed-row',
    words: ['malformed row', '9 fields', 'header has 8'],
    hint: ['quoted'],
    keepGoing: ['M1 e0 c1 x0', 'M2 e0 c1 x0'],
  },
  {
    deck: 'enrollments-unclosed-quote',
    file: 'enrollments.csv',
    line: 3,
    column: 2,
    code: 'deck/malformed-row',
    words: ['malformed row', 'quote is never closed'],
    hint: ['close the quote'],
    // The open quote swallows the rest of the file, M3's row included.
    keepGoing: ['M1 e1 c0 x0', 'M2 e0 c0 x0', 'M3 e0 c0 x0'],
  },
  {
    deck: 'claims-for-a-member-not-in-members-csv',
    file: 'claims.csv',
    line: 3,
    column: 1,
    code: 'deck/unknown-member',
    words: ['member "M9" is not in members.csv', '(column member_id)'],
    keepGoing: ['M1 e0 c1 x0', 'M2 e0 c1 x0'],
  },
  {
    deck: 'expected-row-for-a-member-not-in-members-csv',
    file: 'expected.csv',
    line: 3,
    column: 1,
    code: 'deck/unknown-member',
    words: ['member "M7" is not in members.csv'],
    keepGoing: ['M1 e0 c0 x1', 'M2 e0 c0 x1'],
  },
  {
    deck: 'members-duplicate-id',
    file: 'members.csv',
    line: 4,
    column: 1,
    code: 'deck/duplicate-member',
    words: ['duplicate member id "M1"', 'already on line 2'],
    keepGoing: ['M1 e1 c0 x0', 'M2 e1 c0 x0'],
  },
  {
    deck: 'enrollments-out-of-members-order',
    file: 'enrollments.csv',
    line: 3,
    column: 1,
    code: 'deck/out-of-order',
    words: ['out of order', 'member "M1" is at members.csv line 2', 'member "M2"'],
    hint: ['order of members.csv', 'sort'],
    keepGoing: ['M1 e0 c0 x0', 'M2 e1 c0 x0'],
  },
  {
    deck: 'claims-missing-code-system-column',
    file: 'claims.csv',
    line: 1,
    column: undefined,
    code: 'deck/missing-column',
    words: ['missing required column "code_system"'],
    hint: ['member_id, claim_id, date, end_date, setting, code_system, code, modifiers'],
    keepGoing: 'fatal',
  },
  {
    deck: 'enrollments-medical-yes-is-not-a-boolean',
    file: 'enrollments.csv',
    line: 3,
    column: 5,
    code: 'deck/invalid-value',
    words: ['medical "yes" is not a boolean', '(column medical)'],
    hint: ['true or false', '1 or 0'],
    // TRUE and 1 on M1's row are booleans.
    keepGoing: ['M1 e1 c0 x0', 'M2 e0 c0 x0'],
  },
  {
    deck: 'enrollments-end-before-start',
    file: 'enrollments.csv',
    line: 2,
    column: 3,
    code: 'deck/invalid-member',
    words: ['end must be on or after start', '(column end)'],
    keepGoing: ['M1 e0 c0 x0', 'M2 e1 c0 x0'],
  },
  {
    deck: 'claims-date-differs-within-a-claim',
    file: 'claims.csv',
    line: 3,
    column: 3,
    code: 'deck/claim-mismatch',
    words: ['claim "C1" has date "2025-03-11" here but "2025-03-10" on line 2'],
    hint: ['must be the same on every row of a claim'],
    keepGoing: ['M1 e0 c1 x0', 'M2 e0 c1 x0'],
  },
  {
    deck: 'jsonl-member-birth-date-2025-02-30',
    file: 'members.jsonl',
    line: 2,
    column: 24,
    code: 'member/invalid',
    words: ['expected a calendar date YYYY-MM-DD'],
    // The blank line 3 is ignored.
    keepGoing: ['M1 e0 c0 x0', 'M3 e0 c0 x0'],
  },
];

function summary(m: {
  member: { id: string; enrollments: unknown[]; claims: unknown[] };
  expected: readonly unknown[];
}): string {
  return `${m.member.id} e${m.member.enrollments.length} c${m.member.claims.length} x${m.expected.length}`;
}

function expectAt(p: Problem | undefined, c: BadCase): void {
  expect(p).toBeDefined();
  if (!p) return;
  expect(p.file).toBe(badDeck(c.deck, c.file));
  expect(p.line).toBe(c.line);
  expect(p.column).toBe(c.column);
  expect(p.code).toBe(c.code);
  for (const w of c.words) expect(p.message).toContain(w);
  for (const w of c.hint ?? []) expect(p.hint).toContain(w);
}

describe('bad decks: each error names the file, line and column, and says how to fix it', () => {
  for (const c of CASES) {
    describe(c.deck, () => {
      it(`stops at ${c.file}:${c.line}:${c.column ?? '-'} with a MeasurecheckError (exit 2)`, async () => {
        const problems = await problemsOf(() => readAll(openDeck(badDeck(c.deck))));
        expect(problems).toHaveLength(1);
        expectAt(problems[0], c);
        // What the CLI prints: file:line:column: message, then the hint.
        const printed = formatProblem(problems[0] ?? { code: 'internal', message: '' });
        expect(printed.split('\n')[0]).toMatch(
          new RegExp(`${c.file.replace('.', '\\.')}:${c.line}${c.column ? `:${c.column}` : ''}: `),
        );
        expect(printed).toContain('hint: ');
      });

      if (c.keepGoing === 'fatal') {
        it('stops even with keepGoing, since every row of the file would be wrong', async () => {
          const problems = await problemsOf(() => readKeepingGoing(badDeck(c.deck)));
          expectAt(problems[0], c);
        });
      } else {
        const kept = c.keepGoing;
        it(`with keepGoing reports the bad row and keeps the good members: ${kept.join(', ')}`, async () => {
          const { members, skipped } = await readKeepingGoing(badDeck(c.deck));
          expect(skipped).toHaveLength(1);
          expectAt(skipped[0], c);
          expect(members.map(summary)).toEqual(kept);
        });
      }
    });
  }
});

describe('bad decks: the members read before the error are kept', () => {
  it('yields the members before a bad member row, then rejects', async () => {
    const seen: string[] = [];
    const problems = await problemsOf(async () => {
      for await (const m of openDeck(badDeck('members-birth-date-not-a-date')).members()) {
        seen.push(m.member.id);
      }
    });
    expect(seen).toEqual(['M1']);
    expect(problems[0]?.line).toBe(3);
  });
});
