import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeClause } from '../../src/engine/explain.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { ClauseTrace } from '../../src/engine/trace.ts';
import { memberSchema } from '../../src/model/member.ts';
import type { Problem } from '../../src/model/problem.ts';
import { formatProblem } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import type { CompiledPack } from '../../src/rulepack/compiled.ts';
import { scratchFolder } from './tempPacks.ts';

/**
 * Small packs written in a test: one measure TST (year 2025, commercial) whose numerator is the
 * clause under test, over the value sets of CLINICAL_VALUE_SETS (illustrative public codes).
 */
export const CLINICAL_VALUE_SETS = `value_set,code_system,code,display
Encounter Inpatient,SNOMEDCT,183452005,Emergency hospital admission
Office Visit,CPT,99213,Office visit
Hospice Discharge,SNOMEDCT,428361000124107,Discharge to home for hospice care
Diabetes,ICD10CM,E11.9,Type 2 diabetes mellitus without complications
Malignant Neoplasm,ICD10CM,C18.9,Malignant neoplasm of colon
Colonoscopy,CPT,45378,Colonoscopy
Statin,RXNORM,617312,atorvastatin 10 MG Oral Tablet
Systolic BP,LOINC,8480-6,Systolic blood pressure
Diastolic BP,LOINC,8462-4,Diastolic blood pressure
Housing Status,LOINC,71802-3,Housing status
Lives In Nursing Home,SNOMEDCT,160734000,Lives in a nursing home
Fecal Occult Blood,LOINC,2335-8,Hemoglobin.gastrointestinal in Stool
Left,SNOMEDCT,7771000,Left
`;

const scratch = scratchFolder('clauses');
let packs = 0;

/** Writes a pack whose TST numerator is `clause` (YAML, at the indentation of a top-level key). */
export function writeClausePack(clause: string): string {
  const dir = join(scratch, `pack-${String(++packs)}`);
  mkdirSync(join(dir, 'measures'), { recursive: true });
  mkdirSync(join(dir, 'valuesets'), { recursive: true });
  writeFileSync(
    join(dir, 'pack.yaml'),
    [
      'id: clauses-2025',
      'family: test',
      'year: 2025',
      'version: 1.0.0',
      'title: Clauses under test',
      'notice: A test pack of made-up clauses over illustrative public codes.',
      'productLines: [commercial]',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'valuesets', 'clinical.csv'), CLINICAL_VALUE_SETS);
  const indented = clause
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  writeFileSync(
    join(dir, 'measures', 'tst.yaml'),
    [
      'id: TST',
      'title: Test',
      'productLines: [commercial]',
      'initialPopulation:',
      '  id: everyone',
      '  age: { min: 0 }',
      'numerator:',
      '  id: n',
      indented,
      '',
    ].join('\n'),
  );
  return dir;
}

/** The problems of compiling a pack whose numerator is `clause` (none: an empty list). */
export function clauseProblems(clause: string): readonly Problem[] {
  const loaded = loadPack(writeClausePack(clause));
  return loaded.ok ? [] : loaded.problems;
}

export function clausePack(clause: string): CompiledPack {
  const loaded = loadPack(writeClausePack(clause));
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return loaded.value;
}

/** Evaluates the numerator clause for a member with the given records. */
export function verdict(
  pack: CompiledPack,
  /** The member's records as in a member file (parsed like one). */
  records: Readonly<Record<string, unknown>>,
): { result: boolean; text: string; trace: ClauseTrace } {
  const measure = pack.measures.get('TST');
  if (!measure) throw new Error('no TST measure');
  const member = memberSchema.parse({ id: 'M1', birthDate: '1960-01-01', sex: 'F', ...records });
  const { trace } = evaluateMeasure(
    measure,
    { measure: 'TST', year: 2025, productLine: 'commercial' },
    member,
  );
  const node = trace.rates[0]?.trace;
  if (!node) throw new Error('no numerator trace');
  return { result: node.result, text: describeClause(node), trace: node };
}
