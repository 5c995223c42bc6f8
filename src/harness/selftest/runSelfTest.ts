import type { GeneratorMode } from '../../generate/index.ts';
import { deriveMutants } from '../mutants.ts';
import type { Mutant } from '../mutants.ts';
import { runMutant } from './_internals/mutantImplementation.ts';
import { percentile } from './_internals/percentile.ts';
import { searchDifference } from './_internals/searchDifference.ts';
import { sameLogic } from './sameLogic.ts';
import { siblingSubsumption } from './siblingSubsumption.ts';
import { strataShadowing } from './strataShadowing.ts';
import type { MutantResult, SelfTestOptions, SelfTestResult } from './types.ts';

export const SELFTEST_DEFAULT_RUNS = 1000;

/**
 * The mutation self-test: derives mutants of the measure, runs each one as the implementation
 * under test, and reports how many the harness kills and how fast. Survivors are rerun with a
 * larger budget and the other generator, then argued: a proof (same logic, strata shadowing,
 * sibling subsumption) shows a mutant equivalent; otherwise a search over boundary members either
 * finds a difference (a generator blind spot) or finds none (likely equivalent).
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
