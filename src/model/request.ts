import { z } from 'zod';
import { productLineSchema } from './member.ts';

/** Measure identifiers look like `COL-E`, `BCS-E`, `CBP`, `PDC-STA`. */
export const measureIdSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/, 'expected a measure id such as COL-E');

/**
 * What an implementation is asked: evaluate this member for one measure, year and product line.
 * A measure without product lines (an eCQM) is asked without `productLine`.
 */
export const requestSchema = z.strictObject({
  measure: measureIdSchema,
  year: z.number().int().min(1900).max(2999),
  productLine: productLineSchema.optional(),
});
export type Request = z.infer<typeof requestSchema>;
