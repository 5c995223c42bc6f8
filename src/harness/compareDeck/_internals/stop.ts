import { ImplementationError } from '../../../adapters/implementation.ts';
import { MeasurecheckError } from '../../../model/problem.ts';
import type { Problem } from '../../../model/problem.ts';

/** Why a compare stops before the end of the deck: bad input, or an implementation that cannot run. */
export type Stop =
  | { readonly kind: 'input'; readonly problems: readonly Problem[] }
  | { readonly kind: 'implementation'; readonly message: string; readonly stderr?: string };

/** A value, or the stop that ended it. */
export type OrStop<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly stop: Stop };

/**
 * The stop an adapter's thrown error stands for. The deck and results readers throw a
 * MeasurecheckError on a bad row, and an implementation rejects with an ImplementationError when
 * it cannot run any more: both become values here, where they enter the compare. Anything else is
 * a bug, and is thrown on.
 */
export function stopFrom(error: unknown): Stop {
  if (error instanceof ImplementationError) {
    return {
      kind: 'implementation',
      message: error.message,
      ...(error.stderr ? { stderr: error.stderr } : {}),
    };
  }
  if (error instanceof MeasurecheckError) return { kind: 'input', problems: error.problems };
  throw error;
}

/** The items of a reader that throws on bad input, then the stop when it does. */
export async function* readUntilStop<T>(items: AsyncIterable<T>): AsyncGenerator<OrStop<T>> {
  try {
    // Leaving early (the consumer breaks) closes the reader through `for await`.
    for await (const value of items) yield { ok: true, value };
  } catch (e) {
    yield { ok: false, stop: stopFrom(e) };
  }
}
