import { z } from 'zod';
import { isoDateSchema } from './calendarDate.ts';

export const PRODUCT_LINES = ['commercial', 'medicaid', 'medicare'] as const;
export const productLineSchema = z.enum(PRODUCT_LINES);
export type ProductLine = z.infer<typeof productLineSchema>;

export const CODE_SYSTEMS = [
  'ICD10CM',
  'ICD10PCS',
  'CPT',
  'CPT-CAT-II',
  'HCPCS',
  'LOINC',
  'SNOMEDCT',
  'NDC',
  'RXNORM',
] as const;
export const codeSystemSchema = z.enum(CODE_SYSTEMS);
export type CodeSystem = z.infer<typeof codeSystemSchema>;

export const SETTINGS = [
  'outpatient',
  'telehealth',
  'inpatient-acute',
  'inpatient-nonacute',
  'ed',
  'lab',
  'other',
] as const;
export const settingSchema = z.enum(SETTINGS);
export type Setting = z.infer<typeof settingSchema>;

export const STATUS_KINDS = ['hospice', 'isnp', 'lti'] as const;
export const statusKindSchema = z.enum(STATUS_KINDS);
export type StatusKind = z.infer<typeof statusKindSchema>;

export const SEXES = ['F', 'M', 'U'] as const;

/**
 * What a clinical record is (a claim from a payer, or a FHIR Encounter or Procedure). A claim
 * without `kind` is a `claim`.
 */
export const CLAIM_KINDS = ['claim', 'encounter', 'procedure'] as const;
export const claimKindSchema = z.enum(CLAIM_KINDS);
export type ClaimKind = z.infer<typeof claimKindSchema>;

/** What an order asks for: a medication, a device, or a service (a procedure, a referral). */
export const ORDER_KINDS = ['medication', 'device', 'service'] as const;
export const orderKindSchema = z.enum(ORDER_KINDS);
export type OrderKind = z.infer<typeof orderKindSchema>;

/**
 * A record's workflow status as its source wrote it (FHIR `status`: `finished`, `completed`,
 * `cancelled`, `entered-in-error`, `draft`, `final`...). Carried as data: the rule pack decides
 * which statuses count. Lower-case letters, digits and hyphens.
 */
export const recordStatusSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'expected a status such as finished or entered-in-error');

/**
 * The role of a code on a record that carries more than one kind of code: a FHIR Encounter's
 * discharge disposition, a Condition's body site, a claim's diagnosis. Codes without a role are
 * the record's own codes (what it is); a clause matches its value sets against those, and a
 * `with` test against the others.
 */
export const codeRoleSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'expected a code role such as discharge-disposition or body-site');

/**
 * Builds the member-record schemas. `strict` rejects unknown fields (the contract's strict mode);
 * otherwise unknown fields are dropped. Arrays may be omitted and default to empty.
 */
function buildSchemas(strict: boolean) {
  const object = strict ? z.strictObject : z.object;
  const spanOrder = {
    check: (s: { start: string; end: string }) => s.start <= s.end,
    params: { message: 'end must be on or after start', path: ['end'] },
  };
  const code = object({
    system: codeSystemSchema,
    code: z.string().min(1),
    modifiers: z.array(z.string().min(1)).optional(),
    role: codeRoleSchema.optional(),
  });
  const category = z.array(z.string().min(1)).min(1);
  const enrollment = object({
    start: isoDateSchema,
    end: isoDateSchema,
    productLine: productLineSchema,
    medical: z.boolean(),
    pharmacy: z.boolean(),
  }).refine(spanOrder.check, spanOrder.params);
  const status = object({
    kind: statusKindSchema,
    start: isoDateSchema,
    end: isoDateSchema,
  }).refine(spanOrder.check, spanOrder.params);
  const claim = object({
    id: z.string().min(1),
    date: isoDateSchema,
    endDate: isoDateSchema.optional(),
    setting: settingSchema,
    codes: z.array(code).min(1),
    kind: claimKindSchema.optional(),
    status: recordStatusSchema.optional(),
    doNotPerform: z.boolean().optional(),
  }).refine((c) => c.endDate === undefined || c.date <= c.endDate, {
    message: 'endDate must be on or after date',
    path: ['endDate'],
  });
  const dispensing = object({
    date: isoDateSchema,
    daysSupply: z.number().int().positive(),
    code: code,
    drug: z.string().min(1).optional(),
  });
  const observation = object({
    id: z.string().min(1).optional(),
    date: isoDateSchema,
    endDate: isoDateSchema.optional(),
    code: code,
    value: z.number().optional(),
    unit: z.string().optional(),
    valueCode: code.optional(),
    setting: settingSchema.optional(),
    status: recordStatusSchema.optional(),
    category: category.optional(),
  }).refine((o) => o.endDate === undefined || o.date <= o.endDate, {
    message: 'endDate must be on or after date',
    path: ['endDate'],
  });
  const condition = object({
    id: z.string().min(1),
    onset: isoDateSchema,
    abatement: isoDateSchema.optional(),
    codes: z.array(code).min(1),
    clinicalStatus: recordStatusSchema.optional(),
    verificationStatus: recordStatusSchema.optional(),
    category: category.optional(),
  }).refine((c) => c.abatement === undefined || c.onset <= c.abatement, {
    message: 'abatement must be on or after onset',
    path: ['abatement'],
  });
  const order = object({
    id: z.string().min(1),
    kind: orderKindSchema,
    date: isoDateSchema,
    daysSupply: z.number().int().positive().optional(),
    codes: z.array(code).min(1),
    status: recordStatusSchema.optional(),
    intent: recordStatusSchema.optional(),
    doNotPerform: z.boolean().optional(),
  });
  const member = object({
    id: z.string().min(1),
    birthDate: isoDateSchema,
    sex: z.enum(SEXES),
    deathDate: isoDateSchema.optional(),
    enrollments: z.array(enrollment).default([]),
    statuses: z.array(status).default([]),
    claims: z.array(claim).default([]),
    dispensings: z.array(dispensing).default([]),
    observations: z.array(observation).default([]),
    conditions: z.array(condition).optional(),
    orders: z.array(order).optional(),
  });
  return { code, enrollment, status, claim, dispensing, observation, condition, order, member };
}

const strictSchemas = buildSchemas(true);
const looseSchemas = buildSchemas(false);

/** The member record of the contract; unknown fields are dropped. */
export const memberSchema = looseSchemas.member;
/** The member record of the contract in strict mode: unknown fields are an error. */
export const strictMemberSchema = strictSchemas.member;

export type Member = z.infer<typeof memberSchema>;
/** A member record as written by a user: arrays may be missing. */
export type MemberInput = z.input<typeof memberSchema>;
export type Code = z.infer<typeof looseSchemas.code>;
export type Enrollment = z.infer<typeof looseSchemas.enrollment>;
export type Status = z.infer<typeof looseSchemas.status>;
export type Claim = z.infer<typeof looseSchemas.claim>;
export type Dispensing = z.infer<typeof looseSchemas.dispensing>;
export type Observation = z.infer<typeof looseSchemas.observation>;
export type Condition = z.infer<typeof looseSchemas.condition>;
export type Order = z.infer<typeof looseSchemas.order>;
