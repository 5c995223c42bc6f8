import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { Member } from '../../model/member.ts';
import type { ExpectedOutcome } from '../../model/outcome.ts';
import { MeasurecheckError } from '../../model/problem.ts';
import { entryExists } from '../../model/textFile.ts';
import {
  CLAIMS_TABLE,
  DECK_FILES,
  DECK_TABLES,
  DISPENSINGS_TABLE,
  ENROLLMENTS_TABLE,
  MEMBERS_TABLE,
  MODIFIER_SEPARATOR,
  OBSERVATIONS_TABLE,
  PARTIAL_MARKER,
  STATUSES_TABLE,
} from './columns.ts';
import { csvLine, numberText } from './_internals/csvText.ts';
import { FileSink } from './_internals/fileSink.ts';
import { OutcomeCsvSink } from './_internals/outcomeCsvSink.ts';
import { errorMessage } from './_internals/report.ts';
import { csvWriteProblem } from './_internals/csvUnsupported.ts';

/** Writes a fixture deck member by member; `close` must be awaited to finish the files. */
export interface DeckWriter {
  /**
   * Writes a member and its expected outcomes. An outcome without `productLine` (a measure
   * without product lines) leaves `product_line` empty in a CSV deck.
   */
  write(member: Member, expected: readonly ExpectedOutcome[]): Promise<void>;
  /** Finishes the files and puts the new deck in place of the folder's old deck files. */
  close(): Promise<void>;
  /**
   * Stops writing and removes the unfinished deck; the folder is left as it was. Synchronous, so
   * it can run when the process is interrupted.
   */
  abort(): void;
}

/** The files a writer writes, and how it stops. */
interface DeckFiles {
  write(member: Member, expected: readonly ExpectedOutcome[]): Promise<void>;
  close(): Promise<void>;
  destroy(): void;
}

/**
 * Creates a deck writer for the folder `dir`. A CSV deck gets all seven files (members.csv,
 * enrollments.csv, statuses.csv, claims.csv, dispensings.csv, observations.csv, expected.csv),
 * each with its header even when it has no rows; a JSON Lines deck gets members.jsonl and
 * expected.jsonl. Rows are written in member order, so the deck follows the order rule. Each write
 * waits while a file's buffer is full, so memory stays bounded however many members are written.
 *
 * The deck is written beside `dir`, in a staging folder marked partial (`.<name>.partial-*`, which
 * the reader refuses), and only `close` puts it in place: `dir` is created by a rename, or, when it
 * already exists, its deck files are replaced (marked partial while they are) and the deck files
 * of the other format removed; other files in it are kept. An interrupted or failed write leaves
 * `dir` as it was: `abort` (also run if the process exits before `close`) removes the staging folder.
 *
 * A member the CSV format cannot represent (two claims with one id, a claim without codes, a
 * modifier containing `;` or empty) or an outcome of another member makes `write` throw; a member
 * with clinical record fields (conditions, orders, a claim status...) makes a CSV deck's `write`
 * throw a `deck/csv-unsupported` problem naming the member and the field.
 *
 * @example
 * const writer = createDeckWriter('out/deck', 'csv');
 * for (const m of members) await writer.write(m, [outcomeFor(m)]);
 * await writer.close();
 */
export function createDeckWriter(dir: string, format: 'csv' | 'jsonl'): DeckWriter {
  let staging: string;
  try {
    if (entryExists(dir) && !statSync(dir).isDirectory()) {
      throw new Error('it is a file, not a folder');
    }
    const parent = dirname(resolve(dir));
    mkdirSync(parent, { recursive: true });
    // Not mkdtemp: its folder is private (0700), and on a rename the deck would keep that mode.
    staging = join(
      parent,
      `.${basename(resolve(dir))}.partial-${String(process.pid)}-${randomBytes(4).toString('hex')}`,
    );
    mkdirSync(staging);
    writeFileSync(join(staging, PARTIAL_MARKER), PARTIAL_TEXT);
  } catch (e) {
    throw new MeasurecheckError([
      {
        code: 'deck/unwritable',
        message: `cannot write the deck folder ${dir}: ${errorMessage(e)}`,
        file: dir,
        hint: 'choose a folder that can be written',
      },
    ]);
  }
  const files: DeckFiles =
    format === 'csv' ? new CsvDeckWriter(staging) : new JsonlDeckWriter(staging);
  let state: 'open' | 'closed' | 'aborted' = 'open';
  const abort = () => {
    if (state !== 'open') return;
    state = 'aborted';
    process.off('exit', abort);
    files.destroy();
    rmSync(staging, { recursive: true, force: true });
  };
  // A process that ends before close (an uncaught error, process.exit on a signal) leaves no
  // staging folder behind.
  process.on('exit', abort);
  return {
    write: (member, expected) => {
      if (state !== 'open') return Promise.reject(new Error(`the deck writer is ${state}`));
      return files.write(member, expected);
    },
    close: async () => {
      if (state !== 'open') throw new Error(`the deck writer is ${state}`);
      try {
        await files.close();
        swapIn(staging, dir, format);
      } catch (e) {
        abort();
        throw e;
      }
      state = 'closed';
      process.off('exit', abort);
    },
    abort,
  };
}

const PARTIAL_TEXT =
  'measurecheck is writing this deck, or stopped before it was complete; it is never read as a deck\n';

/**
 * Puts the finished deck in `staging` at `dir`. A new folder is one rename. Into an existing
 * folder the files move one by one, with the partial marker in `dir` meanwhile, so a deck cut off
 * halfway through the swap is refused rather than read as a mix of two decks.
 */
function swapIn(staging: string, dir: string, format: 'csv' | 'jsonl'): void {
  try {
    if (!entryExists(dir)) {
      rmSync(join(staging, PARTIAL_MARKER));
      renameSync(staging, dir);
      return;
    }
    const marker = join(dir, PARTIAL_MARKER);
    writeFileSync(marker, PARTIAL_TEXT);
    const written = readdirSync(staging).filter((f) => f !== PARTIAL_MARKER);
    for (const f of written) renameSync(join(staging, f), join(dir, f));
    // Deck files of the old deck the new one does not have (the other format's files).
    for (const f of DECK_FILE_NAMES) {
      if (!written.includes(f)) rmSync(join(dir, f), { force: true });
    }
    rmSync(`${join(dir, DECK_FILES.expectedCsv)}.partial`, { force: true });
    rmSync(marker);
    rmSync(staging, { recursive: true, force: true });
  } catch (e) {
    throw new MeasurecheckError([
      {
        code: 'deck/unwritable',
        message: `cannot put the new deck in place at ${dir} (format ${format}): ${errorMessage(e)}`,
        file: dir,
        hint: 'check that the folder can be written',
      },
    ]);
  }
}

/** Every file a deck of either format may hold. */
const DECK_FILE_NAMES: readonly string[] = [
  ...Object.values(DECK_TABLES).map((t) => t.file),
  DECK_FILES.membersJsonl,
  DECK_FILES.expectedJsonl,
];

function checkExpected(member: Member, expected: readonly ExpectedOutcome[]): void {
  for (const o of expected) {
    if (o.memberId !== member.id) {
      throw new Error(
        `expected outcome for member ${o.memberId} written with member ${member.id}; write each outcome with its member`,
      );
    }
  }
}

class JsonlDeckWriter implements DeckFiles {
  private readonly members: FileSink;
  private readonly expected: FileSink;

  constructor(dir: string) {
    this.members = new FileSink(join(dir, DECK_FILES.membersJsonl));
    this.expected = new FileSink(join(dir, DECK_FILES.expectedJsonl));
  }

  async write(member: Member, expected: readonly ExpectedOutcome[]): Promise<void> {
    checkExpected(member, expected);
    await this.members.write(`${JSON.stringify(member)}\n`);
    await this.expected.write(expected.map((o) => `${JSON.stringify(o)}\n`).join(''));
  }

  async close(): Promise<void> {
    await this.members.close();
    await this.expected.close();
  }

  destroy(): void {
    this.members.destroy();
    this.expected.destroy();
  }
}

class CsvDeckWriter implements DeckFiles {
  private readonly members: FileSink;
  private readonly enrollments: FileSink;
  private readonly statuses: FileSink;
  private readonly claims: FileSink;
  private readonly dispensings: FileSink;
  private readonly observations: FileSink;
  private readonly expected: OutcomeCsvSink;
  private headersWritten = false;

  constructor(dir: string) {
    const sink = (file: string) => new FileSink(join(dir, file));
    this.members = sink(MEMBERS_TABLE.file);
    this.enrollments = sink(ENROLLMENTS_TABLE.file);
    this.statuses = sink(STATUSES_TABLE.file);
    this.claims = sink(CLAIMS_TABLE.file);
    this.dispensings = sink(DISPENSINGS_TABLE.file);
    this.observations = sink(OBSERVATIONS_TABLE.file);
    this.expected = new OutcomeCsvSink(join(dir, DECK_FILES.expectedCsv));
  }

  /** Every table gets its header, even one that will have no rows. */
  private async writeHeaders(): Promise<void> {
    if (this.headersWritten) return;
    this.headersWritten = true;
    await this.members.write(csvLine(MEMBERS_TABLE.columns));
    await this.enrollments.write(csvLine(ENROLLMENTS_TABLE.columns));
    await this.statuses.write(csvLine(STATUSES_TABLE.columns));
    await this.claims.write(csvLine(CLAIMS_TABLE.columns));
    await this.dispensings.write(csvLine(DISPENSINGS_TABLE.columns));
    await this.observations.write(csvLine(OBSERVATIONS_TABLE.columns));
  }

  async write(member: Member, expected: readonly ExpectedOutcome[]): Promise<void> {
    await this.writeHeaders();
    checkExpected(member, expected);
    const unsupported = csvWriteProblem(member);
    if (unsupported) throw new MeasurecheckError([unsupported]);
    const id = member.id;
    const claimRows = claimLines(member);
    await this.members.write(csvLine([id, member.birthDate, member.sex, member.deathDate ?? '']));
    await this.enrollments.write(
      member.enrollments
        .map((e) =>
          csvLine([id, e.start, e.end, e.productLine, String(e.medical), String(e.pharmacy)]),
        )
        .join(''),
    );
    await this.statuses.write(
      member.statuses.map((s) => csvLine([id, s.kind, s.start, s.end])).join(''),
    );
    await this.claims.write(claimRows);
    await this.dispensings.write(
      member.dispensings
        .map((d) =>
          csvLine([id, d.date, String(d.daysSupply), d.code.system, d.code.code, d.drug ?? '']),
        )
        .join(''),
    );
    await this.observations.write(
      member.observations
        .map((o) =>
          csvLine([
            id,
            o.date,
            o.code.system,
            o.code.code,
            o.value === undefined ? '' : numberText(o.value),
            o.unit ?? '',
            o.setting ?? '',
          ]),
        )
        .join(''),
    );
    // A measure without product lines leaves product_line empty (read back the same way).
    for (const o of expected) await this.expected.write(o);
  }

  async close(): Promise<void> {
    await this.writeHeaders();
    for (const s of [
      this.members,
      this.enrollments,
      this.statuses,
      this.claims,
      this.dispensings,
      this.observations,
    ]) {
      await s.close();
    }
    await this.expected.close();
  }

  destroy(): void {
    for (const s of [
      this.members,
      this.enrollments,
      this.statuses,
      this.claims,
      this.dispensings,
      this.observations,
      this.expected,
    ]) {
      s.destroy();
    }
  }
}

/** One claims.csv row per code; throws for a member the format cannot represent. */
function claimLines(member: Member): string {
  const ids = new Set<string>();
  let text = '';
  for (const c of member.claims) {
    if (ids.has(c.id)) {
      throw new Error(
        `member ${member.id} has two claims with id ${c.id}; a CSV deck joins the rows of a claim by its id, so claim ids must differ within a member`,
      );
    }
    ids.add(c.id);
    if (c.codes.length === 0) {
      throw new Error(`claim ${c.id} of member ${member.id} has no codes`);
    }
    for (const code of c.codes) {
      const modifiers = code.modifiers ?? [];
      if (modifiers.some((m) => m === '' || m.includes(MODIFIER_SEPARATOR))) {
        throw new Error(
          `claim ${c.id} of member ${member.id}: a modifier is empty or contains "${MODIFIER_SEPARATOR}", which separates modifiers in claims.csv`,
        );
      }
      text += csvLine([
        member.id,
        c.id,
        c.date,
        c.endDate ?? '',
        c.setting,
        code.system,
        code.code,
        modifiers.join(MODIFIER_SEPARATOR),
      ]);
    }
  }
  return text;
}
