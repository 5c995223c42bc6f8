import { addDays, addMonths, daysInMonth, formatIsoDate } from '../model/calendarDate.ts';
import type { IsoDate } from '../model/calendarDate.ts';
import { fail, ok } from '../model/problem.ts';
import type { Result } from '../model/problem.ts';

/**
 * A date written relative to the measurement year, compiled to a calendar date once per pack.
 *
 * Grammar: `MY[+-k]-MM-DD[ (+|-) N days|months]` or a literal `YYYY-MM-DD`.
 * `MY-12-31` is Dec 31 of the measurement year; `MY-9-01-01` is Jan 1 nine years before it;
 * `MY-12-31 - 90 days` is 90 days before Dec 31.
 */
export interface DateExpression {
  readonly yearOffset: number;
  readonly month: number;
  readonly day: number;
  /** Absolute year for a literal date; undefined when relative to the MY. */
  readonly absoluteYear?: number;
  readonly shift?: { readonly amount: number; readonly unit: 'days' | 'months' };
}

const RELATIVE = /^MY(?:([+-])(\d{1,2}))?-(\d{2})-(\d{2})(?:\s*([+-])\s*(\d+)\s*(days?|months?))?$/;
const LITERAL = /^(\d{4})-(\d{2})-(\d{2})$/;

export const DATE_EXPRESSION_HELP =
  'expected a date such as MY-12-31 (Dec 31 of the measurement year), MY-9-01-01 (Jan 1, nine years before), MY-12-31 - 90 days, or a literal 2025-01-01';

/** Parses a date expression; the problem (no location: the caller knows it) says what was expected. */
export function parseDateExpression(text: string): Result<DateExpression> {
  const trimmed = text.trim();
  const lit = LITERAL.exec(trimmed);
  if (lit) {
    const year = Number(lit[1]);
    const month = Number(lit[2]);
    const day = Number(lit[3]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
      return notADate(`"${text}" is not a calendar date`);
    return ok({ yearOffset: 0, month, day, absoluteYear: year });
  }
  const m = RELATIVE.exec(trimmed);
  if (!m) return notADate(`"${text}" is not a date expression: ${DATE_EXPRESSION_HELP}`);
  const yearOffset = m[2] === undefined ? 0 : (m[1] === '-' ? -1 : 1) * Number(m[2]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  // Feb 29 exists only in some years, so a relative date may not name it.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(2001, month)) {
    const why =
      month === 2 && day === 29
        ? 'Feb 29 is not in every year'
        : `${m[3] ?? ''}-${m[4] ?? ''} is not a month and day`;
    return notADate(`"${text}" is not a date expression (${why}): ${DATE_EXPRESSION_HELP}`);
  }
  const base = { yearOffset, month, day };
  if (m[5] === undefined) return ok(base);
  const amount = (m[5] === '-' ? -1 : 1) * Number(m[6]);
  const unit = (m[7] ?? '').startsWith('day') ? 'days' : 'months';
  return ok({ ...base, shift: { amount, unit } });
}

function notADate(message: string): Result<DateExpression> {
  return fail([{ code: 'pack/date-expression', message }]);
}

/** The calendar date an expression names for measurement year `year`. */
export function resolveDate(expr: DateExpression, year: number): IsoDate {
  const base = formatIsoDate(expr.absoluteYear ?? year + expr.yearOffset, expr.month, expr.day);
  if (!expr.shift) return base;
  return expr.shift.unit === 'days'
    ? addDays(base, expr.shift.amount)
    : addMonths(base, expr.shift.amount);
}

/** Renders an expression back to its canonical text (used by diff and explanations). */
export function formatDateExpression(expr: DateExpression): string {
  const md = `${String(expr.month).padStart(2, '0')}-${String(expr.day).padStart(2, '0')}`;
  const base =
    expr.absoluteYear !== undefined
      ? `${expr.absoluteYear}-${md}`
      : `MY${expr.yearOffset === 0 ? '' : expr.yearOffset > 0 ? `+${expr.yearOffset}` : String(expr.yearOffset)}-${md}`;
  if (!expr.shift) return base;
  return `${base} ${expr.shift.amount < 0 ? '-' : '+'} ${Math.abs(expr.shift.amount)} ${expr.shift.unit}`;
}
