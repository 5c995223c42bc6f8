import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { SharedEvaluations } from '../../src/engine/evaluate.ts';
import { memberSchema } from '../../src/model/member.ts';
import type { Member } from '../../src/model/member.ts';
import type { CompiledPack } from '../../src/rulepack/compiled.ts';
import { repoFile } from '../support/repoFiles.ts';
import { measureOf, shippedPack, shippedPackYears } from '../support/shippedPacks.ts';

// Outcomes (and traces) of every shipped measure on a frozen deck of generated members: a
// refactoring must not move them. See test/golden/README.md for how to update on purpose.

const MEASURES = ['COL-E', 'BCS-E', 'CBP', 'GSD', 'PDC-STA'] as const;
const DIGESTS_FILE = repoFile('test/golden/digests.json');

type Digests = Record<string, { outcomes: string; traces: string; evaluations: number }>;

function members(measure: string): Member[] {
  const text = gunzipSync(readFileSync(repoFile(`test/golden/${measure}.members.jsonl.gz`)));
  return text
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => memberSchema.parse(JSON.parse(l)));
}

function digestOf(measureId: string, packs: readonly CompiledPack[]): Digests[string] {
  const outcomes = createHash('sha256');
  const traces = createHash('sha256');
  let evaluations = 0;
  for (const member of members(measureId)) {
    for (const p of packs) {
      const measure = measureOf(p, measureId);
      const shared: SharedEvaluations = new Map();
      for (const productLine of p.productLines) {
        const { outcome, trace } = evaluateMeasure(
          measure,
          { measure: measureId, year: p.year, productLine },
          member,
          shared,
        );
        outcomes.update(JSON.stringify(outcome) + '\n');
        traces.update(JSON.stringify(trace) + '\n');
        evaluations++;
      }
    }
  }
  return { outcomes: outcomes.digest('hex'), traces: traces.digest('hex'), evaluations };
}

describe('golden outcomes of the shipped packs', () => {
  const packs = shippedPackYears().map(shippedPack);
  const expected = JSON.parse(readFileSync(DIGESTS_FILE, 'utf8')) as Digests;
  const actual: Digests = {};

  it('every measure of every shipped pack has a frozen deck here', () => {
    for (const p of packs)
      expect([...p.measures.keys()].sort(), p.id).toEqual([...MEASURES].sort());
  });

  it.each(MEASURES)('%s: outcomes and traces on 4,000 frozen members are unchanged', (id) => {
    actual[id] = digestOf(id, packs);
    if (process.env.UPDATE_GOLDEN === '1') return;
    expect(actual[id].evaluations).toBe(expected[id]?.evaluations);
    expect(actual[id].outcomes, 'outcome digest').toBe(expected[id]?.outcomes);
    expect(actual[id].traces, 'trace digest').toBe(expected[id]?.traces);
  });

  it('writes the digests when asked to (UPDATE_GOLDEN=1)', () => {
    if (process.env.UPDATE_GOLDEN !== '1') return;
    writeFileSync(DIGESTS_FILE, JSON.stringify(actual, null, 2) + '\n');
    expect(Object.keys(actual)).toEqual([...MEASURES]);
  });
});
