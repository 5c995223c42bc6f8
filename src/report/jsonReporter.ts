import type { CheckResult } from '../harness/check.ts';
import { orThrow } from '../model/problem.ts';
import { writeReportFile } from './reportFile.ts';
import type { Reporter } from './reporter.ts';

/** Writes the whole result, findings with their members and reference traces, as JSON. */
export class JsonReporter implements Reporter {
  constructor(private readonly file: string) {}

  onRunEnd(result: CheckResult): void {
    orThrow(
      writeReportFile(
        this.file,
        `${JSON.stringify({ format: 'measurecheck-check/1', ...result }, null, 2)}\n`,
      ),
    );
  }
}
