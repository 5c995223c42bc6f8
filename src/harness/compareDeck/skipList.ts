import type { Problem } from '../../model/problem.ts';

const MAX_SKIPS_LISTED = 100;

/** Bad input rows skipped with keepGoing: all counted, the first 100 kept for the report. */
export class SkipList {
  readonly problems: Problem[] = [];
  count = 0;

  add(p: Problem): void {
    this.count += 1;
    if (this.problems.length < MAX_SKIPS_LISTED) this.problems.push(p);
  }
}
