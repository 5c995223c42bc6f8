import type { IsoDate } from '../model/calendarDate.ts';
import type { Outcome } from '../model/outcome.ts';
import type { ProductLine } from '../model/member.ts';
import type { RootPopulation } from '../rulepack/clauseTree.ts';
import type {
  ClauseKindName,
  CompiledWindow,
  GapAllowance,
  ValueRange,
} from '../rulepack/compiled.ts';

/**
 * The reference's explanation: one node per clause, with its result and the evidence that
 * decided it. Plain data, so it serializes to JSON as it is.
 */
export interface ClauseTrace {
  readonly id: string;
  readonly kind: ClauseKindName;
  readonly result: boolean;
  /** False when the clause is scoped to other product lines; `result` is then its `otherwise`. */
  readonly applicable: boolean;
  readonly description?: string;
  readonly source?: string;
  readonly assumption?: string;
  readonly evidence?: Evidence;
  readonly children?: readonly ClauseTrace[];
}

export type Evidence =
  | AgeEvidence
  | SexEvidence
  | EnrollmentEvidence
  | EventEvidence
  | StatusEvidence
  | DeathEvidence
  | ReadingEvidence
  | CoverageEvidence
  | ScopeEvidence;

/** Where an `onOrAfter` started counting: the Nth distinct date of another clause. */
export interface AfterEvidence {
  readonly clause: string;
  readonly occurrence: number;
  /** Undefined when that clause has fewer than `occurrence` distinct dates. */
  readonly date?: IsoDate;
}

export interface ReadingValue {
  readonly valueSet: string;
  readonly value?: number;
  /** A result reported by a claim code: the values it means. */
  readonly range?: ValueRange;
  /** The claim and code that reported `range`. */
  readonly claim?: string;
  readonly code?: CodeRef;
  readonly unit?: string;
  /** A coded result. */
  readonly valueCode?: CodeRef;
  readonly setting?: string;
}

/** A code as the trace shows it. */
export interface CodeRef {
  readonly system: string;
  readonly code: string;
}

/** One test of a reading clause, with the value that decided it. */
export interface ReadingTestEvidence {
  readonly valueSet?: string;
  /** A threshold test: the comparator and threshold. */
  readonly comparator?: 'below' | 'atMost' | 'above' | 'atLeast';
  readonly threshold?: number;
  /** A coded test: the value sets the coded result must be in. */
  readonly valueIn?: readonly string[];
  /** The value the test used (lowest or highest of the day); undefined when missing. */
  readonly value?: number;
  /** What the test used when a claim's range left the lowest (or highest) value open. */
  readonly range?: ValueRange;
  /** The coded result the test used (one in `valueIn` if any). */
  readonly valueCode?: CodeRef;
  /** Set when some reading of that date had no value and the test took its `ifAnyMissing`. */
  readonly anyMissing?: true;
  /** Set when the reading the test looked at is coded, not a number: a numeric test fails. */
  readonly notNumeric?: true;
  readonly passed: boolean;
}

export interface ReadingEvidence {
  readonly kind: 'reading';
  readonly window: CompiledWindow;
  readonly after?: AfterEvidence;
  /** The most recent date with a reading, if any. */
  readonly date?: IsoDate;
  /** Every reading taken on `date`. */
  readonly readings: readonly ReadingValue[];
  readonly tests: readonly ReadingTestEvidence[];
  /** Readings that did not count, nearest first (at most 3). */
  readonly nearMisses: readonly NearMiss[];
}

export interface CoverageFill {
  readonly date: IsoDate;
  readonly drug?: string;
  readonly daysSupply: number;
  /** First covered day, after shifting an early refill of the same drug. */
  readonly start: IsoDate;
  readonly end: IsoDate;
}

export interface CoverageEvidence {
  readonly kind: 'coverage';
  readonly window: CompiledWindow;
  /** The first fill in the window; undefined when there is none. */
  readonly index?: IsoDate;
  readonly periodEnd?: IsoDate;
  readonly endReason?: 'window' | 'death' | 'disenrollment';
  readonly periodDays: number;
  readonly coveredDays: number;
  readonly proportion: number;
  readonly atLeast: number;
  readonly fills: readonly CoverageFill[];
}

export interface AgeEvidence {
  readonly kind: 'age';
  readonly birthDate: IsoDate;
  readonly asOf: IsoDate;
  readonly age: number;
  readonly min?: number;
  readonly max?: number;
}

export interface SexEvidence {
  readonly kind: 'sex';
  readonly sex: string;
  readonly allowed: readonly string[];
}

export interface Gap {
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly days: number;
}

export interface EnrollmentSegmentEvidence {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly allowance: GapAllowance;
  readonly gaps: readonly Gap[];
  readonly ok: boolean;
  /** Why the segment fails, in words. */
  readonly reason?: string;
}

export interface EnrollmentEvidence {
  readonly kind: 'enrollment';
  /** Absent when the measure has no product lines (the clause is then a pack error). */
  readonly productLine?: ProductLine;
  readonly anchor?: {
    readonly date: IsoDate;
    readonly enrolled: boolean;
    readonly span?: {
      readonly start: IsoDate;
      readonly end: IsoDate;
      readonly productLine: ProductLine;
    };
    /** Enrolled on the anchor date, but in another product line. */
    readonly otherProductLine?: ProductLine;
  };
  readonly segments: readonly EnrollmentSegmentEvidence[];
}

export interface RecordRef {
  readonly record: 'claim' | 'observation' | 'dispensing' | 'condition' | 'order';
  readonly id?: string;
  /** The start of the record's span (a claim's or observation's date, a condition's onset). */
  readonly date: IsoDate;
  /** The end of the record's span, when it is shown and differs from `date`. */
  readonly end?: IsoDate;
  /** Set for an open-ended span (a condition without abatement that is still going). */
  readonly open?: true;
  /**
   * Set for a span whose end is unknown: a condition without abatement whose clinicalStatus
   * (`status`, absent: none) is not one of the clause's `ongoingStatuses`.
   */
  readonly endUnknown?: true;
  /** A claim's kind (when written) or an order's kind. */
  readonly kind?: string;
  /** The record's status (a condition's clinicalStatus). */
  readonly status?: string;
  /** An order's intent. */
  readonly intent?: string;
  readonly doNotPerform?: true;
  readonly category?: readonly string[];
  /** An observation's coded result. */
  readonly valueCode?: CodeRef;
  readonly system?: string;
  readonly code?: string;
  readonly drug?: string;
  readonly valueSet?: string;
  readonly setting?: string;
  readonly modifiers?: readonly string[];
}

export interface NearMiss extends RecordRef {
  /**
   * Why it did not count: outside the window, before the onOrAfter date, its setting or modifiers,
   * or a filter of the clause on its kind, status, intent, do-not-perform flag, category, value or
   * other code (`with`), or a span whose end is unknown where the clause reads its end.
   */
  readonly reason: NearMissReason;
  /**
   * For a filter: what the clause accepts (statuses, kinds, value sets...); for `end-unknown`, the
   * clinical statuses under which a condition without abatement is still going.
   */
  readonly wanted?: readonly string[];
  /** For `with`: the role the other code must have. */
  readonly role?: string;
}

export type NearMissReason =
  | 'before-window'
  | 'after-window'
  | 'end-unknown'
  | 'setting'
  | 'modifier'
  | 'before-anchor'
  | 'kind'
  | 'status'
  | 'intent'
  | 'do-not-perform'
  | 'category'
  | 'value'
  | 'with';

export interface EventEvidence {
  readonly kind: 'event';
  readonly window: CompiledWindow;
  /** How a record's span met the window, when not by its start. */
  readonly by?: 'end' | 'overlap' | 'within';
  readonly matches: readonly RecordRef[];
  readonly distinctDates: number;
  readonly needed: number;
  readonly after?: AfterEvidence;
  /** Records with a matching code that did not count, nearest to the window first (at most 3). */
  readonly nearMisses: readonly NearMiss[];
}

export interface StatusEvidence {
  readonly kind: 'status';
  readonly window: CompiledWindow;
  readonly matches: readonly {
    readonly kind: string;
    readonly start: IsoDate;
    readonly end: IsoDate;
  }[];
  readonly outside: readonly {
    readonly kind: string;
    readonly start: IsoDate;
    readonly end: IsoDate;
  }[];
}

export interface DeathEvidence {
  readonly kind: 'death';
  readonly window: CompiledWindow;
  readonly deathDate?: IsoDate;
}

export interface ScopeEvidence {
  readonly kind: 'scope';
  /** Absent when the request has no product line. */
  readonly productLine?: ProductLine;
  readonly appliesTo: readonly ProductLine[];
}

/** What the reference computed for one member, with the trace of every population. */
export interface Evaluation {
  readonly outcome: Outcome;
  readonly trace: MeasureTrace;
}

export interface MeasureTrace {
  readonly measure: string;
  readonly year: number;
  /** Absent for a measure without product lines. */
  readonly productLine?: ProductLine;
  readonly memberId: string;
  /** Set when the measure is not reported for the requested product line. */
  readonly notReportedFor?: ProductLine;
  readonly initialPopulation: ClauseTrace;
  readonly denominator?: ClauseTrace;
  readonly denominatorExclusion?: ClauseTrace;
  readonly rates: readonly { readonly id: string; readonly trace: ClauseTrace }[];
  readonly strata: readonly { readonly id: string; readonly trace: ClauseTrace }[];
}

/** One population of a measure trace, with the label reports use for it. */
export interface TraceRoot {
  readonly population: RootPopulation;
  /** The rate id for a numerator, the stratum id for a stratum. */
  readonly id?: string;
  /**
   * `initialPopulation`, `denominator`, `denominatorExclusion`, `numerator` (one rate) or
   * `numerator <id>`, `stratum <id>`.
   */
  readonly label: string;
  readonly trace: ClauseTrace;
}

/**
 * The clause traces of a measure trace in evaluation order (initial population, denominator,
 * exclusion, rates, strata): the trace's counterpart of `measureRoots`, so nothing lists them by
 * hand.
 */
export function traceRoots(trace: MeasureTrace): TraceRoot[] {
  const single = trace.rates.length === 1;
  return [
    { population: 'initialPopulation', label: 'initialPopulation', trace: trace.initialPopulation },
    ...(trace.denominator
      ? [{ population: 'denominator' as const, label: 'denominator', trace: trace.denominator }]
      : []),
    ...(trace.denominatorExclusion
      ? [
          {
            population: 'denominatorExclusion' as const,
            label: 'denominatorExclusion',
            trace: trace.denominatorExclusion,
          },
        ]
      : []),
    ...trace.rates.map((r) => ({
      population: 'numerator' as const,
      id: r.id,
      label: single ? 'numerator' : `numerator ${r.id}`,
      trace: r.trace,
    })),
    ...trace.strata.map((s) => ({
      population: 'stratum' as const,
      id: s.id,
      label: `stratum ${s.id}`,
      trace: s.trace,
    })),
  ];
}
