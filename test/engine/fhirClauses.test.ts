// The clinical options of event and reading clauses (docs/authoring.md): each one on small
// hand-written members, with what `measurecheck explain` says about the records it turned down.
import { describe, expect, it } from 'vitest';
import { memberSchema } from '../../src/model/member.ts';
import { formatMember } from '../../src/report/memberText.ts';
import { clausePack, clauseProblems, verdict } from '../support/clausePack.ts';

const encounter = (
  id: string,
  date: string,
  more: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id,
  date,
  setting: 'inpatient-acute',
  kind: 'encounter',
  codes: [{ system: 'SNOMEDCT', code: '183452005' }],
  ...more,
});

describe('event statuses and kinds', () => {
  const pack = clausePack(`
event:
  valueSets: [Encounter Inpatient]
  records: [claims]
  kinds: [encounter]
  statuses: [finished, arrived]
  window: { from: MY-01-01, to: MY-12-31 }`);

  it('counts a finished encounter and shows its span and status', () => {
    const v = verdict(pack, {
      claims: [encounter('E1', '2025-03-02', { endDate: '2025-03-04', status: 'finished' })],
    });
    expect(v.result).toBe(true);
    expect(v.text).toContain('encounter E1 2025-03-02..2025-03-04 status finished');
  });

  it('does not count a cancelled one, and says why', () => {
    const v = verdict(pack, {
      claims: [encounter('E1', '2025-03-02', { status: 'cancelled' })],
    });
    expect(v.result).toBe(false);
    expect(v.text).toContain('status cancelled is not one of finished, arrived');
  });

  it('does not count a record without a status', () => {
    const v = verdict(pack, { claims: [encounter('E1', '2025-03-02')] });
    expect(v.result).toBe(false);
    expect(v.text).toContain('status (none) is not one of finished, arrived');
  });

  it('takes a claim without kind for a claim, which is not an encounter', () => {
    const claim = { ...encounter('C1', '2025-03-02', { status: 'finished' }) };
    delete claim.kind;
    const v = verdict(pack, { claims: [claim] });
    expect(v.result).toBe(false);
    expect(v.text).toContain('kind claim is not one of encounter');
  });
});

describe('event doNotPerform', () => {
  const performed = (dnp: boolean) =>
    clausePack(`
event:
  valueSets: [Colonoscopy]
  records: [claims]
  doNotPerform: ${String(dnp)}
  window: { from: MY-01-01, to: MY-12-31 }`);
  const procedure = (doNotPerform?: boolean) => ({
    claims: [
      {
        id: 'P1',
        date: '2025-05-05',
        setting: 'outpatient',
        kind: 'procedure',
        codes: [{ system: 'CPT', code: '45378' }],
        ...(doNotPerform !== undefined ? { doNotPerform } : {}),
      },
    ],
  });

  it('false: a record marked do not perform does not count, an unmarked one does', () => {
    const v = verdict(performed(false), procedure(true));
    expect(v.result).toBe(false);
    expect(v.text).toContain('is marked do not perform');
    expect(verdict(performed(false), procedure()).result).toBe(true);
  });

  it('true: only a record marked do not perform counts', () => {
    expect(verdict(performed(true), procedure(true)).result).toBe(true);
    const v = verdict(performed(true), procedure(false));
    expect(v.result).toBe(false);
    expect(v.text).toContain('is not marked do not perform');
  });
});

describe('event by: how a span meets the window', () => {
  const cancer = (by: string) =>
    clausePack(`
event:
  valueSets: [Malignant Neoplasm]
  records: [conditions]
  by: ${by}
  window: { from: MY-01-01, to: MY-12-31 }`);
  const condition = (onset: string, abatement?: string) => ({
    conditions: [
      {
        id: 'D1',
        onset,
        ...(abatement !== undefined ? { abatement } : {}),
        codes: [{ system: 'ICD10CM', code: 'C18.9' }],
      },
    ],
  });

  it('overlap: an open-ended condition from before the year overlaps it', () => {
    const v = verdict(cancer('overlap'), condition('2019-06-01'));
    expect(v.result).toBe(true);
    expect(v.text).toBe(
      'condition D1 2019-06-01..(ongoing) ICD10CM C18.9 (Malignant Neoplasm) overlapping window 2025-01-01..2025-12-31',
    );
  });

  it('overlap: a condition that abated before the year does not, by days from the window', () => {
    const v = verdict(cancer('overlap'), condition('2019-06-01', '2024-12-30'));
    expect(v.result).toBe(false);
    expect(v.text).toContain('condition D1 2019-06-01..2024-12-30');
    expect(v.text).toContain('is before the window');
  });

  it('start (default): the same open-ended condition starts before the window', () => {
    expect(verdict(cancer('start'), condition('2019-06-01')).result).toBe(false);
  });

  it('end: an open-ended condition never ends in the window; one abated in it does', () => {
    const open = verdict(cancer('end'), condition('2019-06-01'));
    expect(open.result).toBe(false);
    expect(open.text).toContain('is after the window');
    expect(verdict(cancer('end'), condition('2019-06-01', '2025-02-01')).result).toBe(true);
  });

  it('within: the whole span must be in the window', () => {
    expect(verdict(cancer('within'), condition('2025-02-01', '2025-03-01')).result).toBe(true);
    expect(verdict(cancer('within'), condition('2024-12-31', '2025-03-01')).result).toBe(false);
    expect(verdict(cancer('within'), condition('2025-02-01')).result).toBe(false);
  });

  it('an encounter that starts before the window and ends in it counts by end, not by start', () => {
    const clause = (by: string) =>
      clausePack(`
event:
  valueSets: [Encounter Inpatient]
  records: [claims]
  by: ${by}
  window: { from: MY-01-01, to: MY-12-31 }`);
    const member = { claims: [encounter('E1', '2024-12-30', { endDate: '2025-01-02' })] };
    expect(verdict(clause('end'), member).result).toBe(true);
    expect(verdict(clause('start'), member).result).toBe(false);
    expect(verdict(clause('end'), member).text).toContain('encounter E1 2024-12-30..2025-01-02');
  });
});

describe('orders and conditions are read only when records lists them', () => {
  const order = (daysSupply?: number, more: Record<string, unknown> = {}) => ({
    orders: [
      {
        id: 'O1',
        kind: 'medication',
        date: '2024-12-01',
        codes: [{ system: 'RXNORM', code: '617312' }],
        status: 'active',
        intent: 'order',
        ...(daysSupply !== undefined ? { daysSupply } : {}),
        ...more,
      },
    ],
  });
  const statin = clausePack(`
event:
  valueSets: [Statin]
  records: [orders]
  kinds: [medication]
  intents: [order, original-order]
  by: overlap
  window: { from: MY-01-01, to: MY-12-31 }`);

  it('an order spans its date plus days supply: 60 days from December overlaps the year', () => {
    const v = verdict(statin, order(60));
    expect(v.result).toBe(true);
    expect(v.text).toContain(
      'medication order O1 2024-12-01..2025-01-29 status active, intent order',
    );
  });

  it('an order without days supply is its date only', () => {
    expect(verdict(statin, order()).result).toBe(false);
  });

  it('an order of another intent does not count', () => {
    const v = verdict(statin, order(60, { intent: 'plan' }));
    expect(v.result).toBe(false);
    expect(v.text).toContain('intent plan is not one of order, original-order');
  });

  it('default records (claims, observations, dispensings) do not read orders', () => {
    const pack = clausePack(`
event:
  valueSets: [Statin]
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(verdict(pack, { orders: [{ ...order(60).orders[0], date: '2025-02-01' }] }).result).toBe(
      false,
    );
  });
});

describe('event with: another code on the same record', () => {
  const hospice = clausePack(`
event:
  valueSets: [Encounter Inpatient]
  records: [claims]
  with: { role: discharge-disposition, valueSets: [Hospice Discharge] }
  window: { from: MY-01-01, to: MY-12-31 }`);
  const disposition = (role?: string) => ({
    claims: [
      encounter('E1', '2025-04-01', {
        codes: [
          { system: 'SNOMEDCT', code: '183452005' },
          {
            system: 'SNOMEDCT',
            code: '428361000124107',
            ...(role !== undefined ? { role } : {}),
          },
        ],
      }),
    ],
  });

  it('counts an inpatient encounter discharged to hospice', () => {
    expect(verdict(hospice, disposition('discharge-disposition')).result).toBe(true);
  });

  it('does not count the hospice code in another role', () => {
    const v = verdict(hospice, disposition('diagnosis'));
    expect(v.result).toBe(false);
    expect(v.text).toContain('has no discharge-disposition code in Hospice Discharge');
  });

  it('a code with a role never matches the clause’s own value sets', () => {
    const pack = clausePack(`
event:
  valueSets: [Hospice Discharge]
  records: [claims]
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(verdict(pack, disposition('discharge-disposition')).result).toBe(false);
    expect(verdict(pack, disposition()).result).toBe(true);
  });

  it('without a role, any code of the record: a visit and a diagnosis on one claim', () => {
    const pack = clausePack(`
event:
  valueSets: [Office Visit]
  records: [claims]
  with: { valueSets: [Diabetes] }
  window: { from: MY-01-01, to: MY-12-31 }`);
    const claim = (codes: { system: string; code: string }[]) => ({
      claims: [{ id: 'C1', date: '2025-02-02', setting: 'outpatient', codes }],
    });
    const visit = { system: 'CPT', code: '99213' };
    expect(verdict(pack, claim([visit, { system: 'ICD10CM', code: 'E11.9' }])).result).toBe(true);
    const alone = verdict(pack, claim([visit]));
    expect(alone.result).toBe(false);
    expect(alone.text).toContain(
      'claim C1 2025-02-02 CPT 99213 (Office Visit), outpatient has no other code in Diabetes',
    );
  });
});

describe('event value and categories (observations)', () => {
  const fobt = (more: Record<string, unknown>) => ({
    observations: [
      { id: 'L1', date: '2025-06-01', code: { system: 'LOINC', code: '2335-8' }, ...more },
    ],
  });
  const pack = clausePack(`
event:
  valueSets: [Fecal Occult Blood]
  records: [observations]
  statuses: [final, amended, corrected]
  categories: [laboratory]
  value: present
  window: { from: MY-01-01, to: MY-12-31 }`);

  it('counts a final laboratory result with a value', () => {
    const v = verdict(pack, fobt({ status: 'final', category: ['laboratory'], value: 1 }));
    expect(v.result).toBe(true);
  });

  it('does not count one without a value', () => {
    const v = verdict(pack, fobt({ status: 'final', category: ['laboratory'] }));
    expect(v.result).toBe(false);
    expect(v.text).toContain('observation L1 2025-06-01 status final LOINC 2335-8');
    expect(v.text).toContain('has no value');
  });

  it('does not count one of another category', () => {
    const v = verdict(pack, fobt({ status: 'final', category: ['survey'], value: 1 }));
    expect(v.text).toContain('category survey is not one of laboratory');
  });

  it('value: { valueSets }: the coded result must be in one of them', () => {
    const coded = clausePack(`
event:
  valueSets: [Housing Status]
  records: [observations]
  value: { valueSets: [Lives In Nursing Home] }
  window: { from: MY-01-01, to: MY-12-31 }`);
    const housing = (code: string) => ({
      observations: [
        {
          date: '2025-06-01',
          code: { system: 'LOINC', code: '71802-3' },
          valueCode: { system: 'SNOMEDCT', code },
        },
      ],
    });
    expect(verdict(coded, housing('160734000')).result).toBe(true);
    const v = verdict(coded, housing('999'));
    expect(v.result).toBe(false);
    expect(v.text).toContain('value SNOMEDCT 999 is not in Lives In Nursing Home');
  });
});

describe('reading options', () => {
  const bp = (date: string, code: string, value?: number, more: Record<string, unknown> = {}) => ({
    date,
    code: { system: 'LOINC', code },
    ...(value !== undefined ? { value, unit: 'mm[Hg]' } : {}),
    ...more,
  });
  const SYS = '8480-6';
  const DIA = '8462-4';
  const reading = (extra: string, tests = '') =>
    clausePack(`
reading:
  valueSets: [Systolic BP, Diastolic BP]
  window: { from: MY-01-01, to: MY-12-31 }
${extra}
  require:
${
  tests ||
  `    - { valueSet: Systolic BP, below: 140 }
    - { valueSet: Diastolic BP, below: 90 }`
}`);

  it('mostRecentDate all: the latest day with both systolic and diastolic', () => {
    const member = {
      observations: [
        bp('2025-03-01', SYS, 130),
        bp('2025-03-01', DIA, 80),
        bp('2025-09-01', SYS, 150),
      ],
    };
    expect(verdict(reading('  mostRecentDate: all'), member).result).toBe(true);
    expect(verdict(reading(''), member).result).toBe(false);
    expect(verdict(reading('  mostRecentDate: all'), member).text).toContain(
      'most recent reading 2025-03-01',
    );
  });

  it('by end: an observation period is read on its end date', () => {
    const member = {
      observations: [
        bp('2024-12-31', SYS, 130, { endDate: '2025-01-01' }),
        bp('2024-12-31', DIA, 80, { endDate: '2025-01-01' }),
      ],
    };
    const v = verdict(reading('  by: end'), member);
    expect(v.result).toBe(true);
    expect(v.text).toContain('most recent reading 2025-01-01');
    expect(verdict(reading(''), member).result).toBe(false);
  });

  it('statuses: a cancelled reading does not count', () => {
    const member = {
      observations: [
        bp('2025-03-01', SYS, 130, { status: 'final' }),
        bp('2025-03-01', DIA, 80, { status: 'final' }),
        bp('2025-05-01', SYS, 150, { status: 'cancelled' }),
      ],
    };
    const v = verdict(reading('  statuses: [final]'), member);
    expect(v.result).toBe(true);
    expect(v.text).toContain('most recent reading 2025-03-01');
    const none = verdict(reading('  statuses: [final]'), {
      observations: [member.observations[2]],
    });
    expect(none.text).toContain(
      'observation 2025-05-01 status cancelled LOINC 8480-6 (Systolic BP) status cancelled is not one of final',
    );
  });

  it('ifAnyMissing: a reading of the day without a value decides the test', () => {
    const member = {
      observations: [bp('2025-03-01', SYS, 130), bp('2025-03-01', SYS), bp('2025-03-01', DIA, 80)],
    };
    const tests = `    - { valueSet: Systolic BP, below: 140, ifAnyMissing: false }
    - { valueSet: Diastolic BP, below: 90 }`;
    const v = verdict(reading('', tests), member);
    expect(v.result).toBe(false);
    expect(v.text).toContain('Systolic BP: a reading of the day has no value: no');
    // Without ifAnyMissing the reading without a value is skipped.
    expect(verdict(reading(''), member).result).toBe(true);
  });

  it('valueIn: the most recent coded result is in a value set', () => {
    const pack = clausePack(`
reading:
  valueSets: [Housing Status]
  window: { from: MY-01-01, to: MY-12-31 }
  require:
    - { valueSet: Housing Status, valueIn: [Lives In Nursing Home], ifMissing: false }`);
    const housing = (date: string, code?: string) => ({
      date,
      code: { system: 'LOINC', code: '71802-3' },
      ...(code !== undefined ? { valueCode: { system: 'SNOMEDCT', code } } : {}),
    });
    const now = verdict(pack, {
      observations: [housing('2025-02-01', '1'), housing('2025-05-01', '160734000')],
    });
    expect(now.result).toBe(true);
    expect(now.text).toContain('Housing Status SNOMEDCT 160734000 in Lives In Nursing Home: yes');
    const moved = verdict(pack, {
      observations: [housing('2025-02-01', '160734000'), housing('2025-05-01', '1')],
    });
    expect(moved.result).toBe(false);
    expect(verdict(pack, { observations: [housing('2025-05-01')] }).result).toBe(false);
  });
});

describe('compile errors of the clinical options', () => {
  it('intents on an event that does not search orders', () => {
    const problems = clauseProblems(`
event:
  valueSets: [Statin]
  intents: [order]
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(problems.map((p) => [p.message, p.path, p.line])).toEqual([
      [
        '`intents` reads orders only, but this event searches records: [claims, observations, dispensings]: add orders to records',
        'numerator.event.intents',
        11,
      ],
    ]);
  });

  it('value on an event that does not search observations', () => {
    const problems = clauseProblems(`
event:
  valueSets: [Housing Status]
  records: [claims]
  value: present
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(problems.map((p) => p.message)).toEqual([
      '`value` reads observations only, but this event searches records: [claims]: add observations to records',
    ]);
  });

  it('an unknown value set in with, value or valueIn, with a suggestion', () => {
    const problems = clauseProblems(`
all:
  - id: a
    event:
      valueSets: [Encounter Inpatient]
      with: { role: discharge-disposition, valueSets: [Hospice Discharges] }
      window: { from: MY-01-01, to: MY-12-31 }
  - id: b
    reading:
      valueSets: [Housing Status]
      window: { from: MY-01-01, to: MY-12-31 }
      require:
        - { valueIn: [Lives In Nursing Homes] }`);
    expect(problems.map((p) => [p.code, p.path, p.hint])).toEqual([
      [
        'pack/unknown-value-set',
        'numerator.all[0].event.with.valueSets[0]',
        expect.stringContaining('Hospice Discharge'),
      ],
      [
        'pack/unknown-value-set',
        'numerator.all[1].reading.require[0].valueIn[0]',
        expect.stringContaining('Lives In Nursing Home'),
      ],
    ]);
    expect(problems.every((p) => p.file?.endsWith('tst.yaml') === true)).toBe(true);
  });
});

describe('a member with clinical records, as reports print it', () => {
  it('shows kinds, spans, statuses, roles, conditions and orders', () => {
    const member = memberSchema.parse({
      id: 'M1',
      birthDate: '1960-01-01',
      sex: 'F',
      claims: [
        encounter('E1', '2025-03-02', {
          endDate: '2025-03-04',
          status: 'finished',
          codes: [
            { system: 'SNOMEDCT', code: '183452005' },
            { system: 'SNOMEDCT', code: '428361000124107', role: 'discharge-disposition' },
          ],
        }),
      ],
      conditions: [
        {
          id: 'D1',
          onset: '2019-06-01',
          clinicalStatus: 'active',
          codes: [{ system: 'ICD10CM', code: 'C18.9' }],
        },
      ],
      orders: [
        {
          id: 'O1',
          kind: 'medication',
          date: '2025-01-10',
          daysSupply: 30,
          intent: 'order',
          codes: [{ system: 'RXNORM', code: '617312' }],
        },
      ],
    });
    expect(formatMember(member)).toEqual([
      'member M1: sex F, born 1960-01-01',
      '  no enrollment',
      '  condition D1 2019-06-01..(ongoing) status active: ICD10CM C18.9',
      '  medication order O1 2025-01-10 (30 days) intent order: RXNORM 617312',
      '  encounter E1 2025-03-02..2025-03-04 inpatient-acute status finished: SNOMEDCT 183452005, SNOMEDCT 428361000124107 (discharge-disposition)',
    ]);
  });
});
