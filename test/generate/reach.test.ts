import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/model/calendarDate.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { Member, ProductLine } from '../../src/model/member.ts';
import { lastDayWithinMonths } from '../../src/engine/clauses/enrollment.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { ClauseTrace, Evaluation } from '../../src/engine/trace.ts';
import { memberArbitrary } from '../../src/generate/index.ts';
import type { GeneratorMode } from '../../src/generate/index.ts';
import { shippedMeasure } from '../support/shippedPacks.ts';

const measure = shippedMeasure(2025, 'COL-E');
const SAMPLES = 500;
const SEED = 2025;

interface Run {
  readonly members: readonly Member[];
  readonly evaluations: readonly Evaluation[];
}

const runs = new Map<string, Run>();

/** The members of one product line and mode, with their reference evaluations (drawn once). */
function run(productLine: ProductLine, mode: GeneratorMode): Run {
  const key = `${productLine}/${mode}`;
  const cached = runs.get(key);
  if (cached) return cached;
  const members = fc.sample(memberArbitrary(measure, { productLine, mode }), {
    seed: SEED,
    numRuns: SAMPLES,
  });
  const request = { measure: 'COL-E', year: 2025, productLine };
  const result = { members, evaluations: members.map((m) => evaluateMeasure(measure, request, m)) };
  runs.set(key, result);
  return result;
}

/** How often each population came out true and false, the way the comparison reads them. */
function hits(r: Run) {
  const o = r.evaluations.map((e) => e.outcome);
  const count = (pred: (x: (typeof o)[number]) => boolean) => o.filter(pred).length;
  const inDen = o.filter((x) => x.denominator);
  const counted = inDen.filter((x) => !x.denominatorExclusion);
  return {
    initialPopulation: {
      true: count((x) => x.initialPopulation),
      false: count((x) => !x.initialPopulation),
    },
    denominatorExclusion: {
      true: inDen.filter((x) => x.denominatorExclusion).length,
      false: counted.length,
    },
    numerator: {
      true: counted.filter((x) => x.numerator === true).length,
      false: counted.filter((x) => x.numerator === false).length,
    },
  };
}

function find(trace: ClauseTrace, id: string): ClauseTrace | undefined {
  if (trace.id === id) return trace;
  for (const c of trace.children ?? []) {
    const found = find(c, id);
    if (found) return found;
  }
  return undefined;
}

describe.each(PRODUCT_LINES)('rule-aware generation for COL-E 2025, %s', (line) => {
  it(`reaches both outcomes of every population within ${SAMPLES} members`, () => {
    const h = hits(run(line, 'rule-aware'));
    for (const [population, counts] of Object.entries(h)) {
      expect(counts.true, `${population} true`).toBeGreaterThan(0);
      expect(counts.false, `${population} false`).toBeGreaterThan(0);
    }
  });

  it('hits ages 45, 46, 75 and 76 on Dec 31', () => {
    const ages = new Set(
      run(line, 'rule-aware').evaluations.flatMap((e) => {
        const ev = find(e.trace.initialPopulation, 'col-e-age')?.evidence;
        return ev?.kind === 'age' ? [ev.age] : [];
      }),
    );
    for (const age of [45, 46, 75, 76]) expect(ages.has(age), `age ${age}`).toBe(true);
    expect(run(line, 'rule-aware').members.some((m) => m.birthDate.endsWith('-02-29'))).toBe(true);
  });

  it('makes enrollment gaps of exactly 45 days and of 46 days', () => {
    const gaps = run(line, 'rule-aware').evaluations.flatMap((e) => {
      const ev = find(e.trace.initialPopulation, 'continuous-enrollment-my-and-prior')?.evidence;
      return ev?.kind === 'enrollment' ? ev.segments.flatMap((s) => s.gaps) : [];
    });
    const lengths = new Set(gaps.map((g) => g.days));
    expect(lengths.has(45), 'a 45-day gap').toBe(true);
    expect(lengths.has(46), 'a 46-day gap').toBe(true);
    // Gaps at the year edges: starting Jan 1 and ending Dec 31.
    expect(gaps.some((g) => g.start.endsWith('-01-01') && g.end !== g.start)).toBe(true);
    expect(gaps.some((g) => g.end.endsWith('-12-31') && g.end !== g.start)).toBe(true);
    if (line === 'medicaid') {
      // The one-month allowance: a gap that ends on the last day allowed, and one day later.
      const fits = gaps.filter((g) => g.end === lastDayWithinMonths(g.start, 1));
      const over = gaps.filter((g) => g.end === addDays(lastDayWithinMonths(g.start, 1), 1));
      expect(fits.length).toBeGreaterThan(0);
      expect(over.length).toBeGreaterThan(0);
    }
  });

  it('puts members in another product line on the anchor date and lapses them on it', () => {
    const anchors = run(line, 'rule-aware').evaluations.flatMap((e) => {
      const ev = find(e.trace.initialPopulation, 'continuous-enrollment-my-and-prior')?.evidence;
      return ev?.kind === 'enrollment' && ev.anchor ? [ev.anchor] : [];
    });
    expect(anchors.some((a) => a.otherProductLine !== undefined)).toBe(true);
    expect(anchors.some((a) => !a.enrolled && a.otherProductLine === undefined)).toBe(true);
  });

  it('finds frailty on two dates and near misses by setting and window', () => {
    const frailty = run(line, 'rule-aware').evaluations.flatMap((e) => {
      const ev =
        e.trace.denominatorExclusion && find(e.trace.denominatorExclusion, 'frailty')?.evidence;
      return ev?.kind === 'event' ? [ev] : [];
    });
    expect(frailty.some((f) => f.distinctDates >= 2)).toBe(true);
    expect(frailty.some((f) => f.distinctDates === 1 && f.matches.length >= 2)).toBe(true);
    expect(frailty.some((f) => f.nearMisses.some((n) => n.reason === 'setting'))).toBe(true);
    expect(frailty.some((f) => f.nearMisses.some((n) => n.reason === 'after-window'))).toBe(true);
  });

  it('reaches the initial population more than twice as often as uniform generation', () => {
    const aimed = hits(run(line, 'rule-aware')).initialPopulation.true;
    const plain = hits(run(line, 'uniform')).initialPopulation.true;
    expect(aimed, `rule-aware ${aimed}/${SAMPLES} vs uniform ${plain}/${SAMPLES}`).toBeGreaterThan(
      2 * plain,
    );
  });
});
