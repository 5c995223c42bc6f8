import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths } from '../../model/calendarDate.ts';
import type { Code, Dispensing } from '../../model/member.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import { codeForm, codeInForm, decoyDrugs, drugNameForms, listedNearMisses } from './codes.ts';
import { oneOrMore, pick, preferFirst } from './choice.ts';
import { dateBetween, dateNear, yearEnd, yearStart } from './dates.ts';

/** How far outside a window the non-edge dates of aimed records may fall. */
const SLACK_DAYS = 30;

const isDrugCode = (c: Code) => c.system === 'NDC' || c.system === 'RXNORM';

/** An 11-digit NDC that no value set is expected to hold. */
const randomNdc: Arbitrary<Code> = fc
  .integer({ min: 0, max: 99_999_999_999 })
  .map((n) => ({ system: 'NDC', code: String(n).padStart(11, '0') }));

/**
 * A stable made-up 11-digit NDC for a drug name (two variants per drug, so fills of one drug do
 * not all share a code: adherence logic groups by the drug, not by the package code).
 */
export function ndcFor(drug: string, variant: number): Code {
  let h = 7 + variant * 104_729;
  for (const ch of drug.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return { system: 'NDC', code: `9${String(h % 10_000_000_000).padStart(10, '0')}` };
}

const daysSupply = fc.oneof(
  { withCrossShrink: true },
  fc.constantFrom(30, 90, 1, 7),
  fc.integer({ min: 1, max: 120 }),
);

/**
 * One or two dispensings aimed at event clause `e`: a listed drug (in any letter case) or a decoy
 * drug, a value-set drug code (in any form the contract calls equal) or a near miss the pack
 * lists when there is one, at the window's edges. Undefined when
 * the clause reads no dispensings or names no drug.
 */
export function aimedDispensings(
  b: MeasureBoundaries,
  e: EventBoundary,
): Arbitrary<Dispensing[]> | undefined {
  if (!e.records.includes('dispensings')) return undefined;
  if (e.drugs.length === 0 && !e.codes.some(isDrugCode)) return undefined;
  return oneOrMore(aimedDispensing(b, e), 2);
}

function aimedDispensing(b: MeasureBoundaries, e: EventBoundary): Arbitrary<Dispensing> {
  const decoys = decoyDrugs(b);
  const drug =
    preferFirst<string>([drugNameForms(e.drugs), 5], [pick(decoys), 1]) ??
    fc.constantFrom(...decoys);
  const ownCode = pick(
    e.codes.filter(isDrugCode).map((c): Code => ({ system: c.system, code: c.code })),
  );
  const written = ownCode && fc.tuple(ownCode, codeForm).map(([c, f]) => codeInForm(c, f));
  const code =
    preferFirst<Code>(
      [written, 3],
      [pick(listedNearMisses(e).filter(isDrugCode)), 1],
      [randomNdc, 1],
    ) ?? randomNdc;
  const to = e.window.to;
  const from = e.window.from ?? addMonths(to, -120);
  return fc
    .record({
      drug:
        e.drugs.length > 0 ? fc.option(drug, { nil: undefined, freq: 8 }) : fc.constant(undefined),
      code,
      daysSupply,
      date: dateNear(
        e.edges.map((p) => p.date),
        addDays(from, -SLACK_DAYS),
        addDays(to, SLACK_DAYS),
      ),
    })
    .map(({ drug: d, code: c, daysSupply: days, date }) => ({
      date,
      daysSupply: days,
      code: c,
      ...(d !== undefined ? { drug: d } : {}),
    }));
}

/** Dispensings with no aim: any listed or decoy drug, dates uniform over MY-11..MY. */
export function uniformDispensings(b: MeasureBoundaries): Arbitrary<Dispensing[]> {
  const drug = fc.constantFrom(...b.drugs, ...decoyDrugs(b));
  return fc.array(
    fc
      .record({
        drug: fc.option(drug, { nil: undefined }),
        code: randomNdc,
        daysSupply: fc.integer({ min: 1, max: 120 }),
        date: dateBetween(yearStart(b.year - 11), yearEnd(b.year)),
      })
      .map(({ drug: d, code, daysSupply: days, date }) => ({
        date,
        daysSupply: days,
        code,
        ...(d !== undefined ? { drug: d } : {}),
      })),
    { minLength: 0, maxLength: 2 },
  );
}
