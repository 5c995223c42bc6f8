import { addDays, daysBetween, maxDate, minDate } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import type { Condition, Dispensing, Enrollment, Observation, Order } from '../../model/member.ts';
import type { ClaimDraft } from './claims.ts';

/** A condition before it gets its id (ids are given by position, as for claims). */
export type ConditionDraft = Omit<Condition, 'id'>;

/** An order before it gets its id. */
export type OrderDraft = Omit<Order, 'id'>;

/** An inclusive span of dates. */
export interface Span {
  readonly start: IsoDate;
  readonly end: IsoDate;
}

/**
 * Records aimed at one clause (or a few that must hold together), and what else about the member
 * they were aimed with. Claims get their ids when the member is put together.
 */
export interface Bundle {
  readonly claims: readonly ClaimDraft[];
  readonly observations: readonly Observation[];
  readonly dispensings: readonly Dispensing[];
  /** Conditions and orders, only for clauses that read them (absent, not empty, otherwise). */
  readonly conditions?: readonly ConditionDraft[];
  readonly orders?: readonly OrderDraft[];
  /**
   * Event clauses whose records the bundle places on purpose (the clause an onOrAfter counts, the
   * fill events of a coverage clause): a focused member's prerequisite records for them are left
   * out, so they do not move the dates the bundle aims at.
   */
  readonly provides?: readonly string[];
  /** The death date the records were aimed with (a coverage period cut at death). */
  readonly deathDate?: IsoDate;
  /** Spans without the pharmacy benefit (a coverage period cut at disenrollment). */
  readonly pharmacyGaps?: readonly Span[];
}

export const EMPTY: Bundle = { claims: [], observations: [], dispensings: [] };

/** One bundle of everything in `bundles`; the first death date wins. */
export function merge(bundles: readonly Bundle[]): Bundle {
  const provides = [...new Set(bundles.flatMap((x) => x.provides ?? []))];
  const deathDate = bundles.find((x) => x.deathDate !== undefined)?.deathDate;
  const gaps = bundles.flatMap((x) => x.pharmacyGaps ?? []);
  const conditions = bundles.flatMap((x) => x.conditions ?? []);
  const orders = bundles.flatMap((x) => x.orders ?? []);
  return {
    claims: bundles.flatMap((x) => x.claims),
    observations: bundles.flatMap((x) => x.observations),
    dispensings: bundles.flatMap((x) => x.dispensings),
    ...(conditions.length > 0 ? { conditions } : {}),
    ...(orders.length > 0 ? { orders } : {}),
    ...(provides.length > 0 ? { provides } : {}),
    ...(deathDate !== undefined ? { deathDate } : {}),
    ...(gaps.length > 0 ? { pharmacyGaps: gaps } : {}),
  };
}

/**
 * The dates of every record of a bundle, in record order (claims, observations, dispensings,
 * conditions' onsets, orders).
 */
export function recordDates(bundle: Bundle): IsoDate[] {
  return [
    ...bundle.claims.map((c) => c.date),
    ...bundle.observations.map((o) => o.date),
    ...bundle.dispensings.map((d) => d.date),
    ...(bundle.conditions ?? []).map((c) => c.onset),
    ...(bundle.orders ?? []).map((o) => o.date),
  ];
}

/**
 * The bundle with its records moved to `dates` (in the order of `recordDates`, cycling when
 * shorter); a claim, an observation and a condition keep the length of their span.
 */
export function redate(bundle: Bundle, dates: readonly IsoDate[]): Bundle {
  if (dates.length === 0) return bundle;
  let i = 0;
  const next = (): IsoDate => dates[i++ % dates.length] ?? dates[0] ?? '';
  const claims = bundle.claims.map((c): ClaimDraft => {
    const date = next();
    const stay = c.endDate !== undefined ? daysBetween(c.date, c.endDate) : undefined;
    return { ...c, date, ...(stay !== undefined ? { endDate: addDays(date, stay) } : {}) };
  });
  const observations = bundle.observations.map((o): Observation => {
    const date = next();
    const span = o.endDate !== undefined ? daysBetween(o.date, o.endDate) : undefined;
    return { ...o, date, ...(span !== undefined ? { endDate: addDays(date, span) } : {}) };
  });
  const dispensings = bundle.dispensings.map((d) => ({ ...d, date: next() }));
  const conditions = bundle.conditions?.map((c): ConditionDraft => {
    const onset = next();
    const span = c.abatement !== undefined ? daysBetween(c.onset, c.abatement) : undefined;
    return { ...c, onset, ...(span !== undefined ? { abatement: addDays(onset, span) } : {}) };
  });
  const orders = bundle.orders?.map((o) => ({ ...o, date: next() }));
  return {
    ...bundle,
    claims,
    observations,
    dispensings,
    ...(conditions ? { conditions } : {}),
    ...(orders ? { orders } : {}),
  };
}

/**
 * `enrollments` with the pharmacy benefit taken away inside each gap: a span that overlaps a gap
 * is split, and the piece inside keeps its medical benefit only.
 */
export function withoutPharmacy(
  enrollments: readonly Enrollment[],
  gaps: readonly Span[],
): Enrollment[] {
  let out = [...enrollments];
  for (const gap of gaps) {
    out = out.flatMap((e): Enrollment[] => {
      if (!e.pharmacy || e.end < gap.start || e.start > gap.end) return [e];
      const inner = { start: maxDate(e.start, gap.start), end: minDate(e.end, gap.end) };
      return [
        ...(e.start < inner.start ? [{ ...e, end: addDays(inner.start, -1) }] : []),
        { ...e, ...inner, pharmacy: false },
        ...(inner.end < e.end ? [{ ...e, start: addDays(inner.end, 1) }] : []),
      ];
    });
  }
  return out;
}
