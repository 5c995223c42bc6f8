import type { Member } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { ProblemCode } from '../model/problemCodes.ts';

/** One case sent to an implementation: a member to evaluate for a request. */
export interface Case {
  /** Unique within a run; answers are matched to cases by it. */
  readonly id: string;
  readonly request: Request;
  readonly member: Member;
}

/** Why an implementation gave no usable answer for a case. */
export interface ImplementationFailure {
  /** `crash`: the process exited or the module threw; `timeout`: no answer in time; `invalid`: the answer is not a valid outcome. */
  readonly kind: 'crash' | 'timeout' | 'invalid';
  readonly message: string;
  /** What the implementation wrote to stderr around the failure (process adapter), trimmed. */
  readonly stderr?: string;
  /** The raw answer, for `invalid`. */
  readonly raw?: string;
}

export type CaseAnswer =
  | { readonly id: string; readonly ok: true; readonly outcome: Outcome }
  | { readonly id: string; readonly ok: false; readonly failure: ImplementationFailure };

/**
 * An implementation under test, however it runs (module, process, results file, SQL). The harness
 * sends cases in batches and gets one answer per case, in the order of the cases. A failure on one
 * case is an answer, never an exception; `evaluate` rejects only when the implementation cannot run
 * at all any more (it failed to start, or failed repeatedly), with an `ImplementationError`.
 */
export interface Implementation {
  /** How the user named it, e.g. `python3 impl.py` or `impl.ts`. */
  readonly label: string;
  evaluate(cases: readonly Case[], options?: EvaluateOptions): Promise<CaseAnswer[]>;
  /** Stops the implementation and releases its resources (kills child processes). Idempotent. */
  close(): Promise<void>;
}

export interface EvaluateOptions {
  /**
   * Called each time the implementation answers a case or a case is settled as a failure, so a
   * caller can tell a slow run from a stuck one. An implementation that cannot report progress
   * case by case calls it when the batch is done, or not at all.
   */
  readonly onProgress?: () => void;
}

/**
 * Why an implementation cannot be run (any more):
 * - `impl/not-found`: the module file or the command's program does not exist;
 * - `impl/cannot-start`: the command cannot be parsed, or the program cannot be executed;
 * - `impl/load-failed`: the module does not load (syntax or import error, a throw at top level);
 * - `impl/no-evaluate`: the module exports no `evaluate` function;
 * - `impl/startup-timeout`: no sign of life within the start-up allowance (`--startup-timeout`);
 * - `impl/timeout`: it hung on case after case, with no answer in between;
 * - `impl/exited`: it ended its own process (exit code 0, e.g. `process.exit()`) case after case;
 * - `impl/crashed`: it crashed (non-zero exit, killed by a signal) case after case;
 * - `impl/invalid-output`: it wrote lines that belong to no request, case after case;
 * - `impl/interrupted`: it was closed, or the run was stopped, while it was still needed.
 */
/** The codes of an implementation that cannot be run: the `impl/*` codes of the catalog. */
export type ImplementationErrorCode = Extract<ProblemCode, `impl/${string}`>;

/** The implementation cannot be run (exit code 3). */
export class ImplementationError extends Error {
  readonly code: ImplementationErrorCode;
  readonly stderr: string | undefined;
  constructor(code: ImplementationErrorCode, message: string, stderr?: string) {
    super(message);
    this.name = 'ImplementationError';
    this.code = code;
    this.stderr = stderr;
  }
}
