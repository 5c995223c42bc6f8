import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatProblem } from '../model/problem.ts';
import { checkAnswer } from './checkAnswer.ts';
import { ImplementationError } from './implementation.ts';
import type { Case, CaseAnswer, Implementation, ImplementationFailure } from './implementation.ts';
import { splitShellWords } from './shellWords.ts';

export interface ProcessOptions {
  /** How long one request may wait for its answer. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** How many requests are written before their answers are awaited. Default 64. */
  readonly batchSize?: number;
  /** How many times in a row the process may be restarted without answering anything. Default 5. */
  readonly maxRestarts?: number;
  /** Working directory of the process. Default: the current directory. */
  readonly cwd?: string;
}

/** A process implementation; `pids` lists every process it started, oldest first. */
export interface ProcessImplementation extends Implementation {
  readonly pids: readonly number[];
}

const DEFAULTS = { timeoutMs: 10_000, batchSize: 64, maxRestarts: 5 };
const STDERR_TAIL_CHARS = 4096;
const CLOSE_GRACE_MS = 2000;
/** The longest stdout line quoted in a message; the full line is kept as `raw`. */
const QUOTE_CHARS = 200;

/**
 * Starts an implementation that speaks the JSON Lines process protocol (ARCHITECTURE.md, "Running an
 * implementation") and keeps it running across `evaluate` calls.
 *
 * The command is split into words like a shell would (quotes and backslashes; no variables, pipes or
 * globs) and started without a shell, in its own process group so that everything it starts can be
 * killed with it. `PYTHONUNBUFFERED=1` is set unless already set, because a Python implementation
 * that forgets to flush would otherwise look hung.
 *
 * How failures are handled, so that each is reported against the case that caused it:
 * - Requests are written in batches of `batchSize`; answers may come in any order and are matched
 *   by id. A request times out when it has waited `timeoutMs` since it was written with no answer
 *   to any request arriving in that time (a slow but working implementation is not penalised for
 *   the queue in front of a request).
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
  if (!words.ok) throw new ImplementationError(words.problems.map(formatProblem).join('\n'));
  const settings: Settings = {
    label: command,
    argv: words.value,
    cwd: options.cwd,
    timeoutMs: positive(options.timeoutMs, DEFAULTS.timeoutMs, 'timeoutMs'),
    batchSize: positive(options.batchSize, DEFAULTS.batchSize, 'batchSize'),
    maxRestarts: atLeastZero(options.maxRestarts, DEFAULTS.maxRestarts, 'maxRestarts'),
  };
  const runner = new ProcessRunner(settings);
  await runner.start();
  return runner;
}

interface Settings {
  readonly label: string;
  readonly argv: readonly string[];
  readonly cwd: string | undefined;
  readonly timeoutMs: number;
  readonly batchSize: number;
  readonly maxRestarts: number;
}

/** How one exchange of requests and answers with the process ended. */
type ExchangeEnd =
  | { readonly kind: 'answered' }
  | { readonly kind: 'exited'; readonly exit: ExitInfo; readonly stderr: string }
  | { readonly kind: 'timeout'; readonly stderr: string }
  | {
      readonly kind: 'unreadable';
      readonly problem: string;
      readonly line: string;
      readonly stderr: string;
    };

class ProcessRunner implements ProcessImplementation {
  readonly label: string;
  private readonly settings: Settings;
  private readonly spawned: number[] = [];
  private session: Session | undefined;
  private failuresInARow = 0;
  private fatal: ImplementationError | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** evaluate calls run one after another; they share one process. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(settings: Settings) {
    this.settings = settings;
    this.label = settings.label;
  }

  get pids(): readonly number[] {
    return [...this.spawned];
  }

  async start(): Promise<void> {
    await this.ensureSession();
  }

  evaluate(cases: readonly Case[]): Promise<CaseAnswer[]> {
    const run = this.queue.then(() => this.evaluateNow(cases));
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
    await this.recordFailure(describeEnd(end, this.settings.timeoutMs), end.stderr);
    // Which case caused it is unknown: re-run the rest alone, so the one that fails alone is blamed.
    for (const c of batch.filter((c) => !answers.has(c.id))) {
      const alone = await this.exchange([c], answers);
      if (alone.kind === 'answered') continue;
      answers.set(c.id, {
        id: c.id,
        ok: false,
        failure: failureFor(alone, this.settings.timeoutMs),
      });
      await this.recordFailure(describeEnd(alone, this.settings.timeoutMs), alone.stderr);
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
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish({ kind: 'timeout', stderr: session.stderrSince(mark) });
        }, this.settings.timeoutMs);
      };
      session.onLine = (line: string): void => {
        if (line.trim() === '') return;
        const reply = readReply(line);
        const c = 'id' in reply ? inFlight.get(reply.id) : undefined;
        if (!('id' in reply) || !c) {
          const problem =
            'problem' in reply
              ? reply.problem
              : `wrote an answer for id ${JSON.stringify(reply.id)}, which is not a request in flight`;
          finish({ kind: 'unreadable', problem, line, stderr: session.stderrSince(mark) });
          return;
        }
        // The protocol works: the process is not failing over and over.
        this.failuresInARow = 0;
        const stderr = session.stderrSince(mark);
        const answer = answered.has(c.id)
          ? invalid(c, 'answered more than once; write exactly one answer line per request', line)
          : checkAnswer(c, reply.body, line);
        answers.set(c.id, withStderr(answer, stderr));
        answered.add(c.id);
        if (answered.size === inFlight.size) finish({ kind: 'answered' });
        else arm();
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
      arm();
      session.write(
        cases
          .map((c) => `${JSON.stringify({ id: c.id, request: c.request, member: c.member })}\n`)
          .join(''),
      );
    });
  }

  /** The running process, started (again) if needed. */
  private async ensureSession(): Promise<Session> {
    if (this.closed) throw new ImplementationError(`the implementation ${this.label} is closed`);
    if (this.session?.exitInfo) {
      // It exited on its own between exchanges, which the protocol does not allow.
      const session = this.session;
      this.session = undefined;
      await this.recordFailure(
        `${describeExit(session.exitInfo ?? { code: null, signal: null })} between requests`,
        session.stderrSince(0),
      );
    }
    if (this.session) return this.session;
    const session = await Session.start(this.settings);
    this.spawned.push(session.pid);
    this.session = session;
    return session;
  }

  /** Kills the process after a failure; rejects when it has failed too many times in a row. */
  private async recordFailure(what: string, stderr: string): Promise<void> {
    await this.stopSession();
    this.failuresInARow += 1;
    if (this.failuresInARow > this.settings.maxRestarts) {
      const tail = stderr === '' ? ' (it wrote nothing to stderr)' : `; last stderr:\n${stderr}`;
      throw new ImplementationError(
        `the implementation ${this.label} failed ${this.failuresInARow} times in a row with no ` +
          `answer in between (last: ${what}). Run it by hand on one request to see why${tail}`,
        stderr === '' ? undefined : stderr,
      );
    }
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await session.kill();
  }
}

interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One running child process: its stdin, its stdout lines and a rolling tail of its stderr. */
class Session {
  readonly pid: number;
  /** Called for each stdout line; lines that arrive when nobody listens are dropped. */
  onLine: ((line: string) => void) | undefined;
  /** Called once the process has exited and its output has been read to the end. */
  onExit: ((exit: ExitInfo) => void) | undefined;
  /** Set once the process has exited and its output has been read to the end. */
  exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcessWithoutNullStreams;
  private stderrTail = '';
  private stderrTotal = 0;

  private constructor(child: ChildProcessWithoutNullStreams, pid: number) {
    this.child = child;
    this.pid = pid;
    live.add(this);
    // 'close' rather than 'exit': it comes after stdout and stderr have been read to the end, so
    // the last answers and the crash message are not lost.
    this.exited = new Promise((resolveExit) => {
      child.once('close', (code, signal) => {
        const exit = { code, signal };
        this.exitInfo = exit;
        live.delete(this);
        this.onExit?.(exit);
        resolveExit(exit);
      });
    });
    // Whatever the leader left running in its group would hold the pipes open and outlive us.
    child.once('exit', () => {
      this.killGroup();
    });
    // EPIPE when the process died with requests unwritten; the exit is what gets reported.
    child.stdin.on('error', () => undefined);
    child.on('error', () => undefined);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderrTotal += chunk.length;
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      this.onLine?.(line);
    });
  }

  static async start(settings: Settings): Promise<Session> {
    const [program, ...args] = settings.argv;
    if (program === undefined) throw new ImplementationError('the command is empty');
    const child = spawn(program, args, {
      cwd: settings.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      env: { ...process.env, PYTHONUNBUFFERED: process.env['PYTHONUNBUFFERED'] ?? '1' },
    });
    try {
      await new Promise<void>((resolveSpawn, rejectSpawn) => {
        child.once('spawn', resolveSpawn);
        child.once('error', rejectSpawn);
      });
    } catch (error) {
      throw new ImplementationError(describeSpawnError(settings, program, error));
    }
    if (child.pid === undefined) {
      throw new ImplementationError(`cannot start the implementation ${settings.label}`);
    }
    ensureCleanupHooks();
    return new Session(child, child.pid);
  }

  stderrMark(): number {
    return this.stderrTotal;
  }

  /** What was written to stderr since `mark`, as far as the rolling tail still holds it. */
  stderrSince(mark: number): string {
    const count = Math.min(this.stderrTotal - mark, this.stderrTail.length);
    return count <= 0 ? '' : this.stderrTail.slice(-count).trim();
  }

  write(text: string): void {
    if (!this.child.stdin.writable) return;
    this.child.stdin.write(text);
  }

  /** Ends stdin (which tells the implementation to exit), then kills it if it is still running. */
  async close(graceMs: number): Promise<void> {
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolveGrace) => {
      timer = setTimeout(resolveGrace, graceMs);
    });
    await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    await this.kill();
  }

  /** SIGKILL for the process and everything it started; resolves when it has exited. */
  async kill(): Promise<ExitInfo> {
    this.onLine = undefined;
    if (!this.exitInfo) this.killGroup();
    return this.exited;
  }

  /** Synchronous, so it can run in a process 'exit' handler. */
  killGroup(): void {
    try {
      if (process.platform === 'win32') this.child.kill('SIGKILL');
      else process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** Every child still running, so none is left behind when the harness exits. */
const live = new Set<Session>();
let cleanupHooksInstalled = false;

function ensureCleanupHooks(): void {
  if (cleanupHooksInstalled) return;
  cleanupHooksInstalled = true;
  process.on('exit', killAll);
  // The children run in their own process groups, so a Ctrl-C in the terminal does not reach them.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      // Keep the default behaviour (exit) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function killAll(): void {
  for (const session of live) session.killGroup();
}

type Reply =
  { readonly id: string; readonly body: Record<string, unknown> } | { readonly problem: string };

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
  if (typeof id !== 'string') return { problem: 'wrote an answer without a string "id"' };
  return { id, body };
}

function failureFor(
  end: Exclude<ExchangeEnd, { kind: 'answered' }>,
  timeoutMs: number,
): ImplementationFailure {
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
        message: `no answer within ${timeoutMs} ms; the process was killed and restarted`,
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

function describeEnd(end: Exclude<ExchangeEnd, { kind: 'answered' }>, timeoutMs: number): string {
  switch (end.kind) {
    case 'exited':
      return describeExit(end.exit);
    case 'timeout':
      return `no answer within ${timeoutMs} ms`;
    case 'unreadable':
      return `${end.problem}: ${quote(end.line)}`;
  }
}

function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}

function describeSpawnError(settings: Settings, program: string, error: unknown): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const where = settings.cwd === undefined ? '' : ` (in ${settings.cwd})`;
  if (code === 'ENOENT') {
    return (
      `cannot start the implementation ${settings.label}: ${program} was not found${where}. ` +
      'Check that it is installed and on PATH, or give its full path.'
    );
  }
  if (code === 'EACCES') {
    return `cannot start the implementation ${settings.label}: ${program} is not executable${where}.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `cannot start the implementation ${settings.label}: ${message}`;
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
