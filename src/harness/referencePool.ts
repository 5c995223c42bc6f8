import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { evaluateMeasure } from '../engine/evaluate.ts';
import type { SharedEvaluations } from '../engine/evaluate.ts';
import type { Member } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import { MeasurecheckError } from '../model/problem.ts';
import type { Request } from '../model/request.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';

/** One member and the requests (measure, year, product line) to evaluate it for. */
export interface ReferenceJob {
  readonly member: Member;
  readonly requests: readonly Request[];
}

/**
 * Evaluates members with the reference engine, on worker threads (one per core but one by default) or in
 * this thread (`workers: 0`). Batches are answered in the order they were given to `evaluate`
 * only per worker; each call's promise resolves with that batch's outcomes, one array per job
 * with one outcome per request.
 */
export interface ReferencePool {
  readonly workers: number;
  evaluate(jobs: readonly ReferenceJob[]): Promise<Outcome[][]>;
  close(): Promise<void>;
}

/** Messages between the pool and a worker (referenceWorker.ts). */
export interface WorkerRequest {
  readonly id: number;
  readonly jobs: readonly ReferenceJob[];
}
export type WorkerReply =
  | { readonly id: number; readonly outcomes: Outcome[][] }
  | { readonly id: number; readonly error: string }
  | { readonly ready: true }
  | { readonly loadError: string };

export interface PoolOptions {
  /** Worker threads; 0 evaluates in this thread. Default: the machine's available parallelism. */
  readonly workers?: number;
}

/**
 * The default number of reference workers: one per core but one, which is left to the main thread
 * (it parses the deck, runs a module implementation and compares). On 2 cores that is 1 worker:
 * measured side by side, 2 workers were slower than 1 (BENCHMARKS.md, "Compare at scale").
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Starts a pool over the rule packs in `packDirs` (one per measurement year). Each worker loads
 * and compiles the packs itself, so only members and outcomes cross threads.
 */
export async function startReferencePool(
  packs: readonly CompiledPack[],
  options: PoolOptions = {},
): Promise<ReferencePool> {
  const count = options.workers ?? defaultWorkers();
  if (count <= 0) return inThreadPool(packs);
  const dirs: WorkerPack[] = packs.map((p) => ({
    dir: p.dir,
    ...(p.valueSetBundle !== undefined ? { valueSets: p.valueSetBundle } : {}),
  }));
  const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(dirs)));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw failed.reason;
  }
  return new WorkerPool(workers);
}

function inThreadPool(packs: readonly CompiledPack[]): ReferencePool {
  const byYear = new Map(packs.map((p) => [p.year, p]));
  return {
    workers: 0,
    evaluate: (jobs) => Promise.resolve(evaluateJobs(byYear, jobs)),
    close: () => Promise.resolve(),
  };
}

/** Evaluates each job's requests with the pack of the request's year. */
export function evaluateJobs(
  packs: ReadonlyMap<number, CompiledPack>,
  jobs: readonly ReferenceJob[],
): Outcome[][] {
  return jobs.map((job) => {
    // One member's product-line-independent clauses are evaluated once for all its requests.
    const shared: SharedEvaluations = new Map();
    return job.requests.map((request) => {
      const measure = packs.get(request.year)?.measures.get(request.measure);
      if (!measure) {
        throw new Error(`no rule pack loaded for ${request.measure} ${String(request.year)}`);
      }
      return evaluateMeasure(measure, request, job.member, shared).outcome;
    });
  });
}

/** The worker entry runs TypeScript: register tsx in the worker, then import the entry. */
function workerBootstrap(): string {
  const require = createRequire(import.meta.url);
  const tsxRoot = dirname(require.resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./referenceWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/** A pack as a worker loads it again: its folder and the bundle of its value sets by OID. */
export interface WorkerPack {
  readonly dir: string;
  readonly valueSets?: readonly string[];
}

function startWorker(packDirs: readonly WorkerPack[]): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerBootstrap(), { eval: true, workerData: { packDirs } });
    const onMessage = (m: WorkerReply) => {
      if ('ready' in m) {
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(worker);
      } else if ('loadError' in m) {
        void worker.terminate();
        reject(
          new MeasurecheckError([
            { code: 'compare/reference-worker', message: m.loadError, hint: 'check the rule pack' },
          ]),
        );
      }
    };
    const onError = (e: Error) => {
      reject(e);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}

class WorkerPool implements ReferencePool {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (o: Outcome[][]) => void; reject: (e: Error) => void }
  >();
  private readonly load: number[];
  private failure: Error | undefined;

  constructor(private readonly pool: Worker[]) {
    this.load = pool.map(() => 0);
    pool.forEach((worker, i) => {
      worker.on('message', (m: WorkerReply) => {
        if (!('id' in m)) return;
        const waiter = this.pending.get(m.id);
        if (!waiter) return;
        this.pending.delete(m.id);
        this.load[i] = (this.load[i] ?? 1) - 1;
        if ('error' in m) waiter.reject(new Error(`reference evaluation failed: ${m.error}`));
        else waiter.resolve(m.outcomes);
      });
      worker.on('error', (e) => {
        this.fail(e);
      });
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a reference worker exited with code ${String(code)}`));
      });
    });
  }

  get workers(): number {
    return this.pool.length;
  }

  evaluate(jobs: readonly ReferenceJob[]): Promise<Outcome[][]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    // The least busy worker takes the batch.
    let pick = 0;
    for (let i = 1; i < this.pool.length; i++) {
      if ((this.load[i] ?? 0) < (this.load[pick] ?? 0)) pick = i;
    }
    const worker = this.pool[pick];
    if (!worker) return Promise.reject(new Error('the reference pool has no workers'));
    this.load[pick] = (this.load[pick] ?? 0) + 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: WorkerRequest = { id, jobs };
      worker.postMessage(message);
    });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const waiter of this.pending.values()) waiter.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the reference pool is closed');
    await Promise.all(this.pool.map((w) => w.terminate()));
  }
}
