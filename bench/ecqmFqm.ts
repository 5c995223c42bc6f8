/**
 * Member-measure evaluations per second of the reference engine and of fqm-execution, side by
 * side, on the same generated members of the ecqm-2025 pack's four measures.
 *
 *   npx tsx bench/ecqmFqm.ts [--repeats 3] [--members 2000] [--batch 256]
 *
 * For each measure, `members` members come from the measure's rule-aware generator (seed 42),
 * once; the reference evaluates each (`evaluateMeasure`), and fixtures/implementations/
 * ecqm-fqm-execution.mjs, loaded in this process, calculates their FHIR Bundles in batches of
 * `batch` (one `Calculator.calculate` call per batch). The Bundles are exported before timing, so
 * both engines are timed on their own input form. The measure package is read from
 * MEASURECHECK_ECQM_PACKAGE, by default the conformance folder beside the repository (a bench may
 * read it; the package never does). One warm-up round, then `repeats` rounds, each timing every
 * measurement once so the noise of this shared machine falls on all of them alike. Results
 * (median, min, max, ratio) go to stdout as Markdown, progress to stderr.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { exportFhir } from '../src/adapters/fhir/index.ts';
import type { FhirBundle } from '../src/adapters/fhir/index.ts';
import { evaluateMeasure } from '../src/engine/evaluate.ts';
import { memberArbitrary } from '../src/generate/index.ts';
import { acceptsDifference, readAcceptList } from '../src/harness/acceptList.ts';
import { compareOutcomes } from '../src/harness/compare.ts';
import { decidingFor } from '../src/harness/finding.ts';
import { formatProblem } from '../src/model/problem.ts';
import type { Member } from '../src/model/member.ts';
import type { Outcome } from '../src/model/outcome.ts';
import type { Request } from '../src/model/request.ts';
import { loadPack } from '../src/rulepack/compile.ts';
import type { CompiledMeasure } from '../src/rulepack/compiled.ts';
import { int, machineFacts, progress, ROOT, summarize, table, timeMs } from './support.ts';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    members: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '256' },
  },
});
const REPEATS = Number(args.repeats);
const MEMBERS = Number(args.members);
const BATCH = Number(args.batch);
const SEED = 42;

const FOLDERS = [
  'ColonCancerScreeningFHIR',
  'BreastCancerScreeningFHIR',
  'ControllingHighBloodPressureFHIR',
  'DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR',
];
const MEASURES = ['CMS130', 'CMS125', 'CMS165', 'CMS122'];
const IMPL = 'fixtures/implementations/ecqm-fqm-execution.mjs';

/** The conformance folder beside the repository (or beside its worktree folder). */
const SHARED = [
  resolve(ROOT, '../shared/conformance/ecqm-mp2025'),
  resolve(ROOT, '../../shared/conformance/ecqm-mp2025'),
].find((dir) => existsSync(dir));
const packageFolder = process.env['MEASURECHECK_ECQM_PACKAGE'] ?? SHARED ?? '';
if (!existsSync(packageFolder)) {
  throw new Error(`no eCQM package at ${packageFolder}: set MEASURECHECK_ECQM_PACKAGE`);
}
process.env['MEASURECHECK_ECQM_PACKAGE'] = packageFolder;

const loaded = loadPack(resolve(ROOT, 'rules/ecqm/2025'), {
  valueSets: FOLDERS.map((f) => resolve(packageFolder, f, 'valuesets-bundle.json')),
});
if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
const pack = loaded.value;

interface FqmModule {
  readonly evaluateBatch: (request: Request, bundles: readonly FhirBundle[]) => Promise<Outcome[]>;
}
const fqm = (await import(pathToFileURL(resolve(ROOT, IMPL)).href)) as FqmModule;

interface Workload {
  readonly measure: CompiledMeasure;
  readonly request: Request;
  readonly members: readonly Member[];
  readonly bundles: readonly FhirBundle[];
}

const workloads: Workload[] = MEASURES.map((id) => {
  const measure = pack.measures.get(id);
  if (measure === undefined) throw new Error(`rules/ecqm/2025 has no ${id}`);
  progress(`${id}: generating ${int(MEMBERS)} members (seed ${SEED})...`);
  const members = fc
    .sample(memberArbitrary(measure, { productLine: undefined, mode: 'rule-aware' }), {
      seed: SEED,
      numRuns: MEMBERS,
    })
    .map((m, i) => ({ ...m, id: `M${String(i)}` }));
  return {
    measure,
    request: { measure: id, year: measure.year },
    members,
    bundles: members.map(exportFhir),
  };
});

function runReference(w: Workload): Outcome[] {
  return w.members.map((m) => evaluateMeasure(w.measure, w.request, m).outcome);
}

async function runFqm(w: Workload): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let start = 0; start < w.bundles.length; start += BATCH) {
    out.push(...(await fqm.evaluateBatch(w.request, w.bundles.slice(start, start + BATCH))));
  }
  return out;
}

const accepted = readAcceptList(resolve(ROOT, 'docs/ecqm-fqm-accepted.yaml'), [pack]);
if (!accepted.ok) throw new Error(accepted.problems.map(formatProblem).join('\n'));

// Agreement, once (the two engines are compared on members where they agree or not alike; a
// disagreement is a finding of `check`, documented in docs/conformance.md, not a bench failure),
// and how many of the disagreements an entry of docs/ecqm-fqm-accepted.yaml accepts.
const agreement = new Map<string, { same: number; differ: number; accepted: number }>();
for (const w of workloads) {
  progress(`${w.request.measure}: agreement check...`);
  const theirs = await runFqm(w);
  const counts = { same: 0, differ: 0, accepted: 0 };
  w.members.forEach((m, i) => {
    const evaluation = evaluateMeasure(w.measure, w.request, m);
    const t = theirs[i];
    const difference = t && compareOutcomes(evaluation.outcome, t);
    if (t !== undefined && difference === undefined) {
      counts.same += 1;
      return;
    }
    counts.differ += 1;
    const deciding = difference ? decidingFor(evaluation, difference) : [];
    if (
      difference &&
      accepted.value.some((e) =>
        acceptsDifference(e, w.request.measure, undefined, difference, deciding),
      )
    )
      counts.accepted += 1;
  });
  agreement.set(w.request.measure, counts);
}

const timings = new Map<string, { reference: number[]; fqm: number[] }>(
  MEASURES.map((id) => [id, { reference: [], fqm: [] }]),
);
const load: string[] = [];
for (let round = 0; round <= REPEATS; round++) {
  const warmUp = round === 0;
  progress(warmUp ? 'warm-up round...' : `round ${String(round)}/${String(REPEATS)}...`);
  load.push(
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
  );
  for (const w of workloads) {
    const refMs = await timeMs(() => runReference(w));
    const fqmMs = await timeMs(() => runFqm(w));
    const t = timings.get(w.request.measure);
    if (!warmUp && t !== undefined) {
      t.reference.push(refMs);
      t.fqm.push(fqmMs);
    }
    progress(
      `  ${w.request.measure}: reference ${refMs.toFixed(0)} ms, fqm ${fqmMs.toFixed(0)} ms`,
    );
  }
}

const perSecond = (ms: readonly number[]) => summarize(ms.map((t) => (MEMBERS * 1000) / t));
const rows = MEASURES.map((id) => {
  const t = timings.get(id) ?? { reference: [], fqm: [] };
  const ref = perSecond(t.reference);
  const theirs = perSecond(t.fqm);
  return [
    id,
    int(ref.median),
    `${int(ref.min)}-${int(ref.max)}`,
    int(theirs.median),
    `${int(theirs.min)}-${int(theirs.max)}`,
    `${(ref.median / theirs.median).toFixed(0)}x`,
    `${int(agreement.get(id)?.same ?? 0)}/${int(MEMBERS)}`,
    `${int(agreement.get(id)?.accepted ?? 0)}/${int(agreement.get(id)?.differ ?? 0)}`,
  ];
});

const out = [
  '## Reference vs fqm-execution (ecqm-2025)',
  '',
  ...machineFacts().map((f) => `- ${f}`),
  `- command: npx tsx bench/ecqmFqm.ts --repeats ${String(REPEATS)} --members ${String(MEMBERS)} --batch ${String(BATCH)}`,
  `- ${int(MEMBERS)} rule-aware members per measure (seed 42), the same for both engines; fqm-execution in batches of ${String(BATCH)}, FHIR export excluded; ${String(REPEATS)} runs after one warm-up`,
  `- load average (1, 5, 15 min) at the start of each round: ${load.join('; ')}`,
  '',
  table(
    [
      'measure',
      'reference evals/s (median)',
      'min-max',
      'fqm-execution evals/s (median)',
      'min-max',
      'ratio',
      'same outcome',
      'differences accepted',
    ],
    rows,
  ),
  '',
];
process.stdout.write(out.join('\n'));
