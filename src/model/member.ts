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
  });
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
    date: isoDateSchema,
    code: code,
    value: z.number().optional(),
    unit: z.string().optional(),
    setting: settingSchema.optional(),
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
  });
  return { code, enrollment, status, claim, dispensing, observation, member };
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
