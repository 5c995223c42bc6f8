import type { Problem, Result } from '../../model/problem.ts';
import type { PackSource } from '../load.ts';
import { definitionChanges } from './_internals/definitionChanges.ts';
import { diffContext } from './_internals/diffContext.ts';
import { loadValidPack } from './_internals/loadValidPack.ts';
import { measureChanges } from './_internals/measureChanges.ts';
import { packMetadataChanges } from './_internals/packMetadataChanges.ts';
import { valueSetChanges } from './_internals/valueSetChanges.ts';
import type { PackDiff, PackRef } from './types.ts';

/**
 * The semantic diff of two rule packs, clause by clause, in the language of the spec: measures are
 * matched by id, clauses by id (shared definitions too), value sets by name. Dates are compared as
 * expressions, so a pack moved to the next year is not a change. Citations and wording are
 * "minor"; the pack's identity (id, year, version, title, changelog, digest) is "metadata"; only
 * "semantic" changes make two packs different. Changes are data; src/report/packDiffText.ts
 * renders them as sentences.
 */

/**
 * Loads both packs (each must be valid) and diffs them.
 *
 * @example
 * const diff = diffPacks('rules/hedis/2024', 'rules/hedis/2025');
 * if (diff.ok) process.stdout.write(formatPackDiff(diff.value));
 */
export function diffPacks(oldDir: string, newDir: string): Result<PackDiff> {
  const a = loadValidPack(oldDir);
  const b = loadValidPack(newDir);
  if (!a.ok || !b.ok) {
    const problems: Problem[] = [...(a.ok ? [] : a.problems), ...(b.ok ? [] : b.problems)];
    return { ok: false, problems };
  }
  return { ok: true, value: diffPackSources(a.value, b.value) };
}

/** Diffs two loaded, valid packs. */
export function diffPackSources(oldPack: PackSource, newPack: PackSource): PackDiff {
  const ctx = diffContext(oldPack, newPack);
  const changes = [
    ...packMetadataChanges(oldPack.pack, newPack.pack),
    ...measureChanges(ctx),
    ...definitionChanges(ctx),
    ...valueSetChanges(ctx),
  ];
  return {
    old: ref(oldPack),
    new: ref(newPack),
    equal: !changes.some((c) => c.level === 'semantic'),
    changes,
  };
}

function ref(p: PackSource): PackRef {
  const byOid = [...p.valueSets.values()].filter((vs) => vs.oid !== undefined).length;
  return {
    dir: p.dir,
    id: p.pack.id,
    version: p.pack.version,
    year: p.pack.year,
    ...(byOid > 0 ? { valueSetsByOid: byOid } : {}),
  };
}
