import fc from 'fast-check';
import { passesThreshold } from '../../engine/clauses/reading.ts';
import type { Arbitrary } from 'fast-check';
import { addDays, addMonths } from '../../model/calendarDate.ts';
import type { IsoDate } from '../../model/calendarDate.ts';
import { SETTINGS } from '../../model/member.ts';
import type { Code, Observation, Setting } from '../../model/member.ts';
import type {
  BoundaryCode,
  MeasureBoundaries,
  ReadingBoundary,
  ReadingCode,
} from '../boundaries.ts';
import type { Bundle } from './bundle.ts';
import { EMPTY, merge } from './bundle.ts';
import { oneOrMore, pick, preferFirst, sometimes } from './choice.ts';
import type { ClaimDraft } from './claims.ts';
import { acceptedSettings, codeForm, inForm } from './codes.ts';
import { dateNear } from './dates.ts';
import { clinicalReading, readingsOn } from './clinical.ts';
import type { ReadingDraft } from './clinical.ts';
import { anchorRecords, offsetFromAnchor } from './onOrAfter.ts';

/** How far outside a window the non-edge dates of aimed records may fall. */
const SLACK_DAYS = 30;

/**
 * Observations aimed at reading clause `r`. The most recent date sits at the window's edges (or,
 * with an onOrAfter, on the Nth date of the named clause, the day before or after, next to that
 * clause's records). On it: none, one or two values of each value set (so the lowest of the day
 * matters, and the lowest systolic and diastolic can come from different readings), at each
 * test's threshold and one step either side, with the unit, sometimes without a value. Sometimes
 * an older day (passing or failing independently) and a more recent reading in a setting the
 * clause does not accept. Undefined when the reading has no codes.
 */
export function aimedReadings(
  b: MeasureBoundaries,
  r: ReadingBoundary,
): Arbitrary<Bundle> | undefined {
  if (r.codes.length === 0) return undefined;
  const accepted = acceptedSettings(r);
  const rejected = SETTINGS.filter((s) => !accepted.includes(s));
  const valueSets = r.valueSets.filter((vs) => r.codes.some((c) => c.valueSet === vs));
  const observation = (
    vs: string,
    setting: Arbitrary<Setting | undefined>,
    value: Arbitrary<number | undefined> = valueFor(b, vs),
  ) =>
    clinicalReading(
      r,
      vs,
      fc
        .record({
          // Written in any form the contract calls equal, shrinking toward the listed one.
          code: fc
            .tuple(fc.constantFrom(...r.codes.filter((c) => c.valueSet === vs)), codeForm)
            .map(([c, form]) => ({ ...c, code: inForm(c.code, form) })),
          value,
          setting,
        })
        .map(({ code, value, setting: s }) => build(code, value, s)),
    );
  const allowed = readingSetting(accepted, rejected);
  // One day's observations: none, one or two of each value set a test names on its own (CBP's
  // systolic and diastolic), and none, one or two of those the tests read together (GSD's HbA1c
  // and GMI), so the lowest of the day is often one value and sometimes two.
  const named = valueSets.filter((vs) => r.tests.some((t) => t.valueSet === vs));
  const together = valueSets.filter((vs) => !named.includes(vs));
  const slots = [
    ...named.map((vs) => observation(vs, allowed)),
    ...(together.length > 0 ? [fc.oneof(...together.map((vs) => observation(vs, allowed)))] : []),
  ];
  const day = fc
    .tuple(
      ...slots.map((slot) =>
        fc.oneof(
          { withCrossShrink: true },
          { arbitrary: fc.constant<ReadingDraft[]>([]), weight: 1 },
          { arbitrary: oneOrMore(slot, 2), weight: 8 },
        ),
      ),
    )
    .map((perSlot) => perSlot.flat());
  const elsewhere = pick(rejected);
  const newer = elsewhere
    ? sometimes(
        fc.record({
          ahead: fc.constantFrom(1, 0, 14),
          observations: oneOrMore(
            fc.oneof(...valueSets.map((vs) => observation(vs, elsewhere))),
            2,
          ),
        }),
        0.3,
      )
    : fc.constant(undefined);
  // A code just outside the value sets, on the most recent date or the day after: never a reading.
  const nearMiss = pick(r.nearMisses);
  const firstSet = valueSets[0];
  const decoy =
    nearMiss && firstSet !== undefined
      ? sometimes(
          fc.record({
            code: nearMiss,
            value: valueFor(b, firstSet),
            ahead: fc.constantFrom(0, 1),
            setting: allowed,
          }),
          0.15,
        )
      : fc.constant(undefined);
  const older = sometimes(
    fc.record({
      back: fc.oneof(
        { withCrossShrink: true },
        { arbitrary: fc.constantFrom(1, 30), weight: 3 },
        { arbitrary: fc.integer({ min: 1, max: 180 }), weight: 1 },
      ),
      observations: day,
    }),
    0.4,
  );
  const to = r.window.to;
  const from = r.window.from ?? addMonths(to, -120);
  const anchor = r.onOrAfter ? anchorRecords(b, r.onOrAfter, r.window) : undefined;
  const edge = dateNear(
    r.edges.map((p) => p.date),
    addDays(from, -SLACK_DAYS),
    addDays(to, SLACK_DAYS),
  );
  // With an onOrAfter: mostly around the Nth date, sometimes at the window's edges (Dec 31).
  const when: Arbitrary<{ date: IsoDate; anchor: Bundle }> = anchor
    ? fc
        .tuple(
          anchor,
          fc.oneof(
            { withCrossShrink: true },
            { arbitrary: offsetFromAnchor.map((k) => ({ k })), weight: 3 },
            { arbitrary: edge.map((date) => ({ date })), weight: 1 },
          ),
        )
        .map(([a, at]) => ({
          date: 'date' in at ? at.date : addDays(a.reference, at.k),
          anchor: a.bundle,
        }))
    : edge.map((date) => ({ date, anchor: EMPTY }));
  // mostRecentDate all: a more recent day with only some of the value sets, in an accepted
  // setting, so the most recent day of any reading and the most recent day of all differ; often
  // just after a day with every value set at passing values, the day `all` then reads.
  const passing = (vs: string) => {
    const values = r.tests
      .filter((t) => t.valueSet === vs)
      .flatMap((t) => t.values.filter((v) => passesThreshold(v, t.comparator, t.threshold)));
    return pick(values);
  };
  const complete = fc.tuple(...named.map((vs) => observation(vs, allowed, passing(vs))));
  const partial =
    r.clinical?.mostRecentDate === 'all' && valueSets.length > 1
      ? sometimes(
          fc.record({
            ahead: fc.constantFrom(1, 14),
            observations: oneOrMore(
              fc.oneof(...valueSets.map((vs) => observation(vs, allowed))),
              2,
            ),
            complete: fc.option(complete, { nil: undefined }),
          }),
          0.6,
        )
      : undefined;
  const claimed = claimResultDay(r, accepted, rejected);
  const arbitrary = fc
    .record({ when, latest: day, older, newer, decoy, claimed })
    .map(({ when: w, latest, older: o, newer: n, decoy: d, claimed: c }) => {
      const on = readingsOn;
      const claims: ClaimDraft[] = c
        ? [{ date: addDays(w.date, c.ahead), setting: c.setting, codes: c.codes }]
        : [];
      const observations = [
        ...(c?.alone === true ? [] : on(w.date, latest)),
        ...(o ? on(addDays(w.date, -o.back), o.observations) : []),
        ...(n ? on(addDays(w.date, n.ahead), n.observations) : []),
        ...(d
          ? on(addDays(w.date, d.ahead), [build(withUnit(r, d.code), d.value, d.setting)])
          : []),
      ];
      return merge([w.anchor, { ...EMPTY, claims, observations }]);
    });
  if (!partial) return arbitrary;
  return fc.tuple(arbitrary, partial).map(([bundle, p]) => {
    const latest = bundle.observations
      .map((o) => o.date)
      .sort()
      .at(-1);
    if (!p || latest === undefined) return bundle;
    const day = p.complete ? addDays(latest, 1) : latest;
    return merge([
      bundle,
      { ...EMPTY, observations: readingsOn(day, p.complete ?? []) },
      { ...EMPTY, observations: readingsOn(addDays(day, p.ahead), p.observations) },
    ]);
  });
}

/**
 * A claim with result codes (CPT II) for a reading that has `claimResults`, sometimes: one code
 * of each value set the results read (a systolic and a diastolic code; now and then one of them
 * is left out, an incomplete reading), on the most recent date beside its observations, instead
 * of them (`alone`: the claim is the only result of that date), or a day before or after them.
 * Mostly in a setting the reading accepts, sometimes in one it does not.
 */
function claimResultDay(
  r: ReadingBoundary,
  accepted: readonly Setting[],
  rejected: readonly Setting[],
): Arbitrary<{ ahead: number; alone: boolean; setting: Setting; codes: Code[] } | undefined> {
  const results = r.claimResults ?? [];
  const reads = [...new Set(results.map((c) => c.reads))];
  const setting = preferFirst([pick(accepted), 6], [pick(rejected), 1]);
  if (reads.length === 0 || setting === undefined) return fc.constant(undefined);
  const codes = fc
    .tuple(
      ...reads.map((vs) =>
        fc.option(
          fc
            .tuple(fc.constantFrom(...results.filter((c) => c.reads === vs)), codeForm)
            .map(([c, form]): Code => ({ system: c.system, code: inForm(c.code, form) })),
          { freq: 8, nil: undefined },
        ),
      ),
    )
    .map((list) => list.flatMap((c) => (c !== undefined ? [c] : [])))
    .filter((list) => list.length > 0);
  return sometimes(
    fc.record({
      ahead: fc.constantFrom(0, 1, -1),
      alone: fc.boolean(),
      setting,
      codes,
    }),
    0.4,
  );
}

/** A near-miss code with the unit of the value set it is near, as a real result would have. */
function withUnit(r: ReadingBoundary, code: BoundaryCode): ReadingCode {
  const unit = r.codes.find((c) => c.valueSet === code.valueSet)?.unit;
  return unit !== undefined ? { ...code, unit } : code;
}

/** Mostly a setting the reading accepts, sometimes none (a device reading), rarely another. */
function readingSetting(
  accepted: readonly Setting[],
  rejected: readonly Setting[],
): Arbitrary<Setting | undefined> {
  const options: { arbitrary: Arbitrary<Setting | undefined>; weight: number }[] = [];
  const ok = pick(accepted);
  const bad = pick(rejected);
  if (ok) options.push({ arbitrary: ok, weight: 6 });
  options.push({ arbitrary: fc.constant(undefined), weight: 2 });
  if (bad) options.push({ arbitrary: bad, weight: 1 });
  return fc.oneof({ withCrossShrink: true }, ...options);
}

/**
 * Values for an observation of value set `vs`: a boundary value of some reading test on it (of
 * every reading clause of the measure, so GSD's < 8.0 reading also meets 9.0/9.1), passing that
 * test or failing it equally often; sometimes a value around them, sometimes no value at all.
 */
function valueFor(b: MeasureBoundaries, vs: string): Arbitrary<number | undefined> {
  const tests = b.readings.flatMap((r) =>
    r.valueSets.includes(vs)
      ? r.tests.filter((t) => t.valueSet === undefined || t.valueSet === vs)
      : [],
  );
  const pool = [...new Set(tests.flatMap((t) => t.values))].sort((x, y) => x - y);
  const lo = pool[0] ?? 0;
  const hi = pool.at(-1) ?? 300;
  const tenths = pool.some((v) => !Number.isInteger(v));
  const around = tenths
    ? fc
        .integer({ min: Math.floor(lo * 5), max: Math.ceil(hi * 15) })
        .map((v) => Math.round(v) / 10)
    : fc.integer({ min: Math.floor(lo / 2), max: Math.ceil(hi * 1.5) });
  const options: { arbitrary: Arbitrary<number | undefined>; weight: number }[] = [];
  for (const t of tests) {
    const passing = t.values.filter((v) => passesThreshold(v, t.comparator, t.threshold));
    const failing = t.values.filter((v) => !passesThreshold(v, t.comparator, t.threshold));
    const share = Math.max(1, Math.round(8 / tests.length));
    if (passing.length > 0) options.push({ arbitrary: fc.constantFrom(...passing), weight: share });
    if (failing.length > 0) options.push({ arbitrary: fc.constantFrom(...failing), weight: share });
  }
  options.push({ arbitrary: around, weight: 2 });
  options.push({ arbitrary: fc.constant(undefined), weight: 1 });
  return fc.oneof({ withCrossShrink: true }, ...options);
}

function build(
  c: ReadingCode,
  value: number | undefined,
  setting: Setting | undefined,
): Omit<Observation, 'date'> {
  return {
    code: { system: c.system, code: c.code },
    ...(value !== undefined ? { value } : {}),
    ...(value !== undefined && c.unit !== undefined ? { unit: c.unit } : {}),
    ...(setting !== undefined ? { setting } : {}),
  };
}
