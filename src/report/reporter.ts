import type { CheckResult, ProductLineResult } from '../harness/check.ts';

/** What a reporter learns when a run starts. */
export interface RunInfo {
  readonly measure: string;
  readonly year: number;
  readonly pack: { readonly id: string; readonly version: string };
  readonly implementation: string;
  /** Empty for a measure without product lines. */
  readonly productLines: readonly string[];
  readonly runs: number;
  readonly seed: number;
  readonly generator: string;
  /** Set when one case is replayed (`--path`) instead of a full run. */
  readonly replayPath?: string;
}

/**
 * One output format of a check run. Reporters are called in order: `onRunStart`, then
 * `onProductLineEnd` as each product line finishes, then `onRunEnd` with the whole result.
 */
export interface Reporter {
  onRunStart?(info: RunInfo): void;
  onProductLineEnd?(result: ProductLineResult): void;
  onRunEnd(result: CheckResult): void | Promise<void>;
}
