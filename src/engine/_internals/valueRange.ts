import type { Comparator, ValueRange } from '../../rulepack/compiled.ts';

/**
 * Ranges of values, for results a claim code reports as a range (CPT II 3075F: systolic 130-139).
 * The lowest (or highest) of several readings is itself a range: the values it may take given
 * what each reading allows. A range passes a threshold test only when every value in it does.
 */

interface Bound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** Undefined bounds are open (minus or plus infinity). */
interface Interval {
  readonly low: Bound | undefined;
  readonly high: Bound | undefined;
}

function intervalOf(r: ValueRange): Interval {
  return {
    low:
      r.atLeast !== undefined
        ? { value: r.atLeast, inclusive: true }
        : r.above !== undefined
          ? { value: r.above, inclusive: false }
          : undefined,
    high:
      r.atMost !== undefined
        ? { value: r.atMost, inclusive: true }
        : r.below !== undefined
          ? { value: r.below, inclusive: false }
          : undefined,
  };
}

function rangeOfInterval(i: Interval): ValueRange {
  return {
    ...(i.low !== undefined
      ? i.low.inclusive
        ? { atLeast: i.low.value }
        : { above: i.low.value }
      : {}),
    ...(i.high !== undefined
      ? i.high.inclusive
        ? { atMost: i.high.value }
        : { below: i.high.value }
      : {}),
  };
}

/** The range of a single value. */
export function pointRange(value: number): ValueRange {
  return { atLeast: value, atMost: value };
}

/** The single value a range allows, if it allows only one. */
export function singleValue(r: ValueRange): number | undefined {
  return r.atLeast !== undefined && r.atMost !== undefined && r.atLeast === r.atMost
    ? r.atLeast
    : undefined;
}

/**
 * The smaller of two bounds of the same side. `open` is what an undefined bound means on that
 * side (-1: minus infinity, 1: plus infinity); on a tie the bound is inclusive when `tieInclusive`
 * says so of the two.
 */
function pick(
  a: Bound | undefined,
  b: Bound | undefined,
  wantLow: boolean,
  tieInclusive: (x: boolean, y: boolean) => boolean,
  open: -1 | 1,
): Bound | undefined {
  const key = (x: Bound | undefined) => (x === undefined ? open * Infinity : x.value);
  const ka = key(a);
  const kb = key(b);
  if (ka === kb) {
    if (a === undefined || b === undefined) return undefined;
    return { value: a.value, inclusive: tieInclusive(a.inclusive, b.inclusive) };
  }
  return ka < kb === wantLow ? a : b;
}

const any = (x: boolean, y: boolean) => x || y;
const both = (x: boolean, y: boolean) => x && y;

/**
 * The values the lowest (or highest) of several readings may take. The lowest can be as low as the
 * lowest low bound (reached if any reading reaches it) and is at most the lowest high bound
 * (reached only if every reading with that bound reaches it); the highest mirrors this.
 */
export function extremeOf(
  ranges: readonly ValueRange[],
  sameDay: 'lowest' | 'highest',
): ValueRange {
  const intervals = ranges.map(intervalOf);
  const [first, ...rest] = intervals;
  if (first === undefined) throw new Error('extremeOf needs at least one range');
  const lowest = sameDay === 'lowest';
  const out = rest.reduce<Interval>(
    (acc, i) => ({
      low: pick(acc.low, i.low, lowest, lowest ? any : both, -1),
      high: pick(acc.high, i.high, lowest, lowest ? both : any, 1),
    }),
    first,
  );
  return rangeOfInterval(out);
}

/** Whether every value in the range passes the comparator and threshold. */
export function rangePasses(r: ValueRange, comparator: Comparator, threshold: number): boolean {
  const { low, high } = intervalOf(r);
  switch (comparator) {
    case 'below':
      return (
        high !== undefined &&
        (high.value < threshold || (high.value === threshold && !high.inclusive))
      );
    case 'atMost':
      return high !== undefined && high.value <= threshold;
    case 'above':
      return (
        low !== undefined && (low.value > threshold || (low.value === threshold && !low.inclusive))
      );
    case 'atLeast':
      return low !== undefined && low.value >= threshold;
  }
}

/** `under 130`, `130 to under 140`, `8 to 9`, `over 9`, `at least 140`. */
export function describeRange(r: ValueRange): string {
  const single = singleValue(r);
  if (single !== undefined) return String(single);
  const { low, high } = intervalOf(r);
  const lowText =
    low === undefined ? undefined : low.inclusive ? String(low.value) : `over ${low.value}`;
  if (high === undefined)
    return low === undefined
      ? 'any value'
      : low.inclusive
        ? `at least ${low.value}`
        : `over ${low.value}`;
  const highText = high.inclusive ? String(high.value) : `under ${high.value}`;
  if (lowText === undefined) return high.inclusive ? `at most ${high.value}` : highText;
  return `${lowText} to ${highText}`;
}
