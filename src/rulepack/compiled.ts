import type { IsoDate } from '../model/calendarDate.ts';
import type { CodeSystem, ProductLine, Setting, StatusKind } from '../model/member.ts';
import type { ByMode, ClauseSpec, RecordKindName } from './schema.ts';
import type { ValueSet } from './valueSet.ts';

/**
 * A pack compiled for evaluation: value sets resolved to code sets, date expressions resolved to
 * calendar dates of the pack's year, references resolved to the clauses they name. The engine
 * evaluates only these structures and never parses anything.
 */
export interface CompiledPack {
  readonly id: string;
  readonly family: string;
  readonly year: number;
  readonly version: string;
  readonly title: string;
  readonly notice: string;
  readonly productLines: readonly ProductLine[];
  readonly dir: string;
  readonly measures: ReadonlyMap<string, CompiledMeasure>;
  /**
   * Shared definitions compiled once for the whole pack, each the same clause in every measure
   * that uses it. A definition whose `onOrAfter` names a measure's clause is compiled in each
   * measure that uses it instead, and is not listed here.
   */
  readonly definitions: ReadonlyMap<string, CompiledClause>;
  /** Every shared definition the pack's files define, by id, in file order. */
  readonly definitionIds: readonly string[];
  readonly valueSets: ReadonlyMap<string, ValueSet>;
  /**
   * The FHIR ValueSet Bundle (`--valuesets`) the value sets by OID were read from; absent when the
   * pack declares none, or was loaded without expanding them (`pack validate`, `pack diff`).
   */
  readonly valueSetBundle?: readonly string[];
}

export interface CompiledMeasure {
  readonly id: string;
  readonly title: string;
  readonly year: number;
  readonly file: string;
  readonly productLines: readonly ProductLine[];
  readonly source?: string;
  /** The canonical URL of the FHIR Measure this measure reproduces (MeasureReport.measure). */
  readonly url?: string;
  readonly initialPopulation: CompiledClause;
  readonly denominator?: CompiledClause;
  readonly denominatorExclusion?: CompiledClause;
  /** Single-rate measures have one rate with id `numerator` and `single` set. */
  readonly rates: readonly { readonly id: string; readonly numerator: CompiledClause }[];
  readonly singleRate: boolean;
  readonly strata: readonly CompiledStratum[];
}

export interface CompiledStratum {
  readonly id: string;
  readonly when: CompiledClause;
  readonly source?: string;
  readonly assumption?: string;
}

export interface ClauseLocation {
  readonly file: string;
  readonly line: number;
}

interface ClauseCommon {
  readonly id: string;
  readonly description?: string;
  readonly source?: string;
  readonly assumption?: string;
  /** Product lines the clause applies to; undefined means all. */
  readonly productLines?: ReadonlySet<ProductLine>;
  /** Value outside `productLines`. */
  readonly otherwise: boolean;
  readonly location: ClauseLocation;
  /** The clause as written (for diff and display), with references left as written. */
  readonly spec: ClauseSpec;
}

export interface CompiledWindow {
  readonly from?: IsoDate;
  readonly to: IsoDate;
}

export interface GapAllowance {
  readonly gaps: number;
  readonly maxDays?: number | undefined;
  readonly maxMonths?: number | undefined;
}

export interface EnrollmentSegment {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly allowance: GapAllowance;
}

export type CompiledClause =
  | (ClauseCommon & { readonly kind: 'all'; readonly children: readonly CompiledClause[] })
  | (ClauseCommon & { readonly kind: 'any'; readonly children: readonly CompiledClause[] })
  | (ClauseCommon & { readonly kind: 'not'; readonly child: CompiledClause })
  | (ClauseCommon & {
      readonly kind: 'ref';
      readonly definition: string;
      readonly child: CompiledClause;
    })
  | (ClauseCommon & {
      readonly kind: 'age';
      readonly min?: number;
      readonly max?: number;
      readonly asOf: IsoDate;
    })
  | (ClauseCommon & { readonly kind: 'sex'; readonly sexes: ReadonlySet<string> })
  | (ClauseCommon & {
      readonly kind: 'enrollment';
      readonly anchor?: IsoDate;
      readonly benefit: 'medical' | 'pharmacy' | 'any';
      /** Calendar-year segments to check, per product line (allowances differ by line). */
      readonly segments: Readonly<Record<ProductLine, readonly EnrollmentSegment[]>>;
    })
  | (ClauseCommon & {
      readonly kind: 'event';
      readonly valueSets: readonly ValueSet[];
      readonly drugs?: ReadonlySet<string>;
      readonly records: ReadonlySet<RecordKindName>;
      readonly window: CompiledWindow;
      readonly settings?: ReadonlySet<Setting>;
      readonly excludeSettings?: ReadonlySet<Setting>;
      readonly minDistinctDates: number;
      readonly modifiers?: ReadonlySet<string>;
      readonly onOrAfter?: OnOrAfter;
      /**
       * The clinical statuses under which a condition without abatement is still going; with
       * another status or none, its end is unknown. Undefined: every such condition is still going.
       */
      readonly ongoingStatuses?: ReadonlySet<string>;
    } & RecordFilters & {
        /** How a record's span meets the window; undefined means `start`. */
        readonly by?: ByMode;
      })
  | (ClauseCommon & {
      readonly kind: 'status';
      readonly kinds: ReadonlySet<StatusKind>;
      readonly window: CompiledWindow;
    })
  | (ClauseCommon & { readonly kind: 'death'; readonly window: CompiledWindow })
  | (ClauseCommon & {
      readonly kind: 'reading';
      readonly valueSets: readonly ValueSet[];
      readonly window: CompiledWindow;
      readonly onOrAfter?: OnOrAfter;
      readonly settings?: ReadonlySet<Setting>;
      readonly excludeSettings?: ReadonlySet<Setting>;
      readonly sameDay: 'lowest' | 'highest';
      readonly tests: readonly ReadingTest[];
      readonly ifNone: boolean;
      readonly statuses?: ReadonlySet<string>;
      readonly categories?: ReadonlySet<string>;
      /** Which date of an observation is its reading date; undefined means `start`. */
      readonly by?: 'start' | 'end';
      /** `all`: the most recent date with a reading of every test's value set; undefined: `any`. */
      readonly mostRecentDate?: 'any' | 'all';
      /** Claim codes that report a result as a range; undefined: readings are observations only. */
      readonly claimResults?: readonly ClaimResult[];
    })
  | (ClauseCommon & {
      readonly kind: 'coverage';
      readonly drugs?: ReadonlySet<string>;
      readonly valueSets: readonly ValueSet[];
      readonly window: CompiledWindow;
      readonly atLeast: number;
      readonly shiftSameDrug: boolean;
      readonly endAtDeath: boolean;
      readonly endAtDisenrollment: boolean;
    });

/** Records count only on or after the Nth distinct date of another (event) clause. */
export interface OnOrAfter {
  readonly clause: CompiledClause;
  readonly occurrence: number;
}

export type Comparator = 'below' | 'atMost' | 'above' | 'atLeast';

/**
 * The values a result may have: at most one lower bound (`atLeast` or `above`) and one upper
 * bound (`below` or `atMost`); a bound left out is open. A single value v is `{ atLeast: v, atMost: v }`.
 */
export interface ValueRange {
  readonly atLeast?: number;
  readonly above?: number;
  readonly below?: number;
  readonly atMost?: number;
}

/** A claim code that reports a result: a reading of `reads` with the values of `range`. */
export interface ClaimResult {
  readonly valueSet: ValueSet;
  readonly reads: ValueSet;
  readonly range: ValueRange;
}

/**
 * A test on the readings of the most recent date: a threshold on the numeric value, or (with
 * `valueIn`) a coded result in one of some value sets.
 */
export type ReadingTest = ThresholdTest | CodedTest;

interface ReadingTestCommon {
  /** The reading the test is about; undefined means any of the clause's value sets. */
  readonly valueSet?: ValueSet;
  readonly ifMissing: boolean;
  /** Result when some reading of that date for this test has no value (omitted: skipped). */
  readonly ifAnyMissing?: boolean;
}

export interface ThresholdTest extends ReadingTestCommon {
  readonly comparator: Comparator;
  readonly threshold: number;
  readonly valueIn?: undefined;
}

export interface CodedTest extends ReadingTestCommon {
  /** Passes when a reading of that date has a coded result in one of these. */
  readonly valueIn: readonly ValueSet[];
  readonly comparator?: undefined;
  readonly threshold?: undefined;
}

/** Whether a reading test compares the numeric value with a threshold. */
export function isThresholdTest(t: ReadingTest): t is ThresholdTest {
  return t.valueIn === undefined;
}

/**
 * The filters on a record's own facts an event clause may add; each omitted is not looked at.
 * A record that lacks the fact a filter reads (a dispensing has no status) does not count.
 */
export interface RecordFilters {
  /** Claim kinds (a claim without kind is `claim`) or order kinds. */
  readonly kinds?: ReadonlySet<string>;
  readonly statuses?: ReadonlySet<string>;
  /** Orders only. */
  readonly intents?: ReadonlySet<string>;
  /** false: records marked doNotPerform do not count; true: only they count. */
  readonly doNotPerform?: boolean;
  readonly categories?: ReadonlySet<string>;
  /** Observations only: a value is present, or the coded value is in one of the value sets. */
  readonly value?: ValueTest;
  /** Another code on the same record, with `role` (undefined: any code), in one of the value sets. */
  readonly with?: WithCode;
}

export type ValueTest =
  | { readonly kind: 'present' }
  | { readonly kind: 'coded'; readonly valueSets: readonly ValueSet[] };

export interface WithCode {
  readonly role?: string;
  readonly valueSets: readonly ValueSet[];
}

export type ClauseKindName = CompiledClause['kind'];

/** The compiled clause of one kind, e.g. `ClauseOf<'event'>`. */
export type ClauseOf<K extends ClauseKindName> = Extract<CompiledClause, { readonly kind: K }>;
export type { CodeSystem };

/**
 * The product lines a measure is asked for: each of its lines, or, for a measure without product
 * lines (an eCQM), once without a line (`undefined`).
 */
export function requestLines(measure: {
  readonly productLines: readonly ProductLine[];
}): readonly (ProductLine | undefined)[] {
  return measure.productLines.length > 0 ? measure.productLines : [undefined];
}

/** True when the measure is asked for `line`: one of its lines, or none when it has none. */
export function isAskedFor(
  measure: { readonly productLines: readonly ProductLine[] },
  line: ProductLine | undefined,
): boolean {
  return line === undefined
    ? measure.productLines.length === 0
    : measure.productLines.includes(line);
}
