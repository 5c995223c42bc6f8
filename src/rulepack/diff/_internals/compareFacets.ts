import { canonicalJson, sortedList } from '../../canonicalSpec.ts';
import type { ClauseKind, ClauseSpec } from '../../schema.ts';
import type { ChangeKind, ClauseAspect, KeyedFacetChange, ScalarFacetChange } from '../types.ts';
import { CLAUSE_FACETS } from './facets.ts';
import type { Facet, KindFacets } from './facets.ts';

/** One facet (or uncovered field) of a clause body that differs between the two packs. */
export interface FacetDifference {
  readonly kind: ChangeKind;
  /** The values a program reads (the JSON's `before`/`after`). */
  readonly before: unknown;
  readonly after: unknown;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly aspect: ClauseAspect;
}

/**
 * Compares the bodies of two clauses of the same kind, facet by facet; `year` (the new pack's)
 * travels with each change so dates can be shown resolved.
 */
export function compareBodies(
  a: ClauseSpec,
  b: ClauseSpec,
  kind: ClauseKind,
  year: number,
): FacetDifference[] {
  const x = a[kind];
  const y = b[kind];
  if (x === undefined || y === undefined) return [];
  // One cast, here: TypeScript cannot correlate `CLAUSE_FACETS[kind]` with `a[kind]`.
  const table = CLAUSE_FACETS[kind] as KindFacets<typeof x>;
  const out = table.facets.flatMap((f) => compareFacet(f, x, y, year));
  if (!table.others || typeof x !== 'object' || typeof y !== 'object') return out;
  // Anything the facets do not cover (a field added to the language later) is still reported.
  const covered = new Set(table.facets.flatMap((f) => f.fields));
  const fields = sortedList([...new Set([...Object.keys(x), ...Object.keys(y)])]);
  for (const field of fields) {
    if (covered.has(field)) continue;
    const before = (x as Record<string, unknown>)[field];
    const after = (y as Record<string, unknown>)[field];
    const from = canonicalJson(before, field);
    const to = canonicalJson(after, field);
    if (from === to) continue;
    out.push({
      kind: 'clause',
      before,
      after,
      aspect: {
        type: 'other',
        clauseKind: kind,
        field,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      },
    });
  }
  return out;
}

function compareFacet<T>(f: Facet<T>, a: T, b: T, year: number): FacetDifference[] {
  if (f.type === 'scalar') {
    const same = f.same ?? f.value;
    if (stableJson(same(a)) === stableJson(same(b))) return [];
    const from = f.value(a);
    const to = f.value(b);
    // One cast: the facet's name and value types go together, which TypeScript cannot follow.
    const aspect = { type: 'scalar', facet: f.name, from, to, year } as ScalarFacetChange;
    return [{ kind: f.kind, before: from, after: to, aspect }];
  }
  if (f.type === 'set') {
    const x = f.items(a);
    const y = f.items(b);
    if (x === undefined && y === undefined) return [];
    if (x === undefined || y === undefined) {
      return [
        {
          kind: f.kind,
          before: x ?? null,
          after: y ?? null,
          aspect: {
            type: 'set',
            facet: f.name,
            ...(x ? { from: x } : {}),
            ...(y ? { to: y } : {}),
            added: [],
            removed: [],
          },
        },
      ];
    }
    const added = y.filter((v) => !x.includes(v));
    const removed = x.filter((v) => !y.includes(v));
    if (added.length === 0 && removed.length === 0) return [];
    return [
      {
        kind: f.kind,
        before: x,
        after: y,
        added,
        removed,
        aspect: { type: 'set', facet: f.name, from: x, to: y, added, removed },
      },
    ];
  }
  // The facet's entries and its `same` go together by facet name, which TypeScript cannot follow
  // through the union of facets: they are read as one facet of unknown values.
  const x: ReadonlyMap<string | null, unknown> = f.entries(a);
  const y: ReadonlyMap<string | null, unknown> = f.entries(b);
  const same = f.same as (value: unknown) => unknown;
  const named = sortedList([...new Set([...x.keys(), ...y.keys()])].filter((k) => k !== null));
  const keys = x.has(null) || y.has(null) ? [...named, null] : named;
  const out: FacetDifference[] = [];
  for (const key of keys) {
    const from = x.get(key);
    const to = y.get(key);
    const sameEntry =
      from === undefined || to === undefined
        ? from === to
        : stableJson(same(from)) === stableJson(same(to));
    if (sameEntry) continue;
    // One cast, as for scalar facets above.
    const aspect = {
      type: 'keyed',
      facet: f.name,
      key,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    } as KeyedFacetChange;
    out.push({ kind: f.kind, before: from ?? null, after: to ?? null, aspect });
  }
  return out;
}

/** JSON with object keys sorted (list order kept): equal for equal values. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}
