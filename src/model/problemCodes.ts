/**
 * Every problem code measurecheck reports, with what it means and the exit code a command ends
 * with when it stops on it. The one list: a new code is added here (and to docs/errors.md, which a
 * test keeps equal to this list), and `Problem.code` accepts nothing else.
 *
 * Exit codes: 2 the input or the command line is wrong (the user can fix it), 3 the
 * implementation could not be run, 70 a bug in measurecheck itself.
 */
export const PROBLEM_CODES = {
  // YAML and JSON text (rule packs, member records, JSON Lines decks)
  syntax: { exit: 2, meaning: 'a YAML or JSON text does not parse' },

  // Schema checks of a parsed document: `<document>/invalid` and `<document>/unknown-key`
  'pack/invalid': { exit: 2, meaning: 'pack.yaml has a value of the wrong type or form' },
  'pack/unknown-key': { exit: 2, meaning: 'pack.yaml has a key the schema does not allow' },
  'measure/invalid': { exit: 2, meaning: 'a measure file has a value of the wrong type or form' },
  'measure/unknown-key': { exit: 2, meaning: 'a measure file has a key the schema does not allow' },
  'definitions/invalid': {
    exit: 2,
    meaning: 'a definitions file has a value of the wrong type or form',
  },
  'definitions/unknown-key': {
    exit: 2,
    meaning: 'a definitions file has a key the schema does not allow',
  },
  'member/invalid': { exit: 2, meaning: 'a member record has a value of the wrong type or form' },
  'member/unknown-key': { exit: 2, meaning: 'a member record has a field the contract lacks' },
  'member/unreadable': { exit: 2, meaning: 'a member file cannot be read' },
  'outcome/invalid': { exit: 2, meaning: 'an outcome in a results file is not a valid outcome' },
  'outcome/unknown-key': { exit: 2, meaning: 'an outcome in a results file has an unknown field' },
  'accept/invalid': {
    exit: 2,
    meaning: 'an accepted difference (--accept) lacks a field or has one of the wrong form',
  },
  'accept/unknown-key': {
    exit: 2,
    meaning: 'an accepted difference (--accept) has an unknown key',
  },
  'accept/unknown-measure': {
    exit: 2,
    meaning: 'an accepted difference (--accept) names a measure the rule pack lacks',
  },
  'accept/unknown-clause': {
    exit: 2,
    meaning: 'an accepted difference (--accept) names a clause the measure lacks',
  },

  // Files (every file is read through one checked path)
  'file/not-found': { exit: 2, meaning: 'a file the command reads does not exist' },
  'file/dangling-symlink': { exit: 2, meaning: 'a file is a symbolic link to nothing' },
  'file/symlink-loop': { exit: 2, meaning: 'a file is a symbolic link that loops' },
  'file/is-a-directory': { exit: 2, meaning: 'a folder stands where a file is expected' },
  'file/not-a-file': {
    exit: 2,
    meaning: 'a path is neither a file nor a folder (a device, a socket, a pipe)',
  },
  'file/not-a-folder': { exit: 2, meaning: 'a file stands where a folder is expected' },
  'file/permission-denied': { exit: 2, meaning: 'a file cannot be read: permission denied' },
  'file/unreadable': {
    exit: 2,
    meaning: 'a file cannot be read for another reason the system gives',
  },
  'file/not-utf8': { exit: 2, meaning: 'a text file holds bytes that are not UTF-8' },

  // Rule packs
  'pack/not-found': { exit: 2, meaning: 'no rule pack folder at the given path' },
  'pack/no-pack-file': { exit: 2, meaning: 'a rule pack folder has no pack.yaml' },
  'pack/no-measures': { exit: 2, meaning: 'a rule pack has no measures/*.yaml' },
  'pack/date-expression': { exit: 2, meaning: 'a date is not a date expression such as MY-12-31' },
  'pack/duplicate-definition': { exit: 2, meaning: 'a shared definition is defined twice' },
  'pack/unknown-definition': { exit: 2, meaning: 'a ref names no shared definition' },
  'pack/cyclic-clause': { exit: 2, meaning: 'an onOrAfter chain of clauses leads back to itself' },
  'pack/unbound-clause': {
    exit: 2,
    meaning: 'a shared definition names, through onOrAfter, a clause no measure gives it',
  },
  'pack/cyclic-definition': { exit: 2, meaning: 'a shared definition refers to itself' },
  'pack/unknown-value-set': { exit: 2, meaning: 'a clause names a value set the pack lacks' },
  'pack/unknown-clinical-status': {
    exit: 2,
    meaning: 'ongoingStatuses names a status that is not a clinical status of a condition',
  },
  'pack/unknown-clause': { exit: 2, meaning: 'onOrAfter names a clause id the measure lacks' },
  'pack/empty-period': { exit: 2, meaning: 'an enrollment period ends before it starts' },
  'pack/duplicate-measure': { exit: 2, meaning: 'a measure id is defined twice in a pack' },
  'pack/product-line-not-in-pack': {
    exit: 2,
    meaning: 'a measure lists a product line that pack.yaml does not',
  },
  'pack/no-product-lines': {
    exit: 2,
    meaning: 'a measure without product lines has a clause scoped to product lines or enrollment',
  },
  'pack/valuesets-required': {
    exit: 2,
    meaning: 'the pack declares value sets by OID and no --valuesets bundle was given',
  },
  'pack/duplicate-clause-id': { exit: 2, meaning: 'a clause id is used twice in one measure' },
  'pack/version-not-released': {
    exit: 2,
    meaning: 'the version in pack.yaml is not the one its digest was released for',
  },
  'pack/changed-after-release': {
    exit: 2,
    meaning: 'files of a released pack changed after its digest was recorded',
  },
  'pack/not-editable': { exit: 2, meaning: 'pack.yaml is not written so that it can be edited' },
  'pack/version-not-bumped': {
    exit: 2,
    meaning: 'a released pack changed and its version was not bumped',
  },
  'pack/version-not-newer': { exit: 2, meaning: 'a release version is not newer than the last' },
  'valueset/bad-header': {
    exit: 2,
    meaning: 'a value-set CSV does not start with value_set,code_system,code,display',
  },
  'valueset/syntax': { exit: 2, meaning: 'a value-set CSV file does not parse' },
  'valueset/invalid-row': { exit: 2, meaning: 'a value-set CSV row has a bad or missing field' },
  'valueset/duplicate': { exit: 2, meaning: 'a value set is defined in two files' },
  'nearmiss/bad-header': {
    exit: 2,
    meaning: 'a near-miss CSV does not start with value_set,code_system,code,reason,source',
  },
  'nearmiss/invalid-row': { exit: 2, meaning: 'a near-miss CSV row has a bad or missing field' },
  'nearmiss/unknown-value-set': {
    exit: 2,
    meaning: 'a near miss names a value set the pack does not define',
  },
  'nearmiss/in-value-set': {
    exit: 2,
    meaning: 'a near-miss code is a code of the value set it is listed against',
  },
  'valuesets/invalid': {
    exit: 2,
    meaning: 'a value-set declaration file has a value of the wrong type or form',
  },
  'valuesets/unknown-key': {
    exit: 2,
    meaning: 'a value-set declaration file has a key the schema does not allow',
  },
  'valuesets/not-a-bundle': {
    exit: 2,
    meaning: 'the --valuesets file is not a FHIR Bundle of ValueSet resources',
  },
  'valuesets/missing-oid': {
    exit: 2,
    meaning: 'a value set the pack declares by OID is not in the --valuesets bundle',
  },
  'new-year/same-year': { exit: 2, meaning: 'pack new-year was given the pack’s own year' },
  'new-year/out-exists': { exit: 2, meaning: 'pack new-year would overwrite an existing folder' },
  'new-year/out-inside-source': {
    exit: 2,
    meaning: 'pack new-year would write inside the pack it copies',
  },
  'new-year/write-failed': { exit: 2, meaning: 'pack new-year could not write the new pack' },
  'release/write-failed': { exit: 2, meaning: 'pack release could not write pack.yaml' },

  // Fixture decks and results files
  'deck/partial': {
    exit: 2,
    meaning: 'a deck folder holds a partial marker: it was never completed',
  },
  'deck/not-found': { exit: 2, meaning: 'no deck file or folder at the given path' },
  'deck/not-a-deck': { exit: 2, meaning: 'the path is a file but not a .jsonl deck' },
  'deck/no-members': { exit: 2, meaning: 'a deck folder has no members.csv or members.jsonl' },
  'deck/ambiguous': { exit: 2, meaning: 'a deck folder holds both a CSV and a JSON Lines table' },
  'deck/empty': { exit: 2, meaning: 'a deck holds no member records' },
  'deck/unreadable': { exit: 2, meaning: 'a deck file cannot be read' },
  'deck/unwritable': { exit: 2, meaning: 'a deck file or folder cannot be written' },
  'deck/csv-unsupported': {
    exit: 2,
    meaning: 'a member has clinical record fields a CSV deck cannot carry (use JSON Lines)',
  },
  'deck/invalid-json': { exit: 2, meaning: 'a line of a JSON Lines file is not valid JSON' },
  'deck/malformed-row': { exit: 2, meaning: 'a CSV row does not parse or has the wrong fields' },
  'deck/missing-column': { exit: 2, meaning: 'a CSV header lacks a required column' },
  'deck/duplicate-column': { exit: 2, meaning: 'a CSV header names a column twice' },
  'deck/unknown-column': { exit: 2, meaning: 'a CSV header has an unknown column (--strict)' },
  'deck/invalid-value': { exit: 2, meaning: 'a CSV field holds a value of the wrong form' },
  'deck/invalid-member': { exit: 2, meaning: 'the CSV rows of a member make no valid member' },
  'deck/claim-split': { exit: 2, meaning: 'the rows of one claim are not consecutive' },
  'deck/claim-mismatch': {
    exit: 2,
    meaning: 'the rows of one claim disagree on its date, end date or setting',
  },
  'deck/duplicate-member': { exit: 2, meaning: 'a member id appears twice in a deck' },
  'deck/unknown-member': { exit: 2, meaning: 'a row names a member that members.csv lacks' },
  'deck/out-of-order': { exit: 2, meaning: 'a row is not in the order of members.csv' },
  'deck/unknown-measure': { exit: 2, meaning: 'an expected row names a measure not in the pack' },
  'deck/unknown-year': { exit: 2, meaning: 'an expected row names a year with no loaded pack' },
  'deck/unknown-product-line': {
    exit: 2,
    meaning: 'an expected row names a product line the measure is not reported for',
  },
  'results/empty': { exit: 2, meaning: 'a results file is empty' },
  'results/not-found': { exit: 2, meaning: 'the results file does not exist' },
  'results/unknown-format': { exit: 2, meaning: 'the results file is neither .csv nor .jsonl' },
  'results/duplicate': { exit: 2, meaning: 'a results file answers the same request twice' },
  'compare/reference-worker': { exit: 2, meaning: 'a reference worker could not load the pack' },

  // FHIR import
  'fhir/no-input': {
    exit: 2,
    meaning: 'import fhir found no .json file, or no patient, to import',
  },
  'fhir/not-json': { exit: 2, meaning: 'a FHIR file is not JSON' },
  'fhir/not-a-resource': {
    exit: 2,
    meaning: 'a FHIR file or Bundle entry is not an object with a resourceType',
  },
  'fhir/unknown-resource-type': {
    exit: 2,
    meaning: 'a resourceType that is not a FHIR R4 resource type',
  },
  'fhir/invalid-resource': {
    exit: 2,
    meaning: 'a FHIR resource lacks a field the import needs, or has one of the wrong form',
  },
  'fhir/invalid-date': { exit: 2, meaning: 'a FHIR date or dateTime is not a calendar date' },
  'fhir/missing-reference': {
    exit: 2,
    meaning: 'a FHIR reference names a resource that none of the files holds',
  },
  'fhir/conflicting-duplicate': {
    exit: 2,
    meaning: 'a FHIR resource (type and id) is given twice with different content',
  },
  'fhir/no-patient': { exit: 2, meaning: 'a FHIR resource belongs to no Patient the files hold' },
  'fhir/unknown-measure': {
    exit: 2,
    meaning: 'a MeasureReport names a Measure url no measure of the packs has (no --measure)',
  },

  // The command line
  'usage/no-pack': { exit: 2, meaning: 'no released rule pack is shipped, and no --rules given' },
  'usage/no-pack-for-year': { exit: 2, meaning: 'no rule pack for the requested year' },
  'usage/year-mismatch': { exit: 2, meaning: 'the --rules pack is for another year than --year' },
  'usage/unknown-measure': { exit: 2, meaning: 'the measure is not in the selected rule pack' },
  'usage/no-neighbour-year': { exit: 2, meaning: '--against-year names no shipped pack' },
  'usage/bad-path': { exit: 2, meaning: '--path is not a replay path' },
  'usage/path-needs-seed': { exit: 2, meaning: '--path needs --seed and one --product-line' },
  'usage/no-impl': { exit: 2, meaning: 'no --impl and no shipped sample for the measure' },
  'usage/impl-not-found': { exit: 2, meaning: '--impl names a module file that does not exist' },
  'usage/impl-or-results': {
    exit: 2,
    meaning: 'compare needs exactly one of --impl, --results, --reference',
  },
  'usage/deck-needs-measure': {
    exit: 2,
    meaning: 'a deck without expected results needs --measure',
  },
  'usage/nothing-compared': { exit: 2, meaning: 'the selection matches nothing in the deck' },
  'usage/product-line': { exit: 2, meaning: 'the measure is not reported for the product line' },
  'usage/no-product-lines': {
    exit: 2,
    meaning: '--product-line was given for a measure without product lines',
  },
  'usage/out-not-a-folder': { exit: 2, meaning: '--out is a file, not a folder' },
  'usage/out-not-empty': { exit: 2, meaning: '--out already holds files (no --force)' },
  'usage/unwritable-report': {
    exit: 2,
    meaning: 'a --json, --junit or --markdown path is a folder, under a file, or not writable',
  },
  'usage/bad-year': { exit: 2, meaning: 'a year is not a measurement year' },
  'usage/bad-version': { exit: 2, meaning: 'a version is not a semantic version' },

  // Implementations
  'command/invalid': { exit: 3, meaning: 'an implementation command line does not parse' },
  'impl/not-found': {
    exit: 3,
    meaning: 'the implementation command is not on PATH or its module cannot be found',
  },
  'impl/cannot-start': { exit: 3, meaning: 'the implementation process could not be started' },
  'impl/load-failed': { exit: 3, meaning: 'the implementation module failed to load' },
  'impl/no-evaluate': {
    exit: 3,
    meaning: 'the implementation module exports no evaluate function',
  },
  'impl/startup-timeout': {
    exit: 3,
    meaning: 'the implementation gave no first answer within --startup-timeout',
  },
  'impl/timeout': { exit: 3, meaning: 'the implementation did not answer a case within --timeout' },
  'impl/exited': {
    exit: 3,
    meaning: 'the implementation ended (exit code 0 or process.exit) during the run',
  },
  'impl/crashed': {
    exit: 3,
    meaning: 'the implementation crashed or exited with an error on a case',
  },
  'impl/invalid-output': {
    exit: 3,
    meaning: 'the implementation answered something that is not a valid outcome',
  },
  'impl/interrupted': {
    exit: 3,
    meaning: 'the run was stopped (signal, --max-time, idle watchdog) with the implementation',
  },

  // measurecheck itself
  internal: { exit: 70, meaning: 'an unexpected error: a bug in measurecheck, please report it' },
} as const satisfies Record<string, { readonly exit: 2 | 3 | 70; readonly meaning: string }>;

/** A stable machine code of a problem, e.g. `pack/unknown-key`. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Documents checked against a schema; their problems are `<kind>/invalid`, `<kind>/unknown-key`. */
export type DocumentKind =
  'pack' | 'measure' | 'definitions' | 'valuesets' | 'member' | 'outcome' | 'accept';

/** The exit code for a command that stops on problems with these codes (the most severe). */
export function exitCodeOf(codes: readonly ProblemCode[]): number {
  return codes.reduce<number>((worst, c) => Math.max(worst, PROBLEM_CODES[c].exit), 2);
}
