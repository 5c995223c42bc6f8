// Every error a user can cause ends the command with exit 2 (3 for an implementation that could
// not run), a message naming what to fix, and no stack trace; report paths are checked before the
// run, and a failed run leaves no report behind, not even the previous run's.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_ERROR_EXIT, reportInternalError } from '../../src/cli/main.ts';
import { runCli } from '../support/runCli.ts';
import type { CliRun } from '../support/runCli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-errors-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
let folders = 0;
/** A fresh empty folder, and a plain file `a-file` inside it. */
function folder(): { dir: string; file: string } {
  const dir = join(scratch, String(++folders));
  mkdirSync(dir);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder\n');
  return { dir, file };
}

const CORRECT = 'fixtures/implementations/col-e-correct.ts';
const QUICK_CHECK = [
  'check',
  '--impl',
  CORRECT,
  '--runs',
  '20',
  '--seed',
  '1',
  '--product-line',
  'commercial',
];

/** Exit code, a message matching `message`, and no JavaScript stack trace anywhere. */
function expectCleanExit(run: CliRun, code: number, message: RegExp): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.code, output).toBe(code);
  expect(output).toMatch(message);
  expect(output, 'no stack trace').not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(output).not.toMatch(/node:internal/);
}

describe('report paths are checked before the run starts', () => {
  it('check --json naming a folder: exit 2 naming the option and the path, nothing run', async () => {
    const { dir } = folder();
    const run = await runCli([...QUICK_CHECK, '--json', dir]);
    expectCleanExit(
      run,
      2,
      new RegExp(`--json ${dir}: cannot write the report there: it is a folder`),
    );
    expect(run.stdout, 'the run never started').not.toContain('measurecheck check:');
  });

  it('check --junit under a file: exit 2 naming the file in the way', async () => {
    const { file } = folder();
    const run = await runCli([...QUICK_CHECK, '--junit', join(file, 'out.xml')]);
    expectCleanExit(
      run,
      2,
      new RegExp(`--junit ${file}/out.xml: .*${file} is a file, not a folder`),
    );
    expect(run.stdout).not.toContain('measurecheck check:');
  });

  it('selftest --json under a file: exit 2 before the mutants run (it used to be a stack trace, exit 1)', async () => {
    const { file } = folder();
    const run = await runCli([
      'selftest',
      '--measure',
      'COL-E',
      '--runs',
      '20',
      '--json',
      join(file, 'deeper', 'x.json'),
    ]);
    expectCleanExit(
      run,
      2,
      /--json .*: cannot write the report there: .*a-file is a file, not a folder/,
    );
    expect(run.stdout).not.toContain('selftest COL-E');
  });

  it('compare --markdown naming a folder: exit 2 before the deck is read', async () => {
    const { dir } = folder();
    const run = await runCli([
      'compare',
      '--fixtures',
      'fixtures/decks/coverage-tiny',
      '--measure',
      'COL-E',
      '--impl',
      CORRECT,
      '--markdown',
      dir,
    ]);
    expectCleanExit(run, 2, /--markdown .*: cannot write the report there: it is a folder/);
  });

  it('the same file for two reports is exit 2', async () => {
    const { dir } = folder();
    const same = join(dir, 'report');
    const run = await runCli([...QUICK_CHECK, '--json', same, '--junit', same]);
    expectCleanExit(
      run,
      2,
      /--junit .*report: cannot write the report there: --json writes the same file/,
    );
  });
});

describe('report files', () => {
  it('selftest --json creates the missing folders and writes the report', async () => {
    const { dir } = folder();
    const json = join(dir, 'new', 'dir', 'selftest.json');
    const run = await runCli(
      [
        'selftest',
        '--rules',
        'fixtures/packs/selftest-small',
        '--measure',
        'SMALL-DOM',
        '--runs',
        '20',
        '--max-mutants',
        '2',
        '--seed',
        '1',
        '--json',
        json,
      ],
      120_000,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ survived: 0 });
    expect(readdirSync(join(dir, 'new', 'dir')), 'no temporary file left').toEqual([
      'selftest.json',
    ]);
  }, 120_000);

  it('check writes --json and --junit and leaves no temporary file beside them', async () => {
    const { dir } = folder();
    const out = join(dir, 'out');
    const run = await runCli([
      ...QUICK_CHECK,
      '--json',
      join(out, 'c.json'),
      '--junit',
      join(out, 'c.xml'),
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['c.json', 'c.xml']);
    expect(JSON.parse(readFileSync(join(out, 'c.json'), 'utf8'))).toMatchObject({ exitCode: 0 });
  });

  it("a run that fails removes the previous run's report instead of leaving it, stale and green", async () => {
    const { dir } = folder();
    const json = join(dir, 'check.json');
    const junit = join(dir, 'check.xml');
    writeFileSync(json, '{"format":"measurecheck-check/1","exitCode":0}\n');
    writeFileSync(junit, '<testsuites/>\n');
    const usage = await runCli([
      ...QUICK_CHECK,
      '--measure',
      'NOPE',
      '--json',
      json,
      '--junit',
      junit,
    ]);
    expectCleanExit(usage, 2, /measure NOPE is not in hedis-2025/);
    expect(existsSync(json)).toBe(false);
    expect(existsSync(junit)).toBe(false);

    writeFileSync(json, '{"format":"measurecheck-check/1","exitCode":0}\n');
    const notRun = await runCli([
      'check',
      '--impl',
      'no-such-command-xyz',
      '--runs',
      '20',
      '--json',
      json,
    ]);
    expectCleanExit(notRun, 3, /no-such-command-xyz was not found/);
    expect(existsSync(json)).toBe(false);
  });
});

describe('--impl', () => {
  it('a module file that does not exist is a usage error (exit 2) naming the path', async () => {
    const run = await runCli(['check', '--impl', 'nope.ts', '--runs', '20']);
    expectCleanExit(
      run,
      2,
      /the implementation nope\.ts does not exist \(resolved to .*nope\.ts\)/,
    );
    expect(run.stderr).not.toMatch(/PATH/);
  });

  it('compare: the same, exit 2 rather than 3', async () => {
    const run = await runCli([
      'compare',
      '--fixtures',
      'fixtures/decks/coverage-tiny',
      '--measure',
      'COL-E',
      '--impl',
      'lib/nope.mjs',
    ]);
    expectCleanExit(run, 2, /the implementation lib\/nope\.mjs does not exist/);
  });
  // A command that is not on PATH stays exit 3 with the PATH hint: check.test.ts covers it.
});

describe('selftest --previous-rules', () => {
  it('a folder that is not a pack is exit 2, not silently no previous-year mutants', async () => {
    const { dir } = folder();
    const run = await runCli([
      'selftest',
      '--measure',
      'COL-E',
      '--runs',
      '20',
      '--previous-rules',
      join(dir, 'nope'),
    ]);
    expectCleanExit(run, 2, /no rule pack folder at .*nope/);
    expect(run.stdout).not.toContain('mutants');
  });
});

describe('an unexpected error', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints a short internal-error report saying how to report it, without the stack, and exits 70', () => {
    let printed = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    const code = reportInternalError(
      new TypeError("Cannot read properties of undefined (reading 'x')"),
    );
    expect(code).toBe(INTERNAL_ERROR_EXIT);
    expect(code).toBe(70);
    expect(printed).toMatch(/^measurecheck: internal error: TypeError: Cannot read properties/);
    expect(printed).toContain('This is a bug in measurecheck');
    expect(printed).toContain('MEASURECHECK_DEBUG=1');
    expect(printed, 'no stack trace').not.toMatch(/^\s+at /m);
  });
});
