import type { CodeSystem } from '../model/member.ts';
import type { CompiledClause, Comparator } from '../rulepack/compiled.ts';
import { normalizeCode } from '../rulepack/valueSet.ts';
import { daysBetween } from '../model/calendarDate.ts';
import type { Context } from './evaluate.ts';
import { afterEvidence, byRecord, compareKeys, inWindow } from './evaluate.ts';
import type { NearMiss, ReadingEvidence, ReadingValue } from './trace.ts';

type ReadingClause = Extract<CompiledClause, { kind: 'reading' }>;

/**
 * The most recent reading date in the window (on or after the onOrAfter date, in an allowed
 * setting), every value taken that day, and each test on the lowest (or highest) value of its kind.
 * An observation without a value still makes its date a reading date: the reading is incomplete,
 * and a test with no value takes its `ifMissing`.
 */
export function readingEvidence(clause: ReadingClause, ctx: Context): ReadingEvidence {
  const after = afterEvidence(clause.onOrAfter, ctx);
  const w = clause.window;
  const from =
    after?.date !== undefined && (w.from === undefined || after.date > w.from)
      ? after.date
      : w.from;
  const blocked = after !== undefined && after.date === undefined;
  const valueSetOf = (system: CodeSystem, code: string): string | undefined =>
    clause.valueSets.find((vs) => vs.codes.get(system)?.has(normalizeCode(system, code)))?.name;

  const counted: (ReadingValue & { date: string })[] = [];
  const misses: NearMiss[] = [];
  for (const o of ctx.member.observations) {
    const valueSet = valueSetOf(o.code.system, o.code.code);
    if (valueSet === undefined) continue;
    const ref = {
      record: 'observation' as const,
      date: o.date,
      system: o.code.system,
      code: o.code.code,
      valueSet,
      ...(o.setting !== undefined ? { setting: o.setting } : {}),
    };
    const settingOk =
      o.setting === undefined ||
      ((clause.settings === undefined || clause.settings.has(o.setting)) &&
        (clause.excludeSettings === undefined || !clause.excludeSettings.has(o.setting)));
    if (!inWindow(o.date, w)) {
      misses.push({ ...ref, reason: o.date > w.to ? 'after-window' : 'before-window' });
    } else if (blocked || (from !== undefined && o.date < from)) {
      misses.push({ ...ref, reason: 'before-anchor' });
    } else if (!settingOk) {
      misses.push({ ...ref, reason: 'setting' });
    } else {
      counted.push({
        date: o.date,
        valueSet,
        ...(o.value !== undefined ? { value: o.value } : {}),
        ...(o.unit !== undefined ? { unit: o.unit } : {}),
        ...(o.setting !== undefined ? { setting: o.setting } : {}),
      });
    }
  }
  const date = counted.reduce<string | undefined>(
    (d, r) => (d === undefined || r.date > d ? r.date : d),
    undefined,
  );
  const readings: ReadingValue[] = counted
    .filter((r) => r.date === date)
    .map((r) => ({
      valueSet: r.valueSet,
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.unit !== undefined ? { unit: r.unit } : {}),
      ...(r.setting !== undefined ? { setting: r.setting } : {}),
    }))
    .sort((a, b) =>
      compareKeys(
        [a.valueSet, sortableNumber(a.value), a.unit ?? '', a.setting ?? ''],
        [b.valueSet, sortableNumber(b.value), b.unit ?? '', b.setting ?? ''],
      ),
    );
  const tests = clause.tests.map((t) => {
    const values = readings
      .filter((r) => t.valueSet === undefined || r.valueSet === t.valueSet.name)
      .flatMap((r) => (r.value !== undefined ? [r.value] : []));
    const value =
      values.length === 0
        ? undefined
        : clause.sameDay === 'lowest'
          ? Math.min(...values)
          : Math.max(...values);
    return {
      ...(t.valueSet !== undefined ? { valueSet: t.valueSet.name } : {}),
      comparator: t.comparator,
      threshold: t.threshold,
      ...(value !== undefined ? { value } : {}),
      passed: value === undefined ? t.ifMissing : passesThreshold(value, t.comparator, t.threshold),
    };
  });
  const distance = (m: NearMiss) =>
    m.reason === 'after-window'
      ? daysBetween(w.to, m.date)
      : m.reason === 'before-window' && w.from !== undefined
        ? daysBetween(m.date, w.from)
        : 0;
  misses.sort((a, b) => distance(a) - distance(b) || byRecord(a, b));
  return {
    kind: 'reading',
    window: w,
    ...(after ? { after } : {}),
    ...(date !== undefined ? { date } : {}),
    readings,
    tests,
    nearMisses: misses.slice(0, 3),
  };
}

/** Whether `value` passes a reading test's comparator and threshold. */
export function passesThreshold(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case 'below':
      return value < threshold;
    case 'atMost':
      return value <= threshold;
    case 'above':
      return value > threshold;
    case 'atLeast':
      return value >= threshold;
  }
}

/** A number as text that sorts like the number (missing first), for total orders on readings. */
function sortableNumber(value: number | undefined): string {
  if (value === undefined) return '';
  // Offset keeps every plausible clinical value positive; fixed width makes text order numeric.
  return (value + 1e6).toFixed(6).padStart(20, '0');
}
