import { memberSchema, strictMemberSchema } from '../../../model/member.ts';
import type { DeckMember } from '../types.ts';
import { parseJsonLine, textLines, validateJsonLine } from './jsonLines.ts';
import { MemberCursor } from './memberCursor.ts';
import type { KeyedRow } from './memberCursor.ts';
import { memberIdOf } from './outcomeRows.ts';
import type { OutcomeRow } from './outcomeRows.ts';
import type { ExpectedOutcome } from '../../../model/outcome.ts';
import type { Reporter } from './report.ts';

export interface JsonlDeckInput {
  readonly file: string;
  /** The name of the members file in messages, e.g. members.jsonl. */
  readonly membersName: string;
  readonly expected: AsyncIterable<KeyedRow<OutcomeRow<ExpectedOutcome>>> | undefined;
  readonly strict: boolean;
  readonly reporter: Reporter;
}

/**
 * First pass over a members.jsonl: the id of each line that is a JSON object with a string `id`,
 * mapped to the line of its first record. Only needed when the deck has expected rows to match.
 */
export async function jsonlMemberLines(file: string): Promise<Map<string, number>> {
  const lines = new Map<string, number>();
  for await (const line of textLines(file)) {
    const json = parseJsonLine(file, line);
    const id = json.ok ? memberIdOf(json.value, 'id') : undefined;
    if (id !== undefined && !lines.has(id)) lines.set(id, line.line);
  }
  return lines;
}

/**
 * Streams the members of a JSON Lines deck (one member record per line, blank lines ignored),
 * merge-joined with the expected rows. Without expected rows there is no first pass: the map of
 * ids is filled as the members are read, to find duplicates.
 */
export async function* jsonlDeckMembers(input: JsonlDeckInput): AsyncGenerator<DeckMember> {
  const { file, reporter } = input;
  const memberLines = input.expected ? await jsonlMemberLines(file) : new Map<string, number>();
  const expected = input.expected
    ? new MemberCursor(input.expected, input.membersName, memberLines, reporter)
    : undefined;
  const schema = input.strict ? strictMemberSchema : memberSchema;
  try {
    for await (const line of textLines(file)) {
      const json = parseJsonLine(file, line);
      if (!json.ok) {
        reporter.report([json.problem]);
        continue;
      }
      const id = memberIdOf(json.value, 'id');
      const firstLine = id === undefined ? undefined : memberLines.get(id);
      if (id !== undefined && firstLine !== undefined && firstLine !== line.line) {
        reporter.report([
          {
            code: 'deck/duplicate-member',
            message: `duplicate member id "${id}": it is already on line ${firstLine}`,
            file,
            line: line.line,
            column: 1,
            hint: `give each member one line in ${input.membersName}; expected rows are matched to the first`,
          },
        ]);
        continue;
      }
      if (id !== undefined && firstLine === undefined) memberLines.set(id, line.line);
      const valid = validateJsonLine(file, line, json.value, schema, 'member');
      if (!valid.ok) {
        reporter.report(valid.problems);
        if (id !== undefined) await expected?.take({ id, line: line.line }, true);
        continue;
      }
      const member = valid.value;
      const expectedRows = expected ? await expected.take({ id: member.id, line: line.line }) : [];
      yield { member, origin: { file, line: line.line }, expected: expectedRows };
    }
    await expected?.drain();
  } finally {
    await expected?.close();
  }
}
