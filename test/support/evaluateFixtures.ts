/**
 * Evaluates member fixtures with the shipped COL-E packs and prints the outcomes and traces as
 * JSON, with the time zone the process ran in. The time-zone law test runs this in child processes
 * under several TZ values and compares the output.
 *
 * Usage: node --import tsx test/support/evaluateFixtures.ts <year>:<productLine>:<member.json> ...
 */
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import type { Evaluation } from '../../src/engine/trace.ts';
import { productLineSchema } from '../../src/model/member.ts';
import { readMemberFile } from '../../src/model/memberFile.ts';
import { formatProblem } from '../../src/model/problem.ts';
import { shippedMeasure } from './shippedPacks.ts';

/** Evaluates one `<year>:<productLine>:<path>` argument. */
export function evaluateArgument(arg: string): Evaluation {
  const match = /^(\d{4}):([a-z]+):(.+)$/.exec(arg);
  if (!match) throw new Error(`expected <year>:<productLine>:<member.json>, got ${arg}`);
  const year = Number(match[1]);
  const productLine = productLineSchema.parse(match[2]);
  const member = readMemberFile(match[3] ?? '', { strict: true });
  if (!member.ok) throw new Error(member.problems.map(formatProblem).join('\n'));
  return evaluateMeasure(
    shippedMeasure(year, 'COL-E'),
    { measure: 'COL-E', year, productLine },
    member.value,
  );
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const results = process.argv.slice(2).map(evaluateArgument);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  process.stdout.write(`${JSON.stringify({ timeZone, results })}\n`);
}
