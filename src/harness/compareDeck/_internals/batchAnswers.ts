import type {
  ImplementationFailure,
  Case,
  Implementation,
} from '../../../adapters/implementation.ts';
import type { Outcome } from '../../../model/outcome.ts';
import type { ReferencePool } from '../../referencePool.ts';
import type { Batch } from './deckTasks.ts';
import { caseId } from './keys.ts';
import type { ResultsIndex } from './resultsIndex.ts';
import { stopFrom } from './stop.ts';
import type { OrStop } from './stop.ts';

/** The implementation's answer for one case, by `caseId`. */
export type Answer =
  | { readonly outcome: Outcome }
  | { readonly failure: ImplementationFailure }
  | { readonly missing: true };

/** Both sides' answers for a batch: the reference's per member and request, the implementation's by case. */
export interface BatchAnswers {
  readonly batch: Batch;
  readonly reference: Outcome[][];
  readonly answers: ReadonlyMap<string, Answer>;
}

/** Who answers for the implementation: the implementation itself, or its results file. */
export type Answerer =
  | { readonly kind: 'implementation'; readonly implementation: Implementation }
  | { readonly kind: 'results'; readonly results: ResultsIndex };

/**
 * Starts both sides on each batch: the reference on the worker pool, the implementation (or its
 * results file) one batch after the other, in order. A batch settles as its answers, or as the stop
 * that ended it (bad input, an implementation that cannot run); a failing reference pool is a bug
 * and rejects.
 */
export function batchLauncher(
  pool: ReferencePool,
  answerer: Answerer,
): (batch: Batch) => Promise<OrStop<BatchAnswers>> {
  let chain: Promise<unknown> = Promise.resolve();
  return (batch) => {
    const jobs = batch.map((b) => ({ member: b.member, requests: b.tasks.map((t) => t.request) }));
    const reference = pool.evaluate(jobs);
    const answers = chain.then(() =>
      answerer.kind === 'implementation'
        ? implementationAnswers(answerer.implementation, batch)
        : resultsAnswers(answerer.results, batch),
    );
    chain = answers.catch(() => undefined);
    const done = Promise.all([reference, answers]).then(([ref, ans]): OrStop<BatchAnswers> =>
      ans.ok ? { ok: true, value: { batch, reference: ref, answers: ans.value } } : ans,
    );
    // A batch can be dropped undrained (an earlier one stopped the run): mark a rejection handled
    // now; whoever drains the batch still sees it.
    done.catch(() => undefined);
    return done;
  };
}

async function implementationAnswers(
  implementation: Implementation,
  batch: Batch,
): Promise<OrStop<Map<string, Answer>>> {
  const cases: Case[] = batch.flatMap((b) =>
    b.tasks.map((t) => ({
      id: caseId(b.member.id, t.request),
      request: t.request,
      member: b.member,
    })),
  );
  try {
    const got = await implementation.evaluate(cases);
    return {
      ok: true,
      value: new Map<string, Answer>(
        got.map((a) => [a.id, a.ok ? { outcome: a.outcome } : { failure: a.failure }]),
      ),
    };
  } catch (e) {
    return { ok: false, stop: stopFrom(e) };
  }
}

/** The results file is read in order, one batch after the other. */
async function resultsAnswers(
  results: ResultsIndex,
  batch: Batch,
): Promise<OrStop<Map<string, Answer>>> {
  const map = new Map<string, Answer>();
  for (const b of batch) {
    for (const t of b.tasks) {
      const taken = await results.take(b.member.id, t.request);
      if (!taken.ok) return taken;
      map.set(
        caseId(b.member.id, t.request),
        taken.value ? { outcome: taken.value } : { missing: true },
      );
    }
  }
  return { ok: true, value: map };
}
