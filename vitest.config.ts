import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The files that take a minute or more (harness runs at the default budget, real child processes
 * that time out), started first: without a duration cache (a fresh clone, CI) vitest keeps the
 * files' path order, which puts the measure harness files last and leaves one worker idle while
 * the other finishes them.
 */
const SLOW_FIRST = [
  'test/harness/wrongImplementations.test.ts',
  'test/cli/compare.test.ts',
  'test/cli/checkMisbehaving.test.ts',
  'test/measures/cbp.harness.test.ts',
  'test/measures/bcs-e.harness.test.ts',
  'test/cli/check.test.ts',
  'test/cli/pack.test.ts',
  'test/measures/pdc-sta.harness.test.ts',
  'test/measures/gsd.harness.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = SLOW_FIRST.findIndex((p) => f.moduleId.replaceAll('\\', '/').endsWith(p));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    // A stable sort: the other files keep vitest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run when a process a test started outlives it.
    globalSetup: ['test/support/noLeftoverProcesses.ts'],
    // Harness tests run real child processes and shrink counterexamples.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // The suite is CPU-bound (harness runs); vitest's default leaves one of two cores idle.
    maxWorkers: 2,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
