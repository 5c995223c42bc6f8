import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { clauseSchema, measureFileSchema } from '../../src/rulepack/schema.ts';

const doc = readFileSync(new URL('../../docs/authoring.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```yaml (clause|measure)\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1] as 'clause' | 'measure',
  text: m[2] ?? '',
}));

describe('docs/authoring.md examples', () => {
  it('has examples of every clause kind', () => {
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
    ]) {
      expect(text, kind).toContain(kind);
    }
  });

  it.each(blocks.map((b, i) => [i + 1, b] as const))(
    'example %i validates against the pack schema',
    (_, block) => {
      const schema = block.kind === 'clause' ? clauseSchema : measureFileSchema;
      const result = schema.safeParse(parse(block.text));
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );
});
