import type { PackSource } from '../../load.ts';
import { packUsage } from './usage.ts';
import type { PackUsage } from './usage.ts';

/** The two packs being compared, with who uses what in each. */
export interface DiffContext {
  readonly old: PackSource;
  readonly new: PackSource;
  readonly oldUsage: PackUsage;
  readonly newUsage: PackUsage;
}

export function diffContext(oldPack: PackSource, newPack: PackSource): DiffContext {
  return { old: oldPack, new: newPack, oldUsage: packUsage(oldPack), newUsage: packUsage(newPack) };
}
