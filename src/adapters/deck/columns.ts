/**
 * The files and columns of a CSV fixture deck (docs/fixtures.md). `columns` is the order the deck
 * writer uses; `required` lists the columns a file's header must have (the others may be left out,
 * which means every value of that column is empty).
 */
export interface DeckTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly required: readonly string[];
}

export const MEMBERS_TABLE = {
  file: 'members.csv',
  columns: ['member_id', 'birth_date', 'sex', 'death_date'],
  required: ['member_id', 'birth_date', 'sex'],
} as const satisfies DeckTable;

export const ENROLLMENTS_TABLE = {
  file: 'enrollments.csv',
  columns: ['member_id', 'start', 'end', 'product_line', 'medical', 'pharmacy'],
  required: ['member_id', 'start', 'end', 'product_line', 'medical', 'pharmacy'],
} as const satisfies DeckTable;

export const STATUSES_TABLE = {
  file: 'statuses.csv',
  columns: ['member_id', 'kind', 'start', 'end'],
  required: ['member_id', 'kind', 'start', 'end'],
} as const satisfies DeckTable;

/** One row per code: the claim-level columns repeat on each row of a claim. */
export const CLAIMS_TABLE = {
  file: 'claims.csv',
  columns: [
    'member_id',
    'claim_id',
    'date',
    'end_date',
    'setting',
    'code_system',
    'code',
    'modifiers',
  ],
  required: ['member_id', 'claim_id', 'date', 'setting', 'code_system', 'code'],
} as const satisfies DeckTable;

export const DISPENSINGS_TABLE = {
  file: 'dispensings.csv',
  columns: ['member_id', 'date', 'days_supply', 'code_system', 'code', 'drug'],
  required: ['member_id', 'date', 'days_supply', 'code_system', 'code'],
} as const satisfies DeckTable;

export const OBSERVATIONS_TABLE = {
  file: 'observations.csv',
  columns: ['member_id', 'date', 'code_system', 'code', 'value', 'unit', 'setting'],
  required: ['member_id', 'date', 'code_system', 'code'],
} as const satisfies DeckTable;

/**
 * Outcome rows (expected.csv, and an implementation's results file in CSV). Besides these
 * columns, a multi-rate measure has one `numerator.<rateId>` column per rate. `numerator` is
 * required unless the header has at least one `numerator.<rateId>` column.
 */
export const OUTCOMES_TABLE = {
  file: 'expected.csv',
  columns: [
    'member_id',
    'measure',
    'year',
    'product_line',
    'initial_population',
    'denominator',
    'denominator_exclusion',
    'numerator',
    'stratum',
  ],
  required: [
    'member_id',
    'measure',
    'year',
    'initial_population',
    'denominator',
    'denominator_exclusion',
  ],
} as const satisfies DeckTable;

/** The prefix of a per-rate numerator column, e.g. `numerator.below-8`. */
export const RATE_COLUMN_PREFIX = 'numerator.';

/** Every table of a CSV deck, in the order the writer writes them. */
export const DECK_TABLES = {
  members: MEMBERS_TABLE,
  enrollments: ENROLLMENTS_TABLE,
  statuses: STATUSES_TABLE,
  claims: CLAIMS_TABLE,
  dispensings: DISPENSINGS_TABLE,
  observations: OBSERVATIONS_TABLE,
  expected: OUTCOMES_TABLE,
} as const;

/**
 * What a CSV deck cannot carry: the clinical record fields of the member record (contract.md,
 * "Clinical record fields"). A member with any of them is refused by the CSV writer, and a CSV
 * deck with a table or a column meant for them is refused by the reader (never read with the
 * field dropped): such members go in a JSON Lines deck.
 */
export const CSV_UNSUPPORTED = {
  files: ['conditions.csv', 'orders.csv'],
  columns: {
    'claims.csv': ['kind', 'status', 'do_not_perform', 'role', 'code_role'],
    'observations.csv': [
      'id',
      'observation_id',
      'end_date',
      'status',
      'category',
      'value_code',
      'value_code_system',
    ],
  },
} as const satisfies {
  files: readonly string[];
  columns: Readonly<Record<string, readonly string[]>>;
};

/** Separates the modifiers of one code in the `modifiers` column, e.g. `LT;59`. */
export const MODIFIER_SEPARATOR = ';';

export const DECK_FILES = {
  membersCsv: 'members.csv',
  membersJsonl: 'members.jsonl',
  expectedCsv: 'expected.csv',
  expectedJsonl: 'expected.jsonl',
} as const;

/**
 * Files that mark a deck a writer has not finished: the marker a deck writer puts in its staging
 * folder until every file is complete, and the scratch file of an outcome table being written.
 * A deck folder holding one is refused by the reader.
 */
export const PARTIAL_MARKER = '.measurecheck-partial';
export const PARTIAL_MARKERS = [PARTIAL_MARKER, `${DECK_FILES.expectedCsv}.partial`] as const;
