import { ImplementationError } from '../../../adapters/implementation.ts';
import type { Case, CaseAnswer, Implementation } from '../../../adapters/implementation.ts';
import { evaluateMeasure } from '../../../engine/evaluate.ts';
import type { GeneratorMode } from '../../../generate/index.ts';
import { requestLines } from '../../../rulepack/compiled.ts';
import type { CompiledMeasure } from '../../../rulepack/compiled.ts';
import { decidingFor, runCheck } from '../../check.ts';
import { compareOutcomes } from '../../compare.ts';
import type { Mutant } from '../../mutants.ts';
import type { SelfTestOptions } from '../types.ts';

/** Where the harness first told a mutant from the original. */
export interface Kill {
  /** 1-based index of the first discrepant case. */
  readonly casesToKill: number;
  /** Product line, population and deciding clauses: `commercial numerator (col-e-fobt)`. */
  readonly finding: string;
}

/**
 * Runs the harness with the mutant as the implementation; undefined when nothing differed. Once
 * the mutant is killed the rest of the run cannot change that, so the implementation stops (an
 * `ImplementationError` on its next batch, which `runCheck` records as an aborted run).
 */
export async function runMutant(
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
    productLines: requestLines(options.measure),
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
              finding: `${c.request.productLine !== undefined ? `${c.request.productLine} ` : ''}${difference.population}${
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
