// The authoring workflow as a user runs it: `measurecheck pack new-year | diff | release | validate`
// in real child processes, judged by exit code and output. Everything written goes to a temp folder.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';
import type { CliRun } from '../support/runCli.ts';
import { copyPack, editPackFile, scratchFolder } from '../support/tempPacks.ts';

const BCS_2024 = 'fixtures/packs/bcs-e-2024-ages-52-74';
const BCS_2025 = 'fixtures/packs/bcs-e-2025-ages-42-74-with-strata';
const scratch = scratchFolder('cli-pack');

/** A usage or configuration error: exit 2, a message, and no JavaScript stack trace. */
function expectCleanError(run: CliRun, message: string | RegExp): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.code, output).toBe(2);
  expect(output).toMatch(message);
  expect(output, 'no stack trace').not.toMatch(/^\s+at .+[(:]\d+/m);
  expect(output).not.toMatch(/node:internal|Error: .*\n\s+at /);
}

describe('measurecheck pack new-year, diff, release, validate', () => {
  it('starts a new year, which diffs as equal; releases it; catches an edit; a bump and release fix it', async () => {
    const family = join(scratch, 'workflow');
    mkdirSync(family);
    const y2025 = copyPack('hedis-2025-col-e', family, '2025');
    const y2026 = join(family, '2026');

    const started = await runCli(['pack', 'new-year', y2025, '--year', '2026']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`started hedis-2026 v0.1.0 (MY2026, a draft) in ${y2026}`);
    expect(started.stdout).toContain(
      'measures/col-e.yaml:62 (46-49): source names 2025: find its 2026 edition: https://ecqi.healthit.gov/ecqm/ec/2025/cms0130v13',
    );

    const equal = await runCli(['pack', 'diff', y2025, y2026]);
    expect(equal.code, equal.stderr).toBe(0);
    expect(equal.stdout).toContain(
      'hedis-2025 v1.0.0 (MY2025) -> hedis-2026 v0.1.0 (MY2026): semantically equal',
    );
    expect(equal.stdout).toContain('pack year: 2025 became 2026');

    const draft = await runCli(['pack', 'validate', y2026]);
    expect(draft.code, draft.stderr).toBe(0);
    expect(draft.stdout).toContain('draft: no digest (not released)');

    const released = await runCli(['pack', 'release', y2026, '--version', '1.0.0']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toMatch(
      /^released hedis-2026 v1\.0\.0 \(was 0\.1\.0\): sha256:[0-9a-f]{64}$/m,
    );
    expect((await runCli(['pack', 'validate', y2026])).code).toBe(0);

    editPackFile(y2026, 'measures/col-e.yaml', 'min: 46, max: 75', 'min: 45, max: 75');
    const changed = await runCli(['pack', 'validate', y2026]);
    expectCleanError(changed, 'files changed since: measures/col-e.yaml (changed)');
    expect(changed.stderr).toContain(`--version 1.0.1`);

    const refused = await runCli(['pack', 'release', y2026]);
    expectCleanError(refused, 'hedis-2026 v1.0.0 is already released, and files changed since');

    const bumped = await runCli(['pack', 'release', y2026, '--version', '1.0.1']);
    expect(bumped.code, bumped.stderr).toBe(0);
    const valid = await runCli(['pack', 'validate', y2026]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('valid: hedis-2026 v1.0.1');

    const different = await runCli(['pack', 'diff', y2025, y2026]);
    expect(different.code).toBe(1);
    expect(different.stdout).toContain(
      'COL-E initialPopulation age (col-e-age): 46-75 became 45-75',
    );
  });

  it('pack diff prints the semantic changes and exits 1 when packs differ', async () => {
    const run = await runCli(['pack', 'diff', BCS_2024, BCS_2025]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      'hedis-2024 v1.0.0 (MY2024) -> hedis-2025 v1.0.0 (MY2025): 3 semantic changes\n\nsemantic changes (3):\n  BCS-E initialPopulation age (bcs-e-age): 52-74 became 42-74\n',
    );
    expect(run.stdout).toContain('minor changes, not counted (citations and wording)');
    expect(run.stdout).toContain('pack metadata, not counted (4):');
  });

  it('pack diff --json prints a machine-readable list of changes', async () => {
    const run = await runCli(['pack', 'diff', BCS_2024, BCS_2025, '--json']);
    expect(run.code, run.stderr).toBe(1);
    const parsed = JSON.parse(run.stdout) as {
      format: string;
      equal: boolean;
      changes: { kind: string; level: string; message: string; measure?: string }[];
    };
    expect(parsed.format).toBe('measurecheck-pack-diff/1');
    expect(parsed.equal).toBe(false);
    expect(parsed.changes.filter((c) => c.level === 'semantic')).toEqual([
      expect.objectContaining({
        kind: 'age',
        measure: 'BCS-E',
        clause: 'bcs-e-age',
        path: 'initialPopulation.all[0]',
        before: { min: 52, max: 74, asOf: 'MY-12-31' },
        after: { min: 42, max: 74, asOf: 'MY-12-31' },
        message: 'BCS-E initialPopulation age (bcs-e-age): 52-74 became 42-74',
      }),
      expect.objectContaining({
        kind: 'stratum-added',
        measure: 'BCS-E',
        clause: 'bcs-e-stratum-42-51',
      }),
      expect.objectContaining({
        kind: 'stratum-added',
        measure: 'BCS-E',
        clause: 'bcs-e-stratum-52-74',
      }),
    ]);
  });

  describe('every error path exits 2 with a message and no stack trace', () => {
    it.each([
      [
        'diff: a folder that does not exist',
        ['pack', 'diff', BCS_2024, 'fixtures/packs/nope'],
        'no rule pack folder at fixtures/packs/nope',
      ],
      [
        'diff: an invalid pack',
        ['pack', 'diff', BCS_2024, 'fixtures/packs-bad/misspelled-value-set'],
        'value set "Colonscopy" does not exist',
      ],
      ['diff: one folder only', ['pack', 'diff', BCS_2024], /missing required argument 'new'/],
      [
        'new-year: no --year',
        ['pack', 'new-year', BCS_2024],
        /required option '--year <year>' not specified/,
      ],
      [
        'new-year: a year that is not one',
        ['pack', 'new-year', BCS_2024, '--year', 'next'],
        'expected a measurement year such as 2025',
      ],
      [
        'new-year: the year the pack has',
        ['pack', 'new-year', BCS_2024, '--year', '2024', '--out', join(scratch, 'x')],
        'hedis-2024 is already the pack for 2024',
      ],
      [
        'new-year: into an existing folder',
        ['pack', 'new-year', BCS_2024, '--year', '2025', '--out', 'fixtures/packs'],
        'refusing to overwrite fixtures/packs: it already exists',
      ],
      [
        'new-year: into a folder that cannot be made',
        ['pack', 'new-year', BCS_2024, '--year', '2025', '--out', 'package.json/2025'],
        /could not write package\.json\/2025: E[A-Z]+/,
      ],
      [
        'release: not a version',
        ['pack', 'release', BCS_2024, '--version', 'one'],
        'expected a semantic version such as 1.0.1',
      ],
      [
        'release: a folder that does not exist',
        ['pack', 'release', 'fixtures/packs/nope'],
        'no rule pack folder at fixtures/packs/nope',
      ],
      [
        'validate: a folder that does not exist',
        ['pack', 'validate', 'fixtures/packs/nope'],
        'no rule pack folder at fixtures/packs/nope',
      ],
    ] as const)('%s', async (_, args, message) => {
      expectCleanError(await runCli(args), message);
    });

    it('release of an invalid pack writes nothing', async () => {
      const dir = copyPack('hedis-2025-col-e', scratch, 'invalid');
      editPackFile(
        dir,
        'measures/col-e.yaml',
        'valueSets: [Colonoscopy]',
        'valueSets: [Colonscopy]',
      );
      expectCleanError(await runCli(['pack', 'release', dir]), 'did you mean "Colonoscopy"?');
      expect(readFileSync(join(dir, 'pack.yaml'), 'utf8')).not.toContain('digest:');
    });
  });
});
