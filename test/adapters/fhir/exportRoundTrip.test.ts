// import(export(m)) is m: every member the generators draw, for every shipped pack family (HEDIS
// 2024 and 2025, eCQM 2025) and for a pack without product lines, comes back from its FHIR Bundle
// exactly, field for field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportFhir, importFhirDocuments } from '../../../src/adapters/fhir/index.ts';
import { memberArbitrary } from '../../../src/generate/index.ts';
import type { GeneratorMode } from '../../../src/generate/index.ts';
import type { Claim, Member } from '../../../src/model/member.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadPack } from '../../../src/rulepack/compile.ts';
import type { CompiledPack } from '../../../src/rulepack/compiled.ts';
import { REPO_ROOT, repoFile } from '../../support/repoFiles.ts';
import { repoPack, shippedPack } from '../../support/shippedPacks.ts';

const RUNS = 8;
const MODES: readonly GeneratorMode[] = ['rule-aware', 'uniform'];

function roundTrip(member: Member): Member | undefined {
  const read = importFhirDocuments([{ file: 'member.json', json: exportFhir(member) }]);
  expect(read.problems).toEqual([]);
  return read.cases[0]?.member;
}

/** The eCQM pack names its value sets by OID: their codes are in the shared conformance deck. */
function ecqmPack(): CompiledPack {
  const shared = [
    resolve(REPO_ROOT, '../shared/conformance/ecqm-mp2025'),
    resolve(REPO_ROOT, '../../shared/conformance/ecqm-mp2025'),
  ].find((dir) => existsSync(dir));
  const folders = ['ColonCancerScreeningFHIR', 'BreastCancerScreeningFHIR'];
  folders.push('ControllingHighBloodPressureFHIR');
  folders.push('DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR');
  const valueSets = folders.map((f) => resolve(shared ?? '', f, 'valuesets-bundle.json'));
  const loaded = loadPack(repoFile('rules/ecqm/2025'), { valueSets });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.value;
}

const PACKS: readonly (readonly [string, () => CompiledPack])[] = [
  ['hedis 2024', () => shippedPack(2024)],
  ['hedis 2025', () => shippedPack(2025)],
  ['ecqm 2025', ecqmPack],
  ['no product lines', () => repoPack('fixtures/packs/no-product-lines')],
];

describe.each(PACKS)('FHIR export of %s members', (_name, pack) => {
  it('reads back every generated member exactly', () => {
    for (const measure of pack().measures.values()) {
      const lines = measure.productLines.length > 0 ? measure.productLines : [undefined];
      for (const productLine of lines) {
        for (const mode of MODES) {
          fc.assert(
            fc.property(memberArbitrary(measure, { productLine, mode }), (member) => {
              expect(
                roundTrip(member),
                `${measure.id} ${String(productLine)} ${mode}`,
              ).toStrictEqual(member);
            }),
            { numRuns: RUNS, seed: 7 },
          );
        }
      }
    }
  });
});

/** Every field of the member record, with the values FHIR has no element for. */
const EVERY_FIELD: Member = {
  id: 'member_1 (not a FHIR id)',
  birthDate: '1960-02-29',
  sex: 'U',
  deathDate: '2025-12-31',
  enrollments: [
    {
      start: '2024-01-01',
      end: '2024-12-31',
      productLine: 'medicaid',
      medical: true,
      pharmacy: false,
    },
    {
      start: '2025-01-01',
      end: '2025-12-31',
      productLine: 'commercial',
      medical: false,
      pharmacy: true,
    },
    {
      start: '2025-03-01',
      end: '2025-03-31',
      productLine: 'medicare',
      medical: true,
      pharmacy: true,
    },
  ],
  statuses: [
    { kind: 'hospice', start: '2025-06-01', end: '2025-06-30' },
    { kind: 'lti', start: '2025-01-01', end: '2025-12-31' },
    { kind: 'isnp', start: '2025-02-01', end: '2025-02-01' },
  ],
  claims: [
    {
      id: 'C1',
      date: '2025-03-01',
      setting: 'lab',
      codes: [
        { system: 'ICD10CM', code: ' e11.9 ', role: 'diagnosis' },
        { system: 'CPT', code: '77067', modifiers: ['lt', 'RT'] },
        { system: 'CPT-CAT-II', code: '3074F' },
        { system: 'HCPCS', code: 'G0121', modifiers: [] },
      ],
    },
    {
      id: 'C1',
      kind: 'claim',
      date: '2025-04-01',
      endDate: '2025-04-03',
      setting: 'inpatient-nonacute',
      status: 'finished',
      doNotPerform: true,
      codes: [
        { system: 'SNOMEDCT', code: '428371000124100', role: 'discharge-disposition' },
        { system: 'ICD10PCS', code: '0DTJ4ZZ', role: 'body-site' },
        { system: 'CPT', code: '99213' },
      ],
    },
    {
      id: 'E-2',
      kind: 'encounter',
      date: '2025-05-01',
      setting: 'other',
      codes: [{ system: 'SNOMEDCT', code: '185463005' }],
    },
    {
      id: 'P1',
      kind: 'procedure',
      date: '2025-05-02',
      setting: 'outpatient',
      status: 'completed',
      doNotPerform: false,
      codes: [
        { system: 'ICD10CM', code: 'Z12.11', role: 'diagnosis' },
        { system: 'CPT', code: '45378' },
      ],
    },
  ],
  dispensings: [
    {
      date: '2025-01-10',
      daysSupply: 30,
      code: { system: 'NDC', code: '00093-0058-01' },
      drug: 'atorvastatin',
    },
    { date: '2025-02-10', daysSupply: 90, code: { system: 'RXNORM', code: '617312', role: 'x' } },
  ],
  observations: [
    {
      id: 'O',
      date: '2025-06-01',
      code: { system: 'LOINC', code: '8480-6' },
      value: 128,
      unit: 'mm[Hg]',
      setting: 'ed',
      status: 'final',
      category: ['vital-signs', 'exam'],
    },
    {
      id: 'O'.repeat(64),
      date: '2025-06-01',
      setting: 'inpatient-acute',
      code: { system: 'LOINC', code: '8480-6' },
    },
    {
      id: 'O',
      date: '2025-06-01',
      endDate: '2025-06-02',
      code: { system: 'LOINC', code: '8462-4' },
      unit: 'mm[Hg]',
    },
    {
      date: '2025-07-01',
      code: { system: 'LOINC', code: '4548-4', role: 'other' },
      value: 7.5,
      valueCode: { system: 'SNOMEDCT', code: '260385009' },
      setting: 'lab',
    },
    {
      date: '2025-07-02',
      code: { system: 'LOINC', code: '72166-2' },
      valueCode: { system: 'SNOMEDCT', code: '8517006', modifiers: ['x'] },
    },
  ],
  conditions: [
    {
      id: 'D1',
      onset: '2020-01-01',
      abatement: '2025-01-01',
      codes: [
        { system: 'SNOMEDCT', code: '24028007', role: 'body-site' },
        { system: 'ICD10CM', code: 'Z90.12' },
        { system: 'ICD10CM', code: 'I10', role: 'diagnosis' },
      ],
      clinicalStatus: 'resolved',
      verificationStatus: 'confirmed',
      category: ['problem-list-item'],
    },
  ],
  orders: [
    {
      id: 'R1',
      kind: 'medication',
      date: '2025-08-01',
      daysSupply: 30,
      codes: [{ system: 'RXNORM', code: '197361', role: 'referenced-medication' }],
      status: 'active',
      intent: 'order',
      doNotPerform: false,
    },
    {
      id: 'R2',
      kind: 'medication',
      date: '2025-08-01',
      codes: [
        { system: 'RXNORM', code: '197361', role: 'referenced-medication' },
        { system: 'RXNORM', code: '1000001' },
      ],
    },
    {
      id: 'R1',
      kind: 'device',
      date: '2025-08-02',
      daysSupply: 7,
      codes: [{ system: 'HCPCS', code: 'E0100' }],
      doNotPerform: true,
      intent: 'plan',
    },
    {
      id: 'R3',
      kind: 'service',
      date: '2025-08-03',
      codes: [{ system: 'CPT', code: '81528' }],
      doNotPerform: true,
    },
  ],
};

describe('FHIR export of a hand-written member', () => {
  it('reads back every field, with ids, code forms, roles and settings FHIR has no element for', () => {
    expect(roundTrip(EVERY_FIELD)).toStrictEqual(EVERY_FIELD);
  });

  it('writes each record as the resource a FHIR engine reads it from', () => {
    const types = exportFhir(EVERY_FIELD).entry.map((e) => e.resource.resourceType);
    expect(new Set(types)).toEqual(
      new Set([
        'Patient',
        'Coverage',
        'Claim',
        'Encounter',
        'Procedure',
        'MedicationDispense',
        'Observation',
        'Condition',
        'Medication',
        'MedicationRequest',
        'DeviceRequest',
        'ServiceRequest',
      ]),
    );
  });
});

const EXT = 'https://measurecheck.invalid/fhir/StructureDefinition/';

/** A member with one record, the resources of its Bundle other than the Patient. */
function exported(claim: Claim): Record<string, unknown>[] {
  const member: Member = {
    id: 'M',
    birthDate: '1960-01-01',
    sex: 'F',
    enrollments: [],
    statuses: [],
    claims: [claim],
    dispensings: [],
    observations: [],
  };
  expect(roundTrip(member)).toStrictEqual(member);
  return exportFhir(member)
    .entry.map((e) => e.resource)
    .filter((r) => r.resourceType !== 'Patient');
}

describe('FHIR export of a payer claim', () => {
  it('writes a claim without kind as a FHIR Claim, each code in the element a payer would use', () => {
    const resources = exported({
      id: 'C9',
      date: '2025-04-01',
      endDate: '2025-04-03',
      setting: 'inpatient-acute',
      status: 'finished',
      codes: [
        { system: 'ICD10CM', code: 'z1211', role: 'diagnosis' },
        { system: 'CPT', code: '45378', modifiers: ['PT'] },
        { system: 'ICD10PCS', code: '0DJD8ZZ' },
        { system: 'SNOMEDCT', code: '428371000124100', role: 'discharge-disposition' },
        { system: 'HCPCS', code: 'G0121' },
      ],
    });
    // No Encounter: a CQL engine retrieving Encounters does not read a payer claim as one.
    expect(resources.map((r) => r.resourceType)).toEqual(['Claim']);
    const claim = resources[0] ?? {};
    expect(claim).toMatchObject({
      resourceType: 'Claim',
      id: 'C9',
      status: 'active',
      use: 'claim',
      type: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'institutional' },
        ],
      },
      patient: { reference: 'Patient/M' },
      billablePeriod: { start: '2025-04-01', end: '2025-04-03' },
      created: '2025-04-01',
    });
    expect(claim['extension']).toEqual(
      expect.arrayContaining([
        { url: `${EXT}claim-kind`, valueCode: 'none' },
        { url: `${EXT}setting`, valueCode: 'inpatient-acute' },
        { url: `${EXT}record-status`, valueCode: 'finished' },
      ]),
    );
    const codes = (list: unknown, key: string): string[] =>
      (list as Record<string, { coding: { code: string }[] }>[]).flatMap((x, i) => {
        expect(x['sequence']).toBe(i + 1);
        return (x[key]?.coding ?? []).map((c) => c.code);
      });
    expect(codes(claim['item'], 'productOrService')).toEqual(['45378', 'G0121']);
    expect(codes(claim['procedure'], 'procedureCodeableConcept')).toEqual(['0DJD8ZZ']);
    // The FHIR form of the code (with its dot); the record's own form is in the coding's extension.
    expect(codes(claim['diagnosis'], 'diagnosisCodeableConcept')).toEqual(['Z12.11']);
    expect(claim['supportingInfo']).toEqual([
      {
        sequence: 1,
        category: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/claiminformationcategory',
              code: 'discharge',
            },
          ],
        },
        code: { coding: [expect.objectContaining({ code: '428371000124100' }) as unknown] },
      },
    ]);
  });

  it('writes kind claim without the claim-kind extension, an outpatient claim as professional', () => {
    const [claim] = exported({
      id: 'C10',
      kind: 'claim',
      date: '2025-05-01',
      setting: 'outpatient',
      codes: [{ system: 'CPT', code: '99213' }],
    });
    expect(claim).toEqual({
      resourceType: 'Claim',
      id: 'C10',
      extension: [{ url: `${EXT}setting`, valueCode: 'outpatient' }],
      status: 'active',
      type: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' },
        ],
      },
      use: 'claim',
      patient: { reference: 'Patient/M' },
      billablePeriod: { start: '2025-05-01' },
      created: '2025-05-01',
      item: [
        {
          sequence: 1,
          productOrService: {
            coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213' }],
          },
        },
      ],
    });
  });

  it('keeps claims of kind encounter and procedure as Encounter and Procedure', () => {
    const base: Omit<Claim, 'id'> = {
      date: '2025-05-01',
      setting: 'outpatient',
      codes: [{ system: 'CPT', code: '99213' }],
    };
    expect(exported({ ...base, id: 'E', kind: 'encounter' }).map((r) => r.resourceType)).toEqual([
      'Encounter',
    ]);
    expect(exported({ ...base, id: 'P', kind: 'procedure' }).map((r) => r.resourceType)).toEqual([
      'Procedure',
    ]);
  });
});
