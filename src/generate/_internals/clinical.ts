import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths, daysBetween } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import { CLAIM_KINDS, ORDER_KINDS } from '../../model/member.ts';
import type { Claim, Code, Observation } from '../../model/member.ts';
import type {
  ClinicalAims,
  CodeAims,
  EventBoundary,
  MeasureBoundaries,
  ReadingBoundary,
  SpanMode,
} from '../boundaries.ts';
import { CONDITION_CLINICAL_STATUSES } from '../../rulepack/schema.ts';
import type { Bundle, ConditionDraft, OrderDraft } from './bundle.ts';
import { EMPTY } from './bundle.ts';
import type { ClaimDraft } from './claims.ts';
import { oneOrMore, pick, preferFirst } from './choice.ts';
import { acceptedSettings, decoyCodes } from './codes.ts';
import { dateBetween, dateNear, yearEnd, yearStart } from './dates.ts';

/**
 * Aims for the clinical record fields (docs/contract.md, "Clinical record fields"). Only clauses
 * that read them get them: a clause without `clinical` aims and without conditions or orders gets
 * exactly the records it got before these fields existed, so a HEDIS run replays for a seed.
 * Every drawn field shrinks toward absent (its first option), and records toward fewer.
 */

/** How far outside a window the non-edge dates of aimed records may fall. */
const SLACK_DAYS = 30;

/** Statuses of FHIR records, to draw ones a clause does not list. */
const STATUSES: readonly string[] = [
  'finished',
  'completed',
  'final',
  'amended',
  'corrected',
  'active',
  'arrived',
  'in-progress',
  'cancelled',
  'entered-in-error',
  'draft',
  'preliminary',
  'unknown',
  'resolved',
  'inactive',
];

const INTENTS: readonly string[] = ['order', 'original-order', 'plan', 'proposal', 'directive'];

const CATEGORIES: readonly string[] = [
  'laboratory',
  'survey',
  'vital-signs',
  'exam',
  'social-history',
  'problem-list-item',
  'encounter-diagnosis',
];

/** Roles a code may have on a record. */
const ROLES: readonly string[] = ['discharge-disposition', 'body-site', 'diagnosis'];

const VERIFICATION: readonly string[] = ['confirmed', 'unconfirmed', 'refuted', 'entered-in-error'];

/** Whether aimed records for `e` carry clinical fields (HEDIS clauses: never). */
export function readsClinical(e: EventBoundary): boolean {
  return (
    e.clinical !== undefined || e.records.includes('conditions') || e.records.includes('orders')
  );
}

/**
 * A value for a field a clause may list: absent first (where shrinking goes), mostly a listed
 * value, sometimes an unlisted one from `pool`. A clause that lists none gets mostly absent.
 */
function listed<T extends string>(
  values: readonly T[] | undefined,
  pool: readonly T[],
): Arbitrary<T | undefined> {
  const other = pick(pool.filter((s) => !(values ?? []).includes(s)));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: values ? 1 : 6 },
    ...(values && values.length > 0 ? [{ arbitrary: fc.constantFrom(...values), weight: 6 }] : []),
    ...(other ? [{ arbitrary: other, weight: values ? 2 : 1 }] : []),
  );
}

/** A filter of an event clause on a record's own facts. */
type Filter = 'kind' | 'status' | 'intent' | 'doNotPerform' | 'category' | 'value' | 'with';

/**
 * How one record is aimed at its clause's filters: each drawn on its own (`free`), all passing
 * (`pass`), or all passing but one (`miss`), so that one filter decides whether the record counts
 * and each filter's boundary is met with the others out of the way.
 */
type FilterAim =
  | { readonly mode: 'free' }
  | { readonly mode: 'pass' }
  | { readonly mode: 'miss'; readonly filter: Filter };

/** The filters the clinical aims `a` set (in a fixed order). */
function filtersOf(a: ClinicalAims | undefined, applicable: readonly Filter[]): Filter[] {
  if (!a) return [];
  const set: Record<Filter, boolean> = {
    kind: a.kinds !== undefined,
    status: a.statuses !== undefined,
    intent: a.intents !== undefined,
    doNotPerform: a.doNotPerform !== undefined,
    category: a.categories !== undefined,
    value: a.value !== undefined,
    with: a.with !== undefined,
  };
  return applicable.filter((f) => set[f]);
}

/**
 * Free first (where shrinking goes: free fields shrink to absent), then pass, then one miss.
 * Readings weigh pass more: a day's readings count only when every one of them passes.
 */
function filterAim(
  filters: readonly Filter[],
  weights: { readonly free: number; readonly pass: number; readonly miss: number } = {
    free: 3,
    pass: 3,
    miss: 4,
  },
): Arbitrary<FilterAim> {
  if (filters.length === 0) return fc.constant({ mode: 'free' });
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant<FilterAim>({ mode: 'free' }), weight: weights.free },
    { arbitrary: fc.constant<FilterAim>({ mode: 'pass' }), weight: weights.pass },
    {
      arbitrary: fc.constantFrom(...filters).map((filter): FilterAim => ({ mode: 'miss', filter })),
      weight: weights.miss,
    },
  );
}

/** One field drawn three ways; `take` picks the way the record's aim says. */
interface Sided<T> {
  readonly free: T;
  readonly pass: T;
  readonly miss: T;
}

function sided<T>(free: Arbitrary<T>, pass: Arbitrary<T>, miss: Arbitrary<T>): Arbitrary<Sided<T>> {
  return fc.record({ free, pass, miss });
}

function take<T>(s: Sided<T>, aim: FilterAim, filter: Filter): T {
  if (aim.mode === 'free') return s.free;
  return aim.mode === 'miss' && aim.filter === filter ? s.miss : s.pass;
}

/** A listed value (pass), an unlisted one or none (miss), or either (free). */
function listedSides<T extends string>(
  values: readonly T[] | undefined,
  pool: readonly T[],
  absentPasses = false,
): Arbitrary<Sided<T | undefined>> {
  const free = listed(values, pool);
  if (!values) return sided(free, free, free);
  const other = pick(pool.filter((v) => !values.includes(v)));
  const pass =
    values.length > 0
      ? absentPasses
        ? fc.option(fc.constantFrom(...values), { nil: undefined })
        : fc.constantFrom<T | undefined>(...values)
      : free;
  const miss = absentPasses
    ? (other ?? fc.constant(undefined))
    : other
      ? fc.option(other, { nil: undefined })
      : fc.constant(undefined);
  return sided(free, pass, miss);
}

/** doNotPerform: absent, false or true, when the clause looks at it; else absent. */
function doNotPerformFor(a: ClinicalAims | undefined): Arbitrary<boolean | undefined> {
  if (a?.doNotPerform === undefined) return fc.constant(undefined);
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: fc.constant(false), weight: 3 },
    { arbitrary: fc.constant(true), weight: 3 },
  );
}

/** doNotPerform as the clause wants it (pass), the other way (miss), or any (free). */
function doNotPerformSides(a: ClinicalAims | undefined): Arbitrary<Sided<boolean | undefined>> {
  const free = doNotPerformFor(a);
  if (a?.doNotPerform === undefined) return sided(free, free, free);
  const negated = fc.option(fc.constant(false), { nil: undefined });
  return a.doNotPerform
    ? sided(free, fc.constant(true), negated)
    : sided(free, negated, fc.constant(true));
}

/** Categories: absent, one listed, one unlisted, or an unlisted one beside a listed one. */
function categoryFor(
  a: { readonly categories?: readonly string[] } | undefined,
): Arbitrary<string[] | undefined> {
  const wanted = a?.categories;
  const one = listed(wanted, CATEGORIES);
  if (!wanted) return fc.constant(undefined);
  const other = pick(CATEGORIES.filter((c) => !wanted.includes(c))) ?? fc.constant('other');
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: one.map((c) => (c === undefined ? undefined : [c])), weight: 8 },
    { arbitrary: fc.tuple(other, fc.constantFrom(...wanted)), weight: 1 },
  );
}

/** Categories with a listed one (pass), without (miss: none or another), or any (free). */
function categorySides(
  a: { readonly categories?: readonly string[] } | undefined,
): Arbitrary<Sided<string[] | undefined>> {
  const free = categoryFor(a);
  const wanted = a?.categories;
  if (!wanted) return sided(free, free, free);
  const other = pick(CATEGORIES.filter((c) => !wanted.includes(c))) ?? fc.constant('other');
  return sided(
    free,
    fc.constantFrom(...wanted).map((c) => [c]),
    fc.option(
      other.map((c) => [c]),
      { nil: undefined },
    ),
  );
}

/** A code of `aims` (mostly), or just outside them. */
function codeOf(aims: CodeAims): Arbitrary<Code> | undefined {
  const strip = (c: { system: Code['system']; code: string }): Code => ({
    system: c.system,
    code: c.code,
  });
  return preferFirst<Code>([pick(aims.codes.map(strip)), 4], [pick(aims.nearMisses.map(strip)), 1]);
}

/**
 * The second code a `with` test reads: none first, then mostly one of its value sets with the
 * right role, and one with another role, with no role, or with the right role but outside.
 */
function withCodeFor(a: ClinicalAims | undefined): Arbitrary<Code | undefined> {
  const w = a?.with;
  if (!w) return fc.constant(undefined);
  const inside = pick(w.codes.map((c): Code => ({ system: c.system, code: c.code })));
  const outside = pick(w.nearMisses.map((c): Code => ({ system: c.system, code: c.code })));
  if (!inside) return fc.constant(undefined);
  const role = w.role;
  const otherRole = ROLES.find((r) => r !== role) ?? 'diagnosis';
  const options: { arbitrary: Arbitrary<Code | undefined>; weight: number }[] = [
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: inside.map((c) => (role ? { ...c, role } : c)), weight: 6 },
    { arbitrary: inside.map((c) => ({ ...c, role: otherRole })), weight: 2 },
  ];
  if (role) options.push({ arbitrary: inside, weight: 2 });
  if (outside)
    options.push({ arbitrary: outside.map((c) => (role ? { ...c, role } : c)), weight: 1 });
  return fc.oneof({ withCrossShrink: true }, ...options);
}

/**
 * The second code for `with`: in its value sets with its role (pass), with another role, no
 * role, outside the value sets, or none (miss), or any of these (free).
 */
function withSides(a: ClinicalAims | undefined): Arbitrary<Sided<Code | undefined>> {
  const free = withCodeFor(a);
  const w = a?.with;
  const inside = w && pick(w.codes.map((c): Code => ({ system: c.system, code: c.code })));
  if (!w || !inside) return sided(free, free, free);
  const role = w.role;
  const otherRole = ROLES.find((r) => r !== role) ?? 'diagnosis';
  const outside = pick(w.nearMisses.map((c): Code => ({ system: c.system, code: c.code })));
  const misses: Arbitrary<Code | undefined>[] = [
    fc.constant(undefined),
    inside.map((c) => ({ ...c, role: otherRole })),
    ...(role ? [inside] : []),
    ...(outside ? [outside.map((c) => (role ? { ...c, role } : c))] : []),
  ];
  return sided(
    free,
    inside.map((c) => (role ? { ...c, role } : c)),
    fc.oneof(...misses),
  );
}

/** The window's edges of `e` and the day on either side of each, to end spans on. */
function endPoints(e: EventBoundary): IsoDate[] {
  const out = new Set<IsoDate>();
  for (const p of e.edges) {
    out.add(p.date);
    out.add(addDays(p.date, 1));
    out.add(addDays(p.date, -1));
  }
  return [...out].sort();
}

/** A date near the window of `e`: mostly an edge, sometimes anywhere around it. */
export function nearWindow(e: EventBoundary): Arbitrary<IsoDate> {
  const to = e.window.to;
  const from = e.window.from ?? addMonths(to, -120);
  return dateNear(
    e.edges.map((p) => p.date),
    addDays(from, -SLACK_DAYS),
    addDays(to, SLACK_DAYS),
  );
}

/**
 * Where a span ends: on `end`, starting `back` days before it, or (without `back`) spanning from
 * the record's own date to `end`, whichever comes first.
 */
interface SpanEnd {
  readonly end: IsoDate;
  readonly back?: number;
}

/**
 * The end of a span for a clause that reads spans by end, overlap or within: none first (the
 * span is its start alone), mostly just inside or just outside an edge of the window, often a
 * short span ending there (so its start sits on or beside the same edge). Undefined for a clause
 * that reads the start only.
 */
function spanEndFor(e: EventBoundary, by: SpanMode | undefined): Arbitrary<SpanEnd | undefined> {
  if (by === undefined || by === 'start') return fc.constant(undefined);
  const edge = fc.constantFrom(...endPoints(e));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: edge.map((end): SpanEnd => ({ end })), weight: 3 },
    {
      arbitrary: fc
        .record({ end: edge, back: fc.constantFrom(0, 1, 3, 30) })
        .map((x): SpanEnd => x),
      weight: 3,
    },
    { arbitrary: nearWindow(e).map((end): SpanEnd => ({ end })), weight: 1 },
  );
}

/** `start` and `end` as a span: the earlier is the start. */
function span(start: IsoDate, end: IsoDate | undefined): { start: IsoDate; end?: IsoDate } {
  if (end === undefined) return { start };
  return start <= end ? { start, end } : { start: end, end: start };
}

/** The span of a record drawn on `date` that ends as `x` says. */
function spanTo(date: IsoDate, x: SpanEnd): { start: IsoDate; end: IsoDate } {
  if (x.back !== undefined) return { start: addDays(x.end, -x.back), end: x.end };
  const s = span(date, x.end);
  return { start: s.start, end: s.end ?? s.start };
}

interface RecordExtras {
  readonly kind: Claim['kind'];
  readonly status: string | undefined;
  readonly doNotPerform: boolean | undefined;
  readonly withCode: Code | undefined;
  readonly withFirst: boolean;
  readonly end: SpanEnd | undefined;
  /** How the record was aimed (conditions and orders aim their other fields the same way). */
  readonly aim: FilterAim;
}

/** Claims: what a claim's filters read. */
const CLAIM_FILTERS: readonly Filter[] = ['kind', 'status', 'doNotPerform', 'with'];

function recordExtras(
  e: EventBoundary,
  filters: readonly Filter[] = CLAIM_FILTERS,
): Arbitrary<RecordExtras> {
  const a = e.clinical;
  const kinds = a?.kinds;
  const noKind = fc.constant(undefined);
  return fc
    .record({
      aim: filterAim(filtersOf(a, filters)),
      kind: kinds
        ? listedSides(
            CLAIM_KINDS.filter((k) => kinds.includes(k)),
            CLAIM_KINDS,
            // A claim without kind is a claim.
            kinds.includes('claim'),
          )
        : sided(noKind, noKind, noKind),
      status: listedSides(a?.statuses, STATUSES),
      doNotPerform: doNotPerformSides(a),
      withCode: withSides(a),
      withFirst: fc.boolean(),
      end: spanEndFor(e, a?.by),
    })
    .map(({ aim, kind, status, doNotPerform, withCode, withFirst, end }): RecordExtras => ({
      kind: take(kind, aim, 'kind'),
      status: take(status, aim, 'status'),
      doNotPerform: take(doNotPerform, aim, 'doNotPerform'),
      withCode: take(withCode, aim, 'with'),
      withFirst,
      end,
      aim,
    }));
}

/** `codes` with the second code of a `with` test added (before or after them). */
function withSecond(codes: readonly Code[], x: RecordExtras): Code[] {
  if (x.withCode === undefined) return [...codes];
  return x.withFirst ? [x.withCode, ...codes] : [...codes, x.withCode];
}

/** Up to this many records of one aimed bundle get their own extras (then they repeat). */
const EXTRAS = 3;

/**
 * Claims aimed at `e` with the clinical fields its clause reads: kind, status, doNotPerform, a
 * second code for `with`, a stay ending around the window's edges for `by`.
 */
export function clinicalClaims(
  e: EventBoundary,
  claims: Arbitrary<ClaimDraft[]>,
): Arbitrary<ClaimDraft[]> {
  const extras = fc.tuple(...Array.from({ length: EXTRAS }, () => recordExtras(e)));
  return fc.tuple(claims, extras).map(([drafts, xs]) =>
    drafts.map((c, i): ClaimDraft => {
      const x = xs[i % EXTRAS] ?? xs[0];
      if (!x) return c;
      const s = x.end !== undefined ? spanTo(c.date, x.end) : undefined;
      return {
        ...c,
        ...(s ? { date: s.start, endDate: s.end } : {}),
        codes: withSecond(c.codes, x),
        ...(x.kind !== undefined ? { kind: x.kind } : {}),
        ...(x.status !== undefined ? { status: x.status } : {}),
        ...(x.doNotPerform !== undefined ? { doNotPerform: x.doNotPerform } : {}),
      };
    }),
  );
}

interface ObservationExtras {
  readonly status: string | undefined;
  readonly category: string[] | undefined;
  readonly end: SpanEnd | undefined;
  /** A coded result, or `drop` to take the value away too (no result at all). */
  readonly result: Code | 'drop' | undefined;
  readonly id: boolean;
}

/** A coded result for an observation aimed at `a`: none first, in or out of its value sets. */
function resultFor(
  b: MeasureBoundaries,
  a: ClinicalAims | undefined,
): Arbitrary<Code | 'drop' | undefined> {
  const value = a?.value;
  if (!value) return fc.constant(undefined);
  const anyCode = pick(
    b.valueSets.flatMap((vs) => vs.codes.map((c): Code => ({ system: c.system, code: c.code }))),
  );
  const coded = value.kind === 'coded' ? codeOf(value) : anyCode;
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: 2 },
    ...(coded ? [{ arbitrary: coded, weight: 6 }] : []),
    { arbitrary: fc.constant('drop' as const), weight: 2 },
  );
}

/**
 * The result of an observation: one the clause's `value` accepts (pass: a code of its value sets,
 * or for `present` the value or any code), one it does not (miss: a code just outside, or no
 * result at all), or any (free).
 */
function resultSides(
  b: MeasureBoundaries,
  a: ClinicalAims | undefined,
): Arbitrary<Sided<Code | 'drop' | undefined>> {
  const free = resultFor(b, a);
  const value = a?.value;
  if (!value) return sided(free, free, free);
  const drop = fc.constant('drop' as const);
  if (value.kind === 'present') return sided(free, fc.constant(undefined), drop);
  const inside = pick(value.codes.map((c): Code => ({ system: c.system, code: c.code })));
  const outside = pick(value.nearMisses.map((c): Code => ({ system: c.system, code: c.code })));
  return sided(
    free,
    inside ?? free,
    fc.oneof(fc.constant(undefined), drop, ...(outside ? [outside] : [])),
  );
}

/**
 * Observations aimed at `e` with the clinical fields its clause reads: status, category, a coded
 * result (or none at all), an effective period ending around the window's edges, an id.
 */
export function clinicalObservations(
  b: MeasureBoundaries,
  e: EventBoundary,
  observations: Arbitrary<Observation[]>,
): Arbitrary<Observation[]> {
  const a = e.clinical;
  const one: Arbitrary<ObservationExtras> = fc
    .record({
      aim: filterAim(filtersOf(a, ['status', 'category', 'value'])),
      status: listedSides(a?.statuses, STATUSES),
      category: categorySides(a),
      end: spanEndFor(e, a?.by),
      result: resultSides(b, a),
      id: fc.boolean(),
    })
    .map(({ aim, status, category, end, result, id }) => ({
      status: take(status, aim, 'status'),
      category: take(category, aim, 'category'),
      end,
      result: take(result, aim, 'value'),
      id,
    }));
  const extras = fc.tuple(...Array.from({ length: EXTRAS }, () => one));
  return fc.tuple(observations, extras).map(([list, xs]) =>
    list.map((o, i): Observation => {
      const x = xs[i % EXTRAS] ?? xs[0];
      if (!x) return o;
      const s = x.end !== undefined ? spanTo(o.date, x.end) : undefined;
      const { value, unit, ...rest } = o;
      const keepValue = x.result !== 'drop';
      return {
        ...(x.id ? { id: 'O' } : {}),
        ...rest,
        ...(s ? { date: s.start, endDate: s.end } : {}),
        ...(keepValue && value !== undefined ? { value } : {}),
        ...(keepValue && unit !== undefined ? { unit } : {}),
        ...(x.result !== undefined && x.result !== 'drop' ? { valueCode: x.result } : {}),
        ...(x.status !== undefined ? { status: x.status } : {}),
        ...(x.category !== undefined ? { category: x.category } : {}),
      };
    }),
  );
}

/** The clause's own code (mostly), a near miss, or another clause's code, sometimes with a role. */
function ownCode(b: MeasureBoundaries, e: EventBoundary): Arbitrary<Code> | undefined {
  const own = pick(e.codes.map((c): Code => ({ system: c.system, code: c.code })));
  if (!own) return undefined;
  return (
    preferFirst<Code>(
      [own, 8],
      [pick(e.nearMisses.map((c): Code => ({ system: c.system, code: c.code }))), 1],
      [pick(decoyCodes(b, e)), 1],
      // The right code under a role is another fact about the record, never what it is.
      [own.map((c) => ({ ...c, role: 'diagnosis' })), 1],
    ) ?? own
  );
}

/**
 * The clinical status of a condition for a clause with `ongoingStatuses` (and no status filter):
 * none first (where shrinking goes), mostly one under which a condition without abatement is still
 * going, often another clinical status (its end is then unknown). Not a filter: every side is the
 * same.
 */
function ongoingStatusSides(ongoing: readonly string[]): Arbitrary<Sided<string | undefined>> {
  const other = pick(CONDITION_CLINICAL_STATUSES.filter((s) => !ongoing.includes(s)));
  const status = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant<string | undefined>(undefined), weight: 2 },
    ...(ongoing.length > 0 ? [{ arbitrary: fc.constantFrom(...ongoing), weight: 4 }] : []),
    ...(other ? [{ arbitrary: other, weight: 3 }] : []),
  );
  return sided(status, status, status);
}

/**
 * One or two conditions aimed at `e`: its code (or one just outside), an onset at the window's
 * edges, open-ended or abated just inside or outside an edge, a clinical status in or out of the
 * clause's list (or, for `ongoingStatuses`, one under which it is still going, another or none), a
 * verification status, categories and a second code for `with`. Undefined when the clause reads
 * no conditions or has no codes.
 */
export function aimedConditions(
  b: MeasureBoundaries,
  e: EventBoundary,
): Arbitrary<ConditionDraft[]> | undefined {
  if (!e.records.includes('conditions')) return undefined;
  const code = ownCode(b, e);
  if (!code) return undefined;
  const a = e.clinical;
  const condition = fc
    .record({
      code,
      onset: nearWindow(e),
      // Open-ended first: a condition still going is the simplest. Abated ones end at an edge,
      // some just after an onset beside the same edge.
      abatement: fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: fc.constantFrom(...endPoints(e)).map((end): SpanEnd => ({ end })), weight: 2 },
        {
          arbitrary: fc
            .record({ end: fc.constantFrom(...endPoints(e)), back: fc.constantFrom(0, 1, 30, 365) })
            .map((x): SpanEnd => x),
          weight: 2,
        },
      ),
      clinicalStatus:
        a?.ongoingStatuses !== undefined && a.statuses === undefined
          ? ongoingStatusSides(a.ongoingStatuses)
          : listedSides(a?.statuses, STATUSES),
      verificationStatus: listed(undefined, VERIFICATION),
      category: categorySides(a),
      extras: recordExtras(e, ['status', 'category', 'with']),
    })
    .map(({ code: c, onset, abatement, verificationStatus, extras, ...sides }) => {
      const s = abatement ? spanTo(onset, abatement) : { start: onset, end: undefined };
      const clinicalStatus = take(sides.clinicalStatus, extras.aim, 'status');
      const category = take(sides.category, extras.aim, 'category');
      return {
        onset: s.start,
        ...(s.end !== undefined ? { abatement: s.end } : {}),
        codes: withSecond([c], extras),
        ...(clinicalStatus !== undefined ? { clinicalStatus } : {}),
        ...(verificationStatus !== undefined ? { verificationStatus } : {}),
        ...(category !== undefined ? { category } : {}),
      };
    });
  return oneOrMore(condition, 2);
}

/**
 * One or two orders aimed at `e`: its code, a kind listed or not, an authored date at the
 * window's edges, a days' supply that ends the order's span just inside or outside an edge (or
 * none), a status, an intent in or out of the clause's lists, doNotPerform and a second code for
 * `with`. Undefined when the clause reads no orders or has no codes.
 */
export function aimedOrders(
  b: MeasureBoundaries,
  e: EventBoundary,
): Arbitrary<OrderDraft[]> | undefined {
  if (!e.records.includes('orders')) return undefined;
  const code = ownCode(b, e);
  if (!code) return undefined;
  const a = e.clinical;
  const wanted = ORDER_KINDS.filter((k) => (a?.kinds ?? []).includes(k));
  const anyKind = fc.constantFrom(...ORDER_KINDS);
  const otherKind = pick(ORDER_KINDS.filter((k) => !wanted.includes(k))) ?? anyKind;
  const kind =
    wanted.length > 0
      ? sided(
          fc.oneof(
            { withCrossShrink: true },
            { arbitrary: fc.constantFrom(...wanted), weight: 6 },
            { arbitrary: anyKind, weight: 2 },
          ),
          fc.constantFrom(...wanted),
          otherKind,
        )
      : sided(anyKind, anyKind, anyKind);
  const order = fc
    .record({
      code,
      kind,
      date: nearWindow(e),
      // No supply first; then one that ends the span on an edge or the day beside it.
      supplyEnd: fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constant(undefined), weight: 2 },
        { arbitrary: fc.constantFrom(...endPoints(e)), weight: 5 },
        { arbitrary: fc.constantFrom(30, 90), weight: 1 },
      ),
      status: listedSides(a?.statuses, STATUSES),
      intent: listedSides(a?.intents, INTENTS),
      extras: recordExtras(e, ['kind', 'status', 'intent', 'doNotPerform', 'with']),
    })
    .map(({ code: c, date, supplyEnd, extras, ...sides }): OrderDraft => {
      const k = take(sides.kind, extras.aim, 'kind');
      const status = take(sides.status, extras.aim, 'status');
      const intent = take(sides.intent, extras.aim, 'intent');
      const days =
        typeof supplyEnd === 'number'
          ? supplyEnd
          : supplyEnd !== undefined && supplyEnd >= date
            ? daysBetween(date, supplyEnd) + 1
            : undefined;
      return {
        kind: k,
        date,
        ...(days !== undefined ? { daysSupply: days } : {}),
        codes: withSecond([c], extras),
        ...(status !== undefined ? { status } : {}),
        ...(intent !== undefined ? { intent } : {}),
        ...(extras.doNotPerform !== undefined ? { doNotPerform: extras.doNotPerform } : {}),
      };
    });
  return oneOrMore(order, 2);
}

/** Conditions or orders as a bundle. */
export function conditionBundle(conditions: ConditionDraft[]): Bundle {
  return { ...EMPTY, conditions };
}

export function orderBundle(orders: OrderDraft[]): Bundle {
  return { ...EMPTY, orders };
}

/**
 * One record that counts for a clause reading clinical fields on `date`: the first listed kind,
 * status, intent and category, doNotPerform as the clause wants it, a coded result in its value
 * sets (or a value), the second code `with` asks for, and a span of that one day. Undefined when
 * no record can count.
 */
export function countingClinicalRecord(e: EventBoundary, date: IsoDate): Bundle | undefined {
  const a = e.clinical;
  const first = e.codes[0];
  if (!first) return undefined;
  const own: Code = { system: first.system, code: first.code };
  const aimsWith = a?.with;
  const w = aimsWith?.codes[0];
  const second: Code[] =
    aimsWith && w
      ? [{ system: w.system, code: w.code, ...(aimsWith.role ? { role: aimsWith.role } : {}) }]
      : [];
  const codes = [own, ...second];
  const status = a?.statuses?.[0];
  const dnp = a?.doNotPerform === true ? { doNotPerform: true } : {};
  const category = a?.categories?.[0];
  const claimKind = CLAIM_KINDS.find((k) => a?.kinds === undefined || a.kinds.includes(k));
  const orderKind = ORDER_KINDS.find((k) => a?.kinds === undefined || a.kinds.includes(k));
  const setting = acceptedSettings(e)[0];
  if (e.records.includes('claims') && claimKind && setting && !a?.categories && !a?.value) {
    const claim: ClaimDraft = {
      date,
      setting,
      codes,
      ...(a?.kinds ? { kind: claimKind } : {}),
      ...(status !== undefined ? { status } : {}),
      ...dnp,
    };
    return { ...EMPTY, claims: [claim] };
  }
  if (e.records.includes('conditions') && !a?.kinds && !a?.intents && !a?.value) {
    const condition: ConditionDraft = {
      onset: date,
      abatement: date,
      codes,
      ...(status !== undefined ? { clinicalStatus: status } : {}),
      ...(category !== undefined ? { category: [category] } : {}),
    };
    return { ...EMPTY, conditions: [condition] };
  }
  if (e.records.includes('orders') && orderKind && !a?.categories && !a?.value) {
    const order: OrderDraft = {
      kind: orderKind,
      date,
      codes,
      ...(status !== undefined ? { status } : {}),
      ...(a?.intents?.[0] !== undefined ? { intent: a.intents[0] } : {}),
      ...dnp,
    };
    return { ...EMPTY, orders: [order] };
  }
  if (e.records.includes('observations') && !a?.kinds && !a?.intents && second.length === 0) {
    const value = a?.value;
    const coded = value?.kind === 'coded' ? value.codes[0] : undefined;
    const observation: Observation = {
      date,
      code: own,
      ...(value?.kind === 'present' ? { value: 1 } : {}),
      ...(coded ? { valueCode: { system: coded.system, code: coded.code } } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(category !== undefined ? { category: [category] } : {}),
      ...(setting !== undefined ? { setting } : {}),
    };
    return { ...EMPTY, observations: [observation] };
  }
  return undefined;
}

/** An observation of a reading before its date: `span` days long, ending or starting on it. */
export type ReadingDraft = Omit<Observation, 'date'> & {
  readonly span?: { readonly days: number; readonly endsOnDay: boolean };
};

/**
 * An observation of value set `vs` aimed at the clinical aims of reading `r`: a status and
 * categories in or out of its lists (or none), an effective period (for `by: end`), a coded
 * result in or out of a coded test's value sets (or none, the numeric value dropped), and
 * sometimes no value at all where a test takes `ifAnyMissing`.
 */
export function clinicalReading(
  r: ReadingBoundary,
  vs: string,
  observation: Arbitrary<Omit<Observation, 'date'>>,
): Arbitrary<ReadingDraft> {
  const a = r.clinical;
  if (!a) return observation;
  const coded = a.codedTests.filter((t) => t.valueSet === undefined || t.valueSet === vs);
  const codes = coded.length > 0 ? codeOf(mergeAims(coded)) : undefined;
  const missing = a.ifAnyMissing.some((name) => name === '' || name === vs);
  return fc
    .record({
      observation,
      aim: filterAim(
        [
          ...(a.statuses ? (['status'] as const) : []),
          ...(a.categories ? (['category'] as const) : []),
        ],
        { free: 1, pass: 8, miss: 2 },
      ),
      status: listedSides(a.statuses, STATUSES),
      category: categorySides(a),
      span:
        a.by === 'end'
          ? fc.oneof(
              { withCrossShrink: true },
              { arbitrary: fc.constant(undefined), weight: 1 },
              {
                arbitrary: fc.record({
                  days: fc.constantFrom(0, 1, 30),
                  endsOnDay: fc.boolean(),
                }),
                weight: 3,
              },
            )
          : fc.constant(undefined),
      valueCode: codes
        ? fc.oneof(
            { withCrossShrink: true },
            { arbitrary: fc.constant(undefined), weight: 1 },
            { arbitrary: codes, weight: 4 },
          )
        : fc.constant(undefined),
      // One reading in five without a value where a test takes ifAnyMissing: a day with two or
      // more readings then often has one missing among them.
      noValue: missing
        ? fc.oneof(
            { withCrossShrink: true },
            { arbitrary: fc.constant(false), weight: 4 },
            { arbitrary: fc.constant(true), weight: 1 },
          )
        : fc.constant(false),
    })
    .map(({ observation: o, aim, span: s, valueCode, noValue, ...sides }): ReadingDraft => {
      const status = take(sides.status, aim, 'status');
      const category = take(sides.category, aim, 'category');
      const { value, unit, ...rest } = o;
      const keep = !noValue && coded.length === 0;
      return {
        ...rest,
        ...(keep && value !== undefined ? { value } : {}),
        ...(keep && unit !== undefined ? { unit } : {}),
        ...(valueCode !== undefined ? { valueCode } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(category !== undefined ? { category } : {}),
        ...(s !== undefined ? { span: s } : {}),
      };
    });
}

function mergeAims(aims: readonly CodeAims[]): CodeAims {
  return {
    valueSets: aims.flatMap((x) => x.valueSets),
    codes: aims.flatMap((x) => x.codes),
    nearMisses: aims.flatMap((x) => x.nearMisses),
  };
}

/** The observations of `list` on `date` (a draft's span starting or ending on it). */
export function readingsOn(date: IsoDate, list: readonly ReadingDraft[]): Observation[] {
  return list.map(({ span: s, ...x }): Observation => {
    if (s === undefined) return { date, ...x };
    const start = s.endsOnDay ? addDays(date, -s.days) : date;
    return { date: start, ...x, endDate: addDays(start, s.days) };
  });
}

/** Uniform conditions and orders for a measure whose clauses read them. */
export interface UniformClinical {
  readonly conditions: ConditionDraft[];
  readonly orders: OrderDraft[];
}

/**
 * Conditions and orders with no aim, for the uniform baseline of a measure that reads them: codes
 * drawn from every value set of the measure, dates uniform over MY-11..MY, statuses and intents
 * from every clause's lists and a few others. Undefined for a measure that reads neither (every
 * HEDIS measure), whose uniform members stay as they were.
 */
export function uniformClinical(b: MeasureBoundaries): Arbitrary<UniformClinical> | undefined {
  const reads = (kind: 'conditions' | 'orders') => b.events.some((e) => e.records.includes(kind));
  if (!reads('conditions') && !reads('orders')) return undefined;
  const code = pick(
    b.valueSets.flatMap((vs) => vs.codes.map((c): Code => ({ system: c.system, code: c.code }))),
  );
  if (!code) return undefined;
  const statuses = [
    ...new Set([...b.events.flatMap((e) => e.clinical?.statuses ?? []), ...STATUSES]),
  ];
  const intents = [...new Set([...b.events.flatMap((e) => e.clinical?.intents ?? []), ...INTENTS])];
  const date = dateBetween(yearStart(b.year - 11), yearEnd(b.year));
  const condition = fc
    .record({
      code,
      onset: date,
      days: fc.option(fc.nat(730), { nil: undefined }),
      clinicalStatus: fc.option(fc.constantFrom(...statuses), { nil: undefined }),
    })
    .map(({ code: c, onset, days, clinicalStatus }): ConditionDraft => ({
      onset,
      ...(days !== undefined ? { abatement: addDays(onset, days) } : {}),
      codes: [c],
      ...(clinicalStatus !== undefined ? { clinicalStatus } : {}),
    }));
  const order = fc
    .record({
      code,
      kind: fc.constantFrom(...ORDER_KINDS),
      date,
      daysSupply: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
      status: fc.option(fc.constantFrom(...statuses), { nil: undefined }),
      intent: fc.option(fc.constantFrom(...intents), { nil: undefined }),
      doNotPerform: fc.option(fc.boolean(), { nil: undefined }),
    })
    .map(({ code: c, kind, date: d, daysSupply, status, intent, doNotPerform }): OrderDraft => ({
      kind,
      date: d,
      ...(daysSupply !== undefined ? { daysSupply } : {}),
      codes: [c],
      ...(status !== undefined ? { status } : {}),
      ...(intent !== undefined ? { intent } : {}),
      ...(doNotPerform !== undefined ? { doNotPerform } : {}),
    }));
  return fc.record({
    conditions: reads('conditions')
      ? fc.array(condition, { maxLength: 2 })
      : fc.constant<ConditionDraft[]>([]),
    orders: reads('orders') ? fc.array(order, { maxLength: 2 }) : fc.constant<OrderDraft[]>([]),
  });
}
