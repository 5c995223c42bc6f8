import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths } from '../../model/calendarDate.ts';
import { SETTINGS } from '../../model/member.ts';
import type { Claim, Code, Setting } from '../../model/member.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import { oneOrMore, pick, preferFirst, sometimes } from './choice.ts';
import { allCodes, decoyCodes, noiseCodes, settingFor, withDot } from './codes.ts';
import { dateBetween, dateNear, yearEnd, yearStart } from './dates.ts';

/** A claim before it gets its id (ids are given by position, so they stay unique). */
export type ClaimDraft = Omit<Claim, 'id'>;

/** How far outside a window the non-edge dates of aimed records may fall. */
const SLACK_DAYS = 30;

/**
 * Claims aimed at event clause `e`: one code of its value sets (or a near miss, or another
 * clause's code), on one to a few dates drawn from the window's edges (so equal and distinct
 * dates both come up, for `minDistinctDates`), in an accepted or an excluded setting, sometimes
 * with a second code. Undefined when the clause reads no claims or has no codes.
 */
export function aimedClaims(
  b: MeasureBoundaries,
  e: EventBoundary,
): Arbitrary<ClaimDraft[]> | undefined {
  if (!e.records.includes('claims') || e.codes.length === 0) return undefined;
  const own = fc.constantFrom(...e.codes);
  const code =
    preferFirst<Code>([own, 6], [pick(e.nearMisses), 1], [pick(decoyCodes(b, e)), 1]) ?? own;
  const to = e.window.to;
  const from = e.window.from ?? addMonths(to, -120);
  const second = preferFirst<Code>([pick(noiseCodes(b)), 1], [pick(decoyCodes(b, e)), 1]);
  return fc
    .record({
      code,
      dotted: fc.boolean(),
      dates: oneOrMore(
        dateNear(
          e.edges.map((p) => p.date),
          addDays(from, -SLACK_DAYS),
          addDays(to, SLACK_DAYS),
        ),
        Math.max(2, e.minDistinctDates + 1),
      ),
      setting: settingFor(e),
      second: second ? sometimes(second, 0.3) : fc.constant(undefined),
      secondFirst: fc.boolean(),
      stayDays: sometimes(fc.nat(5), 0.3),
    })
    .map(({ code: c, dotted, dates, setting, second: s, secondFirst, stayDays }) => {
      const main = { system: c.system, code: c.code };
      const primary = dotted ? withDot(main) : main;
      const codes = s === undefined ? [primary] : secondFirst ? [s, primary] : [primary, s];
      return dates.map((date): ClaimDraft => ({
        date,
        ...(stayDays !== undefined ? { endDate: addDays(date, stayDays) } : {}),
        setting,
        codes,
      }));
    });
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
