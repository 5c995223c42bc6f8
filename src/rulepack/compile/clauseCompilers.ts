import { PRODUCT_LINES } from '../../model/member.ts';
import type { ProductLine } from '../../model/member.ts';
import type {
  ClaimResult,
  CompiledClause,
  EnrollmentSegment,
  GapAllowance,
  OnOrAfter,
  ReadingTest,
  ValueTest,
} from '../compiled.ts';
import { CONDITION_CLINICAL_STATUSES, DEFAULT_RECORDS } from '../schema.ts';
import type { ClauseKind, ClauseSpec } from '../schema.ts';
import type { ValueSet } from '../valueSet.ts';
import { below, dateOf, report, valueSetsNamed, windowOf } from './compileContext.ts';
import type { ClauseSite, CommonFields } from './compileContext.ts';
import { splitByCalendarYear } from './splitByCalendarYear.ts';
import { suggest } from './suggest.ts';

/** A written clause of kind `K`: its `K` field is present. */
export type SpecOf<K extends ClauseKind> = ClauseSpec & {
  readonly [P in K]-?: NonNullable<ClauseSpec[P]>;
};

/**
 * How a kind's compiler reaches the clauses it is linked to, in the scope of the clause being
 * compiled: its children, the shared definitions it names (`ref`), the clause its `onOrAfter`
 * names. Each takes the site of the link (its path in the file).
 */
export interface ClauseLinks {
  clause(site: ClauseSite, spec: ClauseSpec): CompiledClause | undefined;
  definition(site: ClauseSite, name: string): CompiledClause | undefined;
  anchor(
    site: ClauseSite,
    ref: { readonly clause: string; readonly occurrence: number } | undefined,
  ): { value?: OnOrAfter; ok: boolean };
}

/** Compiles one written clause of kind `K`; undefined when it has problems (reported at `site`). */
export type ClauseCompiler<K extends ClauseKind> = (
  spec: SpecOf<K>,
  site: ClauseSite,
  common: CommonFields,
  links: ClauseLinks,
) => CompiledClause | undefined;

/** One compiler per clause kind: a kind missing here is a compile error. */
export const CLAUSE_COMPILERS: { readonly [K in ClauseKind]: ClauseCompiler<K> } = {
  all: (spec, site, common, links) => {
    const children = spec.all.map((c, i) => links.clause(below(site, 'all', i), c));
    return allCompiled(children) ? { ...common, kind: 'all', children } : undefined;
  },
  any: (spec, site, common, links) => {
    const children = spec.any.map((c, i) => links.clause(below(site, 'any', i), c));
    return allCompiled(children) ? { ...common, kind: 'any', children } : undefined;
  },
  not: (spec, site, common, links) => {
    const child = links.clause(below(site, 'not'), spec.not);
    return child && { ...common, kind: 'not', child };
  },
  ref: (spec, site, common, links) => {
    const child = links.definition(below(site, 'ref'), spec.ref);
    if (!child) return undefined;
    // A plain reference is the definition itself; one with its own id or scope wraps it.
    if (spec.id === undefined && spec.productLines === undefined) return child;
    return { ...common, kind: 'ref', definition: spec.ref, child };
  },
  age: (spec, site, common) => ({
    ...common,
    kind: 'age',
    asOf: dateOf(site.cx, spec.age.asOf),
    ...(spec.age.min !== undefined ? { min: spec.age.min } : {}),
    ...(spec.age.max !== undefined ? { max: spec.age.max } : {}),
  }),
  sex: (spec, _site, common) => ({ ...common, kind: 'sex', sexes: new Set(spec.sex) }),
  enrollment: (spec, site, common) => {
    const e = spec.enrollment;
    const segments = {} as Record<ProductLine, EnrollmentSegment[]>;
    for (const line of PRODUCT_LINES) {
      const allowance: GapAllowance = e.allowanceByProductLine?.[line] ?? e.allowance;
      segments[line] = e.periods.flatMap((p, i) => {
        const from = dateOf(site.cx, p.from);
        const to = dateOf(site.cx, p.to);
        if (from > to) {
          report(site, ['enrollment', 'periods', i], {
            code: 'pack/empty-period',
            message: `enrollment period ${p.from}..${p.to} ends before it starts (${from}..${to})`,
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
      ...(e.anchor !== undefined ? { anchor: dateOf(site.cx, e.anchor) } : {}),
    };
  },
  event: (spec, site, common, links) => {
    const e = spec.event;
    const valueSets = valueSetsNamed(site, ['event', 'valueSets'], e.valueSets ?? []);
    const valueIn =
      e.value === undefined || e.value === 'present'
        ? []
        : valueSetsNamed(site, ['event', 'value', 'valueSets'], e.value.valueSets);
    const withSets =
      e.with && valueSetsNamed(site, ['event', 'with', 'valueSets'], e.with.valueSets);
    const after = links.anchor(below(site, 'event', 'onOrAfter'), e.onOrAfter);
    const ongoingKnown = clinicalStatusesKnown(site, e.ongoingStatuses);
    if (!valueSets || !valueIn || (e.with && !withSets) || !after.ok || !ongoingKnown)
      return undefined;
    const value: ValueTest | undefined =
      e.value === undefined
        ? undefined
        : e.value === 'present'
          ? { kind: 'present' }
          : { kind: 'coded', valueSets: valueIn };
    return {
      ...common,
      kind: 'event',
      valueSets,
      ...(e.drugs ? { drugs: new Set(e.drugs.map((d) => d.toLowerCase())) } : {}),
      records: new Set(e.records ?? DEFAULT_RECORDS),
      ...(e.kinds ? { kinds: new Set(e.kinds) } : {}),
      ...(e.statuses ? { statuses: new Set(e.statuses) } : {}),
      ...(e.intents ? { intents: new Set(e.intents) } : {}),
      ...(e.doNotPerform !== undefined ? { doNotPerform: e.doNotPerform } : {}),
      ...(e.categories ? { categories: new Set(e.categories) } : {}),
      ...(value ? { value } : {}),
      ...(e.with && withSets
        ? {
            with: {
              ...(e.with.role !== undefined ? { role: e.with.role } : {}),
              valueSets: withSets,
            },
          }
        : {}),
      ...(e.by ? { by: e.by } : {}),
      ...(e.ongoingStatuses ? { ongoingStatuses: new Set(e.ongoingStatuses) } : {}),
      window: windowOf(site.cx, e.window),
      ...(e.settings ? { settings: new Set(e.settings) } : {}),
      ...(e.excludeSettings ? { excludeSettings: new Set(e.excludeSettings) } : {}),
      minDistinctDates: e.minDistinctDates,
      ...(e.modifiers ? { modifiers: new Set(e.modifiers.map((m) => m.toUpperCase())) } : {}),
      ...(after.value ? { onOrAfter: after.value } : {}),
    };
  },
  status: (spec, site, common) => ({
    ...common,
    kind: 'status',
    kinds: new Set(spec.status.kinds),
    window: windowOf(site.cx, spec.status.window),
  }),
  death: (spec, site, common) => ({
    ...common,
    kind: 'death',
    window: windowOf(site.cx, spec.death.window),
  }),
  reading: (spec, site, common, links) => {
    const r = spec.reading;
    const valueSets = valueSetsNamed(site, ['reading', 'valueSets'], r.valueSets);
    const after = links.anchor(below(site, 'reading', 'onOrAfter'), r.onOrAfter);
    if (!valueSets || !after.ok) return undefined;
    const tests: ReadingTest[] = [];
    for (const [i, t] of r.require.entries()) {
      let valueSet: ValueSet | undefined;
      if (t.valueSet !== undefined) {
        valueSet = valueSets.find((v) => v.name === t.valueSet);
        if (!valueSet) {
          report(site, ['reading', 'require', i, 'valueSet'], {
            code: 'pack/unknown-value-set',
            message: `reading test names value set "${t.valueSet}", which is not one of this reading's valueSets`,
            hint: `use one of: ${r.valueSets.map((n) => `"${n}"`).join(', ')}`,
          });
          continue;
        }
      }
      const common = {
        ...(valueSet ? { valueSet } : {}),
        ifMissing: t.ifMissing,
        ...(t.ifAnyMissing !== undefined ? { ifAnyMissing: t.ifAnyMissing } : {}),
      };
      if (t.valueIn !== undefined) {
        const valueIn = valueSetsNamed(site, ['reading', 'require', i, 'valueIn'], t.valueIn);
        if (valueIn) tests.push({ ...common, valueIn });
        continue;
      }
      const comparator = (['below', 'atMost', 'above', 'atLeast'] as const).find(
        (k) => t[k] !== undefined,
      );
      if (comparator === undefined) continue; // the schema requires one
      tests.push({ ...common, comparator, threshold: t[comparator] ?? 0 });
    }
    if (tests.length !== r.require.length) return undefined;
    const claimResults: ClaimResult[] = [];
    for (const [i, c] of (r.claimResults ?? []).entries()) {
      const reads = valueSets.find((v) => v.name === c.reads);
      if (!reads) {
        report(site, ['reading', 'claimResults', i, 'reads'], {
          code: 'pack/unknown-value-set',
          message: `claim result reads "${c.reads}", which is not one of this reading's valueSets`,
          hint: `use one of: ${r.valueSets.map((n) => `"${n}"`).join(', ')}`,
        });
        continue;
      }
      const valueSet = site.cx.valueSets.get(c.valueSet);
      if (!valueSet) {
        report(site, ['reading', 'claimResults', i, 'valueSet'], {
          code: 'pack/unknown-value-set',
          message: `value set "${c.valueSet}" does not exist in this pack`,
          hint: suggest(c.valueSet, [...site.cx.valueSets.keys()], 'valuesets/*.csv define'),
        });
        continue;
      }
      const range = {
        ...(c.atLeast !== undefined ? { atLeast: c.atLeast } : {}),
        ...(c.above !== undefined ? { above: c.above } : {}),
        ...(c.below !== undefined ? { below: c.below } : {}),
        ...(c.atMost !== undefined ? { atMost: c.atMost } : {}),
      };
      claimResults.push({ valueSet, reads, range });
    }
    if (claimResults.length !== (r.claimResults ?? []).length) return undefined;
    return {
      ...common,
      kind: 'reading',
      valueSets,
      window: windowOf(site.cx, r.window),
      ...(after.value ? { onOrAfter: after.value } : {}),
      ...(r.settings ? { settings: new Set(r.settings) } : {}),
      ...(r.excludeSettings ? { excludeSettings: new Set(r.excludeSettings) } : {}),
      sameDay: r.sameDay,
      tests,
      ifNone: r.ifNone,
      ...(r.statuses ? { statuses: new Set(r.statuses) } : {}),
      ...(r.categories ? { categories: new Set(r.categories) } : {}),
      ...(r.by ? { by: r.by } : {}),
      ...(r.mostRecentDate ? { mostRecentDate: r.mostRecentDate } : {}),
      ...(claimResults.length > 0 ? { claimResults } : {}),
    };
  },
  coverage: (spec, site, common) => {
    const c = spec.coverage;
    const valueSets = valueSetsNamed(site, ['coverage', 'valueSets'], c.valueSets ?? []);
    if (!valueSets) return undefined;
    return {
      ...common,
      kind: 'coverage',
      valueSets,
      ...(c.drugs ? { drugs: new Set(c.drugs.map((d) => d.toLowerCase())) } : {}),
      window: windowOf(site.cx, c.window),
      atLeast: c.atLeast,
      shiftSameDrug: c.shiftSameDrug,
      endAtDeath: c.endAtDeath,
      endAtDisenrollment: c.endAtDisenrollment,
    };
  },
};

/**
 * Whether every status `ongoingStatuses` names is a clinical status of a Condition (a misspelt one
 * would quietly give every condition without abatement an unknown end); reports each that is not.
 */
function clinicalStatusesKnown(site: ClauseSite, statuses: readonly string[] | undefined): boolean {
  let ok = true;
  for (const [i, status] of (statuses ?? []).entries()) {
    if ((CONDITION_CLINICAL_STATUSES as readonly string[]).includes(status)) continue;
    ok = false;
    report(site, ['event', 'ongoingStatuses', i], {
      code: 'pack/unknown-clinical-status',
      message: `"${status}" is not a clinical status of a condition`,
      hint: suggest(status, CONDITION_CLINICAL_STATUSES, 'the clinical statuses are'),
    });
  }
  return ok;
}

function allCompiled(clauses: (CompiledClause | undefined)[]): clauses is CompiledClause[] {
  return clauses.every((c) => c !== undefined);
}
