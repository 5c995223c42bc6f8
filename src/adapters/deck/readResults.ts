import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { MeasurecheckError } from '../../model/problem.ts';
import type { Problem } from '../../model/problem.ts';
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
 * @example
 * for await (const { outcome, origin } of readResults('out/results.csv')) {
 *   // ...
 * }
 */
export async function* readResults(
  path: string,
  options: ReadResultsOptions = {},
): AsyncGenerator<ResultRow> {
  const reporter = createReporter(options);
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
  if (!existsSync(path)) {
    throw new MeasurecheckError([
      {
        code: 'results/not-found',
        message: `results file not found: ${path}`,
        file: path,
        hint: 'pass the file your implementation wrote its outcomes to',
      },
    ]);
  }
  const rows =
    ext === '.csv' ? csvOutcomeRows(path, reporter, false) : jsonlOutcomeRows(path, reporter);
  for await (const row of rows) {
    const decoded = row.decode();
    if (decoded) yield decoded;
  }
}
