import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/model/problem.ts';
import type { Result } from '../../src/model/problem.ts';
import { loadPack } from '../../src/rulepack/compile.ts';
import { packChangeMessage } from '../../src/report/packChangeText.ts';
import { diffPacks } from '../../src/rulepack/diff/index.ts';
import { validatePack } from '../../src/rulepack/digest.ts';
import { startNewYear } from '../../src/rulepack/newYear.ts';
import { releasePack } from '../../src/rulepack/release.ts';
import type { PackFile } from '../../src/rulepack/schema.ts';
import { copyPack, editPackFile, readPackFile, scratchFolder } from '../support/tempPacks.ts';

const scratch = scratchFolder('new-year');
let copies = 0;
/** `<scratch>/<n>/2025`: a fresh copy of the COL-E fixture pack, so `2026` is its sibling. */
function fresh2025(): string {
  const family = join(scratch, String(++copies));
  mkdirSync(family);
  return copyPack('hedis-2025-col-e', family, '2025');
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

describe('pack new-year', () => {
  it('writes a sibling folder named by the year that validates as a draft of the new year', () => {
    const dir = fresh2025();
    const result = value(startNewYear(dir, { year: 2026, today: '2026-01-15' }));
    const out = join(dir, '..', '2026');
    expect(result.to).toMatchObject({ id: 'hedis-2026', version: '0.1.0', year: 2026 });
    expect(existsSync(out)).toBe(true);

    const loaded = value(loadPack(out));
    expect(loaded).toMatchObject({ id: 'hedis-2026', year: 2026, version: '0.1.0' });
    expect(value(validatePack(out)).status.state).toBe('draft');
    const pack = parse(readPackFile(out, 'pack.yaml')) as PackFile;
    expect(pack.title).toBe('HEDIS-style measures for measurement year 2026');
    expect(pack.changelog).toEqual([
      {
        version: '0.1.0',
        date: '2026-01-15',
        changes: ['started from hedis-2025 v1.0.0 (a draft)'],
      },
    ]);
  });

  it('diffs as equal to the pack it copies, apart from the pack metadata', () => {
    const dir = fresh2025();
    value(startNewYear(dir, { year: 2026 }));
    const diff = value(diffPacks(dir, join(dir, '..', '2026')));
    expect(diff.equal).toBe(true);
    expect(diff.changes.map((c) => [c.level, c.path])).toEqual([
      ['metadata', 'id'],
      ['metadata', 'year'],
      ['metadata', 'version'],
      ['metadata', 'changelog'],
      ['metadata', 'title'],
    ]);
  });

  it('starts a released pack over as a draft: version 0.1.0, no digest, no manifest, comments kept', () => {
    const dir = fresh2025();
    const released = value(releasePack(dir));
    const out = join(dir, '..', '2026');
    value(startNewYear(dir, { year: 2026, out }));

    const text = readPackFile(out, 'pack.yaml');
    expect(text).not.toMatch(/^(digest|files):/m);
    expect(text).toContain('version: 0.1.0\n');
    expect(text.startsWith('# A trimmed copy of rules/hedis/2025')).toBe(true);
    expect(text).toContain(
      '  HEDIS-style rules built by the measurecheck project from public sources (payer tip sheets, NCQA\n',
    );
    expect(text).toContain('started from hedis-2025 v1.0.0\n');
    expect(value(validatePack(out)).status).toMatchObject({ state: 'draft', staleManifest: false });
    const diff = value(diffPacks(dir, out));
    expect(diff.equal).toBe(true);
    const digest = diff.changes.find((c) => c.path === 'digest');
    expect(digest && packChangeMessage(digest)).toBe(
      `pack digest: ${released.digest.slice(0, 19)}… became none (a draft)`,
    );
  });

  it('copies every pack file unchanged except pack.yaml', () => {
    const dir = fresh2025();
    writeFileSync(join(dir, 'NOTES.md'), 'working notes\n');
    const result = value(startNewYear(dir, { year: 2026 }));
    const out = join(dir, '..', '2026');
    expect(result.files).toEqual([
      'definitions/enrollment.yaml',
      'definitions/exclusions.yaml',
      'measures/col-e.yaml',
      'pack.yaml',
      'valuesets/col-e.csv',
      'valuesets/exclusions.csv',
    ]);
    for (const file of result.files.filter((f) => f !== 'pack.yaml')) {
      expect(readPackFile(out, file), file).toBe(readPackFile(dir, file));
    }
    expect(result.notCopied).toEqual(['NOTES.md']);
    expect(readdirSync(out).sort()).toEqual(['definitions', 'measures', 'pack.yaml', 'valuesets']);
  });

  it('lists sources that name the old year as notes to review', () => {
    const result = value(startNewYear(fresh2025(), { year: 2026 }));
    const sources = result.review.filter((n) => n.message.startsWith('source names 2025'));
    expect(sources.map((n) => [n.file, n.clause, n.path])).toEqual([
      ['measures/col-e.yaml', '46-49', 'strata[0].source'],
      ['measures/col-e.yaml', '50-75', 'strata[1].source'],
    ]);
    expect(sources[0]?.message).toBe(
      'source names 2025: find its 2026 edition: https://ecqi.healthit.gov/ecqm/ec/2025/cms0130v13',
    );
    expect(sources[0]?.line).toBe(62);
    expect(result.warnings).toEqual([]);
  });

  it('reports literal dates as warnings, and carries them over unchanged', () => {
    const dir = fresh2025();
    editPackFile(
      dir,
      'measures/col-e.yaml',
      'event: { valueSets: [FOBT Lab Test], window: { from: MY-01-01, to: MY-12-31 } }',
      'event: { valueSets: [FOBT Lab Test], window: { from: 2025-01-01, to: MY-12-31 } }',
    );
    const result = value(startNewYear(dir, { year: 2026 }));
    expect(result.warnings).toEqual([
      {
        file: 'measures/col-e.yaml',
        line: 46,
        path: 'numerator.any[0].event.window.from',
        clause: 'col-e-fobt',
        message:
          'literal date 2025-01-01 does not move with the year: review it for MY2026, or write it relative to the MY (MY-01-01 was 2025-01-01 for MY2025)',
      },
    ]);
    expect(readPackFile(join(dir, '..', '2026'), 'measures/col-e.yaml')).toContain(
      'from: 2025-01-01',
    );
  });

  it('refuses to overwrite an existing folder, and leaves it as it was', () => {
    const dir = fresh2025();
    const out = join(dir, '..', '2026');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const result = startNewYear(dir, { year: 2026 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.code).toBe('new-year/out-exists');
    expect(formatProblem(result.problems[0] ?? { code: 'internal', message: '' })).toContain(
      'refusing to overwrite',
    );
    expect(readdirSync(out)).toEqual(['keep.txt']);
    // No staging folder is left behind either.
    expect(readdirSync(join(dir, '..')).sort()).toEqual(['2025', '2026']);
  });

  it('refuses the year the pack already has', () => {
    const result = startNewYear(fresh2025(), { year: 2025, out: join(scratch, 'same-year') });
    expect(result.ok ? '' : result.problems[0]?.code).toBe('new-year/same-year');
  });
});
