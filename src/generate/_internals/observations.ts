import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths } from '../../model/calendarDate.ts';
import { SETTINGS } from '../../model/member.ts';
import type { Code, Observation, Setting } from '../../model/member.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import { allCodes, codePadding, inForm, noiseCodes, settingFor } from './codes.ts';
import { oneOrMore, pick, preferFirst } from './choice.ts';
import { dateBetween, dateNear, yearEnd, yearStart } from './dates.ts';

/** How far outside a window the non-edge dates of aimed records may fall. */
const SLACK_DAYS = 30;

const isLoinc = (c: Code) => c.system === 'LOINC';

/**
 * One or two observations aimed at event clause `e`: a LOINC code of its value sets (or a near
 * miss), at the window's edges (readings often share a date), with or without a setting and a
 * value. Undefined when the clause reads no observations or has no LOINC code.
 */
export function aimedObservations(e: EventBoundary): Arbitrary<Observation[]> | undefined {
  if (!e.records.includes('observations') || !e.codes.some(isLoinc)) return undefined;
  return oneOrMore(aimedObservation(e), 2);
}

function aimedObservation(e: EventBoundary): Arbitrary<Observation> {
  const own = fc.constantFrom(...e.codes.filter(isLoinc));
  const code = preferFirst<Code>([own, 4], [pick(e.nearMisses.filter(isLoinc)), 1]) ?? own;
  const to = e.window.to;
  const from = e.window.from ?? addMonths(to, -120);
  return fc
    .record({
      code,
      // LOINC codes have no letters to case: the form that matters is surrounding spaces.
      padding: codePadding,
      date: dateNear(
        e.edges.map((p) => p.date),
        addDays(from, -SLACK_DAYS),
        addDays(to, SLACK_DAYS),
      ),
      setting: fc.option(settingFor(e), { nil: undefined }),
      value: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    })
    .map(({ code: c, padding, date, setting, value }) =>
      build({ ...c, code: inForm(c.code, { case: 'as-listed', padding }) }, date, setting, value),
    );
}

function build(
  c: Code,
  date: string,
  setting: Setting | undefined,
  value: number | undefined,
): Observation {
  return {
    date,
    code: { system: c.system, code: c.code },
    ...(value !== undefined ? { value } : {}),
    ...(setting !== undefined ? { setting } : {}),
  };
}

/** Observations with no aim: any LOINC code the measure knows or a noise one, dates MY-11..MY. */
export function uniformObservations(b: MeasureBoundaries): Arbitrary<Observation[]> {
  const code = pick([...allCodes(b), ...noiseCodes(b)].filter(isLoinc));
  if (!code) return fc.constant([]);
  return fc.array(
    fc
      .record({
        code,
        date: dateBetween(yearStart(b.year - 11), yearEnd(b.year)),
        setting: fc.option(fc.constantFrom<Setting>(...SETTINGS), { nil: undefined }),
        value: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      })
      .map(({ code: c, date, setting, value }) => build(c, date, setting, value)),
    { minLength: 0, maxLength: 2 },
  );
}
