/**
 * FHIR R4 import: resources (loose files, folders, Bundles) read into member records and the
 * expected outcomes of their MeasureReports; and the export of a member record as a Bundle, its
 * exact inverse. The mapping is described in docs/fhir.md.
 */
export { importFhir, importFhirDocuments } from './importFhir.ts';
export type {
  FhirCase,
  FhirImport,
  FhirNote,
  FhirNoteKind,
  ImportFhirOptions,
} from './importFhir.ts';
export { exportFhir } from './exportFhir.ts';
export type { FhirBundle, FhirResource } from './exportFhir.ts';
export { readFhirDate } from './fhirDates.ts';
export type { FhirDate } from './fhirDates.ts';
