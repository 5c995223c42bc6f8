import { z } from 'zod';
import { codeSystemSchema } from '../model/member.ts';
import type { Problem } from '../model/problem.ts';
import { formatPath } from '../model/problem.ts';
import { suggest } from './compile/suggest.ts';
import { normalizeCode, valueSetHas } from './valueSet.ts';
import type { NearMissCode, ValueSet } from './valueSet.ts';

/** One parsed CSV record and the line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

const COLUMNS = ['value_set', 'code_system', 'code', 'reason', 'source'] as const;
const REQUIRED = ['value_set', 'code_system', 'code', 'reason'] as const;
const HINT =
  'near-miss files have the header value_set,code_system,code,reason,source; quote fields that contain commas';

const nearMissRowSchema = z.strictObject({
  value_set: z.string().min(1),
  code_system: codeSystemSchema,
  code: z.string().min(1),
  reason: z.string().min(1, 'say why the code looks as if it belongs and does not'),
  source: z.string().default(''),
});

/**
 * Reads the records of one `near-misses/*.csv` into `valueSets` (a near miss is kept on the value
 * set it names). A row naming an unknown value set, or a code the value set holds, is a problem
 * at its line: a decoy must never be a code that counts.
 */
export function readNearMisses(
  file: string,
  records: readonly CsvRecord[],
  valueSets: Map<string, ValueSet>,
): Problem[] {
  const [header, ...rows] = records;
  if (!header) return [];
  const columns = header.fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (unknown.length > 0 || missing.length > 0) {
    const what = [
      unknown.length > 0
        ? `unknown column(s) ${unknown.map((c) => JSON.stringify(c)).join(', ')}`
        : '',
      missing.length > 0 ? `missing column(s) ${missing.join(', ')}` : '',
    ].filter((x) => x !== '');
    return [
      {
        code: 'nearmiss/bad-header',
        message: `bad header: ${what.join('; ')}`,
        file,
        line: header.line,
        hint: HINT,
      },
    ];
  }
  const problems: Problem[] = [];
  const added = new Map<string, NearMissCode[]>();
  for (const row of rows) {
    const record = Object.fromEntries(columns.map((c, i) => [c, row.fields[i] ?? '']));
    const parsed = nearMissRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({
          code: 'nearmiss/invalid-row',
          message: `${formatPath(issue.path) || 'row'}: ${issue.message}`,
          file,
          line: row.line,
          hint: HINT,
        });
      continue;
    }
    const { value_set, code_system, code, reason, source } = parsed.data;
    const vs = valueSets.get(value_set);
    if (!vs) {
      problems.push({
        code: 'nearmiss/unknown-value-set',
        message: `near miss ${code_system} ${code} names value set "${value_set}", which the pack does not define`,
        file,
        line: row.line,
        hint: suggest(value_set, [...valueSets.keys()].sort(), 'known value sets'),
      });
      continue;
    }
    if (valueSetHas(vs, code_system, code)) {
      problems.push({
        code: 'nearmiss/in-value-set',
        message: `${code_system} ${code} is listed as a near miss of "${value_set}" but is one of its codes (${vs.file})`,
        file,
        line: row.line,
        hint: 'a near miss must not count: remove the row, or the code from the value set',
      });
      continue;
    }
    const list = added.get(value_set) ?? [];
    list.push({
      system: code_system,
      code: normalizeCode(code_system, code),
      reason,
      ...(source !== '' ? { source } : {}),
      file,
      line: row.line,
    });
    added.set(value_set, list);
  }
  for (const [name, list] of added) {
    const vs = valueSets.get(name);
    if (vs) valueSets.set(name, { ...vs, nearMisses: [...(vs.nearMisses ?? []), ...list] });
  }
  return problems;
}
