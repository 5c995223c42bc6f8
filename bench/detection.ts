/**
 * How many generated cases the harness needs to find each wrong COL-E 2025 implementation's first
 * discrepancy, rule-aware generator vs the uniform baseline, at the same budget.
 *
 *   npx tsx bench/detection.ts [--cap 20000] [--seeds 1,2,3,4,5]
 *
 * For each product line, mode and seed, members are drawn exactly as `runCheck` draws them
 * (`fc.sample(memberArbitrary(measure, { productLine, mode }), { seed: lineSeed(seed, line) })`), so
 * "cases to first discrepancy" is the 1-based index of the first case of a check run on which the
 * implementation (opened with `openImplementation`, module adapter) differs from the reference
 * engine by `compareOutcomes`. The draw stops once every bug that can show on the line is found, or
 * at `cap` cases ("not found"). Members are generated in doubling chunks (`fc.sample` with a larger
 * `numRuns` repeats the same prefix), and the reference is evaluated once per case for all bugs.
 *
 * Results (median, min, max over the seeds) go to stdout as Markdown, progress to stderr.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import type { Case, Implementation } from '../src/adapters/implementation.ts';
import { openImplementation } from '../src/adapters/openImplementation.ts';
import { evaluateMeasure } from '../src/engine/evaluate.ts';
import { memberArbitrary } from '../src/generate/index.ts';
import type { GeneratorMode } from '../src/generate/index.ts';
import { compareOutcomes } from '../src/harness/compare.ts';
import { lineSeed } from '../src/harness/check.ts';
import { PRODUCT_LINES } from '../src/model/member.ts';
import type { ProductLine } from '../src/model/member.ts';
import type { Request } from '../src/model/request.ts';
import {
  colE2025,
  int,
  machineFacts,
  progress,
  ROOT,
  summarize,
  table,
  timeMs,
} from './support.ts';

const { values: args } = parseArgs({
  options: {
    cap: { type: 'string', default: '20000' },
    seeds: { type: 'string', default: '1,2,3,4,5' },
  },
});
const CAP = Number(args.cap);
const SEEDS = args.seeds.split(',').map(Number);
const BATCH = 256;
const MODES: readonly GeneratorMode[] = ['rule-aware', 'uniform'];

interface Bug {
  readonly name: string;
  /** Where the bug can change an outcome (fixtures/implementations/README.md). */
  readonly lines: readonly ProductLine[];
}
const BUGS: readonly Bug[] = [
  { name: 'age-floor-50', lines: PRODUCT_LINES },
  { name: 'age-at-run-date', lines: PRODUCT_LINES },
  { name: 'no-dec-31-enrollment', lines: PRODUCT_LINES },
  // Medicaid's gaps follow the one-month rule, which never reaches the 45-day comparison.
  { name: '45-day-gap-is-a-break', lines: ['commercial', 'medicare'] },
  { name: 'colonoscopy-window-off-by-one-year', lines: PRODUCT_LINES },
  { name: 'frailty-without-advanced-illness', lines: PRODUCT_LINES },
  // The I-SNP/LTI exclusion is right on Medicare, where it belongs.
  { name: 'isnp-all-product-lines', lines: ['commercial', 'medicaid'] },
  // Only Medicaid has the one-month gap rule.
  { name: 'medicaid-monthly-rule-ignored', lines: ['medicaid'] },
];

const { measure } = colE2025();
const implementations = new Map<string, Implementation>();
for (const bug of BUGS) {
  const path = `fixtures/implementations/col-e-wrong-${bug.name}.ts`;
  implementations.set(bug.name, await openImplementation(path, { cwd: ROOT }));
}

/** Where the first discrepancy was found, or undefined if not within the cap. */
interface Found {
  readonly cases: number;
  /** The population that differs first, with the reference's and the implementation's value. */
  readonly key: string;
}
/** results[bug][line][mode] = one entry per seed */
const results = new Map<string, Map<ProductLine, Map<GeneratorMode, (Found | undefined)[]>>>();
function record(bug: string, line: ProductLine, mode: GeneratorMode, found?: Found): void {
  const byLine =
    results.get(bug) ?? new Map<ProductLine, Map<GeneratorMode, (Found | undefined)[]>>();
  results.set(bug, byLine);
  const byMode = byLine.get(line) ?? new Map<GeneratorMode, (Found | undefined)[]>();
  byLine.set(line, byMode);
  const list = byMode.get(mode) ?? [];
  byMode.set(mode, list);
  list.push(found);
}

/** Draws one stream of members and finds each bug's first discrepancy in it. */
async function searchStream(line: ProductLine, mode: GeneratorMode, seed: number): Promise<number> {
  const request: Request = { measure: measure.id, year: measure.year, productLine: line };
  const arbitrary = memberArbitrary(measure, { productLine: line, mode });
  const sampleSeed = lineSeed(seed, line);
  const pending = new Set(BUGS.filter((b) => b.lines.includes(line)).map((b) => b.name));
  let drawn = 0;
  let chunkEnd = BATCH;
  while (pending.size > 0 && drawn < CAP) {
    const end = Math.min(chunkEnd, CAP);
    // fc.sample is deterministic per index: a larger numRuns repeats the same first members.
    const chunk = fc.sample(arbitrary, { seed: sampleSeed, numRuns: end }).slice(drawn);
    for (let start = 0; start < chunk.length && pending.size > 0; start += BATCH) {
      const cases: Case[] = chunk.slice(start, start + BATCH).map((member, i) => ({
        id: `${line}-${mode}-${String(seed)}-${String(drawn + start + i)}`,
        request,
        member,
      }));
      const reference = cases.map((c) => evaluateMeasure(measure, request, c.member));
      for (const bug of [...pending]) {
        const impl = implementations.get(bug);
        if (!impl) throw new Error(`no implementation for ${bug}`);
        const answers = await impl.evaluate(cases);
        for (const [i, answer] of answers.entries()) {
          if (!answer.ok)
            throw new Error(`${bug} gave no answer for ${answer.id}: ${answer.failure.message}`);
          const ref = reference[i];
          if (!ref) throw new Error('answers out of step with cases');
          const difference = compareOutcomes(ref.outcome, answer.outcome);
          if (difference) {
            const key = `${difference.population} ${String(difference.reference)}→${String(difference.implementation)}`;
            record(bug, line, mode, { cases: drawn + start + i + 1, key });
            pending.delete(bug);
            break;
          }
        }
      }
    }
    drawn = end;
    chunkEnd *= 2;
  }
  for (const bug of pending) record(bug, line, mode, undefined);
  return drawn;
}

const started = performance.now();
for (const line of PRODUCT_LINES) {
  for (const seed of SEEDS) {
    for (const mode of MODES) {
      let drawn = 0;
      const ms = await timeMs(async () => {
        drawn = await searchStream(line, mode, seed);
      });
      progress(
        `${line} seed ${String(seed)} ${mode}: ${int(drawn)} cases drawn in ${(ms / 1000).toFixed(1)} s ` +
          `(${((performance.now() - started) / 1000).toFixed(0)} s total)`,
      );
    }
  }
}
for (const impl of implementations.values()) await impl.close();

/** Median of cases-to-find, counting "not found" as above the cap. */
function describe(found: readonly (Found | undefined)[]): { median: number; text: string } {
  const cases = found.map((f) => f?.cases ?? Number.POSITIVE_INFINITY);
  const s = summarize(cases);
  const hits = found.filter((f) => f !== undefined).length;
  const range = (n: number): string => (Number.isFinite(n) ? int(n) : `>${int(CAP)}`);
  const text = Number.isFinite(s.median)
    ? `${int(s.median)} (${range(s.min)}–${range(s.max)})`
    : `not found in ${int(CAP)}`;
  if (hits === found.length) return { median: s.median, text };
  const foundIn = found.flatMap((f) => (f ? [int(f.cases)] : []));
  const which = foundIn.length > 0 ? `: ${foundIn.join(', ')}` : '';
  return { median: s.median, text: `${text} [${hits}/${found.length}${which}]` };
}

function ratio(ruleAware: number, uniform: number): string {
  if (!Number.isFinite(ruleAware) && !Number.isFinite(uniform)) return '–';
  if (!Number.isFinite(ruleAware)) return '<1';
  if (!Number.isFinite(uniform)) return `>${int(CAP / ruleAware)}×`;
  return `${(uniform / ruleAware).toFixed(1)}×`;
}

/** The most common key of the first discrepancies (what the harness would report first). */
function usualKey(found: readonly (Found | undefined)[]): string {
  const counts = new Map<string, number>();
  for (const f of found) if (f) counts.set(f.key, (counts.get(f.key) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '–';
}

const rows: string[][] = [];
for (const bug of BUGS) {
  for (const line of bug.lines) {
    const byMode = results.get(bug.name)?.get(line);
    const ra = describe(byMode?.get('rule-aware') ?? []);
    const un = describe(byMode?.get('uniform') ?? []);
    rows.push([
      bug.name,
      line,
      ra.text,
      un.text,
      ratio(ra.median, un.median),
      usualKey(byMode?.get('rule-aware') ?? []),
    ]);
  }
}

// Where the drawn members land, which explains the table: a bug inside a population can only show
// on members that reach it. The first SHARE_CASES members of the first seed, per line and mode.
const SHARE_CASES = 3000;
progress(`population shares over ${int(SHARE_CASES)} members per line and mode...`);
const pct = (n: number): string => `${int(n)} (${((100 * n) / SHARE_CASES).toFixed(1)}%)`;
const shareRows: string[][] = [];
for (const line of PRODUCT_LINES) {
  for (const mode of MODES) {
    const request: Request = { measure: measure.id, year: measure.year, productLine: line };
    const members = fc.sample(memberArbitrary(measure, { productLine: line, mode }), {
      seed: lineSeed(SEEDS[0] ?? 1, line),
      numRuns: SHARE_CASES,
    });
    let ip = 0;
    let excluded = 0;
    let open = 0;
    let numerator = 0;
    for (const member of members) {
      const o = evaluateMeasure(measure, request, member).outcome;
      if (o.initialPopulation) ip += 1;
      if (o.denominatorExclusion) excluded += 1;
      if (o.denominator && !o.denominatorExclusion) open += 1;
      if (o.numerator === true) numerator += 1;
    }
    shareRows.push([line, mode, pct(ip), pct(excluded), pct(open), pct(numerator)]);
  }
}

const out = [
  '## Detection (COL-E 2025)',
  '',
  ...machineFacts().map((f) => `- ${f}`),
  `- command: npx tsx bench/detection.ts --cap ${CAP} --seeds ${SEEDS.join(',')}`,
  `- cases to the first discrepancy, median (min–max) over seeds ${SEEDS.join(', ')} ` +
    `(lineSeed(seed, line), as runCheck draws them); cap ${int(CAP)} cases per product line; ` +
    '[k/n: …]: found in only k of n seeds, at those cases (a miss counts as above the cap); ' +
    `total ${((performance.now() - started) / 1000).toFixed(0)} s`,
  '',
  table(
    [
      'bug (col-e-wrong-…)',
      'line',
      'rule-aware',
      'uniform',
      'uniform / rule-aware',
      'first difference (rule-aware, most seeds)',
    ],
    rows,
  ),
  '',
  `Where the members land (first ${int(SHARE_CASES)} members of seed ${String(SEEDS[0] ?? 1)}, count (share) of all drawn):`,
  '',
  table(
    ['line', 'mode', 'initial population', 'excluded', 'denominator, not excluded', 'numerator'],
    shareRows,
  ),
  '',
];
process.stdout.write(out.join('\n'));
