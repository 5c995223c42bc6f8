import fc from 'fast-check';
import { ImplementationError } from '../adapters/implementation.ts';
import type { Case, CaseAnswer, Implementation } from '../adapters/implementation.ts';
import { evaluateMeasure } from '../engine/evaluate.ts';
import { measureBoundaries, memberArbitrary } from '../generate/index.ts';
import type { GeneratorMode } from '../generate/index.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { CompiledClause, CompiledMeasure, CompiledPack } from '../rulepack/compiled.ts';
import { decidingFor, runCheck } from './check.ts';
import { compareOutcomes } from './compare.ts';
import { deriveMutants, measureClauses } from './mutants.ts';
import type { Mutant, MutationOperator } from './mutants.ts';

export interface SelfTestOptions {
  readonly pack: CompiledPack;
  readonly measure: CompiledMeasure;
  /** The measure in the previous year's pack, for `previous-year` mutants. */
  readonly previous?: CompiledMeasure;
  /** Cases per product line for each mutant (the budget). */
  readonly runs: number;
  readonly seed: number;
  readonly generator: GeneratorMode;
  readonly maxMutants?: number;
  /** Survivors are rerun with this many times the budget (and the other generator); default 5, 0: no reruns. */
  readonly rerunFactor?: number;
  /** Members per product line searched for a difference before calling a survivor equivalent. */
  readonly searchMembers?: number;
  /** Only these mutants (ids), e.g. for tests. */
  readonly only?: readonly string[];
  readonly onMutant?: (result: MutantResult) => void;
}

export type MutantStatus = 'killed' | 'survived' | 'equivalent';

export interface MutantResult {
  readonly id: string;
  readonly operator: MutationOperator;
  readonly clauseId: string;
  readonly description: string;
  readonly status: MutantStatus;
  /** `budget`: within the normal run; `rerun`: only with the larger budget; `other-generator`: only with the other generator. */
  readonly killedBy?: 'budget' | 'rerun' | 'other-generator';
  /** 1-based index of the first discrepant case, counted over the product lines in order. */
  readonly casesToKill?: number;
  /** The first finding: product line, population and deciding clauses. */
  readonly finding?: string;
  /** Why a survivor survived, or why it is equivalent. */
  readonly reason?: string;
  readonly equivalence?: 'proven' | 'likely';
}

export interface SelfTestResult {
  readonly measure: string;
  readonly year: number;
  readonly generator: GeneratorMode;
  readonly seed: number;
  readonly runs: number;
  /** Mutants derived before any sampling, and whether the tested ones are a sample. */
  readonly derived: number;
  readonly sampled: boolean;
  readonly mutants: readonly MutantResult[];
  readonly killedAtBudget: number;
  readonly killed: number;
  readonly equivalent: number;
  readonly survived: number;
  /** Killed within the budget over the mutants not shown or argued equivalent. */
  readonly killRate: number;
  readonly casesToKill: { readonly median?: number; readonly p90?: number };
  readonly durationMs: number;
}

export const SELFTEST_DEFAULT_RUNS = 1000;

/**
 * The mutation self-test: derives mutants of the measure, runs each one as the implementation
 * under test, and reports how many the harness kills and how fast. Survivors are rerun with a
 * larger budget and the other generator, then argued: strata shadowing proves a stratum mutant
 * equivalent; otherwise a search over boundary members either finds a difference (a generator
 * blind spot) or finds none (likely equivalent).
 */
export async function runSelfTest(options: SelfTestOptions): Promise<SelfTestResult> {
  const started = performance.now();
  const { measure } = options;
  const set = deriveMutants(measure, {
    ...(options.previous ? { previous: options.previous } : {}),
    ...(options.maxMutants !== undefined ? { maxMutants: options.maxMutants } : {}),
    seed: options.seed,
  });
  const mutants = options.only
    ? set.mutants.filter((m) => options.only?.includes(m.id))
    : set.mutants;
  const results: MutantResult[] = [];
  for (const mutant of mutants) {
    const result = await testMutant(options, mutant);
    results.push(result);
    options.onMutant?.(result);
  }
  const atBudget = results.filter((r) => r.killedBy === 'budget');
  const equivalent = results.filter((r) => r.status === 'equivalent').length;
  const counted = results.length - equivalent;
  const costs = atBudget.flatMap((r) => (r.casesToKill !== undefined ? [r.casesToKill] : []));
  return {
    measure: measure.id,
    year: measure.year,
    generator: options.generator,
    seed: options.seed,
    runs: options.runs,
    derived: set.derived,
    sampled: set.sampled,
    mutants: results,
    killedAtBudget: atBudget.length,
    killed: results.filter((r) => r.status === 'killed').length,
    equivalent,
    survived: results.filter((r) => r.status === 'survived').length,
    killRate: counted === 0 ? 1 : atBudget.length / counted,
    casesToKill: {
      ...(costs.length ? { median: percentile(costs, 0.5), p90: percentile(costs, 0.9) } : {}),
    },
    durationMs: performance.now() - started,
  };
}

/** The nearest-rank percentile of `values` (not empty). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? 0;
}

async function testMutant(options: SelfTestOptions, mutant: Mutant): Promise<MutantResult> {
  const base = {
    id: mutant.id,
    operator: mutant.operator,
    clauseId: mutant.clauseId,
    description: mutant.description,
  };
  const factor = options.rerunFactor ?? 5;
  const other: GeneratorMode = options.generator === 'rule-aware' ? 'uniform' : 'rule-aware';
  const attempts = [
    { by: 'budget', runs: options.runs, generator: options.generator, seed: options.seed },
    {
      by: 'rerun',
      runs: options.runs * factor,
      generator: options.generator,
      seed: options.seed + 1,
    },
    {
      by: 'other-generator',
      runs: options.runs * factor,
      generator: other,
      seed: options.seed + 2,
    },
  ] as const;
  for (const attempt of factor > 0 ? attempts : attempts.slice(0, 1)) {
    const kill = await runMutant(options, mutant, attempt.runs, attempt.seed, attempt.generator);
    if (kill) {
      return {
        ...base,
        status: 'killed',
        killedBy: attempt.by,
        casesToKill: kill.casesToKill,
        finding: kill.finding,
      };
    }
  }
  const proof =
    sameLogic(options.measure, mutant) ??
    strataShadowing(options.measure, mutant) ??
    siblingSubsumption(options.measure, mutant);
  if (proof) return { ...base, status: 'equivalent', equivalence: 'proven', reason: proof };
  const search = searchDifference(options, mutant);
  if (search.difference) {
    return {
      ...base,
      status: 'survived',
      reason: `generator blind spot: differs on a searched boundary member (${search.difference})`,
    };
  }
  // Dropping a code from a value set changes the answer for any member who carries that code
  // (the pack validates that each value set is used), so such a survivor is never equivalent:
  // no generated member carried the code where it decides.
  if (mutant.operator === 'value-set-missing-code') {
    return {
      ...base,
      status: 'survived',
      reason: `generator blind spot: no searched member (${String(search.members)}) carried the dropped code where it decides`,
    };
  }
  return {
    ...base,
    status: 'equivalent',
    equivalence: 'likely',
    reason: `likely equivalent (no difference on ${String(search.members)} boundary members)`,
  };
}

interface Kill {
  readonly casesToKill: number;
  readonly finding: string;
}

/**
 * Runs the harness with the mutant as the implementation; undefined when nothing differed. Once
 * the mutant is killed the rest of the run cannot change that, so the implementation stops (an
 * `ImplementationError` on its next batch, which `runCheck` records as an aborted run).
 */
async function runMutant(
  options: SelfTestOptions,
  mutant: Mutant,
  runs: number,
  seed: number,
  generator: GeneratorMode,
): Promise<Kill | undefined> {
  const implementation = new MutantImplementation(options.measure, mutant);
  await runCheck({
    pack: options.pack,
    measure: options.measure,
    productLines: options.measure.productLines,
    implementation,
    runs,
    seed,
    generator,
    batchSize: 64,
    maxFindings: 0,
    neighbours: false,
  });
  return implementation.kill;
}

/** The mutant measure evaluated in process, noting the first case where it differs from the original. */
class MutantImplementation implements Implementation {
  readonly label: string;
  private seen = 0;
  kill: Kill | undefined;

  constructor(
    private readonly original: CompiledMeasure,
    private readonly mutant: Mutant,
  ) {
    this.label = `mutant ${mutant.id}`;
  }

  evaluate(cases: readonly Case[]): Promise<CaseAnswer[]> {
    if (this.kill)
      return Promise.reject(
        new ImplementationError('impl/interrupted', 'mutant killed; run stopped'),
      );
    return Promise.resolve(
      cases.map((c): CaseAnswer => {
        this.seen += 1;
        const outcome = evaluateMeasure(this.mutant.measure, c.request, c.member).outcome;
        if (this.kill === undefined) {
          const reference = evaluateMeasure(this.original, c.request, c.member);
          const difference = compareOutcomes(reference.outcome, outcome);
          if (difference) {
            const deciding = decidingFor(reference, difference);
            this.kill = {
              casesToKill: this.seen,
              finding: `${c.request.productLine} ${difference.population}${
                deciding.length ? ` (${deciding.join(', ')})` : ''
              }`,
            };
          }
        }
        return { id: c.id, ok: true, outcome };
      }),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Proves a stratum mutant equivalent when every age at which the mutated `when` (an age clause)
 * changes is an age some earlier stratum already takes, or an age outside the initial
 * population's age clause: the stratum chosen (the first that holds) is then the same.
 */
export function strataShadowing(measure: CompiledMeasure, mutant: Mutant): string | undefined {
  const k = mutant.stratumIndex;
  if (k === undefined) return undefined;
  const before = measure.strata[k]?.when;
  const after = mutant.measure.strata[k]?.when;
  if (before?.kind !== 'age' || after?.kind !== 'age' || before.asOf !== after.asOf) {
    return undefined;
  }
  const holds = (c: CompiledClause & { kind: 'age' }, age: number) =>
    (c.min === undefined || age >= c.min) && (c.max === undefined || age <= c.max);
  const ipAges = ageClausesOfAll(measure.initialPopulation).filter((c) => c.asOf === before.asOf);
  const reasons: string[] = [];
  for (let age = 0; age <= 130; age++) {
    if (holds(before, age) === holds(after, age)) continue;
    const earlier = measure.strata
      .slice(0, k)
      .find((s) => s.when.kind === 'age' && s.when.asOf === before.asOf && holds(s.when, age));
    if (earlier) {
      reasons.push(`age ${String(age)} falls in stratum ${earlier.id} first`);
      continue;
    }
    const outside = ipAges.find((c) => !holds(c, age));
    if (outside) {
      reasons.push(`age ${String(age)} is outside the initial population (${outside.id})`);
      continue;
    }
    return undefined;
  }
  if (reasons.length === 0) return 'proven equivalent (strata shadowing: no age changes)';
  return `proven equivalent (strata shadowing: ${reasons.join('; ')})`;
}

/** Fields that document a clause or measure; the engine never reads them for an outcome. */
const DOCUMENTATION = new Set(['description', 'source', 'assumption', 'location', 'spec', 'file']);

/**
 * Proves a mutant equivalent when its measure has the same logic as the original: the two differ
 * at most in documentation (a previous-year clause whose only change is its citation).
 */
export function sameLogic(measure: CompiledMeasure, mutant: Mutant): string | undefined {
  const logic = (m: CompiledMeasure) => [
    m.initialPopulation,
    m.denominator,
    m.denominatorExclusion,
    m.rates,
    m.strata,
    m.productLines,
  ];
  if (!deepEqualIgnoring(logic(measure), logic(mutant.measure), DOCUMENTATION)) return undefined;
  return 'proven equivalent (same logic: the mutant differs only in description, source or assumption)';
}

/** Structural equality of plain data, arrays, maps and sets, skipping the `ignored` keys of objects. */
function deepEqualIgnoring(a: unknown, b: unknown, ignored: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => deepEqualIgnoring(x, b[i], ignored))
    );
  }
  if (a instanceof Set || b instanceof Set) {
    return (
      a instanceof Set && b instanceof Set && a.size === b.size && [...a].every((x) => b.has(x))
    );
  }
  if (a instanceof Map || b instanceof Map) {
    return (
      a instanceof Map &&
      b instanceof Map &&
      a.size === b.size &&
      [...a].every(([k, v]) => b.has(k) && deepEqualIgnoring(v, b.get(k), ignored))
    );
  }
  const keys = (o: object) =>
    Object.keys(o)
      .filter((k) => !ignored.has(k))
      .sort();
  const ka = keys(a);
  const kb = keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) =>
        k === kb[i] &&
        deepEqualIgnoring(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          ignored,
        ),
    )
  );
}

type AgeClause = CompiledClause & { kind: 'age' };

const ageHolds = (c: AgeClause, age: number): boolean =>
  (c.min === undefined || age >= c.min) && (c.max === undefined || age <= c.max);

/**
 * Proves an age-bound mutant equivalent when it only widens an age range inside a conjunction
 * (`all`) of an `any`, and at every age it adds, a sibling conjunction of that `any` already holds
 * whenever the widened one does: an age clause of the sibling holds at that age and its other
 * parts are among the widened conjunction's (CBP: frailty with advanced illness at 66-80 widened
 * to 81, where frailty alone at 81+ already excludes). Ages outside the initial population's age
 * clause change nothing either.
 */
export function siblingSubsumption(measure: CompiledMeasure, mutant: Mutant): string | undefined {
  if (mutant.operator !== 'age-min' && mutant.operator !== 'age-max') return undefined;
  const before = measureClauses(measure).find((c) => c.id === mutant.clauseId);
  const after = measureClauses(mutant.measure).find((c) => c.id === mutant.clauseId);
  if (before?.kind !== 'age' || after?.kind !== 'age' || before.asOf !== after.asOf) {
    return undefined;
  }
  const parents = parentsOf(measure);
  const only = (c: CompiledClause): CompiledClause | undefined => {
    const ps = parents.get(c) ?? [];
    return ps.length === 1 ? ps[0] : undefined;
  };
  const conjunction = only(before);
  if (conjunction?.kind !== 'all') return undefined;
  // Climb through references to the `any` that holds the conjunction.
  let holder: CompiledClause = conjunction;
  let up = only(conjunction);
  while (up?.kind === 'ref') {
    holder = up;
    up = only(up);
  }
  if (up?.kind !== 'any') return undefined;
  const others = new Set(conjunction.children.filter((c) => c !== before).map(deref));
  const siblings = up.children
    .filter((c) => c !== holder)
    .map(deref)
    .filter(
      (c): c is CompiledClause & { kind: 'all' } =>
        c.kind === 'all' && c.productLines === undefined,
    );
  const ipAges = ageClausesOfAll(measure.initialPopulation).filter((c) => c.asOf === before.asOf);
  const reasons: string[] = [];
  for (let age = 0; age <= 130; age++) {
    const was = ageHolds(before, age);
    if (was === ageHolds(after, age)) continue;
    // A narrowed range drops members; no sibling argument covers that.
    if (was) return undefined;
    const outside = ipAges.find((c) => !ageHolds(c, age));
    if (outside) {
      reasons.push(`age ${String(age)} is outside the initial population (${outside.id})`);
      continue;
    }
    const sibling = siblings.find((s) => {
      const parts = s.children.map(deref);
      const ages = parts.filter((p): p is AgeClause => p.kind === 'age');
      return (
        ages.length > 0 &&
        ages.every(
          (p) => p.asOf === before.asOf && p.productLines === undefined && ageHolds(p, age),
        ) &&
        parts.every((p) => p.kind === 'age' || others.has(p))
      );
    });
    if (!sibling) return undefined;
    reasons.push(
      `at age ${String(age)} ${sibling.id} already holds whenever ${conjunction.id} does`,
    );
  }
  if (reasons.length === 0) return undefined;
  return `proven equivalent (sibling subsumption: ${reasons.join('; ')})`;
}

/** The clause a reference stands for (through any chain of references). */
function deref(c: CompiledClause): CompiledClause {
  return c.kind === 'ref' ? deref(c.child) : c;
}

/** Every parent of each clause of the measure, once per place it is used. */
function parentsOf(measure: CompiledMeasure): Map<CompiledClause, CompiledClause[]> {
  const parents = new Map<CompiledClause, CompiledClause[]>();
  const seen = new Set<CompiledClause>();
  const visit = (c: CompiledClause): void => {
    if (seen.has(c)) return;
    seen.add(c);
    const children =
      c.kind === 'all' || c.kind === 'any'
        ? c.children
        : c.kind === 'not' || c.kind === 'ref'
          ? [c.child]
          : (c.kind === 'event' || c.kind === 'reading') && c.onOrAfter
            ? [c.onOrAfter.clause]
            : [];
    for (const child of children) {
      parents.set(child, [...(parents.get(child) ?? []), c]);
      visit(child);
    }
  };
  const roots = [
    measure.initialPopulation,
    ...(measure.denominator ? [measure.denominator] : []),
    ...(measure.denominatorExclusion ? [measure.denominatorExclusion] : []),
    ...measure.rates.map((r) => r.numerator),
    ...measure.strata.map((s) => s.when),
  ];
  for (const root of roots) visit(root);
  return parents;
}

/** Age clauses every member of `root` must satisfy (through `all` and references). */
function ageClausesOfAll(root: CompiledClause): AgeClause[] {
  if (root.productLines !== undefined) return [];
  if (root.kind === 'age') return [root];
  if (root.kind === 'ref') return ageClausesOfAll(root.child);
  if (root.kind === 'all') return root.children.flatMap(ageClausesOfAll);
  return [];
}

/**
 * Evaluates the original and the mutant on boundary members of every product line: the
 * rule-aware arbitrary's first samples, the uniform one's, and some of them moved to every age
 * boundary point. Returns the first difference found.
 */
function searchDifference(
  options: SelfTestOptions,
  mutant: Mutant,
): { members: number; difference?: string } {
  const { measure } = options;
  const perLine = options.searchMembers ?? 2000;
  const points = [
    ...measureBoundaries(measure).ages,
    ...measureBoundaries(mutant.measure).ages,
  ].flatMap((a) => a.points.map((p) => p.birthDate));
  const birthDates = [...new Set(points)];
  let members = 0;
  for (const productLine of measure.productLines) {
    const request = { measure: measure.id, year: measure.year, productLine };
    const sampleOf = (mode: GeneratorMode, n: number): Member[] =>
      fc.sample(memberArbitrary(measure, { productLine, mode }), {
        seed: options.seed + 17,
        numRuns: n,
      });
    const sampled = [...sampleOf('rule-aware', perLine), ...sampleOf('uniform', perLine / 4)];
    const moved = sampled
      .slice(0, 25)
      .flatMap((m) => birthDates.map((birthDate): Member => ({ ...m, birthDate })));
    for (const member of [...sampled, ...moved]) {
      members += 1;
      const d = differs(measure, mutant.measure, request, member);
      if (d) return { members, difference: d };
    }
  }
  return { members };
}

function differs(
  original: CompiledMeasure,
  mutant: CompiledMeasure,
  request: { measure: string; year: number; productLine: ProductLine },
  member: Member,
): string | undefined {
  const a = evaluateMeasure(original, request, member).outcome;
  const b = evaluateMeasure(mutant, request, member).outcome;
  const d = compareOutcomes(a, b);
  return d ? `${request.productLine} ${d.population}` : undefined;
}
