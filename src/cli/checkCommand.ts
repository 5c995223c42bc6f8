import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { openImplementation } from '../adapters/openImplementation.ts';
import { ImplementationError } from '../adapters/implementation.ts';
import type { Implementation } from '../adapters/implementation.ts';
import { runCheck } from '../harness/check.ts';
import type { Finding } from '../harness/check.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { MeasurecheckError } from '../model/problem.ts';
import { ConsoleReporter } from '../report/consoleReporter.ts';
import { JsonReporter } from '../report/jsonReporter.ts';
import { JUnitReporter } from '../report/junitReporter.ts';
import type { Reporter } from '../report/reporter.ts';
import { loadMeasure } from './loadMeasure.ts';
import { parseYear } from './main.ts';

/** Cases per product line unless --runs says otherwise: one measure runs in seconds in CI. */
export const DEFAULT_RUNS = 3000;

interface CheckCliOptions {
  impl?: string;
  measure: string;
  year?: number;
  productLine: ProductLine | 'all';
  rules?: string;
  runs: number;
  seed?: number;
  path?: string;
  generator: 'rule-aware' | 'uniform';
  json?: string;
  junit?: string;
  timeout: number;
  maxFindings: number;
}

const SAMPLE_IMPLEMENTATIONS = fileURLToPath(
  new URL('../../fixtures/implementations/', import.meta.url),
);

export function registerCheckCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('check')
    .description(
      'replay an implementation against the reference on generated members aimed at the rule pack boundaries',
    )
    .option(
      '--impl <module-or-command>',
      'the implementation: an ES module (.js, .mjs, .ts) exporting evaluate(request, member), or a command speaking the JSON Lines protocol, e.g. "python3 impl.py" (default: the shipped sample implementation of the measure)',
    )
    .option('--measure <id>', 'measure id', 'COL-E')
    .option('--year <year>', 'measurement year (default: the latest shipped pack)', parseYear)
    .addOption(
      new Option('--product-line <line>', 'product line to check, or all')
        .choices([...PRODUCT_LINES, 'all'])
        .default('all'),
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped rules/hedis/<year>)')
    .option('--runs <n>', 'generated cases per product line', positiveInt, DEFAULT_RUNS)
    .option('--seed <n>', 'seed (printed with every run; default: random)', integer)
    .option(
      '--path <path>',
      'replay one case: the path printed with a finding (needs --seed and one --product-line)',
    )
    .addOption(
      new Option('--generator <mode>', 'member generator')
        .choices(['rule-aware', 'uniform'])
        .default('rule-aware'),
    )
    .option('--json <file>', 'also write the full result as JSON')
    .option('--junit <file>', 'also write JUnit XML')
    .option('--timeout <ms>', 'per-case timeout for the implementation', positiveInt, 10_000)
    .option(
      '--max-findings <n>',
      'distinct findings shrunk and reported per product line',
      positiveInt,
      5,
    )
    .action(async (opts: CheckCliOptions) => {
      setExit(await check(opts));
    });
}

async function check(opts: CheckCliOptions): Promise<number> {
  const { pack, measure } = loadMeasure(opts);
  const productLines = opts.productLine === 'all' ? measure.productLines : [opts.productLine];
  if (opts.path !== undefined && (opts.seed === undefined || productLines.length !== 1)) {
    throw new MeasurecheckError([
      {
        code: 'usage/path-needs-seed',
        message: '--path replays one case and needs --seed and a single --product-line',
        hint: 'copy the whole replay line printed with the finding',
      },
    ]);
  }
  const implSpec = opts.impl ?? defaultImplementation(measure.id);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  let implementation: Implementation;
  try {
    implementation = await openImplementation(implSpec, { timeoutMs: opts.timeout });
  } catch (e) {
    if (e instanceof ImplementationError) {
      process.stderr.write(
        `measurecheck: cannot run the implementation ${implSpec}: ${e.message}\n`,
      );
      if (e.stderr) process.stderr.write(`stderr:\n${e.stderr}\n`);
      return 3;
    }
    throw e;
  }
  const replayCommand = (f: Finding) =>
    [
      'npx measurecheck check',
      `--impl ${quote(implSpec)}`,
      `--measure ${measure.id}`,
      `--year ${measure.year}`,
      opts.rules !== undefined ? `--rules ${quote(opts.rules)}` : '',
      `--product-line ${f.productLine}`,
      opts.generator !== 'rule-aware' ? `--generator ${opts.generator}` : '',
      `--seed ${f.seed}`,
      `--path ${quote(f.path)}`,
    ]
      .filter(Boolean)
      .join(' ');
  const reporters: Reporter[] = [
    new ConsoleReporter({ write: (s) => process.stdout.write(s), replayCommand }),
  ];
  if (opts.json !== undefined) reporters.push(new JsonReporter(opts.json));
  if (opts.junit !== undefined) reporters.push(new JUnitReporter(opts.junit, replayCommand));
  for (const r of reporters) {
    r.onRunStart?.({
      measure: measure.id,
      year: measure.year,
      pack: { id: pack.id, version: pack.version },
      implementation: implementation.label,
      productLines,
      runs: opts.runs,
      seed,
      generator: opts.generator,
      ...(opts.path !== undefined ? { replayPath: opts.path } : {}),
    });
  }
  try {
    const result = await runCheck({
      pack,
      measure,
      productLines,
      implementation,
      runs: opts.runs,
      seed,
      generator: opts.generator,
      maxFindings: opts.maxFindings,
      ...(opts.path !== undefined ? { path: opts.path } : {}),
      onProductLine: (r) => {
        for (const rep of reporters) rep.onProductLineEnd?.(r);
      },
    });
    for (const r of reporters) await r.onRunEnd(result);
    return result.exitCode;
  } finally {
    await implementation.close();
  }
}

function defaultImplementation(measureId: string): string {
  const path = `${SAMPLE_IMPLEMENTATIONS}${measureId.toLowerCase()}-correct.ts`;
  if (!existsSync(path)) {
    throw new MeasurecheckError([
      {
        code: 'usage/no-impl',
        message: `no --impl given and no shipped sample implementation for ${measureId}`,
        hint: 'pass --impl path/to/module.ts or --impl "command args"',
      },
    ]);
  }
  process.stderr.write(`no --impl given: checking the shipped sample implementation ${path}\n`);
  return path;
}

function quote(s: string): string {
  return /^[\w./:@=-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}
