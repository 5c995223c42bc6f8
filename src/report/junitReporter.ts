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
  // The error that ended the run belongs to the product line it happened on.
  const endings = [
    ...(result.aborted
      ? [
          {
            productLine: result.aborted.productLine,
            title: 'implementation could not run',
            message: result.aborted.message,
            body: result.aborted.stderr ?? '',
          },
        ]
      : []),
    ...(result.stopped
      ? [
          {
            productLine: result.stopped.productLine,
            title: `run stopped (${result.stopped.reason})`,
            message: result.stopped.message,
            body: '',
          },
        ]
      : []),
  ];
  const errorCase = (e: (typeof endings)[number]): string =>
    `    <testcase classname="${xml(name)}" name="${xml(onLine(e.productLine, e.title))}">\n` +
    `      <error message="${xml(e.message)}">${xml(e.body)}</error>\n` +
    `    </testcase>`;
  const suite = (
    line: string | undefined,
    cases: readonly string[],
    counts: string,
    seconds?: string,
  ) =>
    `  <testsuite name="${xml(line !== undefined ? `${name} ${line}` : name)}" tests="${cases.length}" ${counts}${seconds === undefined ? '' : ` time="${seconds}"`}>\n` +
    `${cases.join('\n')}\n  </testsuite>`;

  const suites = result.productLines.map((r) => {
    const seconds = (r.durationMs / 1000).toFixed(3);
    const ended = endings.filter((e) => e.productLine === r.productLine);
    // A product line cut short never "agrees": it has no verdict.
    const complete = ended.length === 0 && r.stopped !== true && r.cutShort === undefined;
    const findingCases = r.findings.map((f) => {
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
        `    <testcase classname="${xml(name)}" name="${xml(onLine(r.productLine, title))}" time="${seconds}">\n` +
        `      <failure message="${xml(message)}" type="${f.kind}">${xml(body)}</failure>\n` +
        `    </testcase>`
      );
    });
    const cases = [
      ...(findingCases.length === 0 && complete
        ? [
            `    <testcase classname="${xml(name)}" name="${xml(onLine(r.productLine, `${r.cases} cases agree`))}" time="${seconds}"/>`,
          ]
        : findingCases),
      ...ended.map(errorCase),
    ];
    const failures = r.findings.filter((f) => f.kind !== 'failure').length;
    const errors = r.findings.filter((f) => f.kind === 'failure').length + ended.length;
    return suite(r.productLine, cases, `failures="${failures}" errors="${errors}"`, seconds);
  });
  const reached = new Set<string | undefined>(result.productLines.map((r) => r.productLine));
  // An ending on a product line with no result yet (it failed before its first case).
  for (const e of endings) {
    if (!reached.has(e.productLine)) {
      reached.add(e.productLine);
      suites.push(suite(e.productLine, [errorCase(e)], 'failures="0" errors="1"'));
    }
  }
  for (const line of result.requestedProductLines) {
    if (reached.has(line)) continue;
    suites.push(
      suite(
        line,
        [
          `    <testcase classname="${xml(name)}" name="${xml(onLine(line, 'not checked'))}">\n` +
            `      <skipped message="the run stopped before this product line"/>\n` +
            `    </testcase>`,
        ],
        'failures="0" errors="0" skipped="1"',
      ),
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="measurecheck ${xml(name)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** `medicaid: text`; just the text for a measure without product lines. */
function onLine(line: string | undefined, text: string): string {
  return line !== undefined ? `${line}: ${text}` : text;
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
