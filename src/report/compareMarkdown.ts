import { packNotice } from './packNotice.ts';
import type { CompareGroup, CompareResult } from '../harness/compareDeck/index.ts';
import { formatProblem } from '../model/problem.ts';
import {
  formatDeckDifference,
  formatDifference,
  formatRate,
  groupStatus,
  groupTitle,
  n,
} from './compareText.ts';

/**
 * The Markdown summary of `compare`, made to paste into a pull request or a CI job summary
 * (`>> $GITHUB_STEP_SUMMARY`): a verdict, one table row per measure, year and product line, then
 * the discrepancies and the first discrepant members in collapsible sections.
 */
export function formatCompareMarkdown(r: CompareResult): string {
  const out: string[] = [];
  const icon = r.exitCode === 0 ? '✅' : r.exitCode === 1 ? '❌' : '⚠️';
  const total = r.groups.reduce((x, g) => x + g.members, 0);
  const discrepant = r.groups.reduce((x, g) => x + g.discrepant + g.missing, 0);
  out.push(`## ${icon} measurecheck compare`);
  out.push('');
  out.push(
    r.exitCode === 0
      ? `The implementation agrees with the expected results on all ${n(total)} member outcomes.`
      : r.exitCode === 1
        ? `**${n(discrepant + r.unmatchedResults)}** disagreement(s) in ${n(total)} member outcomes.`
        : r.exitCode === 2
          ? '**Stopped on bad input**; the counts below cover what was compared before it.'
          : r.interrupted === true
            ? '**Interrupted** (stopped by a signal): no verdict; the counts below cover what was compared before it.'
            : '**The implementation failed to run** on some members; see below.',
  );
  out.push('');
  out.push(`- deck: \`${r.deck}\` (${r.deckFormat}, ${n(r.deckMembers)} members)`);
  out.push(`- implementation: \`${r.implementation}\``);
  out.push(
    `- expected results: ${r.expectedFrom === 'deck' ? 'the deck’s expected file' : 'computed by the reference'}; rule packs ${r.packs.map((p) => `${p.id} v${p.version}`).join(', ')} (${packNotice(r.packs[0]?.family)})`,
  );
  out.push('');
  const deckColumn = r.expectedFrom === 'deck';
  out.push(
    `| measure | year | product line | members | agree | discrepant | missing | failed |${deckColumn ? ' expected rate |' : ''} reference rate | implementation rate |`,
  );
  out.push(`|---|---:|---|---:|---:|---:|---:|---:|${deckColumn ? '---:|' : ''}---:|---:|`);
  for (const g of r.groups) {
    for (const [i, rate] of g.rates.entries()) {
      const label = g.rates.length > 1 ? ` (${rate.rate})` : '';
      const counts =
        i === 0
          ? `${n(g.members)} | ${n(g.agreeing)} | ${n(g.discrepant)} | ${n(g.missing)} | ${n(g.failed)}`
          : ' | | | | ';
      out.push(
        `| ${g.measure}${label} | ${String(g.year)} | ${g.productLine ?? ''} | ${counts} |${deckColumn ? ` ${formatRate(rate.expected)} |` : ''} ${formatRate(rate.reference)} | ${formatRate(rate.implementation)} |`,
      );
    }
  }
  for (const g of r.groups) {
    if (g.discrepant + g.missing + g.failed + g.deckVersusReference === 0) continue;
    out.push('', ...groupDetails(g));
  }
  if (r.unmatchedResults > 0) {
    out.push(
      '',
      `**${n(r.unmatchedResults)}** result row(s) are for members the deck does not have:`,
      '',
    );
    for (const u of r.unmatchedResultExamples) {
      out.push(`- \`${cell(u.memberId)}\` (${u.origin.file}:${String(u.origin.line)})`);
    }
  }
  const stale = r.staleAccepts ?? [];
  if (stale.length > 0) {
    out.push(
      '',
      `**${n(stale.length)} stale accepted difference(s)** (they matched no discrepancy: remove or fix them):`,
      '',
    );
    for (const e of stale) {
      out.push(
        `- \`${e.file}:${String(e.line)}\` ${e.measure} ${e.population} \`${e.clause}\`: ${cell(e.reason)}`,
      );
    }
  }
  const problems = [...(r.inputError ?? []), ...r.skipped];
  if (problems.length > 0) {
    out.push(
      '',
      r.inputError ? '**Bad input:**' : `**${n(r.skippedCount)} bad input row(s) skipped:**`,
      '',
    );
    out.push('```', ...problems.map(formatProblem), '```');
  }
  if (r.aborted) {
    out.push('', `**The implementation could not run:** ${cell(r.aborted.message)}`);
  }
  return `${out.join('\n')}\n`;
}

function groupDetails(g: CompareGroup): string[] {
  const out: string[] = [];
  out.push(`### ${groupTitle(g)}: ${groupStatus(g)}`);
  out.push('');
  out.push('| population | both yes | both no | expected only | implementation only |');
  out.push('|---|---:|---:|---:|---:|');
  for (const p of g.populations) {
    const c = p.confusion;
    out.push(
      `| ${p.population} | ${n(c.bothTrue)} | ${n(c.bothFalse)} | ${n(c.expectedOnly)} | ${n(c.implementationOnly)} |`,
    );
  }
  if (g.discrepancies.length > 0) {
    out.push('', 'Discrepancies by population and the reference’s deciding clauses:', '');
    for (const d of g.discrepancies) {
      out.push(
        `- **${n(d.count)}** ${d.population}${d.decidingClauses.length > 0 ? ` (${d.decidingClauses.map((c) => `\`${c}\``).join(', ')})` : ''}` +
          (d.accepted
            ? `: accepted (\`${d.accepted.file}:${String(d.accepted.line)}\`): ${cell(d.accepted.reason)} ([link](${d.accepted.link}))`
            : ''),
      );
    }
  }
  if (g.examples.length > 0) {
    out.push(
      '',
      `<details><summary>First ${String(g.examples.length)} discrepant members</summary>`,
      '',
    );
    for (const e of g.examples) {
      out.push(
        `**${cell(e.memberId)}** (${e.origin.file}:${String(e.origin.line)}): ${formatDifference(e.difference)}`,
      );
      out.push('', '```', ...e.explanation.slice(0, 25), '```', '');
    }
    out.push('</details>');
  }
  if (g.missing > 0) {
    out.push(
      '',
      `${n(g.missing)} deck member(s) have no row in the results file, e.g. ${g.missingExamples
        .slice(0, 5)
        .map((m) => `\`${cell(m.memberId)}\``)
        .join(', ')}.`,
    );
  }
  if (g.failed > 0) {
    out.push(
      '',
      `The implementation gave no valid answer for ${n(g.failed)} member(s), e.g. ${g.failedExamples
        .slice(0, 5)
        .map((f) => `\`${cell(f.memberId)}\` (${f.failure.kind})`)
        .join(', ')}.`,
    );
  }
  if (g.deckVersusReference > 0) {
    out.push(
      '',
      `⚠️ The deck’s expected results differ from the reference on ${n(g.deckVersusReference)} member(s), e.g. ${g.deckVersusReferenceExamples
        .slice(0, 3)
        .map((d) => `\`${cell(d.memberId)}\` ${formatDeckDifference(d.difference)}`)
        .join('; ')}.`,
    );
  }
  return out;
}

/** Text safe inside a table cell or inline code: no pipes, backticks or newlines. */
function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('`', "'").replaceAll(/\r?\n/g, ' ');
}
