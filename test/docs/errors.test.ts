// docs/errors.md lists the problem-code catalog; a code added to the catalog and not to the page
// (or left on the page after it is gone) fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES } from '../../src/model/problemCodes.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The rows of the table under `## Problem codes`: code, exit, meaning. */
function documentedCodes(): { code: string; exit: number; meaning: string }[] {
  const section = doc.split(/^## Problem codes$/m)[1] ?? '';
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) => {
      const [code = '', exit = '', meaning = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { code: code.replaceAll('`', ''), exit: Number(exit), meaning };
    });
}

describe('docs/errors.md', () => {
  it('lists exactly the codes of the catalog, each with its exit code and meaning', () => {
    const catalog = Object.entries(PROBLEM_CODES).map(([code, { exit, meaning }]) => ({
      code,
      exit,
      meaning,
    }));
    expect(documentedCodes()).toEqual(catalog);
  });

  it('documents every exit code the catalog uses', () => {
    const exits = new Set(Object.values(PROBLEM_CODES).map((c) => c.exit));
    for (const exit of exits) expect(doc).toMatch(new RegExp(`^\\| ${String(exit)} +\\|`, 'm'));
  });
});
