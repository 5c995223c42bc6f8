import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { entryExists, folderProblem, ioProblem, readTextFile } from '../model/textFile.ts';
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
  valueSetsFileSchema,
} from './schema.ts';
import type { DefinitionsFile, MeasureFile, PackFile } from './schema.ts';
import { readNearMisses } from './nearMisses.ts';
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
 * Reads `pack.yaml`, `definitions/*.yaml`, `measures/*.yaml`, `valuesets/*.csv`, `near-misses/*.csv` and the value sets
 * declared by OID in `valuesets/*.yaml` (without codes: see `expandOidValueSets`) from a pack
 * folder and validates each against its schema. All problems in all files are reported together.
 */
export function loadPackSource(dir: string): Result<PackSource> {
  const display = (path: string) => relative(process.cwd(), path) || path;
  if (!entryExists(dir)) {
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
  const notFolder = folderProblem(dir, { display: display(dir), hint: PACK_FOLDER_HINT });
  if (notFolder) return { ok: false, problems: [notFolder] };
  const problems: Problem[] = [];
  const files: string[] = [];

  const readText = (path: string): string | undefined => {
    files.push(relative(dir, path));
    const text = readTextFile(path, { display: display(path), hint: PACK_FILE_HINT });
    if (!text.ok) {
      problems.push(...text.problems);
      return undefined;
    }
    return text.value;
  };
  const readDoc = (path: string): SourceDocument | undefined => {
    const text = readText(path);
    if (text === undefined) return undefined;
    const parsed = parseSourceText(display(path), text);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      return undefined;
    }
    return parsed.value;
  };

  const packPath = join(dir, 'pack.yaml');
  if (!entryExists(packPath)) {
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

  const listed = (sub: string, extensions: readonly string[]) => {
    const list = listFiles(join(dir, sub), extensions, display);
    if (!list.ok) {
      problems.push(...list.problems);
      return [];
    }
    return list.value.map((name) => join(dir, sub, name));
  };

  const measures: { file: MeasureFile; doc: SourceDocument }[] = [];
  for (const path of listed('measures', YAML)) {
    const doc = readDoc(path);
    if (!doc) continue;
    const r = validateDocument(doc, measureFileSchema, 'measure');
    if (r.ok) measures.push({ file: r.value, doc });
    else problems.push(...r.problems);
  }
  const definitions: { file: DefinitionsFile; doc: SourceDocument }[] = [];
  for (const path of listed('definitions', YAML)) {
    const doc = readDoc(path);
    if (!doc) continue;
    const r = validateDocument(doc, definitionsFileSchema, 'definitions');
    if (r.ok) definitions.push({ file: r.value, doc });
    else problems.push(...r.problems);
  }

  const valueSets = new Map<string, ValueSet>();
  for (const path of listed('valuesets', ['.csv'])) {
    const text = readText(path);
    if (text !== undefined) problems.push(...readValueSets(display(path), text, valueSets));
  }
  for (const path of listed('valuesets', YAML)) {
    const doc = readDoc(path);
    if (!doc) continue;
    const r = validateDocument(doc, valueSetsFileSchema, 'valuesets');
    if (!r.ok) {
      problems.push(...r.problems);
      continue;
    }
    r.value.valueSets.forEach((declared, i) => {
      const existing = valueSets.get(declared.name);
      const at = doc.locate(['valueSets', i]);
      if (existing) {
        problems.push({
          code: 'valueset/duplicate',
          message: `value set "${declared.name}" is also defined in ${existing.file}`,
          file: doc.file,
          line: at.line,
          hint: 'keep each value set in one file',
        });
        return;
      }
      valueSets.set(declared.name, {
        name: declared.name,
        file: doc.file,
        oid: {
          oid: declared.oid,
          ...(declared.source !== undefined ? { source: declared.source } : {}),
          line: at.line,
        },
        codes: new Map(),
        display: new Map(),
        size: 0,
      });
    });
  }

  // Decoys live apart from valuesets/*.csv: an implementation that loads every value-set CSV
  // (as the contract invites) must never load a near miss as a code.
  for (const path of listed('near-misses', ['.csv'])) {
    const text = readText(path);
    if (text === undefined) continue;
    const records = valueSetRecords(display(path), text);
    if (records.ok) problems.push(...readNearMisses(display(path), records.value, valueSets));
    else problems.push(...records.problems);
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

const YAML = ['.yaml', '.yml'] as const;
const PACK_FOLDER_HINT = 'pass a folder such as rules/hedis/2025 that holds pack.yaml';
const PACK_FILE_HINT =
  'every file of a rule pack must be a readable UTF-8 file: replace the link or folder with the file itself';

/**
 * The names in `dir` with one of `extensions`, sorted; none when `dir` is absent. Every entry with
 * such a name is listed, whatever it is (a folder named x.yaml, a dangling link), so reading it
 * reports what is wrong instead of leaving it out.
 */
function listFiles(
  dir: string,
  extensions: readonly string[],
  display: (path: string) => string,
): Result<string[]> {
  if (!entryExists(dir)) return { ok: true, value: [] };
  const notFolder = folderProblem(dir, { display: display(dir), hint: PACK_FOLDER_HINT });
  if (notFolder) return { ok: false, problems: [notFolder] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    return { ok: false, problems: [ioProblem(dir, e, { display: display(dir) })] };
  }
  return {
    ok: true,
    value: names.filter((n) => extensions.some((e) => n.endsWith(e))).sort(),
  };
}

interface MutableValueSet {
  name: string;
  file: string;
  codes: Map<CodeSystem, Set<string>>;
  display: Map<string, string>;
  size: number;
}

const VALUE_SET_COLUMNS = ['value_set', 'code_system', 'code', 'display'] as const;
const VALUE_SET_REQUIRED = ['value_set', 'code_system', 'code'] as const;
const VALUE_SET_HINT =
  'value-set files have the header value_set,code_system,code,display; quote fields that contain commas';

/** Parses one value-set CSV into `into`; returns problems naming the file and line. */
function readValueSets(file: string, text: string, into: Map<string, ValueSet>): Problem[] {
  const problems: Problem[] = [];
  const parsed = valueSetRecords(file, text);
  if (!parsed.ok) return [...parsed.problems];
  const [header, ...rows] = parsed.value;
  if (!header) return [];
  const columns = header.fields.map((f) => f.trim());
  // A bad header makes every row wrong: it is one problem, not one per row.
  const unknown = columns.filter((c) => !(VALUE_SET_COLUMNS as readonly string[]).includes(c));
  const missing = VALUE_SET_REQUIRED.filter((c) => !columns.includes(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (unknown.length > 0 || missing.length > 0 || repeated.length > 0) {
    const what = [
      unknown.length > 0
        ? `unknown column(s) ${unknown.map((c) => JSON.stringify(c)).join(', ')}`
        : '',
      missing.length > 0 ? `missing column(s) ${missing.join(', ')}` : '',
      repeated.length > 0 ? `repeated column(s) ${[...new Set(repeated)].join(', ')}` : '',
    ].filter((x) => x !== '');
    return [
      {
        code: 'valueset/bad-header',
        message: `bad header: ${what.join('; ')}`,
        file,
        line: header.line,
        hint: VALUE_SET_HINT,
      },
    ];
  }
  const records = rows.map((row) => ({
    record: Object.fromEntries(columns.map((c, i) => [c, row.fields[i] ?? ''])),
    info: { lines: row.line },
  }));
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

interface ValueSetRecord {
  /** The line the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * The records of a value-set CSV, each with the line it starts on. A syntax error stops reading
 * and is reported at the line where the bad record starts; an unclosed quote at the quote itself
 * (the parser only notices it at the end of the file).
 */
function valueSetRecords(file: string, text: string): Result<ValueSetRecord[]> {
  const records: ValueSetRecord[] = [];
  // Where the last good record ended, to tell where the next one starts.
  let end = 0;
  let empty = 0;
  try {
    parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      on_record: (fields: string[], context: { lines: number; empty_lines: number }) => {
        records.push({ line: end + 1 + (context.empty_lines - empty), fields });
        end = context.lines;
        empty = context.empty_lines;
        return null;
      },
    });
  } catch (e) {
    const code: unknown = e instanceof Error ? Reflect.get(e, 'code') : undefined;
    const message = e instanceof Error ? e.message : String(e);
    const start = startOfRecord(text, end);
    // A quote left open swallows the lines after it: the parser fails at the end of the file, or
    // at the next quote; the mistake is the quote that opened.
    const quote =
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? unclosedQuote(text, start, false)
        : code === 'CSV_INVALID_CLOSING_QUOTE'
          ? unclosedQuote(text, start, true)
          : undefined;
    return {
      ok: false,
      problems: [
        {
          code: 'valueset/syntax',
          message:
            quote !== undefined
              ? `CSV syntax error: a quoted value starts here and its quote is ${code === 'CSV_QUOTE_NOT_CLOSED' ? 'never closed' : 'not closed on this line'}`
              : `CSV syntax error: ${message.split('\n')[0] ?? message}`,
          file,
          line: quote?.line ?? start.line,
          ...(quote !== undefined ? { column: quote.column } : {}),
          hint: VALUE_SET_HINT,
        },
      ],
    };
  }
  return { ok: true, value: records };
}

/** The first non-empty line after line `end`, and its offset in `text`. */
function startOfRecord(text: string, end: number): { line: number; offset: number } {
  let offset = 0;
  let line = 1;
  while (line <= end) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return { line, offset: text.length };
    offset = next + 1;
    line += 1;
  }
  while (offset < text.length && (text[offset] === '\n' || text[offset] === '\r')) {
    if (text[offset] === '\n') line += 1;
    offset += 1;
  }
  return { line, offset };
}

/**
 * The line and column of the quote still open at the end of the text (or, with `lineOnly`, at the
 * end of the record's first line), reading from `start`.
 */
function unclosedQuote(
  text: string,
  start: { line: number; offset: number },
  lineOnly: boolean,
): { line: number; column: number } | undefined {
  let line = start.line;
  let lineStart = start.offset;
  let open: { line: number; column: number } | undefined;
  for (let i = start.offset; i < text.length; i++) {
    const c = text[i];
    if (c === '"') open = open ? undefined : { line, column: i - lineStart + 1 };
    else if (c === '\n') {
      if (lineOnly) return open;
      line += 1;
      lineStart = i + 1;
    }
  }
  return open;
}
