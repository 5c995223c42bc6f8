// `measurecheck import fhir` run as a user runs it: the deck it writes, its summary, its errors
// (file and JSON path, exit 2), --keep-going, --json, and dates that do not depend on TZ.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDeck } from '../../src/adapters/deck/index.ts';
import { REPO_ROOT } from '../support/repoFiles.ts';
import { runCli } from '../support/runCli.ts';
import { copyPack, editPackFile } from '../support/tempPacks.ts';

const work = mkdtempSync(join(tmpdir(), 'measurecheck-import-fhir-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const lines = (file: string): unknown[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l): unknown => JSON.parse(l));

describe('measurecheck import fhir', () => {
  it('writes a JSON Lines deck and prints what it read, wrote and did not carry', async () => {
    const out = join(work, 'good');
    const run = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/good',
      '--out',
      out,
      '--measure',
      'EX',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('read 12 files: 12 resources, 1 case (one per patient)');
    expect(run.stdout).toContain(`wrote ${out}: 1 member, 1 expected row`);
    expect(run.stdout).toContain(
      'notes: 4 (not-carried 2, unknown-code-system 1, modifier-extension 1)',
    );
    expect(run.stdout).toContain(
      'fixtures/fhir/good/case-1/Coverage-cov1.json: $: Coverage/cov1 is not carried',
    );
    expect(lines(join(out, 'expected.jsonl'))).toEqual([
      {
        memberId: 'p1',
        measure: 'EX',
        year: 2025,
        initialPopulation: true,
        denominator: true,
        denominatorExclusion: true,
        numerator: false,
      },
    ]);
    expect(lines(join(out, 'members.jsonl'))).toMatchObject([
      { id: 'p1', deathDate: '2025-12-31' },
    ]);
    // Written like every deck: no staging folder left beside it.
    expect(existsSync(join(out, '.measurecheck-partial'))).toBe(false);
    // The deck reader takes an expected row without a product line.
    const read = [];
    for await (const dm of openDeck(out).members()) read.push(dm);
    expect(read.map((dm) => [dm.member.id, dm.expected.map((e) => e.outcome)])).toEqual([
      ['p1', lines(join(out, 'expected.jsonl'))],
    ]);
  });

  it('stops with exit 2 on a bad file, naming the file and the JSON path, and writes nothing', async () => {
    const out = join(work, 'bad');
    const run = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/bad',
      '--out',
      out,
      '--measure',
      'EX',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'fixtures/fhir/bad/bad-date/Observation-1.json: $.effectivePeriod.start: 2025-02-30 is not a date',
    );
    expect(run.stderr).toContain(
      'fixtures/fhir/bad/unknown-type/Banana-1.json: $.resourceType: "Banana" is not a FHIR R4 resource type',
    );
    expect(run.stderr).toContain(
      'fixtures/fhir/bad/missing-reference/Encounter-1.json: $.diagnosis[0].condition.reference: Condition/x is not in the files read',
    );
    expect(run.stderr).toContain('fixtures/fhir/bad/not-json/Observation-1.json: not JSON');
    expect(run.stderr).toContain(
      '4 problems; nothing written (--keep-going imports the cases without problems)',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('with --keep-going imports the other cases, lists the problems as warnings and exits 0', async () => {
    const out = join(work, 'bad-keep-going');
    const run = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/bad',
      '--out',
      out,
      '--measure',
      'EX',
      '--keep-going',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote ${out}: 1 member, 0 expected rows (4 cases skipped)`);
    expect(run.stderr).toContain(
      'warning: fixtures/fhir/bad/bad-date/Observation-1.json: $.effectivePeriod.start: 2025-02-30 is not a date',
    );
    expect(run.stderr).toContain('4 problems: 4 of 5 cases skipped, the others imported');
    expect(lines(join(out, 'members.jsonl'))).toMatchObject([{ id: 'fine' }]);
  });

  it('--json prints the counts, every problem and every note', async () => {
    const out = join(work, 'json');
    const run = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/bad',
      'fixtures/fhir/bundle/two-patients.json',
      '--out',
      out,
      '--measure',
      'EX',
      '--keep-going',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      out,
      written: true,
      files: 11,
      patients: 7,
      members: 3,
      expectedRows: 1,
      notesByKind: {},
    });
    expect(report['problems']).toContainEqual(
      expect.objectContaining({
        code: 'fhir/invalid-date',
        file: 'fixtures/fhir/bad/bad-date/Observation-1.json',
        path: '$.effectivePeriod.start',
      }),
    );
  });

  it('takes the measure whose url is MeasureReport.measure, from a --rules pack', async () => {
    const pack = copyPack('hedis-2025-col-e', work, 'pack-with-url');
    editPackFile(
      pack,
      'measures/col-e.yaml',
      'title: Colorectal Cancer Screening (HEDIS-style, ECDS)\n',
      'title: Colorectal Cancer Screening (HEDIS-style, ECDS)\nurl: https://example.org/Measure/ExampleScreening\n',
    );
    const out = join(work, 'by-url');
    const run = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/good',
      '--out',
      out,
      '--rules',
      pack,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(join(out, 'expected.jsonl'))).toMatchObject([{ measure: 'COL-E', year: 2025 }]);
    const unknown = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/good',
      '--out',
      join(work, 'no-url'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'MeasureReport-r1.json: $.measure: "https://example.org/Measure/ExampleScreening" is the url of no measure in the rule packs',
    );
  });

  it('refuses an --out folder that holds files, without --force', async () => {
    const out = join(work, 'taken');
    await runCli(['import', 'fhir', 'fixtures/fhir/duplicate', '--out', out, '--measure', 'EX']);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const run = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/good',
      '--out',
      out,
      '--measure',
      'EX',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('already holds files');
    const forced = await runCli([
      'import',
      'fhir',
      'fixtures/fhir/good',
      '--out',
      out,
      '--measure',
      'EX',
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(lines(join(out, 'members.jsonl'))).toMatchObject([{ id: 'p1' }]);
  });

  it('writes the same deck whatever the time zone: dates come from the timestamps as written', async () => {
    const shared = [
      resolve(
        REPO_ROOT,
        '../shared/conformance/ecqm-mp2025/ControllingHighBloodPressureFHIR/tests',
      ),
      resolve(
        REPO_ROOT,
        '../../shared/conformance/ecqm-mp2025/ControllingHighBloodPressureFHIR/tests',
      ),
    ].find((dir) => existsSync(dir));
    const inputs = ['fixtures/fhir/good', 'fixtures/fhir/bundle', ...(shared ? [shared] : [])];
    const decks: string[] = [];
    for (const tz of ['UTC', 'America/New_York', 'Pacific/Kiritimati']) {
      const out = join(work, `tz-${tz.replace('/', '-')}`);
      const run = await runCli(
        ['import', 'fhir', ...inputs, '--out', out, '--measure', 'EX'],
        60_000,
        { TZ: tz },
      );
      expect(run.code).toBe(0);
      decks.push(
        readFileSync(join(out, 'members.jsonl'), 'utf8') +
          readFileSync(join(out, 'expected.jsonl'), 'utf8'),
      );
    }
    expect(decks[0]).toContain('"date":"2025-12-31","endDate":"2026-01-02"');
    expect(decks[1]).toBe(decks[0]);
    expect(decks[2]).toBe(decks[0]);
  });
});
