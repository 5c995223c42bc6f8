import { basename, extname, join } from 'node:path';
import { MeasurecheckError } from '../../model/problem.ts';
import type { Problem } from '../../model/problem.ts';
import { entryExists, fileProblem, folderProblem } from '../../model/textFile.ts';
import { CSV_UNSUPPORTED, DECK_FILES, DECK_TABLES, PARTIAL_MARKERS } from './columns.ts';
import { csvDeckMembers, csvMemberLines } from './_internals/csvDeck.ts';
import { csvFileProblem } from './_internals/csvUnsupported.ts';
import { jsonlDeckMembers } from './_internals/jsonlDeck.ts';
import { csvOutcomeRows, jsonlOutcomeRows } from './_internals/outcomeRows.ts';
import type { OutcomeRow } from './_internals/outcomeRows.ts';
import type { ExpectedOutcome } from '../../model/outcome.ts';
import type { KeyedRow } from './_internals/memberCursor.ts';
import { createReporter } from './_internals/report.ts';
import type { Deck, DeckMember, DeckReadOptions } from './types.ts';

const DECK_HINT =
  'pass a deck folder holding members.csv (CSV tables) or members.jsonl (JSON Lines), or a .jsonl file of member records; see docs/fixtures.md';

/**
 * Opens a fixture deck for streaming and detects its format: a folder with members.csv is a CSV
 * deck, a folder with members.jsonl a JSON Lines deck, and a `.jsonl` file a JSON Lines deck
 * without expected results. The expected results are expected.csv or expected.jsonl in the folder
 * (either one, for both formats). Nothing is read until `members()` is iterated.
 *
 * Throws a `MeasurecheckError` (exit code 2) when the path does not exist, holds no members file,
 * or holds both formats.
 *
 * @example
 * const deck = openDeck('decks/col-e-2025', { keepGoing: true, onSkip: report });
 * for await (const { member, expected } of deck.members()) {
 *   // ...
 * }
 */
export function openDeck(path: string, options: DeckReadOptions = {}): Deck {
  if (!entryExists(path)) {
    throw usage({ code: 'deck/not-found', message: `fixture deck not found: ${path}`, file: path });
  }
  const strict = options.strict === true;
  const notFolder = folderProblem(path, { hint: DECK_HINT });
  if (notFolder?.code !== 'file/not-a-folder' && notFolder !== undefined) throw usage(notFolder);
  if (notFolder) {
    const ext = extname(path).toLowerCase();
    if (ext !== '.jsonl' && ext !== '.ndjson') {
      throw usage({
        code: 'deck/not-a-deck',
        message: `not a fixture deck: ${path} is a file but not a .jsonl file`,
        file: path,
      });
    }
    checkFile(path);
    return {
      path,
      format: 'jsonl',
      expectedFile: undefined,
      members: () =>
        jsonlDeckMembers({
          file: path,
          membersName: basename(path),
          expected: undefined,
          strict,
          reporter: createReporter(options),
        }),
    };
  }
  refusePartial(path);
  const membersCsv = join(path, DECK_FILES.membersCsv);
  const membersJsonl = join(path, DECK_FILES.membersJsonl);
  const hasCsv = entryExists(membersCsv);
  const hasJsonl = entryExists(membersJsonl);
  if (hasCsv && hasJsonl) {
    throw usage({
      code: 'deck/ambiguous',
      message: `the deck ${path} holds both members.csv and members.jsonl`,
      file: path,
      hint: 'keep one format per deck folder: remove one of the two files (and its expected file)',
    });
  }
  if (!hasCsv && !hasJsonl) {
    throw usage({
      code: 'deck/no-members',
      message: `no members.csv or members.jsonl in ${path}`,
      file: path,
    });
  }
  // Every file the deck has is checked now, before anything is read: a table that is a dangling
  // link or a folder is never read as a table without rows.
  const tables = hasCsv ? Object.values(DECK_TABLES).map((t) => t.file) : [DECK_FILES.membersJsonl];
  for (const table of tables) {
    const file = join(path, table);
    if (entryExists(file)) checkFile(file);
  }
  if (hasCsv) {
    for (const table of CSV_UNSUPPORTED.files) {
      const file = join(path, table);
      if (entryExists(file)) throw usage(csvFileProblem(file));
    }
  }
  const expectedFile = findExpected(path);
  const expectedRows = (reporter: ReturnType<typeof createReporter>) =>
    expectedFile === undefined
      ? undefined
      : expectedFile.endsWith('.csv')
        ? csvOutcomeRows(expectedFile, reporter, strict)
        : jsonlOutcomeRows(expectedFile, reporter, true);
  if (hasCsv) {
    return {
      path,
      format: 'csv',
      expectedFile,
      members: () => csvMembers(path, strict, options, expectedRows),
    };
  }
  return {
    path,
    format: 'jsonl',
    expectedFile,
    members: () => {
      const reporter = createReporter(options);
      return jsonlDeckMembers({
        file: membersJsonl,
        membersName: DECK_FILES.membersJsonl,
        expected: expectedRows(reporter),
        strict,
        reporter,
      });
    },
  };
}

async function* csvMembers(
  dir: string,
  strict: boolean,
  options: DeckReadOptions,
  expectedRows: (
    reporter: ReturnType<typeof createReporter>,
  ) => AsyncIterable<KeyedRow<OutcomeRow<ExpectedOutcome>>> | undefined,
): AsyncGenerator<DeckMember> {
  const reporter = createReporter(options);
  // The first pass reads only member ids; it lets the merge-join tell a row of a later member
  // from a row of a member that does not exist, as soon as the row is read.
  const memberLines = await csvMemberLines(dir, reporter, strict);
  yield* csvDeckMembers({ dir, expected: expectedRows(reporter), strict, reporter, memberLines });
}

function findExpected(dir: string): string | undefined {
  const csv = join(dir, DECK_FILES.expectedCsv);
  const jsonl = join(dir, DECK_FILES.expectedJsonl);
  const hasCsv = entryExists(csv);
  const hasJsonl = entryExists(jsonl);
  if (hasCsv && hasJsonl) {
    throw usage({
      code: 'deck/ambiguous',
      message: `the deck ${dir} holds both expected.csv and expected.jsonl`,
      file: dir,
      hint: 'keep one expected-results file: remove one of the two',
    });
  }
  const file = hasCsv ? csv : hasJsonl ? jsonl : undefined;
  if (file !== undefined) checkFile(file);
  return file;
}

/** Throws the problem that says why `file` cannot be read, if it cannot. */
function checkFile(file: string): void {
  const problem = fileProblem(file, {
    hint: 'every file of a deck must be a readable file: replace the link or folder with the file itself, or remove it',
  });
  if (problem) throw new MeasurecheckError([problem]);
}

/**
 * A deck folder that `fixtures generate` (or any deck writer) did not finish: its marker, or the
 * scratch file of an outcome table, is still there. Read, it would look like a smaller deck.
 */
function refusePartial(dir: string): void {
  for (const name of PARTIAL_MARKERS) {
    const marker = join(dir, name);
    if (!entryExists(marker)) continue;
    throw usage({
      code: 'deck/partial',
      message: `the deck ${dir} is incomplete: ${name} is left from a deck writer that did not finish`,
      file: marker,
      hint: 'write the deck again (measurecheck fixtures generate ... --force); an incomplete deck is never read',
    });
  }
}

function usage(problem: Problem): MeasurecheckError {
  return new MeasurecheckError([{ hint: DECK_HINT, ...problem }]);
}
