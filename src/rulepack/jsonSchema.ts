import { z } from 'zod';
import {
  definitionsFileSchema,
  measureFileSchema,
  packFileSchema,
  valueSetsFileSchema,
} from './schema.ts';

/**
 * JSON Schemas for the pack files, generated from the zod schemas the loader uses, so editor
 * completion and validation can never disagree. `npm run schema` writes them to `schema/`.
 */
export function packJsonSchemas(): Record<string, unknown> {
  const make = (schema: z.ZodType, title: string) => ({
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    title,
  });
  return {
    'measure.schema.json': make(measureFileSchema, 'measurecheck measure file'),
    'definitions.schema.json': make(definitionsFileSchema, 'measurecheck shared definitions file'),
    'pack.schema.json': make(packFileSchema, 'measurecheck pack.yaml'),
    'valuesets.schema.json': make(valueSetsFileSchema, 'measurecheck value sets by OID'),
  };
}
