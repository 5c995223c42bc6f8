import { addDays, addMonths, daysBetween } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import type { ClauseOf, EnrollmentSegment } from '../../rulepack/compiled.ts';
import { compareKeys } from '../_internals/compareKeys.ts';
import type { ClauseEvaluator, Context } from '../context.ts';
import type { EnrollmentEvidence, EnrollmentSegmentEvidence, Gap } from '../trace.ts';

/**
 * Enrolled in the requested product line on the anchor date (when there is one), and every
 * calendar-year segment's gaps within that line's allowance. The only kind that reads the product
 * line itself.
 */
export const enrollment: ClauseEvaluator<'enrollment'> = {
  readsProductLine: true,
  evaluate: (clause, ctx) => {
    const evidence = enrollmentEvidence(clause, ctx);
    const result = (evidence.anchor?.enrolled ?? true) && evidence.segments.every((s) => s.ok);
    return { result, evidence };
  },
};

function enrollmentEvidence(clause: ClauseOf<'enrollment'>, ctx: Context): EnrollmentEvidence {
  const spans = ctx.member.enrollments
    .filter((e) =>
      clause.benefit === 'medical' ? e.medical : clause.benefit === 'pharmacy' ? e.pharmacy : true,
    )
    .slice()
    .sort((a, b) => compareKeys([a.start, a.end, a.productLine], [b.start, b.end, b.productLine]));
  let anchor: EnrollmentEvidence['anchor'];
  if (clause.anchor !== undefined) {
    const date = clause.anchor;
    const onDate = spans.filter((s) => s.start <= date && s.end >= date);
    const inLine = onDate.find((s) => s.productLine === ctx.productLine);
    const other = onDate.find((s) => s.productLine !== ctx.productLine);
    anchor = {
      date,
      enrolled: inLine !== undefined,
      ...(inLine
        ? { span: { start: inLine.start, end: inLine.end, productLine: inLine.productLine } }
        : {}),
      ...(!inLine && other ? { otherProductLine: other.productLine } : {}),
    };
  }
  const line = ctx.productLine;
  const segments = (line !== undefined ? clause.segments[line] : []).map((seg) =>
    segmentEvidence(seg, spans),
  );
  return {
    kind: 'enrollment',
    ...(line !== undefined ? { productLine: line } : {}),
    ...(anchor ? { anchor } : {}),
    segments,
  };
}

/** Gaps in coverage inside one calendar-year segment, judged against its allowance. */
function segmentEvidence(
  seg: EnrollmentSegment,
  spans: readonly { start: IsoDate; end: IsoDate }[],
): EnrollmentSegmentEvidence {
  const gaps: Gap[] = [];
  let cursor = seg.from;
  for (const s of spans) {
    if (cursor > seg.to) break;
    if (s.end < cursor) continue;
    if (s.start > seg.to) break;
    if (s.start > cursor) gaps.push(gap(cursor, addDays(s.start, -1)));
    if (s.end >= cursor) cursor = addDays(s.end, 1);
  }
  if (cursor <= seg.to) gaps.push(gap(cursor, seg.to));

  const a = seg.allowance;
  let reason: string | undefined;
  if (gaps.length > a.gaps) {
    reason = `${gaps.length} gaps; at most ${a.gaps} allowed`;
  } else {
    const tooLong = gaps.find((g) =>
      a.maxDays !== undefined
        ? g.days > a.maxDays
        : a.maxMonths !== undefined
          ? g.end > lastDayWithinMonths(g.start, a.maxMonths)
          : false,
    );
    if (tooLong) {
      reason =
        a.maxDays !== undefined
          ? `gap ${tooLong.start}..${tooLong.end} is ${tooLong.days} days; at most ${a.maxDays} allowed`
          : `gap ${tooLong.start}..${tooLong.end} is longer than ${a.maxMonths ?? 0} month(s)`;
    }
  }
  return {
    from: seg.from,
    to: seg.to,
    allowance: a,
    gaps,
    ok: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/**
 * The last day of a gap that starts on `start` and lasts at most `months` calendar months: the day
 * before the same day of the month `months` later, or the end of that month when it has no such
 * day (a gap from Jan 31 may run through Feb 28).
 */
export function lastDayWithinMonths(start: IsoDate, months: number): IsoDate {
  const same = addMonths(start, months);
  return same.slice(8) === start.slice(8) ? addDays(same, -1) : same;
}

function gap(start: IsoDate, end: IsoDate): Gap {
  return { start, end, days: daysBetween(start, end) + 1 };
}
