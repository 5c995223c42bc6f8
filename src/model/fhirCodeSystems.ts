import type { CodeSystem } from './member.ts';

/**
 * The FHIR code system URIs measurecheck reads, and the code system of the member record each
 * stands for. One table, shared by every reader of FHIR resources (ValueSet expansions, imported
 * clinical resources), so they agree on what a coding means. Codes of any other system are not
 * carried.
 */
const FHIR_CODE_SYSTEMS: readonly (readonly [uri: string, system: CodeSystem])[] = [
  ['http://hl7.org/fhir/sid/icd-10-cm', 'ICD10CM'],
  ['http://www.cms.gov/Medicare/Coding/ICD10', 'ICD10PCS'],
  ['http://www.ama-assn.org/go/cpt', 'CPT'],
  ['https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', 'HCPCS'],
  ['http://loinc.org', 'LOINC'],
  ['http://snomed.info/sct', 'SNOMEDCT'],
  ['http://www.nlm.nih.gov/research/umls/rxnorm', 'RXNORM'],
  ['http://hl7.org/fhir/sid/ndc', 'NDC'],
];

const BY_URI: ReadonlyMap<string, CodeSystem> = new Map(FHIR_CODE_SYSTEMS);
const BY_SYSTEM: ReadonlyMap<CodeSystem, string> = new Map(
  FHIR_CODE_SYSTEMS.map(([uri, system]) => [system, uri]),
);

/**
 * The code system a FHIR `system` URI stands for, or undefined for a system measurecheck does not
 * carry.
 *
 * @example
 * codeSystemFromFhirUri('http://loinc.org'); // 'LOINC'
 */
export function codeSystemFromFhirUri(uri: string): CodeSystem | undefined {
  return BY_URI.get(uri);
}

/**
 * The FHIR `system` URI of one of our code systems; undefined for one FHIR has no URI for here
 * (CPT-CAT-II codes are CPT codes in FHIR).
 */
export function fhirUriOfCodeSystem(system: CodeSystem): string | undefined {
  return BY_SYSTEM.get(system);
}
