import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Code, Member } from '../../model/member.ts';
import { normalizeCode } from '../../rulepack/valueSet.ts';
import type { MeasureBoundaries } from '../boundaries.ts';
import { sometimes } from './choice.ts';

/**
 * Which codes of a member to swap for a near miss: each code in a value set listing near misses is
 * swapped when a hash of `at` and the code's own record (kind, date, code) is even, for the `pick`-th
 * of that value set's near misses. The choice depends on nothing but the code's own record, so
 * removing another record while shrinking never moves the swap onto a code that decides (with a
 * position instead, a decoy stayed in shrunk members: removing it moved the swap onto the one code
 * the finding needed). Both shrink toward 0.
 */
export interface DecoySwap {
  readonly at: number;
  readonly pick: number;
}

/** How often a member gets one of its codes swapped for a near miss. */
const DECOY_CHANCE = 0.15;

/**
 * Now and then a swap of one code for a near miss of its value set: the pack's decoys land where
 * that value set's codes went, in the records that decide (an initial population's prerequisite
 * diagnosis as much as an aimed screening), so an implementation that counts a decoy is caught.
 * Undefined when the measure's value sets list no near misses.
 */
export function decoySwap(b: MeasureBoundaries): Arbitrary<DecoySwap | undefined> | undefined {
  if (!b.valueSets.some((vs) => vs.nearMisses.length > 0)) return undefined;
  return sometimes(fc.record({ at: fc.nat(63), pick: fc.nat(15) }), DECOY_CHANCE);
}

/** The member with the swap applied; the member itself when no code of it has a near miss. */
export function withDecoy(
  b: MeasureBoundaries,
  member: Member,
  swap: DecoySwap | undefined,
): Member {
  if (!swap) return member;
  const decoysOf = decoyIndex(b);
  const decoys = (c: Code) =>
    c.role === undefined
      ? decoysOf.get(`${c.system}|${normalizeCode(c.system, c.code)}`)
      : undefined;
  const sites: {
    readonly key: string;
    readonly replace: (current: Member, decoy: Code) => Member;
    readonly decoys: readonly Code[];
  }[] = [];
  member.claims.forEach((claim, i) => {
    claim.codes.forEach((code, j) => {
      const list = decoys(code);
      if (list)
        sites.push({
          key: `claim|${claim.date}|${code.system}|${code.code}`,
          decoys: list,
          replace: (m, d) => ({
            ...m,
            claims: m.claims.map((c, k) =>
              k !== i ? c : { ...c, codes: c.codes.map((x, l) => (l !== j ? x : { ...x, ...d })) },
            ),
          }),
        });
    });
  });
  member.dispensings.forEach((dispensing, i) => {
    const list = decoys(dispensing.code);
    if (list)
      sites.push({
        key: `dispensing|${dispensing.date}|${dispensing.code.system}|${dispensing.code.code}`,
        decoys: list,
        replace: (m, d) => ({
          ...m,
          dispensings: m.dispensings.map((x, k) => (k !== i ? x : { ...x, code: d })),
        }),
      });
  });
  member.observations.forEach((observation, i) => {
    const list = decoys(observation.code);
    if (list)
      sites.push({
        key: `observation|${observation.date}|${observation.code.system}|${observation.code.code}`,
        decoys: list,
        replace: (m, d) => ({
          ...m,
          observations: m.observations.map((x, k) => (k !== i ? x : { ...x, code: d })),
        }),
      });
  });
  let out = member;
  for (const site of sites) {
    if (fnv1a(`${swap.at}|${site.key}`) % 2 !== 0) continue;
    const decoy = site.decoys[swap.pick % site.decoys.length];
    if (decoy) out = site.replace(out, decoy);
  }
  return out;
}

/** 32-bit FNV-1a: a stable, well-spread hash of a short key. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const indexes = new WeakMap<MeasureBoundaries, Map<string, Code[]>>();

/** The listed near misses of every value set holding a code, by `system|normalized code`. */
function decoyIndex(b: MeasureBoundaries): Map<string, Code[]> {
  const cached = indexes.get(b);
  if (cached) return cached;
  const out = new Map<string, Code[]>();
  for (const vs of b.valueSets) {
    if (vs.nearMisses.length === 0) continue;
    for (const c of vs.codes) {
      const key = `${c.system}|${c.code}`;
      const list = out.get(key) ?? [];
      for (const m of vs.nearMisses)
        if (!list.some((x) => x.system === m.system && x.code === m.code))
          list.push({ system: m.system, code: m.code });
      out.set(key, list);
    }
  }
  indexes.set(b, out);
  return out;
}
