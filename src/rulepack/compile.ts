import type { SourceDocument } from '../model/sourceDocument.ts';
import { addDays, formatIsoDate, maxDate, minDate } from '../model/calendarDate.ts';
import { formatPath } from '../model/problem.ts';
import type { Problem, Result } from '../model/problem.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { parseDateExpression, resolveDate } from './dateExpression.ts';
import type {
  CompiledClause,
  CompiledMeasure,
  CompiledPack,
  CompiledWindow,
  EnrollmentSegment,
  GapAllowance,
  OnOrAfter,
  ReadingTest,
} from './compiled.ts';
import type { PackSource } from './load.ts';
import { loadPackSource } from './load.ts';
import type { ClauseSpec, MeasureFile } from './schema.ts';
import type { ValueSet } from './valueSet.ts';

/** Loads, validates, cross-checks and compiles the rule pack in `dir`. */
export function loadPack(dir: string): Result<CompiledPack> {
  const source = loadPackSource(dir);
  if (!source.ok) return source;
  return compilePack(source.value);
}

type Path = readonly PropertyKey[];

/**
 * Compiles a validated pack: resolves references to definitions and value sets (an unknown name is
 * an error here, at load time, never during evaluation), date expressions to dates of the pack's
 * year, and checks that clause ids are unique.
 */
export function compilePack(source: PackSource): Result<CompiledPack> {
  const problems: Problem[] = [];
  const year = source.pack.year;

  const at = (doc: SourceDocument, path: Path) => ({
    file: doc.file,
    ...doc.locate(path),
    path: formatPath(path),
  });

  // Definitions, by id. They may refer to each other; compile on demand and detect cycles.
  const definitionSpecs = new Map<string, { spec: ClauseSpec; doc: SourceDocument; path: Path }>();
  for (const { file, doc } of source.definitions) {
    file.definitions.forEach((spec, i) => {
      const path: Path = ['definitions', i];
      const id = spec.id;
      if (id === undefined) return; // schema requires id unless ref
      const previous = definitionSpecs.get(id);
      if (previous) {
        problems.push({
          code: 'pack/duplicate-definition',
          message: `definition "${id}" is defined twice (also in ${previous.doc.file})`,
          ...at(doc, [...path, 'id']),
          hint: 'give each shared definition a unique id',
        });
        return;
      }
      definitionSpecs.set(id, { spec, doc, path });
    });
  }
  const definitions = new Map<string, CompiledClause>();
  const compiling = new Set<string>();

  const resolveDefinition = (
    name: string,
    doc: SourceDocument,
    path: Path,
  ): CompiledClause | undefined => {
    const done = definitions.get(name);
    if (done) return done;
    const found = definitionSpecs.get(name);
    if (!found) {
      const known = [...definitionSpecs.keys()];
      problems.push({
        code: 'pack/unknown-definition',
        message: `ref "${name}" names no shared definition`,
        ...at(doc, path),
        hint: suggest(name, known, 'definitions/*.yaml define'),
      });
      return undefined;
    }
    if (compiling.has(name)) {
      problems.push({
        code: 'pack/cyclic-definition',
        message: `definition "${name}" refers to itself through ${[...compiling].join(' -> ')}`,
        ...at(doc, path),
      });
      return undefined;
    }
    compiling.add(name);
    const compiled = compileClause(found.spec, found.doc, found.path);
    compiling.delete(name);
    if (compiled) definitions.set(name, compiled);
    return compiled;
  };

  const window = (w: { from?: string | undefined; to: string }): CompiledWindow => {
    const to = date(w.to);
    return w.from === undefined ? { to } : { from: date(w.from), to };
  };
  const date = (text: string): string => {
    const expr = parseDateExpression(text);
    // The schema has already rejected bad expressions.
    if (!expr.ok) throw new Error(`unvalidated date expression: ${text}`);
    return resolveDate(expr.value, year);
  };

  // A clause named by onOrAfter is compiled where it stands and where it is named: compile each
  // spec once, so both places hold the same clause.
  const compiledBySpec = new Map<ClauseSpec, CompiledClause>();
  // Clauses a measure can name by id (onOrAfter): its own, and every shared definition's.
  let namedSpecs = new Map<string, { spec: ClauseSpec; doc: SourceDocument; path: Path }>();

  const compileClause = (
    spec: ClauseSpec,
    doc: SourceDocument,
    path: Path,
  ): CompiledClause | undefined => {
    const done = compiledBySpec.get(spec);
    if (done) return done;
    const compiled = compileClauseOnce(spec, doc, path);
    if (compiled) compiledBySpec.set(spec, compiled);
    return compiled;
  };

  const valueSetsNamed = (
    names: readonly string[],
    doc: SourceDocument,
    path: Path,
  ): ValueSet[] | undefined => {
    const found: ValueSet[] = [];
    for (const [i, name] of names.entries()) {
      const vs = source.valueSets.get(name);
      if (!vs) {
        problems.push({
          code: 'pack/unknown-value-set',
          message: `value set "${name}" does not exist in this pack`,
          ...at(doc, [...path, i]),
          hint: suggest(name, [...source.valueSets.keys()], 'valuesets/*.csv define'),
        });
        continue;
      }
      found.push(vs);
    }
    return found.length === names.length ? found : undefined;
  };

  const onOrAfter = (
    ref: { clause: string; occurrence: number } | undefined,
    doc: SourceDocument,
    path: Path,
  ): { value?: OnOrAfter; ok: boolean } => {
    if (ref === undefined) return { ok: true };
    const named = namedSpecs.get(ref.clause) ?? definitionSpecs.get(ref.clause);
    if (!named || named.spec.event === undefined) {
      problems.push({
        code: 'pack/unknown-clause',
        message: named
          ? `onOrAfter names clause "${ref.clause}", which is not an event clause`
          : `onOrAfter names clause "${ref.clause}", which does not exist in this measure`,
        ...at(doc, [...path, 'clause']),
        hint: named
          ? 'onOrAfter needs an event clause: its distinct dates are counted'
          : suggest(ref.clause, [...namedSpecs.keys()], 'clauses in this measure'),
      });
      return { ok: false };
    }
    const clause = compileClause(named.spec, named.doc, named.path);
    return clause ? { value: { clause, occurrence: ref.occurrence }, ok: true } : { ok: false };
  };

  const compileClauseOnce = (
    spec: ClauseSpec,
    doc: SourceDocument,
    path: Path,
  ): CompiledClause | undefined => {
    const common = {
      id: spec.id ?? spec.ref ?? '',
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      ...(spec.source !== undefined ? { source: spec.source } : {}),
      ...(spec.assumption !== undefined ? { assumption: spec.assumption } : {}),
      ...(spec.productLines !== undefined ? { productLines: new Set(spec.productLines) } : {}),
      otherwise: spec.otherwise,
      location: { file: doc.file, line: doc.locate(path).line },
      spec,
    };
    const children = (
      kind: 'all' | 'any',
      specs: readonly ClauseSpec[],
    ): CompiledClause | undefined => {
      const compiled = specs.map((c, i) => compileClause(c, doc, [...path, kind, i]));
      if (compiled.some((c) => c === undefined)) return undefined;
      return { ...common, kind, children: compiled as CompiledClause[] };
    };
    if (spec.all) return children('all', spec.all);
    if (spec.any) return children('any', spec.any);
    if (spec.not) {
      const child = compileClause(spec.not, doc, [...path, 'not']);
      return child && { ...common, kind: 'not', child };
    }
    if (spec.ref !== undefined) {
      const child = resolveDefinition(spec.ref, doc, [...path, 'ref']);
      if (!child) return undefined;
      // A plain reference is the definition itself; one with its own id or scope wraps it.
      if (spec.id === undefined && spec.productLines === undefined) return child;
      return { ...common, kind: 'ref', definition: spec.ref, child };
    }
    if (spec.age) {
      return {
        ...common,
        kind: 'age',
        asOf: date(spec.age.asOf),
        ...(spec.age.min !== undefined ? { min: spec.age.min } : {}),
        ...(spec.age.max !== undefined ? { max: spec.age.max } : {}),
      };
    }
    if (spec.sex) return { ...common, kind: 'sex', sexes: new Set(spec.sex) };
    if (spec.enrollment) {
      const e = spec.enrollment;
      const segments = {} as Record<ProductLine, EnrollmentSegment[]>;
      for (const line of PRODUCT_LINES) {
        const allowance: GapAllowance = e.allowanceByProductLine?.[line] ?? e.allowance;
        segments[line] = e.periods.flatMap((p, i) => {
          const from = date(p.from);
          const to = date(p.to);
          if (from > to) {
            problems.push({
              code: 'pack/empty-period',
              message: `enrollment period ${p.from}..${p.to} ends before it starts (${from}..${to})`,
              ...at(doc, [...path, 'enrollment', 'periods', i]),
            });
            return [];
          }
          return splitByCalendarYear(from, to, p.allowance ?? allowance);
        });
      }
      return {
        ...common,
        kind: 'enrollment',
        benefit: e.benefit,
        segments,
        ...(e.anchor !== undefined ? { anchor: date(e.anchor) } : {}),
      };
    }
    if (spec.event) {
      const e = spec.event;
      const valueSets = valueSetsNamed(e.valueSets ?? [], doc, [...path, 'event', 'valueSets']);
      const after = onOrAfter(e.onOrAfter, doc, [...path, 'event', 'onOrAfter']);
      if (!valueSets || !after.ok) return undefined;
      return {
        ...common,
        kind: 'event',
        valueSets,
        ...(e.drugs ? { drugs: new Set(e.drugs.map((d) => d.toLowerCase())) } : {}),
        records: new Set(e.records ?? ['claims', 'observations', 'dispensings']),
        window: window(e.window),
        ...(e.settings ? { settings: new Set(e.settings) } : {}),
        ...(e.excludeSettings ? { excludeSettings: new Set(e.excludeSettings) } : {}),
        minDistinctDates: e.minDistinctDates,
        ...(e.modifiers ? { modifiers: new Set(e.modifiers.map((m) => m.toUpperCase())) } : {}),
        ...(after.value ? { onOrAfter: after.value } : {}),
      };
    }
    if (spec.reading) {
      const r = spec.reading;
      const valueSets = valueSetsNamed(r.valueSets, doc, [...path, 'reading', 'valueSets']);
      const after = onOrAfter(r.onOrAfter, doc, [...path, 'reading', 'onOrAfter']);
      if (!valueSets || !after.ok) return undefined;
      const tests: ReadingTest[] = [];
      for (const [i, t] of r.require.entries()) {
        let valueSet: ValueSet | undefined;
        if (t.valueSet !== undefined) {
          valueSet = valueSets.find((v) => v.name === t.valueSet);
          if (!valueSet) {
            problems.push({
              code: 'pack/unknown-value-set',
              message: `reading test names value set "${t.valueSet}", which is not one of this reading's valueSets`,
              ...at(doc, [...path, 'reading', 'require', i, 'valueSet']),
              hint: `use one of: ${r.valueSets.map((n) => `"${n}"`).join(', ')}`,
            });
            continue;
          }
        }
        const comparator = (['below', 'atMost', 'above', 'atLeast'] as const).find(
          (k) => t[k] !== undefined,
        );
        if (comparator === undefined) continue; // the schema requires one
        tests.push({
          ...(valueSet ? { valueSet } : {}),
          comparator,
          threshold: t[comparator] ?? 0,
          ifMissing: t.ifMissing,
        });
      }
      if (tests.length !== r.require.length) return undefined;
      return {
        ...common,
        kind: 'reading',
        valueSets,
        window: window(r.window),
        ...(after.value ? { onOrAfter: after.value } : {}),
        ...(r.settings ? { settings: new Set(r.settings) } : {}),
        ...(r.excludeSettings ? { excludeSettings: new Set(r.excludeSettings) } : {}),
        sameDay: r.sameDay,
        tests,
        ifNone: r.ifNone,
      };
    }
    if (spec.coverage) {
      const c = spec.coverage;
      const valueSets = valueSetsNamed(c.valueSets ?? [], doc, [...path, 'coverage', 'valueSets']);
      if (!valueSets) return undefined;
      return {
        ...common,
        kind: 'coverage',
        valueSets,
        ...(c.drugs ? { drugs: new Set(c.drugs.map((d) => d.toLowerCase())) } : {}),
        window: window(c.window),
        atLeast: c.atLeast,
        shiftSameDrug: c.shiftSameDrug,
        endAtDeath: c.endAtDeath,
        endAtDisenrollment: c.endAtDisenrollment,
      };
    }
    if (spec.status) {
      return {
        ...common,
        kind: 'status',
        kinds: new Set(spec.status.kinds),
        window: window(spec.status.window),
      };
    }
    if (spec.death) return { ...common, kind: 'death', window: window(spec.death.window) };
    unreachableKind(spec);
    return undefined;
  };

  const measures = new Map<string, CompiledMeasure>();
  for (const { file, doc } of source.measures) {
    const before = problems.length;
    namedSpecs = namedClauses(file, doc);
    const clause = (spec: ClauseSpec | undefined, path: Path) =>
      spec === undefined ? undefined : compileClause(spec, doc, path);
    const initialPopulation = clause(file.initialPopulation, ['initialPopulation']);
    const denominator = clause(file.denominator, ['denominator']);
    const denominatorExclusion = clause(file.denominatorExclusion, ['denominatorExclusion']);
    const rates = file.rates
      ? file.rates.map((r, i) => ({
          id: r.id,
          numerator: clause(r.numerator, ['rates', i, 'numerator']),
        }))
      : [{ id: 'numerator', numerator: clause(file.numerator, ['numerator']) }];
    const strata = (file.strata ?? []).map((s, i) => ({
      id: s.id,
      when: clause(s.when, ['strata', i, 'when']),
      ...(s.source !== undefined ? { source: s.source } : {}),
      ...(s.assumption !== undefined ? { assumption: s.assumption } : {}),
    }));
    if (problems.length > before || !initialPopulation) continue;
    if (measures.has(file.id)) {
      problems.push({
        code: 'pack/duplicate-measure',
        message: `measure ${file.id} is defined twice (also in ${measures.get(file.id)?.file ?? '?'})`,
        ...at(doc, ['id']),
      });
      continue;
    }
    const measure: CompiledMeasure = {
      id: file.id,
      title: file.title,
      year,
      file: doc.file,
      productLines: file.productLines,
      ...(file.source !== undefined ? { source: file.source } : {}),
      initialPopulation,
      ...(denominator ? { denominator } : {}),
      ...(denominatorExclusion ? { denominatorExclusion } : {}),
      rates: rates.map((r) => ({ id: r.id, numerator: r.numerator as CompiledClause })),
      singleRate: file.rates === undefined,
      strata: strata.map((s) => ({ ...s, when: s.when as CompiledClause })),
    };
    problems.push(...duplicateIds(measure));
    measures.set(file.id, measure);
  }
  // Definitions no measure uses are still checked.
  for (const [name, { doc, path }] of definitionSpecs) {
    if (!definitions.has(name)) resolveDefinition(name, doc, path);
  }
  for (const { file, doc } of source.measures) {
    for (const line of file.productLines) {
      if (!source.pack.productLines.includes(line)) {
        problems.push({
          code: 'pack/product-line-not-in-pack',
          message: `measure ${file.id} lists product line ${line}, which pack.yaml does not`,
          ...at(doc, ['productLines']),
          hint: `add ${line} to productLines in pack.yaml or remove it here`,
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const p = source.pack;
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
      definitions,
      valueSets: source.valueSets,
    },
  };
}

/** Every clause of a measure file that has an id, by id, with where it stands. */
function namedClauses(
  file: MeasureFile,
  doc: SourceDocument,
): Map<string, { spec: ClauseSpec; doc: SourceDocument; path: Path }> {
  const out = new Map<string, { spec: ClauseSpec; doc: SourceDocument; path: Path }>();
  const visit = (spec: ClauseSpec, path: Path) => {
    if (spec.id !== undefined && !out.has(spec.id)) out.set(spec.id, { spec, doc, path });
    spec.all?.forEach((c, i) => {
      visit(c, [...path, 'all', i]);
    });
    spec.any?.forEach((c, i) => {
      visit(c, [...path, 'any', i]);
    });
    if (spec.not) visit(spec.not, [...path, 'not']);
  };
  visit(file.initialPopulation, ['initialPopulation']);
  if (file.denominator) visit(file.denominator, ['denominator']);
  if (file.denominatorExclusion) visit(file.denominatorExclusion, ['denominatorExclusion']);
  if (file.numerator) visit(file.numerator, ['numerator']);
  file.rates?.forEach((r, i) => {
    visit(r.numerator, ['rates', i, 'numerator']);
  });
  file.strata?.forEach((st, i) => {
    visit(st.when, ['strata', i, 'when']);
  });
  return out;
}

function unreachableKind(spec: ClauseSpec): never {
  throw new Error(`clause ${spec.id ?? '?'} has no kind; the schema should have rejected it`);
}

/** Splits `from..to` at year ends, since gaps are allowed per calendar year. */
function splitByCalendarYear(
  from: string,
  to: string,
  allowance: GapAllowance,
): EnrollmentSegment[] {
  const out: EnrollmentSegment[] = [];
  let start = from;
  while (start <= to) {
    const yearEnd = formatIsoDate(Number(start.slice(0, 4)), 12, 31);
    const end = minDate(yearEnd, to);
    out.push({ from: maxDate(start, from), to: end, allowance });
    start = addDays(end, 1);
  }
  return out;
}

/** Two different clauses with one id would make traces, coverage and diffs ambiguous. */
function duplicateIds(measure: CompiledMeasure): Problem[] {
  const seen = new Map<string, CompiledClause>();
  const problems: Problem[] = [];
  const visit = (c: CompiledClause) => {
    const other = seen.get(c.id);
    if (other && other !== c) {
      problems.push({
        code: 'pack/duplicate-clause-id',
        message: `clause id "${c.id}" is used twice in ${measure.id} (${other.location.file}:${other.location.line} and ${c.location.file}:${c.location.line})`,
        file: c.location.file,
        line: c.location.line,
        hint: 'clause ids must be unique within a measure and its shared definitions',
      });
      return;
    }
    if (other) return;
    seen.set(c.id, c);
    if (c.kind === 'all' || c.kind === 'any') c.children.forEach(visit);
    else if (c.kind === 'not' || c.kind === 'ref') visit(c.child);
  };
  visit(measure.initialPopulation);
  if (measure.denominator) visit(measure.denominator);
  if (measure.denominatorExclusion) visit(measure.denominatorExclusion);
  for (const r of measure.rates) visit(r.numerator);
  for (const s of measure.strata) visit(s.when);
  return problems;
}

/** A hint that proposes the closest known name (for misspellings). */
function suggest(name: string, known: readonly string[], what: string): string {
  const best = known
    .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  if (best && best.d <= Math.max(2, Math.floor(name.length / 4)))
    return `did you mean "${best.k}"?`;
  return `${what}: ${known
    .slice(0, 12)
    .map((k) => `"${k}"`)
    .join(', ')}${known.length > 12 ? ', ...' : ''}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
