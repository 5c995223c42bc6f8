import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { openDeck } from '../adapters/deck/index.ts';
import { deckCoverage } from '../harness/clauseCoverage.ts';
import { formatCoverage, formatMissingOutcome } from '../report/clauseCoverageText.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { Member, ProductLine } from '../model/member.ts';
import { readMemberDeck } from '../model/readMemberDeck.ts';
import { orThrow } from '../model/problem.ts';
import { selectMeasure } from '../rulepack/selectPack.ts';
import { linesToAsk, parseYear } from './options.ts';

interface CoverageCliOptions {
  members: string;
  measure: string;
  year?: number;
  productLine: ProductLine | 'all';
  rules?: string;
  valuesets?: string[];
  json?: boolean;
}

export function registerCoverageCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('coverage')
    .description(
      'evaluate a deck of members with the reference and list the clause outcomes (true, false) it never exercises; exit 0 full coverage, 1 outcomes missing',
    )
    .requiredOption(
      '--members <path>',
      'a fixture deck folder (members.csv or members.jsonl, docs/fixtures.md), a JSON Lines file (one member record per line) or a folder of member .json files',
    )
    .requiredOption('--measure <id>', 'measure id, e.g. COL-E')
    .option(
      '--year <year>',
      'measurement year (default: the latest released shipped pack)',
      parseYear,
    )
    .addOption(
      new Option('--product-line <line>', 'product line, or all')
        .choices([...PRODUCT_LINES, 'all'])
        .default('all'),
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped rules/hedis/<year>)')
    .option(
      '--valuesets <file>',
      'FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID (repeatable: one bundle per measure, say)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--json', 'print the coverage as JSON')
    .action(async (opts: CoverageCliOptions) => {
      const { measure } = orThrow(selectMeasure(opts));
      const members = isFixtureDeck(opts.members)
        ? await readFixtureDeck(opts.members)
        : orThrow(readMemberDeck(opts.members));
      const productLines = linesToAsk(measure, opts.productLine);
      const coverage = deckCoverage(measure, members, productLines);
      const missing = coverage.flatMap((c) => c.missing);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              format: 'measurecheck-coverage/1',
              measure: measure.id,
              year: measure.year,
              members: members.length,
              productLines: coverage,
              missing: missing.map(formatMissingOutcome),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(
          `measurecheck coverage: ${measure.id} ${measure.year}, ${members.length} member(s) from ${opts.members}\n` +
            formatCoverage(coverage)
              .map((l) => `${l}\n`)
              .join(''),
        );
      }
      setExit(missing.length > 0 ? 1 : 0);
    });
}

/** A folder holding a fixture deck (docs/fixtures.md) rather than member .json files. */
function isFixtureDeck(path: string): boolean {
  return (
    statSync(path, { throwIfNoEntry: false })?.isDirectory() === true &&
    (existsSync(join(path, 'members.csv')) || existsSync(join(path, 'members.jsonl')))
  );
}

/** The members of a fixture deck (CSV tables or JSON Lines); bad rows stop with file and line. */
async function readFixtureDeck(path: string): Promise<Member[]> {
  const members: Member[] = [];
  for await (const dm of openDeck(path).members()) members.push(dm.member);
  return members;
}
