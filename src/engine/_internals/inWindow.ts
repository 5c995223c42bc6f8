import type { IsoDate } from '../../model/calendarDate.ts';
import type { CompiledWindow } from '../../rulepack/compiled.ts';

/** True when `date` is inside the window (both ends included; no `from` means open-ended). */
export function inWindow(date: IsoDate, w: CompiledWindow): boolean {
  return date <= w.to && (w.from === undefined || date >= w.from);
}
