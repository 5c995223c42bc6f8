import { sortedList } from '../rulepack/canonicalSpec.ts';
import type {
  KeyedFacetChange,
  KeyedFacetName,
  KeyedFacetValues,
  ScalarFacetChange,
  ScalarFacetName,
  ScalarFacetValues,
  SetFacetChange,
  SetFacetName,
} from '../rulepack/diff/index.ts';
import {
  describeAge,
  describeAllowance,
  describeBy,
  describeClaimResult,
  describeDoNotPerform,
  describeOnOrAfter,
  describeReadingTest,
  describeValueTest,
  describeWindow,
  describeWith,
  percent,
  resolvedWindow,
} from './clauseSpecText.ts';

/**
 * How each facet of a clause body reads in a diff ("window of col-e-colonoscopy moved:
 * MY-9-01-01..MY-12-31 became ..."). One entry per facet: a facet without words does not compile.
 */

interface ScalarText<V> {
  /** What changed, about the clause named `label`. */
  readonly phrase: (label: string) => string;
  readonly render: (value: V) => string;
  /** Words after "A became B", e.g. the dates a moved window means in the new year. */
  readonly extra?: (from: V, to: V, year: number) => string;
  /** The diff's JSON shows the rendered text as `before`/`after`, not the value. */
  readonly jsonText?: true;
}

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

const SCALAR_TEXT = {
  ref: { phrase: (l) => `definition used by ${l}`, render: (ref) => ref },
  age: { phrase: (l) => `age (${l})`, render: describeAge },
  sex: { phrase: (l) => `sex (${l})`, render: (sex) => sex.join(', ') },
  periods: {
    phrase: (l) => `enrollment periods of ${l}`,
    render: (periods) =>
      periods
        .map(
          (p) => `${describeWindow(p)}${p.allowance ? ` (${describeAllowance(p.allowance)})` : ''}`,
        )
        .join(', '),
    jsonText: true,
  },
  anchor: { phrase: (l) => `anchor date of ${l}`, render: (a) => a ?? 'none', jsonText: true },
  benefit: { phrase: (l) => `benefit required by ${l}`, render: (b) => b, jsonText: true },
  allowance: { phrase: (l) => `gap allowance of ${l}`, render: describeAllowance },
  window: {
    phrase: (l) => `window of ${l} moved`,
    render: describeWindow,
    extra: (a, b, year) =>
      ` (in MY${year}: ${resolvedWindow(a, year)} became ${resolvedWindow(b, year)})`,
  },
  minDistinctDates: {
    phrase: (l) => `distinct dates needed by ${l}`,
    render: (n) => `at least ${n}`,
  },
  onOrAfter: {
    phrase: (l) => `on-or-after rule of ${l}`,
    render: (o) => describeOnOrAfter(o ?? undefined),
  },
  sameDay: {
    phrase: (l) => `same-day rule of ${l}`,
    render: (s) => `the ${s} value of the day counts`,
  },
  ifNone: {
    phrase: (l) => `result of ${l} with no reading`,
    render: (v) => (v ? 'passes' : 'fails'),
  },
  atLeast: {
    phrase: (l) => `proportion of days covered needed by ${l}`,
    render: (p) => `at least ${percent(p)}`,
  },
  shiftSameDrug: { phrase: (l) => `early refills of the same drug shifted in ${l}`, render: yesNo },
  endAtDeath: { phrase: (l) => `period ends at death in ${l}`, render: yesNo },
  endAtDisenrollment: { phrase: (l) => `period ends at disenrollment in ${l}`, render: yesNo },
  doNotPerform: { phrase: (l) => `do-not-perform rule of ${l}`, render: describeDoNotPerform },
  value: { phrase: (l) => `value test of ${l}`, render: describeValueTest },
  with: { phrase: (l) => `other code required on the record by ${l}`, render: describeWith },
  by: { phrase: (l) => `how ${l} meets its window`, render: describeBy },
  mostRecentDate: {
    phrase: (l) => `reading date of ${l}`,
    render: (d) =>
      d === 'all'
        ? 'the latest date with a reading of every test'
        : 'the latest date with any reading',
  },
} satisfies { readonly [N in ScalarFacetName]: ScalarText<ScalarFacetValues[N]> };

interface SetText {
  readonly phrase: (label: string) => string;
  /** What an absent list means, e.g. `any setting`. */
  readonly none: string;
}

const SET_TEXT = {
  valueSets: { phrase: (l) => `value sets of ${l}`, none: 'none' },
  drugs: { phrase: (l) => `drugs of ${l}`, none: 'none' },
  records: { phrase: (l) => `records searched by ${l}`, none: 'all' },
  settings: { phrase: (l) => `settings of ${l}`, none: 'any setting' },
  excludeSettings: { phrase: (l) => `settings excluded by ${l}`, none: 'none' },
  modifiers: { phrase: (l) => `modifiers required by ${l}`, none: 'none (any claim code counts)' },
  kinds: { phrase: (l) => `status kinds of ${l}`, none: 'none' },
  recordKinds: { phrase: (l) => `record kinds counted by ${l}`, none: 'any kind' },
  statuses: { phrase: (l) => `statuses counted by ${l}`, none: 'any status' },
  intents: { phrase: (l) => `order intents counted by ${l}`, none: 'any intent' },
  categories: { phrase: (l) => `categories counted by ${l}`, none: 'any category' },
  ongoingStatuses: {
    phrase: (l) =>
      `clinical statuses under which a condition without abatement is still going in ${l}`,
    none: 'any status or none',
  },
} satisfies { readonly [N in SetFacetName]: SetText };

interface KeyedText<V> {
  readonly phrase: (label: string, key: string | null) => string;
  readonly render: (value: V) => string;
  /** What a missing entry means. */
  readonly none: string;
}

const KEYED_TEXT = {
  require: {
    phrase: (l, key) => `test on ${key ?? 'any value'} in ${l}`,
    render: (tests) => sortedList(tests.map(describeReadingTest)).join(' and '),
    none: 'no test',
  },
  allowanceByProductLine: {
    phrase: (l, line) => `${line ?? 'any'} gap allowance of ${l}`,
    render: describeAllowance,
    none: 'the same as the other product lines',
  },
  claimResults: {
    phrase: (l, key) => `claim result ${key ?? '?'} of ${l}`,
    render: describeClaimResult,
    none: 'none',
  },
} satisfies { readonly [N in KeyedFacetName]: KeyedText<KeyedFacetValues[N]> };

// One cast per lookup: TypeScript cannot correlate a table entry with the change's facet.
const scalarText = (c: ScalarFacetChange) => SCALAR_TEXT[c.facet] as ScalarText<unknown>;
const keyedText = (c: KeyedFacetChange) => KEYED_TEXT[c.facet] as KeyedText<unknown>;

/** `window of x moved: A became B (in MY2025: ...)`, about the clause named `label`. */
export function scalarFacetText(c: ScalarFacetChange, label: string): string {
  const t = scalarText(c);
  const extra = t.extra ? t.extra(c.from, c.to, c.year) : '';
  return `${t.phrase(label)}: ${t.render(c.from)} became ${t.render(c.to)}${extra}`;
}

/** `settings of x: added inpatient; removed ed`, or `... : any setting became outpatient`. */
export function setFacetText(c: SetFacetChange, label: string): string {
  const t = SET_TEXT[c.facet];
  if (c.from === undefined || c.to === undefined) {
    return `${t.phrase(label)}: ${c.from ? c.from.join(', ') : t.none} became ${c.to ? c.to.join(', ') : t.none}`;
  }
  return `${t.phrase(label)}: ${[
    ...(c.added.length > 0 ? [`added ${c.added.join(', ')}`] : []),
    ...(c.removed.length > 0 ? [`removed ${c.removed.join(', ')}`] : []),
  ].join('; ')}`;
}

/** `test on Systolic BP in x: A became B`. */
export function keyedFacetText(c: KeyedFacetChange, label: string): string {
  const [from, to] = keyedFacetJson(c);
  return `${keyedText(c).phrase(label, c.key)}: ${from} became ${to}`;
}

/** What the diff's JSON shows as `before` and `after` of a scalar facet, when not the value. */
export function scalarFacetJson(c: ScalarFacetChange): readonly [unknown, unknown] | undefined {
  const t = scalarText(c);
  return t.jsonText ? [t.render(c.from), t.render(c.to)] : undefined;
}

/** The JSON's `before` and `after` of a keyed facet entry: the rendered entries. */
export function keyedFacetJson(c: KeyedFacetChange): readonly [string, string] {
  const t = keyedText(c);
  const text = (v: unknown) => (v === undefined ? t.none : t.render(v));
  return [text(c.from), text(c.to)];
}
