import { existsSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { orThrow } from '../model/problem.ts';
import { runSelfTest, SELFTEST_DEFAULT_RUNS } from '../harness/selftest/index.ts';
import { loadPack } from '../rulepack/compile.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';
import { shippedPackDir } from '../rulepack/shipped.ts';
import { prepareReportFiles, writeReportFile } from '../report/reportFile.ts';
import { formatMutant, formatSelfTest } from '../report/selftestText.ts';
import { selectMeasure } from '../rulepack/selectPack.ts';
import { integer, parseYear, positiveInt } from './options.ts';

interface SelfTestCliOptions {
  measure: string;
  year?: number;
  rules?: string;
  valuesets?: string[];
  previousRules?: string;
  runs: number;
  seed?: number;
  generator: 'rule-aware' | 'uniform';
  maxMutants: number;
  json?: string;
  verbose?: boolean;
}

export function registerSelfTestCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('selftest')
    .description(
      'mutation self-test: run mutants of the rule pack as implementations and report how many the harness kills, and how fast',
    )
    .requiredOption('--measure <id>', 'measure id, e.g. COL-E')
    .option(
      '--year <year>',
      'measurement year (default: the latest released shipped pack)',
      parseYear,
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped rules/hedis/<year>)')
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--previous-rules <dir>',
      "the previous year's pack, for previous-year mutants (default: the shipped pack of the year before, when checking a shipped pack)",
    )
    .option(
      '--runs <n>',
      'generated cases per product line for each mutant',
      positiveInt,
      SELFTEST_DEFAULT_RUNS,
    )
    .option('--seed <n>', 'seed (default: random, printed)', integer)
    .addOption(
      new Option('--generator <mode>', 'member generator')
        .choices(['rule-aware', 'uniform'])
        .default('rule-aware'),
    )
    .option(
      '--max-mutants <n>',
      'test at most this many mutants (a deterministic sample)',
      positiveInt,
      200,
    )
    .option('--json <file>', 'also write the full result as JSON')
    .option('--verbose', 'print every mutant, not only the survivors')
    .action(async (opts: SelfTestCliOptions) => {
      setExit(await selftest(opts));
    });
}

async function selftest(opts: SelfTestCliOptions): Promise<number> {
  orThrow(prepareReportFiles({ json: opts.json }));
  const { pack, measure } = orThrow(selectMeasure(opts));
  const previous = previousMeasure(opts, measure);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(
    `selftest ${measure.id} ${String(measure.year)} (${pack.id} v${pack.version}), generator ${opts.generator}, ${String(opts.runs)} cases${measure.productLines.length > 0 ? ' per product line' : ''}, seed ${String(seed)}\n`,
  );
  const result = await runSelfTest({
    pack,
    measure,
    ...(previous ? { previous } : {}),
    runs: opts.runs,
    seed,
    generator: opts.generator,
    maxMutants: opts.maxMutants,
    onMutant: (m) => {
      if (opts.verbose) process.stdout.write(`  ${formatMutant(m)}\n`);
    },
  });
  process.stdout.write(formatSelfTest(result));
  if (opts.json !== undefined)
    orThrow(writeReportFile(opts.json, `${JSON.stringify(result, null, 2)}\n`));
  return result.survived > 0 ? 1 : 0;
}

/**
 * The same measure in the previous year's pack, when there is one. A --previous-rules that does
 * not load is a usage error; the shipped pack of the year before is used only when it loads.
 */
function previousMeasure(
  opts: SelfTestCliOptions,
  measure: CompiledMeasure,
): CompiledMeasure | undefined {
  if (opts.previousRules !== undefined) {
    return orThrow(loadPack(opts.previousRules, { valueSets: opts.valuesets })).measures.get(
      measure.id,
    );
  }
  const dir = opts.rules === undefined ? shippedPackDir(measure.year - 1) : undefined;
  if (dir === undefined || !existsSync(dir)) return undefined;
  const loaded = loadPack(dir);
  return loaded.ok ? loaded.value.measures.get(measure.id) : undefined;
}
