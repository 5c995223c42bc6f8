// Which pack a command uses when the user names none: the latest RELEASED shipped pack, so the
// draft `pack new-year` writes beside the shipped packs never becomes every command's default.
// Each test works on a copy of the shipped rules folder.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/model/problem.ts';
import type { Result } from '../../src/model/problem.ts';
import { startNewYear } from '../../src/rulepack/newYear.ts';
import { releasePack } from '../../src/rulepack/release.ts';
import { selectMeasure, selectPack, selectPacks } from '../../src/rulepack/selectPack.ts';
import { releasedYears, SHIPPED_RULES_DIR, shippedYears } from '../../src/rulepack/shipped.ts';
import { scratchFolder } from '../support/tempPacks.ts';

const scratch = scratchFolder('select-pack');
let copies = 0;

/** A copy of the shipped rules folder (2024 and 2025, both released). */
function rulesCopy(): string {
  const dir = join(scratch, String(++copies));
  cpSync(SHIPPED_RULES_DIR, dir, { recursive: true });
  return dir;
}

/** A copy with the 2026 draft that the README's `pack new-year rules/hedis/2025 --year 2026` writes. */
function rulesWithDraft2026(): string {
  const rules = rulesCopy();
  value(startNewYear(join(rules, 'hedis', '2025'), { year: 2026, today: '2026-01-15' }));
  return rules;
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

function problems<T>(result: Result<T>): string[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems.map((p) => `${p.code}: ${formatProblem(p)}`);
}

describe('selectPack', () => {
  it('defaults to the latest released pack, not a newer draft beside it', () => {
    const rules = rulesWithDraft2026();
    expect(shippedYears('hedis', rules)).toEqual([2024, 2025, 2026]);
    expect(releasedYears('hedis', rules)).toEqual([2024, 2025]);
    expect(value(selectPack({}, rules)).year).toBe(2025);
    const { pack, measure } = value(selectMeasure({ measure: 'COL-E' }, rules));
    expect([pack.id, measure.year]).toEqual(['hedis-2025', 2025]);
  });

  it('uses the draft when its year is asked for', () => {
    const rules = rulesWithDraft2026();
    expect(value(selectPack({ year: 2026 }, rules))).toMatchObject({
      id: 'hedis-2026',
      version: '0.1.0',
    });
  });

  it('makes a pack the default once it is released', () => {
    const rules = rulesWithDraft2026();
    value(releasePack(join(rules, 'hedis', '2026')));
    expect(value(selectPack({}, rules)).id).toBe('hedis-2026');
  });

  it('says so when no shipped pack is released, and names the drafts', () => {
    // A rules folder holding only a draft: new-year reads the shipped 2025 and writes elsewhere.
    const rules = join(scratch, String(++copies));
    mkdirSync(join(rules, 'hedis'), { recursive: true });
    value(
      startNewYear(join(SHIPPED_RULES_DIR, 'hedis', '2025'), {
        year: 2026,
        out: join(rules, 'hedis', '2026'),
      }),
    );
    const [problem] = problems(selectPack({}, rules));
    expect(problem).toMatch(/^usage\/no-pack: no released rule pack is shipped/);
    expect(problem).toContain('--year for a draft (2026)');
  });

  it('names the shipped years when --year has no pack, and the measures when --measure is not in it', () => {
    const rules = rulesCopy();
    expect(problems(selectPack({ year: 2019 }, rules))).toEqual([
      expect.stringMatching(
        /^usage\/no-pack-for-year: no shipped rule pack for 2019\n.*2024, 2025/,
      ),
    ]);
    expect(problems(selectMeasure({ measure: 'NOPE' }, rules))).toEqual([
      expect.stringMatching(/^usage\/unknown-measure: measure NOPE is not in hedis-2025\n.*COL-E/),
    ]);
  });

  it('rejects --rules for another year than --year', () => {
    const rules = rulesCopy();
    expect(
      problems(selectPack({ rules: join(rules, 'hedis', '2024'), year: 2025 }, rules)),
    ).toEqual([
      expect.stringMatching(/^usage\/year-mismatch: the rule pack hedis-2024 is for 2024/),
    ]);
  });
});

describe('selectPacks (compare)', () => {
  it('loads every released pack and leaves the draft out unless its year is asked for', () => {
    const rules = rulesWithDraft2026();
    expect(value(selectPacks({}, rules)).map((p) => p.id)).toEqual(['hedis-2024', 'hedis-2025']);
    expect(value(selectPacks({ year: 2026 }, rules)).map((p) => p.id)).toEqual([
      'hedis-2024',
      'hedis-2025',
      'hedis-2026',
    ]);
  });
});
