import type { Problem } from '../../../model/problem.ts';
import { at } from './report.ts';
import type { Reporter } from './report.ts';

/** A row of a table grouped by member (a child table or the expected results). */
export interface KeyedRow<T> {
  readonly memberId: string;
  readonly file: string;
  readonly line: number;
  /** Where the member id is on the row (the member_id column, or the memberId value). */
  readonly memberIdColumn: number | undefined;
  /** Decodes the row; reports its problems and returns undefined when it is bad. */
  decode(): T | undefined;
}

/** The member whose rows are being gathered: its id and its line in the members file. */
export interface CurrentMember {
  readonly id: string;
  readonly line: number;
}

/**
 * The merge-join side of one table. The rows of a table are grouped by member in the order of the
 * members file, so the rows of the current member are the ones at the head of the table: `take`
 * reads them and stops at the first row of a later member. `memberLines` maps each member id of
 * the members file to the line of its first row (a first pass over the members file builds it),
 * so a row is classified as soon as it is read:
 * - its member is the current one: taken;
 * - its member is later in the members file: left for later;
 * - its member is earlier: out of order (reported);
 * - its member is not in the members file: unknown member (reported).
 */
export class MemberCursor<T> {
  private readonly rows: AsyncIterator<KeyedRow<T>>;
  private head: KeyedRow<T> | undefined;
  private done = false;

  constructor(
    rows: AsyncIterable<KeyedRow<T>>,
    private readonly membersFile: string,
    private readonly memberLines: ReadonlyMap<string, number>,
    private readonly reporter: Reporter,
  ) {
    this.rows = rows[Symbol.asyncIterator]();
  }

  /**
   * The decoded rows of `member`, in file order. With `discard` (the member itself was skipped),
   * its rows are read and dropped without being decoded.
   */
  async take(member: CurrentMember, discard = false): Promise<T[]> {
    const taken: T[] = [];
    for (;;) {
      const row = await this.peek();
      if (!row) return taken;
      if (row.memberId === member.id) {
        this.head = undefined;
        if (discard) continue;
        const value = row.decode();
        if (value !== undefined) taken.push(value);
        continue;
      }
      const memberLine = this.memberLines.get(row.memberId);
      if (memberLine !== undefined && memberLine > member.line) return taken;
      this.head = undefined;
      this.reporter.report([this.misplaced(row, memberLine, member)]);
    }
  }

  /** After the last member: every row left belongs to no member or is out of order. */
  async drain(): Promise<void> {
    for (;;) {
      const row = await this.peek();
      if (!row) return;
      this.head = undefined;
      this.reporter.report([this.misplaced(row, this.memberLines.get(row.memberId), undefined)]);
    }
  }

  async close(): Promise<void> {
    this.done = true;
    await this.rows.return?.();
  }

  private async peek(): Promise<KeyedRow<T> | undefined> {
    if (this.head) return this.head;
    if (this.done) return undefined;
    const next = await this.rows.next();
    if (next.done) {
      this.done = true;
      return undefined;
    }
    this.head = next.value;
    return this.head;
  }

  private misplaced(
    row: KeyedRow<T>,
    memberLine: number | undefined,
    current: CurrentMember | undefined,
  ): Problem {
    const where = { file: row.file, line: row.line, ...at(row.memberIdColumn) };
    if (memberLine === undefined) {
      return {
        code: 'deck/unknown-member',
        message: `member "${row.memberId}" is not in ${this.membersFile} (column member_id)`,
        ...where,
        hint: `every row must belong to a member of ${this.membersFile}: add the member there, or correct or remove this row`,
      };
    }
    const after = current
      ? `, but it comes after rows of member "${current.id}" (${this.membersFile} line ${current.line})`
      : ', but it comes after rows of a later member';
    return {
      code: 'deck/out-of-order',
      message: `row out of order: member "${row.memberId}" is at ${this.membersFile} line ${memberLine}${after} (column member_id)`,
      ...where,
      hint: `every table must list its rows grouped by member, in the order of ${this.membersFile}: sort ${this.membersFile} and every other table by member_id (keeping the order of each member's rows), or write the deck with \`measurecheck fixtures generate\``,
    };
  }
}
