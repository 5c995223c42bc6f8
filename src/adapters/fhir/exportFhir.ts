import { fhirUriOfCodeSystem } from '../../model/fhirCodeSystems.ts';
import type {
  Claim,
  Code,
  Condition,
  Dispensing,
  Enrollment,
  Member,
  Observation,
  Order,
  Setting,
  Status,
} from '../../model/member.ts';
import {
  ACT_CODE_SYSTEM,
  CLAIM_INFO_CATEGORY_SYSTEM,
  CLAIM_TYPE_SYSTEM,
  CONDITION_CATEGORY_SYSTEM,
  CONDITION_CLINICAL_SYSTEM,
  CONDITION_VERIFICATION_SYSTEM,
  EXT,
  FHIR_ID,
  OBSERVATION_CATEGORY_SYSTEM,
  SETTING_CLASS_SYSTEM,
  SOPT_CODES,
  SOPT_SYSTEM,
  UCUM_SYSTEM,
} from './fhirExtensions.ts';
import { QICORE_DO_NOT_PERFORM } from './fhirTerms.ts';

/** A FHIR resource as JSON. */
export type FhirResource = { readonly resourceType: string; readonly id?: string } & Readonly<
  Record<string, unknown>
>;

/** A FHIR R4 collection Bundle: one member's Patient and the resources of its records. */
export interface FhirBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'collection';
  readonly entry: readonly { readonly resource: FhirResource }[];
}

/** The v3 ActCode of each setting that has one (Encounter.class); the others use our system. */
/**
 * Where a payer claim's codes go in its Claim, in the order the import reads them: the record's
 * own codes in `item` (productOrService), its ICD-10-PCS ones in `procedure`, diagnoses in
 * `diagnosis`, a discharge disposition in `supportingInfo` of category `discharge`.
 */
const CLAIM_PLACES = ['item', 'procedure', 'diagnosis', 'discharge'] as const;
type ClaimPlace = (typeof CLAIM_PLACES)[number];

function claimPlaceOf(code: Code): ClaimPlace | undefined {
  if (code.role === undefined) return code.system === 'ICD10PCS' ? 'procedure' : 'item';
  if (code.role === 'diagnosis') return 'diagnosis';
  return code.role === 'discharge-disposition' ? 'discharge' : undefined;
}

const DISCHARGE_CATEGORY: Json = { system: CLAIM_INFO_CATEGORY_SYSTEM, code: 'discharge' };

const CLASS_OF_SETTING: Readonly<Partial<Record<Setting, string>>> = {
  outpatient: 'AMB',
  telehealth: 'VR',
  ed: 'EMER',
  'inpatient-acute': 'IMP',
  'inpatient-nonacute': 'NONAC',
};

type Json = Record<string, unknown>;

/**
 * A member record as a FHIR R4 collection Bundle, the exact inverse of `importFhir`:
 * `importFhir` of the Bundle gives back a member deep-equal to `member` (docs/fhir.md, "Export").
 * Codes, statuses and units are written verbatim; what FHIR has no element for is carried in the
 * extensions of `fhirExtensions.ts`.
 *
 * @example
 * const bundle = exportFhir(member);
 * writeFileSync('member.json', JSON.stringify(bundle, null, 2));
 */
export function exportFhir(member: Member): FhirBundle {
  return new Exporter(member).bundle();
}

class Exporter {
  private readonly used = new Map<string, Set<string>>();
  private readonly resources: FhirResource[] = [];
  private readonly patientRef: Json;

  constructor(private readonly member: Member) {
    const patient = this.patient();
    this.resources.push(patient);
    this.patientRef = { reference: `Patient/${patient.id ?? ''}` };
  }

  bundle(): FhirBundle {
    const m = this.member;
    for (const e of m.enrollments) this.resources.push(this.coverage(e));
    for (const c of m.claims) this.resources.push(...this.claim(c));
    for (const d of m.dispensings) this.resources.push(this.dispense(d));
    for (const o of m.observations) this.resources.push(...this.observation(o));
    for (const c of m.conditions ?? []) this.resources.push(this.condition(c));
    for (const o of m.orders ?? []) this.resources.push(...this.order(o));
    return {
      resourceType: 'Bundle',
      type: 'collection',
      entry: this.resources.map((resource) => ({ resource })),
    };
  }

  /**
   * The resource id of a record (its own id when that is a FHIR id not yet used by a resource of
   * the type), and the extension that carries the record's id when the resource id is not it.
   */
  private id(type: string, recordId: string | undefined, fallback: string): [string, Json[]] {
    const used = this.used.get(type) ?? new Set<string>();
    this.used.set(type, used);
    if (recordId !== undefined && FHIR_ID.test(recordId) && !used.has(recordId)) {
      used.add(recordId);
      return [recordId, []];
    }
    let n = used.size + 1;
    while (used.has(`${fallback}-${String(n)}`)) n += 1;
    const id = `${fallback}-${String(n)}`;
    used.add(id);
    const ext =
      recordId === undefined
        ? { url: EXT.noRecordId, valueBoolean: true }
        : { url: EXT.recordId, valueString: recordId };
    return [id, [ext]];
  }

  private patient(): FhirResource {
    const m = this.member;
    const [id, idExt] = this.id('Patient', m.id, 'member');
    const extension = [...idExt, ...m.statuses.map(statusExtension)];
    return {
      resourceType: 'Patient',
      id,
      ...(extension.length > 0 ? { extension } : {}),
      gender: m.sex === 'F' ? 'female' : m.sex === 'M' ? 'male' : 'unknown',
      birthDate: m.birthDate,
      ...(m.deathDate !== undefined ? { deceasedDateTime: m.deathDate } : {}),
    };
  }

  private coverage(e: Enrollment): FhirResource {
    const [id] = this.id('Coverage', undefined, 'coverage');
    return {
      resourceType: 'Coverage',
      id,
      extension: [
        { url: EXT.medicalBenefit, valueBoolean: e.medical },
        { url: EXT.pharmacyBenefit, valueBoolean: e.pharmacy },
      ],
      status: 'active',
      type: { coding: [{ system: SOPT_SYSTEM, code: SOPT_CODES[e.productLine] }] },
      beneficiary: this.patientRef,
      period: { start: e.start, end: e.end },
    };
  }

  private claim(c: Claim): FhirResource[] {
    const extension: Json[] = [];
    if (c.doNotPerform !== undefined)
      extension.push({ url: EXT.doNotPerform, valueBoolean: c.doNotPerform });
    if (c.kind === 'procedure') return [this.procedure(c, extension)];
    if (c.kind === 'encounter') return [this.encounter(c, extension)];
    return [this.payerClaim(c, extension)];
  }

  private procedure(c: Claim, extension: Json[]): FhirResource {
    const [id, idExt] = this.id('Procedure', c.id, 'procedure');
    const placed = placeCodes(c.codes, ['', 'diagnosis']);
    if (c.setting !== 'other') extension.push({ url: EXT.setting, valueCode: c.setting });
    const ext = [...idExt, ...extension, ...placed.roleCodes];
    const reasons = placed.at('diagnosis');
    return {
      resourceType: 'Procedure',
      id,
      ...(ext.length > 0 ? { extension: ext } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
      code: { coding: placed.at('') },
      subject: this.patientRef,
      ...(c.endDate !== undefined
        ? { performedPeriod: { start: c.date, end: c.endDate } }
        : { performedDateTime: c.date }),
      ...(reasons.length > 0 ? { reasonCode: reasons.map((x) => ({ coding: [x] })) } : {}),
    };
  }

  private encounter(c: Claim, extension: Json[]): FhirResource {
    const [id, idExt] = this.id('Encounter', c.id, 'encounter');
    if (c.endDate === undefined) extension.push({ url: EXT.noEndDate, valueBoolean: true });
    const placed = placeCodes(c.codes, ['', 'discharge-disposition', 'diagnosis']);
    const ext = [...idExt, ...extension, ...placed.roleCodes];
    const disposition = placed.at('discharge-disposition');
    const diagnoses = placed.at('diagnosis');
    const contained = diagnoses.map((coding, i) => ({
      resourceType: 'Condition',
      id: `diagnosis-${String(i + 1)}`,
      code: { coding: [coding] },
      subject: this.patientRef,
    }));
    return {
      resourceType: 'Encounter',
      id,
      ...(contained.length > 0 ? { contained } : {}),
      ...(ext.length > 0 ? { extension: ext } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
      class: classOf(c.setting),
      ...(placed.at('').length > 0 ? { type: [{ coding: placed.at('') }] } : {}),
      subject: this.patientRef,
      period: { start: c.date, end: c.endDate ?? c.date },
      ...(contained.length > 0
        ? { diagnosis: contained.map((d) => ({ condition: { reference: `#${d.id}` } })) }
        : {}),
      ...(disposition.length > 0
        ? { hospitalization: { dischargeDisposition: { coding: disposition } } }
        : {}),
    };
  }

  /**
   * A payer claim (`kind: claim`, or no kind) as a FHIR Claim: what a payer's claim is in FHIR, and
   * a resource the eCQM CQL never retrieves, so a CQL engine does not read it as an encounter.
   * FHIR's required `provider`, `priority` and `insurance` are left out: the record has none.
   */
  private payerClaim(c: Claim, extension: Json[]): FhirResource {
    const [id, idExt] = this.id('Claim', c.id, 'claim');
    if (c.kind === undefined) extension.push({ url: EXT.claimKind, valueCode: 'none' });
    if (c.setting !== 'other') extension.push({ url: EXT.setting, valueCode: c.setting });
    if (c.status !== undefined) extension.push({ url: EXT.recordStatus, valueCode: c.status });
    const placed = placeCodes(c.codes, CLAIM_PLACES, claimPlaceOf);
    const ext = [...idExt, ...extension, ...placed.roleCodes];
    const listed = (place: ClaimPlace, element: (x: Json) => Json): Json[] =>
      placed.at(place).map((x, i) => ({ sequence: i + 1, ...element(x) }));
    const supportingInfo = listed('discharge', (x) => ({
      category: { coding: [DISCHARGE_CATEGORY] },
      code: { coding: [x] },
    }));
    const diagnosis = listed('diagnosis', (x) => ({ diagnosisCodeableConcept: { coding: [x] } }));
    const procedure = listed('procedure', (x) => ({ procedureCodeableConcept: { coding: [x] } }));
    const item = listed('item', (x) => ({ productOrService: { coding: [x] } }));
    const institutional = c.setting === 'inpatient-acute' || c.setting === 'inpatient-nonacute';
    return {
      resourceType: 'Claim',
      id,
      ...(ext.length > 0 ? { extension: ext } : {}),
      status: 'active',
      type: concept(CLAIM_TYPE_SYSTEM, institutional ? 'institutional' : 'professional'),
      use: 'claim',
      patient: this.patientRef,
      billablePeriod: { start: c.date, ...(c.endDate !== undefined ? { end: c.endDate } : {}) },
      created: c.date,
      ...(supportingInfo.length > 0 ? { supportingInfo } : {}),
      ...(diagnosis.length > 0 ? { diagnosis } : {}),
      ...(procedure.length > 0 ? { procedure } : {}),
      ...(item.length > 0 ? { item } : {}),
    };
  }

  private dispense(d: Dispensing): FhirResource {
    const [id] = this.id('MedicationDispense', undefined, 'dispensing');
    return {
      resourceType: 'MedicationDispense',
      id,
      status: 'completed',
      medicationCodeableConcept: {
        coding: [coding(d.code, true)],
        ...(d.drug !== undefined ? { text: d.drug } : {}),
      },
      subject: this.patientRef,
      daysSupply: { value: d.daysSupply, unit: 'd', system: UCUM_SYSTEM, code: 'd' },
      whenHandedOver: d.date,
    };
  }

  private observation(o: Observation): FhirResource[] {
    const [id, idExt] = this.id('Observation', o.id, 'observation');
    const out: FhirResource[] = [];
    let encounter: Json | undefined;
    if (o.setting !== undefined) {
      // The setting is the class of the Encounter the observation was taken in: an Encounter with
      // no code, which the import reads for the setting and does not carry as a claim.
      const [encounterId] = this.id('Encounter', undefined, 'observation-setting');
      out.push({
        resourceType: 'Encounter',
        id: encounterId,
        class: classOf(o.setting),
        subject: this.patientRef,
        period: { start: o.date },
      });
      encounter = { reference: `Encounter/${encounterId}` };
    }
    const extension = [...idExt];
    const value: Json = {};
    if (o.value !== undefined || o.unit !== undefined) {
      value['valueQuantity'] = {
        ...(o.value !== undefined ? { value: o.value } : {}),
        ...(o.unit !== undefined ? { unit: o.unit, system: UCUM_SYSTEM, code: o.unit } : {}),
      };
      if (o.valueCode !== undefined)
        extension.push({ url: EXT.valueCode, valueCoding: coding(o.valueCode, true) });
    } else if (o.valueCode !== undefined) {
      value['valueCodeableConcept'] = { coding: [coding(o.valueCode, true)] };
    }
    out.push({
      resourceType: 'Observation',
      id,
      ...(extension.length > 0 ? { extension } : {}),
      ...(o.status !== undefined ? { status: o.status } : {}),
      ...(o.category !== undefined
        ? { category: categories(o.category, OBSERVATION_CATEGORY_SYSTEM) }
        : {}),
      code: { coding: [coding(o.code, true)] },
      subject: this.patientRef,
      ...(encounter !== undefined ? { encounter } : {}),
      ...(o.endDate !== undefined
        ? { effectivePeriod: { start: o.date, end: o.endDate } }
        : { effectiveDateTime: o.date }),
      ...value,
    });
    return out;
  }

  private condition(c: Condition): FhirResource {
    const [id, idExt] = this.id('Condition', c.id, 'condition');
    const placed = placeCodes(c.codes, ['', 'body-site']);
    const ext = [...idExt, ...placed.roleCodes];
    const sites = placed.at('body-site');
    return {
      resourceType: 'Condition',
      id,
      ...(ext.length > 0 ? { extension: ext } : {}),
      ...(c.clinicalStatus !== undefined
        ? { clinicalStatus: concept(CONDITION_CLINICAL_SYSTEM, c.clinicalStatus) }
        : {}),
      ...(c.verificationStatus !== undefined
        ? { verificationStatus: concept(CONDITION_VERIFICATION_SYSTEM, c.verificationStatus) }
        : {}),
      ...(c.category !== undefined
        ? { category: categories(c.category, CONDITION_CATEGORY_SYSTEM) }
        : {}),
      code: { coding: placed.at('') },
      ...(sites.length > 0 ? { bodySite: sites.map((x) => ({ coding: [x] })) } : {}),
      subject: this.patientRef,
      onsetDateTime: c.onset,
      ...(c.abatement !== undefined ? { abatementDateTime: c.abatement } : {}),
    };
  }

  private order(o: Order): FhirResource[] {
    const type = {
      medication: 'MedicationRequest',
      device: 'DeviceRequest',
      service: 'ServiceRequest',
    }[o.kind];
    const [id, idExt] = this.id(type, o.id, o.kind);
    const extension = [...idExt];
    const common = {
      ...(o.status !== undefined ? { status: o.status } : {}),
      ...(o.intent !== undefined ? { intent: o.intent } : {}),
    };
    const dated = { subject: this.patientRef, authoredOn: o.date };
    if (o.kind === 'medication') {
      const out: FhirResource[] = [];
      let medication: Json;
      if (o.codes.every((c) => c.role === 'referenced-medication')) {
        const [medicationId] = this.id('Medication', undefined, 'medication');
        out.push({
          resourceType: 'Medication',
          id: medicationId,
          code: { coding: o.codes.map((c) => coding(c, false)) },
        });
        medication = { medicationReference: { reference: `Medication/${medicationId}` } };
      } else {
        const placed = placeCodes(o.codes, ['']);
        extension.push(...placed.roleCodes);
        medication = { medicationCodeableConcept: { coding: placed.at('') } };
      }
      out.push({
        resourceType: type,
        id,
        ...(extension.length > 0 ? { extension } : {}),
        ...common,
        ...(o.doNotPerform !== undefined ? { doNotPerform: o.doNotPerform } : {}),
        ...medication,
        ...dated,
        ...(o.daysSupply !== undefined
          ? {
              dispenseRequest: {
                expectedSupplyDuration: {
                  value: o.daysSupply,
                  unit: 'd',
                  system: UCUM_SYSTEM,
                  code: 'd',
                },
              },
            }
          : {}),
      });
      return out;
    }
    const placed = placeCodes(o.codes, ['']);
    if (o.daysSupply !== undefined)
      extension.push({ url: EXT.daysSupply, valueInteger: o.daysSupply });
    extension.push(...placed.roleCodes);
    const codeKey = o.kind === 'device' ? 'codeCodeableConcept' : 'code';
    const doNotPerform =
      o.doNotPerform === undefined
        ? {}
        : o.kind === 'device'
          ? {
              modifierExtension: [{ url: QICORE_DO_NOT_PERFORM, valueBoolean: o.doNotPerform }],
            }
          : { doNotPerform: o.doNotPerform };
    return [
      {
        resourceType: type,
        id,
        ...(extension.length > 0 ? { extension } : {}),
        ...doNotPerform,
        ...common,
        [codeKey]: { coding: placed.at('') },
        ...dated,
      },
    ];
  }
}

/**
 * A record's codes split by the FHIR element each goes in: `places` are the elements the resource
 * has, in the order the import reads them, and `placeOf` names a code's place (by default its
 * role, `''` for the record's own codes); a code of no place (a role the resource has no element
 * for) goes in a `role-code` extension, read after them. When that order is not the record's,
 * every coding carries its position.
 */
function placeCodes<P extends string>(
  codes: readonly Code[],
  places: readonly P[],
  placeOf: (code: Code) => string | undefined = (code) => code.role ?? '',
): { at: (place: P) => Json[]; roleCodes: Json[] } {
  const items = codes.map((code, index) => {
    const place = places.find((p) => p === placeOf(code));
    return { code, index, place };
  });
  const readOrder = [
    ...places.flatMap((p) => items.filter((x) => x.place === p)),
    ...items.filter((x) => x.place === undefined),
  ];
  const indexed = readOrder.some((x, i) => x.index !== i);
  const write = (x: (typeof items)[number]): Json => {
    const out = coding(x.code, x.place === undefined);
    return indexed ? withExtension(out, { url: EXT.index, valueInteger: x.index }) : out;
  };
  return {
    at: (place) => items.filter((x) => x.place === place).map(write),
    roleCodes: items
      .filter((x) => x.place === undefined)
      .map((x) => ({ url: EXT.roleCode, valueCoding: write(x) })),
  };
}

/** A Coding of a code, with its modifiers and (`withRole`) its role in extensions. */
function coding(c: Code, withRole: boolean): Json {
  const extension: Json[] = [];
  const uri = fhirUriOfCodeSystem(c.system);
  if (uri === undefined || c.system === 'CPT-CAT-II')
    extension.push({ url: EXT.codeSystem, valueCode: c.system });
  if (c.modifiers !== undefined) {
    if (c.modifiers.length === 0) extension.push({ url: EXT.noModifiers, valueBoolean: true });
    for (const m of c.modifiers) extension.push({ url: EXT.modifier, valueString: m });
  }
  if (withRole && c.role !== undefined) extension.push({ url: EXT.role, valueCode: c.role });
  const code = fhirCode(c);
  if (code !== c.code) extension.push({ url: EXT.recordCode, valueString: c.code });
  return {
    ...(extension.length > 0 ? { extension } : {}),
    system: uri ?? fhirUriOfCodeSystem('CPT'),
    code,
  };
}

/**
 * A code as FHIR writes it. A member record's codes are compared trimmed, ignoring case and, for
 * ICD-10, without the dot (docs/contract.md); a FHIR coding's code is compared exactly (a CQL
 * value set test is string equality), and the code systems' own forms are upper case, with the
 * dot after the third character of an ICD-10-CM code. So a record's `w1809xa` is written
 * `W18.09XA`, which every FHIR engine reads as the code the record means.
 */
function fhirCode(c: Code): string {
  const code = c.code.trim().toUpperCase();
  if (c.system === 'ICD10CM' && !code.includes('.') && code.length > 3) {
    return `${code.slice(0, 3)}.${code.slice(3)}`;
  }
  return code;
}

function withExtension(json: Json, ext: Json): Json {
  const list = Array.isArray(json['extension']) ? (json['extension'] as unknown[]) : [];
  return { ...json, extension: [...list, ext] };
}

function concept(system: string, code: string): Json {
  return { coding: [{ system, code }] };
}

function categories(codes: readonly string[], system: string): Json[] {
  return codes.map((code) => concept(system, code));
}

function classOf(setting: Setting): Json {
  const code = CLASS_OF_SETTING[setting];
  return code !== undefined
    ? { system: ACT_CODE_SYSTEM, code }
    : { system: SETTING_CLASS_SYSTEM, code: setting };
}

function statusExtension(s: Status): Json {
  return {
    url: EXT.memberStatus,
    extension: [
      { url: 'kind', valueCode: s.kind },
      { url: 'period', valuePeriod: { start: s.start, end: s.end } },
    ],
  };
}
