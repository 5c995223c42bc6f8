/**
 * The semantic diff of two rule packs (see diffPacks.ts). Changes are structured data; the
 * sentences a reviewer reads are rendered in src/report/packDiffText.ts.
 */
export { diffPacks, diffPackSources } from './diffPacks.ts';
export type * from './types.ts';
