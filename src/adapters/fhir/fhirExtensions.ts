import type { ProductLine } from '../../model/member.ts';

/**
 * The extensions measurecheck writes where a member record has a field FHIR R4 has no place for,
 * so that `importFhir` reads back exactly what `exportFhir` wrote. The host is `.invalid` (a name
 * reserved never to resolve): the URLs identify the extensions, there is nothing to fetch.
 */
const BASE = 'https://measurecheck.invalid/fhir/StructureDefinition/';

export const EXT = {
  /**
   * On a Coding: the code as the record has it, when the coding's code is its canonical FHIR form
   * instead (trimmed, upper case, an ICD-10-CM code with its dot; `fhirCode` in exportFhir.ts).
   */
  recordCode: `${BASE}record-code`,
  /** On a Coding: the code system when the URI alone does not say it (`CPT-CAT-II`). */
  codeSystem: `${BASE}code-system`,
  /** On a Coding, repeated in order: one modifier of the code (CPT/HCPCS modifiers). */
  modifier: `${BASE}code-modifier`,
  /** On a Coding: the code has an empty list of modifiers (`modifiers: []`). */
  noModifiers: `${BASE}code-no-modifiers`,
  /** On a Coding: the code's role when the element it is in does not imply it. */
  role: `${BASE}code-role`,
  /** On a Coding: its position among the record's codes, when the FHIR elements reorder them. */
  index: `${BASE}code-index`,
  /** On a resource, repeated: a code with a role the resource has no element for (valueCoding). */
  roleCode: `${BASE}role-code`,
  /** On a resource: the record's id when the resource id cannot be it (not a FHIR id, or reused). */
  recordId: `${BASE}record-id`,
  /** On an Observation: the observation record has no id. */
  noRecordId: `${BASE}no-record-id`,
  /**
   * On a Claim: `none`, the record has no kind (a Claim without it is `kind: claim`). Exports before
   * payer claims were Claims wrote it on an Encounter (`claim` or `none`); the import still reads it.
   */
  claimKind: `${BASE}claim-kind`,
  /** On a Procedure or Claim: the claim's setting when it is not `other`. */
  setting: `${BASE}setting`,
  /**
   * On a Claim: the record's status (`finished`, `entered-in-error`...). Claim.status is the
   * claim's financial status, written `active`, so the record's own status cannot go there.
   */
  recordStatus: `${BASE}record-status`,
  /**
   * On an Encounter: the claim has no endDate. Its period.end repeats the start, since a claim
   * without an end date is that one day (docs/contract.md) and a FHIR period without an end has an
   * unknown end (CQL reads it so): the import drops the end again.
   */
  noEndDate: `${BASE}no-end-date`,
  /** On an Encounter, Procedure or Claim: the claim's doNotPerform. */
  doNotPerform: `${BASE}do-not-perform`,
  /** On a DeviceRequest or ServiceRequest: the order's daysSupply. */
  daysSupply: `${BASE}days-supply`,
  /** On an Observation with a number: its coded value too (valueCoding). */
  valueCode: `${BASE}value-code`,
  /** On a Coverage: whether it includes the medical / pharmacy benefit (valueBoolean). */
  medicalBenefit: `${BASE}medical-benefit`,
  pharmacyBenefit: `${BASE}pharmacy-benefit`,
  /** On a Patient, repeated: a status span (sub-extensions `kind` valueCode, `period` valuePeriod). */
  memberStatus: `${BASE}member-status`,
} as const;

/** Encounter.class codes of the settings v3 ActCode has no code for (`lab`, `other`). */
export const SETTING_CLASS_SYSTEM = 'https://measurecheck.invalid/fhir/CodeSystem/setting';
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/**
 * Coverage.type: the Source of Payment Typology (https://nahdo.org/sopt, the URI HL7 Terminology
 * endorses: https://build.fhir.org/ig/HL7/UTG/ECS_MR-SOPT.html). Its major categories are the
 * first digit: 1 Medicare, 2 Medicaid, 5 private health insurance.
 */
export const SOPT_SYSTEM = 'https://nahdo.org/sopt';
export const SOPT_CODES: Readonly<Record<ProductLine, string>> = {
  medicare: '1',
  medicaid: '2',
  commercial: '5',
};

export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const CONDITION_CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const CONDITION_VERIFICATION_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const CONDITION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-category';
export const OBSERVATION_CATEGORY_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/observation-category';

/** Claim.type (https://hl7.org/fhir/R4/valueset-claim-type.html): institutional or professional. */
export const CLAIM_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/claim-type';
/**
 * Claim.supportingInfo.category (https://hl7.org/fhir/R4/codesystem-claim-informationcategory.html):
 * `discharge` is "discharge status and discharge to locations", where a discharge disposition goes.
 */
export const CLAIM_INFO_CATEGORY_SYSTEM =
  'http://terminology.hl7.org/CodeSystem/claiminformationcategory';

/** A FHIR id (R4 `id` type); references are written `Type/<id>`. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
