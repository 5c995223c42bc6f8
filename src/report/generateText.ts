import type { GenerateDeckResult } from '../harness/generateDeck.ts';
import { n, textTable } from './compareText.ts';

/**
 * What `fixtures generate` prints: the deck written, then how many members land in each
 * population and stratum per product line, and how to compare an implementation against it.
 */
export function formatGenerateSummary(
  r: GenerateDeckResult,
  out: string,
  packId: string,
  version: string,
): string {
  const lines = [
    `wrote ${out}: ${n(r.members)} members, ${r.measure} ${String(r.year)} (rule pack ${packId} v${version}), seed ${String(r.seed)}, ${(r.durationMs / 1000).toFixed(1)}s`,
  ];
  // A measure without product lines has one row and no product-line column.
  const lined = r.summary.some((s) => s.productLine !== undefined);
  lines.push('', `where the members land (expected results${lined ? ', by product line' : ''}):`);
  const rates = [...new Set(r.summary.flatMap((s) => Object.keys(s.numerator)))];
  const strata = [...new Set(r.summary.flatMap((s) => Object.keys(s.strata)))].sort();
  const header = [
    ...(lined ? ['product line'] : []),
    'initial population',
    'denominator',
    'excluded',
    ...rates.map((x) => (x === 'numerator' ? 'numerator' : `numerator ${x}`)),
    ...strata.map((s) => `stratum ${s}`),
  ];
  const pct = (x: number, of: number) =>
    `${n(x)} (${of === 0 ? '0' : ((100 * x) / of).toFixed(1)}%)`;
  const rows = r.summary.map((s) => [
    ...(lined ? [s.productLine ?? ''] : []),
    pct(s.initialPopulation, s.members),
    pct(s.denominator, s.members),
    pct(s.denominatorExclusion, s.members),
    ...rates.map((x) => pct(s.numerator[x] ?? 0, s.members)),
    ...strata.map((x) => pct(s.strata[x] ?? 0, s.members)),
  ]);
  lines.push(...textTable(header, rows).map((l) => `  ${l}`));
  lines.push(
    '',
    `compare an implementation: npx measurecheck compare --fixtures ${out} --impl <module-or-command>`,
  );
  return `${lines.join('\n')}\n`;
}
