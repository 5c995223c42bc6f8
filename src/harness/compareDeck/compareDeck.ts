import type { Problem } from '../../model/problem.ts';
import type { Request } from '../../model/request.ts';
import { compareOutcomes } from '../compare.ts';
import { batchLauncher } from './_internals/batchAnswers.ts';
import type { Answerer, BatchAnswers } from './_internals/batchAnswers.ts';
import { deckTasks } from './_internals/deckTasks.ts';
import type { Batch } from './_internals/deckTasks.ts';
import { explainDifference } from './_internals/explainDifference.ts';
import { GroupAccumulator } from './_internals/groupAccumulator.ts';
import { caseId, requestKey } from './_internals/keys.ts';
import { neighbourRules } from './_internals/neighbourRules.ts';
import { ResultsIndex } from './_internals/resultsIndex.ts';
import type { Leftovers } from './_internals/resultsIndex.ts';
import { readUntilStop } from './_internals/stop.ts';
import type { OrStop, Stop } from './_internals/stop.ts';
import { appliesToLine } from '../acceptList.ts';
import { SkipList } from './skipList.ts';
import type { CompareDeckOptions, CompareGroup, CompareResult } from './types.ts';

/** Examples kept per measure, year and product line unless `maxExamples` says otherwise. */
const MAX_LISTED = 20;

/**
 * Compares an implementation (or its results file) against a fixture deck, member by member,
 * streaming: the deck is read in batches, the reference evaluates each batch on the worker pool
 * while the implementation answers it, and only counts and a few examples are kept. Memory stays
 * bounded by the batches in flight (plus, for a results file, one compact entry per result row).
 *
 * Bad input (without keepGoing) and an implementation that stops working end the run early, as
 * values: what was compared before is kept, and the result says why it stopped.
 */
export async function compareDeck(options: CompareDeckOptions): Promise<CompareResult> {
  const started = performance.now();
  const { deck, pool } = options;
  const batchSize = options.batchSize ?? 256;
  const maxExamples = options.maxExamples ?? MAX_LISTED;
  const packsByYear = new Map(options.packs.map((p) => [p.year, p]));
  const skips = options.skips ?? new SkipList();
  const skip = (p: Problem) => {
    skips.add(p);
  };

  /** One accumulator per measure, year and product line, keyed by `requestKey`. */
  const groups = new Map<string, GroupAccumulator>();
  const groupFor = (r: Request) => {
    const key = requestKey(r);
    let g = groups.get(key);
    if (!g) {
      const measure = packsByYear.get(r.year)?.measures.get(r.measure);
      const neighbours = measure ? neighbourRules(packsByYear, r) : [];
      g = new GroupAccumulator(
        r,
        measure?.singleRate ?? true,
        maxExamples,
        neighbours,
        options.accept ?? [],
      );
      groups.set(key, g);
    }
    return g;
  };

  // The first stop of each kind is reported; bad input outranks a failed implementation.
  let inputError: readonly Problem[] | undefined;
  let aborted: CompareResult['aborted'];
  const record = (stop: Stop): void => {
    if (stop.kind === 'input') inputError ??= stop.problems;
    else aborted ??= { message: stop.message, ...(stop.stderr ? { stderr: stop.stderr } : {}) };
  };
  const interrupted = () => options.signal?.aborted === true;
  const stopped = () => aborted !== undefined || inputError !== undefined || interrupted();

  const answerer: Answerer =
    options.answers.kind === 'implementation'
      ? { kind: 'implementation', implementation: options.answers.implementation }
      : {
          kind: 'results',
          results: new ResultsIndex(options.answers.rows, options.keepGoing === true, skip),
        };
  const results = answerer.kind === 'results' ? answerer.results : undefined;
  const launch = batchLauncher(pool, answerer);
  const tasksOf = deckTasks({
    deck,
    packs: packsByYear,
    selection: options.selection ?? {},
    requestsWithoutExpected: options.requestsWithoutExpected ?? [],
    keepGoing: options.keepGoing === true,
    skip,
  });

  const settle = (done: BatchAnswers) => {
    done.batch.forEach((b, i) => {
      const outcomes = done.reference[i] ?? [];
      b.tasks.forEach((t, j) => {
        const reference = outcomes[j];
        if (!reference) return;
        const answer = done.answers.get(caseId(b.member.id, t.request));
        const g = groupFor(t.request);
        const expected = t.expected ?? reference;
        // A deck row without a stratum, for a member the reference puts in one, states none
        // (MeasureReports of published test decks carry no stratum): strata are not compared.
        const stratum = !(expected.stratum === undefined && reference.stratum !== undefined);
        if (t.expected) {
          const d = compareOutcomes(reference, t.expected, { stratum });
          if (d) g.deckDisagrees(b.member.id, t.origin, d);
        }
        if (!answer || 'missing' in answer) {
          g.missingAnswer(b.member.id, t.origin);
          return;
        }
        if ('failure' in answer) {
          g.failedAnswer(b.member.id, t.origin, answer.failure);
          return;
        }
        g.add(expected, reference, answer.outcome, stratum, () => ({
          member: b.member,
          memberId: b.member.id,
          origin: t.origin,
          explain: (difference) => explainDifference(packsByYear, t.request, b.member, difference),
        }));
      });
    });
  };

  const inFlight: Promise<OrStop<BatchAnswers>>[] = [];
  const maxInFlight = Math.max(2, pool.workers * 2);
  /** Settles the oldest batch in flight; false when there is none or it stopped the run. */
  const drainOne = async (): Promise<boolean> => {
    const head = inFlight.shift();
    if (!head) return false;
    const done = await head;
    if (!done.ok) {
      record(done.stop);
      return false;
    }
    settle(done.value);
    return true;
  };

  let deckMembers = 0;
  let membersWithoutExpected = 0;
  let batch: Batch[number][] = [];
  for await (const read of readUntilStop(deck.members())) {
    if (interrupted()) break;
    if (!read.ok) {
      record(read.stop);
      break;
    }
    deckMembers += 1;
    const tasks = tasksOf(read.value);
    if (!tasks.ok) {
      record(tasks.stop);
      break;
    }
    if (tasks.value.length === 0) {
      membersWithoutExpected += 1;
      continue;
    }
    batch.push({ member: read.value.member, tasks: tasks.value });
    if (batch.length >= batchSize) {
      inFlight.push(launch(batch));
      batch = [];
      options.onProgress?.(deckMembers);
      while (inFlight.length >= maxInFlight && !stopped()) {
        if (!(await drainOne())) break;
      }
      if (stopped()) break;
    }
  }
  // A batch cut short by bad deck input is not compared: the run stops where the input went bad.
  if (batch.length > 0 && !stopped()) inFlight.push(launch(batch));
  while (inFlight.length > 0) {
    if (!(await drainOne())) {
      // The implementation or the results file stopped: drop the later batches quietly (their
      // rejections, if any, are already handled).
      inFlight.length = 0;
    }
  }
  options.onProgress?.(deckMembers);

  // Results for a compared measure, year and product line whose member the deck does not have.
  let unmatched: Leftovers = { count: 0, examples: [], ignored: 0 };
  if (results && !stopped()) {
    const leftovers = await results.leftovers(new Set(groups.keys()));
    if (leftovers.ok) unmatched = leftovers.value;
    else record(leftovers.stop);
  }

  const groupResults = [...groups.values()].map((g) => g.result()).sort(byGroup);
  const failed = aborted !== undefined || groupResults.some((g) => g.failed > 0);
  // An interrupt kills the implementation too: its failure then is the interrupt, not a verdict.
  const stoppedBySignal = interrupted();
  // Stale only means something when the whole deck was compared.
  const staleAccepts =
    aborted === undefined && inputError === undefined && !stoppedBySignal
      ? (options.accept ?? []).filter(
          (e) =>
            groupResults.some((g) => g.measure === e.measure && appliesToLine(e, g.productLine)) &&
            !groupResults.some((g) => g.discrepancies.some((d) => d.accepted === e)),
        )
      : [];
  const discrepant =
    groupResults.some((g) => g.discrepant - (g.accepted ?? 0) > 0 || g.missing > 0) ||
    unmatched.count > 0 ||
    staleAccepts.length > 0;
  const exitCode = stoppedBySignal ? 130 : inputError ? 2 : failed ? 3 : discrepant ? 1 : 0;
  return {
    format: 'measurecheck-compare/1',
    deck: deck.path,
    deckFormat: deck.format,
    expectedFrom: deck.expectedFile === undefined ? 'reference' : 'deck',
    implementation:
      options.answers.kind === 'implementation'
        ? options.answers.implementation.label
        : options.answers.file,
    packs: options.packs.map((p) => ({ id: p.id, version: p.version, family: p.family })),
    deckMembers,
    membersWithoutExpected,
    groups: groupResults,
    unmatchedResults: unmatched.count,
    unmatchedResultExamples: unmatched.examples,
    ignoredResults: unmatched.ignored,
    ...(staleAccepts.length > 0 ? { staleAccepts } : {}),
    skipped: skips.problems,
    skippedCount: skips.count,
    ...(aborted && !stoppedBySignal ? { aborted } : {}),
    ...(stoppedBySignal ? { interrupted: true as const } : {}),
    ...(inputError ? { inputError } : {}),
    durationMs: performance.now() - started,
    exitCode,
  };
}

function byGroup(a: CompareGroup, b: CompareGroup): number {
  return (
    a.measure.localeCompare(b.measure) ||
    a.year - b.year ||
    (a.productLine ?? '').localeCompare(b.productLine ?? '')
  );
}
