import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { Request } from '../model/request.ts';
import { checkAnswer } from './checkAnswer.ts';
import { ImplementationError } from './implementation.ts';
import type { Case, CaseAnswer, Implementation } from './implementation.ts';

export interface ModuleOptions {
  /** How long an async `evaluate` may take for one member before its case is a `timeout`. Default 10 000. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Loaded through tsx; Node 20 cannot import TypeScript on its own. */
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

type EvaluateFunction = (request: unknown, member: unknown) => unknown;
type EvaluateBatchFunction = (request: unknown, members: unknown[]) => unknown;

interface ModuleExports {
  readonly evaluate: EvaluateFunction;
  readonly evaluateBatch: EvaluateBatchFunction | undefined;
}

/**
 * Loads an implementation written as an ES module (`.js`, `.mjs`, `.ts`, `.mts`) that exports
 * `evaluate(request, member)`, returning an outcome or a promise of one, and optionally
 * `evaluateBatch(request, members)`, returning the outcomes in the order of the members.
 *
 * - `evaluateBatch` is used when every case in a batch has the same request. If it throws or times
 *   out (budget: `timeoutMs` per member), the batch is re-run member by member through `evaluate`,
 *   so the member that breaks it is the one reported.
 * - Each call gets a deep copy of the request and member: an implementation that mutates its input
 *   cannot change what the harness compares or reports.
 * - A throw is a `crash` answer for that case, a wrong shape an `invalid` one; the run goes on.
 * - The timeout only works for asynchronous code. A synchronous infinite loop blocks the harness's
 *   own thread and cannot be interrupted in-process; run such an implementation with the process
 *   adapter (e.g. `npx tsx runner.ts`) to get a timeout.
 *
 * Rejects with an {@link ImplementationError} when the file is missing, does not load (syntax or
 * import error) or exports no `evaluate`.
 *
 * @param path file path, resolved against the current directory.
 * @example
 * const impl = await loadModuleImplementation('fixtures/implementations/col-e-correct.ts');
 * const [answer] = await impl.evaluate([{ id: 'c1', request, member }]);
 */
export async function loadModuleImplementation(
  path: string,
  options: ModuleOptions = {},
): Promise<Implementation> {
  const file = resolve(path);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const exports = readExports(path, file, await importModule(path, file));

  return {
    label: path,
    async evaluate(cases: readonly Case[]): Promise<CaseAnswer[]> {
      const first = cases[0];
      if (
        exports.evaluateBatch &&
        first &&
        cases.every((c) => sameRequest(c.request, first.request))
      ) {
        const answers = await evaluateAsBatch(
          exports.evaluateBatch,
          first.request,
          cases,
          timeoutMs,
        );
        if (answers) return answers;
      }
      const answers: CaseAnswer[] = [];
      // One at a time: a shared cache in the implementation is not raced, and results are
      // deterministic.
      for (const c of cases) {
        answers.push(await evaluateOne(exports.evaluate, c, file, timeoutMs));
      }
      return answers;
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}

async function importModule(path: string, file: string): Promise<unknown> {
  const isFile = statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  if (!isFile) {
    throw new ImplementationError(
      `cannot find the implementation module ${path} (looked for ${file}). ` +
        `Check the path; a relative path is resolved from ${process.cwd()}.`,
    );
  }
  const url = pathToFileURL(file).href;
  try {
    const namespace: unknown = TYPESCRIPT_EXTENSIONS.has(extname(file))
      ? await tsImport(url, import.meta.url)
      : await import(url);
    return namespace;
  } catch (error) {
    throw new ImplementationError(
      `cannot load the implementation module ${path}: ${describeLoadError(error)}\n` +
        // Node does not say where a syntax error in an imported ES module is; `node --check` does.
        (TYPESCRIPT_EXTENSIONS.has(extname(file))
          ? 'Fix the error in the module and try again.'
          : `Fix the error in the module (\`node --check ${file}\` shows where a syntax error is) and try again.`),
    );
  }
}

function readExports(path: string, file: string, namespace: unknown): ModuleExports {
  // A CommonJS module or `export default { evaluate }` puts the functions on `default`.
  const candidates = [namespace, property(namespace, 'default')];
  for (const candidate of candidates) {
    const evaluate = property(candidate, 'evaluate');
    if (typeof evaluate === 'function') {
      const evaluateBatch = property(candidate, 'evaluateBatch');
      return {
        evaluate: evaluate as EvaluateFunction,
        evaluateBatch:
          typeof evaluateBatch === 'function'
            ? (evaluateBatch as EvaluateBatchFunction)
            : undefined,
      };
    }
  }
  const names =
    typeof namespace === 'object' && namespace !== null ? Object.keys(namespace).sort() : [];
  const found = names.length > 0 ? `it exports: ${names.join(', ')}` : 'it exports nothing';
  throw new ImplementationError(
    `the implementation module ${path} does not export an evaluate function (${found}; file ${file}). ` +
      'Add `export function evaluate(request, member) { ... }` returning an outcome (or a promise of one).',
  );
}

type Settled =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timeout' };

/** Runs `call`, turning a throw, a rejection and a promise that does not settle in time into values. */
function settle(call: () => unknown, timeoutMs: number): Promise<Settled> {
  return new Promise((resolveSettled) => {
    const timer = setTimeout(() => {
      resolveSettled({ kind: 'timeout' });
    }, timeoutMs);
    Promise.resolve()
      .then(call)
      .then(
        (value: unknown) => {
          clearTimeout(timer);
          resolveSettled({ kind: 'value', value });
        },
        (error: unknown) => {
          clearTimeout(timer);
          resolveSettled({ kind: 'threw', error });
        },
      );
  });
}

async function evaluateOne(
  evaluate: EvaluateFunction,
  c: Case,
  file: string,
  timeoutMs: number,
): Promise<CaseAnswer> {
  const request = structuredClone(c.request);
  const member = structuredClone(c.member);
  const settled = await settle(() => evaluate(request, member), timeoutMs);
  switch (settled.kind) {
    case 'value':
      return checkAnswer(c, settled.value);
    case 'threw':
      return {
        id: c.id,
        ok: false,
        failure: { kind: 'crash', message: `evaluate threw ${describeThrow(settled.error, file)}` },
      };
    case 'timeout':
      return {
        id: c.id,
        ok: false,
        failure: {
          kind: 'timeout',
          message: `evaluate gave no answer within ${timeoutMs} ms (its promise did not settle)`,
        },
      };
  }
}

/** The batch's answers, or undefined when it threw or timed out and must be re-run case by case. */
async function evaluateAsBatch(
  evaluateBatch: EvaluateBatchFunction,
  request: Request,
  cases: readonly Case[],
  timeoutMs: number,
): Promise<CaseAnswer[] | undefined> {
  const members = cases.map((c) => structuredClone(c.member));
  const settled = await settle(
    () => evaluateBatch(structuredClone(request), members),
    timeoutMs * cases.length,
  );
  if (settled.kind !== 'value') return undefined;
  const outcomes = settled.value;
  if (!Array.isArray(outcomes) || outcomes.length !== cases.length) {
    const got = Array.isArray(outcomes) ? `${outcomes.length} outcomes` : describeKind(outcomes);
    const message =
      `evaluateBatch returned ${got} for ${cases.length} members; ` +
      'it must return an array with one outcome per member, in the order of the members';
    return cases.map((c) => ({ id: c.id, ok: false, failure: { kind: 'invalid', message } }));
  }
  return cases.map((c, i): CaseAnswer => checkAnswer(c, outcomes[i]));
}

function sameRequest(a: Request, b: Request): boolean {
  return a.measure === b.measure && a.year === b.year && a.productLine === b.productLine;
}

function property(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null)
    return undefined;
  return (value as Record<string, unknown>)[key];
}

function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name === 'Error' ? '' : `${error.name}: `;
  return `${name}${error.message}`;
}

/** `TypeError: x is undefined (at file:///…/impl.ts:12:7)`: the first stack frame in the module. */
function describeThrow(error: unknown, file: string): string {
  if (!(error instanceof Error)) return `a non-Error value: ${describeKind(error)}`;
  const url = pathToFileURL(file).href;
  const frame = (error.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith('at ') && (line.includes(url) || line.includes(file)));
  const location =
    frame?.match(/\(([^()]+:\d+:\d+)\)$/)?.[1] ?? frame?.match(/^at (\S+:\d+:\d+)$/)?.[1];
  return `${error.name}: ${error.message}${location ? ` (at ${location})` : ''}`;
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
