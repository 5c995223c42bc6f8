import type { RowOrigin } from '../../../adapters/deck/types.ts';
import type { Outcome } from '../../../model/outcome.ts';
import type { Problem } from '../../../model/problem.ts';
import type { Request } from '../../../model/request.ts';
import type { CompiledPack } from '../../../rulepack/compiled.ts';
import { isAskedFor } from '../../../rulepack/compiled.ts';

/**
 * The problem with an expected row the loaded packs cannot serve (no pack for its year, an unknown
 * measure, a product line the measure is not reported for), or undefined when they can.
 */
export function unknownRequestProblem(
  packs: ReadonlyMap<number, CompiledPack>,
  r: Request,
  origin: RowOrigin,
): Problem | undefined {
  const pack = packs.get(r.year);
  if (!pack) {
    return {
      code: 'deck/unknown-year',
      message: `expected row for ${r.measure} ${String(r.year)}: no rule pack for ${String(r.year)} is loaded`,
      file: origin.file,
      line: origin.line,
      hint: `loaded packs: ${[...packs.values()].map((p) => `${p.id} (${String(p.year)})`).join(', ')}; pass --rules <dir> for that year, or --year to compare only one year`,
    };
  }
  const measure = pack.measures.get(r.measure);
  if (!measure) {
    return {
      code: 'deck/unknown-measure',
      message: `expected row for unknown measure "${r.measure}": it is not in rule pack ${pack.id}`,
      file: origin.file,
      line: origin.line,
      hint: `measures in ${pack.id}: ${[...pack.measures.keys()].join(', ')}`,
    };
  }
  if (!isAskedFor(measure, r.productLine)) {
    const line = r.productLine;
    return {
      code: 'deck/unknown-product-line',
      message:
        line === undefined
          ? `expected row for ${r.measure} has no product line, but the measure is reported for product lines in ${pack.id}`
          : measure.productLines.length === 0
            ? `expected row for ${r.measure} ${line}: the measure has no product lines in ${pack.id}`
            : `expected row for ${r.measure} ${line}: the measure is not reported for ${line} in ${pack.id}`,
      file: origin.file,
      line: origin.line,
      hint:
        measure.productLines.length === 0
          ? `leave product_line empty (productLine out) for ${r.measure}`
          : `${r.measure} is reported for ${measure.productLines.join(', ')}`,
    };
  }
  return undefined;
}

/** A second results row for the same member, measure, year and product line. */
export function duplicateResultProblem(
  outcome: Outcome,
  origin: RowOrigin,
  earlier: RowOrigin | undefined,
): Problem {
  const o = outcome;
  return {
    code: 'results/duplicate',
    message: `a second result for member ${o.memberId}, ${o.measure} ${String(o.year)} ${o.productLine}${earlier ? ` (the first is on line ${String(earlier.line)})` : ''}`,
    file: origin.file,
    line: origin.line,
    hint: 'a results file has one row per member, measure, year and product line',
  };
}
