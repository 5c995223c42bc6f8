import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { SETTINGS } from '../../model/member.ts';
import type { Code, CodeSystem, Setting } from '../../model/member.ts';
import { normalizeCode } from '../../rulepack/valueSet.ts';
import type { BoundaryCode, EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import { pick, preferFirst } from './choice.ts';

/** Common codes of everyday care, used as noise; any that a value set holds are dropped. */
const NOISE: readonly Code[] = [
  { system: 'ICD10CM', code: 'I10' },
  { system: 'ICD10CM', code: 'E11.9' },
  { system: 'ICD10CM', code: 'Z00.00' },
  { system: 'ICD10CM', code: 'J06.9' },
  { system: 'ICD10CM', code: 'E78.5' },
  { system: 'ICD10CM', code: 'K21.9' },
  { system: 'CPT', code: '99213' },
  { system: 'CPT', code: '99214' },
  { system: 'CPT', code: '80053' },
  { system: 'CPT', code: '85025' },
  { system: 'CPT', code: '36415' },
  { system: 'HCPCS', code: 'G0439' },
  { system: 'CPT-CAT-II', code: '1036F' },
  { system: 'LOINC', code: '4548-4' },
  { system: 'LOINC', code: '8480-6' },
  { system: 'LOINC', code: '2093-3' },
  { system: 'SNOMEDCT', code: '38341003' },
];

/**
 * Drug names for dispensings that must not count: everyday drugs, and near misses of the shipped
 * lists (ezetimibe alone is not a statin, fenofibrate is another lipid-lowering drug).
 */
const DECOY_DRUGS: readonly string[] = [
  'lisinopril',
  'ezetimibe',
  'fenofibrate',
  'levothyroxine',
  'metformin',
  'atorvastatin',
  // A dual GIP/GLP-1 agonist, of the class of the GLP-1 ingredients a diabetes list names.
  'tirzepatide',
  // Lipid-lowering drugs that are not statins.
  'niacin',
  'bempedoic acid',
];

/** The decoy drugs that no clause of the measure lists (never empty). */
export function decoyDrugs(b: MeasureBoundaries): string[] {
  const listed = new Set(b.drugs.map((d) => d.toLowerCase()));
  const free = DECOY_DRUGS.filter((d) => !listed.has(d));
  return free.length > 0 ? free : ['decoy-drug'];
}

const key = (system: CodeSystem, code: string) => `${system}|${normalizeCode(system, code)}`;

/** Every code of every value set the measure reaches. */
export function allCodes(b: MeasureBoundaries): Code[] {
  return b.valueSets.flatMap((vs) => vs.codes.map((c) => ({ system: c.system, code: c.code })));
}

/** The noise codes that are in none of the measure's value sets. */
export function noiseCodes(b: MeasureBoundaries): Code[] {
  const known = new Set(allCodes(b).map((c) => key(c.system, c.code)));
  return NOISE.filter((c) => !known.has(key(c.system, c.code)));
}

/** Codes of the measure's other value sets: right system, real code, wrong clause. */
export function decoyCodes(b: MeasureBoundaries, e: EventBoundary): Code[] {
  const own = new Set(e.valueSets);
  return b.valueSets
    .filter((vs) => !own.has(vs.name))
    .flatMap((vs) => vs.codes.map((c) => ({ system: c.system, code: c.code })));
}

/**
 * Value sets hold codes normalized (ICD-10 without its dot); claims often carry the dot, and the
 * contract says both match, so the dotted form is drawn too.
 */
export function withDot(code: Code): Code {
  if (code.system !== 'ICD10CM' || code.code.length <= 3 || code.code.includes('.')) return code;
  return { system: code.system, code: `${code.code.slice(0, 3)}.${code.code.slice(3)}` };
}

/**
 * How a code is written on a record, among the forms the contract calls equal: as the value set
 * lists it (where shrinking goes), in lower or mixed case, with surrounding spaces. Each form
 * turns up often enough that an implementation comparing codes exactly as sent is caught, and
 * the listed form still dominates.
 */
export type CodeCase = 'as-listed' | 'lower' | 'mixed';
export type CodePadding = 'none' | 'leading' | 'trailing' | 'both';

export const codeCase: Arbitrary<CodeCase> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant<CodeCase>('as-listed'), weight: 7 },
  { arbitrary: fc.constant<CodeCase>('lower'), weight: 2 },
  { arbitrary: fc.constant<CodeCase>('mixed'), weight: 1 },
);

export const codePadding: Arbitrary<CodePadding> = fc.oneof(
  { withCrossShrink: true },
  { arbitrary: fc.constant<CodePadding>('none'), weight: 7 },
  { arbitrary: fc.constant<CodePadding>('leading'), weight: 1 },
  { arbitrary: fc.constant<CodePadding>('trailing'), weight: 1 },
  { arbitrary: fc.constant<CodePadding>('both'), weight: 1 },
);

/** A written form of a code or modifier: cased, then padded. */
export interface CodeForm {
  readonly case: CodeCase;
  readonly padding: CodePadding;
}

export const codeForm: Arbitrary<CodeForm> = fc.record({ case: codeCase, padding: codePadding });

/** `text` written in `form` (mixed case: every other letter lower, from the first). */
export function inForm(text: string, form: CodeForm): string {
  let letter = 0;
  const cased =
    form.case === 'lower'
      ? text.toLowerCase()
      : form.case === 'mixed'
        ? text.replace(/[A-Za-z]/g, (ch) => {
            letter += 1;
            return letter % 2 === 1 ? ch.toLowerCase() : ch.toUpperCase();
          })
        : text;
  switch (form.padding) {
    case 'none':
      return cased;
    case 'leading':
      return ` ${cased}`;
    case 'trailing':
      return `${cased} `;
    case 'both':
      return `  ${cased} `;
  }
}

/** A code written in `form`; its system and anything else it carries stay as they are. */
export function codeInForm(code: Code, form: CodeForm): Code {
  return { ...code, code: inForm(code.code, form) };
}

/**
 * A drug name in one of the letter cases the contract calls equal (as listed, Capitalized, UPPER),
 * shrinking toward the listed one. Drug names are compared ignoring case, not trimmed.
 */
export function drugNameForms(drugs: readonly string[]): Arbitrary<string> | undefined {
  const listed = pick(drugs);
  if (!listed) return undefined;
  const how = fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant('as-listed' as const), weight: 6 },
    { arbitrary: fc.constant('capitalized' as const), weight: 2 },
    { arbitrary: fc.constant('upper' as const), weight: 1 },
  );
  return fc
    .tuple(listed, how)
    .map(([d, h]) =>
      h === 'upper'
        ? d.toUpperCase()
        : h === 'capitalized'
          ? d.charAt(0).toUpperCase() + d.slice(1)
          : d,
    );
}

/** The near misses a pack lists for the clause's value sets (they carry a reason). */
export function listedNearMisses(e: { readonly nearMisses: readonly BoundaryCode[] }): Code[] {
  return e.nearMisses
    .filter((c) => c.reason !== undefined)
    .map((c): Code => ({ system: c.system, code: c.code }));
}

/** The near misses made up from the value sets' codes (a character dropped, another system). */
export function madeUpNearMisses(e: { readonly nearMisses: readonly BoundaryCode[] }): Code[] {
  return e.nearMisses
    .filter((c) => c.reason === undefined)
    .map((c): Code => ({ system: c.system, code: c.code }));
}

/** The settings a clause accepts (its `settings`, less its `excludeSettings`), in contract order. */
export function acceptedSettings(e: {
  readonly settings?: readonly Setting[];
  readonly excludeSettings?: readonly Setting[];
}): Setting[] {
  return SETTINGS.filter(
    (s) =>
      (e.settings === undefined || e.settings.includes(s)) &&
      !(e.excludeSettings ?? []).includes(s),
  );
}

/**
 * Settings for a record aimed at clause `e`: mostly ones the clause accepts (shrinking toward
 * the first), sometimes ones it requires absent or excludes (e.g. a lab claim for frailty).
 */
export function settingFor(e: EventBoundary): Arbitrary<Setting> {
  const accepted = acceptedSettings(e);
  const rejected = SETTINGS.filter((s) => !accepted.includes(s));
  return preferFirst([pick(accepted), 3], [pick(rejected), 1]) ?? fc.constantFrom(...SETTINGS);
}
