import { fileURLToPath } from 'node:url';

/** The repository root, found from this file, so tests never depend on the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The absolute path of a file of the repository, e.g. `repoFile('bin/measurecheck.js')`. */
export function repoFile(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}
