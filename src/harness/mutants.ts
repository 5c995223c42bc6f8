import { addDays, addMonths } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { CodeSystem } from '../model/member.ts';
import { mapMeasure, measureClauses, walkClauses } from '../rulepack/clauseTree.ts';
import type {
  ClauseKindName,
  ClauseOf,
  Comparator,
  CompiledClause,
  CompiledMeasure,
  EnrollmentSegment,
  GapAllowance,
  ReadingTest,
} from '../rulepack/compiled.ts';
import { isThresholdTest } from '../rulepack/compiled.ts';
import type { ValueSet } from '../rulepack/valueSet.ts';

/** The mutation operators of the self-test. */
export type MutationOperator =
  | 'age-min'
  | 'age-max'
  | 'reading-threshold'
  | 'reading-comparator'
  | 'coverage-at-least'
  | 'min-distinct-dates'
  | 'gap-max-days'
  | 'gap-max-months'
  | 'window-from'
  | 'window-to'
  | 'drop-child'
  | 'swap-any-all'
  | 'scope-widened'
  | 'scope-narrowed'
  | 'value-set-missing-code'
  | 'previous-year'
  | 'drop-kinds'
  | 'drop-statuses'
  | 'drop-intents'
  | 'drop-categories'
  | 'flip-do-not-perform'
  | 'drop-value'
  | 'drop-with'
  | 'by-overlap'
  | 'drop-ongoing-statuses'
  | 'most-recent-date-any'
  | 'drop-if-any-missing';

/** One mutant of a measure: a small change of one clause (or one value set), compiled. */
export interface Mutant {
  /** Unique within the measure, e.g. `col-e-age:age-min-1`. */
  readonly id: string;
  readonly operator: MutationOperator;
  /** The mutated clause (for a value set, the first clause that uses it). */
  readonly clauseId: string;
  readonly description: string;
  readonly measure: CompiledMeasure;
  /** Set for a mutant of a stratum's `when` (or a clause inside it): the stratum's index. */
  readonly stratumIndex?: number;
}

export interface MutantOptions {
  /** The same measure compiled from the previous year's pack, for `previous-year` mutants. */
  readonly previous?: CompiledMeasure;
  /** At most this many mutants (a deterministic sample of them beyond); default 200. */
  readonly maxMutants?: number;
  /** Seed of the deterministic sample; default 1. */
  readonly seed?: number;
}

export interface MutantSet {
  readonly mutants: readonly Mutant[];
  /** How many mutants the operators derived before sampling. */
  readonly derived: number;
  /** True when `mutants` is a deterministic sample of the derived ones (more than the cap). */
  readonly sampled: boolean;
}

export const DEFAULT_MAX_MUTANTS = 200;

/** Mutants change clauses that are read as anchors (`onOrAfter`) too: a wrong anchor is a real bug. */
const WALK = { anchors: true } as const;

/**
 * A copy of `measure` with `target` (by identity) replaced by `mutate(target)` (as rebuilt, which
 * has the kind of `target`).
 */
export function replaceClause(
  measure: CompiledMeasure,
  target: CompiledClause,
  mutate: (clause: CompiledClause) => CompiledClause,
): CompiledMeasure {
  return mapMeasure(measure, (original, rebuilt) =>
    original === target ? mutate(rebuilt) : undefined,
  );
}

interface Draft {
  readonly id: string;
  readonly operator: MutationOperator;
  readonly clause: CompiledClause;
  readonly description: string;
  readonly build: () => CompiledMeasure;
}

/**
 * Derives the mutants of a measure: each one a plausible implementation mistake (a boundary off
 * by one, a window a day or a year off, a clause forgotten, any for all, a product-line scope
 * ignored or over-applied, a value set missing a code, last year's rule). Deterministic: the same
 * measure gives the same mutants in the same order.
 */
export function deriveMutants(measure: CompiledMeasure, options: MutantOptions = {}): MutantSet {
  const drafts: Draft[] = [];
  for (const clause of measureClauses(measure, WALK)) {
    for (const m of [...mutationsOf(clause), ...scopeMutations(clause)]) {
      drafts.push({
        id: `${clause.id}:${m.operator}${m.suffix}`,
        operator: m.operator,
        clause,
        description: m.description,
        build: () => replaceClause(measure, clause, m.mutate),
      });
    }
  }
  valueSetMutants(measure, drafts);
  if (options.previous) previousYearMutants(measure, options.previous, drafts);

  const max = options.maxMutants ?? DEFAULT_MAX_MUTANTS;
  const kept = drafts.length > max ? sample(drafts, max, options.seed ?? 1) : drafts;
  const strataClauses = measure.strata.map((s) => clausesUnder(s.when));
  const mutants = kept.map((d): Mutant => {
    const stratumIndex = strataClauses.findIndex((set) => set.has(d.clause));
    return {
      id: d.id,
      operator: d.operator,
      clauseId: d.clause.id,
      description: d.description,
      measure: d.build(),
      ...(stratumIndex >= 0 ? { stratumIndex } : {}),
    };
  });
  return { mutants, derived: drafts.length, sampled: kept !== drafts };
}

/** `root` and every clause under it. */
function clausesUnder(root: CompiledClause): Set<CompiledClause> {
  const out = new Set<CompiledClause>();
  walkClauses(
    [root],
    (c) => {
      out.add(c);
      return true;
    },
    WALK,
  );
  return out;
}

// ---- the operators, per clause kind ------------------------------------------------------------

/** One mutation of a clause `C`: its operator, the id suffix, what it changes, and how. */
interface Mutation<C extends CompiledClause> {
  readonly operator: MutationOperator;
  /** Appended to `<clause id>:<operator>` to make the mutant's id unique. */
  readonly suffix: string;
  readonly description: string;
  /** The mutated clause, from the clause as rebuilt (always of the kind of `C`). */
  readonly mutate: (clause: C) => CompiledClause;
}

/**
 * The operators of each clause kind, in the order their mutants are derived. A new clause kind is
 * a compile error here until it says which mistakes an implementation of it can make.
 */
const OPERATORS = {
  all: (c) => junctionMutations(c, 'any'),
  any: (c) => junctionMutations(c, 'all'),
  not: () => [],
  ref: () => [],
  age: ageMutations,
  sex: () => [],
  enrollment: gapMutations,
  event: (c) => [...distinctDateMutations(c), ...eventFilterMutations(c), ...windowMutations(c)],
  status: (c) => windowMutations(c),
  death: (c) => windowMutations(c),
  reading: (c) => [...readingTestMutations(c), ...readingFilterMutations(c), ...windowMutations(c)],
  coverage: (c) => [...coverageMutations(c), ...windowMutations(c)],
} satisfies {
  readonly [K in ClauseKindName]: (clause: ClauseOf<K>) => readonly Mutation<ClauseOf<K>>[];
};

/** The mutations of a clause's kind. */
function mutationsOf(clause: CompiledClause): readonly Mutation<CompiledClause>[] {
  // One cast, as in `byKind`: TypeScript cannot correlate `OPERATORS[clause.kind]` with `clause`.
  const entry = OPERATORS[clause.kind] as (
    c: CompiledClause,
  ) => readonly Mutation<CompiledClause>[];
  return entry(clause);
}

const signed = (n: number): string => (n > 0 ? `+${String(n)}` : String(n));

function ageMutations(c: ClauseOf<'age'>): Mutation<ClauseOf<'age'>>[] {
  const out: Mutation<ClauseOf<'age'>>[] = [];
  for (const bound of ['min', 'max'] as const) {
    const value = c[bound];
    if (value === undefined) continue;
    for (const d of [-1, 1]) {
      out.push({
        operator: `age-${bound}`,
        suffix: signed(d),
        description: `age ${bound} ${value} -> ${value + d}`,
        mutate: (x) => ({ ...x, [bound]: value + d }),
      });
    }
  }
  return out;
}

const SWAP: Record<Comparator, Comparator> = {
  below: 'atMost',
  atMost: 'below',
  above: 'atLeast',
  atLeast: 'above',
};

function readingTestMutations(c: ClauseOf<'reading'>): Mutation<ClauseOf<'reading'>>[] {
  const out: Mutation<ClauseOf<'reading'>>[] = [];
  c.tests.forEach((t, i) => {
    if (!isThresholdTest(t)) return;
    const at = c.tests.length > 1 ? `[${String(i)}]` : '';
    const withTest = (x: ClauseOf<'reading'>, test: ReadingTest): CompiledClause => ({
      ...x,
      tests: x.tests.map((u, j) => (j === i ? test : u)),
    });
    for (const d of [-1, 1]) {
      out.push({
        operator: 'reading-threshold',
        suffix: `${at}${signed(d)}`,
        description: `reading test ${t.comparator} ${String(t.threshold)} -> ${String(t.threshold + d)}`,
        mutate: (x) => withTest(x, { ...t, threshold: t.threshold + d }),
      });
    }
    const swapped = SWAP[t.comparator];
    out.push({
      operator: 'reading-comparator',
      suffix: at,
      description: `reading test ${t.comparator} ${String(t.threshold)} -> ${swapped} ${String(t.threshold)}`,
      mutate: (x) => withTest(x, { ...t, comparator: swapped }),
    });
  });
  return out;
}

function coverageMutations(c: ClauseOf<'coverage'>): Mutation<ClauseOf<'coverage'>>[] {
  return [-0.01, 0.01].map((d) => {
    const to = Math.round((c.atLeast + d) * 10000) / 10000;
    return {
      operator: 'coverage-at-least',
      suffix: d > 0 ? '+0.01' : '-0.01',
      description: `coverage at least ${String(c.atLeast)} -> ${String(to)}`,
      mutate: (x) => ({ ...x, atLeast: to }),
    };
  });
}

function distinctDateMutations(c: ClauseOf<'event'>): Mutation<ClauseOf<'event'>>[] {
  return [-1, 1].flatMap((d) => {
    const to = c.minDistinctDates + d;
    if (to < 1) return [];
    return [
      {
        operator: 'min-distinct-dates',
        suffix: signed(d),
        description: `distinct dates ${String(c.minDistinctDates)} -> ${String(to)}`,
        mutate: (x: ClauseOf<'event'>): CompiledClause => ({ ...x, minDistinctDates: to }),
      },
    ];
  });
}

/** Copies of an event or reading without one of its optional filters (a filter forgotten). */
const DROP_FILTER = {
  kinds: (x: ClauseOf<'event'>): ClauseOf<'event'> => {
    const copy = { ...x };
    delete copy.kinds;
    return copy;
  },
  statuses: (x: ClauseOf<'event'> | ClauseOf<'reading'>): CompiledClause => {
    const copy = { ...x };
    delete copy.statuses;
    return copy;
  },
  intents: (x: ClauseOf<'event'>): ClauseOf<'event'> => {
    const copy = { ...x };
    delete copy.intents;
    return copy;
  },
  categories: (x: ClauseOf<'event'> | ClauseOf<'reading'>): CompiledClause => {
    const copy = { ...x };
    delete copy.categories;
    return copy;
  },
  value: (x: ClauseOf<'event'>): ClauseOf<'event'> => {
    const copy = { ...x };
    delete copy.value;
    return copy;
  },
  with: (x: ClauseOf<'event'>): ClauseOf<'event'> => {
    const copy = { ...x };
    delete copy.with;
    return copy;
  },
  ongoingStatuses: (x: ClauseOf<'event'>): ClauseOf<'event'> => {
    const copy = { ...x };
    delete copy.ongoingStatuses;
    return copy;
  },
  ifAnyMissing: (t: ReadingTest): ReadingTest => {
    const copy = { ...t };
    delete copy.ifAnyMissing;
    return copy;
  },
};

/**
 * The clinical filters of an event forgotten (a cancelled encounter or a refuted diagnosis
 * counted), the do-not-perform flag read the wrong way round, every condition without abatement
 * taken as still going, and a span matched by overlap where the clause asks for its start, its end
 * or the whole span in the window.
 */
function eventFilterMutations(c: ClauseOf<'event'>): Mutation<ClauseOf<'event'>>[] {
  const out: Mutation<ClauseOf<'event'>>[] = [];
  const drops = [
    ['kinds', 'drop-kinds', DROP_FILTER.kinds],
    ['statuses', 'drop-statuses', DROP_FILTER.statuses],
    ['intents', 'drop-intents', DROP_FILTER.intents],
    ['categories', 'drop-categories', DROP_FILTER.categories],
  ] as const;
  for (const [key, operator, drop] of drops) {
    const set = c[key];
    if (set === undefined) continue;
    out.push({
      operator,
      suffix: '',
      description: `${key} ${[...set].join(', ')} not checked`,
      mutate: drop,
    });
  }
  if (c.doNotPerform !== undefined) {
    const flipped = !c.doNotPerform;
    out.push({
      operator: 'flip-do-not-perform',
      suffix: '',
      description: `doNotPerform ${String(c.doNotPerform)} -> ${String(flipped)}`,
      mutate: (x) => ({ ...x, doNotPerform: flipped }),
    });
  }
  if (c.value !== undefined)
    out.push({
      operator: 'drop-value',
      suffix: '',
      description: `value ${c.value.kind} not checked`,
      mutate: DROP_FILTER.value,
    });
  if (c.with !== undefined)
    out.push({
      operator: 'drop-with',
      suffix: '',
      description: `with ${c.with.role ?? 'any code'} not checked`,
      mutate: DROP_FILTER.with,
    });
  // Every condition without abatement taken as still going, whatever its clinicalStatus.
  if (c.ongoingStatuses !== undefined)
    out.push({
      operator: 'drop-ongoing-statuses',
      suffix: '',
      description: `ongoingStatuses ${[...c.ongoingStatuses].join(', ')} not checked: every condition without abatement still going`,
      mutate: DROP_FILTER.ongoingStatuses,
    });
  // Only where the pack chose how spans meet the window: a claim-era clause keeps its mutants.
  const by = c.by;
  if (by !== undefined && by !== 'overlap')
    out.push({
      operator: 'by-overlap',
      suffix: '',
      description: `by ${by} -> overlap`,
      mutate: (x) => ({ ...x, by: 'overlap' }),
    });
  return out;
}

/** A reading's filters forgotten, the latest date of any reading taken, a missing value skipped. */
function readingFilterMutations(c: ClauseOf<'reading'>): Mutation<ClauseOf<'reading'>>[] {
  const out: Mutation<ClauseOf<'reading'>>[] = [];
  for (const [key, operator, drop] of [
    ['statuses', 'drop-statuses', DROP_FILTER.statuses],
    ['categories', 'drop-categories', DROP_FILTER.categories],
  ] as const) {
    const set = c[key];
    if (set === undefined) continue;
    out.push({
      operator,
      suffix: '',
      description: `${key} ${[...set].join(', ')} not checked`,
      mutate: drop,
    });
  }
  if (c.mostRecentDate === 'all')
    out.push({
      operator: 'most-recent-date-any',
      suffix: '',
      description: 'mostRecentDate all -> any',
      mutate: (x) => ({ ...x, mostRecentDate: 'any' }),
    });
  c.tests.forEach((t, i) => {
    if (t.ifAnyMissing === undefined) return;
    out.push({
      operator: 'drop-if-any-missing',
      suffix: c.tests.length > 1 ? `[${String(i)}]` : '',
      description: `reading test ifAnyMissing ${String(t.ifAnyMissing)} not applied`,
      mutate: (x) => ({
        ...x,
        tests: x.tests.map((u, j) => (j === i ? DROP_FILTER.ifAnyMissing(u) : u)),
      }),
    });
  });
  return out;
}

function gapMutations(c: ClauseOf<'enrollment'>): Mutation<ClauseOf<'enrollment'>>[] {
  const out: Mutation<ClauseOf<'enrollment'>>[] = [];
  for (const field of ['maxDays', 'maxMonths'] as const) {
    const values = new Set(
      Object.values(c.segments).flatMap((segs) =>
        segs.flatMap((s) => (s.allowance[field] !== undefined ? [s.allowance[field]] : [])),
      ),
    );
    if (values.size === 0) continue;
    for (const d of [-1, 1]) {
      out.push({
        operator: field === 'maxDays' ? 'gap-max-days' : 'gap-max-months',
        suffix: signed(d),
        description: `gap allowance ${field} ${[...values].join('/')} -> ${signed(d)}`,
        mutate: (x) => ({ ...x, segments: shiftAllowance(x, field, d) }),
      });
    }
  }
  return out;
}

type Segments = ClauseOf<'enrollment'>['segments'];

function shiftAllowance(
  c: ClauseOf<'enrollment'>,
  field: 'maxDays' | 'maxMonths',
  d: number,
): Segments {
  const shift = (a: GapAllowance): GapAllowance => {
    const v = a[field];
    return v === undefined ? a : { ...a, [field]: Math.max(0, v + d) };
  };
  const out: Record<string, readonly EnrollmentSegment[]> = {};
  for (const [line, segs] of Object.entries(c.segments)) {
    out[line] = segs.map((s) => ({ ...s, allowance: shift(s.allowance) }));
  }
  return out as Segments;
}

/** The clause kinds with a date window. */
type Windowed = 'event' | 'status' | 'death' | 'reading' | 'coverage';

const WINDOW_SHIFTS: readonly (readonly [string, (date: IsoDate) => IsoDate])[] = [
  ['-1d', (x) => addDays(x, -1)],
  ['+1d', (x) => addDays(x, 1)],
  ['-1y', (x) => addMonths(x, -12)],
  ['+1y', (x) => addMonths(x, 12)],
];

function windowMutations(c: ClauseOf<Windowed>): Mutation<ClauseOf<Windowed>>[] {
  const out: Mutation<ClauseOf<Windowed>>[] = [];
  for (const edge of ['from', 'to'] as const) {
    const date = c.window[edge];
    if (date === undefined) continue;
    for (const [suffix, shift] of WINDOW_SHIFTS) {
      const moved = shift(date);
      out.push({
        operator: `window-${edge}`,
        suffix,
        description: `window ${edge} ${date} -> ${moved}`,
        mutate: (x) => ({ ...x, window: { ...x.window, [edge]: moved } }),
      });
    }
  }
  return out;
}

function junctionMutations(
  c: ClauseOf<'all' | 'any'>,
  other: 'all' | 'any',
): Mutation<ClauseOf<'all' | 'any'>>[] {
  if (c.children.length <= 1) return [];
  return [
    ...c.children.map((child, i): Mutation<ClauseOf<'all' | 'any'>> => ({
      operator: 'drop-child',
      suffix: `:${child.id}`,
      description: `${c.kind} without ${child.id}`,
      mutate: (x) => ({ ...x, children: x.children.filter((_, j) => j !== i) }),
    })),
    {
      operator: 'swap-any-all',
      suffix: '',
      description: `${c.kind} -> ${other}`,
      mutate: (x) => ({ ...x, kind: other }),
    },
  ];
}

/** Mutations of any clause scoped to some product lines: the scope ignored, or narrowed. */
function scopeMutations(c: CompiledClause): Mutation<CompiledClause>[] {
  if (c.productLines === undefined) return [];
  const lines = [...c.productLines];
  const out: Mutation<CompiledClause>[] = [
    {
      operator: 'scope-widened',
      suffix: '',
      description: `product lines ${lines.join(', ')} -> all`,
      mutate: (x) => {
        const copy = { ...x };
        delete copy.productLines;
        return copy;
      },
    },
  ];
  const first = lines[0];
  if (lines.length > 1 && first !== undefined) {
    out.push({
      operator: 'scope-narrowed',
      suffix: '',
      description: `product lines ${lines.join(', ')} -> ${first}`,
      mutate: (x) => ({ ...x, productLines: new Set([first]) }),
    });
  }
  return out;
}

// ---- value sets ---------------------------------------------------------------------------------

/** How a clause kind reads value sets: which it reads, and the clause with some replaced. */
interface ValueSetUse<K extends ClauseKindName> {
  readonly read: (clause: ClauseOf<K>) => readonly ValueSet[];
  readonly replace: (clause: ClauseOf<K>, swap: (vs: ValueSet) => ValueSet) => ClauseOf<K>;
}

const NO_VALUE_SETS = { read: () => [], replace: <C>(c: C): C => c };

const VALUE_SET_USES = {
  all: NO_VALUE_SETS,
  any: NO_VALUE_SETS,
  not: NO_VALUE_SETS,
  ref: NO_VALUE_SETS,
  age: NO_VALUE_SETS,
  sex: NO_VALUE_SETS,
  enrollment: NO_VALUE_SETS,
  event: {
    read: (c) => [
      ...c.valueSets,
      ...(c.value?.kind === 'coded' ? c.value.valueSets : []),
      ...(c.with?.valueSets ?? []),
    ],
    replace: (c, swap) => ({
      ...c,
      valueSets: c.valueSets.map(swap),
      ...(c.value?.kind === 'coded'
        ? { value: { ...c.value, valueSets: c.value.valueSets.map(swap) } }
        : {}),
      ...(c.with ? { with: { ...c.with, valueSets: c.with.valueSets.map(swap) } } : {}),
    }),
  },
  status: NO_VALUE_SETS,
  death: NO_VALUE_SETS,
  reading: {
    read: (c) => [
      ...c.valueSets,
      ...c.tests.flatMap((t) => [...(t.valueSet ? [t.valueSet] : []), ...(t.valueIn ?? [])]),
      ...(c.claimResults ?? []).map((r) => r.valueSet),
    ],
    replace: (c, swap) => ({
      ...c,
      valueSets: c.valueSets.map(swap),
      tests: c.tests.map((t): ReadingTest => {
        const own = t.valueSet ? { valueSet: swap(t.valueSet) } : {};
        return isThresholdTest(t)
          ? { ...t, ...own }
          : { ...t, ...own, valueIn: t.valueIn.map(swap) };
      }),
      ...(c.claimResults
        ? {
            claimResults: c.claimResults.map((r) => ({
              ...r,
              valueSet: swap(r.valueSet),
              reads: swap(r.reads),
            })),
          }
        : {}),
    }),
  },
  coverage: {
    read: (c) => c.valueSets,
    replace: (c, swap) => ({ ...c, valueSets: c.valueSets.map(swap) }),
  },
} satisfies { readonly [K in ClauseKindName]: ValueSetUse<K> };

function valueSetUse(clause: CompiledClause): ValueSetUse<ClauseKindName> {
  // One cast, as in `byKind`: the entry is the one for the clause's kind.
  return VALUE_SET_USES[clause.kind] as ValueSetUse<ClauseKindName>;
}

/** One mutant per value set the measure reaches: the set without its first code. */
function valueSetMutants(measure: CompiledMeasure, drafts: Draft[]): void {
  const users = new Map<ValueSet, CompiledClause>();
  for (const c of measureClauses(measure, WALK)) {
    for (const vs of valueSetUse(c).read(c)) if (!users.has(vs)) users.set(vs, c);
  }
  for (const [vs, clause] of users) {
    const first = firstCode(vs);
    if (!first) continue;
    const [system, code] = first;
    const codes = new Map(vs.codes);
    codes.set(system, new Set([...(vs.codes.get(system) ?? [])].filter((x) => x !== code)));
    const smaller: ValueSet = { ...vs, codes, size: vs.size - 1 };
    const swap = (x: ValueSet): ValueSet => (x === vs ? smaller : x);
    drafts.push({
      id: `${vs.name}:value-set-missing-code:${system}|${code}`,
      operator: 'value-set-missing-code',
      clause,
      description: `value set ${vs.name} without ${system} ${code}`,
      build: () =>
        mapMeasure(measure, (_original, c) => {
          const use = valueSetUse(c);
          return use.read(c).includes(vs) ? use.replace(c, swap) : undefined;
        }),
    });
  }
}

function firstCode(vs: ValueSet): [CodeSystem, string] | undefined {
  for (const [system, codes] of vs.codes) {
    for (const code of codes) return [system, code];
  }
  return undefined;
}

/** For each clause whose spec differs from last year's clause of the same id: last year's clause. */
function previousYearMutants(
  measure: CompiledMeasure,
  previous: CompiledMeasure,
  drafts: Draft[],
): void {
  const before = new Map(measureClauses(previous, WALK).map((c) => [c.id, c]));
  for (const clause of measureClauses(measure, WALK)) {
    const old = before.get(clause.id);
    if (!old || JSON.stringify(old.spec) === JSON.stringify(clause.spec)) continue;
    drafts.push({
      id: `${clause.id}:previous-year`,
      operator: 'previous-year',
      clause,
      description: `${clause.id} as in ${String(previous.year)}`,
      build: () => replaceClause(measure, clause, () => old),
    });
  }
}

/** A deterministic sample of `n` drafts (seeded shuffle), kept in their original order. */
function sample(drafts: readonly Draft[], n: number, seed: number): Draft[] {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const indices = drafts.map((_, i) => i);
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const a = indices[i] ?? 0;
    indices[i] = indices[j] ?? 0;
    indices[j] = a;
  }
  return indices
    .slice(0, n)
    .sort((a, b) => a - b)
    .flatMap((i) => (drafts[i] ? [drafts[i]] : []));
}
