import { addDays, addMonths, ageOn, daysBetween } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { CodeSystem, Member, ProductLine, Setting } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type {
  CompiledClause,
  CompiledMeasure,
  CompiledWindow,
  EnrollmentSegment,
  OnOrAfter,
} from '../rulepack/compiled.ts';
import { normalizeCode } from '../rulepack/valueSet.ts';
import { coverageEvidence } from './coverage.ts';
import { readingEvidence } from './reading.ts';
import type {
  AfterEvidence,
  ClauseTrace,
  EnrollmentEvidence,
  EnrollmentSegmentEvidence,
  Evaluation,
  EventEvidence,
  Gap,
  NearMiss,
  RecordRef,
} from './trace.ts';

/**
 * Evaluates one member for one compiled measure and product line. Pure: no I/O, no clock, no
 * randomness; the same inputs give the same outcome and trace.
 *
 * Populations are nested: the denominator needs the initial population, the exclusion needs the
 * denominator, a numerator needs the denominator and no exclusion. Every clause is evaluated (no
 * short-circuit) so the trace is complete.
 *
 * @example
 * const { outcome, trace } = evaluateMeasure(pack.measures.get('COL-E')!, request, member);
 */
export function evaluateMeasure(
  measure: CompiledMeasure,
  request: Request,
  member: Member,
  shared?: SharedEvaluations,
): Evaluation {
  const line = request.productLine;
  const ctx = evaluationContext(member, line, shared);
  const header = {
    measure: measure.id,
    year: measure.year,
    productLine: line,
    memberId: member.id,
  };
  if (!measure.productLines.includes(line)) {
    const scope: ClauseTrace = {
      id: `${measure.id.toLowerCase()}-product-lines`,
      kind: 'all',
      result: false,
      applicable: false,
      evidence: { kind: 'scope', productLine: line, appliesTo: measure.productLines },
    };
    return {
      outcome: {
        memberId: member.id,
        measure: measure.id,
        year: measure.year,
        productLine: line,
        initialPopulation: false,
        denominator: false,
        denominatorExclusion: false,
        numerator: numeratorValue(measure, () => false),
      },
      trace: { ...header, notReportedFor: line, initialPopulation: scope, rates: [], strata: [] },
    };
  }

  const ip = evaluateClause(measure.initialPopulation, ctx);
  const den = measure.denominator ? evaluateClause(measure.denominator, ctx) : undefined;
  const excl = measure.denominatorExclusion
    ? evaluateClause(measure.denominatorExclusion, ctx)
    : undefined;
  const rates = measure.rates.map((r) => ({ id: r.id, trace: evaluateClause(r.numerator, ctx) }));
  const strata = measure.strata.map((s) => ({ id: s.id, trace: evaluateClause(s.when, ctx) }));

  const initialPopulation = ip.result;
  const denominator = initialPopulation && (den?.result ?? true);
  const denominatorExclusion = denominator && (excl?.result ?? false);
  const rateResult = new Map(
    rates.map((r) => [r.id, denominator && !denominatorExclusion && r.trace.result]),
  );
  const stratum = initialPopulation ? strata.find((s) => s.trace.result)?.id : undefined;

  const outcome: Outcome = {
    memberId: member.id,
    measure: measure.id,
    year: measure.year,
    productLine: line,
    initialPopulation,
    denominator,
    denominatorExclusion,
    numerator: numeratorValue(measure, (id) => rateResult.get(id) ?? false),
    ...(stratum !== undefined ? { stratum } : {}),
  };
  return {
    outcome,
    trace: {
      ...header,
      initialPopulation: ip,
      ...(den ? { denominator: den } : {}),
      ...(excl ? { denominatorExclusion: excl } : {}),
      rates,
      strata,
    },
  };
}

function numeratorValue(
  measure: CompiledMeasure,
  rate: (id: string) => boolean,
): Outcome['numerator'] {
  if (measure.singleRate) return rate(measure.rates[0]?.id ?? 'numerator');
  return Object.fromEntries(measure.rates.map((r) => [r.id, rate(r.id)]));
}

/** What one evaluation reads: the member, the product line, and clauses already evaluated. */
export interface Context {
  readonly member: Member;
  readonly productLine: ProductLine;
  /** Clauses named by `onOrAfter` are evaluated once per member. */
  readonly cache: Map<CompiledClause, ClauseTrace>;
  /** Traces of clauses whose result cannot depend on the product line, shared across lines. */
  readonly shared: SharedEvaluations | undefined;
}

/**
 * Traces of one member's product-line-independent clauses (no product-line scope and no
 * enrollment anywhere below them), shared by evaluations of that member for several product lines
 * (or measures), so `compare` evaluates each event clause once per member instead of once per
 * line. Use one per member: the key is the clause, not the member.
 */
export type SharedEvaluations = Map<CompiledClause, ClauseTrace>;

/** A fresh evaluation context for one member and product line. */
export function evaluationContext(
  member: Member,
  productLine: ProductLine,
  shared?: SharedEvaluations,
): Context {
  return { member, productLine, cache: new Map(), shared };
}

const independence = new WeakMap<CompiledClause, boolean>();

/** True when no product-line scope and no enrollment clause is in the clause's subtree. */
export function lineIndependent(clause: CompiledClause): boolean {
  const known = independence.get(clause);
  if (known !== undefined) return known;
  let result: boolean;
  if (clause.productLines) result = false;
  else {
    switch (clause.kind) {
      case 'all':
      case 'any':
        result = clause.children.every(lineIndependent);
        break;
      case 'not':
      case 'ref':
        result = lineIndependent(clause.child);
        break;
      case 'enrollment':
        result = false;
        break;
      case 'event':
      case 'reading':
        result = clause.onOrAfter === undefined || lineIndependent(clause.onOrAfter.clause);
        break;
      default:
        result = true;
    }
  }
  independence.set(clause, result);
  return result;
}

/** Evaluates one clause and its children into a trace node. */
export function evaluateClause(clause: CompiledClause, ctx: Context): ClauseTrace {
  const shared = ctx.shared;
  if (shared === undefined || !lineIndependent(clause)) return evaluateNow(clause, ctx);
  const hit = shared.get(clause);
  if (hit) return hit;
  const trace = evaluateNow(clause, ctx);
  shared.set(clause, trace);
  return trace;
}

function evaluateNow(clause: CompiledClause, ctx: Context): ClauseTrace {
  const head = {
    id: clause.id,
    kind: clause.kind,
    ...(clause.description !== undefined ? { description: clause.description } : {}),
    ...(clause.source !== undefined ? { source: clause.source } : {}),
    ...(clause.assumption !== undefined ? { assumption: clause.assumption } : {}),
  };
  if (clause.productLines && !clause.productLines.has(ctx.productLine)) {
    return {
      ...head,
      result: clause.otherwise,
      applicable: false,
      evidence: {
        kind: 'scope',
        productLine: ctx.productLine,
        appliesTo: [...clause.productLines],
      },
    };
  }
  const member = ctx.member;
  switch (clause.kind) {
    case 'all':
    case 'any': {
      const children = clause.children.map((c) => evaluateClause(c, ctx));
      const result =
        clause.kind === 'all' ? children.every((c) => c.result) : children.some((c) => c.result);
      return { ...head, result, applicable: true, children };
    }
    case 'not': {
      const child = evaluateClause(clause.child, ctx);
      return { ...head, result: !child.result, applicable: true, children: [child] };
    }
    case 'ref': {
      const child = evaluateClause(clause.child, ctx);
      return { ...head, result: child.result, applicable: true, children: [child] };
    }
    case 'age': {
      const age = ageOn(member.birthDate, clause.asOf);
      const result =
        (clause.min === undefined || age >= clause.min) &&
        (clause.max === undefined || age <= clause.max);
      return {
        ...head,
        result,
        applicable: true,
        evidence: {
          kind: 'age',
          birthDate: member.birthDate,
          asOf: clause.asOf,
          age,
          ...(clause.min !== undefined ? { min: clause.min } : {}),
          ...(clause.max !== undefined ? { max: clause.max } : {}),
        },
      };
    }
    case 'sex':
      return {
        ...head,
        result: clause.sexes.has(member.sex),
        applicable: true,
        evidence: { kind: 'sex', sex: member.sex, allowed: [...clause.sexes] },
      };
    case 'enrollment': {
      const evidence = enrollmentEvidence(clause, ctx);
      const result = (evidence.anchor?.enrolled ?? true) && evidence.segments.every((s) => s.ok);
      return { ...head, result, applicable: true, evidence };
    }
    case 'event': {
      const evidence = eventEvidence(clause, ctx);
      return {
        ...head,
        result: evidence.distinctDates >= evidence.needed,
        applicable: true,
        evidence,
      };
    }
    case 'status': {
      const kinds = member.statuses.filter((s) => clause.kinds.has(s.kind));
      const overlaps = (s: { start: IsoDate; end: IsoDate }) =>
        s.start <= clause.window.to &&
        (clause.window.from === undefined || s.end >= clause.window.from);
      const spans = (list: typeof kinds) =>
        list
          .map((s) => ({ kind: s.kind, start: s.start, end: s.end }))
          .sort((a, b) => compareKeys([a.start, a.end, a.kind], [b.start, b.end, b.kind]));
      const matches = spans(kinds.filter(overlaps));
      return {
        ...head,
        result: matches.length > 0,
        applicable: true,
        evidence: {
          kind: 'status',
          window: clause.window,
          matches,
          outside: spans(kinds.filter((s) => !overlaps(s))),
        },
      };
    }
    case 'reading': {
      const evidence = readingEvidence(clause, ctx);
      const result =
        evidence.date === undefined ? clause.ifNone : evidence.tests.every((t) => t.passed);
      return { ...head, result, applicable: true, evidence };
    }
    case 'coverage': {
      const evidence = coverageEvidence(clause, ctx);
      const result = evidence.index !== undefined && evidence.proportion >= clause.atLeast;
      return { ...head, result, applicable: true, evidence };
    }
    case 'death': {
      const d = member.deathDate;
      return {
        ...head,
        result: d !== undefined && inWindow(d, clause.window),
        applicable: true,
        evidence: {
          kind: 'death',
          window: clause.window,
          ...(d !== undefined ? { deathDate: d } : {}),
        },
      };
    }
  }
}

export function inWindow(date: IsoDate, w: CompiledWindow): boolean {
  return date <= w.to && (w.from === undefined || date >= w.from);
}

type EnrollmentClause = Extract<CompiledClause, { kind: 'enrollment' }>;

function enrollmentEvidence(clause: EnrollmentClause, ctx: Context): EnrollmentEvidence {
  const spans = ctx.member.enrollments
    .filter((e) =>
      clause.benefit === 'medical' ? e.medical : clause.benefit === 'pharmacy' ? e.pharmacy : true,
    )
    .slice()
    .sort((a, b) => compareKeys([a.start, a.end, a.productLine], [b.start, b.end, b.productLine]));
  let anchor: EnrollmentEvidence['anchor'];
  if (clause.anchor !== undefined) {
    const date = clause.anchor;
    const onDate = spans.filter((s) => s.start <= date && s.end >= date);
    const inLine = onDate.find((s) => s.productLine === ctx.productLine);
    const other = onDate.find((s) => s.productLine !== ctx.productLine);
    anchor = {
      date,
      enrolled: inLine !== undefined,
      ...(inLine
        ? { span: { start: inLine.start, end: inLine.end, productLine: inLine.productLine } }
        : {}),
      ...(!inLine && other ? { otherProductLine: other.productLine } : {}),
    };
  }
  const segments = clause.segments[ctx.productLine].map((seg) => segmentEvidence(seg, spans));
  return {
    kind: 'enrollment',
    productLine: ctx.productLine,
    ...(anchor ? { anchor } : {}),
    segments,
  };
}

/** Gaps in coverage inside one calendar-year segment, judged against its allowance. */
function segmentEvidence(
  seg: EnrollmentSegment,
  spans: readonly { start: IsoDate; end: IsoDate }[],
): EnrollmentSegmentEvidence {
  const gaps: Gap[] = [];
  let cursor = seg.from;
  for (const s of spans) {
    if (cursor > seg.to) break;
    if (s.end < cursor) continue;
    if (s.start > seg.to) break;
    if (s.start > cursor) gaps.push(gap(cursor, addDays(s.start, -1)));
    if (s.end >= cursor) cursor = addDays(s.end, 1);
  }
  if (cursor <= seg.to) gaps.push(gap(cursor, seg.to));

  const a = seg.allowance;
  let reason: string | undefined;
  if (gaps.length > a.gaps) {
    reason = `${gaps.length} gaps; at most ${a.gaps} allowed`;
  } else {
    const tooLong = gaps.find((g) =>
      a.maxDays !== undefined
        ? g.days > a.maxDays
        : a.maxMonths !== undefined
          ? g.end > lastDayWithinMonths(g.start, a.maxMonths)
          : false,
    );
    if (tooLong) {
      reason =
        a.maxDays !== undefined
          ? `gap ${tooLong.start}..${tooLong.end} is ${tooLong.days} days; at most ${a.maxDays} allowed`
          : `gap ${tooLong.start}..${tooLong.end} is longer than ${a.maxMonths ?? 0} month(s)`;
    }
  }
  return {
    from: seg.from,
    to: seg.to,
    allowance: a,
    gaps,
    ok: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/**
 * The last day of a gap that starts on `start` and lasts at most `months` calendar months: the day
 * before the same day of the month `months` later, or the end of that month when it has no such
 * day (a gap from Jan 31 may run through Feb 28).
 */
export function lastDayWithinMonths(start: IsoDate, months: number): IsoDate {
  const same = addMonths(start, months);
  return same.slice(8) === start.slice(8) ? addDays(same, -1) : same;
}

export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function gap(start: IsoDate, end: IsoDate): Gap {
  return { start, end, days: daysBetween(start, end) + 1 };
}

type EventClause = Extract<CompiledClause, { kind: 'event' }>;

function eventEvidence(clause: EventClause, ctx: Context): EventEvidence {
  const member = ctx.member;
  const after = afterEvidence(clause.onOrAfter, ctx);
  // Counting starts at the later of the window's start and the onOrAfter date.
  const from =
    after?.date !== undefined &&
    (clause.window.from === undefined || after.date > clause.window.from)
      ? after.date
      : clause.window.from;
  const matches: RecordRef[] = [];
  const misses: NearMiss[] = [];
  const w = clause.window;
  const blockedByAnchor = after !== undefined && after.date === undefined;
  const findValueSet = (system: CodeSystem, code: string): string | undefined => {
    for (const vs of clause.valueSets) {
      if (vs.codes.get(system)?.has(normalizeCode(system, code))) return vs.name;
    }
    return undefined;
  };
  // An observation without a setting is not filtered by setting.
  const consider = (ref: RecordRef, setting: Setting | undefined) => {
    const settingOk =
      setting === undefined ||
      ((clause.settings === undefined || clause.settings.has(setting)) &&
        (clause.excludeSettings === undefined || !clause.excludeSettings.has(setting)));
    if (!inWindow(ref.date, w)) {
      misses.push({ ...ref, reason: ref.date > w.to ? 'after-window' : 'before-window' });
    } else if (blockedByAnchor || (from !== undefined && ref.date < from)) {
      misses.push({ ...ref, reason: 'before-anchor' });
    } else if (!settingOk) {
      misses.push({ ...ref, reason: 'setting' });
    } else {
      matches.push(ref);
    }
  };
  const codeMatchesModifiers = (modifiers: readonly string[] | undefined) =>
    clause.modifiers === undefined ||
    (modifiers ?? []).some((m) => clause.modifiers?.has(m.trim().toUpperCase()) === true);

  if (clause.records.has('claims')) {
    const bySettingOnly = clause.valueSets.length === 0 && clause.drugs === undefined;
    for (const c of member.claims) {
      const base = { record: 'claim' as const, id: c.id, date: c.date, setting: c.setting };
      if (bySettingOnly) {
        // A clause with settings only (e.g. any nonacute inpatient stay) reads the setting.
        if (clause.settings?.has(c.setting) === true) consider(base, c.setting);
        continue;
      }
      let modifierMiss: RecordRef | undefined;
      let matched = false;
      for (const code of c.codes) {
        const valueSet = findValueSet(code.system, code.code);
        if (valueSet === undefined) continue;
        const ref: RecordRef = {
          ...base,
          system: code.system,
          code: code.code,
          valueSet,
          ...(code.modifiers !== undefined && code.modifiers.length > 0
            ? { modifiers: code.modifiers }
            : {}),
        };
        if (!codeMatchesModifiers(code.modifiers)) {
          modifierMiss ??= ref;
          continue;
        }
        consider(ref, c.setting);
        matched = true;
        break; // one matching code is enough for a claim
      }
      if (!matched && modifierMiss) misses.push({ ...modifierMiss, reason: 'modifier' });
    }
  }
  if (clause.records.has('observations') && clause.valueSets.length > 0) {
    for (const o of member.observations) {
      const valueSet = findValueSet(o.code.system, o.code.code);
      if (valueSet === undefined) continue;
      consider(
        {
          record: 'observation',
          date: o.date,
          system: o.code.system,
          code: o.code.code,
          valueSet,
          ...(o.setting !== undefined ? { setting: o.setting } : {}),
        },
        o.setting,
      );
    }
  }
  if (clause.records.has('dispensings') && (clause.valueSets.length > 0 || clause.drugs)) {
    for (const d of member.dispensings) {
      const byDrug = d.drug !== undefined && clause.drugs?.has(d.drug.toLowerCase()) === true;
      const valueSet =
        clause.valueSets.length > 0 ? findValueSet(d.code.system, d.code.code) : undefined;
      if (!byDrug && valueSet === undefined) continue;
      consider(
        {
          record: 'dispensing',
          date: d.date,
          system: d.code.system,
          code: d.code.code,
          ...(d.drug !== undefined ? { drug: d.drug } : {}),
          ...(valueSet !== undefined ? { valueSet } : {}),
        },
        undefined,
      );
    }
  }
  matches.sort(byRecord);
  const distance = (m: NearMiss) =>
    m.reason === 'after-window'
      ? daysBetween(w.to, m.date)
      : m.reason === 'before-window' && w.from !== undefined
        ? daysBetween(m.date, w.from)
        : m.reason === 'before-anchor' && from !== undefined
          ? daysBetween(m.date, from)
          : 0;
  misses.sort((a, b) => distance(a) - distance(b) || byRecord(a, b));
  return {
    kind: 'event',
    window: w,
    matches,
    distinctDates: new Set(matches.map((m) => m.date)).size,
    needed: clause.minDistinctDates,
    ...(after ? { after } : {}),
    nearMisses: misses.slice(0, 3),
  };
}

/** A total order on records, so the trace does not depend on the order of the member's records. */
export function byRecord(a: RecordRef, b: RecordRef): number {
  return compareKeys(
    [a.date, a.record, a.id ?? '', a.system ?? '', a.code ?? '', a.drug ?? '', a.setting ?? ''],
    [b.date, b.record, b.id ?? '', b.system ?? '', b.code ?? '', b.drug ?? '', b.setting ?? ''],
  );
}

/**
 * The Nth distinct date of the clause an `onOrAfter` names, evaluated once per member and
 * product line (the context caches it).
 */
export function afterEvidence(
  onOrAfter: OnOrAfter | undefined,
  ctx: Context,
): AfterEvidence | undefined {
  if (!onOrAfter) return undefined;
  const trace = cachedEvaluation(onOrAfter.clause, ctx);
  const evidence = trace.evidence;
  const dates =
    evidence?.kind === 'event' ? [...new Set(evidence.matches.map((m) => m.date))].sort() : [];
  const date = dates[onOrAfter.occurrence - 1];
  return {
    clause: onOrAfter.clause.id,
    occurrence: onOrAfter.occurrence,
    ...(date !== undefined ? { date } : {}),
  };
}

function cachedEvaluation(clause: CompiledClause, ctx: Context): ClauseTrace {
  const hit = ctx.cache.get(clause);
  if (hit) return hit;
  const trace = evaluateClause(clause, ctx);
  ctx.cache.set(clause, trace);
  return trace;
}
