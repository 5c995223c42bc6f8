import { relative } from 'node:path';
import { codeSystemFromFhirUri } from '../model/fhirCodeSystems.ts';
import type { CodeSystem } from '../model/member.ts';
import { fail, ok } from '../model/problem.ts';
import type { Problem, Result } from '../model/problem.ts';
import { readTextFile } from '../model/textFile.ts';
import { normalizeCode } from './valueSet.ts';
import type { ValueSet } from './valueSet.ts';

/** The codes of one ValueSet resource of a bundle, in our code systems. */
export interface BundleValueSet {
  /** The bundle it was read from, as the user named it (bundles given together keep their own). */
  readonly file: string;
  readonly codes: ReadonlyMap<CodeSystem, ReadonlySet<string>>;
  readonly display: ReadonlyMap<string, string>;
  readonly size: number;
  /** Codes of systems measurecheck does not carry, by system URI: left out. */
  readonly skipped: ReadonlyMap<string, number>;
}

/** A FHIR ValueSet Bundle read for `--valuesets`: its value sets by every OID they answer to. */
export interface ValueSetBundle {
  /** The file as the user named it (for messages). */
  readonly file: string;
  /** The paths to read it again (reference workers load packs themselves). */
  readonly paths: readonly string[];
  readonly byOid: ReadonlyMap<string, BundleValueSet>;
  /** ValueSet resources in the bundle. */
  readonly valueSets: number;
}

const NOT_A_BUNDLE_HINT =
  '--valuesets takes a FHIR R4 Bundle (resourceType "Bundle") whose entries are ValueSet resources with an expansion or a compose';

/**
 * Reads a FHIR ValueSet Bundle. A ValueSet answers to an OID by its `id`, by a `url` ending in
 * `/<oid>`, and by each `identifier.value` (`urn:oid:<oid>` or `<oid>`). Its codes are
 * `expansion.contains` (nested `contains` too) or, without an expansion, `compose.include[].concept`;
 * codes of systems without a code system of ours are left out and counted.
 */
export function readValueSetBundle(path: string): Result<ValueSetBundle> {
  const file = relative(process.cwd(), path) || path;
  const text = readTextFile(path, { display: file, hint: NOT_A_BUNDLE_HINT });
  if (!text.ok) return text;
  const notBundle = (message: string): Result<ValueSetBundle> =>
    fail([{ code: 'valuesets/not-a-bundle', message, file, hint: NOT_A_BUNDLE_HINT }]);
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch (e) {
    return notBundle(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(json) || json['resourceType'] !== 'Bundle') {
    const kind = isObject(json) ? json['resourceType'] : undefined;
    return notBundle(
      `not a FHIR Bundle${typeof kind === 'string' ? ` (its resourceType is ${kind})` : ''}`,
    );
  }
  const entries = json['entry'];
  if (!Array.isArray(entries)) return notBundle('a Bundle without entries');
  const byOid = new Map<string, BundleValueSet>();
  let count = 0;
  for (const [i, entry] of entries.entries()) {
    const resource: unknown = isObject(entry) ? entry['resource'] : undefined;
    if (!isObject(resource) || resource['resourceType'] !== 'ValueSet') {
      const kind = isObject(resource) ? resource['resourceType'] : undefined;
      return notBundle(
        `entry[${String(i)}] is not a ValueSet${typeof kind === 'string' ? ` but a ${kind}` : ''}`,
      );
    }
    count += 1;
    const valueSet: BundleValueSet = { file, ...bundleValueSet(resource) };
    for (const oid of oidsOf(resource)) if (!byOid.has(oid)) byOid.set(oid, valueSet);
  }
  if (count === 0) return notBundle('a Bundle without ValueSet resources');
  return ok({ file, paths: [path], byOid, valueSets: count });
}

/**
 * Reads several ValueSet Bundles as one (`--valuesets` given more than once, e.g. one bundle per
 * measure): an OID found in more than one keeps the first bundle's codes.
 */
export function readValueSetBundles(paths: string | readonly string[]): Result<ValueSetBundle> {
  const list = typeof paths === 'string' ? [paths] : paths;
  const bundles: ValueSetBundle[] = [];
  const problems: Problem[] = [];
  for (const path of list) {
    const read = readValueSetBundle(path);
    if (read.ok) bundles.push(read.value);
    else problems.push(...read.problems);
  }
  if (problems.length > 0) return fail(problems);
  const [first, ...rest] = bundles;
  if (first === undefined) {
    return fail([
      {
        code: 'valuesets/not-a-bundle',
        message: 'no value set bundle given',
        hint: NOT_A_BUNDLE_HINT,
      },
    ]);
  }
  if (rest.length === 0) return ok(first);
  const byOid = new Map(first.byOid);
  for (const b of rest) for (const [oid, vs] of b.byOid) if (!byOid.has(oid)) byOid.set(oid, vs);
  return ok({
    file: bundles.map((b) => b.file).join(', '),
    paths: bundles.flatMap((b) => b.paths),
    byOid,
    valueSets: bundles.reduce((n, b) => n + b.valueSets, 0),
  });
}

/**
 * Fills every value set declared by OID in `valueSets` with its codes from `bundle`. An OID the
 * bundle lacks is a problem naming the value set, its OID, where the pack declares it and the
 * bundle.
 */
export function expandOidValueSets(
  valueSets: ReadonlyMap<string, ValueSet>,
  bundle: ValueSetBundle,
): Result<Map<string, ValueSet>> {
  const problems: Problem[] = [];
  const out = new Map<string, ValueSet>();
  for (const [name, vs] of valueSets) {
    if (vs.oid === undefined) {
      out.set(name, vs);
      continue;
    }
    const found = bundle.byOid.get(vs.oid.oid);
    if (!found) {
      problems.push({
        code: 'valuesets/missing-oid',
        message: `value set "${name}" (OID ${vs.oid.oid}) is not in ${bundle.file}`,
        file: vs.file,
        line: vs.oid.line,
        hint: `add the ValueSet with id or url ending in ${vs.oid.oid} to ${bundle.file}, or pass the bundle that has it`,
      });
      continue;
    }
    out.set(name, {
      ...vs,
      oid: {
        ...vs.oid,
        expandedFrom: found.file,
        skippedCodes: [...found.skipped.values()].reduce((a, b) => a + b, 0),
      },
      codes: found.codes,
      display: found.display,
      size: found.size,
    });
  }
  return problems.length > 0 ? fail(problems) : ok(out);
}

/** Every OID a ValueSet resource answers to: its id, its url's last segment, its identifiers. */
function oidsOf(resource: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const id = resource['id'];
  if (typeof id === 'string') out.push(id);
  const url = resource['url'];
  if (typeof url === 'string') {
    const tail = url.slice(url.lastIndexOf('/') + 1);
    if (tail !== '') out.push(tail);
  }
  const identifiers = resource['identifier'];
  for (const identifier of Array.isArray(identifiers) ? identifiers : []) {
    const value: unknown = isObject(identifier) ? identifier['value'] : undefined;
    if (typeof value === 'string') out.push(value.replace(/^urn:oid:/, ''));
  }
  return out;
}

/** The codes of one ValueSet resource: its expansion, else its compose. */
function bundleValueSet(resource: Readonly<Record<string, unknown>>): Omit<BundleValueSet, 'file'> {
  const codes = new Map<CodeSystem, Set<string>>();
  const display = new Map<string, string>();
  const skipped = new Map<string, number>();
  let size = 0;
  const add = (uri: unknown, code: unknown, text: unknown): void => {
    if (typeof uri !== 'string' || typeof code !== 'string' || code.trim() === '') return;
    const system = codeSystemFromFhirUri(uri);
    if (system === undefined) {
      skipped.set(uri, (skipped.get(uri) ?? 0) + 1);
      return;
    }
    const normalized = normalizeCode(system, code);
    let set = codes.get(system);
    if (!set) codes.set(system, (set = new Set()));
    if (set.has(normalized)) return;
    set.add(normalized);
    size += 1;
    display.set(`${system}|${normalized}`, typeof text === 'string' ? text : '');
  };
  const expansion = resource['expansion'];
  if (isObject(expansion)) {
    const walk = (contains: unknown): void => {
      for (const c of Array.isArray(contains) ? contains : []) {
        if (!isObject(c)) continue;
        add(c['system'], c['code'], c['display']);
        walk(c['contains']);
      }
    };
    walk(expansion['contains']);
  } else {
    const compose = resource['compose'];
    const includes = isObject(compose) ? compose['include'] : undefined;
    for (const include of Array.isArray(includes) ? includes : []) {
      if (!isObject(include)) continue;
      const concepts = include['concept'];
      for (const concept of Array.isArray(concepts) ? concepts : []) {
        if (isObject(concept)) add(include['system'], concept['code'], concept['display']);
      }
    }
  }
  return { codes, display, size, skipped };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
