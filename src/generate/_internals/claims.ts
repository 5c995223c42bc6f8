import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths } from '../../model/calendarDate.ts';
import { SETTINGS } from '../../model/member.ts';
import type { Claim, Code, Setting } from '../../model/member.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import { oneOrMore, pick, preferFirst, sometimes } from './choice.ts';
import {
  allCodes,
  codeForm,
  codeInForm,
  decoyCodes,
  inForm,
  listedNearMisses,
  madeUpNearMisses,
  noiseCodes,
  settingFor,
  withDot,
} from './codes.ts';
import { dateBetween, dateNear, yearEnd, yearStart } from './dates.ts';

/** A claim before it gets its id (ids are given by position, so they stay unique). */
export type ClaimDraft = Omit<Claim, 'id'>;

/** How far outside a window the non-edge dates of aimed records may fall. */
const SLACK_DAYS = 30;

/** Modifiers that sit beside the ones a clause asks for: laterality, bilateral, and two common others. */
const MODIFIERS: readonly string[] = ['LT', 'RT', '50', '25', '59'];

/**
 * Modifiers for the matching code of a claim aimed at a clause that requires some: one it asks
 * for (the first, where shrinking goes), none, another one (RT for an LT clause, LT or RT for a
 * bilateral 50), or one it asks for beside another (LT and RT on one code). Each is written in
 * any form the contract calls equal (`lt`, ` LT`), mostly as the clause lists it.
 */
export function modifiersFor(required: readonly string[]): Arbitrary<string[] | undefined> {
  const own = fc.tuple(fc.constantFrom(...required), codeForm).map(([m, f]) => inForm(m, f));
  const others = MODIFIERS.filter((m) => !required.includes(m));
  const other = fc.tuple(pick(others) ?? fc.constant('XX'), codeForm).map(([m, f]) => inForm(m, f));
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: own.map((m) => [m]), weight: 6 },
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: other.map((m) => [m]), weight: 2 },
    { arbitrary: fc.tuple(own, other).map(([m, o]) => [m, o]), weight: 1 },
  );
}

/**
 * Claims aimed at event clause `e`: one code of its value sets (or a near miss the pack lists, a
 * made-up one, or another clause's code), written in any form the contract calls equal (lower
 * case, surrounding spaces, ICD-10 with or without its dot), on one to a few dates drawn from the window's edges (so equal and distinct
 * dates both come up, for `minDistinctDates`), in an accepted or an excluded setting, sometimes
 * with a second code. A clause that requires modifiers gets claims whose code carries one of
 * them, another one or none; a clause that reads only the setting gets everyday codes in its
 * settings and in others. Undefined when the clause reads no claims or has no codes.
 */
export function aimedClaims(
  b: MeasureBoundaries,
  e: EventBoundary,
): Arbitrary<ClaimDraft[]> | undefined {
  if (!e.records.includes('claims')) return undefined;
  if (e.settingsOnly) return settingClaims(b, e);
  if (e.codes.length === 0) return undefined;
  const own = fc.constantFrom(...e.codes);
  const code: Arbitrary<Code> =
    preferFirst<Code>(
      [own, 6],
      [pick(listedNearMisses(e)), 1],
      [pick(madeUpNearMisses(e)), 1],
      [pick(decoyCodes(b, e)), 1],
    ) ?? own;
  const second = preferFirst<Code>([pick(noiseCodes(b)), 1], [pick(decoyCodes(b, e)), 1]);
  return fc
    .record({
      code,
      // Now and then another code on the later dates (a listed code beside a near miss), so a
      // clause that needs two dates meets one date of each.
      later: e.minDistinctDates > 1 ? sometimes(code, 0.3) : fc.constant(undefined),
      dotted: fc.boolean(),
      form: codeForm,
      modifiers: e.modifiers ? modifiersFor(e.modifiers) : fc.constant(undefined),
      dates: claimDates(e),
      setting: settingFor(e),
      second: second ? sometimes(second, 0.3) : fc.constant(undefined),
      secondFirst: fc.boolean(),
      stayDays: sometimes(fc.nat(5), 0.3),
    })
    .map((d) => {
      const written = (c: Code): Code => {
        const main = { system: c.system, code: c.code };
        const plain = codeInForm(d.dotted ? withDot(main) : main, d.form);
        return d.modifiers !== undefined ? { ...plain, modifiers: d.modifiers } : plain;
      };
      const codesWith = (primary: Code): Code[] =>
        d.second === undefined
          ? [primary]
          : d.secondFirst
            ? [d.second, primary]
            : [primary, d.second];
      const first = codesWith(written(d.code));
      const rest = d.later !== undefined ? codesWith(written(d.later)) : first;
      return d.dates.map((date, i): ClaimDraft => ({
        date,
        ...(d.stayDays !== undefined ? { endDate: addDays(date, d.stayDays) } : {}),
        setting: d.setting,
        codes: i === 0 ? first : rest,
      }));
    });
}

/** One to a few dates at the window's edges of `e`, sometimes anywhere near it. */
function claimDates(e: EventBoundary): Arbitrary<string[]> {
  return oneOrMore(edgeDate(e), Math.max(2, e.minDistinctDates + 1));
}

/** A date at one of the window's edges of `e`, sometimes anywhere near the window. */
function edgeDate(e: EventBoundary): Arbitrary<string> {
  const to = e.window.to;
  const from = e.window.from ?? addMonths(to, -120);
  return dateNear(
    e.edges.map((p) => p.date),
    addDays(from, -SLACK_DAYS),
    addDays(to, SLACK_DAYS),
  );
}

/**
 * Claims for a clause that reads only the setting (any nonacute inpatient stay): everyday codes
 * (or another clause's code), in one of its settings or another, at the window's edges, each
 * claim with its own setting and stay.
 */
function settingClaims(b: MeasureBoundaries, e: EventBoundary): Arbitrary<ClaimDraft[]> {
  const code =
    preferFirst<Code>([pick(noiseCodes(b)), 4], [pick(allCodes(b)), 1]) ??
    fc.constant<Code>({ system: 'CPT', code: '99499' });
  const claim = fc
    .record({
      date: edgeDate(e),
      code,
      setting: settingFor(e),
      stayDays: sometimes(fc.nat(30), 0.5),
    })
    .map(({ date, code: c, setting, stayDays }): ClaimDraft => ({
      date,
      ...(stayDays !== undefined ? { endDate: addDays(date, stayDays) } : {}),
      setting,
      codes: [c],
    }));
  return oneOrMore(claim, Math.max(2, e.minDistinctDates + 1));
}

/** 0-3 claims with everyday codes no value set holds, anywhere in MY-2..MY. */
export function noiseClaims(b: MeasureBoundaries): Arbitrary<ClaimDraft[]> {
  const code = pick(noiseCodes(b));
  if (!code) return fc.constant([]);
  const claim = fc
    .record({
      date: dateBetween(yearStart(b.year - 2), yearEnd(b.year)),
      setting: fc.constantFrom<Setting>(...SETTINGS),
      code,
    })
    .map(({ date, setting, code: c }): ClaimDraft => ({ date, setting, codes: [c] }));
  return fc.array(claim, { minLength: 0, maxLength: 3 });
}

/**
 * Claims with no aim: codes drawn uniformly from every code of the measure's value sets and the
 * noise codes, dates uniform over MY-11..MY, any setting.
 */
export function uniformClaims(b: MeasureBoundaries): Arbitrary<Claim[]> {
  const code = pick([...allCodes(b), ...noiseCodes(b)]);
  if (!code) return fc.constant([]);
  const draft = fc.record({
    date: dateBetween(yearStart(b.year - 11), yearEnd(b.year)),
    setting: fc.constantFrom<Setting>(...SETTINGS),
    codes: oneOrMore(code, 2),
  });
  return fc.array(draft, { minLength: 0, maxLength: 8 }).map(withIds);
}

/** Ids by position (`C1`, `C2`, ...), unique within the member. */
export function withIds(drafts: readonly ClaimDraft[]): Claim[] {
  return drafts.map((d, i) => ({ id: `C${i + 1}`, ...d }));
}
