import type { ProblemCode } from '../../model/problemCodes.ts';
import type { CompiledClause, OnOrAfter } from '../compiled.ts';
import { CLAUSE_KINDS } from '../schema.ts';
import type { ClauseSpec } from '../schema.ts';
import { CLAUSE_COMPILERS } from './clauseCompilers.ts';
import type { ClauseLinks } from './clauseCompilers.ts';
import { commonFields, report } from './compileContext.ts';
import type { ClauseSite, CommonFields, CompileContext } from './compileContext.ts';
import type { MeasureScope } from './measureScope.ts';
import { suggest } from './suggest.ts';

/**
 * Compiles the written clause `spec` standing at `site`, in the site's scope. Each spec is
 * compiled once per scope: a clause an `onOrAfter` names is the very clause where it stands.
 * Undefined when it has problems (already reported).
 */
export function compileClause(site: ClauseSite, spec: ClauseSpec): CompiledClause | undefined {
  const { scope } = site;
  if (scope.clauses.has(spec)) return scope.clauses.get(spec);
  const kind = CLAUSE_KINDS.find((k) => spec[k] !== undefined);
  if (kind === undefined) {
    throw new Error(`clause ${spec.id ?? '?'} has no kind; the schema should have rejected it`);
  }
  // One cast, here: TypeScript cannot correlate the table's entry with the kind found in `spec`.
  const compile = CLAUSE_COMPILERS[kind] as (
    spec: ClauseSpec,
    site: ClauseSite,
    common: CommonFields,
    links: ClauseLinks,
  ) => CompiledClause | undefined;
  scope.compiling.add(spec);
  const compiled = compile(spec, site, commonFields(spec, site.doc, site.path), LINKS);
  scope.compiling.delete(spec);
  scope.clauses.set(spec, compiled);
  return compiled;
}

/**
 * True when shared definition `name` must be compiled in `scope` rather than once for the pack:
 * an `onOrAfter` in it (or in a definition it uses) names a clause of the scope's measure, or a
 * clause no shared definition has (which only a measure can supply).
 */
export function definitionNeedsMeasure(
  cx: CompileContext,
  name: string,
  scope: MeasureScope,
): boolean {
  for (const named of cx.anchorNames.get(name) ?? []) {
    if (scope.named.has(named) || !cx.definitions.has(named)) return true;
  }
  return false;
}

/**
 * The shared definition `name`, for a clause at `site` (the path of the name). A definition that
 * names no measure's clause is compiled once, in the pack's shared scope, and is the same object
 * in every measure; one that does is compiled in the measure's own scope.
 */
export function resolveDefinition(site: ClauseSite, name: string): CompiledClause | undefined {
  const { cx } = site;
  const found = cx.definitions.get(name);
  if (!found) {
    report(site, [], {
      code: 'pack/unknown-definition',
      message: `ref "${name}" names no shared definition`,
      hint: suggest(name, [...cx.definitions.keys()], 'definitions/*.yaml define'),
    });
    return undefined;
  }
  cx.used.add(name);
  const home = definitionNeedsMeasure(cx, name, site.scope) ? site.scope : cx.shared;
  if (home.definitions.has(name)) return home.definitions.get(name);
  if (home.definitionStack.includes(name)) {
    report(site, [], {
      code: 'pack/cyclic-definition',
      message: `definition "${name}" refers to itself through ${home.definitionStack.join(' -> ')}`,
    });
    return undefined;
  }
  home.definitionStack.push(name);
  const compiled = compileClause({ cx, scope: home, doc: found.doc, path: found.path }, found.spec);
  home.definitionStack.pop();
  home.definitions.set(name, compiled);
  return compiled;
}

/**
 * The event clause an `onOrAfter` at `site` (the path of the `onOrAfter` value) names: a clause of
 * the scope's measure, else a shared definition. Outside a measure only shared definitions can be
 * named.
 */
export function resolveAnchor(
  site: ClauseSite,
  ref: { readonly clause: string; readonly occurrence: number } | undefined,
): { value?: OnOrAfter; ok: boolean } {
  if (ref === undefined) return { ok: true };
  const { cx, scope } = site;
  const own = scope.named.get(ref.clause);
  const target = own ?? cx.definitions.get(ref.clause);
  if (!target) {
    report(site, ['clause'], unknownAnchor(cx, scope, ref.clause));
    return { ok: false };
  }
  if (target.spec.event === undefined) {
    report(site, ['clause'], {
      code: 'pack/unknown-clause',
      message: `onOrAfter names clause "${ref.clause}", which is not an event clause`,
      hint: 'onOrAfter needs an event clause: its distinct dates are counted',
    });
    return { ok: false };
  }
  if (scope.compiling.has(target.spec)) {
    report(site, ['clause'], {
      code: 'pack/cyclic-clause',
      message: `onOrAfter names clause "${ref.clause}", whose own records count only after this clause's: onOrAfter must not form a cycle`,
      hint: 'name an event that comes first, e.g. the diagnosis a visit must follow',
    });
    return { ok: false };
  }
  const clause = own
    ? compileClause({ cx, scope, doc: own.doc, path: own.path }, own.spec)
    : resolveDefinition({ ...site, path: [...site.path, 'clause'] }, ref.clause);
  return clause ? { value: { clause, occurrence: ref.occurrence }, ok: true } : { ok: false };
}

function unknownAnchor(
  cx: CompileContext,
  scope: MeasureScope,
  name: string,
): { code: ProblemCode; message: string; hint: string } {
  const owner = scope.owner;
  switch (owner.kind) {
    case 'measure':
      return {
        code: 'pack/unknown-clause',
        message: `onOrAfter names clause "${name}", which does not exist in measure ${owner.id}`,
        hint: suggest(
          name,
          [...scope.named.keys(), ...cx.definitions.keys()],
          `clauses of ${owner.id} and shared definitions`,
        ),
      };
    case 'unused-definition':
      return {
        code: 'pack/unbound-clause',
        message: `onOrAfter names clause "${name}", which is not a shared definition: only a measure that uses "${owner.definition}" can supply it, and no measure does`,
        hint: `use "${owner.definition}" (ref: ${owner.definition}) in a measure with an event clause "${name}", name a shared event definition instead, or remove "${owner.definition}"`,
      };
    case 'shared':
      // Definitions whose onOrAfter names no shared definition are never compiled here.
      throw new Error(`shared definition names clause "${name}" outside any measure`);
  }
}

/** How a kind's compiler reaches other clauses (see `ClauseLinks`). */
const LINKS: ClauseLinks = {
  clause: compileClause,
  definition: resolveDefinition,
  anchor: resolveAnchor,
};
