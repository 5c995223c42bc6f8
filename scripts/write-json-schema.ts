// Writes schema/*.json from the zod schemas (npm run schema). A test fails when they are stale.
import { writeFileSync } from 'node:fs';
import { memberJsonSchemas } from '../src/model/memberJsonSchema.ts';
import { packJsonSchemas } from '../src/rulepack/jsonSchema.ts';

const dir = new URL('../schema/', import.meta.url);
for (const [name, schema] of Object.entries({ ...packJsonSchemas(), ...memberJsonSchemas() })) {
  writeFileSync(new URL(name, dir), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`wrote schema/${name}\n`);
}
