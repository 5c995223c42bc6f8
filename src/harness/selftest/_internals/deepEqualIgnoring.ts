/** Structural equality of plain data, arrays, maps and sets, skipping the `ignored` keys of objects. */
export function deepEqualIgnoring(a: unknown, b: unknown, ignored: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => deepEqualIgnoring(x, b[i], ignored))
    );
  }
  if (a instanceof Set || b instanceof Set) {
    return (
      a instanceof Set && b instanceof Set && a.size === b.size && [...a].every((x) => b.has(x))
    );
  }
  if (a instanceof Map || b instanceof Map) {
    return (
      a instanceof Map &&
      b instanceof Map &&
      a.size === b.size &&
      [...a].every(([k, v]) => b.has(k) && deepEqualIgnoring(v, b.get(k), ignored))
    );
  }
  const keys = (o: object) =>
    Object.keys(o)
      .filter((k) => !ignored.has(k))
      .sort();
  const ka = keys(a);
  const kb = keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) =>
        k === kb[i] &&
        deepEqualIgnoring(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          ignored,
        ),
    )
  );
}
