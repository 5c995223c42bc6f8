// The accepted differences between the ecqm-2025 pack and fqm-execution (docs/ecqm-fqm-accepted.yaml,
// explained in docs/conformance.md) must still occur: each entry's minimal member
// (its `member`) is evaluated by the reference and by
// fixtures/implementations/ecqm-fqm-execution.mjs (one fqm-execution call per measure), and the
// two must differ exactly as the entry says. An entry whose difference is gone (the pack, the
// export or fqm-execution changed) fails here, so the list cannot rot. The eCQM package is read
// from the conformance folder beside the repository, as ecqmDecks.test.ts does.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { exportFhir } from '../../src/adapters/fhir/index.ts';
import type { FhirBundle } from '../../src/adapters/fhir/index.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { compareOutcomes } from '../../src/harness/compare.ts';
import type { OutcomeDifference } from '../../src/harness/compare.ts';
import { memberSchema } from '../../src/model/member.ts';
import type { Outcome } from '../../src/model/outcome.ts';
import type { Request } from '../../src/model/request.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledPack } from '../../src/rulepack/compiled.ts';
import { REPO_ROOT, repoFile } from '../support/repoFiles.ts';

const SHARED = [
  resolve(REPO_ROOT, '../shared/conformance/ecqm-mp2025'),
  resolve(REPO_ROOT, '../../shared/conformance/ecqm-mp2025'),
].find((dir) => existsSync(dir));

const FOLDERS = [
  'ColonCancerScreeningFHIR',
  'BreastCancerScreeningFHIR',
  'ControllingHighBloodPressureFHIR',
  'DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR',
];

/** The entries as written: every one of ours carries its minimal member. */
const acceptSchema = z.array(
  z.strictObject({
    measure: z.string(),
    population: z.string(),
    clause: z.string(),
    implementation: z.enum(['in', 'out']),
    reason: z.string().min(80),
    link: z.url(),
    member: memberSchema,
  }),
);
const ACCEPTED = acceptSchema.parse(
  parse(readFileSync(repoFile('docs/ecqm-fqm-accepted.yaml'), 'utf8')),
);
const CASES = ACCEPTED.map((e) => ({
  ...e,
  key: `${e.measure} ${e.population} ${e.clause} ${e.implementation}`,
}));

interface FqmModule {
  readonly evaluateBatch: (request: Request, bundles: readonly FhirBundle[]) => Promise<Outcome[]>;
}

describe('the accepted-differences list', () => {
  it('names each difference once', () => {
    expect(new Set(CASES.map((c) => c.key)).size).toBe(CASES.length);
  });
});

describe.runIf(SHARED !== undefined)('accepted differences with fqm-execution still occur', () => {
  let pack: CompiledPack;
  const theirs = new Map<string, Outcome>();

  beforeAll(async () => {
    const dir = SHARED ?? '';
    const loaded = loadPack(repoFile('rules/ecqm/2025'), {
      valueSets: FOLDERS.map((f) => resolve(dir, f, 'valuesets-bundle.json')),
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    pack = loaded.value;
    process.env['MEASURECHECK_ECQM_PACKAGE'] = dir;
    const fqm = (await import(
      pathToFileURL(repoFile('fixtures/implementations/ecqm-fqm-execution.mjs')).href
    )) as FqmModule;
    for (const measure of new Set(CASES.map((c) => c.measure))) {
      const cases = CASES.filter((c) => c.measure === measure);
      const outcomes = await fqm.evaluateBatch(
        { measure, year: 2025 },
        cases.map((c) => exportFhir(c.member)),
      );
      cases.forEach((c, i) => {
        const outcome = outcomes[i];
        if (outcome !== undefined) theirs.set(c.key, outcome);
      });
    }
  }, 300_000);

  it.each(CASES.map((c) => [c.key, c] as const))('%s', (_key, c) => {
    const measure = pack.measures.get(c.measure);
    if (measure === undefined) throw new Error(`no measure ${c.measure}`);
    const { outcome, trace } = evaluateMeasure(
      measure,
      { measure: c.measure, year: 2025 },
      c.member,
    );
    const fqmOutcome = theirs.get(c.key);
    expect(fqmOutcome).toBeDefined();
    const difference = fqmOutcome && compareOutcomes(outcome, fqmOutcome, { stratum: false });
    const expected: OutcomeDifference = {
      population: c.population as OutcomeDifference['population'],
      reference: c.implementation === 'out',
      implementation: c.implementation === 'in',
    };
    // fqm-execution turns a day-precision date into a date-time in the machine's zone, while the
    // period is in UTC: east of UTC a Dec 31 day ends before the period's last millisecond, so that
    // difference exists only at or west of UTC; west of UTC a Jan 1 day ends after the period's
    // first millisecond, so a condition abating on Jan 1 differs only at or east of UTC.
    const offset = new Date('2025-06-30T12:00:00Z').getTimezoneOffset();
    const agreesHere =
      (c.reason.includes('ends on 2025-12-31') && offset < 0) ||
      (c.reason.includes('abates on 2025-01-01') && offset > 0);
    if (agreesHere) {
      expect(difference).toBeUndefined();
      return;
    }
    expect(difference).toEqual(expected);
    // The entry's clause decides the reference's verdict on this member.
    expect(JSON.stringify(trace)).toContain(`"${c.clause}"`);
  });
});
