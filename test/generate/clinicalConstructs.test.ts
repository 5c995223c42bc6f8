import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createDeckWriter, openDeck } from '../../src/adapters/deck/index.ts';
import type { Case, CaseAnswer, Implementation } from '../../src/adapters/implementation.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { ClauseTrace, Evaluation } from '../../src/engine/trace.ts';
import { measureBoundaries, memberArbitrary } from '../../src/generate/index.ts';
import { runCheck } from '../../src/harness/check.ts';
import { addDays } from '../../src/model/calendarDate.ts';
import { strictMemberSchema } from '../../src/model/member.ts';
import type { Member } from '../../src/model/member.ts';
import { mapMeasure } from '../../src/rulepack/clauseTree.ts';
import type { CompiledClause, CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { readAll, tempDir } from '../adapters/deck/deckTestSupport.ts';
import { repoMeasure } from '../support/shippedPacks.ts';
import { allClauses } from './clauseTraces.ts';

/**
 * The generator against a small pack whose clauses use every clinical option of the pack language
 * (kinds, statuses, intents, doNotPerform, categories, value, with, by; conditions and orders;
 * reading statuses, categories, by, mostRecentDate, valueIn, ifAnyMissing): members land on both
 * sides of each, and an implementation that ignores one of them is caught by `check`.
 */
const { pack, measure } = repoMeasure('fixtures/packs/clinical-constructs', 'CLIN');
const REQUEST = { measure: 'CLIN', year: 2025, productLine: 'commercial' } as const;
const arbitrary = memberArbitrary(measure, { productLine: 'commercial', mode: 'rule-aware' });
const members = fc.sample(arbitrary, { seed: 2025, numRuns: 1500 });
const evaluations: readonly Evaluation[] = members.map((m) => evaluateMeasure(measure, REQUEST, m));

function traces(e: Evaluation): ClauseTrace[] {
  return [
    ...allClauses(e.trace.initialPopulation),
    ...allClauses(e.trace.denominatorExclusion),
    ...e.trace.rates.flatMap((r) => allClauses(r.trace)),
  ];
}

/** For each clause id: how many members make it true and false, and the near-miss reasons seen. */
const seen = new Map<string, { true: number; false: number; reasons: Set<string> }>();
for (const e of evaluations) {
  for (const t of traces(e)) {
    const s = seen.get(t.id) ?? { true: 0, false: 0, reasons: new Set<string>() };
    s[t.result ? 'true' : 'false']++;
    const ev = t.evidence;
    if (ev?.kind === 'event' || ev?.kind === 'reading') {
      for (const n of ev.nearMisses) s.reasons.add(n.reason);
    }
    seen.set(t.id, s);
  }
}

const claims = members.flatMap((m) => m.claims);
const observations = members.flatMap((m) => m.observations);
const conditions = members.flatMap((m) => m.conditions ?? []);
const orders = members.flatMap((m) => m.orders ?? []);

describe('members for a pack using the clinical clause options', () => {
  it('are valid member records (strict), with unique record ids', () => {
    const invalid = members.filter((m) => !strictMemberSchema.safeParse(m).success);
    expect(invalid.slice(0, 1)).toEqual([]);
    for (const m of members) {
      for (const list of [m.claims, m.conditions ?? [], m.orders ?? [], m.observations]) {
        const ids = list.flatMap((r) => (r.id !== undefined ? [r.id] : []));
        expect(new Set(ids).size).toBe(ids.length);
      }
    }
  });

  it('in the uniform baseline too, with conditions and orders', () => {
    const uniform = fc.sample(
      memberArbitrary(measure, { productLine: 'commercial', mode: 'uniform' }),
      { seed: 2025, numRuns: 300 },
    );
    expect(uniform.filter((m) => !strictMemberSchema.safeParse(m).success)).toEqual([]);
    expect(uniform.some((m) => (m.conditions ?? []).length > 0)).toBe(true);
    expect(uniform.some((m) => (m.orders ?? []).length > 0)).toBe(true);
  });

  it('make every clause of the pack true for some members and false for others', () => {
    const ids = [...seen.keys()];
    expect(ids).toEqual(
      expect.arrayContaining([
        'clin-visit',
        'clin-hospice-discharge',
        'clin-cancer',
        'clin-palliative-order',
        'clin-lab',
        'clin-declined',
        'clin-positive',
        'clin-housed',
        'clin-controlled',
      ]),
    );
    const oneSided = [...seen.entries()]
      .filter(([, s]) => s.true === 0 || s.false === 0)
      .map(([id, s]) => `${id}: ${String(s.true)} true, ${String(s.false)} false`);
    expect(oneSided).toEqual([]);
  });

  it('miss each clause by each of its filters: records with the wrong kind, status, intent, category, value, second code or negation', () => {
    const reasons = (id: string) => [...(seen.get(id)?.reasons ?? [])];
    expect(reasons('clin-visit')).toEqual(
      expect.arrayContaining(['kind', 'status', 'do-not-perform', 'before-window', 'after-window']),
    );
    expect(reasons('clin-hospice-discharge')).toEqual(expect.arrayContaining(['with', 'status']));
    expect(reasons('clin-cancer')).toEqual(expect.arrayContaining(['status', 'before-window']));
    expect(reasons('clin-palliative-order')).toEqual(
      expect.arrayContaining(['kind', 'intent', 'do-not-perform', 'after-window']),
    );
    expect(reasons('clin-lab')).toEqual(expect.arrayContaining(['status', 'category', 'value']));
    expect(reasons('clin-declined')).toEqual(expect.arrayContaining(['kind', 'do-not-perform']));
    expect(reasons('clin-positive')).toContain('value');
    expect(reasons('clin-housed')).toContain('status');
    expect(reasons('clin-controlled')).toContain('category');
  });

  it('carry the new fields on both sides of each boundary', () => {
    const statuses = new Set(claims.map((c) => c.status));
    expect(statuses.has('finished') && statuses.has(undefined) && statuses.has('cancelled')).toBe(
      true,
    );
    expect(new Set(claims.map((c) => c.doNotPerform))).toEqual(new Set([true, false, undefined]));
    expect(new Set(claims.map((c) => c.kind))).toEqual(
      new Set(['encounter', 'procedure', 'claim', undefined]),
    );
    // A second code for `with`: the right role, another role, no role.
    const roles = new Set(claims.flatMap((c) => c.codes.slice(1).map((x) => x.role)));
    expect([...roles]).toEqual(
      expect.arrayContaining(['discharge-disposition', undefined, 'body-site']),
    );
    // Conditions open-ended and abated, around the window's edges.
    expect(conditions.some((c) => c.abatement === undefined)).toBe(true);
    expect(conditions.some((c) => c.abatement === '2024-12-31')).toBe(true);
    expect(conditions.some((c) => c.abatement === '2025-01-01')).toBe(true);
    // Orders whose span ends on Dec 31 and on the day after.
    const orderEnd = (o: (typeof orders)[number]) =>
      o.daysSupply === undefined ? o.date : addDays(o.date, o.daysSupply - 1);
    expect(orders.some((o) => o.daysSupply !== undefined && orderEnd(o) === '2025-12-31')).toBe(
      true,
    );
    expect(orders.some((o) => o.daysSupply !== undefined && orderEnd(o) === '2026-01-01')).toBe(
      true,
    );
    const intents = new Set(orders.map((o) => o.intent));
    expect(intents.has('order') && intents.has(undefined) && intents.size > 2).toBe(true);
    // Observations: a period ending inside and after the window, coded results in and out of the
    // value set, and none.
    expect(observations.some((o) => o.endDate === '2026-01-01' && o.date <= '2025-12-31')).toBe(
      true,
    );
    expect(observations.some((o) => o.valueCode?.code === '10828004')).toBe(true);
    expect(
      observations.some((o) => o.valueCode !== undefined && o.valueCode.code !== '10828004'),
    ).toBe(true);
    expect(observations.some((o) => o.value === undefined && o.valueCode === undefined)).toBe(true);
    expect(observations.some((o) => o.id !== undefined)).toBe(true);
    expect(observations.some((o) => o.category?.includes('vital-signs') === true)).toBe(true);
    expect(observations.some((o) => o.category?.includes('laboratory') === true)).toBe(true);
  });

  it('put several blood pressures on the most recent day, one of them without a value (ifAnyMissing)', () => {
    const systolicDays = members.filter((m) => {
      const byDay = new Map<string, Member['observations']>();
      for (const o of m.observations.filter((x) => x.code.code === '8480-6')) {
        byDay.set(o.date, [...(byDay.get(o.date) ?? []), o]);
      }
      return [...byDay.values()].some(
        (day) => day.length > 1 && day.some((o) => o.value === undefined),
      );
    });
    expect(systolicDays.length).toBeGreaterThan(0);
  });

  it('put a more recent day with only one of the blood pressures (mostRecentDate: all)', () => {
    const latest = (m: Member, code: string) =>
      m.observations
        .filter((o) => o.code.code === code)
        .map((o) => o.date)
        .sort()
        .at(-1);
    const apart = members.filter((m) => {
      const s = latest(m, '8480-6');
      const d = latest(m, '8462-4');
      return s !== undefined && d !== undefined && s !== d;
    });
    expect(apart.length).toBeGreaterThan(0);
  });

  it('aim at the boundaries of the clinical clauses (kept apart from HEDIS boundaries)', () => {
    const b = measureBoundaries(measure);
    const visit = b.events.find((e) => e.clauseId === 'clin-visit');
    expect(visit?.clinical).toEqual({
      kinds: ['encounter'],
      statuses: ['finished'],
      doNotPerform: false,
    });
    const order = b.events.find((e) => e.clauseId === 'clin-palliative-order');
    expect(order?.records).toEqual(['orders']);
    expect(order?.clinical?.by).toBe('overlap');
    const housed = b.readings.find((r) => r.clauseId === 'clin-housed');
    expect(housed?.clinical?.codedTests[0]?.codes.map((c) => c.code)).toEqual(['160734000']);
  });

  it('shrink a failing member to one record with its optional fields gone', () => {
    const result = fc.check(
      fc.property(arbitrary, (m) => (m.conditions ?? []).length === 0),
      { seed: 7, numRuns: 500 },
    );
    const [shrunk] = result.counterexample ?? [];
    expect(shrunk?.conditions).toHaveLength(1);
    expect(shrunk?.claims).toEqual([]);
    expect(shrunk?.orders).toBeUndefined();
    const condition = shrunk?.conditions?.[0];
    expect(condition?.abatement).toBeUndefined();
    expect(condition?.category).toBeUndefined();
    expect(condition?.verificationStatus).toBeUndefined();
    expect(condition?.codes).toHaveLength(1);
  });

  it('go through a JSON Lines deck unchanged', async () => {
    const { dir, cleanup } = tempDir('clinical-deck');
    try {
      const written = members.slice(0, 200).map((m, i) => ({ ...m, id: `M${String(i)}` }));
      const writer = createDeckWriter(join(dir, 'deck'), 'jsonl');
      for (const m of written) await writer.write(m, []);
      await writer.close();
      const read = await readAll(openDeck(join(dir, 'deck'), { strict: true }));
      expect(read.map((r) => r.member)).toEqual(written);
    } finally {
      cleanup();
    }
  });
});

/** The reference evaluating `wrong` (a changed measure) in place of the measure: a buggy implementation. */
function implementationOf(wrong: CompiledMeasure, label: string): Implementation {
  return {
    label,
    evaluate: (cases: readonly Case[]) =>
      Promise.resolve(
        cases.map((c): CaseAnswer => ({
          id: c.id,
          ok: true,
          outcome: evaluateMeasure(wrong, c.request, c.member).outcome,
        })),
      ),
    close: () => Promise.resolve(),
  };
}

/** The measure with `change` applied to each event and reading clause. */
function withClauses(change: (c: CompiledClause) => CompiledClause): CompiledMeasure {
  return mapMeasure(measure, (_, rebuilt) =>
    rebuilt.kind === 'event' || rebuilt.kind === 'reading' ? change(rebuilt) : undefined,
  );
}

/** A clause without the option `key` (the implementation ignores it). */
function without(key: string): CompiledMeasure {
  return withClauses((c) => {
    if (!(key in c)) return c;
    return Object.fromEntries(Object.entries(c).filter(([k]) => k !== key)) as CompiledClause;
  });
}

describe('check on the clinical pack', () => {
  const results: Promise<unknown>[] = [];
  afterAll(async () => {
    await Promise.allSettled(results);
  });

  const run = (implementation: Implementation) =>
    runCheck({
      pack,
      measure,
      productLines: ['commercial'],
      implementation,
      runs: 1000,
      maxFindings: 1,
      seed: 5,
      generator: 'rule-aware',
      neighbours: false,
    });

  it('agrees with the reference itself', async () => {
    const result = await run(implementationOf(measure, 'reference'));
    expect(result.productLines[0]?.discrepantCases).toBe(0);
  });

  for (const key of [
    'statuses',
    'doNotPerform',
    'kinds',
    'intents',
    'categories',
    'with',
    'by',
    'value',
    'mostRecentDate',
  ]) {
    it(`catches an implementation that ignores ${key}`, async () => {
      const result = await run(implementationOf(without(key), `ignores ${key}`));
      expect(result.productLines[0]?.findings.length).toBeGreaterThan(0);
    });
  }
});
