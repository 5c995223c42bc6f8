import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ImplementationError } from './implementation.ts';
import { startRunner } from './_internals/processRunner.ts';
import type { ProcessImplementation } from './_internals/processRunner.ts';
import { runnerLimits } from './processAdapter.ts';
import type { ProcessOptions } from './processAdapter.ts';

/**
 * `timeoutMs`: how long `evaluate` may take for one member before its case is a `timeout` (default
 * 10 000); `startupTimeoutMs`: how long loading the module may take (default 30 000); `cwd`: the
 * working directory the module runs in.
 */
export type ModuleOptions = ProcessOptions;

const HOST = fileURLToPath(new URL('./_internals/moduleHost.ts', import.meta.url));
/** tsx's loader, registered in the module's process: Node 20 cannot import TypeScript on its own. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

/**
 * Loads an implementation written as an ES module (`.js`, `.mjs`, `.ts`, `.mts`) that exports
 * `evaluate(request, member)`, returning an outcome or a promise of one, and optionally
 * `evaluateBatch(request, members)`, returning the outcomes in the order of the members.
 *
 * The module runs in a Node process of its own (moduleHost.ts), so nothing it does can take the
 * harness with it: a `process.exit()` or a crash is a `crash` of the case it was evaluating, a
 * synchronous infinite loop a `timeout` (its process is killed and restarted), and it is handled
 * like a process implementation from there (startProcessImplementation), including the start-up
 * allowance, restarts and the limit on failures in a row.
 *
 * - `evaluateBatch` is used when every case of a batch has the same request. If it throws or times
 *   out (budget: `timeoutMs` per member), the batch is re-run member by member through `evaluate`,
 *   so the member that breaks it is the one reported.
 * - Each call gets its own copy of the request and member.
 * - A throw is a `crash` answer for that case, a wrong shape an `invalid` one; the run goes on.
 * - What the module prints to stdout or stderr is kept with the failures it comes with.
 *
 * Rejects with an {@link ImplementationError} when the file is missing (`impl/not-found`), does not
 * load (`impl/load-failed`: syntax or import error, a throw or exit at top level), exports no
 * `evaluate` (`impl/no-evaluate`) or does not load within `startupTimeoutMs`
 * (`impl/startup-timeout`).
 *
 * @param path file path, resolved against the current directory.
 * @example
 * const impl = await loadModuleImplementation('fixtures/implementations/col-e-correct.ts');
 * try {
 *   const [answer] = await impl.evaluate([{ id: 'c1', request, member }]);
 * } finally {
 *   await impl.close();
 * }
 */
export async function loadModuleImplementation(
  path: string,
  options: ModuleOptions = {},
): Promise<ProcessImplementation> {
  const file = resolve(path);
  const isFile = statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  if (!isFile) {
    throw new ImplementationError(
      'impl/not-found',
      `cannot find the implementation module ${path} (looked for ${file}). ` +
        `Check the path; a relative path is resolved from ${process.cwd()}.`,
    );
  }
  const limits = runnerLimits(options);
  return startRunner({
    label: path,
    argv: [process.execPath, '--import', TSX_LOADER, HOST, file, String(limits.timeoutMs), path],
    cwd: options.cwd,
    env: {},
    ...limits,
    protocol: 'module',
    input: options.input ?? 'record',
  });
}
