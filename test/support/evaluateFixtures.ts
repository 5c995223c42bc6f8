/**
 * Evaluates every measure of every shipped pack on its member fixtures (fixtures/members), for every
 * product line, and prints a digest of each outcome and trace as JSON, with
 * the time zone the process ran in. The time-zone law test runs this in child processes under
 * several TZ values and compares the output with its own.
 *
 * Usage: node --import tsx test/support/evaluateFixtures.ts
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateMeasure } from '../../src/engine/evaluate.ts';
import { PRODUCT_LINES } from '../../src/model/member.ts';
import type { Member } from '../../src/model/member.ts';
import { readMemberFile } from '../../src/model/memberFile.ts';
import { formatProblem } from '../../src/model/problem.ts';
import { repoFile } from './repoFiles.ts';
import { everyShippedMeasure } from './shippedPacks.ts';

const FIXTURES = repoFile('fixtures/members');

/**
 * The member fixtures of a measure, relative to fixtures/members, sorted: those in the folder named
 * after it (`bcs-e/`), else those at the top (COL-E's, the first measure's). Throws when there are
 * none.
 */
export function memberFixtures(measureId: string): string[] {
  const folder = measureId.toLowerCase();
  const nested = readdirSync(FIXTURES, { withFileTypes: true }).some(
    (e) => e.isDirectory() && e.name === folder,
  );
  const dir = nested ? join(FIXTURES, folder) : FIXTURES;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => (nested ? `${folder}/${f}` : f));
  if (files.length === 0) throw new Error(`no member fixtures for ${measureId} in ${dir}`);
  return files;
}

function readFixture(file: string): Member {
  const member = readMemberFile(join(FIXTURES, file), { strict: true });
  if (!member.ok) throw new Error(member.problems.map(formatProblem).join('\n'));
  return member.value;
}

/**
 * `<measure> <year> <productLine> <fixture>` -> sha256 of the evaluation's JSON (outcome and
 * trace), for every shipped measure on its member fixtures, and every product line.
 */
export function fixtureDigests(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { year, id, measure } of everyShippedMeasure()) {
    const members = memberFixtures(id).map((file) => ({ file, member: readFixture(file) }));
    for (const productLine of PRODUCT_LINES) {
      for (const { file, member } of members) {
        const evaluation = evaluateMeasure(measure, { measure: id, year, productLine }, member);
        out[`${id} ${String(year)} ${productLine} ${file}`] = createHash('sha256')
          .update(JSON.stringify(evaluation))
          .digest('hex');
      }
    }
  }
  return out;
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const digests = fixtureDigests();
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  process.stdout.write(`${JSON.stringify({ timeZone, digests })}\n`);
}
