import { relative, resolve } from 'node:path';
import { formatPath } from '../model/problem.ts';
import type { Problem, Result } from '../model/problem.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import {
  canonicalDate,
  describeAge,
  describeAllowance,
  describeOnOrAfter,
  describeReadingTest,
  describeScope,
  describeWindow,
  kindOf,
  percent,
  plural,
  resolvedWindow,
  sortedList,
  summarizeClause,
} from './clauseText.ts';
import type { WindowSpec } from './clauseText.ts';
import { compilePack } from './compile.ts';
import { manifestPath } from './digest.ts';
import { loadPackSource } from './load.ts';
import type { PackSource } from './load.ts';
import type { ClauseKind, ClauseSpec, MeasureFile } from './schema.ts';
import type { ValueSet } from './valueSet.ts';

/**
 * The semantic diff of two rule packs, clause by clause, in the language of the spec: measures are
 * matched by id, clauses by id (shared definitions too), value sets by name. Dates are compared as
 * expressions, so a pack moved to the next year is not a change. Citations and wording are
 * "minor"; the pack's identity (id, year, version, title, changelog, digest) is "metadata"; only
 * "semantic" changes make two packs different.
 */

/** `semantic`: changes who is counted. `minor`: citations and wording. `metadata`: identity. */
export type ChangeLevel = 'semantic' | 'minor' | 'metadata';

export type ChangeKind =
  | 'metadata'
  | 'notice'
  | 'family'
  | 'scope'
  | 'measure-added'
  | 'measure-removed'
  | 'title'
  | 'description'
  | 'source'
  | 'assumption'
  | 'rate-added'
  | 'rate-removed'
  | 'stratum-added'
  | 'stratum-removed'
  | 'strata-order'
  | 'clause-added'
  | 'clause-removed'
  | 'clause-moved'
  | 'clause-kind'
  | 'ref'
  | 'age'
  | 'sex'
  | 'enrollment'
  | 'allowance'
  | 'window'
  | 'value-sets'
  | 'event'
  | 'status'
  | 'reading'
  | 'coverage'
  | 'clause'
  | 'definition-added'
  | 'definition-removed'
  | 'value-set-added'
  | 'value-set-removed'
  | 'codes'
  | 'display';

/** One difference between two packs. `message` is the sentence a reviewer reads. */
export interface PackChange {
  readonly kind: ChangeKind;
  readonly level: ChangeLevel;
  readonly measure?: string;
  readonly definition?: string;
  readonly valueSet?: string;
  /** The clause id (or `ref <definition>` for a plain reference). */
  readonly clause?: string;
  /** File of the new pack (of the old one for something removed), `/` separators. */
  readonly file?: string;
  /** Path inside that file, e.g. `initialPopulation.all[0].age`. */
  readonly path?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly message: string;
}

export interface PackRef {
  readonly dir: string;
  readonly id: string;
  readonly version: string;
  readonly year: number;
}

export interface PackDiff {
  readonly old: PackRef;
  readonly new: PackRef;
  /** True when there is no semantic change. */
  readonly equal: boolean;
  readonly changes: readonly PackChange[];
}

/**
 * Loads both packs (each must be valid) and diffs them.
 *
 * @example
 * const diff = diffPacks('rules/hedis/2024', 'rules/hedis/2025');
 * if (diff.ok) for (const c of diff.value.changes) console.log(c.message);
 */
export function diffPacks(oldDir: string, newDir: string): Result<PackDiff> {
  const problems: Problem[] = [];
  const load = (dir: string): PackSource | undefined => {
    const source = loadPackSource(dir);
    if (!source.ok) {
      problems.push(...source.problems);
      return undefined;
    }
    const compiled = compilePack(source.value);
    if (!compiled.ok) {
      problems.push(...compiled.problems);
      return undefined;
    }
    return source.value;
  };
  const a = load(oldDir);
  const b = load(newDir);
  if (!a || !b) return { ok: false, problems };
  return { ok: true, value: diffPackSources(a, b) };
}

/** Diffs two loaded, valid packs. */
export function diffPackSources(oldPack: PackSource, newPack: PackSource): PackDiff {
  const d = new Differ(oldPack, newPack);
  d.run();
  const changes = d.changes;
  return {
    old: ref(oldPack),
    new: ref(newPack),
    equal: !changes.some((c) => c.level === 'semantic'),
    changes,
  };
}

function ref(p: PackSource): PackRef {
  return { dir: p.dir, id: p.pack.id, version: p.pack.version, year: p.pack.year };
}

type Path = readonly PropertyKey[];

/** A clause where it stands in a measure or a definition. */
interface Site {
  /** Clause id, or `ref <name>` for a plain reference (made unique with `#n`). */
  readonly key: string;
  /** What messages call it: the id, or `ref <name>`. */
  readonly label: string;
  readonly spec: ClauseSpec;
  /** Key of the enclosing clause; undefined for a population's (or definition's) root. */
  readonly parent?: string;
  /** `initialPopulation`, `numerator`, `rate <id>`, `stratum <id>`; empty in a definition. */
  readonly population: string;
  readonly file: string;
  readonly path: Path;
}

/** Who a change is about, and how the messages about it start. */
interface Scope {
  readonly measure?: string;
  readonly definition?: string;
  /** Appended to messages, e.g. ` (used by COL-E)`. */
  readonly suffix: string;
  /** The level of changes that would be semantic in a measure (minor for unused definitions). */
  readonly level: ChangeLevel;
}

type Spec<K extends ClauseKind> = NonNullable<ClauseSpec[K]>;

type Facet<T> =
  | {
      readonly type: 'scalar';
      readonly kind: ChangeKind;
      /** The body field(s) this facet covers. */
      readonly field: string | readonly string[];
      readonly phrase: (label: string) => string;
      readonly render: (body: T) => string;
      readonly raw?: (body: T) => unknown;
      /** Extra words after "A became B", e.g. the resolved dates of a moved window. */
      readonly extra?: (a: T, b: T) => string;
    }
  | {
      readonly type: 'set';
      readonly kind: ChangeKind;
      readonly field: string;
      readonly phrase: (label: string) => string;
      readonly items: (body: T) => readonly string[] | undefined;
      /** What an absent list means, e.g. `any setting`. */
      readonly none: string;
    }
  | {
      readonly type: 'keyed';
      readonly kind: ChangeKind;
      readonly field: string;
      /** Sub-facets by key (e.g. a reading's tests by value set); `none` when a side lacks one. */
      readonly entries: (body: T) => ReadonlyMap<string, string>;
      readonly phrase: (label: string, key: string) => string;
      readonly none: string;
    };

class Differ {
  readonly changes: PackChange[] = [];
  private readonly oldUsage: Usage;
  private readonly newUsage: Usage;

  constructor(
    private readonly a: PackSource,
    private readonly b: PackSource,
  ) {
    this.oldUsage = usage(a);
    this.newUsage = usage(b);
  }

  run(): void {
    this.metadata();
    const oldMeasures = new Map(this.a.measures.map((m) => [m.file.id, m]));
    const newMeasures = new Map(this.b.measures.map((m) => [m.file.id, m]));
    for (const id of sortedList([...new Set([...oldMeasures.keys(), ...newMeasures.keys()])])) {
      const before = oldMeasures.get(id);
      const after = newMeasures.get(id);
      if (before && after) this.measure(before, after);
      else if (after) {
        this.emit({
          kind: 'measure-added',
          level: 'semantic',
          measure: id,
          file: this.fileOf(this.b, after.doc.file),
          message: `measure ${id} added: ${after.file.title} (${describeScope(after.file.productLines)})`,
        });
      } else if (before) {
        this.emit({
          kind: 'measure-removed',
          level: 'semantic',
          measure: id,
          file: this.fileOf(this.a, before.doc.file),
          message: `measure ${id} removed: ${before.file.title}`,
        });
      }
    }
    this.definitions();
    this.valueSets();
  }

  private emit(change: PackChange): void {
    this.changes.push(change);
  }

  // ---- pack metadata -------------------------------------------------------------------------

  private metadata(): void {
    const a = this.a.pack;
    const b = this.b.pack;
    const meta = (field: string, before: unknown, after: unknown, text: (v: unknown) => string) => {
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      this.emit({
        kind: 'metadata',
        level: 'metadata',
        file: 'pack.yaml',
        path: field,
        before,
        after,
        message: `pack ${field}: ${text(before)} became ${text(after)}`,
      });
    };
    const plain = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' ? String(v) : 'none';
    meta('id', a.id, b.id, plain);
    meta('year', a.year, b.year, plain);
    meta('version', a.version, b.version, plain);
    meta('digest', a.digest, b.digest, (v) =>
      typeof v === 'string' ? `${v.slice(0, 19)}…` : 'none (a draft)',
    );
    if (JSON.stringify(a.changelog) !== JSON.stringify(b.changelog)) {
      const versions = (p: typeof a) => p.changelog.map((e) => e.version).join(', ') || 'none';
      const x = versions(a);
      const y = versions(b);
      this.emit({
        kind: 'metadata',
        level: 'metadata',
        file: 'pack.yaml',
        path: 'changelog',
        before: a.changelog,
        after: b.changelog,
        message:
          x === y
            ? `pack changelog entries edited (versions ${x})`
            : `pack changelog: versions ${x} became ${y}`,
      });
    }
    // A title or notice that differs only by the year is the year moving, not a change.
    const sameButYear = (x: string, y: string) =>
      x.replaceAll(String(a.year), String(b.year)) === y;
    if (a.title !== b.title) {
      const yearOnly = sameButYear(a.title, b.title);
      this.emit({
        kind: yearOnly ? 'metadata' : 'title',
        level: yearOnly ? 'metadata' : 'minor',
        file: 'pack.yaml',
        path: 'title',
        before: a.title,
        after: b.title,
        message: `pack title: "${a.title}" became "${b.title}"`,
      });
    }
    if (a.notice !== b.notice) {
      const yearOnly = sameButYear(a.notice, b.notice);
      this.emit({
        kind: yearOnly ? 'metadata' : 'notice',
        level: yearOnly ? 'metadata' : 'minor',
        file: 'pack.yaml',
        path: 'notice',
        before: a.notice,
        after: b.notice,
        message: `pack notice changed: "${truncate(a.notice)}" became "${truncate(b.notice)}"`,
      });
    }
    if (a.family !== b.family) {
      this.emit({
        kind: 'family',
        level: 'minor',
        file: 'pack.yaml',
        path: 'family',
        before: a.family,
        after: b.family,
        message: `pack family: ${a.family} became ${b.family}`,
      });
    }
    const scope = scopeChange(a.productLines, b.productLines);
    if (scope) {
      this.emit({
        kind: 'scope',
        level: 'semantic',
        file: 'pack.yaml',
        path: 'productLines',
        before: a.productLines,
        after: b.productLines,
        message: `pack product lines ${scope}`,
      });
    }
  }

  // ---- measures ------------------------------------------------------------------------------

  private measure(
    before: PackSource['measures'][number],
    after: PackSource['measures'][number],
  ): void {
    const a = before.file;
    const b = after.file;
    const id = b.id;
    const oldFile = this.fileOf(this.a, before.doc.file);
    const newFile = this.fileOf(this.b, after.doc.file);
    const scope: Scope = { measure: id, suffix: '', level: 'semantic' };
    const text = (field: 'title' | 'description' | 'source') => {
      const x = a[field];
      const y = b[field];
      if (x === y) return;
      this.emit({
        kind: field,
        level: 'minor',
        measure: id,
        file: newFile,
        path: field,
        before: x,
        after: y,
        message: `${id} ${field} changed: ${quoted(x, field)} became ${quoted(y, field)}`,
      });
    };
    text('title');
    text('description');
    text('source');
    const lines = scopeChange(a.productLines, b.productLines);
    if (lines) {
      this.emit({
        kind: 'scope',
        level: 'semantic',
        measure: id,
        file: newFile,
        path: 'productLines',
        before: a.productLines,
        after: b.productLines,
        message: `${id} product lines ${lines}`,
      });
    }

    // Rates and strata are compared first (added ones hide their clauses) but reported after the
    // clauses, so a measure's changes read from initial population down.
    const mark = this.changes.length;
    // Rates: a single-rate measure has one rate called `numerator`.
    const rates = (m: MeasureFile) =>
      new Map(
        m.rates
          ? m.rates.map((r, i) => [r.id, { ...r, path: ['rates', i, 'numerator'] as Path }])
          : m.numerator
            ? [
                [
                  'numerator',
                  { id: 'numerator', numerator: m.numerator, path: ['numerator'] as Path },
                ],
              ]
            : [],
      );
    const oldRates = rates(a);
    const newRates = rates(b);
    const suppressOld = new Set<string>();
    const suppressNew = new Set<string>();
    for (const [rid, r] of newRates) {
      if (oldRates.has(rid)) {
        const x = oldRates.get(rid)?.description;
        if (x !== r.description) {
          this.emit({
            kind: 'description',
            level: 'minor',
            measure: id,
            file: newFile,
            path: formatPath(r.path.slice(0, -1)),
            before: x,
            after: r.description,
            message: `${id} rate ${rid} description changed: ${quoted(x)} became ${quoted(r.description)}`,
          });
        }
        continue;
      }
      suppressNew.add(populationOfRate(b, rid));
      this.emit({
        kind: 'rate-added',
        level: 'semantic',
        measure: id,
        file: newFile,
        path: formatPath(r.path),
        after: r.numerator,
        message: `${id} rate ${rid} added: numerator ${r.numerator.id ?? ''}: ${summarizeClause(r.numerator)}`,
      });
    }
    for (const [rid, r] of oldRates) {
      if (newRates.has(rid)) continue;
      suppressOld.add(populationOfRate(a, rid));
      this.emit({
        kind: 'rate-removed',
        level: 'semantic',
        measure: id,
        file: oldFile,
        path: formatPath(r.path),
        before: r.numerator,
        message: `${id} rate ${rid} removed (numerator ${r.numerator.id ?? ''}: ${summarizeClause(r.numerator)})`,
      });
    }

    // Strata: matched by id; their order matters (the first that holds names the stratum).
    const oldStrata = a.strata ?? [];
    const newStrata = b.strata ?? [];
    const oldStrataIds = oldStrata.map((s) => s.id);
    const newStrataIds = newStrata.map((s) => s.id);
    newStrata.forEach((s, i) => {
      const previous = oldStrata.find((o) => o.id === s.id);
      if (!previous) {
        suppressNew.add(`stratum ${s.id}`);
        this.emit({
          kind: 'stratum-added',
          level: 'semantic',
          measure: id,
          clause: s.when.id ?? s.id,
          file: newFile,
          path: formatPath(['strata', i]),
          after: s,
          message: `${id} stratum ${s.id} added (${s.when.id ?? ''}): ${summarizeClause(s.when)}`,
        });
        return;
      }
      for (const field of ['description', 'source', 'assumption'] as const) {
        const x = previous[field];
        const y = s[field];
        if (x === y) continue;
        this.emit({
          kind: field,
          level: 'minor',
          measure: id,
          file: newFile,
          path: formatPath(['strata', i, field]),
          before: x,
          after: y,
          message: `${id} stratum ${s.id} ${field} changed: ${quoted(x, field)} became ${quoted(y, field)}`,
        });
      }
    });
    oldStrata.forEach((s, i) => {
      if (newStrataIds.includes(s.id)) return;
      suppressOld.add(`stratum ${s.id}`);
      this.emit({
        kind: 'stratum-removed',
        level: 'semantic',
        measure: id,
        clause: s.when.id ?? s.id,
        file: oldFile,
        path: formatPath(['strata', i]),
        before: s,
        message: `${id} stratum ${s.id} removed (${s.when.id ?? ''}: ${summarizeClause(s.when)})`,
      });
    });
    const kept = (ids: readonly string[], other: readonly string[]) =>
      ids.filter((s) => other.includes(s));
    const oldOrder = kept(oldStrataIds, newStrataIds);
    const newOrder = kept(newStrataIds, oldStrataIds);
    if (oldOrder.join('\n') !== newOrder.join('\n')) {
      this.emit({
        kind: 'strata-order',
        level: 'semantic',
        measure: id,
        file: newFile,
        path: 'strata',
        before: oldStrataIds,
        after: newStrataIds,
        message: `${id} strata order changed (the first stratum that holds names the member's): ${oldOrder.join(', ')} became ${newOrder.join(', ')}`,
      });
    }

    const deferred = this.changes.splice(mark);
    this.clauseTrees(
      scope,
      measureSites(a, oldFile),
      measureSites(b, newFile),
      suppressOld,
      suppressNew,
    );
    this.changes.push(...deferred);
  }

  // ---- shared definitions --------------------------------------------------------------------

  private definitions(): void {
    const collect = (p: PackSource) => {
      const out = new Map<string, { spec: ClauseSpec; file: string; path: Path }>();
      for (const { file, doc } of p.definitions) {
        file.definitions.forEach((spec, i) => {
          if (spec.id !== undefined && !out.has(spec.id))
            out.set(spec.id, { spec, file: this.fileOf(p, doc.file), path: ['definitions', i] });
        });
      }
      return out;
    };
    const oldDefs = collect(this.a);
    const newDefs = collect(this.b);
    for (const id of sortedList([...new Set([...oldDefs.keys(), ...newDefs.keys()])])) {
      const before = oldDefs.get(id);
      const after = newDefs.get(id);
      const users = sortedList([
        ...new Set([...(this.oldUsage.get(id) ?? []), ...(this.newUsage.get(id) ?? [])]),
      ]);
      const used = users.length > 0;
      const suffix = used ? ` (used by ${users.join(', ')})` : ' (not used by any measure)';
      const level: ChangeLevel = used ? 'semantic' : 'minor';
      if (before && after) {
        const sitesOf = (d: { spec: ClauseSpec; file: string; path: Path }) => {
          const out = new Map<string, Site>();
          flatten(d.spec, '', d.path, d.file, undefined, out);
          return out;
        };
        this.clauseTrees(
          { definition: id, suffix, level },
          sitesOf(before),
          sitesOf(after),
          new Set(),
          new Set(),
        );
      } else if (after) {
        this.emit({
          kind: 'definition-added',
          level,
          definition: id,
          clause: id,
          file: after.file,
          path: formatPath(after.path),
          after: after.spec,
          message: `definition ${id} added: ${describeClause(after.spec)}${suffix}`,
        });
      } else if (before) {
        this.emit({
          kind: 'definition-removed',
          level,
          definition: id,
          clause: id,
          file: before.file,
          path: formatPath(before.path),
          before: before.spec,
          message: `definition ${id} removed: ${describeClause(before.spec)}${suffix}`,
        });
      }
    }
  }

  // ---- value sets ----------------------------------------------------------------------------

  private valueSets(): void {
    const a = this.a.valueSets;
    const b = this.b.valueSets;
    const users = (name: string) =>
      sortedList([
        ...new Set([
          ...(valueSetUsers(this.a).get(name) ?? []),
          ...(valueSetUsers(this.b).get(name) ?? []),
        ]),
      ]);
    for (const name of sortedList([...new Set([...a.keys(), ...b.keys()])])) {
      const before = a.get(name);
      const after = b.get(name);
      const who = users(name);
      const level: ChangeLevel = who.length > 0 ? 'semantic' : 'minor';
      const suffix = who.length > 0 ? `; used by ${who.join(', ')}` : ' (not used by any clause)';
      if (before && after) {
        const x = codesOf(before);
        const y = codesOf(after);
        const added = [...y.keys()].filter((c) => !x.has(c));
        const removed = [...x.keys()].filter((c) => !y.has(c));
        if (added.length > 0 || removed.length > 0) {
          const parts = [
            ...(added.length > 0
              ? [`${plural(added.length, 'code')} added (${listSome(added)})`]
              : []),
            ...(removed.length > 0
              ? [
                  `${added.length > 0 ? String(removed.length) : plural(removed.length, 'code')} removed (${listSome(removed)})`,
                ]
              : []),
          ];
          this.emit({
            kind: 'codes',
            level,
            valueSet: name,
            file: this.fileOf(this.b, after.file),
            added,
            removed,
            message: `value set ${name}: ${parts.join(', ')}${suffix}`,
          });
        }
        const relabelled = [...y.entries()]
          .filter(([code, display]) => x.has(code) && x.get(code) !== display)
          .map(([code]) => code);
        if (relabelled.length > 0) {
          this.emit({
            kind: 'display',
            level: 'minor',
            valueSet: name,
            file: this.fileOf(this.b, after.file),
            message: `value set ${name}: display text of ${plural(relabelled.length, 'code')} changed (${listSome(relabelled)})`,
          });
        }
      } else if (after) {
        this.emit({
          kind: 'value-set-added',
          level,
          valueSet: name,
          file: this.fileOf(this.b, after.file),
          added: [...codesOf(after).keys()],
          message: `value set ${name} added (${plural(after.size, 'code')})${suffix}`,
        });
      } else if (before) {
        this.emit({
          kind: 'value-set-removed',
          level,
          valueSet: name,
          file: this.fileOf(this.a, before.file),
          removed: [...codesOf(before).keys()],
          message: `value set ${name} removed (${plural(before.size, 'code')})${suffix}`,
        });
      }
    }
  }

  // ---- clause trees --------------------------------------------------------------------------

  private clauseTrees(
    scope: Scope,
    oldSites: ReadonlyMap<string, Site>,
    newSites: ReadonlyMap<string, Site>,
    suppressOld: ReadonlySet<string>,
    suppressNew: ReadonlySet<string>,
  ): void {
    const base = (site: Site) => ({
      ...(scope.measure !== undefined ? { measure: scope.measure } : {}),
      ...(scope.definition !== undefined ? { definition: scope.definition } : {}),
      clause: site.label,
      file: site.file,
      path: formatPath(site.path),
    });
    // `definition frailty age (frailty-age)`; just `definition` for the definition's own clause.
    const where = (site: Site) =>
      scope.measure !== undefined
        ? `${scope.measure} ${site.population}`
        : site.label === scope.definition
          ? 'definition'
          : `definition ${scope.definition ?? ''}`;
    const position = (site: Site) =>
      site.parent !== undefined
        ? `${site.population ? `${site.population} ` : ''}(${site.parent.replace(/#\d+$/, '')})`
        : site.population || 'the top';

    for (const [key, site] of newSites) {
      const previous = oldSites.get(key);
      if (!previous) {
        if (suppressNew.has(site.population)) continue;
        // Only the topmost added clause is reported; its summary covers its children.
        if (site.parent !== undefined && !oldSites.has(site.parent)) continue;
        this.emit({
          ...base(site),
          kind: 'clause-added',
          level: scope.level,
          after: site.spec,
          message: `${where(site)} clause ${site.label} added${
            site.parent !== undefined ? ` to ${site.parent.replace(/#\d+$/, '')}` : ''
          }: ${describeClause(site.spec)}${scope.suffix}`,
        });
        continue;
      }
      // A clause whose parent moved moves with it: only the parent is reported.
      const moved =
        previous.parent !== site.parent ||
        (site.parent === undefined && previous.population !== site.population);
      if (moved) {
        this.emit({
          ...base(site),
          kind: 'clause-moved',
          level: scope.level,
          before: position(previous),
          after: position(site),
          message: `${scope.measure ?? `definition ${scope.definition ?? ''}`} clause ${site.label} moved from ${position(previous)} to ${position(site)}${scope.suffix}`,
        });
      }
      this.clause(scope, previous, site, where(site), base(site));
    }
    for (const [key, site] of oldSites) {
      if (newSites.has(key) || suppressOld.has(site.population)) continue;
      if (site.parent !== undefined && !newSites.has(site.parent)) continue;
      this.emit({
        ...base(site),
        kind: 'clause-removed',
        level: scope.level,
        before: site.spec,
        message: `${where(site)} clause ${site.label} removed${
          site.parent !== undefined ? ` from ${site.parent.replace(/#\d+$/, '')}` : ''
        }: ${describeClause(site.spec)}${scope.suffix}`,
      });
    }
  }

  /** Compares one clause that both packs have (children are compared as clauses of their own). */
  private clause(
    scope: Scope,
    before: Site,
    after: Site,
    where: string,
    base: Omit<PackChange, 'kind' | 'level' | 'message'>,
  ): void {
    const a = before.spec;
    const b = after.spec;
    const label = after.label;
    const emit = (c: Omit<PackChange, 'message'> & { readonly text: string }) => {
      const { text, ...rest } = c;
      this.emit({ ...base, ...rest, message: `${where} ${text}${scope.suffix}` });
    };

    for (const field of ['description', 'source', 'assumption'] as const) {
      if (a[field] === b[field]) continue;
      emit({
        kind: field,
        level: 'minor',
        before: a[field],
        after: b[field],
        text: `${field} of ${label} changed: ${quoted(a[field], field)} became ${quoted(b[field], field)}`,
      });
    }
    const lines = scopeChange(a.productLines, b.productLines);
    if (lines) {
      emit({
        kind: 'scope',
        level: scope.level,
        before: a.productLines ?? [...PRODUCT_LINES],
        after: b.productLines ?? [...PRODUCT_LINES],
        text: `product-line scope of ${label} ${lines}`,
      });
    }
    if (
      a.otherwise !== b.otherwise &&
      (a.productLines !== undefined || b.productLines !== undefined)
    ) {
      emit({
        kind: 'scope',
        level: scope.level,
        before: a.otherwise,
        after: b.otherwise,
        text: `value of ${label} outside its product lines: ${String(a.otherwise)} became ${String(b.otherwise)}`,
      });
    }

    const kind = kindOf(a);
    if (kind !== kindOf(b)) {
      emit({
        kind: 'clause-kind',
        level: scope.level,
        before: a,
        after: b,
        text: `clause ${label} changed: ${summarizeClause(a)} became ${summarizeClause(b)}`,
      });
      return;
    }
    const run = <T extends object>(
      x: T | undefined,
      y: T | undefined,
      facets: readonly Facet<T>[],
    ) => {
      if (x === undefined || y === undefined) return;
      this.facets(x, y, facets, label, kind, scope.level, emit);
    };
    switch (kind) {
      case 'ref':
        if (a.ref !== b.ref) {
          emit({
            kind: 'ref',
            level: scope.level,
            before: a.ref,
            after: b.ref,
            text: `definition used by ${label}: ${a.ref ?? ''} became ${b.ref ?? ''}`,
          });
        }
        return;
      case 'age':
        run(a.age, b.age, AGE);
        return;
      case 'sex':
        if (sortedList(a.sex ?? []).join() !== sortedList(b.sex ?? []).join()) {
          emit({
            kind: 'sex',
            level: scope.level,
            before: a.sex,
            after: b.sex,
            text: `sex (${label}): ${(a.sex ?? []).join(', ')} became ${(b.sex ?? []).join(', ')}`,
          });
        }
        return;
      case 'enrollment':
        run(a.enrollment, b.enrollment, ENROLLMENT);
        return;
      case 'event':
        run(a.event, b.event, this.eventFacets());
        return;
      case 'status':
        run(a.status, b.status, this.statusFacets());
        return;
      case 'death':
        run(a.death, b.death, [this.windowFacet<Spec<'death'>>((d) => d.window)]);
        return;
      case 'reading':
        run(a.reading, b.reading, this.readingFacets());
        return;
      case 'coverage':
        run(a.coverage, b.coverage, this.coverageFacets());
        return;
      case 'all':
      case 'any':
      case 'not':
        return;
    }
  }

  private facets<T extends object>(
    a: T,
    b: T,
    facets: readonly Facet<T>[],
    label: string,
    clauseKind: ClauseKind,
    level: ChangeLevel,
    emit: (c: Omit<PackChange, 'message'> & { readonly text: string }) => void,
  ): void {
    for (const f of facets) {
      if (f.type === 'scalar') {
        const x = f.render(a);
        const y = f.render(b);
        if (x === y) continue;
        emit({
          kind: f.kind,
          level,
          before: f.raw ? f.raw(a) : x,
          after: f.raw ? f.raw(b) : y,
          text: `${f.phrase(label)}: ${x} became ${y}${f.extra ? f.extra(a, b) : ''}`,
        });
      } else if (f.type === 'set') {
        const x = f.items(a);
        const y = f.items(b);
        if (x === undefined && y === undefined) continue;
        if (x === undefined || y === undefined) {
          emit({
            kind: f.kind,
            level,
            before: x ?? null,
            after: y ?? null,
            text: `${f.phrase(label)}: ${x ? x.join(', ') : f.none} became ${y ? y.join(', ') : f.none}`,
          });
          continue;
        }
        const added = y.filter((v) => !x.includes(v));
        const removed = x.filter((v) => !y.includes(v));
        if (added.length === 0 && removed.length === 0) continue;
        emit({
          kind: f.kind,
          level,
          before: x,
          after: y,
          added,
          removed,
          text: `${f.phrase(label)}: ${[
            ...(added.length > 0 ? [`added ${added.join(', ')}`] : []),
            ...(removed.length > 0 ? [`removed ${removed.join(', ')}`] : []),
          ].join('; ')}`,
        });
      } else {
        const x = f.entries(a);
        const y = f.entries(b);
        for (const key of sortedList([...new Set([...x.keys(), ...y.keys()])])) {
          const before = x.get(key) ?? f.none;
          const after = y.get(key) ?? f.none;
          if (before === after) continue;
          emit({
            kind: f.kind,
            level,
            before,
            after,
            text: `${f.phrase(label, key)}: ${before} became ${after}`,
          });
        }
      }
    }
    // Anything the facets do not cover (a field added to the language later) is still reported.
    const covered = new Set(
      facets.flatMap((f) => (typeof f.field === 'string' ? [f.field] : f.field)),
    );
    const keys = sortedList([...new Set([...Object.keys(a), ...Object.keys(b)])]);
    for (const key of keys) {
      if (covered.has(key)) continue;
      const x = canonicalJson((a as Record<string, unknown>)[key], key);
      const y = canonicalJson((b as Record<string, unknown>)[key], key);
      if (x === y) continue;
      emit({
        kind: 'clause',
        level,
        before: (a as Record<string, unknown>)[key],
        after: (b as Record<string, unknown>)[key],
        text: `${clauseKind} (${label}) ${key}: ${x ?? 'none'} became ${y ?? 'none'}`,
      });
    }
  }

  private windowFacet<T>(get: (body: T) => WindowSpec): Facet<T> {
    const year = this.b.pack.year;
    return {
      type: 'scalar',
      kind: 'window',
      field: 'window',
      phrase: (label) => `window of ${label} moved`,
      render: (body) => describeWindow(get(body)),
      raw: (body) => canonicalWindow(get(body)),
      extra: (a, b) =>
        ` (in MY${year}: ${resolvedWindow(get(a), year)} became ${resolvedWindow(get(b), year)})`,
    };
  }

  private eventFacets(): readonly Facet<Spec<'event'>>[] {
    return [
      valueSetsFacet((e) => e.valueSets),
      setFacet(
        'event',
        'drugs',
        (l) => `drugs of ${l}`,
        (e) => e.drugs,
        'none',
      ),
      setFacet(
        'event',
        'records',
        (l) => `records searched by ${l}`,
        (e) => e.records ?? ['claims', 'dispensings', 'observations'],
        'all',
      ),
      this.windowFacet((e) => e.window),
      setFacet(
        'event',
        'settings',
        (l) => `settings of ${l}`,
        (e) => e.settings,
        'any setting',
      ),
      setFacet(
        'event',
        'excludeSettings',
        (l) => `settings excluded by ${l}`,
        (e) => e.excludeSettings,
        'none',
      ),
      {
        type: 'scalar',
        kind: 'event',
        field: 'minDistinctDates',
        phrase: (l) => `distinct dates needed by ${l}`,
        render: (e) => `at least ${e.minDistinctDates}`,
        raw: (e) => e.minDistinctDates,
      },
      setFacet(
        'event',
        'modifiers',
        (l) => `modifiers required by ${l}`,
        (e) => e.modifiers?.map((m) => m.toUpperCase()),
        'none (any claim code counts)',
      ),
      onOrAfterFacet('event', (e) => e.onOrAfter),
    ];
  }

  private statusFacets(): readonly Facet<Spec<'status'>>[] {
    return [
      setFacet(
        'status',
        'kinds',
        (l) => `status kinds of ${l}`,
        (s) => s.kinds,
        'none',
      ),
      this.windowFacet((s) => s.window),
    ];
  }

  private readingFacets(): readonly Facet<Spec<'reading'>>[] {
    return [
      valueSetsFacet((r) => r.valueSets),
      this.windowFacet((r) => r.window),
      onOrAfterFacet('reading', (r) => r.onOrAfter),
      setFacet(
        'reading',
        'settings',
        (l) => `settings of ${l}`,
        (r) => r.settings,
        'any setting',
      ),
      setFacet(
        'reading',
        'excludeSettings',
        (l) => `settings excluded by ${l}`,
        (r) => r.excludeSettings,
        'none',
      ),
      {
        type: 'scalar',
        kind: 'reading',
        field: 'sameDay',
        phrase: (l) => `same-day rule of ${l}`,
        render: (r) => `the ${r.sameDay} value of the day counts`,
        raw: (r) => r.sameDay,
      },
      {
        type: 'keyed',
        kind: 'reading',
        field: 'require',
        entries: (r) => {
          const out = new Map<string, string[]>();
          for (const t of r.require) {
            const key = t.valueSet ?? 'any value';
            out.set(key, [...(out.get(key) ?? []), describeReadingTest(t)]);
          }
          return new Map([...out].map(([k, v]) => [k, sortedList(v).join(' and ')]));
        },
        phrase: (l, key) => `test on ${key} in ${l}`,
        none: 'no test',
      },
      {
        type: 'scalar',
        kind: 'reading',
        field: 'ifNone',
        phrase: (l) => `result of ${l} with no reading`,
        render: (r) => (r.ifNone ? 'passes' : 'fails'),
        raw: (r) => r.ifNone,
      },
    ];
  }

  private coverageFacets(): readonly Facet<Spec<'coverage'>>[] {
    const yesNo = (
      field: 'shiftSameDrug' | 'endAtDeath' | 'endAtDisenrollment',
      phrase: (l: string) => string,
    ): Facet<Spec<'coverage'>> => ({
      type: 'scalar',
      kind: 'coverage',
      field,
      phrase,
      render: (c) => (c[field] ? 'yes' : 'no'),
      raw: (c) => c[field],
    });
    return [
      setFacet(
        'coverage',
        'drugs',
        (l) => `drugs of ${l}`,
        (c) => c.drugs,
        'none',
      ),
      valueSetsFacet((c) => c.valueSets),
      this.windowFacet((c) => c.window),
      {
        type: 'scalar',
        kind: 'coverage',
        field: 'atLeast',
        phrase: (l) => `proportion of days covered needed by ${l}`,
        render: (c) => `at least ${percent(c.atLeast)}`,
        raw: (c) => c.atLeast,
      },
      yesNo('shiftSameDrug', (l) => `early refills of the same drug shifted in ${l}`),
      yesNo('endAtDeath', (l) => `period ends at death in ${l}`),
      yesNo('endAtDisenrollment', (l) => `period ends at disenrollment in ${l}`),
    ];
  }

  /** A pack file's path relative to the pack, from the display path the loader recorded. */
  private fileOf(p: PackSource, displayFile: string): string {
    return manifestPath(relative(resolve(p.dir), resolve(displayFile)));
  }
}

// ---- facets shared by clause kinds ----------------------------------------------------------

const AGE: readonly Facet<Spec<'age'>>[] = [
  {
    type: 'scalar',
    kind: 'age',
    field: ['min', 'max', 'asOf'],
    phrase: (l) => `age (${l})`,
    render: describeAge,
    raw: (a) => ({ ...a, asOf: canonicalDate(a.asOf) }),
  },
];

const ENROLLMENT: readonly Facet<Spec<'enrollment'>>[] = [
  {
    type: 'scalar',
    kind: 'enrollment',
    field: 'periods',
    phrase: (l) => `enrollment periods of ${l}`,
    render: (e) =>
      e.periods
        .map(
          (p) => `${describeWindow(p)}${p.allowance ? ` (${describeAllowance(p.allowance)})` : ''}`,
        )
        .join(', '),
  },
  {
    type: 'scalar',
    kind: 'enrollment',
    field: 'anchor',
    phrase: (l) => `anchor date of ${l}`,
    render: (e) => (e.anchor === undefined ? 'none' : canonicalDate(e.anchor)),
  },
  {
    type: 'scalar',
    kind: 'enrollment',
    field: 'benefit',
    phrase: (l) => `benefit required by ${l}`,
    render: (e) => e.benefit,
  },
  {
    type: 'scalar',
    kind: 'allowance',
    field: 'allowance',
    phrase: (l) => `gap allowance of ${l}`,
    render: (e) => describeAllowance(e.allowance),
    raw: (e) => e.allowance,
  },
  {
    type: 'keyed',
    kind: 'allowance',
    field: 'allowanceByProductLine',
    entries: (e) =>
      new Map(
        PRODUCT_LINES.flatMap((line) => {
          const own = e.allowanceByProductLine?.[line];
          return own ? [[line, describeAllowance(own)] as const] : [];
        }),
      ),
    phrase: (l, line) => `${line} gap allowance of ${l}`,
    none: 'the same as the other product lines',
  },
];

function setFacet<T>(
  kind: ChangeKind,
  field: string,
  phrase: (label: string) => string,
  items: (body: T) => readonly string[] | undefined,
  none: string,
): Facet<T> {
  return {
    type: 'set',
    kind,
    field,
    phrase,
    items: (body) => {
      const list = items(body);
      return list === undefined ? undefined : sortedList([...new Set(list)]);
    },
    none,
  };
}

function valueSetsFacet<T>(get: (body: T) => readonly string[] | undefined): Facet<T> {
  return setFacet('value-sets', 'valueSets', (l) => `value sets of ${l}`, get, 'none');
}

function onOrAfterFacet<T>(
  kind: ChangeKind,
  get: (body: T) => Spec<'event'>['onOrAfter'],
): Facet<T> {
  return {
    type: 'scalar',
    kind,
    field: 'onOrAfter',
    phrase: (l) => `on-or-after rule of ${l}`,
    render: (body) => describeOnOrAfter(get(body)),
    raw: (body) => get(body) ?? null,
  };
}

// ---- helpers --------------------------------------------------------------------------------

/** Every clause of a measure with where it stands. */
function measureSites(m: MeasureFile, file: string): Map<string, Site> {
  const out = new Map<string, Site>();
  const root = (spec: ClauseSpec | undefined, population: string, path: Path) => {
    if (spec) flatten(spec, population, path, file, undefined, out);
  };
  root(m.initialPopulation, 'initialPopulation', ['initialPopulation']);
  root(m.denominator, 'denominator', ['denominator']);
  root(m.denominatorExclusion, 'denominatorExclusion', ['denominatorExclusion']);
  root(m.numerator, 'numerator', ['numerator']);
  m.rates?.forEach((r, i) => {
    root(r.numerator, `rate ${r.id}`, ['rates', i, 'numerator']);
  });
  m.strata?.forEach((s, i) => {
    root(s.when, `stratum ${s.id}`, ['strata', i, 'when']);
  });
  return out;
}

function populationOfRate(m: MeasureFile, rateId: string): string {
  return m.rates ? `rate ${rateId}` : 'numerator';
}

function flatten(
  spec: ClauseSpec,
  population: string,
  path: Path,
  file: string,
  parent: string | undefined,
  out: Map<string, Site>,
): void {
  const label = spec.id ?? `ref ${spec.ref ?? '?'}`;
  let key = label;
  for (let n = 2; out.has(key); n++) key = `${label}#${n}`;
  out.set(key, {
    key,
    label,
    spec,
    population,
    file,
    path,
    ...(parent !== undefined ? { parent } : {}),
  });
  spec.all?.forEach((c, i) => {
    flatten(c, population, [...path, 'all', i], file, key, out);
  });
  spec.any?.forEach((c, i) => {
    flatten(c, population, [...path, 'any', i], file, key, out);
  });
  if (spec.not) flatten(spec.not, population, [...path, 'not'], file, key, out);
}

/** Which measures use each shared definition, directly or through other definitions. */
type Usage = ReadonlyMap<string, ReadonlySet<string>>;

function usage(p: PackSource): Usage {
  const refsOf = (spec: ClauseSpec, into: Set<string>) => {
    if (spec.ref !== undefined) into.add(spec.ref);
    const after = spec.event?.onOrAfter?.clause ?? spec.reading?.onOrAfter?.clause;
    if (after !== undefined) into.add(after);
    for (const c of [...(spec.all ?? []), ...(spec.any ?? []), ...(spec.not ? [spec.not] : [])])
      refsOf(c, into);
  };
  const defRefs = new Map<string, Set<string>>();
  for (const { file } of p.definitions) {
    for (const spec of file.definitions) {
      if (spec.id === undefined) continue;
      const refs = new Set<string>();
      refsOf(spec, refs);
      defRefs.set(spec.id, refs);
    }
  }
  const out = new Map<string, Set<string>>();
  for (const { file } of p.measures) {
    const direct = new Set<string>();
    for (const spec of measureRoots(file)) refsOf(spec, direct);
    const queue = [...direct];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const name = queue.pop();
      if (name === undefined || seen.has(name)) continue;
      seen.add(name);
      const refs = defRefs.get(name);
      if (!refs) continue;
      let users = out.get(name);
      if (!users) out.set(name, (users = new Set()));
      users.add(file.id);
      queue.push(...refs);
    }
  }
  return out;
}

function measureRoots(m: MeasureFile): ClauseSpec[] {
  return [
    m.initialPopulation,
    ...(m.denominator ? [m.denominator] : []),
    ...(m.denominatorExclusion ? [m.denominatorExclusion] : []),
    ...(m.numerator ? [m.numerator] : []),
    ...(m.rates ?? []).map((r) => r.numerator),
    ...(m.strata ?? []).map((s) => s.when),
  ];
}

const usersCache = new WeakMap<PackSource, Map<string, string[]>>();

/** Which clauses name each value set: `COL-E (col-e-colonoscopy)`, `definition hospice (hospice-claim)`. */
function valueSetUsers(p: PackSource): ReadonlyMap<string, readonly string[]> {
  const cached = usersCache.get(p);
  if (cached) return cached;
  const out = new Map<string, string[]>();
  const visit = (spec: ClauseSpec, owner: string) => {
    const names = [
      ...(spec.event?.valueSets ?? []),
      ...(spec.reading?.valueSets ?? []),
      ...(spec.coverage?.valueSets ?? []),
    ];
    for (const name of names) {
      const user = `${owner} (${spec.id ?? '?'})`;
      const list = out.get(name) ?? [];
      if (!list.includes(user)) list.push(user);
      out.set(name, list);
    }
    for (const c of [...(spec.all ?? []), ...(spec.any ?? []), ...(spec.not ? [spec.not] : [])])
      visit(c, owner);
  };
  for (const { file } of p.measures) for (const spec of measureRoots(file)) visit(spec, file.id);
  for (const { file } of p.definitions) {
    for (const spec of file.definitions) visit(spec, `definition ${spec.id ?? '?'}`);
  }
  usersCache.set(p, out);
  return out;
}

/** The codes of a value set as `SYSTEM code`, with their display text. */
function codesOf(vs: ValueSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const [system, codes] of vs.codes) {
    for (const code of codes)
      out.set(`${system} ${code}`, vs.display.get(`${system}|${code}`) ?? '');
  }
  return new Map(sortedList([...out.keys()]).map((k) => [k, out.get(k) ?? '']));
}

function listSome(items: readonly string[], max = 8): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `widened: medicare only became all product lines`, or undefined when the scope is the same. */
function scopeChange(
  a: readonly ProductLine[] | undefined,
  b: readonly ProductLine[] | undefined,
): string | undefined {
  const x = new Set(a ?? PRODUCT_LINES);
  const y = new Set(b ?? PRODUCT_LINES);
  const gained = [...y].filter((l) => !x.has(l));
  const lost = [...x].filter((l) => !y.has(l));
  if (gained.length === 0 && lost.length === 0) return undefined;
  const verb = lost.length === 0 ? 'widened' : gained.length === 0 ? 'narrowed' : 'changed';
  return `${verb}: ${describeScope([...x])} became ${describeScope([...y])}`;
}

function describeClause(spec: ClauseSpec): string {
  const summary = summarizeClause(spec);
  return spec.description === undefined ? summary : `${summary} ("${truncate(spec.description)}")`;
}

function canonicalWindow(w: WindowSpec): { from?: string; to: string } {
  return w.from === undefined
    ? { to: canonicalDate(w.to) }
    : { from: canonicalDate(w.from), to: canonicalDate(w.to) };
}

const DATE_KEYS = new Set(['from', 'to', 'anchor', 'asOf']);

/** JSON with dates canonical, object keys sorted and lists sorted (their order never matters). */
function canonicalJson(value: unknown, key?: string): string | undefined {
  const canon = (v: unknown, k?: string): unknown => {
    if (typeof v === 'string' && k !== undefined && DATE_KEYS.has(k)) return canonicalDate(v);
    if (Array.isArray(v)) return v.map((x) => JSON.stringify(canon(x))).sort();
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((kk) => [kk, canon((v as Record<string, unknown>)[kk], kk)]),
      );
    }
    return v;
  };
  return value === undefined ? undefined : JSON.stringify(canon(value, key));
}

function truncate(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function quoted(text: string | undefined, field?: string): string {
  if (field === 'source' && text !== undefined) return text;
  return text === undefined ? 'none' : `"${truncate(text, 100)}"`;
}
