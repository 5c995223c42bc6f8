import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { formatPath } from '../model/problem.ts';
import type { Problem, Result } from '../model/problem.ts';
import { parseSourceText } from '../model/sourceDocument.ts';
import { compilePack, loadPack } from './compile.ts';
import { parseDateExpression } from './dateExpression.ts';
import { manifestPath } from './digest.ts';
import { loadPackSource } from './load.ts';
import { rawValue, removeEntries, setEntry, setScalar, topLevelEntries } from './packYamlText.ts';

/** The version a new year starts at: a draft, not released (no digest). */
export const NEW_YEAR_VERSION = '0.1.0';

export interface NewYearOptions {
  /** The measurement year of the new pack. */
  readonly year: number;
  /** Folder to create; default: a sibling of the source folder named by the year. */
  readonly out?: string;
  /** Date for the changelog entry (YYYY-MM-DD); omitted means no date. */
  readonly today?: string;
}

/** Something in the copied pack a reviewer should look at, located in the new pack. */
export interface NewYearNote {
  /** File relative to the new pack, with `/` separators. */
  readonly file: string;
  readonly line: number;
  /** Path inside the file, e.g. `strata[0].source`. */
  readonly path: string;
  /** The nearest clause (or stratum) id around it. */
  readonly clause?: string;
  readonly message: string;
}

export interface NewYearResult {
  readonly from: {
    readonly dir: string;
    readonly id: string;
    readonly version: string;
    readonly year: number;
  };
  readonly to: {
    readonly dir: string;
    readonly id: string;
    readonly version: string;
    readonly year: number;
  };
  /** Files copied, relative to the pack, `/` separators. */
  readonly files: readonly string[];
  /** Files in the source folder that are not part of the pack and were not copied. */
  readonly notCopied: readonly string[];
  /** Literal dates: they do not move with the year. */
  readonly warnings: readonly NewYearNote[];
  /** Sources and texts that name the old year: check the new year's edition. */
  readonly review: readonly NewYearNote[];
}

/**
 * Starts the rule pack for a new measurement year as a copy of the pack in `dir`. The copy gets
 * the new `year`, the id `<family>-<year>`, version 0.1.0 without a digest (a draft), the title
 * with the year replaced and a changelog that says where it started from. Date expressions are
 * relative to the MY and carry over unchanged; literal dates are reported as warnings, and sources
 * and texts that name the old year as notes to review. Never overwrites an existing folder.
 *
 * @example
 * startNewYear('rules/hedis/2025', { year: 2026 }); // writes rules/hedis/2026
 */
export function startNewYear(dir: string, options: NewYearOptions): Result<NewYearResult> {
  const loaded = loadPackSource(dir);
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  const compiled = compilePack(source);
  if (!compiled.ok) return compiled;
  const { family, year: oldYear, id: oldId, version: oldVersion } = source.pack;
  const year = options.year;
  if (!Number.isInteger(year) || year < 1900 || year > 2999) {
    return fail({
      code: 'usage/bad-year',
      message: `${String(year)} is not a measurement year`,
      hint: 'pass a year such as 2026',
    });
  }
  if (year === oldYear) {
    return fail({
      code: 'new-year/same-year',
      message: `${oldId} is already the pack for ${year}`,
      hint: `pass the year to start, e.g. --year ${oldYear + 1}`,
    });
  }
  const sourceDir = resolve(dir);
  const out = resolve(options.out ?? join(dirname(sourceDir), String(year)));
  if (existsSync(out)) {
    return fail({
      code: 'new-year/out-exists',
      message: `refusing to overwrite ${displayPath(out)}: it already exists`,
      hint: 'choose another folder with --out, or remove the existing one first if it is a leftover',
    });
  }
  if (out === sourceDir || out.startsWith(sourceDir + sep)) {
    return fail({
      code: 'new-year/out-inside-source',
      message: `the new pack ${displayPath(out)} would be inside the pack it copies`,
      hint: 'choose a folder outside it with --out',
    });
  }
  const packText = readFileSync(join(dir, 'pack.yaml'), 'utf8');
  const entries = topLevelEntries(packText);
  if (typeof entries === 'string') {
    return fail({
      code: 'pack/not-editable',
      message: `cannot edit pack.yaml: ${entries}`,
      file: source.packDoc.file,
      hint: 'write pack.yaml as a block mapping, one key per line (as rules/hedis/2025/pack.yaml)',
    });
  }

  const newId = `${family}-${year}`;
  const newPackText = newYearPackYaml(packText, {
    id: newId,
    year,
    oldYear,
    started: `started from ${oldId} v${oldVersion}${source.pack.digest === undefined ? ' (a draft)' : ''}`,
    ...(options.today !== undefined ? { today: options.today } : {}),
  });

  const files = source.files.map(manifestPath);
  const written = writeNewPack(dir, source.files, newPackText, sourceDir, out);
  if (!written.ok) return written;

  const { warnings, review } = notesFor(out, files, oldYear, year);
  const inPack = new Set(files);
  const notCopied = listFilesRecursive(sourceDir).filter((f) => !inPack.has(f));
  return {
    ok: true,
    value: {
      from: { dir, id: oldId, version: oldVersion, year: oldYear },
      to: { dir: displayPath(out), id: newId, version: NEW_YEAR_VERSION, year },
      files,
      notCopied,
      warnings,
      review,
    },
  };
}

/**
 * Writes the new pack beside `out` and renames it into place at the end, so a failure never
 * leaves half a pack; it is validated before the rename.
 */
function writeNewPack(
  dir: string,
  files: readonly string[],
  packYaml: string,
  sourceDir: string,
  out: string,
): Result<undefined> {
  let staging: string | undefined;
  try {
    mkdirSync(dirname(out), { recursive: true });
    staging = mkdtempSync(join(dirname(out), `.${basename(out)}.new-year-`));
    for (const file of files) {
      const target = join(staging, file);
      mkdirSync(dirname(target), { recursive: true });
      if (manifestPath(file) === 'pack.yaml') writeFileSync(target, packYaml);
      else copyFileSync(join(dir, file), target);
    }
    // Value sets by OID stay without codes: the new pack is checked, not evaluated.
    const check = loadPack(staging, { unexpanded: 'allow' });
    if (!check.ok) return { ok: false, problems: check.problems };
    // mkdtemp makes a private folder; the new pack gets the permissions of the one it copies.
    chmodSync(staging, statSync(sourceDir).mode & 0o7777);
    renameSync(staging, out);
    return { ok: true, value: undefined };
  } catch (e) {
    return fail({
      code: 'new-year/write-failed',
      message: `could not write ${displayPath(out)}: ${e instanceof Error ? e.message : String(e)}`,
      hint: 'check that its parent folder is writable',
    });
  } finally {
    if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
  }
}

/** pack.yaml for the new year: only id, year, version, title, digest, files and changelog change. */
function newYearPackYaml(
  text: string,
  p: { id: string; year: number; oldYear: number; started: string; today?: string },
): string {
  let next = setScalar(text, 'id', p.id);
  next = setScalar(next, 'year', String(p.year));
  next = setScalar(next, 'version', NEW_YEAR_VERSION);
  const title = rawValue(next, 'title');
  if (title !== undefined) {
    next = setScalar(next, 'title', title.replace(yearPattern(p.oldYear), String(p.year)));
  }
  next = removeEntries(next, ['digest', 'files']);
  // The old changelog is the history of the old pack; the new one starts here.
  return setEntry(
    next,
    'changelog',
    [
      {
        version: NEW_YEAR_VERSION,
        ...(p.today !== undefined ? { date: p.today } : {}),
        changes: [p.started],
      },
    ],
    'productLines',
  );
}

function yearPattern(year: number): RegExp {
  return new RegExp(`(?<![0-9])${year}(?![0-9])`, 'g');
}

const TEXT_KEYS = new Set(['description', 'assumption', 'title', 'notice']);

/** Literal dates (warnings) and sources or texts naming the old year (review) in the new pack. */
function notesFor(
  dir: string,
  files: readonly string[],
  oldYear: number,
  year: number,
): { warnings: NewYearNote[]; review: NewYearNote[] } {
  const warnings: NewYearNote[] = [];
  const review: NewYearNote[] = [];
  const mentionsOldYear = (s: string) => yearPattern(oldYear).test(s);
  for (const file of files) {
    if (!/\.ya?ml$/.test(file)) continue;
    const parsed = parseSourceText(file, readFileSync(join(dir, file), 'utf8'));
    if (!parsed.ok) continue;
    const doc = parsed.value;
    const visit = (value: unknown, path: readonly PropertyKey[], clause: string | undefined) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          visit(v, [...path, i], clause);
        });
        return;
      }
      if (value !== null && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        const id = typeof record.id === 'string' ? record.id : clause;
        for (const [key, v] of Object.entries(record)) {
          // pack.yaml's changelog was just written; its dates are not logic.
          if (file === 'pack.yaml' && key === 'changelog') continue;
          visit(v, [...path, key], id);
        }
        return;
      }
      if (typeof value !== 'string') return;
      const key = path.at(-1);
      const note = (message: string): NewYearNote => ({
        file,
        line: doc.locate(path).line,
        path: formatPath(path),
        ...(clause !== undefined ? { clause } : {}),
        message,
      });
      const parsed = /^\d{4}-\d{2}-\d{2}$/.test(value.trim())
        ? parseDateExpression(value)
        : undefined;
      const absoluteYear = parsed?.ok === true ? parsed.value.absoluteYear : undefined;
      if (absoluteYear !== undefined) {
        const offset = absoluteYear - oldYear;
        const relative = `MY${offset === 0 ? '' : offset < 0 ? String(offset) : `+${offset}`}-${value.trim().slice(5)}`;
        warnings.push(
          note(
            `literal date ${value} does not move with the year: review it for MY${year}, or write it relative to the MY (${relative} was ${value} for MY${oldYear})`,
          ),
        );
      } else if (key === 'source' && mentionsOldYear(value)) {
        review.push(note(`source names ${oldYear}: find its ${year} edition: ${value}`));
      } else if (typeof key === 'string' && TEXT_KEYS.has(key) && mentionsOldYear(value)) {
        review.push(note(`${key} mentions ${oldYear}: check it still holds for MY${year}`));
      }
    };
    visit(doc.value, [], undefined);
  }
  return { warnings, review };
}

function listFilesRecursive(root: string, sub = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, sub), { withFileTypes: true })) {
    const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFilesRecursive(root, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** A path as the user would type it: relative to the working folder when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function fail<T>(problem: Problem): Result<T> {
  return { ok: false, problems: [problem] };
}
