import type { SourceDocument } from '../../model/sourceDocument.ts';
import type { ClauseSpec } from '../schema.ts';

/** A path inside a pack file, e.g. `['rates', 0, 'numerator', 'all', 1]`. */
export type Path = readonly PropertyKey[];

/** A written clause and where it stands: its file and its path inside that file. */
export interface Located {
  readonly spec: ClauseSpec;
  readonly doc: SourceDocument;
  readonly path: Path;
}
