// `check --accept FILE`: a reviewed list of accepted differences. A matched finding is reported
// as accepted and does not fail the run; an entry that matches nothing is stale and does; a bad
// entry stops the run naming the file, the line and the entry.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-cli-accept-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const AGES_2024 = 'fixtures/implementations/bcs-e-wrong-2024-ages-in-2025.ts';
const RUN = ['check', '--measure', 'BCS-E', '--year', '2025', '--product-line', 'commercial'];
const FAST = ['--runs', '200', '--seed', '5'];

const ENTRY = `# reviewed: we keep the 2024 ages until our vendor moves
- measure: BCS-E
  population: initialPopulation
  clause: bcs-e-age
  implementation: out
  reason: we report with the 52-74 ages of the 2025 eCQM
  link: https://example.org/tickets/1
`;

/** The entry with the minimal member of its difference: a woman of 45, enrolled from Oct 1 two years before. */
const ENTRY_WITH_MEMBER = `${ENTRY}  member:
    id: M1
    birthDate: '1980-06-15'
    sex: F
    enrollments:
      - { productLine: commercial, start: '2023-10-01', end: '2025-12-31', medical: true, pharmacy: true }
`;

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('check --accept', () => {
  it('reports a matched finding as accepted, with its reason, and exits 0', async () => {
    const accept = file('accept.yaml', ENTRY);
    const json = join(scratch, 'accepted.json');
    const run = await runCli([
      ...RUN,
      ...FAST,
      '--impl',
      AGES_2024,
      '--accept',
      accept,
      '--json',
      json,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Accepted differences (--accept; they do not fail the run):');
    expect(run.stdout).toContain(
      `ACCEPTED 1 of 1: BCS-E 2025 commercial: initialPopulation differs\n  accepted by ${accept}:2: we report with the 52-74 ages of the 2025 eCQM`,
    );
    expect(run.stdout).toContain('but for 1 accepted difference(s).');
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      findingGroups: { accepted?: { reason: string; line: number } }[];
    };
    expect(report.findingGroups[0]?.accepted).toMatchObject({
      reason: 'we report with the 52-74 ages of the 2025 eCQM',
      line: 2,
    });
  });

  it('fails with exit 1 when an entry matches nothing: the list cannot rot', async () => {
    const accept = file('stale.yaml', ENTRY);
    const junit = join(scratch, 'stale.xml');
    const run = await runCli([
      ...RUN,
      ...FAST,
      '--impl',
      'fixtures/implementations/bcs-e-correct.ts',
      '--accept',
      accept,
      '--junit',
      junit,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `STALE accepted difference ${accept}:2: BCS-E initialPopulation bcs-e-age`,
    );
    expect(run.stdout).toContain('Remove the entry if the difference is gone, or fix it');
    expect(run.stdout).toContain('if the difference is rare, add its minimal member (member:)');
    expect(readFileSync(junit, 'utf8')).toContain('type="stale-accept"');
  });

  it('replays the minimal member of an entry the generated cases did not show: still there, not stale', async () => {
    const accept = file('member.yaml', ENTRY_WITH_MEMBER);
    const json = join(scratch, 'member.json');
    // One uniform case (seed 1: a member the two agree on) does not show the difference; the entry's
    // member does.
    const run = await runCli([
      ...RUN,
      '--runs',
      '1',
      '--seed',
      '1',
      '--generator',
      'uniform',
      '--no-against-year',
      '--impl',
      AGES_2024,
      '--accept',
      accept,
      '--json',
      json,
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain('ACCEPTED 1 of 1');
    expect(run.stdout).toContain(
      `ACCEPTED, shown by its member ${accept}:2: BCS-E initialPopulation bcs-e-age (implementation out) was not among this run's cases; its minimal member still shows it.`,
    );
    expect(run.stdout).toContain(
      'OK: the implementation agrees with the reference on all 1 cases (commercial 1); 1 more accepted difference(s) shown by their members.',
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      acceptsShownByMember?: { line: number; member: { id: string } }[];
    };
    expect(report.acceptsShownByMember?.map((e) => [e.line, e.member.id])).toEqual([[2, 'M1']]);
  });

  it('an entry whose minimal member no longer shows the difference is stale', async () => {
    const accept = file('member-gone.yaml', ENTRY_WITH_MEMBER);
    const run = await runCli([
      ...RUN,
      ...FAST,
      '--impl',
      'fixtures/implementations/bcs-e-correct.ts',
      '--accept',
      accept,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `STALE accepted difference ${accept}:2: BCS-E initialPopulation bcs-e-age (implementation out) matched no finding of this run, and its minimal member no longer shows it.`,
    );
  });

  it('stops with exit 2 on a bad entry, naming the file, the line and the entry', async () => {
    const accept = file(
      'bad.yaml',
      `${ENTRY}- measure: BCS-E\n  population: numerator\n  clause: bcs-e-mammogram\n  implementation: out\n  link: https://example.org/tickets/2\n`,
    );
    const run = await runCli([...RUN, ...FAST, '--accept', accept]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${accept}:8:3: entry 2 (BCS-E numerator bcs-e-mammogram): missing required field`,
    );
    expect(run.stderr).toContain('(at [1].reason)');
    expect(run.stderr).toContain('hint: each entry needs measure, population, clause');
    expect(run.stdout).toBe('');
  });

  it('stops with exit 2 on an entry whose member is not a valid member record', async () => {
    const accept = file(
      'bad-member.yaml',
      `${ENTRY}  member: { id: M1, birthDate: '1980-13-01', sex: F }\n`,
    );
    const run = await runCli([...RUN, ...FAST, '--accept', accept]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${accept}:8:`);
    expect(run.stderr).toContain('entry 1 (BCS-E initialPopulation bcs-e-age)');
    expect(run.stderr).toContain('member.birthDate');
    expect(run.stdout).toBe('');
  });
});
