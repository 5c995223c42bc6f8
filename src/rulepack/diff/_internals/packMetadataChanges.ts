import type { PackFile } from '../../schema.ts';
import type { PackChange, PackFieldDetail } from '../types.ts';
import { sameProductLines } from './productLines.ts';

/**
 * What changed in pack.yaml. The pack's identity (id, year, version, digest, changelog) is
 * metadata; a title or notice that differs only by the year is the year moving, metadata too.
 */
export function packMetadataChanges(a: PackFile, b: PackFile): PackChange[] {
  const out: PackChange[] = [];
  const change = (
    kind: PackChange['kind'],
    level: PackChange['level'],
    field: PackFieldDetail['field'],
    before: string | number | undefined,
    after: string | number | undefined,
  ) => {
    out.push({
      kind,
      level,
      file: 'pack.yaml',
      path: field,
      before,
      after,
      detail: {
        of: 'pack',
        field,
        ...(before !== undefined ? { from: before } : {}),
        ...(after !== undefined ? { to: after } : {}),
      },
    });
  };
  const identity = (field: 'id' | 'year' | 'version' | 'digest') => {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field]))
      change('metadata', 'metadata', field, a[field], b[field]);
  };
  identity('id');
  identity('year');
  identity('version');
  identity('digest');
  if (JSON.stringify(a.changelog) !== JSON.stringify(b.changelog)) {
    out.push({
      kind: 'metadata',
      level: 'metadata',
      file: 'pack.yaml',
      path: 'changelog',
      before: a.changelog,
      after: b.changelog,
      detail: {
        of: 'pack-changelog',
        from: a.changelog.map((e) => e.version),
        to: b.changelog.map((e) => e.version),
      },
    });
  }
  const sameButYear = (x: string, y: string) => x.replaceAll(String(a.year), String(b.year)) === y;
  for (const field of ['title', 'notice'] as const) {
    if (a[field] === b[field]) continue;
    const yearOnly = sameButYear(a[field], b[field]);
    change(
      yearOnly ? 'metadata' : field,
      yearOnly ? 'metadata' : 'minor',
      field,
      a[field],
      b[field],
    );
  }
  if (a.family !== b.family) change('family', 'minor', 'family', a.family, b.family);
  if (!sameProductLines(a.productLines, b.productLines)) {
    out.push({
      kind: 'scope',
      level: 'semantic',
      file: 'pack.yaml',
      path: 'productLines',
      before: a.productLines,
      after: b.productLines,
      detail: { of: 'product-lines', from: a.productLines, to: b.productLines },
    });
  }
  return out;
}
