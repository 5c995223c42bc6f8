import { formatProblem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledMeasure, CompiledPack } from '../../src/rulepack/compiled.ts';
import { shippedPackDir, shippedYears } from '../../src/rulepack/shipped.ts';
import { repoFile } from './repoFiles.ts';

/**
 * The one way tests load a rule pack and pick a measure. A pack that does not load, or a measure it
 * lacks, throws with the pack's problems or the measures it does have, so a test that depends on a
 * pack fails loudly instead of skipping.
 */

const packs = new Map<string, CompiledPack>();

function load(dir: string, name: string): CompiledPack {
  const cached = packs.get(dir);
  if (cached) return cached;
  const loaded = loadPack(dir);
  if (!loaded.ok)
    throw new Error(`${name} does not load:\n${loaded.problems.map(formatProblem).join('\n')}`);
  packs.set(dir, loaded.value);
  return loaded.value;
}

/** The measure `id` of `pack`; throws naming the measures the pack has when it lacks `id`. */
export function measureOf(pack: CompiledPack, id: string, name = pack.id): CompiledMeasure {
  const measure = pack.measures.get(id);
  if (!measure)
    throw new Error(
      `${name} has no measure ${id} (it has ${[...pack.measures.keys()].join(', ')})`,
    );
  return measure;
}

/** A rule pack folder of the repository (e.g. `fixtures/packs/selftest-small`), compiled once. */
export function repoPack(relative: string): CompiledPack {
  return load(repoFile(relative), relative);
}

/** The measure `id` of a rule pack folder of the repository, with its pack. */
export function repoMeasure(
  relative: string,
  id: string,
): { pack: CompiledPack; measure: CompiledMeasure } {
  const pack = repoPack(relative);
  return { pack, measure: measureOf(pack, id, relative) };
}

/** The shipped pack of `year` (rules/hedis/<year>), as `measurecheck check` loads it. */
export function shippedPack(year: number): CompiledPack {
  return load(shippedPackDir(year), `the shipped ${String(year)} pack`);
}

/** The measure `id` of the shipped pack of `year`. */
export function shippedMeasure(year: number, id: string): CompiledMeasure {
  return measureOf(shippedPack(year), id, `the shipped ${String(year)} pack`);
}

/** The measure `id` of the shipped pack of `year`, with its pack. */
export function shippedPackAndMeasure(
  year: number,
  id: string,
): { pack: CompiledPack; measure: CompiledMeasure } {
  return { pack: shippedPack(year), measure: shippedMeasure(year, id) };
}

/** Every year with a shipped pack, ascending; throws when there is none. */
export function shippedPackYears(): number[] {
  const years = shippedYears();
  if (years.length === 0) throw new Error('no shipped pack under rules/hedis');
  return years;
}

/** Every measure of every shipped pack, by year then in pack order. */
export function everyShippedMeasure(): { year: number; id: string; measure: CompiledMeasure }[] {
  return shippedPackYears().flatMap((year) =>
    [...shippedPack(year).measures.values()].map((measure) => ({
      year,
      id: measure.id,
      measure,
    })),
  );
}
