import { basename } from 'node:path';
import { MeasurecheckError } from '../../../model/problem.ts';
import type { Problem } from '../../../model/problem.ts';
import type { DeckTable } from '../columns.ts';
import { csvRecords } from './csvRecords.ts';
import type { Reporter } from './report.ts';
import { csvColumnProblems } from './csvUnsupported.ts';

/** One data row of a CSV table, read by column name. */
export interface CsvRow {
  readonly file: string;
  readonly line: number;
  /** The value in `column`, or '' when the file has no such column. */
  text(column: string): string;
  /** The 1-based position of `column` in the file's header, or undefined when it has none. */
  columnOf(column: string): number | undefined;
  /** Every column of the header, in file order. */
  readonly columns: readonly string[];
}

export interface CsvTableOptions {
  readonly strict?: boolean | undefined;
  /** Extra columns this table accepts besides `table.columns`, e.g. `numerator.<rateId>`. */
  readonly accepts?: ((column: string) => boolean) | undefined;
  /** Checks the header beyond the required columns; returns problems. */
  readonly checkHeader?:
    ((columns: readonly string[], file: string, line: number) => Problem[]) | undefined;
  /** An empty file is an error instead of a table without rows. */
  readonly requireHeader?: boolean | undefined;
}

/**
 * Streams the data rows of a CSV table. The header is checked first: a missing required column,
 * a repeated column, or (with `strict`) an unknown column is a problem at line 1 that always stops
 * reading, even with keepGoing, because every row of the file would be wrong.
 * An empty file has no rows (unless `requireHeader`).
 */
export async function* csvTableRows(
  file: string,
  table: DeckTable,
  reporter: Reporter,
  options: CsvTableOptions = {},
): AsyncGenerator<CsvRow> {
  let index: Map<string, number> | undefined;
  let columns: readonly string[] = [];
  for await (const record of csvRecords(file, reporter)) {
    if (index === undefined) {
      columns = record.fields.map((f) => f.trim());
      const problems = headerProblems(file, record.line, columns, table, options);
      if (problems.length > 0) throw new MeasurecheckError(problems);
      index = new Map(columns.map((c, i) => [c, i]));
      continue;
    }
    yield new Row(file, record.line, record.fields, index, columns);
  }
  if (index === undefined && options.requireHeader) {
    throw new MeasurecheckError([
      {
        code: 'deck/missing-column',
        message: `${basename(file)} is empty: it needs a header line`,
        file,
        line: 1,
        hint: `start the file with the header ${table.columns.join(',')}`,
      },
    ]);
  }
}

function headerProblems(
  file: string,
  line: number,
  columns: readonly string[],
  table: DeckTable,
  options: CsvTableOptions,
): Problem[] {
  const problems: Problem[] = [];
  const expected = `the columns of ${table.file} are ${table.columns.join(', ')} (required: ${table.required.join(', ')})`;
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    const first = seen.get(c);
    if (first !== undefined) {
      problems.push({
        code: 'deck/duplicate-column',
        message: `column "${c}" appears twice in the header (columns ${first} and ${i + 1})`,
        file,
        line,
        column: i + 1,
        hint: 'keep one of them',
      });
    } else {
      seen.set(c, i + 1);
    }
  });
  for (const required of table.required) {
    if (!seen.has(required)) {
      problems.push({
        code: 'deck/missing-column',
        message: `missing required column "${required}" in the header`,
        file,
        line,
        hint: `add the column; ${expected}; columns may come in any order`,
      });
    }
  }
  if (options.strict) {
    const known = new Set<string>(table.columns);
    columns.forEach((c, i) => {
      if (known.has(c) || options.accepts?.(c)) return;
      problems.push({
        code: 'deck/unknown-column',
        message: `unknown column "${c}" (strict mode)`,
        file,
        line,
        column: i + 1,
        hint: `remove it or correct its spelling; ${expected}`,
      });
    });
  }
  problems.push(...csvColumnProblems(table.file, columns, file, line));
  problems.push(...(options.checkHeader?.(columns, file, line) ?? []));
  return problems;
}

/** One class for every row, so a row costs one object, not one closure per method. */
class Row implements CsvRow {
  constructor(
    readonly file: string,
    readonly line: number,
    private readonly fields: readonly string[],
    private readonly positions: ReadonlyMap<string, number>,
    readonly columns: readonly string[],
  ) {}

  text(column: string): string {
    const i = this.positions.get(column);
    return i === undefined ? '' : (this.fields[i] ?? '');
  }

  columnOf(column: string): number | undefined {
    const i = this.positions.get(column);
    return i === undefined ? undefined : i + 1;
  }
}
