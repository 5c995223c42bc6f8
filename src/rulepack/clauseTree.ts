import type {
  ClauseKindName,
  ClauseOf,
  CompiledClause,
  CompiledMeasure,
  CompiledStratum,
} from './compiled.ts';
import type { ClauseSpec, MeasureFile } from './schema.ts';

/**
 * The one home of a measure's shape: its roots (initial population, denominator, exclusion, rates,
 * strata) and each clause's links to other clauses. Every walk over a measure's clauses, in the
 * compiled form or as written in the measure file, goes through here, so the walks cannot disagree.
 *
 * A clause links to others in two ways:
 * - `children`: the clauses it is made of (`all`, `any`, `not`, `ref`);
 * - `anchors`: clauses it reads without being made of them (`onOrAfter` of an event or reading),
 *   which are evaluated where they stand too.
 * Walks follow children always and anchors when asked (`{ anchors: true }`).
 */

/** A table with one entry per clause kind: forgetting a kind is a compile error. */
export type KindTable<R> = { readonly [K in ClauseKindName]: (clause: ClauseOf<K>) => R };

/** Calls the entry of `table` for the clause's kind. */
export function byKind<R>(table: KindTable<R>, clause: CompiledClause): R {
  // One cast, here: TypeScript cannot correlate `table[clause.kind]` with `clause`.
  return (table[clause.kind] as (c: CompiledClause) => R)(clause);
}

/** Which population a root stands for; `numerator` once per rate, `stratum` once per stratum. */
export type RootPopulation =
  'initialPopulation' | 'denominator' | 'denominatorExclusion' | 'numerator' | 'stratum';

export interface MeasureRoot {
  readonly population: RootPopulation;
  /** The rate id for a numerator, the stratum id for a stratum. */
  readonly id?: string;
  /** `initialPopulation`, `numerator`, `rate <id>`, `stratum <id>`. */
  readonly label: string;
  readonly clause: CompiledClause;
}

/** The measure's roots in evaluation order: initial population, denominator, exclusion, rates, strata. */
export function measureRoots(measure: CompiledMeasure): MeasureRoot[] {
  return [
    {
      population: 'initialPopulation',
      label: 'initialPopulation',
      clause: measure.initialPopulation,
    },
    ...(measure.denominator
      ? [{ population: 'denominator' as const, label: 'denominator', clause: measure.denominator }]
      : []),
    ...(measure.denominatorExclusion
      ? [
          {
            population: 'denominatorExclusion' as const,
            label: 'denominatorExclusion',
            clause: measure.denominatorExclusion,
          },
        ]
      : []),
    ...measure.rates.map((r) => ({
      population: 'numerator' as const,
      id: r.id,
      label: measure.singleRate ? 'numerator' : `rate ${r.id}`,
      clause: r.numerator,
    })),
    ...measure.strata.map((s) => ({
      population: 'stratum' as const,
      id: s.id,
      label: `stratum ${s.id}`,
      clause: s.when,
    })),
  ];
}

interface Links {
  readonly children: readonly CompiledClause[];
  readonly anchors: readonly CompiledClause[];
}

const NONE: Links = { children: [], anchors: [] };
const leaf = (): Links => NONE;
const anchored = (c: { readonly onOrAfter?: { readonly clause: CompiledClause } }): Links =>
  c.onOrAfter ? { children: [], anchors: [c.onOrAfter.clause] } : NONE;

const LINKS = {
  all: (c) => ({ children: c.children, anchors: [] }),
  any: (c) => ({ children: c.children, anchors: [] }),
  not: (c) => ({ children: [c.child], anchors: [] }),
  ref: (c) => ({ children: [c.child], anchors: [] }),
  age: leaf,
  sex: leaf,
  enrollment: leaf,
  event: anchored,
  status: leaf,
  death: leaf,
  reading: anchored,
  coverage: leaf,
} satisfies KindTable<Links>;

export interface WalkOptions {
  /** Follow `onOrAfter` anchors as well as children (default false). */
  readonly anchors?: boolean;
}

/** The clauses `clause` is made of, and with `{ anchors: true }` the clauses it anchors on. */
export function clauseChildren(
  clause: CompiledClause,
  options: WalkOptions = {},
): readonly CompiledClause[] {
  const links = byKind(LINKS, clause);
  return options.anchors === true && links.anchors.length > 0
    ? [...links.children, ...links.anchors]
    : links.children;
}

/**
 * Visits each clause reachable from `roots` once (clauses are shared: definitions, anchors), depth
 * first in pack order. `visit` returning `false` skips the clause's subtree.
 */
export function walkClauses(
  roots: readonly CompiledClause[],
  visit: (clause: CompiledClause, parent: CompiledClause | undefined) => boolean | undefined,
  options: WalkOptions = {},
): void {
  const seen = new Set<CompiledClause>();
  const go = (clause: CompiledClause, parent: CompiledClause | undefined): void => {
    if (seen.has(clause)) return;
    seen.add(clause);
    if (visit(clause, parent) === false) return;
    for (const child of clauseChildren(clause, options)) go(child, clause);
  };
  for (const root of roots) go(root, undefined);
}

/** Every distinct clause of the measure, depth first in pack order. */
export function measureClauses(
  measure: CompiledMeasure,
  options: WalkOptions = {},
): CompiledClause[] {
  const out: CompiledClause[] = [];
  walkClauses(
    measureRoots(measure).map((r) => r.clause),
    (c) => {
      out.push(c);
      return true;
    },
    options,
  );
  return out;
}

/** Every parent of each clause of the measure, once per place it is used. */
export function clauseParents(
  measure: CompiledMeasure,
  options: WalkOptions = {},
): Map<CompiledClause, CompiledClause[]> {
  const parents = new Map<CompiledClause, CompiledClause[]>();
  for (const clause of measureClauses(measure, options)) {
    for (const child of clauseChildren(clause, options)) {
      const list = parents.get(child);
      if (list) list.push(clause);
      else parents.set(child, [clause]);
    }
  }
  return parents;
}

const RELINK = {
  all: (c, { children }) => ({ ...c, children }),
  any: (c, { children }) => ({ ...c, children }),
  not: (c, { children }) => ({ ...c, child: children[0] ?? c.child }),
  ref: (c, { children }) => ({ ...c, child: children[0] ?? c.child }),
  age: (c) => c,
  sex: (c) => c,
  enrollment: (c) => c,
  event: (c, { anchors }) =>
    c.onOrAfter && anchors[0] ? { ...c, onOrAfter: { ...c.onOrAfter, clause: anchors[0] } } : c,
  status: (c) => c,
  death: (c) => c,
  reading: (c, { anchors }) =>
    c.onOrAfter && anchors[0] ? { ...c, onOrAfter: { ...c.onOrAfter, clause: anchors[0] } } : c,
  coverage: (c) => c,
} satisfies { readonly [K in ClauseKindName]: (c: ClauseOf<K>, links: Links) => ClauseOf<K> };

/**
 * A copy of `measure` where `change(original, rebuilt)` may replace clauses: `rebuilt` is the
 * clause with its children and anchors already rebuilt; returning undefined keeps it. Clauses are
 * shared (definitions, anchors), so each is rebuilt once and replaced by identity everywhere.
 */
export function mapMeasure(
  measure: CompiledMeasure,
  change: (original: CompiledClause, rebuilt: CompiledClause) => CompiledClause | undefined,
): CompiledMeasure {
  const memo = new Map<CompiledClause, CompiledClause>();
  const rebuild = (c: CompiledClause): CompiledClause => {
    const done = memo.get(c);
    if (done) return done;
    const links = byKind(LINKS, c);
    const children = links.children.map(rebuild);
    const anchors = links.anchors.map(rebuild);
    const changed =
      children.some((x, i) => x !== links.children[i]) ||
      anchors.some((x, i) => x !== links.anchors[i]);
    const relink = RELINK[c.kind] as (c: CompiledClause, links: Links) => CompiledClause;
    const node = changed ? relink(c, { children, anchors }) : c;
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

// ---- the measure file as written -------------------------------------------------------------

type Path = readonly PropertyKey[];

export interface SpecRoot {
  readonly population: RootPopulation;
  readonly id?: string;
  readonly label: string;
  readonly spec: ClauseSpec;
  /** Path of the root inside the measure file, e.g. `['rates', 0, 'numerator']`. */
  readonly path: Path;
}

/** The roots of a measure file as written, in the order of {@link measureRoots}. */
export function measureFileRoots(file: MeasureFile): SpecRoot[] {
  const out: SpecRoot[] = [
    {
      population: 'initialPopulation',
      label: 'initialPopulation',
      spec: file.initialPopulation,
      path: ['initialPopulation'],
    },
  ];
  if (file.denominator)
    out.push({
      population: 'denominator',
      label: 'denominator',
      spec: file.denominator,
      path: ['denominator'],
    });
  if (file.denominatorExclusion)
    out.push({
      population: 'denominatorExclusion',
      label: 'denominatorExclusion',
      spec: file.denominatorExclusion,
      path: ['denominatorExclusion'],
    });
  if (file.numerator)
    out.push({
      population: 'numerator',
      label: 'numerator',
      spec: file.numerator,
      path: ['numerator'],
    });
  file.rates?.forEach((r, i) => {
    out.push({
      population: 'numerator',
      id: r.id,
      label: `rate ${r.id}`,
      spec: r.numerator,
      path: ['rates', i, 'numerator'],
    });
  });
  file.strata?.forEach((s, i) => {
    out.push({
      population: 'stratum',
      id: s.id,
      label: `stratum ${s.id}`,
      spec: s.when,
      path: ['strata', i, 'when'],
    });
  });
  return out;
}

/** The clauses a written clause is made of, with the path segment of each (`all`, 0). */
export function specChildren(spec: ClauseSpec): { spec: ClauseSpec; at: Path }[] {
  return [
    ...(spec.all ?? []).map((c, i) => ({ spec: c, at: ['all', i] as Path })),
    ...(spec.any ?? []).map((c, i) => ({ spec: c, at: ['any', i] as Path })),
    ...(spec.not ? [{ spec: spec.not, at: ['not'] as Path }] : []),
  ];
}

/**
 * Visits a written clause and everything it is made of, depth first, with each one's path (the
 * path of `spec` followed by `all`/`any`/`not` segments) and its parent. References (`ref`) are
 * names, not children: they are not followed.
 */
export function walkSpec(
  spec: ClauseSpec,
  path: Path,
  visit: (spec: ClauseSpec, path: Path, parent: ClauseSpec | undefined) => void,
  parent?: ClauseSpec,
): void {
  visit(spec, path, parent);
  for (const child of specChildren(spec)) walkSpec(child.spec, [...path, ...child.at], visit, spec);
}
