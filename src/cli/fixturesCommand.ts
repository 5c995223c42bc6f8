import { existsSync, readdirSync, statSync } from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { createDeckWriter } from '../adapters/deck/index.ts';
import { generateDeck } from '../harness/generateDeck.ts';
import type { GenerateDeckResult } from '../harness/generateDeck.ts';
import { startReferencePool } from '../harness/referencePool.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { MeasurecheckError, orThrow } from '../model/problem.ts';
import { formatGenerateSummary } from '../report/generateText.ts';
import { selectMeasure } from '../rulepack/selectPack.ts';
import { integer, linesToAsk, parseYear, positiveInt } from './options.ts';

interface GenerateCliOptions {
  measure: string;
  year?: number;
  productLine: ProductLine | 'all';
  rules?: string;
  valuesets?: string[];
  members: number;
  out: string;
  format: 'csv' | 'jsonl';
  seed: number;
  workers?: number;
  force?: boolean;
  progress?: boolean;
}

export function registerFixturesCommands(program: Command, setExit: (code: number) => void): void {
  const fixtures = program
    .command('fixtures')
    .description('fixture decks: members with expected results');
  fixtures
    .command('generate')
    .description(
      'write a fixture deck of boundary-dense members (rule-aware generator) with the expected results the reference computes',
    )
    .requiredOption('--measure <id>', 'measure id, e.g. COL-E')
    .option(
      '--year <year>',
      'measurement year (default: the latest released shipped pack)',
      parseYear,
    )
    .addOption(
      new Option('--product-line <line>', 'product line of the expected results, or all')
        .choices([...PRODUCT_LINES, 'all'])
        .default('all'),
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped rules/hedis/<year>)')
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--members <n>', 'members in the deck', positiveInt, 5000)
    .requiredOption('--out <dir>', 'the deck folder to write')
    .addOption(
      new Option('--format <format>', 'csv tables or a JSON Lines deck')
        .choices(['csv', 'jsonl'])
        .default('csv'),
    )
    .option('--seed <n>', 'seed; the same seed writes the same deck', integer, 1)
    .option(
      '--workers <n>',
      'reference worker threads (default: cores minus one, at least 1; 0 = none)',
      integer,
    )
    .option('--force', 'overwrite a folder that already holds files')
    .option('--no-progress', 'no progress lines on stderr')
    .action(async (opts: GenerateCliOptions) => {
      setExit(await generate(opts));
    });
}

async function generate(opts: GenerateCliOptions): Promise<number> {
  const { pack, measure } = orThrow(selectMeasure(opts));
  const productLines = linesToAsk(measure, opts.productLine);
  const first = productLines[0];
  if (first !== undefined && !measure.productLines.includes(first)) {
    throw new MeasurecheckError([
      {
        code: 'usage/product-line',
        message: `${measure.id} is not reported for ${opts.productLine} in ${pack.id}`,
        hint: `${measure.id} is reported for ${measure.productLines.join(', ')}`,
      },
    ]);
  }
  if (existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
    throw new MeasurecheckError([
      {
        code: 'usage/out-not-a-folder',
        message: `--out ${opts.out} is a file, not a folder`,
        hint: 'pass the folder the deck should be written to',
      },
    ]);
  }
  if (existsSync(opts.out) && readdirSync(opts.out).length > 0 && opts.force !== true) {
    throw new MeasurecheckError([
      {
        code: 'usage/out-not-empty',
        message: `${opts.out} already holds files`,
        hint: 'pass another --out, or --force to overwrite the deck there',
      },
    ]);
  }
  const progress = opts.progress !== false && process.stderr.isTTY;
  // The deck is written beside --out and replaces the old one only when complete (with --force,
  // the deck files of both formats), so an interrupted run leaves the old deck as it was.
  // The handlers come first: a signal between creating the staging folder and listening for it
  // would kill the process with the folder left behind.
  const started: { writer?: { abort(): void } } = {};
  const interrupted = () => {
    started.writer?.abort();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const writer = createDeckWriter(opts.out, opts.format);
  started.writer = writer;
  const pool = await startReferencePool([pack], {
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  });
  let result: GenerateDeckResult;
  let complete = false;
  try {
    result = await generateDeck({
      measure,
      productLines,
      members: opts.members,
      seed: opts.seed,
      writer,
      pool,
      ...(progress
        ? {
            onProgress: (n: number) => {
              process.stderr.write(`\r${n.toLocaleString('en-US')} members written`);
            },
          }
        : {}),
    });
    complete = true;
  } finally {
    if (progress) process.stderr.write('\n');
    await pool.close();
    if (complete) await writer.close();
    else writer.abort();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  process.stdout.write(formatGenerateSummary(result, opts.out, pack.id, pack.version));
  return 0;
}
