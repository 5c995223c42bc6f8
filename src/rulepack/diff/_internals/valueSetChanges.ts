import { sortedList } from '../../canonicalSpec.ts';
import type { ValueSet } from '../../valueSet.ts';
import type { ChangeLevel, PackChange } from '../types.ts';
import type { DiffContext } from './diffContext.ts';
import { packFile } from './packFile.ts';
import { mergeUsers } from './usage.ts';

/** The codes of a value set as `SYSTEM code`, sorted, with their display text. */
function codesOf(vs: ValueSet): Map<string, string> {
  const out = new Map<string, string>();
  for (const [system, codes] of vs.codes) {
    for (const code of codes)
      out.set(`${system} ${code}`, vs.display.get(`${system}|${code}`) ?? '');
  }
  return new Map(sortedList([...out.keys()]).map((k) => [k, out.get(k) ?? '']));
}

/** The near misses of a value set as `SYSTEM code`, sorted, with their reason and source. */
function nearMissesOf(vs: ValueSet | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of vs?.nearMisses ?? [])
    out.set(`${m.system} ${m.code}`, `${m.reason}|${m.source ?? ''}`);
  return new Map(sortedList([...out.keys()]).map((k) => [k, out.get(k) ?? '']));
}

/** Near misses added, removed or given another reason or source: a minor change. */
function nearMissChange(
  name: string,
  file: string,
  before: ValueSet | undefined,
  after: ValueSet | undefined,
): PackChange | undefined {
  const x = nearMissesOf(before);
  const y = nearMissesOf(after);
  const added = [...y.keys()].filter((c) => !x.has(c));
  const removed = [...x.keys()].filter((c) => !y.has(c));
  const reasons = [...y.entries()]
    .filter(([code, why]) => x.has(code) && x.get(code) !== why)
    .map(([code]) => code);
  if (added.length === 0 && removed.length === 0 && reasons.length === 0) return undefined;
  return {
    kind: 'near-misses',
    level: 'minor',
    valueSet: name,
    file,
    added,
    removed,
    detail: { of: 'value-set-near-misses', reasons },
  };
}

/**
 * Value sets matched by name: codes added and removed, display texts changed. A change counts
 * when a clause of either pack names the value set; one no clause uses changes no outcome.
 */
export function valueSetChanges(ctx: DiffContext): PackChange[] {
  const a = ctx.old.valueSets;
  const b = ctx.new.valueSets;
  const out: PackChange[] = [];
  for (const name of sortedList([...new Set([...a.keys(), ...b.keys()])])) {
    const before = a.get(name);
    const after = b.get(name);
    const users = mergeUsers(
      ctx.oldUsage.valueSetUsers.get(name) ?? [],
      ctx.newUsage.valueSetUsers.get(name) ?? [],
    );
    const level: ChangeLevel = users.length > 0 ? 'semantic' : 'minor';
    const where = after ?? before;
    const decoys =
      where && nearMissChange(name, packFile(after ? ctx.new : ctx.old, where.file), before, after);
    if (before && after) {
      if (before.oid?.oid !== after.oid?.oid) {
        // Another OID is another list of codes: it changes who is counted when a clause uses it.
        out.push({
          kind: 'oid',
          level,
          valueSet: name,
          file: packFile(ctx.new, after.file),
          ...(before.oid ? { before: before.oid.oid } : {}),
          ...(after.oid ? { after: after.oid.oid } : {}),
          detail: {
            of: 'value-set-oid',
            ...(before.oid ? { from: before.oid.oid } : {}),
            ...(after.oid ? { to: after.oid.oid } : {}),
            users,
          },
        });
      }
      const x = codesOf(before);
      const y = codesOf(after);
      const added = [...y.keys()].filter((c) => !x.has(c));
      const removed = [...x.keys()].filter((c) => !y.has(c));
      const file = packFile(ctx.new, after.file);
      if (added.length > 0 || removed.length > 0) {
        out.push({
          kind: 'codes',
          level,
          valueSet: name,
          file,
          added,
          removed,
          detail: { of: 'value-set-codes', users },
        });
      }
      const relabelled = [...y.entries()]
        .filter(([code, display]) => x.has(code) && x.get(code) !== display)
        .map(([code]) => code);
      if (relabelled.length > 0) {
        out.push({
          kind: 'display',
          level: 'minor',
          valueSet: name,
          file,
          detail: { of: 'value-set-display', codes: relabelled },
        });
      }
    } else if (after) {
      out.push({
        kind: 'value-set-added',
        level,
        valueSet: name,
        file: packFile(ctx.new, after.file),
        added: [...codesOf(after).keys()],
        detail: {
          of: 'value-set',
          codes: after.size,
          ...(after.oid ? { oid: after.oid.oid } : {}),
          users,
        },
      });
    } else if (before) {
      out.push({
        kind: 'value-set-removed',
        level,
        valueSet: name,
        file: packFile(ctx.old, before.file),
        removed: [...codesOf(before).keys()],
        detail: {
          of: 'value-set',
          codes: before.size,
          ...(before.oid ? { oid: before.oid.oid } : {}),
          users,
        },
      });
    }
    if (decoys) out.push(decoys);
  }
  return out;
}
