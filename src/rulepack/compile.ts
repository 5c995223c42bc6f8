import { fail, ok } from '../model/problem.ts';
import type { Problem, Result } from '../model/problem.ts';
import { expandOidValueSets, readValueSetBundles } from './valueSetBundle.ts';
import type { CompiledClause, CompiledMeasure, CompiledPack } from './compiled.ts';
import type { PackSource } from './load.ts';
import { loadPackSource } from './load.ts';
import { anchorNames } from './compile/anchorNames.ts';
import {
  compileClause,
  definitionNeedsMeasure,
  resolveDefinition,
} from './compile/compileClause.ts';
import { locationOf } from './compile/compileContext.ts';
import type { CompileContext } from './compile/compileContext.ts';
import type { Located } from './compile/located.ts';
import { duplicateIds } from './compile/duplicateIds.ts';
import { newScope } from './compile/measureScope.ts';
import { namedClauses } from './compile/namedClauses.ts';
import { measureClauses, measureFileRoots } from './clauseTree.ts';
import type { RootPopulation } from './clauseTree.ts';

/** How `loadPack` treats value sets declared by OID. */
export interface LoadPackOptions {
  /** A FHIR ValueSet Bundle (`--valuesets`) to read the codes of value sets by OID from. */
  readonly valueSets?: string | readonly string[] | undefined;
  /**
   * `allow`: value sets by OID may stay without codes when no bundle is given (`pack validate`,
   * `pack diff`: nothing is evaluated). By default a pack that declares them needs the bundle.
   */
  readonly unexpanded?: 'allow';
}

/** Loads, validates, cross-checks and compiles the rule pack in `dir`. */
export function loadPack(dir: string, options: LoadPackOptions = {}): Result<CompiledPack> {
  const loaded = loadPackSource(dir);
  if (!loaded.ok) return loaded;
  const source = loaded.value;
  const byOid = [...source.valueSets.values()].filter((vs) => vs.oid !== undefined);
  if (options.valueSets !== undefined) {
    const bundle = readValueSetBundles(options.valueSets);
    if (!bundle.ok) return bundle;
    const expanded = expandOidValueSets(source.valueSets, bundle.value);
    if (!expanded.ok) return expanded;
    const compiled = compilePack({ ...source, valueSets: expanded.value });
    return compiled.ok ? ok({ ...compiled.value, valueSetBundle: bundle.value.paths }) : compiled;
  }
  if (byOid.length > 0 && options.unexpanded !== 'allow') {
    const first = byOid[0];
    return fail([
      {
        code: 'pack/valuesets-required',
        message: `${source.pack.id} declares ${String(byOid.length)} value set(s) by OID (${byOid
          .slice(0, 3)
          .map((vs) => `"${vs.name}"`)
          .join(', ')}${byOid.length > 3 ? ', ...' : ''}), whose codes are not in the pack`,
        ...(first ? { file: first.file, ...(first.oid ? { line: first.oid.line } : {}) } : {}),
        hint: 'pass --valuesets <bundle.json>: a FHIR Bundle of the ValueSet resources (with expansions) the pack names by OID',
      },
    ]);
  }
  return compilePack(source);
}

/**
 * Compiles a validated pack: resolves references to definitions and value sets (an unknown name is
 * an error here, at load time, never during evaluation), date expressions to dates of the pack's
 * year, and checks that clause ids are unique.
 *
 * Each measure is compiled in its own scope, so a clause of one measure is never visible to
 * another. A shared definition is compiled once and shared by every measure that uses it, unless
 * an `onOrAfter` in it names a clause of the measure: then each measure gets its own copy, anchored
 * on its own clause.
 */
export function compilePack(source: PackSource): Result<CompiledPack> {
  const problems: Problem[] = [];
  const definitions = definitionIndex(source, problems);
  const cx: CompileContext = {
    year: source.pack.year,
    valueSets: source.valueSets,
    definitions,
    anchorNames: anchorNames(definitions),
    used: new Set(),
    shared: newScope({ kind: 'shared' }),
    problems,
  };

  const measures = new Map<string, CompiledMeasure>();
  for (const { file, doc } of source.measures) {
    const before = problems.length;
    const scope = newScope({ kind: 'measure', id: file.id }, namedClauses(file, doc));
    const written = measureFileRoots(file);
    const roots: { population: RootPopulation; clause: CompiledClause }[] = [];
    for (const root of written) {
      const clause = compileClause({ cx, scope, doc, path: root.path }, root.spec);
      if (clause) roots.push({ population: root.population, clause });
    }
    const of = (population: RootPopulation) =>
      roots.filter((r) => r.population === population).map((r) => r.clause);
    const [initialPopulation] = of('initialPopulation');
    const [denominator] = of('denominator');
    const [denominatorExclusion] = of('denominatorExclusion');
    const numerators = of('numerator');
    const strata = of('stratum');
    // A root that failed may have reported nothing new (a shared definition reported once).
    const complete = roots.length === written.length;
    if (problems.length > before || !complete || !initialPopulation) continue;
    if (measures.has(file.id)) {
      problems.push({
        code: 'pack/duplicate-measure',
        message: `measure ${file.id} is defined twice (also in ${measures.get(file.id)?.file ?? '?'})`,
        ...locationOf(doc, ['id']),
      });
      continue;
    }
    const measure: CompiledMeasure = {
      id: file.id,
      title: file.title,
      year: cx.year,
      file: doc.file,
      productLines: file.productLines ?? [],
      ...(file.source !== undefined ? { source: file.source } : {}),
      ...(file.url !== undefined ? { url: file.url } : {}),
      initialPopulation,
      ...(denominator ? { denominator } : {}),
      ...(denominatorExclusion ? { denominatorExclusion } : {}),
      rates: file.rates
        ? file.rates.flatMap((r, i) => {
            const numerator = numerators[i];
            return numerator ? [{ id: r.id, numerator }] : [];
          })
        : numerators.map((numerator) => ({ id: 'numerator', numerator })),
      singleRate: file.rates === undefined,
      strata: (file.strata ?? []).flatMap((s, i) => {
        const when = strata[i];
        if (!when) return [];
        return [
          {
            id: s.id,
            when,
            ...(s.source !== undefined ? { source: s.source } : {}),
            ...(s.assumption !== undefined ? { assumption: s.assumption } : {}),
          },
        ];
      }),
    };
    problems.push(...duplicateIds(measure));
    if (measure.productLines.length === 0) problems.push(...lineScopesWithoutLines(measure));
    measures.set(file.id, measure);
  }
  checkUnusedDefinitions(cx);
  for (const { file, doc } of source.measures) {
    for (const line of file.productLines ?? []) {
      if (!source.pack.productLines.includes(line)) {
        problems.push({
          code: 'pack/product-line-not-in-pack',
          message: `measure ${file.id} lists product line ${line}, which pack.yaml does not`,
          ...locationOf(doc, ['productLines']),
          hint: `add ${line} to productLines in pack.yaml or remove it here`,
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const p = source.pack;
  const shared = new Map<string, CompiledClause>();
  for (const [name, clause] of cx.shared.definitions) if (clause) shared.set(name, clause);
  return {
    ok: true,
    value: {
      id: p.id,
      family: p.family,
      year: p.year,
      version: p.version,
      title: p.title,
      notice: p.notice,
      productLines: p.productLines,
      dir: source.dir,
      measures,
      definitions: shared,
      definitionIds: [...definitions.keys()],
      valueSets: source.valueSets,
    },
  };
}

/**
 * A measure without product lines (an eCQM) is asked without one: a clause scoped to product lines,
 * or an enrollment clause (which reads the product line), cannot be evaluated in it.
 */
function lineScopesWithoutLines(measure: CompiledMeasure): Problem[] {
  const problems: Problem[] = [];
  for (const clause of measureClauses(measure, { anchors: true })) {
    const what =
      clause.productLines !== undefined
        ? 'has productLines'
        : clause.kind === 'enrollment'
          ? 'is an enrollment clause'
          : undefined;
    if (what === undefined) continue;
    problems.push({
      code: 'pack/no-product-lines',
      message: `clause ${clause.id} ${what}, but measure ${measure.id} has no product lines`,
      file: clause.location.file,
      line: clause.location.line,
      hint:
        clause.productLines !== undefined
          ? 'remove productLines from the clause, or give the measure productLines'
          : `give measure ${measure.id} productLines, or remove the enrollment clause`,
    });
  }
  return problems;
}

/** The shared definitions as written, by id; a second definition of an id is a problem. */
function definitionIndex(source: PackSource, problems: Problem[]): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const { file, doc } of source.definitions) {
    file.definitions.forEach((spec, i) => {
      const path = ['definitions', i];
      const id = spec.id;
      if (id === undefined) return; // schema requires id unless ref
      const previous = out.get(id);
      if (previous) {
        problems.push({
          code: 'pack/duplicate-definition',
          message: `definition "${id}" is defined twice (also in ${previous.doc.file})`,
          ...locationOf(doc, [...path, 'id']),
          hint: 'give each shared definition a unique id',
        });
        return;
      }
      out.set(id, { spec, doc, path });
    });
  }
  return out;
}

/**
 * Definitions no measure uses are still checked. One that names a clause only a measure can
 * supply is checked in a scope of its own, where that name is a problem.
 */
function checkUnusedDefinitions(cx: CompileContext): void {
  const unused = [...cx.definitions].filter(([name]) => !cx.used.has(name));
  for (const [name, { doc, path }] of unused) {
    const scope = definitionNeedsMeasure(cx, name, cx.shared)
      ? newScope({ kind: 'unused-definition', definition: name })
      : cx.shared;
    resolveDefinition({ cx, scope, doc, path }, name);
  }
}
