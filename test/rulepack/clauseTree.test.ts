import { describe, expect, it } from 'vitest';
import type { ClauseOf, CompiledClause, CompiledMeasure } from '../../src/rulepack/compiled.ts';
import {
  clauseChildren,
  clauseParents,
  mapMeasure,
  measureClauses,
  measureFileRoots,
  measureRoots,
  specChildren,
  walkClauses,
  walkSpec,
} from '../../src/rulepack/clauseTree.ts';
import type { WalkOptions } from '../../src/rulepack/clauseTree.ts';
import type { ClauseSpec, MeasureFile } from '../../src/rulepack/schema.ts';
import { everyShippedMeasure } from '../support/shippedPacks.ts';

// A small compiled measure built by hand, so that which clause is shared with which is exact:
// - `adult` (a definition) is used by the initial population and the denominator, and its clause
//   `adult-age` is also the first stratum;
// - `diagnosis` is a child of the initial population and the anchor of `follow-up`;
// - `other-anchor` is only ever an anchor (of `controlled`).

function common(id: string) {
  return {
    id,
    otherwise: false,
    location: { file: 'm.yaml', line: 1 },
    spec: { id, otherwise: false },
  };
}
const all = (id: string, children: CompiledClause[]): CompiledClause => ({
  ...common(id),
  kind: 'all',
  children,
});
const any = (id: string, children: CompiledClause[]): CompiledClause => ({
  ...common(id),
  kind: 'any',
  children,
});
const age = (id: string): CompiledClause => ({
  ...common(id),
  kind: 'age',
  min: 18,
  asOf: '2025-12-31',
});
const event = (id: string, anchor?: CompiledClause): ClauseOf<'event'> => ({
  ...common(id),
  kind: 'event',
  valueSets: [],
  records: new Set(['claims'] as const),
  window: { from: '2025-01-01', to: '2025-12-31' },
  minDistinctDates: 1,
  ...(anchor ? { onOrAfter: { clause: anchor, occurrence: 1 } } : {}),
});

function sample() {
  const adultAge = age('adult-age');
  const adult: CompiledClause = {
    ...common('adult'),
    kind: 'ref',
    definition: 'adult',
    child: adultAge,
  };
  const diagnosis = event('diagnosis');
  const otherAnchor = event('other-anchor');
  const female: CompiledClause = { ...common('female'), kind: 'sex', sexes: new Set(['F']) };
  const died: CompiledClause = { ...common('died'), kind: 'death', window: { to: '2025-12-31' } };
  const notDied: CompiledClause = { ...common('not-died'), kind: 'not', child: died };
  const hospice: CompiledClause = {
    ...common('hospice'),
    kind: 'status',
    kinds: new Set(['hospice'] as const),
    window: { to: '2025-12-31' },
  };
  const followUp = event('follow-up', diagnosis);
  const controlled: CompiledClause = {
    ...common('controlled'),
    kind: 'reading',
    valueSets: [],
    window: { to: '2025-12-31' },
    onOrAfter: { clause: otherAnchor, occurrence: 1 },
    sameDay: 'lowest',
    tests: [],
    ifNone: false,
  };
  const measure: CompiledMeasure = {
    id: 'M',
    title: 'M',
    year: 2025,
    file: 'm.yaml',
    productLines: ['commercial'],
    initialPopulation: all('ip', [adult, diagnosis, notDied]),
    denominator: all('den', [adult, female]),
    denominatorExclusion: any('excl', [died, hospice]),
    rates: [
      { id: 'r1', numerator: followUp },
      { id: 'r2', numerator: controlled },
    ],
    singleRate: false,
    strata: [
      { id: 's-adult', when: adultAge },
      { id: 's-female', when: female },
    ],
  };
  return { measure, adult, adultAge, diagnosis, female, notDied, died, hospice, followUp };
}

const ids = (clauses: readonly CompiledClause[]) => clauses.map((c) => c.id);

function visits(
  measure: CompiledMeasure,
  options: WalkOptions = {},
  prune: readonly string[] = [],
): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  walkClauses(
    measureRoots(measure).map((r) => r.clause),
    (clause, parent) => {
      out.push([clause.id, parent?.id]);
      return !prune.includes(clause.id);
    },
    options,
  );
  return out;
}

describe('measureRoots', () => {
  it('lists initial population, denominator, exclusion, each rate, each stratum, in that order', () => {
    const { measure } = sample();
    expect(measureRoots(measure).map((r) => [r.population, r.id, r.label, r.clause.id])).toEqual([
      ['initialPopulation', undefined, 'initialPopulation', 'ip'],
      ['denominator', undefined, 'denominator', 'den'],
      ['denominatorExclusion', undefined, 'denominatorExclusion', 'excl'],
      ['numerator', 'r1', 'rate r1', 'follow-up'],
      ['numerator', 'r2', 'rate r2', 'controlled'],
      ['stratum', 's-adult', 'stratum s-adult', 'adult-age'],
      ['stratum', 's-female', 'stratum s-female', 'female'],
    ]);
  });

  it('leaves out a missing denominator and exclusion; a single rate is labelled numerator', () => {
    const { measure } = sample();
    const single: CompiledMeasure = {
      id: 'S',
      title: 'S',
      year: 2025,
      file: 's.yaml',
      productLines: ['commercial'],
      initialPopulation: measure.initialPopulation,
      rates: measure.rates.slice(0, 1),
      singleRate: true,
      strata: [],
    };
    expect(measureRoots(single).map((r) => r.label)).toEqual(['initialPopulation', 'numerator']);
  });
});

describe('clauseChildren', () => {
  it('follows what a clause is made of; anchors only when asked', () => {
    const { measure, adult, diagnosis, followUp, notDied, died } = sample();
    expect(ids(clauseChildren(measure.initialPopulation))).toEqual([
      'adult',
      'diagnosis',
      'not-died',
    ]);
    expect(ids(clauseChildren(adult))).toEqual(['adult-age']);
    expect(clauseChildren(notDied)).toEqual([died]);
    expect(clauseChildren(died)).toEqual([]);
    expect(clauseChildren(followUp)).toEqual([]);
    expect(clauseChildren(followUp, { anchors: true })).toEqual([diagnosis]);
    expect(clauseChildren(diagnosis, { anchors: true })).toEqual([]);
  });
});

describe('walkClauses', () => {
  it('visits each clause once, depth first in pack order, though clauses are shared', () => {
    const { measure } = sample();
    expect(visits(measure)).toEqual([
      ['ip', undefined],
      ['adult', 'ip'],
      ['adult-age', 'adult'],
      ['diagnosis', 'ip'],
      ['not-died', 'ip'],
      ['died', 'not-died'],
      ['den', undefined],
      ['female', 'den'],
      ['excl', undefined],
      ['hospice', 'excl'],
      ['follow-up', undefined],
      ['controlled', undefined],
    ]);
  });

  it('with anchors, also visits a clause that is only ever an anchor, still once each', () => {
    const { measure } = sample();
    const walked = visits(measure, { anchors: true }).map(([id]) => id);
    expect(walked).toEqual([
      'ip',
      'adult',
      'adult-age',
      'diagnosis',
      'not-died',
      'died',
      'den',
      'female',
      'excl',
      'hospice',
      'follow-up',
      'controlled',
      'other-anchor',
    ]);
    expect(new Set(walked).size).toBe(walked.length);
  });

  it('skips the subtree of a clause the visitor returns false for; what is shared is reached elsewhere', () => {
    const { measure } = sample();
    const walked = visits(measure, {}, ['ip']);
    // `adult` is reached from the denominator instead, `not-died` nowhere else; `died` from the
    // exclusion, `diagnosis` only as an anchor (not followed here).
    expect(walked).toEqual([
      ['ip', undefined],
      ['den', undefined],
      ['adult', 'den'],
      ['adult-age', 'adult'],
      ['female', 'den'],
      ['excl', undefined],
      ['died', 'excl'],
      ['hospice', 'excl'],
      ['follow-up', undefined],
      ['controlled', undefined],
    ]);
    expect(visits(measure, { anchors: true }, ['ip']).map(([id]) => id)).toContain('diagnosis');
  });
});

describe('measureClauses and clauseParents', () => {
  it('measureClauses lists each distinct clause once, in walk order', () => {
    const { measure } = sample();
    expect(ids(measureClauses(measure))).toEqual(visits(measure).map(([id]) => id));
    expect(ids(measureClauses(measure, { anchors: true }))).toEqual(
      visits(measure, { anchors: true }).map(([id]) => id),
    );
  });

  it('clauseParents gives every parent of a shared clause, and anchoring clauses when asked', () => {
    const { measure, adult, adultAge, diagnosis, died } = sample();
    const parents = clauseParents(measure);
    expect(ids(parents.get(adult) ?? [])).toEqual(['ip', 'den']);
    expect(ids(parents.get(adultAge) ?? [])).toEqual(['adult']);
    expect(ids(parents.get(died) ?? [])).toEqual(['not-died', 'excl']);
    expect(ids(parents.get(diagnosis) ?? [])).toEqual(['ip']);
    expect(ids(clauseParents(measure, { anchors: true }).get(diagnosis) ?? [])).toEqual([
      'ip',
      'follow-up',
    ]);
  });
});

describe('mapMeasure', () => {
  it('replaces a shared clause everywhere by identity, rebuilding each parent once', () => {
    const { measure, adultAge } = sample();
    const older = age('older');
    const seen: string[] = [];
    const mapped = mapMeasure(measure, (original) => {
      seen.push(original.id);
      return original === adultAge ? older : undefined;
    });
    // Each distinct clause once (anchors included: they are rebuilt too).
    expect([...seen].sort()).toEqual(ids(measureClauses(measure, { anchors: true })).sort());
    const ip = mapped.initialPopulation;
    const den = mapped.denominator;
    if (ip.kind !== 'all' || den?.kind !== 'all') throw new Error('the roots changed kind');
    const [adultInIp] = ip.children;
    const [adultInDen] = den.children;
    expect(adultInIp).toBe(adultInDen);
    expect(adultInIp?.kind === 'ref' ? adultInIp.child : undefined).toBe(older);
    expect(mapped.strata[0]?.when).toBe(older);
    // The original is untouched.
    const originalIp = measure.initialPopulation;
    expect(originalIp.kind === 'all' ? originalIp.children[0] : undefined).not.toBe(adultInIp);
    expect(measureClauses(measure)).toContain(adultAge);
    expect(measureClauses(mapped)).not.toContain(adultAge);
  });

  it('keeps what it does not change by identity, and rebuilds the path to a change only', () => {
    const { measure, died, hospice, female } = sample();
    const mapped = mapMeasure(measure, (original) =>
      original === hospice ? { ...hospice, id: 'hospice-2' } : undefined,
    );
    expect(mapped.initialPopulation).toBe(measure.initialPopulation);
    expect(mapped.denominator).toBe(measure.denominator);
    expect(mapped.denominatorExclusion).not.toBe(measure.denominatorExclusion);
    const excl = mapped.denominatorExclusion;
    expect(excl?.kind === 'any' ? excl.children : []).toEqual([
      died,
      expect.objectContaining({ id: 'hospice-2' }),
    ]);
    expect(excl?.kind === 'any' ? excl.children[0] : undefined).toBe(died);
    expect(mapped.strata[1]?.when).toBe(female);
    expect(mapMeasure(measure, () => undefined).rates.map((r) => r.numerator)).toEqual(
      measure.rates.map((r) => r.numerator),
    );
  });

  it('replacing an anchor re-points every clause anchored on it, and the child in place', () => {
    const { measure, diagnosis } = sample();
    const twice = event('diagnosis-twice');
    const mapped = mapMeasure(measure, (original) => (original === diagnosis ? twice : undefined));
    const followUp = mapped.rates[0]?.numerator;
    expect(followUp?.kind === 'event' ? followUp.onOrAfter?.clause : undefined).toBe(twice);
    const ip = mapped.initialPopulation;
    expect(ip.kind === 'all' ? ip.children[1] : undefined).toBe(twice);
  });

  it('hands `change` the clause with its children already rebuilt', () => {
    const { measure, died } = sample();
    const dead = { ...died, id: 'dead' };
    let rebuiltNot: CompiledClause | undefined;
    mapMeasure(measure, (original, rebuilt) => {
      if (original.id === 'not-died') rebuiltNot = rebuilt;
      return original === died ? dead : undefined;
    });
    expect(rebuiltNot?.kind === 'not' ? rebuiltNot.child : undefined).toBe(dead);
  });
});

describe('the clause tree of every shipped measure', () => {
  it.each(everyShippedMeasure())(
    '$id $year: one visit per clause; mapping nothing keeps every root',
    ({ measure }) => {
      const clauses = measureClauses(measure, { anchors: true });
      expect(new Set(clauses).size).toBe(clauses.length);
      expect(new Set(measureClauses(measure)).size).toBeLessThanOrEqual(clauses.length);
      const same = mapMeasure(measure, () => undefined);
      expect(measureRoots(same).map((r) => r.clause)).toEqual(
        measureRoots(measure).map((r) => r.clause),
      );
      for (const [i, root] of measureRoots(same).entries())
        expect(root.clause).toBe(measureRoots(measure)[i]?.clause);
    },
  );
});

describe('the measure file as written', () => {
  const clause = (id: string, rest: Partial<ClauseSpec> = {}): ClauseSpec => ({
    id,
    otherwise: false,
    ...rest,
  });
  const file = (over: Partial<MeasureFile>): MeasureFile => ({
    id: 'M',
    title: 'M',
    productLines: ['commercial'],
    initialPopulation: clause('ip', { all: [clause('a'), clause('b', { not: clause('c') })] }),
    ...over,
  });

  it('measureFileRoots: the order of measureRoots, with the path of each root in the file', () => {
    const roots = measureFileRoots(
      file({
        denominator: clause('den'),
        denominatorExclusion: clause('excl'),
        rates: [
          { id: 'r1', numerator: clause('n1') },
          { id: 'r2', numerator: clause('n2') },
        ],
        strata: [{ id: 's', when: clause('w') }],
      }),
    );
    expect(roots.map((r) => [r.label, r.spec.id, r.path])).toEqual([
      ['initialPopulation', 'ip', ['initialPopulation']],
      ['denominator', 'den', ['denominator']],
      ['denominatorExclusion', 'excl', ['denominatorExclusion']],
      ['rate r1', 'n1', ['rates', 0, 'numerator']],
      ['rate r2', 'n2', ['rates', 1, 'numerator']],
      ['stratum s', 'w', ['strata', 0, 'when']],
    ]);
    expect(measureFileRoots(file({ numerator: clause('n') })).map((r) => r.path)).toEqual([
      ['initialPopulation'],
      ['numerator'],
    ]);
  });

  it('specChildren and walkSpec: all, any and not, with paths; a ref is a name, not followed', () => {
    const spec = clause('root', {
      any: [clause('x', { all: [clause('y')] }), { ref: 'shared', otherwise: false }],
    });
    expect(specChildren(spec).map((c) => c.at)).toEqual([
      ['any', 0],
      ['any', 1],
    ]);
    const walked: [string | undefined, readonly PropertyKey[], string | undefined][] = [];
    walkSpec(spec, ['numerator'], (s, path, parent) =>
      walked.push([s.id ?? `ref ${s.ref ?? ''}`, path, parent?.id]),
    );
    expect(walked).toEqual([
      ['root', ['numerator'], undefined],
      ['x', ['numerator', 'any', 0], 'root'],
      ['y', ['numerator', 'any', 0, 'all', 0], 'x'],
      ['ref shared', ['numerator', 'any', 1], 'root'],
    ]);
  });
});
