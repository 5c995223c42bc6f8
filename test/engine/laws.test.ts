import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Evaluation } from '../../src/engine/trace.ts';
import { measureBoundaries, memberArbitrary } from '../../src/generate/index.ts';
import { memberSchema, PRODUCT_LINES } from '../../src/model/member.ts';
import type { Member } from '../../src/model/member.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { fixtureDigests } from '../support/evaluateFixtures.ts';
import {
  memberArbitrary as lawMemberArbitrary,
  reorderingArbitrary,
  reorderMember,
} from '../support/memberArbitrary.ts';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';
import { everyShippedMeasure } from '../support/shippedPacks.ts';

/**
 * The reference engine's laws, for every measure of every shipped pack and every product line
 * (including lines a measure is not reported for). Members come from the rule-aware generator
 * (aimed at the measure's edges), the uniform one, and the small law generator of test/support
 * (few dates and codes, so records collide on a date, where order-dependence would show).
 */

/** Cases per law and measure: modest, the laws run for every shipped measure. */
const RUNS = { numRuns: 50 };
/** Members sampled per measure to show the laws are not vacuous. */
const REACH_SAMPLES = 300;

function membersFor(measure: CompiledMeasure): fc.Arbitrary<Member> {
  const boundaries = measureBoundaries(measure);
  return fc.oneof(
    ...PRODUCT_LINES.map((productLine) => ({
      arbitrary: memberArbitrary(measure, { productLine, mode: 'rule-aware', boundaries }),
      weight: 3,
    })),
    ...PRODUCT_LINES.map((productLine) => ({
      arbitrary: memberArbitrary(measure, { productLine, mode: 'uniform', boundaries }),
      weight: 1,
    })),
    { arbitrary: lawMemberArbitrary(), weight: 2 },
  );
}

/** The member evaluated for every product line. */
function everyLine(measure: CompiledMeasure, member: Member): Evaluation[] {
  return PRODUCT_LINES.map((productLine) =>
    evaluateMeasure(measure, { measure: measure.id, year: measure.year, productLine }, member),
  );
}

function numerators(outcome: Outcome): boolean[] {
  return typeof outcome.numerator === 'boolean'
    ? [outcome.numerator]
    : Object.values(outcome.numerator);
}

describe.each(everyShippedMeasure())('engine laws: $id $year', ({ measure }) => {
  const members = membersFor(measure);
  const outcomes = (member: Member) => everyLine(measure, member).map((e) => e.outcome);

  it('the members reach both sides of every population, so the laws below are not vacuous', () => {
    const seen = new Set<string>();
    for (const member of fc.sample(members, { numRuns: REACH_SAMPLES, seed: 42 })) {
      expect(memberSchema.safeParse(member).success).toBe(true);
      for (const o of outcomes(member)) {
        seen.add(`initialPopulation=${String(o.initialPopulation)}`);
        seen.add(`denominator=${String(o.denominator)}`);
        if (o.denominator) seen.add(`denominatorExclusion=${String(o.denominatorExclusion)}`);
        if (o.denominator && !o.denominatorExclusion)
          seen.add(`numerator=${String(numerators(o).some(Boolean))}`);
      }
    }
    const both = (population: string) => [`${population}=false`, `${population}=true`];
    expect([...seen].sort()).toEqual(
      [
        ...both('denominator'),
        ...(measure.denominatorExclusion ? both('denominatorExclusion') : []),
        ...both('initialPopulation'),
        ...both('numerator'),
      ].sort(),
    );
  });

  it('the outcome answers the request: member, measure, year, product line, rates, strata', () => {
    const rateIds = measure.rates.map((r) => r.id).sort();
    const strata = new Set(measure.strata.map((s) => s.id));
    fc.assert(
      fc.property(members, (member) => {
        for (const [i, o] of outcomes(member).entries()) {
          expect(o).toMatchObject({
            memberId: member.id,
            measure: measure.id,
            year: measure.year,
            productLine: PRODUCT_LINES[i],
          });
          if (measure.singleRate) expect(typeof o.numerator).toBe('boolean');
          else expect(Object.keys(o.numerator).sort()).toEqual(rateIds);
          if (o.stratum !== undefined) expect(strata.has(o.stratum)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('numerator implies denominator, and a numerator member is not excluded', () => {
    fc.assert(
      fc.property(members, (member) => {
        for (const o of outcomes(member)) {
          if (numerators(o).some(Boolean)) {
            expect(o.denominator).toBe(true);
            expect(o.denominatorExclusion).toBe(false);
          }
        }
      }),
      RUNS,
    );
  });

  it('exclusion implies denominator', () => {
    fc.assert(
      fc.property(members, (member) => {
        for (const o of outcomes(member))
          if (o.denominatorExclusion) expect(o.denominator).toBe(true);
      }),
      RUNS,
    );
  });

  it('denominator implies initial population, and so does a stratum', () => {
    fc.assert(
      fc.property(members, (member) => {
        for (const o of outcomes(member)) {
          if (o.denominator) expect(o.initialPopulation).toBe(true);
          if (o.stratum !== undefined) expect(o.initialPopulation).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('the outcome and the trace do not depend on the order of the member records', () => {
    const reordered = members.chain((member) =>
      reorderingArbitrary(member).map((order) => ({
        member,
        shuffled: reorderMember(member, order),
      })),
    );
    fc.assert(
      fc.property(reordered, ({ member, shuffled }) => {
        expect(everyLine(measure, shuffled)).toStrictEqual(everyLine(measure, member));
      }),
      RUNS,
    );
  });

  it('evaluating twice gives identical results and leaves the member unchanged', () => {
    fc.assert(
      fc.property(members, (member) => {
        const before = structuredClone(member);
        const first = everyLine(measure, member);
        expect(everyLine(measure, member)).toStrictEqual(first);
        expect(member).toStrictEqual(before);
      }),
      RUNS,
    );
  });
});

describe('time-zone law', () => {
  const script = repoFile('test/support/evaluateFixtures.ts');
  const run = promisify(execFile);

  it('every shipped measure gives the same outcomes and traces on its member fixtures under TZ=UTC, America/New_York and Pacific/Kiritimati', async () => {
    const zones = ['UTC', 'America/New_York', 'Pacific/Kiritimati'];
    const outputs = await Promise.all(
      zones.map(async (tz) => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
          cwd: REPO_ROOT,
          env: { ...process.env, TZ: tz },
          maxBuffer: 64 * 1024 * 1024,
        });
        return JSON.parse(stdout) as { timeZone: string; digests: Record<string, string> };
      }),
    );
    // Each child really ran in the zone it was given.
    expect(outputs.map((o) => o.timeZone)).toEqual(zones);
    const here = fixtureDigests();
    expect(Object.keys(here).length).toBeGreaterThan(0);
    for (const output of outputs) expect(output.digests).toStrictEqual(here);
  }, 120_000);
});
