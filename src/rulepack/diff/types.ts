import type { ProductLine } from '../../model/member.ts';
import type { ClauseKind, ClauseSpec } from '../schema.ts';

/** `semantic`: changes who is counted. `minor`: citations and wording. `metadata`: identity. */
export type ChangeLevel = 'semantic' | 'minor' | 'metadata';

export type ChangeKind =
  | 'metadata'
  | 'notice'
  | 'family'
  | 'scope'
  | 'measure-added'
  | 'measure-removed'
  | 'title'
  | 'description'
  | 'source'
  | 'url'
  | 'assumption'
  | 'rate-added'
  | 'rate-removed'
  | 'stratum-added'
  | 'stratum-removed'
  | 'strata-order'
  | 'clause-added'
  | 'clause-removed'
  | 'clause-moved'
  | 'clause-kind'
  | 'ref'
  | 'age'
  | 'sex'
  | 'enrollment'
  | 'allowance'
  | 'window'
  | 'value-sets'
  | 'event'
  | 'status'
  | 'reading'
  | 'coverage'
  | 'clause'
  | 'definition-added'
  | 'definition-removed'
  | 'value-set-added'
  | 'value-set-removed'
  | 'codes'
  | 'oid'
  | 'display'
  | 'near-misses';

/**
 * One difference between two packs, as data: the fields a program reads, and `detail`, what a
 * sentence about it needs (src/report/packChangeText.ts renders it).
 */
export interface PackChange {
  readonly kind: ChangeKind;
  readonly level: ChangeLevel;
  readonly measure?: string;
  readonly definition?: string;
  readonly valueSet?: string;
  /** The clause id (or `ref <definition>` for a plain reference). */
  readonly clause?: string;
  /** File of the new pack (of the old one for something removed), `/` separators. */
  readonly file?: string;
  /** Path inside that file, e.g. `initialPopulation.all[0].age`. */
  readonly path?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly detail: ChangeDetail;
}

export interface PackRef {
  readonly dir: string;
  readonly id: string;
  readonly version: string;
  readonly year: number;
  /**
   * Value sets the pack declares by OID: a diff compares their OIDs, not their codes (those are
   * read at run time from a bundle). Absent when it declares none.
   */
  readonly valueSetsByOid?: number;
}

export interface PackDiff {
  readonly old: PackRef;
  readonly new: PackRef;
  /** True when there is no semantic change. */
  readonly equal: boolean;
  readonly changes: readonly PackChange[];
}

// ---- details: what each change is about --------------------------------------------------------

export type ChangeDetail =
  | PackFieldDetail
  | PackChangelogDetail
  | ProductLinesDetail
  | MeasureAddedDetail
  | MeasureRemovedDetail
  | MeasureTextDetail
  | RateDetail
  | RateTextDetail
  | StratumDetail
  | StratumTextDetail
  | StrataOrderDetail
  | DefinitionDetail
  | ValueSetDetail
  | ValueSetCodesDetail
  | ValueSetDisplayDetail
  | ValueSetOidDetail
  | ValueSetNearMissesDetail
  | ClauseDetail;

/** A plain field of pack.yaml. A missing digest is a draft. */
export interface PackFieldDetail {
  readonly of: 'pack';
  readonly field: 'id' | 'year' | 'version' | 'digest' | 'title' | 'notice' | 'family';
  readonly from?: string | number;
  readonly to?: string | number;
}

/** The changelog of pack.yaml, by the versions it lists. */
export interface PackChangelogDetail {
  readonly of: 'pack-changelog';
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/** The product lines of the pack (no `measure`) or of a measure. */
export interface ProductLinesDetail {
  readonly of: 'product-lines';
  readonly measure?: string;
  readonly from: readonly ProductLine[];
  readonly to: readonly ProductLine[];
}

export interface MeasureAddedDetail {
  readonly of: 'measure-added';
  readonly title: string;
  readonly productLines?: readonly ProductLine[];
}

export interface MeasureRemovedDetail {
  readonly of: 'measure-removed';
  readonly title: string;
}

export type TextField = 'title' | 'description' | 'source' | 'assumption';

/** A text field of a measure (`kind` is the field). */
export interface MeasureTextDetail {
  readonly of: 'measure-text';
  readonly field: 'title' | 'description' | 'source' | 'url';
  readonly from?: string;
  readonly to?: string;
}

/** A rate added or removed, with its numerator. */
export interface RateDetail {
  readonly of: 'rate';
  readonly rate: string;
  readonly numerator: ClauseSpec;
}

export interface RateTextDetail {
  readonly of: 'rate-text';
  readonly rate: string;
  readonly from?: string;
  readonly to?: string;
}

/** A stratum added or removed, with its condition. */
export interface StratumDetail {
  readonly of: 'stratum';
  readonly stratum: string;
  readonly when: ClauseSpec;
}

export interface StratumTextDetail {
  readonly of: 'stratum-text';
  readonly stratum: string;
  readonly field: 'description' | 'source' | 'assumption';
  readonly from?: string;
  readonly to?: string;
}

/** The order of the strata both packs have. */
export interface StrataOrderDetail {
  readonly of: 'strata-order';
  readonly from: readonly string[];
  readonly to: readonly string[];
}

/** A shared definition added or removed; `users` are the measures that use it (in either pack). */
export interface DefinitionDetail {
  readonly of: 'definition';
  readonly spec: ClauseSpec;
  readonly users: readonly string[];
}

/** A clause that names a value set: in a measure, or in a shared definition. */
export interface ValueSetUser {
  readonly in: 'measure' | 'definition';
  /** The measure id or the definition name (undefined: a definition without a name). */
  readonly name?: string;
  /** The clause id (undefined: a clause without an id). */
  readonly clause?: string;
}

/** A value set added or removed, with how many codes it has and who uses it (in either pack). */
export interface ValueSetDetail {
  readonly of: 'value-set';
  readonly codes: number;
  /** The OID of a value set declared by OID (its codes are not in the pack). */
  readonly oid?: string;
  readonly users: readonly ValueSetUser[];
}

/** Codes added to or removed from a value set (the change's `added` and `removed`). */
export interface ValueSetCodesDetail {
  readonly of: 'value-set-codes';
  readonly users: readonly ValueSetUser[];
}

/** The OID a value set is declared by changed (absent: its codes are in a CSV of the pack). */
export interface ValueSetOidDetail {
  readonly of: 'value-set-oid';
  readonly from?: string;
  readonly to?: string;
  readonly users: readonly ValueSetUser[];
}

/** Codes whose display text changed. */
export interface ValueSetDisplayDetail {
  readonly of: 'value-set-display';
  readonly codes: readonly string[];
}

/**
 * The near misses (decoy codes) listed for a value set changed: they steer generation, never who
 * is counted. `added`/`removed` of the change hold `SYSTEM code`; `reasons` the changed reasons.
 */
export interface ValueSetNearMissesDetail {
  readonly of: 'value-set-near-misses';
  readonly reasons: readonly string[];
}

/** Where a clause change happened: in a measure, or in a shared definition and who uses it. */
export type ClauseOwner =
  | { readonly of: 'measure'; readonly measure: string }
  | { readonly of: 'definition'; readonly definition: string; readonly users: readonly string[] };

/** Where a clause stands: its population (empty in a definition) and its parent's label. */
export interface ClausePosition {
  readonly population: string;
  readonly parent?: string;
}

export interface ClauseDetail {
  readonly of: 'clause';
  readonly owner: ClauseOwner;
  /** The clause id, or `ref <definition>`. */
  readonly label: string;
  /** Where the clause stands in the new pack (in the old one when removed). */
  readonly position: ClausePosition;
  readonly aspect: ClauseAspect;
}

export type ClauseAspect =
  | { readonly type: 'added' | 'removed'; readonly spec: ClauseSpec }
  | { readonly type: 'moved'; readonly from: ClausePosition; readonly to: ClausePosition }
  | {
      readonly type: 'text';
      readonly field: 'description' | 'source' | 'assumption';
      readonly from?: string;
      readonly to?: string;
    }
  | {
      readonly type: 'product-lines';
      readonly from: readonly ProductLine[];
      readonly to: readonly ProductLine[];
    }
  | { readonly type: 'otherwise'; readonly from: boolean; readonly to: boolean }
  | { readonly type: 'kind'; readonly from: ClauseSpec; readonly to: ClauseSpec }
  | ScalarFacetChange
  | SetFacetChange
  | KeyedFacetChange
  | {
      /** A field no facet covers (one added to the language later), as canonical JSON. */
      readonly type: 'other';
      readonly clauseKind: ClauseKind;
      readonly field: string;
      readonly from?: string;
      readonly to?: string;
    };

// ---- facets: the parts of a clause body that are compared one by one ---------------------------

type Spec<K extends ClauseKind> = NonNullable<ClauseSpec[K]>;
export type AllowanceSpec = Spec<'enrollment'>['allowance'];
export type OnOrAfterSpec = NonNullable<Spec<'event'>['onOrAfter']>;
export type ReadingTestSpec = Spec<'reading'>['require'][number];
/** A claim code that reports a reading's result, as written. */
export type ClaimResultSpec = NonNullable<Spec<'reading'>['claimResults']>[number];

/** A window with its dates in canonical form. */
export interface WindowValue {
  readonly from?: string;
  readonly to: string;
}

/** An enrollment period with its dates in canonical form. */
export interface PeriodValue {
  readonly from: string;
  readonly to: string;
  readonly allowance?: AllowanceSpec;
}

/** The value each single-valued facet compares (dates in canonical form). */
export interface ScalarFacetValues {
  readonly ref: string;
  readonly age: Spec<'age'>;
  readonly sex: readonly string[];
  readonly periods: readonly PeriodValue[];
  /** null: no anchor date. */
  readonly anchor: string | null;
  readonly benefit: string;
  readonly allowance: AllowanceSpec;
  readonly window: WindowValue;
  readonly minDistinctDates: number;
  /** null: no on-or-after rule. */
  readonly onOrAfter: OnOrAfterSpec | null;
  readonly sameDay: string;
  readonly ifNone: boolean;
  readonly atLeast: number;
  readonly shiftSameDrug: boolean;
  readonly endAtDeath: boolean;
  readonly endAtDisenrollment: boolean;
  /** null: not looked at. */
  readonly doNotPerform: boolean | null;
  /** null: no test on the value; value sets sorted. */
  readonly value: 'present' | { readonly valueSets: readonly string[] } | null;
  /** null: no other code required; value sets sorted. */
  readonly with: { readonly role?: string; readonly valueSets: readonly string[] } | null;
  /** How a record's span meets the window (`start` when not written). */
  readonly by: string;
  /** Which date a reading is taken on (`any` when not written). */
  readonly mostRecentDate: string;
}
export type ScalarFacetName = keyof ScalarFacetValues;

/** Facets that are lists compared as sets (sorted, without repeats). */
export type SetFacetName =
  | 'valueSets'
  | 'drugs'
  | 'records'
  | 'settings'
  | 'excludeSettings'
  | 'modifiers'
  | 'kinds'
  | 'recordKinds'
  | 'statuses'
  | 'intents'
  | 'categories'
  | 'ongoingStatuses';

/** Facets that are maps, compared entry by entry. */
export interface KeyedFacetValues {
  /** The tests of a reading by value set (key null: tests on any of its value sets). */
  readonly require: readonly ReadingTestSpec[];
  /** Gap allowances by product line. */
  readonly allowanceByProductLine: AllowanceSpec;
  /** A reading's claim results by value set: what each reads and the range of values it means. */
  readonly claimResults: ClaimResultSpec;
}
export type KeyedFacetName = keyof KeyedFacetValues;

export type FacetName = ScalarFacetName | SetFacetName | KeyedFacetName;

/** A single-valued facet that differs; `year` is the new pack's, to show dates resolved in. */
export type ScalarFacetChange = {
  readonly [N in ScalarFacetName]: {
    readonly type: 'scalar';
    readonly facet: N;
    readonly from: ScalarFacetValues[N];
    readonly to: ScalarFacetValues[N];
    readonly year: number;
  };
}[ScalarFacetName];

/** A list facet that differs; undefined: the list is absent (its default applies). */
export interface SetFacetChange {
  readonly type: 'set';
  readonly facet: SetFacetName;
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** One entry of a keyed facet that differs; undefined: the side has no entry for the key. */
export type KeyedFacetChange = {
  readonly [N in KeyedFacetName]: {
    readonly type: 'keyed';
    readonly facet: N;
    readonly key: string | null;
    readonly from?: KeyedFacetValues[N];
    readonly to?: KeyedFacetValues[N];
  };
}[KeyedFacetName];
