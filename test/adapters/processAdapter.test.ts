import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markedPids } from '../../src/adapters/_internals/markedProcesses.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { ImplementationError } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { startProcessImplementation } from '../../src/adapters/processAdapter.ts';
import type { ProcessImplementation, ProcessOptions } from '../../src/adapters/processAdapter.ts';
import {
  MISBEHAVING,
  ROOT,
  caseOf,
  casesFor,
  failureOf,
  fates,
  isRunning,
  screenedAt50,
  tooYoungAt40,
  unscreenedAt60,
} from './members.ts';

const started: ProcessImplementation[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((impl) => impl.close()));
});

async function start(
  command: string,
  options: ProcessOptions = {},
): Promise<ProcessImplementation> {
  const impl = await startProcessImplementation(command, { cwd: ROOT, ...options });
  started.push(impl);
  return impl;
}

/** Closes the implementation and asserts that none of the processes it started is still running. */
async function expectNoProcessLeft(impl: ProcessImplementation): Promise<void> {
  await impl.close();
  expect(impl.pids.length).toBeGreaterThan(0);
  expect(impl.pids.filter(isRunning)).toEqual([]);
}

describe('process adapter on the correct COL-E implementation', () => {
  it('gives the same answers as the module implementation, in the order of the cases', async () => {
    const cases = [caseOf(screenedAt50), caseOf(unscreenedAt60), caseOf(tooYoungAt40)];
    const viaModule = await loadModuleImplementation(
      join(ROOT, 'fixtures/implementations/col-e-correct.ts'),
    );
    const viaProcess = await start('python3 fixtures/implementations/col-e-correct.py');

    const expected = await viaModule.evaluate(cases);
    const answers = await viaProcess.evaluate(cases);

    expect(fates(answers)).toEqual({
      'case-M-SCREENED-50': 'ok',
      'case-M-UNSCREENED-60': 'ok',
      'case-M-YOUNG-40': 'ok',
    });
    expect(answers).toEqual(expected);
    await expectNoProcessLeft(viaProcess);
  });

  it('keeps one process across batches and calls', async () => {
    const impl = await start('python3 fixtures/implementations/col-e-correct.py', { batchSize: 2 });
    const first = await impl.evaluate(casesFor(['M-1', 'M-2', 'M-3', 'M-4', 'M-5']));
    const second = await impl.evaluate(casesFor(['M-6']));

    expect(Object.values(fates([...first, ...second]))).toEqual(Array(6).fill('ok'));
    expect(impl.pids).toHaveLength(1);
    await expectNoProcessLeft(impl);
  });
});

describe('process adapter on misbehaving implementations', () => {
  it('blames a crash on the member that causes it, with its stderr, and answers the rest', async () => {
    const impl = await start(`python3 ${MISBEHAVING}crashes-on-member-M-CRASH.py`);
    const answers = await impl.evaluate(casesFor(['M-1', 'M-2', 'M-CRASH', 'M-3', 'M-4']));

    expect(fates(answers)).toEqual({
      'case-M-1': 'ok',
      'case-M-2': 'ok',
      'case-M-CRASH': 'crash',
      'case-M-3': 'ok',
      'case-M-4': 'ok',
    });
    const failure = failureOf(answers, 'case-M-CRASH');
    expect(failure.message).toContain('exited with code 1');
    expect(failure.stderr).toContain('cannot evaluate member M-CRASH');

    // The run goes on in a fresh process.
    const later = await impl.evaluate(casesFor(['M-5']));
    expect(fates(later)).toEqual({ 'case-M-5': 'ok' });
    await expectNoProcessLeft(impl);
  });

  // A 500 ms timeout although python3 may take longer than that to start (a version-manager shim, a
  // loaded machine): start-up has its own allowance, so only the hang is a timeout.
  it('times out the member that hangs, kills the process, and answers the rest', async () => {
    const impl = await start(`python3 ${MISBEHAVING}hangs-on-member-M-HANG.py`, { timeoutMs: 500 });
    const answers = await impl.evaluate(casesFor(['M-1', 'M-HANG', 'M-2', 'M-3']));

    expect(fates(answers)).toEqual({
      'case-M-1': 'ok',
      'case-M-HANG': 'timeout',
      'case-M-2': 'ok',
      'case-M-3': 'ok',
    });
    expect(failureOf(answers, 'case-M-HANG').stderr).toContain('evaluating M-HANG');
    await expectNoProcessLeft(impl);
  });

  it('reports a stray line on stdout as an invalid answer for the member that printed it', async () => {
    const impl = await start(`python3 ${MISBEHAVING}prints-garbage-for-member-M-GARBAGE.py`);
    const answers = await impl.evaluate(casesFor(['M-1', 'M-2', 'M-GARBAGE', 'M-3']));

    expect(fates(answers)).toEqual({
      'case-M-1': 'ok',
      'case-M-2': 'ok',
      'case-M-GARBAGE': 'invalid',
      'case-M-3': 'ok',
    });
    const failure = failureOf(answers, 'case-M-GARBAGE');
    expect(failure.message).toContain('not JSON');
    expect(failure.raw).toBe('DEBUG enrollments for M-GARBAGE: 1');
    await expectNoProcessLeft(impl);
  });

  it('reports an outcome for the wrong member as invalid and keeps the process', async () => {
    const impl = await start(
      `node ${MISBEHAVING}echoes-the-wrong-member-id-for-member-M-WRONG.mjs`,
    );
    const answers = await impl.evaluate(casesFor(['M-1', 'M-WRONG', 'M-2']));

    expect(fates(answers)).toEqual({
      'case-M-1': 'ok',
      'case-M-WRONG': 'invalid',
      'case-M-2': 'ok',
    });
    expect(failureOf(answers, 'case-M-WRONG').message).toContain(
      'memberId: expected "M-WRONG" (the member\'s id), received "M-SOMEONE-ELSE"',
    );
    expect(impl.pids).toHaveLength(1);
    await expectNoProcessLeft(impl);
  });

  it('does not count a slow start against the per-case timeout', async () => {
    const impl = await start(`python3 ${MISBEHAVING}starts-slowly-then-answers.py`, {
      timeoutMs: 500,
    });
    const answers = await impl.evaluate([caseOf(screenedAt50), caseOf(unscreenedAt60)]);

    expect(fates(answers)).toEqual({ 'case-M-SCREENED-50': 'ok', 'case-M-UNSCREENED-60': 'ok' });
    await expectNoProcessLeft(impl);
  });

  it('kills what the implementation started in a session of its own (setsid) when it is closed', async () => {
    const impl = await start(`node ${MISBEHAVING}leaves-a-setsid-grandchild.mjs`);
    expect(fates(await impl.evaluate(casesFor(['M-1'])))).toEqual({ 'case-M-1': 'ok' });
    const marked = markedPids(impl.marker);
    if (process.platform === 'linux') {
      // The implementation and its helper, which is in another session than the implementation.
      expect(marked.length).toBeGreaterThanOrEqual(2);
      const sessions = new Set(marked.map((pid) => readStat(pid)[5]));
      expect(sessions.size).toBeGreaterThanOrEqual(2);
    }
    await impl.close();
    expect(markedPids(impl.marker)).toEqual([]);
    // Killed: gone, or a zombie waiting for init to reap it (it is no longer our child).
    expect(marked.filter((pid) => isRunning(pid) && readStat(pid)[2] !== 'Z')).toEqual([]);
  });

  it('gives up on an implementation that always crashes, with its stderr', async () => {
    const impl = await start(`python3 ${MISBEHAVING}always-crashes.py`);
    const error = await impl
      .evaluate(casesFor(['M-1', 'M-2', 'M-3', 'M-4', 'M-5', 'M-6', 'M-7', 'M-8']))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ImplementationError);
    expect((error as ImplementationError).code).toBe('impl/crashed');
    expect(String(error)).toContain('failed 6 times in a row');
    expect(String(error)).toContain("No module named 'measure_engine'");
    // It stays given up: a later call does not start it again.
    await expect(impl.evaluate(casesFor(['M-9']))).rejects.toBeInstanceOf(ImplementationError);
    await expectNoProcessLeft(impl);
  });
});

describe('process adapter on commands it cannot start', () => {
  it('rejects a command that does not exist, naming it', async () => {
    const error = await startProcessImplementation('no-such-measure-implementation --year 2025', {
      cwd: ROOT,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ImplementationError);
    expect((error as ImplementationError).code).toBe('impl/not-found');
    expect(String(error)).toContain('no-such-measure-implementation was not found');
  });

  it('rejects a command with an unterminated quote', async () => {
    const error = await startProcessImplementation('python3 "impl.py').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ImplementationError);
    expect(String(error)).toContain('unterminated " quote');
  });
});

/** The fields of /proc/<pid>/stat after the command name (index 5 of the whole line: the session id). */
function readStat(pid: number): string[] {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return []; // gone
  }
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ['', '', ...afterName];
}
