/**
 * The mutation self-test for every measure of the shipped 2025 pack, rule-aware and uniform
 * generators side by side at the same budget.
 *
 *   npx tsx bench/selftest.ts [--runs 1000] [--seed 1] [--measures COL-E,BCS-E] [--max-mutants 200]
 *     [--generators rule-aware,uniform] [--rerun-factor 5]
 *
 * `--rerun-factor 0` skips the survivor reruns (5x budget, other generator), which dominate the
 * time of the uniform generator; kills within the budget do not depend on them (survivors are then argued by the search only).
 *
 * For each measure and generator, `runSelfTest` derives the mutants (previous-year mutants from the
 * shipped 2024 pack), runs each one as the implementation under test with `--runs` cases per
 * product line, and reports the kill rate within the budget (over the mutants not shown or argued
 * equivalent), the cases to kill (median, p90: the 1-based index of the first discrepant case over
 * the product lines in order), how many were killed only with 5x the budget or the other
 * generator, the equivalent ones (proven / likely) and the survivors.
 *
 * Results go to stdout as Markdown, progress to stderr.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatMutant } from '../src/report/selftestText.ts';
import type { GeneratorMode } from '../src/generate/index.ts';
import { runSelfTest, SELFTEST_DEFAULT_RUNS } from '../src/harness/selftest/index.ts';
import type { SelfTestResult } from '../src/harness/selftest/index.ts';
import { formatProblem } from '../src/model/problem.ts';
import { loadPack } from '../src/rulepack/compile.ts';
import type { CompiledPack } from '../src/rulepack/compiled.ts';
import { int, machineFacts, progress, table } from './support.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: String(SELFTEST_DEFAULT_RUNS) },
    seed: { type: 'string', default: '1' },
    measures: { type: 'string' },
    'max-mutants': { type: 'string', default: '200' },
    generators: { type: 'string', default: 'rule-aware,uniform' },
    'rerun-factor': { type: 'string', default: '5' },
  },
});
const runs = Number(args.runs);
const seed = Number(args.seed);
const maxMutants = Number(args['max-mutants']);

function pack(year: number): CompiledPack {
  const loaded = loadPack(
    fileURLToPath(new URL(`../rules/hedis/${String(year)}`, import.meta.url)),
  );
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return loaded.value;
}

const current = pack(2025);
const previous = pack(2024);
const ids = args.measures?.split(',') ?? [...current.measures.keys()];
const generators = args.generators.split(',') as GeneratorMode[];
const rerunFactor = Number(args['rerun-factor']);

const rows: string[][] = [];
const details: string[] = [];
for (const id of ids) {
  const measure = current.measures.get(id);
  if (!measure) throw new Error(`no ${id} in the 2025 pack`);
  const before = previous.measures.get(id);
  for (const generator of generators) {
    progress(`${id} ${generator}...`);
    let done = 0;
    const result: SelfTestResult = await runSelfTest({
      pack: current,
      measure,
      ...(before ? { previous: before } : {}),
      runs,
      seed,
      generator,
      maxMutants,
      rerunFactor,
      onMutant: () => {
        done += 1;
        if (done % 20 === 0) progress(`  ${String(done)} mutants`);
      },
    });
    const proven = result.mutants.filter((m) => m.equivalence === 'proven').length;
    rows.push([
      id,
      generator,
      `${String(result.mutants.length)}${result.sampled ? ` of ${String(result.derived)}` : ''}`,
      `${(result.killRate * 100).toFixed(1)}%`,
      String(result.killedAtBudget),
      String(result.killed - result.killedAtBudget),
      `${String(result.equivalent)} (${String(proven)} proven)`,
      String(result.survived),
      result.casesToKill.median !== undefined ? int(result.casesToKill.median) : '-',
      result.casesToKill.p90 !== undefined ? int(result.casesToKill.p90) : '-',
      `${(result.durationMs / 1000).toFixed(0)} s`,
    ]);
    progress(`  row: ${(rows.at(-1) ?? []).join(' | ')}`);
    const notes = result.mutants.filter((m) => m.killedBy !== 'budget');
    if (notes.length) {
      details.push(`${id}, ${generator}, not killed within the budget:`, '');
      for (const m of notes) details.push(`- ${formatMutant(m)}`);
      details.push('');
    }
  }
}

const out = [
  `Mutation self-test, shipped 2025 pack, ${int(runs)} cases per product line per mutant, seed ${String(seed)}:`,
  '',
  ...machineFacts().map((f) => `- ${f}`),
  '',
  table(
    [
      'measure',
      'generator',
      'mutants',
      'kill rate',
      'killed',
      'only 5x/other',
      'equivalent',
      'survived',
      'cases to kill (median)',
      'p90',
      'time',
    ],
    rows,
  ),
  '',
  ...details,
];
process.stdout.write(`${out.join('\n')}\n`);
