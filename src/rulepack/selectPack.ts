import { fail, ok } from '../model/problem.ts';
import type { Result } from '../model/problem.ts';
import { loadPack } from './compile.ts';
import type { CompiledMeasure, CompiledPack } from './compiled.ts';
import { releasedYears, SHIPPED_RULES_DIR, shippedPackDir, shippedYears } from './shipped.ts';

/** How a command names its rule pack: `--rules <dir>`, `--year <year>`, or neither. */
export interface PackSelection {
  readonly rules?: string | undefined;
  readonly year?: number | undefined;
  /** A FHIR ValueSet Bundle with the codes of the value sets the pack declares by OID. */
  readonly valuesets?: string | readonly string[] | undefined;
}

/**
 * The pack a command works with: the folder `--rules` names; else the shipped pack of `--year`
 * (a draft too, since the year was asked for); else the latest RELEASED shipped pack, so a draft
 * that `pack new-year` wrote beside the shipped packs never becomes the default.
 * `rulesDir` is the shipped rules folder (tests pass a copy).
 */
export function selectPack(
  selection: PackSelection,
  rulesDir = SHIPPED_RULES_DIR,
): Result<CompiledPack> {
  const year = selection.year ?? releasedYears('hedis', rulesDir).at(-1);
  if (selection.rules === undefined && year === undefined) {
    const drafts = shippedYears('hedis', rulesDir);
    return fail([
      {
        code: 'usage/no-pack',
        message: 'no released rule pack is shipped',
        hint:
          drafts.length > 0
            ? `pass --rules <dir>, or --year for a draft (${drafts.join(', ')})`
            : 'pass --rules <dir>',
      },
    ]);
  }
  const dir = selection.rules ?? shippedPackDir(year ?? 0, 'hedis', rulesDir);
  const loaded = loadPack(dir, { valueSets: selection.valuesets });
  if (!loaded.ok) {
    const missing = loaded.problems.some((p) => p.code === 'pack/not-found');
    if (!missing || selection.rules !== undefined) return loaded;
    return fail([
      {
        code: 'usage/no-pack-for-year',
        message: `no shipped rule pack for ${String(year)}`,
        hint: `shipped years: ${shippedYears('hedis', rulesDir).join(', ')}; or pass --rules <dir>`,
      },
    ]);
  }
  const pack = loaded.value;
  if (selection.year !== undefined && pack.year !== selection.year) {
    return fail([
      {
        code: 'usage/year-mismatch',
        message: `the rule pack ${pack.id} is for ${String(pack.year)}, not ${String(selection.year)}`,
        hint: 'pass --year matching the pack, or --rules with the pack for that year',
      },
    ]);
  }
  return ok(pack);
}

/** The selected pack (see `selectPack`) and `measure` from it; a missing measure says what exists. */
export function selectMeasure(
  selection: PackSelection & { readonly measure: string },
  rulesDir = SHIPPED_RULES_DIR,
): Result<{ pack: CompiledPack; measure: CompiledMeasure }> {
  const selected = selectPack(selection, rulesDir);
  if (!selected.ok) return selected;
  const pack = selected.value;
  const measure = pack.measures.get(selection.measure);
  if (!measure) {
    return fail([
      {
        code: 'usage/unknown-measure',
        message: `measure ${selection.measure} is not in ${pack.id}`,
        hint: `measures in this pack: ${[...pack.measures.keys()].join(', ')}`,
      },
    ]);
  }
  return ok({ pack, measure });
}

/**
 * Every pack a deck may need (a deck may hold several measurement years): the folder `--rules`
 * names, or every released shipped pack, plus the shipped pack of `--year` when that is a draft.
 * `--year` and `--measure`, when given, must be in one of them.
 */
export function selectPacks(
  selection: PackSelection & { readonly measure?: string | undefined },
  rulesDir = SHIPPED_RULES_DIR,
): Result<CompiledPack[]> {
  const years = releasedYears('hedis', rulesDir);
  const { year, measure } = selection;
  if (year !== undefined && !years.includes(year) && shippedYears('hedis', rulesDir).includes(year))
    years.push(year);
  const dirs =
    selection.rules !== undefined
      ? [selection.rules]
      : years.map((y) => shippedPackDir(y, 'hedis', rulesDir));
  const packs: CompiledPack[] = [];
  for (const dir of dirs) {
    const loaded = loadPack(dir, { valueSets: selection.valuesets });
    if (!loaded.ok) return loaded;
    packs.push(loaded.value);
  }
  if (packs.length === 0) {
    return fail([
      {
        code: 'usage/no-pack',
        message: 'no released rule pack is shipped',
        hint: 'pass --rules <dir>',
      },
    ]);
  }
  if (year !== undefined && !packs.some((p) => p.year === year)) {
    return fail([
      {
        code: 'usage/no-pack-for-year',
        message: `no rule pack for ${String(year)}`,
        hint: `packs: ${packs.map((p) => `${p.id} (${String(p.year)})`).join(', ')}; or pass --rules <dir>`,
      },
    ]);
  }
  if (measure !== undefined && !packs.some((p) => p.measures.has(measure))) {
    return fail([
      {
        code: 'usage/unknown-measure',
        message: `measure ${measure} is not in any loaded rule pack`,
        hint: `measures: ${[...new Set(packs.flatMap((p) => [...p.measures.keys()]))].join(', ')}`,
      },
    ]);
  }
  return ok(packs);
}
