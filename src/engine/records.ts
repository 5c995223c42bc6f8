import type { IsoDate } from '../model/calendarDate.ts';
import { addDays, daysBetween } from '../model/calendarDate.ts';
import type {
  Claim,
  Code,
  CodeSystem,
  Condition,
  Dispensing,
  Member,
  Observation,
  Order,
  Setting,
} from '../model/member.ts';
import type {
  ClaimResult,
  CompiledWindow,
  OnOrAfter,
  RecordFilters,
  ValueRange,
} from '../rulepack/compiled.ts';
import type { ByMode } from '../rulepack/schema.ts';
import { valueSetHas } from '../rulepack/valueSet.ts';
import type { ValueSet } from '../rulepack/valueSet.ts';
import { compareKeys } from './_internals/compareKeys.ts';
import { inWindow } from './_internals/inWindow.ts';
import type { Context } from './context.ts';
import type { AfterEvidence, NearMiss, RecordRef } from './trace.ts';

/**
 * Record matching for every record-based clause kind (event, reading, coverage): which of a
 * member's records count for a clause, and the nearest ones that did not (near misses).
 */

/** One record a clause looks at: how the trace names it, its setting, and the record itself. */
export interface RecordCandidate<S> {
  readonly ref: RecordRef;
  /** Undefined for a record without a setting: it is not filtered by setting. */
  readonly setting: Setting | undefined;
  readonly source: S;
  /** Set when the record was already turned down (a code without the required modifier). */
  readonly rejected?: 'modifier';
  /**
   * The record's span: from `ref.date` to `end` (undefined: open-ended, or its end is unknown
   * when `ref.endUnknown` is set).
   */
  readonly end: IsoDate | undefined;
  /** What the clause's filters (kinds, statuses...) read. */
  readonly facts: RecordFacts;
}

/** The facts of a record that a clause's filters read (see `RecordFilters`). */
export interface RecordFacts {
  /** `claim` for a claim without kind; undefined for records that have no kind. */
  readonly kind?: string;
  readonly status?: string;
  readonly intent?: string;
  readonly doNotPerform?: boolean;
  readonly category?: readonly string[];
  /** Observations: a numeric or coded value is present. */
  readonly hasValue?: boolean;
  readonly valueCode?: Code;
  /** Every code of the record, with or without a role (what `with` reads). */
  readonly codes: readonly Code[];
}

/** The part of a clause that decides which records count. */
export interface RecordCriteria extends RecordFilters {
  readonly window: CompiledWindow;
  readonly settings?: ReadonlySet<Setting>;
  readonly excludeSettings?: ReadonlySet<Setting>;
  readonly onOrAfter?: OnOrAfter;
  /** How the record's span meets the window; undefined means `start`. */
  readonly by?: ByMode;
  /** The clinical statuses under which a condition without abatement is still going. */
  readonly ongoingStatuses?: ReadonlySet<string>;
}

export interface RecordMatch<S> {
  /** Where `onOrAfter` started counting, when the clause has one. */
  readonly after?: AfterEvidence;
  /** Records that count, in the order of {@link byRecord}. */
  readonly matches: readonly RecordCandidate<S>[];
  /** The nearest records that did not count (at most 3), in the order described below. */
  readonly nearMisses: readonly NearMiss[];
}

const NEAR_MISSES = 3;

/**
 * Sorts `candidates` into records that count and near misses. A record counts when its span meets
 * the window as `by` says (its start in the window by default), it starts on or after the
 * `onOrAfter` date (the later of that date and the window's start; no record counts when the
 * anchor clause has too few dates), when it has a setting, in an allowed and not excluded setting,
 * and it passes the clause's filters (kinds, statuses, intents, doNotPerform, categories, value,
 * with).
 *
 * Near misses are ordered nearest first: by days from the window for a record outside it (from the
 * date `by` looks at; an open-ended span that must end in the window is farthest), by days before
 * the date counting started for a record before the `onOrAfter` date, and at distance 0 for a wrong
 * setting, a missing modifier or a filter; records at the same distance follow {@link byRecord}.
 */
export function matchRecords<S>(
  criteria: RecordCriteria,
  candidates: readonly RecordCandidate<S>[],
  ctx: Context,
): RecordMatch<S> {
  const w = criteria.window;
  const by = criteria.by ?? 'start';
  const after = afterEvidence(criteria.onOrAfter, ctx);
  // A record in the window counts from the onOrAfter date on (its start is compared, whatever
  // `by` reads: with `by: start` counting starts at the later of the two dates).
  const from = after?.date;
  const blockedByAnchor = after !== undefined && after.date === undefined;
  const matches: RecordCandidate<S>[] = [];
  const misses: { miss: NearMiss; distance: number }[] = [];
  for (const c of candidates) {
    // A clause that reads the span's end shows it.
    const ref = by === 'start' ? c.ref : withSpan(c.ref, c.end);
    const outside =
      c.rejected === undefined
        ? windowMiss(ref.date, c.end, w, by, c.ref.endUnknown === true)
        : undefined;
    let filter: FilterMiss | undefined;
    if (c.rejected !== undefined) {
      misses.push({ miss: { ...ref, reason: c.rejected }, distance: 0 });
    } else if (outside) {
      misses.push({
        miss: {
          ...ref,
          reason: outside.reason,
          // An unknown end says under which statuses the condition would still be going.
          ...(outside.reason === 'end-unknown' && criteria.ongoingStatuses
            ? { wanted: [...criteria.ongoingStatuses] }
            : {}),
        },
        distance: outside.distance,
      });
    } else if (blockedByAnchor || (from !== undefined && ref.date < from)) {
      // Counted from where counting starts: the onOrAfter date, or the window's start when the
      // anchor clause has too few dates (a negative distance: these sort first).
      const start = from ?? w.from;
      const distance = start !== undefined ? daysBetween(ref.date, start) : 0;
      misses.push({ miss: { ...ref, reason: 'before-anchor' }, distance });
    } else if (!settingAllowed(criteria, c.setting)) {
      misses.push({ miss: { ...ref, reason: 'setting' }, distance: 0 });
    } else if ((filter = filterMiss(criteria, c.facts))) {
      misses.push({ miss: { ...ref, ...filter }, distance: 0 });
    } else {
      matches.push(ref === c.ref ? c : { ...c, ref });
    }
  }
  matches.sort((a, b) => byRecord(a.ref, b.ref));
  misses.sort((a, b) => a.distance - b.distance || byRecord(a.miss, b.miss));
  return {
    ...(after ? { after } : {}),
    matches,
    nearMisses: misses.slice(0, NEAR_MISSES).map((m) => m.miss),
  };
}

/** Farther than any real distance: an open-ended span where the clause needs its end. */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * Why a span (`start`..`end`; undefined end: open, still going, or unknown with `endUnknown`)
 * does not meet the window as `by` says, with its distance in days from the window on the date
 * `by` looks at; undefined when it does. A span whose end is unknown meets the window only by its
 * start (CQL: a comparison with a null end is null, not true); when its start alone rules it out,
 * that is the reason given, else the unknown end (at distance 0, beside the filters).
 */
function windowMiss(
  start: IsoDate,
  end: IsoDate | undefined,
  w: CompiledWindow,
  by: ByMode,
  endUnknown: boolean,
): { reason: 'before-window' | 'after-window' | 'end-unknown'; distance: number } | undefined {
  const before = (date: IsoDate) =>
    w.from !== undefined && date < w.from
      ? { reason: 'before-window' as const, distance: daysBetween(date, w.from) }
      : undefined;
  const afterTo = (date: IsoDate | undefined) =>
    date === undefined
      ? { reason: 'after-window' as const, distance: NEVER }
      : date > w.to
        ? { reason: 'after-window' as const, distance: daysBetween(w.to, date) }
        : undefined;
  if (by === 'start') return inWindow(start, w) ? undefined : (afterTo(start) ?? before(start));
  if (endUnknown)
    return (
      afterTo(start) ??
      (by === 'within' ? before(start) : undefined) ?? { reason: 'end-unknown', distance: 0 }
    );
  switch (by) {
    case 'end':
      return afterTo(end) ?? (end !== undefined ? before(end) : undefined);
    case 'overlap':
      return afterTo(start) ?? (end !== undefined ? before(end) : undefined);
    case 'within':
      return before(start) ?? afterTo(end);
  }
}

/** The ref with its span shown: its end when it differs from its start, or open-ended. */
function withSpan(ref: RecordRef, end: IsoDate | undefined): RecordRef {
  if (ref.end !== undefined || ref.open !== undefined || ref.endUnknown !== undefined) return ref;
  if (end === undefined) return { ...ref, open: true };
  return end === ref.date ? ref : { ...ref, end };
}

type FilterMiss = Pick<NearMiss, 'reason' | 'wanted' | 'role'>;

/** The first filter of the clause the record fails, and what the filter accepts. */
function filterMiss(f: RecordFilters, facts: RecordFacts): FilterMiss | undefined {
  const notIn = (
    reason: FilterMiss['reason'],
    allowed: ReadonlySet<string> | undefined,
    value: string | undefined,
  ): FilterMiss | undefined =>
    allowed !== undefined && (value === undefined || !allowed.has(value))
      ? { reason, wanted: [...allowed] }
      : undefined;
  const kind = notIn('kind', f.kinds, facts.kind);
  if (kind) return kind;
  const status = notIn('status', f.statuses, facts.status);
  if (status) return status;
  const intent = notIn('intent', f.intents, facts.intent);
  if (intent) return intent;
  if (f.doNotPerform !== undefined && (facts.doNotPerform === true) !== f.doNotPerform)
    return { reason: 'do-not-perform' };
  if (f.categories !== undefined && !(facts.category ?? []).some((c) => f.categories?.has(c)))
    return { reason: 'category', wanted: [...f.categories] };
  const v = f.value;
  if (v !== undefined) {
    if (v.kind === 'present' && facts.hasValue !== true) return { reason: 'value' };
    if (
      v.kind === 'coded' &&
      (facts.valueCode === undefined ||
        valueSetOf(v.valueSets, facts.valueCode.system, facts.valueCode.code) === undefined)
    )
      return { reason: 'value', wanted: v.valueSets.map((vs) => vs.name) };
  }
  const w = f.with;
  if (
    w !== undefined &&
    !facts.codes.some(
      (c) =>
        (w.role === undefined || c.role === w.role) &&
        valueSetOf(w.valueSets, c.system, c.code) !== undefined,
    )
  )
    return {
      reason: 'with',
      wanted: w.valueSets.map((vs) => vs.name),
      ...(w.role !== undefined ? { role: w.role } : {}),
    };
  return undefined;
}

function settingAllowed(criteria: RecordCriteria, setting: Setting | undefined): boolean {
  return (
    setting === undefined ||
    ((criteria.settings === undefined || criteria.settings.has(setting)) &&
      (criteria.excludeSettings === undefined || !criteria.excludeSettings.has(setting)))
  );
}

/** A total order on records, so the trace does not depend on the order of the member's records. */
export function byRecord(a: RecordRef, b: RecordRef): number {
  return compareKeys(
    [a.date, a.record, a.id ?? '', a.system ?? '', a.code ?? '', a.drug ?? '', a.setting ?? ''],
    [b.date, b.record, b.id ?? '', b.system ?? '', b.code ?? '', b.drug ?? '', b.setting ?? ''],
  );
}

/**
 * The Nth distinct date of the clause an `onOrAfter` names; the context evaluates that clause once
 * per member and product line.
 */
function afterEvidence(onOrAfter: OnOrAfter | undefined, ctx: Context): AfterEvidence | undefined {
  if (!onOrAfter) return undefined;
  const evidence = ctx.evaluateAnchor(onOrAfter.clause).evidence;
  const dates: IsoDate[] =
    evidence?.kind === 'event' ? [...new Set(evidence.matches.map((m) => m.date))].sort() : [];
  const date = dates[onOrAfter.occurrence - 1];
  return {
    clause: onOrAfter.clause.id,
    occurrence: onOrAfter.occurrence,
    ...(date !== undefined ? { date } : {}),
  };
}

/** The name of the first of `valueSets` that holds the code, or undefined. */
export function valueSetOf(
  valueSets: readonly ValueSet[],
  system: CodeSystem,
  code: string,
): string | undefined {
  for (const vs of valueSets) if (valueSetHas(vs, system, code)) return vs.name;
  return undefined;
}

/**
 * The name of the value set a record's own code is in: codes with a role (a discharge
 * disposition, a body site) are other facts about the record and never match its value sets.
 */
function ownValueSetOf(valueSets: readonly ValueSet[], code: Code): string | undefined {
  return code.role === undefined ? valueSetOf(valueSets, code.system, code.code) : undefined;
}

/** The ref fields of a claim's FHIR facts, only those it has (a HEDIS claim has none). */
function claimFacts(c: Claim): { ref: Partial<RecordRef>; facts: RecordFacts; end: IsoDate } {
  const end = c.endDate ?? c.date;
  const clinical = c.kind !== undefined || c.status !== undefined;
  return {
    ref: {
      ...(clinical && end !== c.date ? { end } : {}),
      ...(c.kind !== undefined ? { kind: c.kind } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
      ...(c.doNotPerform === true ? { doNotPerform: true as const } : {}),
    },
    facts: {
      kind: c.kind ?? 'claim',
      ...(c.status !== undefined ? { status: c.status } : {}),
      ...(c.doNotPerform !== undefined ? { doNotPerform: c.doNotPerform } : {}),
      codes: c.codes,
    },
    end,
  };
}

/** Claims in one of `settings`, whatever their codes (e.g. any nonacute inpatient stay). */
export function claimsInSettings(
  member: Member,
  settings: ReadonlySet<Setting> | undefined,
): RecordCandidate<undefined>[] {
  const out: RecordCandidate<undefined>[] = [];
  for (const c of member.claims) {
    if (settings?.has(c.setting) !== true) continue;
    const { ref, facts, end } = claimFacts(c);
    out.push({
      ref: { record: 'claim', id: c.id, date: c.date, ...ref, setting: c.setting },
      setting: c.setting,
      source: undefined,
      end,
      facts,
    });
  }
  return out;
}

/**
 * Claims with a code in one of `valueSets`: one candidate per claim, for its first code that has
 * a required modifier (one matching code is enough for a claim). A claim whose codes all lack the
 * modifier is a candidate already rejected, named by its first such code.
 */
export function claimsWithCodes(
  member: Member,
  valueSets: readonly ValueSet[],
  modifiers: ReadonlySet<string> | undefined,
): RecordCandidate<undefined>[] {
  const hasModifier = (list: readonly string[] | undefined): boolean =>
    modifiers === undefined || (list ?? []).some((m) => modifiers.has(m.trim().toUpperCase()));
  const out: RecordCandidate<undefined>[] = [];
  for (const c of member.claims) {
    let modifierMiss: RecordRef | undefined;
    let matched = false;
    const { ref: more, facts, end } = claimFacts(c);
    for (const code of c.codes) {
      const valueSet = ownValueSetOf(valueSets, code);
      if (valueSet === undefined) continue;
      const ref: RecordRef = {
        record: 'claim',
        id: c.id,
        date: c.date,
        ...more,
        setting: c.setting,
        system: code.system,
        code: code.code,
        valueSet,
        ...(code.modifiers !== undefined && code.modifiers.length > 0
          ? { modifiers: code.modifiers }
          : {}),
      };
      if (!hasModifier(code.modifiers)) {
        modifierMiss ??= ref;
        continue;
      }
      out.push({ ref, setting: c.setting, source: undefined, end, facts });
      matched = true;
      break;
    }
    if (!matched && modifierMiss)
      out.push({
        ref: modifierMiss,
        setting: c.setting,
        source: undefined,
        rejected: 'modifier',
        end,
        facts,
      });
  }
  return out;
}

/**
 * A claim code that reports a result (a CPT II code): a reading of `valueSet` (the name of the
 * reading's value set it reads) whose value lies in `range`.
 */
export interface ClaimReading {
  readonly claim: Claim;
  readonly code: Code;
  readonly valueSet: string;
  readonly range: ValueRange;
}

/**
 * Claims with a code of one of the claim results: one candidate per such code (a claim may report
 * a systolic and a diastolic result). Modifiers are not looked at.
 */
export function claimReadingsOf(
  member: Member,
  results: readonly ClaimResult[],
): RecordCandidate<ClaimReading>[] {
  const out: RecordCandidate<ClaimReading>[] = [];
  for (const c of member.claims) {
    const { ref: more, facts, end } = claimFacts(c);
    for (const code of c.codes) {
      if (code.role !== undefined) continue;
      const result = results.find((r) => valueSetHas(r.valueSet, code.system, code.code));
      if (result === undefined) continue;
      out.push({
        ref: {
          record: 'claim',
          id: c.id,
          date: c.date,
          ...more,
          setting: c.setting,
          system: code.system,
          code: code.code,
          valueSet: result.valueSet.name,
        },
        setting: c.setting,
        source: { claim: c, code, valueSet: result.reads.name, range: result.range },
        end,
        facts,
      });
    }
  }
  return out;
}

/** An observation with a code in one of the value sets, and the name of that value set. */
export interface CodedObservation {
  readonly observation: Observation;
  readonly valueSet: string;
}

/** Observations with a code in one of `valueSets`. */
export function observationsWithCodes(
  member: Member,
  valueSets: readonly ValueSet[],
): RecordCandidate<CodedObservation>[] {
  const out: RecordCandidate<CodedObservation>[] = [];
  for (const o of member.observations) {
    const valueSet = ownValueSetOf(valueSets, o.code);
    if (valueSet === undefined) continue;
    const end = o.endDate ?? o.date;
    out.push({
      ref: {
        record: 'observation',
        ...(o.id !== undefined ? { id: o.id } : {}),
        date: o.date,
        ...(end !== o.date ? { end } : {}),
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.category !== undefined ? { category: o.category } : {}),
        system: o.code.system,
        code: o.code.code,
        valueSet,
        ...(o.valueCode !== undefined
          ? { valueCode: { system: o.valueCode.system, code: o.valueCode.code } }
          : {}),
        ...(o.setting !== undefined ? { setting: o.setting } : {}),
      },
      setting: o.setting,
      source: { observation: o, valueSet },
      end,
      facts: {
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.category !== undefined ? { category: o.category } : {}),
        hasValue: o.value !== undefined || o.valueCode !== undefined,
        ...(o.valueCode !== undefined ? { valueCode: o.valueCode } : {}),
        codes: [o.code],
      },
    });
  }
  return out;
}

/**
 * Dispensings of one of `drugs` (by name, case-insensitive) or with a code in one of `valueSets`.
 * A dispensing has no setting.
 */
export function dispensingsOf(
  member: Member,
  valueSets: readonly ValueSet[],
  drugs: ReadonlySet<string> | undefined,
): RecordCandidate<Dispensing>[] {
  const out: RecordCandidate<Dispensing>[] = [];
  for (const d of member.dispensings) {
    const byDrug = d.drug !== undefined && drugs?.has(d.drug.toLowerCase()) === true;
    const valueSet = ownValueSetOf(valueSets, d.code);
    if (!byDrug && valueSet === undefined) continue;
    out.push({
      ref: {
        record: 'dispensing',
        date: d.date,
        system: d.code.system,
        code: d.code.code,
        ...(d.drug !== undefined ? { drug: d.drug } : {}),
        ...(valueSet !== undefined ? { valueSet } : {}),
      },
      setting: undefined,
      source: d,
      end: d.date,
      facts: { codes: [d.code] },
    });
  }
  return out;
}

/** The first of a record's own codes (without a role) in one of `valueSets`. */
function firstOwnCode(
  codes: readonly Code[],
  valueSets: readonly ValueSet[],
): { code: Code; valueSet: string } | undefined {
  for (const code of codes) {
    const valueSet = ownValueSetOf(valueSets, code);
    if (valueSet !== undefined) return { code, valueSet };
  }
  return undefined;
}

/**
 * Conditions with a code in one of `valueSets`. A condition spans onset..abatement. Without an
 * abatement it is open-ended (still going), unless `ongoingStatuses` is given and its
 * clinicalStatus is not one of them (or it has none): its end is then unknown. Its status is its
 * clinicalStatus.
 */
export function conditionsWithCodes(
  member: Member,
  valueSets: readonly ValueSet[],
  ongoingStatuses?: ReadonlySet<string>,
): RecordCandidate<Condition>[] {
  const out: RecordCandidate<Condition>[] = [];
  for (const c of member.conditions ?? []) {
    const found = firstOwnCode(c.codes, valueSets);
    if (!found) continue;
    const ongoing =
      ongoingStatuses === undefined ||
      (c.clinicalStatus !== undefined && ongoingStatuses.has(c.clinicalStatus));
    out.push({
      ref: {
        record: 'condition',
        id: c.id,
        date: c.onset,
        ...(c.abatement === undefined
          ? ongoing
            ? { open: true as const }
            : { endUnknown: true as const }
          : c.abatement !== c.onset
            ? { end: c.abatement }
            : {}),
        ...(c.clinicalStatus !== undefined ? { status: c.clinicalStatus } : {}),
        ...(c.category !== undefined ? { category: c.category } : {}),
        system: found.code.system,
        code: found.code.code,
        valueSet: found.valueSet,
      },
      setting: undefined,
      source: c,
      end: c.abatement,
      facts: {
        ...(c.clinicalStatus !== undefined ? { status: c.clinicalStatus } : {}),
        ...(c.category !== undefined ? { category: c.category } : {}),
        codes: c.codes,
      },
    });
  }
  return out;
}

/**
 * Orders (medication, device, service) with a code in one of `valueSets`. An order spans its
 * date..date + daysSupply - 1 (just its date without daysSupply).
 */
export function ordersWithCodes(
  member: Member,
  valueSets: readonly ValueSet[],
): RecordCandidate<Order>[] {
  const out: RecordCandidate<Order>[] = [];
  for (const o of member.orders ?? []) {
    const found = firstOwnCode(o.codes, valueSets);
    if (!found) continue;
    const end = o.daysSupply !== undefined ? addDays(o.date, o.daysSupply - 1) : o.date;
    out.push({
      ref: {
        record: 'order',
        id: o.id,
        date: o.date,
        ...(end !== o.date ? { end } : {}),
        kind: o.kind,
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.intent !== undefined ? { intent: o.intent } : {}),
        ...(o.doNotPerform === true ? { doNotPerform: true as const } : {}),
        system: found.code.system,
        code: found.code.code,
        valueSet: found.valueSet,
      },
      setting: undefined,
      source: o,
      end,
      facts: {
        kind: o.kind,
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.intent !== undefined ? { intent: o.intent } : {}),
        ...(o.doNotPerform !== undefined ? { doNotPerform: o.doNotPerform } : {}),
        codes: o.codes,
      },
    });
  }
  return out;
}
