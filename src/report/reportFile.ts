import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fail, ok } from '../model/problem.ts';
import type { Problem, Result } from '../model/problem.ts';

/**
 * Checks the report paths of a run before it starts, so a bad path is a usage error in a second
 * rather than a crash after the whole run: each parent folder is created when missing; a path that
 * is a folder, lies under a file, cannot be written, or is given for two options is a problem
 * naming the option. A report left at the path by an earlier run is removed, so a run that fails
 * never leaves the previous run's verdict behind.
 *
 * `targets` maps option names (without dashes, e.g. `json`) to paths; undefined ones are skipped.
 */
export function prepareReportFiles(
  targets: Readonly<Record<string, string | undefined>>,
): Result<void> {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const [name, path] of Object.entries(targets)) {
    if (path === undefined) continue;
    const option = `--${name}`;
    const full = resolve(path);
    const other = seen.get(full);
    if (other !== undefined) {
      problems.push(
        unwritable(option, path, `${other} writes the same file`, 'give each report its own file'),
      );
      continue;
    }
    seen.set(full, option);
    const problem = checkReportPath(option, path);
    if (problem) problems.push(problem);
  }
  return problems.length > 0 ? fail(problems) : ok(undefined);
}

/**
 * Writes a report atomically: a temporary file in the same folder, renamed over `path`, so a
 * reader never sees half a report and a failed write leaves no file.
 */
export function writeReportFile(path: string, text: string): Result<void> {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${String(process.pid)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    // A report path like out/result.json should work on a fresh checkout.
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, path);
    return ok(undefined);
  } catch (e) {
    rmSync(temp, { force: true });
    return fail([unwritable(undefined, path, errorText(e), HINT)]);
  }
}

const HINT = 'pass a file path in a folder you can write (missing folders are created)';

function checkReportPath(option: string, path: string): Problem | undefined {
  if (statOrUndefined(path)?.isDirectory() === true) {
    return unwritable(option, path, 'it is a folder', 'pass a file path, e.g. out/report.json');
  }
  const fileAbove = ancestorFile(path);
  if (fileAbove !== undefined) {
    return unwritable(option, path, `${fileAbove} is a file, not a folder`, HINT);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    rmSync(path, { force: true });
    // Proves the folder can be written now rather than after the run.
    const probe = join(dirname(path), `.${basename(path)}.${String(process.pid)}.probe`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    return unwritable(option, path, errorText(e), HINT);
  }
  return undefined;
}

/** The nearest existing ancestor of `path` when it is not a folder (so nothing can go under it). */
function ancestorFile(path: string): string | undefined {
  let dir = dirname(resolve(path));
  for (;;) {
    const stat = statOrUndefined(dir);
    if (stat) return stat.isDirectory() ? undefined : dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The file's status, or undefined when it does not exist or cannot be reached (ENOTDIR, ELOOP). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function unwritable(option: string | undefined, path: string, why: string, hint: string): Problem {
  return {
    code: 'usage/unwritable-report',
    message: `${option !== undefined ? `${option} ${path}` : path}: cannot write the report there: ${why}`,
    hint,
  };
}

function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0] ?? message;
}
