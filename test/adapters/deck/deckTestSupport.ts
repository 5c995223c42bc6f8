import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDeck } from '../../../src/adapters/deck/index.ts';
import type { Deck, DeckMember } from '../../../src/adapters/deck/index.ts';
import { MeasurecheckError } from '../../../src/model/problem.ts';
import type { Problem } from '../../../src/model/problem.ts';
import { repoFile } from '../../support/repoFiles.ts';

/** A committed bad deck (or file in one), found from this file, not the working directory. */
export function badDeck(name: string, file?: string): string {
  const dir = repoFile(`fixtures/decks/bad/${name}`);
  return file === undefined ? dir : join(dir, file);
}

/** A fresh temporary folder; `cleanup` removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `measurecheck-${prefix}-`));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function readAll(deck: Deck): Promise<DeckMember[]> {
  const out: DeckMember[] = [];
  for await (const m of deck.members()) out.push(m);
  return out;
}

/** Runs `read` and returns the problems of the MeasurecheckError it must reject with. */
export async function problemsOf(read: () => Promise<unknown>): Promise<readonly Problem[]> {
  try {
    await read();
  } catch (e) {
    expect(e).toBeInstanceOf(MeasurecheckError);
    if (e instanceof MeasurecheckError) {
      expect(e.exitCode).toBe(2);
      return e.problems;
    }
  }
  throw new Error('expected a MeasurecheckError, but reading succeeded');
}

/** Reads a deck with keepGoing: the members that came through and the problems skipped. */
export async function readKeepingGoing(
  path: string,
): Promise<{ members: DeckMember[]; skipped: Problem[] }> {
  const skipped: Problem[] = [];
  const members = await readAll(
    openDeck(path, { keepGoing: true, onSkip: (p) => skipped.push(p) }),
  );
  return { members, skipped };
}
