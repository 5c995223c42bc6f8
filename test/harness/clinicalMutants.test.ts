// Self-test mutants of the clinical options: each is a mistake an implementation can make, and
// the value sets of `value`, `with` and `valueIn` lose a code like any other.
import { describe, expect, it } from 'vitest';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { deriveMutants } from '../../src/harness/mutants.ts';
import { memberSchema } from '../../src/model/member.ts';
import type { CompiledMeasure } from '../../src/rulepack/compiled.ts';
import { clausePack } from '../support/clausePack.ts';

const measureOf = (clause: string): CompiledMeasure => {
  const m = clausePack(clause).measures.get('TST');
  if (!m) throw new Error('no TST');
  return m;
};

const numerator = (measure: CompiledMeasure, records: Record<string, unknown>): boolean =>
  evaluateMeasure(
    measure,
    { measure: 'TST', year: 2025, productLine: 'commercial' },
    memberSchema.parse({ id: 'M1', birthDate: '1960-01-01', sex: 'F', ...records }),
  ).outcome.numerator === true;

describe('mutants of event and reading options', () => {
  const event = measureOf(`
event:
  valueSets: [Encounter Inpatient]
  records: [claims]
  statuses: [finished]
  doNotPerform: false
  with: { role: discharge-disposition, valueSets: [Hospice Discharge] }
  by: within
  window: { from: MY-01-01, to: MY-12-31 }`);

  it('drops the status filter and the with code, flips doNotPerform, widens by to overlap', () => {
    const ids = deriveMutants(event, { maxMutants: 10_000 }).mutants.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'n:drop-statuses',
        'n:flip-do-not-perform',
        'n:drop-with',
        'n:by-overlap',
        'Hospice Discharge:value-set-missing-code:SNOMEDCT|428361000124107',
      ]),
    );
  });

  it('a cancelled stay tells the reference from the mutant without the status filter', () => {
    const mutant = deriveMutants(event).mutants.find((m) => m.id === 'n:drop-statuses');
    const stay = {
      claims: [
        {
          id: 'E1',
          date: '2025-03-01',
          endDate: '2025-03-04',
          setting: 'inpatient-acute',
          kind: 'encounter',
          status: 'cancelled',
          codes: [
            { system: 'SNOMEDCT', code: '183452005' },
            { system: 'SNOMEDCT', code: '428361000124107', role: 'discharge-disposition' },
          ],
        },
      ],
    };
    expect(numerator(event, stay)).toBe(false);
    expect(mutant && numerator(mutant.measure, stay)).toBe(true);
  });

  it('reading: mostRecentDate all -> any, ifAnyMissing dropped, valueIn sets lose a code', () => {
    const reading = measureOf(`
reading:
  valueSets: [Systolic BP, Housing Status]
  mostRecentDate: all
  window: { from: MY-01-01, to: MY-12-31 }
  require:
    - { valueSet: Systolic BP, below: 140, ifAnyMissing: false }
    - { valueSet: Housing Status, valueIn: [Lives In Nursing Home] }`);
    const ids = deriveMutants(reading, { maxMutants: 10_000 }).mutants.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'n:most-recent-date-any',
        'n:drop-if-any-missing[0]',
        'Lives In Nursing Home:value-set-missing-code:SNOMEDCT|160734000',
      ]),
    );
  });

  it('a HEDIS-style event (no clinical options) gets none of these mutants', () => {
    const plain = measureOf(`
event:
  valueSets: [Colonoscopy]
  window: { from: MY-01-01, to: MY-12-31 }`);
    const operators = new Set(
      deriveMutants(plain)
        .mutants.filter((m) => m.clauseId === 'n')
        .map((m) => m.operator),
    );
    expect([...operators].sort()).toEqual(
      ['value-set-missing-code', 'window-from', 'window-to', 'min-distinct-dates'].sort(),
    );
  });
});
