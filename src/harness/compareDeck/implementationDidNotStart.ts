import type { Deck } from '../../adapters/deck/types.ts';
import type { ImplementationError } from '../../adapters/implementation.ts';
import type { CompiledPack } from '../../rulepack/compiled.ts';
import type { CompareResult } from './types.ts';

/**
 * The result of a compare whose implementation could not even start: nothing compared, exit 3, so
 * the JSON, JUnit and Markdown reports still say what happened.
 */
export function implementationDidNotStart(
  deck: Deck,
  packs: readonly CompiledPack[],
  label: string,
  error: ImplementationError,
): CompareResult {
  return {
    format: 'measurecheck-compare/1',
    deck: deck.path,
    deckFormat: deck.format,
    expectedFrom: deck.expectedFile === undefined ? 'reference' : 'deck',
    implementation: label,
    packs: packs.map((p) => ({ id: p.id, version: p.version, family: p.family })),
    deckMembers: 0,
    membersWithoutExpected: 0,
    groups: [],
    unmatchedResults: 0,
    unmatchedResultExamples: [],
    ignoredResults: 0,
    skipped: [],
    skippedCount: 0,
    aborted: {
      message: error.message,
      ...(error.stderr ? { stderr: error.stderr } : {}),
    },
    durationMs: 0,
    exitCode: 3,
  };
}
