import { PRODUCT_LINES } from '../../../model/member.ts';
import { expectedOutcomeSchema, outcomeSchema } from '../../../model/outcome.ts';
import type { ExpectedOutcome, Numerator, Outcome } from '../../../model/outcome.ts';
import type { Problem } from '../../../model/problem.ts';
import { OUTCOMES_TABLE, RATE_COLUMN_PREFIX } from '../columns.ts';
import type { RowOrigin } from '../types.ts';
import { csvLine } from './csvText.ts';
import { csvTableRows } from './csvTable.ts';
import type { CsvRow } from './csvTable.ts';
import { keyedCsvRows, RowDecoder } from './fields.ts';
import { parseJsonLine, textLines, validateJsonLine } from './jsonLines.ts';
import type { KeyedRow } from './memberCursor.ts';
import type { Reporter } from './report.ts';

/** An outcome read from a file, with where it came from. */
export interface OutcomeRow<O extends ExpectedOutcome = Outcome> {
  readonly outcome: O;
  readonly origin: RowOrigin;
}

/** Where each outcome field is in a CSV row, for schema issues. */
const COLUMN_OF_FIELD: Readonly<Record<string, string>> = {
  memberId: 'member_id',
  measure: 'measure',
  year: 'year',
  productLine: 'product_line',
  initialPopulation: 'initial_population',
  denominator: 'denominator',
  denominatorExclusion: 'denominator_exclusion',
  numerator: 'numerator',
  stratum: 'stratum',
};

function isRateColumn(column: string): boolean {
  return column.startsWith(RATE_COLUMN_PREFIX) && column.length > RATE_COLUMN_PREFIX.length;
}

/** The header needs `numerator` or at least one `numerator.<rateId>` column. */
function checkOutcomeHeader(columns: readonly string[], file: string, line: number): Problem[] {
  if (columns.includes('numerator') || columns.some(isRateColumn)) return [];
  return [
    {
      code: 'deck/missing-column',
      message:
        'missing required column "numerator" in the header (or one numerator.<rateId> column per rate)',
      file,
      line,
      hint: `add the column; the columns of outcome rows are ${OUTCOMES_TABLE.columns.join(', ')}, plus numerator.<rateId> for each rate of a multi-rate measure`,
    },
  ];
}

/**
 * Decodes an outcome row of a CSV file (expected.csv or a results file). A row uses either
 * `numerator` (one rate) or its non-empty `numerator.<rateId>` columns (several rates).
 */
export function decodeOutcomeRow(row: CsvRow, reporter: Reporter): Outcome | undefined {
  const d = new RowDecoder(row);
  const memberId = d.text('member_id');
  const measure = d.text('measure');
  const year = d.integer('year');
  // Empty (or no column) for a measure without product lines.
  const productLine = d.optionalOneOf('product_line', PRODUCT_LINES, 'product line');
  const initialPopulation = d.boolean('initial_population');
  const denominator = d.boolean('denominator');
  const denominatorExclusion = d.boolean('denominator_exclusion');
  const single = d.optionalBoolean('numerator');
  const rates: Record<string, boolean> = {};
  let rateCount = 0;
  for (const column of row.columns) {
    if (!isRateColumn(column)) continue;
    const value = d.optionalBoolean(column);
    if (value === undefined) continue;
    rates[column.slice(RATE_COLUMN_PREFIX.length)] = value;
    rateCount += 1;
  }
  let numerator: Numerator = false;
  if (single !== undefined && rateCount > 0) {
    d.fail(
      'numerator',
      'numerator and numerator.<rateId> columns are both filled in',
      'a single-rate measure fills in numerator; a multi-rate measure fills in its numerator.<rateId> columns and leaves numerator empty',
    );
  } else if (single !== undefined) {
    numerator = single;
  } else if (rateCount > 0) {
    numerator = rates;
  } else {
    d.fail(
      row.columnOf('numerator') !== undefined ? 'numerator' : 'member_id',
      'numerator is empty; it is required',
      'fill in numerator (one rate) or the numerator.<rateId> columns (several rates)',
    );
  }
  const stratum = d.optionalText('stratum');
  if (!d.ok) {
    reporter.report(d.problems);
    return undefined;
  }
  const candidate = {
    memberId,
    measure,
    year,
    ...(productLine !== undefined ? { productLine } : {}),
    initialPopulation,
    denominator,
    denominatorExclusion,
    numerator,
    ...(stratum !== undefined ? { stratum } : {}),
  };
  const parsed = outcomeSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    const column =
      typeof field === 'string' ? (COLUMN_OF_FIELD[field] ?? 'member_id') : 'member_id';
    d.fail(
      column,
      `${column} ${JSON.stringify(row.text(column))}: ${issue.message}`,
      'see docs/fixtures.md for the columns of outcome rows',
    );
  }
  reporter.report(d.problems);
  return undefined;
}

/** The outcome rows of a CSV file, keyed by member for the merge-join. */
export async function* csvOutcomeRows(
  file: string,
  reporter: Reporter,
  strict: boolean,
  requireHeader = false,
): AsyncGenerator<KeyedRow<OutcomeRow>> {
  yield* keyedCsvRows(
    file,
    csvTableRows(file, OUTCOMES_TABLE, reporter, {
      strict,
      requireHeader,
      accepts: isRateColumn,
      checkHeader: checkOutcomeHeader,
    }),
    reporter,
    (row) => {
      const outcome = decodeOutcomeRow(row, reporter);
      return outcome && { outcome, origin: { file, line: row.line } };
    },
  );
}

/**
 * The outcome rows of a JSON Lines file (one outcome object per line), keyed by member. An
 * expected-results file (`expected`) may have rows without `productLine` (measures without
 * product lines); a results file may not.
 */
export function jsonlOutcomeRows(
  file: string,
  reporter: Reporter,
): AsyncGenerator<KeyedRow<OutcomeRow>>;
export function jsonlOutcomeRows(
  file: string,
  reporter: Reporter,
  expected: true,
): AsyncGenerator<KeyedRow<OutcomeRow<ExpectedOutcome>>>;
export async function* jsonlOutcomeRows(
  file: string,
  reporter: Reporter,
  expected = false,
): AsyncGenerator<KeyedRow<OutcomeRow<ExpectedOutcome>>> {
  const schema = expected ? expectedOutcomeSchema : outcomeSchema;
  for await (const line of textLines(file)) {
    const json = parseJsonLine(file, line);
    if (!json.ok) {
      reporter.report([json.problem]);
      continue;
    }
    const memberId = memberIdOf(json.value);
    const decode = () => {
      const valid = validateJsonLine(file, line, json.value, schema, 'outcome');
      if (!valid.ok) {
        reporter.report(valid.problems);
        return undefined;
      }
      return { outcome: valid.value, origin: { file, line: line.line } };
    };
    if (memberId === undefined) {
      // Without a member id the row cannot be placed: report what is wrong with it.
      decode();
      continue;
    }
    yield { memberId, file, line: line.line, memberIdColumn: undefined, decode };
  }
}

/** The `memberId` (outcome) or `id` (member record) of a parsed JSON value, when it is a string. */
export function memberIdOf(value: unknown, key = 'memberId'): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id: unknown = Reflect.get(value, key);
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The rate ids of an outcome, in its numerator's key order (none for a single rate). */
export function rateIdsOf(outcome: Outcome): string[] {
  return typeof outcome.numerator === 'boolean' ? [] : Object.keys(outcome.numerator);
}

/** The header of an outcome CSV with these rate columns. */
export function outcomeHeader(rateIds: readonly string[]): string {
  return csvLine([...OUTCOMES_TABLE.columns, ...rateIds.map((r) => RATE_COLUMN_PREFIX + r)]);
}

/** One outcome as a CSV line under `outcomeHeader(rateIds)`. */
export function outcomeLine(outcome: Outcome, rateIds: readonly string[]): string {
  const n = outcome.numerator;
  if (typeof n !== 'boolean' && Object.keys(n).length === 0) {
    throw new Error(
      `outcome of member ${outcome.memberId} has a numerator with no rates; a CSV row cannot say that`,
    );
  }
  return csvLine([
    outcome.memberId,
    outcome.measure,
    String(outcome.year),
    outcome.productLine ?? '',
    String(outcome.initialPopulation),
    String(outcome.denominator),
    String(outcome.denominatorExclusion),
    typeof n === 'boolean' ? String(n) : '',
    outcome.stratum ?? '',
    ...rateIds.map((r) => (typeof n === 'boolean' || n[r] === undefined ? '' : String(n[r]))),
  ]);
}
