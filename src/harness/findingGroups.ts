import { decidingChildren, decidingClauses } from '../engine/explain.ts';
import type { ClauseTrace } from '../engine/trace.ts';
import type { ProductLine } from '../model/member.ts';
import type { AcceptEntry } from './acceptList.ts';
import type { Finding } from './finding.ts';
import { traceOf } from './finding.ts';
import { nearestClause } from './nearestClause.ts';
import type { NearestClause } from './nearestClause.ts';

/** A clause a verdict rests on, with the public text it cites and the pack's reading of it. */
export interface FindingRule {
  readonly id: string;
  readonly source?: string;
  readonly assumption?: string;
}

/**
 * One root cause: the findings of every product line with the same population, the same deciding
 * clauses and the same direction (what the implementation and the reference say), or the same
 * kind of failure. Reported once, naming the product lines where it shows.
 */
export interface FindingGroup {
  readonly key: string;
  readonly kind: Finding['kind'];
  /** The product lines where it shows, in run order (undefined: a measure without product lines). */
  readonly productLines: readonly (ProductLine | undefined)[];
  /** One finding per product line, in run order; the first one's minimal member is the one shown. */
  readonly findings: readonly [Finding, ...Finding[]];
  /** Screened cases that showed it, over all its product lines. */
  readonly occurrences: number;
  /**
   * When the reference says "no" because no branch of an `any` holds (not excluded, not in the
   * numerator): the branch that came closest in the shown member, and what it lacked.
   */
  readonly nearest?: NearestClause;
  /** The clauses the reference's verdict rests on, with their `source` and `assumption`. */
  readonly rules: readonly FindingRule[];
  /** True when a clause the verdict rests on is the pack's reading (`assumption`), not a cited rule. */
  readonly restsOnAssumption: boolean;
  /** The reviewed entry (`--accept`) that accepts this difference: it does not fail the run. */
  readonly accepted?: AcceptEntry;
}

/** Groups findings (in product line order) by root cause; accepted ones group with their entry. */
export function groupFindings(
  findings: readonly Finding[],
  acceptedBy: (f: Finding) => AcceptEntry | undefined = () => undefined,
): FindingGroup[] {
  const groups = new Map<string, { findings: [Finding, ...Finding[]]; accepted?: AcceptEntry }>();
  for (const f of findings) {
    const accepted = acceptedBy(f);
    const key = rootCauseKey(f) + (accepted ? `|accepted@${accepted.line}` : '');
    const seen = groups.get(key);
    if (seen) seen.findings.push(f);
    else groups.set(key, { findings: [f], ...(accepted ? { accepted } : {}) });
  }
  return [...groups].map(([key, g]) => describeGroup(key, g.findings, g.accepted));
}

/**
 * Population, deciding clauses and direction for a discrepancy; the failure kind or the
 * inconsistency otherwise (a finding's own key, which has no product line in it).
 */
export function rootCauseKey(f: Finding): string {
  const d = f.difference;
  return d ? `${f.key}|${String(d.implementation)}>${String(d.reference)}` : f.key;
}

function describeGroup(
  key: string,
  findings: readonly [Finding, ...Finding[]],
  accepted: AcceptEntry | undefined,
): FindingGroup {
  const [first] = findings;
  const population = first.difference?.population;
  const trace = population !== undefined ? traceOf(first.reference, population) : undefined;
  const nearest = trace ? nearestClause(trace) : undefined;
  const rules = trace ? verdictRules(trace, nearest) : [];
  return {
    key,
    kind: first.kind,
    productLines: findings.map((f) => f.productLine),
    findings,
    occurrences: findings.reduce((n, f) => n + f.occurrences, 0),
    ...(nearest ? { nearest } : {}),
    rules,
    restsOnAssumption: rules.some((r) => r.assumption !== undefined),
    ...(accepted ? { accepted } : {}),
  };
}

/**
 * The clauses a verdict rests on: the population's own clause when it carries a citation or an
 * assumption, then the nearest branch and what it lacked (a "no" of an `any`) or the deciding
 * clauses one level down, then the leaves that decided them.
 */
function verdictRules(trace: ClauseTrace, nearest: NearestClause | undefined): FindingRule[] {
  const top = nearest ? [nearest.clause] : decidingChildren(trace);
  const leaves = nearest ? nearest.lacking : top.flatMap((c) => decidingClauses(c));
  const out = new Map<string, FindingRule>();
  for (const node of [trace, ...top, ...leaves]) {
    if (out.has(node.id)) continue;
    if (node.source === undefined && node.assumption === undefined) continue;
    out.set(node.id, {
      id: node.id,
      ...(node.source !== undefined ? { source: oneLine(node.source) } : {}),
      ...(node.assumption !== undefined ? { assumption: oneLine(node.assumption) } : {}),
    });
  }
  return [...out.values()];
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
