import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ImplementationError } from '../../src/adapters/implementation.ts';
import type { Case, CaseAnswer } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation as load } from '../../src/adapters/moduleAdapter.ts';
import type { ModuleOptions } from '../../src/adapters/moduleAdapter.ts';
import type { ProcessImplementation } from '../../src/adapters/processAdapter.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import { expectPopulations } from '../support/expectPopulations.ts';
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

const fixture = (name: string): string => join(ROOT, name);
const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-module-adapter-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const opened: ProcessImplementation[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((impl) => impl.close()));
});

async function loadModuleImplementation(
  path: string,
  options?: ModuleOptions,
): Promise<ProcessImplementation> {
  const impl = await load(path, options);
  opened.push(impl);
  return impl;
}

function outcomeOf(answers: readonly CaseAnswer[], c: Case): Outcome {
  const answer = answers.find((a) => a.id === c.id);
  if (!answer?.ok) throw new Error(`no valid outcome for ${c.id}: ${JSON.stringify(answer)}`);
  return answer.outcome;
}

describe('module adapter on the correct COL-E implementation', () => {
  it('answers each member with the populations the measure gives', async () => {
    const impl = await loadModuleImplementation(
      fixture('fixtures/implementations/col-e-correct.ts'),
    );
    const screened = caseOf(screenedAt50);
    const unscreened = caseOf(unscreenedAt60);
    const young = caseOf(tooYoungAt40);
    const answers = await impl.evaluate([screened, unscreened, young]);

    expect(answers.map((a) => a.id)).toEqual([screened.id, unscreened.id, young.id]);
    expectPopulations(outcomeOf(answers, screened), {
      initialPopulation: true,
      denominator: true,
      denominatorExclusion: false,
      numerator: true,
      stratum: '50-75',
    });
    expectPopulations(outcomeOf(answers, unscreened), {
      initialPopulation: true,
      denominator: true,
      numerator: false,
    });
    expectPopulations(outcomeOf(answers, young), { initialPopulation: false });
    await impl.close();
  });
});

describe('module adapter on misbehaving modules', () => {
  it('reports a throw as a crash of that member only, with the message and where it was thrown', async () => {
    const impl = await loadModuleImplementation(
      fixture(`${MISBEHAVING}throws-on-member-M-CRASH.ts`),
    );
    const answers = await impl.evaluate(casesFor(['M-1', 'M-CRASH', 'M-2']));

    expect(fates(answers)).toEqual({ 'case-M-1': 'ok', 'case-M-CRASH': 'crash', 'case-M-2': 'ok' });
    const { message } = failureOf(answers, 'case-M-CRASH');
    expect(message).toContain('RangeError: enrollment index out of range');
    expect(message).toContain('throws-on-member-M-CRASH.ts');
  });

  it('reports a promise that never settles as a timeout and answers the other members', async () => {
    const impl = await loadModuleImplementation(
      fixture(`${MISBEHAVING}never-settles-for-member-M-HANG.ts`),
      { timeoutMs: 200 },
    );
    const answers = await impl.evaluate(casesFor(['M-1', 'M-HANG', 'M-2']));

    expect(fates(answers)).toEqual({
      'case-M-1': 'ok',
      'case-M-HANG': 'timeout',
      'case-M-2': 'ok',
    });
  });

  it('reports a process.exit() as a crash of that member, and the harness lives on', async () => {
    const impl = await loadModuleImplementation(
      fixture(`${MISBEHAVING}exits-the-process-for-member-M-EXIT.ts`),
    );
    const answers = await impl.evaluate(casesFor(['M-1', 'M-EXIT', 'M-2']));

    expect(fates(answers)).toEqual({ 'case-M-1': 'ok', 'case-M-EXIT': 'crash', 'case-M-2': 'ok' });
    expect(failureOf(answers, 'case-M-EXIT').message).toContain('exited with code 0');
    // The module runs in processes of its own, restarted after the exit.
    expect(impl.pids).not.toContain(process.pid);
    expect(impl.pids.length).toBeGreaterThan(1);
    await impl.close();
    expect(impl.pids.filter(isRunning)).toEqual([]);
  });

  it('reports a synchronous infinite loop as a timeout of that member and answers the others', async () => {
    const impl = await loadModuleImplementation(
      fixture(`${MISBEHAVING}loops-forever-on-member-M-LOOP.ts`),
      { timeoutMs: 500 },
    );
    const answers = await impl.evaluate(casesFor(['M-1', 'M-LOOP', 'M-2']));

    expect(fates(answers)).toEqual({
      'case-M-1': 'ok',
      'case-M-LOOP': 'timeout',
      'case-M-2': 'ok',
    });
    const failure = failureOf(answers, 'case-M-LOOP');
    expect(failure.message).toContain('evaluate did not return');
    expect(failure.stderr).toContain('evaluating M-LOOP');
    await impl.close();
    expect(impl.pids.filter(isRunning)).toEqual([]);
  });

  it('reports an outcome of the wrong shape as invalid, naming the field', async () => {
    const impl = await loadModuleImplementation(
      fixture(`${MISBEHAVING}answers-numerator-as-a-string-for-member-M-GARBAGE.ts`),
    );
    const answers = await impl.evaluate(casesFor(['M-1', 'M-GARBAGE']));

    expect(fates(answers)).toEqual({ 'case-M-1': 'ok', 'case-M-GARBAGE': 'invalid' });
    const failure = failureOf(answers, 'case-M-GARBAGE');
    expect(failure.message).toContain('numerator: expected boolean or record, received string');
    expect(failure.raw).toContain('"numerator":"yes"');
  });

  it('gives the implementation copies, so mutating them does not change the cases', async () => {
    const impl = await loadModuleImplementation(fixture(`${MISBEHAVING}mutates-its-input.ts`));
    const cases = [caseOf(screenedAt50), caseOf(unscreenedAt60)];
    const before = structuredClone(cases);
    const answers = await impl.evaluate(cases);

    expect(fates(answers)).toEqual({ 'case-M-SCREENED-50': 'ok', 'case-M-UNSCREENED-60': 'ok' });
    expect(cases).toEqual(before);
  });

  it('uses evaluateBatch when the cases share one request, evaluate when they do not', async () => {
    const impl = await loadModuleImplementation(
      fixture(`${MISBEHAVING}only-evaluate-batch-works.ts`),
    );
    const shared = await impl.evaluate(casesFor(['M-1', 'M-2', 'M-3']));
    expect(fates(shared)).toEqual({ 'case-M-1': 'ok', 'case-M-2': 'ok', 'case-M-3': 'ok' });

    const mixed = await impl.evaluate([
      ...casesFor(['M-1']),
      ...casesFor(['M-2'], { measure: 'COL-E', year: 2025, productLine: 'medicare' }),
    ]);
    expect(fates(mixed)).toEqual({ 'case-M-1': 'crash', 'case-M-2': 'crash' });
    expect(failureOf(mixed, 'case-M-1').message).toContain('only answers through evaluateBatch');
  });
});

describe('module adapter on modules it cannot use', () => {
  it('rejects a missing file, naming it', async () => {
    const missing = join(scratch, 'no-such-implementation.ts');
    const error = await loadModuleImplementation(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImplementationError);
    expect((error as ImplementationError).code).toBe('impl/not-found');
    expect(String(error)).toContain('cannot find the implementation module');
    expect(String(error)).toContain(missing);
  });

  it('rejects a module with a syntax error, naming the file and the error', async () => {
    const file = join(scratch, 'syntax-error.ts');
    writeFileSync(file, 'export function evaluate(request, member) {\n  return {;\n}\n');
    const error = await loadModuleImplementation(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImplementationError);
    expect((error as ImplementationError).code).toBe('impl/load-failed');
    expect(String(error)).toContain(`cannot load the implementation module ${file}`);
  });

  it('rejects a module without evaluate, listing what it exports and how to fix it', async () => {
    const file = join(scratch, 'no-evaluate.mjs');
    writeFileSync(file, 'export function evaluateMember() {}\nexport const version = 1;\n');
    const error = await loadModuleImplementation(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImplementationError);
    expect((error as ImplementationError).code).toBe('impl/no-evaluate');
    expect(String(error)).toContain('does not export an evaluate function');
    expect(String(error)).toContain('evaluateMember, version');
    expect(String(error)).toContain('export function evaluate(request, member)');
  });
});
