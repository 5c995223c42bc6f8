import type { CheckResult, Finding } from '../harness/check.ts';
import { orThrow } from '../model/problem.ts';
import { writeReportFile } from './reportFile.ts';
import { formatMember } from './memberText.ts';
import type { Reporter } from './reporter.ts';

/**
 * JUnit XML for CI systems: one test suite per product line, one test case per distinct finding
 * (failed; a root cause seen on several product lines is one case, in the suite of the first line,
 * named after all of them; an accepted one passes with its reason), or one passing case when the
 * product line agrees. Stale accepted differences fail in a suite of their own.
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
    // A root cause seen on several product lines is one test case, in the suite of the first.
    const groups = result.findingGroups.filter((g) => g.findings[0].productLine === r.productLine);
    const findingCases = groups.map((g) => {
      const f = g.findings[0];
      const lines = g.productLines.filter((l) => l !== undefined).join(', ');
      const title = f.inconsistency
        ? 'the implementation gave different answers for the same member'
        : f.difference
          ? `${g.accepted ? 'accepted: ' : ''}${f.difference.population} differs (${f.decidingClauses.join(', ')})`
          : `implementation failed: ${f.failure?.kind ?? '?'}`;
      const message = f.inconsistency
        ? `first ${JSON.stringify(f.inconsistency.first)}, then ${JSON.stringify(f.inconsistency.second)}`
        : f.difference
          ? `implementation ${String(f.difference.implementation)}, reference ${String(f.difference.reference)}`
          : (f.failure?.message ?? '');
      const body = [
        ...(g.accepted
          ? [
              `accepted by ${g.accepted.file}:${g.accepted.line}: ${g.accepted.reason}`,
              `link: ${g.accepted.link}`,
            ]
          : []),
        ...(g.nearest
          ? [
              `nearest: ${g.nearest.clause.id} (${g.nearest.met} of ${g.nearest.of} conditions met); lacked ${g.nearest.lacking.map((c) => c.id).join(', ')}`,
            ]
          : []),
        ...g.rules.flatMap((rule) => [
          ...(rule.source !== undefined ? [`${rule.id}: source ${rule.source}`] : []),
          ...(rule.assumption !== undefined ? [`${rule.id}: assumption: ${rule.assumption}`] : []),
        ]),
        ...(g.restsOnAssumption
          ? ['NOTE: this verdict rests on an assumption of the rule pack, not on a cited rule']
          : []),
        ...formatMember(f.member, `${result.year}-12-31`),
        ...(f.failure?.stderr ? ['stderr:', f.failure.stderr] : []),
        `seen in ${g.occurrences} case(s)${g.findings.length > 1 ? ` on ${lines}` : ''}`,
        ...g.findings.map((x) => `replay: ${replayCommand(x)}`),
      ].join('\n');
      const caseName = xml(lines !== '' ? `${lines}: ${title}` : title);
      return g.accepted
        ? `    <testcase classname="${xml(name)}" name="${caseName}" time="${seconds}">\n` +
            `      <system-out>${xml(body)}</system-out>\n` +
            `    </testcase>`
        : `    <testcase classname="${xml(name)}" name="${caseName}" time="${seconds}">\n` +
            `      <failure message="${xml(message)}" type="${f.kind}">${xml(body)}</failure>\n` +
            `    </testcase>`;
    });
    const cases = [
      ...(r.findings.length === 0 && complete
        ? [
            `    <testcase classname="${xml(name)}" name="${xml(onLine(r.productLine, `${r.cases} cases agree`))}" time="${seconds}"/>`,
          ]
        : findingCases),
      ...ended.map(errorCase),
    ];
    const failing = groups.filter((g) => g.accepted === undefined);
    const failures = failing.filter((g) => g.kind !== 'failure').length;
    const errors = failing.filter((g) => g.kind === 'failure').length + ended.length;
    return suite(r.productLine, cases, `failures="${failures}" errors="${errors}"`, seconds);
  });
  const stale = result.staleAccepts ?? [];
  const shown = result.acceptsShownByMember ?? [];
  if (stale.length + shown.length > 0) {
    suites.push(
      suite(
        'accepted differences',
        [
          ...shown.map(
            (e) =>
              `    <testcase classname="${xml(name)}" name="${xml(`accepted, shown by its member: ${e.file}:${e.line} ${e.measure} ${e.population} ${e.clause}`)}">\n` +
              `      <system-out>${xml(`${e.reason}\nlink: ${e.link}`)}</system-out>\n` +
              `    </testcase>`,
          ),
          ...stale.map(
            (e) =>
              `    <testcase classname="${xml(name)}" name="${xml(`stale: ${e.file}:${e.line} ${e.measure} ${e.population} ${e.clause}`)}">\n` +
              `      <failure message="${xml('the accepted difference matched no finding of this run: remove or fix the entry')}" type="stale-accept">${xml(`${e.reason}\nlink: ${e.link}`)}</failure>\n` +
              `    </testcase>`,
          ),
        ],
        `failures="${stale.length}" errors="0"`,
      ),
    );
  }
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
