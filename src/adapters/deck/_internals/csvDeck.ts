import { join } from 'node:path';
import type { z } from 'zod';
import {
  CODE_SYSTEMS,
  memberSchema,
  PRODUCT_LINES,
  SETTINGS,
  SEXES,
  STATUS_KINDS,
  strictMemberSchema,
} from '../../../model/member.ts';
import type { Code, Enrollment, Member, Setting, Status } from '../../../model/member.ts';
import type { Problem } from '../../../model/problem.ts';
import { entryExists } from '../../../model/textFile.ts';
import {
  CLAIMS_TABLE,
  DISPENSINGS_TABLE,
  ENROLLMENTS_TABLE,
  MEMBERS_TABLE,
  OBSERVATIONS_TABLE,
  STATUSES_TABLE,
} from '../columns.ts';
import type { DeckTable } from '../columns.ts';
import type { DeckMember } from '../types.ts';
import { csvTableRows } from './csvTable.ts';
import type { CsvRow } from './csvTable.ts';
import { keyedCsvRows, RowDecoder, valueProblem } from './fields.ts';
import { MemberCursor } from './memberCursor.ts';
import type { KeyedRow } from './memberCursor.ts';
import type { OutcomeRow } from './outcomeRows.ts';
import type { ExpectedOutcome } from '../../../model/outcome.ts';
import { QUIET } from './report.ts';
import type { Reporter } from './report.ts';

/** A decoded child row with the CSV row it came from (for locating schema issues). */
interface Located<T> {
  readonly value: T;
  readonly row: CsvRow;
}

interface ClaimCodeRow {
  readonly claimId: string;
  readonly date: string;
  readonly endDate: string | undefined;
  readonly setting: Setting;
  readonly code: Code;
}

interface DispensingValue {
  readonly date: string;
  readonly daysSupply: number;
  readonly code: Code;
  readonly drug?: string;
}

interface ObservationValue {
  readonly date: string;
  readonly code: Code;
  readonly value?: number;
  readonly unit?: string;
  readonly setting?: Setting;
}

/** A claim being assembled: its code rows in order. */
interface ClaimDraft {
  readonly first: Located<ClaimCodeRow>;
  readonly rows: Located<ClaimCodeRow>[];
}

/** Everything read for one member, before schema validation. */
interface MemberDraft {
  readonly row: CsvRow;
  readonly head: {
    readonly id: string;
    readonly birthDate: string;
    readonly sex: Member['sex'];
    readonly deathDate: string | undefined;
  };
  enrollments: Located<Enrollment>[];
  statuses: Located<Status>[];
  claims: ClaimDraft[];
  dispensings: Located<DispensingValue>[];
  observations: Located<ObservationValue>[];
}

export interface CsvDeckInput {
  readonly dir: string;
  readonly expected: AsyncIterable<KeyedRow<OutcomeRow<ExpectedOutcome>>> | undefined;
  readonly strict: boolean;
  readonly reporter: Reporter;
  /** The member ids of the members file with the line of each id's first row. */
  readonly memberLines: ReadonlyMap<string, number>;
}

/**
 * Reads the member ids of members.csv (first pass): id to the line of its first row. Without
 * keepGoing, a malformed row of members.csv stops reading here, at its own line: left to the main
 * pass, the rows of other tables for the member on that row would be reported first, as rows of
 * a member that does not exist. A file that cannot be read, or a bad header, stops it either way.
 */
export async function csvMemberLines(
  dir: string,
  reporter: Reporter,
  strict: boolean,
): Promise<Map<string, number>> {
  const lines = new Map<string, number>();
  const rows = csvTableRows(
    join(dir, MEMBERS_TABLE.file),
    MEMBERS_TABLE,
    reporter.keepGoing ? QUIET : reporter,
    { strict, requireHeader: true },
  );
  for await (const row of rows) {
    const id = row.text('member_id');
    if (id !== '' && !lines.has(id)) lines.set(id, row.line);
  }
  return lines;
}

/**
 * Streams the members of a CSV deck: a merge-join of members.csv with each child table and the
 * expected results, all grouped by member in the order of members.csv (see MemberCursor).
 */
export async function* csvDeckMembers(input: CsvDeckInput): AsyncGenerator<DeckMember> {
  const { dir, reporter, strict, memberLines } = input;
  const membersFile = join(dir, MEMBERS_TABLE.file);
  const cursor = <T>(rows: AsyncIterable<KeyedRow<T>>) =>
    new MemberCursor(rows, MEMBERS_TABLE.file, memberLines, reporter);
  const enrollments = cursor(childRows(dir, ENROLLMENTS_TABLE, input, decodeEnrollment));
  const statuses = cursor(childRows(dir, STATUSES_TABLE, input, decodeStatus));
  const claims = cursor(childRows(dir, CLAIMS_TABLE, input, decodeClaimRow));
  const dispensings = cursor(childRows(dir, DISPENSINGS_TABLE, input, decodeDispensing));
  const observations = cursor(childRows(dir, OBSERVATIONS_TABLE, input, decodeObservation));
  const expected = input.expected ? cursor(input.expected) : undefined;
  const cursors = [enrollments, statuses, claims, dispensings, observations, expected];
  const discardAll = async (current: { id: string; line: number }) => {
    for (const c of cursors) await c?.take(current, true);
  };
  try {
    for await (const row of csvTableRows(membersFile, MEMBERS_TABLE, reporter, {
      strict,
      requireHeader: true,
    })) {
      const d = new RowDecoder(row);
      const id = d.text('member_id');
      if (id === '') {
        reporter.report(d.problems);
        continue;
      }
      const firstLine = memberLines.get(id) ?? row.line;
      if (firstLine !== row.line) {
        reporter.report([
          valueProblem(
            row,
            'member_id',
            `duplicate member id "${id}": it is already on line ${firstLine}`,
            `give each member one row in ${MEMBERS_TABLE.file}; the rows of other tables are matched to the first`,
            'deck/duplicate-member',
          ),
        ]);
        continue;
      }
      const current = { id, line: row.line };
      const birthDate = d.date('birth_date');
      const sex = d.oneOf('sex', SEXES, 'sex');
      const deathDate = d.optionalDate('death_date');
      if (!d.ok) {
        reporter.report(d.problems);
        await discardAll(current);
        continue;
      }
      const draft: MemberDraft = {
        row,
        head: { id, birthDate, sex, deathDate },
        enrollments: await enrollments.take(current),
        statuses: await statuses.take(current),
        claims: groupClaims(await claims.take(current), reporter),
        dispensings: await dispensings.take(current),
        observations: await observations.take(current),
      };
      const expectedRows = expected ? await expected.take(current) : [];
      const member = validateDraft(draft, strict ? strictMemberSchema : memberSchema, reporter);
      if (!member) continue;
      yield {
        member,
        origin: { file: membersFile, line: row.line },
        expected: expectedRows,
      };
    }
    for (const c of cursors) await c?.drain();
  } finally {
    for (const c of cursors) await c?.close();
  }
}

/** The rows of a child table (none when the file is absent), keyed by member. */
async function* childRows<T>(
  dir: string,
  table: DeckTable,
  input: CsvDeckInput,
  decode: (d: RowDecoder) => T,
): AsyncGenerator<KeyedRow<Located<T>>> {
  const file = join(dir, table.file);
  // Only a table with no entry at all is absent; a dangling link or a folder is read, and fails.
  if (!entryExists(file)) return;
  const reporter = input.reporter;
  yield* keyedCsvRows(
    file,
    csvTableRows(file, table, reporter, { strict: input.strict }),
    reporter,
    (row) => {
      const d = new RowDecoder(row);
      const value = decode(d);
      if (!d.ok) {
        reporter.report(d.problems);
        return undefined;
      }
      return { value, row };
    },
  );
}

function codeOf(d: RowDecoder): Code {
  const system = d.oneOf('code_system', CODE_SYSTEMS, 'code system');
  const code = d.text('code');
  return { system, code };
}

function decodeEnrollment(d: RowDecoder): Enrollment {
  return {
    start: d.date('start'),
    end: d.date('end'),
    productLine: d.oneOf('product_line', PRODUCT_LINES, 'product line'),
    medical: d.boolean('medical'),
    pharmacy: d.boolean('pharmacy'),
  };
}

function decodeStatus(d: RowDecoder): Status {
  return {
    kind: d.oneOf('kind', STATUS_KINDS, 'status kind'),
    start: d.date('start'),
    end: d.date('end'),
  };
}

function decodeClaimRow(d: RowDecoder): ClaimCodeRow {
  const claimId = d.text('claim_id');
  const date = d.date('date');
  const endDate = d.optionalDate('end_date');
  const setting = d.oneOf('setting', SETTINGS, 'setting');
  const code = codeOf(d);
  const modifiers = d.modifiers('modifiers');
  return {
    claimId,
    date,
    endDate,
    setting,
    code: modifiers ? { ...code, modifiers } : code,
  };
}

function decodeDispensing(d: RowDecoder): DispensingValue {
  const date = d.date('date');
  const daysSupply = d.integer('days_supply', { positive: true });
  const code = codeOf(d);
  const drug = d.optionalText('drug');
  return { date, daysSupply, code, ...(drug !== undefined ? { drug } : {}) };
}

function decodeObservation(d: RowDecoder): ObservationValue {
  const date = d.date('date');
  const code = codeOf(d);
  const value = d.optionalNumber('value');
  const unit = d.optionalText('unit');
  const setting = d.optionalOneOf('setting', SETTINGS, 'setting');
  return {
    date,
    code,
    ...(value !== undefined ? { value } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(setting !== undefined ? { setting } : {}),
  };
}

/**
 * Groups a member's claim rows into claims: consecutive rows with one claim_id are one claim, in
 * order. A row whose claim-level values (date, end_date, setting) differ from the claim's first
 * row, or a claim id that comes back after another claim, is a problem; that row is dropped.
 */
function groupClaims(rows: readonly Located<ClaimCodeRow>[], reporter: Reporter): ClaimDraft[] {
  const claims: ClaimDraft[] = [];
  const started = new Map<string, number>();
  for (const r of rows) {
    const last = claims.at(-1);
    if (last && last.first.value.claimId === r.value.claimId) {
      const mismatch = claimMismatch(last.first, r);
      if (mismatch) reporter.report([mismatch]);
      else last.rows.push(r);
      continue;
    }
    const earlier = started.get(r.value.claimId);
    if (earlier !== undefined) {
      reporter.report([
        valueProblem(
          r.row,
          'claim_id',
          `claim "${r.value.claimId}" continues here after other claims (it starts on line ${earlier})`,
          'the rows of one claim must be consecutive; move this row up to the other rows of the claim, or give it its own claim_id',
          'deck/claim-split',
        ),
      ]);
      continue;
    }
    started.set(r.value.claimId, r.row.line);
    claims.push({ first: r, rows: [r] });
  }
  return claims;
}

function claimMismatch(
  first: Located<ClaimCodeRow>,
  r: Located<ClaimCodeRow>,
): Problem | undefined {
  const fields = [
    ['date', first.value.date, r.value.date],
    ['end_date', first.value.endDate ?? '', r.value.endDate ?? ''],
    ['setting', first.value.setting, r.value.setting],
  ] as const;
  for (const [column, was, is] of fields) {
    if (was === is) continue;
    return valueProblem(
      r.row,
      column,
      `claim "${r.value.claimId}" has ${column} ${JSON.stringify(is)} here but ${JSON.stringify(was)} on line ${first.row.line}`,
      'the claim-level columns (date, end_date, setting) must be the same on every row of a claim; correct this row, or give it its own claim_id',
      'deck/claim-mismatch',
    );
  }
  return undefined;
}

/** Where a member field's issue is reported: the CSV row and column. */
interface IssueSite {
  readonly row: CsvRow;
  readonly column: string;
  /** Drops the offending child row (or claim) from the draft; undefined for member-level issues. */
  readonly drop?: () => void;
}

const CODE_COLUMNS: Readonly<Record<string, string>> = {
  system: 'code_system',
  code: 'code',
  modifiers: 'modifiers',
};

const FIELD_COLUMNS: Readonly<Record<string, string>> = {
  id: 'member_id',
  birthDate: 'birth_date',
  sex: 'sex',
  deathDate: 'death_date',
  start: 'start',
  end: 'end',
  productLine: 'product_line',
  medical: 'medical',
  pharmacy: 'pharmacy',
  kind: 'kind',
  date: 'date',
  endDate: 'end_date',
  setting: 'setting',
  daysSupply: 'days_supply',
  drug: 'drug',
  value: 'value',
  unit: 'unit',
};

function columnFor(path: readonly PropertyKey[], fallback: string): string {
  const [first, second] = path;
  if ((first === 'code' || first === 'codes') && typeof second === 'string')
    return CODE_COLUMNS[second] ?? fallback;
  if (first === 'codes' && typeof path[2] === 'string') return CODE_COLUMNS[path[2]] ?? fallback;
  if (first === 'id') return 'claim_id';
  return typeof first === 'string' ? (FIELD_COLUMNS[first] ?? fallback) : fallback;
}

/** Maps a zod issue path of the assembled member back to the CSV row and column it came from. */
function siteOf(draft: MemberDraft, path: readonly PropertyKey[]): IssueSite {
  const [table, index, ...rest] = path;
  const member: IssueSite = { row: draft.row, column: columnFor(path, 'member_id') };
  if (typeof index !== 'number') return member;
  // Drops remove by identity, so several drops for one member can run in any order.
  const dropFrom =
    <T>(list: T[], item: T) =>
    () => {
      const i = list.indexOf(item);
      if (i >= 0) list.splice(i, 1);
    };
  switch (table) {
    case 'enrollments':
    case 'statuses':
    case 'dispensings':
    case 'observations': {
      const list: Located<unknown>[] = draft[table];
      const item = list[index];
      if (!item) return member;
      return { row: item.row, column: columnFor(rest, 'member_id'), drop: dropFrom(list, item) };
    }
    case 'claims': {
      const claim = draft.claims[index];
      if (!claim) return member;
      const [field, codeIndex] = rest;
      if (field === 'codes' && typeof codeIndex === 'number') {
        const codeRow = claim.rows[codeIndex];
        if (codeRow) {
          return {
            row: codeRow.row,
            column: columnFor(['codes', ...rest.slice(2)], 'code'),
            drop: () => {
              dropFrom(claim.rows, codeRow)();
              if (claim.rows.length === 0) dropFrom(draft.claims, claim)();
            },
          };
        }
      }
      return {
        row: claim.first.row,
        column: columnFor(rest, 'claim_id'),
        drop: dropFrom(draft.claims, claim),
      };
    }
    default:
      return member;
  }
}

function candidateOf(draft: MemberDraft): unknown {
  const { id, birthDate, sex, deathDate } = draft.head;
  return {
    id,
    birthDate,
    sex,
    ...(deathDate !== undefined ? { deathDate } : {}),
    enrollments: draft.enrollments.map((e) => e.value),
    statuses: draft.statuses.map((s) => s.value),
    claims: draft.claims.map((c) => {
      const { claimId, date, endDate, setting } = c.first.value;
      return {
        id: claimId,
        date,
        ...(endDate !== undefined ? { endDate } : {}),
        setting,
        codes: c.rows.map((r) => r.value.code),
      };
    }),
    dispensings: draft.dispensings.map((x) => x.value),
    observations: draft.observations.map((x) => x.value),
  };
}

/**
 * Validates the assembled member with the member-record schema, so the member has exactly the
 * schema's shape. Each issue is reported at the row and column that introduced the bad value; with
 * keepGoing the offending child rows are dropped and the member is validated again, and a
 * member-level issue skips the member.
 */
function validateDraft(
  draft: MemberDraft,
  schema: z.ZodType<Member>,
  reporter: Reporter,
): Member | undefined {
  for (;;) {
    const parsed = schema.safeParse(candidateOf(draft));
    if (parsed.success) return parsed.data;
    const sites = parsed.error.issues.map((issue) => ({ issue, site: siteOf(draft, issue.path) }));
    reporter.report(
      sites.map(({ issue, site }) =>
        valueProblem(
          site.row,
          site.column,
          `${site.column} ${JSON.stringify(site.row.text(site.column))}: ${csvWording(issue.message)}`,
          'see docs/fixtures.md for what each column holds',
          'deck/invalid-member',
        ),
      ),
    );
    if (sites.some(({ site }) => site.drop === undefined)) return undefined;
    for (const { site } of sites) site.drop?.();
  }
}

/** The member-record schema speaks of JSON fields; say the CSV column names instead. */
function csvWording(message: string): string {
  return message.replace('endDate', 'end_date');
}
