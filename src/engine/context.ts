import type { Member, ProductLine } from '../model/member.ts';
import type { ClauseKindName, ClauseOf, CompiledClause } from '../rulepack/compiled.ts';
import type { ClauseTrace, Evidence } from './trace.ts';

/**
 * What a clause evaluator reads: the member, the product line, and a way to evaluate the clauses
 * it is made of or anchors on. Clause modules reach other clauses only through here, never through
 * the dispatcher itself, so the engine has no import cycle.
 */
export interface Context {
  readonly member: Member;
  /** Undefined for a measure without product lines. */
  readonly productLine: ProductLine | undefined;
  /** Evaluates a clause this one is made of (a child). */
  readonly evaluate: (clause: CompiledClause) => ClauseTrace;
  /** Evaluates a clause this one anchors on (`onOrAfter`), once per member and product line. */
  readonly evaluateAnchor: (clause: CompiledClause) => ClauseTrace;
}

/**
 * Traces of one member's product-line-independent clauses (no product-line scope and no clause
 * that reads the product line anywhere below them), shared by evaluations of that member for
 * several product lines (or measures), so `compare` evaluates each event clause once per member
 * instead of once per line. Use one per member: the key is the clause, not the member.
 */
export type SharedEvaluations = Map<CompiledClause, ClauseTrace>;

/** What one clause found: its result and either its evidence or its children's traces. */
export interface Verdict {
  readonly result: boolean;
  readonly evidence?: Evidence;
  readonly children?: readonly ClauseTrace[];
}

/** How the engine evaluates one clause kind. */
export interface ClauseEvaluator<K extends ClauseKindName> {
  /**
   * True when the clause's result may depend on the product line by itself (not only through a
   * `productLines` scope or its children): its trace is then never shared across lines.
   */
  readonly readsProductLine: boolean;
  /** Evaluates an applicable clause (the product-line scope is checked before). */
  readonly evaluate: (clause: ClauseOf<K>, ctx: Context) => Verdict;
}

/** One evaluator per clause kind: forgetting a kind is a compile error. */
export type EvaluatorTable = { readonly [K in ClauseKindName]: ClauseEvaluator<K> };
