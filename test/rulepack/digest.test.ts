import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/model/problem.ts';
import type { Result } from '../../src/model/problem.ts';
import { validatePack } from '../../src/rulepack/digest.ts';
import { removeEntries } from '../../src/rulepack/packYamlText.ts';
import { releasePack } from '../../src/rulepack/release.ts';
import { copyPack, editPackFile, readPackFile, scratchFolder } from '../support/tempPacks.ts';

const scratch = scratchFolder('digest');
let copies = 0;
/** A fresh copy of the COL-E fixture pack (a draft, version 1.0.0). */
const freshPack = () => copyPack('hedis-2025-col-e', scratch, `pack-${++copies}`);

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.value;
}

/** The one problem validation reports, rendered as a user sees it. */
function validationProblem(dir: string): { code: string; text: string } {
  const result = validatePack(dir);
  expect(result.ok).toBe(false);
  if (result.ok) return { code: '', text: '' };
  expect(result.problems).toHaveLength(1);
  const [problem] = result.problems;
  return { code: problem?.code ?? '', text: problem ? formatProblem(problem) : '' };
}

describe('releasing a pack and validating its digest', () => {
  it('a pack without a digest is a draft: it validates', () => {
    expect(value(validatePack(freshPack())).status).toEqual({
      state: 'draft',
      version: '1.0.0',
      staleManifest: false,
    });
  });

  it('release writes version, digest and file hashes into pack.yaml and changes nothing else in it', () => {
    const dir = freshPack();
    const before = readPackFile(dir, 'pack.yaml');
    const released = value(releasePack(dir));
    const after = readPackFile(dir, 'pack.yaml');

    expect(released).toMatchObject({ id: 'hedis-2025', version: '1.0.0', unchanged: false });
    expect(removeEntries(after, ['digest', 'files'])).toBe(before);
    expect(after).toContain(`version: 1.0.0\ndigest: ${released.digest}\nfiles:\n`);
    const manifest = (parse(after) as { files: Record<string, string> }).files;
    expect(Object.keys(manifest)).toEqual([
      'definitions/enrollment.yaml',
      'definitions/exclusions.yaml',
      'measures/col-e.yaml',
      'pack.yaml',
      'valuesets/col-e.csv',
      'valuesets/exclusions.csv',
    ]);
    expect(value(validatePack(dir)).status).toEqual({
      state: 'released',
      version: '1.0.0',
      digest: released.digest,
    });
  });

  it('the digest follows the documented recipe, so other tools can check it', () => {
    const dir = freshPack();
    const { digest } = value(releasePack(dir));
    const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
    const files = [
      'pack.yaml',
      ...['definitions', 'measures', 'valuesets'].flatMap((sub) =>
        readdirSync(join(dir, sub)).map((name) => `${sub}/${name}`),
      ),
    ].sort();
    const lines = files.map((file) => {
      const text = readPackFile(dir, file);
      const content =
        file === 'pack.yaml' ? removeEntries(text, ['version', 'digest', 'files']) : text;
      return `${sha(content)} ${file}\n`;
    });
    expect(sha(`measurecheck-pack-digest/1\nversion 1.0.0\n${lines.join('')}`)).toBe(digest);
  });

  it('validation fails after a file changes, names it, and says how to fix it', () => {
    const dir = freshPack();
    value(releasePack(dir));
    editPackFile(dir, 'measures/col-e.yaml', 'min: 46, max: 75', 'min: 45, max: 75');

    const { code, text } = validationProblem(dir);
    expect(code).toBe('pack/changed-after-release');
    expect(text).toContain('hedis-2025 v1.0.0 was released with digest sha256:');
    expect(text).toContain('files changed since: measures/col-e.yaml (changed)');
    expect(text).toMatch(/pack\.yaml:\d+:\d+: /);
    expect(text).toContain(`hint: a released version is immutable`);
    expect(text).toContain(`measurecheck pack release ${dir} --version 1.0.1`);
  });

  it('names files added and removed since the release', () => {
    const dir = freshPack();
    value(releasePack(dir));
    writeFileSync(
      join(dir, 'valuesets', 'extra.csv'),
      'value_set,code_system,code,display\nExtra,CPT,99999,x\n',
    );
    rmSync(join(dir, 'definitions', 'enrollment.yaml'));
    editPackFile(
      dir,
      'measures/col-e.yaml',
      'ref: continuous-enrollment-my-and-prior',
      'age: { min: 0 }',
    );

    expect(validationProblem(dir).text).toContain(
      'files changed since: definitions/enrollment.yaml (removed), measures/col-e.yaml (changed), valuesets/extra.csv (added)',
    );
  });

  it('a change to pack.yaml itself (a changelog line) is a change too', () => {
    const dir = freshPack();
    value(releasePack(dir));
    editPackFile(dir, 'pack.yaml', 'strata 46-49 / 50-75.', 'strata 46-49 / 50-75 (edited).');
    expect(validationProblem(dir).text).toContain('files changed since: pack.yaml (changed)');
  });

  it('refuses to release changed files under the version already released', () => {
    const dir = freshPack();
    value(releasePack(dir));
    editPackFile(dir, 'valuesets/col-e.csv', 'Colonoscopy,CPT,45378', 'Colonoscopy,CPT,45379');
    const result = releasePack(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.code).toBe('pack/version-not-bumped');
    expect(formatProblem(result.problems[0] ?? { code: 'internal', message: '' })).toContain(
      '--version 1.0.1',
    );
  });

  it('bump and release: validation passes again', () => {
    const dir = freshPack();
    value(releasePack(dir));
    editPackFile(dir, 'valuesets/col-e.csv', 'Colonoscopy,CPT,45378', 'Colonoscopy,CPT,45379');
    const released = value(releasePack(dir, { version: '1.0.1' }));
    expect(released).toMatchObject({ version: '1.0.1', previousVersion: '1.0.0' });
    expect(released.warnings).toEqual([
      'pack.yaml has no changelog entry for 1.0.1: add one that says what changed in this version',
    ]);
    expect(value(validatePack(dir)).status).toMatchObject({ state: 'released', version: '1.0.1' });
  });

  it('a version bumped by hand but not released fails validation until it is released', () => {
    const dir = freshPack();
    value(releasePack(dir));
    editPackFile(dir, 'pack.yaml', 'version: 1.0.0', 'version: 1.1.0');
    const { code, text } = validationProblem(dir);
    expect(code).toBe('pack/version-not-released');
    expect(text).toContain('only the version changed since that release');
    expect(text).toContain(`measurecheck pack release ${dir}`);
    expect(value(releasePack(dir))).toMatchObject({ version: '1.1.0' });
    expect(value(validatePack(dir)).status.state).toBe('released');
  });

  it('releasing an unchanged released pack again writes nothing', () => {
    const dir = freshPack();
    value(releasePack(dir));
    const text = readPackFile(dir, 'pack.yaml');
    expect(value(releasePack(dir))).toMatchObject({ unchanged: true, version: '1.0.0' });
    expect(readPackFile(dir, 'pack.yaml')).toBe(text);
  });

  it('refuses a version that is not newer than the released one', () => {
    const dir = freshPack();
    value(releasePack(dir));
    const result = releasePack(dir, { version: '0.9.0' });
    expect(result.ok ? '' : result.problems[0]?.code).toBe('pack/version-not-newer');
  });

  it('refuses to release an invalid pack', () => {
    const dir = freshPack();
    editPackFile(dir, 'measures/col-e.yaml', 'valueSets: [Colonoscopy]', 'valueSets: [Colonscopy]');
    const result = releasePack(dir);
    expect(result.ok ? '' : result.problems[0]?.code).toBe('pack/unknown-value-set');
    expect(readPackFile(dir, 'pack.yaml')).not.toContain('digest:');
  });

  it('line ends do not matter: a checkout with CRLF validates against a digest made with LF', () => {
    const dir = freshPack();
    value(releasePack(dir));
    for (const file of ['pack.yaml', 'measures/col-e.yaml', 'valuesets/col-e.csv']) {
      const path = join(dir, file);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('\n', '\r\n'));
    }
    expect(value(validatePack(dir)).status.state).toBe('released');
  });
});
