import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  clauseSchema,
  definitionsFileSchema,
  measureFileSchema,
  packFileSchema,
  valueSetsFileSchema,
} from '../../src/rulepack/schema.ts';
import { splitShellWords } from '../../src/adapters/shellWords.ts';
import { runCli } from '../support/runCli.ts';

const doc = readFileSync(new URL('../../docs/authoring.md', import.meta.url), 'utf8');

const SCHEMAS = {
  clause: clauseSchema,
  measure: measureFileSchema,
  definitions: definitionsFileSchema,
  pack: packFileSchema,
  valuesets: valueSetsFileSchema,
} satisfies Record<string, z.ZodType>;
type BlockKind = keyof typeof SCHEMAS;

const blocks = [
  ...doc.matchAll(/```yaml (clause|measure|definitions|pack|valuesets)\n([\s\S]*?)```/g),
].map((m) => ({ kind: m[1] as BlockKind, text: m[2] ?? '' }));

/** ```console blocks: a `$ npx measurecheck ...` line, then what it prints (`...` elides lines). */
const consoleBlocks = [...doc.matchAll(/```console\n\$ npx measurecheck (.*)\n([\s\S]*?)```/g)].map(
  (m) => ({ command: m[1] ?? '', output: (m[2] ?? '').replace(/\n$/, '').split('\n') }),
);

describe('docs/authoring.md examples', () => {
  it('has examples of every clause kind and of the newer constructs', () => {
    const text = blocks.map((b) => b.text).join('\n');
    for (const kind of [
      'age:',
      'sex:',
      'enrollment:',
      'event:',
      'status:',
      'death:',
      'all:',
      'not:',
      'ref:',
      'any:',
      'reading:',
      'coverage:',
      'modifiers:',
      'onOrAfter:',
      'rates:',
      'strata:',
      'allowanceByProductLine:',
      'digest:',
      // The clinical options of event and reading.
      'kinds:',
      'statuses:',
      'intents:',
      'doNotPerform:',
      'categories:',
      'value: present',
      'with:',
      'by: overlap',
      'mostRecentDate: all',
      'ifAnyMissing:',
      'valueIn:',
      'claimResults:',
      'ongoingStatuses:',
    ]) {
      expect(text, kind).toContain(kind);
    }
    // An event with settings only (no value sets, no drugs).
    expect(text).toMatch(/event:\n {2}settings: \[inpatient-nonacute\]\n {2}records: \[claims\]/);
    expect(new Set(blocks.map((b) => b.kind))).toEqual(
      new Set(['clause', 'measure', 'definitions', 'pack', 'valuesets']),
    );
  });

  it.each(blocks.map((b, i) => [i + 1, b.kind, b] as const))(
    'example %i (%s) validates against the pack schema',
    (_, kind, block) => {
      const result = SCHEMAS[kind].safeParse(parse(block.text));
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );

  it('shows commands whose output is what they print', async () => {
    expect(consoleBlocks.length).toBeGreaterThan(0);
    for (const block of consoleBlocks) {
      const args = splitShellWords(block.command);
      if (!args.ok) throw new Error(`cannot split ${block.command}`);
      const run = await runCli(args.value);
      const printed = run.stdout.replace(/\n$/, '').split('\n');
      // Every shown line is printed, in order; "..." stands for lines left out.
      let at = 0;
      for (const line of block.output) {
        if (line.trim() === '...') continue;
        const found = printed.indexOf(line, at);
        expect(
          found,
          `"${line}" is printed by measurecheck ${block.command}`,
        ).toBeGreaterThanOrEqual(at);
        at = found + 1;
      }
    }
  });
});
