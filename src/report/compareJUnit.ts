import type { CompareGroup, CompareResult } from '../harness/compareDeck/index.ts';
import { formatProblem } from '../model/problem.ts';
import { formatDifference, formatOutcomeFlags, groupTitle, n } from './compareText.ts';
import { xml } from './junitReporter.ts';

/**
 * JUnit XML for `compare`: one test suite per measure, year and product line; one test case per
 * population (failed when any member disagrees on it, first as `compareOutcomes` orders them, and
 * the disagreement is not accepted by `--accept`), a passing case per accepted difference with its
 * reason, one for missing results and one for implementation failures when there are any, and a
 * failing case per stale accepted difference.
 */
export function formatCompareJUnit(r: CompareResult): string {
  const suites = r.groups.map((g) => suite(g));
  if (r.unmatchedResults > 0) {
    const body = r.unmatchedResultExamples
      .map((u) => `${u.memberId} (${u.origin.file}:${String(u.origin.line)})`)
      .join('\n');
    suites.push(
      `  <testsuite name="results file" tests="1" failures="1" errors="0">\n` +
        `    <testcase classname="measurecheck compare" name="result rows for members not in the deck">\n` +
        `      <failure message="${xml(`${n(r.unmatchedResults)} result rows for members the deck does not have`)}">${xml(body)}</failure>\n` +
        `    </testcase>\n  </testsuite>`,
    );
  }
  const stale = r.staleAccepts ?? [];
  if (stale.length > 0) {
    suites.push(
      `  <testsuite name="accepted differences" tests="${String(stale.length)}" failures="${String(stale.length)}" errors="0">\n` +
        stale
          .map(
            (e) =>
              `    <testcase classname="measurecheck compare" name="${xml(`stale: ${e.file}:${String(e.line)} ${e.measure} ${e.population} ${e.clause}`)}">\n` +
              `      <failure message="${xml('the accepted difference matched no discrepancy of this compare: remove or fix the entry')}" type="stale-accept">${xml(`${e.reason}\nlink: ${e.link}`)}</failure>\n` +
              `    </testcase>`,
          )
          .join('\n') +
        `\n  </testsuite>`,
    );
  }
  const problems = r.inputError ?? [];
  if (problems.length > 0 || r.aborted) {
    const message = r.aborted ? r.aborted.message : 'bad input';
    const body = r.aborted ? (r.aborted.stderr ?? '') : problems.map(formatProblem).join('\n');
    suites.push(
      `  <testsuite name="run" tests="1" failures="0" errors="1">\n` +
        `    <testcase classname="measurecheck compare" name="${xml(r.aborted ? 'implementation could not run' : 'the input can be read')}">\n` +
        `      <error message="${xml(message)}">${xml(body)}</error>\n` +
        `    </testcase>\n  </testsuite>`,
    );
  }
  if (r.interrupted === true) {
    suites.push(
      `  <testsuite name="run" tests="1" failures="0" errors="1">\n` +
        `    <testcase classname="measurecheck compare" name="the compare ran to the end">\n` +
        `      <error message="interrupted: stopped by a signal after ${n(r.deckMembers)} deck members; no verdict"></error>\n` +
        `    </testcase>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="measurecheck compare ${xml(r.deck)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function suite(g: CompareGroup): string {
  const name = groupTitle(g);
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const p of g.populations) {
    const onPopulation = g.discrepancies.filter((d) =>
      p.population === 'numerator' ? d.population === 'numerator' : d.population === p.population,
    );
    // Accepted discrepancies (--accept) pass, with their reason; the others fail the case.
    const wrong = onPopulation.filter((d) => d.accepted === undefined);
    const accepted = onPopulation.filter((d) => d.accepted !== undefined);
    const count = wrong.reduce((x, d) => x + d.count, 0);
    const title = `${p.population}: ${n(g.members)} members`;
    for (const d of accepted) {
      cases.push(
        `    <testcase classname="${xml(name)}" name="${xml(`${p.population}: ${n(d.count)} accepted difference(s) decided by ${d.decidingClauses.join(', ') || '-'}`)}">\n` +
          `      <system-out>${xml(`accepted by ${d.accepted?.file ?? ''}:${String(d.accepted?.line ?? '')}: ${d.accepted?.reason ?? ''}\nlink: ${d.accepted?.link ?? ''}`)}</system-out>\n` +
          `    </testcase>`,
      );
    }
    if (count === 0) {
      cases.push(`    <testcase classname="${xml(name)}" name="${xml(title)}"/>`);
      continue;
    }
    failures += 1;
    const examples = g.examples.filter((e) => e.difference.population === p.population);
    const body = [
      ...wrong.map((d) => `${n(d.count)} decided by ${d.decidingClauses.join(', ') || '-'}`),
      '',
      ...examples.flatMap((e) => [
        `${e.memberId} (${e.origin.file}:${String(e.origin.line)}): ${formatDifference(e.difference)}`,
        `  expected:       ${formatOutcomeFlags(e.expected)}`,
        `  implementation: ${formatOutcomeFlags(e.implementation)}`,
        ...e.explanation.slice(0, 25).map((l) => `  ${l}`),
      ]),
    ].join('\n');
    cases.push(
      `    <testcase classname="${xml(name)}" name="${xml(title)}">\n` +
        `      <failure message="${xml(`${n(count)} member(s) differ first on ${p.population}`)}" type="discrepancy">${xml(body)}</failure>\n` +
        `    </testcase>`,
    );
  }
  if (g.strata.disagree > 0 || g.discrepancies.some((d) => d.population === 'stratum')) {
    failures += 1;
    const count = g.discrepancies
      .filter((d) => d.population === 'stratum')
      .reduce((x, d) => x + d.count, 0);
    cases.push(
      `    <testcase classname="${xml(name)}" name="stratum">\n` +
        `      <failure message="${xml(`${n(count)} member(s) differ on the stratum`)}" type="discrepancy"/>\n` +
        `    </testcase>`,
    );
  }
  if (g.missing > 0) {
    failures += 1;
    cases.push(
      `    <testcase classname="${xml(name)}" name="every deck member has a result">\n` +
        `      <failure message="${xml(`${n(g.missing)} deck member(s) have no row in the results file`)}" type="missing">${xml(g.missingExamples.map((m) => `${m.memberId} (${m.origin.file}:${String(m.origin.line)})`).join('\n'))}</failure>\n` +
        `    </testcase>`,
    );
  }
  if (g.failed > 0) {
    errors += 1;
    cases.push(
      `    <testcase classname="${xml(name)}" name="the implementation answers every member">\n` +
        `      <error message="${xml(`no valid answer for ${n(g.failed)} member(s)`)}">${xml(g.failedExamples.map((f) => `${f.memberId}: ${f.failure.kind}: ${f.failure.message}${f.failure.stderr ? `\n${f.failure.stderr}` : ''}`).join('\n'))}</error>\n` +
        `    </testcase>`,
    );
  }
  return (
    `  <testsuite name="${xml(name)}" tests="${String(cases.length)}" failures="${String(failures)}" errors="${String(errors)}">\n` +
    `${cases.join('\n')}\n  </testsuite>`
  );
}
