// `measurecheck check` against implementations that misbehave in the ways that used to end in a
// false green, a crash or a hang: each run must end, with a verdict or an explicit "could not", a
// report, and no process left behind. Time limits here are generous upper bounds for a loaded
// machine (the run is killed and the test fails past them), never speed assertions.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';
import type { CliRun } from '../support/runCli.ts';

const MISBEHAVING = 'fixtures/implementations/misbehaving/';
const ONE_LINE = ['--product-line', 'commercial', '--seed', '1'];
const BOUND_MS = 240_000;

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-misbehaving-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function expectNoStackTrace(run: CliRun): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(output, 'no stack trace').not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(output).not.toMatch(/node:internal/);
}

interface JsonReport {
  exitCode: number;
  aborted?: { message: string };
  stopped?: { reason: string };
  productLines: {
    findings: {
      kind: string;
      member: { id: string };
      inconsistency?: { first: unknown; second: unknown };
    }[];
  }[];
}

function readReport(file: string): JsonReport {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
}

/** Processes of this user whose environment holds `name=value` (Linux; empty elsewhere). */
function processesWithEnv(name: string, value: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = `${name}=${value}`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('measurecheck check on misbehaving implementations', () => {
  it('a module that calls process.exit(0) is exit 3 with a report naming the member, not a silent exit 0', async () => {
    const json = join(scratch, 'exit.json');
    const run = await runCli(
      [
        'check',
        '--impl',
        `${MISBEHAVING}exits-the-process-on-every-member.ts`,
        ...ONE_LINE,
        '--runs',
        '30',
        '--json',
        json,
      ],
      BOUND_MS,
    );
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(run.stdout).toContain('exited with code 0');
    expect(run.stdout).toMatch(/on member \S+ \(case commercial-\d+\)/);
    expect(run.stdout).toContain('Exit 3');
    expect(readReport(json).exitCode).toBe(3);
    expect(readReport(json).aborted?.message).toContain('must not call process.exit');
    expectNoStackTrace(run);
  });

  it('a module stuck in a synchronous infinite loop is stopped by --timeout: exit 3, in bounded time', async () => {
    const run = await runCli(
      [
        'check',
        '--impl',
        `${MISBEHAVING}loops-forever-on-every-member.ts`,
        ...ONE_LINE,
        '--runs',
        '30',
        '--timeout',
        '500',
      ],
      BOUND_MS,
    );
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(run.stdout).toContain('no answer within 500 ms');
    expect(run.stdout).toContain('waiting for the cache to warm up');
    expectNoStackTrace(run);
  });

  it('an implementation wrong on every 7th call is exit 1 with "different answers" findings holding both answers', async () => {
    const json = join(scratch, 'flaky.json');
    const run = await runCli(
      [
        'check',
        '--impl',
        `${MISBEHAVING}wrong-on-every-7th-call.ts`,
        ...ONE_LINE,
        '--runs',
        '200',
        '--json',
        json,
      ],
      BOUND_MS,
    );
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain(
      'the implementation gave different answers for the same member (flaky or stateful)',
    );
    const findings = readReport(json).productLines.flatMap((r) => r.findings);
    const inconsistent = findings.filter((f) => f.kind === 'inconsistent');
    expect(inconsistent.length).toBeGreaterThan(0);
    for (const f of inconsistent) {
      expect(f.inconsistency?.first).toBeDefined();
      expect(f.inconsistency?.second).toBeDefined();
      expect(f.inconsistency?.first).not.toEqual(f.inconsistency?.second);
    }
    // It is never reported as a plain, reproducible discrepancy.
    expect(findings.filter((f) => f.kind === 'discrepancy')).toEqual([]);
    expectNoStackTrace(run);
  });

  it.each([
    ['answers-twice', []],
    ['hangs-after-first-answer', ['--max-time', '20000']],
  ] as const)(
    'a process that %s reaches a verdict with a report, without crashing',
    async (name, extra) => {
      const json = join(scratch, `${name}.json`);
      const run = await runCli(
        [
          'check',
          '--impl',
          `node ${MISBEHAVING}${name}.mjs`,
          ...ONE_LINE,
          '--runs',
          '16',
          '--timeout',
          '500',
          '--json',
          json,
          ...extra,
        ],
        BOUND_MS,
      );
      expect([1, 3], run.stdout + run.stderr).toContain(run.code);
      expect(readReport(json).exitCode).toBe(run.code);
      expect(run.stdout).toMatch(/FAILED: \d+ distinct finding/);
      expectNoStackTrace(run);
    },
  );

  it('a process that hangs after each first answer ends on its own at the default budget: exit 3 after 25 failed cases, with a report', async () => {
    const json = join(scratch, 'hangs-default-budget.json');
    const run = await runCli(
      [
        'check',
        '--impl',
        `node ${MISBEHAVING}hangs-after-first-answer.mjs`,
        ...ONE_LINE,
        '--timeout',
        '300',
        '--json',
        json,
      ],
      BOUND_MS,
    );
    expect(run.code, run.stdout + run.stderr).toBe(3);
    expect(run.stdout + run.stderr).toMatch(/failed on 26 cases in this run/);
    expect(readReport(json).exitCode).toBe(3);
    expectNoStackTrace(run);
  });

  it('a correct implementation that starts slower than --timeout agrees (start-up has its own allowance)', async () => {
    const run = await runCli(
      [
        'check',
        '--impl',
        `python3 ${MISBEHAVING}starts-slowly-then-answers.py`,
        ...ONE_LINE,
        '--runs',
        '100',
        '--timeout',
        '500',
      ],
      BOUND_MS,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('OK: the implementation agrees with the reference');
  });

  it('leaves no process behind, not even one that left the process group with setsid', async () => {
    // Inherited by the CLI, the implementation and the helper it starts in a session of its own.
    const token = randomUUID();
    process.env['MEASURECHECK_TEST_TOKEN'] = token;
    try {
      const run = await runCli(
        [
          'check',
          '--impl',
          `node ${MISBEHAVING}leaves-a-setsid-grandchild.mjs`,
          ...ONE_LINE,
          '--runs',
          '20',
          '--max-findings',
          '1',
        ],
        BOUND_MS,
      );
      expect(run.code, run.stdout + run.stderr).toBe(1);
    } finally {
      delete process.env['MEASURECHECK_TEST_TOKEN'];
    }
    expect(processesWithEnv('MEASURECHECK_TEST_TOKEN', token)).toEqual([]);
  });
});
