import { packNotice } from './packNotice.ts';
import type { CompareGroup, CompareResult, RateCounts } from '../harness/compareDeck/index.ts';
import type { DiscrepancyGroup } from '../harness/compareDeck/index.ts';
import { describeNeighbourMatch } from '../harness/neighbours.ts';
import type { OutcomeDifference } from '../harness/compare.ts';
import type { Outcome } from '../model/outcome.ts';
import { formatProblem } from '../model/problem.ts';
import { indent } from './consoleReporter.ts';

/** `1,234/2,345 (52.6%)`, or `-/0` when the denominator is empty. */
export function formatRate(c: RateCounts): string {
  if (c.denominator === 0) return '-/0';
  return `${n(c.numerator)}/${n(c.denominator)} (${((100 * c.numerator) / c.denominator).toFixed(1)}%)`;
}

/** A number with thousands separators, the same on every machine. */
export function n(x: number): string {
  return x.toLocaleString('en-US');
}

/** `measure year product-line`, as every report titles a group. */
export function groupTitle(g: Pick<CompareGroup, 'measure' | 'year' | 'productLine'>): string {
  // A measure without product lines: just measure and year.
  return [g.measure, String(g.year), g.productLine ?? ''].join(' ').trimEnd();
}

const yesNo = (x: boolean | string | undefined) =>
  x === undefined ? 'none' : typeof x === 'boolean' ? (x ? 'yes' : 'no') : x;

/**
 * Where the deck's expected result and the reference differ (`compareOutcomes(reference, deck)`):
 * `numerator: deck yes, reference no`.
 */
export function formatDeckDifference(d: OutcomeDifference): string {
  return `${d.population}: deck ${yesNo(d.implementation)}, reference ${yesNo(d.reference)}`;
}

/** `initialPopulation: expected yes, implementation no`. */
export function formatDifference(d: OutcomeDifference): string {
  return `${d.population}: expected ${yesNo(d.reference)}, implementation ${yesNo(d.implementation)}`;
}

/** The flags of an outcome on one line: `IP yes, DEN yes, EXCL no, NUM no, stratum 50-75`. */
export function formatOutcomeFlags(o: Outcome): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const num =
    typeof o.numerator === 'boolean'
      ? `NUM ${yes(o.numerator)}`
      : Object.entries(o.numerator)
          .map(([k, v]) => `NUM ${k} ${yes(v)}`)
          .join(', ');
  return `IP ${yes(o.initialPopulation)}, DEN ${yes(o.denominator)}, EXCL ${yes(o.denominatorExclusion)}, ${num}${o.stratum !== undefined ? `, stratum ${o.stratum}` : ''}`;
}

/** The one-line verdict for a group. */
export function groupStatus(g: CompareGroup): string {
  const parts = [
    g.discrepant > 0 ? `${n(g.discrepant)} discrepant` : '',
    g.missing > 0 ? `${n(g.missing)} missing from the results` : '',
    g.failed > 0 ? `${n(g.failed)} failed to run` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'agree' : parts.join(', ');
}

/**
 * The console report of `compare`: per measure, year and product line, the agreement per
 * population, the rates side by side, the discrepancies grouped by population and deciding clause,
 * and the first discrepant members with the reference's explanation.
 */
export function formatCompareText(r: CompareResult): string {
  const out: string[] = [];
  out.push(
    `measurecheck compare: deck ${r.deck} (${r.deckFormat}, ${n(r.deckMembers)} members read) against ${r.implementation}`,
  );
  out.push(
    `rule packs: ${r.packs.map((p) => `${p.id} v${p.version}`).join(', ')} (${packNotice(r.packs[0]?.family)})`,
  );
  out.push(
    r.expectedFrom === 'deck'
      ? 'expected results: the deck’s expected file'
      : 'expected results: computed by the reference (the deck has no expected file)',
  );
  if (r.membersWithoutExpected > 0) {
    out.push(
      `${n(r.membersWithoutExpected)} deck member(s) have no expected row for the selected measures and were not compared`,
    );
  }
  for (const g of r.groups) out.push('', ...formatGroup(g, r.expectedFrom));
  if (r.unmatchedResults > 0) {
    out.push(
      '',
      `${n(r.unmatchedResults)} result row(s) match no deck member with an expected row for that measure, year and product line (first ${String(r.unmatchedResultExamples.length)}):`,
    );
    for (const u of r.unmatchedResultExamples) {
      out.push(
        `  ${u.memberId} (${u.origin.file}:${String(u.origin.line)}, ${u.group.replaceAll('|', ' ')})`,
      );
    }
  }
  for (const e of r.staleAccepts ?? []) {
    out.push(
      '',
      `STALE accepted difference ${e.file}:${String(e.line)}: ${e.measure} ${e.population} ${e.clause} matched no discrepancy of this compare. Remove the entry if the difference is gone, or fix it to name the discrepancy as reported.`,
    );
  }
  if (r.ignoredResults > 0) {
    out.push(
      '',
      `${n(r.ignoredResults)} result row(s) for other measures, years or product lines were ignored`,
    );
  }
  if (r.skippedCount > 0) {
    out.push('', `${n(r.skippedCount)} bad input row(s) skipped (--keep-going):`);
    for (const p of r.skipped) out.push(`  ${formatProblem(p).replaceAll('\n', '\n  ')}`);
    if (r.skippedCount > r.skipped.length) {
      out.push(`  ... and ${n(r.skippedCount - r.skipped.length)} more`);
    }
  }
  if (r.inputError) {
    out.push(
      '',
      r.groups.length > 0
        ? 'STOPPED: bad input (what was compared before it is shown above):'
        : 'STOPPED: bad input:',
    );
    for (const p of r.inputError) out.push(`  ${formatProblem(p).replaceAll('\n', '\n  ')}`);
    out.push('  (pass --keep-going to skip bad rows and compare the rest)');
  }
  if (r.aborted) {
    out.push('', `STOPPED: the implementation could not run: ${r.aborted.message}`);
    if (r.aborted.stderr && !r.aborted.message.includes(r.aborted.stderr.trim())) {
      out.push(`stderr:\n${indent(r.aborted.stderr.trimEnd(), '  ')}`);
    }
  }
  out.push('', verdict(r));
  return `${out.join('\n')}\n`;
}

function verdict(r: CompareResult): string {
  const members = r.groups.reduce((x, g) => x + g.members, 0);
  const discrepant = r.groups.reduce((x, g) => x + g.discrepant, 0);
  const missing = r.groups.reduce((x, g) => x + g.missing, 0);
  const failed = r.groups.reduce((x, g) => x + g.failed, 0);
  const accepted = r.groups.reduce((x, g) => x + (g.accepted ?? 0), 0);
  if (r.exitCode === 0) {
    const but = accepted > 0 ? ` but for ${n(accepted)} accepted difference(s)` : '';
    return `OK: the implementation agrees with the expected results on all ${n(members)} member outcomes${but} (${(r.durationMs / 1000).toFixed(1)}s).`;
  }
  const parts = [
    discrepant > 0 ? `${n(discrepant)} discrepant` : '',
    missing > 0 ? `${n(missing)} missing from the results` : '',
    r.unmatchedResults > 0 ? `${n(r.unmatchedResults)} results matching no deck row` : '',
    failed > 0 ? `${n(failed)} with no valid answer` : '',
    (r.staleAccepts?.length ?? 0) > 0
      ? `${String(r.staleAccepts?.length ?? 0)} stale accepted difference(s)`
      : '',
  ].filter(Boolean);
  if (r.interrupted === true) {
    return `INTERRUPTED: stopped by a signal after ${n(r.deckMembers)} deck members; no verdict (${n(members)} member outcomes compared, ${n(discrepant)} discrepant so far).`;
  }
  const head =
    r.exitCode === 2 ? 'BAD INPUT' : r.exitCode === 3 ? 'IMPLEMENTATION FAILED' : 'DISCREPANCIES';
  const counts = parts.length > 0 ? `${parts.join(', ')} of ` : 'after ';
  return `${head}: ${counts}${n(members)} member outcomes compared (${(r.durationMs / 1000).toFixed(1)}s).`;
}

function formatGroup(g: CompareGroup, expectedFrom: CompareResult['expectedFrom']): string[] {
  const out: string[] = [];
  out.push(
    `${groupTitle(g)}: ${n(g.members)} members compared, ${n(g.agreeing)} agree — ${groupStatus(g)}`,
  );
  // Each flag over every member compared, as each side states it (a numerator of an excluded
  // member counts too), while "agree" and the discrepancies compare level by level.
  const header = [
    'population (all members)',
    'both yes',
    'both no',
    'expected only',
    'implementation only',
  ];
  const rows = g.populations.map((p) => [
    p.population,
    n(p.confusion.bothTrue),
    n(p.confusion.bothFalse),
    n(p.confusion.expectedOnly),
    n(p.confusion.implementationOnly),
  ]);
  out.push(...textTable(header, rows).map((l) => `  ${l}`));
  if (g.strata.agree + g.strata.disagree > 0) {
    out.push(
      `  stratum: ${n(g.strata.agree)} agree, ${n(g.strata.disagree)} differ (members both sides put in the initial population)`,
    );
  }
  const notStated = g.strata.notStated ?? 0;
  if (notStated > 0) {
    out.push(
      `  stratum: not compared for ${n(notStated)} member(s) whose expected row states none (the reference puts them in a stratum)`,
    );
  }
  const rateHeader =
    expectedFrom === 'deck'
      ? ['rate', 'expected (deck)', 'reference', 'implementation']
      : ['rate', 'reference', 'implementation'];
  const rateRows = g.rates.map((x) =>
    expectedFrom === 'deck'
      ? [x.rate, formatRate(x.expected), formatRate(x.reference), formatRate(x.implementation)]
      : [x.rate, formatRate(x.reference), formatRate(x.implementation)],
  );
  out.push('', ...textTable(rateHeader, rateRows).map((l) => `  ${l}`));
  if (g.deckVersusReference > 0) {
    out.push(
      '',
      `  WARNING: the deck's expected results differ from the reference on ${n(g.deckVersusReference)} member(s); the deck and the rule pack disagree (first ${String(g.deckVersusReferenceExamples.length)}):`,
    );
    for (const d of g.deckVersusReferenceExamples) {
      out.push(
        `    ${d.memberId} (${d.origin.file}:${String(d.origin.line)}): ${formatDeckDifference(d.difference)}`,
      );
    }
  }
  if (g.discrepancies.length > 0) {
    out.push('', '  discrepancies by population and the reference’s deciding clauses:');
    for (const d of g.discrepancies) {
      out.push(`    ${n(d.count).padStart(7)}  ${discrepancyLabel(d)}`);
      if (d.accepted) {
        out.push(
          `             accepted by ${d.accepted.file}:${String(d.accepted.line)}: ${d.accepted.reason} (${d.accepted.link})`,
        );
      }
      for (const m of neighbourLines(d, g)) out.push(`             ${m}`);
    }
  }
  if (g.examples.length > 0) {
    out.push(
      '',
      `  discrepant members (first ${String(g.examples.length)} of ${n(g.discrepant)}):`,
    );
    for (const e of g.examples) {
      out.push(
        `    ${e.memberId} (${e.origin.file}:${String(e.origin.line)}): ${formatDifference(e.difference)}`,
      );
      out.push(`      expected:       ${formatOutcomeFlags(e.expected)}`);
      out.push(`      implementation: ${formatOutcomeFlags(e.implementation)}`);
      if (e.matchesNeighbour) {
        out.push(
          `      likely cause: ${describeNeighbourMatch(e.matchesNeighbour, g.year, g.productLine)}`,
        );
      }
      if (e.explanation.length > 0) {
        out.push(`      reference: ${e.explanation[0] ?? ''}`);
        for (const l of e.explanation.slice(1, 25)) out.push(`      ${l}`);
        if (e.explanation.length > 25)
          out.push(`        ... (${String(e.explanation.length - 25)} more lines)`);
      }
    }
  }
  if (g.missing > 0) {
    out.push(
      '',
      `  ${n(g.missing)} deck member(s) have no row in the results file (first ${String(g.missingExamples.length)}):`,
    );
    for (const m of g.missingExamples)
      out.push(`    ${m.memberId} (${m.origin.file}:${String(m.origin.line)})`);
  }
  if (g.failed > 0) {
    out.push(
      '',
      `  the implementation gave no valid answer for ${n(g.failed)} member(s) (first ${String(g.failedExamples.length)}):`,
    );
    for (const f of g.failedExamples) {
      out.push(
        `    ${f.memberId} (${f.origin.file}:${String(f.origin.line)}): ${f.failure.kind}: ${f.failure.message}`,
      );
      if (f.failure.stderr) out.push(indent(f.failure.stderr.trimEnd(), '      '));
    }
  }
  return out;
}

/** `denominatorExclusion (isnp-lti-66-plus)`, or the population alone past the analysis cap. */
export function discrepancyLabel(d: DiscrepancyGroup): string {
  if (!d.analysed) return `${d.population} (not analysed: past the first 5,000 discrepancies)`;
  return `${d.population}${d.decidingClauses.length > 0 ? ` (${d.decidingClauses.join(', ')})` : ''}`;
}

/** `12 of them: it applies the medicare rule to a commercial member`, one line per neighbour. */
export function neighbourLines(
  d: DiscrepancyGroup,
  g: Pick<CompareGroup, 'year' | 'productLine'>,
): string[] {
  return d.neighbourMatches.map(
    (m) =>
      `${m.count === d.count ? `all ${n(m.count)}` : `${n(m.count)} of them`}: ${describeNeighbourMatch(m.neighbour, g.year, g.productLine)}`,
  );
}

/** A plain-text table: left-aligned first column, right-aligned numbers. */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
