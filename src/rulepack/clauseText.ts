import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { formatDateExpression, parseDateExpression, resolveDate } from './dateExpression.ts';
import { CLAUSE_KINDS } from './schema.ts';
import type { ClauseKind, ClauseSpec } from './schema.ts';

/**
 * Clause parts rendered in the language of the spec ("52-74", "1 gap of up to 45 days",
 * "MY-9-01-01..MY-12-31"), for the semantic diff and other reviewer-facing text. Dates stay
 * expressions: the same text means the same rule in every year.
 */

type Spec<K extends ClauseKind> = NonNullable<ClauseSpec[K]>;
export type WindowSpec = Spec<'event'>['window'];
export type AllowanceSpec = Spec<'enrollment'>['allowance'];
export type OnOrAfterSpec = NonNullable<Spec<'event'>['onOrAfter']>;
export type ReadingTestSpec = Spec<'reading'>['require'][number];

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

/** `MY-9-01-01..MY-12-31`, or `any time through MY-12-31` when there is no start. */
export function describeWindow(w: WindowSpec): string {
  return w.from === undefined
    ? `any time through ${canonicalDate(w.to)}`
    : `${canonicalDate(w.from)}..${canonicalDate(w.to)}`;
}

/** The window as dates of measurement year `year`: `2016-01-01..2025-12-31`. */
export function resolvedWindow(w: WindowSpec, year: number): string {
  return w.from === undefined
    ? `any time through ${resolvedDate(w.to, year)}`
    : `${resolvedDate(w.from, year)}..${resolvedDate(w.to, year)}`;
}

/** `52-74`, `66 and older`, `51 and younger`, with `as of ...` unless it is Dec 31 of the MY. */
export function describeAge(a: Spec<'age'>): string {
  const range =
    a.min !== undefined && a.max !== undefined
      ? `${a.min}-${a.max}`
      : a.min !== undefined
        ? `${a.min} and older`
        : `${a.max ?? '?'} and younger`;
  const asOf = canonicalDate(a.asOf);
  return asOf === 'MY-12-31' ? range : `${range} as of ${asOf}`;
}

/** `1 gap of up to 45 days per year`, `no gap`, `2 gaps of up to 1 month per year`. */
export function describeAllowance(a: AllowanceSpec): string {
  if (a.gaps === 0) return 'no gap';
  const size =
    a.maxDays !== undefined
      ? plural(a.maxDays, 'day')
      : a.maxMonths !== undefined
        ? plural(a.maxMonths, 'month')
        : 'any length';
  return `${a.gaps} ${a.gaps === 1 ? 'gap' : 'gaps'} of up to ${size} per year`;
}

/** `on or after the 2nd distinct date of cbp-hypertension-diagnosis`, or `none`. */
export function describeOnOrAfter(o: OnOrAfterSpec | undefined): string {
  return o === undefined
    ? 'none'
    : `on or after the ${ordinal(o.occurrence)} distinct date of ${o.clause}`;
}

/** `Systolic BP < 140 (missing: fails)`. */
export function describeReadingTest(t: ReadingTestSpec): string {
  const comparators = [
    ['below', '<'],
    ['atMost', '<='],
    ['above', '>'],
    ['atLeast', '>='],
  ] as const;
  const found = comparators.find(([k]) => t[k] !== undefined);
  const [key, symbol] = found ?? ['below', '?'];
  return `${t.valueSet ?? 'any value'} ${symbol} ${String(t[key])} (missing: ${t.ifMissing ? 'passes' : 'fails'})`;
}

/** `all product lines`, or `medicare only`. */
export function describeScope(lines: readonly ProductLine[] | undefined): string {
  if (lines === undefined || PRODUCT_LINES.every((l) => lines.includes(l)))
    return 'all product lines';
  const sorted = PRODUCT_LINES.filter((l) => lines.includes(l));
  return `${sorted.join(', ')} only`;
}

/** A list in a stable order for display and comparison. */
export function sortedList(items: readonly string[]): string[] {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13
      ? 'th'
      : n % 10 === 1
        ? 'st'
        : n % 10 === 2
          ? 'nd'
          : n % 10 === 3
            ? 'rd'
            : 'th';
  return `${n}${suffix}`;
}

/** `Colorectal Cancer, Total Colectomy`, or the drugs, or the settings an event looks for. */
function eventTarget(e: Spec<'event'>): string {
  const parts: string[] = [];
  if (e.valueSets) parts.push(e.valueSets.join(', '));
  if (e.drugs) parts.push(`dispensings of ${e.drugs.join(', ')}`);
  if (!e.valueSets && !e.drugs && e.settings) parts.push(`any ${e.settings.join(' or ')} claim`);
  return parts.join(' or ');
}

/**
 * One line that says what a clause requires, for "clause added" and "kind changed" messages.
 *
 * @example
 * summarizeClause({ id: 'x', otherwise: false, age: { min: 46, max: 75, asOf: 'MY-12-31' } })
 * // 'age 46-75'
 */
export function summarizeClause(spec: ClauseSpec): string {
  const body = summarizeBody(spec);
  return spec.productLines === undefined ? body : `${body} (${describeScope(spec.productLines)})`;
}

function summarizeBody(spec: ClauseSpec): string {
  const ids = (cs: readonly ClauseSpec[]) =>
    cs.map((c) => c.id ?? `ref ${c.ref ?? '?'}`).join(', ');
  if (spec.all) return `all of: ${ids(spec.all)}`;
  if (spec.any) return `any of: ${ids(spec.any)}`;
  if (spec.not) return `not ${spec.not.id ?? `ref ${spec.not.ref ?? '?'}`}`;
  if (spec.ref !== undefined) return `uses definition ${spec.ref}`;
  if (spec.age) return `age ${describeAge(spec.age)}`;
  if (spec.sex) return `sex ${spec.sex.join(', ')}`;
  if (spec.enrollment) {
    const e = spec.enrollment;
    const anchor = e.anchor === undefined ? '' : `, enrolled on ${canonicalDate(e.anchor)}`;
    return `continuous ${e.benefit} enrollment ${e.periods.map(describeWindow).join(', ')}, ${describeAllowance(e.allowance)}${anchor}`;
  }
  if (spec.event) {
    const e = spec.event;
    const dates = e.minDistinctDates > 1 ? ` on ${e.minDistinctDates}+ distinct dates` : '';
    const after = e.onOrAfter ? `, ${describeOnOrAfter(e.onOrAfter)}` : '';
    return `${eventTarget(e)} in ${describeWindow(e.window)}${dates}${after}`;
  }
  if (spec.status)
    return `${spec.status.kinds.join(' or ')} status in ${describeWindow(spec.status.window)}`;
  if (spec.death) return `death in ${describeWindow(spec.death.window)}`;
  if (spec.reading) {
    const r = spec.reading;
    return `most recent ${r.valueSets.join(', ')} in ${describeWindow(r.window)}: ${r.require.map(describeReadingTest).join(' and ')}`;
  }
  if (spec.coverage) {
    const c = spec.coverage;
    const what = [...(c.drugs ?? []), ...(c.valueSets ?? [])].join(', ');
    return `proportion of days covered by ${what} at least ${percent(c.atLeast)} from the first fill in ${describeWindow(c.window)}`;
  }
  return 'an empty clause';
}

export function percent(p: number): string {
  return `${Math.round(p * 1000) / 10}%`;
}
