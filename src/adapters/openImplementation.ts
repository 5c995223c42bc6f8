import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Implementation } from './implementation.ts';
import { loadModuleImplementation } from './moduleAdapter.ts';
import type { ModuleOptions } from './moduleAdapter.ts';
import { startProcessImplementation } from './processAdapter.ts';

/** Options for either adapter (both take the same). */
export type OpenOptions = ModuleOptions;

const MODULE_FILE = /\.(?:js|mjs|ts|mts)$/;

/**
 * Opens an implementation the way a user names it on the command line: a path to an existing
 * `.js`, `.mjs`, `.ts` or `.mts` file (blanks allowed) is loaded as a module; anything else is a
 * command started with the JSON Lines process protocol (`python3 impl.py`, `java -jar impl.jar`).
 * A relative path is resolved from `options.cwd`, or the current directory.
 *
 * Rejects with an `ImplementationError` when the implementation cannot be loaded or started.
 *
 * @example
 * const impl = await openImplementation('fixtures/implementations/col-e-correct.ts');
 * const impl2 = await openImplementation('python3 fixtures/implementations/col-e-correct.py');
 */
export async function openImplementation(
  spec: string,
  options: OpenOptions = {},
): Promise<Implementation> {
  // A path to an existing module file is a module even when it holds blanks ("my dir/impl.ts"); a
  // single word naming a module file is one too, so a missing file is reported as a missing file.
  if (MODULE_FILE.test(spec)) {
    const file = resolve(options.cwd ?? process.cwd(), spec);
    const exists = statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    if (exists || !/\s/.test(spec)) {
      return loadModuleImplementation(options.cwd === undefined ? spec : file, options);
    }
  }
  return startProcessImplementation(spec, options);
}
