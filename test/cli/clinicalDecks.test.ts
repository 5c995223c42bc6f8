import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../adapters/deck/deckTestSupport.ts';
import { runCli } from '../support/runCli.ts';

// fixtures generate for a pack whose clauses read clinical record fields: a JSON Lines deck
// carries them and compare reads it back; a CSV deck, which cannot carry them, is refused with the
// member and the field, and nothing is left behind.
const PACK = [
  '--rules',
  'fixtures/packs/clinical-constructs',
  '--measure',
  'CLIN',
  '--year',
  '2025',
];

describe('fixtures generate for a pack reading clinical record fields', () => {
  const { dir, cleanup } = tempDir('cli-clinical');
  afterAll(cleanup);

  it('writes a JSON Lines deck with conditions and orders that compare agrees with', async () => {
    const deck = join(dir, 'jsonl');
    const args = ['--members', '300', '--out', deck, '--format', 'jsonl', '--workers', '0'];
    const generated = await runCli(['fixtures', 'generate', ...PACK, ...args, '--no-progress']);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    const text = readFileSync(join(deck, 'members.jsonl'), 'utf8');
    expect(text).toContain('"conditions"');
    expect(text).toContain('"orders"');
    expect(text).toContain('"doNotPerform"');
    // compare reads the deck back and evaluates it with the reference: the deck's own expected
    // results, given as the results file, agree member by member.
    const compared = await runCli([
      'compare',
      '--fixtures',
      deck,
      '--rules',
      'fixtures/packs/clinical-constructs',
      '--results',
      join(deck, 'expected.jsonl'),
      '--workers',
      '0',
    ]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain('300 members compared, 300 agree');
  });

  it('refuses a CSV deck, naming the member and the field, and leaves no deck behind', async () => {
    const deck = join(dir, 'csv');
    const args = ['--members', '50', '--out', deck, '--workers', '0', '--no-progress'];
    const run = await runCli(['fixtures', 'generate', ...PACK, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /member M\d+ has [a-z]+(\[\d+\])?[.a-zA-Z[\]\d]*, a clinical record field a CSV deck cannot carry/,
    );
    expect(run.stderr).toContain('--format jsonl');
    expect(existsSync(deck)).toBe(false);
  });
});
