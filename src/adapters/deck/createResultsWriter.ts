import { extname } from 'node:path';
import type { Outcome } from '../../model/outcome.ts';
import { MeasurecheckError } from '../../model/problem.ts';
import { FileSink } from './_internals/fileSink.ts';
import { OutcomeCsvSink } from './_internals/outcomeCsvSink.ts';

/** Writes an implementation's results file; `close` must be awaited to finish it. */
export interface ResultsWriter {
  write(outcome: Outcome): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates a results file writer: CSV (the columns of expected.csv, one `numerator.<rateId>` column
 * per rate seen) for `.csv`, one outcome per line for `.jsonl` or `.ndjson`. Used by tests and
 * benchmarks to make the files `measurecheck compare --results` reads.
 *
 * @example
 * const writer = createResultsWriter('out/results.csv');
 * await writer.write(outcome);
 * await writer.close();
 */
export function createResultsWriter(path: string): ResultsWriter {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return new OutcomeCsvSink(path);
  if (ext === '.jsonl' || ext === '.ndjson') {
    const sink = new FileSink(path);
    return {
      write: (outcome) => sink.write(`${JSON.stringify(outcome)}\n`),
      close: () => sink.close(),
    };
  }
  throw new MeasurecheckError([
    {
      code: 'results/unknown-format',
      message: `cannot tell the format of the results file ${path} from its extension`,
      file: path,
      hint: 'name it .csv, .jsonl or .ndjson',
    },
  ]);
}
