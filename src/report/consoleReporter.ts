import { renderClauseTree } from '../engine/explain.ts';
import type { CheckResult, Finding, GivenAnswer, ProductLineResult } from '../harness/check.ts';
import { traceOf } from '../harness/check.ts';
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
    const findings = result.productLines.flatMap((r) => r.findings);
    findings.forEach((f, i) => {
      w(`\n${this.formatFinding(f, i + 1, findings.length, result)}\n`);
    });
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
    w('\n');
    if (result.exitCode === 0) {
      w(`OK: the implementation agrees with the reference on all ${total} cases${lines}.\n`);
    } else {
      const unreported = result.productLines.reduce((n, r) => n + r.unreportedFindings, 0);
      const more =
        unreported > 0
          ? `; ${unreported} more distinct finding(s) not shown (raise --max-findings)`
          : '';
      w(
        `FAILED: ${findings.length} distinct finding(s) in ${total} cases${lines}${more}. ` +
          `Exit ${result.exitCode}: ${
            result.exitCode === 1
              ? 'discrepancies'
              : result.aborted || result.productLines.some((r) => r.failedCases > 0)
                ? 'the implementation failed to run'
                : 'no verdict: the run stopped before it was done'
          }.\n`,
      );
    }
  }

  private formatFinding(f: Finding, n: number, of: number, result: CheckResult): string {
    const out: string[] = [];
    const yesNo = (v: boolean | string | undefined) =>
      v === true ? 'yes' : v === false ? 'no' : (v ?? '(none)');
    const where = [result.measure, String(result.year), f.productLine ?? ''].join(' ').trimEnd();
    if (f.inconsistency) {
      out.push(
        `INCONSISTENT ${n} of ${of}: ${where}: the implementation gave different answers for the same member (flaky or stateful)`,
      );
      out.push(`  first:  ${describeGiven(f.inconsistency.first)}`);
      out.push(`  again:  ${describeGiven(f.inconsistency.second)}`);
      out.push(`  reference: ${describeGiven({ outcome: f.reference.outcome })}`);
    } else if (f.failure) {
      out.push(
        `FAILURE ${n} of ${of}: ${where}: the implementation gave no valid answer (${f.failure.kind})`,
      );
      out.push(`  ${f.failure.message}`);
      if (f.failure.raw !== undefined) out.push(`  it printed: ${f.failure.raw.slice(0, 300)}`);
      if (f.failure.stderr) out.push('  stderr:', indent(f.failure.stderr.trimEnd(), '    '));
    } else if (f.difference) {
      const d = f.difference;
      out.push(`DISCREPANCY ${n} of ${of}: ${where}: ${d.population} differs`);
      out.push(`  implementation: ${d.population} = ${yesNo(d.implementation)}`);
      out.push(
        `  reference:      ${d.population} = ${yesNo(d.reference)}   (decided by ${f.decidingClauses.join(', ') || '-'})`,
      );
      if (f.matchesNeighbour) {
        out.push(`  ${describeNeighbourMatch(f.matchesNeighbour, result.year, f.productLine)}`);
      }
    }
    out.push(`  seen in ${f.occurrences} case(s); shrunk in ${f.shrinkSteps} step(s) to:`);
    out.push(...formatMember(f.member, `${result.year}-12-31`).map((l) => `    ${l}`));
    const population = f.difference?.population;
    const trace = population ? traceOf(f.reference, population) : undefined;
    if (trace) {
      out.push(`  reference explanation (${population ?? ''}):`);
      out.push(...renderClauseTree(trace, '    '));
    }
    out.push(`  replay: ${this.options.replayCommand(f)}`);
    return out.join('\n');
  }
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
