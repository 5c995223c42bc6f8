import { MeasurecheckError } from '../../../model/problem.ts';
import type { Problem } from '../../../model/problem.ts';

/**
 * Where the readers send bad-input problems: without `keepGoing` the first report throws a
 * `MeasurecheckError` (exit code 2); with it, each problem goes to `onSkip` and reading goes on.
 */
export interface Reporter {
  readonly keepGoing: boolean;
  report(problems: readonly Problem[]): void;
}

export function createReporter(options: {
  readonly keepGoing?: boolean | undefined;
  readonly onSkip?: ((p: Problem) => void) | undefined;
}): Reporter {
  const keepGoing = options.keepGoing === true;
  const onSkip = options.onSkip;
  return {
    keepGoing,
    report(problems) {
      if (problems.length === 0) return;
      if (!keepGoing) throw new MeasurecheckError(problems);
      for (const p of problems) onSkip?.(p);
    },
  };
}

/** A reporter that drops everything, for a first pass whose problems the main pass reports. */
export const QUIET: Reporter = { keepGoing: true, report: () => undefined };

/** Spreads `{ column }` only when it is known (exactOptionalPropertyTypes). */
export function at(column: number | undefined): { column?: number } {
  return column === undefined ? {} : { column };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
