// Near misses (decoy codes) a pack lists beside its value sets: read onto the value set, rejected
// at their line when they name an unknown value set or a code of the value set itself, and
// reported by `pack diff` as a minor change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPack } from '../../src/rulepack/compile.ts';
import { diffPacks } from '../../src/rulepack/diff/index.ts';
import { copyPack, scratchFolder } from '../support/tempPacks.ts';

const HEADER = 'value_set,code_system,code,reason,source\n';
const root = scratchFolder('near-misses');

function packWith(name: string, rows: string): string {
  const dir = copyPack('hedis-2025-col-e', root, name);
  mkdirSync(join(dir, 'near-misses'), { recursive: true });
  writeFileSync(join(dir, 'near-misses', 'near-misses.csv'), HEADER + rows);
  return dir;
}

describe('near-misses/*.csv', () => {
  it('puts each near miss on the value set it names, normalized, with its reason and source', () => {
    const dir = packWith(
      'good',
      'Colonoscopy,CPT,43235,"Upper endoscopy, not a colonoscopy",https://www.aapc.com/codes/cpt-codes/43235\n' +
        'Colorectal Cancer,ICD10CM,d12.6,A polyp,\n',
    );
    const pack = loadPack(dir);
    expect(pack.ok).toBe(true);
    if (!pack.ok) return;
    expect(pack.value.valueSets.get('Colonoscopy')?.nearMisses).toMatchObject([
      {
        system: 'CPT',
        code: '43235',
        reason: 'Upper endoscopy, not a colonoscopy',
        source: 'https://www.aapc.com/codes/cpt-codes/43235',
        line: 2,
      },
    ]);
    expect(pack.value.valueSets.get('Colorectal Cancer')?.nearMisses).toMatchObject([
      { system: 'ICD10CM', code: 'D126', reason: 'A polyp' },
    ]);
  });

  it('rejects an unknown value set and a code of the value set itself, at their lines', () => {
    const dir = packWith(
      'bad',
      'Colonscopy,CPT,43235,Upper endoscopy,\n' +
        'Colonoscopy,CPT,45378,Already a colonoscopy code,\n' +
        'Colonoscopy,CPT,43239,,\n',
    );
    const pack = loadPack(dir);
    expect(pack.ok).toBe(false);
    if (pack.ok) return;
    const problems = pack.problems.map((p) => ({
      code: p.code,
      line: p.line,
      file: p.file?.endsWith(join('near-misses', 'near-misses.csv')),
      hint: p.hint,
    }));
    expect(problems).toEqual([
      {
        code: 'nearmiss/unknown-value-set',
        line: 2,
        file: true,
        hint: 'did you mean "Colonoscopy"?',
      },
      {
        code: 'nearmiss/in-value-set',
        line: 3,
        file: true,
        hint: 'a near miss must not count: remove the row, or the code from the value set',
      },
      expect.objectContaining({ code: 'nearmiss/invalid-row', line: 4, file: true }),
    ]);
  });

  it('is a minor change in pack diff, named by value set and code', () => {
    const before = copyPack('hedis-2025-col-e', root, 'plain');
    const after = packWith('decoys', 'Colonoscopy,CPT,43235,Upper endoscopy,\n');
    const diff = diffPacks(before, after);
    expect(diff.ok).toBe(true);
    if (!diff.ok) return;
    const decoys = diff.value.changes.filter((c) => c.kind === 'near-misses');
    expect(decoys).toMatchObject([
      { level: 'minor', valueSet: 'Colonoscopy', added: ['CPT 43235'], removed: [] },
    ]);
    expect(diff.value.equal).toBe(true);
  });
});
