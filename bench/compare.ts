/**
 * `measurecheck compare` at health-plan scale: members per second and peak memory on generated
 * COL-E 2025 decks (all three product lines, so three member outcomes per member), and reference
 * evaluations per second per core.
 *
 *   npx tsx bench/compare.ts [--sizes 100000,1000000] [--repeats 3] [--keep DIR]
 *
 * For each size, a deck is written with `measurecheck fixtures generate` (timed too), then
 * `measurecheck compare` runs as a real child process under /usr/bin/time (wall time and peak RSS
 * of the whole process, worker threads included):
 * - `--results <deck>/expected.csv`: the reference evaluates every member on worker threads and
 *   the deck's own expected results stand in for the implementation's file, so the whole pipeline
 *   (CSV deck reading, reference, results index, comparison) is measured without an
 *   implementation's own cost; run with `--workers 2`, `--workers 1` and `--workers 0` (reference
 *   in the main thread: the baseline) side by side;
 * - `--impl fixtures/implementations/col-e-correct.ts` (module adapter), default workers.
 * The largest size runs each once; smaller sizes `repeats` times (median, min, max).
 *
 * Reference evaluations per second per core: `evaluateJobs` on one thread over the deck's first
 * 20,000 members, each for the three product lines.
 *
 * Decks are written to a temporary folder and deleted (not committed). Results go to stdout as
 * Markdown, progress to stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDeck } from '../src/adapters/deck/index.ts';
import type { Member } from '../src/model/member.ts';
import type { Request } from '../src/model/request.ts';
import { evaluateJobs } from '../src/harness/referencePool.ts';
import { colE2025, int, machineFacts, progress, ROOT, summarize, table } from './support.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    repeats: { type: 'string', default: '3' },
    keep: { type: 'string' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const repeats = Number(values.repeats);
const BIN = join(ROOT, 'bin', 'measurecheck.js');

interface Timed {
  readonly seconds: number;
  readonly peakMb: number;
}

/** Runs the CLI under /usr/bin/time; fails loudly when it does not exit as expected. */
function cli(args: readonly string[], expectExit = 0): Timed {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (run.status !== expectExit) {
    throw new Error(
      `measurecheck ${args.join(' ')} exited ${String(run.status)}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`,
    );
  }
  const last = run.stderr.trim().split('\n').at(-1) ?? '';
  const [seconds = 'NaN', kb = 'NaN'] = last.split(' ');
  return { seconds: Number(seconds), peakMb: Number(kb) / 1024 };
}

async function referencePerCore(deck: string): Promise<number> {
  const { pack, measure } = colE2025();
  const members: Member[] = [];
  for await (const dm of openDeck(deck).members()) {
    members.push(dm.member);
    if (members.length >= 20_000) break;
  }
  const requests: Request[] = measure.productLines.map((productLine) => ({
    measure: measure.id,
    year: measure.year,
    productLine,
  }));
  const packs = new Map([[pack.year, pack]]);
  const jobs = members.map((member) => ({ member, requests }));
  evaluateJobs(packs, jobs.slice(0, 2000)); // warm-up
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    evaluateJobs(packs, jobs);
    rates.push((jobs.length * requests.length) / ((performance.now() - started) / 1000));
  }
  return summarize(rates).median;
}

const scratch = values.keep ?? mkdtempSync(join(tmpdir(), 'measurecheck-bench-compare-'));
const rows: string[][] = [];
let perCore = 0;
const started = performance.now();
try {
  for (const size of sizes) {
    const deck = join(scratch, `col-e-2025-${String(size)}`);
    progress(`generating ${int(size)} members into ${deck}`);
    const gen = cli([
      'fixtures',
      'generate',
      '--measure',
      'COL-E',
      '--year',
      '2025',
      '--members',
      String(size),
      '--out',
      deck,
      '--force',
      '--no-progress',
    ]);
    rows.push([
      int(size),
      'fixtures generate (default workers)',
      gen.seconds.toFixed(1),
      int(size / gen.seconds),
      int(gen.peakMb),
      '1',
    ]);
    if (perCore === 0) perCore = await referencePerCore(deck);
    const times = size === Math.max(...sizes) ? 1 : repeats;
    const runs: { label: string; args: string[] }[] = [
      ...[2, 1, 0].map((w) => ({
        label: `compare --results expected.csv, --workers ${String(w)}${w === 0 ? ' (baseline)' : ''}`,
        args: ['--results', join(deck, 'expected.csv'), '--workers', String(w)],
      })),
      {
        label: 'compare --impl col-e-correct.ts, default workers',
        args: ['--impl', 'fixtures/implementations/col-e-correct.ts'],
      },
    ];
    const measured = new Map<string, Timed[]>();
    for (let i = 0; i < times; i++) {
      // Each round runs every variant once, so the machine's noise falls on all of them alike.
      for (const r of runs) {
        progress(`${int(size)}: ${r.label} (${String(i + 1)}/${String(times)})`);
        const t = cli(['compare', '--fixtures', deck, '--no-progress', ...r.args]);
        measured.set(r.label, [...(measured.get(r.label) ?? []), t]);
      }
    }
    for (const r of runs) {
      const ts = measured.get(r.label) ?? [];
      const s = summarize(ts.map((t) => t.seconds));
      rows.push([
        int(size),
        r.label,
        times > 1
          ? `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`
          : s.median.toFixed(1),
        int(size / s.median),
        int(Math.max(...ts.map((t) => t.peakMb))),
        String(times),
      ]);
    }
    if (values.keep === undefined) rmSync(deck, { recursive: true, force: true });
  }
} finally {
  if (values.keep === undefined) rmSync(scratch, { recursive: true, force: true });
}

const out = [
  '### Compare at scale',
  '',
  ...machineFacts().map((f) => `- ${f}`),
  `- available parallelism: ${String(availableParallelism())} (the default number of reference workers)`,
  `- command: npx tsx bench/compare.ts --sizes ${values.sizes} --repeats ${String(repeats)}`,
  `- COL-E 2025 decks from \`fixtures generate\` (seed 1), three product lines per member; wall time and peak RSS from /usr/bin/time around the CLI process (worker threads included); total ${((performance.now() - started) / 1000).toFixed(0)} s`,
  '',
  table(['members', 'run', 'wall s (median, min-max)', 'members/s', 'peak RSS MB', 'runs'], rows),
  '',
  `Reference evaluations per second per core (one thread, full trace, three product lines per member, 20,000 members, median of 3): ${int(perCore)}`,
];
process.stdout.write(`${out.join('\n')}\n`);
