import type { Deck, DeckMember, ResultRow, RowOrigin } from '../adapters/deck/types.ts';
import { ImplementationError } from '../adapters/implementation.ts';
import type { Case, Implementation, ImplementationFailure } from '../adapters/implementation.ts';
import { evaluateMeasure } from '../engine/evaluate.ts';
import { describeClause, renderClauseTree } from '../engine/explain.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import { MeasurecheckError } from '../model/problem.ts';
import type { Problem } from '../model/problem.ts';
import type { Request } from '../model/request.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';
import { compareOutcomes, numeratorMap } from './compare.ts';
import type { OutcomeDifference } from './compare.ts';
import { decidingFor, traceOf } from './check.ts';
import { neighboursFor } from './neighbours.ts';
import type { MatchesNeighbour, Neighbour } from './neighbours.ts';
import type { ReferencePool } from './referencePool.ts';

/** Where the implementation's answers come from. */
export type AnswerSource =
  | { readonly kind: 'implementation'; readonly implementation: Implementation }
  | {
      readonly kind: 'results';
      /** The results file, for the report. */
      readonly file: string;
      readonly rows: AsyncIterable<ResultRow>;
    };

/** Which measures, years and product lines to compare. */
export interface CompareSelection {
  readonly measures?: readonly string[];
  readonly years?: readonly number[];
  readonly productLines?: readonly ProductLine[];
}

export interface CompareDeckOptions {
  readonly deck: Deck;
  /** The rule packs the reference evaluates with, one per measurement year. */
  readonly packs: readonly CompiledPack[];
  readonly answers: AnswerSource;
  readonly pool: ReferencePool;
  /** Narrows the deck's expected rows; only these are compared. */
  readonly selection?: CompareSelection;
  /**
   * What to compare when the deck has no expected results: each member for each of these requests,
   * with the reference as the expected side.
   */
  readonly requestsWithoutExpected?: readonly Request[];
  /** Members per batch sent to the reference workers and the implementation. Default 256. */
  readonly batchSize?: number;
  /** Discrepant members kept with their explanation, per measure, year and product line. Default 20. */
  readonly maxExamples?: number;
  /** Skip bad input rows (counted and listed) instead of stopping at the first. */
  readonly keepGoing?: boolean;
  /**
   * Where skipped bad rows are collected: pass the same list as the deck's and the results file's
   * `onSkip`, so the report lists the rows they skipped too.
   */
  readonly skips?: SkipList;
  /** Called after each batch with the number of members read so far. */
  readonly onProgress?: (members: number) => void;
}

/** Agreement on one population flag: expected (rows) against the implementation (columns). */
export interface Confusion {
  /** Both say yes. */
  readonly bothTrue: number;
  /** Both say no. */
  readonly bothFalse: number;
  /** Expected yes, implementation no. */
  readonly expectedOnly: number;
  /** Expected no, implementation yes. */
  readonly implementationOnly: number;
}

export interface RateCounts {
  /** Members in the denominator and not excluded. */
  readonly denominator: number;
  readonly numerator: number;
}

export interface RateComparison {
  /** `numerator` for a single-rate measure, else the rate id. */
  readonly rate: string;
  readonly expected: RateCounts;
  readonly reference: RateCounts;
  readonly implementation: RateCounts;
}

/** One discrepant member, with the reference's explanation of the population that differs. */
export interface DiscrepantMember {
  readonly memberId: string;
  readonly origin: RowOrigin;
  readonly difference: OutcomeDifference;
  /** The reference's deciding clauses one level below the population (as `check` groups findings). */
  readonly decidingClauses: readonly string[];
  readonly expected: Outcome;
  readonly implementation: Outcome;
  /** What the reference found, clause by clause, for the population that differs. */
  readonly explanation: readonly string[];
  /**
   * The implementation's answer is what the previous year's rules or another product line's rules
   * give for this member: the likely root cause.
   */
  readonly matchesNeighbour?: MatchesNeighbour;
}

export interface DiscrepancyGroup {
  /** `population:clause,clause`, as `check` keys its findings. */
  readonly key: string;
  readonly population: OutcomeDifference['population'];
  readonly decidingClauses: readonly string[];
  readonly count: number;
  /** How many of these members get the implementation's answer under a neighbour's rules. */
  readonly neighbourMatches: readonly {
    readonly neighbour: MatchesNeighbour;
    readonly count: number;
  }[];
  /** Past the analysis cap, discrepancies are counted by population only. */
  readonly analysed: boolean;
}

export interface FailedMember {
  readonly memberId: string;
  readonly origin: RowOrigin;
  readonly failure: ImplementationFailure;
}

/** The comparison for one measure, year and product line. */
export interface CompareGroup {
  readonly measure: string;
  readonly year: number;
  readonly productLine: ProductLine;
  /** Members compared (with an answer from the implementation). */
  readonly members: number;
  readonly agreeing: number;
  readonly discrepant: number;
  readonly populations: readonly { readonly population: string; readonly confusion: Confusion }[];
  /** Members where both sides have the member in the initial population: same stratum or not. */
  readonly strata: { readonly agree: number; readonly disagree: number };
  readonly rates: readonly RateComparison[];
  readonly discrepancies: readonly DiscrepancyGroup[];
  readonly examples: readonly DiscrepantMember[];
  /** Deck members the results file has no row for. */
  readonly missing: number;
  readonly missingExamples: readonly { memberId: string; origin: RowOrigin }[];
  /** Members the implementation gave no valid answer for (crash, timeout, invalid). */
  readonly failed: number;
  readonly failedExamples: readonly FailedMember[];
  /**
   * Members where the deck's expected result differs from the reference's (only when the deck has
   * expected results): the deck and the rule pack disagree, whatever the implementation says.
   */
  readonly deckVersusReference: number;
  readonly deckVersusReferenceExamples: readonly {
    memberId: string;
    origin: RowOrigin;
    difference: OutcomeDifference;
  }[];
}

export interface CompareResult {
  readonly format: 'measurecheck-compare/1';
  readonly deck: string;
  readonly deckFormat: 'csv' | 'jsonl';
  /** `deck` when the deck's expected results are the truth; `reference` when computed. */
  readonly expectedFrom: 'deck' | 'reference';
  readonly implementation: string;
  readonly packs: readonly { readonly id: string; readonly version: string }[];
  /** Members read from the deck. */
  readonly deckMembers: number;
  /** Deck members with no expected row in the selection (not compared). */
  readonly membersWithoutExpected: number;
  readonly groups: readonly CompareGroup[];
  /** Results-file rows for a compared measure, year and product line whose member is not in the deck. */
  readonly unmatchedResults: number;
  readonly unmatchedResultExamples: readonly {
    memberId: string;
    origin: RowOrigin;
    group: string;
  }[];
  /** Results-file rows outside the selection (other measures, years or product lines). */
  readonly ignoredResults: number;
  /** Bad input rows skipped with `--keep-going`. */
  readonly skipped: readonly Problem[];
  readonly skippedCount: number;
  /** The implementation stopped working; what was compared before is kept. */
  readonly aborted?: { readonly message: string; readonly stderr?: string };
  /** Bad input stopped the run (without `--keep-going`); what was compared before is kept. */
  readonly inputError?: readonly Problem[];
  readonly durationMs: number;
  /** 0 agree; 1 discrepancies or members on one side only; 2 bad input; 3 implementation failed. */
  readonly exitCode: 0 | 1 | 2 | 3;
}

const MAX_LISTED = 20;
/**
 * Discrepant members analysed (reference trace, deciding clauses, neighbour rules) per measure, year
 * and product line; past it, discrepancies are only counted, so a badly wrong implementation on a
 * million members does not re-evaluate every member on the main thread.
 */
export const MAX_ANALYSED = 5000;
const MAX_SKIPS_LISTED = 100;

/**
 * Compares an implementation (or its results file) against a fixture deck, member by member,
 * streaming: the deck is read in batches, the reference evaluates each batch on the worker pool
 * while the implementation answers it, and only counts and a few examples are kept. Memory stays
 * bounded by the batches in flight (plus, for a results file, one compact entry per result row).
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
  const groups = new Map<string, GroupAccumulator>();
  const groupFor = (r: Request) => {
    const key = requestKey(r);
    let g = groups.get(key);
    if (!g) {
      const measure = packsByYear.get(r.year)?.measures.get(r.measure);
      const neighbours = measure ? neighbourRules(packsByYear, measure.id, r) : [];
      g = new GroupAccumulator(r, measure?.singleRate ?? true, maxExamples, neighbours);
      groups.set(key, g);
    }
    return g;
  };
  const selection = options.selection ?? {};
  const selected = (r: { measure: string; year: number; productLine: ProductLine }) =>
    (selection.measures?.includes(r.measure) ?? true) &&
    (selection.years?.includes(r.year) ?? true) &&
    (selection.productLines?.includes(r.productLine) ?? true);

  let inputError: readonly Problem[] | undefined;
  let aborted: CompareResult['aborted'];
  const results =
    options.answers.kind === 'results'
      ? new ResultsIndex(options.answers.rows, options.keepGoing === true, skip)
      : undefined;

  let deckMembers = 0;
  let membersWithoutExpected = 0;
  const implementation =
    options.answers.kind === 'implementation' ? options.answers.implementation : undefined;

  /** Turns a deck member into the cases to compare, or skips an expected row the packs cannot serve. */
  const tasksOf = (dm: DeckMember): Task[] => {
    const tasks: Task[] = [];
    if (deck.expectedFile === undefined) {
      for (const request of options.requestsWithoutExpected ?? []) {
        if (selected(request)) tasks.push({ request, expected: undefined, origin: dm.origin });
      }
      return tasks;
    }
    for (const e of dm.expected) {
      const o = e.outcome;
      const request: Request = { measure: o.measure, year: o.year, productLine: o.productLine };
      if (!selected(request)) continue;
      const problem = unknownMeasure(packsByYear, request, e.origin);
      if (problem) {
        if (options.keepGoing !== true) throw new MeasurecheckError([problem]);
        skip(problem);
        continue;
      }
      tasks.push({ request, expected: o, origin: e.origin });
    }
    return tasks;
  };

  const stopped = () => aborted !== undefined || inputError !== undefined;
  const inFlight: Promise<BatchAnswers>[] = [];
  const maxInFlight = Math.max(2, pool.workers * 2);
  let implChain: Promise<unknown> = Promise.resolve();

  const launch = (batch: Batch): Promise<BatchAnswers> => {
    const jobs = batch.map((b) => ({ member: b.member, requests: b.tasks.map((t) => t.request) }));
    const reference = pool.evaluate(jobs);
    let answers: Promise<Map<string, AnswerOrMissing>>;
    if (implementation) {
      const cases: Case[] = batch.flatMap((b) =>
        b.tasks.map((t) => ({
          id: caseId(b.member.id, t.request),
          request: t.request,
          member: b.member,
        })),
      );
      const run = implChain.then(async () => {
        const got = await implementation.evaluate(cases);
        return new Map<string, AnswerOrMissing>(
          got.map((a) => [a.id, a.ok ? { outcome: a.outcome } : { failure: a.failure }]),
        );
      });
      implChain = run.catch(() => undefined);
      answers = run;
    } else {
      // The results file is read in order, one batch after the other.
      const run = implChain.then(async () => {
        const map = new Map<string, AnswerOrMissing>();
        for (const b of batch) {
          for (const t of b.tasks) {
            const outcome = await results?.take(b.member.id, t.request);
            map.set(caseId(b.member.id, t.request), outcome ? { outcome } : { missing: true });
          }
        }
        return map;
      });
      implChain = run.catch(() => undefined);
      answers = run;
    }
    // Both settle before the batch is processed; attach handlers now so no rejection goes unseen.
    const done = Promise.all([reference, answers]).then(([ref, ans]) => ({
      batch,
      reference: ref,
      answers: ans,
    }));
    // A batch can fail before it is drained (a bad results row, a crashed implementation): mark
    // the rejection handled now; drainOne still sees it when it awaits the batch.
    done.catch(() => undefined);
    return done;
  };

  const settle = (done: BatchAnswers) => {
    done.batch.forEach((b, i) => {
      const outcomes = done.reference[i] ?? [];
      b.tasks.forEach((t, j) => {
        const reference = outcomes[j];
        if (!reference) return;
        const answer = done.answers.get(caseId(b.member.id, t.request));
        const g = groupFor(t.request);
        const expected = t.expected ?? reference;
        if (t.expected) {
          const d = compareOutcomes(reference, t.expected);
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
        g.add(expected, reference, answer.outcome, () => ({
          member: b.member,
          memberId: b.member.id,
          origin: t.origin,
          explain: (difference) => explainDifference(packsByYear, t.request, b.member, difference),
        }));
      });
    });
  };

  const drainOne = async (): Promise<boolean> => {
    const head = inFlight.shift();
    if (!head) return false;
    try {
      settle(await head);
      return true;
    } catch (e) {
      if (e instanceof ImplementationError) {
        aborted ??= { message: e.message, ...(e.stderr ? { stderr: e.stderr } : {}) };
        return false;
      }
      if (e instanceof MeasurecheckError) {
        // A bad row in the results file.
        inputError ??= e.problems;
        return false;
      }
      throw e;
    }
  };

  {
    let batch: Batch = [];
    try {
      for await (const dm of deck.members()) {
        deckMembers += 1;
        const tasks = tasksOf(dm);
        if (tasks.length === 0) {
          membersWithoutExpected += 1;
          continue;
        }
        batch.push({ member: dm.member, tasks });
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
      if (batch.length > 0 && !stopped()) inFlight.push(launch(batch));
    } catch (e) {
      if (!(e instanceof MeasurecheckError)) throw e;
      inputError ??= e.problems;
    }
    while (inFlight.length > 0) {
      if (!(await drainOne())) {
        // The implementation or the results file stopped: drop the later batches quietly.
        for (const rest of inFlight.splice(0)) rest.catch(() => undefined);
      }
    }
    options.onProgress?.(deckMembers);
  }

  // Results for a compared measure, year and product line whose member the deck does not have.
  const compared = new Set(groups.keys());
  let unmatched: Awaited<ReturnType<ResultsIndex['leftovers']>> = {
    count: 0,
    examples: [],
    ignored: 0,
  };
  if (results && !stopped()) {
    try {
      unmatched = await results.leftovers(compared);
    } catch (e) {
      if (!(e instanceof MeasurecheckError)) throw e;
      inputError = e.problems;
    }
  }

  const groupResults = [...groups.values()].map((g) => g.result()).sort(byGroup);
  const discrepant =
    groupResults.some((g) => g.discrepant > 0 || g.missing > 0) || unmatched.count > 0;
  const failed = aborted !== undefined || groupResults.some((g) => g.failed > 0);
  const exitCode = inputError ? 2 : failed ? 3 : discrepant ? 1 : 0;
  return {
    format: 'measurecheck-compare/1',
    deck: deck.path,
    deckFormat: deck.format,
    expectedFrom: deck.expectedFile === undefined ? 'reference' : 'deck',
    implementation:
      options.answers.kind === 'implementation'
        ? options.answers.implementation.label
        : options.answers.file,
    packs: options.packs.map((p) => ({ id: p.id, version: p.version })),
    deckMembers,
    membersWithoutExpected,
    groups: groupResults,
    unmatchedResults: unmatched.count,
    unmatchedResultExamples: unmatched.examples,
    ignoredResults: unmatched.ignored,
    skipped: skips.problems,
    skippedCount: skips.count,
    ...(aborted ? { aborted } : {}),
    ...(inputError ? { inputError } : {}),
    durationMs: performance.now() - started,
    exitCode,
  };
}

/**
 * The result of a compare whose implementation could not even start: nothing compared, exit 3, so
 * the JSON, JUnit and Markdown reports still say what happened.
 */
export function implementationDidNotStart(
  deck: Deck,
  packs: readonly CompiledPack[],
  label: string,
  error: ImplementationError,
): CompareResult {
  return {
    format: 'measurecheck-compare/1',
    deck: deck.path,
    deckFormat: deck.format,
    expectedFrom: deck.expectedFile === undefined ? 'reference' : 'deck',
    implementation: label,
    packs: packs.map((p) => ({ id: p.id, version: p.version })),
    deckMembers: 0,
    membersWithoutExpected: 0,
    groups: [],
    unmatchedResults: 0,
    unmatchedResultExamples: [],
    ignoredResults: 0,
    skipped: [],
    skippedCount: 0,
    aborted: {
      message: error.message,
      ...(error.stderr ? { stderr: error.stderr } : {}),
    },
    durationMs: 0,
    exitCode: 3,
  };
}

/** Bad input rows skipped with keepGoing: all counted, the first 100 kept for the report. */
export class SkipList {
  readonly problems: Problem[] = [];
  count = 0;

  add(p: Problem): void {
    this.count += 1;
    if (this.problems.length < MAX_SKIPS_LISTED) this.problems.push(p);
  }
}

interface Task {
  readonly request: Request;
  /** The deck's expected outcome; undefined when the reference's is the expected one. */
  readonly expected: Outcome | undefined;
  readonly origin: RowOrigin;
}
type Batch = { readonly member: Member; readonly tasks: readonly Task[] }[];
type AnswerOrMissing =
  | { readonly outcome: Outcome }
  | { readonly failure: ImplementationFailure }
  | { readonly missing: true };
interface BatchAnswers {
  readonly batch: Batch;
  readonly reference: Outcome[][];
  readonly answers: Map<string, AnswerOrMissing>;
}

function requestKey(r: { measure: string; year: number; productLine: string }): string {
  return `${r.measure}|${String(r.year)}|${r.productLine}`;
}

function caseId(memberId: string, r: Request): string {
  return `${memberId}|${requestKey(r)}`;
}

function byGroup(a: CompareGroup, b: CompareGroup): number {
  return (
    a.measure.localeCompare(b.measure) ||
    a.year - b.year ||
    a.productLine.localeCompare(b.productLine)
  );
}

function unknownMeasure(
  packs: ReadonlyMap<number, CompiledPack>,
  r: Request,
  origin: RowOrigin,
): Problem | undefined {
  const pack = packs.get(r.year);
  if (!pack) {
    return {
      code: 'deck/unknown-year',
      message: `expected row for ${r.measure} ${String(r.year)}: no rule pack for ${String(r.year)} is loaded`,
      file: origin.file,
      line: origin.line,
      hint: `loaded packs: ${[...packs.values()].map((p) => `${p.id} (${String(p.year)})`).join(', ')}; pass --rules <dir> for that year, or --year to compare only one year`,
    };
  }
  const measure = pack.measures.get(r.measure);
  if (!measure) {
    return {
      code: 'deck/unknown-measure',
      message: `expected row for unknown measure "${r.measure}": it is not in rule pack ${pack.id}`,
      file: origin.file,
      line: origin.line,
      hint: `measures in ${pack.id}: ${[...pack.measures.keys()].join(', ')}`,
    };
  }
  if (!measure.productLines.includes(r.productLine)) {
    return {
      code: 'deck/unknown-product-line',
      message: `expected row for ${r.measure} ${r.productLine}: the measure is not reported for ${r.productLine} in ${pack.id}`,
      file: origin.file,
      line: origin.line,
      hint: `${r.measure} is reported for ${measure.productLines.join(', ')}`,
    };
  }
  return undefined;
}

/**
 * The rules a confused implementation may follow instead: the previous year's pack (when loaded)
 * and each other product line the measure is reported for.
 */
function neighbourRules(
  packs: ReadonlyMap<number, CompiledPack>,
  measureId: string,
  r: Request,
): Neighbour[] {
  const measure = packs.get(r.year)?.measures.get(measureId);
  if (!measure) return [];
  const previous = packs.get(r.year - 1)?.measures.get(measureId);
  return [
    ...(previous ? neighboursFor({ year: previous }, measure, r.productLine) : []),
    ...measure.productLines.flatMap((productLine) =>
      neighboursFor({ productLine }, measure, r.productLine),
    ),
  ];
}

/** The reference's explanation of the population that differs: its deciding clauses and tree. */
function explainDifference(
  packs: ReadonlyMap<number, CompiledPack>,
  request: Request,
  member: Member,
  difference: OutcomeDifference,
): { deciding: string[]; lines: string[] } {
  const measure = packs.get(request.year)?.measures.get(request.measure);
  if (!measure) return { deciding: [], lines: [] };
  const evaluation = evaluateMeasure(measure, request, member);
  const node = traceOf(evaluation, difference.population);
  const deciding = decidingFor(evaluation, difference);
  if (!node) return { deciding, lines: [] };
  return {
    deciding,
    lines: [`${node.id}: ${describeClause(node)}`, ...renderClauseTree(node, '  ').slice(1)],
  };
}

/** Counts for one measure, year and product line, and the first few examples of each problem. */
class GroupAccumulator {
  private members = 0;
  private agreeing = 0;
  private readonly confusion = new Map<string, [number, number, number, number]>();
  private readonly strata = { agree: 0, disagree: 0 };
  private readonly rates = new Map<
    string,
    { e: [number, number]; r: [number, number]; i: [number, number] }
  >();
  private readonly discrepancies = new Map<
    string,
    {
      g: Omit<DiscrepancyGroup, 'count' | 'neighbourMatches'>;
      count: number;
      matches: Map<string, { neighbour: MatchesNeighbour; count: number }>;
    }
  >();
  private readonly examples: DiscrepantMember[] = [];
  private discrepant = 0;
  private analysed = 0;
  private missing = 0;
  private readonly missingExamples: { memberId: string; origin: RowOrigin }[] = [];
  private failed = 0;
  private readonly failedExamples: FailedMember[] = [];
  private deckVersusReference = 0;
  private readonly deckExamples: {
    memberId: string;
    origin: RowOrigin;
    difference: OutcomeDifference;
  }[] = [];

  constructor(
    private readonly request: Request,
    private readonly singleRate: boolean,
    private readonly maxExamples: number,
    private readonly neighbours: readonly Neighbour[],
  ) {}

  add(
    expected: Outcome,
    reference: Outcome,
    implementation: Outcome,
    context: () => {
      member: Member;
      memberId: string;
      origin: RowOrigin;
      explain: (d: OutcomeDifference) => { deciding: string[]; lines: string[] };
    },
  ): void {
    this.members += 1;
    this.count('initialPopulation', expected.initialPopulation, implementation.initialPopulation);
    this.count('denominator', expected.denominator, implementation.denominator);
    this.count(
      'denominatorExclusion',
      expected.denominatorExclusion,
      implementation.denominatorExclusion,
    );
    const e = numeratorMap(expected.numerator);
    const i = numeratorMap(implementation.numerator);
    const r = numeratorMap(reference.numerator);
    for (const [rate, value] of e) {
      const name = this.singleRate ? 'numerator' : `numerator:${rate}`;
      this.count(name, value, i.get(rate) ?? false);
      const counts = this.rates.get(rate) ?? { e: [0, 0], r: [0, 0], i: [0, 0] };
      this.rates.set(rate, counts);
      tally(counts.e, expected, value);
      tally(counts.r, reference, r.get(rate) ?? false);
      tally(counts.i, implementation, i.get(rate) ?? false);
    }
    if (expected.initialPopulation && implementation.initialPopulation) {
      if (expected.stratum === implementation.stratum) this.strata.agree += 1;
      else this.strata.disagree += 1;
    }
    const difference = compareOutcomes(expected, implementation);
    if (!difference) {
      this.agreeing += 1;
      return;
    }
    this.discrepant += 1;
    if (this.analysed >= MAX_ANALYSED) {
      // Past the cap, no more traces on the main thread: count by population only.
      const key = `${difference.population}:`;
      const seen = this.discrepancies.get(key);
      if (seen) seen.count += 1;
      else {
        this.discrepancies.set(key, {
          g: { key, population: difference.population, decidingClauses: [], analysed: false },
          count: 1,
          matches: new Map(),
        });
      }
      return;
    }
    this.analysed += 1;
    const ctx = context();
    const keep = this.examples.length < this.maxExamples;
    // The deciding clauses need the reference's trace, computed here on the main thread for the
    // discrepant members only.
    const explained = ctx.explain(difference);
    const matches = compareOutcomes(reference, implementation)
      ? this.neighbours.find(
          (n) => compareOutcomes(n.outcome(ctx.member), implementation) === undefined,
        )?.matches
      : undefined;
    const key = `${difference.population}:${explained.deciding.join(',')}`;
    let seen = this.discrepancies.get(key);
    if (!seen) {
      seen = {
        g: {
          key,
          population: difference.population,
          decidingClauses: explained.deciding,
          analysed: true,
        },
        count: 0,
        matches: new Map(),
      };
      this.discrepancies.set(key, seen);
    }
    seen.count += 1;
    if (matches) {
      const id = JSON.stringify(matches);
      const m = seen.matches.get(id) ?? { neighbour: matches, count: 0 };
      m.count += 1;
      seen.matches.set(id, m);
    }
    if (keep) {
      this.examples.push({
        memberId: ctx.memberId,
        origin: ctx.origin,
        difference,
        decidingClauses: explained.deciding,
        expected,
        implementation,
        explanation: explained.lines,
        ...(matches ? { matchesNeighbour: matches } : {}),
      });
    }
  }

  missingAnswer(memberId: string, origin: RowOrigin): void {
    this.missing += 1;
    if (this.missingExamples.length < this.maxExamples)
      this.missingExamples.push({ memberId, origin });
  }

  failedAnswer(memberId: string, origin: RowOrigin, failure: ImplementationFailure): void {
    this.failed += 1;
    if (this.failedExamples.length < this.maxExamples) {
      this.failedExamples.push({ memberId, origin, failure });
    }
  }

  deckDisagrees(memberId: string, origin: RowOrigin, difference: OutcomeDifference): void {
    this.deckVersusReference += 1;
    if (this.deckExamples.length < this.maxExamples) {
      this.deckExamples.push({ memberId, origin, difference });
    }
  }

  private count(name: string, expected: boolean, implementation: boolean): void {
    const c = this.confusion.get(name) ?? [0, 0, 0, 0];
    this.confusion.set(name, c);
    const index = expected ? (implementation ? 0 : 2) : implementation ? 3 : 1;
    c[index] += 1;
  }

  result(): CompareGroup {
    return {
      measure: this.request.measure,
      year: this.request.year,
      productLine: this.request.productLine,
      members: this.members,
      agreeing: this.agreeing,
      discrepant: this.discrepant,
      populations: [...this.confusion].map(([population, c]) => ({
        population,
        confusion: {
          bothTrue: c[0],
          bothFalse: c[1],
          expectedOnly: c[2],
          implementationOnly: c[3],
        },
      })),
      strata: { ...this.strata },
      rates: [...this.rates].map(([rate, c]) => ({
        rate,
        expected: { denominator: c.e[0], numerator: c.e[1] },
        reference: { denominator: c.r[0], numerator: c.r[1] },
        implementation: { denominator: c.i[0], numerator: c.i[1] },
      })),
      discrepancies: [...this.discrepancies.values()]
        .map((d) => ({
          ...d.g,
          count: d.count,
          neighbourMatches: [...d.matches.values()].map((m) => ({ ...m })),
        }))
        .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)),
      examples: this.examples,
      missing: this.missing,
      missingExamples: this.missingExamples,
      failed: this.failed,
      failedExamples: this.failedExamples,
      deckVersusReference: this.deckVersusReference,
      deckVersusReferenceExamples: this.deckExamples,
    };
  }
}

/** Adds a member to a rate's counts: [denominator (in, not excluded), numerator]. */
function tally(counts: [number, number], o: Outcome, numerator: boolean): void {
  if (o.denominator && !o.denominatorExclusion) {
    counts[0] += 1;
    if (numerator) counts[1] += 1;
  }
}

/**
 * An implementation's results file, read lazily alongside the deck: `take` reads rows until it meets
 * the one asked for, keeping the rows read ahead in a buffer. A results file in the deck's member
 * order (the usual case: an engine run over the deck) keeps the buffer to a few rows, so memory
 * stays bounded; rows in another order are buffered until their member comes. Rows already taken
 * are remembered per member as a bit per (measure, year, product line), to tell a duplicate row from
 * a row for a member the deck does not have.
 */
class ResultsIndex {
  private readonly buffer = new Map<string, ResultRow>();
  private readonly taken = new Map<string, number>();
  private readonly takenBeyondMask = new Set<string>();
  private readonly groups = new Map<string, number>();
  private readonly iterator: AsyncIterator<ResultRow>;
  private done = false;

  constructor(
    rows: AsyncIterable<ResultRow>,
    private readonly keepGoing: boolean,
    private readonly skip: (p: Problem) => void,
  ) {
    this.iterator = rows[Symbol.asyncIterator]();
  }

  /** The implementation's outcome for this member and request, or undefined when it has none. */
  async take(memberId: string, r: Request): Promise<Outcome | undefined> {
    const key = caseId(memberId, r);
    if (!this.buffer.has(key)) await this.pull(key);
    const row = this.buffer.get(key);
    if (row === undefined) return undefined;
    this.buffer.delete(key);
    this.markTaken(memberId, r);
    return row.outcome;
  }

  /** Reads rows until `key` is in the buffer, or to the end of the file. */
  private async pull(key?: string): Promise<void> {
    while (!this.done && (key === undefined || !this.buffer.has(key))) {
      const next = await this.iterator.next();
      if (next.done === true) {
        this.done = true;
        return;
      }
      const row = next.value;
      const o = row.outcome;
      const rowKey = caseId(o.memberId, o);
      const earlier = this.buffer.get(rowKey);
      if (earlier !== undefined || this.wasTaken(o.memberId, o)) {
        const problem: Problem = {
          code: 'results/duplicate',
          message: `a second result for member ${o.memberId}, ${o.measure} ${String(o.year)} ${o.productLine}${earlier ? ` (the first is on line ${String(earlier.origin.line)})` : ''}`,
          file: row.origin.file,
          line: row.origin.line,
          hint: 'a results file has one row per member, measure, year and product line',
        };
        if (!this.keepGoing) throw new MeasurecheckError([problem]);
        this.skip(problem);
        continue;
      }
      this.buffer.set(rowKey, row);
    }
  }

  private groupBit(r: Request): number {
    const g = requestKey(r);
    let index = this.groups.get(g);
    if (index === undefined) {
      index = this.groups.size;
      this.groups.set(g, index);
    }
    return index;
  }

  private markTaken(memberId: string, r: Request): void {
    const bit = this.groupBit(r);
    if (bit < 30) this.taken.set(memberId, (this.taken.get(memberId) ?? 0) | (1 << bit));
    else this.takenBeyondMask.add(caseId(memberId, r));
  }

  private wasTaken(memberId: string, r: Request): boolean {
    const bit = this.groupBit(r);
    if (bit < 30) return ((this.taken.get(memberId) ?? 0) & (1 << bit)) !== 0;
    return this.takenBeyondMask.has(caseId(memberId, r));
  }

  /** Rows never taken: for a compared group, members the deck lacks; otherwise ignored. */
  async leftovers(compared: ReadonlySet<string>): Promise<{
    count: number;
    examples: { memberId: string; origin: RowOrigin; group: string }[];
    ignored: number;
  }> {
    await this.pull();
    let count = 0;
    let ignored = 0;
    const examples: { memberId: string; origin: RowOrigin; group: string }[] = [];
    for (const { outcome, origin } of this.buffer.values()) {
      const group = requestKey(outcome);
      if (!compared.has(group)) {
        ignored += 1;
        continue;
      }
      count += 1;
      if (examples.length < MAX_LISTED)
        examples.push({ memberId: outcome.memberId, origin, group });
    }
    return { count, examples, ignored };
  }
}
