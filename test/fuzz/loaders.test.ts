import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzInput, fuzzLoaders, LOADER_NAMES, removeScratch, runInput } from './loaderFuzz.ts';
import type { FuzzLoader, LoaderName } from './loaderFuzz.ts';

// A few hundred mutated files per loader, seeded so a failure replays; bench/fuzz.ts runs
// 100,000 per loader. Each input must give a Result or a coded problem: never another exception,
// never a hang.
const RUNS = 250;

const dir = mkdtempSync(join(tmpdir(), 'measurecheck-fuzz-'));
let loaders: Record<LoaderName, FuzzLoader>;
beforeAll(async () => {
  loaders = await fuzzLoaders(dir);
});
afterAll(() => {
  removeScratch(dir);
});

describe('every loader gives a Result or a coded problem for any file', () => {
  LOADER_NAMES.forEach((name, index) => {
    it(name, async () => {
      const loader = loaders[name];
      await fc.assert(
        fc.asyncProperty(fuzzInput(loader.seeds), fc.boolean(), async (bytes, keepGoing) => {
          const verdict = await runInput(loader, bytes, keepGoing, 20_000);
          expect(verdict).toEqual({ kind: 'ok' });
        }),
        { seed: 20261127 + index, numRuns: RUNS },
      );
    });
  });
});
