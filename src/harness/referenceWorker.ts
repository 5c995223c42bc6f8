// A reference worker thread (started by referencePool.ts): loads the rule packs once, then
// evaluates batches of members and posts their outcomes back.
import { parentPort, workerData } from 'node:worker_threads';
import { formatProblem } from '../model/problem.ts';
import { loadPack } from '../rulepack/compile.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';
import { evaluateJobs } from './referencePool.ts';
import type { WorkerPack, WorkerReply, WorkerRequest } from './referencePool.ts';

const port = parentPort;
if (port) {
  const { packDirs } = workerData as { packDirs: readonly WorkerPack[] };
  const packs = new Map<number, CompiledPack>();
  let loadError: string | undefined;
  for (const { dir, valueSets } of packDirs) {
    const loaded = loadPack(dir, { valueSets });
    if (loaded.ok) packs.set(loaded.value.year, loaded.value);
    else loadError ??= loaded.problems.map(formatProblem).join('\n');
  }
  const post = (reply: WorkerReply) => {
    port.postMessage(reply);
  };
  if (loadError !== undefined) post({ loadError });
  else {
    port.on('message', (request: WorkerRequest) => {
      try {
        post({ id: request.id, outcomes: evaluateJobs(packs, request.jobs) });
      } catch (e) {
        post({ id: request.id, error: e instanceof Error ? e.message : String(e) });
      }
    });
    post({ ready: true });
  }
}
