import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths, daysBetween, minDate } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import type { Code, Dispensing } from '../../model/member.ts';
import type { CoverageBoundary, MeasureBoundaries } from '../boundaries.ts';
import type { Bundle, Span } from './bundle.ts';
import { EMPTY } from './bundle.ts';
import { sometimes } from './choice.ts';
import { decoyDrugs } from './codes.ts';
import { dateBetween } from './dates.ts';
import { ndcFor } from './dispensings.ts';

/** What makes two fills "the same drug": the drug name, or the code when there is no name. */
interface DrugIdentity {
  readonly drug?: string;
  readonly codes: readonly Code[];
}

/** Where the coverage period ends: at the window's end, at death, or at a pharmacy gap. */
type PeriodEnd =
  | { readonly kind: 'window' }
  | { readonly kind: 'death'; readonly after: number }
  | { readonly kind: 'disenrollment'; readonly after: number; readonly length: number };

/** One fill before it gets its drug and code. */
interface PlannedFill {
  readonly date: IsoDate;
  readonly daysSupply: number;
  /** 0 is the primary drug, 1 another drug the clause lists. */
  readonly drug: 0 | 1;
}

interface Extras {
  readonly primary: number;
  readonly other: number;
  /** A fill of another drug on the same day as fill number `sameDay` (mod the fill count). */
  readonly sameDay: number | undefined;
  /** A fill before the window whose supply reaches into it, this many days before its start. */
  readonly carryIn: number | undefined;
  readonly decoy: boolean;
  /** Refills spell the drug with a capital letter (still the same drug). */
  readonly capitalized: boolean;
}

/**
 * Dispensings aimed at coverage clause `c` (proportion of days covered), starting with an index
 * fill at the window's edges or at the edges of the event windows that read the same drugs (Dec
 * 31 - 91 days and the day after). Either a fill sequence built around the threshold, covering
 * exactly the fewest days that reach `atLeast` of the period, one day fewer or one more (split by
 * a gap, early refills of the same drug that the shift must put back, a last supply cut at the
 * period end), or a few free steps: refills overlapping by one or several days, touching, one
 * day late, of another drug, on the same day. The period sometimes ends at a death or at a
 * pharmacy gap the bundle carries. Undefined when the clause names no drug and no drug code.
 */
export function aimedFills(
  b: MeasureBoundaries,
  c: CoverageBoundary,
): Arbitrary<Bundle> | undefined {
  const identities: DrugIdentity[] =
    c.drugs.length > 0
      ? c.drugs.map((drug) => ({
          drug,
          codes: c.codes.length > 0 ? c.codes : [ndcFor(drug, 0), ndcFor(drug, 1)],
        }))
      : c.codes.map((code) => ({ codes: [code] }));
  if (identities.length === 0) return undefined;
  const to = c.window.to;
  const from = c.window.from ?? addMonths(to, -12);
  const maxGap = pharmacyGapLimit(b);
  const days = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constantFrom(91, 30), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 300 }), weight: 2 },
  );
  const end: Arbitrary<PeriodEnd> = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant<PeriodEnd>({ kind: 'window' }), weight: 6 },
    {
      arbitrary: days.map((after): PeriodEnd => ({ kind: 'death', after })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(days, fc.constantFrom(1, 14, maxGap))
        .map(([after, length]): PeriodEnd => ({ kind: 'disenrollment', after, length })),
      weight: 1,
    },
  );
  const extras: Arbitrary<Extras> = fc.record({
    primary: fc.nat(identities.length - 1),
    other: fc.nat(Math.max(0, identities.length - 2)),
    sameDay: sometimes(fc.nat(11), 0.2),
    carryIn:
      c.window.from !== undefined ? sometimes(fc.constantFrom(1, 15), 0.1) : fc.constant(undefined),
    decoy: fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
    capitalized: fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
  });
  const shape = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: nearThreshold(c), weight: 3 },
    { arbitrary: freeSteps(), weight: 2 },
  );
  // Index dates at the edges, or anywhere the related events still hold (on or before Oct 1).
  const latest = b.events
    .filter((e) => c.relatedEvents.includes(e.clauseId) && e.window.to >= from)
    .reduce((d, e) => minDate(d, e.window.to), to);
  const index = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constantFrom(...c.indexDates), weight: 2 },
    { arbitrary: dateBetween(from, latest), weight: 3 },
  );
  return fc
    .record({ index, end, shape, extras })
    .map(({ index, end: e, shape: plan, extras: x }): Bundle => {
      const cut = periodEnd(c, index, e);
      const planned = plan(index, cut.periodEnd);
      const fills = withExtras(planned, x, from);
      const dispensings = fills.map((f, i): Dispensing => {
        const id =
          f.drug === 'decoy'
            ? undefined
            : identities[f.drug === 0 ? x.primary : (x.primary + 1 + x.other) % identities.length];
        const name =
          f.drug === 'decoy'
            ? decoyDrugs(b)[0]
            : id?.drug !== undefined && x.capitalized && i > 0
              ? id.drug.charAt(0).toUpperCase() + id.drug.slice(1)
              : id?.drug;
        const code =
          f.drug === 'decoy'
            ? ndcFor(name ?? 'decoy', 0)
            : (id?.codes[i % id.codes.length] ?? ndcFor(name ?? '', 0));
        return {
          date: f.date,
          daysSupply: f.daysSupply,
          code: { system: code.system, code: code.code },
          ...(name !== undefined ? { drug: name } : {}),
        };
      });
      return {
        ...EMPTY,
        dispensings,
        provides: c.relatedEvents,
        ...(cut.deathDate !== undefined ? { deathDate: cut.deathDate } : {}),
        ...(cut.gap !== undefined ? { pharmacyGaps: [cut.gap] } : {}),
      };
    });
}

/** The period's last day, and the death or pharmacy gap that ends it there. */
function periodEnd(
  c: CoverageBoundary,
  index: IsoDate,
  e: PeriodEnd,
): { periodEnd: IsoDate; deathDate?: IsoDate; gap?: Span } {
  const to = c.window.to;
  if (e.kind === 'window') return { periodEnd: to };
  // Before the window's last day, so the member stays enrolled on it.
  const at = minDate(addDays(index, e.after), addDays(to, -1));
  if (e.kind === 'death') {
    return { periodEnd: c.endAtDeath && at >= index ? at : to, deathDate: at };
  }
  if (at <= index) return { periodEnd: to };
  const gap = { start: at, end: minDate(addDays(at, e.length - 1), addDays(to, -1)) };
  return { periodEnd: c.endAtDisenrollment ? addDays(at, -1) : to, gap };
}

/**
 * The longest pharmacy gap the measure's enrollment clauses allow in every product line (a
 * member with it stays in the population): their shortest maxDays, 28 days for a month, else 30.
 */
function pharmacyGapLimit(b: MeasureBoundaries): number {
  const limits = b.enrollments
    .filter((e) => e.benefit !== 'medical')
    .flatMap((e) =>
      Object.values(e.segments).flatMap((segs) =>
        segs.map((s) =>
          s.allowance.gaps === 0 ? 1 : (s.allowance.maxDays ?? (s.allowance.maxMonths ? 28 : 30)),
        ),
      ),
    );
  return limits.length > 0 ? Math.max(1, Math.min(...limits)) : 30;
}

type Plan = (index: IsoDate, periodEnd: IsoDate) => PlannedFill[];

/**
 * Fills of one drug covering exactly the fewest days that reach `atLeast` of the period (plus
 * `delta`: 79% against 80%), in two blocks of back-to-back supplies with the uncovered days
 * between them (or after the last). Refills inside a block come early by 0, 1 or a few days, so
 * the count is right only when an early refill of the same drug is shifted. In the cut variant
 * every supply is whole and the last runs past the period end by exactly the extra days.
 */
function nearThreshold(c: CoverageBoundary): Arbitrary<Plan> {
  const early = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(0), weight: 5 },
    { arbitrary: fc.constant(1), weight: 2 },
    { arbitrary: fc.integer({ min: 2, max: 10 }), weight: 1 },
  );
  return fc
    .record({
      delta: fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constantFrom(0, -1, 1), weight: 6 },
        { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 1 },
      ),
      supply: fc.constantFrom(30, 90),
      cut: fc.boolean(),
      split: fc.nat(99),
      early: fc.array(early, { maxLength: 13 }),
    })
    .map(({ delta, supply, cut, split, early: lateness }): Plan => (index, end) => {
      const period = Math.max(1, daysBetween(index, end) + 1);
      const covered = Math.min(period, Math.max(1, fewestDays(c.atLeast, period) + delta));
      const gap = period - covered;
      const count = Math.ceil(covered / supply);
      const excess = count * supply - covered;
      const cutFits = cut && excess > 0 && covered > supply;
      const supplies = Array.from({ length: count }, (_, k) =>
        cutFits || k < count - 1 ? supply : covered - (count - 1) * supply,
      );
      const firstBlock = cutFits
        ? 1 + (split % Math.floor((covered - 1) / supply))
        : 1 + (split % count);
      const fills: PlannedFill[] = [];
      let start = index;
      for (const [k, days] of supplies.entries()) {
        if (k === firstBlock) start = addDays(start, gap);
        const blockStart = k === 0 || k === firstBlock;
        const date = blockStart ? start : addDays(start, -(lateness[k] ?? 0));
        fills.push({ date, daysSupply: days, drug: 0 });
        start = addDays(start, days);
      }
      return fills;
    });
}

/** The fewest covered days whose proportion of `period` reaches `atLeast` (as the engine divides). */
function fewestDays(atLeast: number, period: number): number {
  let days = Math.ceil(atLeast * period);
  while (days > 0 && (days - 1) / period >= atLeast) days--;
  while (days / period < atLeast) days++;
  return days;
}

/**
 * An index fill and up to five refills, each relative to the end of the previous supply: touching
 * it, one day early or late, several days early (overlap), later; sometimes of another drug, or
 * on the same day as the previous fill.
 */
function freeSteps(): Arbitrary<Plan> {
  const supply = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constantFrom(30, 90), weight: 4 },
    { arbitrary: fc.integer({ min: 1, max: 120 }), weight: 1 },
  );
  const step = fc.record({
    gap: fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constantFrom(0, -1, 1), weight: 4 },
      { arbitrary: fc.constantFrom(-5, -10), weight: 2 },
      { arbitrary: fc.integer({ min: -20, max: 60 }), weight: 1 },
    ),
    supply,
    otherDrug: fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant(false), weight: 5 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
    sameDay: fc.oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant(false), weight: 6 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
  });
  return fc
    .record({ first: supply, steps: fc.array(step, { maxLength: 5 }) })
    .map(({ first, steps }): Plan => (index) => {
      const fills: PlannedFill[] = [{ date: index, daysSupply: first, drug: 0 }];
      let prev = fills[0] ?? { date: index, daysSupply: first, drug: 0 };
      for (const s of steps) {
        const next = addDays(prev.date, prev.daysSupply + s.gap);
        const date = s.sameDay || next < prev.date ? prev.date : next;
        const fill: PlannedFill = { date, daysSupply: s.supply, drug: s.otherDrug ? 1 : 0 };
        fills.push(fill);
        prev = fill;
      }
      return fills;
    });
}

/** The planned fills with the extras: another drug on the same day, a carry-in fill, a decoy. */
function withExtras(
  planned: readonly PlannedFill[],
  x: Extras,
  windowFrom: IsoDate,
): (Omit<PlannedFill, 'drug'> & { drug: 0 | 1 | 'decoy' })[] {
  const out: (Omit<PlannedFill, 'drug'> & { drug: 0 | 1 | 'decoy' })[] = [...planned];
  const twin = x.sameDay !== undefined ? planned[x.sameDay % planned.length] : undefined;
  if (twin)
    out.push({ date: twin.date, daysSupply: twin.daysSupply, drug: twin.drug === 0 ? 1 : 0 });
  if (x.carryIn !== undefined) {
    out.push({ date: addDays(windowFrom, -x.carryIn), daysSupply: 30, drug: 0 });
  }
  const first = planned[0];
  if (x.decoy && first) out.push({ date: first.date, daysSupply: 30, drug: 'decoy' });
  return out;
}
