import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The `rules/` folder shipped with measurecheck, found from this file, not the working dir. */
export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/** The shipped pack folder for a family and year, e.g. rules/hedis/2025. */
export function shippedPackDir(year: number, family = 'hedis'): string {
  return join(SHIPPED_RULES_DIR, family, String(year));
}

/** Years for which a shipped pack of `family` exists, ascending. */
export function shippedYears(family = 'hedis'): number[] {
  const dir = join(SHIPPED_RULES_DIR, family);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d{4}$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}
