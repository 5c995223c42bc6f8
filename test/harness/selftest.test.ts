import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deriveMutants } from '../../src/harness/mutants.ts';
import {
  percentile,
  runSelfTest,
  sameLogic,
  siblingSubsumption,
  strataShadowing,
} from '../../src/harness/selftest/index.ts';
import { measureClauses } from '../../src/rulepack/clauseTree.ts';
import { runCli } from '../support/runCli.ts';
import { repoMeasure, shippedMeasure, shippedPack } from '../support/shippedPacks.ts';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/packs/${name}`, import.meta.url));

const load = (dir: string, measureId: string) => repoMeasure(`fixtures/packs/${dir}`, measureId);

const small = load('selftest-small', 'SMALL');

describe('deriveMutants', () => {
  it('derives the operators of the small measure, deterministically', () => {
    const ids = deriveMutants(small.measure).mutants.map((m) => m.id);
    expect(ids).toEqual(deriveMutants(small.measure).mutants.map((m) => m.id));
    expect(ids).toEqual(
      expect.arrayContaining([
        'small-age:age-min-1',
        'small-age:age-max+1',
        'small-screening:window-from-1d',
        'small-screening:window-to+1y',
        'small-screening:min-distinct-dates+1',
        'isnp-medicare:scope-widened',
        'small-stratum-50-75:age-min-1',
        'Small Screening:value-set-missing-code:CPT|45378',
      ]),
    );
    // minDistinctDates 1 has no -1 mutant; a single-line scope cannot be narrowed.
    expect(ids).not.toContain('small-screening:min-distinct-dates-1');
    expect(ids).not.toContain('isnp-medicare:scope-narrowed');
  });

  it('mutates a copy, replacing the clause everywhere and leaving the original alone', () => {
    const mutant = deriveMutants(small.measure).mutants.find((m) => m.id === 'small-age:age-min-1');
    const age = measureClauses(mutant?.measure ?? small.measure).find((c) => c.id === 'small-age');
    expect(age).toMatchObject({ kind: 'age', min: 45, max: 75 });
    expect(measureClauses(small.measure).find((c) => c.id === 'small-age')).toMatchObject({
      min: 46,
    });
    // Untouched parts are shared, not copied.
    expect(mutant?.measure.rates).toEqual(small.measure.rates);
    expect(mutant?.measure.rates[0]?.numerator).toBe(small.measure.rates[0]?.numerator);
  });

  it('replaces a shared definition by identity in every clause that uses it', () => {
    const { measure } = load('hedis-2025-col-e', 'COL-E');
    const mutant = deriveMutants(measure, { maxMutants: 10_000 }).mutants.find(
      (m) => m.id === 'frailty-age-66-plus:age-min-1',
    );
    expect(mutant).toBeDefined();
    const ages = measureClauses(mutant?.measure ?? measure).filter(
      (c) => c.id === 'frailty-age-66-plus',
    );
    expect(ages).toHaveLength(1);
    expect(ages[0]).toMatchObject({ min: 65 });
  });

  it('derives previous-year mutants from the clauses whose spec changed', () => {
    const before = load('bcs-e-2024-ages-52-74', 'BCS-E');
    const after = load('bcs-e-2025-ages-42-74-with-strata', 'BCS-E');
    const mutants = deriveMutants(after.measure, { previous: before.measure }).mutants.filter(
      (m) => m.operator === 'previous-year',
    );
    const age = mutants.find((m) => m.id === 'bcs-e-age:previous-year');
    expect(age).toBeDefined();
    expect(
      measureClauses(age?.measure ?? after.measure).find((c) => c.id === 'bcs-e-age'),
    ).toMatchObject({
      min: 52,
    });
  });

  it('caps the mutants with a deterministic sample and says so', () => {
    const all = deriveMutants(small.measure);
    const capped = deriveMutants(small.measure, { maxMutants: 5, seed: 3 });
    expect(capped.mutants).toHaveLength(5);
    expect(capped.sampled).toBe(true);
    expect(capped.derived).toBe(all.derived);
    expect(capped.mutants.map((m) => m.id)).toEqual(
      deriveMutants(small.measure, { maxMutants: 5, seed: 3 }).mutants.map((m) => m.id),
    );
  });
});

describe('strataShadowing', () => {
  const mutants = deriveMutants(small.measure).mutants;
  const byId = (id: string) => {
    const m = mutants.find((x) => x.id === id);
    if (!m) throw new Error(`no mutant ${id}`);
    return m;
  };

  it('proves 50-75 with min 49 equivalent: 49-year-olds fall in 46-49 first', () => {
    expect(strataShadowing(small.measure, byId('small-stratum-50-75:age-min-1'))).toMatch(
      /proven equivalent.*age 49 falls in stratum 46-49/,
    );
  });

  it('does not argue a stratum mutant that moves members', () => {
    expect(strataShadowing(small.measure, byId('small-stratum-50-75:age-min+1'))).toBeUndefined();
    expect(strataShadowing(small.measure, byId('small-stratum-46-49:age-max+1'))).toBeUndefined();
    expect(strataShadowing(small.measure, byId('small-age:age-min-1'))).toBeUndefined();
  });
});

describe('proofs of equivalence on the shipped packs', () => {
  const mutantOf = (measureId: string, id: string) => {
    const measure = shippedMeasure(2025, measureId);
    // The previous year is optional: a measure new this year has none.
    const previous = shippedPack(2024).measures.get(measureId);
    const mutant = deriveMutants(measure, {
      maxMutants: 10_000,
      ...(previous ? { previous } : {}),
    }).mutants.find((m) => m.id === id);
    if (!mutant) throw new Error(`no mutant ${id}`);
    return { measure, mutant };
  };

  it('proves a previous-year clause that changed only its citation equivalent (same logic)', () => {
    const { measure, mutant } = mutantOf('BCS-E', 'bcs-e-female:previous-year');
    expect(sameLogic(measure, mutant)).toMatch(/^proven equivalent \(same logic/);
    const age = mutantOf('BCS-E', 'bcs-e-age:previous-year');
    expect(sameLogic(age.measure, age.mutant)).toBeUndefined();
  });

  it('proves CBP frailty with advanced illness widened to 81 equivalent: frailty alone excludes at 81+', () => {
    const { measure, mutant } = mutantOf('CBP', 'cbp-age-66-80:age-max+1');
    expect(siblingSubsumption(measure, mutant)).toMatch(
      /proven equivalent \(sibling subsumption: at age 81 cbp-frailty-81-plus already holds/,
    );
  });

  it('does not argue an age mutant that narrows a range or widens it where no sibling covers', () => {
    for (const id of [
      'cbp-age-66-80:age-max-1',
      'cbp-age-66-80:age-min-1',
      'cbp-age-81-plus:age-min-1',
    ]) {
      const { measure, mutant } = mutantOf('CBP', id);
      expect(siblingSubsumption(measure, mutant), id).toBeUndefined();
    }
  });
});

describe('runSelfTest on the small measure', () => {
  it('kills the known mutants and reports the strata-shadowing mutant as proven equivalent', async () => {
    const result = await runSelfTest({
      ...small,
      runs: 100,
      seed: 7,
      generator: 'rule-aware',
      searchMembers: 200,
    });
    const status = new Map(result.mutants.map((m) => [m.id, m]));
    for (const id of [
      'small-age:age-min-1',
      'small-screening:window-from-1d',
      'isnp-medicare:scope-widened',
    ]) {
      expect(status.get(id), id).toMatchObject({ status: 'killed', killedBy: 'budget' });
      expect(status.get(id)?.casesToKill).toBeGreaterThan(0);
    }
    expect(status.get('isnp-medicare:scope-widened')?.finding).toMatch(/denominatorExclusion/);
    expect(status.get('small-stratum-50-75:age-min-1')).toMatchObject({
      status: 'equivalent',
      equivalence: 'proven',
    });
    expect(result.equivalent).toBe(1);
    expect(result.survived).toBe(0);
    expect(result.killRate).toBe(1);
    expect(result.casesToKill.median).toBeGreaterThan(0);
    expect(result.casesToKill.p90).toBeGreaterThanOrEqual(result.casesToKill.median ?? 0);
  });

  it('calls a survivor that no searched member tells apart likely equivalent', async () => {
    const dominated = load('selftest-small', 'SMALL-DOM');
    const result = await runSelfTest({
      ...dominated,
      runs: 50,
      seed: 7,
      generator: 'rule-aware',
      searchMembers: 100,
      only: [
        'dom-exclusions:drop-child:dom-isnp-second-half',
        'dom-exclusions:drop-child:isnp-medicare',
      ],
    });
    expect(result.mutants.map((m) => [m.id, m.status, m.equivalence])).toEqual([
      ['dom-exclusions:drop-child:isnp-medicare', 'killed', undefined],
      ['dom-exclusions:drop-child:dom-isnp-second-half', 'equivalent', 'likely'],
    ]);
    expect(result.mutants[1]?.reason).toMatch(
      /^likely equivalent \(no difference on \d+ boundary members\)$/,
    );
  });
});

describe('runSelfTest on COL-E 2025', () => {
  // These sit inside frailty with advanced illness, which decides only for a member 66+ in the
  // initial population with both parts on the needed dates; they once survived as "likely
  // equivalent".
  it('kills the frailty and advanced-illness window and value-set mutants within the default budget', async () => {
    const { pack, measure } = load('hedis-2025-col-e', 'COL-E');
    const only = [
      'advanced-illness-diagnosis:window-from+1d',
      'advanced-illness-diagnosis:window-to+1d',
      'advanced-illness-diagnosis:window-to+1y',
      'dementia-medication:window-from-1d',
      'dementia-medication:window-from+1d',
      'dementia-medication:window-from-1y',
      'Frailty:value-set-missing-code:ICD10CM|L89000',
      'Advanced Illness:value-set-missing-code:ICD10CM|A8100',
    ];
    const result = await runSelfTest({
      pack,
      measure,
      runs: 1000,
      seed: 1,
      generator: 'rule-aware',
      rerunFactor: 0,
      maxMutants: 10_000,
      only,
    });
    expect(result.mutants.map((m) => m.id).sort()).toEqual([...only].sort());
    for (const m of result.mutants) {
      expect(m, m.id).toMatchObject({ status: 'killed', killedBy: 'budget' });
      expect(m.finding, m.id).toMatch(/denominatorExclusion/);
    }
  });
});

describe('runSelfTest on other shipped 2025 measures', () => {
  const pack = shippedPack(2025);

  // Each of these once survived the default budget: an initial-population event whose
  // prerequisite records always held it, a reading window whose onOrAfter anchor never fell
  // before it, a death on the window's first day, an I-SNP span ending the day before the year.
  it.each([
    [
      'CBP',
      [
        'cbp-hypertension-diagnosis:window-to+1d',
        'cbp-bp-controlled:window-from-1d',
        'death:window-from+1d',
      ],
    ],
    ['BCS-E', ['isnp-lti-status:window-from-1d']],
  ])('%s: kills %j within the default budget', async (measureId, only) => {
    const measure = shippedMeasure(2025, measureId);
    const result = await runSelfTest({
      pack,
      measure,
      runs: 1000,
      seed: 1,
      generator: 'rule-aware',
      rerunFactor: 0,
      maxMutants: 10_000,
      only,
    });
    expect(result.mutants).toHaveLength(only.length);
    for (const m of result.mutants) {
      expect(m, m.id).toMatchObject({ status: 'killed', killedBy: 'budget' });
    }
  });
});

describe('percentile', () => {
  it('is the nearest-rank percentile', () => {
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([4], 0.9)).toBe(4);
  });
});

describe('measurecheck selftest', () => {
  it('prints the kill rate and cases to kill, and writes the JSON result', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'selftest-')), 'result.json');
    const run = await runCli([
      'selftest',
      '--measure',
      'SMALL',
      '--rules',
      fixture('selftest-small'),
      '--runs',
      '60',
      '--seed',
      '11',
      '--json',
      json,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/27 mutants: \d+ killed within the budget/);
    expect(run.stdout).toMatch(/kill rate \d+\.\d%/);
    expect(run.stdout).toMatch(/cases to kill: median \d+, p90 \d+/);
    expect(run.stdout).toMatch(/small-stratum-50-75:age-min-1 .*proven equivalent/);
    const written = JSON.parse(readFileSync(json, 'utf8')) as {
      measure: string;
      equivalent: number;
    };
    expect(written).toMatchObject({ measure: 'SMALL', equivalent: 1, survived: 0 });
  });
});
