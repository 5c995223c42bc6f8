/**
 * Fuzzes every loader of user files (test/fuzz/loaderFuzz.ts): 100,000 mutated or random files
 * per loader by default, each written to a real file and loaded, and prints a Markdown table of
 * inputs, crashes (an exception that is not a coded problem), hangs and inputs per second.
 *
 * Each loader runs on a worker thread that reports every input; a worker silent for
 * --stall-ms is stuck (a synchronous loop) and counts one hang, and a new worker goes on after
 * that input. An input that does not settle within --timeout-ms is an (async) hang too.
 *
 *   npx tsx bench/fuzz.ts [--inputs 100000] [--seed 1] [--loader "results CSV"] [--timeout-ms 10000]
 *                         [--parallel 1]   (loaders fuzzed at once, one worker thread each)
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { LOADER_NAMES } from '../test/fuzz/loaderFuzz.ts';
import type { LoaderName } from '../test/fuzz/loaderFuzz.ts';
import type { FuzzJob, FuzzMessage } from './fuzzWorker.ts';
import { int, machineFacts, progress, table } from './support.ts';

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    loader: { type: 'string', multiple: true },
    'timeout-ms': { type: 'string', default: '10000' },
    'stall-ms': { type: 'string', default: '60000' },
    parallel: { type: 'string', default: '1' },
  },
});
const inputs = Number(values.inputs);
const seed = Number(values.seed);
const timeoutMs = Number(values['timeout-ms']);
const stallMs = Number(values['stall-ms']);
const parallel = Math.max(1, Number(values.parallel));
const selected = (values.loader ?? [...LOADER_NAMES]) as LoaderName[];
for (const name of selected) {
  if (!(LOADER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown loader "${name}"; loaders: ${LOADER_NAMES.join(', ')}`);
  }
}

interface LoaderStats {
  readonly loader: LoaderName;
  inputs: number;
  crashes: number;
  hangs: number;
  /** Time spent on inputs, without setting up the seed files. */
  ms: number;
  readonly examples: string[];
}

function bootstrap(): string {
  const require = createRequire(import.meta.url);
  const api = pathToFileURL(
    join(dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs'),
  ).href;
  const entry = new URL('./fuzzWorker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/** Runs inputs from `from` on one worker; resolves with the next input to run (count when done). */
function runWorker(loader: LoaderName, from: number, stats: LoaderStats): Promise<number> {
  return new Promise((resolve, reject) => {
    const job: FuzzJob = { loader, from, count: inputs, seed, timeoutMs };
    const worker = new Worker(bootstrap(), { eval: true, workerData: job });
    let current = from;
    let started = 0;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        // Stuck inside one input: a hang; go on after it with a new worker.
        stats.hangs += 1;
        stats.inputs += 1;
        stats.ms += performance.now() - started;
        stats.examples.push(`input ${String(current)}: no progress for ${String(stallMs)} ms`);
        void worker.terminate();
        resolve(current + 1);
      }, stallMs);
    };
    arm();
    worker.on('message', (m: FuzzMessage) => {
      arm();
      if (m.kind === 'input') {
        current = m.index;
        started = performance.now();
      } else if (m.kind === 'done') {
        stats.inputs += 1;
        stats.ms += performance.now() - started;
        if (m.verdict === 'crash') stats.crashes += 1;
        if (m.verdict === 'hang') stats.hangs += 1;
        if (m.verdict !== 'ok' && stats.examples.length < 5) {
          stats.examples.push(`input ${String(m.index)}: ${m.verdict} ${m.error ?? ''}`);
        }
        if (stats.inputs % 5000 === 0) progress(`${loader}: ${int(stats.inputs)} inputs`);
      } else if (m.kind === 'finished') {
        clearTimeout(watchdog);
        void worker.terminate();
        resolve(inputs);
      }
    });
    worker.on('error', (e) => {
      clearTimeout(watchdog);
      reject(e);
    });
  });
}

const results: LoaderStats[] = [];
const queue = [...selected];
async function runLoaders(): Promise<void> {
  for (let loader = queue.shift(); loader !== undefined; loader = queue.shift()) {
    await runLoader(loader);
  }
}
async function runLoader(loader: LoaderName): Promise<void> {
  const stats: LoaderStats = { loader, inputs: 0, crashes: 0, hangs: 0, ms: 0, examples: [] };
  let next = 0;
  while (next < inputs) next = await runWorker(loader, next, stats);
  progress(
    `${loader}: done: ${int(stats.inputs)} inputs, ${int(stats.crashes)} crashes, ${int(stats.hangs)} hangs, ${int(stats.inputs / (stats.ms / 1000))} inputs/s`,
  );
  results.push(stats);
}
await Promise.all(Array.from({ length: parallel }, runLoaders));
results.sort((a, b) => selected.indexOf(a.loader) - selected.indexOf(b.loader));

const command = `npx tsx bench/fuzz.ts --inputs ${String(inputs)} --seed ${String(seed)} --parallel ${String(parallel)}`;
const out = [
  '## Loader fuzzing',
  '',
  ...machineFacts().map((f) => `- ${f}`),
  `- command: ${command}`,
  `- per-input timeout ${int(timeoutMs)} ms; a worker silent for ${int(stallMs)} ms counts a hang`,
  '',
  table(
    ['loader', 'inputs', 'crashes', 'hangs', 'inputs/s'],
    results.map((r) => [
      r.loader,
      int(r.inputs),
      int(r.crashes),
      int(r.hangs),
      int(r.inputs / (r.ms / 1000)),
    ]),
  ),
];
const failures = results.flatMap((r) => r.examples.map((e) => `- ${r.loader}: ${e}`));
if (failures.length > 0) out.push('', 'First failures:', '', ...failures);
process.stdout.write(`${out.join('\n')}\n`);
