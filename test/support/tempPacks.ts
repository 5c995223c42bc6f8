import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';

/** A fixture pack folder under fixtures/packs/, found from this file. */
export function fixturePack(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/packs/${name}/`, import.meta.url));
}

/**
 * A scratch folder under the system temp folder, removed when the test file ends. Tests that
 * write (new-year, release, edits) work only in here, never in the repository.
 */
export function scratchFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `measurecheck-${prefix}-`));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Copies fixture pack `name` to `<into>/<as>` and returns the copy's folder. */
export function copyPack(name: string, into: string, as: string = name): string {
  const dir = join(into, as);
  cpSync(fixturePack(name), dir, { recursive: true });
  return dir;
}

/**
 * Edits one file of a pack by replacing `from` with `to`, and fails the test when `from` is not
 * in the file (so a fixture change cannot silently turn an edit into a no-op).
 */
export function editPackFile(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text, `${file} should contain ${JSON.stringify(from)}`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

export function readPackFile(dir: string, file: string): string {
  return readFileSync(join(dir, file), 'utf8');
}
