// `measurecheck export fhir` and `check --fhir-out`: members and counterexamples as FHIR Bundles
// that the import reads back as the same members.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFhir } from '../../src/adapters/fhir/index.ts';
import { readMemberFile } from '../../src/model/memberFile.ts';
import { readMemberDeck } from '../../src/model/readMemberDeck.ts';
import { repoFile } from '../support/repoFiles.ts';
import { runCli } from '../support/runCli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'measurecheck-export-fhir-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const MEMBER = 'fixtures/members/excluded-hospice-status.json';

describe('measurecheck export fhir', () => {
  it('writes a member record as a Bundle the import reads back as the same member', async () => {
    const run = await runCli(['export', 'fhir', '--member', MEMBER]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const file = join(scratch, 'member.json');
    writeFileSync(file, run.stdout);
    const member = readMemberFile(repoFile(MEMBER));
    if (!member.ok) throw new Error('the fixture member does not read');
    expect(importFhir([file]).cases.map((c) => c.member)).toEqual([member.value]);
  });

  it('writes a deck as one Bundle file per member into --out', async () => {
    const out = join(scratch, 'deck');
    const deck = 'fixtures/decks/no-product-lines-jsonl/members.jsonl';
    const run = await runCli(['export', 'fhir', '--member', deck, '--out', out]);
    expect(run.code).toBe(0);
    const members = readMemberDeck(repoFile(deck));
    if (!members.ok) throw new Error('the fixture deck does not read');
    expect(run.stdout).toContain(`wrote ${String(members.value.length)} FHIR Bundle(s)`);
    const back = importFhir([out]).cases.map((c) => c.member);
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(back.sort(byId)).toEqual([...members.value].sort(byId));
  });

  it('rejects a bad member record with exit 2, naming the file and line', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, '{\n  "id": "x",\n  "birthDate": "2025-02-30",\n  "sex": "F"\n}\n');
    const run = await runCli(['export', 'fhir', '--member', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:3:`);
    expect(run.stdout).toBe('');
  });
});

describe('measurecheck check --fhir-out', () => {
  it("writes each finding's minimal member as a Bundle, named in the JSON report", async () => {
    const out = join(scratch, 'findings');
    const json = join(scratch, 'check.json');
    const run = await runCli([
      'check',
      '--rules',
      'fixtures/packs/no-product-lines',
      '--measure',
      'SCR',
      '--impl',
      'fixtures/implementations/scr-wrong-colonoscopy-window-8-years.ts',
      '--runs',
      '200',
      '--seed',
      '3',
      '--fhir-out',
      out,
      '--json',
      json,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `FHIR Bundles of the findings' minimal members (one per finding): ${out}`,
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      productLines: { findings: { member: unknown; fhirBundle?: string }[] }[];
    };
    const findings = report.productLines.flatMap((r) => r.findings);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.fhirBundle).toMatch(/finding-\d+-SCR\.json$/);
      expect(importFhir([f.fhirBundle ?? '']).cases.map((c) => c.member)).toEqual([f.member]);
    }
  });
});
