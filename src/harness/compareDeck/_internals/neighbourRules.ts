import type { ProductLine } from '../../../model/member.ts';
import type { Request } from '../../../model/request.ts';
import type { CompiledPack } from '../../../rulepack/compiled.ts';
import { neighboursFor } from '../../neighbours.ts';
import type { Neighbour } from '../../neighbours.ts';

/**
 * The rules a confused implementation may follow instead: the previous year's pack (when loaded)
 * and each other product line the measure is reported for.
 */
export function neighbourRules(packs: ReadonlyMap<number, CompiledPack>, r: Request): Neighbour[] {
  const measure = packs.get(r.year)?.measures.get(r.measure);
  if (!measure) return [];
  const previous = packs.get(r.year - 1)?.measures.get(r.measure);
  return [
    ...(previous ? neighboursFor({ year: previous }, measure, r.productLine) : []),
    ...measure.productLines.flatMap((productLine: ProductLine) =>
      neighboursFor({ productLine }, measure, r.productLine),
    ),
  ];
}
