import { formatPath } from '../../../model/problem.ts';
import { sortedList } from '../../canonicalSpec.ts';
import { measureFileRoots } from '../../clauseTree.ts';
import type { PackSource } from '../../load.ts';
import type { MeasureFile } from '../../schema.ts';
import type { PackChange } from '../types.ts';
import { measureSites } from './clauseSites.ts';
import type { DiffContext } from './diffContext.ts';
import { matchClauses } from './matchClauses.ts';
import { packFile } from './packFile.ts';
import { sameProductLines } from './productLines.ts';

type Measure = PackSource['measures'][number];

/** Measures matched by id: added, removed, or compared. */
export function measureChanges(ctx: DiffContext): PackChange[] {
  const oldMeasures = new Map(ctx.old.measures.map((m) => [m.file.id, m]));
  const newMeasures = new Map(ctx.new.measures.map((m) => [m.file.id, m]));
  const ids = sortedList([...new Set([...oldMeasures.keys(), ...newMeasures.keys()])]);
  return ids.flatMap((id): PackChange[] => {
    const before = oldMeasures.get(id);
    const after = newMeasures.get(id);
    if (before && after) return sameMeasureChanges(ctx, before, after);
    if (after) {
      return [
        {
          kind: 'measure-added',
          level: 'semantic',
          measure: id,
          file: packFile(ctx.new, after.doc.file),
          detail: {
            of: 'measure-added',
            title: after.file.title,
            productLines: after.file.productLines ?? [],
          },
        },
      ];
    }
    if (before) {
      return [
        {
          kind: 'measure-removed',
          level: 'semantic',
          measure: id,
          file: packFile(ctx.old, before.doc.file),
          detail: { of: 'measure-removed', title: before.file.title },
        },
      ];
    }
    return [];
  });
}

/**
 * A measure both packs have: its texts and product lines, its clauses, then its rates and strata.
 * Rates and strata are compared before the clauses (one added whole hides its clauses) but
 * reported after them, so a measure's changes read from initial population down.
 */
function sameMeasureChanges(ctx: DiffContext, before: Measure, after: Measure): PackChange[] {
  const a = before.file;
  const b = after.file;
  const id = b.id;
  const newFile = packFile(ctx.new, after.doc.file);
  const out: PackChange[] = [];
  for (const field of ['title', 'description', 'source', 'url'] as const) {
    const from = a[field];
    const to = b[field];
    if (from === to) continue;
    out.push({
      kind: field,
      level: 'minor',
      measure: id,
      file: newFile,
      path: field,
      before: from,
      after: to,
      detail: {
        of: 'measure-text',
        field,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      },
    });
  }
  const linesBefore = a.productLines ?? [];
  const linesAfter = b.productLines ?? [];
  if (!sameProductLines(linesBefore, linesAfter)) {
    out.push({
      kind: 'scope',
      level: 'semantic',
      measure: id,
      file: newFile,
      path: 'productLines',
      before: linesBefore,
      after: linesAfter,
      detail: { of: 'product-lines', measure: id, from: linesBefore, to: linesAfter },
    });
  }

  const suppressOld = new Set<string>();
  const suppressNew = new Set<string>();
  const later = [
    ...rateChanges(ctx, before, after, suppressOld, suppressNew),
    ...strataChanges(ctx, before, after, suppressOld, suppressNew),
  ];
  out.push(
    ...matchClauses(
      { owner: { of: 'measure', measure: id }, level: 'semantic', year: ctx.new.pack.year },
      measureSites(a, packFile(ctx.old, before.doc.file)),
      measureSites(b, newFile),
      suppressOld,
      suppressNew,
    ),
    ...later,
  );
  return out;
}

/** The rates of a measure by id (a single-rate measure has one rate called `numerator`). */
function rates(m: MeasureFile) {
  return new Map(
    measureFileRoots(m)
      .filter((root) => root.population === 'numerator')
      .map((root) => {
        const id = root.id ?? 'numerator';
        const description = m.rates?.find((r) => r.id === id)?.description;
        return [id, { ...root, description }] as const;
      }),
  );
}

/** Rates added or removed (their populations go to `suppress*`), and rate descriptions. */
function rateChanges(
  ctx: DiffContext,
  before: Measure,
  after: Measure,
  suppressOld: Set<string>,
  suppressNew: Set<string>,
): PackChange[] {
  const id = after.file.id;
  const oldFile = packFile(ctx.old, before.doc.file);
  const newFile = packFile(ctx.new, after.doc.file);
  const oldRates = rates(before.file);
  const newRates = rates(after.file);
  const out: PackChange[] = [];
  for (const [rate, r] of newRates) {
    const previous = oldRates.get(rate);
    if (previous) {
      const from = previous.description;
      const to = r.description;
      if (from !== to) {
        out.push({
          kind: 'description',
          level: 'minor',
          measure: id,
          file: newFile,
          path: formatPath(r.path.slice(0, -1)),
          before: from,
          after: to,
          detail: {
            of: 'rate-text',
            rate,
            ...(from !== undefined ? { from } : {}),
            ...(to !== undefined ? { to } : {}),
          },
        });
      }
      continue;
    }
    suppressNew.add(r.label);
    out.push({
      kind: 'rate-added',
      level: 'semantic',
      measure: id,
      file: newFile,
      path: formatPath(r.path),
      after: r.spec,
      detail: { of: 'rate', rate, numerator: r.spec },
    });
  }
  for (const [rate, r] of oldRates) {
    if (newRates.has(rate)) continue;
    suppressOld.add(r.label);
    out.push({
      kind: 'rate-removed',
      level: 'semantic',
      measure: id,
      file: oldFile,
      path: formatPath(r.path),
      before: r.spec,
      detail: { of: 'rate', rate, numerator: r.spec },
    });
  }
  return out;
}

/** Strata matched by id; their order matters (the first that holds names the stratum). */
function strataChanges(
  ctx: DiffContext,
  before: Measure,
  after: Measure,
  suppressOld: Set<string>,
  suppressNew: Set<string>,
): PackChange[] {
  const id = after.file.id;
  const oldFile = packFile(ctx.old, before.doc.file);
  const newFile = packFile(ctx.new, after.doc.file);
  const oldStrata = before.file.strata ?? [];
  const newStrata = after.file.strata ?? [];
  const oldIds = oldStrata.map((s) => s.id);
  const newIds = newStrata.map((s) => s.id);
  const out: PackChange[] = [];
  newStrata.forEach((s, i) => {
    const previous = oldStrata.find((o) => o.id === s.id);
    if (!previous) {
      suppressNew.add(`stratum ${s.id}`);
      out.push({
        kind: 'stratum-added',
        level: 'semantic',
        measure: id,
        clause: s.when.id ?? s.id,
        file: newFile,
        path: formatPath(['strata', i]),
        after: s,
        detail: { of: 'stratum', stratum: s.id, when: s.when },
      });
      return;
    }
    for (const field of ['description', 'source', 'assumption'] as const) {
      const from = previous[field];
      const to = s[field];
      if (from === to) continue;
      out.push({
        kind: field,
        level: 'minor',
        measure: id,
        file: newFile,
        path: formatPath(['strata', i, field]),
        before: from,
        after: to,
        detail: {
          of: 'stratum-text',
          stratum: s.id,
          field,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        },
      });
    }
  });
  oldStrata.forEach((s, i) => {
    if (newIds.includes(s.id)) return;
    suppressOld.add(`stratum ${s.id}`);
    out.push({
      kind: 'stratum-removed',
      level: 'semantic',
      measure: id,
      clause: s.when.id ?? s.id,
      file: oldFile,
      path: formatPath(['strata', i]),
      before: s,
      detail: { of: 'stratum', stratum: s.id, when: s.when },
    });
  });
  const oldOrder = oldIds.filter((s) => newIds.includes(s));
  const newOrder = newIds.filter((s) => oldIds.includes(s));
  if (oldOrder.join('\n') !== newOrder.join('\n')) {
    out.push({
      kind: 'strata-order',
      level: 'semantic',
      measure: id,
      file: newFile,
      path: 'strata',
      before: oldIds,
      after: newIds,
      detail: { of: 'strata-order', from: oldOrder, to: newOrder },
    });
  }
  return out;
}
