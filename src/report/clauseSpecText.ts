import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { canonicalDate, kindOf, resolvedDate } from '../rulepack/canonicalSpec.ts';
import type { ClauseKind, ClauseSpec } from '../rulepack/schema.ts';

/**
 * Clause parts rendered in the language of the spec ("52-74", "1 gap of up to 45 days",
 * "MY-9-01-01..MY-12-31"), for the semantic diff and other reviewer-facing text. Dates stay
 * expressions: the same text means the same rule in every year.
 */

type Spec<K extends ClauseKind> = NonNullable<ClauseSpec[K]>;
export interface WindowSpec {
  readonly from?: string | undefined;
  readonly to: string;
}
export type AllowanceSpec = Spec<'enrollment'>['allowance'];
export type OnOrAfterSpec = NonNullable<Spec<'event'>['onOrAfter']>;
export type ReadingTestSpec = Spec<'reading'>['require'][number];
/** A claim code that reports a reading's result, as written. */
export type ClaimResultSpec = NonNullable<Spec<'reading'>['claimResults']>[number];

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

/**
 * `Systolic BP < 140 (missing: fails)`, `Housing Status in Lives In Nursing Home (missing:
 * fails)`, with `, one missing: fails` when the test has ifAnyMissing.
 */
export function describeReadingTest(t: ReadingTestSpec): string {
  const missing = `missing: ${passesText(t.ifMissing)}${
    t.ifAnyMissing !== undefined ? `, one missing: ${passesText(t.ifAnyMissing)}` : ''
  }`;
  if (t.valueIn !== undefined)
    return `${t.valueSet ?? 'any value'} in ${t.valueIn.join(', ')} (${missing})`;
  const comparators = [
    ['below', '<'],
    ['atMost', '<='],
    ['above', '>'],
    ['atLeast', '>='],
  ] as const;
  const found = comparators.find(([k]) => t[k] !== undefined);
  const [key, symbol] = found ?? ['below', '?'];
  return `${t.valueSet ?? 'any value'} ${symbol} ${String(t[key])} (${missing})`;
}

const passesText = (v: boolean): string => (v ? 'passes' : 'fails');

/** `Systolic Blood Pressure >= 130 and < 140`: what a claim result's codes report. */
export function describeClaimResult(c: ClaimResultSpec): string {
  const bounds = [
    ...(c.atLeast !== undefined ? [`>= ${c.atLeast}`] : []),
    ...(c.above !== undefined ? [`> ${c.above}`] : []),
    ...(c.below !== undefined ? [`< ${c.below}`] : []),
    ...(c.atMost !== undefined ? [`<= ${c.atMost}`] : []),
  ];
  return `${c.reads} ${bounds.join(' and ')}`;
}

/** How a clause's `by` meets its window, in words. */
export function describeBy(by: string): string {
  switch (by) {
    case 'end':
      return 'its end in the window';
    case 'overlap':
      return 'overlapping the window';
    case 'within':
      return 'wholly within the window';
    default:
      return 'its start in the window';
  }
}

/** `not looked at`, `records marked do not perform do not count`, `only records marked ... count`. */
export function describeDoNotPerform(v: boolean | null | undefined): string {
  return v === null || v === undefined
    ? 'not looked at'
    : v
      ? 'only records marked do not perform count'
      : 'records marked do not perform do not count';
}

/** `a value is present`, `a coded value in Yes, No`, `none`. */
export function describeValueTest(
  v: 'present' | { readonly valueSets: readonly string[] } | null | undefined,
): string {
  return v === null || v === undefined
    ? 'none'
    : v === 'present'
      ? 'a value is present'
      : `a coded value in ${v.valueSets.join(', ')}`;
}

/** `a discharge-disposition code in Hospice Discharge`, `another code in Diabetes`, `none`. */
export function describeWith(
  w:
    | { readonly role?: string | undefined; readonly valueSets: readonly string[] }
    | null
    | undefined,
): string {
  return w === null || w === undefined
    ? 'none'
    : `${w.role !== undefined ? `a ${w.role}` : 'another'} code in ${w.valueSets.join(', ')}`;
}

/** The clinical filters of an event in words, each after a comma; '' when it has none. */
function eventFilters(e: Spec<'event'>): string {
  const parts = [
    ...(e.kinds ? [`kind ${e.kinds.join(' or ')}`] : []),
    ...(e.statuses ? [`status ${e.statuses.join(' or ')}`] : []),
    ...(e.intents ? [`intent ${e.intents.join(' or ')}`] : []),
    ...(e.doNotPerform !== undefined ? [describeDoNotPerform(e.doNotPerform)] : []),
    ...(e.categories ? [`category ${e.categories.join(' or ')}`] : []),
    ...(e.value !== undefined
      ? [e.value === 'present' ? 'with a value' : `with ${describeValueTest(e.value)}`]
      : []),
    ...(e.with ? [`with ${describeWith(e.with)} on the same record`] : []),
    ...(e.by !== undefined && e.by !== 'start' ? [describeBy(e.by)] : []),
    ...(e.ongoingStatuses
      ? [
          `without abatement still going only when ${e.ongoingStatuses.join(' or ')} (else its end is unknown)`,
        ]
      : []),
  ];
  return parts.map((p) => `, ${p}`).join('');
}

/** The filters of a reading in words, each after a comma; '' when it has none. */
function readingFilters(r: Spec<'reading'>): string {
  const parts = [
    ...(r.statuses ? [`status ${r.statuses.join(' or ')}`] : []),
    ...(r.categories ? [`category ${r.categories.join(' or ')}`] : []),
    ...(r.by === 'end' ? ['read on its end date'] : []),
    ...(r.mostRecentDate === 'all' ? ['on the latest date with every test’s reading'] : []),
    ...(r.claimResults
      ? [
          `claim results ${r.claimResults.map((c) => `${c.valueSet} (${describeClaimResult(c)})`).join(', ')}`,
        ]
      : []),
  ];
  return parts.map((p) => `, ${p}`).join('');
}

/** `all product lines`, or `medicare only`. */
export function describeScope(lines: readonly ProductLine[] | undefined): string {
  if (lines === undefined || PRODUCT_LINES.every((l) => lines.includes(l)))
    return 'all product lines';
  const sorted = PRODUCT_LINES.filter((l) => lines.includes(l));
  return `${sorted.join(', ')} only`;
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

const ids = (cs: readonly ClauseSpec[]) => cs.map((c) => c.id ?? `ref ${c.ref ?? '?'}`).join(', ');

/** What a clause of each kind requires, from its body. */
const SUMMARY = {
  all: (all) => `all of: ${ids(all)}`,
  any: (any) => `any of: ${ids(any)}`,
  not: (not) => `not ${not.id ?? `ref ${not.ref ?? '?'}`}`,
  ref: (ref) => `uses definition ${ref}`,
  age: (age) => `age ${describeAge(age)}`,
  sex: (sex) => `sex ${sex.join(', ')}`,
  enrollment: (e) => {
    const anchor = e.anchor === undefined ? '' : `, enrolled on ${canonicalDate(e.anchor)}`;
    return `continuous ${e.benefit} enrollment ${e.periods.map(describeWindow).join(', ')}, ${describeAllowance(e.allowance)}${anchor}`;
  },
  event: (e) => {
    const dates = e.minDistinctDates > 1 ? ` on ${e.minDistinctDates}+ distinct dates` : '';
    const after = e.onOrAfter ? `, ${describeOnOrAfter(e.onOrAfter)}` : '';
    return `${eventTarget(e)} in ${describeWindow(e.window)}${dates}${after}${eventFilters(e)}`;
  },
  status: (s) => `${s.kinds.join(' or ')} status in ${describeWindow(s.window)}`,
  death: (d) => `death in ${describeWindow(d.window)}`,
  reading: (r) =>
    `most recent ${r.valueSets.join(', ')} in ${describeWindow(r.window)}${readingFilters(r)}: ${r.require.map(describeReadingTest).join(' and ')}`,
  coverage: (c) => {
    const what = [...(c.drugs ?? []), ...(c.valueSets ?? [])].join(', ');
    return `proportion of days covered by ${what} at least ${percent(c.atLeast)} from the first fill in ${describeWindow(c.window)}`;
  },
} satisfies { readonly [K in ClauseKind]: (body: Spec<K>) => string };

function summarizeBody(spec: ClauseSpec): string {
  const kind = kindOf(spec);
  const body = spec[kind];
  if (body === undefined) return 'an empty clause';
  // One cast, here: TypeScript cannot correlate `SUMMARY[kind]` with `spec[kind]`.
  return (SUMMARY[kind] as (b: typeof body) => string)(body);
}

/** The clause's summary and, when it has one, its description: for clauses added or removed. */
export function summarizeClauseWithDescription(spec: ClauseSpec): string {
  const summary = summarizeClause(spec);
  return spec.description === undefined ? summary : `${summary} ("${truncate(spec.description)}")`;
}

/** Text on one line, cut to `max` characters with an ellipsis. */
export function truncate(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function percent(p: number): string {
  return `${Math.round(p * 1000) / 10}%`;
}

/**
 * `widened: medicare only became all product lines` (or narrowed, or changed) for two product-line
 * lists that differ; undefined means all lines.
 */
export function describeScopeChange(
  from: readonly ProductLine[] | undefined,
  to: readonly ProductLine[] | undefined,
): string {
  const x = new Set(from ?? PRODUCT_LINES);
  const y = new Set(to ?? PRODUCT_LINES);
  const gained = [...y].filter((l) => !x.has(l));
  const lost = [...x].filter((l) => !y.has(l));
  const verb = lost.length === 0 ? 'widened' : gained.length === 0 ? 'narrowed' : 'changed';
  return `${verb}: ${describeScope([...x])} became ${describeScope([...y])}`;
}

/** A short list in full, a long one as its first `max` items and how many more. */
export function listSome(items: readonly string[], max = 8): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
