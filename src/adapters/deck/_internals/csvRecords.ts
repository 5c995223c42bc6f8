import { parse } from 'csv-parse';
import type { CsvError, InfoRecord, Options } from 'csv-parse';
import { MeasurecheckError } from '../../../model/problem.ts';
import { openTextStream } from '../../../model/textFile.ts';
import type { Problem } from '../../../model/problem.ts';
import { errorMessage } from './report.ts';
import type { Reporter } from './report.ts';

/** One record of a CSV file with the 1-based line it starts on (the header is line 1). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

interface Position {
  /** The line the last record (or skipped bad record) ended on. */
  end: number;
  /** Empty lines seen so far. */
  empty: number;
  /** The csv-parse code of the last bad record, and how many records preceded it. */
  lastCode?: string | undefined;
  lastAfter?: number | undefined;
}

interface RecordEnd {
  /** The line the record ends on. */
  readonly lines: number;
  /** Empty lines seen up to it. */
  readonly empty: number;
}

interface PendingSkip {
  /** How many records had been emitted when the bad record was met. */
  readonly after: number;
  readonly lines: number;
  readonly empty: number;
  readonly error: unknown;
}

/**
 * Streams the records of a CSV file (header included) with csv-parse, in streaming mode, so memory
 * stays bounded by one record. A malformed record (wrong number of fields, unclosed or stray quote)
 * becomes a problem with its line, reported in file order among the records: csv-parse skips it
 * (`skip_records_with_error`) and the reporter throws or passes it on.
 *
 * csv-parse counts the line a record ends on; a quoted value may span lines, so the start line is
 * worked out from where the previous record ended and the empty lines in between.
 */
export async function* csvRecords(file: string, reporter: Reporter): AsyncGenerator<CsvRecord> {
  const skips: PendingSkip[] = [];
  let emitted = 0;
  // Line numbers come from the context on_record receives (the same counters `info: true` adds to
  // each record; asking for both would build two info objects per record). They wait in `ends`,
  // in parse order, until their record is consumed: at most the stream's buffer of records.
  const ends: RecordEnd[] = [];
  const options: Options = {
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      skips.push({
        after: emitted,
        lines: numberOf(error, 'lines') ?? parser.info.lines,
        empty: numberOf(error, 'empty_lines') ?? parser.info.empty_lines,
        error,
      });
      return undefined;
    },
    on_record: (record: string[], context: InfoRecord) => {
      emitted += 1;
      ends.push({ lines: context.lines, empty: context.empty_lines });
      return record;
    },
  };
  const parser = parse(options);
  // A file that cannot be read, or bytes that are not UTF-8, stop reading even with keepGoing:
  // skipping them would silently read a table as having fewer rows than it has.
  const opened = openTextStream(file);
  if (!opened.ok) throw new MeasurecheckError(opened.problems);
  const source = opened.value;
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  const position: Position = { end: 0, empty: 0 };
  let seen = 0;
  try {
    for await (const chunk of parser as AsyncIterable<unknown>) {
      seen += 1;
      flushSkips(file, skips, seen, position, reporter);
      const end = ends.shift();
      if (!Array.isArray(chunk) || !end) continue;
      const line = position.end + 1 + (end.empty - position.empty);
      position.end = end.lines;
      position.empty = end.empty;
      yield { line, fields: chunk as string[] };
    }
    flushSkips(file, skips, Number.POSITIVE_INFINITY, position, reporter);
  } catch (e) {
    if (e instanceof MeasurecheckError) throw e;
    flushSkips(file, skips, Number.POSITIVE_INFINITY, position, reporter);
    const problem = unreadable(file, e, position);
    if (problem.code === 'deck/unreadable') throw new MeasurecheckError([problem]);
    reporter.report([problem]);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Reports the skipped records met before the `seen`-th record, in file order. */
function flushSkips(
  file: string,
  skips: PendingSkip[],
  seen: number,
  position: Position,
  reporter: Reporter,
): void {
  while (skips.length > 0) {
    const next = skips[0];
    if (!next || next.after >= seen) return;
    skips.shift();
    const line = position.end + 1 + (next.empty - position.empty);
    position.end = next.lines;
    position.empty = next.empty;
    // After a stray closing quote csv-parse reads the rest of the file as one quoted value and
    // then reports an unclosed quote: the same mistake, so it is reported once.
    const echo =
      position.lastCode === 'CSV_INVALID_CLOSING_QUOTE' &&
      stringOf(next.error, 'code') === 'CSV_QUOTE_NOT_CLOSED' &&
      position.lastAfter === next.after;
    position.lastCode = stringOf(next.error, 'code');
    position.lastAfter = next.after;
    if (!echo) reporter.report([malformed(file, line, next.error)]);
  }
}

function numberOf(x: unknown, key: string): number | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const v: unknown = Reflect.get(x, key);
  return typeof v === 'number' ? v : undefined;
}

function stringOf(x: unknown, key: string): string | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const v: unknown = Reflect.get(x, key);
  return typeof v === 'string' ? v : undefined;
}

const QUOTE_HINT =
  'a value with a comma, a quote or a line break must be quoted ("a,b"), and a quote inside a quoted value is doubled ("say ""hi""")';

/** Converts a csv-parse error into a problem at the line where the bad record starts. */
function malformed(file: string, line: number, error: unknown): Problem {
  const code = stringOf(error, 'code');
  const index = numberOf(error, 'index');
  const record: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'record') : undefined;
  const message = firstLine(errorMessage(error));
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const got = Array.isArray(record) ? record.length : undefined;
      const expected = /expect (\d+)/.exec(message)?.[1];
      const want = expected === undefined ? undefined : Number(expected);
      const column = got !== undefined && want !== undefined ? Math.min(got, want) + 1 : undefined;
      return {
        code: 'deck/malformed-row',
        message: `malformed row: it has ${got ?? '?'} fields but the header has ${want ?? '?'}`,
        file,
        line,
        ...(column !== undefined ? { column } : {}),
        hint: `every row needs exactly one value per header column; ${QUOTE_HINT}`,
      };
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return {
        code: 'deck/malformed-row',
        message: 'malformed row: a quoted value starts here and its quote is never closed',
        file,
        line,
        column: (index ?? 0) + 1,
        hint: `close the quote; ${QUOTE_HINT}`,
      };
    case 'CSV_INVALID_CLOSING_QUOTE':
      return {
        code: 'deck/malformed-row',
        message: `malformed row: text follows the closing quote of a quoted value (${message})`,
        file,
        line,
        column: (index ?? 0) + 1,
        hint: QUOTE_HINT,
      };
    default:
      return {
        code: 'deck/malformed-row',
        message: `malformed row: ${message}`,
        file,
        line,
        hint: QUOTE_HINT,
      };
  }
}

function unreadable(file: string, error: unknown, position: Position): Problem {
  const code = stringOf(error, 'code');
  if (code?.startsWith('CSV_')) return malformed(file, position.end + 1, error);
  return {
    code: 'deck/unreadable',
    message: `cannot read ${file}: ${firstLine(errorMessage(error))}`,
    file,
    hint: 'check that the file exists and is readable',
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
