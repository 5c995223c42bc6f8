import { exportFhir } from '../fhir/exportFhir.ts';
import { checkAnswer } from '../checkAnswer.ts';
import { ImplementationError } from '../implementation.ts';
import type {
  Case,
  CaseAnswer,
  EvaluateOptions,
  ImplementationErrorCode,
  ImplementationFailure,
} from '../implementation.ts';
import { newMarker } from './markedProcesses.ts';
import { Session } from './session.ts';
import type { ExitInfo } from './session.ts';

/** A running implementation; `pids` lists every process it started, oldest first. */
export interface ProcessImplementation {
  readonly label: string;
  readonly pids: readonly number[];
  /**
   * The value of `MEASURECHECK_RUN` in the environment of every process it starts (with a suffix
   * per start), so a test or a supervisor can find them all (markedPids).
   */
  readonly marker: string;
  evaluate(cases: readonly Case[], options?: EvaluateOptions): Promise<CaseAnswer[]>;
  close(): Promise<void>;
}

export interface RunnerSettings {
  readonly label: string;
  readonly argv: readonly string[];
  readonly cwd: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly startupTimeoutMs: number;
  readonly batchSize: number;
  readonly maxRestarts: number;
  /** Failed cases allowed in one run before it stops (see ProcessOptions.maxFailures). */
  readonly maxFailures: number;
  /**
   * `process`: the JSON Lines protocol of docs/contract.md, nothing more. `module`: the module host
   * (moduleHost.ts), which says when it is ready, says when it starts a whole batch, and reports
   * throws and unsettled promises itself.
   */
  readonly protocol: 'process' | 'module';
  /**
   * How members are sent: `record`, the member record; `fhir`, the member's FHIR Bundle
   * (`exportFhir`). A module may also ask for `fhir` itself (`export const input = 'fhir'`).
   */
  readonly input: ImplementationInput;
}

/** How members are sent to an implementation (docs/contract.md, "Members as FHIR Bundles"). */
export type ImplementationInput = 'record' | 'fhir';

const CLOSE_GRACE_MS = 2000;
/** The longest stdout line quoted in a message; the full line is kept as `raw`. */
const QUOTE_CHARS = 200;
/**
 * The module host times out an unsettled promise itself, without a restart; the runner waits this
 * much longer before it decides the module is stuck in synchronous code and kills it.
 */
const HOST_GRACE_MS = 1000;
/**
 * A process restarted after a failure gets, for its first answer, this many times the start-up
 * time the implementation was seen to need, so a slow starter is not blamed for a timeout.
 */
const RESTART_ALLOWANCE_FACTOR = 3;
const MIN_RESTART_ALLOWANCE_MS = 1000;

/** How one exchange of requests and answers with the process ended. */
type ExchangeEnd =
  | { readonly kind: 'answered' }
  | { readonly kind: 'exited'; readonly exit: ExitInfo; readonly stderr: string }
  | { readonly kind: 'timeout'; readonly waitedMs: number; readonly stderr: string }
  | {
      readonly kind: 'unreadable';
      readonly problem: string;
      readonly line: string;
      readonly stderr: string;
    };
type FailedEnd = Exclude<ExchangeEnd, { kind: 'answered' }>;

/** Starts the implementation and waits until it is ready (module) or started (process). */
export async function startRunner(settings: RunnerSettings): Promise<ProcessImplementation> {
  const runner = new ProcessRunner(settings);
  try {
    await runner.start();
  } catch (error) {
    await runner.close();
    throw error;
  }
  return runner;
}

/**
 * Keeps one implementation process running across `evaluate` calls and turns everything it does
 * wrong into per-case failures, restarting it as needed (see startProcessImplementation).
 */
class ProcessRunner implements ProcessImplementation {
  readonly label: string;
  readonly marker = newMarker();
  private readonly settings: RunnerSettings;
  private readonly spawned: number[] = [];
  private session: Session | undefined;
  private failuresInARow = 0;
  private failuresInRun = 0;
  private fatal: ImplementationError | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** The longest a started process took to write its first line; undefined until one has. */
  private startupSeenMs: number | undefined;
  /** evaluate calls run one after another; they share one process. */
  private queue: Promise<unknown> = Promise.resolve();
  private onProgress: (() => void) | undefined;
  /** The settings' input, or `fhir` when the module asked for it when it loaded. */
  private input: ImplementationInput;

  constructor(settings: RunnerSettings) {
    this.settings = settings;
    this.label = settings.label;
    this.input = settings.input;
  }

  get pids(): readonly number[] {
    return [...this.spawned];
  }

  async start(): Promise<void> {
    await this.ensureSession();
  }

  evaluate(cases: readonly Case[], options: EvaluateOptions = {}): Promise<CaseAnswer[]> {
    const run = this.queue.then(() => {
      this.onProgress = options.onProgress;
      return this.evaluateNow(cases).finally(() => {
        this.onProgress = undefined;
      });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      const session = this.session;
      this.session = undefined;
      if (session) await session.close(CLOSE_GRACE_MS);
    })();
    return this.closing;
  }

  private async evaluateNow(cases: readonly Case[]): Promise<CaseAnswer[]> {
    if (this.fatal) throw this.fatal;
    const ids = new Set(cases.map((c) => c.id));
    if (ids.size !== cases.length) throw new Error('case ids must be unique within a call');
    const answers = new Map<string, CaseAnswer>();
    try {
      for (let start = 0; start < cases.length; start += this.settings.batchSize) {
        await this.runBatch(cases.slice(start, start + this.settings.batchSize), answers);
      }
    } catch (error) {
      if (error instanceof ImplementationError && !this.closed) {
        this.fatal = error;
        await this.stopSession();
      }
      throw error;
    }
    return cases.map((c) => {
      const answer = answers.get(c.id);
      if (!answer) throw new Error(`internal error: no answer recorded for case ${c.id}`);
      return answer;
    });
  }

  private async runBatch(batch: readonly Case[], answers: Map<string, CaseAnswer>): Promise<void> {
    const end = await this.exchange(batch, answers);
    if (end.kind === 'answered') return;
    await this.recordFailure(end);
    // Which case caused it is unknown: re-run the rest alone, so the one that fails alone is blamed.
    for (const c of batch.filter((c) => !answers.has(c.id))) {
      const alone = await this.exchange([c], answers);
      if (alone.kind === 'answered') continue;
      answers.set(c.id, { id: c.id, ok: false, failure: this.failureFor(alone) });
      this.onProgress?.();
      await this.recordFailure(alone, c);
    }
  }

  /**
   * Writes the cases and reads answers until all are answered, the process exits, a request times
   * out or a line cannot be attributed to a case in flight.
   */
  private async exchange(
    cases: readonly Case[],
    answers: Map<string, CaseAnswer>,
  ): Promise<ExchangeEnd> {
    const session = await this.ensureSession();
    const mark = session.stderrMark();
    const inFlight = new Map(cases.map((c) => [c.id, c]));
    const answered = new Set<string>();
    const module = this.settings.protocol === 'module';
    return new Promise<ExchangeEnd>((resolveEnd) => {
      let finished = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (end: ExchangeEnd): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        session.onLine = undefined;
        session.onExit = undefined;
        resolveEnd(end);
      };
      const arm = (ms: number): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish({ kind: 'timeout', waitedMs: ms, stderr: session.stderrSince(mark) });
        }, ms);
      };
      const perCase = this.settings.timeoutMs + (module ? HOST_GRACE_MS : 0);
      session.onLine = (line: string): void => {
        if (line.trim() === '') return;
        this.noteFirstLine(session);
        const reply = readReply(line);
        if (module && 'busy' in reply) {
          // The module host starts evaluateBatch: it has the batch's whole allowance.
          arm(this.settings.timeoutMs * reply.busy + HOST_GRACE_MS);
          return;
        }
        const c = 'id' in reply ? inFlight.get(reply.id) : undefined;
        if (!('id' in reply) || !c) {
          const problem =
            'problem' in reply
              ? reply.problem
              : 'id' in reply
                ? `wrote an answer for id ${JSON.stringify(reply.id)}, which is not a request in flight`
                : 'wrote a line that is not an answer';
          finish({ kind: 'unreadable', problem, line, stderr: session.stderrSince(mark) });
          return;
        }
        // The protocol works: the process is not failing over and over.
        this.failuresInARow = 0;
        const stderr = session.stderrSince(mark);
        const answer = answered.has(c.id)
          ? invalid(c, 'answered more than once; write exactly one answer line per request', line)
          : module
            ? hostAnswer(c, reply.body)
            : checkAnswer(c, reply.body, line);
        answers.set(c.id, withStderr(answer, stderr));
        answered.add(c.id);
        this.onProgress?.();
        if (answered.size === inFlight.size) finish({ kind: 'answered' });
        else arm(perCase);
      };
      // A slot rather than `exited.then`: one listener per batch would keep every batch's cases
      // in memory for as long as the process lives.
      session.onExit = (exit: ExitInfo): void => {
        finish({ kind: 'exited', exit, stderr: session.stderrSince(mark) });
      };
      if (session.exitInfo) {
        finish({ kind: 'exited', exit: session.exitInfo, stderr: session.stderrSince(mark) });
        return;
      }
      arm(perCase + (session.firstLineAt === undefined ? this.startupAllowance() : 0));
      session.write(
        cases
          .map((c) => {
            const member = this.input === 'fhir' ? exportFhir(c.member) : c.member;
            return `${JSON.stringify({ id: c.id, request: c.request, member })}\n`;
          })
          .join(''),
      );
    });
  }

  /** How long a freshly started process may take before its first answer, on top of the timeout. */
  private startupAllowance(): number {
    const { startupTimeoutMs } = this.settings;
    if (this.startupSeenMs === undefined) return startupTimeoutMs;
    return Math.min(
      startupTimeoutMs,
      Math.max(MIN_RESTART_ALLOWANCE_MS, RESTART_ALLOWANCE_FACTOR * this.startupSeenMs),
    );
  }

  private noteFirstLine(session: Session): void {
    if (session.firstLineAt === undefined) return;
    const took = session.firstLineAt - session.startedAt;
    if (this.startupSeenMs === undefined || took > this.startupSeenMs) this.startupSeenMs = took;
  }

  /** The running process, started (again) if needed. */
  private async ensureSession(): Promise<Session> {
    if (this.closed) {
      throw new ImplementationError(
        'impl/interrupted',
        `the implementation ${this.label} is closed`,
      );
    }
    if (this.session?.exitInfo) {
      // It exited on its own between exchanges, which the protocol does not allow.
      const session = this.session;
      this.session = undefined;
      await this.recordFailure({
        kind: 'exited',
        exit: session.exitInfo ?? { code: null, signal: null },
        stderr: session.stderrSince(0),
      });
    }
    if (this.session) return this.session;
    const session = await Session.start(
      {
        label: this.label,
        argv: this.settings.argv,
        cwd: this.settings.cwd,
        marker: `${this.marker}.${String(this.spawned.length)}`,
      },
      this.settings.env,
    );
    this.spawned.push(session.pid);
    this.session = session;
    if (this.settings.protocol === 'module') await this.handshake(session);
    return session;
  }

  /**
   * Waits for the module host's first line: `{"ready": true}` once the module is loaded, or
   * `{"loadError": {...}}` when it cannot be. Start-up has its own allowance.
   */
  private async handshake(session: Session): Promise<void> {
    const mark = session.stderrMark();
    const first = await new Promise<string | ExitInfo | undefined>((resolveFirst) => {
      const timer = setTimeout(() => {
        resolveFirst(undefined);
      }, this.settings.startupTimeoutMs);
      const done = (value: string | ExitInfo): void => {
        clearTimeout(timer);
        session.onLine = undefined;
        session.onExit = undefined;
        resolveFirst(value);
      };
      session.onLine = done;
      session.onExit = done;
      if (session.exitInfo) done(session.exitInfo);
    });
    const stderr = session.stderrSince(mark);
    const tail = stderr === '' ? '' : `; stderr:\n${stderr}`;
    let error: ImplementationError | undefined;
    if (first === undefined) {
      error = new ImplementationError(
        'impl/startup-timeout',
        `the implementation module ${this.label} did not finish loading within ` +
          `${this.settings.startupTimeoutMs} ms (--startup-timeout)${tail}`,
        stderr || undefined,
      );
    } else if (typeof first !== 'string') {
      error = new ImplementationError(
        first.code === 0 ? 'impl/exited' : 'impl/load-failed',
        `the implementation module ${this.label} ${describeExit(first)} while it was being loaded${tail}`,
        stderr || undefined,
      );
    } else {
      const ready = readHostHello(first);
      if ('code' in ready) {
        error = new ImplementationError(ready.code, ready.message, stderr || undefined);
      } else if (ready.input === 'fhir') this.input = 'fhir';
    }
    if (error) {
      this.session = undefined;
      await session.kill();
      throw error;
    }
  }

  /** Kills the process after a failure; rejects when it has failed too many times in a row. */
  private async recordFailure(end: FailedEnd, alone?: Case): Promise<void> {
    await this.stopSession();
    if (end.kind === 'timeout' && this.startupSeenMs === undefined && !this.isModule()) {
      // Not one line from any start: it does not start, or hangs on the first request it reads.
      throw new ImplementationError(
        'impl/startup-timeout',
        `the implementation ${this.label} wrote no answer within ${end.waitedMs} ms of starting ` +
          `(--startup-timeout ${this.settings.startupTimeoutMs} ms plus --timeout ` +
          `${this.settings.timeoutMs} ms for the first request). Check that it reads requests ` +
          'from stdin and flushes each answer line' +
          (end.stderr === '' ? ' (it wrote nothing to stderr)' : `; stderr:\n${end.stderr}`),
        end.stderr === '' ? undefined : end.stderr,
      );
    }
    this.failuresInARow += 1;
    this.failuresInRun += 1;
    if (this.failuresInRun > this.settings.maxFailures) {
      const on = alone ? ` (last: ${this.describeEnd(end)} on member ${alone.member.id})` : '';
      throw new ImplementationError(
        errorCodeFor(end),
        `the implementation ${this.label} failed on ${this.failuresInRun} cases in this run${on}; ` +
          'stopping, since every further failure costs a timeout and a restart. Fix the failures ' +
          'reported, or raise --timeout if it is only slow',
        end.stderr === '' ? undefined : end.stderr,
      );
    }
    if (this.failuresInARow > this.settings.maxRestarts) {
      const on = alone ? ` on member ${alone.member.id} (case ${alone.id})` : '';
      const what = `${this.describeEnd(end)}${on}`;
      const stderr = end.stderr;
      const tail = stderr === '' ? ' (it wrote nothing to stderr)' : `; last stderr:\n${stderr}`;
      throw new ImplementationError(
        errorCodeFor(end),
        `the implementation ${this.label} failed ${this.failuresInARow} times in a row with no ` +
          `answer in between (last: ${what}). Run it by hand on one request to see why${tail}`,
        stderr === '' ? undefined : stderr,
      );
    }
  }

  private isModule(): boolean {
    return this.settings.protocol === 'module';
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await session.kill();
  }

  private failureFor(end: FailedEnd): ImplementationFailure {
    const stderr = end.stderr === '' ? {} : { stderr: end.stderr };
    switch (end.kind) {
      case 'exited':
        return {
          kind: 'crash',
          message: `the implementation ${describeExit(end.exit)} while evaluating this case`,
          ...stderr,
        };
      case 'timeout':
        return {
          kind: 'timeout',
          message: this.isModule()
            ? `no answer within ${this.settings.timeoutMs} ms: evaluate did not return (a loop in ` +
              'synchronous code?); its process was killed and restarted'
            : `no answer within ${this.settings.timeoutMs} ms; the process was killed and restarted`,
          ...stderr,
        };
      case 'unreadable':
        return {
          kind: 'invalid',
          message:
            `the implementation ${end.problem}: ${quote(end.line)}. stdout is for answers only, one JSON object per ` +
            'line with the request\'s "id"; write diagnostics to stderr',
          raw: end.line,
          ...stderr,
        };
    }
  }

  private describeEnd(end: FailedEnd): string {
    switch (end.kind) {
      case 'exited':
        return describeExit(end.exit);
      case 'timeout':
        return `no answer within ${this.settings.timeoutMs} ms`;
      case 'unreadable':
        return `${end.problem}: ${quote(end.line)}`;
    }
  }
}

function errorCodeFor(end: FailedEnd): ImplementationErrorCode {
  switch (end.kind) {
    case 'exited':
      return end.exit.code === 0 ? 'impl/exited' : 'impl/crashed';
    case 'timeout':
      return 'impl/timeout';
    case 'unreadable':
      return 'impl/invalid-output';
  }
}

type Reply =
  | { readonly id: string; readonly body: Record<string, unknown> }
  | { readonly busy: number }
  | { readonly problem: string };

function readReply(line: string): Reply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'wrote a line to stdout that is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'wrote a line to stdout that is not a JSON object' };
  }
  const { id, ...body } = value as Record<string, unknown>;
  if (typeof id !== 'string') {
    const busy = body['busy'];
    if (typeof busy === 'number' && Number.isInteger(busy) && busy > 0) return { busy };
    return { problem: 'wrote an answer without a string "id"' };
  }
  return { id, body };
}

const FAILURE_KINDS = new Set<string>(['crash', 'timeout', 'invalid']);

/** An answer from the module host: `{"outcome": ...}`, or `{"failure": {kind, message, raw?}}`. */
function hostAnswer(c: Case, body: Record<string, unknown>): CaseAnswer {
  const failure = body['failure'];
  if (typeof failure === 'object' && failure !== null) {
    const { kind, message, raw } = failure as Record<string, unknown>;
    if (typeof kind === 'string' && FAILURE_KINDS.has(kind) && typeof message === 'string') {
      return {
        id: c.id,
        ok: false,
        failure: {
          kind: kind as ImplementationFailure['kind'],
          message,
          ...(typeof raw === 'string' ? { raw } : {}),
        },
      };
    }
  }
  // JSON has no undefined: a missing outcome is what evaluate returned when it returned nothing.
  if (!('outcome' in body)) return checkAnswer(c, undefined, 'undefined');
  return checkAnswer(c, body['outcome'], JSON.stringify(body['outcome']));
}

/** The module host's first line: true when ready, or why the module cannot be used. */
function readHostHello(
  line: string,
):
  | { readonly input: ImplementationInput | undefined }
  | { readonly code: ImplementationErrorCode; readonly message: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const { ready, loadError, input } = value as Record<string, unknown>;
    if (ready === true)
      return { input: input === 'fhir' || input === 'record' ? input : undefined };
    if (typeof loadError === 'object' && loadError !== null) {
      const { code, message } = loadError as Record<string, unknown>;
      if (
        (code === 'impl/not-found' || code === 'impl/load-failed' || code === 'impl/no-evaluate') &&
        typeof message === 'string'
      ) {
        return { code, message };
      }
    }
  }
  return {
    code: 'impl/load-failed',
    message: `the implementation module wrote ${quote(line)} to stdout while it was being loaded; write diagnostics to stderr`,
  };
}

export function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  if (exit.code === 0) {
    return 'exited with code 0 (an implementation must keep running until its stdin is closed; a module must not call process.exit)';
  }
  return `exited with code ${exit.code ?? 'unknown'}`;
}

function invalid(c: Case, message: string, raw: string): CaseAnswer {
  return { id: c.id, ok: false, failure: { kind: 'invalid', message, raw } };
}

function withStderr(answer: CaseAnswer, stderr: string): CaseAnswer {
  if (answer.ok || stderr === '') return answer;
  return { ...answer, failure: { ...answer.failure, stderr } };
}

function quote(line: string): string {
  return JSON.stringify(line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line);
}
