// The generator against a clause with ongoingStatuses: members reach the boundary (conditions
// without abatement under each listed status, another clinical status and none, with onsets inside
// and before the window), and `check` catches an implementation that takes every condition without
// abatement as still going (the mistake the option exists for).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Case, CaseAnswer, Implementation } from '../../src/adapters/implementation.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { measureBoundaries, memberArbitrary } from '../../src/generate/index.ts';
import { runCheck } from '../../src/harness/check.ts';
import { deriveMutants } from '../../src/harness/mutants.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { clausePack } from '../support/clausePack.ts';

const pack = clausePack(`
event:
  valueSets: [Diabetes]
  records: [conditions]
  ongoingStatuses: [active, recurrence, relapse]
  by: overlap
  window: { from: MY-01-01, to: MY-12-31 }`);
const found = pack.measures.get('TST');
if (!found) throw new Error('no TST');
const measure: CompiledMeasure = found;
const REQUEST = { measure: 'TST', year: 2025, productLine: 'commercial' } as const;
const members = fc.sample(
  memberArbitrary(measure, { productLine: 'commercial', mode: 'rule-aware' }),
  {
    seed: 2025,
    numRuns: 600,
  },
);
const open = members.flatMap((m) => (m.conditions ?? []).filter((c) => c.abatement === undefined));

describe('members for a clause with ongoingStatuses', () => {
  it('aim at the statuses the clause lists', () => {
    const event = measureBoundaries(measure).events.find((e) => e.clauseId === 'n');
    expect(event?.clinical?.ongoingStatuses).toEqual(['active', 'recurrence', 'relapse']);
  });

  it('carry conditions without abatement under each listed status, another status and none', () => {
    const statuses = new Set(open.map((c) => c.clinicalStatus));
    for (const s of ['active', 'recurrence', 'relapse', undefined]) expect(statuses).toContain(s);
    expect(['inactive', 'remission', 'resolved'].some((s) => statuses.has(s))).toBe(true);
  });

  it('with onsets inside the window and before it, for a listed status and for another', () => {
    const ongoing = (s: string | undefined) =>
      s !== undefined && ['active', 'recurrence', 'relapse'].includes(s);
    for (const listed of [true, false]) {
      const onsets = open.filter((c) => ongoing(c.clinicalStatus) === listed).map((c) => c.onset);
      expect(onsets.some((d) => d >= '2025-01-01' && d <= '2025-12-31')).toBe(true);
      expect(onsets.some((d) => d < '2025-01-01')).toBe(true);
    }
  });

  it('make the clause true and false, and turn conditions down for their unknown end', () => {
    const nodes = members.map((m) => evaluateMeasure(measure, REQUEST, m).trace.rates[0]?.trace);
    expect(nodes.some((n) => n?.result === true)).toBe(true);
    expect(nodes.some((n) => n?.result === false)).toBe(true);
    const reasons = new Set(
      nodes
        .flatMap((n) => (n?.evidence?.kind === 'event' ? n.evidence.nearMisses : []))
        .map((m) => m.reason),
    );
    expect(reasons).toContain('end-unknown');
  });
});

describe('an implementation that ignores ongoingStatuses', () => {
  const mutant = deriveMutants(measure).mutants.find((m) => m.id === 'n:drop-ongoing-statuses');

  it('is a self-test mutant', () => {
    expect(mutant?.description).toBe(
      'ongoingStatuses active, recurrence, relapse not checked: every condition without abatement still going',
    );
  });

  it('is caught by check', async () => {
    const wrong = mutant?.measure;
    if (!wrong) throw new Error('no mutant');
    const implementation: Implementation = {
      label: 'every condition without abatement still going',
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
    const result = await runCheck({
      pack,
      measure,
      productLines: ['commercial'],
      implementation,
      runs: 300,
      maxFindings: 1,
      seed: 5,
      generator: 'rule-aware',
      neighbours: false,
    });
    expect(result.productLines[0]?.findings.length).toBeGreaterThan(0);
  });
});
