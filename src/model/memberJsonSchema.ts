import { z } from 'zod';
import { strictMemberSchema } from './member.ts';

/**
 * The JSON Schema of the member record (docs/contract.md), generated from the strict zod schema
 * the readers use, so an implementation's own validation can never disagree with measurecheck's.
 * `npm run schema` writes it to `schema/member.schema.json`.
 */
export function memberJsonSchemas(): Record<string, unknown> {
  return {
    'member.schema.json': {
      ...z.toJSONSchema(strictMemberSchema, { io: 'input', unrepresentable: 'any' }),
      title: 'measurecheck member record',
    },
  };
}
