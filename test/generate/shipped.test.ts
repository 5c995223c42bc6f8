import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRODUCT_LINES, strictMemberSchema } from '../../src/model/member.ts';
import type { Member, ProductLine } from '../../src/model/member.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Evaluation } from '../../src/engine/trace.ts';
import { measureBoundaries, memberArbitrary } from '../../src/generate/index.ts';
import type { GeneratorMode } from '../../src/generate/index.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { shippedMeasure, shippedPack, shippedPackYears } from '../support/shippedPacks.ts';
import { findClause } from './clauseTraces.ts';

/**
 * The generator against every shipped measure: valid members in both modes, and rule-aware
 * members that reach every population and rate (focused members get into the initial population
 * even where it needs events: two hypertension diagnoses for CBP, diabetes for GSD, two statin
 * fills for PDC-STA). The measure-specific checks below need their measure in every shipped year:
 * a pack without it fails them.
 */
const YEARS = shippedPackYears();
/** The measures every shipped year has: a measure gone missing, or new and unchecked, fails. */
const MEASURES = ['BCS-E', 'CBP', 'COL-E', 'GSD', 'PDC-STA'];
const VALID_SAMPLES = 200;
const REACH_SAMPLES = 400;
const SEED = 31;

interface Run {
  readonly members: readonly Member[];
  /** The reference evaluations, computed on first use. */
  readonly evaluations: readonly Evaluation[];
}

const runs = new Map<string, Run>();

/** The members of one measure, product line and mode (drawn once), with their evaluations. */
function run(measure: CompiledMeasure, productLine: ProductLine, mode: GeneratorMode): Run {
  const key = `${measure.id}/${measure.year}/${productLine}/${mode}`;
  const cached = runs.get(key);
  if (cached) return cached;
  const members = fc.sample(memberArbitrary(measure, { productLine, mode }), {
    seed: SEED,
    numRuns: mode === 'rule-aware' ? REACH_SAMPLES : VALID_SAMPLES,
  });
  const request = { measure: measure.id, year: measure.year, productLine };
  let evaluations: Evaluation[] | undefined;
  const result: Run = {
    members,
    get evaluations() {
      evaluations ??= members.map((m) => evaluateMeasure(measure, request, m));
      return evaluations;
    },
  };
  runs.set(key, result);
  return result;
}

describe.each(YEARS)('generated members for the shipped %i measures', (year) => {
  it('ships exactly the measures this file knows', () => {
    expect([...shippedPack(year).measures.keys()].sort()).toEqual(MEASURES);
  });

  for (const measure of shippedPack(year).measures.values()) {
    const id = measure.id;

    it(`${id}: every member is a valid member record (strict), both modes`, () => {
      for (const line of PRODUCT_LINES) {
        for (const mode of ['rule-aware', 'uniform'] as const) {
          const invalid = run(measure, line, mode).members.flatMap((m) => {
            const parsed = strictMemberSchema.safeParse(m);
            return parsed.success ? [] : [{ member: m, issues: parsed.error.issues }];
          });
          expect(invalid.slice(0, 1), `${line} ${mode}`).toEqual([]);
        }
      }
    });

    it(`${id}: rule-aware members reach both outcomes of every population`, () => {
      for (const line of PRODUCT_LINES) {
        const o = run(measure, line, 'rule-aware').evaluations.map((e) => e.outcome);
        const inDen = o.filter((x) => x.denominator);
        const counted = inDen.filter((x) => !x.denominatorExclusion);
        const both = (values: readonly unknown[], what: string) => {
          expect(new Set(values), `${line}: ${what}`).toEqual(new Set([true, false]));
        };
        both(
          o.map((x) => x.initialPopulation),
          'initial population',
        );
        if (measure.denominatorExclusion) {
          both(
            inDen.map((x) => x.denominatorExclusion),
            'exclusion',
          );
        }
        for (const rate of measure.rates) {
          both(
            counted.map((x) =>
              typeof x.numerator === 'boolean' ? x.numerator : x.numerator[rate.id],
            ),
            `numerator ${rate.id}`,
          );
        }
      }
    });

    it(`${id}: most rule-aware members are in the initial population`, () => {
      for (const line of PRODUCT_LINES) {
        const o = run(measure, line, 'rule-aware').evaluations.map((e) => e.outcome);
        const inPopulation = o.filter((x) => x.initialPopulation).length;
        // Focused members (two in three) are in; wide ones aim at the edges from both sides.
        expect(inPopulation, `${line}: ${inPopulation}/${o.length}`).toBeGreaterThan(
          0.45 * o.length,
        );
      }
    });
  }

  it('BCS-E: members are mostly women', () => {
    const bcs = shippedMeasure(year, 'BCS-E');
    const members = run(bcs, 'commercial', 'rule-aware').members;
    const women = members.filter((m) => m.sex === 'F').length;
    expect(women).toBeGreaterThan(0.7 * members.length);
    expect(women).toBeLessThan(members.length);
  });

  it('CBP: most recent readings at 139/140/141 and 89/90/91', () => {
    const cbp = shippedMeasure(year, 'CBP');
    const values = (i: number) =>
      new Set(
        PRODUCT_LINES.flatMap((line) =>
          run(cbp, line, 'rule-aware').evaluations.flatMap((e) => {
            const ev = findClause(e.trace.rates[0]?.trace, 'cbp-bp-controlled')?.evidence;
            return ev?.kind === 'reading' && ev.date !== undefined ? [ev.tests[i]?.value] : [];
          }),
        ),
      );
    for (const v of [139, 140, 141]) expect(values(0).has(v), `systolic ${v}`).toBe(true);
    for (const v of [89, 90, 91]) expect(values(1).has(v), `diastolic ${v}`).toBe(true);
  });

  it('GSD: results at 7.9/8.0/8.1 and 9.0/9.1 with the unit', () => {
    const gsd = shippedMeasure(year, 'GSD');
    const b = measureBoundaries(gsd);
    expect(b.readings.map((r) => r.tests.map((t) => t.values))).toEqual([
      [[7, 7.9, 8, 8.1, 9]],
      [[8, 8.9, 9, 9.1, 10]],
    ]);
    const values = new Set(
      PRODUCT_LINES.flatMap((line) =>
        run(gsd, line, 'rule-aware').members.flatMap((m) =>
          m.observations.flatMap((o) => (o.value !== undefined ? [o.value] : [])),
        ),
      ),
    );
    for (const v of [7.9, 8, 8.1, 9, 9.1]) expect(values.has(v), `HbA1c ${v}`).toBe(true);
    const units = new Set(
      run(gsd, 'commercial', 'rule-aware').members.flatMap((m) =>
        m.observations.flatMap((o) => (o.value !== undefined ? [o.unit] : [])),
      ),
    );
    expect(units).toEqual(new Set(['%']));
  });

  it('PDC-STA: proportions of days covered at 80% and just under', () => {
    const pdc = shippedMeasure(year, 'PDC-STA');
    const deltas = new Set(
      PRODUCT_LINES.flatMap((line) =>
        run(pdc, line, 'rule-aware').evaluations.flatMap((e) => {
          const ev = e.trace.rates[0]?.trace.evidence;
          if (ev?.kind !== 'coverage' || ev.index === undefined || !e.outcome.denominator)
            return [];
          let fewest = Math.ceil(0.8 * ev.periodDays);
          while (fewest > 0 && (fewest - 1) / ev.periodDays >= 0.8) fewest--;
          while (fewest / ev.periodDays < 0.8) fewest++;
          return [ev.coveredDays - fewest];
        }),
      ),
    );
    for (const k of [-1, 0, 1]) expect(deltas.has(k), `covered days ${k} from 80%`).toBe(true);
  });
});
