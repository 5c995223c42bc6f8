import { daysBetween } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { CodeSystem, Dispensing, Member, Observation, Setting } from '../model/member.ts';
import type { CompiledWindow, OnOrAfter } from '../rulepack/compiled.ts';
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
}

/** The part of a clause that decides which records count. */
export interface RecordCriteria {
  readonly window: CompiledWindow;
  readonly settings?: ReadonlySet<Setting>;
  readonly excludeSettings?: ReadonlySet<Setting>;
  readonly onOrAfter?: OnOrAfter;
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
 * Sorts `candidates` into records that count and near misses. A record counts when it is inside
 * the window, on or after the `onOrAfter` date (the later of that date and the window's start; no
 * record counts when the anchor clause has too few dates) and, when it has a setting, in an
 * allowed and not excluded setting.
 *
 * Near misses are ordered nearest first: by days from the window for a record outside it (after
 * its end, or before its start), by days before the date counting started for a record before the
 * `onOrAfter` date, and at distance 0 for a wrong setting or a missing modifier; records at the same
 * distance follow {@link byRecord}.
 */
export function matchRecords<S>(
  criteria: RecordCriteria,
  candidates: readonly RecordCandidate<S>[],
  ctx: Context,
): RecordMatch<S> {
  const w = criteria.window;
  const after = afterEvidence(criteria.onOrAfter, ctx);
  // Counting starts at the later of the window's start and the onOrAfter date.
  const from =
    after?.date !== undefined && (w.from === undefined || after.date > w.from)
      ? after.date
      : w.from;
  const blockedByAnchor = after !== undefined && after.date === undefined;
  const matches: RecordCandidate<S>[] = [];
  const misses: NearMiss[] = [];
  for (const c of candidates) {
    const ref = c.ref;
    if (c.rejected !== undefined) {
      misses.push({ ...ref, reason: c.rejected });
    } else if (!inWindow(ref.date, w)) {
      misses.push({ ...ref, reason: ref.date > w.to ? 'after-window' : 'before-window' });
    } else if (blockedByAnchor || (from !== undefined && ref.date < from)) {
      misses.push({ ...ref, reason: 'before-anchor' });
    } else if (!settingAllowed(criteria, c.setting)) {
      misses.push({ ...ref, reason: 'setting' });
    } else {
      matches.push(c);
    }
  }
  matches.sort((a, b) => byRecord(a.ref, b.ref));
  const distance = (m: NearMiss): number =>
    m.reason === 'after-window'
      ? daysBetween(w.to, m.date)
      : m.reason === 'before-window' && w.from !== undefined
        ? daysBetween(m.date, w.from)
        : m.reason === 'before-anchor' && from !== undefined
          ? daysBetween(m.date, from)
          : 0;
  misses.sort((a, b) => distance(a) - distance(b) || byRecord(a, b));
  return {
    ...(after ? { after } : {}),
    matches,
    nearMisses: misses.slice(0, NEAR_MISSES),
  };
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

/** Claims in one of `settings`, whatever their codes (e.g. any nonacute inpatient stay). */
export function claimsInSettings(
  member: Member,
  settings: ReadonlySet<Setting> | undefined,
): RecordCandidate<undefined>[] {
  const out: RecordCandidate<undefined>[] = [];
  for (const c of member.claims) {
    if (settings?.has(c.setting) !== true) continue;
    out.push({
      ref: { record: 'claim', id: c.id, date: c.date, setting: c.setting },
      setting: c.setting,
      source: undefined,
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
    for (const code of c.codes) {
      const valueSet = valueSetOf(valueSets, code.system, code.code);
      if (valueSet === undefined) continue;
      const ref: RecordRef = {
        record: 'claim',
        id: c.id,
        date: c.date,
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
      out.push({ ref, setting: c.setting, source: undefined });
      matched = true;
      break;
    }
    if (!matched && modifierMiss)
      out.push({ ref: modifierMiss, setting: c.setting, source: undefined, rejected: 'modifier' });
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
    const valueSet = valueSetOf(valueSets, o.code.system, o.code.code);
    if (valueSet === undefined) continue;
    out.push({
      ref: {
        record: 'observation',
        date: o.date,
        system: o.code.system,
        code: o.code.code,
        valueSet,
        ...(o.setting !== undefined ? { setting: o.setting } : {}),
      },
      setting: o.setting,
      source: { observation: o, valueSet },
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
    const valueSet = valueSetOf(valueSets, d.code.system, d.code.code);
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
    });
  }
  return out;
}
