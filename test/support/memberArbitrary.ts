import fc from 'fast-check';
import type {
  Claim,
  Code,
  Dispensing,
  Enrollment,
  Member,
  Observation,
  Status,
} from '../../src/model/member.ts';
import { PRODUCT_LINES, SETTINGS, STATUS_KINDS } from '../../src/model/member.ts';

/**
 * A small member generator for the engine's laws. It draws from short lists of boundary dates
 * and codes, so that small members often reach every population (in and out), hit window edges,
 * and put several records on one date (which is where order-dependence would show).
 * Not the rule-aware generator of src/generate: this one only has to be varied, not clever.
 */

const BIRTH_DATES = [
  '1949-12-31',
  '1950-01-01',
  '1955-03-10',
  '1959-12-31',
  '1960-01-01',
  '1960-02-29',
  '1970-06-15',
  '1978-12-31',
  '1979-12-31',
  '1980-01-01',
  '1980-02-29',
] as const;

/** Span edges around the two years COL-E looks at (MY2024 and MY2025). */
const SPAN_DATES = [
  '2022-12-31',
  '2023-01-01',
  '2023-12-31',
  '2024-01-01',
  '2024-02-14',
  '2024-12-31',
  '2025-01-01',
  '2025-01-30',
  '2025-02-14',
  '2025-03-31',
  '2025-04-15',
  '2025-05-01',
  '2025-06-30',
  '2025-12-30',
  '2025-12-31',
  '2026-12-31',
] as const;

/** Event dates at the COL-E window edges for MY2024 and MY2025, few enough to collide. */
const EVENT_DATES = [
  '2014-12-31',
  '2015-01-01',
  '2015-12-31',
  '2016-01-01',
  '2022-01-01',
  '2022-12-31',
  '2023-01-01',
  '2023-12-31',
  '2024-01-01',
  '2024-12-31',
  '2025-01-01',
  '2025-06-30',
  '2025-12-31',
] as const;

const CLAIM_CODES: readonly Code[] = [
  { system: 'CPT', code: '45378' }, // colonoscopy
  { system: 'CPT', code: '82270' }, // FOBT
  { system: 'CPT', code: '81528' }, // sDNA-FIT
  { system: 'CPT', code: '45330' }, // flexible sigmoidoscopy
  { system: 'CPT', code: '44150' }, // total colectomy
  { system: 'ICD10CM', code: 'C18.9' }, // colorectal cancer
  { system: 'ICD10CM', code: 'R54' }, // frailty
  { system: 'ICD10CM', code: 'F03.90' }, // advanced illness
  { system: 'ICD10CM', code: 'Z51.5' }, // palliative care
  { system: 'HCPCS', code: 'G0182' }, // hospice
  { system: 'ICD10CM', code: 'I10' }, // in no COL-E value set
];

const OBSERVATION_CODES: readonly Code[] = [
  { system: 'LOINC', code: '2335-8' }, // FOBT
  { system: 'LOINC', code: '77353-1' }, // sDNA-FIT
  { system: 'LOINC', code: '60515-4' }, // CT colonography
  { system: 'LOINC', code: '8480-6' }, // systolic BP, in no COL-E value set
];

const DRUGS = ['donepezil', 'memantine', 'atorvastatin'] as const;

const span = fc
  .tuple(fc.constantFrom(...SPAN_DATES), fc.constantFrom(...SPAN_DATES))
  .map(([a, b]) => (a <= b ? { start: a, end: b } : { start: b, end: a }));

const enrollment: fc.Arbitrary<Enrollment> = fc
  .record({
    span,
    productLine: fc.constantFrom(...PRODUCT_LINES),
    // Mostly with the medical benefit, which the enrollment clause requires.
    medical: fc.oneof(
      { arbitrary: fc.constant(true), weight: 9 },
      { arbitrary: fc.constant(false), weight: 1 },
    ),
    pharmacy: fc.boolean(),
  })
  .map(({ span: s, ...rest }) => ({ ...s, ...rest }));

const status: fc.Arbitrary<Status> = fc
  .record({ kind: fc.constantFrom(...STATUS_KINDS), span })
  .map(({ kind, span: s }) => ({ kind, ...s }));

const claimWithoutId = fc.record({
  date: fc.constantFrom(...EVENT_DATES),
  setting: fc.constantFrom(...SETTINGS),
  codes: fc.subarray([...CLAIM_CODES], { minLength: 1, maxLength: 2 }),
});

const dispensing: fc.Arbitrary<Dispensing> = fc
  .record({ date: fc.constantFrom(...EVENT_DATES), drug: fc.constantFrom(...DRUGS) })
  .map(({ date, drug }) => ({
    date,
    daysSupply: 30,
    code: { system: 'NDC', code: `0000000000${DRUGS.indexOf(drug)}` },
    drug,
  }));

const observation: fc.Arbitrary<Observation> = fc
  .record(
    {
      date: fc.constantFrom(...EVENT_DATES),
      code: fc.constantFrom(...OBSERVATION_CODES),
      setting: fc.constantFrom(...SETTINGS),
    },
    { requiredKeys: ['date', 'code'] },
  )
  .map(({ date, code, setting }) => ({
    date,
    code,
    ...(setting !== undefined ? { setting } : {}),
  }));

/** Members with up to a handful of enrollments, statuses, claims, dispensings and observations. */
export function memberArbitrary(): fc.Arbitrary<Member> {
  return fc
    .record(
      {
        birthDate: fc.constantFrom(...BIRTH_DATES),
        sex: fc.constantFrom('F', 'M', 'U'),
        deathDate: fc.constantFrom('2024-12-31', '2025-01-01', '2025-12-31', '2026-01-01'),
        enrollments: fc.array(enrollment, { maxLength: 4 }),
        statuses: fc.array(status, { maxLength: 3 }),
        claims: fc.array(claimWithoutId, { maxLength: 6 }),
        dispensings: fc.array(dispensing, { maxLength: 3 }),
        observations: fc.array(observation, { maxLength: 3 }),
      },
      {
        requiredKeys: [
          'birthDate',
          'sex',
          'enrollments',
          'statuses',
          'claims',
          'dispensings',
          'observations',
        ],
      },
    )
    .map(({ deathDate, claims, ...rest }) => ({
      id: 'M-LAW',
      ...rest,
      ...(deathDate !== undefined ? { deathDate } : {}),
      claims: claims.map((c, i): Claim => ({ id: `C${i + 1}`, ...c })),
    }));
}

/**
 * Sort keys for reordering a member's lists, one per item. Kept apart from the member so that
 * fast-check shrinks both: keys shrink towards all zeros, which is the original order (the sort is
 * stable).
 */
export interface Reordering {
  readonly enrollments: readonly number[];
  readonly statuses: readonly number[];
  readonly claims: readonly number[];
  readonly dispensings: readonly number[];
  readonly observations: readonly number[];
}

const keys = (items: readonly unknown[]) =>
  fc.array(fc.nat({ max: 9 }), { minLength: items.length, maxLength: items.length });

/** Ways to reorder every list of `member`, however long. */
export function reorderingArbitrary(member: Member): fc.Arbitrary<Reordering> {
  return fc.record({
    enrollments: keys(member.enrollments),
    statuses: keys(member.statuses),
    claims: keys(member.claims),
    dispensings: keys(member.dispensings),
    observations: keys(member.observations),
  });
}

function reorder<T>(items: readonly T[], sortKeys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: sortKeys[i] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

/** The same member with its lists in the order `reordering` gives. */
export function reorderMember(member: Member, reordering: Reordering): Member {
  return {
    ...member,
    enrollments: reorder(member.enrollments, reordering.enrollments),
    statuses: reorder(member.statuses, reordering.statuses),
    claims: reorder(member.claims, reordering.claims),
    dispensings: reorder(member.dispensings, reordering.dispensings),
    observations: reorder(member.observations, reordering.observations),
  };
}
