import type { ClauseCoverage, MissingOutcome } from '../harness/clauseCoverage.ts';

/** `clause death never true on medicaid`. */
export function formatMissingOutcome(m: MissingOutcome): string {
  const on = m.productLine !== undefined ? ` on ${m.productLine}` : '';
  return `clause ${m.clause} never ${m.outcome ? 'true' : 'false'}${on}`;
}

/**
 * The lines a person reads: per product line, the outcomes never exercised, or that all were.
 */
export function formatCoverage(coverage: readonly ClauseCoverage[]): string[] {
  const out: string[] = [];
  for (const c of coverage) {
    // A measure without product lines: the sentence starts with the count.
    const head = c.productLine !== undefined ? `${c.productLine}: ` : '';
    const exercised = c.outcomes - c.missing.length;
    if (c.missing.length === 0) {
      out.push(`${head}all ${c.outcomes} clause outcomes exercised (${c.members} members)`);
      continue;
    }
    out.push(
      `${head}${exercised} of ${c.outcomes} clause outcomes exercised (${c.members} members); never exercised:`,
    );
    for (const m of c.missing) out.push(`  ${formatMissingOutcome(m)}`);
  }
  return out;
}
