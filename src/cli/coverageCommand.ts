import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { openDeck } from '../adapters/deck/index.ts';
import { deckCoverage, formatCoverage, formatMissingOutcome } from '../harness/coverage.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { Member, ProductLine } from '../model/member.ts';
import { parseMemberText, readMemberFile } from '../model/memberFile.ts';
import { MeasurecheckError, orThrow } from '../model/problem.ts';
import type { Problem } from '../model/problem.ts';
import { selectMeasure } from '../rulepack/selectPack.ts';
import { parseYear } from './options.ts';

interface CoverageCliOptions {
  members: string;
  measure: string;
  year?: number;
  productLine: ProductLine | 'all';
  rules?: string;
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
    .option('--json', 'print the coverage as JSON')
    .action(async (opts: CoverageCliOptions) => {
      const { measure } = orThrow(selectMeasure(opts));
      const members = isFixtureDeck(opts.members)
        ? await readFixtureDeck(opts.members)
        : readDeck(opts.members);
      const productLines = opts.productLine === 'all' ? measure.productLines : [opts.productLine];
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

/**
 * Reads a deck: a JSON Lines file (one member record per line, blank lines skipped) or a folder of
 * member `.json` files in name order. Any bad record is a usage error naming its file and line.
 */
export function readDeck(path: string): Member[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    throw new MeasurecheckError([
      {
        code: 'deck/not-found',
        message: `no such file or folder: ${path}`,
        hint: 'pass a JSON Lines file of member records or a folder of member .json files',
      },
    ]);
  }
  const members: Member[] = [];
  const problems: Problem[] = [];
  if (stat.isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const f of files) {
      const read = readMemberFile(join(path, f));
      if (read.ok) members.push(read.value);
      else problems.push(...read.problems);
    }
  } else {
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') return;
      const parsed = parseMemberText(path, text);
      if (parsed.ok) members.push(parsed.value);
      // The record is one line: its problems are on this line of the deck.
      else problems.push(...parsed.problems.map((p) => ({ ...p, file: path, line: i + 1 })));
    });
  }
  if (problems.length > 0) throw new MeasurecheckError(problems);
  if (members.length === 0) {
    throw new MeasurecheckError([
      {
        code: 'deck/empty',
        message: `no member records in ${path}`,
        file: path,
        hint: 'a deck is a JSON Lines file with one member record per line, or a folder of member .json files',
      },
    ]);
  }
  return members;
}
