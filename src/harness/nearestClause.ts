import type { ClauseTrace } from '../engine/trace.ts';
import type { ClauseKindName } from '../rulepack/compiled.ts';

/** The branch of a false `any` that came closest to holding, and the conditions it lacked. */
export interface NearestClause {
  /** The branch (a child of the `any`). */
  readonly clause: ClauseTrace;
  /** Conditions (leaf clauses on the branch's closest path) that hold, and how many there are. */
  readonly met: number;
  readonly of: number;
  /** The conditions on that path that do not hold: what the branch lacked. */
  readonly lacking: readonly ClauseTrace[];
  /** Branches of the `any` that were compared. */
  readonly branches: number;
}

/**
 * When a population's reference answer is "no" because no branch of an `any` holds (not excluded,
 * not in the numerator), the branch that came closest: the one with the most conditions met on its
 * closest path, then the fewest lacking, then the first in the pack. A condition is a leaf clause
 * (or a `not`); an `all` counts the conditions of all its children, a false `any` those of its
 * closest child. Undefined when the population is not a false `any` of several branches, or when
 * no branch meets any condition (none came close, and naming one would mislead).
 */
export function nearestClause(population: ClauseTrace): NearestClause | undefined {
  const root = unwrap(population);
  if (root.kind !== 'any' || root.result || !root.applicable) return undefined;
  const branches = (root.children ?? []).filter((c) => c.applicable);
  if (branches.length < 2) return undefined;
  let best: (Closeness & { clause: ClauseTrace }) | undefined;
  for (const clause of branches) {
    const c = closeness(clause);
    const lacking = c.of - c.met;
    if (
      best === undefined ||
      c.met > best.met ||
      (c.met === best.met && lacking < best.of - best.met)
    ) {
      best = { ...c, clause };
    }
  }
  if (best === undefined || best.met === 0) return undefined;
  return {
    clause: best.clause,
    met: best.met,
    of: best.of,
    lacking: best.lacking,
    branches: branches.length,
  };
}

interface Closeness {
  readonly met: number;
  readonly of: number;
  readonly lacking: readonly ClauseTrace[];
}

/** A `ref` only passes its definition on: look through it. */
function unwrap(node: ClauseTrace): ClauseTrace {
  const only = node.children?.[0];
  return node.kind === 'ref' && node.children?.length === 1 && only ? unwrap(only) : node;
}

function closeness(node: ClauseTrace): Closeness {
  if (!node.applicable) return { met: 0, of: 0, lacking: [] };
  return CLOSENESS[node.kind](node);
}

const condition = (node: ClauseTrace): Closeness =>
  node.result ? { met: 1, of: 1, lacking: [] } : { met: 0, of: 1, lacking: [node] };

const allOf = (node: ClauseTrace): Closeness => {
  const parts = (node.children ?? []).map(closeness);
  return {
    met: parts.reduce((n, p) => n + p.met, 0),
    of: parts.reduce((n, p) => n + p.of, 0),
    lacking: parts.flatMap((p) => p.lacking),
  };
};

const anyOf = (node: ClauseTrace): Closeness => {
  if (node.result) return { met: 1, of: 1, lacking: [] };
  const parts = (node.children ?? []).map(closeness);
  return parts.reduce<Closeness>(
    (best, p) =>
      p.met > best.met || (p.met === best.met && p.of - p.met < best.of - best.met) ? p : best,
    parts[0] ?? condition(node),
  );
};

const passThrough = (node: ClauseTrace): Closeness => {
  const child = node.children?.[0];
  return child ? closeness(child) : condition(node);
};

/** How each clause kind counts conditions (a kind left out is a compile error). */
const CLOSENESS = {
  all: allOf,
  any: anyOf,
  // A `not` is one condition: what it lacked is that its child holds.
  not: condition,
  ref: passThrough,
  age: condition,
  sex: condition,
  enrollment: condition,
  event: condition,
  status: condition,
  death: condition,
  reading: condition,
  coverage: condition,
} satisfies { readonly [K in ClauseKindName]: (node: ClauseTrace) => Closeness };
