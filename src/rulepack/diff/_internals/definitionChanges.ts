import { formatPath } from '../../../model/problem.ts';
import { sortedList } from '../../canonicalSpec.ts';
import type { PackSource } from '../../load.ts';
import type { ClauseSpec } from '../../schema.ts';
import type { ChangeLevel, PackChange } from '../types.ts';
import { definitionSites } from './clauseSites.ts';
import type { DiffContext } from './diffContext.ts';
import { matchClauses } from './matchClauses.ts';
import { packFile } from './packFile.ts';

interface Definition {
  readonly spec: ClauseSpec;
  readonly file: string;
  readonly path: readonly PropertyKey[];
}

/** The pack's shared definitions by name (the first one of a name wins). */
function definitions(pack: PackSource): Map<string, Definition> {
  const out = new Map<string, Definition>();
  for (const { file, doc } of pack.definitions) {
    file.definitions.forEach((spec, i) => {
      if (spec.id !== undefined && !out.has(spec.id))
        out.set(spec.id, { spec, file: packFile(pack, doc.file), path: ['definitions', i] });
    });
  }
  return out;
}

/**
 * Shared definitions matched by name. A change to a definition counts for every measure that
 * uses it in either pack; one no measure uses changes no outcome, and is minor.
 */
export function definitionChanges(ctx: DiffContext): PackChange[] {
  const oldDefs = definitions(ctx.old);
  const newDefs = definitions(ctx.new);
  const out: PackChange[] = [];
  for (const id of sortedList([...new Set([...oldDefs.keys(), ...newDefs.keys()])])) {
    const before = oldDefs.get(id);
    const after = newDefs.get(id);
    const users = sortedList([
      ...new Set([
        ...(ctx.oldUsage.definitionUsers.get(id) ?? []),
        ...(ctx.newUsage.definitionUsers.get(id) ?? []),
      ]),
    ]);
    const level: ChangeLevel = users.length > 0 ? 'semantic' : 'minor';
    if (before && after) {
      out.push(
        ...matchClauses(
          { owner: { of: 'definition', definition: id, users }, level, year: ctx.new.pack.year },
          definitionSites(before.spec, before.path, before.file),
          definitionSites(after.spec, after.path, after.file),
          new Set(),
          new Set(),
        ),
      );
    } else if (after) {
      out.push({
        kind: 'definition-added',
        level,
        definition: id,
        clause: id,
        file: after.file,
        path: formatPath(after.path),
        after: after.spec,
        detail: { of: 'definition', spec: after.spec, users },
      });
    } else if (before) {
      out.push({
        kind: 'definition-removed',
        level,
        definition: id,
        clause: id,
        file: before.file,
        path: formatPath(before.path),
        before: before.spec,
        detail: { of: 'definition', spec: before.spec, users },
      });
    }
  }
  return out;
}
