import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { MeasurecheckError } from '../../model/problem.ts';
import type { Problem } from '../../model/problem.ts';
import { entryExists, fileProblem } from '../../model/textFile.ts';
import { csvOutcomeRows, jsonlOutcomeRows } from './_internals/outcomeRows.ts';
import { createReporter } from './_internals/report.ts';
import type { ResultRow } from './types.ts';

export interface ReadResultsOptions {
  /** Skip a bad row (passed to `onSkip`) instead of failing at the first one. */
  readonly keepGoing?: boolean;
  readonly onSkip?: (p: Problem) => void;
}

/**
 * Streams the outcomes of an implementation's results file: `.csv` (the columns of expected.csv)
 * or `.jsonl` / `.ndjson` (one outcome object per line, the contract's outcome shape). Rows may
 * come in any order. A bad row rejects with a `MeasurecheckError` (exit code 2) naming the file,
 * line and column, or with `keepGoing` is passed to `onSkip` and skipped.
 *
 * The file itself is checked when this is called, before anything is compared: an unknown
 * extension, a missing or unreadable file, or an empty one throws a `MeasurecheckError` (exit
 * code 2) at once, so it is reported first and alone, never as every member missing.
 *
 * @example
 * for await (const { outcome, origin } of readResults('out/results.csv')) {
 *   // ...
 * }
 */
export function readResults(
  path: string,
  options: ReadResultsOptions = {},
): AsyncGenerator<ResultRow> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.jsonl' && ext !== '.ndjson') {
    throw new MeasurecheckError([
      {
        code: 'results/unknown-format',
        message: `cannot tell the format of the results file ${path} from its extension`,
        file: path,
        hint: 'name it .csv (the columns of expected.csv) or .jsonl / .ndjson (one outcome per line); see docs/fixtures.md',
      },
    ]);
  }
  if (!entryExists(path)) {
    throw new MeasurecheckError([
      {
        code: 'results/not-found',
        message: `results file not found: ${path}`,
        file: path,
        hint: 'pass the file your implementation wrote its outcomes to',
      },
    ]);
  }
  const problem = fileProblem(path, {
    hint: 'pass the file your implementation wrote its outcomes to',
  });
  if (problem) throw new MeasurecheckError([problem]);
  if (statSync(path).size === 0) throw new MeasurecheckError([emptyResults(path)]);
  return resultRows(path, ext === '.csv', createReporter(options));
}

async function* resultRows(
  path: string,
  csv: boolean,
  reporter: ReturnType<typeof createReporter>,
): AsyncGenerator<ResultRow> {
  let lines = 0;
  const rows = csv ? csvOutcomeRows(path, reporter, false, true) : jsonlOutcomeRows(path, reporter);
  for await (const row of rows) {
    lines += 1;
    const decoded = row.decode();
    if (decoded) yield decoded;
  }
  // A JSON Lines file of blank lines says nothing, like an empty one (a CSV one has no header).
  if (!csv && lines === 0 && !reporter.keepGoing) throw new MeasurecheckError([emptyResults(path)]);
}

function emptyResults(path: string): Problem {
  return {
    code: 'results/empty',
    message: 'the results file is empty: it holds no outcomes',
    file: path,
    hint: 'an implementation that ran writes one outcome per member and request; check that it finished writing the file',
  };
}
