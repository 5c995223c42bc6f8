import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckResult } from '../harness/check.ts';
import type { Reporter } from './reporter.ts';

/** Writes the whole result, findings with their members and reference traces, as JSON. */
export class JsonReporter implements Reporter {
  constructor(private readonly file: string) {}

  onRunEnd(result: CheckResult): void {
    // A report path like out/result.json should work on a fresh checkout.
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(
      this.file,
      `${JSON.stringify({ format: 'measurecheck-check/1', ...result }, null, 2)}\n`,
    );
  }
}
