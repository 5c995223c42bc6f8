/** Why a run stopped before it was done: the user (SIGINT), `maxTimeMs`, or the idle watchdog. */
export type StopReason = 'interrupted' | 'max-time' | 'idle';

/** Thrown out of the work in flight when the run is stopped; never escapes `runCheck`. */
export class RunStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`run stopped: ${reason}`);
    this.name = 'RunStopped';
  }
}

export interface RunControlOptions {
  readonly signal?: AbortSignal;
  readonly maxTimeMs?: number;
  readonly idleTimeoutMs?: number;
}

/**
 * Stops a run when asked (an `AbortSignal`), when its time budget runs out, or when nothing has
 * made progress for `idleTimeoutMs`. Work in flight is raced against the stop, so a stuck
 * implementation cannot hold the run: the caller keeps what it had and reports it.
 */
export class RunControl {
  reason: StopReason | undefined;
  message = '';
  private readonly startedAt = performance.now();
  private lastProgress = performance.now();
  private readonly stopped: Promise<never>;
  private rejectStopped: (error: RunStopped) => void = () => undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => {
    this.stop('interrupted', 'the run was interrupted');
  };

  constructor(private readonly options: RunControlOptions) {
    this.stopped = new Promise<never>((_, reject) => {
      this.rejectStopped = reject;
    });
    // Nobody may be racing when the stop comes; that is not an unhandled rejection.
    this.stopped.catch(() => undefined);
    if (options.signal?.aborted === true) this.onAbort();
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    const { maxTimeMs, idleTimeoutMs } = options;
    if (maxTimeMs !== undefined) {
      this.timers.push(
        setTimeout(() => {
          this.stop('max-time', `the run used up its time budget of ${maxTimeMs} ms (--max-time)`);
        }, maxTimeMs),
      );
    }
    if (idleTimeoutMs !== undefined) this.armIdle(idleTimeoutMs);
  }

  /** Something happened: an answer arrived, a batch was judged. */
  progress(): void {
    this.lastProgress = performance.now();
  }

  /** Resolves as `work` does, or rejects with {@link RunStopped} as soon as the run is stopped. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.reason) return Promise.reject(new RunStopped(this.reason));
    return Promise.race([work, this.stopped]);
  }

  /** Throws {@link RunStopped} when the run has been stopped. */
  check(): void {
    if (this.reason) throw new RunStopped(this.reason);
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    clearTimeout(this.idleTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private armIdle(idleTimeoutMs: number): void {
    const wait = Math.max(0, this.lastProgress + idleTimeoutMs - performance.now());
    this.idleTimer = setTimeout(() => {
      // The timer can fire late (a long stretch of synchronous work); only real idleness counts.
      if (performance.now() - this.lastProgress >= idleTimeoutMs) {
        this.stop(
          'idle',
          `nothing happened for ${idleTimeoutMs} ms: no answer from the implementation and no ` +
            'work done by the harness, so the run was stopped',
        );
      } else this.armIdle(idleTimeoutMs);
    }, wait);
  }

  private stop(reason: StopReason, message: string): void {
    if (this.reason) return;
    this.reason = reason;
    this.message = message;
    this.rejectStopped(new RunStopped(reason));
  }
}
