import { isThresholdTest } from '../../rulepack/compiled.ts';
import type { Comparator, ReadingTest } from '../../rulepack/compiled.ts';
import { compareKeys } from '../_internals/compareKeys.ts';
import type { ClauseEvaluator } from '../context.ts';
import { matchRecords, observationsWithCodes, valueSetOf } from '../records.ts';
import type { CodedObservation } from '../records.ts';
import type { ReadingTestEvidence, ReadingValue } from '../trace.ts';

/**
 * The most recent reading date in the window (on or after the onOrAfter date, in an allowed
 * setting, with an allowed status and category), every value taken that day, and each test on the
 * lowest (or highest) value of its kind, or on the coded results (`valueIn`). An observation without
 * a value still makes its date a reading date: the reading is incomplete, and a test with no value
 * takes its `ifMissing` (or, when only some of that day's readings lack one, its `ifAnyMissing` if
 * it has one). No reading date gives `ifNone`.
 *
 * The reading date of an observation is its `date`, or with `by: end` its `endDate` (its date
 * without one). With `mostRecentDate: all` the date is the most recent one on which every test's
 * value set has a reading.
 */
export const reading: ClauseEvaluator<'reading'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const found = matchRecords(clause, observationsWithCodes(ctx.member, clause.valueSets), ctx);
    const dateOf = (r: CodedObservation): string =>
      clause.by === 'end' ? (r.observation.endDate ?? r.observation.date) : r.observation.date;
    const counted = found.matches.map((m) => m.source);
    const dates = [...new Set(counted.map(dateOf))].sort().reverse();
    const needed = clause.tests.flatMap((t) => (t.valueSet ? [t.valueSet.name] : []));
    const date =
      clause.mostRecentDate === 'all'
        ? dates.find((d) =>
            needed.every((vs) => counted.some((r) => dateOf(r) === d && r.valueSet === vs)),
          )
        : dates[0];
    const ofDay = counted.filter((r) => dateOf(r) === date);
    const readings: ReadingValue[] = ofDay
      .map(({ observation: o, valueSet }) => ({
        valueSet,
        ...(o.value !== undefined ? { value: o.value } : {}),
        ...(o.unit !== undefined ? { unit: o.unit } : {}),
        ...(o.valueCode !== undefined
          ? { valueCode: { system: o.valueCode.system, code: o.valueCode.code } }
          : {}),
        ...(o.setting !== undefined ? { setting: o.setting } : {}),
      }))
      .sort((a, b) =>
        compareKeys(
          [a.valueSet, sortableNumber(a.value), codeKey(a), a.unit ?? '', a.setting ?? ''],
          [b.valueSet, sortableNumber(b.value), codeKey(b), b.unit ?? '', b.setting ?? ''],
        ),
      );
    const tests = clause.tests.map((t) => testOn(t, ofDay, clause.sameDay));
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

/** One test on the readings of the chosen day. */
function testOn(
  t: ReadingTest,
  ofDay: readonly CodedObservation[],
  sameDay: 'lowest' | 'highest',
): ReadingTestEvidence {
  const mine = ofDay
    .filter((r) => t.valueSet === undefined || r.valueSet === t.valueSet.name)
    .map((r) => r.observation);
  const head = { ...(t.valueSet !== undefined ? { valueSet: t.valueSet.name } : {}) };
  if (isThresholdTest(t)) {
    const values = mine.flatMap((o) => (o.value !== undefined ? [o.value] : []));
    const test = { ...head, comparator: t.comparator, threshold: t.threshold };
    // A coded result (valueCode, no number) is a result, not a missing one: it fails a numeric
    // comparison, as comparing a concept with a quantity is never true in CQL.
    const missing = mine.filter((o) => o.value === undefined && o.valueCode === undefined).length;
    if (values.length === 0) {
      return missing > 0 || mine.length === 0
        ? { ...test, passed: t.ifMissing }
        : { ...test, notNumeric: true, passed: false };
    }
    const value = sameDay === 'lowest' ? Math.min(...values) : Math.max(...values);
    if (t.ifAnyMissing !== undefined && values.length < mine.length) {
      // Sorting puts a reading without a number first: one without any value decides the test
      // (ifAnyMissing); failing that, a coded one, which fails it.
      return missing > 0
        ? { ...test, anyMissing: true, passed: t.ifAnyMissing }
        : { ...test, notNumeric: true, passed: false };
    }
    return { ...test, value, passed: passesThreshold(value, t.comparator, t.threshold) };
  }
  const test = { ...head, valueIn: t.valueIn.map((vs) => vs.name) };
  const coded = mine.flatMap((o) => (o.valueCode !== undefined ? [o.valueCode] : []));
  if (coded.length === 0) return { ...test, passed: t.ifMissing };
  if (t.ifAnyMissing !== undefined && coded.length < mine.length)
    return { ...test, anyMissing: true, passed: t.ifAnyMissing };
  const inSet = coded.find((c) => valueSetOf(t.valueIn, c.system, c.code) !== undefined);
  const shown = inSet ?? [...coded].sort((a, b) => compareKeys(codeKeys(a), codeKeys(b)))[0];
  return {
    ...test,
    ...(shown ? { valueCode: { system: shown.system, code: shown.code } } : {}),
    passed: inSet !== undefined,
  };
}

const codeKeys = (c: { system: string; code: string }): string[] => [c.system, c.code];
const codeKey = (r: ReadingValue): string =>
  r.valueCode ? `${r.valueCode.system}|${r.valueCode.code}` : '';

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
