import type { CodeSystem } from '../model/member.ts';

/**
 * A value set compiled to sets of normalized codes per code system, for O(1) membership tests.
 */
export interface ValueSet {
  readonly name: string;
  readonly file: string;
  /**
   * Set on a value set declared by OID (`valuesets/*.yaml`): its codes come from a FHIR ValueSet
   * Bundle at run time; until then (`pack validate`, `pack diff`) it has none.
   */
  readonly oid?: OidDeclaration;
  readonly codes: ReadonlyMap<CodeSystem, ReadonlySet<string>>;
  /** Display text by `system|normalized code`, for explanations. */
  readonly display: ReadonlyMap<string, string>;
  readonly size: number;
  /**
   * Codes that look as if they belong and do not (`near-misses/*.csv`), each with why: the
   * generator puts them where the value set's codes go. Absent when the pack lists none.
   */
  readonly nearMisses?: readonly NearMissCode[];
}

/** A decoy code of a value set, as the pack lists it. */
export interface NearMissCode {
  readonly system: CodeSystem;
  /** Normalized as the value set's codes are. */
  readonly code: string;
  readonly reason: string;
  /** A public page that names the code, when its identity is a public fact. */
  readonly source?: string;
  readonly file: string;
  readonly line: number;
}

/** Where a value set by OID is declared, and whether its codes were read from a bundle. */
export interface OidDeclaration {
  readonly oid: string;
  readonly source?: string;
  /** The line of the declaration in `file`. */
  readonly line: number;
  /** The bundle its codes were read from; absent while it is not expanded. */
  readonly expandedFrom?: string;
  /** Codes of the bundle's ValueSet in code systems measurecheck does not carry: left out. */
  readonly skippedCodes?: number;
}

/**
 * Codes are compared after trimming and upper-casing; ICD-10 codes also without their dot, since
 * claims carry `Z51.5` and `Z515` alike. Implementations are expected to match the same way.
 */
export function normalizeCode(system: CodeSystem, code: string): string {
  const upper = code.trim().toUpperCase();
  return system === 'ICD10CM' || system === 'ICD10PCS' ? upper.replaceAll('.', '') : upper;
}

export function valueSetHas(vs: ValueSet, system: CodeSystem, code: string): boolean {
  return vs.codes.get(system)?.has(normalizeCode(system, code)) ?? false;
}
