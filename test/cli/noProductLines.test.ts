// A measure without product lines (an eCQM's shape) through the command line: asked once per
// member with { measure, year }, answered without a productLine, and reported without one.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitShellWords } from '../../src/adapters/shellWords.ts';
import { runCli } from '../support/runCli.ts';
import { attribute, elementsNamed, parseXml } from '../support/xmlTree.ts';

const PACK = 'fixtures/packs/no-product-lines';
const CORRECT = 'fixtures/implementations/scr-correct.ts';
const WRONG = 'fixtures/implementations/scr-wrong-colonoscopy-window-8-years.ts';
const RULES = ['--rules', PACK, '--measure', 'SCR'];

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-no-lines-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('a measure without product lines', () => {
  it('check: a correct implementation agrees, asked without a product line', async () => {
    const run = await runCli([
      'check',
      ...RULES,
      '--impl',
      CORRECT,
      '--runs',
      '200',
      '--seed',
      '3',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('generator rule-aware, 200 cases, seed 3');
    expect(run.stdout).toMatch(/^SCR +200 cases {2}agree/m);
    expect(run.stdout).toContain(
      'OK: the implementation agrees with the reference on all 200 cases.',
    );
    expect(run.stdout).not.toMatch(/commercial|medicaid|medicare|undefined/);
  });

  it('check: a wrong implementation is caught, reported without a line, and its replay line replays it', async () => {
    const junit = join(scratch, 'check.xml');
    const run = await runCli([
      'check',
      ...RULES,
      '--impl',
      WRONG,
      '--runs',
      '300',
      '--seed',
      '3',
      '--junit',
      junit,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('DISCREPANCY 1 of 1: SCR 2025: numerator differs');
    expect(run.stdout).not.toMatch(/commercial|medicaid|medicare|undefined/);
    const replay = run.stdout.split('\n').find((l) => l.trim().startsWith('replay:')) ?? '';
    expect(replay).not.toContain('--product-line');
    const words = splitShellWords(replay.replace(/^\s*replay:\s*/, ''));
    if (!words.ok) throw new Error(`the replay line does not parse: ${replay}`);
    const again = await runCli(words.value.slice(2));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('SCR 2025: numerator differs');

    const suites = elementsNamed(parseXml(readFileSync(junit, 'utf8')), 'testsuite');
    expect(suites.map((s) => attribute(s, 'name'))).toEqual(['SCR 2025']);
  });

  it('--product-line for such a measure is a usage error that says it has none', async () => {
    const run = await runCli(['check', ...RULES, '--impl', CORRECT, '--product-line', 'medicaid']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'SCR has no product lines: --product-line medicaid does not apply',
    );
    const explain = await runCli([
      'explain',
      ...RULES,
      '--year',
      '2025',
      '--member',
      'fixtures/members/no-such-member.json',
      '--product-line',
      'commercial',
    ]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toContain('SCR has no product lines');
  });

  it('compare: JSON Lines and CSV decks whose expected rows have no product line', async () => {
    for (const deck of ['no-product-lines-jsonl', 'no-product-lines-csv']) {
      const markdown = join(scratch, `${deck}.md`);
      const run = await runCli([
        'compare',
        '--rules',
        PACK,
        '--fixtures',
        `fixtures/decks/${deck}`,
        '--impl',
        CORRECT,
        '--workers',
        '0',
        '--markdown',
        markdown,
      ]);
      expect(run.stderr, deck).toBe('');
      expect(run.code, deck).toBe(0);
      expect(run.stdout, deck).toMatch(/^SCR 2025: \d+ members compared/m);
      expect(readFileSync(markdown, 'utf8'), deck).toContain('| SCR | 2025 |  |');
    }
    const wrong = await runCli([
      'compare',
      '--rules',
      PACK,
      '--fixtures',
      'fixtures/decks/no-product-lines-jsonl',
      '--impl',
      WRONG,
      '--workers',
      '0',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('N2 (');
  });

  it('compare: an expected row with a product line for such a measure names the row', async () => {
    const deck = join(scratch, 'lined-deck');
    const members = readFileSync('fixtures/decks/no-product-lines-jsonl/members.jsonl', 'utf8');
    rmSync(deck, { recursive: true, force: true });
    mkdirSync(deck);
    writeFileSync(join(deck, 'members.jsonl'), `${members.split('\n')[0] ?? ''}\n`);
    writeFileSync(
      join(deck, 'expected.jsonl'),
      '{"memberId":"N1","measure":"SCR","year":2025,"productLine":"commercial","initialPopulation":true,"denominator":true,"denominatorExclusion":false,"numerator":true}\n',
    );
    const run = await runCli([
      'compare',
      '--rules',
      PACK,
      '--fixtures',
      deck,
      '--impl',
      CORRECT,
      '--workers',
      '0',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('the measure has no product lines');
  });

  it('explain: without --product-line, the header names measure and year only', async () => {
    const member = join(scratch, 'n1.json');
    writeFileSync(
      member,
      readFileSync('fixtures/decks/no-product-lines-jsonl/members.jsonl', 'utf8').split('\n')[0] ??
        '',
    );
    const run = await runCli(['explain', ...RULES, '--year', '2025', '--member', member]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^SCR 2025: member N1$/m);
    expect(run.stdout).toContain('✓ scr-colonoscopy: claim C1 2017-03-01 CPT 45378');
    const json = await runCli([
      'explain',
      ...RULES,
      '--year',
      '2025',
      '--member',
      member,
      '--json',
    ]);
    const evaluation = JSON.parse(json.stdout) as { outcome: Record<string, unknown> };
    expect(evaluation.outcome).not.toHaveProperty('productLine');
    expect(evaluation.outcome['numerator']).toBe(true);
  });

  it('fixtures generate: expected rows without a product line, which compare reads back', async () => {
    for (const format of ['csv', 'jsonl'] as const) {
      const out = join(scratch, `generated-${format}`);
      const generated = await runCli([
        'fixtures',
        'generate',
        ...RULES,
        '--members',
        '60',
        '--out',
        out,
        '--format',
        format,
        '--workers',
        '0',
      ]);
      expect(generated.code, format).toBe(0);
      expect(generated.stdout, format).toContain('where the members land (expected results):');
      expect(generated.stdout, format).not.toContain('product line');
      const expected = readFileSync(join(out, `expected.${format}`), 'utf8')
        .trim()
        .split('\n');
      expect(expected.length, format).toBe(format === 'csv' ? 61 : 60);
      if (format === 'csv') expect(expected[1], format).toMatch(/^M0000001,SCR,2025,,/);
      else expect(JSON.parse(expected[0] ?? '{}'), format).not.toHaveProperty('productLine');
      const compared = await runCli([
        'compare',
        '--rules',
        PACK,
        '--fixtures',
        out,
        '--impl',
        CORRECT,
        '--workers',
        '0',
      ]);
      expect(compared.code, format).toBe(0);
    }
    const coverage = await runCli([
      'coverage',
      ...RULES,
      '--members',
      join(scratch, 'generated-csv'),
    ]);
    expect(coverage.stdout).toMatch(/^all 6 clause outcomes exercised \(60 members\)$/m);
  });
});
