import type { Case, CaseAnswer, Implementation } from '../adapters/implementation.ts';
import { evaluateMeasure } from '../engine/evaluate.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';

/**
 * The reference engine as an implementation, for `compare --reference`: the rule pack itself is
 * checked against a deck's expected results (e.g. a deck imported from published test cases). It
 * evaluates in process, so it never fails the way an outside implementation can; a request for a
 * measure or year that no selected pack has is an `invalid` answer naming them.
 */
export class ReferenceImplementation implements Implementation {
  readonly label: string;

  constructor(private readonly packs: readonly CompiledPack[]) {
    this.label = `the reference (${packs.map((p) => `${p.id} v${p.version}`).join(', ')})`;
  }

  evaluate(cases: readonly Case[]): Promise<CaseAnswer[]> {
    return Promise.resolve(
      cases.map((c): CaseAnswer => {
        const measure = this.packs
          .find((p) => p.year === c.request.year)
          ?.measures.get(c.request.measure);
        if (measure === undefined) {
          return {
            id: c.id,
            ok: false,
            failure: {
              kind: 'invalid',
              message: `no selected rule pack has ${c.request.measure} for ${String(c.request.year)}`,
            },
          };
        }
        return {
          id: c.id,
          ok: true,
          outcome: evaluateMeasure(measure, c.request, c.member).outcome,
        };
      }),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
