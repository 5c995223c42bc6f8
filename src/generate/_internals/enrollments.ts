import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths, daysBetween, maxDate, minDate } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import { PRODUCT_LINES } from '../../model/member.ts';
import type { Enrollment, ProductLine } from '../../model/member.ts';
import { lastDayWithinMonths } from '../../engine/clauses/enrollment.ts';
import type { EnrollmentSegment } from '../../rulepack/compiled.ts';
import type { EnrollmentBoundary, MeasureBoundaries } from '../boundaries.ts';
import { dateBetween, yearEnd, yearStart } from './dates.ts';

interface Span {
  readonly start: IsoDate;
  readonly end: IsoDate;
}

/**
 * What a coverage history looks like before it becomes spans: holes in the coverage of the
 * checked period, and optionally a stretch relabelled (another product line, or without the
 * benefit the clause needs) and an extra overlapping span.
 */
interface Plan {
  readonly gaps: readonly Span[];
  readonly relabel?: Span & { readonly productLine?: ProductLine; readonly lacksBenefit?: true };
  readonly extra?: Span & { readonly productLine: ProductLine };
}

/** Longest gap drawn when the allowance has no length limit. */
const FREE_GAP_DAYS = 60;
/** Further than any coverage extent reaches: "from long before" and "until long after". */
const FAR_DAYS = 3660;
/** A gap this short fits a one-month allowance whatever month it starts in. */
const SHORTEST_MONTH = 28;

/**
 * Enrollment histories aimed at an enrollment clause's boundaries for `line`: full coverage
 * first (the simplest, where shrinking goes), then coverage switching product line, one gap of
 * exactly the allowance and one day more (at a random place, starting Jan 1, ending Dec 31,
 * crossing the year end), one allowed gap in each year, two gaps in one year, a lapse on the
 * anchor date, another product line on the anchor date, a stretch without the benefit, none.
 */
export function ruleAwareEnrollments(
  b: MeasureBoundaries,
  line: ProductLine,
): Arbitrary<Enrollment[]> {
  const clauses = b.enrollments.filter((e) => e.segments[line].length > 0);
  if (clauses.length === 0) {
    // Nothing to aim at: cover the measurement year, or draw spans uniformly.
    const full: Enrollment = {
      start: yearStart(b.year),
      end: yearEnd(b.year),
      productLine: line,
      medical: true,
      pharmacy: true,
    };
    return fc.oneof(
      { withCrossShrink: true },
      fc.constant<Enrollment[]>([full]),
      uniformEnrollments(b.year),
    );
  }
  return fc.oneof({ withCrossShrink: true }, ...clauses.map((e) => forClause(e, line)));
}

function forClause(e: EnrollmentBoundary, line: ProductLine): Arbitrary<Enrollment[]> {
  const segs = e.segments[line];
  const first = segs[0];
  const last = segs[segs.length - 1];
  if (!first || !last) return fc.constant([]);
  const period: Span = { start: first.from, end: last.to };
  const others = PRODUCT_LINES.filter((l) => l !== line);
  const otherLine = fc.constantFrom(...others);
  // Gap lengths that matter to some product line: a 45-day gap is the edge for commercial and
  // wrong for Medicaid's one month, so every line gets every line's day limits.
  const dayLimits = [
    ...new Set(
      PRODUCT_LINES.flatMap((l) => e.segments[l].map((s) => s.allowance.maxDays)).filter(
        (d): d is number => d !== undefined,
      ),
    ),
  ];

  const plans: { arbitrary: Arbitrary<Plan>; weight: number }[] = [];
  const add = (arbitrary: Arbitrary<Plan>, weight: number) => plans.push({ arbitrary, weight });

  add(fc.constant({ gaps: [] }), 4);
  add(
    fc
      .tuple(dateBetween(period.start, addDays(period.end, -1)), otherLine)
      .map(([switchAt, productLine]) => ({
        gaps: [],
        relabel: { start: addDays(period.start, -FAR_DAYS), end: switchAt, productLine },
      })),
    1,
  );
  add(
    fc
      .tuple(dateBetween(period.start, period.end), fc.nat(120), otherLine)
      .map(([start, days, productLine]): Plan => ({
        gaps: [],
        extra: { start, end: addDays(start, days), productLine },
      })),
    1,
  );
  add(
    fc
      .oneof(...segs.map((s, i) => gapIn(s, segs[i + 1], dayLimits)))
      .map((gap): Plan => ({ gaps: [gap] })),
    8,
  );
  add(
    fc.tuple(...segs.map((s) => allowedGapIn(s))).map((gaps): Plan => ({ gaps })),
    2,
  );
  const twoGaps = segs.flatMap((s) => {
    const arb = twoGapsIn(s);
    return arb ? [arb] : [];
  });
  if (twoGaps.length > 0) {
    add(
      fc.oneof(...twoGaps).map((gaps): Plan => ({ gaps })),
      2,
    );
  }
  const anchor = e.anchor;
  if (anchor !== undefined) {
    add(
      fc.nat(60).map((k): Plan => ({ gaps: [{ start: addDays(anchor, -k), end: anchor }] })),
      2,
    );
    add(
      fc.tuple(fc.nat(120), otherLine).map(([k, productLine]): Plan => ({
        gaps: [],
        relabel: { start: addDays(anchor, -k), end: addDays(anchor, FAR_DAYS), productLine },
      })),
      2,
    );
  }
  add(
    fc
      .oneof(...segs.map((s, i) => gapIn(s, segs[i + 1], dayLimits)))
      .map((gap): Plan => ({ gaps: [], relabel: { ...gap, lacksBenefit: true } })),
    2,
  );
  add(
    fc.constant({
      gaps: [{ start: addDays(period.start, -FAR_DAYS), end: addDays(period.end, FAR_DAYS) }],
    }),
    1,
  );

  return fc
    .record({
      plan: fc.oneof({ withCrossShrink: true }, ...plans),
      before: fc.nat(400),
      after: fc.nat(400),
      otherBenefit: fc.boolean(),
      reversed: fc.boolean(),
    })
    .map(({ plan, before, after, otherBenefit, reversed }) => {
      const spans = render(
        plan,
        { start: addDays(period.start, -before), end: addDays(period.end, after) },
        line,
        e.benefit,
        otherBenefit,
      );
      return reversed ? spans.reverse() : spans;
    });
}

/** One gap in a segment, aimed at its allowance; `next` is the following year's segment. */
function gapIn(
  seg: EnrollmentSegment,
  next: EnrollmentSegment | undefined,
  dayLimits: readonly number[],
): Arbitrary<Span> {
  const a = seg.allowance;
  const lengths = [
    ...new Set([
      ...(a.maxDays !== undefined ? [a.maxDays, a.maxDays + 1] : []),
      ...dayLimits.flatMap((d) => [d, d + 1]),
    ]),
  ];
  const randomLength = fc.integer({ min: 1, max: (a.maxDays ?? FREE_GAP_DAYS) + 15 });
  const length =
    lengths.length > 0
      ? fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constantFrom(...lengths), weight: 3 },
          { arbitrary: randomLength, weight: 1 },
        )
      : randomLength;
  const byDays = length.chain((days) => placed(seg, next, days));
  if (a.maxMonths === undefined) return byDays;
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: monthGapIn(seg, a.maxMonths), weight: 3 },
    { arbitrary: byDays, weight: 1 },
  );
}

/**
 * A gap of `days` days in `seg`: strictly inside, starting on its first day (Jan 1), ending on
 * its last (Dec 31), or crossing into the next segment (Dec 31/Jan 1).
 */
function placed(
  seg: EnrollmentSegment,
  next: EnrollmentSegment | undefined,
  days: number,
): Arbitrary<Span> {
  const segDays = daysBetween(seg.from, seg.to) + 1;
  const of = (start: IsoDate): Span => ({ start, end: addDays(start, days - 1) });
  const options: Arbitrary<Span>[] = [];
  if (segDays - days - 1 >= 1) {
    options.push(
      fc.integer({ min: 1, max: segDays - days - 1 }).map((o) => of(addDays(seg.from, o))),
    );
  }
  options.push(fc.constant(of(seg.from)));
  options.push(fc.constant(of(addDays(seg.to, 1 - days))));
  if (next && next.from === addDays(seg.to, 1) && days >= 2) {
    options.push(fc.integer({ min: 1, max: days - 1 }).map((k) => of(addDays(seg.to, 1 - k))));
  }
  return fc.oneof({ withCrossShrink: true }, ...options);
}

/**
 * A gap measured in calendar months: from a start date (inside, Jan 1, the last day of a month,
 * the first of a month, or so that it ends on Dec 31) to the last day the allowance permits, or
 * one day more.
 */
function monthGapIn(seg: EnrollmentSegment, months: number): Arbitrary<Span> {
  const monthEnds: IsoDate[] = [];
  const monthStarts: IsoDate[] = [];
  for (let d = seg.from; d <= seg.to; d = addMonths(d, 1)) {
    monthStarts.push(d.slice(0, 8) + '01');
    const end = addDays(addMonths(d.slice(0, 8) + '01', 1), -1);
    if (end <= seg.to) monthEnds.push(end);
  }
  const startForEnd = addMonths(addDays(seg.to, 1), -months);
  const starts = fc.oneof(
    { withCrossShrink: true },
    dateBetween(seg.from, maxDate(seg.from, addMonths(seg.to, -months - 1))),
    fc.constantFrom(seg.from, startForEnd, addDays(startForEnd, -1)),
    fc.constantFrom(...monthEnds, seg.from),
    fc.constantFrom(...monthStarts),
  );
  return fc
    .tuple(starts, fc.constantFrom(0, 1))
    .map(([start, over]) => ({ start, end: addDays(lastDayWithinMonths(start, months), over) }));
}

/** A gap short enough for the segment's allowance, anywhere in it. */
function allowedGapIn(seg: EnrollmentSegment): Arbitrary<Span> {
  const a = seg.allowance;
  const segDays = daysBetween(seg.from, seg.to) + 1;
  const cap = Math.max(
    1,
    Math.min(a.maxDays ?? (a.maxMonths !== undefined ? SHORTEST_MONTH : FREE_GAP_DAYS), segDays),
  );
  return fc
    .integer({ min: 1, max: cap })
    .chain((days) =>
      fc
        .integer({ min: 0, max: segDays - days })
        .map((o) => ({ start: addDays(seg.from, o), end: addDays(seg.from, o + days - 1) })),
    );
}

/** Two short gaps in one segment, one in each half, never touching. */
function twoGapsIn(seg: EnrollmentSegment): Arbitrary<Span[]> | undefined {
  const segDays = daysBetween(seg.from, seg.to) + 1;
  const half = Math.floor(segDays / 2);
  const cap = Math.min(seg.allowance.maxDays ?? SHORTEST_MONTH, Math.floor(half / 2));
  if (cap < 1) return undefined;
  const gap = (from: number, room: number) =>
    fc
      .tuple(fc.integer({ min: 1, max: cap }), fc.integer({ min: 0, max: room - cap }))
      .map(([days, o]) => ({
        start: addDays(seg.from, from + o),
        end: addDays(seg.from, from + o + days - 1),
      }));
  return fc.tuple(gap(0, half - 1), gap(half, segDays - half));
}

/** Turns a plan into enrollment spans covering `extent` minus its gaps. */
function render(
  plan: Plan,
  extent: Span,
  line: ProductLine,
  benefit: EnrollmentBoundary['benefit'],
  otherBenefit: boolean,
): Enrollment[] {
  const base = (s: Span, productLine: ProductLine, hasBenefit: boolean): Enrollment => ({
    start: s.start,
    end: s.end,
    productLine,
    // The benefit the clause needs follows the plan; the other one is drawn.
    medical: benefit === 'pharmacy' ? otherBenefit : hasBenefit,
    pharmacy: benefit === 'pharmacy' ? hasBenefit : benefit === 'any' ? hasBenefit : otherBenefit,
  });
  const out: Enrollment[] = [];
  for (const piece of complement(extent, plan.gaps)) {
    const r = plan.relabel;
    if (!r || r.end < piece.start || r.start > piece.end) {
      out.push(base(piece, line, true));
      continue;
    }
    const inner = { start: maxDate(piece.start, r.start), end: minDate(piece.end, r.end) };
    if (piece.start < inner.start) {
      out.push(base({ start: piece.start, end: addDays(inner.start, -1) }, line, true));
    }
    out.push(base(inner, r.productLine ?? line, r.lacksBenefit !== true));
    if (inner.end < piece.end) {
      out.push(base({ start: addDays(inner.end, 1), end: piece.end }, line, true));
    }
  }
  if (plan.extra) out.push(base(plan.extra, plan.extra.productLine, true));
  return out;
}

/** `extent` minus `holes`, as ordered non-empty spans. */
function complement(extent: Span, holes: readonly Span[]): Span[] {
  const sorted = [...holes].sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const out: Span[] = [];
  let cursor = extent.start;
  for (const h of sorted) {
    if (h.end < cursor) continue;
    if (h.start > extent.end) break;
    if (h.start > cursor) out.push({ start: cursor, end: addDays(h.start, -1) });
    cursor = maxDate(cursor, addDays(h.end, 1));
  }
  if (cursor <= extent.end) out.push({ start: cursor, end: extent.end });
  return out;
}

/** 0-3 spans anywhere in MY-2..MY, any product line and benefits: no aim at all. */
export function uniformEnrollments(year: number): Arbitrary<Enrollment[]> {
  const day = dateBetween(yearStart(year - 2), yearEnd(year));
  return fc.array(
    fc
      .record({
        a: day,
        b: day,
        productLine: fc.constantFrom(...PRODUCT_LINES),
        medical: fc.boolean(),
        pharmacy: fc.boolean(),
      })
      .map(({ a, b, productLine, medical, pharmacy }) => ({
        start: minDate(a, b),
        end: maxDate(a, b),
        productLine,
        medical,
        pharmacy,
      })),
    { minLength: 0, maxLength: 3 },
  );
}
