import { addDays, addMonths, daysBetween } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import type { Code } from '../../model/member.ts';
import type { EventBoundary, MeasureBoundaries } from '../boundaries.ts';
import type { Bundle } from './bundle.ts';
import { EMPTY, merge } from './bundle.ts';
import { countingClinicalRecord, readsClinical } from './clinical.ts';
import { acceptedSettings, noiseCodes } from './codes.ts';
import { ndcFor } from './dispensings.ts';

/** Days between the dates of a prerequisite's records: distinct, and close to each other. */
const SPACING_DAYS = 14;

/**
 * One record that counts for event clause `e` on `date` (its window and any onOrAfter aside):
 * a claim with the clause's first code (with its first required modifier) in the first accepted
 * setting, a dispensing of its first drug, or an observation. Undefined when no record can count.
 */
export function countingRecord(
  b: MeasureBoundaries,
  e: EventBoundary,
  date: IsoDate,
): Bundle | undefined {
  if (readsClinical(e)) return countingClinicalRecord(e, date);
  const setting = acceptedSettings(e)[0];
  if (e.records.includes('claims') && setting !== undefined) {
    const code: Code | undefined = e.settingsOnly
      ? noiseCodes(b)[0]
      : e.codes.map((c) => ({ system: c.system, code: c.code }))[0];
    if (code) {
      const first = e.modifiers?.[0];
      const withModifier: Code = first !== undefined ? { ...code, modifiers: [first] } : code;
      return { ...EMPTY, claims: [{ date, setting, codes: [withModifier] }] };
    }
  }
  if (e.records.includes('dispensings')) {
    const drug = e.drugs[0];
    const code = e.codes.find((c) => c.system === 'NDC' || c.system === 'RXNORM');
    if (drug !== undefined || code) {
      return {
        ...EMPTY,
        dispensings: [
          {
            date,
            daysSupply: 30,
            code: code ? { system: code.system, code: code.code } : ndcFor(drug ?? '', 0),
            ...(drug !== undefined ? { drug } : {}),
          },
        ],
      };
    }
  }
  if (e.records.includes('observations')) {
    const code = e.codes[0];
    if (code) {
      return {
        ...EMPTY,
        observations: [
          {
            date,
            code: { system: code.system, code: code.code },
            ...(setting !== undefined ? { setting } : {}),
          },
        ],
      };
    }
  }
  return undefined;
}

/**
 * Records that make event clause `e` hold on their own: one counting record on each of
 * `minDistinctDates` distinct dates, from the middle of the window on. Focused members carry
 * them for the events their initial population needs (two hypertension diagnoses for CBP).
 */
export function prerequisiteRecords(b: MeasureBoundaries, e: EventBoundary): Bundle | undefined {
  const to = e.window.to;
  const from = e.window.from ?? addMonths(to, -12);
  const middle = addDays(from, Math.floor(daysBetween(from, to) / 2));
  const parts: Bundle[] = [];
  for (let i = 0; i < e.minDistinctDates; i++) {
    let date = addDays(middle, i * SPACING_DAYS);
    if (date > to) date = addDays(middle, -(i * SPACING_DAYS));
    const record = countingRecord(b, e, date);
    if (!record) return undefined;
    parts.push(record);
  }
  return merge(parts);
}
