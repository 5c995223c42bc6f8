import { packNotice } from './packNotice.ts';
import { decidingClauses, populationTraces, renderClauseTree } from '../engine/explain.ts';
import type { Evaluation } from '../engine/trace.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';

/**
 * The `explain` text: the member's outcome, then each population with the clauses that decided it
 * and the whole clause tree with its evidence.
 */
export function formatExplanation(evaluation: Evaluation, pack: CompiledPack): string {
  const { outcome, trace } = evaluation;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const lines: string[] = [];
  const head = [trace.measure, String(trace.year), trace.productLine ?? ''].join(' ').trimEnd();
  lines.push(`${head}: member ${trace.memberId}`);
  lines.push(`rule pack ${pack.id} v${pack.version} (${packNotice(pack.family)})`);
  lines.push('');
  lines.push('Outcome');
  const numerator =
    typeof outcome.numerator === 'boolean'
      ? [['numerator', yes(outcome.numerator)] as const]
      : Object.entries(outcome.numerator).map(([id, v]) => [`numerator ${id}`, yes(v)] as const);
  const rows: (readonly [string, string])[] = [
    ['initialPopulation', yes(outcome.initialPopulation)],
    ['denominator', yes(outcome.denominator)],
    ['denominatorExclusion', yes(outcome.denominatorExclusion)],
    ...numerator,
    ['stratum', outcome.stratum ?? '-'],
  ];
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(22)}${v}`);
  if (trace.notReportedFor) {
    lines.push('');
    lines.push(`${trace.measure} is not reported for ${trace.notReportedFor} in this pack.`);
    return lines.join('\n');
  }
  lines.push('');
  lines.push('Why');
  for (const { name, trace: node } of populationTraces(trace)) {
    const gate =
      name === 'denominatorExclusion' && !outcome.denominator
        ? ' (not counted: member is not in the denominator)'
        : name.startsWith('numerator') && (!outcome.denominator || outcome.denominatorExclusion)
          ? ` (not counted: member is ${outcome.denominator ? 'excluded' : 'not in the denominator'})`
          : '';
    const decided = [...new Set(decidingClauses(node).map((c) => c.id))];
    lines.push(
      `  ${name}: ${node.result ? 'holds' : 'does not hold'}${gate}; decided by ${decided.join(', ')}`,
    );
    lines.push(...renderClauseTree(node, '    '));
  }
  if (outcome.initialPopulation && trace.strata.length > 0) {
    lines.push(`  stratum: ${outcome.stratum ?? 'none'}`);
  }
  const assumptions = collectAssumptions(evaluation);
  if (assumptions.length > 0) {
    lines.push('');
    lines.push('Assumptions behind the deciding clauses');
    for (const a of assumptions) lines.push(`  ${a.id}: ${a.text}`);
  }
  return lines.join('\n');
}

function collectAssumptions(evaluation: Evaluation): { id: string; text: string }[] {
  const seen = new Map<string, string>();
  for (const { trace } of populationTraces(evaluation.trace)) {
    const visit = (n: typeof trace) => {
      if (n.assumption !== undefined && !seen.has(n.id))
        seen.set(n.id, n.assumption.replace(/\s+/g, ' '));
      n.children?.forEach(visit);
    };
    for (const d of decidingClauses(trace)) visit(d);
    if (trace.assumption !== undefined) seen.set(trace.id, trace.assumption.replace(/\s+/g, ' '));
  }
  return [...seen].map(([id, text]) => ({ id, text }));
}
