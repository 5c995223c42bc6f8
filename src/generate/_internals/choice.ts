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

/**
 * One to `maxLength` values. Filtered from an array that may be empty rather than built with
 * `fc.array({ minLength: 1 })`, whose shrinker cannot drop an item behind the one that must stay
 * (it would shrink [needed, extra] no further), so a counterexample would keep a record that
 * plays no part.
 */
export function oneOrMore<T>(arbitrary: Arbitrary<T>, maxLength: number): Arbitrary<T[]> {
  return fc.array(arbitrary, { maxLength }).filter((values) => values.length > 0);
}
