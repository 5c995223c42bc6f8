import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { createDeckWriter } from '../adapters/deck/index.ts';
import { importFhir } from '../adapters/fhir/index.ts';
import type { FhirImport } from '../adapters/fhir/index.ts';
import { MeasurecheckError } from '../model/problem.ts';
import {
  fhirImportReport,
  formatFhirImportSummary,
  formatFhirProblem,
} from '../report/fhirImportText.ts';
import { loadPackSource } from '../rulepack/load.ts';
import { SHIPPED_RULES_DIR, shippedPackDir, shippedYears } from '../rulepack/shipped.ts';
import { parseYear } from './options.ts';

interface ImportFhirCliOptions {
  out: string;
  keepGoing?: boolean;
  measure?: string;
  year?: number;
  rules?: string[];
  force?: boolean;
  json?: boolean;
}

export function registerImportCommands(program: Command, setExit: (code: number) => void): void {
  const importCommand = program
    .command('import')
    .description('read data from other formats into fixture decks');
  importCommand
    .command('fhir')
    .description(
      'read FHIR R4 resources (files, folders of them, Bundles) into a JSON Lines fixture deck, with expected results from MeasureReports (docs/fhir.md)',
    )
    .argument('<paths...>', 'FHIR .json files (a resource or a Bundle each) or folders of them')
    .requiredOption('--out <dir>', 'the deck folder to write (members.jsonl, expected.jsonl)')
    .option(
      '--keep-going',
      'skip the cases with problems, import the others and list the problems as warnings',
    )
    .option(
      '--measure <id>',
      'measure id of the expected results (default: the measure whose url is MeasureReport.measure)',
    )
    .option(
      '--year <year>',
      'year of the expected results (default: MeasureReport.period.start)',
      parseYear,
    )
    .option(
      '--rules <dir>',
      'a rule pack folder whose measures are looked up by url, besides the shipped packs (repeatable)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--force', 'overwrite a folder that already holds files')
    .option('--json', 'print what was imported, every problem and every note, as JSON')
    .action(async (paths: string[], opts: ImportFhirCliOptions) => {
      setExit(await importFhirCommand(paths, opts));
    });
}

async function importFhirCommand(
  paths: readonly string[],
  opts: ImportFhirCliOptions,
): Promise<number> {
  checkOut(opts.out, opts.force === true);
  const result = importFhir(paths, {
    measure: opts.measure,
    year: opts.year,
    measureForUrl: measureUrlLookup(opts.rules ?? []),
  });
  const keepGoing = opts.keepGoing === true;
  const write = result.cases.length > 0 && (result.problems.length === 0 || keepGoing);
  if (write) await writeDeck(opts.out, result);
  const report = fhirImportReport(result, opts.out, write);
  if (opts.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatFhirImportSummary(report));
  if (result.problems.length > 0) {
    const label = write ? 'warning: ' : '';
    const text = result.problems.map((p) => `${label}${formatFhirProblem(p)}`).join('\n');
    const tail = write
      ? `${problems(result.problems.length)}: ${String(result.skipped.length)} of ${String(result.patients)} cases skipped, the others imported`
      : `${problems(result.problems.length)}; nothing written${keepGoing ? '' : ' (--keep-going imports the cases without problems)'}`;
    process.stderr.write(`${text}\n${tail}\n`);
  }
  if (write) return 0;
  if (result.problems.length === 0) {
    throw new MeasurecheckError([
      {
        code: 'fhir/no-input',
        message: `no patient to import in ${paths.join(', ')}`,
        hint: 'a case needs a Patient resource',
      },
    ]);
  }
  return 2;
}

function checkOut(out: string, force: boolean): void {
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new MeasurecheckError([
      {
        code: 'usage/out-not-a-folder',
        message: `--out ${out} is a file, not a folder`,
        hint: 'pass the folder the deck should be written to',
      },
    ]);
  }
  if (existsSync(out) && readdirSync(out).length > 0 && !force) {
    throw new MeasurecheckError([
      {
        code: 'usage/out-not-empty',
        message: `${out} already holds files`,
        hint: 'pass another --out, or --force to overwrite the deck there',
      },
    ]);
  }
}

/** Writes the deck beside `out` and puts it in place when complete (docs/fixtures.md). */
async function writeDeck(out: string, result: FhirImport): Promise<void> {
  const writer = createDeckWriter(out, 'jsonl');
  const interrupted = () => {
    writer.abort();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    for (const c of result.cases) await writer.write(c.member, c.expected);
    await writer.close();
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

/**
 * The measure id whose `url` is a MeasureReport's `measure`, from the `--rules` packs and every
 * shipped pack (of every family and year). The packs are read on the first lookup only.
 */
function measureUrlLookup(rules: readonly string[]): (url: string) => string | undefined {
  let byUrl: Map<string, string> | undefined;
  return (url) => {
    if (byUrl === undefined) {
      byUrl = new Map();
      const dirs = [...rules];
      const families = existsSync(SHIPPED_RULES_DIR) ? readdirSync(SHIPPED_RULES_DIR).sort() : [];
      for (const family of families) {
        for (const year of shippedYears(family)) dirs.push(shippedPackDir(year, family));
      }
      for (const dir of dirs) {
        // The pack's files as written: measure ids and urls, without compiling the pack (its
        // value sets may be read only at run time).
        const pack = loadPackSource(dir);
        if (!pack.ok) {
          if (rules.includes(dir)) throw new MeasurecheckError(pack.problems);
          continue;
        }
        for (const { file } of pack.value.measures) {
          if (file.url !== undefined && !byUrl.has(file.url)) byUrl.set(file.url, file.id);
        }
      }
    }
    return byUrl.get(url);
  };
}

function problems(count: number): string {
  return `${String(count)} problem${count === 1 ? '' : 's'}`;
}
