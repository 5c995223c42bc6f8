import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { SETTINGS } from '../../model/member.ts';
import type { Code, CodeSystem, Setting } from '../../model/member.ts';
import { normalizeCode } from '../../rulepack/valueSet.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
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
  { system: 'CPT-CAT-II', code: '3074F' },
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
