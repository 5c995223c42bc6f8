import type { CheckResult, Finding } from '../harness/check.ts';
import { orThrow } from '../model/problem.ts';
import { writeReportFile } from './reportFile.ts';
import { formatMember } from './memberText.ts';
import type { Reporter } from './reporter.ts';

/**
 * JUnit XML for CI systems: one test suite per product line, one test case per distinct finding
 * (failed) or one passing case when the product line agrees.
 */
export class JUnitReporter implements Reporter {
  constructor(
    private readonly file: string,
    private readonly replayCommand: (finding: Finding) => string,
  ) {}

  onRunEnd(result: CheckResult): void {
    orThrow(writeReportFile(this.file, formatJUnit(result, this.replayCommand)));
  }
}

export function formatJUnit(result: CheckResult, replayCommand: (f: Finding) => string): string {
  const name = `${result.measure} ${result.year}`;
  const suites = result.productLines.map((r) => {
    const seconds = (r.durationMs / 1000).toFixed(3);
    const cases =
      r.findings.length === 0
        ? [
            `    <testcase classname="${xml(name)}" name="${xml(`${r.productLine}: ${r.cases} cases agree`)}" time="${seconds}"/>`,
          ]
        : r.findings.map((f) => {
            const title = f.inconsistency
              ? 'the implementation gave different answers for the same member'
              : f.difference
                ? `${f.difference.population} differs (${f.decidingClauses.join(', ')})`
                : `implementation failed: ${f.failure?.kind ?? '?'}`;
            const message = f.inconsistency
              ? `first ${JSON.stringify(f.inconsistency.first)}, then ${JSON.stringify(f.inconsistency.second)}`
              : f.difference
                ? `implementation ${String(f.difference.implementation)}, reference ${String(f.difference.reference)}`
                : (f.failure?.message ?? '');
            const body = [
              ...formatMember(f.member, `${result.year}-12-31`),
              ...(f.failure?.stderr ? ['stderr:', f.failure.stderr] : []),
              `seen in ${f.occurrences} case(s)`,
              `replay: ${replayCommand(f)}`,
            ].join('\n');
            return (
              `    <testcase classname="${xml(name)}" name="${xml(`${r.productLine}: ${title}`)}" time="${seconds}">\n` +
              `      <failure message="${xml(message)}" type="${f.kind}">${xml(body)}</failure>\n` +
              `    </testcase>`
            );
          });
    const failures = r.findings.filter((f) => f.kind !== 'failure').length;
    const errors = r.findings.filter((f) => f.kind === 'failure').length;
    return (
      `  <testsuite name="${xml(`${name} ${r.productLine}`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">\n` +
      `${cases.join('\n')}\n  </testsuite>`
    );
  });
  if (result.aborted) {
    suites.push(
      `  <testsuite name="${xml(`${name} ${result.aborted.productLine}`)}" tests="1" failures="0" errors="1">\n` +
        `    <testcase classname="${xml(name)}" name="implementation could not run">\n` +
        `      <error message="${xml(result.aborted.message)}">${xml(result.aborted.stderr ?? '')}</error>\n` +
        `    </testcase>\n  </testsuite>`,
    );
  }
  if (result.stopped) {
    suites.push(
      `  <testsuite name="${xml(`${name} ${result.stopped.productLine}`)}" tests="1" failures="0" errors="1">\n` +
        `    <testcase classname="${xml(name)}" name="run stopped (${result.stopped.reason})">\n` +
        `      <error message="${xml(result.stopped.message)}"></error>\n` +
        `    </testcase>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="measurecheck ${xml(name)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/**
 * What XML 1.0 cannot carry: C0 controls other than tab and newlines, U+FFFE, U+FFFF and
 * unpaired surrogates (a crashing program's stderr can hold any of them).
 */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an XML attribute or element. */
export function xml(s: string): string {
  // Characters XML 1.0 cannot carry at all (control characters from a crashing program's output)
  // become '?'.
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replace(XML_INVALID, '?');
}
