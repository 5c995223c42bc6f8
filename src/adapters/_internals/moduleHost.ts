// The process a module implementation runs in (moduleAdapter.ts starts it with tsx registered), so
// that a `process.exit()`, a synchronous infinite loop or a crash in the module ends or blocks this
// process, never the harness. It speaks the JSON Lines process protocol on stdin/stdout, plus:
// - first line `{"ready": true, "input": "record" | "fhir"}` once the module is loaded (`input`: the
//   module's `input` export, how it wants members sent), or `{"loadError": {code, message}}`;
// - answers are `{"id", "outcome": <what evaluate returned>}` or `{"id", "failure": {kind, message}}`
//   (a throw, an unsettled promise, a value that cannot be written as JSON);
// - `{"busy": n}` before evaluateBatch is called on n members, which may take n timeouts.
// Node built-ins only, so it starts fast.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

type EvaluateFunction = (request: unknown, member: unknown) => unknown;
type EvaluateBatchFunction = (request: unknown, members: unknown[]) => unknown;

interface HostCase {
  readonly id: string;
  readonly request: {
    readonly measure: unknown;
    readonly year: unknown;
    readonly productLine: unknown;
  };
  readonly member: unknown;
}

interface Failure {
  readonly kind: 'crash' | 'timeout' | 'invalid';
  readonly message: string;
  readonly raw?: string;
}

type Settled =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timeout' };

const [file = '', timeoutText = '10000', label = file] = process.argv.slice(2);
const timeoutMs = Number(timeoutText);

// stdout carries the protocol; whatever the module prints goes to stderr, kept for the report.
const protocol = process.stdout;
const writeProtocol = protocol.write.bind(protocol);
Object.defineProperty(process.stdout, 'write', {
  value: process.stderr.write.bind(process.stderr),
});

function send(message: unknown): void {
  writeProtocol(`${JSON.stringify(message)}\n`);
}

const exportsOrError = await load();
if ('code' in exportsOrError) {
  send({ loadError: exportsOrError });
  process.exit(1);
}
const { evaluate, evaluateBatch, input } = exportsOrError;
send({ ready: true, input });

const pending: HostCase[] = [];
let running = false;
let ended = false;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  pending.push(JSON.parse(line) as HostCase);
  schedule();
});
lines.on('close', () => {
  ended = true;
  schedule();
});

function schedule(): void {
  if (running) return;
  running = true;
  // Lines that arrive together (one batch written at once) are evaluated together.
  setImmediate(() => {
    void drain();
  });
}

async function drain(): Promise<void> {
  while (pending.length > 0) await evaluateChunk(pending.splice(0));
  running = false;
  // stdin closed: the harness is done with us.
  if (ended) process.exit(0);
}

async function evaluateChunk(chunk: readonly HostCase[]): Promise<void> {
  const first = chunk[0];
  if (evaluateBatch && first && chunk.every((c) => sameRequest(c.request, first.request))) {
    send({ busy: chunk.length });
    const answers = await evaluateAsBatch(evaluateBatch, first.request, chunk);
    if (answers) {
      for (const answer of answers) writeAnswer(answer);
      return;
    }
    // The batch threw or timed out: member by member, so the member that breaks it is the one blamed.
    send({ busy: chunk.length });
  }
  // One at a time: a shared cache in the implementation is not raced.
  for (const c of chunk) writeAnswer(await evaluateOne(evaluate, c));
}

type Answer =
  | { readonly id: string; readonly outcome: unknown }
  | { readonly id: string; readonly failure: Failure };

function writeAnswer(answer: Answer): void {
  let line: string | undefined;
  try {
    line = JSON.stringify(answer);
  } catch (error) {
    line = undefined;
    const why = error instanceof Error ? error.message : String(error);
    send({
      id: answer.id,
      failure: {
        kind: 'invalid',
        message: `evaluate returned a value that cannot be written as JSON (${why})`,
      },
    });
  }
  if (line !== undefined) writeProtocol(`${line}\n`);
}

async function evaluateOne(evaluateMember: EvaluateFunction, c: HostCase): Promise<Answer> {
  const settled = await settle(() => evaluateMember(c.request, c.member), timeoutMs);
  switch (settled.kind) {
    case 'value':
      return { id: c.id, outcome: settled.value };
    case 'threw':
      return {
        id: c.id,
        failure: { kind: 'crash', message: `evaluate threw ${describeThrow(settled.error)}` },
      };
    case 'timeout':
      return {
        id: c.id,
        failure: {
          kind: 'timeout',
          message: `evaluate gave no answer within ${timeoutMs} ms (its promise did not settle)`,
        },
      };
  }
}

/** The batch's answers, or undefined when it threw or timed out and must be re-run case by case. */
async function evaluateAsBatch(
  batch: EvaluateBatchFunction,
  request: unknown,
  chunk: readonly HostCase[],
): Promise<Answer[] | undefined> {
  const members = chunk.map((c) => structuredClone(c.member));
  const settled = await settle(
    () => batch(structuredClone(request), members),
    timeoutMs * chunk.length,
  );
  if (settled.kind !== 'value') return undefined;
  const outcomes = settled.value;
  if (!Array.isArray(outcomes) || outcomes.length !== chunk.length) {
    const got = Array.isArray(outcomes) ? `${outcomes.length} outcomes` : describeKind(outcomes);
    const message =
      `evaluateBatch returned ${got} for ${chunk.length} members; ` +
      'it must return an array with one outcome per member, in the order of the members';
    return chunk.map((c) => ({ id: c.id, failure: { kind: 'invalid', message } }));
  }
  return chunk.map((c, i): Answer => ({ id: c.id, outcome: outcomes[i] as unknown }));
}

/** Runs `call`, turning a throw, a rejection and a promise that does not settle in time into values. */
function settle(call: () => unknown, ms: number): Promise<Settled> {
  return new Promise((resolveSettled) => {
    const timer = setTimeout(() => {
      resolveSettled({ kind: 'timeout' });
    }, ms);
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

async function load(): Promise<
  | {
      evaluate: EvaluateFunction;
      evaluateBatch: EvaluateBatchFunction | undefined;
      input: 'record' | 'fhir';
    }
  | { code: 'impl/load-failed' | 'impl/no-evaluate'; message: string }
> {
  let namespace: unknown;
  try {
    namespace = await import(pathToFileURL(file).href);
  } catch (error) {
    return {
      code: 'impl/load-failed',
      message:
        `cannot load the implementation module ${label}: ${describeLoadError(error)}\n` +
        // Node does not say where a syntax error in an imported ES module is; `node --check` does.
        (/\.[mc]?ts$/.test(file)
          ? 'Fix the error in the module and try again.'
          : `Fix the error in the module (\`node --check ${file}\` shows where a syntax error is) and try again.`),
    };
  }
  // A CommonJS module or `export default { evaluate }` puts the functions on `default`.
  for (const candidate of [namespace, property(namespace, 'default')]) {
    const found = property(candidate, 'evaluate');
    if (typeof found === 'function') {
      const batch = property(candidate, 'evaluateBatch');
      // How the module wants members: `record` (default) or `fhir` (FHIR Bundles).
      const input = property(candidate, 'input');
      if (input !== undefined && input !== 'record' && input !== 'fhir') {
        return {
          code: 'impl/load-failed',
          message:
            `the implementation module ${label} exports input = ${describeKind(input)}; ` +
            "it must be 'record' (member records, the default) or 'fhir' (members as FHIR Bundles).",
        };
      }
      return {
        evaluate: found as EvaluateFunction,
        evaluateBatch: typeof batch === 'function' ? (batch as EvaluateBatchFunction) : undefined,
        input: input ?? 'record',
      };
    }
  }
  const names =
    typeof namespace === 'object' && namespace !== null ? Object.keys(namespace).sort() : [];
  const exported = names.length > 0 ? `it exports: ${names.join(', ')}` : 'it exports nothing';
  return {
    code: 'impl/no-evaluate',
    message:
      `the implementation module ${label} does not export an evaluate function (${exported}; file ${file}). ` +
      'Add `export function evaluate(request, member) { ... }` returning an outcome (or a promise of one).',
  };
}

function sameRequest(a: HostCase['request'], b: HostCase['request']): boolean {
  return a.measure === b.measure && a.year === b.year && a.productLine === b.productLine;
}

function property(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return undefined;
  }
  return (value as Record<string, unknown>)[key];
}

function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name === 'Error' ? '' : `${error.name}: `;
  return `${name}${error.message}`;
}

/** `TypeError: x is undefined (at file:///…/impl.ts:12:7)`: the first stack frame in the module. */
function describeThrow(error: unknown): string {
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
