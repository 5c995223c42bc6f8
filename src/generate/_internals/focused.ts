import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { Enrollment, Member, ProductLine } from '../../model/member.ts';
import { evaluateClause, evaluationContext } from '../../engine/evaluate.ts';
import type { CompiledMeasure } from '../../rulepack/compiled.ts';
import type { MeasureBoundaries } from '../boundaries.ts';
import { yearEnd, yearStart } from './dates.ts';

/**
 * Coverage of every checked period (and the anchor date) in `line`, with no gap: the member the
 * enrollment rules let in.
 */
export function fullCoverage(b: MeasureBoundaries, line: ProductLine): Enrollment[] {
  const dates = b.enrollments.flatMap((e) => [
    ...e.segments[line].flatMap((s) => [s.from, s.to]),
    ...(e.anchor !== undefined ? [e.anchor] : []),
  ]);
  const sorted = [...dates].sort();
  return [
    {
      start: sorted[0] ?? yearStart(b.year),
      end: sorted.at(-1) ?? yearEnd(b.year),
      productLine: line,
      medical: true,
      pharmacy: true,
    },
  ];
}

/**
 * Boundary birth dates at which a fully covered member with no records is in the initial
 * population (asked of the reference itself, so it holds for any measure). Falls back to every
 * boundary birth date when the initial population needs more than age and enrollment.
 */
export function inPopulationBirthDates(
  measure: CompiledMeasure,
  b: MeasureBoundaries,
  line: ProductLine,
): string[] {
  const all = [...new Set(b.ages.flatMap((a) => a.points.map((p) => p.birthDate)))];
  const enrollments = fullCoverage(b, line);
  const inside = all.filter((birthDate) => {
    const member: Member = {
      id: 'probe',
      birthDate,
      sex: 'F',
      enrollments,
      statuses: [],
      claims: [],
      dispensings: [],
      observations: [],
    };
    return evaluateClause(measure.initialPopulation, evaluationContext(member, line)).result;
  });
  return inside.length > 0 ? inside : all;
}

/**
 * The parts of a focused member: in the initial population by age and coverage, so one aimed
 * bundle of records (a numerator event at a window edge, an exclusion's evidence) decides the
 * outcome. Wide members find interactions; focused ones find each edge quickly.
 */
export function focusedBasics(
  measure: CompiledMeasure,
  b: MeasureBoundaries,
  line: ProductLine,
): { birthDate: Arbitrary<string>; enrollments: Arbitrary<Enrollment[]> } {
  const births = inPopulationBirthDates(measure, b, line);
  return {
    birthDate: births.length > 0 ? fc.constantFrom(...births) : fc.constant(`${b.year - 50}-06-15`),
    enrollments: fc.constant(fullCoverage(b, line)),
  };
}
