// What a finding tells its reader: one finding per root cause across product lines, the branch
// that came closest when the reference says "no", the rules (and assumptions) the verdict rests on,
// and the neighbour note only when it is true.
import { describe, expect, it } from 'vitest';
import { loadModuleImplementation } from '../../src/adapters/moduleAdapter.ts';
import { runCheck } from '../../src/harness/check.ts';
import type { CheckOptions, CheckResult } from '../../src/harness/check.ts';
import { yearNeighbour } from '../../src/harness/neighbours.ts';
import type { NeighbourTargets } from '../../src/harness/neighbours.ts';
import type { Member } from '../../src/model/member.ts';
import type { CompiledMeasure, CompiledPack } from '../../src/rulepack/compiled.ts';
import { ConsoleReporter } from '../../src/report/consoleReporter.ts';
import { formatMember } from '../../src/report/memberText.ts';
import { repoFile } from '../support/repoFiles.ts';
import { shippedPackAndMeasure } from '../support/shippedPacks.ts';

const bcs = shippedPackAndMeasure(2025, 'BCS-E');
const col = shippedPackAndMeasure(2025, 'COL-E');

async function check(
  fixture: string,
  target: { pack: CompiledPack; measure: CompiledMeasure },
  extra: Partial<CheckOptions>,
): Promise<CheckResult> {
  const implementation = await loadModuleImplementation(
    repoFile(`fixtures/implementations/${fixture}.ts`),
  );
  try {
    return await runCheck({
      ...target,
      productLines: ['commercial'],
      implementation,
      runs: 500,
      seed: 3,
      generator: 'rule-aware',
      ...extra,
    });
  } finally {
    await implementation.close();
  }
}

function consoleText(result: CheckResult): string {
  let text = '';
  new ConsoleReporter({ write: (s) => (text += s), replayCommand: () => 'replay' }).onRunEnd(
    result,
  );
  return text;
}

/** The 2024 neighbour of BCS-E 2025 as the CLI builds it, with the clauses changed since. */
function bcsNeighbour(): NeighbourTargets {
  const n = yearNeighbour(bcs.pack, 'BCS-E', 2024);
  if (n === undefined || n === 'equal') throw new Error('BCS-E changed between 2024 and 2025');
  return { year: n.measure, yearChangedClauses: n.changedClauses };
}

describe('findings a user can trust at a glance', () => {
  it('prints a bug that shows on every product line as one finding naming the three lines', async () => {
    const result = await check('bcs-e-wrong-mammogram-window-jan-1', bcs, {
      productLines: ['commercial', 'medicaid', 'medicare'],
      neighbours: bcsNeighbour(),
    });
    expect(result.productLines.map((r) => r.findings.length)).toEqual([1, 1, 1]);
    const text = consoleText(result);
    expect(text.match(/^DISCREPANCY /gm)).toHaveLength(1);
    expect(text).toContain(
      'DISCREPANCY 1 of 1: BCS-E 2025 commercial, medicaid, medicare: numerator differs',
    );
    expect(text).toContain('FAILED: 1 distinct finding(s)');
    // One replay line per product line, so each can still be replayed on its own.
    expect(text.match(/^ {2}replay: /gm)).toHaveLength(3);
    // The bug has nothing to do with 2024's ages: no neighbour note, whatever the member's age.
    expect(text).not.toContain('agrees with the 2024 rules');
    // The mammogram clause reads its codes by assumption: the report says the verdict rests on it.
    expect(text).toContain('bcs-e-mammogram: assumption:');
    expect(text).toContain('NOTE: this verdict rests on an assumption of the rule pack');
  });

  it('names 2024 when the implementation keeps the 2024 ages, with the pack diff as evidence', async () => {
    const result = await check('bcs-e-wrong-2024-ages-in-2025', bcs, {
      neighbours: bcsNeighbour(),
    });
    expect(result.findingGroups[0]?.findings[0].matchesNeighbour).toEqual({
      kind: 'year',
      year: 2024,
    });
    expect(consoleText(result)).toContain(
      'this implementation agrees with the 2024 rules for this member, not the 2025 rules',
    );
  });

  it('has no year neighbour for a measure whose rules did not change (nothing to aim at)', () => {
    const pdc = shippedPackAndMeasure(2025, 'PDC-STA');
    expect(yearNeighbour(pdc.pack, 'PDC-STA', 2024)).toBe('equal');
    expect(yearNeighbour(col.pack, 'COL-E', 2024)).toBe('equal');
  });

  it('names the exclusion that came closest and what it lacked, not the whole any', async () => {
    const result = await check('col-e-wrong-frailty-without-advanced-illness', col, {
      productLines: ['medicare'],
      runs: 600,
      neighbours: false,
    });
    const group = result.findingGroups[0];
    expect(group?.findings[0].difference?.population).toBe('denominatorExclusion');
    expect(group?.nearest?.clause.id).toBe('frailty-advanced-illness-66-plus');
    expect(group?.nearest?.lacking.map((c) => c.id)).toContain('advanced-illness-diagnosis');
    expect(consoleText(result)).toMatch(
      /nearest: frailty-advanced-illness-66-plus came closest of \d+ \(\d+ of \d+ conditions met\); it lacked:\n {4}advanced-illness-diagnosis: /,
    );
  });

  it('shows a reading without a value as "no value"', () => {
    const member: Member = {
      id: 'M1',
      sex: 'F',
      birthDate: '1960-01-01',
      enrollments: [],
      statuses: [],
      claims: [],
      dispensings: [],
      observations: [{ date: '2025-06-01', code: { system: 'LOINC', code: '8480-6' } }],
    };
    expect(formatMember(member)).toContain('  observation 2025-06-01: LOINC 8480-6 = no value');
  });
});
