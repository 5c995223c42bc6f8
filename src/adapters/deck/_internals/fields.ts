import { parseIsoDate } from '../../../model/calendarDate.ts';
import type { Problem, ProblemCode } from '../../../model/problem.ts';
import { MODIFIER_SEPARATOR } from '../columns.ts';
import type { CsvRow } from './csvTable.ts';
import type { KeyedRow } from './memberCursor.ts';
import type { Reporter } from './report.ts';
import { at } from './report.ts';

const DATE_HINT =
  'write dates as YYYY-MM-DD, e.g. 2025-12-31 (no time, no time zone); the day must exist in its month';
const BOOLEAN_HINT = 'write true or false (any case), or 1 or 0';

/**
 * Reads typed values from a CSV row and collects one problem per bad value, naming the column by
 * its position and its name. A bad value reads as a placeholder (`''`, `false`, `0`); callers check
 * `problems` before using what they read. Values are taken as written: nothing is trimmed.
 */
export class RowDecoder {
  readonly problems: Problem[] = [];
  private readonly row: CsvRow;

  constructor(row: CsvRow) {
    this.row = row;
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  /** Records a problem about the value in `column`. */
  fail(
    column: string,
    message: string,
    hint: string,
    code: ProblemCode = 'deck/invalid-value',
  ): void {
    this.problems.push(valueProblem(this.row, column, message, hint, code));
  }

  /** A value that must not be empty. */
  text(column: string): string {
    const v = this.row.text(column);
    if (v === '') this.fail(column, `${column} is empty; it is required`, `fill in ${column}`);
    return v;
  }

  /** A value that may be empty (empty = none). */
  optionalText(column: string): string | undefined {
    const v = this.row.text(column);
    return v === '' ? undefined : v;
  }

  date(column: string): string {
    const v = this.text(column);
    if (v !== '' && parseIsoDate(v) === undefined) {
      this.fail(
        column,
        `${column} ${JSON.stringify(v)} is not a calendar date YYYY-MM-DD`,
        DATE_HINT,
      );
      return '';
    }
    return v;
  }

  optionalDate(column: string): string | undefined {
    if (this.row.text(column) === '') return undefined;
    return this.date(column);
  }

  boolean(column: string): boolean {
    const v = this.text(column);
    if (v === '') return false;
    const parsed = parseBoolean(v);
    if (parsed === undefined) {
      this.fail(column, `${column} ${JSON.stringify(v)} is not a boolean`, BOOLEAN_HINT);
      return false;
    }
    return parsed;
  }

  optionalBoolean(column: string): boolean | undefined {
    if (this.row.text(column) === '') return undefined;
    return this.boolean(column);
  }

  /** A whole number; `positive` also rejects zero and negatives. */
  integer(column: string, options: { positive?: boolean } = {}): number {
    const v = this.text(column);
    if (v === '') return 0;
    if (!/^[-+]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      this.fail(
        column,
        `${column} ${JSON.stringify(v)} is not a whole number`,
        'write digits only, e.g. 30',
      );
      return 0;
    }
    const n = Number(v);
    if (options.positive && n <= 0) {
      this.fail(
        column,
        `${column} ${v} must be a positive whole number`,
        'write a number of 1 or more',
      );
      return 0;
    }
    return n;
  }

  optionalNumber(column: string): number | undefined {
    const v = this.row.text(column);
    if (v === '') return undefined;
    if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(v) || !Number.isFinite(Number(v))) {
      this.fail(
        column,
        `${column} ${JSON.stringify(v)} is not a number`,
        'write a decimal number with a dot, e.g. 7.5, or leave it empty',
      );
      return undefined;
    }
    return Number(v);
  }

  /** One of `values`; `what` names the kind of value in the message, e.g. "code system". */
  oneOf<T extends string>(column: string, values: readonly T[], what: string): T {
    const v = this.text(column);
    if (v === '') return values[0] as T;
    if (!isOneOf(v, values)) {
      this.fail(
        column,
        `${column} ${JSON.stringify(v)} is not a known ${what}`,
        `known ${plural(what)}: ${values.join(', ')}`,
      );
      return values[0] as T;
    }
    return v;
  }

  optionalOneOf<T extends string>(
    column: string,
    values: readonly T[],
    what: string,
  ): T | undefined {
    if (this.row.text(column) === '') return undefined;
    return this.oneOf(column, values, what);
  }

  /** Modifiers separated by `;`; empty means none. */
  modifiers(column: string): string[] | undefined {
    const v = this.row.text(column);
    if (v === '') return undefined;
    const parts = v.split(MODIFIER_SEPARATOR);
    if (parts.some((p) => p === '')) {
      this.fail(
        column,
        `${column} ${JSON.stringify(v)} has an empty modifier`,
        `separate modifiers with "${MODIFIER_SEPARATOR}", e.g. LT${MODIFIER_SEPARATOR}59, with nothing before the first or after the last`,
      );
      return undefined;
    }
    return parts;
  }
}

export function valueProblem(
  row: CsvRow,
  column: string,
  message: string,
  hint: string,
  code: ProblemCode = 'deck/invalid-value',
): Problem {
  return {
    code,
    message: `${message} (column ${column})`,
    file: row.file,
    line: row.line,
    ...at(row.columnOf(column)),
    hint,
  };
}

export function parseBoolean(v: string): boolean | undefined {
  const lower = v.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return undefined;
}

function isOneOf<T extends string>(v: string, values: readonly T[]): v is T {
  return (values as readonly string[]).includes(v);
}

function plural(what: string): string {
  return what.endsWith('s') ? what : `${what}s`;
}

/**
 * Keys CSV rows by their `member_id` for the merge-join; a row with an empty member id is reported
 * and skipped. `decode` turns a row into its value, or undefined after reporting its problems.
 */
export async function* keyedCsvRows<T>(
  file: string,
  rows: AsyncIterable<CsvRow>,
  reporter: Reporter,
  decode: (row: CsvRow) => T | undefined,
): AsyncGenerator<KeyedRow<T>> {
  for await (const row of rows) {
    const memberId = row.text('member_id');
    if (memberId === '') {
      const d = new RowDecoder(row);
      d.text('member_id');
      reporter.report(d.problems);
      continue;
    }
    yield {
      memberId,
      file,
      line: row.line,
      memberIdColumn: row.columnOf('member_id'),
      decode: () => decode(row),
    };
  }
}
