import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeckWriter, openDeck } from '../../../src/adapters/deck/index.ts';
import type { Member } from '../../../src/model/member.ts';
import { REPO_ROOT, repoFile } from '../../support/repoFiles.ts';
import { runCli } from '../../support/runCli.ts';
import { readAll, tempDir } from './deckTestSupport.ts';

const { dir, cleanup } = tempDir('deck-swap');
afterAll(cleanup);

const member = (id: string): Member => ({
  id,
  birthDate: '1960-05-01',
  sex: 'F',
  enrollments: [],
  statuses: [],
  claims: [],
  dispensings: [],
  observations: [],
});

/** Every file of a folder with its bytes, hidden ones included. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder).map((f) => [f, readFileSync(join(folder, f), 'latin1')]),
  );
}

/** Leftover staging folders of the deck writer next to `folder`. */
function staging(folder: string): string[] {
  const parent = join(folder, '..');
  return readdirSync(parent).filter((f) => f.includes('.partial-'));
}

describe('the deck writer puts a deck in place only when it is complete', () => {
  it('writes beside the folder; an aborted deck leaves the old one as it was', async () => {
    const deck = join(dir, 'abort');
    const first = createDeckWriter(deck, 'csv');
    await first.write(member('OLD1'), []);
    await first.close();
    writeFileSync(join(deck, 'README.md'), 'my notes\n');
    const before = snapshot(deck);

    const second = createDeckWriter(deck, 'csv');
    await second.write(member('NEW1'), []);
    await second.write(member('NEW2'), []);
    expect(snapshot(deck)).toEqual(before);
    expect(staging(deck)).toHaveLength(1);
    second.abort();
    expect(snapshot(deck)).toEqual(before);
    expect(staging(deck)).toEqual([]);
  });

  it('on close, replaces the deck files of both formats and keeps the other files', async () => {
    const deck = join(dir, 'replace');
    const first = createDeckWriter(deck, 'csv');
    await first.write(member('OLD1'), []);
    await first.close();
    writeFileSync(join(deck, 'README.md'), 'my notes\n');
    const second = createDeckWriter(deck, 'jsonl');
    await second.write(member('NEW1'), []);
    await second.close();
    expect(readdirSync(deck).sort()).toEqual(['README.md', 'expected.jsonl', 'members.jsonl']);
    const members = await readAll(openDeck(deck));
    expect(members.map((m) => m.member.id)).toEqual(['NEW1']);
    expect(staging(deck)).toEqual([]);
  });

  it('the staging folder, left by a process killed outright, is refused as a deck', async () => {
    const deck = join(dir, 'killed');
    const writer = createDeckWriter(deck, 'csv');
    await writer.write(member('HALF'), []);
    const [left] = staging(deck);
    expect(left).toBeDefined();
    const path = join(dir, left ?? '');
    // As a process killed with SIGKILL would leave it (files flushed, no close).
    expect(() => openDeck(path)).toThrow(/is incomplete: \.measurecheck-partial/);
    writer.abort();
  });
});

describe('fixtures generate --force, interrupted (child process)', () => {
  it('Ctrl-C leaves the old deck intact, exits 130 and leaves no staging folder', async () => {
    const out = join(dir, 'generated');
    const first = await runCli([
      'fixtures',
      'generate',
      '--measure',
      'COL-E',
      '--members',
      '200',
      '--workers',
      '0',
      '--out',
      out,
    ]);
    expect(first.code).toBe(0);
    const before = snapshot(out);

    // A large deck, interrupted once its staging folder exists.
    const child = spawn(
      process.execPath,
      [
        repoFile('bin/measurecheck.js'),
        'fixtures',
        'generate',
        '--measure',
        'COL-E',
        '--members',
        '500000',
        '--workers',
        '0',
        '--out',
        out,
        '--force',
      ],
      { cwd: REPO_ROOT, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => {
        resolve(code);
      });
    });
    const state = { exited: false };
    void exited.then(() => {
      state.exited = true;
    });
    while (staging(out).length === 0 && !state.exited) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(state.exited).toBe(false);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(snapshot(out)).toEqual(before);
    expect(staging(out)).toEqual([]);
    expect(existsSync(join(out, 'expected.csv.partial'))).toBe(false);
    expect(await readAll(openDeck(out))).toHaveLength(200);
  });
});
