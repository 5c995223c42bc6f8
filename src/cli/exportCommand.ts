import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exportFhir } from '../adapters/fhir/index.ts';
import { readMemberFile } from '../model/memberFile.ts';
import type { Member } from '../model/member.ts';
import { MeasurecheckError, orThrow } from '../model/problem.ts';
import { readMemberDeck } from '../model/readMemberDeck.ts';
import { writeReportFile } from '../report/reportFile.ts';

interface ExportFhirCliOptions {
  member: string;
  out?: string;
}

export function registerExportCommands(program: Command, setExit: (code: number) => void): void {
  const exportCommand = program
    .command('export')
    .description('write member records in other formats');
  exportCommand
    .command('fhir')
    .description(
      'write member records as FHIR R4 collection Bundles, the inverse of import fhir (docs/fhir.md#export)',
    )
    .requiredOption(
      '--member <file>',
      'a member record (.json), or a deck: a JSON Lines file (.jsonl) or a folder of member .json files',
    )
    .option(
      '--out <path>',
      'for a member record, the Bundle file (default: stdout); for a deck, the folder to write one Bundle file per member into (required)',
    )
    .action((opts: ExportFhirCliOptions) => {
      setExit(exportFhirCommand(opts));
    });
}

function exportFhirCommand(opts: ExportFhirCliOptions): number {
  const isDeck =
    opts.member.endsWith('.jsonl') ||
    (statSync(opts.member, { throwIfNoEntry: false })?.isDirectory() ?? false);
  if (!isDeck) {
    const member = orThrow(readMemberFile(opts.member));
    const text = bundleText(member);
    if (opts.out === undefined) process.stdout.write(text);
    else {
      orThrow(writeReportFile(opts.out, text));
      process.stdout.write(`wrote the FHIR Bundle of member ${member.id} to ${opts.out}\n`);
    }
    return 0;
  }
  const members = orThrow(readMemberDeck(opts.member));
  if (opts.out === undefined) {
    throw new MeasurecheckError([
      {
        code: 'usage/out-not-a-folder',
        message: `${opts.member} is a deck of ${String(members.length)} members: --out must name the folder to write their Bundles into`,
        hint: 'pass --out <folder>',
      },
    ]);
  }
  const files = writeBundles(opts.out, members);
  process.stdout.write(
    `wrote ${String(files.length)} FHIR Bundle(s), one per member, to ${opts.out}\n`,
  );
  return 0;
}

/** A folder to write Bundles into must not be a file (a usage error, before any work). */
export function checkBundleFolder(folder: string): void {
  if (statSync(folder, { throwIfNoEntry: false })?.isFile() === true) {
    throw new MeasurecheckError([
      {
        code: 'usage/out-not-a-folder',
        message: `${folder} is a file, not a folder`,
        hint: 'name a folder (it is created when missing)',
      },
    ]);
  }
}

/** A member's Bundle as the text of a .json file. */
export function bundleText(member: Member): string {
  return `${JSON.stringify(exportFhir(member), null, 2)}\n`;
}

/**
 * Writes one Bundle file per member into `folder` (created when missing), named after the member
 * id (characters outside letters, digits, `.`, `_` and `-` become `_`; a name taken twice gets a
 * number), and returns the paths in the order of the members. `names` gives a file name (without
 * `.json`) per member instead of its id.
 */
export function writeBundles(
  folder: string,
  members: readonly Member[],
  names: readonly string[] = members.map((m) => m.id),
): string[] {
  checkBundleFolder(folder);
  mkdirSync(folder, { recursive: true });
  const taken = new Set<string>();
  return members.map((member, i) => {
    const base = (names[i] ?? member.id).replace(/[^A-Za-z0-9._-]/g, '_');
    let name = base;
    for (let n = 2; taken.has(name); n += 1) name = `${base}-${String(n)}`;
    taken.add(name);
    const path = join(folder, `${name}.json`);
    orThrow(writeReportFile(path, bundleText(member)));
    return path;
  });
}
