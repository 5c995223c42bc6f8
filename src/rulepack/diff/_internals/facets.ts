import { PRODUCT_LINES } from '../../../model/member.ts';
import { canonicalDate, sortedList } from '../../canonicalSpec.ts';
import type { ClauseKind, ClauseSpec } from '../../schema.ts';
import type {
  AllowanceSpec,
  ChangeKind,
  KeyedFacetName,
  KeyedFacetValues,
  ScalarFacetName,
  ScalarFacetValues,
  SetFacetName,
  WindowValue,
} from '../types.ts';

/**
 * The parts of each clause kind's body that a diff compares one by one ("facets"), so a change
 * reads as "the window moved" rather than "the event changed". The table is keyed by clause kind:
 * a new kind without an entry does not compile. A field no facet covers is still compared as a
 * whole (see compareFacets), so a field added to a kind later is never missed.
 */

type Spec<K extends ClauseKind> = NonNullable<ClauseSpec[K]>;

/** One value per body; two bodies differ when `same` (default: the value) differs. */
export type ScalarFacet<T> = {
  readonly [N in ScalarFacetName]: {
    readonly type: 'scalar';
    readonly name: N;
    readonly kind: ChangeKind;
    /** The body fields this facet covers. */
    readonly fields: readonly string[];
    readonly value: (body: T) => ScalarFacetValues[N];
    /** What must be equal for the facet to be unchanged, when that is less than the value. */
    readonly same?: (body: T) => unknown;
  };
}[ScalarFacetName];

/** A list compared as a set (sorted, without repeats); undefined when the field is absent. */
export interface SetFacet<T> {
  readonly type: 'set';
  readonly name: SetFacetName;
  readonly kind: ChangeKind;
  readonly fields: readonly string[];
  readonly items: (body: T) => readonly string[] | undefined;
}

/** A map compared entry by entry (e.g. a reading's tests by value set). */
export type KeyedFacet<T> = {
  readonly [N in KeyedFacetName]: {
    readonly type: 'keyed';
    readonly name: N;
    readonly kind: ChangeKind;
    readonly fields: readonly string[];
    readonly entries: (body: T) => ReadonlyMap<string | null, KeyedFacetValues[N]>;
    /** What must be equal for an entry to be unchanged. */
    readonly same: (value: KeyedFacetValues[N]) => unknown;
  };
}[KeyedFacetName];

export type Facet<T> = ScalarFacet<T> | SetFacet<T> | KeyedFacet<T>;

export interface KindFacets<T> {
  readonly facets: readonly Facet<T>[];
  /** Whether body fields no facet covers are compared too (kinds whose body is an object). */
  readonly others: boolean;
}

// ---- canonical values ----------------------------------------------------------------------------

function canonicalWindow(w: {
  readonly from?: string | undefined;
  readonly to: string;
}): WindowValue {
  return w.from === undefined
    ? { to: canonicalDate(w.to) }
    : { from: canonicalDate(w.from), to: canonicalDate(w.to) };
}

/** What an allowance means: any gap size is moot with no gap, and a size is in days or months. */
function canonicalAllowance(a: AllowanceSpec): AllowanceSpec {
  if (a.gaps === 0) return { gaps: 0 };
  if (a.maxDays !== undefined) return { gaps: a.gaps, maxDays: a.maxDays };
  if (a.maxMonths !== undefined) return { gaps: a.gaps, maxMonths: a.maxMonths };
  return { gaps: a.gaps };
}

// ---- facet builders ------------------------------------------------------------------------------

function setFacet<T>(
  kind: ChangeKind,
  name: SetFacetName,
  items: (body: T) => readonly string[] | undefined,
): SetFacet<T> {
  return {
    type: 'set',
    kind,
    name,
    fields: [name],
    items: (body) => {
      const list = items(body);
      return list === undefined ? undefined : sortedList([...new Set(list)]);
    },
  };
}

const valueSetsFacet = <T>(get: (body: T) => readonly string[] | undefined): SetFacet<T> =>
  setFacet('value-sets', 'valueSets', get);

const windowFacet = <T>(get: (body: T) => Spec<'death'>['window']): ScalarFacet<T> => ({
  type: 'scalar',
  kind: 'window',
  name: 'window',
  fields: ['window'],
  value: (body) => canonicalWindow(get(body)),
});

const onOrAfterFacet = <T>(
  kind: ChangeKind,
  get: (body: T) => Spec<'event'>['onOrAfter'],
): ScalarFacet<T> => ({
  type: 'scalar',
  kind,
  name: 'onOrAfter',
  fields: ['onOrAfter'],
  value: (body) => get(body) ?? null,
});

const yesNo = (
  name: 'shiftSameDrug' | 'endAtDeath' | 'endAtDisenrollment',
): ScalarFacet<Spec<'coverage'>> => ({
  type: 'scalar',
  kind: 'coverage',
  name,
  fields: [name],
  value: (c) => c[name],
});

/** A scalar facet of one body field, compared by its canonical value. */
function scalarFacet<T, N extends 'doNotPerform' | 'value' | 'with' | 'by' | 'mostRecentDate'>(
  kind: ChangeKind,
  name: N,
  value: (body: T) => ScalarFacetValues[N],
): ScalarFacet<T> {
  // One cast: TypeScript cannot narrow the mapped union by the generic name.
  return { type: 'scalar', kind, name, fields: [name], value } as unknown as ScalarFacet<T>;
}

/** The kinds of records an event counts (its `kinds`; `kinds` of a status clause is another facet). */
const recordKindsFacet: SetFacet<Spec<'event'>> = {
  type: 'set',
  kind: 'event',
  name: 'recordKinds',
  fields: ['kinds'],
  items: (e) => (e.kinds === undefined ? undefined : sortedList([...new Set(e.kinds)])),
};

/** The value sets of a test or filter in sorted order: their order does not matter. */
const sortedSets = (names: readonly string[]): string[] => sortedList([...new Set(names)]);

/** A composite's children are compared as clauses of their own: it has no facets. */
const COMPOSITE = { facets: [], others: false } as const;

// ---- the table -----------------------------------------------------------------------------------

export const CLAUSE_FACETS = {
  all: COMPOSITE,
  any: COMPOSITE,
  not: COMPOSITE,
  ref: {
    facets: [{ type: 'scalar', kind: 'ref', name: 'ref', fields: [], value: (ref) => ref }],
    others: false,
  },
  age: {
    facets: [
      {
        type: 'scalar',
        kind: 'age',
        name: 'age',
        fields: ['min', 'max', 'asOf'],
        value: (a) => ({ ...a, asOf: canonicalDate(a.asOf) }),
      },
    ],
    others: true,
  },
  sex: {
    facets: [
      {
        type: 'scalar',
        kind: 'sex',
        name: 'sex',
        fields: [],
        value: (sex) => sex,
        same: (sex) => sortedList(sex).join(),
      },
    ],
    others: false,
  },
  enrollment: {
    facets: [
      {
        type: 'scalar',
        kind: 'enrollment',
        name: 'periods',
        fields: ['periods'],
        value: (e) =>
          e.periods.map((p) => ({
            from: canonicalDate(p.from),
            to: canonicalDate(p.to),
            ...(p.allowance ? { allowance: canonicalAllowance(p.allowance) } : {}),
          })),
      },
      {
        type: 'scalar',
        kind: 'enrollment',
        name: 'anchor',
        fields: ['anchor'],
        value: (e) => (e.anchor === undefined ? null : canonicalDate(e.anchor)),
      },
      {
        type: 'scalar',
        kind: 'enrollment',
        name: 'benefit',
        fields: ['benefit'],
        value: (e) => e.benefit,
      },
      {
        type: 'scalar',
        kind: 'allowance',
        name: 'allowance',
        fields: ['allowance'],
        value: (e) => e.allowance,
        same: (e) => canonicalAllowance(e.allowance),
      },
      {
        type: 'keyed',
        kind: 'allowance',
        name: 'allowanceByProductLine',
        fields: ['allowanceByProductLine'],
        entries: (e) =>
          new Map(
            PRODUCT_LINES.flatMap((line) => {
              const own = e.allowanceByProductLine?.[line];
              return own ? [[line, own] as const] : [];
            }),
          ),
        same: canonicalAllowance,
      },
    ],
    others: true,
  },
  event: {
    facets: [
      valueSetsFacet((e) => e.valueSets),
      setFacet('event', 'drugs', (e) => e.drugs),
      setFacet('event', 'records', (e) => e.records ?? ['claims', 'dispensings', 'observations']),
      windowFacet((e) => e.window),
      setFacet('event', 'settings', (e) => e.settings),
      setFacet('event', 'excludeSettings', (e) => e.excludeSettings),
      {
        type: 'scalar',
        kind: 'event',
        name: 'minDistinctDates',
        fields: ['minDistinctDates'],
        value: (e) => e.minDistinctDates,
      },
      setFacet('event', 'modifiers', (e) => e.modifiers?.map((m) => m.toUpperCase())),
      onOrAfterFacet('event', (e) => e.onOrAfter),
      recordKindsFacet,
      setFacet('event', 'statuses', (e) => e.statuses),
      setFacet('event', 'intents', (e) => e.intents),
      scalarFacet('event', 'doNotPerform', (e: Spec<'event'>) => e.doNotPerform ?? null),
      setFacet('event', 'categories', (e) => e.categories),
      scalarFacet('event', 'value', (e: Spec<'event'>) =>
        e.value === undefined
          ? null
          : e.value === 'present'
            ? 'present'
            : { valueSets: sortedSets(e.value.valueSets) },
      ),
      scalarFacet('event', 'with', (e: Spec<'event'>) =>
        e.with === undefined
          ? null
          : {
              ...(e.with.role !== undefined ? { role: e.with.role } : {}),
              valueSets: sortedSets(e.with.valueSets),
            },
      ),
      scalarFacet('event', 'by', (e: Spec<'event'>) => e.by ?? 'start'),
      setFacet('event', 'ongoingStatuses', (e) => e.ongoingStatuses),
    ],
    others: true,
  },
  status: {
    facets: [setFacet('status', 'kinds', (s) => s.kinds), windowFacet((s) => s.window)],
    others: true,
  },
  death: { facets: [windowFacet((d) => d.window)], others: true },
  reading: {
    facets: [
      valueSetsFacet((r) => r.valueSets),
      windowFacet((r) => r.window),
      onOrAfterFacet('reading', (r) => r.onOrAfter),
      setFacet('reading', 'settings', (r) => r.settings),
      setFacet('reading', 'excludeSettings', (r) => r.excludeSettings),
      {
        type: 'scalar',
        kind: 'reading',
        name: 'sameDay',
        fields: ['sameDay'],
        value: (r) => r.sameDay,
      },
      {
        type: 'keyed',
        kind: 'reading',
        name: 'require',
        fields: ['require'],
        entries: (r) => {
          const out = new Map<string | null, Spec<'reading'>['require']>();
          for (const t of r.require) {
            const key = t.valueSet ?? null;
            out.set(key, [...(out.get(key) ?? []), t]);
          }
          return out;
        },
        // The tests of one value set all hold: their order does not matter.
        same: (tests) => sortedList(tests.map((t) => JSON.stringify(sortedKeys(t)))),
      },
      {
        type: 'scalar',
        kind: 'reading',
        name: 'ifNone',
        fields: ['ifNone'],
        value: (r) => r.ifNone,
      },
      {
        type: 'keyed',
        kind: 'reading',
        name: 'claimResults',
        fields: ['claimResults'],
        entries: (r) => new Map((r.claimResults ?? []).map((c) => [c.valueSet, c])),
        same: (c) => JSON.stringify(sortedKeys(c)),
      },
      setFacet('reading', 'statuses', (r) => r.statuses),
      setFacet('reading', 'categories', (r) => r.categories),
      scalarFacet('reading', 'by', (r: Spec<'reading'>) => r.by ?? 'start'),
      scalarFacet('reading', 'mostRecentDate', (r: Spec<'reading'>) => r.mostRecentDate ?? 'any'),
    ],
    others: true,
  },
  coverage: {
    facets: [
      setFacet('coverage', 'drugs', (c) => c.drugs),
      valueSetsFacet((c) => c.valueSets),
      windowFacet((c) => c.window),
      {
        type: 'scalar',
        kind: 'coverage',
        name: 'atLeast',
        fields: ['atLeast'],
        value: (c) => c.atLeast,
        // A reader sees the proportion to a tenth of a percent.
        same: (c) => Math.round(c.atLeast * 1000),
      },
      yesNo('shiftSameDrug'),
      yesNo('endAtDeath'),
      yesNo('endAtDisenrollment'),
    ],
    others: true,
  },
} satisfies { readonly [K in ClauseKind]: KindFacets<Spec<K>> };

/** The object with its keys in sorted order, for comparing by JSON. */
export function sortedKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, (value as Record<string, unknown>)[k]]),
  );
}
