import { isThresholdTest } from '../../rulepack/compiled.ts';
import type { Comparator, ReadingTest, ValueRange } from '../../rulepack/compiled.ts';
import { compareKeys } from '../_internals/compareKeys.ts';
import { extremeOf, pointRange, rangePasses, singleValue } from '../_internals/valueRange.ts';
import type { ClauseEvaluator } from '../context.ts';
import { claimReadingsOf, matchRecords, observationsWithCodes, valueSetOf } from '../records.ts';
import type { ClaimReading, CodedObservation, RecordCandidate } from '../records.ts';
import type { ReadingTestEvidence, ReadingValue } from '../trace.ts';

/** A reading: an observation, or a claim code that reports a result (`claimResults`). */
type Taken = CodedObservation | ClaimReading;

const isClaim = (r: Taken): r is ClaimReading => 'claim' in r;

/**
 * The most recent reading date in the window (on or after the onOrAfter date, in an allowed
 * setting, with an allowed status and category), every value taken that day, and each test on the
 * lowest (or highest) value of its kind, or on the coded results (`valueIn`). An observation without
 * a value still makes its date a reading date: the reading is incomplete, and a test with no value
 * takes its `ifMissing` (or, when only some of that day's readings lack one, its `ifAnyMissing` if
 * it has one). No reading date gives `ifNone`.
 *
 * The reading date of an observation is its `date`, or with `by: end` its `endDate` (its date
 * without one); a claim's is its date (or end date). With `mostRecentDate: all` the date is the
 * most recent one on which every test's value set has a reading.
 *
 * With `claimResults`, a claim code of one of them is a reading of its value set, whose value is a
 * range (CPT II 3075F: systolic 130 to under 140); the claim passes the same window, onOrAfter,
 * setting and filters as an observation. The lowest (highest) value of a day is then a range too,
 * and a test passes only when every value in it does.
 */
export const reading: ClauseEvaluator<'reading'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const candidates: RecordCandidate<Taken>[] = [
      ...observationsWithCodes(ctx.member, clause.valueSets),
      ...(clause.claimResults ? claimReadingsOf(ctx.member, clause.claimResults) : []),
    ];
    const found = matchRecords(clause, candidates, ctx);
    const dateOf = (r: Taken): string => {
      const record = isClaim(r) ? r.claim : r.observation;
      return clause.by === 'end' ? (record.endDate ?? record.date) : record.date;
    };
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
      .map(readingValue)
      .sort((a, b) => compareKeys(readingKey(a), readingKey(b)));
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

function readingValue(r: Taken): ReadingValue {
  if (isClaim(r))
    return {
      valueSet: r.valueSet,
      range: r.range,
      claim: r.claim.id,
      code: { system: r.code.system, code: r.code.code },
      setting: r.claim.setting,
    };
  const o = r.observation;
  return {
    valueSet: r.valueSet,
    ...(o.value !== undefined ? { value: o.value } : {}),
    ...(o.unit !== undefined ? { unit: o.unit } : {}),
    ...(o.valueCode !== undefined
      ? { valueCode: { system: o.valueCode.system, code: o.valueCode.code } }
      : {}),
    ...(o.setting !== undefined ? { setting: o.setting } : {}),
  };
}

/** A total order on a day's readings; observation keys first, as before claim results existed. */
function readingKey(r: ReadingValue): string[] {
  const base = [r.valueSet, sortableNumber(r.value), codeKey(r), r.unit ?? '', r.setting ?? ''];
  return r.range === undefined
    ? base
    : [
        ...base,
        r.claim ?? '',
        r.code ? `${r.code.system}|${r.code.code}` : '',
        JSON.stringify(r.range),
      ];
}

/** One test on the readings of the chosen day. */
function testOn(
  t: ReadingTest,
  ofDay: readonly Taken[],
  sameDay: 'lowest' | 'highest',
): ReadingTestEvidence {
  const ofTest = ofDay.filter((r) => t.valueSet === undefined || r.valueSet === t.valueSet.name);
  const mine = ofTest.flatMap((r) => (isClaim(r) ? [] : [r.observation]));
  const ranges = ofTest.flatMap((r) => (isClaim(r) ? [r.range] : []));
  const head = { ...(t.valueSet !== undefined ? { valueSet: t.valueSet.name } : {}) };
  if (isThresholdTest(t) && ranges.length > 0) return rangeTest(t, mine, ranges, sameDay, head);
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

/**
 * A threshold test on a day that has claim results: the lowest (highest) of the numbers and
 * ranges of the day, as a range; it passes when every value in it passes. Observations without a
 * number are skipped, unless the test has `ifAnyMissing` (as without claim results).
 */
function rangeTest(
  t: ReadingTest & { readonly comparator: Comparator; readonly threshold: number },
  mine: readonly CodedObservation['observation'][],
  ranges: readonly ValueRange[],
  sameDay: 'lowest' | 'highest',
  head: { readonly valueSet?: string },
): ReadingTestEvidence {
  const test = { ...head, comparator: t.comparator, threshold: t.threshold };
  const values = mine.flatMap((o) => (o.value !== undefined ? [o.value] : []));
  if (t.ifAnyMissing !== undefined && values.length < mine.length) {
    const missing = mine.some((o) => o.value === undefined && o.valueCode === undefined);
    return missing
      ? { ...test, anyMissing: true, passed: t.ifAnyMissing }
      : { ...test, notNumeric: true, passed: false };
  }
  const range = extremeOf([...values.map(pointRange), ...ranges], sameDay);
  const value = singleValue(range);
  const passed = rangePasses(range, t.comparator, t.threshold);
  return value !== undefined ? { ...test, value, passed } : { ...test, range, passed };
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
