import { formatProblem } from '../model/problem.ts';
import { ImplementationError } from './implementation.ts';
import { startRunner } from './_internals/processRunner.ts';
import type { ImplementationInput, ProcessImplementation } from './_internals/processRunner.ts';
import { splitShellWords } from './shellWords.ts';

export type { ImplementationInput, ProcessImplementation } from './_internals/processRunner.ts';

export interface ProcessOptions {
  /** How long one request may wait for its answer. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /**
   * How long a freshly started implementation may take, on top of `timeoutMs`, before its first
   * answer (a JVM, large value sets, an interpreter behind a version-manager shim). Default 30 000 ms.
   */
  readonly startupTimeoutMs?: number;
  /** How many requests are written before their answers are awaited. Default 64. */
  readonly batchSize?: number;
  /** How many times in a row the process may be restarted without answering anything. Default 5. */
  readonly maxRestarts?: number;
  /**
   * How many cases in one run may fail (crash, time out, garbage) before the run stops with exit
   * 3: past that, each further case would cost a timeout and a restart, and a run of thousands of
   * cases would not end in practice. Default 25.
   */
  readonly maxFailures?: number;
  /** Working directory of the process. Default: the current directory. */
  readonly cwd?: string;
  /**
   * How members are sent: `record` (default), the member record; `fhir`, the member as a FHIR R4
   * Bundle (docs/contract.md, "Members as FHIR Bundles"). A module can ask for `fhir` itself.
   */
  readonly input?: ImplementationInput;
}

export const PROCESS_DEFAULTS = {
  timeoutMs: 10_000,
  startupTimeoutMs: 30_000,
  batchSize: 64,
  maxRestarts: 5,
  maxFailures: 25,
};

/**
 * Starts an implementation that speaks the JSON Lines process protocol (docs/contract.md, "Running
 * an implementation") and keeps it running across `evaluate` calls.
 *
 * The command is split into words like a shell would (quotes and backslashes; no variables, pipes or
 * globs) and started without a shell, in its own process group and with `MEASURECHECK_RUN=<marker>`
 * in its environment, so that everything it starts, even what leaves the group (`setsid`), is
 * killed with it. `PYTHONUNBUFFERED=1` is set unless already set, because a Python implementation
 * that forgets to flush would otherwise look hung.
 *
 * How failures are handled, so that each is reported against the case that caused it:
 * - Requests are written in batches of `batchSize`; answers may come in any order and are matched
 *   by id. A request times out when it has waited `timeoutMs` since it was written with no answer
 *   to any request arriving in that time (a slow but working implementation is not penalised for
 *   the queue in front of a request).
 * - Start-up is not a case: a freshly started process gets `startupTimeoutMs` more for its first
 *   answer. A restart gets three times the start-up it was seen to need (at least 1 s, at most
 *   `startupTimeoutMs`). A process that never writes a single answer line is an
 *   `impl/startup-timeout` error.
 * - When the process exits, hangs or writes a line that names no request in flight, the answers
 *   already read are kept, the process is killed, and the unanswered cases are re-run one at a
 *   time in a fresh process: the case that crashes alone is a `crash` (with the stderr it caused),
 *   the one that hangs alone a `timeout`, the one whose answer is unreadable `invalid`; the process
 *   is restarted after each, and the other cases get their real answers.
 * - An answer with a known id that is not a valid outcome is `invalid` for that case; the process
 *   keeps running.
 * - After `maxRestarts` restarts in a row with no answer read in between, the next failure makes
 *   `evaluate` reject with an {@link ImplementationError} carrying the last stderr, and so does
 *   every later call. The count carries over from one `evaluate` call to the next.
 *
 * Rejects with an {@link ImplementationError} when the command cannot be started (not found, not
 * executable) or cannot be parsed. Call `close()` when done; child processes are also killed when
 * the harness exits or receives SIGINT, SIGTERM or SIGHUP.
 *
 * @example
 * const impl = await startProcessImplementation('python3 impl.py', { timeoutMs: 5000 });
 * try {
 *   const answers = await impl.evaluate(cases);
 * } finally {
 *   await impl.close();
 * }
 */
export async function startProcessImplementation(
  command: string,
  options: ProcessOptions = {},
): Promise<ProcessImplementation> {
  const words = splitShellWords(command);
  if (!words.ok) {
    throw new ImplementationError(
      'impl/cannot-start',
      words.problems.map(formatProblem).join('\n'),
    );
  }
  return startRunner({
    label: command,
    argv: words.value,
    cwd: options.cwd,
    env: { PYTHONUNBUFFERED: process.env['PYTHONUNBUFFERED'] ?? '1' },
    ...runnerLimits(options),
    protocol: 'process',
    input: options.input ?? 'record',
  });
}

/** The timeouts and limits of `options`, with their defaults; a bad value is a programmer error. */
export function runnerLimits(options: ProcessOptions): {
  timeoutMs: number;
  startupTimeoutMs: number;
  batchSize: number;
  maxRestarts: number;
  maxFailures: number;
} {
  return {
    timeoutMs: positive(options.timeoutMs, PROCESS_DEFAULTS.timeoutMs, 'timeoutMs'),
    startupTimeoutMs: positive(
      options.startupTimeoutMs,
      PROCESS_DEFAULTS.startupTimeoutMs,
      'startupTimeoutMs',
    ),
    batchSize: positive(options.batchSize, PROCESS_DEFAULTS.batchSize, 'batchSize'),
    maxRestarts: atLeastZero(options.maxRestarts, PROCESS_DEFAULTS.maxRestarts, 'maxRestarts'),
    maxFailures: positive(options.maxFailures, PROCESS_DEFAULTS.maxFailures, 'maxFailures'),
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function atLeastZero(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number, 0 or more`);
  }
  return value;
}
