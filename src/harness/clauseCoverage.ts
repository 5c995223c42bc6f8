// Clause coverage: which clause outcomes (true, false) the reference evaluations of a run
// exercised, per product line. Not to be confused with the proportion of days a drug covers,
// which the engine computes for `coverage` clauses.
import { evaluateMeasure } from '../engine/evaluate.ts';
import { traceRoots } from '../engine/trace.ts';
import type { ClauseTrace, Evaluation } from '../engine/trace.ts';
import type { Member, ProductLine } from '../model/member.ts';
import { measureRoots, walkClauses } from '../rulepack/clauseTree.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';

/** How often one clause was evaluated, by result, on one product line. */
export interface ClauseOutcomes {
  readonly id: string;
  /** Applicable and true. */
  readonly whenTrue: number;
  /** Applicable and false. */
  readonly whenFalse: number;
  /** Scoped to other product lines (its `otherwise` was used); not an outcome to exercise. */
  readonly notApplicable: number;
}

/** A clause outcome (true or false) never exercised on a product line. */
export interface MissingOutcome {
  /** Undefined for a measure without product lines. */
  readonly productLine: ProductLine | undefined;
  readonly clause: string;
  readonly outcome: boolean;
}

/** Clause-outcome coverage of the reference evaluations of one product line. */
export interface ClauseCoverage {
  /** Undefined for a measure without product lines. */
  readonly productLine: ProductLine | undefined;
  /** Members evaluated. */
  readonly members: number;
  /** Every clause that can apply on this product line, in pack order, with its counts. */
  readonly clauses: readonly ClauseOutcomes[];
  /** Outcomes to exercise: two per clause that can apply on this product line. */
  readonly outcomes: number;
  readonly missing: readonly MissingOutcome[];
}

/**
 * The ids of every clause reachable from the measure's populations (definitions included), in
 * pack order, without repeats. With a product line, clauses scoped to other product lines are
 * left out with everything under them: they are never evaluated there, so their outcomes are not
 * missing. A measure not reported for the product line has none.
 */
export function measureClauseIds(measure: CompiledMeasure, productLine?: ProductLine): string[] {
  if (productLine !== undefined && !measure.productLines.includes(productLine)) return [];
  const ids = new Set<string>();
  walkClauses(
    measureRoots(measure).map((r) => r.clause),
    (clause) => {
      if (productLine !== undefined && clause.productLines && !clause.productLines.has(productLine))
        return false;
      ids.add(clause.id);
      return true;
    },
    // Not anchors: an `onOrAfter` clause is read for its date, and the trace shows no outcome of
    // it there, so it has no outcome to exercise unless it is a population's clause too.
    { anchors: false },
  );
  return [...ids];
}

/** Every clause node of an evaluation's trace: all populations, rates and strata, all depths. */
export function traceNodes(evaluation: Evaluation): ClauseTrace[] {
  const out: ClauseTrace[] = [];
  const visit = (node: ClauseTrace): void => {
    out.push(node);
    node.children?.forEach(visit);
  };
  for (const root of traceRoots(evaluation.trace)) visit(root.trace);
  return out;
}

interface Counts {
  whenTrue: number;
  whenFalse: number;
  notApplicable: number;
}

/**
 * Accumulates clause-outcome coverage over reference evaluations of one measure and product line.
 *
 * @example
 * const acc = new CoverageAccumulator(measure, 'medicaid');
 * for (const m of members) acc.add(evaluateMeasure(measure, request, m));
 * acc.result().missing; // [{ productLine: 'medicaid', clause: 'death', outcome: true }, ...]
 */
export class CoverageAccumulator {
  private readonly counts = new Map<string, Counts>();
  /** Clauses that can apply on the product line; only their outcomes are expected. */
  private readonly expected: ReadonlySet<string>;
  private members = 0;

  constructor(
    measure: CompiledMeasure,
    readonly productLine: ProductLine | undefined,
  ) {
    const ids = measureClauseIds(measure, productLine);
    this.expected = new Set(ids);
    for (const id of ids) this.counts.set(id, { whenTrue: 0, whenFalse: 0, notApplicable: 0 });
  }

  add(evaluation: Evaluation): void {
    this.members += 1;
    if (evaluation.trace.notReportedFor !== undefined) return;
    for (const node of traceNodes(evaluation)) {
      let c = this.counts.get(node.id);
      if (!c) {
        c = { whenTrue: 0, whenFalse: 0, notApplicable: 0 };
        this.counts.set(node.id, c);
      }
      if (!node.applicable) c.notApplicable += 1;
      else if (node.result) c.whenTrue += 1;
      else c.whenFalse += 1;
    }
  }

  result(): ClauseCoverage {
    const clauses = [...this.counts].map(([id, c]) => ({ id, ...c }));
    const missing: MissingOutcome[] = [];
    for (const c of clauses) {
      if (!this.expected.has(c.id)) continue;
      if (c.whenTrue === 0)
        missing.push({ productLine: this.productLine, clause: c.id, outcome: true });
      if (c.whenFalse === 0)
        missing.push({ productLine: this.productLine, clause: c.id, outcome: false });
    }
    return {
      productLine: this.productLine,
      members: this.members,
      clauses,
      outcomes: 2 * this.expected.size,
      missing,
    };
  }
}

/** The outcomes never exercised, over several product lines. */
export function missingOutcomes(coverage: readonly ClauseCoverage[]): MissingOutcome[] {
  return coverage.flatMap((c) => c.missing);
}

/** Clause-outcome coverage of a deck of members, evaluated with the reference only. */
export function deckCoverage(
  measure: CompiledMeasure,
  members: readonly Member[],
  productLines: readonly (ProductLine | undefined)[],
): ClauseCoverage[] {
  return productLines.map((productLine) => {
    const acc = new CoverageAccumulator(measure, productLine);
    const request = {
      measure: measure.id,
      year: measure.year,
      ...(productLine !== undefined ? { productLine } : {}),
    };
    for (const member of members) acc.add(evaluateMeasure(measure, request, member));
    return acc.result();
  });
}
