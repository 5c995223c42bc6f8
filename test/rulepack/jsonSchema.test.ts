import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packJsonSchemas } from '../../src/rulepack/jsonSchema.ts';

describe('generated JSON Schema for pack files', () => {
  it('is committed up to date with the zod schemas (run `npm run schema` when this fails)', () => {
    for (const [name, schema] of Object.entries(packJsonSchemas())) {
      const committed: unknown = JSON.parse(
        readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8'),
      );
      expect(committed, name).toEqual(schema);
    }
  });

  it('rejects unknown keys on clauses, so editors flag misspellings', () => {
    const measure = packJsonSchemas()['measure.schema.json'] as {
      $defs: Record<
        string,
        { additionalProperties?: boolean; properties?: Record<string, unknown> }
      >;
    };
    const clause = measure.$defs.Clause;
    expect(clause?.additionalProperties).toBe(false);
    expect(Object.keys(clause?.properties ?? {})).toEqual(
      expect.arrayContaining(['id', 'source', 'productLines', 'all', 'any', 'event', 'enrollment']),
    );
  });
});
