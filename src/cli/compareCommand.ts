import { Option } from 'commander';
import type { Command } from 'commander';
import { openDeck, readResults } from '../adapters/deck/index.ts';
import { ImplementationError } from '../adapters/implementation.ts';
import type { Implementation } from '../adapters/implementation.ts';
import { openImplementation } from '../adapters/openImplementation.ts';
import { compareDeck, implementationDidNotStart, SkipList } from '../harness/compareDeck/index.ts';
import type { AnswerSource, CompareResult } from '../harness/compareDeck/index.ts';
import { defaultWorkers, startReferencePool } from '../harness/referencePool.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { MeasurecheckError, orThrow } from '../model/problem.ts';
import type { Problem } from '../model/problem.ts';
import type { Request } from '../model/request.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';
import { selectPacks } from '../rulepack/selectPack.ts';
import { formatCompareJUnit } from '../report/compareJUnit.ts';
import { formatCompareMarkdown } from '../report/compareMarkdown.ts';
import { formatCompareText } from '../report/compareText.ts';
import { ReferenceImplementation } from '../harness/referenceImplementation.ts';
import { prepareReportFiles, writeReportFile } from '../report/reportFile.ts';
import { readAcceptList } from '../harness/acceptList.ts';
import { implInputOption, integer, linesToAsk, parseYear, positiveInt } from './options.ts';

interface CompareCliOptions {
  fixtures: string;
  impl?: string;
  results?: string;
  reference?: boolean;
  measure?: string;
  year?: number;
  productLine: ProductLine | 'all';
  rules?: string;
  valuesets?: string[];
  json?: string;
  junit?: string;
  markdown?: string;
  keepGoing?: boolean;
  strict?: boolean;
  maxExamples: number;
  workers?: number;
  timeout: number;
  implInput: 'record' | 'fhir';
  progress?: boolean;
  accept?: string;
}

export function registerCompareCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('compare')
    .description(
      "compare an implementation, or its results file, against a fixture deck's expected results (or the reference's, when the deck has none), member by member",
    )
    .requiredOption(
      '--fixtures <deck>',
      'the fixture deck: a folder of CSV tables (members.csv, ...) or of members.jsonl, or a .jsonl file (docs/fixtures.md)',
    )
    .option(
      '--impl <module-or-command>',
      'the implementation: an ES module exporting evaluate(request, member), or a command speaking the JSON Lines protocol',
    )
    .option(
      '--reference',
      "compare the rule pack's own results (the reference engine) with the deck's expected results: does the pack reproduce a deck written elsewhere (e.g. one imported with import fhir)",
    )
    .option(
      '--results <file>',
      "the implementation's results file instead: CSV (the columns of expected.csv) or JSON Lines of outcomes",
    )
    .option(
      '--measure <id>',
      'compare only this measure (needed when the deck has no expected results)',
    )
    .option('--year <year>', 'compare only this measurement year', parseYear)
    .addOption(
      new Option('--product-line <line>', 'compare only this product line, or all')
        .choices([...PRODUCT_LINES, 'all'])
        .default('all'),
    )
    .option(
      '--rules <dir>',
      'rule pack folder (default: every released shipped rules/hedis/<year>)',
    )
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--json <file>', 'also write the full result as JSON')
    .option('--junit <file>', 'also write JUnit XML')
    .option(
      '--markdown <file>',
      'also write a Markdown summary (for a pull request or a CI job summary)',
    )
    .option(
      '--keep-going',
      'skip bad input rows (counted and listed) instead of stopping at the first',
    )
    .option('--strict', 'unknown columns or member fields are errors')
    .option(
      '--accept <file>',
      'a reviewed YAML list of accepted differences (docs/contract.md): discrepancies it matches do not fail the compare; an entry that matches nothing fails it as stale',
    )
    .option(
      '--max-examples <n>',
      'discrepant members explained per measure, year and product line',
      positiveInt,
      20,
    )
    .option(
      '--workers <n>',
      `reference worker threads (default: cores minus one, ${String(defaultWorkers())} here; 0 = none)`,
      integer,
    )
    .option('--timeout <ms>', 'per-case timeout for the implementation', positiveInt, 10_000)
    .addOption(implInputOption())
    .option('--no-progress', 'no progress lines on stderr')
    .action(async (opts: CompareCliOptions) => {
      setExit(await compare(opts));
    });
}

async function compare(opts: CompareCliOptions): Promise<number> {
  const given = [opts.impl, opts.results, opts.reference].filter((o) => o !== undefined).length;
  if (given !== 1) {
    throw new MeasurecheckError([
      {
        code: 'usage/impl-or-results',
        message:
          given === 0
            ? 'compare needs an implementation, its results, or --reference'
            : 'pass only one of --impl, --results and --reference',
        hint: 'e.g. --impl "python3 my_measure.py", --results out/results.csv, or --reference to check the rule pack itself against the deck',
      },
    ]);
  }
  orThrow(prepareReportFiles({ json: opts.json, junit: opts.junit, markdown: opts.markdown }));
  const packs = orThrow(selectPacks(opts));
  const accept = opts.accept !== undefined ? orThrow(readAcceptList(opts.accept, packs)) : [];
  // Rows the readers skip with --keep-going are listed in the report with compare's own skips.
  const skips = new SkipList();
  const onSkip = (p: Problem) => {
    skips.add(p);
  };
  const deck = openDeck(opts.fixtures, {
    ...(opts.keepGoing === true ? { keepGoing: true, onSkip } : {}),
    ...(opts.strict === true ? { strict: true } : {}),
  });
  const productLines = opts.productLine === 'all' ? undefined : [opts.productLine];
  if (productLines !== undefined && opts.measure !== undefined) {
    // --product-line for a measure without product lines is a usage error.
    for (const pack of packs) {
      const measure = pack.measures.get(opts.measure);
      if (measure && (opts.year === undefined || pack.year === opts.year))
        linesToAsk(measure, opts.productLine);
    }
  }
  const requestsWithoutExpected =
    deck.expectedFile === undefined ? defaultRequests(opts, packs, productLines) : [];
  const progress = opts.progress !== false && process.stderr.isTTY;

  let implementation: Implementation | undefined;
  let answers: AnswerSource;
  if (opts.reference === true) {
    implementation = new ReferenceImplementation(packs);
    answers = { kind: 'implementation', implementation };
  } else if (opts.impl !== undefined) {
    try {
      implementation = await openImplementation(opts.impl, {
        timeoutMs: opts.timeout,
        input: opts.implInput,
      });
    } catch (e) {
      if (!(e instanceof ImplementationError)) throw e;
      // Reports are written even so: a CI job's JUnit view says why the run failed.
      report(opts, implementationDidNotStart(deck, packs, opts.impl, e));
      return 3;
    }
    answers = { kind: 'implementation', implementation };
  } else {
    const file = opts.results ?? '';
    answers = {
      kind: 'results',
      file,
      rows: readResults(file, opts.keepGoing === true ? { keepGoing: true, onSkip } : {}),
    };
  }

  const pool = await startReferencePool(packs, {
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  });
  // Ctrl-C stops the compare; the reports get the members compared so far, marked interrupted.
  const interrupt = new AbortController();
  const onSignal = (): void => {
    interrupt.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: CompareResult;
  try {
    result = await compareDeck({
      signal: interrupt.signal,
      deck,
      packs,
      accept,
      answers,
      pool,
      selection: {
        ...(opts.measure !== undefined ? { measures: [opts.measure] } : {}),
        ...(opts.year !== undefined ? { years: [opts.year] } : {}),
        ...(productLines ? { productLines } : {}),
      },
      requestsWithoutExpected,
      skips,
      maxExamples: opts.maxExamples,
      ...(opts.keepGoing === true ? { keepGoing: true } : {}),
      ...(progress
        ? {
            onProgress: (members: number) => {
              process.stderr.write(`\r${members.toLocaleString('en-US')} members read`);
            },
          }
        : {}),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (progress) process.stderr.write('\n');
    await pool.close();
    await implementation?.close();
  }
  if (result.groups.length === 0 && result.exitCode === 0 && result.interrupted !== true) {
    // A filter that matches nothing must not pass a build.
    report(opts, { ...result, exitCode: 2 });
    throw new MeasurecheckError([
      {
        code: 'usage/nothing-compared',
        message: `nothing to compare: the deck ${opts.fixtures} has no ${deck.expectedFile === undefined ? 'members' : 'expected rows'} for the selected measure, year and product line`,
        hint: 'check --measure, --year and --product-line against the deck (its expected.csv lists what it holds)',
      },
    ]);
  }
  report(opts, result);
  return result.exitCode;
}

/** The console report, and the report files asked for. */
function report(opts: CompareCliOptions, result: CompareResult): void {
  process.stdout.write(formatCompareText(result));
  write(opts.json, `${JSON.stringify(result, null, 2)}\n`);
  write(opts.junit, formatCompareJUnit(result));
  write(opts.markdown, formatCompareMarkdown(result));
}

function write(file: string | undefined, text: string): void {
  if (file !== undefined) orThrow(writeReportFile(file, text));
}

/** Without expected results, each member is compared for --measure, --year and the product lines. */
function defaultRequests(
  opts: CompareCliOptions,
  packs: readonly CompiledPack[],
  productLines: readonly ProductLine[] | undefined,
): Request[] {
  if (opts.measure === undefined) {
    throw new MeasurecheckError([
      {
        code: 'usage/deck-needs-measure',
        message: `the deck ${opts.fixtures} has no expected results (expected.csv or expected.jsonl), so compare needs --measure`,
        hint: 'pass --measure (and --year, default the latest pack) to compare against the reference',
      },
    ]);
  }
  const year = opts.year ?? Math.max(...packs.map((p) => p.year));
  const measure = packs.find((p) => p.year === year)?.measures.get(opts.measure);
  if (!measure) {
    throw new MeasurecheckError([
      {
        code: 'usage/unknown-measure',
        message: `measure ${opts.measure} is not in the ${String(year)} rule pack`,
        hint: 'pass --year or --rules for a pack that has it',
      },
    ]);
  }
  return linesToAsk(measure, productLines?.[0] ?? 'all').map((productLine) => ({
    measure: measure.id,
    year,
    ...(productLine !== undefined ? { productLine } : {}),
  }));
}
