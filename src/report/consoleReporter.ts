import { describeClause, renderClauseTree } from '../engine/explain.ts';
import type { CheckResult, Finding, GivenAnswer, ProductLineResult } from '../harness/check.ts';
import { traceOf } from '../harness/check.ts';
import { directionText } from '../harness/acceptList.ts';
import type { FindingGroup } from '../harness/findingGroups.ts';
import { describeNeighbourMatch } from '../harness/neighbours.ts';
import { formatCoverage } from './clauseCoverageText.ts';
import { formatMember } from './memberText.ts';
import type { Reporter, RunInfo } from './reporter.ts';

export interface ConsoleReporterOptions {
  readonly write: (text: string) => void;
  /** The command line that replays a finding exactly. */
  readonly replayCommand: (finding: Finding) => string;
  /** Also print, per product line, the clause outcomes the run never exercised (`--coverage`). */
  readonly coverage?: boolean;
}

/**
 * The report a person reads at 2 a.m.: one line per product line as it finishes, then each
 * finding with the minimal member, both answers, the reference's reasons, and how to replay it.
 */
export class ConsoleReporter implements Reporter {
  /** The measure checked: the row label of a measure without product lines. */
  private measure = '';

  constructor(private readonly options: ConsoleReporterOptions) {}

  onRunStart(info: RunInfo): void {
    this.measure = info.measure;
    this.options.write(
      `measurecheck check: ${info.measure} ${info.year} (rule pack ${info.pack.id} v${info.pack.version}) against ${info.implementation}\n` +
        (info.replayPath !== undefined
          ? `replaying the case at seed ${info.seed}, path ${info.replayPath} (generator ${info.generator})\n\n`
          : `generator ${info.generator}, ${info.runs} cases${info.productLines.length === 0 ? '' : ' per product line'}, seed ${info.seed}\n\n`),
    );
  }

  onProductLineEnd(r: ProductLineResult): void {
    const distinct = r.findings.length + r.unreportedFindings;
    const status = r.stopped
      ? `stopped: the implementation failed repeatedly after ${r.cases} cases`
      : r.cutShort
        ? `cut short (${r.cutShort}) after ${r.cases} cases`
        : r.discrepantCases + r.failedCases === 0
          ? 'agree'
          : [
              r.discrepantCases > 0 ? `${r.discrepantCases} discrepant` : '',
              r.failedCases > 0 ? `${r.failedCases} failed to run` : '',
            ]
              .filter(Boolean)
              .join(', ') + ` (${distinct} distinct)`;
    this.options.write(
      `${(r.productLine ?? this.measure).padEnd(11)} ${String(r.cases).padStart(6)} cases  ${status}  ${(r.durationMs / 1000).toFixed(1)}s\n`,
    );
  }

  onRunEnd(result: CheckResult): void {
    const w = this.options.write;
    const failing = result.findingGroups.filter((g) => g.accepted === undefined);
    const accepted = result.findingGroups.filter((g) => g.accepted !== undefined);
    failing.forEach((g, i) => {
      w(`\n${this.formatGroup(g, `${i + 1} of ${failing.length}`, result)}\n`);
    });
    if (accepted.length > 0) {
      w(`\nAccepted differences (--accept; they do not fail the run):\n`);
      accepted.forEach((g, i) => {
        w(`\n${this.formatGroup(g, `${i + 1} of ${accepted.length}`, result)}\n`);
      });
    }
    for (const e of result.acceptsShownByMember ?? []) {
      w(
        `\nACCEPTED, shown by its member ${e.file}:${e.line}: ${e.measure} ${e.population} ${e.clause} ` +
          `(implementation ${directionText(e.implementation)}) was not among this run's cases; ` +
          'its minimal member still shows it.\n',
      );
    }
    for (const e of result.staleAccepts ?? []) {
      w(
        `\nSTALE accepted difference ${e.file}:${e.line}: ${e.measure} ${e.population} ${e.clause} ` +
          `(implementation ${directionText(e.implementation)}) matched no finding of this run` +
          (e.member !== undefined
            ? ', and its minimal member no longer shows it. Remove the entry if the difference is gone, or fix it to name the finding as reported.\n'
            : '. Remove the entry if the difference is gone, or fix it to name the finding as reported; ' +
              'if the difference is rare, add its minimal member (member:) so that a run that does not generate it replays the member instead.\n'),
      );
    }
    if (result.aborted) {
      w(
        `\nSTOPPED${onLine(result.aborted.productLine)}: ${result.aborted.message}\n` +
          (result.aborted.stderr && !result.aborted.message.includes(result.aborted.stderr.trim())
            ? `stderr:\n${indent(result.aborted.stderr, '  ')}\n`
            : ''),
      );
    }
    if (result.stopped) {
      w(
        `\nSTOPPED (${result.stopped.reason})${onLine(result.stopped.productLine)} after ` +
          `${(result.stopped.afterMs / 1000).toFixed(1)}s: ${result.stopped.message}; ` +
          'the counts and findings above are what was done until then.\n',
      );
    }
    if (this.options.coverage === true) {
      const lines = formatCoverage(result.productLines.flatMap((r) => r.coverage ?? []));
      w(`\nClause coverage (reference outcomes over the generated cases):\n`);
      for (const l of lines) w(`  ${l}\n`);
    }
    const total = result.productLines.reduce((n, r) => n + r.cases, 0);
    const perLine = result.productLines
      .filter((r) => r.productLine !== undefined)
      .map((r) => `${r.productLine ?? ''} ${r.cases}`)
      .join(', ');
    // A measure without product lines has no per-line counts to list.
    const lines = perLine === '' ? '' : ` (${perLine})`;
    const shownByMember = result.acceptsShownByMember?.length ?? 0;
    w('\n');
    if (result.exitCode === 0) {
      w(
        `OK: the implementation agrees with the reference on all ${total} cases${lines}` +
          (accepted.length > 0 ? ` but for ${accepted.length} accepted difference(s)` : '') +
          (shownByMember > 0
            ? `; ${shownByMember} more accepted difference(s) shown by their members`
            : '') +
          '.\n',
      );
    } else {
      const unreported = result.productLines.reduce((n, r) => n + r.unreportedFindings, 0);
      const more =
        unreported > 0
          ? `; ${unreported} more distinct finding(s) not shown (raise --max-findings)`
          : '';
      const stale = result.staleAccepts?.length ?? 0;
      const staleText = stale > 0 ? `; ${stale} stale accepted difference(s)` : '';
      w(
        `FAILED: ${failing.length} distinct finding(s) in ${total} cases${lines}${more}${staleText}. ` +
          `Exit ${result.exitCode}: ${
            result.exitCode === 1
              ? failing.some((g) => g.kind !== 'failure') || !result.staleAccepts
                ? 'discrepancies'
                : 'stale accepted differences'
              : result.aborted || result.productLines.some((r) => r.failedCases > 0)
                ? 'the implementation failed to run'
                : 'no verdict: the run stopped before it was done'
          }.\n`,
      );
    }
  }

  private formatGroup(g: FindingGroup, numbered: string, result: CheckResult): string {
    const f = g.findings[0];
    const out: string[] = [];
    const yesNo = (v: boolean | string | undefined) =>
      v === true ? 'yes' : v === false ? 'no' : (v ?? '(none)');
    const lines = g.productLines.filter((l) => l !== undefined);
    const where = [result.measure, String(result.year), lines.join(', ')].join(' ').trimEnd();
    if (f.inconsistency) {
      out.push(
        `INCONSISTENT ${numbered}: ${where}: the implementation gave different answers for the same member (flaky or stateful)`,
      );
      out.push(`  first:  ${describeGiven(f.inconsistency.first)}`);
      out.push(`  again:  ${describeGiven(f.inconsistency.second)}`);
      out.push(`  reference: ${describeGiven({ outcome: f.reference.outcome })}`);
    } else if (f.failure) {
      out.push(
        `FAILURE ${numbered}: ${where}: the implementation gave no valid answer (${f.failure.kind})`,
      );
      out.push(`  ${f.failure.message}`);
      if (f.failure.raw !== undefined) out.push(`  it printed: ${f.failure.raw.slice(0, 300)}`);
      if (f.failure.stderr) out.push('  stderr:', indent(f.failure.stderr.trimEnd(), '    '));
    } else if (f.difference) {
      const d = f.difference;
      out.push(
        `${g.accepted ? 'ACCEPTED' : 'DISCREPANCY'} ${numbered}: ${where}: ${d.population} differs`,
      );
      if (g.accepted) {
        out.push(`  accepted by ${g.accepted.file}:${g.accepted.line}: ${g.accepted.reason}`);
        out.push(`  link: ${g.accepted.link}`);
      }
      out.push(`  implementation: ${d.population} = ${yesNo(d.implementation)}`);
      out.push(
        `  reference:      ${d.population} = ${yesNo(d.reference)}   (decided by ${f.decidingClauses.join(', ') || '-'})`,
      );
      if (g.nearest) {
        const n = g.nearest;
        out.push(
          `  nearest: ${n.clause.id} came closest of ${n.branches} (${n.met} of ${n.of} conditions met); it lacked:`,
        );
        for (const l of n.lacking) out.push(`    ${l.id}: ${describeClause(l)}`);
      }
      if (f.matchesNeighbour) {
        out.push(`  ${describeNeighbourMatch(f.matchesNeighbour, result.year, f.productLine)}`);
      }
      out.push(...formatRules(g));
    }
    const perLine =
      g.findings.length > 1
        ? ` (${g.findings.map((x) => `${x.productLine ?? ''} ${x.occurrences}`).join(', ')})`
        : '';
    const from = g.findings.length > 1 && f.productLine !== undefined ? ` (${f.productLine})` : '';
    out.push(
      `  seen in ${g.occurrences} case(s)${perLine}; shrunk in ${f.shrinkSteps} step(s) to${from}:`,
    );
    out.push(...formatMember(f.member, `${result.year}-12-31`).map((l) => `    ${l}`));
    const population = f.difference?.population;
    const trace = population ? traceOf(f.reference, population) : undefined;
    if (trace) {
      out.push(`  reference explanation (${population ?? ''}):`);
      out.push(...renderClauseTree(trace, '    '));
    }
    for (const x of g.findings) out.push(`  replay: ${this.options.replayCommand(x)}`);
    return out.join('\n');
  }
}

/**
 * The clauses the verdict rests on, with their citations and the pack's assumptions, and whether
 * the verdict rests on an assumption: a user then knows to question the pack before their code.
 */
function formatRules(g: FindingGroup): string[] {
  if (g.rules.length === 0) return [];
  const out = ['  the reference rests on:'];
  for (const r of g.rules) {
    if (r.source !== undefined) out.push(`    ${r.id}: source ${r.source}`);
    if (r.assumption !== undefined) out.push(`    ${r.id}: assumption: ${r.assumption}`);
  }
  out.push(
    g.restsOnAssumption
      ? '  NOTE: this verdict rests on an assumption of the rule pack (above), not on a cited rule: check the assumption before changing your implementation.'
      : '  this verdict rests on cited rules (sources above), not on an assumption of the rule pack.',
  );
  return out;
}

function describeGiven(answer: GivenAnswer): string {
  if ('failure' in answer)
    return `no valid answer (${answer.failure.kind}): ${answer.failure.message}`;
  const o = answer.outcome;
  const numerator =
    typeof o.numerator === 'boolean' ? String(o.numerator) : JSON.stringify(o.numerator);
  return (
    `initialPopulation=${String(o.initialPopulation)} denominator=${String(o.denominator)} ` +
    `denominatorExclusion=${String(o.denominatorExclusion)} numerator=${numerator}` +
    (o.stratum !== undefined ? ` stratum=${o.stratum}` : '')
  );
}

/** Every line of `text` with `prefix` in front. */
export function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

/** ` on medicaid`; nothing for a measure without product lines. */
function onLine(productLine: string | undefined): string {
  return productLine !== undefined ? ` on ${productLine}` : '';
}
