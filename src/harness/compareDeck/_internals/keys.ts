import type { Request } from '../../../model/request.ts';

/**
 * A measure, year and product line as one readable key: `COL-E|2025|commercial`; `CMS130|2025`
 * for a measure without product lines.
 */
export function requestKey(r: {
  readonly measure: string;
  readonly year: number;
  readonly productLine?: string | undefined;
}): string {
  const head = `${r.measure}|${String(r.year)}`;
  return r.productLine !== undefined ? `${head}|${r.productLine}` : head;
}

/** One member for one request: `M0000001|COL-E|2025|commercial`. */
export function caseId(memberId: string, r: Request): string {
  return `${memberId}|${requestKey(r)}`;
}
