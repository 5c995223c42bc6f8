import type { ClauseKindName, CompiledWindow } from '../rulepack/compiled.ts';
import { describeRange } from './_internals/valueRange.ts';
import { traceRoots } from './trace.ts';
import type {
  AfterEvidence,
  ClauseTrace,
  Evidence,
  MeasureTrace,
  CodeRef,
  NearMiss,
  ReadingTestEvidence,
  RecordRef,
} from './trace.ts';

/**
 * The clauses that decided a trace node's result: for a true `all`, every child; for a false
 * `all`, the false children; for a true `any`, the true children; for a false `any`, every child.
 * Followed down to the leaves.
 */
export function decidingClauses(node: ClauseTrace): ClauseTrace[] {
  if (!node.applicable || !node.children || node.children.length === 0) return [node];
  const decidedBy = DECIDED_BY[node.kind];
  return (decidedBy ? decidedBy(node.result, node.children) : node.children).flatMap(
    decidingClauses,
  );
}

/**
 * One level of `decidingClauses`: the children that decided `node`, or `node` itself for a leaf,
 * a `ref` or a `not` (which only pass their child on, so they count as one clause).
 */
export function decidingChildren(node: ClauseTrace): ClauseTrace[] {
  if (!node.applicable || !node.children || node.children.length === 0) return [node];
  const decidedBy = DECIDED_BY[node.kind];
  return decidedBy ? [...decidedBy(node.result, node.children)] : [node];
}

type DecidedBy = (result: boolean, children: readonly ClauseTrace[]) => readonly ClauseTrace[];

const everyChild: DecidedBy = (_result, children) => children;

/**
 * Which children decided a node of each kind; undefined for kinds that only pass their child on.
 * Leaf kinds have no children (a table entry keeps a new kind from being forgotten).
 */
const DECIDED_BY = {
  all: (result, children) => (result ? children : children.filter((c) => !c.result)),
  any: (result, children) => (result ? children.filter((c) => c.result) : children),
  not: undefined,
  ref: undefined,
  age: everyChild,
  sex: everyChild,
  enrollment: everyChild,
  event: everyChild,
  status: everyChild,
  death: everyChild,
  reading: everyChild,
  coverage: everyChild,
} satisfies { readonly [K in ClauseKindName]: DecidedBy | undefined };

/** One line that says what a clause found, in the words of the spec. */
export function describeClause(node: ClauseTrace): string {
  const e = node.evidence;
  if (e?.kind === 'scope')
    return e.productLine !== undefined
      ? `does not apply to ${e.productLine} (only ${e.appliesTo.join(', ')})`
      : `does not apply without a product line (only ${e.appliesTo.join(', ')})`;
  return DESCRIBE[node.kind](node);
}

type EvidenceOf<K extends Evidence['kind']> = Extract<Evidence, { readonly kind: K }>;

function isEvidence<K extends Evidence['kind']>(
  e: Evidence | undefined,
  kind: K,
): e is EvidenceOf<K> {
  return e?.kind === kind;
}

function holds(node: ClauseTrace): string {
  return node.result ? 'holds' : 'does not hold';
}

/** The description of a leaf kind, from its evidence (a node without evidence only holds or not). */
function fromEvidence<K extends Evidence['kind']>(
  kind: K,
  describe: (e: EvidenceOf<K>, result: boolean) => string,
): (node: ClauseTrace) => string {
  return (node) =>
    isEvidence(node.evidence, kind) ? describe(node.evidence, node.result) : holds(node);
}

/** The explanation text of each clause kind: a kind without one is a compile error. */
const DESCRIBE = {
  all: (node) => (node.result ? 'all of the below hold' : 'not all of the below hold'),
  any: (node) => (node.result ? 'one or more of the below hold' : 'none of the below holds'),
  not: (node) => (node.result ? 'the condition below does not hold' : 'the condition below holds'),
  ref: (node) => `uses the shared definition below (${node.result ? 'holds' : 'does not hold'})`,
  age: fromEvidence('age', (e) => {
    const range =
      e.min !== undefined && e.max !== undefined
        ? `${e.min}-${e.max}`
        : e.min !== undefined
          ? `${e.min} or older`
          : `${e.max ?? '?'} or younger`;
    return `age ${e.age} on ${e.asOf} (born ${e.birthDate}); needs ${range}`;
  }),
  sex: fromEvidence('sex', (e) => `sex ${e.sex}; needs ${e.allowed.join(' or ')}`),
  death: fromEvidence('death', (e, result) =>
    e.deathDate === undefined
      ? 'no date of death'
      : `died ${e.deathDate}, ${result ? 'inside' : 'outside'} ${formatWindow(e.window)}`,
  ),
  status: fromEvidence('status', (e) => {
    if (e.matches.length > 0)
      return `${e.matches.map((s) => `${s.kind} ${s.start}..${s.end}`).join(', ')} overlaps ${formatWindow(e.window)}`;
    if (e.outside.length > 0)
      return `${e.outside.map((s) => `${s.kind} ${s.start}..${s.end}`).join(', ')} is outside ${formatWindow(e.window)}`;
    return `no such status in ${formatWindow(e.window)}`;
  }),
  event: fromEvidence('event', (e) => {
    const window = `${e.by !== undefined ? `${BY_TEXT[e.by]} ` : ''}${formatWindow(e.window)}${describeAfter(e.after)}`;
    const found = e.matches.map(formatRecord);
    const parts: string[] = [];
    if (found.length > 0) {
      const dates = e.needed > 1 ? ` (${e.distinctDates} distinct date(s), needs ${e.needed})` : '';
      parts.push(
        `${found.slice(0, 4).join('; ')}${found.length > 4 ? `; and ${found.length - 4} more` : ''} ${e.by !== undefined ? '' : 'in '}${window}${dates}`,
      );
    } else {
      parts.push(
        `nothing ${e.by !== undefined ? '' : 'in '}${window}${e.needed > 1 ? ` (needs ${e.needed} distinct dates)` : ''}`,
      );
    }
    for (const m of e.nearMisses) parts.push(`${formatRecord(m)} ${missReason(m, e.by)}`);
    return parts.join('; ');
  }),
  reading: fromEvidence('reading', (e) => {
    const after = describeAfter(e.after);
    if (e.date === undefined) {
      const misses = e.nearMisses.map((m) => `${formatRecord(m)} ${missReason(m)}`);
      return [`no reading in ${formatWindow(e.window)}${after}`, ...misses].join('; ');
    }
    const values = e.readings
      .map((r) =>
        r.range !== undefined
          ? `${r.valueSet} ${describeRange(r.range)} (${r.code !== undefined ? `${formatCode(r.code)} ` : ''}on claim ${r.claim ?? '?'})`
          : `${r.valueSet} ${
              r.value !== undefined
                ? String(r.value)
                : r.valueCode !== undefined
                  ? formatCode(r.valueCode)
                  : '(no value)'
            }`,
      )
      .join(', ');
    const tests = e.tests.map(describeReadingTest).join('; ');
    return `most recent reading ${e.date}${after} (${values}); ${tests}`;
  }),
  coverage: fromEvidence('coverage', (e) => {
    if (e.index === undefined) return `no fill in ${formatWindow(e.window)}`;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const shifted = e.fills.filter((f) => f.start !== f.date).length;
    return (
      `index ${e.index}, period ${e.index}..${e.periodEnd ?? '?'} (${e.periodDays} days, ends at ${e.endReason ?? 'window'}); ` +
      `${e.coveredDays} days covered = ${pct(e.proportion)}, needs ${pct(e.atLeast)}; ` +
      `${e.fills.length} fill(s)${shifted > 0 ? `, ${shifted} early refill(s) shifted` : ''}`
    );
  }),
  enrollment: fromEvidence('enrollment', (e) => {
    const parts: string[] = [];
    if (e.anchor) {
      const a = e.anchor;
      parts.push(
        a.enrolled
          ? `enrolled on ${a.date} in ${e.productLine ?? '?'} (${a.span?.start ?? '?'}..${a.span?.end ?? '?'})`
          : a.otherProductLine
            ? `on ${a.date} enrolled in ${a.otherProductLine}, not ${e.productLine ?? '?'}`
            : `not enrolled on ${a.date}`,
      );
    }
    for (const s of e.segments) {
      const gaps =
        s.gaps.length === 0
          ? 'no gap'
          : s.gaps.map((g) => `gap ${g.start}..${g.end} (${g.days} days)`).join(', ');
      const a = s.allowance;
      const allowance =
        a.gaps === 0
          ? 'no gap allowed'
          : `allowed: ${a.gaps} gap${a.gaps > 1 ? 's' : ''} of up to ${
              a.maxDays !== undefined ? `${a.maxDays} days` : `${a.maxMonths ?? 0} month(s)`
            }`;
      parts.push(`${s.from}..${s.to}: ${gaps}, ${s.ok ? 'ok' : 'FAILS'} (${allowance})`);
    }
    return parts.join('; ');
  }),
} satisfies { readonly [K in ClauseKindName]: (node: ClauseTrace) => string };

/** How records met the window, before `window ...`: `nothing overlapping window ...`. */
const BY_TEXT = {
  end: 'ending in',
  overlap: 'overlapping',
  within: 'wholly within',
} as const;

const COMPARATOR_TEXT = { below: '<', atMost: '<=', above: '>', atLeast: '>=' } as const;

/** `Systolic BP 138 < 140: yes`, `Housing Status SNOMEDCT 1 in Nursing Home: no`. */
function describeReadingTest(t: ReadingTestEvidence): string {
  const answer = `: ${t.passed ? 'yes' : 'no'}`;
  const name = t.valueSet ?? 'value';
  if (t.anyMissing) return `${name}: a reading of the day has no value${answer}`;
  if (t.notNumeric) return `${name}: the reading is coded, not a number${answer}`;
  if (t.valueIn !== undefined) {
    const code = t.valueCode !== undefined ? formatCode(t.valueCode) : 'missing';
    return `${name} ${code} in ${t.valueIn.join(', ')}${answer}`;
  }
  const value =
    t.value !== undefined
      ? String(t.value)
      : t.range !== undefined
        ? describeRange(t.range)
        : 'missing';
  const comparator = t.comparator !== undefined ? COMPARATOR_TEXT[t.comparator] : '?';
  return `${name} ${value} ${comparator} ${String(t.threshold ?? '?')}${answer}`;
}

function formatCode(c: CodeRef): string {
  return `${c.system} ${c.code}`;
}

/** `cancelled`, `(none)` for a fact the record lacks. */
const fact = (value: string | undefined): string => value ?? '(none)';
const oneOf = (m: NearMiss): string => (m.wanted ?? []).join(', ');

/** `active`, `active or relapse`, `active, recurrence or relapse`. */
function orList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}

/** Why a near miss did not count; `by` is how the clause met its window (the default: start). */
function missReason(m: NearMiss, by?: 'end' | 'overlap' | 'within'): string {
  switch (m.reason) {
    case 'end-unknown': {
      const fails =
        by === 'end'
          ? 'does not end in the window'
          : by === 'within'
            ? 'is not within the window'
            : 'does not overlap the window';
      const why =
        m.wanted !== undefined
          ? ` (a condition without abatement is still going only when its clinicalStatus is ${orList(m.wanted)})`
          : '';
      return `${fails}: its end is unknown${why}`;
    }
    case 'setting':
      return `does not count in setting ${m.setting ?? '?'}`;
    case 'before-window':
      return 'is before the window';
    case 'after-window':
      return 'is after the window';
    case 'before-anchor':
      return 'is before the onOrAfter date';
    case 'modifier':
      return `lacks the required modifier${m.modifiers ? ` (has ${m.modifiers.join(', ')})` : ''}`;
    case 'kind':
      return `kind ${fact(m.kind ?? (m.record === 'claim' ? 'claim' : undefined))} is not one of ${oneOf(m)}`;
    case 'status':
      return `status ${fact(m.status)} is not one of ${oneOf(m)}`;
    case 'intent':
      return `intent ${fact(m.intent)} is not one of ${oneOf(m)}`;
    case 'do-not-perform':
      return m.doNotPerform ? 'is marked do not perform' : 'is not marked do not perform';
    case 'category':
      return `category ${m.category ? m.category.join(', ') : '(none)'} is not one of ${oneOf(m)}`;
    case 'value':
      return m.wanted === undefined
        ? 'has no value'
        : m.valueCode === undefined
          ? `has no coded value in ${oneOf(m)}`
          : `value ${formatCode(m.valueCode)} is not in ${oneOf(m)}`;
    case 'with':
      return `has no ${m.role !== undefined ? `${m.role} code` : 'other code'} in ${oneOf(m)}`;
  }
}

function describeAfter(after: AfterEvidence | undefined): string {
  if (!after) return '';
  return after.date !== undefined
    ? `, on or after ${after.date} (date ${after.occurrence} of ${after.clause})`
    : `, but ${after.clause} has fewer than ${after.occurrence} distinct date(s)`;
}

/**
 * `claim C1 2025-03-02 CPT 99213 (Office Visit), outpatient`, or for a record with clinical
 * facts `encounter E1 2025-03-02..2025-03-04 status finished SNOMEDCT 1 (Inpatient), ...`.
 */
function formatRecord(r: RecordRef): string {
  const what =
    r.drug !== undefined && r.code === undefined
      ? r.drug
      : `${r.system ?? ''} ${r.code ?? ''}`.trim();
  const vs =
    r.valueSet !== undefined ? ` (${r.valueSet})` : r.drug !== undefined ? ` (${r.drug})` : '';
  const setting = r.setting !== undefined && r.record === 'claim' ? `, ${r.setting}` : '';
  const dates = `${r.date}${
    r.open
      ? '..(ongoing)'
      : r.endUnknown
        ? `..(end unknown: ${r.status !== undefined ? `clinicalStatus ${r.status}` : 'no clinicalStatus'}, no abatement)`
        : r.end !== undefined
          ? `..${r.end}`
          : ''
  }`;
  const facts = [
    // An unknown end already names the clinicalStatus.
    ...(r.status !== undefined && r.endUnknown !== true ? [`status ${r.status}`] : []),
    ...(r.intent !== undefined ? [`intent ${r.intent}`] : []),
    ...(r.doNotPerform ? ['do not perform'] : []),
  ];
  const value = r.valueCode !== undefined ? `, value ${formatCode(r.valueCode)}` : '';
  return `${recordLabel(r)} ${dates}${facts.length > 0 ? ` ${facts.join(', ')}` : ''} ${what}${vs}${value}${setting}`;
}

/** `claim C1`, `encounter E1`, `medication order O1`, `condition D1`, `observation`. */
function recordLabel(r: RecordRef): string {
  const name =
    r.record === 'claim'
      ? (r.kind ?? 'claim')
      : r.record === 'order'
        ? `${r.kind !== undefined ? `${r.kind} ` : ''}order`
        : r.record;
  return r.id !== undefined ? `${name} ${r.id}` : name;
}

export function formatWindow(w: CompiledWindow): string {
  return w.from === undefined ? `window through ${w.to}` : `window ${w.from}..${w.to}`;
}

/** Renders a clause tree as indented lines: a mark, the clause id, and what it found. */
export function renderClauseTree(node: ClauseTrace, indent = '  '): string[] {
  const mark = !node.applicable ? '·' : node.result ? '✓' : '✗';
  const lines = [`${indent}${mark} ${node.id}: ${describeClause(node)}`];
  for (const child of node.children ?? []) lines.push(...renderClauseTree(child, `${indent}  `));
  return lines;
}

/** The populations of a measure trace (strata aside) in comparison order, for reporters. */
export function populationTraces(trace: MeasureTrace): { name: string; trace: ClauseTrace }[] {
  return traceRoots(trace)
    .filter((r) => r.population !== 'stratum')
    .map((r) => ({ name: r.label, trace: r.trace }));
}
