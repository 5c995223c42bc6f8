import type { Member } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';

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
  evaluate(cases: readonly Case[]): Promise<CaseAnswer[]>;
  /** Stops the implementation and releases its resources (kills child processes). Idempotent. */
  close(): Promise<void>;
}

/** The implementation cannot be run (exit code 3). */
export class ImplementationError extends Error {
  readonly stderr: string | undefined;
  constructor(message: string, stderr?: string) {
    super(message);
    this.name = 'ImplementationError';
    this.stderr = stderr;
  }
}
