import { relative, resolve } from 'node:path';
import { manifestPath } from '../../digest.ts';
import type { PackSource } from '../../load.ts';

/** A pack file's path relative to the pack, from the display path the loader recorded. */
export function packFile(pack: PackSource, displayFile: string): string {
  return manifestPath(relative(resolve(pack.dir), resolve(displayFile)));
}
