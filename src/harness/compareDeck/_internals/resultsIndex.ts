import type { ResultRow } from '../../../adapters/deck/types.ts';
import type { Outcome } from '../../../model/outcome.ts';
import type { Problem } from '../../../model/problem.ts';
import type { Request } from '../../../model/request.ts';
import type { UnmatchedResult } from '../types.ts';
import { duplicateResultProblem } from './inputProblems.ts';
import { caseId, requestKey } from './keys.ts';
import { stopFrom } from './stop.ts';
import type { OrStop, Stop } from './stop.ts';

/** Result rows listed in the report for members the deck does not have. */
const MAX_UNMATCHED_LISTED = 20;

/** Rows never taken: for a compared group, members the deck lacks; otherwise ignored. */
export interface Leftovers {
  readonly count: number;
  readonly examples: readonly UnmatchedResult[];
  readonly ignored: number;
}

/**
 * An implementation's results file, read lazily alongside the deck: `take` reads rows until it meets
 * the one asked for, keeping the rows read ahead in a buffer. A results file in the deck's member
 * order (the usual case: an engine run over the deck) keeps the buffer to a few rows, so memory
 * stays bounded; rows in another order are buffered until their member comes. The members whose
 * row was taken are remembered per group (measure, year and product line), to tell a duplicate row
 * from a row for a member the deck does not have.
 *
 * Bad input is a value: a bad row (from the reader) or a duplicate (without keepGoing) is the stop
 * of the call that read it; a later call reads on from the row after it.
 */
export class ResultsIndex {
  private readonly buffer = new Map<string, ResultRow>();
  /** Member ids already taken, per group key (`requestKey`). */
  private readonly taken = new Map<string, Set<string>>();
  private readonly iterator: AsyncIterator<ResultRow>;
  private done = false;

  constructor(
    rows: AsyncIterable<ResultRow>,
    private readonly keepGoing: boolean,
    private readonly skip: (p: Problem) => void,
  ) {
    this.iterator = rows[Symbol.asyncIterator]();
  }

  /** The implementation's outcome for this member and request; undefined when it has none. */
  async take(memberId: string, r: Request): Promise<OrStop<Outcome | undefined>> {
    const key = caseId(memberId, r);
    const stop = this.buffer.has(key) ? undefined : await this.pull(key);
    if (stop) return { ok: false, stop };
    const row = this.buffer.get(key);
    if (row === undefined) return { ok: true, value: undefined };
    this.buffer.delete(key);
    this.takenIn(requestKey(r)).add(memberId);
    return { ok: true, value: row.outcome };
  }

  /** Reads the rest of the file: the rows never taken. */
  async leftovers(compared: ReadonlySet<string>): Promise<OrStop<Leftovers>> {
    const stop = await this.pull();
    if (stop) return { ok: false, stop };
    let count = 0;
    let ignored = 0;
    const examples: UnmatchedResult[] = [];
    for (const { outcome, origin } of this.buffer.values()) {
      const group = requestKey(outcome);
      if (!compared.has(group)) {
        ignored += 1;
        continue;
      }
      count += 1;
      if (examples.length < MAX_UNMATCHED_LISTED)
        examples.push({ memberId: outcome.memberId, origin, group });
    }
    return { ok: true, value: { count, examples, ignored } };
  }

  /** Reads rows until `key` is in the buffer or to the end of the file; a stop on bad input. */
  private async pull(key?: string): Promise<Stop | undefined> {
    while (!this.done && (key === undefined || !this.buffer.has(key))) {
      let next: IteratorResult<ResultRow>;
      try {
        next = await this.iterator.next();
      } catch (e) {
        return stopFrom(e);
      }
      if (next.done === true) {
        this.done = true;
        return undefined;
      }
      const stop = this.admit(next.value);
      if (stop) return stop;
    }
    return undefined;
  }

  /** Buffers a row, unless it repeats one already read: skipped with keepGoing, else a stop. */
  private admit(row: ResultRow): Stop | undefined {
    const o = row.outcome;
    const rowKey = caseId(o.memberId, o);
    const earlier = this.buffer.get(rowKey);
    if (earlier === undefined && !this.wasTaken(o.memberId, requestKey(o))) {
      this.buffer.set(rowKey, row);
      return undefined;
    }
    const problem = duplicateResultProblem(o, row.origin, earlier?.origin);
    if (!this.keepGoing) return { kind: 'input', problems: [problem] };
    this.skip(problem);
    return undefined;
  }

  private takenIn(group: string): Set<string> {
    let members = this.taken.get(group);
    if (!members) {
      members = new Set();
      this.taken.set(group, members);
    }
    return members;
  }

  private wasTaken(memberId: string, group: string): boolean {
    return this.taken.get(group)?.has(memberId) === true;
  }
}
