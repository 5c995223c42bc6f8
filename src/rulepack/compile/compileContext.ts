import type { SourceDocument } from '../../model/sourceDocument.ts';
import { formatPath } from '../../model/problem.ts';
import type { Problem } from '../../model/problem.ts';
import type { ProblemCode } from '../../model/problemCodes.ts';
import { parseDateExpression, resolveDate } from '../dateExpression.ts';
import type { CompiledClause, CompiledWindow } from '../compiled.ts';
import type { ClauseSpec } from '../schema.ts';
import type { ValueSet } from '../valueSet.ts';
import type { Located, Path } from './located.ts';
import type { MeasureScope } from './measureScope.ts';
import { suggest } from './suggest.ts';

/**
 * What compiling any clause of a pack reads and writes: the pack's year and value sets, its shared
 * definitions as written, and the list problems are added to. One per `compilePack` call.
 */
export interface CompileContext {
  readonly year: number;
  readonly valueSets: ReadonlyMap<string, ValueSet>;
  /** Shared definitions as written, by id. */
  readonly definitions: ReadonlyMap<string, Located>;
  /**
   * For each shared definition, the clause ids its `onOrAfter`s can name, also through the
   * definitions it uses: the names a measure may have to supply (see `definitionNeedsMeasure`).
   */
  readonly anchorNames: ReadonlyMap<string, ReadonlySet<string>>;
  /** Definitions some measure has used so far. */
  readonly used: Set<string>;
  /** Definitions that stand on their own: compiled once and shared by every measure. */
  readonly shared: MeasureScope;
  readonly problems: Problem[];
}

/** Where one clause is compiled: in which scope, and where it stands as written. */
export interface ClauseSite {
  readonly cx: CompileContext;
  readonly scope: MeasureScope;
  readonly doc: SourceDocument;
  readonly path: Path;
}

/** The same scope and file, further down the path (e.g. `['all', 0]`). */
export function below(site: ClauseSite, ...more: Path): ClauseSite {
  return { ...site, path: [...site.path, ...more] };
}

/** File, line, column and path of a place in a document, for a problem. */
export function locationOf(
  doc: SourceDocument,
  path: Path,
): Pick<Problem, 'file' | 'line' | 'column' | 'path'> {
  return { file: doc.file, ...doc.locate(path), path: formatPath(path) };
}

/** Adds a problem at `site` (further down by `more`). */
export function report(
  site: ClauseSite,
  more: Path,
  problem: { code: ProblemCode; message: string; hint?: string },
): void {
  site.cx.problems.push({ ...problem, ...locationOf(site.doc, [...site.path, ...more]) });
}

/** A date expression resolved to a date of the pack's year (the schema has validated it). */
export function dateOf(cx: CompileContext, text: string): string {
  const expr = parseDateExpression(text);
  if (!expr.ok) throw new Error(`unvalidated date expression: ${text}`);
  return resolveDate(expr.value, cx.year);
}

export function windowOf(
  cx: CompileContext,
  w: { from?: string | undefined; to: string },
): CompiledWindow {
  const to = dateOf(cx, w.to);
  return w.from === undefined ? { to } : { from: dateOf(cx, w.from), to };
}

/**
 * The value sets `names` name, in order; undefined (with a problem for each unknown name, at
 * `site` + `more` + its index) when one does not exist.
 */
export function valueSetsNamed(
  site: ClauseSite,
  more: Path,
  names: readonly string[],
): ValueSet[] | undefined {
  const found: ValueSet[] = [];
  for (const [i, name] of names.entries()) {
    const vs = site.cx.valueSets.get(name);
    if (!vs) {
      report(site, [...more, i], {
        code: 'pack/unknown-value-set',
        message: `value set "${name}" does not exist in this pack`,
        hint: suggest(name, [...site.cx.valueSets.keys()], 'valuesets/*.csv define'),
      });
      continue;
    }
    found.push(vs);
  }
  return found.length === names.length ? found : undefined;
}

/** The fields every compiled clause has, whatever its kind. */
export type CommonFields = Omit<CompiledClause, 'kind'>;

export function commonFields(spec: ClauseSpec, doc: SourceDocument, path: Path): CommonFields {
  return {
    id: spec.id ?? spec.ref ?? '',
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.source !== undefined ? { source: spec.source } : {}),
    ...(spec.assumption !== undefined ? { assumption: spec.assumption } : {}),
    ...(spec.productLines !== undefined ? { productLines: new Set(spec.productLines) } : {}),
    otherwise: spec.otherwise,
    location: { file: doc.file, line: doc.locate(path).line },
    spec,
  };
}
