import type { Comparator } from '../../rulepack/compiled.ts';
import { compareKeys } from '../_internals/compareKeys.ts';
import type { ClauseEvaluator } from '../context.ts';
import { matchRecords, observationsWithCodes } from '../records.ts';
import type { ReadingValue } from '../trace.ts';

/**
 * The most recent reading date in the window (on or after the onOrAfter date, in an allowed
 * setting), every value taken that day, and each test on the lowest (or highest) value of its kind.
 * An observation without a value still makes its date a reading date: the reading is incomplete,
 * and a test with no value takes its `ifMissing`. No reading date gives `ifNone`.
 */
export const reading: ClauseEvaluator<'reading'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const found = matchRecords(clause, observationsWithCodes(ctx.member, clause.valueSets), ctx);
    const counted = found.matches.map((m) => m.source);
    const date = counted.reduce<string | undefined>(
      (d, r) => (d === undefined || r.observation.date > d ? r.observation.date : d),
      undefined,
    );
    const readings: ReadingValue[] = counted
      .filter((r) => r.observation.date === date)
      .map(({ observation: o, valueSet }) => ({
        valueSet,
        ...(o.value !== undefined ? { value: o.value } : {}),
        ...(o.unit !== undefined ? { unit: o.unit } : {}),
        ...(o.setting !== undefined ? { setting: o.setting } : {}),
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
        passed:
          value === undefined ? t.ifMissing : passesThreshold(value, t.comparator, t.threshold),
      };
    });
    return {
      result: date === undefined ? clause.ifNone : tests.every((t) => t.passed),
      evidence: {
        kind: 'reading',
        window: clause.window,
        ...(found.after ? { after: found.after } : {}),
        ...(date !== undefined ? { date } : {}),
        readings,
        tests,
        nearMisses: found.nearMisses,
      },
    };
  },
};

/** Whether `value` passes a reading test's comparator and threshold. */
export function passesThreshold(value: number, comparator: Comparator, threshold: number): boolean {
  return COMPARE[comparator](value, threshold);
}

const COMPARE: Readonly<Record<Comparator, (value: number, threshold: number) => boolean>> = {
  below: (v, t) => v < t,
  atMost: (v, t) => v <= t,
  above: (v, t) => v > t,
  atLeast: (v, t) => v >= t,
};

/** A number as text that sorts like the number (missing first), for total orders on readings. */
function sortableNumber(value: number | undefined): string {
  if (value === undefined) return '';
  // Offset keeps every plausible clinical value positive; fixed width makes text order numeric.
  return (value + 1e6).toFixed(6).padStart(20, '0');
}
