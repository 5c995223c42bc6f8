import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The `rules/` folder shipped with measurecheck, found from this file, not the working dir. */
export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/** The shipped pack folder for a family and year, e.g. rules/hedis/2025. */
export function shippedPackDir(
  year: number,
  family = 'hedis',
  rulesDir = SHIPPED_RULES_DIR,
): string {
  return join(rulesDir, family, String(year));
}

/** Years for which a shipped pack of `family` exists (released or draft), ascending. */
export function shippedYears(family = 'hedis', rulesDir = SHIPPED_RULES_DIR): number[] {
  const dir = join(rulesDir, family);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d{4}$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Years whose shipped pack is released (its pack.yaml records a digest), ascending. A draft, such
 * as the one `pack new-year` writes beside the shipped packs, is never a default.
 */
export function releasedYears(family = 'hedis', rulesDir = SHIPPED_RULES_DIR): number[] {
  return shippedYears(family, rulesDir).filter((year) =>
    isReleased(shippedPackDir(year, family, rulesDir)),
  );
}

/** Whether the pack.yaml in `dir` records a release digest; false when it cannot be read. */
function isReleased(dir: string): boolean {
  let pack: unknown;
  try {
    pack = parse(readFileSync(join(dir, 'pack.yaml'), 'utf8'));
  } catch {
    // An unreadable or broken pack.yaml is not a release; loading it says what is wrong.
    return false;
  }
  return typeof pack === 'object' && pack !== null && 'digest' in pack
    ? typeof pack.digest === 'string'
    : false;
}
