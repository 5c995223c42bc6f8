import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import type { Command } from 'commander';
import { openImplementation } from '../adapters/openImplementation.ts';
import { ImplementationError } from '../adapters/implementation.ts';
import type { Implementation } from '../adapters/implementation.ts';
import { readAcceptList } from '../harness/acceptList.ts';
import { runCheck } from '../harness/check.ts';
import type { CheckResult, Finding } from '../harness/check.ts';
import { yearNeighbour } from '../harness/neighbours.ts';
import type { NeighbourTargets } from '../harness/neighbours.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { MeasurecheckError, orThrow } from '../model/problem.ts';
import { ConsoleReporter } from '../report/consoleReporter.ts';
import { JsonReporter } from '../report/jsonReporter.ts';
import { JUnitReporter } from '../report/junitReporter.ts';
import { prepareReportFiles } from '../report/reportFile.ts';
import type { Reporter } from '../report/reporter.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';
import { selectMeasure } from '../rulepack/selectPack.ts';
import { checkBundleFolder, writeBundles } from './exportCommand.ts';
import { implInputOption, integer, linesToAsk, parseYear, positiveInt } from './options.ts';

/** Cases per product line unless --runs says otherwise: one measure runs in seconds in CI. */
export const DEFAULT_RUNS = 3000;
/** Per-case timeouts without any progress (on top of the start-up allowance) before a run is stuck. */
const IDLE_TIMEOUTS = 6;

interface CheckCliOptions {
  impl?: string;
  measure: string;
  year?: number;
  productLine: ProductLine | 'all';
  rules?: string;
  valuesets?: string[];
  runs: number;
  seed?: number;
  path?: string;
  generator: 'rule-aware' | 'uniform';
  json?: string;
  junit?: string;
  timeout: number;
  startupTimeout: number;
  maxTime?: number;
  maxFindings: number;
  /** A year, false for --no-against-year, undefined for the default (the previous year). */
  againstYear?: number | false;
  againstProductLine?: ProductLine;
  coverage?: boolean;
  implInput: 'record' | 'fhir';
  fhirOut?: string;
  accept?: string;
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
    .option(
      '--year <year>',
      'measurement year (default: the latest released shipped pack)',
      parseYear,
    )
    .addOption(
      new Option('--product-line <line>', 'product line to check, or all')
        .choices([...PRODUCT_LINES, 'all'])
        .default('all'),
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped rules/hedis/<year>)')
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
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
    .option(
      '--fhir-out <dir>',
      "write each finding's minimal member as a FHIR R4 Bundle into this folder (the JSON report gives each finding's file)",
    )
    .option('--junit <file>', 'also write JUnit XML')
    .option('--timeout <ms>', 'per-case timeout for the implementation', positiveInt, 10_000)
    .addOption(implInputOption())
    .option(
      '--startup-timeout <ms>',
      'how long the implementation may take to start (load a module, or give its first answer), on top of --timeout',
      positiveInt,
      30_000,
    )
    .option(
      '--max-time <ms>',
      'overall budget: stop with what was found when it runs out (exit 3 if no verdict was reached)',
      positiveInt,
    )
    .option(
      '--max-findings <n>',
      'distinct findings shrunk and reported per product line',
      positiveInt,
      5,
    )
    .option('--coverage', 'also print, per product line, the clause outcomes never exercised')
    .option(
      '--accept <file>',
      'a reviewed YAML list of accepted differences (measure, population, clause, direction, reason, link): a finding it matches does not fail the run; an entry that matches nothing fails it as stale',
    )
    .option(
      '--against-year <year>',
      "aim a third of the cases at members whose outcome differs under that year's rules, and say when a discrepancy matches them (default: the previous year when its pack is shipped)",
      parseYear,
    )
    .option('--no-against-year', 'no targeting of a neighbouring year')
    .addOption(
      new Option(
        '--against-product-line <line>',
        "aim a third of the cases at members whose outcome differs under that product line's rules",
      ).choices([...PRODUCT_LINES]),
    )
    .action(async (opts: CheckCliOptions) => {
      setExit(await check(opts));
    });
}

async function check(opts: CheckCliOptions): Promise<number> {
  orThrow(prepareReportFiles({ json: opts.json, junit: opts.junit }));
  if (opts.fhirOut !== undefined) checkBundleFolder(opts.fhirOut);
  const { pack, measure } = orThrow(selectMeasure(opts));
  const productLines = linesToAsk(measure, opts.productLine);
  if (opts.againstProductLine !== undefined)
    linesToAsk(measure, opts.againstProductLine, '--against-product-line');
  if (opts.path !== undefined && !/^\d+(?::\d+)*$/.test(opts.path)) {
    throw new MeasurecheckError([
      {
        code: 'usage/bad-path',
        message: `--path ${opts.path} is not a replay path`,
        hint: 'a path is numbers separated by colons, e.g. 17:3:0, as printed in the replay line of a finding',
      },
    ]);
  }
  if (opts.path !== undefined && (opts.seed === undefined || productLines.length !== 1)) {
    throw new MeasurecheckError([
      {
        code: 'usage/path-needs-seed',
        message: '--path replays one case and needs --seed and a single --product-line',
        hint: 'copy the whole replay line printed with the finding',
      },
    ]);
  }
  const neighbours = neighbourTargets(opts, pack, measure.id, measure.year);
  const accept = opts.accept !== undefined ? orThrow(readAcceptList(opts.accept, [pack])) : [];
  const implSpec = opts.impl ?? defaultImplementation(measure.id);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  let implementation: Implementation;
  try {
    implementation = await openImplementation(implSpec, {
      timeoutMs: opts.timeout,
      startupTimeoutMs: opts.startupTimeout,
      input: opts.implInput,
    });
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
      opts.implInput !== 'record' ? `--impl-input ${opts.implInput}` : '',
      `--measure ${measure.id}`,
      `--year ${measure.year}`,
      opts.rules !== undefined ? `--rules ${quote(opts.rules)}` : '',
      f.productLine !== undefined ? `--product-line ${f.productLine}` : '',
      opts.generator !== 'rule-aware' ? `--generator ${opts.generator}` : '',
      typeof opts.againstYear === 'number' ? `--against-year ${opts.againstYear}` : '',
      opts.againstYear === false ? '--no-against-year' : '',
      opts.accept !== undefined ? `--accept ${quote(opts.accept)}` : '',
      opts.againstProductLine !== undefined
        ? `--against-product-line ${opts.againstProductLine}`
        : '',
      `--seed ${f.seed}`,
      `--path ${quote(f.path)}`,
    ]
      .filter(Boolean)
      .join(' ');
  const reporters: Reporter[] = [
    new ConsoleReporter({
      write: (s) => process.stdout.write(s),
      replayCommand,
      coverage: opts.coverage === true,
    }),
  ];
  if (opts.json !== undefined) reporters.push(new JsonReporter(opts.json));
  if (opts.junit !== undefined) reporters.push(new JUnitReporter(opts.junit, replayCommand));
  for (const r of reporters) {
    r.onRunStart?.({
      measure: measure.id,
      year: measure.year,
      pack: { id: pack.id, version: pack.version },
      implementation: implementation.label,
      productLines: productLines.filter((l) => l !== undefined),
      runs: opts.runs,
      seed,
      generator: opts.generator,
      ...(opts.path !== undefined ? { replayPath: opts.path } : {}),
    });
  }
  // Ctrl-C stops the run; the reports get what was done, marked interrupted. A second one kills.
  const interrupt = new AbortController();
  const onSignal = (): void => {
    interrupt.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
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
      neighbours,
      accept,
      ...(opts.path !== undefined ? { path: opts.path } : {}),
      signal: interrupt.signal,
      ...(opts.maxTime !== undefined ? { maxTimeMs: opts.maxTime } : {}),
      // No answer and no work for this long: the implementation (or its adapter) is stuck.
      idleTimeoutMs: opts.startupTimeout + IDLE_TIMEOUTS * opts.timeout,
      onProductLine: (r) => {
        for (const rep of reporters) rep.onProductLineEnd?.(r);
      },
    });
    const reported = opts.fhirOut !== undefined ? withBundles(result, opts.fhirOut) : result;
    for (const r of reporters) await r.onRunEnd(reported);
    const bundles = reported.productLines.flatMap((r) => r.findings).length;
    if (opts.fhirOut !== undefined && bundles > 0) {
      process.stdout.write(
        `FHIR Bundles of the findings' minimal members (one per finding): ${opts.fhirOut}\n`,
      );
    }
    return result.stopped?.reason === 'interrupted' ? 130 : result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await implementation.close();
  }
}

/** Writes each finding's member as a Bundle into `folder`; the findings name their file. */
function withBundles(result: CheckResult, folder: string): CheckResult {
  const findings = result.productLines.flatMap((r) => r.findings);
  if (findings.length === 0) return result;
  const names = findings.map(
    (f, i) =>
      `finding-${String(i + 1)}-${result.measure}${f.productLine ? `-${f.productLine}` : ''}`,
  );
  const paths = writeBundles(
    folder,
    findings.map((f) => f.member),
    names,
  );
  const byFinding = new Map(findings.map((f, i) => [f, paths[i]]));
  return {
    ...result,
    productLines: result.productLines.map((r) => ({
      ...r,
      findings: r.findings.map((f) => {
        const fhirBundle = byFinding.get(f);
        return fhirBundle !== undefined ? { ...f, fhirBundle } : f;
      }),
    })),
  };
}

/**
 * The neighbours to aim at: --against-year (default: the previous year, when its pack is shipped
 * and has the measure; an explicit year must exist) and --against-product-line.
 */
function neighbourTargets(
  opts: CheckCliOptions,
  pack: CompiledPack,
  measureId: string,
  year: number,
): NeighbourTargets {
  const against =
    typeof opts.againstYear === 'number'
      ? opts.againstYear
      : opts.againstYear === undefined
        ? year - 1
        : undefined;
  const other = against !== undefined ? yearNeighbour(pack, measureId, against) : undefined;
  if (typeof opts.againstYear === 'number') {
    if (!other) {
      throw new MeasurecheckError([
        {
          code: 'usage/no-neighbour-year',
          message: `--against-year ${opts.againstYear}: no shipped rule pack for ${opts.againstYear} with ${measureId}`,
          hint: 'pass a shipped year, or --no-against-year',
        },
      ]);
    }
  }
  // `equal`: the measure's rules did not change between the years (pack diff), so there is
  // nothing to aim at and no answer the other year could explain.
  return {
    ...(other !== undefined && other !== 'equal'
      ? { year: other.measure, yearChangedClauses: other.changedClauses }
      : {}),
    ...(opts.againstProductLine !== undefined ? { productLine: opts.againstProductLine } : {}),
  };
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
