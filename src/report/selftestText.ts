import type { MutantResult, SelfTestResult } from '../harness/selftest/index.ts';

/** One mutant on one line: its id, what it changes, and how it was killed (or why not). */
export function formatMutant(m: MutantResult): string {
  const status =
    m.status === 'killed'
      ? `killed (${m.killedBy ?? 'budget'}, case ${String(m.casesToKill ?? '?')}${m.finding ? `: ${m.finding}` : ''})`
      : m.status;
  return `${m.id} — ${m.description}: ${status}${m.reason ? ` — ${m.reason}` : ''}`;
}

/** The self-test summary: kill rate, cases to kill, and every mutant not killed at the budget. */
export function formatSelfTest(r: SelfTestResult): string {
  const lines: string[] = [];
  const tested = r.mutants.length;
  lines.push(
    `${String(tested)} mutants${r.sampled ? ` (a deterministic sample of ${String(r.derived)} derived)` : ''}: ${String(r.killedAtBudget)} killed within the budget, ${String(r.killed - r.killedAtBudget)} only with 5x the budget or the other generator, ${String(r.equivalent)} equivalent, ${String(r.survived)} survived`,
  );
  lines.push(
    `kill rate ${(r.killRate * 100).toFixed(1)}% (killed within the budget / mutants not equivalent)`,
  );
  if (r.casesToKill.median !== undefined) {
    lines.push(
      `cases to kill: median ${String(r.casesToKill.median)}, p90 ${String(r.casesToKill.p90 ?? '?')}`,
    );
  }
  const notes = r.mutants.filter((m) => m.killedBy !== 'budget');
  if (notes.length) {
    lines.push('not killed within the budget:');
    for (const m of notes) lines.push(`  ${formatMutant(m)}`);
  }
  lines.push(`(${(r.durationMs / 1000).toFixed(1)} s)`);
  return `${lines.join('\n')}\n`;
}
