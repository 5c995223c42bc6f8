import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseSourceText, validateDocument } from '../model/sourceDocument.ts';
import type { SourceDocument } from '../model/sourceDocument.ts';
import type { Problem, Result } from '../model/problem.ts';
import { formatPath } from '../model/problem.ts';
import type { CodeSystem } from '../model/member.ts';
import {
  definitionsFileSchema,
  measureFileSchema,
  packFileSchema,
  valueSetRowSchema,
} from './schema.ts';
import type { DefinitionsFile, MeasureFile, PackFile } from './schema.ts';
import { normalizeCode } from './valueSet.ts';
import type { ValueSet } from './valueSet.ts';

/** A pack's files, parsed and schema-valid, not yet cross-checked or compiled. */
export interface PackSource {
  readonly dir: string;
  readonly pack: PackFile;
  readonly packDoc: SourceDocument;
  readonly measures: readonly { readonly file: MeasureFile; readonly doc: SourceDocument }[];
  readonly definitions: readonly { readonly file: DefinitionsFile; readonly doc: SourceDocument }[];
  readonly valueSets: ReadonlyMap<string, ValueSet>;
  /** Every file that makes up the pack, relative to `dir`, sorted: the input of the digest. */
  readonly files: readonly string[];
}

/**
 * Reads `pack.yaml`, `definitions/*.yaml`, `measures/*.yaml` and `valuesets/*.csv` from a pack
 * folder and validates each against its schema. All problems in all files are reported together.
 */
export function loadPackSource(dir: string): Result<PackSource> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return {
      ok: false,
      problems: [
        {
          code: 'pack/not-found',
          message: `no rule pack folder at ${dir}`,
          hint: 'pass a folder such as rules/hedis/2025 that holds pack.yaml',
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const files: string[] = [];
  const display = (path: string) => relative(process.cwd(), path) || path;

  const readDoc = (path: string): SourceDocument | undefined => {
    files.push(relative(dir, path));
    const parsed = parseSourceText(display(path), readFileSync(path, 'utf8'));
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      return undefined;
    }
    return parsed.value;
  };

  const packPath = join(dir, 'pack.yaml');
  if (!existsSync(packPath)) {
    return {
      ok: false,
      problems: [
        {
          code: 'pack/no-pack-file',
          message: `${display(dir)} has no pack.yaml`,
          file: display(packPath),
          hint: 'a rule pack folder needs pack.yaml with id, family, year, version, title, notice and productLines',
        },
      ],
    };
  }
  const packDoc = readDoc(packPath);
  const packResult = packDoc ? validateDocument(packDoc, packFileSchema, 'pack') : undefined;
  if (packResult && !packResult.ok) problems.push(...packResult.problems);

  const yamlFiles = (sub: string) =>
    listFiles(join(dir, sub), ['.yaml', '.yml']).map((name) => join(dir, sub, name));

  const measures: { file: MeasureFile; doc: SourceDocument }[] = [];
  for (const path of yamlFiles('measures')) {
    const doc = readDoc(path);
    if (!doc) continue;
    const r = validateDocument(doc, measureFileSchema, 'measure');
    if (r.ok) measures.push({ file: r.value, doc });
    else problems.push(...r.problems);
  }
  const definitions: { file: DefinitionsFile; doc: SourceDocument }[] = [];
  for (const path of yamlFiles('definitions')) {
    const doc = readDoc(path);
    if (!doc) continue;
    const r = validateDocument(doc, definitionsFileSchema, 'definitions');
    if (r.ok) definitions.push({ file: r.value, doc });
    else problems.push(...r.problems);
  }

  const valueSets = new Map<string, ValueSet>();
  for (const name of listFiles(join(dir, 'valuesets'), ['.csv'])) {
    const path = join(dir, 'valuesets', name);
    files.push(relative(dir, path));
    problems.push(...readValueSets(display(path), readFileSync(path, 'utf8'), valueSets));
  }

  if (problems.length > 0 || !packResult?.ok || !packDoc) return { ok: false, problems };
  if (measures.length === 0) {
    return {
      ok: false,
      problems: [
        {
          code: 'pack/no-measures',
          message: `${display(dir)} has no measures/*.yaml`,
          hint: 'add at least one measure file under measures/',
        },
      ],
    };
  }
  files.sort();
  return {
    ok: true,
    value: { dir, pack: packResult.value, packDoc, measures, definitions, valueSets, files },
  };
}

function listFiles(dir: string, extensions: readonly string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => extensions.some((e) => n.endsWith(e)))
    .sort();
}

interface MutableValueSet {
  name: string;
  file: string;
  codes: Map<CodeSystem, Set<string>>;
  display: Map<string, string>;
  size: number;
}

/** Parses one value-set CSV into `into`; returns problems naming the file and line. */
function readValueSets(file: string, text: string, into: Map<string, ValueSet>): Problem[] {
  const problems: Problem[] = [];
  type Row = { record: Record<string, string>; info: { lines: number } };
  let records: Row[];
  try {
    records = parseCsv<Row>(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    return [
      {
        code: 'valueset/syntax',
        message: `CSV syntax error: ${err.message ?? String(e)}`,
        file,
        ...(err.lines !== undefined ? { line: err.lines } : {}),
        hint: 'value-set files have the header value_set,code_system,code,display; quote fields that contain commas',
      },
    ];
  }
  for (const { record, info } of records) {
    const row = valueSetRowSchema.safeParse(record);
    if (!row.success) {
      for (const issue of row.error.issues) {
        problems.push({
          code: 'valueset/invalid-row',
          message:
            issue.code === 'unrecognized_keys'
              ? `unknown column(s) ${issue.keys.join(', ')}`
              : `${formatPath(issue.path) || 'row'}: ${issue.message}`,
          file,
          line: info.lines,
          hint: 'columns are value_set,code_system,code,display; code_system is one of ICD10CM, ICD10PCS, CPT, CPT-CAT-II, HCPCS, LOINC, SNOMEDCT, NDC, RXNORM',
        });
      }
      continue;
    }
    const { value_set, code_system, code } = row.data;
    const existing = into.get(value_set) as MutableValueSet | undefined;
    if (existing && existing.file !== file) {
      problems.push({
        code: 'valueset/duplicate',
        message: `value set "${value_set}" is also defined in ${existing.file}`,
        file,
        line: info.lines,
        hint: 'keep each value set in one file',
      });
      continue;
    }
    const vs: MutableValueSet = existing ?? {
      name: value_set,
      file,
      codes: new Map(),
      display: new Map(),
      size: 0,
    };
    if (!existing) into.set(value_set, vs);
    const normalized = normalizeCode(code_system, code);
    let set = vs.codes.get(code_system);
    if (!set) vs.codes.set(code_system, (set = new Set()));
    if (!set.has(normalized)) {
      set.add(normalized);
      vs.size += 1;
      vs.display.set(`${code_system}|${normalized}`, row.data.display);
    }
  }
  return problems;
}
