import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { evaluateMeasure } from '../engine/evaluate.ts';
import { traceRoots } from '../engine/trace.ts';
import type { ClauseTrace, Evaluation } from '../engine/trace.ts';
import { addMonths } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { CompiledMeasure, CompiledPack } from '../rulepack/compiled.ts';
import { loadPack } from '../rulepack/compile.ts';
import { diffPacks } from '../rulepack/diff/index.ts';
import type { PackChange, PackDiff, ValueSetUser } from '../rulepack/diff/index.ts';
import { shippedPackDir, shippedYears } from '../rulepack/shipped.ts';
import { compareOutcomes } from './compare.ts';

/**
 * Neighbouring rules a check aims at (neighbour targeting, README "Use it"): the same measure in another
 * year's pack, and/or the same year's rules for another product line. A bug that keeps last year's
 * rule, or applies one product line's rule to another, only shows on members whose outcome differs
 * between the two; a share of the cases is drawn among those members, and every discrepancy is
 * checked against the neighbour to say which rules the implementation follows instead.
 */
export interface NeighbourTargets {
  /** The measure as compiled from the neighbouring year's pack (e.g. 2024 when checking 2025). */
  readonly year?: CompiledMeasure;
  /**
   * The clauses of the measure whose rules differ between the neighbouring year and this pack
   * (`pack diff`, semantic changes only; `yearChanges`). Absent: not known, so any clause may have
   * changed.
   */
  readonly yearChangedClauses?: ChangedClauses;
  /** Another product line whose rule a buggy implementation may apply to the line checked. */
  readonly productLine?: ProductLine;
}

/** The neighbour whose answer the implementation gave instead of this pack's. */
export type MatchesNeighbour =
  | { readonly kind: 'year'; readonly year: number }
  | { readonly kind: 'productLine'; readonly productLine: ProductLine };

/** What targeting did on one product line (carried in the JSON report). */
export interface TargetingInfo {
  readonly neighbour: MatchesNeighbour;
  /** Probe candidates drawn, and how many of them differ between this pack and the neighbour. */
  readonly probed: number;
  readonly differing: number;
  /** False when differing members are too rare to target within the draw budget. */
  readonly active: boolean;
}

/** Clause ids a change between two packs touched, or `any` when it touched the whole measure. */
export type ChangedClauses = ReadonlySet<string> | 'any';

/** One neighbour ready to evaluate a member of the product line being checked. */
export interface Neighbour {
  readonly matches: MatchesNeighbour;
  /** The neighbour's outcome for `member` (checked for `request`). */
  outcome(member: Member): Outcome;
  /**
   * Whether a rule that differs between this pack and the neighbour is on `member`'s path (see
   * `changedClauseOnPath`); absent: the neighbour's rules are another product line's, where every
   * clause scoped to product lines may matter.
   */
  changedOnPath?(member: Member, reference: Evaluation): boolean;
}

/** Candidates drawn per neighbour to estimate how often its outcome differs. */
export const PROBE_DRAWS = 400;
/**
 * A neighbour is targeted only when at least this many probe candidates differ, which bounds the
 * expected rejection-sampling draws per targeted case at PROBE_DRAWS / MIN_DIFFERING.
 */
export const MIN_DIFFERING = 4;

/** The neighbours that apply to one product line of a check (the line itself is no neighbour). */
export function neighboursFor(
  targets: NeighbourTargets | false | undefined,
  measure: CompiledMeasure,
  productLine: ProductLine | undefined,
): Neighbour[] {
  if (!targets) return [];
  const out: Neighbour[] = [];
  const other = targets.year;
  if (other !== undefined && other.year !== measure.year) {
    const years = other.year - measure.year;
    const request: Request = {
      measure: other.id,
      year: other.year,
      ...(productLine !== undefined ? { productLine } : {}),
    };
    const changed = targets.yearChangedClauses ?? 'any';
    // The neighbour's windows are dates of its own year: move the member by the same number of
    // years, so the neighbour judges "this member, had the rules not changed".
    const evaluate = (member: Member) =>
      evaluateMeasure(other, request, shiftMember(member, years));
    out.push({
      matches: { kind: 'year', year: other.year },
      outcome: (member) => evaluate(member).outcome,
      changedOnPath: (member, reference) =>
        changedClauseOnPath(changed, reference, evaluate(member)),
    });
  }
  const line = targets.productLine;
  if (line !== undefined && productLine !== undefined && line !== productLine) {
    const request: Request = { measure: measure.id, year: measure.year, productLine: line };
    out.push({
      matches: { kind: 'productLine', productLine: line },
      outcome: (member) =>
        evaluateMeasure(measure, request, switchProductLine(member, productLine, line)).outcome,
    });
  }
  return out;
}

/**
 * The arbitrary a check draws from: the plain generator, mixed with (about a third of the cases)
 * members whose reference outcome differs from each active neighbour's. Differing members are got
 * by rejection sampling (`.filter`) from the same generator, so a case and its shrinks replay
 * exactly from seed and path, and shrinking keeps the member differing. A neighbour is targeted
 * only when a deterministic probe (derived from `seed`) finds differing members often enough.
 */
export function targetedArbitrary(
  base: Arbitrary<Member>,
  measure: CompiledMeasure,
  request: Request,
  neighbours: readonly Neighbour[],
  seed: number,
): { arbitrary: Arbitrary<Member>; targeting: TargetingInfo[] } {
  if (neighbours.length === 0) return { arbitrary: base, targeting: [] };
  const probe = fc.sample(base, { seed: (seed ^ 0x5bd1e995) | 0, numRuns: PROBE_DRAWS });
  const targeting: TargetingInfo[] = [];
  const targeted: Arbitrary<Member>[] = [];
  for (const n of neighbours) {
    const differs = (m: Member) => differsFrom(measure, request, n, m);
    const differing = probe.filter(differs).length;
    const active = differing >= MIN_DIFFERING;
    targeting.push({ neighbour: n.matches, probed: probe.length, differing, active });
    if (active) targeted.push(base.filter(differs));
  }
  if (targeted.length === 0) return { arbitrary: base, targeting };
  const arbitrary = fc.oneof(
    { arbitrary: base, weight: 2 * targeted.length },
    ...targeted.map((arbitrary) => ({ arbitrary, weight: 1 })),
  );
  return { arbitrary, targeting };
}

/** Whether this pack and the neighbour give `member` different outcomes. */
export function differsFrom(
  measure: CompiledMeasure,
  request: Request,
  neighbour: Neighbour,
  member: Member,
): boolean {
  const here = evaluateMeasure(measure, request, member).outcome;
  const there = neighbour.outcome(member);
  // A year that adds or drops strata differs on every member in the population; that is no
  // behaviour worth aiming at, so strata count only when both have them.
  const strata = here.stratum !== undefined && there.stratum !== undefined;
  return (
    compareOutcomes(
      strata ? here : withoutStratum(here),
      strata ? there : withoutStratum(there),
    ) !== undefined
  );
}

/**
 * The neighbour whose answer the implementation gave, when that answer is not this pack's: "this
 * implementation agrees with the 2024 rules for this member". Said only when it is true on the
 * whole: the neighbour's whole outcome equals the implementation's (not just the population that
 * differs: a member the neighbour leaves out of the initial population "agrees" on every
 * numerator), and a rule that changed between the two is on the member's path (so an unrelated bug
 * that happens to give the same answer is not blamed on the neighbour).
 */
export function matchingNeighbour(
  neighbours: readonly Neighbour[],
  member: Member,
  reference: Evaluation,
  implementation: Outcome,
): MatchesNeighbour | undefined {
  if (sameOutcome(reference.outcome, implementation)) return undefined;
  for (const n of neighbours) {
    if (!sameOutcome(n.outcome(member), implementation)) continue;
    if (n.changedOnPath && !n.changedOnPath(member, reference)) continue;
    return n.matches;
  }
  return undefined;
}

/** Equal outcomes; the stratum counts only when both have one (a year may add or drop strata). */
function sameOutcome(a: Outcome, b: Outcome): boolean {
  const strata = a.stratum !== undefined && b.stratum !== undefined;
  return (
    compareOutcomes(strata ? a : withoutStratum(a), strata ? b : withoutStratum(b)) === undefined
  );
}

/**
 * Whether a changed clause is on the member's path: it is evaluated for the member under one pack
 * and not the other, or its result for the member differs between the two. A change the member
 * never reaches, or that gives the member the same result, cannot explain its outcome.
 */
export function changedClauseOnPath(
  changed: ChangedClauses,
  here: Evaluation,
  there: Evaluation,
): boolean {
  if (changed === 'any') return true;
  if (changed.size === 0) return false;
  const a = clauseResults(here);
  const b = clauseResults(there);
  for (const id of changed) {
    const x = a.get(id);
    const y = b.get(id);
    if ((x !== undefined || y !== undefined) && x !== y) return true;
  }
  return false;
}

/** Each traced clause's result by id (an id traced twice with different results: `mixed`). */
function clauseResults(evaluation: Evaluation): Map<string, boolean | 'mixed'> {
  const out = new Map<string, boolean | 'mixed'>();
  const visit = (node: ClauseTrace): void => {
    const seen = out.get(node.id);
    out.set(node.id, seen === undefined || seen === node.result ? node.result : 'mixed');
    node.children?.forEach(visit);
  };
  for (const root of traceRoots(evaluation.trace)) visit(root.trace);
  return out;
}

/** The sentence the console report prints for a finding that matches a neighbour. */
export function describeNeighbourMatch(
  matches: MatchesNeighbour,
  year: number,
  productLine: ProductLine | undefined,
): string {
  return matches.kind === 'year'
    ? `this implementation agrees with the ${matches.year} rules for this member, not the ${year} rules`
    : `it applies the ${matches.productLine} rule to a ${productLine ?? 'product-line-less'} member`;
}

function withoutStratum(outcome: Outcome): Outcome {
  const copy: Outcome = { ...outcome };
  delete copy.stratum;
  return copy;
}

/** The member with every date moved by `years` years (Feb 29 becomes Feb 28). */
export function shiftMember(member: Member, years: number): Member {
  if (years === 0) return member;
  const s = (d: IsoDate): IsoDate => addMonths(d, 12 * years);
  return {
    ...member,
    birthDate: s(member.birthDate),
    ...(member.deathDate !== undefined ? { deathDate: s(member.deathDate) } : {}),
    enrollments: member.enrollments.map((e) => ({ ...e, start: s(e.start), end: s(e.end) })),
    statuses: member.statuses.map((st) => ({ ...st, start: s(st.start), end: s(st.end) })),
    claims: member.claims.map((c) => ({
      ...c,
      date: s(c.date),
      ...(c.endDate !== undefined ? { endDate: s(c.endDate) } : {}),
    })),
    dispensings: member.dispensings.map((d) => ({ ...d, date: s(d.date) })),
    observations: member.observations.map((o) => ({ ...o, date: s(o.date) })),
  };
}

/** The member with its `from` enrollments moved to product line `to`. */
export function switchProductLine(member: Member, from: ProductLine, to: ProductLine): Member {
  return {
    ...member,
    enrollments: member.enrollments.map((e) =>
      e.productLine === from ? { ...e, productLine: to } : e,
    ),
  };
}

/**
 * The neighbouring year for a check of `measureId` in `pack`: the measure from the shipped pack of
 * `year` and the clauses that changed between the two (`pack diff`). `equal` when the measure's
 * rules did not change (no semantic change touches it): there is nothing to aim at and no answer
 * the neighbour could explain, so targeting costs nothing. Undefined when that pack is not
 * shipped, does not load, or lacks the measure.
 */
export function yearNeighbour(
  pack: CompiledPack,
  measureId: string,
  year: number,
): { measure: CompiledMeasure; changedClauses: ChangedClauses } | 'equal' | undefined {
  const measure = shippedNeighbourMeasure(measureId, year);
  if (!measure) return undefined;
  const diff = diffPacks(shippedPackDir(year), pack.dir);
  // A pack the diff cannot load (a draft under --rules with problems): assume anything changed.
  if (!diff.ok) return { measure, changedClauses: 'any' };
  const changedClauses = measureChanges(diff.value, measureId);
  return changedClauses !== 'any' && changedClauses.size === 0
    ? 'equal'
    : { measure, changedClauses };
}

/**
 * The clauses of `measureId` that a semantic change between two packs touches: changed clauses of
 * the measure, of shared definitions it may use, and clauses using a value set whose codes
 * changed. A change to the measure as a whole (a rate, its product lines, the pack's scope) is
 * `any`.
 */
export function measureChanges(diff: PackDiff, measureId: string): ChangedClauses {
  const clauses = new Set<string>();
  for (const c of diff.changes) {
    if (c.level !== 'semantic') continue;
    const touched = touchedClauses(c, measureId);
    if (touched === 'any') return 'any';
    for (const id of touched) clauses.add(id);
  }
  return clauses;
}

function touchedClauses(c: PackChange, measureId: string): readonly string[] | 'any' {
  const d = c.detail;
  const users: readonly (string | ValueSetUser)[] | undefined = 'users' in d ? d.users : undefined;
  if (c.measure !== undefined && c.measure !== measureId) return [];
  if (d.of === 'clause' && d.owner.of === 'definition') {
    // A definition's clause matters to a measure that uses the definition (or to any, unknown).
    return d.owner.users.length === 0 || d.owner.users.includes(measureId)
      ? clauseIds(c.clause)
      : [];
  }
  if (users !== undefined && c.measure === undefined) {
    // A value set (or product lines) changed: the clauses that use it.
    const ids: string[] = [];
    for (const u of users) {
      if (typeof u === 'string') return u === measureId ? 'any' : [];
      if (u.in === 'measure' && u.name !== measureId) continue;
      if (u.clause === undefined) return 'any';
      ids.push(u.clause);
    }
    return ids;
  }
  if (c.measure === undefined) return c.kind === 'metadata' ? [] : 'any';
  return c.clause !== undefined ? clauseIds(c.clause) : 'any';
}

/** A change's clause label as trace ids: `ref name` is traced under the definition's name. */
function clauseIds(label: string | undefined): readonly string[] | 'any' {
  if (label === undefined) return 'any';
  return label.startsWith('ref ') ? [label, label.slice('ref '.length)] : [label];
}

/**
 * The measure from the shipped pack of `year`, for `--against-year`: undefined when that pack is
 * not shipped, does not load, or has no such measure (the default neighbour is then simply off).
 */
export function shippedNeighbourMeasure(
  measureId: string,
  year: number,
): CompiledMeasure | undefined {
  if (!shippedYears().includes(year)) return undefined;
  const loaded = loadPack(shippedPackDir(year));
  return loaded.ok ? loaded.value.measures.get(measureId) : undefined;
}
