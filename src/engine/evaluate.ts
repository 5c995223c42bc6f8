import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import { clauseChildren } from '../rulepack/clauseTree.ts';
import { isAskedFor } from '../rulepack/compiled.ts';
import type { ClauseKindName, CompiledClause, CompiledMeasure } from '../rulepack/compiled.ts';
import { age } from './clauses/age.ts';
import { coverage } from './clauses/coverage.ts';
import { death } from './clauses/death.ts';
import { enrollment } from './clauses/enrollment.ts';
import { event } from './clauses/event.ts';
import { all, any, not, ref } from './clauses/logic.ts';
import { reading } from './clauses/reading.ts';
import { sex } from './clauses/sex.ts';
import { status } from './clauses/status.ts';
import type {
  ClauseEvaluator,
  Context,
  EvaluatorTable,
  SharedEvaluations,
  Verdict,
} from './context.ts';
import type { ClauseTrace, Evaluation } from './trace.ts';

// Callers take the shared-evaluation map's type from the module that takes the map.
export type { SharedEvaluations } from './context.ts';

/**
 * Evaluates one member for one compiled measure and product line. Pure: no I/O, no clock, no
 * randomness; the same inputs give the same outcome and trace.
 *
 * Populations are nested: the denominator needs the initial population, the exclusion needs the
 * denominator, a numerator needs the denominator and no exclusion. Every clause is evaluated (no
 * short-circuit) so the trace is complete.
 *
 * @example
 * const { outcome, trace } = evaluateMeasure(pack.measures.get('COL-E')!, request, member);
 */
export function evaluateMeasure(
  measure: CompiledMeasure,
  request: Request,
  member: Member,
  shared?: SharedEvaluations,
): Evaluation {
  const line = request.productLine;
  const ctx = evaluationContext(member, line, shared);
  const lineField = line !== undefined ? { productLine: line } : {};
  const header = {
    measure: measure.id,
    year: measure.year,
    ...lineField,
    memberId: member.id,
  };
  // A measure without product lines is asked without one; one with product lines, for one of them.
  if (!isAskedFor(measure, line)) {
    const scope: ClauseTrace = {
      id: `${measure.id.toLowerCase()}-product-lines`,
      kind: 'all',
      result: false,
      applicable: false,
      evidence: { kind: 'scope', ...lineField, appliesTo: measure.productLines },
    };
    return {
      outcome: {
        memberId: member.id,
        measure: measure.id,
        year: measure.year,
        ...lineField,
        initialPopulation: false,
        denominator: false,
        denominatorExclusion: false,
        numerator: numeratorValue(measure, () => false),
      },
      trace: {
        ...header,
        ...(line !== undefined ? { notReportedFor: line } : {}),
        initialPopulation: scope,
        rates: [],
        strata: [],
      },
    };
  }

  const ip = evaluateClause(measure.initialPopulation, ctx);
  const den = measure.denominator ? evaluateClause(measure.denominator, ctx) : undefined;
  const excl = measure.denominatorExclusion
    ? evaluateClause(measure.denominatorExclusion, ctx)
    : undefined;
  const rates = measure.rates.map((r) => ({ id: r.id, trace: evaluateClause(r.numerator, ctx) }));
  const strata = measure.strata.map((s) => ({ id: s.id, trace: evaluateClause(s.when, ctx) }));

  const initialPopulation = ip.result;
  const denominator = initialPopulation && (den?.result ?? true);
  const denominatorExclusion = denominator && (excl?.result ?? false);
  const rateResult = new Map(
    rates.map((r) => [r.id, denominator && !denominatorExclusion && r.trace.result]),
  );
  const stratum = initialPopulation ? strata.find((s) => s.trace.result)?.id : undefined;

  const outcome: Outcome = {
    memberId: member.id,
    measure: measure.id,
    year: measure.year,
    ...lineField,
    initialPopulation,
    denominator,
    denominatorExclusion,
    numerator: numeratorValue(measure, (id) => rateResult.get(id) ?? false),
    ...(stratum !== undefined ? { stratum } : {}),
  };
  return {
    outcome,
    trace: {
      ...header,
      initialPopulation: ip,
      ...(den ? { denominator: den } : {}),
      ...(excl ? { denominatorExclusion: excl } : {}),
      rates,
      strata,
    },
  };
}

function numeratorValue(
  measure: CompiledMeasure,
  rate: (id: string) => boolean,
): Outcome['numerator'] {
  if (measure.singleRate) return rate(measure.rates[0]?.id ?? 'numerator');
  return Object.fromEntries(measure.rates.map((r) => [r.id, rate(r.id)]));
}

/**
 * Each clause kind's evaluator, in one table: a kind without one is a compile error. A new kind
 * gets its module in `clauses/`, an entry here, and its explanation text in explain.ts.
 */
const EVALUATORS = {
  all,
  any,
  not,
  ref,
  age,
  sex,
  enrollment,
  event,
  status,
  death,
  reading,
  coverage,
} satisfies EvaluatorTable;

function evaluatorOf(clause: CompiledClause): ClauseEvaluator<ClauseKindName> {
  // One cast, here: TypeScript cannot correlate `EVALUATORS[clause.kind]` with `clause`.
  return EVALUATORS[clause.kind] as ClauseEvaluator<ClauseKindName>;
}

/**
 * A fresh evaluation context for one member and product line. Anchors (`onOrAfter`) are evaluated
 * once per context; clauses that do not depend on the product line are shared through `shared`.
 */
export function evaluationContext(
  member: Member,
  productLine: ProductLine | undefined,
  shared?: SharedEvaluations,
): Context {
  const anchors = new Map<CompiledClause, ClauseTrace>();
  const ctx: Context = {
    member,
    productLine,
    evaluate: (clause) => evaluateShared(clause, ctx, shared),
    evaluateAnchor: (clause) => {
      const hit = anchors.get(clause);
      if (hit) return hit;
      const trace = evaluateShared(clause, ctx, shared);
      anchors.set(clause, trace);
      return trace;
    },
  };
  return ctx;
}

const independence = new WeakMap<CompiledClause, boolean>();

/**
 * True when no product-line scope and no clause that reads the product line (enrollment) is in
 * the clause's subtree, anchors included.
 */
export function lineIndependent(clause: CompiledClause): boolean {
  const known = independence.get(clause);
  if (known !== undefined) return known;
  const result =
    clause.productLines === undefined &&
    !evaluatorOf(clause).readsProductLine &&
    clauseChildren(clause, { anchors: true }).every(lineIndependent);
  independence.set(clause, result);
  return result;
}

/** Evaluates one clause and its children into a trace node. */
export function evaluateClause(clause: CompiledClause, ctx: Context): ClauseTrace {
  return ctx.evaluate(clause);
}

/** The one place traces are shared across product lines. */
function evaluateShared(
  clause: CompiledClause,
  ctx: Context,
  shared: SharedEvaluations | undefined,
): ClauseTrace {
  if (shared === undefined || !lineIndependent(clause)) return evaluateNow(clause, ctx);
  const hit = shared.get(clause);
  if (hit) return hit;
  const trace = evaluateNow(clause, ctx);
  shared.set(clause, trace);
  return trace;
}

/** The one place the product-line scope of a clause is checked. */
function evaluateNow(clause: CompiledClause, ctx: Context): ClauseTrace {
  const head = {
    id: clause.id,
    kind: clause.kind,
    ...(clause.description !== undefined ? { description: clause.description } : {}),
    ...(clause.source !== undefined ? { source: clause.source } : {}),
    ...(clause.assumption !== undefined ? { assumption: clause.assumption } : {}),
  };
  if (
    clause.productLines &&
    (ctx.productLine === undefined || !clause.productLines.has(ctx.productLine))
  ) {
    return {
      ...head,
      result: clause.otherwise,
      applicable: false,
      evidence: {
        kind: 'scope',
        ...(ctx.productLine !== undefined ? { productLine: ctx.productLine } : {}),
        appliesTo: [...clause.productLines],
      },
    };
  }
  const verdict: Verdict = evaluatorOf(clause).evaluate(clause, ctx);
  return {
    ...head,
    result: verdict.result,
    applicable: true,
    ...(verdict.children !== undefined ? { children: verdict.children } : {}),
    ...(verdict.evidence !== undefined ? { evidence: verdict.evidence } : {}),
  };
}
