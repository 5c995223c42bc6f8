import type { IsoDate } from '../../model/calendarDate.ts';
import type { Status } from '../../model/member.ts';
import { compareKeys } from '../_internals/compareKeys.ts';
import type { ClauseEvaluator } from '../context.ts';

/** A status of one of the clause's kinds (hospice, I-SNP, ...) overlaps the window. */
export const status: ClauseEvaluator<'status'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const w = clause.window;
    const kinds = ctx.member.statuses.filter((s) => clause.kinds.has(s.kind));
    const overlaps = (s: { start: IsoDate; end: IsoDate }) =>
      s.start <= w.to && (w.from === undefined || s.end >= w.from);
    const spans = (list: readonly Status[]) =>
      list
        .map((s) => ({ kind: s.kind, start: s.start, end: s.end }))
        .sort((a, b) => compareKeys([a.start, a.end, a.kind], [b.start, b.end, b.kind]));
    const matches = spans(kinds.filter(overlaps));
    return {
      result: matches.length > 0,
      evidence: {
        kind: 'status',
        window: w,
        matches,
        outside: spans(kinds.filter((s) => !overlaps(s))),
      },
    };
  },
};
