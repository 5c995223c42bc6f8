import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { MeasurecheckError } from '../model/problem.ts';
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
 * Rejects with an `ImplementationError` when the implementation cannot be loaded or started, and
 * with a `MeasurecheckError` (a usage error) when one word names a module file that does not exist.
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
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile() === true) {
      return loadModuleImplementation(options.cwd === undefined ? spec : file, options);
    }
    // One word naming a module file is a path the user mistyped, not a command to look up on PATH.
    if (!/\s/.test(spec.trim())) {
      throw new MeasurecheckError([
        {
          code: 'usage/impl-not-found',
          message: `the implementation ${spec} ${stat ? 'is not a file' : 'does not exist'} (resolved to ${file})`,
          hint: 'pass the path of a module file (.js, .mjs, .ts, .mts), or a command such as "python3 impl.py"',
        },
      ]);
    }
  }
  return startProcessImplementation(spec, options);
}
