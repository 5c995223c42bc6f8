// Members as FHIR Bundles: an implementation that asks for them (a module exporting
// `input = 'fhir'`, a process started with input 'fhir') gets each member as its exported Bundle,
// and FHIR-reading samples of SCR agree with the reference on generated members.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ImplementationError } from '../../src/adapters/implementation.ts';
import type { Case, Implementation } from '../../src/adapters/implementation.ts';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { startProcessImplementation } from '../../src/adapters/processAdapter.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { memberArbitrary } from '../../src/generate/index.ts';
import { repoMeasure } from '../support/shippedPacks.ts';
import { runCli } from '../support/runCli.ts';
import { ROOT } from './members.ts';

const { measure } = repoMeasure('fixtures/packs/no-product-lines', 'SCR');
const request = { measure: 'SCR', year: measure.year };
const members = fc.sample(
  memberArbitrary(measure, {
    productLine: undefined,
    mode: 'rule-aware',
    id: fc.constantFrom('M1', 'member_2 (not a FHIR id)'),
  }),
  { numRuns: 60, seed: 5 },
);
const cases: Case[] = members.map((member, i) => ({ id: `c${String(i)}`, request, member }));
const expected = members.map((m) => evaluateMeasure(measure, request, m).outcome);

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-fhir-input-'));
const opened: Implementation[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((impl) => impl.close()));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function outcomes(impl: Implementation): Promise<unknown[]> {
  opened.push(impl);
  const answers = await impl.evaluate(cases);
  return answers.map((a) => (a.ok ? a.outcome : a.failure.message));
}

describe('members as FHIR Bundles', () => {
  it('a module that exports input = "fhir" reads Bundles and agrees with the reference', async () => {
    const impl = await loadModuleImplementation(
      join(ROOT, 'fixtures/implementations/scr-correct-fhir.ts'),
    );
    expect(await outcomes(impl)).toEqual(expected);
  });

  it('a process started with input "fhir" reads Bundles and agrees with the reference', async () => {
    const impl = await startProcessImplementation(
      'python3 fixtures/implementations/scr-correct-fhir.py',
      { cwd: ROOT, input: 'fhir' },
    );
    expect(await outcomes(impl)).toEqual(expected);
  });

  it('a module whose input is neither "record" nor "fhir" does not load, and says why', async () => {
    const file = join(scratch, 'bad-input.mjs');
    writeFileSync(file, "export const input = 'xml';\nexport function evaluate() {}\n");
    const error = await loadModuleImplementation(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImplementationError);
    expect(error).toMatchObject({ code: 'impl/load-failed' });
    expect((error as Error).message).toContain("must be 'record'");
  });

  it('check --impl-input fhir runs a FHIR-reading process', async () => {
    const run = await runCli([
      'check',
      '--rules',
      'fixtures/packs/no-product-lines',
      '--measure',
      'SCR',
      '--impl',
      'python3 fixtures/implementations/scr-correct-fhir.py',
      '--impl-input',
      'fhir',
      '--runs',
      '40',
      '--seed',
      '9',
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('agrees with the reference on all 40 cases');
    expect(run.code).toBe(0);
  });
});
