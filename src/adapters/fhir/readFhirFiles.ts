import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Problem } from '../../model/problem.ts';
import { fileProblem, ioProblem, readTextFile } from '../../model/textFile.ts';
import { FHIR_R4_RESOURCE_TYPES } from './fhirTerms.ts';

/** A JSON object as parsed: its values are not known yet. */
export type JsonObject = { readonly [key: string]: unknown };

/** One FHIR resource as read from a file: loose, or an entry of a Bundle. */
export interface FhirEntry {
  readonly type: string;
  readonly id: string;
  readonly json: JsonObject;
  /** The file, as the user named it (the path given, joined with the path inside a folder). */
  readonly file: string;
  /** The JSON path of the resource in its file: `$`, or `$.entry[3].resource` in a Bundle. */
  readonly at: string;
  /**
   * What is skipped together when a file cannot be read: the folder of a loose resource file (a
   * case folder), or the Bundle file.
   */
  readonly unit: string;
  /** The Bundle entry's fullUrl, when it has one (references may use it). */
  readonly fullUrl?: string;
}

/** A problem found while reading, with the unit it spoils (see `FhirEntry.unit`). */
export interface ReadProblem {
  readonly problem: Problem;
  readonly unit: string;
}

export interface FhirFiles {
  readonly files: number;
  readonly entries: FhirEntry[];
  readonly problems: ReadProblem[];
  /** Resources that are not carried (nested Bundles), as entries with their place. */
  readonly nestedBundles: { readonly file: string; readonly at: string }[];
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the FHIR files of `inputs`: a folder is searched recursively for `*.json` files (in name
 * order), a file is read as given. Each file holds a resource or a Bundle, whose entries' resources
 * are read. A file that is not JSON, not a resource, or of a resourceType FHIR R4 does not have is
 * a problem naming the file and the JSON path.
 */
export function readFhirFiles(inputs: readonly string[]): FhirFiles {
  const entries: FhirEntry[] = [];
  const problems: ReadProblem[] = [];
  const nestedBundles: { file: string; at: string }[] = [];
  const paths: string[] = [];
  for (const input of inputs) {
    let isFolder = false;
    try {
      isFolder = statSync(input).isDirectory();
    } catch {
      // fileProblem below says what is wrong with the path.
    }
    if (isFolder) paths.push(...jsonFilesUnder(input, problems));
    else {
      const notFile = fileProblem(input, { hint: 'pass a FHIR .json file or a folder of them' });
      if (notFile) problems.push({ problem: notFile, unit: `folder:${dirname(input)}` });
      else paths.push(input);
    }
  }
  const read: FhirFiles = { files: paths.length, entries, problems, nestedBundles };
  for (const file of paths) {
    const folderUnit = `folder:${dirname(file)}`;
    const text = readTextFile(file);
    if (!text.ok) {
      for (const problem of text.problems) problems.push({ problem, unit: folderUnit });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch (e) {
      problems.push({
        unit: folderUnit,
        problem: {
          code: 'fhir/not-json',
          message: `not JSON: ${e instanceof Error ? e.message : String(e)}`,
          file,
          hint: 'each .json file must hold one FHIR resource or Bundle in JSON',
        },
      });
      continue;
    }
    addDocument(read, file, json);
  }
  return read;
}

/**
 * Reads FHIR documents already parsed (a resource or a Bundle each), as `readFhirFiles` reads
 * files; `file` names each in problems and notes.
 */
export function readFhirDocuments(
  documents: readonly { readonly file: string; readonly json: unknown }[],
): FhirFiles {
  const read: FhirFiles = { files: documents.length, entries: [], problems: [], nestedBundles: [] };
  for (const d of documents) addDocument(read, d.file, d.json);
  return read;
}

/** Adds the resources of one parsed file (a resource, or a Bundle's entries) to `read`. */
function addDocument(read: FhirFiles, file: string, json: unknown): void {
  const { entries, problems, nestedBundles } = read;
  const folderUnit = `folder:${dirname(file)}`;
  const isBundle = isObject(json) && json['resourceType'] === 'Bundle';
  const unit = isBundle ? `bundle:${file}` : folderUnit;
  const add = (value: unknown, at: string, fullUrl: string | undefined) => {
    const resource = readResource(value, file, at);
    if ('problem' in resource) problems.push({ problem: resource.problem, unit });
    else if (resource.type === 'Bundle') nestedBundles.push({ file, at });
    else entries.push({ ...resource, file, at, unit, ...(fullUrl ? { fullUrl } : {}) });
  };
  if (!isBundle || !isObject(json)) {
    add(json, '$', undefined);
    return;
  }
  const list = json['entry'] ?? [];
  if (!Array.isArray(list)) {
    problems.push({ unit, problem: invalid(file, '$.entry', 'entry is not a list') });
    return;
  }
  for (const [i, e] of list.entries()) {
    const at = `$.entry[${String(i)}]`;
    if (!isObject(e)) {
      problems.push({ unit, problem: invalid(file, at, 'a Bundle entry is not an object') });
      continue;
    }
    const fullUrl = typeof e['fullUrl'] === 'string' ? e['fullUrl'] : undefined;
    add(e['resource'], `${at}.resource`, fullUrl);
  }
}

function readResource(
  value: unknown,
  file: string,
  at: string,
): { type: string; id: string; json: JsonObject } | { problem: Problem } {
  if (!isObject(value) || typeof value['resourceType'] !== 'string') {
    return {
      problem: {
        code: 'fhir/not-a-resource',
        message: 'not a FHIR resource: no resourceType',
        file,
        path: at,
        hint: 'a FHIR resource is a JSON object with a resourceType, e.g. "Patient"',
      },
    };
  }
  const type = value['resourceType'];
  if (!FHIR_R4_RESOURCE_TYPES.has(type)) {
    return {
      problem: {
        code: 'fhir/unknown-resource-type',
        message: `${JSON.stringify(type)} is not a FHIR R4 resource type`,
        file,
        path: `${at}.resourceType`,
        hint: 'resource types are spelled as in FHIR R4, e.g. Patient, Encounter, Observation',
      },
    };
  }
  const id = value['id'];
  if (type !== 'Bundle' && (typeof id !== 'string' || id === '')) {
    return { problem: invalid(file, `${at}.id`, `the ${type} has no id`) };
  }
  return { type, id: typeof id === 'string' ? id : '', json: value };
}

function invalid(file: string, path: string, message: string): Problem {
  return {
    code: 'fhir/invalid-resource',
    message,
    file,
    path,
    hint: 'see docs/fhir.md for what the import reads',
  };
}

/** The `*.json` files under `folder`, recursively, in name order; paths joined to `folder`. */
function jsonFilesUnder(folder: string, problems: ReadProblem[]): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch (e) {
    problems.push({ problem: ioProblem(folder, e), unit: `folder:${folder}` });
    return out;
  }
  for (const name of names) {
    const path = join(folder, name);
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      // A dangling link: read as a file below, so its problem is reported.
    }
    if (isFolder) out.push(...jsonFilesUnder(path, problems));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}
