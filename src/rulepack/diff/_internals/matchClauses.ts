import type { PackChange } from '../types.ts';
import { clauseChange, position, sameClauseChanges } from './clauseChanges.ts';
import type { ClauseScope } from './clauseChanges.ts';
import type { Site } from './clauseSites.ts';

/**
 * Matches the clauses of a measure (or a definition) in the two packs by key and reports what
 * was added, removed or moved, then what changed in each clause both have. A clause's children
 * follow it: only the topmost clause added, removed or moved is reported. Clauses of a population
 * in `suppressOld`/`suppressNew` (a rate or stratum added or removed whole) are not reported.
 */
export function matchClauses(
  scope: ClauseScope,
  oldSites: ReadonlyMap<string, Site>,
  newSites: ReadonlyMap<string, Site>,
  suppressOld: ReadonlySet<string>,
  suppressNew: ReadonlySet<string>,
): PackChange[] {
  const out: PackChange[] = [];
  for (const [key, site] of newSites) {
    const previous = oldSites.get(key);
    if (!previous) {
      if (suppressNew.has(site.population)) continue;
      if (site.parent !== undefined && !oldSites.has(site.parent)) continue;
      out.push(
        clauseChange(scope, site, {
          kind: 'clause-added',
          level: scope.level,
          after: site.spec,
          aspect: { type: 'added', spec: site.spec },
        }),
      );
      continue;
    }
    const moved =
      previous.parent !== site.parent ||
      (site.parent === undefined && previous.population !== site.population);
    if (moved) {
      const from = position(previous);
      const to = position(site);
      out.push(
        clauseChange(scope, site, {
          kind: 'clause-moved',
          level: scope.level,
          before: from,
          after: to,
          aspect: { type: 'moved', from, to },
        }),
      );
    }
    out.push(...sameClauseChanges(scope, previous, site));
  }
  for (const [key, site] of oldSites) {
    if (newSites.has(key) || suppressOld.has(site.population)) continue;
    if (site.parent !== undefined && !newSites.has(site.parent)) continue;
    out.push(
      clauseChange(scope, site, {
        kind: 'clause-removed',
        level: scope.level,
        before: site.spec,
        aspect: { type: 'removed', spec: site.spec },
      }),
    );
  }
  return out;
}
