import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memberJsonSchemas } from '../../src/model/memberJsonSchema.ts';

interface ObjectSchema {
  properties?: Record<string, ObjectSchema>;
  items?: ObjectSchema;
  additionalProperties?: boolean;
}

const schema = memberJsonSchemas()['member.schema.json'] as ObjectSchema;
const itemsOf = (field: string) => schema.properties?.[field]?.items;
const keys = (s: ObjectSchema | undefined) => Object.keys(s?.properties ?? {});

describe('generated JSON Schema for member records', () => {
  it('is committed up to date with the zod schema (run `npm run schema` when this fails)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../schema/member.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(schema);
  });

  it('has every clinical record field, and rejects unknown ones like --strict', () => {
    expect(keys(schema)).toEqual(expect.arrayContaining(['conditions', 'orders']));
    expect(schema.additionalProperties).toBe(false);
    const claim = itemsOf('claims');
    expect(keys(claim)).toEqual(expect.arrayContaining(['kind', 'status', 'doNotPerform']));
    expect(keys(claim?.properties?.codes?.items)).toContain('role');
    expect(keys(itemsOf('observations'))).toEqual(
      expect.arrayContaining(['id', 'endDate', 'status', 'category', 'valueCode']),
    );
    expect(keys(itemsOf('conditions'))).toEqual(
      expect.arrayContaining([
        'id',
        'onset',
        'abatement',
        'codes',
        'clinicalStatus',
        'verificationStatus',
        'category',
      ]),
    );
    expect(keys(itemsOf('orders'))).toEqual(
      expect.arrayContaining(['id', 'kind', 'date', 'daysSupply', 'codes', 'status', 'intent']),
    );
    for (const field of ['claims', 'observations', 'conditions', 'orders']) {
      expect(itemsOf(field)?.additionalProperties, field).toBe(false);
    }
  });
});
