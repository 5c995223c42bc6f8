import type { z } from 'zod';
import { outcomeSchema } from '../model/outcome.ts';
import { formatPath } from '../model/problem.ts';
import type { Case, CaseAnswer } from './implementation.ts';

/**
 * Turns what an implementation returned for a case into an answer: `ok` with the parsed outcome, or
 * an `invalid` failure that says what is wrong ("numerator: expected boolean or record, received
 * string"). An outcome must also echo the case: its `memberId` is the member's id and its `measure`,
 * `year` and `productLine` are the request's, so an answer cannot be credited to the wrong member.
 *
 * @param raw the answer as the implementation wrote it, kept on the failure for the report.
 * @example
 * checkAnswer(c, evaluate(c.request, c.member));
 */
export function checkAnswer(c: Case, value: unknown, raw?: string): CaseAnswer {
  const parsed = outcomeSchema.safeParse(value);
  const problems = parsed.success
    ? echoProblems(c, parsed.data)
    : parsed.error.issues.map((issue) => describeIssue(issue, value));
  if (parsed.success && problems.length === 0) return { id: c.id, ok: true, outcome: parsed.data };
  const failure = {
    kind: 'invalid' as const,
    message: `not a valid outcome: ${problems.join('; ')}`,
    raw: raw ?? safeStringify(value),
  };
  return { id: c.id, ok: false, failure };
}

function echoProblems(
  c: Case,
  outcome: { memberId: string; measure: string; year: number; productLine?: string | undefined },
): string[] {
  const expected = {
    memberId: c.member.id,
    measure: c.request.measure,
    year: c.request.year,
    productLine: c.request.productLine,
  };
  const problems: string[] = [];
  for (const key of ['memberId', 'measure', 'year', 'productLine'] as const) {
    if (outcome[key] !== expected[key]) {
      const whose = key === 'memberId' ? "the member's id" : "the request's";
      const want = expected[key];
      const got = outcome[key];
      problems.push(
        `${key}: expected ${want === undefined ? 'none' : JSON.stringify(want)} (${whose}), received ${got === undefined ? 'none' : JSON.stringify(got)}`,
      );
    }
  }
  return problems;
}

/** `path: expected X, received Y`, without zod's generic "Invalid input" prefix. */
function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const where = issue.path.length > 0 ? formatPath(issue.path) : 'outcome';
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // The numerator is the only union: list what each alternative expected.
    const expectations = issue.errors
      .map((alternative) => alternative[0])
      .map((first) => (first?.code === 'invalid_type' ? first.expected : undefined))
      .filter((e) => e !== undefined);
    if (expectations.length === issue.errors.length) {
      return `${where}: expected ${expectations.join(' or ')}, received ${describeValue(valueAt(value, issue.path))}`;
    }
  }
  return `${where}: ${issue.message.replace(/^Invalid (input|option): /, '')}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function safeStringify(value: unknown): string {
  try {
    // JSON.stringify returns undefined for undefined and functions, whatever its type says.
    const text = JSON.stringify(value) as string | undefined;
    return text ?? String(value);
  } catch {
    return String(value);
  }
}
