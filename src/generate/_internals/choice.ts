import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

/** Uniform pick from a list, or undefined for an empty list (fc.constantFrom needs one value). */
export function pick<T>(values: readonly T[]): Arbitrary<T> | undefined {
  return values.length > 0 ? fc.constantFrom(...values) : undefined;
}

/** Weighted choice among the defined arbitraries, shrinking toward the first. */
export function preferFirst<T>(
  ...options: readonly (readonly [Arbitrary<T> | undefined, number])[]
): Arbitrary<T> | undefined {
  const present = options.flatMap(([arbitrary, weight]) =>
    arbitrary ? [{ arbitrary, weight }] : [],
  );
  if (present.length === 0) return undefined;
  return fc.oneof({ withCrossShrink: true }, ...present);
}

/**
 * A value from `arbitrary` with probability `chance`, otherwise undefined; shrinks toward
 * undefined. (fc.option's `freq` is the other way round: nil with probability 1/freq.)
 */
export function sometimes<T>(arbitrary: Arbitrary<T>, chance: number): Arbitrary<T | undefined> {
  const scale = 100;
  const some = Math.max(1, Math.round(chance * scale));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant(undefined), weight: scale - some },
    { arbitrary, weight: some },
  );
}
