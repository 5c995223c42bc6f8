import { z } from 'zod';
import {
  CLAIM_KINDS,
  ORDER_KINDS,
  codeRoleSchema,
  codeSystemSchema,
  productLineSchema,
  recordStatusSchema,
  settingSchema,
  statusKindSchema,
} from '../model/member.ts';
import { measureIdSchema } from '../model/request.ts';
import { parseDateExpression } from './dateExpression.ts';

/**
 * The rule-pack file formats. These zod schemas are the single source of truth: the loader
 * validates with them, and `npm run schema` writes the JSON Schema that editors use for completion.
 */

const clauseIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]*$/,
    'expected a clause id in kebab-case, e.g. col-e-colonoscopy (lower-case letters, digits, dashes)',
  );

export const dateExpressionSchema = z.string().superRefine((text, ctx) => {
  const parsed = parseDateExpression(text);
  if (!parsed.ok) {
    for (const p of parsed.problems) ctx.addIssue({ code: 'custom', message: p.message });
  }
});

export const windowSchema = z
  .strictObject({
    from: dateExpressionSchema
      .optional()
      .describe('First day of the window (inclusive); omitted means any time before `to`.'),
    to: dateExpressionSchema.describe('Last day of the window (inclusive).'),
  })
  .describe('An inclusive window of calendar dates relative to the measurement year.');

export const gapAllowanceSchema = z
  .strictObject({
    gaps: z.number().int().min(0).describe('How many gaps are allowed in each calendar year.'),
    maxDays: z.number().int().min(1).optional().describe('Longest allowed gap, in days.'),
    maxMonths: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Longest allowed gap in calendar months: a gap from S to E fits when E is before S plus this many months.',
      ),
  })
  .refine((a) => a.gaps === 0 || (a.maxDays === undefined) !== (a.maxMonths === undefined), {
    message: 'a gap allowance with gaps > 0 needs exactly one of maxDays or maxMonths',
  });

export const enrollmentSchema = z
  .strictObject({
    periods: z
      .array(
        z.strictObject({
          from: dateExpressionSchema,
          to: dateExpressionSchema,
          allowance: gapAllowanceSchema
            .optional()
            .describe('Overrides the clause allowance for this period (e.g. no gap in Oct-Dec).'),
        }),
      )
      .min(1)
      .describe(
        'Periods that must be covered. Gaps are counted per calendar year inside each period.',
      ),
    anchor: dateExpressionSchema
      .optional()
      .describe(
        'The member must be enrolled on this date in the requested product line (e.g. MY-12-31).',
      ),
    benefit: z
      .enum(['medical', 'pharmacy', 'any'])
      .default('medical')
      .describe('Which benefit the enrollment spans must carry.'),
    allowance: gapAllowanceSchema.describe('Gap allowance per calendar year.'),
    allowanceByProductLine: z
      .partialRecord(productLineSchema, gapAllowanceSchema)
      .optional()
      .describe('Per-product-line override, e.g. medicaid: one gap of one month.'),
  })
  .describe('Continuous enrollment with per-year gap allowances and an anchor date.');

export const ageSchema = z
  .strictObject({
    min: z.number().int().min(0).optional().describe('Youngest age included (inclusive).'),
    max: z.number().int().min(0).optional().describe('Oldest age included (inclusive).'),
    asOf: dateExpressionSchema.default('MY-12-31').describe('The date the age is taken on.'),
  })
  .refine((a) => a.min !== undefined || a.max !== undefined, {
    message: 'an age clause needs min, max or both',
  })
  .refine((a) => a.min === undefined || a.max === undefined || a.min <= a.max, {
    message: 'age min must not be greater than max',
  });

export const onOrAfterSchema = z
  .strictObject({
    clause: z.string().min(1).describe('Id of an event clause in the same measure.'),
    occurrence: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Which of its distinct dates: 2 means on or after the second.'),
  })
  .describe('Only records on or after the Nth distinct date of another event clause count.');

export const RECORD_KINDS = [
  'claims',
  'observations',
  'dispensings',
  'conditions',
  'orders',
] as const;
export type RecordKindName = (typeof RECORD_KINDS)[number];

/** The record kinds an event searches when it does not say (conditions and orders only on request). */
export const DEFAULT_RECORDS: readonly RecordKindName[] = ['claims', 'observations', 'dispensings'];

/**
 * The clinical statuses of a FHIR Condition (http://hl7.org/fhir/R4/valueset-condition-clinical.html),
 * the statuses `ongoingStatuses` may name.
 */
export const CONDITION_CLINICAL_STATUSES = [
  'active',
  'recurrence',
  'relapse',
  'inactive',
  'remission',
  'resolved',
] as const;

/** How a record's span (start..end, or open-ended) meets a clause's window. */
export const BY_MODES = ['start', 'end', 'overlap', 'within'] as const;
export type ByMode = (typeof BY_MODES)[number];

const statusListSchema = z
  .array(recordStatusSchema)
  .min(1)
  .describe(
    "Only records whose status is one of these count (a condition's clinicalStatus); a record without a status does not count.",
  );
const categoryListSchema = z
  .array(z.string().min(1))
  .min(1)
  .describe(
    'Only records with one of these categories count (e.g. laboratory, vital-signs, problem-list-item).',
  );
const valueSetNamesSchema = z.array(z.string().min(1)).min(1);

export const eventSchema = z
  .strictObject({
    valueSets: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('Names of value sets; a record matches when one of its codes is in one of them.'),
    drugs: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'Active-ingredient groups of dispensings (the `drug` field), matched ignoring case.',
      ),
    records: z
      .array(z.enum(RECORD_KINDS))
      .min(1)
      .optional()
      .describe(
        'Which record kinds to search; default: claims, observations, dispensings (conditions and orders only when listed).',
      ),
    kinds: z
      .array(z.enum([...CLAIM_KINDS, ...ORDER_KINDS]))
      .min(1)
      .optional()
      .describe(
        'Only records of these kinds count: claim, encounter, procedure (a claim without kind is a claim) or medication, device, service (orders). Observations, conditions and dispensings have no kind.',
      ),
    statuses: statusListSchema.optional(),
    intents: z
      .array(recordStatusSchema)
      .min(1)
      .optional()
      .describe(
        'Orders only: only orders whose intent is one of these count (e.g. order, original-order).',
      ),
    doNotPerform: z
      .boolean()
      .optional()
      .describe(
        'false: a record marked doNotPerform does not count; true: only such records count ("not performed"). Omitted: not looked at.',
      ),
    categories: categoryListSchema.optional(),
    value: z
      .union([
        z.literal('present').describe('The observation has a value or a coded value.'),
        z
          .strictObject({
            valueSets: valueSetNamesSchema.describe('Value sets of the coded result (valueCode).'),
          })
          .describe("The observation's coded result is in one of these value sets."),
      ])
      .optional()
      .describe('Observations only: a test on the result (`present`, or `{ valueSets }`).'),
    with: z
      .strictObject({
        role: codeRoleSchema
          .optional()
          .describe(
            'The role of the other code (discharge-disposition, body-site, diagnosis); omitted: any code of the record.',
          ),
        valueSets: valueSetNamesSchema.describe('Value sets the other code must be in.'),
      })
      .optional()
      .describe(
        'Another code on the same record, with that role, in one of these value sets (e.g. a discharge disposition, or a visit and a diagnosis on one claim).',
      ),
    by: z
      .enum(BY_MODES)
      .optional()
      .describe(
        "How the record's span meets the window: start (default) in it, end in it, overlap, or within. Conditions without abatement are open-ended (see ongoingStatuses).",
      ),
    ongoingStatuses: z
      .array(recordStatusSchema)
      .min(1)
      .optional()
      .describe(
        'Conditions only: the clinical statuses (active, recurrence, relapse, inactive, remission, resolved) under which a condition without abatement is still going. Without abatement and with another status or none, its end is unknown: it never overlaps, ends in or lies within a window (its start is read as usual). Omitted: every condition without abatement is still going.',
      ),
    window: windowSchema,
    settings: z
      .array(settingSchema)
      .min(1)
      .optional()
      .describe('Only records in these settings count.'),
    excludeSettings: z
      .array(settingSchema)
      .min(1)
      .optional()
      .describe('Records in these settings do not count (e.g. lab claims for frailty).'),
    minDistinctDates: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('How many different dates must have a matching record.'),
    modifiers: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe(
        'A claim code counts only when it carries one of these modifiers (e.g. LT, RT, 50).',
      ),
    onOrAfter: onOrAfterSchema.optional(),
  })
  .refine((e) => e.valueSets !== undefined || e.drugs !== undefined || e.settings !== undefined, {
    message: 'an event clause needs valueSets, drugs or settings',
  })
  .superRefine((e, ctx) => {
    // A filter on a fact no searched record kind has would turn every record down.
    const records = new Set(e.records ?? DEFAULT_RECORDS);
    const searched = `records: [${[...records].join(', ')}]`;
    const needs = (key: string, kinds: readonly RecordKindName[], what: string): void => {
      if (kinds.some((k) => records.has(k))) return;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `\`${key}\` reads ${what}, but this event searches ${searched}: add ${kinds.join(' or ')} to records`,
      });
    };
    if (e.intents !== undefined) needs('intents', ['orders'], 'orders only');
    if (e.value !== undefined) needs('value', ['observations'], 'observations only');
    if (e.categories !== undefined)
      needs('categories', ['observations', 'conditions'], 'observations and conditions');
    if (e.doNotPerform !== undefined)
      needs('doNotPerform', ['claims', 'orders'], 'claims and orders');
    if (e.ongoingStatuses !== undefined)
      needs('ongoingStatuses', ['conditions'], 'conditions only');
    if (e.statuses !== undefined)
      needs(
        'statuses',
        ['claims', 'observations', 'conditions', 'orders'],
        'records with a status',
      );
    if (e.kinds !== undefined) {
      const claimKinds = e.kinds.filter((k) => (CLAIM_KINDS as readonly string[]).includes(k));
      const orderKinds = e.kinds.filter((k) => (ORDER_KINDS as readonly string[]).includes(k));
      if (claimKinds.length > 0 && orderKinds.length === 0) needs('kinds', ['claims'], 'claims');
      else if (orderKinds.length > 0 && claimKinds.length === 0)
        needs('kinds', ['orders'], 'orders');
      else needs('kinds', ['claims', 'orders'], 'claims and orders');
    }
  })
  .describe(
    'Records (claims, observations, dispensings, conditions, orders) with codes from value sets in a window.',
  );

const thresholdFields = {
  below: z.number().optional().describe('Passes when the value is < this.'),
  atMost: z.number().optional().describe('Passes when the value is <= this.'),
  above: z.number().optional().describe('Passes when the value is > this.'),
  atLeast: z.number().optional().describe('Passes when the value is >= this.'),
};
const oneComparator = (
  t: {
    [K in keyof typeof thresholdFields]?: number | undefined;
  } & { valueIn?: readonly string[] | undefined },
) =>
  (['below', 'atMost', 'above', 'atLeast', 'valueIn'] as const).filter((k) => t[k] !== undefined)
    .length === 1;

/**
 * The values a claim code means, as bounds: at most one lower (`atLeast`, `above`) and one upper
 * (`below`, `atMost`) bound, at least one of them. CPT II 3075F, say, is `{ atLeast: 130, below: 140 }`.
 */
export const valueRangeFields = {
  atLeast: z.number().optional().describe('The values are >= this.'),
  above: z.number().optional().describe('The values are > this.'),
  below: z.number().optional().describe('The values are < this.'),
  atMost: z.number().optional().describe('The values are <= this.'),
};

export const claimResultSchema = z
  .strictObject({
    valueSet: z
      .string()
      .min(1)
      .describe('Claim codes that report a result (e.g. CPT II 3075F, systolic 130-139).'),
    reads: z
      .string()
      .min(1)
      .describe(
        "Which of the reading's valueSets the result is a value of (e.g. Systolic Blood Pressure).",
      ),
    ...valueRangeFields,
  })
  .refine(
    (r) =>
      (r.atLeast === undefined || r.above === undefined) &&
      (r.below === undefined || r.atMost === undefined) &&
      [r.atLeast, r.above, r.below, r.atMost].some((b) => b !== undefined),
    {
      message:
        'a claim result needs at most one of atLeast, above and at most one of below, atMost (at least one bound)',
    },
  )
  .describe('A claim code that reports a result as a range of values, counted as a reading.');

export const readingSchema = z
  .strictObject({
    valueSets: z
      .array(z.string().min(1))
      .min(1)
      .describe('Observation codes that count as a reading (e.g. systolic and diastolic BP).'),
    window: windowSchema,
    onOrAfter: onOrAfterSchema.optional(),
    settings: z.array(settingSchema).min(1).optional(),
    excludeSettings: z
      .array(settingSchema)
      .min(1)
      .optional()
      .describe('Readings taken in these settings do not count (e.g. inpatient-acute, ed).'),
    statuses: statusListSchema.optional(),
    categories: categoryListSchema.optional(),
    by: z
      .enum(['start', 'end'])
      .optional()
      .describe(
        'Which date of an observation is its reading date: start (default, `date`) or end (`endDate`, or `date` without one).',
      ),
    mostRecentDate: z
      .enum(['any', 'all'])
      .optional()
      .describe(
        "any (default): the most recent date with a reading of any of valueSets; all: the most recent date with a reading of every test's value set.",
      ),
    sameDay: z
      .enum(['lowest', 'highest'])
      .default('lowest')
      .describe('Several values of one kind on the most recent date: which one counts.'),
    require: z
      .array(
        z
          .strictObject({
            valueSet: z
              .string()
              .min(1)
              .optional()
              .describe('Which reading this test is about; omitted means any of valueSets.'),
            ...thresholdFields,
            valueIn: valueSetNamesSchema
              .optional()
              .describe(
                'A coded test: passes when an observation of that date has a coded result (valueCode) in one of these value sets.',
              ),
            ifMissing: z
              .boolean()
              .default(false)
              .describe('Result of this test when the most recent date has no value for it.'),
            ifAnyMissing: z
              .boolean()
              .optional()
              .describe(
                'Result of this test when some observation of that date for it has no value (the missing one sorts first); omitted: such observations are skipped.',
              ),
          })
          .refine(oneComparator, {
            message: 'a reading test needs exactly one of below, atMost, above, atLeast, valueIn',
          }),
      )
      .min(1)
      .describe('Tests on the values of the most recent date; all must pass.'),
    ifNone: z.boolean().default(false).describe('Result when there is no reading at all.'),
    claimResults: z
      .array(claimResultSchema)
      .min(1)
      .optional()
      .describe(
        'Claim codes that report a result (CPT Category II): each counts as a reading of `reads` on the claim date, with the range of values its codes mean; a range passes a test only if every value in it does.',
      ),
  })
  .describe(
    'The most recent observation date in a window, and tests on the values taken that day.',
  );

export const coverageSchema = z
  .strictObject({
    drugs: z.array(z.string().min(1)).min(1).optional().describe('Active-ingredient groups.'),
    valueSets: z.array(z.string().min(1)).min(1).optional(),
    window: windowSchema.describe(
      'The first fill in the window is the index date; the period runs from it to `to`.',
    ),
    atLeast: z.number().min(0).max(1).describe('Proportion of days covered needed, e.g. 0.8.'),
    shiftSameDrug: z
      .boolean()
      .default(true)
      .describe('An early refill of the same drug starts the day after the prior supply ends.'),
    endAtDeath: z.boolean().default(true),
    endAtDisenrollment: z
      .boolean()
      .default(true)
      .describe('The period ends when pharmacy coverage from the index date ends.'),
  })
  .refine((c) => c.drugs !== undefined || c.valueSets !== undefined, {
    message: 'a coverage clause needs drugs or valueSets',
  })
  .describe('Proportion of days covered by dispensings, from the index date to the period end.');

export const statusSchema = z.strictObject({
  kinds: z.array(statusKindSchema).min(1),
  window: windowSchema.describe('A status span counts when it overlaps this window.'),
});

export const deathSchema = z.strictObject({ window: windowSchema });

export const CLAUSE_KINDS = [
  'all',
  'any',
  'not',
  'ref',
  'age',
  'sex',
  'enrollment',
  'event',
  'status',
  'death',
  'reading',
  'coverage',
] as const;
export type ClauseKind = (typeof CLAUSE_KINDS)[number];

export const clauseSchema = z
  .strictObject({
    id: clauseIdSchema
      .optional()
      .describe('Stable id used by traces, coverage, diff and reports. Required except on ref.'),
    description: z.string().optional().describe('What the clause means, in the words of the spec.'),
    source: z
      .string()
      .optional()
      .describe('Where the rule comes from: a URL or a citation. Cite every clause you can.'),
    assumption: z
      .string()
      .optional()
      .describe('The reading chosen where sources conflict or are silent, and why.'),
    productLines: z
      .array(productLineSchema)
      .min(1)
      .optional()
      .describe(
        'Product lines this clause applies to; elsewhere it takes the value of `otherwise`.',
      ),
    otherwise: z
      .boolean()
      .default(false)
      .describe('Value of the clause for product lines outside `productLines` (default false).'),
    get all() {
      return z.array(clauseSchema).min(1).optional().describe('True when every child is true.');
    },
    get any() {
      return z.array(clauseSchema).min(1).optional().describe('True when any child is true.');
    },
    get not() {
      return clauseSchema.optional().describe('True when the child is false.');
    },
    ref: z.string().optional().describe('Use a shared definition by its id.'),
    age: ageSchema.optional(),
    sex: z
      .array(z.enum(['F', 'M', 'U']))
      .min(1)
      .optional(),
    enrollment: enrollmentSchema.optional(),
    event: eventSchema.optional(),
    status: statusSchema.optional(),
    death: deathSchema.optional(),
    reading: readingSchema.optional(),
    coverage: coverageSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const kinds = CLAUSE_KINDS.filter((k) => c[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          kinds.length === 0
            ? `a clause needs exactly one of: ${CLAUSE_KINDS.join(', ')}`
            : `a clause has one kind only, but this one has ${kinds.join(' and ')}: split it into an all/any`,
      });
    }
    if (c.id === undefined && c.ref === undefined) {
      ctx.addIssue({ code: 'custom', message: 'missing required field: id', path: ['id'] });
    }
  });

// Named in the registry (not with .meta, which would make the recursive type circular) so the
// JSON Schema calls it Clause.
z.globalRegistry.add(clauseSchema, {
  id: 'Clause',
  description:
    'A named node of measure logic: exactly one of all, any, not, ref, age, sex, enrollment, event, status, death, reading, coverage.',
});

export type ClauseSpec = z.infer<typeof clauseSchema>;

export const measureFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: measureIdSchema,
    title: z.string().min(1),
    description: z.string().optional(),
    source: z.string().optional(),
    url: z
      .url()
      .optional()
      .describe(
        'The canonical URL of the FHIR Measure this measure reproduces; `import fhir` reads a MeasureReport of that measure as expected results for it.',
      ),
    productLines: z
      .array(productLineSchema)
      .min(1)
      .optional()
      .describe(
        'Product lines the measure is reported for; omitted: none (an eCQM), asked once per member without a product line.',
      ),
    initialPopulation: clauseSchema,
    denominator: clauseSchema
      .optional()
      .describe('Further conditions on top of the initial population; omitted means the same.'),
    denominatorExclusion: clauseSchema.optional(),
    numerator: clauseSchema.optional().describe('The numerator of a single-rate measure.'),
    rates: z
      .array(
        z.strictObject({
          id: clauseIdSchema,
          description: z.string().optional(),
          numerator: clauseSchema,
        }),
      )
      .min(2)
      .optional()
      .describe('Several rates, each with its own numerator (instead of `numerator`).'),
    strata: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          description: z.string().optional(),
          source: z.string().optional(),
          assumption: z.string().optional(),
          when: clauseSchema,
        }),
      )
      .optional()
      .describe('Strata in order; a member in the initial population gets the first that holds.'),
  })
  .superRefine((m, ctx) => {
    if ((m.numerator === undefined) === (m.rates === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'a measure needs exactly one of numerator or rates',
      });
  });
export type MeasureFile = z.infer<typeof measureFileSchema>;

export const definitionsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  definitions: z.array(clauseSchema).min(1).describe('Shared clauses that measures use with ref.'),
});
export type DefinitionsFile = z.infer<typeof definitionsFileSchema>;

export const packFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'expected a pack id such as hedis-2025'),
  family: z.string().regex(/^[a-z0-9-]+$/, 'expected a spec family such as hedis'),
  year: z.number().int().min(1900).max(2999),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a semantic version such as 1.0.0'),
  title: z.string().min(1),
  notice: z
    .string()
    .min(1)
    .describe('What this pack is and is not (not the licensed specification).'),
  productLines: z
    .array(productLineSchema)
    .describe('Product lines of the pack; empty for a pack without product lines (eCQMs).'),
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'expected a content digest such as sha256:<64 hex digits>')
    .optional()
    .describe(
      'Content digest of a released version, written by `measurecheck pack release`; absent on a draft.',
    ),
  files: z
    .record(
      z.string().min(1),
      z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>'),
    )
    .optional()
    .describe(
      'Per-file hashes at release (written by `measurecheck pack release`), so validation can name the files that changed.',
    ),
  changelog: z
    .array(
      z.strictObject({
        version: z.string(),
        date: z.string().optional(),
        changes: z.array(z.string()).min(1),
      }),
    )
    .default([]),
});
export type PackFile = z.infer<typeof packFileSchema>;

/** OIDs as FHIR and VSAC write them: dotted numbers such as 2.16.840.1.113883.3.464.1003.108.12.1020. */
export const oidSchema = z
  .string()
  .regex(
    /^[0-2](?:\.(?:0|[1-9]\d*))+$/,
    'expected an OID such as 2.16.840.1.113883.3.464.1003.108.12.1020',
  );

export const valueSetsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  valueSets: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('The name clauses use in valueSets.'),
        oid: oidSchema.describe('The OID of the value set; its codes are read at run time.'),
        source: z
          .string()
          .optional()
          .describe('Where the expansion comes from (e.g. its VSAC address), for people.'),
      }),
    )
    .min(1)
    .describe(
      'Value sets declared by OID: their codes are not in the pack but read from a FHIR ValueSet Bundle given with --valuesets.',
    ),
});
export type ValueSetsFile = z.infer<typeof valueSetsFileSchema>;

export const valueSetRowSchema = z.strictObject({
  value_set: z.string().min(1),
  code_system: codeSystemSchema,
  code: z.string().min(1),
  display: z.string().default(''),
});
