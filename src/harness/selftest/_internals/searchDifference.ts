import fc from 'fast-check';
import { evaluateMeasure } from '../../../engine/evaluate.ts';
import { measureBoundaries, memberArbitrary } from '../../../generate/index.ts';
import type { GeneratorMode } from '../../../generate/index.ts';
import type { Member } from '../../../model/member.ts';
import type { Request } from '../../../model/request.ts';
import { requestLines } from '../../../rulepack/compiled.ts';
import type { CompiledMeasure } from '../../../rulepack/compiled.ts';
import { compareOutcomes } from '../../compare.ts';
import type { Mutant } from '../../mutants.ts';
import type { SelfTestOptions } from '../types.ts';

/**
 * Evaluates the original and the mutant on boundary members of every product line: the
 * rule-aware arbitrary's first samples, the uniform one's, and some of them moved to every age
 * boundary point. Returns the members searched and the first difference found
 * (`commercial numerator`).
 */
export function searchDifference(
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
  for (const productLine of requestLines(measure)) {
    const request: Request = {
      measure: measure.id,
      year: measure.year,
      ...(productLine !== undefined ? { productLine } : {}),
    };
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
  request: Request,
  member: Member,
): string | undefined {
  const a = evaluateMeasure(original, request, member).outcome;
  const b = evaluateMeasure(mutant, request, member).outcome;
  const d = compareOutcomes(a, b);
  return d
    ? [request.productLine, d.population].filter((x) => x !== undefined).join(' ')
    : undefined;
}
