import type { CompiledPack } from '../rulepack/compiled.ts';
import type { DigestStatus } from '../rulepack/digest.ts';
import type { NewYearNote, NewYearResult } from '../rulepack/newYear.ts';
import type { ReleaseResult } from '../rulepack/release.ts';
import type { ValueSet } from '../rulepack/valueSet.ts';

/** What `pack validate`, `pack new-year` and `pack release` print when they succeed. */

/**
 * `rules/hedis/2025: valid: hedis-2025 v1.0.0, MY2025, measures COL-E, ...` and the release state:
 * released with its digest, or a draft (which passes, and says how to release it).
 */
export function formatValidPack(dir: string, pack: CompiledPack, status: DigestStatus): string {
  const measures = [...pack.measures.values()].map((m) => m.id).join(', ');
  const byOid = [...pack.valueSets.values()].filter((vs) => vs.oid !== undefined);
  const oidNote =
    byOid.length === 0
      ? ''
      : pack.valueSetBundle !== undefined
        ? ` (${byOid.length} by OID, every one found in ${pack.valueSetBundle.join(', ')}${skippedNote(byOid)})`
        : ` (${byOid.length} by OID, not expanded: pass --valuesets <bundle.json> to check them)`;
  const head = `${dir}: valid: ${pack.id} v${pack.version}, MY${pack.year}, measures ${measures}, ${pack.valueSets.size} value sets${oidNote}, ${pack.definitionIds.length} shared definitions`;
  if (status.state === 'released') return `${head}\n  released: ${status.digest}\n`;
  const stale =
    status.state === 'draft' && status.staleManifest
      ? '; its files manifest is left over from an earlier release'
      : '';
  return `${head}\n  draft: no digest (not released)${stale}; \`measurecheck pack release ${dir}\` releases it\n`;
}

/** The new pack, what was copied, and the notes a reviewer should work through. */
export function formatNewYear(r: NewYearResult): string {
  const lines = [
    `started ${r.to.id} v${r.to.version} (MY${r.to.year}, a draft) in ${r.to.dir}`,
    `  from ${r.from.id} v${r.from.version} (MY${r.from.year}) in ${r.from.dir}: ${r.files.length} files copied; date expressions are relative to the MY and carry over unchanged`,
  ];
  if (r.notCopied.length > 0) {
    lines.push(`  not copied (not part of the pack): ${r.notCopied.join(', ')}`);
  }
  const notes = (title: string, list: readonly NewYearNote[]) => {
    if (list.length === 0) return;
    lines.push('', `${title} (${list.length}):`);
    for (const n of list) {
      const clause = n.clause !== undefined ? ` (${n.clause})` : '';
      lines.push(`  ${n.file}:${n.line}${clause}: ${n.message}`);
    }
  };
  notes('warnings: literal dates', r.warnings);
  notes(`review: sources and texts that name ${r.from.year}`, r.review);
  lines.push(
    '',
    'next: update the clauses for the new year, check them with `measurecheck pack diff' +
      ` ${r.from.dir} ${r.to.dir}\`, and release with \`measurecheck pack release ${r.to.dir} --version 1.0.0\``,
  );
  return `${lines.join('\n')}\n`;
}

/** `released hedis-2026 v1.0.0: sha256:...`, or that it was already released. */
export function formatRelease(r: ReleaseResult): string {
  const lines = r.unchanged
    ? [
        `${r.dir}: ${r.id} v${r.version} is already released with these files (${r.digest}); nothing to do`,
      ]
    : [
        `released ${r.id} v${r.version}${r.previousVersion !== undefined ? ` (was ${r.previousVersion})` : ''}: ${r.digest}`,
        `  pack.yaml now records the digest and the hashes of ${r.files} files; \`measurecheck pack validate ${r.dir}\` fails if any of them changes`,
      ];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** `; 3 codes of other code systems left out`, or nothing. */
function skippedNote(valueSets: readonly ValueSet[]): string {
  const skipped = valueSets.reduce((n, vs) => n + (vs.oid?.skippedCodes ?? 0), 0);
  return skipped === 0
    ? ''
    : `; ${String(skipped)} code(s) of code systems measurecheck does not carry left out`;
}
