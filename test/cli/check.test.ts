// `measurecheck check` as CI runs it: a real child process, judged by its exit code, what it prints
// and the files it writes.
import { DEFAULT_RUNS } from '../../src/cli/checkCommand.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { splitShellWords } from '../../src/adapters/shellWords.ts';
import { memberSchema } from '../../src/model/member.ts';
import { outcomeSchema } from '../../src/model/outcome.ts';
import { runCli } from '../support/runCli.ts';
import type { CliRun } from '../support/runCli.ts';
import { attribute, elementsNamed, parseXml } from '../support/xmlTree.ts';

const COLONOSCOPY_WINDOW =
  'fixtures/implementations/col-e-wrong-colonoscopy-window-off-by-one-year.ts';
const ISNP = 'fixtures/implementations/col-e-wrong-isnp-all-product-lines.ts';
const FAST = ['--runs', '300', '--seed', '11'];

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-check-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** The lines of each printed counterexample member (between "shrunk ... to:" and the explanation). */
function printedMembers(stdout: string): string[] {
  return [...stdout.matchAll(/shrunk in \d+ step\(s\) to(?: \(\w+\))?:\n((?: {4}.*\n)+)/g)].map(
    (m) => m[1] ?? '',
  );
}

/** The arguments of a printed `replay:` line, without its `npx measurecheck` prefix. */
function replayArguments(line: string): string[] {
  const words = splitShellWords(line.replace(/^\s*replay:\s*/, ''));
  if (!words.ok) throw new Error(`the replay line does not parse: ${line}`);
  expect(words.value.slice(0, 2)).toEqual(['npx', 'measurecheck']);
  return words.value.slice(2);
}

/** A usage or start-up error: a message, and no JavaScript stack trace anywhere. */
function expectCleanError(run: CliRun, message: string | RegExp): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output).toMatch(message);
  expect(output, 'no stack trace').not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(output).not.toMatch(/node:internal|Error: .*\n\s+at /);
}

describe('measurecheck check', () => {
  it('reports a wrong implementation with exit 1, the minimal member, the reason and a replay line that replays it', async () => {
    // Seed 5: with 300 cases per line, its commercial draw holds a member the bug decides.
    const run = await runCli([
      'check',
      '--impl',
      COLONOSCOPY_WINDOW,
      '--runs',
      '300',
      '--seed',
      '5',
    ]);

    expect(run.code, run.stderr).toBe(1);
    // The bug does not depend on the product line: one finding names every line it shows on.
    expect(run.stdout).toMatch(
      /DISCREPANCY 1 of \d+: COL-E 2025 commercial(?:, medicaid)?(?:, medicare)?: numerator differs/,
    );
    expect(run.stdout).toContain('implementation: numerator = no');
    expect(run.stdout).toMatch(/reference: +numerator = yes +\(decided by col-e-colonoscopy\)/);
    const members = printedMembers(run.stdout);
    expect(members[0]).toMatch(/member M1: sex ., born \d{4}-\d\d-\d\d, age \d+ on 2025-12-31/);
    expect(members[0]).toContain('claim C1 2016-01-01 outpatient: CPT 45378');
    expect(run.stdout).toContain('reference explanation (numerator):');
    expect(run.stdout).toMatch(
      /✓ col-e-colonoscopy: claim C1 2016-01-01 .*2016-01-01\.\.2025-12-31/,
    );
    const replayLines = run.stdout.split('\n').filter((l) => l.trim().startsWith('replay:'));
    // One replay line per product line of each finding: at least one per printed member.
    expect(replayLines.length).toBeGreaterThanOrEqual(members.length);

    const replayLine = replayLines[0] ?? '';
    expect(replayLine).toMatch(/--product-line commercial --seed 5 --path \S+/);
    const replay = await runCli(replayArguments(replayLine));
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toMatch(/COL-E 2025 commercial: numerator differs/);
    expect(printedMembers(replay.stdout)).toEqual([members[0]]);
    // Replaying prints the same replay line, so a replay can itself be replayed.
    expect(replay.stdout).toContain(replayLine.trim());
  });

  it('passes the correct Python implementation on every product line with exit 0 and says how many cases ran', async () => {
    const run = await runCli([
      'check',
      '--impl',
      'python3 fixtures/implementations/col-e-correct.py',
      '--product-line',
      'all',
      ...FAST,
    ]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const line of ['commercial', 'medicaid', 'medicare']) {
      expect(run.stdout).toMatch(new RegExp(`^${line} +300 cases +agree`, 'm'));
    }
    expect(run.stdout).toContain(
      'OK: the implementation agrees with the reference on all 900 cases (commercial 300, medicaid 300, medicare 300).',
    );
  });

  describe('--json and --junit', () => {
    const jsonFile = join(scratch, 'result.json');
    const junitFile = join(scratch, 'result.xml');
    let run: CliRun | undefined;
    const written = async (): Promise<CliRun> => {
      run ??= await runCli([
        'check',
        '--impl',
        ISNP,
        // The default budget: the claim is that these files list what the run finds.
        '--seed',
        '11',
        '--json',
        jsonFile,
        '--junit',
        junitFile,
      ]);
      return run;
    };

    const findingSchema = z.object({
      productLine: z.enum(['commercial', 'medicaid', 'medicare']),
      kind: z.literal('discrepancy'),
      difference: z.object({ population: z.string() }),
      seed: z.literal(11),
      path: z.string().regex(/^\d+(:\d+)*$/),
      member: memberSchema,
      reference: z.object({
        outcome: outcomeSchema,
        trace: z.object({
          measure: z.literal('COL-E'),
          initialPopulation: z.object({ id: z.string(), result: z.boolean() }),
          denominatorExclusion: z.object({ id: z.string(), result: z.boolean() }),
        }),
      }),
    });
    const resultSchema = z.object({
      format: z.literal('measurecheck-check/1'),
      measure: z.literal('COL-E'),
      year: z.literal(2025),
      seed: z.literal(11),
      exitCode: z.literal(1),
      productLines: z.array(
        z.object({ productLine: z.string(), cases: z.number(), findings: z.array(findingSchema) }),
      ),
      findingGroups: z.array(
        z.object({
          productLines: z.array(z.string()).min(1),
          findings: z.array(z.object({ productLine: z.string(), path: z.string() })).min(1),
        }),
      ),
    });
    const readJson = () => resultSchema.parse(JSON.parse(readFileSync(jsonFile, 'utf8')));

    it('writes the findings as JSON, each with its member, reference trace, seed and path', async () => {
      expect((await written()).code).toBe(1);
      const result = readJson();

      const findings = result.productLines.flatMap((r) => r.findings);
      expect(findings.map((f) => [f.productLine, f.difference.population])).toEqual([
        ['commercial', 'denominatorExclusion'],
        ['medicaid', 'denominatorExclusion'],
      ]);
      for (const f of findings) {
        expect(f.member.statuses.map((s) => s.kind)).toContain('isnp');
        expect(f.reference.trace.denominatorExclusion.result).toBe(false);
      }
      expect(result.productLines.map((r) => [r.productLine, r.cases])).toEqual([
        ['commercial', DEFAULT_RUNS],
        ['medicaid', DEFAULT_RUNS],
        ['medicare', DEFAULT_RUNS],
      ]);
    });

    it('writes well-formed JUnit XML with one failing test case per root cause', async () => {
      expect((await written()).code).toBe(1);
      const groups = readJson().findingGroups;

      const root = parseXml(readFileSync(junitFile, 'utf8'));
      expect(root.name).toBe('testsuites');
      const suites = elementsNamed(root, 'testsuite');
      expect(suites.map((s) => attribute(s, 'name'))).toEqual([
        'COL-E 2025 commercial',
        'COL-E 2025 medicaid',
        'COL-E 2025 medicare',
      ]);
      for (const suite of suites) {
        const cases = elementsNamed(suite, 'testcase');
        const failing = cases.filter((c) => elementsNamed(c, 'failure').length > 0);
        expect(Number(attribute(suite, 'tests'))).toBe(cases.length);
        expect(Number(attribute(suite, 'failures'))).toBe(failing.length);
        expect(Number(attribute(suite, 'errors'))).toBe(0);
      }
      const failures = elementsNamed(root, 'failure');
      expect(failures.length).toBe(groups.length);
      expect(elementsNamed(root, 'error')).toEqual([]);
      groups.forEach((g, i) => {
        const text = failures[i]?.text ?? '';
        // Every product line of the root cause can be replayed from its one test case.
        for (const f of g.findings) {
          expect(text).toContain(`--product-line ${f.productLine} --seed 11 --path ${f.path}`);
        }
        expect(text).toMatch(/status isnp /);
      });
    });
  });

  describe('usage errors exit 2 with a clear message and no stack trace', () => {
    it.each([
      ['an unknown measure', ['--measure', 'XYZ'], /measure XYZ is not in hedis-2025/],
      ['a year with no rule pack', ['--year', '1999'], /no shipped rule pack for 1999/],
      [
        'an unknown product line',
        ['--product-line', 'dental'],
        /'dental' is invalid.*commercial, medicaid, medicare/,
      ],
      [
        '--path without --seed',
        ['--product-line', 'commercial', '--path', '48:1:0'],
        /--path replays one case and needs --seed/,
      ],
    ])('%s', async (_what, args, message) => {
      const run = await runCli([
        'check',
        '--impl',
        'fixtures/implementations/col-e-correct.ts',
        '--runs',
        '300',
        ...args,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expectCleanError(run, message);
    });
  });

  describe('an implementation that cannot run exits 3', () => {
    it('a command that does not exist', async () => {
      const run = await runCli(['check', '--impl', 'no-such-command-xyz', ...FAST]);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expectCleanError(run, /no-such-command-xyz was not found/);
    });

    it('a program that crashes on start-up, with its stderr shown', async () => {
      const run = await runCli([
        'check',
        '--impl',
        'python3 fixtures/implementations/misbehaving/always-crashes.py',
        ...FAST,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expectCleanError(run, /ModuleNotFoundError: No module named 'measure_engine'/);
    });

    // No misbehaving fixture fails on generated members: they misbehave only for fixed member ids
    // (M-CRASH, M-HANG, M-GARBAGE, M-WRONG) and generated members are all M1, so the case
    // "an implementation that fails on some generated members" has no fixture to run here.
  });
});
