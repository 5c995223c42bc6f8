import type { IsoDate } from '../../model/calendarDate.ts';
import { codeSystemFromFhirUri } from '../../model/fhirCodeSystems.ts';
import { codeSystemSchema, memberSchema, settingSchema } from '../../model/member.ts';
import type {
  Claim,
  Code,
  Condition,
  Dispensing,
  Enrollment,
  Member,
  Observation,
  Order,
  OrderKind,
  ProductLine,
  Setting,
  Status,
} from '../../model/member.ts';
import type { ExpectedOutcome } from '../../model/outcome.ts';
import { formatPath } from '../../model/problem.ts';
import type { Problem, ProblemCode } from '../../model/problem.ts';
import { readFhirDate } from './fhirDates.ts';
import {
  CLAIM_INFO_CATEGORY_SYSTEM,
  EXT,
  SETTING_CLASS_SYSTEM,
  SOPT_SYSTEM,
} from './fhirExtensions.ts';
import { ENCOUNTER_CLASS_SETTINGS, QICORE_DO_NOT_PERFORM } from './fhirTerms.ts';
import { isObject, readFhirDocuments, readFhirFiles } from './readFhirFiles.ts';
import type { FhirEntry, FhirFiles, JsonObject } from './readFhirFiles.ts';

export interface ImportFhirOptions {
  /** The measure id of every MeasureReport's expected row (`--measure`). */
  readonly measure?: string | undefined;
  /** The year of every expected row (`--year`); default the year of MeasureReport.period.start. */
  readonly year?: number | undefined;
  /** The measure id whose `url` is a MeasureReport's `measure`; used without `measure`. */
  readonly measureForUrl?: (url: string) => string | undefined;
}

/** What a note is about; notes are not errors: the import goes on. */
export type FhirNoteKind =
  'not-carried' | 'unknown-code-system' | 'modifier-extension' | 'denominator-exception';

/** Something the member record does not carry, reported with the file and JSON path. */
export interface FhirNote {
  readonly kind: FhirNoteKind;
  readonly message: string;
  readonly file: string;
  readonly path: string;
}

/** One patient read: the member record and the expected outcomes of its MeasureReports. */
export interface FhirCase {
  readonly member: Member;
  readonly expected: readonly ExpectedOutcome[];
}

export interface FhirImport {
  /** The .json files read. */
  readonly files: number;
  /** Distinct resources read (a resource given twice counts once). */
  readonly resources: number;
  /** Patients found (cases). */
  readonly patients: number;
  /** The cases without problems, in the order their Patient resources were read. */
  readonly cases: readonly FhirCase[];
  /** Patient ids left out because of a problem with one of their resources or files. */
  readonly skipped: readonly string[];
  /** Errors: each names the file and the JSON path. */
  readonly problems: readonly Problem[];
  readonly notes: readonly FhirNote[];
}

/** Resource types that become part of a member record (or its expected results). */
const CARRIED = new Set([
  'Patient',
  'Encounter',
  'Procedure',
  'Claim',
  'ExplanationOfBenefit',
  'Condition',
  'Observation',
  'MedicationRequest',
  'DeviceRequest',
  'ServiceRequest',
  'MedicationDispense',
  'Coverage',
  'MeasureReport',
]);

const POPULATION_CODES = {
  initialPopulation: 'initial-population',
  denominator: 'denominator',
  denominatorExclusion: 'denominator-exclusion',
  numerator: 'numerator',
} as const;

/** Modifier extensions the import reads (any other is reported, not applied). */
const READ_MODIFIERS: Readonly<Record<string, readonly string[]>> = {
  DeviceRequest: [QICORE_DO_NOT_PERFORM],
  // Marks a MeasureReport as a test case's expected result: what import reads it as.
  MeasureReport: ['http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-isTestCase'],
};

const HINT = 'see docs/fhir.md for what the import reads';

/**
 * Reads FHIR R4 resources (loose files, folders of them, Bundles) into member records and
 * expected outcomes, as docs/fhir.md describes. Resources are grouped by patient; a resource
 * given twice (same type and id) is read once. Errors name the file and the JSON path, and leave
 * the patient out (`skipped`); what the member record cannot carry is listed in `notes`. Dates
 * are the calendar dates written in the timestamps, in their own offsets.
 *
 * @example
 * const result = importFhir(['cases/'], { measure: 'CMS130' });
 * for (const c of result.cases) console.log(c.member.id, c.expected.length);
 */
export function importFhir(inputs: readonly string[], options: ImportFhirOptions = {}): FhirImport {
  return importRead(readFhirFiles(inputs), inputs, options);
}

/**
 * `importFhir` of FHIR documents already parsed (a resource or a Bundle each, such as what
 * `exportFhir` returns); `file` names each document in problems and notes.
 *
 * @example
 * const [back] = importFhirDocuments([{ file: 'm.json', json: exportFhir(member) }]).cases;
 */
export function importFhirDocuments(
  documents: readonly { readonly file: string; readonly json: unknown }[],
  options: ImportFhirOptions = {},
): FhirImport {
  return importRead(
    readFhirDocuments(documents),
    documents.map((d) => d.file),
    options,
  );
}

function importRead(
  read: FhirFiles,
  inputs: readonly string[],
  options: ImportFhirOptions,
): FhirImport {
  const importer = new Importer(options);
  for (const p of read.problems) importer.unitProblem(p.unit, p.problem);
  for (const b of read.nestedBundles) {
    importer.note('not-carried', 'a Bundle inside a Bundle is not read', b.file, b.at);
  }
  if (read.files === 0 && read.problems.length === 0) {
    importer.unitProblem('', {
      code: 'fhir/no-input',
      message: `no .json file in ${inputs.join(', ')}`,
      hint: 'pass FHIR .json files, Bundles, or folders holding them',
    });
  }
  return importer.run(read.files, read.entries);
}

/** A place in a resource, for problems and notes. */
interface At {
  readonly entry: FhirEntry;
  readonly path: string;
}

function child(at: At, key: string | number): At {
  return {
    entry: at.entry,
    path: typeof key === 'number' ? `${at.path}[${String(key)}]` : `${at.path}.${key}`,
  };
}

/** Thrown inside one resource's mapping to stop it; caught by `Importer.run`. */
class ResourceError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

interface MemberDraft {
  readonly patient: FhirEntry;
  readonly enrollments: Enrollment[];
  readonly dispensings: Dispensing[];
  readonly claims: Claim[];
  readonly observations: Observation[];
  readonly conditions: Condition[];
  readonly orders: Order[];
  readonly expected: ExpectedOutcome[];
  readonly units: Set<string>;
}

class Importer {
  private readonly problems: { problem: Problem; unit?: string; patient?: string }[] = [];
  private readonly notes: FhirNote[] = [];
  private readonly notedSystems = new Set<string>();
  private readonly index = new Map<string, FhirEntry>();
  private readonly byFullUrl = new Map<string, FhirEntry>();
  /** Scopes (see `scopeKey`) of the Medications a MedicationRequest refers to. */
  private readonly referencedMedications = new Set<string>();
  /** The patient whose resource is being mapped: references resolve in its records first. */
  private current: string | undefined;
  /** A code's position among its record's codes, when the export wrote it (`code-index`). */
  private readonly codeIndex = new WeakMap<Code, number>();

  constructor(private readonly options: ImportFhirOptions) {}

  unitProblem(unit: string, problem: Problem): void {
    this.problems.push({ problem, unit });
  }

  note(kind: FhirNoteKind, message: string, file: string, path: string): void {
    this.notes.push({ kind, message, file, path });
  }

  run(files: number, all: readonly FhirEntry[]): FhirImport {
    for (const e of all) if (e.fullUrl !== undefined) this.byFullUrl.set(e.fullUrl, e);
    const patientsByUnit = new Map<string, string[]>();
    for (const e of all) {
      if (e.type !== 'Patient') continue;
      const ids = patientsByUnit.get(e.unit) ?? [];
      if (!ids.includes(e.id)) ids.push(e.id);
      patientsByUnit.set(e.unit, ids);
    }
    // Ids are unique within a patient's records, not across patients (case folders reuse them),
    // so a resource is known by its patient (or, with none, its folder or Bundle), type and id.
    const placed: { entry: FhirEntry; patient: string | undefined }[] = [];
    for (const e of all) {
      try {
        placed.push({ entry: e, patient: this.patientOf(e, patientsByUnit) });
      } catch (error) {
        if (!(error instanceof ResourceError)) throw error;
        this.problems.push({ unit: e.unit, problem: error.problem });
      }
    }
    const entries = this.dedupe(placed);
    const drafts = new Map<string, MemberDraft>();
    for (const { entry: e } of entries) {
      if (e.type !== 'Patient') continue;
      drafts.set(e.id, {
        patient: e,
        enrollments: [],
        dispensings: [],
        claims: [],
        observations: [],
        conditions: [],
        orders: [],
        expected: [],
        units: new Set([e.unit]),
      });
    }
    for (const { entry: e, patient } of entries) {
      if (e.type === 'Patient') continue;
      if (!CARRIED.has(e.type)) {
        if (e.type === 'Medication' && this.referencedMedications.has(`${e.unit}\n${e.id}`))
          continue;
        this.note(
          'not-carried',
          `${e.type}/${e.id} is not carried: the member record has no ${e.type}`,
          e.file,
          e.at,
        );
        continue;
      }
      if (patient === undefined) {
        this.problems.push({
          unit: e.unit,
          problem: this.problemAt(
            { entry: e, path: e.at },
            'fhir/no-patient',
            `${e.type}/${e.id} names no patient (no subject), and its ${e.unit.startsWith('bundle:') ? 'Bundle' : 'folder'} does not hold exactly one Patient`,
            'give the resource a subject: { "reference": "Patient/<id>" }',
          ),
        });
        continue;
      }
      const draft = drafts.get(patient);
      if (draft === undefined) {
        this.problems.push({
          patient,
          problem: this.problemAt(
            { entry: e, path: e.at },
            'fhir/missing-reference',
            `${e.type}/${e.id} belongs to Patient/${patient}, which none of the files holds`,
            'add the Patient resource to the case, or fix the reference',
          ),
        });
        continue;
      }
      draft.units.add(e.unit);
      this.current = patient;
      try {
        this.map(e, draft);
      } catch (error) {
        if (!(error instanceof ResourceError)) throw error;
        this.problems.push({ patient, problem: error.problem });
      }
    }
    return this.finish(files, entries.length, drafts);
  }

  /** Where a resource's id is unique: its patient's records, or else its folder or Bundle. */
  private scopeKey(e: FhirEntry, patient: string | undefined): string {
    return patient !== undefined ? `patient:${patient}` : e.unit;
  }

  /** Keeps the first copy of each resource; a second copy that differs is a problem. */
  private dedupe(
    placed: readonly { entry: FhirEntry; patient: string | undefined }[],
  ): { entry: FhirEntry; patient: string | undefined }[] {
    const kept: { entry: FhirEntry; patient: string | undefined }[] = [];
    const seen = new Map<string, { entry: FhirEntry; text: string }>();
    for (const p of placed) {
      const e = p.entry;
      const scope = this.scopeKey(e, p.patient);
      const key = `${scope}\n${e.type}/${e.id}`;
      const text = canonical(withoutMeta(e.json));
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, { entry: e, text });
        kept.push(p);
        this.index.set(key, e);
        continue;
      }
      if (first.text !== text) {
        this.unitProblem(e.unit, {
          code: 'fhir/conflicting-duplicate',
          message: `${e.type}/${e.id} is also in ${first.entry.file}${first.entry.at === '$' ? '' : ` (at ${first.entry.at})`}, with different content`,
          file: e.file,
          path: e.at,
          hint: 'a resource given twice must be the same both times; remove or fix one copy',
        });
      }
    }
    for (const { entry: e, patient } of kept) {
      const ref = e.type === 'MedicationRequest' ? e.json['medicationReference'] : undefined;
      const target = isObject(ref) ? this.referenceKey(ref['reference']) : undefined;
      const medication = target !== undefined ? this.lookup(e, patient, target) : undefined;
      if (medication !== undefined)
        this.referencedMedications.add(`${medication.unit}\n${medication.id}`);
    }
    return kept;
  }

  /** A resource by `Type/id` as seen from `from`: in its patient's records, else its unit. */
  private lookup(from: FhirEntry, patient: string | undefined, key: string): FhirEntry | undefined {
    const scopes = patient !== undefined ? [`patient:${patient}`, from.unit] : [from.unit];
    for (const scope of scopes) {
      const found = this.index.get(`${scope}\n${key}`);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The patient a resource belongs to (a Patient itself; else its subject, patient or
   * beneficiary; a MeasureReport's test-case subject parameter; else the one Patient of its
   * folder or Bundle), or undefined when there is none.
   */
  private patientOf(
    e: FhirEntry,
    patientsByUnit: ReadonlyMap<string, readonly string[]>,
  ): string | undefined {
    if (e.type === 'Patient') return e.id;
    const base: At = { entry: e, path: e.at };
    for (const key of ['subject', 'patient', 'beneficiary']) {
      const ref = e.json[key];
      if (ref === undefined) continue;
      const at = child(base, key);
      if (!isObject(ref)) throw this.stop(at, 'fhir/invalid-resource', `${key} is not a reference`);
      const target = this.referenceKey(ref['reference']);
      if (target?.startsWith('Patient/')) return target.slice('Patient/'.length);
      const text = ref['reference'];
      if (target === undefined && typeof text === 'string' && text.startsWith('urn:')) {
        throw this.stop(
          child(at, 'reference'),
          'fhir/missing-reference',
          `${text} is the fullUrl of no Bundle entry read`,
          'add the Patient to the Bundle, or fix the reference',
        );
      }
      throw this.stop(
        child(at, 'reference'),
        'fhir/no-patient',
        `${key} ${JSON.stringify(ref['reference'] ?? null)} is not a reference to a Patient`,
        'refer to the patient as Patient/<id>',
      );
    }
    if (e.type === 'MeasureReport') {
      const fromParameters = subjectParameter(e.json);
      if (fromParameters !== undefined) return fromParameters;
    }
    if (!CARRIED.has(e.type)) return undefined;
    const inUnit = patientsByUnit.get(e.unit) ?? [];
    return inUnit.length === 1 ? inUnit[0] : undefined;
  }

  /** `Type/id` of a reference: relative, absolute (ending in Type/id) or a Bundle fullUrl. */
  private referenceKey(reference: unknown): string | undefined {
    if (typeof reference !== 'string') return undefined;
    const byUrl = this.byFullUrl.get(reference);
    if (byUrl !== undefined) return `${byUrl.type}/${byUrl.id}`;
    const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(
      reference,
    );
    return m ? `${m[1] ?? ''}/${m[2] ?? ''}` : undefined;
  }

  /** The resource a reference names; a missing one is a problem (thrown). */
  private resolve(at: At, ref: unknown, type: string): FhirEntry {
    if (!isObject(ref)) throw this.stop(at, 'fhir/invalid-resource', 'not a reference');
    const local = ref['reference'];
    if (typeof local === 'string' && local.startsWith('#')) return this.contained(at, local, type);
    const key = this.referenceKey(ref['reference']);
    const refAt = child(at, 'reference');
    const text = ref['reference'];
    if (key === undefined && typeof text === 'string' && text.startsWith('urn:')) {
      throw this.stop(
        refAt,
        'fhir/missing-reference',
        `${text} is the fullUrl of no Bundle entry read`,
        `add the ${type} to the Bundle, or fix the reference`,
      );
    }
    if (key === undefined || !key.startsWith(`${type}/`)) {
      throw this.stop(
        refAt,
        'fhir/invalid-resource',
        `${JSON.stringify(ref['reference'])} is not a reference to a ${type}`,
      );
    }
    const target = this.lookup(at.entry, this.current, key);
    if (target === undefined) {
      throw this.stop(
        refAt,
        'fhir/missing-reference',
        `${key} is not in the files read`,
        `add the ${type} resource to the case, or remove the reference`,
      );
    }
    return target;
  }

  /** A resource contained in the referring one (`#id`); a missing one is a problem (thrown). */
  private contained(at: At, reference: string, type: string): FhirEntry {
    const owner = at.entry;
    const list = owner.json['contained'];
    const found = Array.isArray(list)
      ? list.findIndex((r) => isObject(r) && r['id'] === reference.slice(1))
      : -1;
    const json: unknown = Array.isArray(list) ? list[found] : undefined;
    if (!isObject(json) || json['resourceType'] !== type) {
      throw this.stop(
        child(at, 'reference'),
        'fhir/missing-reference',
        `${reference} is not a ${type} contained in ${owner.type}/${owner.id}`,
        `add the ${type} to the resource's contained list, or fix the reference`,
      );
    }
    return {
      type,
      id: reference.slice(1),
      json,
      file: owner.file,
      at: `${owner.at}.contained[${String(found)}]`,
      unit: owner.unit,
    };
  }

  private map(e: FhirEntry, draft: MemberDraft): void {
    const at: At = { entry: e, path: e.at };
    this.modifierExtensions(at, READ_MODIFIERS[e.type] ?? []);
    switch (e.type) {
      case 'Encounter':
        this.encounter(at, draft);
        return;
      case 'Procedure':
        this.procedure(at, draft);
        return;
      case 'Claim':
      case 'ExplanationOfBenefit':
        this.payerClaim(at, draft);
        return;
      case 'Condition':
        this.condition(at, draft);
        return;
      case 'Observation':
        this.observation(at, draft);
        return;
      case 'MedicationRequest':
        this.order(at, draft, 'medication');
        return;
      case 'DeviceRequest':
        this.order(at, draft, 'device');
        return;
      case 'ServiceRequest':
        this.order(at, draft, 'service');
        return;
      case 'MedicationDispense':
        this.dispense(at, draft);
        return;
      case 'Coverage':
        this.coverage(at, draft);
        return;
      case 'MeasureReport':
        this.measureReport(at, draft);
        return;
    }
  }

  private encounter(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const codes = this.concepts(at, 'type');
    const hospitalization = json['hospitalization'];
    if (isObject(hospitalization)) {
      codes.push(
        ...this.concept(
          child(child(at, 'hospitalization'), 'dischargeDisposition'),
          hospitalization['dischargeDisposition'],
          'discharge-disposition',
        ),
      );
    }
    const diagnoses = json['diagnosis'];
    if (Array.isArray(diagnoses)) {
      for (const [i, d] of diagnoses.entries()) {
        const dAt = child(child(at, 'diagnosis'), i);
        if (!isObject(d)) continue;
        const condition = this.resolve(child(dAt, 'condition'), d['condition'], 'Condition');
        codes.push(
          ...this.concept(
            { entry: condition, path: `${condition.at}.code` },
            condition.json['code'],
            'diagnosis',
          ),
        );
      }
    }
    codes.push(...this.roleCodes(at));
    const span = this.period(child(at, 'period'), json['period'], true);
    if (span === undefined) return;
    if (codes.length === 0) {
      this.noCodes(at);
      return;
    }
    const claimKind = extensionValue(json, EXT.claimKind, 'valueCode');
    const doNotPerform = extensionValue(json, EXT.doNotPerform, 'valueBoolean');
    const noEndDate = extensionValue(json, EXT.noEndDate, 'valueBoolean') === true;
    draft.claims.push({
      id: this.recordId(at.entry) ?? at.entry.id,
      date: span.start,
      ...(span.end !== undefined && !noEndDate ? { endDate: span.end } : {}),
      setting: this.settingOf(at.entry),
      codes: this.ordered(codes),
      ...(claimKind === 'none' ? {} : { kind: claimKind === 'claim' ? 'claim' : 'encounter' }),
      ...this.status(at),
      ...(typeof doNotPerform === 'boolean' ? { doNotPerform } : {}),
    });
  }

  private procedure(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const codes = this.concept(child(at, 'code'), json['code']);
    codes.push(...this.concepts(at, 'reasonCode', 'diagnosis'), ...this.roleCodes(at));
    const span =
      json['performedPeriod'] !== undefined
        ? this.period(child(at, 'performedPeriod'), json['performedPeriod'], true)
        : this.dateTimeSpan(at, 'performedDateTime');
    if (span === undefined) return;
    if (codes.length === 0) {
      this.noCodes(at);
      return;
    }
    const setting = settingSchema.safeParse(extensionValue(json, EXT.setting, 'valueCode'));
    const doNotPerform = extensionValue(json, EXT.doNotPerform, 'valueBoolean');
    draft.claims.push({
      id: this.recordId(at.entry) ?? at.entry.id,
      date: span.start,
      ...(span.end !== undefined ? { endDate: span.end } : {}),
      setting: setting.success ? setting.data : 'other',
      codes: this.ordered(codes),
      kind: 'procedure',
      ...this.status(at),
      ...(typeof doNotPerform === 'boolean' ? { doNotPerform } : {}),
    });
  }

  /**
   * A Claim or ExplanationOfBenefit (the same elements here) as a payer claim, `kind: claim`: the
   * record's own codes from `item` productOrService and `procedure`, diagnoses from `diagnosis`,
   * a discharge disposition from `supportingInfo` of category `discharge`; the date from
   * `billablePeriod`, else `created`. A pre-authorization or pre-determination is no service that
   * happened: it is noted, not carried.
   */
  private payerClaim(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const use = json['use'];
    if (use === 'preauthorization' || use === 'predetermination') {
      this.note(
        'not-carried',
        `${at.entry.type}/${at.entry.id} is not carried: a ${use} is no claim for a service given`,
        at.entry.file,
        `${at.path}.use`,
      );
      return;
    }
    const codes = [
      ...this.listed(at, 'item', (x, xAt) =>
        this.concept(child(xAt, 'productOrService'), x['productOrService']),
      ),
      ...this.listed(at, 'procedure', (x, xAt) => {
        if (x['procedureReference'] !== undefined) {
          this.note(
            'not-carried',
            'a procedureReference is not carried with the claim (the Procedure is a record of its own)',
            at.entry.file,
            `${xAt.path}.procedureReference`,
          );
        }
        return this.concept(child(xAt, 'procedureCodeableConcept'), x['procedureCodeableConcept']);
      }),
      ...this.listed(at, 'diagnosis', (x, xAt) => {
        if (x['diagnosisReference'] === undefined) {
          return this.concept(
            child(xAt, 'diagnosisCodeableConcept'),
            x['diagnosisCodeableConcept'],
            'diagnosis',
          );
        }
        const condition = this.resolve(
          child(xAt, 'diagnosisReference'),
          x['diagnosisReference'],
          'Condition',
        );
        return this.concept(
          { entry: condition, path: `${condition.at}.code` },
          condition.json['code'],
          'diagnosis',
        );
      }),
      ...this.listed(at, 'supportingInfo', (x, xAt) =>
        isDischarge(x['category'])
          ? this.concept(child(xAt, 'code'), x['code'], 'discharge-disposition')
          : [],
      ),
      ...this.roleCodes(at),
    ];
    let span: { start: IsoDate; end?: IsoDate } | undefined;
    const period = json['billablePeriod'];
    // The billablePeriod, unless it has no start and the claim has its created date.
    const noStart = isObject(period) && period['start'] === undefined;
    if (period !== undefined && !(noStart && json['created'] !== undefined)) {
      span = this.period(child(at, 'billablePeriod'), period, true);
    } else if (json['created'] !== undefined) {
      span = { start: this.dateOf(child(at, 'created'), json['created']) };
    } else {
      this.note(
        'not-carried',
        `${at.entry.type}/${at.entry.id} is not carried: it has no billablePeriod.start or created date`,
        at.entry.file,
        at.path,
      );
      return;
    }
    if (span === undefined) return;
    if (codes.length === 0) {
      this.noCodes(at);
      return;
    }
    const setting = settingSchema.safeParse(extensionValue(json, EXT.setting, 'valueCode'));
    const kind = extensionValue(json, EXT.claimKind, 'valueCode');
    const status = this.claimStatus(at);
    const doNotPerform = extensionValue(json, EXT.doNotPerform, 'valueBoolean');
    draft.claims.push({
      id: this.recordId(at.entry) ?? at.entry.id,
      date: span.start,
      ...(span.end !== undefined ? { endDate: span.end } : {}),
      setting: setting.success ? setting.data : 'other',
      codes: this.ordered(codes),
      ...(kind === 'none' ? {} : { kind: 'claim' }),
      ...(status !== undefined ? { status } : {}),
      ...(typeof doNotPerform === 'boolean' ? { doNotPerform } : {}),
    });
  }

  /**
   * A Claim's record status: the export's `record-status`, else Claim.status unless `active`.
   * Claim.status is the claim's financial status (active, cancelled, draft, entered-in-error):
   * `active`, every claim in force, says nothing of the service, the others are carried as data.
   */
  private claimStatus(at: At): string | undefined {
    const own = extensionValue(at.entry.json, EXT.recordStatus, 'valueCode');
    if (typeof own === 'string') return own;
    const status = at.entry.json['status'];
    return typeof status === 'string' && status !== 'active' ? status : undefined;
  }

  /** The codes `read` finds in each object of list `key` of the resource. */
  private listed(at: At, key: string, read: (x: JsonObject, xAt: At) => Code[]): Code[] {
    const list = at.entry.json[key];
    if (list === undefined) return [];
    if (!Array.isArray(list))
      throw this.stop(child(at, key), 'fhir/invalid-resource', `${key} is not a list`);
    return list.flatMap((x, i) => {
      const xAt = child(child(at, key), i);
      if (!isObject(x))
        throw this.stop(xAt, 'fhir/invalid-resource', `${key}[${String(i)}] is not an object`);
      return read(x, xAt);
    });
  }

  private condition(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const codes = this.concept(child(at, 'code'), json['code']);
    codes.push(...this.concepts(at, 'bodySite', 'body-site'), ...this.roleCodes(at));
    const onset =
      json['onsetPeriod'] !== undefined
        ? this.period(child(at, 'onsetPeriod'), json['onsetPeriod'], true)?.start
        : this.dateTimeSpan(at, 'onsetDateTime')?.start;
    if (onset === undefined) return;
    let abatement: IsoDate | undefined;
    if (json['abatementPeriod'] !== undefined) {
      const p = this.period(child(at, 'abatementPeriod'), json['abatementPeriod'], false);
      abatement = p?.end ?? p?.start;
    } else if (json['abatementDateTime'] !== undefined) {
      abatement = this.dateOf(child(at, 'abatementDateTime'), json['abatementDateTime']);
    }
    if (codes.length === 0) {
      this.noCodes(at);
      return;
    }
    const clinicalStatus = firstCode(json['clinicalStatus']);
    const verificationStatus = firstCode(json['verificationStatus']);
    const category = categoryCodes(json['category']);
    draft.conditions.push({
      id: this.recordId(at.entry) ?? at.entry.id,
      onset,
      ...(abatement !== undefined ? { abatement } : {}),
      codes: this.ordered(codes),
      ...(clinicalStatus !== undefined ? { clinicalStatus } : {}),
      ...(verificationStatus !== undefined ? { verificationStatus } : {}),
      ...(category.length > 0 ? { category } : {}),
    });
  }

  private observation(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    let span: { start: IsoDate; end?: IsoDate } | undefined;
    if (json['effectivePeriod'] !== undefined) {
      span = this.period(child(at, 'effectivePeriod'), json['effectivePeriod'], true);
    } else if (json['effectiveDateTime'] !== undefined) {
      span = this.dateTimeSpan(at, 'effectiveDateTime');
    } else if (json['effectiveInstant'] !== undefined) {
      span = this.dateTimeSpan(at, 'effectiveInstant');
    } else {
      this.note(
        'not-carried',
        `Observation/${at.entry.id} is not carried: it has no effective date`,
        at.entry.file,
        at.path,
      );
      return;
    }
    if (span === undefined) return;
    let setting: Setting | undefined;
    if (json['encounter'] !== undefined) {
      setting = this.settingOf(
        this.resolve(child(at, 'encounter'), json['encounter'], 'Encounter'),
      );
    }
    const status = this.status(at);
    const category = categoryCodes(json['category']);
    const recordId = this.recordId(at.entry);
    const noId = extensionValue(json, EXT.noRecordId, 'valueBoolean') === true;
    const shared = {
      ...(noId ? {} : { id: recordId ?? at.entry.id }),
      date: span.start,
      ...(span.end !== undefined ? { endDate: span.end } : {}),
      ...(setting !== undefined ? { setting } : {}),
      ...status,
      ...(category.length > 0 ? { category } : {}),
    };
    const components = json['component'];
    if (Array.isArray(components) && components.length > 0) {
      this.note(
        'not-carried',
        `the code of Observation/${at.entry.id} is not carried: each of its components becomes an observation`,
        at.entry.file,
        `${at.path}.code`,
      );
      for (const [i, c] of components.entries()) {
        const cAt = child(child(at, 'component'), i);
        if (!isObject(c)) continue;
        const made = this.observationOf(cAt, c, shared);
        if (made) draft.observations.push(made);
      }
      return;
    }
    const made = this.observationOf(at, json, shared);
    if (made) draft.observations.push(made);
  }

  /** An observation of the code and value of `json` (the resource or one of its components). */
  private observationOf(
    at: At,
    json: JsonObject,
    shared: Omit<Observation, 'code'>,
  ): Observation | undefined {
    const codes = this.concept(child(at, 'code'), json['code']);
    const [code, ...others] = codes;
    if (code === undefined) {
      this.noCodes(at);
      return undefined;
    }
    if (others.length > 0) {
      this.note(
        'not-carried',
        `${String(others.length)} more coding(s) not carried: an observation has one code (${code.system} ${code.code} is)`,
        at.entry.file,
        `${at.path}.code`,
      );
    }
    const value: { value?: number; unit?: string; valueCode?: Code } = {};
    const quantity = json['valueQuantity'];
    if (isObject(quantity)) {
      if (typeof quantity['value'] === 'number') value.value = quantity['value'];
      const unit = quantity['code'] ?? quantity['unit'];
      if (typeof unit === 'string' && unit !== '') value.unit = unit;
      const coded = extensionValue(json, EXT.valueCode, 'valueCoding');
      if (coded !== undefined) {
        const [valueCode] = this.concept(child(at, 'extension'), { coding: [coded] });
        if (valueCode !== undefined) value.valueCode = valueCode;
      }
    } else if (typeof json['valueInteger'] === 'number') {
      value.value = json['valueInteger'];
    } else if (json['valueCodeableConcept'] !== undefined) {
      const [valueCode] = this.concept(
        child(at, 'valueCodeableConcept'),
        json['valueCodeableConcept'],
      );
      if (valueCode !== undefined) value.valueCode = valueCode;
    } else {
      const other = Object.keys(json).find((k) => k.startsWith('value'));
      if (other !== undefined) {
        this.note(
          'not-carried',
          `${other} is not carried: an observation's value is a number or a code`,
          at.entry.file,
          `${at.path}.${other}`,
        );
      }
    }
    return { ...shared, code, ...value };
  }

  private order(at: At, draft: MemberDraft, kind: OrderKind): void {
    const json = at.entry.json;
    let codes: Code[];
    if (kind === 'medication') {
      if (json['medicationReference'] !== undefined) {
        const medication = this.resolve(
          child(at, 'medicationReference'),
          json['medicationReference'],
          'Medication',
        );
        // The referenced Medication's codes keep a role: a retrieve by `medication in <value set>`
        // reads the request's own medication code, so a pack decides whether these count.
        codes = this.concept(
          { entry: medication, path: `${medication.at}.code` },
          medication.json['code'],
        ).map((c) => ({ ...c, role: 'referenced-medication' }));
      } else
        codes = this.concept(
          child(at, 'medicationCodeableConcept'),
          json['medicationCodeableConcept'],
        );
    } else if (kind === 'device') {
      codes = this.concept(child(at, 'codeCodeableConcept'), json['codeCodeableConcept']);
    } else codes = this.concept(child(at, 'code'), json['code']);
    codes.push(...this.roleCodes(at));
    const date = this.dateTimeSpan(at, 'authoredOn')?.start;
    if (date === undefined) return;
    if (codes.length === 0) {
      this.noCodes(at);
      return;
    }
    const intent = typeof json['intent'] === 'string' ? json['intent'] : undefined;
    const doNotPerform = kind === 'device' ? this.deviceDoNotPerform(at) : json['doNotPerform'];
    const extensionDays = extensionValue(json, EXT.daysSupply, 'valueInteger');
    const daysSupply =
      kind === 'medication'
        ? this.daysSupply(at)
        : typeof extensionDays === 'number'
          ? extensionDays
          : undefined;
    draft.orders.push({
      id: this.recordId(at.entry) ?? at.entry.id,
      kind,
      date,
      ...(daysSupply !== undefined ? { daysSupply } : {}),
      codes: this.ordered(codes),
      ...this.status(at),
      ...(intent !== undefined ? { intent } : {}),
      ...(typeof doNotPerform === 'boolean' ? { doNotPerform } : {}),
    });
  }

  private deviceDoNotPerform(at: At): boolean | undefined {
    const list = at.entry.json['modifierExtension'];
    if (!Array.isArray(list)) return undefined;
    for (const x of list) {
      if (
        isObject(x) &&
        x['url'] === QICORE_DO_NOT_PERFORM &&
        typeof x['valueBoolean'] === 'boolean'
      )
        return x['valueBoolean'];
    }
    return undefined;
  }

  private daysSupply(at: At): number | undefined {
    const request = at.entry.json['dispenseRequest'];
    if (!isObject(request)) return undefined;
    const duration = request['expectedSupplyDuration'];
    if (!isObject(duration)) return undefined;
    const path = `${at.path}.dispenseRequest.expectedSupplyDuration`;
    const unit = duration['code'] ?? duration['unit'];
    const perUnit =
      typeof unit === 'string' ? { d: 1, day: 1, days: 1, wk: 7, week: 7, weeks: 7 }[unit] : 1;
    const value = duration['value'];
    if (typeof value === 'number' && perUnit !== undefined) {
      const days = value * perUnit;
      if (Number.isInteger(days) && days > 0) return days;
    }
    this.note(
      'not-carried',
      `expectedSupplyDuration ${JSON.stringify(value)} ${JSON.stringify(unit)} is not carried: daysSupply is a whole number of days (units d or wk)`,
      at.entry.file,
      path,
    );
    return undefined;
  }

  private measureReport(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const url = json['measure'];
    const measure =
      this.options.measure ??
      (typeof url === 'string' ? this.options.measureForUrl?.(url) : undefined);
    if (measure === undefined) {
      throw this.stop(
        child(at, 'measure'),
        'fhir/unknown-measure',
        `${JSON.stringify(url)} is the url of no measure in the rule packs`,
        'pass --measure <id>, or --rules with a pack whose measure has this url',
      );
    }
    let year = this.options.year;
    if (year === undefined) {
      const period = json['period'];
      const start = isObject(period) ? period['start'] : undefined;
      if (start === undefined) {
        throw this.stop(
          child(at, 'period'),
          'fhir/invalid-resource',
          'the MeasureReport has no period.start to take the year from',
          'pass --year, or give the MeasureReport its period',
        );
      }
      const date = this.dateOf(child(child(at, 'period'), 'start'), start);
      year = Number(date.slice(0, 4));
    }
    const groups = json['group'];
    const group: unknown = Array.isArray(groups) ? groups[0] : undefined;
    if (!isObject(group) || !Array.isArray(group['population'])) {
      throw this.stop(
        child(at, 'group'),
        'fhir/invalid-resource',
        'the MeasureReport has no group[0].population',
      );
    }
    if (Array.isArray(groups) && groups.length > 1) {
      this.note(
        'not-carried',
        'only group[0] of a MeasureReport is read',
        at.entry.file,
        `${at.path}.group`,
      );
    }
    const populations = group['population'];
    const counts = new Map<string, number>();
    for (const p of populations) {
      if (!isObject(p)) continue;
      const code = firstCode(p['code']);
      if (code !== undefined && typeof p['count'] === 'number') counts.set(code, p['count']);
    }
    const flag = (code: string, required: boolean): boolean => {
      const count = counts.get(code);
      if (count === undefined && required) {
        throw this.stop(
          child(child(at, 'group'), 0),
          'fhir/invalid-resource',
          `the MeasureReport has no population with code ${code}`,
        );
      }
      return (count ?? 0) > 0;
    };
    if (flag('denominator-exception', false)) {
      this.note(
        'denominator-exception',
        'denominator-exception is counted 1 and not carried: outcomes have no denominator exception',
        at.entry.file,
        `${at.path}.group[0].population`,
      );
    }
    const row: ExpectedOutcome = {
      memberId: draft.patient.id,
      measure,
      year,
      initialPopulation: flag(POPULATION_CODES.initialPopulation, true),
      denominator: flag(POPULATION_CODES.denominator, true),
      denominatorExclusion: flag(POPULATION_CODES.denominatorExclusion, false),
      numerator: flag(POPULATION_CODES.numerator, true),
    };
    if (draft.expected.some((o) => o.measure === row.measure && o.year === row.year)) {
      throw this.stop(
        at,
        'fhir/conflicting-duplicate',
        `a second MeasureReport for Patient/${draft.patient.id}, ${measure} ${String(year)}`,
        'keep one MeasureReport per patient and measure',
      );
    }
    draft.expected.push(row);
  }

  /** Modifier extensions change a resource's meaning: reported unless in `read`. */
  private modifierExtensions(at: At, read: readonly string[]): void {
    const list = at.entry.json['modifierExtension'];
    if (!Array.isArray(list)) return;
    for (const [i, x] of list.entries()) {
      const url = isObject(x) ? x['url'] : undefined;
      if (typeof url === 'string' && read.includes(url)) continue;
      this.note(
        'modifier-extension',
        `modifier extension ${JSON.stringify(url)} is not applied`,
        at.entry.file,
        `${at.path}.modifierExtension[${String(i)}]`,
      );
    }
  }

  /** The codes of the CodeableConcepts in list `key` of the resource. */
  private concepts(at: At, key: string, role?: string): Code[] {
    const list = at.entry.json[key];
    if (list === undefined) return [];
    if (!Array.isArray(list))
      throw this.stop(child(at, key), 'fhir/invalid-resource', `${key} is not a list`);
    return list.flatMap((c, i) => this.concept(child(child(at, key), i), c, role));
  }

  /** The codes of known systems of a CodeableConcept; other systems are noted once per file. */
  private concept(at: At, concept: unknown, role?: string): Code[] {
    if (concept === undefined) return [];
    if (!isObject(concept)) throw this.stop(at, 'fhir/invalid-resource', 'not a CodeableConcept');
    const codings = concept['coding'];
    if (!Array.isArray(codings)) return [];
    const codes: Code[] = [];
    for (const [i, coding] of codings.entries()) {
      if (!isObject(coding) || typeof coding['code'] !== 'string' || coding['code'] === '')
        continue;
      const uri = coding['system'];
      const system = typeof uri === 'string' ? codeSystemFromFhirUri(uri) : undefined;
      if (system === undefined) {
        const key = `${at.entry.file}\n${String(uri)}`;
        if (!this.notedSystems.has(key)) {
          this.notedSystems.add(key);
          this.note(
            'unknown-code-system',
            `codes of system ${JSON.stringify(uri ?? null)} are not carried (not a known code system)`,
            at.entry.file,
            `${at.path}.coding[${String(i)}].system`,
          );
        }
        continue;
      }
      codes.push(this.codeOf(coding, system, coding['code'], role));
    }
    return codes;
  }

  /**
   * A code of a coding, with what the export's coding extensions say: the code system when the URI
   * does not (`CPT-CAT-II`), the modifiers, a role, the position among the record's codes.
   */
  private codeOf(coding: JsonObject, uriSystem: Code['system'], code: string, role?: string): Code {
    const named = codeSystemSchema.safeParse(extensionValue(coding, EXT.codeSystem, 'valueCode'));
    const ownRole = extensionValue(coding, EXT.role, 'valueCode');
    const modifiers = extensionValues(coding, EXT.modifier, 'valueString').filter(
      (m): m is string => typeof m === 'string' && m !== '',
    );
    const noModifiers = extensionValue(coding, EXT.noModifiers, 'valueBoolean') === true;
    const finalRole = typeof ownRole === 'string' ? ownRole : role;
    const recordCode = extensionValue(coding, EXT.recordCode, 'valueString');
    const out: Code = {
      system: named.success ? named.data : uriSystem,
      code: typeof recordCode === 'string' && recordCode !== '' ? recordCode : code,
      ...(modifiers.length > 0 || noModifiers ? { modifiers } : {}),
      ...(finalRole !== undefined ? { role: finalRole } : {}),
    };
    const index = extensionValue(coding, EXT.index, 'valueInteger');
    if (typeof index === 'number') this.codeIndex.set(out, index);
    return out;
  }

  /** The codes the export put in `role-code` extensions of the resource. */
  private roleCodes(at: At): Code[] {
    const list = at.entry.json['extension'];
    if (!Array.isArray(list)) return [];
    return list.flatMap((x, i) =>
      isObject(x) && x['url'] === EXT.roleCode && isObject(x['valueCoding'])
        ? this.concept(child(child(at, 'extension'), i), { coding: [x['valueCoding']] })
        : [],
    );
  }

  /** The codes in their record order, when every one carries its position (`code-index`). */
  private ordered(codes: Code[]): Code[] {
    const positions = codes.map((c) => this.codeIndex.get(c));
    if (positions.some((p) => p === undefined)) return codes;
    return codes
      .map((c, i) => ({ c, p: positions[i] ?? 0 }))
      .sort((a, b) => a.p - b.p)
      .map((x) => x.c);
  }

  /** The record id the export kept in `record-id` when the resource id could not be it. */
  private recordId(e: FhirEntry): string | undefined {
    const id = extensionValue(e.json, EXT.recordId, 'valueString');
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  private dispense(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const codes = this.concept(
      child(at, 'medicationCodeableConcept'),
      json['medicationCodeableConcept'],
    );
    const [code, ...others] = codes;
    const key = json['whenHandedOver'] !== undefined ? 'whenHandedOver' : 'whenPrepared';
    const date = this.dateTimeSpan(at, key)?.start;
    if (date === undefined) return;
    if (code === undefined) {
      this.noCodes(at);
      return;
    }
    if (others.length > 0) {
      this.note(
        'not-carried',
        `${String(others.length)} more coding(s) not carried: a dispensing has one code`,
        at.entry.file,
        `${at.path}.medicationCodeableConcept`,
      );
    }
    const supply = json['daysSupply'];
    const days = isObject(supply) ? supply['value'] : undefined;
    const unit = isObject(supply) ? (supply['code'] ?? supply['unit']) : undefined;
    if (
      typeof days !== 'number' ||
      !Number.isInteger(days) ||
      days < 1 ||
      !(unit === undefined || unit === 'd' || unit === 'day' || unit === 'days')
    ) {
      this.note(
        'not-carried',
        `MedicationDispense/${at.entry.id} is not carried: it has no daysSupply in whole days`,
        at.entry.file,
        `${at.path}.daysSupply`,
      );
      return;
    }
    const concept = json['medicationCodeableConcept'];
    const drug = isObject(concept) ? concept['text'] : undefined;
    draft.dispensings.push({
      date,
      daysSupply: days,
      code,
      ...(typeof drug === 'string' && drug !== '' ? { drug } : {}),
    });
  }

  private coverage(at: At, draft: MemberDraft): void {
    const json = at.entry.json;
    const productLine = productLineOf(json['type']);
    const period = isObject(json['period'])
      ? this.period(child(at, 'period'), json['period'], false)
      : undefined;
    if (productLine === undefined || period?.end === undefined) {
      this.note(
        'not-carried',
        `Coverage/${at.entry.id} is not carried: an enrollment needs a product line (type, ${SOPT_SYSTEM} 1 Medicare, 2 Medicaid, 5 private) and a period with a start and an end`,
        at.entry.file,
        at.path,
      );
      return;
    }
    const medical = extensionValue(json, EXT.medicalBenefit, 'valueBoolean');
    const pharmacy = extensionValue(json, EXT.pharmacyBenefit, 'valueBoolean');
    draft.enrollments.push({
      start: period.start,
      end: period.end,
      productLine,
      medical: typeof medical === 'boolean' ? medical : true,
      pharmacy: typeof pharmacy === 'boolean' ? pharmacy : false,
    });
  }

  /** The statuses the export wrote on the Patient (`member-status` extensions). */
  private statuses(at: At): Status[] {
    const list = at.entry.json['extension'];
    if (!Array.isArray(list)) return [];
    const out: Status[] = [];
    for (const [i, x] of list.entries()) {
      if (!isObject(x) || x['url'] !== EXT.memberStatus) continue;
      const kind = extensionValue(x, 'kind', 'valueCode');
      const period = extensionValue(x, 'period', 'valuePeriod');
      const xAt = child(child(at, 'extension'), i);
      const span = isObject(period) ? this.period(xAt, period, false) : undefined;
      if ((kind !== 'hospice' && kind !== 'isnp' && kind !== 'lti') || span?.end === undefined) {
        throw this.stop(
          xAt,
          'fhir/invalid-resource',
          'a member-status extension needs a kind (hospice, isnp, lti) and a period with a start and an end',
        );
      }
      out.push({ kind, start: span.start, end: span.end });
    }
    return out;
  }

  private noCodes(at: At): void {
    this.note(
      'not-carried',
      `${at.entry.type}/${at.entry.id}${at.path === at.entry.at ? '' : ` (${at.path.slice(at.entry.at.length + 1)})`} is not carried: it has no code of a known code system`,
      at.entry.file,
      at.path,
    );
  }

  private status(at: At): { status?: string } {
    const status = at.entry.json['status'];
    return typeof status === 'string' ? { status } : {};
  }

  private settingOf(encounter: FhirEntry): Setting {
    const cls = encounter.json['class'];
    const code = isObject(cls) ? cls['code'] : undefined;
    if (isObject(cls) && cls['system'] === SETTING_CLASS_SYSTEM) {
      const setting = settingSchema.safeParse(code);
      if (setting.success) return setting.data;
    }
    return (typeof code === 'string' ? ENCOUNTER_CLASS_SETTINGS.get(code) : undefined) ?? 'other';
  }

  /** A dateTime element as a one-day span; a missing one is noted (the record is not carried). */
  private dateTimeSpan(at: At, key: string): { start: IsoDate; end?: IsoDate } | undefined {
    const value = at.entry.json[key];
    if (value === undefined) {
      this.note(
        'not-carried',
        `${at.entry.type}/${at.entry.id} is not carried: it has no ${key}`,
        at.entry.file,
        at.path,
      );
      return undefined;
    }
    return { start: this.dateOf(child(at, key), value) };
  }

  /** A Period's start and end; without a start it is noted (`required`) and undefined. */
  private period(
    at: At,
    value: unknown,
    required: boolean,
  ): { start: IsoDate; end?: IsoDate } | undefined {
    if (!isObject(value)) throw this.stop(at, 'fhir/invalid-resource', 'not a Period');
    const start =
      value['start'] !== undefined ? this.dateOf(child(at, 'start'), value['start']) : undefined;
    const end =
      value['end'] !== undefined ? this.dateOf(child(at, 'end'), value['end']) : undefined;
    if (start === undefined) {
      if (required) {
        this.note(
          'not-carried',
          `${at.entry.type}/${at.entry.id} is not carried: its period has no start`,
          at.entry.file,
          at.path,
        );
        return undefined;
      }
      return end === undefined ? undefined : { start: end, end };
    }
    if (end !== undefined && end < start) {
      throw this.stop(
        child(at, 'end'),
        'fhir/invalid-resource',
        `the period ends (${end}) before it starts (${start})`,
      );
    }
    return { start, ...(end !== undefined ? { end } : {}) };
  }

  /** The calendar date of a FHIR date or dateTime; not a date is a problem (thrown). */
  private dateOf(at: At, value: unknown): IsoDate {
    if (typeof value !== 'string') {
      throw this.stop(at, 'fhir/invalid-date', `${JSON.stringify(value ?? null)} is not a date`);
    }
    const read = readFhirDate(value);
    if (read.kind === 'date') return read.date;
    if (read.kind === 'partial') {
      throw this.stop(
        at,
        'fhir/invalid-date',
        `${value} has no day: the member record needs a calendar date`,
        'write the full date, e.g. 2025-03-01',
      );
    }
    throw this.stop(
      at,
      'fhir/invalid-date',
      `${value} ${read.reason}`,
      'a FHIR date is YYYY-MM-DD, a dateTime YYYY-MM-DDThh:mm:ss+zz:zz; the day must exist in its month',
    );
  }

  private problemAt(at: At, code: ProblemCode, message: string, hint = HINT): Problem {
    return { code, message, file: at.entry.file, path: at.path, hint };
  }

  private stop(at: At, code: ProblemCode, message: string, hint = HINT): ResourceError {
    return new ResourceError(this.problemAt(at, code, message, hint));
  }

  private finish(files: number, resources: number, drafts: Map<string, MemberDraft>): FhirImport {
    const badUnits = new Set(this.problems.flatMap((p) => (p.unit !== undefined ? [p.unit] : [])));
    const badPatients = new Set(
      this.problems.flatMap((p) => (p.patient !== undefined ? [p.patient] : [])),
    );
    const cases: FhirCase[] = [];
    const skipped: string[] = [];
    for (const [id, draft] of drafts) {
      let member: Member | undefined;
      try {
        member = this.member(draft);
      } catch (error) {
        if (!(error instanceof ResourceError)) throw error;
        this.problems.push({ patient: id, problem: error.problem });
      }
      if (
        member === undefined ||
        badPatients.has(id) ||
        [...draft.units].some((u) => badUnits.has(u))
      ) {
        skipped.push(id);
        continue;
      }
      cases.push({ member, expected: draft.expected });
    }
    return {
      files,
      resources,
      patients: drafts.size,
      cases,
      skipped,
      problems: this.problems.map((p) => p.problem),
      notes: this.notes,
    };
  }

  private member(draft: MemberDraft): Member {
    const e = draft.patient;
    const at: At = { entry: e, path: e.at };
    const json = e.json;
    if (json['birthDate'] === undefined) {
      throw this.stop(
        child(at, 'birthDate'),
        'fhir/invalid-resource',
        `Patient/${e.id} has no birthDate`,
      );
    }
    const birthDate = this.dateOf(child(at, 'birthDate'), json['birthDate']);
    const deathDate =
      json['deceasedDateTime'] !== undefined
        ? this.dateOf(child(at, 'deceasedDateTime'), json['deceasedDateTime'])
        : undefined;
    if (json['deceasedBoolean'] === true) {
      this.note(
        'not-carried',
        'deceasedBoolean is not carried: a death needs a date (deceasedDateTime)',
        e.file,
        `${e.at}.deceasedBoolean`,
      );
    }
    this.modifierExtensions(at, []);
    const gender = json['gender'];
    const member = {
      id: this.recordId(e) ?? e.id,
      birthDate,
      sex: gender === 'female' ? 'F' : gender === 'male' ? 'M' : 'U',
      ...(deathDate !== undefined ? { deathDate } : {}),
      enrollments: draft.enrollments,
      statuses: this.statuses(at),
      claims: draft.claims,
      dispensings: draft.dispensings,
      observations: draft.observations,
      ...(draft.conditions.length > 0 ? { conditions: draft.conditions } : {}),
      ...(draft.orders.length > 0 ? { orders: draft.orders } : {}),
    };
    const parsed = memberSchema.safeParse(member);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw this.stop(
      at,
      'fhir/invalid-resource',
      `Patient/${e.id} makes no valid member record: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
    );
  }
}

/** The value (`valueX`) of the first extension of `json` with this url. */
function extensionValue(json: JsonObject, url: string, valueKey: string): unknown {
  return extensionValues(json, url, valueKey)[0];
}

/** The values (`valueX`) of the extensions of `json` with this url, in order. */
function extensionValues(json: JsonObject, url: string, valueKey: string): unknown[] {
  const list = json['extension'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((x) => (isObject(x) && x['url'] === url ? [x[valueKey]] : []));
}

/** The product line of a Coverage.type: its Source of Payment Typology major category. */
function productLineOf(type: unknown): ProductLine | undefined {
  if (!isObject(type) || !Array.isArray(type['coding'])) return undefined;
  for (const coding of type['coding']) {
    if (!isObject(coding) || coding['system'] !== SOPT_SYSTEM) continue;
    const code = coding['code'];
    if (typeof code !== 'string') continue;
    const line = ({ '1': 'medicare', '2': 'medicaid', '5': 'commercial' } as const)[code.charAt(0)];
    if (line !== undefined) return line;
  }
  return undefined;
}

/** A MeasureReport's subject as the test-case Parameters give it (`subject` valueString). */
function subjectParameter(json: JsonObject): string | undefined {
  const contained = json['contained'];
  if (!Array.isArray(contained)) return undefined;
  for (const c of contained) {
    if (!isObject(c) || c['resourceType'] !== 'Parameters' || !Array.isArray(c['parameter']))
      continue;
    for (const p of c['parameter']) {
      if (isObject(p) && p['name'] === 'subject' && typeof p['valueString'] === 'string') {
        return p['valueString'];
      }
    }
  }
  return undefined;
}

/** Whether a Claim.supportingInfo.category is `discharge` (claim information category). */
function isDischarge(category: unknown): boolean {
  if (!isObject(category) || !Array.isArray(category['coding'])) return false;
  return category['coding'].some(
    (c) => isObject(c) && c['system'] === CLAIM_INFO_CATEGORY_SYSTEM && c['code'] === 'discharge',
  );
}

/** The code of the first coding of a CodeableConcept (statuses: any system). */
function firstCode(concept: unknown): string | undefined {
  if (!isObject(concept) || !Array.isArray(concept['coding'])) return undefined;
  for (const coding of concept['coding']) {
    if (isObject(coding) && typeof coding['code'] === 'string') return coding['code'];
  }
  return undefined;
}

/** Every coding's code of a list of CodeableConcepts (categories: any system), once each. */
function categoryCodes(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const codes = new Set<string>();
  for (const concept of list) {
    if (!isObject(concept) || !Array.isArray(concept['coding'])) continue;
    for (const coding of concept['coding']) {
      if (isObject(coding) && typeof coding['code'] === 'string' && coding['code'] !== '')
        codes.add(coding['code']);
    }
  }
  return [...codes];
}

function withoutMeta(json: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(json).filter(([key]) => key !== 'meta'));
}

/** JSON text with object keys sorted, so two copies compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}
