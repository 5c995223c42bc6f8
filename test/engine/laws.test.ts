import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Evaluation } from '../../src/engine/trace.ts';
import type { Member } from '../../src/model/member.ts';
import { memberSchema } from '../../src/model/member.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import { formatProblem } from '../../src/model/problem.ts';
import type { Request } from '../../src/model/request.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { shippedPackDir } from '../../src/rulepack/shipped.ts';
import { evaluateArgument } from '../support/evaluateFixtures.ts';
import {
  memberArbitrary,
  reorderingArbitrary,
  reorderMember,
  requestArbitrary,
} from '../support/memberArbitrary.ts';

const COL_E = new Map<number, CompiledMeasure>(
  [2024, 2025].map((year) => {
    const pack = loadPack(shippedPackDir(year));
    if (!pack.ok) throw new Error(pack.problems.map(formatProblem).join('\n'));
    const measure = pack.value.measures.get('COL-E');
    if (!measure) throw new Error(`the shipped ${year} pack has no COL-E`);
    return [year, measure] as const;
  }),
);

function evaluate(request: Request, member: Member): Evaluation {
  const measure = COL_E.get(request.year);
  if (!measure) throw new Error(`no COL-E pack for ${request.year}`);
  return evaluateMeasure(measure, request, member);
}

function numerators(outcome: Outcome): boolean[] {
  return typeof outcome.numerator === 'boolean'
    ? [outcome.numerator]
    : Object.values(outcome.numerator);
}

const cases = fc.record({ member: memberArbitrary(), request: requestArbitrary() });
const shuffledCases = fc
  .record({ member: memberArbitrary(), request: requestArbitrary(), order: reorderingArbitrary() })
  .map(({ member, request, order }) => ({
    member,
    shuffled: reorderMember(member, order),
    request,
  }));
const RUNS = { numRuns: 300 };

describe('engine laws (fast-check, COL-E 2024 and 2025)', () => {
  it('the law generator makes valid members that reach every population, in and out', () => {
    const seen = new Set<string>();
    for (const { member, request } of fc.sample(cases, { numRuns: 2000, seed: 42 })) {
      expect(memberSchema.safeParse(member).success).toBe(true);
      const { outcome } = evaluate(request, member);
      seen.add(`initialPopulation=${outcome.initialPopulation}`);
      seen.add(`denominatorExclusion=${outcome.denominatorExclusion}`);
      seen.add(`numerator=${numerators(outcome).some(Boolean)}`);
    }
    expect([...seen].sort()).toEqual([
      'denominatorExclusion=false',
      'denominatorExclusion=true',
      'initialPopulation=false',
      'initialPopulation=true',
      'numerator=false',
      'numerator=true',
    ]);
  });

  it('numerator implies denominator, and a numerator member is not excluded', () => {
    fc.assert(
      fc.property(cases, ({ member, request }) => {
        const { outcome } = evaluate(request, member);
        if (numerators(outcome).some(Boolean)) {
          expect(outcome.denominator).toBe(true);
          expect(outcome.denominatorExclusion).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('exclusion implies denominator', () => {
    fc.assert(
      fc.property(cases, ({ member, request }) => {
        const { outcome } = evaluate(request, member);
        if (outcome.denominatorExclusion) expect(outcome.denominator).toBe(true);
      }),
      RUNS,
    );
  });

  it('denominator implies initial population, and so does a stratum', () => {
    fc.assert(
      fc.property(cases, ({ member, request }) => {
        const { outcome } = evaluate(request, member);
        if (outcome.denominator) expect(outcome.initialPopulation).toBe(true);
        if (outcome.stratum !== undefined) expect(outcome.initialPopulation).toBe(true);
      }),
      RUNS,
    );
  });

  it('the outcome does not depend on the order of enrollments, statuses, claims, dispensings, observations', () => {
    fc.assert(
      fc.property(shuffledCases, ({ member, shuffled, request }) => {
        expect(evaluate(request, shuffled).outcome).toStrictEqual(
          evaluate(request, member).outcome,
        );
      }),
      RUNS,
    );
  });

  it('the trace does not depend on that order either', () => {
    fc.assert(
      fc.property(shuffledCases, ({ member, shuffled, request }) => {
        expect(evaluate(request, shuffled).trace).toStrictEqual(evaluate(request, member).trace);
      }),
      RUNS,
    );
  });

  it('evaluating twice gives identical results and leaves the member unchanged', () => {
    fc.assert(
      fc.property(cases, ({ member, request }) => {
        const before = structuredClone(member);
        const first = evaluate(request, member);
        const second = evaluate(request, member);
        expect(second).toStrictEqual(first);
        expect(member).toStrictEqual(before);
      }),
      RUNS,
    );
  });
});

describe('time-zone law', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const script = fileURLToPath(new URL('../support/evaluateFixtures.ts', import.meta.url));
  const fixtures = new URL('../../fixtures/members/', import.meta.url);
  const args = readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const path = fileURLToPath(new URL(f, fixtures));
      const year = f.includes('my2024') ? 2024 : 2025;
      return ['commercial', 'medicaid', 'medicare'].map((line) => `${year}:${line}:${path}`);
    });
  const run = promisify(execFile);

  it('fixture outcomes and traces are identical under TZ=UTC, America/New_York and Pacific/Kiritimati', async () => {
    const zones = ['UTC', 'America/New_York', 'Pacific/Kiritimati'];
    const outputs = await Promise.all(
      zones.map(async (tz) => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
          cwd: root,
          env: { ...process.env, TZ: tz },
          maxBuffer: 64 * 1024 * 1024,
        });
        return JSON.parse(stdout) as { timeZone: string; results: unknown[] };
      }),
    );
    // Each child really ran in the zone it was given.
    expect(outputs.map((o) => o.timeZone)).toEqual(zones);
    const here: unknown = JSON.parse(JSON.stringify(args.map(evaluateArgument)));
    expect(outputs[0]?.results).toHaveLength(args.length);
    for (const output of outputs) expect(output.results).toStrictEqual(here);
  }, 60_000);
});
