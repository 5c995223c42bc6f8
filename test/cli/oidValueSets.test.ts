// --valuesets through every evaluating command: a pack whose value sets are declared by OID runs
// with a FHIR ValueSet Bundle, and stops with exit 2 and a hint without one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';

const PACK = ['--rules', 'fixtures/packs/oid-valuesets', '--measure', 'SCR'];
const BUNDLE = ['--valuesets', 'fixtures/valuesets/scr-valuesets-bundle.json'];
const CORRECT = 'fixtures/implementations/scr-correct.ts';
const MEMBER = 'fixtures/decks/no-product-lines-jsonl/members.jsonl';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-oid-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('--valuesets', () => {
  it('check, compare (reference workers too), coverage and selftest read the bundle', async () => {
    const check = await runCli(['check', ...PACK, ...BUNDLE, '--impl', CORRECT, '--runs', '200']);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const compare = await runCli([
      'compare',
      '--rules',
      'fixtures/packs/oid-valuesets',
      ...BUNDLE,
      '--fixtures',
      'fixtures/decks/no-product-lines-jsonl',
      '--impl',
      CORRECT,
      '--workers',
      '1',
    ]);
    expect(compare.code).toBe(0);
    const coverage = await runCli(['coverage', ...PACK, ...BUNDLE, '--members', MEMBER]);
    expect(coverage.stdout).toContain('clause outcomes exercised (4 members)');
    const selftest = await runCli(['selftest', ...PACK, ...BUNDLE, '--runs', '50', '--seed', '1']);
    expect(selftest.stdout).toMatch(/\d+ mutants: \d+ killed/);
  });

  it('fixtures generate draws the codes the bundle gives', async () => {
    const out = join(scratch, 'deck');
    const run = await runCli([
      'fixtures',
      'generate',
      ...PACK,
      ...BUNDLE,
      '--members',
      '40',
      '--out',
      out,
      '--workers',
      '1',
    ]);
    expect(run.code).toBe(0);
    const compare = await runCli([
      'compare',
      '--rules',
      'fixtures/packs/oid-valuesets',
      ...BUNDLE,
      '--fixtures',
      out,
      '--impl',
      CORRECT,
      '--workers',
      '0',
    ]);
    expect(compare.code).toBe(0);
  });

  it('without --valuesets, or with a bundle that lacks an OID or is not one: exit 2, naming what to fix', async () => {
    const missing = await runCli(['check', ...PACK, '--impl', CORRECT]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('declares 2 value set(s) by OID');
    expect(missing.stderr).toContain('hint: pass --valuesets <bundle.json>');
    const explain = await runCli([
      'explain',
      ...PACK,
      '--year',
      '2025',
      '--member',
      MEMBER,
      '--valuesets',
      'fixtures/valuesets/colonoscopy-only-bundle.json',
    ]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toContain(
      'fixtures/packs/oid-valuesets/valuesets/oids.yaml:6: value set "Hospice Encounter" (OID 2.16.840.1.113883.3.464.1003.1003) is not in fixtures/valuesets/colonoscopy-only-bundle.json',
    );
    const notBundle = await runCli([
      'check',
      ...PACK,
      '--impl',
      CORRECT,
      '--valuesets',
      'fixtures/valuesets/not-a-valueset-bundle.json',
    ]);
    expect(notBundle.code).toBe(2);
    expect(notBundle.stderr).toContain('fixtures/valuesets/not-a-valueset-bundle.json');
  });

  it('pack validate says how many value sets are by OID, and checks them with --valuesets', async () => {
    const plain = await runCli(['pack', 'validate', 'fixtures/packs/oid-valuesets']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('2 value sets (2 by OID, not expanded');
    const checked = await runCli(['pack', 'validate', 'fixtures/packs/oid-valuesets', ...BUNDLE]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('2 by OID, every one found in');
  });

  it('may be given more than once: OIDs split across two bundles are found in either', async () => {
    const colonoscopyOnly = 'fixtures/valuesets/colonoscopy-only-bundle.json';
    const hospiceOnly = 'fixtures/valuesets/hospice-only-bundle.json';
    const both = await runCli([
      'pack',
      'validate',
      'fixtures/packs/oid-valuesets',
      '--valuesets',
      colonoscopyOnly,
      '--valuesets',
      hospiceOnly,
    ]);
    expect(both.stderr).toBe('');
    expect(both.code).toBe(0);
    expect(both.stdout).toContain(
      `2 by OID, every one found in ${colonoscopyOnly}, ${hospiceOnly}`,
    );
    const one = await runCli([
      'pack',
      'validate',
      'fixtures/packs/oid-valuesets',
      '--valuesets',
      hospiceOnly,
    ]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain(
      `value set "Colonoscopy" (OID 2.16.840.1.113883.3.464.1003.108.12.1020) is not in ${hospiceOnly}`,
    );
    const check = await runCli([
      'check',
      ...PACK,
      '--valuesets',
      colonoscopyOnly,
      '--valuesets',
      hospiceOnly,
      '--impl',
      CORRECT,
      '--runs',
      '100',
    ]);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});
