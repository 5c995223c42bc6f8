import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { z } from 'zod';
import { formatPath } from './problem.ts';
import type { Problem, Result } from './problem.ts';
import type { DocumentKind } from './problemCodes.ts';

/**
 * A parsed YAML or JSON text that remembers where each value came from, so a schema error can name
 * the line. JSON is YAML, so one parser serves member files and rule-pack files alike.
 */
export interface SourceDocument {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line and column of the value at `path`, or of its nearest existing parent. */
  locate(path: readonly PropertyKey[]): { line: number; column: number };
}

export function parseSourceText(file: string, text: string): Result<SourceDocument> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  // One mistake (a missing colon, a stray indent) makes the parser report a cascade of errors
  // after it; only the first, in file order, is the user's.
  const first = doc.errors.reduce<(typeof doc.errors)[number] | undefined>(
    (best, e) => (best === undefined || e.pos[0] < best.pos[0] ? e : best),
    undefined,
  );
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    return {
      ok: false,
      problems: [
        {
          code: 'syntax',
          message: `syntax error: ${firstLine(first.message)}`,
          file,
          line: pos.line,
          column: pos.col,
          hint: 'fix the YAML/JSON syntax at this line (indentation, quotes, brackets, duplicate keys)',
        } satisfies Problem,
      ],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // An alias bomb (too many aliases) or an alias to nothing.
    return {
      ok: false,
      problems: [
        {
          code: 'syntax',
          message: `syntax error: ${firstLine(e instanceof Error ? e.message : String(e))}`,
          file,
          line: 1,
          column: 1,
          hint: 'fix the YAML aliases (*name) and anchors (&name) in this file',
        },
      ],
    };
  }
  const locate = (path: readonly PropertyKey[]) => {
    let node: unknown = doc.contents;
    let best = node;
    for (const key of path) {
      const next = child(node, key);
      if (next === undefined) break;
      node = next;
      best = next;
    }
    const range = isNode(best) ? best.range : undefined;
    const pos = lineCounter.linePos(range ? range[0] : 0);
    return { line: pos.line, column: pos.col };
  };
  return { ok: true, value: { file, value, locate } };
}

function isNode(x: unknown): x is Node {
  return isMap(x) || isSeq(x) || isScalar(x);
}

function child(node: unknown, key: PropertyKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    // An unknown key is best located at the key itself.
    return pair ? (pair.value ?? pair.key) : undefined;
  }
  if (isSeq(node) && typeof key === 'number') return node.items[key];
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/**
 * Validates a parsed document with a zod schema; each issue becomes a problem naming the file, the
 * line and the path, and saying what was expected.
 */
export function validateDocument<S extends z.ZodType>(
  doc: SourceDocument,
  schema: S,
  code: DocumentKind,
  pathPrefix: readonly PropertyKey[] = [],
): Result<z.infer<S>> {
  // reportInput: messages say what was found (`got "X"`), not just what was expected.
  const parsed = schema.safeParse(doc.value, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: zodProblems(parsed.error, doc, code, pathPrefix) };
}

/** Turns zod issues into problems located in `doc`. */
export function zodProblems(
  error: z.ZodError,
  doc: SourceDocument | undefined,
  code: DocumentKind,
  pathPrefix: readonly PropertyKey[] = [],
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const issuePath = issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const full = [...pathPrefix, ...issuePath, key];
        problems.push({
          code: `${code}/unknown-key`,
          message: `unknown key "${key}"`,
          ...(doc ? { file: doc.file, ...doc.locate(full) } : {}),
          path: formatPath(full),
          hint: 'remove it or correct its spelling; see the JSON Schema for the keys allowed here',
        });
      }
      continue;
    }
    const full = [...pathPrefix, ...issuePath];
    problems.push({
      code: `${code}/invalid`,
      message: describeIssue(issue),
      ...(doc ? { file: doc.file, ...doc.locate(full) } : {}),
      ...(full.length > 0 ? { path: formatPath(full) } : {}),
    });
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `missing required field: expected ${issue.expected}`
        : `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'invalid_union':
      return `${issue.message}: got ${describeValue(issue.input)}`;
    default:
      return issue.message;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}
