/**
 * Cases per second for COL-E 2025 through each stage of the harness, and through a whole check.
 *
 *   npx tsx bench/throughput.ts [--repeats 5] [--cases 3000]
 *
 * Stages, each on the same pre-generated members where it evaluates members:
 * - reference engine: `evaluateMeasure` alone (generation excluded);
 * - generation: `fc.sample(memberArbitrary(...))`, rule-aware and uniform;
 * - module adapter on fixtures/implementations/col-e-correct.ts and process adapter on
 *   `python3 fixtures/implementations/col-e-correct.py`: `implementation.evaluate(cases)` in
 *   batches of 256 (the adapter is opened, and the process started, before timing);
 * - `runCheck` for one product line with each adapter: generation, reference, implementation and
 *   comparison together (the correct implementations agree, so nothing is shrunk).
 *
 * One warm-up round, then `repeats` rounds; each round runs every measurement once, so the noise of
 * this shared machine falls on all of them alike. Results (median, min, max) go to stdout as
 * Markdown, progress to stderr.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Case, Implementation } from '../src/adapters/implementation.ts';
import { openImplementation } from '../src/adapters/openImplementation.ts';
import { evaluateMeasure } from '../src/engine/evaluate.ts';
import { memberArbitrary } from '../src/generate/index.ts';
import type { GeneratorMode } from '../src/generate/index.ts';
import { compareOutcomes } from '../src/harness/compare.ts';
import { lineSeed, runCheck } from '../src/harness/check.ts';
import type { Member, ProductLine } from '../src/model/member.ts';
import type { Request } from '../src/model/request.ts';
import {
  colE2025,
  int,
  machineFacts,
  progress,
  ROOT,
  summarize,
  table,
  timeMs,
} from './support.ts';
import type { Summary } from './support.ts';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    cases: { type: 'string', default: '3000' },
  },
});
const REPEATS = Number(args.repeats);
const CASES = Number(args.cases);
const BATCH = 256;
const SEED = 42;
/** Medicare: every COL-E clause applies to it (the I-SNP/LTI exclusion is Medicare-only). */
const LINE: ProductLine = 'medicare';
const MODULE_IMPL = 'fixtures/implementations/col-e-correct.ts';
const PROCESS_IMPL = 'python3 fixtures/implementations/col-e-correct.py';

const { pack, measure } = colE2025();
const request: Request = { measure: measure.id, year: measure.year, productLine: LINE };
const seed = lineSeed(SEED, LINE);
const arbitraries: Record<GeneratorMode, Arbitrary<Member>> = {
  'rule-aware': memberArbitrary(measure, { productLine: LINE, mode: 'rule-aware' }),
  uniform: memberArbitrary(measure, { productLine: LINE, mode: 'uniform' }),
};

progress(`pre-generating ${int(CASES)} members per mode (${LINE}, seed ${SEED})...`);
const members: Record<GeneratorMode, Member[]> = {
  'rule-aware': fc.sample(arbitraries['rule-aware'], { seed, numRuns: CASES }),
  uniform: fc.sample(arbitraries.uniform, { seed, numRuns: CASES }),
};
const cases: Case[] = members['rule-aware'].map((member, i) => ({
  id: `c${String(i)}`,
  request,
  member,
}));

const moduleImpl = await openImplementation(MODULE_IMPL, { cwd: ROOT });
const processImpl = await openImplementation(PROCESS_IMPL, { cwd: ROOT });
const processStartMs = await timeMs(async () => {
  const started = await openImplementation(PROCESS_IMPL, { cwd: ROOT });
  await started.evaluate(cases.slice(0, 1));
  await started.close();
});

/** The benchmark means nothing if the implementations under it are wrong: check them once. */
async function assertAgrees(impl: Implementation): Promise<void> {
  const answers = await impl.evaluate(cases);
  answers.forEach((answer, i) => {
    const member = cases[i]?.member;
    if (!member || !answer.ok) throw new Error(`${impl.label}: no valid answer for case ${i}`);
    const reference = evaluateMeasure(measure, request, member).outcome;
    if (compareOutcomes(reference, answer.outcome)) {
      throw new Error(`${impl.label} disagrees with the reference on case ${i}`);
    }
  });
}
progress('checking that both implementations agree with the reference...');
await assertAgrees(moduleImpl);
await assertAgrees(processImpl);

async function inBatches(impl: Implementation): Promise<void> {
  for (let start = 0; start < cases.length; start += BATCH) {
    const answers = await impl.evaluate(cases.slice(start, start + BATCH));
    if (answers.length !== Math.min(BATCH, cases.length - start)) throw new Error('short batch');
  }
}

async function wholeCheck(impl: Implementation): Promise<void> {
  const result = await runCheck({
    pack,
    measure,
    productLines: [LINE],
    implementation: impl,
    runs: CASES,
    seed: SEED,
    generator: 'rule-aware',
  });
  if (result.exitCode !== 0) throw new Error(`${impl.label}: check exited ${result.exitCode}`);
}

interface Measurement {
  readonly label: string;
  readonly run: () => Promise<void> | void;
}

const measurements: Measurement[] = [
  {
    label: 'reference engine, rule-aware members',
    run: () => {
      for (const m of members['rule-aware']) evaluateMeasure(measure, request, m);
    },
  },
  {
    label: 'reference engine, uniform members',
    run: () => {
      for (const m of members.uniform) evaluateMeasure(measure, request, m);
    },
  },
  {
    label: 'generation, rule-aware',
    run: () => {
      fc.sample(arbitraries['rule-aware'], { seed, numRuns: CASES });
    },
  },
  {
    label: 'generation, uniform',
    run: () => {
      fc.sample(arbitraries.uniform, { seed, numRuns: CASES });
    },
  },
  { label: 'module adapter (col-e-correct.ts)', run: () => inBatches(moduleImpl) },
  { label: 'process adapter (python3 col-e-correct.py)', run: () => inBatches(processImpl) },
  { label: 'runCheck, module adapter', run: () => wholeCheck(moduleImpl) },
  { label: 'runCheck, process adapter', run: () => wholeCheck(processImpl) },
];

const timings = new Map<string, number[]>(measurements.map((m) => [m.label, []]));
for (let round = 0; round <= REPEATS; round++) {
  const warmUp = round === 0;
  progress(warmUp ? 'warm-up round...' : `round ${round}/${REPEATS}...`);
  for (const m of measurements) {
    const ms = await timeMs(m.run);
    if (!warmUp) timings.get(m.label)?.push(ms);
    progress(`  ${m.label}: ${ms.toFixed(0)} ms`);
  }
}
await moduleImpl.close();
await processImpl.close();

/** Cases per second from milliseconds per run (the fastest run is the highest rate). */
function rates(ms: readonly number[]): Summary {
  return summarize(ms.map((t) => (CASES * 1000) / t));
}
const msOf = (label: string): Summary => summarize(timings.get(label) ?? []);
const usPerCase = (label: string): number => (msOf(label).median * 1000) / CASES;

const rows = measurements.map((m) => {
  const r = rates(timings.get(m.label) ?? []);
  return [m.label, int(r.median), int(r.min), int(r.max), usPerCase(m.label).toFixed(1)];
});

// Where the time of a whole check goes: the stage medians, per case, against the check's median.
const share = (label: string, check: string): string =>
  `${((100 * usPerCase(label)) / usPerCase(check)).toFixed(0)}%`;
const shareRows = (
  [
    ['runCheck, module adapter', 'module adapter (col-e-correct.ts)'],
    ['runCheck, process adapter', 'process adapter (python3 col-e-correct.py)'],
  ] as const
).map(([check, impl]) => {
  const parts =
    usPerCase('generation, rule-aware') +
    usPerCase('reference engine, rule-aware members') +
    usPerCase(impl);
  return [
    check,
    usPerCase(check).toFixed(1),
    share('generation, rule-aware', check),
    share('reference engine, rule-aware members', check),
    share(impl, check),
    `${(100 - (100 * parts) / usPerCase(check)).toFixed(0)}%`,
  ];
});

const out = [
  '## Throughput (COL-E 2025)',
  '',
  ...machineFacts().map((f) => `- ${f}`),
  `- command: npx tsx bench/throughput.ts --repeats ${REPEATS} --cases ${CASES}`,
  `- product line ${LINE}, seed ${SEED}, ${int(CASES)} cases per run, batches of ${BATCH}, ` +
    `${REPEATS} runs after one warm-up; process start (spawn + first answer): ${processStartMs.toFixed(0)} ms, excluded`,
  '',
  table(['stage', 'cases/s median', 'min', 'max', 'µs/case (median)'], rows),
  '',
  'Share of a whole check, from the stage medians (rule-aware generation, reference on rule-aware members):',
  '',
  table(
    [
      'check',
      'µs/case',
      'generation',
      'reference',
      'implementation',
      'rest (compare, bookkeeping)',
    ],
    shareRows,
  ),
  '',
];
process.stdout.write(out.join('\n'));
