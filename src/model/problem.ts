import { exitCodeOf } from './problemCodes.ts';
import type { ProblemCode } from './problemCodes.ts';

export type { ProblemCode } from './problemCodes.ts';

/**
 * Expected failures are values, not exceptions: a problem has a stable `code`, a location a user
 * can open in an editor, what was expected, and how to fix it.
 */
export interface Problem {
  /** Stable machine code from the catalog in problemCodes.ts, e.g. `pack/unknown-key`. */
  readonly code: ProblemCode;
  readonly message: string;
  readonly file?: string;
  /** 1-based line, as an editor shows it. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** Path inside the document, e.g. `claims[0].date` or `initialPopulation.all[1].age.min`. */
  readonly path?: string;
  /** What to do about it. */
  readonly hint?: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(problems: readonly Problem[]): Result<T> {
  return { ok: false, problems };
}

/** Renders a problem as one or two lines: `file:line:col: message (at path)` then the hint. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  const at = p.path ? ` (at ${p.path})` : '';
  const head = `${where ? `${where}: ` : ''}${p.message}${at}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** An expected failure carried through code that cannot return a Result (e.g. CLI wiring). */
export class MeasurecheckError extends Error {
  readonly problems: readonly Problem[];
  /** Exit code for the CLI: 2 usage or configuration, 3 the implementation failed. */
  readonly exitCode: number;
  constructor(problems: readonly Problem[], exitCode = exitCodeOf(problems.map((p) => p.code))) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'MeasurecheckError';
    this.problems = problems;
    this.exitCode = exitCode;
  }
}

/**
 * The value of a Result, or a `MeasurecheckError` carrying its problems: for code that cannot
 * return a Result (command wiring), where the error reaches the CLI's exit code and message.
 */
export function orThrow<T>(result: Result<T>): T {
  if (!result.ok) throw new MeasurecheckError(result.problems);
  return result.value;
}

/** Formats a path of keys and indexes as `a.b[0].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
