// The FHIR import library on the hand-written fixtures of fixtures/fhir/: member records, expected
// rows, notes, and problems that name the file and the JSON path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFhir, readFhirDate } from '../../../src/adapters/fhir/index.ts';
import { repoFile } from '../../support/repoFiles.ts';

const fixture = (name: string) => repoFile(`fixtures/fhir/${name}`);

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-fhir-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes `resources` as a collection Bundle in the scratch folder and returns its path. */
function bundle(
  name: string,
  resources: readonly { fullUrl?: string; resource: unknown }[],
): string {
  const file = join(scratch, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources }),
  );
  return file;
}

describe('readFhirDate', () => {
  it('takes the calendar date written in the timestamp, in its own offset', () => {
    expect(readFhirDate('2025-12-31T23:30:00-05:00')).toEqual({ kind: 'date', date: '2025-12-31' });
    expect(readFhirDate('2026-01-01T00:30:00+14:00')).toEqual({ kind: 'date', date: '2026-01-01' });
    expect(readFhirDate('2025-01-01T00:00:00.000Z')).toEqual({ kind: 'date', date: '2025-01-01' });
    expect(readFhirDate('2024-02-29')).toEqual({ kind: 'date', date: '2024-02-29' });
  });

  it('refuses dates that do not exist and times that are not times; a year alone has no day', () => {
    expect(readFhirDate('2025-02-30').kind).toBe('invalid');
    expect(readFhirDate('2025-02-29').kind).toBe('invalid');
    expect(readFhirDate('2025-13-01').kind).toBe('invalid');
    expect(readFhirDate('2025-01-01T25:00:00Z').kind).toBe('invalid');
    expect(readFhirDate('01/02/2025').kind).toBe('invalid');
    expect(readFhirDate('2025')).toEqual({ kind: 'partial' });
    expect(readFhirDate('2025-03')).toEqual({ kind: 'partial' });
  });
});

describe('importFhir', () => {
  it('maps a case folder to one member record, as docs/fhir.md describes', () => {
    const r = importFhir([fixture('good')], { measure: 'EX' });
    expect(r.problems).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.files).toBe(12);
    expect(r.cases).toHaveLength(1);
    const { member, expected } = r.cases[0] ?? { member: undefined, expected: [] };
    expect(member).toEqual({
      id: 'p1',
      birthDate: '1960-03-15',
      sex: 'F',
      deathDate: '2025-12-31',
      enrollments: [],
      statuses: [],
      claims: [
        {
          id: 'e1',
          date: '2025-12-31',
          endDate: '2026-01-02',
          setting: 'inpatient-acute',
          codes: [
            { system: 'SNOMEDCT', code: '183452005' },
            { system: 'SNOMEDCT', code: '428371000124100', role: 'discharge-disposition' },
            { system: 'ICD10CM', code: 'I10', role: 'diagnosis' },
          ],
          kind: 'encounter',
          status: 'finished',
        },
        {
          id: 'pr1',
          date: '2021-05-04',
          endDate: '2021-05-04',
          setting: 'other',
          codes: [{ system: 'CPT', code: '45378' }],
          kind: 'procedure',
          status: 'completed',
        },
      ],
      dispensings: [],
      observations: [
        {
          id: 'bp',
          date: '2025-03-01',
          code: { system: 'LOINC', code: '8480-6' },
          value: 139,
          unit: 'mm[Hg]',
          setting: 'inpatient-acute',
          status: 'final',
          category: ['vital-signs'],
        },
        {
          id: 'bp',
          date: '2025-03-01',
          code: { system: 'LOINC', code: '8462-4' },
          value: 89,
          unit: 'mm[Hg]',
          setting: 'inpatient-acute',
          status: 'final',
          category: ['vital-signs'],
        },
        {
          id: 'cancelled',
          date: '2025-01-01',
          endDate: '2025-01-01',
          code: { system: 'LOINC', code: '71802-3' },
          valueCode: { system: 'LOINC', code: 'LA31993-1' },
          status: 'cancelled',
          category: ['survey'],
        },
      ],
      conditions: [
        {
          id: 'c1',
          onset: '2024-06-01',
          abatement: '2025-06-30',
          codes: [
            { system: 'ICD10CM', code: 'I10' },
            { system: 'SNOMEDCT', code: '7771000', role: 'body-site' },
          ],
          clinicalStatus: 'active',
          verificationStatus: 'confirmed',
          category: ['encounter-diagnosis'],
        },
      ],
      orders: [
        {
          id: 'd1',
          kind: 'device',
          date: '2025-11-01',
          codes: [{ system: 'SNOMEDCT', code: '183240000' }],
          status: 'completed',
          intent: 'order',
          doNotPerform: true,
        },
        {
          id: 'm1',
          kind: 'medication',
          date: '2025-12-30',
          daysSupply: 90,
          codes: [{ system: 'RXNORM', code: '312836', role: 'referenced-medication' }],
          status: 'active',
          intent: 'order',
          doNotPerform: false,
        },
        {
          id: 's1',
          kind: 'service',
          date: '2025-01-02',
          codes: [{ system: 'SNOMEDCT', code: '385763009' }],
          status: 'entered-in-error',
          intent: 'order',
        },
      ],
    });
    // Populations by code, whatever their order; no product line.
    expect(expected).toEqual([
      {
        memberId: 'p1',
        measure: 'EX',
        year: 2025,
        initialPopulation: true,
        denominator: true,
        denominatorExclusion: true,
        numerator: false,
      },
    ]);
  });

  it('lists what it does not carry, with the file and the JSON path', () => {
    const r = importFhir([fixture('good')], { measure: 'EX' });
    const file = (name: string) => `${fixture('good')}/case-1/${name}`;
    expect(r.notes).toEqual([
      {
        kind: 'not-carried',
        message:
          'Coverage/cov1 is not carried: an enrollment needs a product line (type, https://nahdo.org/sopt 1 Medicare, 2 Medicaid, 5 private) and a period with a start and an end',
        file: file('Coverage-cov1.json'),
        path: '$',
      },
      {
        kind: 'unknown-code-system',
        message:
          'codes of system "http://example.org/local-codes" are not carried (not a known code system)',
        file: file('Encounter-e1.json'),
        path: '$.type[0].coding[1].system',
      },
      {
        kind: 'not-carried',
        message:
          'the code of Observation/bp is not carried: each of its components becomes an observation',
        file: file('Observation-bp.json'),
        path: '$.code',
      },
      {
        kind: 'modifier-extension',
        message: 'modifier extension "http://example.org/some-modifier" is not applied',
        file: file('ServiceRequest-s1.json'),
        path: '$.modifierExtension[0]',
      },
    ]);
  });

  it('finds the measure by the url of MeasureReport.measure, and the year in its period', () => {
    const r = importFhir([fixture('good')], {
      measureForUrl: (url) =>
        url === 'https://example.org/Measure/ExampleScreening' ? 'EXAMPLE' : undefined,
    });
    expect(r.cases[0]?.expected.map((o) => [o.measure, o.year])).toEqual([['EXAMPLE', 2025]]);
    const none = importFhir([fixture('good')], { measureForUrl: () => undefined });
    expect(none.cases).toEqual([]);
    expect(none.problems).toMatchObject([
      {
        code: 'fhir/unknown-measure',
        path: '$.measure',
        message:
          '"https://example.org/Measure/ExampleScreening" is the url of no measure in the rule packs',
      },
    ]);
    const withYear = importFhir([fixture('good')], { measure: 'EX', year: 2026 });
    expect(withYear.cases[0]?.expected[0]?.year).toBe(2026);
  });

  it('reads a Bundle of several patients, with references by fullUrl', () => {
    const r = importFhir([fixture('bundle/two-patients.json')], { measure: 'EX' });
    expect(r.problems).toEqual([]);
    expect(r.cases.map((c) => c.member.id)).toEqual(['b1', 'b2']);
    expect(r.cases[0]?.member.claims).toEqual([
      {
        id: 'visit',
        date: '2025-02-10',
        endDate: '2025-02-10',
        setting: 'telehealth',
        codes: [{ system: 'CPT', code: '99213' }],
        kind: 'encounter',
        status: 'finished',
      },
    ]);
    expect(r.cases[1]?.member.sex).toBe('U');
    expect(r.cases[1]?.member.claims[0]?.status).toBe('cancelled');
    expect(r.cases[0]?.expected).toEqual([]);
    expect(r.cases[1]?.expected).toEqual([
      {
        memberId: 'b2',
        measure: 'EX',
        year: 2025,
        initialPopulation: true,
        denominator: true,
        denominatorExclusion: false,
        numerator: true,
      },
    ]);
  });

  it('reads a resource given twice (in a Bundle and loose) once', () => {
    const r = importFhir([fixture('duplicate')], { measure: 'EX' });
    expect(r.problems).toEqual([]);
    expect(r.files).toBe(2);
    expect(r.resources).toBe(2);
    expect(r.cases[0]?.member.conditions).toEqual([
      { id: 'dx', onset: '2025-01-15', codes: [{ system: 'ICD10CM', code: 'E11.9' }] },
    ]);
  });

  it('reports a resource given twice with different content, naming both files', () => {
    const r = importFhir([fixture('conflict')], { measure: 'EX' });
    expect(r.problems).toEqual([
      {
        code: 'fhir/conflicting-duplicate',
        message: `Condition/dx is also in ${fixture('conflict')}/Condition-dx.json, with different content`,
        file: `${fixture('conflict')}/bundle.json`,
        path: '$.entry[1].resource',
        hint: 'a resource given twice must be the same both times; remove or fix one copy',
      },
    ]);
    expect(r.skipped).toEqual(['d1']);
    // Ids are unique per patient only: two patients' resources may share an id.
    const both = importFhir([fixture('duplicate'), fixture('good')], { measure: 'EX' });
    expect(both.problems).toEqual([]);
  });

  it('gives each bad case a problem naming the file and the JSON path, and keeps the others', () => {
    const r = importFhir([fixture('bad')], { measure: 'EX' });
    const bad = fixture('bad');
    expect(r.problems).toEqual([
      {
        code: 'fhir/not-json',
        message: expect.stringMatching(/^not JSON: /) as unknown,
        file: `${bad}/not-json/Observation-1.json`,
        hint: 'each .json file must hold one FHIR resource or Bundle in JSON',
      },
      {
        code: 'fhir/unknown-resource-type',
        message: '"Banana" is not a FHIR R4 resource type',
        file: `${bad}/unknown-type/Banana-1.json`,
        path: '$.resourceType',
        hint: 'resource types are spelled as in FHIR R4, e.g. Patient, Encounter, Observation',
      },
      {
        code: 'fhir/invalid-date',
        message: '2025-02-30 is not a date',
        file: `${bad}/bad-date/Observation-1.json`,
        path: '$.effectivePeriod.start',
        hint: expect.stringContaining('YYYY-MM-DD') as unknown,
      },
      {
        code: 'fhir/missing-reference',
        message: 'Condition/x is not in the files read',
        file: `${bad}/missing-reference/Encounter-1.json`,
        path: '$.diagnosis[0].condition.reference',
        hint: 'add the Condition resource to the case, or remove the reference',
      },
    ]);
    expect([...r.skipped].sort()).toEqual([
      'bad-date',
      'missing-reference',
      'not-json',
      'unknown-type',
    ]);
    expect(r.cases.map((c) => c.member.id)).toEqual(['fine']);
  });

  it('reports a fullUrl reference to no entry, and a date without a day', () => {
    const file = bundle('urn', [
      { resource: { resourceType: 'Patient', id: 'u1', birthDate: '1970-01-01' } },
      {
        resource: {
          resourceType: 'Condition',
          id: 'c',
          subject: { reference: 'Patient/u1' },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
          onsetDateTime: '2025-03',
        },
      },
      {
        resource: {
          resourceType: 'Observation',
          id: 'o',
          status: 'final',
          subject: { reference: 'urn:uuid:0f0f0f0f-0000-4000-8000-000000000000' },
          code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] },
          effectiveDateTime: '2025-03-01',
        },
      },
    ]);
    const r = importFhir([file], { measure: 'EX' });
    expect(r.problems).toEqual([
      expect.objectContaining({
        code: 'fhir/missing-reference',
        path: '$.entry[2].resource.subject.reference',
        message:
          'urn:uuid:0f0f0f0f-0000-4000-8000-000000000000 is the fullUrl of no Bundle entry read',
      }) as unknown,
      expect.objectContaining({
        code: 'fhir/invalid-date',
        path: '$.entry[1].resource.onsetDateTime',
        message: '2025-03 has no day: the member record needs a calendar date',
      }) as unknown,
    ]);
    expect(r.skipped).toEqual(['u1']);
  });
});

describe('importFhir of payer claims', () => {
  const CPT = 'http://www.ama-assn.org/go/cpt';
  const patient = { resourceType: 'Patient', id: 'pc', birthDate: '1960-01-01', gender: 'male' };
  const claimParts = {
    patient: { reference: 'Patient/pc' },
    type: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'institutional' },
      ],
    },
    supportingInfo: [
      {
        sequence: 1,
        category: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/claiminformationcategory',
              code: 'info',
            },
          ],
        },
        valueString: 'not a discharge: not read',
      },
      {
        sequence: 2,
        category: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/claiminformationcategory',
              code: 'discharge',
            },
          ],
        },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '306689006' }] },
      },
    ],
    diagnosis: [
      {
        sequence: 1,
        diagnosisCodeableConcept: {
          coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z12.11' }],
        },
      },
    ],
    procedure: [
      {
        sequence: 1,
        procedureCodeableConcept: {
          coding: [{ system: 'http://www.cms.gov/Medicare/Coding/ICD10', code: '0DJD8ZZ' }],
        },
      },
    ],
    item: [
      { sequence: 1, productOrService: { coding: [{ system: CPT, code: '45378' }] } },
      { sequence: 2, productOrService: { coding: [{ system: CPT, code: '88305' }] } },
    ],
  };
  const codes = [
    { system: 'CPT', code: '45378' },
    { system: 'CPT', code: '88305' },
    { system: 'ICD10PCS', code: '0DJD8ZZ' },
    { system: 'ICD10CM', code: 'Z12.11', role: 'diagnosis' },
    { system: 'SNOMEDCT', code: '306689006', role: 'discharge-disposition' },
  ];

  it('reads a hand-written Claim and ExplanationOfBenefit as payer claims, kind claim', () => {
    const file = bundle('plain-claim', [
      { resource: patient },
      {
        resource: {
          resourceType: 'Claim',
          id: 'cl1',
          status: 'active',
          use: 'claim',
          ...claimParts,
          billablePeriod: { start: '2025-03-10', end: '2025-03-12' },
          created: '2025-04-01T10:00:00-05:00',
          provider: { reference: 'Organization/o1' },
          priority: { coding: [{ code: 'normal' }] },
          insurance: [{ sequence: 1, focal: true, coverage: { reference: 'Coverage/x' } }],
        },
      },
      {
        resource: {
          resourceType: 'ExplanationOfBenefit',
          id: 'eob1',
          status: 'entered-in-error',
          use: 'claim',
          outcome: 'complete',
          ...claimParts,
          created: '2025-05-02',
        },
      },
    ]);
    const r = importFhir([file]);
    expect(r.problems).toEqual([]);
    expect(r.cases[0]?.member.claims).toEqual([
      {
        id: 'cl1',
        date: '2025-03-10',
        endDate: '2025-03-12',
        setting: 'other',
        codes,
        kind: 'claim',
      },
      // No billablePeriod: the date it was created. A status other than active is carried.
      {
        id: 'eob1',
        date: '2025-05-02',
        setting: 'other',
        codes,
        kind: 'claim',
        status: 'entered-in-error',
      },
    ]);
  });

  it('does not carry a pre-authorization, and reports a bad billablePeriod with its JSON path', () => {
    const preauth = bundle('preauth', [
      { resource: patient },
      {
        resource: {
          resourceType: 'Claim',
          id: 'pa',
          status: 'active',
          use: 'preauthorization',
          ...claimParts,
          created: '2025-03-01',
        },
      },
    ]);
    const read = importFhir([preauth]);
    expect(read.problems).toEqual([]);
    expect(read.cases[0]?.member.claims).toEqual([]);
    expect(read.notes).toEqual([
      {
        kind: 'not-carried',
        message: 'Claim/pa is not carried: a preauthorization is no claim for a service given',
        file: preauth,
        path: '$.entry[1].resource.use',
      },
    ]);
    const bad = bundle('bad-claim', [
      { resource: patient },
      {
        resource: {
          resourceType: 'Claim',
          id: 'b',
          use: 'claim',
          ...claimParts,
          created: '2025-03-01',
          item: { productOrService: {} },
        },
      },
    ]);
    const r = importFhir([bad]);
    expect(r.problems).toEqual([
      {
        code: 'fhir/invalid-resource',
        message: 'item is not a list',
        file: bad,
        path: '$.entry[1].resource.item',
        hint: 'see docs/fhir.md for what the import reads',
      },
    ]);
    expect(r.skipped).toEqual(['pc']);
    const badDate = bundle('bad-claim-date', [
      { resource: patient },
      {
        resource: {
          resourceType: 'Claim',
          id: 'b',
          use: 'claim',
          ...claimParts,
          billablePeriod: { start: '2025-02-30' },
        },
      },
    ]);
    expect(importFhir([badDate]).problems).toMatchObject([
      {
        code: 'fhir/invalid-date',
        message: '2025-02-30 is not a date',
        path: '$.entry[1].resource.billablePeriod.start',
      },
    ]);
  });

  it('still reads a payer claim an older export wrote as an Encounter with claim-kind', () => {
    const encounter = (id: string, kind: string) => ({
      resourceType: 'Encounter',
      id,
      extension: [
        {
          url: 'https://measurecheck.invalid/fhir/StructureDefinition/claim-kind',
          valueCode: kind,
        },
        {
          url: 'https://measurecheck.invalid/fhir/StructureDefinition/no-end-date',
          valueBoolean: true,
        },
      ],
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [{ coding: [{ system: CPT, code: '99213' }] }],
      subject: { reference: 'Patient/pc' },
      period: { start: '2025-01-05', end: '2025-01-05' },
    });
    const file = bundle('old-export', [
      { resource: patient },
      { resource: encounter('a', 'claim') },
      { resource: encounter('b', 'none') },
    ]);
    const r = importFhir([file]);
    expect(r.problems).toEqual([]);
    const claim = {
      date: '2025-01-05',
      setting: 'outpatient',
      codes: [{ system: 'CPT', code: '99213' }],
    };
    expect(r.cases[0]?.member.claims).toEqual([
      { id: 'a', ...claim, kind: 'claim' },
      { id: 'b', ...claim },
    ]);
  });
});
