// `compare --accept FILE`: an accepted discrepancy does not fail the compare, and the Markdown and
// JUnit reports a CI job shows say it was accepted and why; an entry that matches nothing in the
// deck is stale and fails the compare in every report.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';
import { attribute, elementsNamed, parseXml } from '../support/xmlTree.ts';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-compare-accept-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const DECK = 'fixtures/decks/no-product-lines-jsonl';
const RUN = ['compare', '--fixtures', DECK, '--rules', 'fixtures/packs/no-product-lines'];
/** Counts a colonoscopy in 9 years, not 10: member N2 (a 2016 colonoscopy) differs. */
const WRONG = 'fixtures/implementations/scr-wrong-colonoscopy-window-8-years.ts';

const ENTRY = `- measure: SCR
  population: numerator
  clause: scr-colonoscopy
  implementation: out
  reason: our vendor's look-back is one year short until release 4.2
  link: https://example.org/tickets/7
`;

async function compare(name: string, impl: string) {
  const accept = join(scratch, `${name}.yaml`);
  writeFileSync(accept, ENTRY);
  const markdown = join(scratch, `${name}.md`);
  const junit = join(scratch, `${name}.xml`);
  const run = await runCli([
    ...RUN,
    '--impl',
    impl,
    '--accept',
    accept,
    '--markdown',
    markdown,
    '--junit',
    junit,
  ]);
  return {
    run,
    accept,
    markdown: readFileSync(markdown, 'utf8'),
    junit: parseXml(readFileSync(junit, 'utf8')),
  };
}

describe('compare --accept', () => {
  it('passes an accepted discrepancy and labels it, with its reason, in Markdown and JUnit', async () => {
    const { run, accept, markdown, junit } = await compare('accepted', WRONG);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(markdown).toContain(
      `- **1** numerator (\`scr-colonoscopy\`): accepted (\`${accept}:1\`): our vendor's look-back is one year short until release 4.2 ([link](https://example.org/tickets/7))`,
    );
    const cases = elementsNamed(junit, 'testcase');
    const acceptedCase = cases.find((c) =>
      attribute(c, 'name').startsWith('numerator: 1 accepted difference(s)'),
    );
    expect(acceptedCase).toBeDefined();
    expect(elementsNamed(junit, 'failure')).toHaveLength(0);
  });

  it('fails on a stale entry and lists it in Markdown and JUnit', async () => {
    const { run, accept, markdown, junit } = await compare(
      'stale',
      'fixtures/implementations/scr-correct.ts',
    );
    expect(run.code).toBe(1);
    expect(markdown).toContain('**1 stale accepted difference(s)**');
    expect(markdown).toContain(`- \`${accept}:1\` SCR numerator \`scr-colonoscopy\``);
    const failures = elementsNamed(junit, 'failure');
    expect(failures.map((f) => attribute(f, 'type'))).toEqual(['stale-accept']);
  });
});
