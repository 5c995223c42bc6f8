/**
 * The public library API of measurecheck: load and compile rule packs, evaluate members with the
 * reference engine and explain the result, generate members, run an implementation through the
 * harness, and author packs (new year, diff, release).
 *
 * @example
 * import { loadPack, evaluateMeasure } from 'measurecheck';
 * const pack = loadPack('rules/hedis/2025');
 * if (pack.ok) {
 *   const measure = pack.value.measures.get('COL-E');
 * }
 */
export { memberSchema, strictMemberSchema, PRODUCT_LINES, CODE_SYSTEMS } from './model/member.ts';
export type { Member, MemberInput, ProductLine, CodeSystem } from './model/member.ts';
export { requestSchema } from './model/request.ts';
export type { Request } from './model/request.ts';
export { outcomeSchema, POPULATIONS } from './model/outcome.ts';
export type { Outcome, Population } from './model/outcome.ts';
export { readMemberFile, parseMemberText } from './model/memberFile.ts';
export { formatProblem, MeasurecheckError } from './model/problem.ts';
export { exportFhir, importFhir, importFhirDocuments } from './adapters/fhir/index.ts';
export type {
  FhirBundle,
  FhirCase,
  FhirImport,
  FhirNote,
  ImportFhirOptions,
} from './adapters/fhir/index.ts';
export type { Problem, Result } from './model/problem.ts';

export { loadPack, compilePack } from './rulepack/compile.ts';
export type { CompiledPack, CompiledMeasure, CompiledClause } from './rulepack/compiled.ts';
export { shippedPackDir, shippedYears } from './rulepack/shipped.ts';
export { packJsonSchemas } from './rulepack/jsonSchema.ts';
export { diffPacks } from './rulepack/diff/index.ts';
export type { PackDiff, PackChange } from './rulepack/diff/index.ts';
export { formatPackDiff, packDiffJson } from './report/packDiffText.ts';
export { packChangeMessage } from './report/packChangeText.ts';
export { startNewYear } from './rulepack/newYear.ts';
export { releasePack } from './rulepack/release.ts';

export { evaluateMeasure } from './engine/evaluate.ts';
export { decidingClauses, describeClause, renderClauseTree } from './engine/explain.ts';
export type { Evaluation, ClauseTrace, MeasureTrace, Evidence } from './engine/trace.ts';

export { memberArbitrary, measureBoundaries } from './generate/index.ts';
export type { GeneratorMode } from './generate/index.ts';

export { openImplementation } from './adapters/openImplementation.ts';
export type { ImplementationInput } from './adapters/processAdapter.ts';
export { ImplementationError } from './adapters/implementation.ts';
export type {
  Implementation,
  Case,
  CaseAnswer,
  EvaluateOptions,
  ImplementationErrorCode,
} from './adapters/implementation.ts';

export { runCheck } from './harness/check.ts';
export type {
  CheckOptions,
  CheckResult,
  Finding,
  GivenAnswer,
  StopReason,
} from './harness/check.ts';
export { compareOutcomes } from './harness/compare.ts';

export { formatExplanation } from './report/explanation.ts';
export { ConsoleReporter } from './report/consoleReporter.ts';
export { JsonReporter } from './report/jsonReporter.ts';
export { JUnitReporter, formatJUnit } from './report/junitReporter.ts';
export type { Reporter, RunInfo } from './report/reporter.ts';
