import { addDays, daysBetween, toDayNumber } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import type { ClauseOf } from '../rulepack/compiled.ts';
import { compareKeys } from './_internals/compareKeys.ts';
import type { Context } from './context.ts';
import { dispensingsOf, matchRecords } from './records.ts';
import type { CoverageEvidence, CoverageFill } from './trace.ts';

/**
 * Proportion of days covered (PQA-style): the first fill in the window is the index date; the
 * period runs from it to the window's end, cut at death or at the end of pharmacy coverage. An
 * early refill of the same drug starts the day after the prior supply of that drug ends; fills of
 * different drugs are not shifted (they overlap). Days are counted once, inside the period.
 */
export function daysCovered(clause: ClauseOf<'coverage'>, ctx: Context): CoverageEvidence {
  const member = ctx.member;
  const w = clause.window;
  const dispensings = dispensingsOf(member, clause.valueSets, clause.drugs);
  const fills = matchRecords({ window: w }, dispensings, ctx)
    .matches.map(({ source: d }) => ({
      date: d.date,
      daysSupply: d.daysSupply,
      drug: d.drug?.toLowerCase() ?? `${d.code.system} ${d.code.code}`,
    }))
    .sort((a, b) =>
      compareKeys(
        [a.date, a.drug, String(a.daysSupply).padStart(6, '0')],
        [b.date, b.drug, String(b.daysSupply).padStart(6, '0')],
      ),
    );
  const base = { kind: 'coverage' as const, window: w, atLeast: clause.atLeast };
  const index = fills[0]?.date;
  if (index === undefined) {
    return { ...base, periodDays: 0, coveredDays: 0, proportion: 0, fills: [] };
  }

  let periodEnd: IsoDate = w.to;
  let endReason: CoverageEvidence['endReason'] = 'window';
  if (
    clause.endAtDeath &&
    member.deathDate !== undefined &&
    member.deathDate >= index &&
    member.deathDate < periodEnd
  ) {
    periodEnd = member.deathDate;
    endReason = 'death';
  }
  if (clause.endAtDisenrollment) {
    const coveredUntil = pharmacyCoverageEnd(member.enrollments, index);
    if (coveredUntil !== undefined && coveredUntil < periodEnd) {
      periodEnd = coveredUntil;
      endReason = 'disenrollment';
    }
  }

  // Shift early refills of the same drug, then count the covered days inside the period once.
  const nextFree = new Map<string, IsoDate>();
  const shifted: CoverageFill[] = fills.map((f) => {
    const free = nextFree.get(f.drug);
    const start = clause.shiftSameDrug && free !== undefined && free > f.date ? free : f.date;
    const end = addDays(start, f.daysSupply - 1);
    nextFree.set(f.drug, addDays(end, 1));
    return { date: f.date, drug: f.drug, daysSupply: f.daysSupply, start, end };
  });
  const first = toDayNumber(index);
  const last = toDayNumber(periodEnd);
  const covered = new Set<number>();
  for (const f of shifted) {
    const from = Math.max(first, toDayNumber(f.start));
    const to = Math.min(last, toDayNumber(f.end));
    for (let day = from; day <= to; day++) covered.add(day);
  }
  const periodDays = daysBetween(index, periodEnd) + 1;
  return {
    ...base,
    index,
    periodEnd,
    endReason,
    periodDays,
    coveredDays: covered.size,
    proportion: covered.size / periodDays,
    fills: shifted,
  };
}

/**
 * The last day of continuous pharmacy coverage that includes `date` (spans that touch or overlap
 * are joined), or undefined when no pharmacy span covers that date.
 */
function pharmacyCoverageEnd(
  enrollments: readonly { start: IsoDate; end: IsoDate; pharmacy: boolean }[],
  date: IsoDate,
): IsoDate | undefined {
  const spans = enrollments
    .filter((e) => e.pharmacy)
    .sort((a, b) => compareKeys([a.start, a.end], [b.start, b.end]));
  let run: { start: IsoDate; end: IsoDate } | undefined;
  for (const s of spans) {
    if (run !== undefined && s.start <= addDays(run.end, 1)) {
      if (s.end > run.end) run.end = s.end;
      continue;
    }
    if (run !== undefined && run.start <= date && run.end >= date) return run.end;
    run = { start: s.start, end: s.end };
  }
  return run !== undefined && run.start <= date && run.end >= date ? run.end : undefined;
}
