import type { CompiledClause } from '../compiled.ts';
import type { ClauseSpec } from '../schema.ts';
import type { Located } from './located.ts';

/**
 * The scope one measure is compiled in: the clauses it can name through `onOrAfter`, and what has
 * been compiled in it. A clause compiled here can see this measure's clauses and shared
 * definitions, never another measure's clauses.
 *
 * Two scopes belong to no measure: the pack's shared scope, where definitions that name no
 * measure's clause are compiled once for every measure, and the scope an unused definition is
 * checked in.
 */
export interface MeasureScope {
  readonly owner:
    | { readonly kind: 'measure'; readonly id: string }
    | { readonly kind: 'shared' }
    | { readonly kind: 'unused-definition'; readonly definition: string };
  /** The measure's clauses with an id, by id (empty outside a measure). */
  readonly named: ReadonlyMap<string, Located>;
  /**
   * Each written clause compiled in this scope, once, so a clause named by `onOrAfter` is the
   * same object as where it stands; undefined when it failed (its problems are already reported).
   */
  readonly clauses: Map<ClauseSpec, CompiledClause | undefined>;
  /** Shared definitions compiled in this scope, by id. */
  readonly definitions: Map<string, CompiledClause | undefined>;
  /** Definitions being compiled, outermost first (to report a cycle). */
  readonly definitionStack: string[];
  /** Clauses being compiled (to report an `onOrAfter` that counts from its own clause). */
  readonly compiling: Set<ClauseSpec>;
}

export function newScope(
  owner: MeasureScope['owner'],
  named: ReadonlyMap<string, Located> = new Map(),
): MeasureScope {
  return {
    owner,
    named,
    clauses: new Map(),
    definitions: new Map(),
    definitionStack: [],
    compiling: new Set(),
  };
}
