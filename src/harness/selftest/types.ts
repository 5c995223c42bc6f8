import type { GeneratorMode } from '../../generate/index.ts';
import type { CompiledMeasure, CompiledPack } from '../../rulepack/compiled.ts';
import type { MutationOperator } from '../mutants.ts';

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
