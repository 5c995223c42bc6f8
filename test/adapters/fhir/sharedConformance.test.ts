// Imports every case of the shared eCQM conformance deck (the CMS test cases for four measures,
// kept beside the repository, not in it): every case is read without a problem, with its
// expected row, and statuses and "do not perform" come through as data.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFhir } from '../../../src/adapters/fhir/index.ts';
import type { FhirImport } from '../../../src/adapters/fhir/index.ts';
import { REPO_ROOT } from '../../support/repoFiles.ts';

/** The shared folder beside the clone (or beside the worktrees' folder, for a git worktree). */
const SHARED = [
  resolve(REPO_ROOT, '../shared/conformance/ecqm-mp2025'),
  resolve(REPO_ROOT, '../../shared/conformance/ecqm-mp2025'),
].find((dir) => existsSync(dir));

const MEASURES = {
  ColonCancerScreeningFHIR: 58,
  BreastCancerScreeningFHIR: 58,
  ControllingHighBloodPressureFHIR: 60,
  DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR: 43,
} as const;

describe('import of the shared eCQM conformance cases', () => {
  it('finds the shared conformance folder beside the repository', () => {
    expect(SHARED, 'shared/conformance/ecqm-mp2025 beside the clone').toBeDefined();
  });

  const dir = SHARED ?? '';
  const importAll = (): FhirImport =>
    importFhir(
      Object.keys(MEASURES).map((m) => resolve(dir, m, 'tests')),
      { measureForUrl: (url) => url.split('/').at(-1) },
    );

  it.runIf(SHARED !== undefined)('imports all 219 cases, each with its expected row', () => {
    const r = importAll();
    expect(r.problems).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.patients).toBe(219);
    expect(r.cases).toHaveLength(219);
    for (const c of r.cases) expect(c.expected).toHaveLength(1);
    const perMeasure = new Map<string, number>();
    for (const c of r.cases) {
      const m = c.expected[0]?.measure ?? '';
      perMeasure.set(m, (perMeasure.get(m) ?? 0) + 1);
    }
    expect(Object.fromEntries(perMeasure)).toEqual({
      ColonCancerScreeningFHIR: 58,
      BreastCancerScreeningFHIR: 58,
      ControllingHighBloodPressureFHIR: 60,
      DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR: 43,
    });
    for (const c of r.cases) {
      expect(c.expected[0]).not.toHaveProperty('productLine');
      expect(c.expected[0]?.year).toBe(2025);
    }
    // What is not carried is listed: a Coverage without a product line or period, blood-pressure
    // panel codes, and the misspelt "doNotPeform" modifier extension of some DeviceRequests
    // (reported, not applied). The two Coverages of "Other Private Insurance" (SOPT 59) with a
    // period are commercial enrollments.
    const kinds = new Set(r.notes.map((n) => n.kind));
    expect([...kinds].sort()).toEqual(['modifier-extension', 'not-carried']);
    expect(r.notes.filter((n) => n.message.includes('Coverage/'))).toHaveLength(1);
    const enrolled = r.cases.flatMap((c) => c.member.enrollments);
    expect(enrolled).toEqual([
      {
        start: '2022-01-01',
        end: '2022-01-01',
        productLine: 'commercial',
        medical: true,
        pharmacy: false,
      },
      {
        start: '2022-01-01',
        end: '2022-01-01',
        productLine: 'commercial',
        medical: true,
        pharmacy: false,
      },
    ]);
    for (const n of r.notes.filter((x) => x.kind === 'modifier-extension')) {
      expect(n.message).toContain('qicore-doNotPeform');
    }
  });

  it.runIf(SHARED !== undefined)(
    'carries statuses and "do not perform" as data: no record is dropped for its status',
    () => {
      const r = importAll();
      const members = r.cases.map((c) => c.member);
      const statuses = new Set<string>();
      for (const m of members) {
        for (const c of m.claims) statuses.add(`claim ${c.status ?? '-'}`);
        for (const o of m.observations) statuses.add(`observation ${o.status ?? '-'}`);
        for (const o of m.orders ?? []) statuses.add(`order ${o.status ?? '-'}`);
      }
      expect(statuses).toContain('observation cancelled');
      expect(statuses).toContain('observation entered-in-error');
      expect(statuses).toContain('observation corrected');
      const orders = members.flatMap((m) => m.orders ?? []);
      expect(orders.some((o) => o.doNotPerform === true)).toBe(true);
      expect(orders.some((o) => o.kind === 'device' && o.doNotPerform === true)).toBe(true);
      // Every Encounter, Procedure, Condition, Observation (components one each) and request
      // of the files is a record: 261 + 27 encounters and procedures, 153 conditions.
      expect(members.reduce((n, m) => n + m.claims.length, 0)).toBe(261 + 27);
      expect(members.reduce((n, m) => n + (m.conditions ?? []).length, 0)).toBe(153);
      expect(orders).toHaveLength(33 + 30 + 5);
      expect(members.reduce((n, m) => n + m.observations.length, 0)).toBe(56 - 4 + 8);
    },
  );
});
