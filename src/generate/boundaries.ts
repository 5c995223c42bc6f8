import { addDays, addMonths, ageOn, daysBetween, isLeapYear } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import { CODE_SYSTEMS, SETTINGS } from '../model/member.ts';
import type { CodeSystem, ProductLine, Setting, StatusKind } from '../model/member.ts';
import { byKind, clauseChildren, measureRoots, walkClauses } from '../rulepack/clauseTree.ts';
import type { KindTable } from '../rulepack/clauseTree.ts';
import type {
  ClauseOf,
  Comparator,
  CompiledClause,
  CompiledMeasure,
  CompiledWindow,
  EnrollmentSegment,
  ValueRange,
} from '../rulepack/compiled.ts';
import { isThresholdTest, requestLines } from '../rulepack/compiled.ts';
import { valueSetHas } from '../rulepack/valueSet.ts';
import type { ValueSet } from '../rulepack/valueSet.ts';

/**
 * The interesting points of one compiled measure: the values where a clause flips from true to
 * false, and the values just on either side. Generators aim at these; coverage and reports can
 * show them. Plain data (arrays and records only), so it serializes to JSON as it is.
 */
export interface MeasureBoundaries {
  readonly measure: string;
  readonly year: number;
  readonly productLines: readonly ProductLine[];
  readonly ages: readonly AgeBoundary[];
  readonly sexes: readonly string[];
  readonly enrollments: readonly EnrollmentBoundary[];
  readonly events: readonly EventBoundary[];
  readonly statuses: readonly StatusBoundary[];
  readonly deaths: readonly DeathBoundary[];
  readonly readings: readonly ReadingBoundary[];
  readonly coverages: readonly CoverageBoundary[];
  /** Every value set the measure reaches, by name, with its codes. */
  readonly valueSets: readonly BoundaryValueSet[];
  /** Every drug name any event clause lists (lower case). */
  readonly drugs: readonly string[];
  /** Settings some event clause requires or excludes. */
  readonly settings: readonly Setting[];
  /**
   * Event clauses that must hold together for some population or stratum to hold through them
   * (ids; two or more each), e.g. frailty with advanced illness. Single events are not listed.
   */
  readonly conjunctions: readonly (readonly string[])[];
  /**
   * The sets of event clauses that together let the initial population hold (one set per way,
   * `[]` when it needs no event), e.g. two hypertension diagnoses for CBP.
   */
  readonly initialPopulationWays: readonly (readonly string[])[];
  /** Ids of the event, reading and coverage clauses some numerator reaches directly. */
  readonly numeratorClauses: readonly string[];
}

/**
 * Product lines a clause applies to, after every enclosing clause's scope; all when unscoped.
 * `undefined` stands for the request without a product line of a measure that has none.
 */
type Scope = readonly (ProductLine | undefined)[];

export interface AgePoint {
  readonly birthDate: IsoDate;
  /** Age in whole years on the clause's `asOf`. */
  readonly age: number;
  /** Why this birth date: `birthday-on-asOf`, `birthday-day-after-asOf` or `feb-29`. */
  readonly reason: 'birthday-on-asOf' | 'birthday-day-after-asOf' | 'feb-29';
}

export interface AgeBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly asOf: IsoDate;
  readonly min?: number;
  readonly max?: number;
  /** Birth dates giving ages min-1, min, max and max+1 on `asOf`, at both ends of each age. */
  readonly points: readonly AgePoint[];
}

export type EdgeLabel = 'inside' | 'from' | 'to' | 'before-from' | 'after-to';

export interface DatePoint {
  readonly date: IsoDate;
  readonly label: EdgeLabel;
  readonly inside: boolean;
}

export interface EnrollmentBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly anchor?: IsoDate;
  readonly benefit: 'medical' | 'pharmacy' | 'any';
  /** Calendar-year segments with their gap allowance, per product line. */
  readonly segments: Readonly<Record<ProductLine, readonly EnrollmentSegment[]>>;
}

export interface BoundaryCode {
  readonly system: CodeSystem;
  readonly code: string;
  /** The value set the code is in, or (for a near miss) the one it is just outside of. */
  readonly valueSet: string;
  /** Why a near miss the pack lists does not belong; absent for a made-up near miss. */
  readonly reason?: string;
}

export interface EventBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly window: CompiledWindow;
  /** Inside first, then from, to, from-1, to+1 (from and from-1 only when the window has a start). */
  readonly edges: readonly DatePoint[];
  readonly records: readonly EventRecordKind[];
  readonly valueSets: readonly string[];
  /** Codes that match the clause. */
  readonly codes: readonly BoundaryCode[];
  /**
   * Codes just outside the clause's value sets: a character dropped, the last digit changed, or
   * the same code under a neighbouring code system.
   */
  readonly nearMisses: readonly BoundaryCode[];
  readonly drugs: readonly string[];
  readonly settings?: readonly Setting[];
  readonly excludeSettings?: readonly Setting[];
  readonly minDistinctDates: number;
  /** Modifiers a matching claim code must carry (upper case); absent when any will do. */
  readonly modifiers?: readonly string[];
  /** Records count only on or after the Nth distinct date of another event clause. */
  readonly onOrAfter?: OnOrAfterBoundary;
  /** The clause reads only the claim's setting (no value sets, no drugs), e.g. a nonacute stay. */
  readonly settingsOnly: boolean;
  /**
   * What the clause reads of a record besides its code, date and setting (kinds, statuses...,
   * how its span meets the window); absent when it reads none of it, as every HEDIS clause.
   */
  readonly clinical?: ClinicalAims;
}

/** The record kinds an event clause can read. */
export type EventRecordKind = 'claims' | 'observations' | 'dispensings' | 'conditions' | 'orders';

/** How a record's span meets a window: its start (the default), its end, overlap or within. */
export type SpanMode = 'start' | 'end' | 'overlap' | 'within';

/** Codes of some value sets, with codes just outside them. */
export interface CodeAims {
  readonly valueSets: readonly string[];
  readonly codes: readonly BoundaryCode[];
  readonly nearMisses: readonly BoundaryCode[];
}

/**
 * The filters of an event clause on a record's own facts, each absent when the clause does not
 * look at it. Records are aimed at both sides of each: a listed status and another one or none,
 * doNotPerform true and false, a listed kind and another, a listed category and another, a coded
 * value in and out of the value sets and none, a second code with the right role, another role
 * or none, spans ending just inside and just outside the window, and conditions without abatement
 * with each status under which they are still going, another clinical status and none.
 */
export interface ClinicalAims {
  readonly kinds?: readonly string[];
  readonly statuses?: readonly string[];
  readonly intents?: readonly string[];
  readonly doNotPerform?: boolean;
  readonly categories?: readonly string[];
  readonly value?: { readonly kind: 'present' } | ({ readonly kind: 'coded' } & CodeAims);
  readonly with?: { readonly role?: string } & CodeAims;
  readonly by?: SpanMode;
  /** The clinical statuses under which a condition without abatement is still going. */
  readonly ongoingStatuses?: readonly string[];
}

export interface OnOrAfterBoundary {
  /** The event clause whose distinct dates are counted. */
  readonly clauseId: string;
  readonly occurrence: number;
}

/** A code a reading reads, with the unit its values are usually reported in. */
export interface ReadingCode extends BoundaryCode {
  readonly unit?: string;
}

export interface ReadingTestBoundary {
  /** The value set the test reads; absent means any of the reading's value sets. */
  readonly valueSet?: string;
  readonly comparator: Comparator;
  readonly threshold: number;
  readonly ifMissing: boolean;
  /**
   * The threshold and the values one step below and above it (139/140/141, 7.9/8/8.1): the step
   * is the threshold's last decimal, 0.1 for small whole thresholds, else 1; whole steps of 1 are
   * added around small thresholds too.
   */
  readonly values: readonly number[];
}

export interface ReadingBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly window: CompiledWindow;
  readonly edges: readonly DatePoint[];
  readonly valueSets: readonly string[];
  readonly codes: readonly ReadingCode[];
  readonly nearMisses: readonly BoundaryCode[];
  readonly settings?: readonly Setting[];
  readonly excludeSettings?: readonly Setting[];
  readonly sameDay: 'lowest' | 'highest';
  readonly tests: readonly ReadingTestBoundary[];
  readonly ifNone: boolean;
  readonly onOrAfter?: OnOrAfterBoundary;
  /** What the clause reads of an observation besides code, date, setting and value; absent for HEDIS. */
  readonly clinical?: ReadingClinicalAims;
  /** Claim codes that report a result (CPT II), one entry per code; absent when the clause has none. */
  readonly claimResults?: readonly ClaimResultAim[];
}

/** A claim code that reports a reading of `reads` with the values of `range`. */
export interface ClaimResultAim extends BoundaryCode {
  readonly reads: string;
  readonly range: ValueRange;
}

export interface ReadingClinicalAims {
  readonly statuses?: readonly string[];
  readonly categories?: readonly string[];
  /** `end`: an observation's reading date is its endDate (its date without one). */
  readonly by?: 'start' | 'end';
  readonly mostRecentDate?: 'any' | 'all';
  /** Tests on a coded result (`valueIn`). */
  readonly codedTests: readonly CodedTestBoundary[];
  /** The value sets whose tests take `ifAnyMissing` when some reading of the day has no value. */
  readonly ifAnyMissing: readonly string[];
}

export interface CodedTestBoundary extends CodeAims {
  /** The value set of the observations the test reads; absent: any of the reading's. */
  readonly valueSet?: string;
  readonly ifMissing: boolean;
}

export interface CoverageBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly window: CompiledWindow;
  readonly edges: readonly DatePoint[];
  /** Active-ingredient groups (lower case). */
  readonly drugs: readonly string[];
  readonly valueSets: readonly string[];
  /** Drug codes (NDC, RxNorm) of its value sets. */
  readonly codes: readonly BoundaryCode[];
  readonly atLeast: number;
  readonly shiftSameDrug: boolean;
  readonly endAtDeath: boolean;
  readonly endAtDisenrollment: boolean;
  /**
   * Event clauses that read the same drugs or value sets (e.g. two fills on different dates, an
   * index date on or before Oct 1): the coverage clause's fills decide them too.
   */
  readonly relatedEvents: readonly string[];
  /**
   * Index dates worth aiming at: the window's edges and the edges of the related events' windows
   * (so an index fill lands on Dec 31 - 91 days and on the day after).
   */
  readonly indexDates: readonly IsoDate[];
}

export interface StatusBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly kinds: readonly StatusKind[];
  readonly window: CompiledWindow;
  readonly edges: readonly DatePoint[];
}

export interface DeathBoundary {
  readonly clauseId: string;
  readonly scope: Scope;
  readonly window: CompiledWindow;
  readonly edges: readonly DatePoint[];
}

export interface BoundaryValueSet {
  readonly name: string;
  readonly codes: readonly { readonly system: CodeSystem; readonly code: string }[];
  /** The near misses the pack lists for it (decoys), normalized; empty when it lists none. */
  readonly nearMisses: readonly { readonly system: CodeSystem; readonly code: string }[];
}

/**
 * Walks a compiled measure (initial population, denominator, exclusions, every rate and stratum,
 * and the shared definitions they reach) and collects its boundaries.
 *
 * @example
 * const b = measureBoundaries(pack.measures.get('COL-E')!);
 * b.ages[0]?.points.map((p) => [p.birthDate, p.age]); // ages 45, 46, 75, 76 on 2025-12-31
 */
export function measureBoundaries(measure: CompiledMeasure): MeasureBoundaries {
  const into: Collected = {
    ages: [],
    sexes: new Set(),
    enrollments: [],
    events: [],
    statuses: [],
    deaths: [],
    readings: [],
    coverages: [],
    valueSets: new Map(),
    drugs: new Set(),
    settings: new Set(),
  };
  const roots = measureRoots(measure).map((r) => r.clause);
  walkClauses(
    roots,
    (clause) => {
      byKind(USES, clause)(into);
      return true;
    },
    { anchors: true },
  );
  for (const { clause, scope } of aimOrder(measure)) byKind(AIMS, clause)(into, scope);
  const events = into.events;
  const coverages = into.coverages.map(({ clause, scope }) =>
    coverageBoundary(clause, scope, events),
  );
  const conjunctions = new Map<string, string[]>();
  for (const root of roots) {
    for (const way of waysToHold(root)) {
      if (way.length >= 2) conjunctions.set(way.join('|'), way);
    }
  }

  return {
    measure: measure.id,
    year: measure.year,
    productLines: measure.productLines,
    ages: into.ages,
    sexes: [...into.sexes],
    enrollments: into.enrollments,
    events,
    statuses: into.statuses,
    deaths: into.deaths,
    readings: into.readings,
    coverages,
    valueSets: [...into.valueSets.values()].map((vs) => ({
      name: vs.name,
      codes: codesOf(vs),
      nearMisses: (vs.nearMisses ?? []).map((m) => ({ system: m.system, code: m.code })),
    })),
    drugs: [...into.drugs],
    settings: SETTINGS.filter((s) => into.settings.has(s)),
    conjunctions: [...conjunctions.values()],
    initialPopulationWays: uniqueWays(waysToHold(measure.initialPopulation)),
    numeratorClauses: aimedClauseIds(measure.rates.map((r) => r.numerator)),
  };
}

/** What the aims of a measure's clauses are collected into, kind by kind. */
interface Collected {
  readonly ages: AgeBoundary[];
  readonly sexes: Set<string>;
  readonly enrollments: EnrollmentBoundary[];
  readonly events: EventBoundary[];
  readonly statuses: StatusBoundary[];
  readonly deaths: DeathBoundary[];
  readonly readings: ReadingBoundary[];
  /** Finished once every event is known: their related events and index dates need them. */
  readonly coverages: { clause: ClauseOf<'coverage'>; scope: Scope }[];
  readonly valueSets: Map<string, ValueSet>;
  readonly drugs: Set<string>;
  readonly settings: Set<Setting>;
}

/**
 * Each clause the measure reaches, once, with its scope (the product lines of the path that first
 * reaches it), in the order aims are collected: depth first in pack order, except that a clause
 * an `onOrAfter` names, when first reached through it, comes just before the clause naming it.
 * The clause an onOrAfter names is aimed at too, even where nothing else reaches it.
 */
function aimOrder(measure: CompiledMeasure): { clause: CompiledClause; scope: Scope }[] {
  const all: Scope = requestLines(measure);
  const scopes = new Map<CompiledClause, Scope>();
  const order: CompiledClause[] = [];
  walkClauses(
    measureRoots(measure).map((r) => r.clause),
    (clause, parent) => {
      const outer = parent ? (scopes.get(parent) ?? all) : all;
      const scope = clause.productLines
        ? outer.filter((l) => l !== undefined && clause.productLines?.has(l) === true)
        : outer;
      scopes.set(clause, scope);
      const anchoredBy = parent && !clauseChildren(parent).includes(clause) ? parent : undefined;
      if (anchoredBy) order.splice(order.indexOf(anchoredBy), 0, clause);
      else order.push(clause);
      return true;
    },
    { anchors: true },
  );
  return order.map((clause) => ({ clause, scope: scopes.get(clause) ?? all }));
}

/** What the records of each kind of clause read; a kind missing here is a compile error. */
const USES = {
  all: () => () => undefined,
  any: () => () => undefined,
  not: () => () => undefined,
  ref: () => () => undefined,
  age: () => () => undefined,
  sex: () => () => undefined,
  enrollment: () => () => undefined,
  event: (clause) => (into) => {
    for (const vs of clause.valueSets) into.valueSets.set(vs.name, vs);
    const coded = clause.value?.kind === 'coded' ? clause.value.valueSets : [];
    for (const vs of [...coded, ...(clause.with?.valueSets ?? [])]) into.valueSets.set(vs.name, vs);
    for (const d of clause.drugs ?? []) into.drugs.add(d);
    for (const s of clause.settings ?? []) into.settings.add(s);
    for (const s of clause.excludeSettings ?? []) into.settings.add(s);
  },
  status: () => () => undefined,
  death: () => () => undefined,
  reading: (clause) => (into) => {
    for (const vs of clause.valueSets) into.valueSets.set(vs.name, vs);
    for (const t of clause.tests) for (const vs of t.valueIn ?? []) into.valueSets.set(vs.name, vs);
    for (const c of clause.claimResults ?? []) into.valueSets.set(c.valueSet.name, c.valueSet);
    for (const s of clause.settings ?? []) into.settings.add(s);
    for (const s of clause.excludeSettings ?? []) into.settings.add(s);
  },
  coverage: (clause) => (into) => {
    for (const vs of clause.valueSets) into.valueSets.set(vs.name, vs);
    for (const d of clause.drugs ?? []) into.drugs.add(d);
  },
} satisfies KindTable<(into: Collected) => void>;

type Aim = (into: Collected, scope: Scope) => void;

const nothing = (): Aim => () => undefined;

/**
 * The boundaries the generator aims at for each kind of clause (collected in aim order, see
 * `aimOrder`; the value sets, drugs and settings they read are collected by `USES` in pack order):
 * a kind missing here is a compile error.
 */
const AIMS = {
  all: nothing,
  any: nothing,
  not: nothing,
  ref: nothing,
  age: (clause) => (into, scope) => {
    into.ages.push({
      clauseId: clause.id,
      scope,
      asOf: clause.asOf,
      ...(clause.min !== undefined ? { min: clause.min } : {}),
      ...(clause.max !== undefined ? { max: clause.max } : {}),
      points: agePoints(clause.asOf, clause.min, clause.max),
    });
  },
  sex: (clause) => (into) => {
    for (const s of clause.sexes) into.sexes.add(s);
  },
  enrollment: (clause) => (into, scope) => {
    into.enrollments.push({
      clauseId: clause.id,
      scope,
      ...(clause.anchor !== undefined ? { anchor: clause.anchor } : {}),
      benefit: clause.benefit,
      segments: clause.segments,
    });
  },
  event: (clause) => (into, scope) => {
    into.events.push({
      clauseId: clause.id,
      scope,
      window: clause.window,
      edges: windowEdges(clause.window),
      records: [...clause.records],
      valueSets: clause.valueSets.map((vs) => vs.name),
      codes: clause.valueSets.flatMap((vs) =>
        codesOf(vs).map((c) => ({ ...c, valueSet: vs.name })),
      ),
      nearMisses: nearMisses(clause.valueSets),
      drugs: [...(clause.drugs ?? [])],
      ...(clause.settings ? { settings: [...clause.settings] } : {}),
      ...(clause.excludeSettings ? { excludeSettings: [...clause.excludeSettings] } : {}),
      minDistinctDates: clause.minDistinctDates,
      ...(clause.modifiers ? { modifiers: [...clause.modifiers] } : {}),
      ...(clause.onOrAfter ? { onOrAfter: onOrAfterOf(clause.onOrAfter) } : {}),
      settingsOnly: clause.valueSets.length === 0 && clause.drugs === undefined,
      ...clinicalOf(clause),
    });
  },
  status: (clause) => (into, scope) => {
    into.statuses.push({
      clauseId: clause.id,
      scope,
      kinds: [...clause.kinds],
      window: clause.window,
      edges: windowEdges(clause.window),
    });
  },
  death: (clause) => (into, scope) => {
    into.deaths.push({
      clauseId: clause.id,
      scope,
      window: clause.window,
      edges: windowEdges(clause.window),
    });
  },
  reading: (clause) => (into, scope) => {
    into.readings.push({
      clauseId: clause.id,
      scope,
      window: clause.window,
      edges: windowEdges(clause.window),
      valueSets: clause.valueSets.map((vs) => vs.name),
      codes: clause.valueSets.flatMap((vs) =>
        codesOf(vs).map((c) => {
          const unit = unitOf(c.system, c.code, vs.name);
          return { ...c, valueSet: vs.name, ...(unit !== undefined ? { unit } : {}) };
        }),
      ),
      nearMisses: nearMisses(clause.valueSets),
      ...(clause.settings ? { settings: [...clause.settings] } : {}),
      ...(clause.excludeSettings ? { excludeSettings: [...clause.excludeSettings] } : {}),
      sameDay: clause.sameDay,
      // Coded tests (valueIn) are aimed at through `clinical.codedTests`.
      tests: clause.tests.filter(isThresholdTest).map((t) => ({
        ...(t.valueSet ? { valueSet: t.valueSet.name } : {}),
        comparator: t.comparator,
        threshold: t.threshold,
        ifMissing: t.ifMissing,
        values: valuesAround(t.threshold),
      })),
      ifNone: clause.ifNone,
      ...(clause.onOrAfter ? { onOrAfter: onOrAfterOf(clause.onOrAfter) } : {}),
      ...readingClinicalOf(clause),
      ...(clause.claimResults
        ? {
            claimResults: clause.claimResults.flatMap((c) =>
              codesOf(c.valueSet).map((code) => ({
                ...code,
                valueSet: c.valueSet.name,
                reads: c.reads.name,
                range: c.range,
              })),
            ),
          }
        : {}),
    });
  },
  coverage: (clause) => (into, scope) => {
    into.coverages.push({ clause, scope });
  },
} satisfies KindTable<Aim>;

/** Codes of `valueSets`, and codes just outside them. */
function codeAims(valueSets: readonly ValueSet[]): CodeAims {
  return {
    valueSets: valueSets.map((vs) => vs.name),
    codes: valueSets.flatMap((vs) => codesOf(vs).map((c) => ({ ...c, valueSet: vs.name }))),
    nearMisses: nearMisses(valueSets),
  };
}

/** The clinical aims of an event clause, as `{ clinical }`; `{}` for a clause with none. */
function clinicalOf(clause: ClauseOf<'event'>): { clinical?: ClinicalAims } {
  const v = clause.value;
  const w = clause.with;
  const by = clause.by !== undefined && clause.by !== 'start' ? clause.by : undefined;
  const aims: ClinicalAims = {
    ...(clause.kinds ? { kinds: [...clause.kinds] } : {}),
    ...(clause.statuses ? { statuses: [...clause.statuses] } : {}),
    ...(clause.intents ? { intents: [...clause.intents] } : {}),
    ...(clause.doNotPerform !== undefined ? { doNotPerform: clause.doNotPerform } : {}),
    ...(clause.categories ? { categories: [...clause.categories] } : {}),
    ...(v
      ? {
          value:
            v.kind === 'present'
              ? { kind: 'present' as const }
              : { kind: 'coded' as const, ...codeAims(v.valueSets) },
        }
      : {}),
    ...(w
      ? { with: { ...(w.role !== undefined ? { role: w.role } : {}), ...codeAims(w.valueSets) } }
      : {}),
    ...(by ? { by } : {}),
    ...(clause.ongoingStatuses ? { ongoingStatuses: [...clause.ongoingStatuses] } : {}),
  };
  return Object.keys(aims).length > 0 ? { clinical: aims } : {};
}

/** The clinical aims of a reading clause, as `{ clinical }`; `{}` for a clause with none. */
function readingClinicalOf(clause: ClauseOf<'reading'>): { clinical?: ReadingClinicalAims } {
  const coded = clause.tests.filter((t) => !isThresholdTest(t));
  const anyMissing = clause.tests.filter((t) => t.ifAnyMissing !== undefined);
  const plain =
    clause.statuses === undefined &&
    clause.categories === undefined &&
    (clause.by ?? 'start') === 'start' &&
    (clause.mostRecentDate ?? 'any') === 'any' &&
    coded.length === 0 &&
    anyMissing.length === 0;
  if (plain) return {};
  return {
    clinical: {
      ...(clause.statuses ? { statuses: [...clause.statuses] } : {}),
      ...(clause.categories ? { categories: [...clause.categories] } : {}),
      ...(clause.by ? { by: clause.by } : {}),
      ...(clause.mostRecentDate ? { mostRecentDate: clause.mostRecentDate } : {}),
      codedTests: coded.map((t) => ({
        ...(t.valueSet ? { valueSet: t.valueSet.name } : {}),
        ifMissing: t.ifMissing,
        ...codeAims(t.valueIn),
      })),
      ifAnyMissing: anyMissing.map((t) => t.valueSet?.name ?? ''),
    },
  };
}

function onOrAfterOf(o: { clause: CompiledClause; occurrence: number }): OnOrAfterBoundary {
  return { clauseId: o.clause.id, occurrence: o.occurrence };
}

function uniqueWays(ways: readonly string[][]): string[][] {
  const out = new Map<string, string[]>();
  for (const way of ways) {
    const sorted = [...new Set(way)].sort();
    out.set(sorted.join('|'), sorted);
  }
  return [...out.values()];
}

/** The clauses records are aimed at: a kind missing here is a compile error. */
const AIMED = {
  all: () => false,
  any: () => false,
  not: () => false,
  ref: () => false,
  age: () => false,
  sex: () => false,
  enrollment: () => false,
  event: () => true,
  status: () => false,
  death: () => false,
  reading: () => true,
  coverage: () => true,
} satisfies KindTable<boolean>;

/**
 * Ids of the event, reading and coverage clauses under `roots`, in pack order (not the clauses
 * their onOrAfter names: records aimed at a clause with an onOrAfter carry those too).
 */
function aimedClauseIds(roots: readonly CompiledClause[]): string[] {
  const ids = new Set<string>();
  walkClauses(roots, (clause) => {
    if (byKind(AIMED, clause)) ids.add(clause.id);
    return true;
  });
  return [...ids];
}

function coverageBoundary(
  clause: ClauseOf<'coverage'>,
  scope: Scope,
  events: readonly EventBoundary[],
): CoverageBoundary {
  const drugs = [...(clause.drugs ?? [])];
  const names = clause.valueSets.map((vs) => vs.name);
  const related = events.filter(
    (e) => e.drugs.some((d) => drugs.includes(d)) || e.valueSets.some((n) => names.includes(n)),
  );
  const edges = windowEdges(clause.window);
  const indexDates = [
    ...new Set([
      ...edges.map((p) => p.date),
      ...related.flatMap((e) => e.edges.map((p) => p.date)),
    ]),
  ];
  return {
    clauseId: clause.id,
    scope,
    window: clause.window,
    edges,
    drugs,
    valueSets: names,
    codes: clause.valueSets.flatMap((vs) =>
      codesOf(vs)
        .filter((c) => c.system === 'NDC' || c.system === 'RXNORM')
        .map((c) => ({ ...c, valueSet: vs.name })),
    ),
    atLeast: clause.atLeast,
    shiftSameDrug: clause.shiftSameDrug,
    endAtDeath: clause.endAtDeath,
    endAtDisenrollment: clause.endAtDisenrollment,
    relatedEvents: [...new Set(related.map((e) => e.clauseId))],
    indexDates,
  };
}

/** Rounds away floating-point noise (8 - 0.1 is 7.9, not 7.8999999999999995). */
function tidy(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The threshold and one step on either side of it (see `ReadingTestBoundary.values`). */
function valuesAround(threshold: number): number[] {
  const decimals = (String(threshold).split('.')[1] ?? '').length;
  const step =
    decimals > 0 ? 10 ** -decimals : Math.abs(threshold) < 20 && threshold !== 0 ? 0.1 : 1;
  const steps = step === 1 ? [1] : [step, 1];
  const values = new Set<number>([threshold]);
  for (const s of steps) {
    values.add(tidy(threshold - s));
    values.add(tidy(threshold + s));
  }
  return [...values].sort((a, b) => a - b);
}

/** UCUM units of the LOINC codes the shipped readings use; others fall back on the value set's name. */
const LOINC_UNITS: Readonly<Record<string, string>> = {
  '8480-6': 'mm[Hg]',
  '8462-4': 'mm[Hg]',
  '4548-4': '%',
  '4549-2': '%',
  '17855-8': '%',
  '17856-6': '%',
  '96595-4': '%',
  '97506-0': '%',
};

function unitOf(system: CodeSystem, code: string, valueSet: string): string | undefined {
  if (system === 'LOINC' && LOINC_UNITS[code] !== undefined) return LOINC_UNITS[code];
  if (/blood pressure|systolic|diastolic/i.test(valueSet)) return 'mm[Hg]';
  if (/a1c|glyc|gmi|glucose management/i.test(valueSet)) return '%';
  return undefined;
}

/** More ways than this are not worth aiming at one by one. */
const MAX_WAYS = 64;

/**
 * The sets of event clauses that together make `clause` true, in disjunctive normal form over
 * events only (ages, statuses and the like are aimed at separately). Negated events are left
 * out: the generator reaches "absent" without help.
 */
function waysToHold(clause: CompiledClause): string[][] {
  return byKind(WAYS, clause);
}

const noEvent = (): string[][] => [[]];

/** `waysToHold` for each kind of clause: a kind missing here is a compile error. */
const WAYS = {
  event: (c) => [[c.id]],
  ref: (c) => clauseChildren(c).flatMap(waysToHold),
  any: (c) => clauseChildren(c).flatMap(waysToHold).slice(0, MAX_WAYS),
  all: (c) =>
    clauseChildren(c).reduce<string[][]>(
      (acc, child) =>
        acc
          .flatMap((a) => waysToHold(child).map((w) => [...new Set([...a, ...w])].sort()))
          .slice(0, MAX_WAYS),
      [[]],
    ),
  not: noEvent,
  age: noEvent,
  sex: noEvent,
  enrollment: noEvent,
  status: noEvent,
  death: noEvent,
  reading: noEvent,
  coverage: noEvent,
} satisfies KindTable<string[][]>;

/** `date` minus `years` whole years (Feb 29 becomes Feb 28 in a non-leap year). */
function yearsBefore(date: IsoDate, years: number): IsoDate {
  return addMonths(date, -12 * years);
}

/**
 * Birth dates for ages min-1, min, max and max+1 on `asOf`. Each age is hit at both ends of its
 * one-year cohort: the birthday falls on `asOf` (just turned that age) and on the day after
 * (about to turn one older). Feb 29 birth dates in the leap years around each threshold are added,
 * since a Feb 29 birthday is reached on Mar 1 in a non-leap year.
 */
function agePoints(asOf: IsoDate, min?: number, max?: number): AgePoint[] {
  const targets = new Set<number>();
  if (min !== undefined) [min - 1, min].forEach((a) => targets.add(a));
  if (max !== undefined) [max, max + 1].forEach((a) => targets.add(a));
  const points = new Map<IsoDate, AgePoint>();
  const add = (birthDate: IsoDate, reason: AgePoint['reason']) => {
    if (birthDate > asOf || points.has(birthDate)) return;
    points.set(birthDate, { birthDate, age: ageOn(birthDate, asOf), reason });
  };
  const asOfYear = Number(asOf.slice(0, 4));
  for (const age of [...targets].filter((a) => a >= 0).sort((a, b) => a - b)) {
    add(yearsBefore(asOf, age), 'birthday-on-asOf');
    add(yearsBefore(addDays(asOf, 1), age + 1), 'birthday-day-after-asOf');
    for (let y = asOfYear - age - 3; y <= asOfYear - age + 3; y++) {
      if (isLeapYear(y)) add(`${String(y).padStart(4, '0')}-02-29`, 'feb-29');
    }
  }
  return [...points.values()];
}

/**
 * Dates around a window: a date inside first (the simplest), then each edge and the day beyond
 * it. A window without a start ("any time through Dec 31") gets an inside date three years back.
 */
function windowEdges(w: CompiledWindow): DatePoint[] {
  const inside =
    w.from === undefined
      ? addMonths(w.to, -36)
      : addDays(w.from, Math.floor(daysBetween(w.from, w.to) / 2));
  const points: DatePoint[] = [{ date: inside, label: 'inside', inside: true }];
  if (w.from !== undefined) points.push({ date: w.from, label: 'from', inside: true });
  points.push({ date: w.to, label: 'to', inside: true });
  if (w.from !== undefined) {
    points.push({ date: addDays(w.from, -1), label: 'before-from', inside: false });
  }
  points.push({ date: addDays(w.to, 1), label: 'after-to', inside: false });
  return points;
}

/** The codes of a value set in a stable order (system order of the contract, then code). */
function codesOf(vs: ValueSet): { system: CodeSystem; code: string }[] {
  return CODE_SYSTEMS.flatMap((system) =>
    [...(vs.codes.get(system) ?? [])].sort().map((code) => ({ system, code })),
  );
}

/** The code system a careless mapping would confuse a system with. */
const NEIGHBOUR_SYSTEM: Readonly<Record<CodeSystem, CodeSystem>> = {
  ICD10CM: 'ICD10PCS',
  ICD10PCS: 'ICD10CM',
  CPT: 'HCPCS',
  'CPT-CAT-II': 'CPT',
  HCPCS: 'CPT',
  LOINC: 'SNOMEDCT',
  SNOMEDCT: 'LOINC',
  NDC: 'RXNORM',
  RXNORM: 'NDC',
};

/** At most this many near misses per clause: enough variety, small enough to keep in memory. */
const MAX_NEAR_MISSES = 200;

/**
 * Codes just outside a clause's value sets, each named after the value set it is near: the near
 * misses the pack lists (with their reason), then made-up ones.
 */
function nearMisses(valueSets: readonly ValueSet[]): BoundaryCode[] {
  const inAny = (system: CodeSystem, code: string) =>
    valueSets.some((vs) => valueSetHas(vs, system, code));
  const out = new Map<string, BoundaryCode>();
  const add = (system: CodeSystem, code: string, valueSet: string, reason?: string) => {
    const key = `${system}|${code}`;
    if (code.length === 0 || out.has(key) || inAny(system, code)) return;
    out.set(key, { system, code, valueSet, ...(reason !== undefined ? { reason } : {}) });
  };
  // The pack's own near misses first: a decoy the authors chose says more than a made-up one.
  for (const vs of valueSets)
    for (const m of vs.nearMisses ?? []) add(m.system, m.code, vs.name, m.reason);
  for (const vs of valueSets) {
    for (const { system, code } of codesOf(vs)) {
      if (out.size >= MAX_NEAR_MISSES) break;
      if (code.length > 3) add(system, code.slice(0, -1), vs.name);
      const last = code.at(-1) ?? '';
      if (/\d/.test(last)) add(system, `${code.slice(0, -1)}${(Number(last) + 1) % 10}`, vs.name);
      add(NEIGHBOUR_SYSTEM[system], code, vs.name);
    }
  }
  return [...out.values()];
}
