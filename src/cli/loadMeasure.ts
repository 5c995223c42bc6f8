import { MeasurecheckError } from '../model/problem.ts';
import type { CompiledMeasure, CompiledPack } from '../rulepack/compiled.ts';
import { loadPack } from '../rulepack/compile.ts';
import { shippedPackDir, shippedYears } from '../rulepack/shipped.ts';

/**
 * Loads the pack named by --rules (or the shipped one for --year, or the latest shipped year) and
 * picks --measure from it; every mismatch is a usage error that says what exists.
 */
export function loadMeasure(opts: { rules?: string; year?: number; measure: string }): {
  pack: CompiledPack;
  measure: CompiledMeasure;
} {
  const year = opts.year ?? shippedYears().at(-1);
  if (opts.rules === undefined && year === undefined) {
    throw new MeasurecheckError([
      { code: 'usage/no-pack', message: 'no shipped rule packs found', hint: 'pass --rules <dir>' },
    ]);
  }
  const dir = opts.rules ?? shippedPackDir(year ?? 0);
  const loaded = loadPack(dir);
  if (!loaded.ok) {
    const missing = loaded.problems.some((p) => p.code === 'pack/not-found');
    throw new MeasurecheckError(
      missing && opts.rules === undefined
        ? [
            {
              code: 'usage/no-pack-for-year',
              message: `no shipped rule pack for ${year ?? '?'}`,
              hint: `shipped years: ${shippedYears().join(', ')}; or pass --rules <dir>`,
            },
          ]
        : loaded.problems,
    );
  }
  const pack = loaded.value;
  if (opts.year !== undefined && pack.year !== opts.year) {
    throw new MeasurecheckError([
      {
        code: 'usage/year-mismatch',
        message: `the rule pack ${pack.id} is for ${pack.year}, not ${opts.year}`,
        hint: 'pass --year matching the pack, or --rules with the pack for that year',
      },
    ]);
  }
  const measure = pack.measures.get(opts.measure);
  if (!measure) {
    throw new MeasurecheckError([
      {
        code: 'usage/unknown-measure',
        message: `measure ${opts.measure} is not in ${pack.id}`,
        hint: `measures in this pack: ${[...pack.measures.keys()].join(', ')}`,
      },
    ]);
  }
  return { pack, measure };
}
