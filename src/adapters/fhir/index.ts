/**
 * FHIR R4 import: resources (loose files, folders, Bundles) read into member records and the
 * expected outcomes of their MeasureReports. The mapping is described in docs/fhir.md.
 */
export { importFhir } from './importFhir.ts';
export type {
  FhirCase,
  FhirImport,
  FhirNote,
  FhirNoteKind,
  ImportFhirOptions,
} from './importFhir.ts';
export { readFhirDate } from './fhirDates.ts';
export type { FhirDate } from './fhirDates.ts';
