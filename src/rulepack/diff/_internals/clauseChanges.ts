import { PRODUCT_LINES } from '../../../model/member.ts';
import { formatPath } from '../../../model/problem.ts';
import { kindOf } from '../../canonicalSpec.ts';
import type {
  ChangeKind,
  ChangeLevel,
  ClauseAspect,
  ClauseOwner,
  ClausePosition,
  PackChange,
} from '../types.ts';
import type { Site } from './clauseSites.ts';
import { compareBodies } from './compareFacets.ts';
import { sameProductLines } from './productLines.ts';

/** Whose clauses are compared, and how much their changes count. */
export interface ClauseScope {
  readonly owner: ClauseOwner;
  /** The level of changes that would be semantic in a measure (minor for unused definitions). */
  readonly level: ChangeLevel;
  /** The new pack's measurement year. */
  readonly year: number;
}

/** A change to the clause at `site`, with the fields every clause change carries. */
export function clauseChange(
  scope: ClauseScope,
  site: Site,
  change: {
    readonly kind: ChangeKind;
    readonly level: ChangeLevel;
    readonly before?: unknown;
    readonly after?: unknown;
    readonly added?: readonly string[];
    readonly removed?: readonly string[];
    readonly aspect: ClauseAspect;
  },
): PackChange {
  const { aspect, ...rest } = change;
  return {
    ...(scope.owner.of === 'measure'
      ? { measure: scope.owner.measure }
      : { definition: scope.owner.definition }),
    clause: site.label,
    file: site.file,
    path: formatPath(site.path),
    ...rest,
    detail: {
      of: 'clause',
      owner: scope.owner,
      label: site.label,
      position: position(site),
      aspect,
    },
  };
}

/** Where a clause stands, with its parent named by label. */
export function position(site: Site): ClausePosition {
  return {
    population: site.population,
    ...(site.parent !== undefined ? { parent: site.parent.replace(/#\d+$/, '') } : {}),
  };
}

/** Compares one clause that both packs have (children are compared as clauses of their own). */
export function sameClauseChanges(scope: ClauseScope, before: Site, after: Site): PackChange[] {
  const a = before.spec;
  const b = after.spec;
  const out: PackChange[] = [];
  const emit = (change: Parameters<typeof clauseChange>[2]) => {
    out.push(clauseChange(scope, after, change));
  };

  for (const field of ['description', 'source', 'assumption'] as const) {
    const from = a[field];
    const to = b[field];
    if (from === to) continue;
    emit({
      kind: field,
      level: 'minor',
      before: from,
      after: to,
      aspect: {
        type: 'text',
        field,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      },
    });
  }
  if (!sameProductLines(a.productLines, b.productLines)) {
    const from = a.productLines ?? [...PRODUCT_LINES];
    const to = b.productLines ?? [...PRODUCT_LINES];
    emit({
      kind: 'scope',
      level: scope.level,
      before: from,
      after: to,
      aspect: { type: 'product-lines', from, to },
    });
  }
  if (
    a.otherwise !== b.otherwise &&
    (a.productLines !== undefined || b.productLines !== undefined)
  ) {
    emit({
      kind: 'scope',
      level: scope.level,
      before: a.otherwise,
      after: b.otherwise,
      aspect: { type: 'otherwise', from: a.otherwise, to: b.otherwise },
    });
  }

  const kind = kindOf(a);
  if (kind !== kindOf(b)) {
    emit({
      kind: 'clause-kind',
      level: scope.level,
      before: a,
      after: b,
      aspect: { type: 'kind', from: a, to: b },
    });
    return out;
  }
  for (const d of compareBodies(a, b, kind, scope.year)) emit({ ...d, level: scope.level });
  return out;
}
