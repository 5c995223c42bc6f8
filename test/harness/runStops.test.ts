// A run stops when asked (SIGINT in the CLI), when its time budget runs out, or when nothing moves,
// and returns what it did, marked, instead of hanging or throwing.
import { describe, expect, it } from 'vitest';
import type { Case, CaseAnswer, Implementation } from '../../src/adapters/implementation.ts';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckOptions } from '../../src/harness/check.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const { pack, measure } = shippedPackAndMeasure(2025, 'COL-E');

/** A correct implementation (the reference itself) that takes `delayMs` per call. */
function slowCorrect(delayMs: number): Implementation {
  return {
    label: 'slow reference',
    evaluate: (cases: readonly Case[]) =>
      new Promise<CaseAnswer[]>((resolve) => {
        setTimeout(() => {
          resolve(
            cases.map((c) => ({
              id: c.id,
              ok: true,
              outcome: evaluateMeasure(measure, c.request, c.member).outcome,
            })),
          );
        }, delayMs);
      }),
    close: () => Promise.resolve(),
  };
}

function options(implementation: Implementation, extra: Partial<CheckOptions>): CheckOptions {
  return {
    pack,
    measure,
    productLines: ['commercial', 'medicaid'],
    implementation,
    runs: 200,
    seed: 3,
    generator: 'rule-aware',
    batchSize: 20,
    neighbours: false,
    ...extra,
  };
}

describe('stopping a run', () => {
  it('stops when the signal aborts, keeping the product lines done, marked interrupted, with no verdict', async () => {
    const interrupt = new AbortController();
    const result = await runCheck(
      options(slowCorrect(0), {
        signal: interrupt.signal,
        onProductLine: () => {
          interrupt.abort();
        },
      }),
    );
    expect(result.stopped?.reason).toBe('interrupted');
    expect(result.productLines.map((r) => [r.productLine, r.cases])).toEqual([['commercial', 200]]);
    expect(result.exitCode).toBe(3);
  });

  it('stops when --max-time runs out, with the cases done so far', async () => {
    const result = await runCheck(
      options(slowCorrect(200), { runs: 3000, maxTimeMs: 1000, productLines: ['commercial'] }),
    );
    expect(result.stopped?.reason).toBe('max-time');
    const [line] = result.productLines;
    expect(line?.cutShort).toBe('max-time');
    expect(line?.cases).toBeLessThan(3000);
    expect(result.exitCode).toBe(3);
  });

  it('stops an implementation that never answers through the idle watchdog: exit 3', async () => {
    const stuck: Implementation = {
      label: 'stuck',
      evaluate: () => new Promise<CaseAnswer[]>(() => undefined),
      close: () => Promise.resolve(),
    };
    const result = await runCheck(options(stuck, { idleTimeoutMs: 500 }));
    expect(result.stopped?.reason).toBe('idle');
    expect(result.productLines.map((r) => [r.productLine, r.cases, r.cutShort])).toEqual([
      ['commercial', 0, 'idle'],
    ]);
    expect(result.exitCode).toBe(3);
  });
});
