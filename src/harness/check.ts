import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type {
  Case,
  CaseAnswer,
  Implementation,
  ImplementationFailure,
} from '../adapters/implementation.ts';
import { ImplementationError } from '../adapters/implementation.ts';
import { decidingChildren, populationTraces } from '../engine/explain.ts';
import { evaluateMeasure } from '../engine/evaluate.ts';
import type { ClauseTrace, Evaluation } from '../engine/trace.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { CompiledMeasure, CompiledPack } from '../rulepack/compiled.ts';
import { memberArbitrary } from '../generate/index.ts';
import type { GeneratorMode } from '../generate/index.ts';
import { compareOutcomes } from './compare.ts';
import type { OutcomeDifference } from './compare.ts';
import { matchingNeighbour, neighboursFor, targetedArbitrary } from './neighbours.ts';
import type { MatchesNeighbour, NeighbourTargets, TargetingInfo } from './neighbours.ts';
import { CoverageAccumulator } from './clauseCoverage.ts';
import type { ClauseCoverage } from './clauseCoverage.ts';

export interface CheckOptions {
  readonly pack: CompiledPack;
  readonly measure: CompiledMeasure;
  readonly productLines: readonly ProductLine[];
  readonly implementation: Implementation;
  /** Cases per product line. */
  readonly runs: number;
  readonly seed: number;
  /** Replay one case (and its shrinks) instead of a full run; needs a single product line. */
  readonly path?: string;
  readonly generator: GeneratorMode;
  /** Cases sent to the implementation at once. */
  readonly batchSize?: number;
  /** Most distinct findings shrunk and reported per product line. */
  readonly maxFindings?: number;
  /** Called as each product line finishes, for reporters that stream. */
  readonly onProductLine?: (result: ProductLineResult) => void;
  /**
   * Neighbouring rules to aim a share of the cases at and to attribute discrepancies to
   * (neighbours.ts); absent or false: no targeting. The CLI turns the previous year on by default.
   */
  readonly neighbours?: NeighbourTargets | false;
}

/** One distinct disagreement (or implementation failure), shrunk to a minimal member. */
export interface Finding {
  readonly productLine: ProductLine;
  /** `discrepancy`: a different answer; `failure`: no valid answer (crash, timeout, invalid). */
  readonly kind: 'discrepancy' | 'failure';
  /** Groups findings: population and deciding clause(s), or the failure kind. */
  readonly key: string;
  readonly difference?: OutcomeDifference;
  readonly failure?: ImplementationFailure;
  /** The reference's clauses that decided the differing population. */
  readonly decidingClauses: readonly string[];
  /** How many screened cases showed this finding. */
  readonly occurrences: number;
  readonly seed: number;
  /** fast-check path that replays exactly this (shrunk) case with `seed`. */
  readonly path: string;
  readonly shrinkSteps: number;
  readonly member: Member;
  readonly request: Request;
  readonly reference: Evaluation;
  readonly implementationOutcome?: Outcome;
  /** The implementation gave the neighbour's answer (another year's or product line's rules). */
  readonly matchesNeighbour?: MatchesNeighbour;
}

export interface ProductLineResult {
  readonly productLine: ProductLine;
  readonly cases: number;
  readonly discrepantCases: number;
  readonly failedCases: number;
  readonly findings: readonly Finding[];
  /** Distinct findings seen but not shrunk because of `maxFindings`. */
  readonly unreportedFindings: number;
  readonly durationMs: number;
  /** The implementation stopped working during this product line; counts are up to that point. */
  readonly stopped?: true;
  /** Neighbour targeting on this product line, when asked for. */
  readonly targeting?: readonly TargetingInfo[];
  /** Clause outcomes the reference showed over the screened cases (not the shrinks). */
  readonly coverage?: ClauseCoverage;
}

export interface CheckResult {
  readonly measure: string;
  readonly year: number;
  readonly pack: { readonly id: string; readonly version: string };
  readonly implementation: string;
  readonly generator: GeneratorMode;
  readonly seed: number;
  readonly runs: number;
  readonly path?: string;
  readonly productLines: readonly ProductLineResult[];
  /** Set when the implementation could not be run any more; results so far are kept. */
  readonly aborted?: {
    readonly productLine: ProductLine;
    readonly message: string;
    readonly stderr?: string;
  };
  /** 0 agreement, 1 discrepancies, 3 the implementation failed to run (ARCHITECTURE.md). */
  readonly exitCode: 0 | 1 | 3;
}

interface Screened {
  readonly key: string;
  readonly index: number;
  count: number;
}

/**
 * Runs the property: for generated members, the implementation's outcome equals the reference's.
 * Cases are first screened in batches (so a process implementation is pipelined), then each distinct
 * finding is replayed through fast-check from its index and shrunk to a minimal member, so the
 * printed seed and path replay exactly that member.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const results: ProductLineResult[] = [];
  let aborted: CheckResult['aborted'];
  for (const productLine of options.productLines) {
    try {
      const result = await checkProductLine(options, productLine);
      results.push(result);
      options.onProductLine?.(result);
    } catch (e) {
      if (!(e instanceof LineAborted)) throw e;
      // Keep what this product line had computed before the implementation stopped working.
      const stopped = { ...e.partial, stopped: true as const };
      results.push(stopped);
      options.onProductLine?.(stopped);
      aborted = {
        productLine,
        message: e.cause.message,
        ...(e.cause.stderr !== undefined ? { stderr: e.cause.stderr } : {}),
      };
      break;
    }
  }
  const failed = aborted !== undefined || results.some((r) => r.failedCases > 0);
  const discrepant = results.some((r) => r.discrepantCases > 0);
  return {
    measure: options.measure.id,
    year: options.measure.year,
    pack: { id: options.pack.id, version: options.pack.version },
    implementation: options.implementation.label,
    generator: options.generator,
    seed: options.seed,
    runs: options.runs,
    ...(options.path !== undefined ? { path: options.path } : {}),
    productLines: results,
    ...(aborted ? { aborted } : {}),
    exitCode: failed ? 3 : discrepant ? 1 : 0,
  };
}

async function checkProductLine(
  options: CheckOptions,
  productLine: ProductLine,
): Promise<ProductLineResult> {
  const started = performance.now();
  const { measure, implementation } = options;
  const seed = lineSeed(options.seed, productLine);
  const request: Request = { measure: measure.id, year: measure.year, productLine };
  const neighbours = neighboursFor(options.neighbours, measure, productLine);
  const { arbitrary, targeting } = targetedArbitrary(
    memberArbitrary(measure, { productLine, mode: options.generator }),
    measure,
    request,
    neighbours,
    seed,
  );
  const judge = new Judge(measure, request, implementation, productLine);
  const coverage = new CoverageAccumulator(measure, productLine);

  let screened: Screened[];
  let cases = 0;
  let discrepantCases = 0;
  let failedCases = 0;
  if (options.path !== undefined) {
    const index = Number(options.path.split(':')[0]);
    const first = await judge.judge([
      { member: replayValue(arbitrary, seed, options.path), index },
    ]);
    const verdict = first[0];
    if (verdict) coverage.add(verdict.reference);
    cases = 1;
    screened = verdict?.key !== undefined ? [{ key: verdict.key, index, count: 1 }] : [];
    if (verdict?.key !== undefined) {
      if (verdict.key.startsWith('failure:')) failedCases = 1;
      else discrepantCases = 1;
    }
  } else {
    const members = fc.sample(arbitrary, { seed, numRuns: options.runs });
    const byKey = new Map<string, Screened>();
    const batchSize = options.batchSize ?? 256;
    cases = 0;
    for (let start = 0; start < members.length; start += batchSize) {
      const batch = members
        .slice(start, start + batchSize)
        .map((member, i) => ({ member, index: start + i }));
      let verdicts: Verdict[];
      try {
        verdicts = await judge.judge(batch);
      } catch (e) {
        if (!(e instanceof ImplementationError)) throw e;
        throw new LineAborted(e, partial(byKey.size, []));
      }
      cases += batch.length;
      for (const verdict of verdicts) {
        coverage.add(verdict.reference);
        if (verdict.key === undefined) continue;
        if (verdict.key.startsWith('failure:')) failedCases += 1;
        else discrepantCases += 1;
        const seen = byKey.get(verdict.key);
        if (seen) seen.count += 1;
        else byKey.set(verdict.key, { key: verdict.key, index: verdict.index, count: 1 });
      }
    }
    screened = [...byKey.values()].sort((a, b) => a.index - b.index);
  }

  const maxFindings = options.maxFindings ?? 5;
  const findings: Finding[] = [];
  for (const s of screened.slice(0, maxFindings)) {
    try {
      const f = await shrinkFinding(judge, arbitrary, seed, s, options.path, options.seed);
      const matches = f.difference && matchingNeighbour(neighbours, f.member, f.difference);
      findings.push(matches ? { ...f, matchesNeighbour: matches } : f);
    } catch (e) {
      if (!(e instanceof ImplementationError)) throw e;
      throw new LineAborted(e, partial(screened.length, findings));
    }
  }
  return partial(screened.length, findings);

  function partial(distinct: number, shrunk: readonly Finding[]): ProductLineResult {
    return {
      productLine,
      cases,
      discrepantCases,
      failedCases,
      findings: shrunk,
      unreportedFindings: Math.max(0, distinct - shrunk.length),
      durationMs: performance.now() - started,
      ...(targeting.length > 0 ? { targeting } : {}),
      coverage: coverage.result(),
    };
  }
}

/** The implementation stopped working part way through a product line. */
class LineAborted extends Error {
  constructor(
    override readonly cause: ImplementationError,
    readonly partial: ProductLineResult,
  ) {
    super(cause.message);
  }
}

/**
 * Each product line draws its own members (the same seed would give the same members on every
 * line), derived from the run's seed so `--seed` and `--product-line` replay them.
 */
export function lineSeed(seed: number, productLine: ProductLine): number {
  return (seed + 7919 * PRODUCT_LINES.indexOf(productLine)) | 0;
}

/** The value fast-check generates at `path` (its first segment is the run index). */
function replayValue(arbitrary: Arbitrary<Member>, seed: number, path: string): Member {
  let value: Member | undefined;
  fc.check(
    fc.property(arbitrary, (m) => {
      value ??= m;
      return false;
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (value === undefined) throw new Error(`no value at path ${path}`);
  return value;
}

/**
 * Shrinks one finding: fast-check replays the run at the finding's index and shrinks while the
 * same finding (same key) persists, so shrinking cannot wander to a different bug.
 */
async function shrinkFinding(
  judge: Judge,
  arbitrary: Arbitrary<Member>,
  seed: number,
  screened: Screened,
  replayPath: string | undefined,
  runSeed: number,
): Promise<Finding> {
  const timeout = screened.key === 'failure:timeout';
  let shrinkSteps = 0;
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (member) => {
      const [verdict] = await judge.judge([{ member, index: screened.index }]);
      const holds = verdict?.key !== screened.key;
      if (!holds) shrinkSteps += 1;
      return holds;
    }),
    {
      seed,
      path: replayPath ?? String(screened.index),
      // Every shrink of a hang would wait for the timeout; report a hang unshrunk.
      endOnFailure: timeout,
    },
  );
  const member = result.counterexample?.[0];
  if (!result.failed || member === undefined) {
    throw new Error(`finding ${screened.key} at case ${screened.index} did not reproduce`);
  }
  const [verdict] = await judge.judge([{ member, index: screened.index }]);
  if (!verdict || verdict.key === undefined)
    throw new Error(`shrunk finding ${screened.key} did not reproduce`);
  return {
    productLine: judge.productLine,
    kind: verdict.failure ? 'failure' : 'discrepancy',
    key: verdict.key,
    ...(verdict.difference ? { difference: verdict.difference } : {}),
    ...(verdict.failure ? { failure: verdict.failure } : {}),
    decidingClauses: verdict.deciding,
    occurrences: screened.count,
    seed: runSeed,
    path: result.counterexamplePath ?? String(screened.index),
    shrinkSteps: Math.max(0, shrinkSteps - 1),
    member,
    request: judge.request,
    reference: verdict.reference,
    ...(verdict.outcome ? { implementationOutcome: verdict.outcome } : {}),
  };
}

interface Verdict {
  readonly index: number;
  /** Undefined when the implementation agrees with the reference. */
  readonly key: string | undefined;
  readonly reference: Evaluation;
  readonly outcome?: Outcome;
  readonly difference?: OutcomeDifference;
  readonly failure?: ImplementationFailure;
  readonly deciding: readonly string[];
}

/** Runs reference and implementation on members and says whether, and how, they disagree. */
class Judge {
  private next = 0;
  constructor(
    private readonly measure: CompiledMeasure,
    readonly request: Request,
    private readonly implementation: Implementation,
    readonly productLine: ProductLine,
  ) {}

  async judge(batch: readonly { member: Member; index: number }[]): Promise<Verdict[]> {
    const cases: Case[] = batch.map(({ member }) => ({
      id: `${this.productLine}-${String(this.next++)}`,
      request: this.request,
      member,
    }));
    const answers: CaseAnswer[] = await this.implementation.evaluate(cases);
    const byId = new Map(answers.map((a) => [a.id, a]));
    return batch.map(({ member, index }, i) => {
      const reference = evaluateMeasure(this.measure, this.request, member);
      const answer = byId.get(cases[i]?.id ?? '');
      if (!answer) {
        const failure: ImplementationFailure = {
          kind: 'invalid',
          message: 'no answer for this case',
        };
        return { index, key: 'failure:invalid', reference, failure, deciding: [] };
      }
      if (!answer.ok) {
        return {
          index,
          key: `failure:${answer.failure.kind}`,
          reference,
          failure: answer.failure,
          deciding: [],
        };
      }
      const difference = compareOutcomes(reference.outcome, answer.outcome);
      if (!difference)
        return { index, key: undefined, reference, outcome: answer.outcome, deciding: [] };
      const deciding = decidingFor(reference, difference);
      return {
        index,
        key: `${difference.population}:${deciding.join(',')}`,
        reference,
        outcome: answer.outcome,
        difference,
        deciding,
      };
    });
  }
}

/**
 * The reference's deciding clauses for the population that differs, one level below the
 * population's root (e.g. `col-e-age` for an initial population, `isnp-lti-66-plus` for an
 * exclusion, `col-e-colonoscopy` for a numerator). Two findings are distinct when they differ in
 * population or in these clauses; going deeper would split one root cause into many findings.
 */
export function decidingFor(reference: Evaluation, difference: OutcomeDifference): string[] {
  const trace = traceOf(reference, difference.population);
  if (!trace) return [];
  return decidingChildren(trace).map((c) => c.id);
}

/** The trace node behind a population of the outcome. */
export function traceOf(
  reference: Evaluation,
  population: OutcomeDifference['population'],
): ClauseTrace | undefined {
  const t = reference.trace;
  if (population === 'initialPopulation') return t.initialPopulation;
  if (population === 'denominator') return t.denominator ?? t.initialPopulation;
  if (population === 'denominatorExclusion') return t.denominatorExclusion;
  if (population === 'stratum') {
    return t.strata.find((s) => s.id === reference.outcome.stratum)?.trace ?? t.strata[0]?.trace;
  }
  const rateId = population === 'numerator' ? undefined : population.slice('numerator:'.length);
  const rate = rateId === undefined ? t.rates[0] : t.rates.find((r) => r.id === rateId);
  return rate?.trace ?? populationTraces(t).at(-1)?.trace;
}
