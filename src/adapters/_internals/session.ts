import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { ImplementationError } from '../implementation.ts';
import { goneOrZombie, killMarked, markedPids, RUN_MARKER_VARIABLE } from './markedProcesses.ts';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SessionSettings {
  readonly label: string;
  readonly argv: readonly string[];
  readonly cwd: string | undefined;
  /** Put in the environment of the process (and so of everything it starts) to find it again. */
  readonly marker: string;
}

const STDERR_TAIL_CHARS = 4096;
/** How long a kill waits for the process to be reaped before it gives up waiting. */
const KILL_WAIT_MS = 5000;
/**
 * How long after the process exited its pipes may stay open (something it started still holds
 * them) before they are closed from this side, so the exit is reported and nothing waits forever.
 */
const PIPE_LINGER_MS = 1000;

/**
 * One running child process: its stdin, its stdout lines and a rolling tail of its stderr. It runs
 * in its own process group with a marker in its environment; killing it kills the group and every
 * process carrying the marker, so nothing it started outlives it.
 */
export class Session {
  readonly pid: number;
  readonly startedAt: number;
  /** When the process first wrote a line to stdout; undefined until then. */
  firstLineAt: number | undefined;
  /** Called for each stdout line; lines that arrive when nobody listens are dropped. */
  onLine: ((line: string) => void) | undefined;
  /** Called once the process has exited and its output has been read to the end. */
  onExit: ((exit: ExitInfo) => void) | undefined;
  /** Set once the process has exited and its output has been read to the end. */
  exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly marker: string;
  /** Every marked process this session has sent SIGKILL to. */
  private readonly signalled = new Set<number>();
  private leaderExited = false;
  private stderrTail = '';
  private stderrTotal = 0;

  private constructor(child: ChildProcessWithoutNullStreams, pid: number, marker: string) {
    this.child = child;
    this.pid = pid;
    this.marker = marker;
    this.startedAt = performance.now();
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
    child.once('exit', () => {
      this.leaderExited = true;
      // Whatever the leader left running would hold the pipes open and outlive us.
      this.killAll();
      const linger = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, PIPE_LINGER_MS);
      linger.unref();
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
      this.firstLineAt ??= performance.now();
      this.onLine?.(line);
    });
    // A caller that forgets close() must not keep the harness alive: the 'exit' hook kills us.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      // The pipes are sockets; the stream types do not say so.
      (stream as Partial<Pick<Socket, 'unref'>>).unref?.();
    }
  }

  /** Starts the process; `env` is added to the harness's environment. */
  static async start(settings: SessionSettings, env: NodeJS.ProcessEnv = {}): Promise<Session> {
    const [program, ...args] = settings.argv;
    if (program === undefined) {
      throw new ImplementationError('impl/cannot-start', 'the command is empty');
    }
    const child = spawn(program, args, {
      cwd: settings.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      env: { ...process.env, ...env, [RUN_MARKER_VARIABLE]: settings.marker },
    });
    try {
      await new Promise<void>((resolveSpawn, rejectSpawn) => {
        child.once('spawn', resolveSpawn);
        child.once('error', rejectSpawn);
      });
    } catch (error) {
      throw describeSpawnError(settings, program, error);
    }
    if (child.pid === undefined) {
      throw new ImplementationError(
        'impl/cannot-start',
        `cannot start the implementation ${settings.label}`,
      );
    }
    ensureCleanupHooks();
    return new Session(child, child.pid, settings.marker);
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
    await within(this.exited, graceMs);
    await this.kill();
  }

  /**
   * SIGKILL for the process and everything it started; resolves when it has exited, or after a
   * while if it cannot be reaped (a process stuck in the kernel), so a kill never hangs the run.
   */
  async kill(): Promise<void> {
    this.onLine = undefined;
    if (!this.exitInfo) this.killAll();
    await within(this.exited, KILL_WAIT_MS);
    // A SIGKILL takes effect when the process is next scheduled: wait until the marked ones are
    // gone (or zombies), including those already exiting, which no longer show their marker.
    const deadline = performance.now() + KILL_WAIT_MS;
    const pending = () =>
      markedPids(this.marker).length > 0 || [...this.signalled].some((pid) => !goneOrZombie(pid));
    while (pending() && performance.now() < deadline) {
      for (const pid of killMarked(this.marker)) this.signalled.add(pid);
      await new Promise((resolvePause) => setTimeout(resolvePause, 20));
    }
  }

  /** Kills the group and every marked process. Synchronous, so it can run in a process 'exit' handler. */
  killAll(): void {
    try {
      if (process.platform === 'win32') {
        if (!this.leaderExited) this.child.kill('SIGKILL');
      } else process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
    for (const pid of killMarked(this.marker)) this.signalled.add(pid);
  }
}

function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolveLimit) => {
    timer = setTimeout(resolveLimit, ms);
  });
  return Promise.race([promise.then(() => undefined), limit]).finally(() => {
    clearTimeout(timer);
  });
}

/** Every child still running, so none is left behind when the harness exits. */
const live = new Set<Session>();
let cleanupHooksInstalled = false;

function ensureCleanupHooks(): void {
  if (cleanupHooksInstalled) return;
  cleanupHooksInstalled = true;
  process.on('exit', killEverySession);
  // The children run in their own process groups, so a Ctrl-C in the terminal does not reach them.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killEverySession();
      // Keep the default behaviour (exit) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function killEverySession(): void {
  for (const session of live) session.killAll();
}

function describeSpawnError(
  settings: SessionSettings,
  program: string,
  error: unknown,
): ImplementationError {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const where = settings.cwd === undefined ? '' : ` (in ${settings.cwd})`;
  if (code === 'ENOENT') {
    return new ImplementationError(
      'impl/not-found',
      `cannot start the implementation ${settings.label}: ${program} was not found${where}. ` +
        'Check that it is installed and on PATH, or give its full path.',
    );
  }
  if (code === 'EACCES') {
    return new ImplementationError(
      'impl/cannot-start',
      `cannot start the implementation ${settings.label}: ${program} is not executable${where}.`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImplementationError(
    'impl/cannot-start',
    `cannot start the implementation ${settings.label}: ${message}`,
  );
}
