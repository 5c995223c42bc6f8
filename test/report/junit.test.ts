// A crashing implementation's stderr ends up in the JUnit report; whatever it printed, the report
// must stay XML a CI server can read.
import { describe, expect, it } from 'vitest';
import { groupFindings } from '../../src/harness/findingGroups.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { CheckResult, Finding } from '../../src/harness/check.ts';
import type { Member } from '../../src/model/member.ts';
import type { Request } from '../../src/model/request.ts';
import { formatJUnit } from '../../src/report/junitReporter.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';
import { attribute, elementsNamed, parseXml } from '../support/xmlTree.ts';

const { measure } = shippedPackAndMeasure(2025, 'COL-E');
const request: Request = { measure: 'COL-E', year: 2025, productLine: 'commercial' };
const member: Member = {
  id: 'M1',
  birthDate: '1965-03-01',
  sex: 'F',
  enrollments: [
    {
      start: '2024-01-01',
      end: '2025-12-31',
      productLine: 'commercial',
      medical: true,
      pharmacy: true,
    },
  ],
  statuses: [],
  claims: [],
  dispensings: [],
  observations: [],
};

/** What a Python traceback with colours and a stray NUL looks like on stderr. */
const STDERR =
  'Traceback (most recent call last):\n' +
  '  File "impl.py", line 12, in <module>\n' +
  `KeyError: 'claims' & "enrollments" < 3\n` +
  '\u001b[31mfatal\u001b[0m\u0000\u0007\u0008\u000b\u000c\u001f\tdone\n';
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const C0_CONTROLS_XML_FORBIDS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

function crashFinding(stderr: string, message: string): Finding {
  return {
    productLine: 'commercial',
    kind: 'failure',
    key: 'failure:crash',
    failure: { kind: 'crash', message, stderr },
    decidingClauses: [],
    occurrences: 1,
    seed: 11,
    path: '3:1:0',
    shrinkSteps: 2,
    member,
    request,
    reference: evaluateMeasure(measure, request, member),
  };
}

function resultWith(findings: readonly Finding[], abortedStderr?: string): CheckResult {
  return {
    measure: 'COL-E',
    year: 2025,
    pack: { id: 'hedis-2025', version: '1.0.0' },
    implementation: 'python3 impl.py',
    generator: 'rule-aware',
    seed: 11,
    runs: 300,
    findingGroups: groupFindings(findings),
    productLines: [
      {
        productLine: 'commercial',
        cases: 300,
        discrepantCases: 0,
        failedCases: findings.length,
        findings,
        unreportedFindings: 0,
        durationMs: 1234,
      },
    ],
    requestedProductLines: ['commercial', 'medicaid', 'medicare'],
    ...(abortedStderr !== undefined
      ? {
          aborted: {
            productLine: 'medicaid',
            message: 'the implementation failed 6 times in a row <exit 1> & "gave up"',
            stderr: abortedStderr,
          },
        }
      : {}),
    exitCode: 3,
  };
}

const replay = (f: Finding) =>
  `npx measurecheck check --impl 'python3 impl.py' --product-line ${f.productLine} --seed ${f.seed} --path ${f.path}`;

describe('formatJUnit', () => {
  const xml = formatJUnit(
    resultWith([crashFinding(STDERR, 'process exited with code 1 <SIGABRT> & "core"')], STDERR),
    replay,
  );

  it('writes well-formed XML whatever the implementation printed on stderr', () => {
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(elementsNamed(root, 'failure').length).toBe(1);
    expect(elementsNamed(root, 'error').length).toBe(1);
  });

  it('escapes <, >, & and double quotes in text and attributes', () => {
    expect(xml).toContain('in &lt;module&gt;');
    expect(xml).toContain(`KeyError: 'claims' &amp; &quot;enrollments&quot; &lt; 3`);
    expect(xml).toContain(
      'message="process exited with code 1 &lt;SIGABRT&gt; &amp; &quot;core&quot;"',
    );
    expect(xml).not.toMatch(/&(?!(?:lt|gt|amp|quot|apos);)/);

    const root = parseXml(xml);
    const failure = elementsNamed(root, 'failure')[0];
    if (!failure) throw new Error('no <failure>');
    expect(attribute(failure, 'message')).toBe('process exited with code 1 <SIGABRT> & "core"');
    expect(failure.text).toContain('  File "impl.py", line 12, in <module>\n');
    expect(failure.text).toContain(`KeyError: 'claims' & "enrollments" < 3\n`);
    expect(failure.text).toContain("--impl 'python3 impl.py' --product-line commercial");
    const error = elementsNamed(root, 'error')[0];
    if (!error) throw new Error('no <error>');
    expect(attribute(error, 'message')).toBe(
      'the implementation failed 6 times in a row <exit 1> & "gave up"',
    );
    expect(error.text).toContain(`KeyError: 'claims' & "enrollments" < 3\n`);
  });

  it('replaces the control characters XML 1.0 cannot carry, and keeps tabs and newlines', () => {
    expect(xml).not.toMatch(C0_CONTROLS_XML_FORBIDS);
    // Not as character references either: &#x1B; is just as forbidden in XML 1.0.
    expect(xml).not.toMatch(
      /&#(?:x0*(?:[0-8bBcC]|1[0-9a-fA-F])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]));/,
    );

    const root = parseXml(xml);
    for (const element of [...elementsNamed(root, 'failure'), ...elementsNamed(root, 'error')]) {
      expect(element.text).toMatch(/\[31mfatal.\[0m.{6}\tdone\n/);
      expect(element.text).toContain('Traceback (most recent call last):\n');
    }
  });

  it('replaces the other characters XML 1.0 cannot carry (U+FFFE, U+FFFF, a lone surrogate)', () => {
    const stderr = 'bad bytes: \uFFFE \uFFFF \uD800 end';
    const out = formatJUnit(resultWith([crashFinding(stderr, 'threw \uDC00')], stderr), replay);
    expect(() => parseXml(out)).not.toThrow();
    const failure = elementsNamed(parseXml(out), 'failure')[0];
    expect(failure?.text).toMatch(/bad bytes: . . . end/);
  });
});

describe('formatJUnit when the implementation could not run', () => {
  // What `check --product-line all` reports when the implementation dies on the first product line.
  const stoppedEarly: CheckResult = {
    ...resultWith([]),
    productLines: [
      {
        productLine: 'commercial',
        cases: 0,
        discrepantCases: 0,
        failedCases: 0,
        findings: [],
        unreportedFindings: 0,
        durationMs: 6262,
        stopped: true,
      },
    ],
    aborted: {
      productLine: 'commercial',
      message: 'the implementation failed 6 times in a row',
      stderr: 'ModuleNotFoundError',
    },
  };
  const doc = parseXml(formatJUnit(stoppedEarly, replay));
  const cases = elementsNamed(doc, 'testcase');

  it('has no passing "0 cases agree" case for a product line that never reached a verdict', () => {
    expect(cases.map((c) => attribute(c, 'name'))).not.toContain('commercial: 0 cases agree');
    expect(cases.map((c) => attribute(c, 'name'))).toContain(
      'commercial: implementation could not run',
    );
  });

  it('puts the error in the suite of its product line, once', () => {
    const suites = elementsNamed(doc, 'testsuite');
    expect(suites.map((s) => attribute(s, 'name'))).toEqual([
      'COL-E 2025 commercial',
      'COL-E 2025 medicaid',
      'COL-E 2025 medicare',
    ]);
    const [commercial] = suites;
    if (!commercial) throw new Error('no test suite');
    expect(attribute(commercial, 'errors')).toBe('1');
  });

  it('lists the product lines the run never reached as skipped, not as missing', () => {
    const skipped = elementsNamed(doc, 'skipped');
    expect(skipped).toHaveLength(2);
    expect(cases.map((c) => attribute(c, 'name'))).toEqual(
      expect.arrayContaining(['medicaid: not checked', 'medicare: not checked']),
    );
  });
});
