import fc from 'fast-check';
import type { DeckWriter } from '../adapters/deck/index.ts';
import { measureBoundaries, memberArbitrary } from '../generate/index.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Outcome } from '../model/outcome.ts';
import type { Request } from '../model/request.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';
import type { ReferencePool } from './referencePool.ts';

export interface GenerateDeckOptions {
  readonly measure: CompiledMeasure;
  /**
   * The product lines the deck's expected results are for; members are aimed at each in turn.
   * `[undefined]` for a measure without product lines.
   */
  readonly productLines: readonly (ProductLine | undefined)[];
  readonly members: number;
  readonly seed: number;
  readonly writer: DeckWriter;
  readonly pool: ReferencePool;
  /** Members drawn per chunk (each chunk has its own derived seed). Default 1,000. */
  readonly chunkSize?: number;
  readonly onProgress?: (written: number) => void;
}

/** How many members of the deck land in each population, per product line. */
export interface PopulationSummary {
  /** Absent for a measure without product lines. */
  readonly productLine?: ProductLine;
  readonly members: number;
  readonly initialPopulation: number;
  readonly denominator: number;
  readonly denominatorExclusion: number;
  /** Members in the denominator, not excluded, and in each rate's numerator. */
  readonly numerator: Readonly<Record<string, number>>;
  /** Members of the initial population per stratum. */
  readonly strata: Readonly<Record<string, number>>;
}

export interface GenerateDeckResult {
  readonly measure: string;
  readonly year: number;
  readonly seed: number;
  readonly members: number;
  readonly summary: readonly PopulationSummary[];
  readonly durationMs: number;
}

/**
 * Writes a fixture deck of `members` members drawn by the rule-aware generator, with the expected
 * results the reference engine computes for every product line. Deterministic for a seed: member
 * `i` is drawn for product line `productLines[i % n]` from a chunk seeded by (seed, chunk), so the
 * same command writes the same deck on every machine. Members are renamed `M0000001`, ... so ids are
 * unique across chunks.
 */
export async function generateDeck(options: GenerateDeckOptions): Promise<GenerateDeckResult> {
  const started = performance.now();
  const { measure, productLines, writer, pool } = options;
  const chunkSize = options.chunkSize ?? 1000;
  const boundaries = measureBoundaries(measure);
  const arbitraries = productLines.map((productLine) =>
    memberArbitrary(measure, { productLine, mode: 'rule-aware', boundaries }),
  );
  const requests: Request[] = productLines.map((productLine) => ({
    measure: measure.id,
    year: measure.year,
    ...(productLine !== undefined ? { productLine } : {}),
  }));
  const width = Math.max(7, String(options.members).length);
  const summary = new Map(productLines.map((l) => [l, new SummaryCounter(l)]));

  const chunks = Math.ceil(options.members / chunkSize);
  // One chunk is evaluated by the workers while the next is drawn.
  let pending: Promise<void> = Promise.resolve();
  let written = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const count = Math.min(chunkSize, options.members - chunk * chunkSize);
    const members = drawChunk(arbitraries, options.seed, chunk, chunkSize, count, width);
    const outcomes = evaluateInBatches(pool, members, requests);
    const previous = pending;
    pending = (async () => {
      const [answers] = await Promise.all([outcomes, previous]);
      for (const [i, member] of members.entries()) {
        const expected = answers[i] ?? [];
        for (const o of expected) summary.get(o.productLine)?.add(o);
        await writer.write(member, expected);
      }
      written += members.length;
      options.onProgress?.(written);
    })();
    // Bound the work in flight to two chunks.
    if (chunk % 2 === 1) await pending;
  }
  await pending;
  return {
    measure: measure.id,
    year: measure.year,
    seed: options.seed,
    members: options.members,
    summary: [...summary.values()].map((s) => s.result()),
    durationMs: performance.now() - started,
  };
}

/**
 * The members of one chunk: member `i` (0-based over the deck) aimed at `arbitraries[i % n]`,
 * drawn with a seed derived from the deck's seed, the chunk and the product line.
 */
function drawChunk(
  arbitraries: readonly fc.Arbitrary<Member>[],
  seed: number,
  chunk: number,
  chunkSize: number,
  count: number,
  width: number,
): Member[] {
  const lines = arbitraries.length;
  const drawn = arbitraries.map((arb, line) =>
    fc.sample(arb, {
      seed: (Math.imul(seed, 31) + Math.imul(chunk + 1, 7919) + line * 104729) | 0,
      numRuns: Math.ceil(count / lines) + 1,
    }),
  );
  const members: Member[] = [];
  for (let k = 0; k < count; k++) {
    const index = chunk * chunkSize + k;
    const member = drawn[index % lines]?.[Math.floor(k / lines)];
    if (!member) throw new Error('generator drew fewer members than asked');
    members.push({ ...member, id: `M${String(index + 1).padStart(width, '0')}` });
  }
  return members;
}

async function evaluateInBatches(
  pool: ReferencePool,
  members: readonly Member[],
  requests: readonly Request[],
): Promise<Outcome[][]> {
  const batch = 250;
  const parts: Promise<Outcome[][]>[] = [];
  for (let i = 0; i < members.length; i += batch) {
    parts.push(pool.evaluate(members.slice(i, i + batch).map((member) => ({ member, requests }))));
  }
  return (await Promise.all(parts)).flat();
}

class SummaryCounter {
  private members = 0;
  private ip = 0;
  private den = 0;
  private excl = 0;
  private readonly numerator: Record<string, number> = {};
  private readonly strata: Record<string, number> = {};

  constructor(private readonly productLine: ProductLine | undefined) {}

  add(o: Outcome): void {
    this.members += 1;
    if (o.initialPopulation) this.ip += 1;
    if (o.denominator) this.den += 1;
    if (o.denominatorExclusion) this.excl += 1;
    const rates = typeof o.numerator === 'boolean' ? { numerator: o.numerator } : o.numerator;
    for (const [rate, value] of Object.entries(rates)) {
      this.numerator[rate] = (this.numerator[rate] ?? 0) + (value ? 1 : 0);
    }
    if (o.stratum !== undefined) this.strata[o.stratum] = (this.strata[o.stratum] ?? 0) + 1;
  }

  result(): PopulationSummary {
    return {
      ...(this.productLine !== undefined ? { productLine: this.productLine } : {}),
      members: this.members,
      initialPopulation: this.ip,
      denominator: this.den,
      denominatorExclusion: this.excl,
      numerator: { ...this.numerator },
      strata: { ...this.strata },
    };
  }
}
