import { describe, expect, it } from 'vitest';
import { measureFileRoots, walkSpec } from '../../src/rulepack/clauseTree.ts';
import { loadPackSource } from '../../src/rulepack/load.ts';
import type { ClauseSpec } from '../../src/rulepack/schema.ts';
import { formatProblem } from '../../src/model/problem.ts';
import { repoFile } from '../support/repoFiles.ts';

/**
 * Every rule a user may dispute says where it comes from, and says so plainly when no public text
 * states it. The rule, for every clause of every shipped pack (docs/authoring.md, "Citing sources
 * and writing assumptions"):
 *
 * 1. Every clause has a source: its own non-empty `source`, or, when it has none, the source of
 *    the clause it is written in (a child of `all`, `any` or `not` takes its parent's; a
 *    population, rate or stratum root takes the measure's `source`). A shared definition has no
 *    parent: it needs its own. A plain `ref` is the definition it names, checked there.
 * 2. A clause whose own `source` cites no public text, or that cites a conflict of
 *    rules/hedis/SOURCES.md (where the public sources disagree or are silent), has its own
 *    non-empty `assumption`, saying how the pack reads it and why. A source cites a public text when
 *    it carries a URL (`https://` or `http://`) or names a define of a published eCQM CQL library
 *    (`ColonCancerScreeningFHIR.cql "Numerator"`: the measure's `source` links the eCQI page that
 *    publishes the library). A value set named by OID alone is not such a text: the pack's codes
 *    stand in for a licensed HEDIS value set, and the assumption says so.
 */

const SHIPPED = ['rules/hedis/2024', 'rules/hedis/2025', 'rules/ecqm/2025'];

/** A URL, or a define of a published CQL library. */
const PUBLIC_TEXT = /\bhttps?:\/\/\S|\b\w+\.cql\b/;
const CONFLICT = /SOURCES\.md,\s+conflict\s+\d+/;

interface Violation {
  readonly where: string;
  readonly rule: 'no source' | 'no assumption';
}

/** Whether a written clause is a plain reference (`ref` with nothing else of its own). */
const isPlainRef = (spec: ClauseSpec): boolean => spec.ref !== undefined && spec.id === undefined;

const text = (s: string | undefined): string => (s ?? '').trim();

function check(root: ClauseSpec, where: string, inherited: string, out: Violation[]): void {
  const sources = new Map<ClauseSpec, string>();
  walkSpec(root, [], (spec, path, parent) => {
    const own = text(spec.source);
    const effective = own !== '' ? own : parent ? (sources.get(parent) ?? '') : inherited;
    sources.set(spec, effective);
    if (isPlainRef(spec)) return;
    const name = `${where} ${spec.id ?? path.join('.')}`;
    if (effective === '') out.push({ where: name, rule: 'no source' });
    if (
      own !== '' &&
      (!PUBLIC_TEXT.test(own) || CONFLICT.test(own)) &&
      text(spec.assumption) === ''
    )
      out.push({ where: name, rule: 'no assumption' });
  });
}

function violations(dir: string): Violation[] {
  const loaded = loadPackSource(repoFile(dir));
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const out: Violation[] = [];
  for (const { file } of loaded.value.measures) {
    for (const root of measureFileRoots(file))
      check(root.spec, `${dir} ${file.id} ${root.label}:`, text(file.source), out);
  }
  for (const { file } of loaded.value.definitions) {
    for (const spec of file.definitions) check(spec, `${dir} definition:`, '', out);
  }
  return out;
}

describe('every clause of the shipped packs has a source, and an assumption where no public text says it', () => {
  it.each(SHIPPED)('%s', (dir) => {
    expect(violations(dir)).toEqual([]);
  });
});
