// Global setup of the test run: every process the tests start (the CLI, implementations, their
// children, a `setsid` grandchild) inherits MEASURECHECK_TEST_SESSION; at the end of the run, any
// process still carrying this run's value was left behind, and the run fails naming it.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const KEY = 'MEASURECHECK_TEST_SESSION';

function leftovers(value: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // not Linux: nothing to scan
  }
  const needle = `${KEY}=${value}`;
  const found: string[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environ.includes(needle)) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ');
      found.push(`pid ${entry}: ${cmdline.trim()}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export function setup(): () => Promise<void> {
  const value = randomUUID();
  process.env[KEY] = value;
  return async () => {
    // Give processes killed at the very end a moment to be reaped.
    for (let i = 0; i < 20 && leftovers(value).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const left = leftovers(value);
    if (left.length > 0) {
      // vitest reports an error thrown here but would still exit 0.
      process.exitCode = 1;
      throw new Error(`processes started by the tests are still running:\n${left.join('\n')}`);
    }
  };
}
