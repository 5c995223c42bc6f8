import { addDays, addMonths } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { CodeSystem } from '../model/member.ts';
import type {
  Comparator,
  CompiledClause,
  CompiledMeasure,
  CompiledStratum,
  CompiledWindow,
  EnrollmentSegment,
  GapAllowance,
  ReadingTest,
} from '../rulepack/compiled.ts';
import type { ValueSet } from '../rulepack/valueSet.ts';

/** The mutation operators of the self-test (issue 6). */
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
  | 'previous-year';

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

/** Every clause of a measure once (shared definitions and `onOrAfter` targets included). */
export function measureClauses(measure: CompiledMeasure): CompiledClause[] {
  const seen = new Set<CompiledClause>();
  const out: CompiledClause[] = [];
  const visit = (c: CompiledClause): void => {
    if (seen.has(c)) return;
    seen.add(c);
    out.push(c);
    for (const child of childrenOf(c)) visit(child);
  };
  for (const root of roots(measure)) visit(root);
  return out;
}

function roots(measure: CompiledMeasure): CompiledClause[] {
  return [
    measure.initialPopulation,
    ...(measure.denominator ? [measure.denominator] : []),
    ...(measure.denominatorExclusion ? [measure.denominatorExclusion] : []),
    ...measure.rates.map((r) => r.numerator),
    ...measure.strata.map((s) => s.when),
  ];
}

function childrenOf(c: CompiledClause): CompiledClause[] {
  switch (c.kind) {
    case 'all':
    case 'any':
      return [...c.children];
    case 'not':
    case 'ref':
      return [c.child];
    case 'event':
    case 'reading':
      return c.onOrAfter ? [c.onOrAfter.clause] : [];
    default:
      return [];
  }
}

/**
 * A copy of `measure` where `change(original, rebuilt)` may replace clauses: `rebuilt` is the
 * clause with its children already rebuilt; returning undefined keeps it. Clauses are shared
 * (definitions, `onOrAfter` targets), so each is rebuilt once and replaced by identity everywhere.
 */
export function mapMeasure(
  measure: CompiledMeasure,
  change: (original: CompiledClause, rebuilt: CompiledClause) => CompiledClause | undefined,
): CompiledMeasure {
  const memo = new Map<CompiledClause, CompiledClause>();
  const rebuild = (c: CompiledClause): CompiledClause => {
    const done = memo.get(c);
    if (done) return done;
    let node: CompiledClause = c;
    if (c.kind === 'all' || c.kind === 'any') {
      const children = c.children.map(rebuild);
      if (children.some((x, i) => x !== c.children[i])) node = { ...c, children };
    } else if (c.kind === 'not' || c.kind === 'ref') {
      const child = rebuild(c.child);
      if (child !== c.child) node = { ...c, child };
    } else if ((c.kind === 'event' || c.kind === 'reading') && c.onOrAfter) {
      const target = rebuild(c.onOrAfter.clause);
      if (target !== c.onOrAfter.clause)
        node = { ...c, onOrAfter: { ...c.onOrAfter, clause: target } };
    }
    const result = change(c, node) ?? node;
    memo.set(c, result);
    return result;
  };
  const denominator = measure.denominator ? rebuild(measure.denominator) : undefined;
  const exclusion = measure.denominatorExclusion
    ? rebuild(measure.denominatorExclusion)
    : undefined;
  return {
    ...measure,
    initialPopulation: rebuild(measure.initialPopulation),
    ...(denominator ? { denominator } : {}),
    ...(exclusion ? { denominatorExclusion: exclusion } : {}),
    rates: measure.rates.map((r) => ({ ...r, numerator: rebuild(r.numerator) })),
    strata: measure.strata.map((s): CompiledStratum => ({ ...s, when: rebuild(s.when) })),
  };
}

/** A copy of `measure` with `target` (by identity) replaced by `mutate(target)`. */
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
  const add = (
    clause: CompiledClause,
    operator: MutationOperator,
    suffix: string,
    description: string,
    mutate: (c: CompiledClause) => CompiledClause,
  ): void => {
    drafts.push({
      id: `${clause.id}:${operator}${suffix}`,
      operator,
      clause,
      description,
      build: () => replaceClause(measure, clause, mutate),
    });
  };

  for (const clause of measureClauses(measure)) {
    clauseMutants(clause, add);
  }
  valueSetMutants(measure, drafts);
  if (options.previous) previousYearMutants(measure, options.previous, drafts);

  const max = options.maxMutants ?? DEFAULT_MAX_MUTANTS;
  const kept = drafts.length > max ? sample(drafts, max, options.seed ?? 1) : drafts;
  const strataClauses = measure.strata.map((s) => new Set(measureClausesUnder(s.when)));
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

function measureClausesUnder(root: CompiledClause): CompiledClause[] {
  const out: CompiledClause[] = [];
  const visit = (c: CompiledClause): void => {
    out.push(c);
    for (const child of childrenOf(c)) visit(child);
  };
  visit(root);
  return out;
}

type Add = (
  clause: CompiledClause,
  operator: MutationOperator,
  suffix: string,
  description: string,
  mutate: (c: CompiledClause) => CompiledClause,
) => void;

const signed = (n: number): string => (n > 0 ? `+${String(n)}` : String(n));

function clauseMutants(clause: CompiledClause, add: Add): void {
  const c = clause;
  if (c.kind === 'age') {
    for (const bound of ['min', 'max'] as const) {
      const value = c[bound];
      if (value === undefined) continue;
      for (const d of [-1, 1]) {
        add(c, `age-${bound}`, signed(d), `age ${bound} ${value} -> ${value + d}`, (x) =>
          x.kind === 'age' ? { ...x, [bound]: value + d } : x,
        );
      }
    }
  }
  if (c.kind === 'reading') {
    c.tests.forEach((t, i) => {
      const at = c.tests.length > 1 ? `[${String(i)}]` : '';
      const withTest = (x: CompiledClause, test: ReadingTest): CompiledClause =>
        x.kind === 'reading' ? { ...x, tests: x.tests.map((u, j) => (j === i ? test : u)) } : x;
      for (const d of [-1, 1]) {
        add(
          c,
          'reading-threshold',
          `${at}${signed(d)}`,
          `reading test ${t.comparator} ${String(t.threshold)} -> ${String(t.threshold + d)}`,
          (x) => withTest(x, { ...t, threshold: t.threshold + d }),
        );
      }
      const swapped = SWAP[t.comparator];
      add(
        c,
        'reading-comparator',
        at,
        `reading test ${t.comparator} ${String(t.threshold)} -> ${swapped} ${String(t.threshold)}`,
        (x) => withTest(x, { ...t, comparator: swapped }),
      );
    });
  }
  if (c.kind === 'coverage') {
    for (const d of [-0.01, 0.01]) {
      const to = Math.round((c.atLeast + d) * 10000) / 10000;
      add(
        c,
        'coverage-at-least',
        d > 0 ? '+0.01' : '-0.01',
        `coverage at least ${String(c.atLeast)} -> ${String(to)}`,
        (x) => (x.kind === 'coverage' ? { ...x, atLeast: to } : x),
      );
    }
  }
  if (c.kind === 'event') {
    for (const d of [-1, 1]) {
      const to = c.minDistinctDates + d;
      if (to < 1) continue;
      add(
        c,
        'min-distinct-dates',
        signed(d),
        `distinct dates ${String(c.minDistinctDates)} -> ${String(to)}`,
        (x) => (x.kind === 'event' ? { ...x, minDistinctDates: to } : x),
      );
    }
  }
  if (c.kind === 'enrollment') {
    for (const field of ['maxDays', 'maxMonths'] as const) {
      const values = new Set(
        Object.values(c.segments).flatMap((segs) =>
          segs.flatMap((s) => (s.allowance[field] !== undefined ? [s.allowance[field]] : [])),
        ),
      );
      if (values.size === 0) continue;
      for (const d of [-1, 1]) {
        const operator = field === 'maxDays' ? 'gap-max-days' : 'gap-max-months';
        add(
          c,
          operator,
          signed(d),
          `gap allowance ${field} ${[...values].join('/')} -> ${signed(d)}`,
          (x) => (x.kind === 'enrollment' ? { ...x, segments: shiftAllowance(x, field, d) } : x),
        );
      }
    }
  }
  if ('window' in c) {
    const w: CompiledWindow = c.window;
    const shifts: readonly [string, (date: IsoDate) => IsoDate][] = [
      ['-1d', (x) => addDays(x, -1)],
      ['+1d', (x) => addDays(x, 1)],
      ['-1y', (x) => addMonths(x, -12)],
      ['+1y', (x) => addMonths(x, 12)],
    ];
    for (const edge of ['from', 'to'] as const) {
      const date = w[edge];
      if (date === undefined) continue;
      for (const [suffix, shift] of shifts) {
        const moved = shift(date);
        add(c, `window-${edge}`, suffix, `window ${edge} ${date} -> ${moved}`, (x) =>
          'window' in x ? { ...x, window: { ...x.window, [edge]: moved } } : x,
        );
      }
    }
  }
  if ((c.kind === 'all' || c.kind === 'any') && c.children.length > 1) {
    c.children.forEach((child, i) => {
      add(c, 'drop-child', `:${child.id}`, `${c.kind} without ${child.id}`, (x) =>
        x.kind === 'all' || x.kind === 'any'
          ? { ...x, children: x.children.filter((_, j) => j !== i) }
          : x,
      );
    });
    const other = c.kind === 'all' ? 'any' : 'all';
    add(c, 'swap-any-all', '', `${c.kind} -> ${other}`, (x) =>
      x.kind === 'all' || x.kind === 'any' ? { ...x, kind: other } : x,
    );
  }
  if (c.productLines !== undefined) {
    const lines = [...c.productLines];
    add(c, 'scope-widened', '', `product lines ${lines.join(', ')} -> all`, (x) => {
      const copy = { ...x };
      delete copy.productLines;
      return copy;
    });
    const first = lines[0];
    if (lines.length > 1 && first !== undefined) {
      add(c, 'scope-narrowed', '', `product lines ${lines.join(', ')} -> ${first}`, (x) => ({
        ...x,
        productLines: new Set([first]),
      }));
    }
  }
}

type Segments = (CompiledClause & { kind: 'enrollment' })['segments'];

const SWAP: Record<Comparator, Comparator> = {
  below: 'atMost',
  atMost: 'below',
  above: 'atLeast',
  atLeast: 'above',
};

function shiftAllowance(
  c: CompiledClause & { kind: 'enrollment' },
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

/** One mutant per value set the measure reaches: the set without its first code. */
function valueSetMutants(measure: CompiledMeasure, drafts: Draft[]): void {
  const users = new Map<ValueSet, CompiledClause>();
  for (const c of measureClauses(measure)) {
    for (const vs of valueSetsOf(c)) if (!users.has(vs)) users.set(vs, c);
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
          if (!valueSetsOf(c).includes(vs)) return undefined;
          if (c.kind === 'event' || c.kind === 'coverage')
            return { ...c, valueSets: c.valueSets.map(swap) };
          if (c.kind === 'reading') {
            return {
              ...c,
              valueSets: c.valueSets.map(swap),
              tests: c.tests.map((t) => (t.valueSet ? { ...t, valueSet: swap(t.valueSet) } : t)),
            };
          }
          return undefined;
        }),
    });
  }
}

function valueSetsOf(c: CompiledClause): ValueSet[] {
  if (c.kind === 'event' || c.kind === 'coverage') return [...c.valueSets];
  if (c.kind === 'reading') {
    return [...c.valueSets, ...c.tests.flatMap((t) => (t.valueSet ? [t.valueSet] : []))];
  }
  return [];
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
  const before = new Map(measureClauses(previous).map((c) => [c.id, c]));
  for (const clause of measureClauses(measure)) {
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
