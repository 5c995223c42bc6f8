import { z } from 'zod';
import { productLineSchema } from './member.ts';
import { measureIdSchema } from './request.ts';

/** One boolean for a single-rate measure; a map of rate id to boolean for several rates. */
export const numeratorSchema = z.union([z.boolean(), z.record(z.string(), z.boolean())]);
export type Numerator = z.infer<typeof numeratorSchema>;

/** An implementation's (or the reference's) answer for one member. */
export const outcomeSchema = z.object({
  memberId: z.string().min(1),
  measure: measureIdSchema,
  year: z.number().int(),
  /** Absent for a measure without product lines. */
  productLine: productLineSchema.optional(),
  initialPopulation: z.boolean(),
  denominator: z.boolean(),
  denominatorExclusion: z.boolean(),
  numerator: numeratorSchema,
  stratum: z.string().optional(),
});
export type Outcome = z.infer<typeof outcomeSchema>;

/**
 * An expected outcome as a deck writer takes it: an outcome whose `productLine` may be absent, for
 * a measure without product lines (an eCQM's MeasureReport read by `import fhir`).
 */
export const expectedOutcomeSchema = outcomeSchema.extend({
  productLine: productLineSchema.optional(),
});
export type ExpectedOutcome = z.infer<typeof expectedOutcomeSchema>;

/** The population flags in the order they are compared (docs/contract.md, "Request and outcome"). */
export const POPULATIONS = [
  'initialPopulation',
  'denominator',
  'denominatorExclusion',
  'numerator',
  'stratum',
] as const;
export type Population = (typeof POPULATIONS)[number];
