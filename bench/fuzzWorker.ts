/**
 * One loader's fuzzing, on a worker thread of bench/fuzz.ts: inputs `from` to `count` (each drawn
 * from a chunk seeded by the run's seed and the chunk, so input i is the same in every run and
 * after a restart), a message after each. The main thread watches the messages: a worker that
 * stops sending them is stuck in a loop, and is counted as a hang and restarted after that input.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { fuzzInput, fuzzLoaders, removeScratch, runInput } from '../test/fuzz/loaderFuzz.ts';
import type { LoaderName } from '../test/fuzz/loaderFuzz.ts';

export interface FuzzJob {
  readonly loader: LoaderName;
  readonly from: number;
  readonly count: number;
  readonly seed: number;
  /** An input that does not settle within this is a hang (an async one: a stream that never ends). */
  readonly timeoutMs: number;
}

export type FuzzMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'input'; readonly index: number }
  | {
      readonly kind: 'done';
      readonly index: number;
      readonly verdict: 'ok' | 'crash' | 'hang';
      readonly error?: string;
    }
  | { readonly kind: 'finished' };

export const CHUNK = 500;

const job = workerData as FuzzJob;
const port = parentPort;
if (!port) throw new Error('bench/fuzzWorker.ts runs on a worker thread of bench/fuzz.ts');
const post = (m: FuzzMessage) => {
  port.postMessage(m);
};

const dir = mkdtempSync(join(tmpdir(), 'measurecheck-fuzz-bench-'));
try {
  const loader = (await fuzzLoaders(dir))[job.loader];
  post({ kind: 'ready' });
  const arbitrary = fc.tuple(fuzzInput(loader.seeds), fc.boolean());
  for (let chunk = Math.floor(job.from / CHUNK); chunk * CHUNK < job.count; chunk++) {
    const inputs = fc.sample(arbitrary, { seed: job.seed + chunk, numRuns: CHUNK });
    for (const [k, [bytes, keepGoing]] of inputs.entries()) {
      const index = chunk * CHUNK + k;
      if (index < job.from || index >= job.count) continue;
      post({ kind: 'input', index });
      const verdict = await runInput(loader, bytes, keepGoing, job.timeoutMs);
      post({
        kind: 'done',
        index,
        verdict: verdict.kind,
        ...(verdict.kind === 'crash' ? { error: verdict.error } : {}),
      });
    }
  }
} finally {
  removeScratch(dir);
}
// After the scratch folder is gone: the main thread terminates the worker on this message.
post({ kind: 'finished' });
