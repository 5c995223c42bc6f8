import type { Code, Member } from '../../../model/member.ts';
import type { Problem } from '../../../model/problem.ts';
import { CSV_UNSUPPORTED } from '../columns.ts';

const HINT =
  'write the deck as JSON Lines (--format jsonl), which carries every field of the member record';

/**
 * The first field of `member` a CSV deck cannot carry, as a path into the member record
 * (`claims[0].status`, `conditions`), or undefined when the member fits in CSV tables.
 */
export function fieldCsvCannotCarry(member: Member): string | undefined {
  if (member.conditions !== undefined) return 'conditions';
  if (member.orders !== undefined) return 'orders';
  const roleAt = (codes: readonly Code[], at: string) => {
    const i = codes.findIndex((c) => c.role !== undefined);
    return i < 0 ? undefined : `${at}[${String(i)}].role`;
  };
  for (const [i, c] of member.claims.entries()) {
    const at = `claims[${String(i)}]`;
    for (const field of ['kind', 'status', 'doNotPerform'] as const) {
      if (c[field] !== undefined) return `${at}.${field}`;
    }
    const role = roleAt(c.codes, `${at}.codes`);
    if (role !== undefined) return role;
  }
  for (const [i, o] of member.observations.entries()) {
    const at = `observations[${String(i)}]`;
    for (const field of ['id', 'endDate', 'status', 'category', 'valueCode'] as const) {
      if (o[field] !== undefined) return `${at}.${field}`;
    }
    if (o.code.role !== undefined) return `${at}.code.role`;
  }
  for (const [i, d] of member.dispensings.entries()) {
    if (d.code.role !== undefined) return `dispensings[${String(i)}].code.role`;
  }
  return undefined;
}

/** The problem of writing `member` to a CSV deck, when it has a field CSV cannot carry. */
export function csvWriteProblem(member: Member): Problem | undefined {
  const path = fieldCsvCannotCarry(member);
  if (path === undefined) return undefined;
  return {
    code: 'deck/csv-unsupported',
    message: `member ${member.id} has ${path}, a clinical record field a CSV deck cannot carry`,
    path,
    hint: HINT,
  };
}

/** A deck file meant for clinical records, found in a CSV deck folder. */
export function csvFileProblem(file: string): Problem {
  return {
    code: 'deck/csv-unsupported',
    message: `a CSV deck cannot carry ${file.split(/[\\/]/).at(-1) ?? file}: CSV decks have no table for conditions or orders`,
    file,
    hint: HINT,
  };
}

/** Problems for header columns meant for fields a CSV deck cannot carry (never just ignored). */
export function csvColumnProblems(
  tableFile: string,
  columns: readonly string[],
  file: string,
  line: number,
): Problem[] {
  const unsupported: readonly string[] =
    tableFile in CSV_UNSUPPORTED.columns
      ? CSV_UNSUPPORTED.columns[tableFile as keyof typeof CSV_UNSUPPORTED.columns]
      : [];
  return columns.flatMap((c, i): Problem[] =>
    unsupported.includes(c)
      ? [
          {
            code: 'deck/csv-unsupported',
            message: `column "${c}" of ${tableFile} is a clinical record field a CSV deck cannot carry`,
            file,
            line,
            column: i + 1,
            hint: HINT,
          },
        ]
      : [],
  );
}
