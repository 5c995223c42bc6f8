import type { SourceDocument } from '../../model/sourceDocument.ts';
import { measureFileRoots, walkSpec } from '../clauseTree.ts';
import type { MeasureFile } from '../schema.ts';
import type { Located } from './located.ts';

/** Every clause of a measure file that has an id, by id (the first where one is used twice). */
export function namedClauses(file: MeasureFile, doc: SourceDocument): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const root of measureFileRoots(file)) {
    walkSpec(root.spec, root.path, (spec, path) => {
      if (spec.id !== undefined && !out.has(spec.id)) out.set(spec.id, { spec, doc, path });
    });
  }
  return out;
}
