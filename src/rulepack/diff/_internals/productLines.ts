import { PRODUCT_LINES } from '../../../model/member.ts';
import type { ProductLine } from '../../../model/member.ts';

/** Whether two product-line lists cover the same lines (undefined: all of them). */
export function sameProductLines(
  a: readonly ProductLine[] | undefined,
  b: readonly ProductLine[] | undefined,
): boolean {
  const x = new Set(a ?? PRODUCT_LINES);
  const y = new Set(b ?? PRODUCT_LINES);
  return x.size === y.size && [...x].every((l) => y.has(l));
}
