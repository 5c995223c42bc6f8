import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type {
  Case,
  CaseAnswer,
  Implementation,
  ImplementationFailure,
} from '../adapters/implementation.ts';
import { ImplementationError } from '../adapters/implementation.ts';
import { evaluateMeasure } from '../engine/evaluate.ts';
import type { Evaluation } from '../engine/trace.ts';
import { PRODUCT_LINES } from '../model/member.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { CompiledMeasure, CompiledPack } from '../rulepack/compiled.ts';
import { memberArbitrary } from '../generate/index.ts';
import type { GeneratorMode } from '../generate/index.ts';
import { compareOutcomes } from './compare.ts';
import type { OutcomeDifference } from './compare.ts';
import { matchingNeighbour, neighboursFor, targetedArbitrary } from './neighbours.ts';
import type { NeighbourTargets, TargetingInfo } from './neighbours.ts';
import { acceptsDifference, appliesToLine } from './acceptList.ts';
import type { AcceptEntry } from './acceptList.ts';
import { groupFindings } from './findingGroups.ts';
import type { FindingGroup } from './findingGroups.ts';
import { CoverageAccumulator } from './clauseCoverage.ts';
import type { ClauseCoverage } from './clauseCoverage.ts';
import { RunControl, RunStopped } from './_internals/runControl.ts';
import type { StopReason } from './_internals/runControl.ts';

export type { StopReason } from './_internals/runControl.ts';
export type { Finding, GivenAnswer } from './finding.ts';
export { decidingFor, traceOf } from './finding.ts';
import type { Finding, GivenAnswer } from './finding.ts';
import { decidingFor } from './finding.ts';

export interface CheckOptions {
  readonly pack: CompiledPack;
  readonly measure: CompiledMeasure;
  readonly productLines: readonly (ProductLine | undefined)[];
  readonly implementation: Implementation;
  /** Cases per product line. */
  readonly runs: number;
  readonly seed: number;
  /** Replay one case (and its shrinks) instead of a full run; needs a single product line. */
  readonly path?: string;
  readonly generator: GeneratorMode;
  /** Cases sent to the implementation at once. */
  readonly batchSize?: number;
  /** Most distinct findings shrunk and reported per product line. */
  readonly maxFindings?: number;
  /** Called as each product line finishes, for reporters that stream. */
  readonly onProductLine?: (result: ProductLineResult) => void;
  /**
   * Neighbouring rules to aim a share of the cases at and to attribute discrepancies to
   * (neighbours.ts); absent or false: no targeting. The CLI turns the previous year on by default.
   */
  readonly neighbours?: NeighbourTargets | false;
  /**
   * Stops the run when aborted (the CLI aborts on SIGINT): the result holds what was done so far,
   * with `stopped.reason` `interrupted`.
   */
  readonly signal?: AbortSignal;
  /** Overall budget: when it runs out the run stops with what it found (`stopped.reason` `max-time`). */
  readonly maxTimeMs?: number;
  /**
   * Idle watchdog: when neither an answer from the implementation nor work of the harness has been
   * seen for this long, the run stops (`stopped.reason` `idle`, exit code 3).
   */
  readonly idleTimeoutMs?: number;
  /**
   * Reviewed, accepted differences (`--accept`, acceptList.ts): a discrepancy one matches is
   * reported as accepted and does not fail the run; an entry for this measure and the product lines
   * checked that matches nothing is stale and fails it.
   */
  readonly accept?: readonly AcceptEntry[];
}

export interface ProductLineResult {
  /** Undefined for a measure without product lines. */
  readonly productLine: ProductLine | undefined;
  readonly cases: number;
  readonly discrepantCases: number;
  readonly failedCases: number;
  readonly findings: readonly Finding[];
  /** Distinct findings seen but not shrunk because of `maxFindings`. */
  readonly unreportedFindings: number;
  readonly durationMs: number;
  /** The implementation stopped working during this product line; counts are up to that point. */
  readonly stopped?: true;
  /** The run was stopped during this product line; counts are up to that point. */
  readonly cutShort?: StopReason;
  /** Neighbour targeting on this product line, when asked for. */
  readonly targeting?: readonly TargetingInfo[];
  /** Clause outcomes the reference showed over the screened cases (not the shrinks). */
  readonly coverage?: ClauseCoverage;
}

export interface CheckResult {
  readonly measure: string;
  readonly year: number;
  readonly pack: { readonly id: string; readonly version: string };
  readonly implementation: string;
  readonly generator: GeneratorMode;
  readonly seed: number;
  readonly runs: number;
  readonly path?: string;
  readonly productLines: readonly ProductLineResult[];
  /**
   * The findings of every product line grouped by root cause (same population, deciding clauses
   * and direction), in the order first seen: what the reports show.
   */
  readonly findingGroups: readonly FindingGroup[];
  /**
   * Entries of `--accept` for this measure and the product lines checked that matched no finding of
   * a complete run: the list has rotted (remove or fix them); they fail the run.
   */
  readonly staleAccepts?: readonly AcceptEntry[];
  /**
   * Entries of `--accept` that matched no finding of the generated cases but whose minimal member
   * (`member`) still shows the difference: not stale, and they do not fail the run.
   */
  readonly acceptsShownByMember?: readonly AcceptEntry[];
  /** The product lines the run was asked to check, reached or not. */
  readonly requestedProductLines: readonly (ProductLine | undefined)[];
  /** Set when the implementation could not be run any more; results so far are kept. */
  readonly aborted?: {
    /** Undefined for a measure without product lines. */
    readonly productLine: ProductLine | undefined;
    readonly message: string;
    readonly stderr?: string;
  };
  /**
   * Set when the run stopped before it was done (interrupted, out of time, idle); the product lines
   * not reached are missing, and the last one is marked `cutShort`.
   */
  readonly stopped?: {
    readonly reason: StopReason;
    readonly message: string;
    /** Undefined for a measure without product lines. */
    readonly productLine: ProductLine | undefined;
    readonly afterMs: number;
  };
  /**
   * 0 agreement, 1 discrepancies, 3 the implementation failed to run, or the run stopped before it
   * could reach a verdict (docs/contract.md).
   */
  readonly exitCode: 0 | 1 | 3;
}

interface Screened {
  readonly key: string;
  readonly index: number;
  count: number;
  /** The first case that showed it, as judged then. */
  readonly member: Member;
  readonly verdict: Verdict;
}

/**
 * Runs the property: for generated members, the implementation's outcome equals the reference's.
 * Cases are first screened in batches (so a process implementation is pipelined), then each distinct
 * finding is replayed through fast-check from its index and shrunk to a minimal member, so the
 * printed seed and path replay exactly that member.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const results: ProductLineResult[] = [];
  let aborted: CheckResult['aborted'];
  let stopped: CheckResult['stopped'];
  const control = new RunControl(options);
  try {
    for (const productLine of options.productLines) {
      try {
        const result = await checkProductLine(options, productLine, control);
        results.push(result);
        options.onProductLine?.(result);
        control.check();
      } catch (e) {
        if (e instanceof LineStopped) {
          const cut = { ...e.partial, cutShort: e.reason };
          results.push(cut);
          options.onProductLine?.(cut);
        } else if (!(e instanceof LineAborted) && !(e instanceof RunStopped)) throw e;
        if (e instanceof LineAborted) {
          // Keep what this product line had computed before the implementation stopped working.
          const partial = { ...e.partial, stopped: true as const };
          results.push(partial);
          options.onProductLine?.(partial);
          aborted = {
            productLine,
            message: e.cause.message,
            ...(e.cause.stderr !== undefined ? { stderr: e.cause.stderr } : {}),
          };
        } else {
          stopped = {
            reason: e instanceof LineStopped ? e.reason : (control.reason ?? 'interrupted'),
            message: control.message,
            productLine,
            afterMs: control.elapsedMs(),
          };
        }
        break;
      }
    }
  } finally {
    control.dispose();
  }
  const accept = options.accept ?? [];
  const acceptedBy = (f: Finding): AcceptEntry | undefined => {
    const d = f.kind === 'discrepancy' ? f.difference : undefined;
    return d
      ? accept.find((e) =>
          acceptsDifference(e, options.measure.id, f.productLine, d, f.decidingClauses),
        )
      : undefined;
  };
  const lines = results.map((r) => ({
    ...r,
    findings: r.findings.map((f) => {
      const entry = acceptedBy(f);
      return entry ? { ...f, accepted: entry } : f;
    }),
  }));
  const findingGroups = groupFindings(
    lines.flatMap((r) => r.findings),
    (f) => f.accepted,
  );
  // Stale only means something for a complete run: a run cut short may not have reached the case.
  const complete = aborted === undefined && stopped === undefined && options.path === undefined;
  const unmatched = complete
    ? accept.filter(
        (e) =>
          e.measure === options.measure.id &&
          options.productLines.some((l) => appliesToLine(e, l)) &&
          !findingGroups.some((g) => g.accepted === e),
      )
    : [];
  // A rare difference may not be among this seed's cases: an entry with its minimal member is
  // stale only when the member no longer shows it.
  const staleAccepts: AcceptEntry[] = [];
  const acceptsShownByMember: AcceptEntry[] = [];
  for (const entry of unmatched) {
    const shown = await shownByMember(options, entry);
    if (shown === 'failed') {
      aborted ??= {
        productLine: undefined,
        message: `the implementation failed on the minimal member of the accepted difference at ${entry.file}:${String(entry.line)}`,
      };
    } else if (typeof shown === 'object') {
      stopped ??= { ...shown, productLine: undefined, afterMs: control.elapsedMs() };
      break;
    } else (shown ? acceptsShownByMember : staleAccepts).push(entry);
  }
  const failed = aborted !== undefined || results.some((r) => r.failedCases > 0);
  // Accepted findings do not fail the run; distinct findings not shown (past --max-findings) may
  // not be accepted ones, so they still do.
  const discrepant =
    findingGroups.some((g) => g.kind !== 'failure' && g.accepted === undefined) ||
    results.some((r) => r.unreportedFindings > 0 && r.discrepantCases > 0) ||
    staleAccepts.length > 0;
  // A run cut short has no verdict unless it already found something wrong; an idle run is stuck.
  const noVerdict = stopped !== undefined && (stopped.reason === 'idle' || !discrepant);
  return {
    measure: options.measure.id,
    year: options.measure.year,
    pack: { id: options.pack.id, version: options.pack.version },
    implementation: options.implementation.label,
    generator: options.generator,
    seed: options.seed,
    runs: options.runs,
    ...(options.path !== undefined ? { path: options.path } : {}),
    productLines: lines,
    findingGroups,
    ...(staleAccepts.length > 0 ? { staleAccepts } : {}),
    ...(acceptsShownByMember.length > 0 ? { acceptsShownByMember } : {}),
    requestedProductLines: options.productLines,
    ...(aborted ? { aborted } : {}),
    ...(stopped ? { stopped } : {}),
    exitCode: failed || noVerdict ? 3 : discrepant ? 1 : 0,
  };
}

/** The request for one product line of a measure (none for a measure without product lines). */
function requestFor(measure: CompiledMeasure, productLine: ProductLine | undefined): Request {
  return {
    measure: measure.id,
    year: measure.year,
    ...(productLine !== undefined ? { productLine } : {}),
  };
}

/**
 * Whether an accept entry's minimal member still shows its difference, on some product line the
 * entry covers among those checked (false when the entry has no member); 'failed' when the
 * implementation could not answer for it; the stop when the run was stopped (a signal, idle).
 */
async function shownByMember(
  options: CheckOptions,
  entry: AcceptEntry,
): Promise<boolean | 'failed' | { reason: StopReason; message: string }> {
  if (entry.member === undefined) return false;
  // No time budget here: the run it belongs to has completed.
  const control = new RunControl({
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  try {
    for (const productLine of options.productLines.filter((l) => appliesToLine(entry, l))) {
      const judge = new Judge(
        options.measure,
        requestFor(options.measure, productLine),
        options.implementation,
        productLine,
        control,
      );
      const [verdict] = await judge.judge([{ member: entry.member, index: 0 }]);
      if (verdict?.failure !== undefined) return 'failed';
      const d = verdict?.difference;
      if (d && acceptsDifference(entry, options.measure.id, productLine, d, verdict.deciding))
        return true;
    }
    return false;
  } catch (e) {
    if (e instanceof RunStopped) return { reason: e.reason, message: control.message };
    throw e;
  } finally {
    control.dispose();
  }
}

async function checkProductLine(
  options: CheckOptions,
  productLine: ProductLine | undefined,
  control: RunControl,
): Promise<ProductLineResult> {
  const started = performance.now();
  const { measure, implementation } = options;
  const seed = lineSeed(options.seed, productLine);
  const request = requestFor(measure, productLine);
  const neighbours = neighboursFor(options.neighbours, measure, productLine);
  const { arbitrary, targeting } = targetedArbitrary(
    memberArbitrary(measure, { productLine, mode: options.generator }),
    measure,
    request,
    neighbours,
    seed,
  );
  const judge = new Judge(measure, request, implementation, productLine, control);
  const coverage = new CoverageAccumulator(measure, productLine);

  const byKey = new Map<string, Screened>();
  let cases = 0;
  let discrepantCases = 0;
  let failedCases = 0;
  const findings: Finding[] = [];
  /** Screened keys whose finding is in `findings` (an inconsistent one has a key of its own). */
  const shrunkKeys = new Set<string>();
  const note = (verdict: Verdict): void => {
    coverage.add(verdict.reference);
    if (verdict.key === undefined) return;
    if (verdict.key.startsWith('failure:')) failedCases += 1;
    else discrepantCases += 1;
    const seen = byKey.get(verdict.key);
    if (seen) seen.count += 1;
    else {
      const { key, index, member } = verdict;
      byKey.set(key, { key, index, count: 1, member, verdict });
    }
  };
  const maxFindings = options.maxFindings ?? 5;
  const screenedInOrder = (): Screened[] => [...byKey.values()].sort((a, b) => a.index - b.index);

  try {
    if (options.path !== undefined) {
      const index = Number(options.path.split(':')[0]);
      const member = replayValue(arbitrary, seed, options.path);
      const [verdict] = await judge.judge([{ member, index }]);
      cases = 1;
      if (verdict) note(verdict);
    } else {
      const members = fc.sample(arbitrary, { seed, numRuns: options.runs });
      const batchSize = options.batchSize ?? 256;
      for (let start = 0; start < members.length; start += batchSize) {
        const batch = members
          .slice(start, start + batchSize)
          .map((member, i) => ({ member, index: start + i }));
        const verdicts = await judge.judge(batch);
        cases += batch.length;
        verdicts.forEach(note);
      }
    }
    for (const s of screenedInOrder().slice(0, maxFindings)) {
      const f = await shrinkFinding(judge, arbitrary, seed, s, options.path, options.seed);
      const matches =
        f.difference && f.implementationOutcome
          ? matchingNeighbour(neighbours, f.member, f.reference, f.implementationOutcome)
          : undefined;
      findings.push(matches ? { ...f, matchesNeighbour: matches } : f);
      shrunkKeys.add(s.key);
    }
  } catch (e) {
    if (e instanceof ImplementationError) throw new LineAborted(e, partial(unshrunk()));
    if (e instanceof RunStopped) throw new LineStopped(e.reason, partial(unshrunk()));
    throw e;
  }
  return partial(findings);

  /** The findings so far, and those not shrunk yet as they were first seen (up to the limit). */
  function unshrunk(): Finding[] {
    const rest = screenedInOrder()
      .filter((s) => !shrunkKeys.has(s.key))
      .slice(0, Math.max(0, maxFindings - findings.length))
      .map((s) => findingAsSeen(judge, s, options.path ?? String(s.index), options.seed));
    return [...findings, ...rest];
  }

  function partial(reported: readonly Finding[]): ProductLineResult {
    return {
      productLine,
      cases,
      discrepantCases,
      failedCases,
      findings: reported,
      unreportedFindings: Math.max(0, byKey.size - reported.length),
      durationMs: performance.now() - started,
      ...(targeting.length > 0 ? { targeting } : {}),
      coverage: coverage.result(),
    };
  }
}

/** The implementation stopped working part way through a product line. */
class LineAborted extends Error {
  constructor(
    override readonly cause: ImplementationError,
    readonly partial: ProductLineResult,
  ) {
    super(cause.message);
  }
}

/** The run was stopped part way through a product line. */
class LineStopped extends Error {
  constructor(
    readonly reason: StopReason,
    readonly partial: ProductLineResult,
  ) {
    super(`run stopped: ${reason}`);
  }
}

/**
 * Each product line draws its own members (the same seed would give the same members on every
 * line), derived from the run's seed so `--seed` and `--product-line` replay them.
 */
export function lineSeed(seed: number, productLine: ProductLine | undefined): number {
  const index = productLine !== undefined ? PRODUCT_LINES.indexOf(productLine) : 0;
  return (seed + 7919 * index) | 0;
}

/** The value fast-check generates at `path` (its first segment is the run index). */
function replayValue(arbitrary: Arbitrary<Member>, seed: number, path: string): Member {
  let value: Member | undefined;
  fc.check(
    fc.property(arbitrary, (m) => {
      value ??= m;
      return false;
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (value === undefined) throw new Error(`no value at path ${path}`);
  return value;
}

/**
 * Shrinks one finding: fast-check replays the run at the finding's index and shrinks while the
 * same finding (same key) persists, so shrinking cannot wander to a different bug. The shrunk
 * member is asked again to confirm it. When the implementation answers the replayed or the
 * shrunk member differently from the time before, the finding is `inconsistent` (flaky or
 * stateful), with both answers.
 */
async function shrinkFinding(
  judge: Judge,
  arbitrary: Arbitrary<Member>,
  seed: number,
  screened: Screened,
  replayPath: string | undefined,
  runSeed: number,
): Promise<Finding> {
  const timeout = screened.key === 'failure:timeout';
  let shrinkSteps = 0;
  let replayed: { member: Member; verdict: Verdict } | undefined;
  let lastFailing: { member: Member; verdict: Verdict } | undefined;
  let interruption: ImplementationError | RunStopped | undefined;
  const result = await fc.check(
    fc.asyncProperty(arbitrary, async (member) => {
      // Once the run is stopped or the implementation is gone, let fast-check finish at once.
      if (interruption !== undefined) return true;
      let verdict: Verdict | undefined;
      try {
        [verdict] = await judge.judge([{ member, index: screened.index }]);
      } catch (e) {
        if (!(e instanceof ImplementationError) && !(e instanceof RunStopped)) throw e;
        interruption = e;
        return true;
      }
      if (!verdict) return true;
      replayed ??= { member, verdict };
      const holds = verdict.key !== screened.key;
      if (!holds) {
        shrinkSteps += 1;
        lastFailing = { member, verdict };
      }
      return holds;
    }),
    {
      seed,
      path: replayPath ?? String(screened.index),
      // Every shrink of a hang would wait for the timeout; report a hang unshrunk.
      endOnFailure: timeout,
    },
  );
  if (interruption !== undefined) throw interruption;
  // The property itself threw (a bug in the harness, not the implementation's answer).
  if (result.failed && lastFailing === undefined && result.errorInstance !== null) {
    throw result.errorInstance instanceof Error
      ? result.errorInstance
      : new Error('the property failed without a verdict');
  }
  const path = result.counterexamplePath ?? replayPath ?? String(screened.index);
  if (!result.failed || !lastFailing) {
    // The member that showed the finding, asked again, did not show it.
    const second = replayed ?? {
      member: screened.member,
      verdict: (await judge.judge([{ member: screened.member, index: screened.index }]))[0],
    };
    return inconsistentFinding(judge, screened, screened.member, screened.verdict, second.verdict, {
      path: replayPath ?? String(screened.index),
      seed: runSeed,
    });
  }
  // Asked twice more, one after the other, so that an implementation wrong on every n-th call
  // cannot pass off a member it happened to be wrong about (a hang is asked once: it costs a timeout).
  let verdict: Verdict | undefined = lastFailing.verdict;
  for (let i = 0; i < (timeout ? 1 : 2); i += 1) {
    [verdict] = await judge.judge([{ member: lastFailing.member, index: screened.index }]);
    if (!verdict || verdict.key !== screened.key) {
      return inconsistentFinding(
        judge,
        screened,
        lastFailing.member,
        lastFailing.verdict,
        verdict,
        {
          path,
          seed: runSeed,
        },
      );
    }
  }
  return {
    ...findingOf(judge, verdict, lastFailing.member, screened.count),
    seed: runSeed,
    path,
    shrinkSteps: Math.max(0, shrinkSteps - 1),
  };
}

/** A finding as screening first saw it, unshrunk (the run stopped before it could be shrunk). */
function findingAsSeen(judge: Judge, s: Screened, path: string, seed: number): Finding {
  return { ...findingOf(judge, s.verdict, s.member, s.count), seed, path, shrinkSteps: 0 };
}

function findingOf(
  judge: Judge,
  verdict: Verdict,
  member: Member,
  occurrences: number,
): Omit<Finding, 'seed' | 'path' | 'shrinkSteps'> {
  return {
    productLine: judge.productLine,
    kind: verdict.failure ? 'failure' : 'discrepancy',
    key: verdict.key ?? '',
    ...(verdict.difference ? { difference: verdict.difference } : {}),
    ...(verdict.failure ? { failure: verdict.failure } : {}),
    decidingClauses: verdict.deciding,
    occurrences,
    member,
    request: judge.request,
    reference: verdict.reference,
    ...(verdict.outcome ? { implementationOutcome: verdict.outcome } : {}),
  };
}

function inconsistentFinding(
  judge: Judge,
  screened: Screened,
  member: Member,
  first: Verdict,
  second: Verdict | undefined,
  at: { readonly path: string; readonly seed: number },
): Finding {
  return {
    productLine: judge.productLine,
    kind: 'inconsistent',
    key: `inconsistent:${screened.key}`,
    decidingClauses: first.deciding,
    occurrences: screened.count,
    seed: at.seed,
    path: at.path,
    shrinkSteps: 0,
    member,
    request: judge.request,
    reference: first.reference,
    inconsistency: {
      first: givenAnswer(first),
      second: second
        ? givenAnswer(second)
        : { failure: { kind: 'invalid', message: 'no answer for this case' } },
    },
  };
}

function givenAnswer(verdict: Verdict): GivenAnswer {
  if (verdict.failure) return { failure: verdict.failure };
  if (verdict.outcome) return { outcome: verdict.outcome };
  return { failure: { kind: 'invalid', message: 'no answer for this case' } };
}

interface Verdict {
  readonly index: number;
  readonly member: Member;
  /** Undefined when the implementation agrees with the reference. */
  readonly key: string | undefined;
  readonly reference: Evaluation;
  readonly outcome?: Outcome;
  readonly difference?: OutcomeDifference;
  readonly failure?: ImplementationFailure;
  readonly deciding: readonly string[];
}

/** Runs reference and implementation on members and says whether, and how, they disagree. */
class Judge {
  private next = 0;
  constructor(
    private readonly measure: CompiledMeasure,
    readonly request: Request,
    private readonly implementation: Implementation,
    readonly productLine: ProductLine | undefined,
    private readonly control: RunControl,
  ) {}

  async judge(batch: readonly { member: Member; index: number }[]): Promise<Verdict[]> {
    this.control.check();
    this.control.progress();
    const cases: Case[] = batch.map(({ member }) => ({
      id: `${this.productLine ?? 'case'}-${String(this.next++)}`,
      request: this.request,
      member,
    }));
    const answers: CaseAnswer[] = await this.control.race(
      this.implementation.evaluate(cases, {
        onProgress: () => {
          this.control.progress();
        },
      }),
    );
    this.control.progress();
    const byId = new Map(answers.map((a) => [a.id, a]));
    return batch.map(({ member, index }, i) => {
      const reference = evaluateMeasure(this.measure, this.request, member);
      const answer = byId.get(cases[i]?.id ?? '');
      if (!answer) {
        const failure: ImplementationFailure = {
          kind: 'invalid',
          message: 'no answer for this case',
        };
        return { index, member, key: 'failure:invalid', reference, failure, deciding: [] };
      }
      if (!answer.ok) {
        return {
          index,
          member,
          key: `failure:${answer.failure.kind}`,
          reference,
          failure: answer.failure,
          deciding: [],
        };
      }
      const difference = compareOutcomes(reference.outcome, answer.outcome);
      if (!difference) {
        return { index, member, key: undefined, reference, outcome: answer.outcome, deciding: [] };
      }
      const deciding = decidingFor(reference, difference);
      return {
        index,
        member,
        key: `${difference.population}:${deciding.join(',')}`,
        reference,
        outcome: answer.outcome,
        difference,
        deciding,
      };
    });
  }
}
