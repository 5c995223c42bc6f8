import type { Result } from '../../../model/problem.ts';
import { compilePack } from '../../compile.ts';
import { loadPackSource } from '../../load.ts';
import type { PackSource } from '../../load.ts';

/** A pack as written, once it has been checked to compile: a diff only compares valid packs. */
export function loadValidPack(dir: string): Result<PackSource> {
  const source = loadPackSource(dir);
  if (!source.ok) return source;
  const compiled = compilePack(source.value);
  if (!compiled.ok) return { ok: false, problems: compiled.problems };
  return source;
}
