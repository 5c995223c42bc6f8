// Ctrl-C during a compare: the run stops, the implementation is stopped with it, and the reports
// hold what was compared so far, marked interrupted; the exit code is 130, never a verdict.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';
import { runCli } from '../support/runCli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-compare-interrupt-'));
const deck = join(scratch, 'deck');

beforeAll(async () => {
  const run = await runCli(
    [
      'fixtures',
      'generate',
      '--measure',
      'COL-E',
      '--year',
      '2025',
      '--product-line',
      'commercial',
      '--members',
      '3000',
      '--seed',
      '4',
      '--out',
      deck,
      '--no-progress',
    ],
    120_000,
  );
  expect(run.code, run.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('compare under SIGINT', () => {
  it('stops with exit 130 and writes the partial reports, marked interrupted', async () => {
    const json = join(scratch, 'out', 'compare.json');
    const junit = join(scratch, 'out', 'compare.xml');
    const started = join(scratch, 'started');
    const child = spawn(
      process.execPath,
      [
        repoFile('bin/measurecheck.js'),
        'compare',
        '--fixtures',
        deck,
        '--impl',
        'fixtures/implementations/misbehaving/col-e-correct-but-slow.ts',
        '--json',
        json,
        '--junit',
        junit,
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, NO_COLOR: '1', SLOW_IMPL_STARTED: started },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    // Interrupt once the implementation has been asked about members.
    const poll = setInterval(() => {
      if (!signalled && existsSync(started)) {
        signalled = true;
        child.kill('SIGINT');
      }
    }, 50);
    const code = await new Promise<number | null>((resolve) => {
      const guard = setTimeout(() => {
        child.kill('SIGKILL');
      }, 150_000);
      child.on('close', (c) => {
        clearTimeout(guard);
        clearInterval(poll);
        resolve(c);
      });
    });
    expect(signalled, stderr).toBe(true);
    expect(code, stdout + stderr).toBe(130);
    expect(stdout).toMatch(
      /INTERRUPTED: stopped by a signal after [\d,]+ deck members; no verdict/,
    );
    expect(stdout + stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      interrupted?: boolean;
      exitCode: number;
      deckMembers: number;
    };
    expect(report.interrupted).toBe(true);
    expect(report.exitCode).toBe(130);
    expect(report.deckMembers).toBeLessThan(3000);
    expect(readFileSync(junit, 'utf8')).toMatch(/interrupted: stopped by a signal/);
  }, 200_000);
});
