import type { ChangeLevel, PackChange, PackDiff, PackRef } from '../rulepack/diff/index.ts';
import { packChangeJson, packChangeMessage } from './packChangeText.ts';

/**
 * The semantic diff of two rule packs as a reviewer reads it: semantic changes first, then the
 * minor ones (citations and wording) and the pack metadata, which do not count.
 *
 * @example
 * process.stdout.write(formatPackDiff(diff));
 * // hedis-2024 v1.0.0 (MY2024) -> hedis-2025 v1.0.0 (MY2025): 3 semantic changes
 * //
 * // semantic changes (3):
 * //   BCS-E initialPopulation age (bcs-e-age): 52-74 became 42-74
 * //   ...
 */
export function formatPackDiff(diff: PackDiff): string {
  const of = (level: ChangeLevel) => diff.changes.filter((c) => c.level === level);
  const semantic = of('semantic');
  const verdict = diff.equal
    ? 'semantically equal'
    : `${semantic.length} semantic ${semantic.length === 1 ? 'change' : 'changes'}`;
  const lines = [`${describe(diff.old)} -> ${describe(diff.new)}: ${verdict}`];
  const oldByOid = diff.old.valueSetsByOid ?? 0;
  const newByOid = diff.new.valueSetsByOid ?? 0;
  if (oldByOid + newByOid > 0) {
    lines.push(
      `value sets by OID, not expanded: ${String(oldByOid)} in the old pack, ${String(newByOid)} in the new (their OIDs are compared, not their codes)`,
    );
  }
  const section = (title: string, changes: readonly PackChange[]) => {
    if (changes.length === 0) return;
    lines.push(
      '',
      `${title} (${changes.length}):`,
      ...changes.map((c) => `  ${packChangeMessage(c)}`),
    );
  };
  section('semantic changes', semantic);
  section('minor changes, not counted (citations and wording)', of('minor'));
  section('pack metadata, not counted', of('metadata'));
  return `${lines.join('\n')}\n`;
}

/**
 * The diff as JSON: `{ format, old, new, equal, changes: [{ kind, level, measure?, clause?, ...,
 * message }] }`, each change with the sentence a reviewer reads as `message`.
 */
export function packDiffJson(diff: PackDiff): string {
  const json = {
    format: 'measurecheck-pack-diff/1',
    old: diff.old,
    new: diff.new,
    equal: diff.equal,
    changes: diff.changes.map(packChangeJson),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function describe(p: PackRef): string {
  return `${p.id} v${p.version} (MY${p.year})`;
}
