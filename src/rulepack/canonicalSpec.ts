import { formatDateExpression, parseDateExpression, resolveDate } from './dateExpression.ts';
import { CLAUSE_KINDS } from './schema.ts';
import type { ClauseKind, ClauseSpec } from './schema.ts';

/**
 * Written clauses in canonical form, so that two packs compare by meaning: dates stay
 * expressions (`MY-12-31` is the same rule in every year), lists ignore their order.
 */

const KINDS: readonly ClauseKind[] = CLAUSE_KINDS;

/** The one kind a (schema-valid) clause has. */
export function kindOf(spec: ClauseSpec): ClauseKind {
  return KINDS.find((k) => spec[k] !== undefined) ?? 'all';
}

/** A date expression in canonical form (`MY-12-31`, `MY-9-01-01`, `MY-12-31 - 90 days`). */
export function canonicalDate(text: string): string {
  const expr = parseDateExpression(text);
  return expr.ok ? formatDateExpression(expr.value) : text.trim();
}

/** The date an expression names in measurement year `year`. */
export function resolvedDate(text: string, year: number): string {
  const expr = parseDateExpression(text);
  return expr.ok ? resolveDate(expr.value, year) : text;
}

/** A list in a stable order for display and comparison. */
export function sortedList(items: readonly string[]): string[] {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const DATE_KEYS = new Set(['from', 'to', 'anchor', 'asOf']);

/** JSON with dates canonical, object keys sorted and lists sorted (their order never matters). */
export function canonicalJson(value: unknown, key?: string): string | undefined {
  const canon = (v: unknown, k?: string): unknown => {
    if (typeof v === 'string' && k !== undefined && DATE_KEYS.has(k)) return canonicalDate(v);
    if (Array.isArray(v)) return v.map((x) => JSON.stringify(canon(x))).sort();
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((kk) => [kk, canon((v as Record<string, unknown>)[kk], kk)]),
      );
    }
    return v;
  };
  return value === undefined ? undefined : JSON.stringify(canon(value, key));
}
