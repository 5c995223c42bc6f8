import { InvalidArgumentError, Option } from 'commander';
import { PRODUCT_LINES } from '../model/member.ts';
import type { ProductLine } from '../model/member.ts';
import { MeasurecheckError } from '../model/problem.ts';
import { requestLines } from '../rulepack/compiled.ts';
import type { CompiledMeasure } from '../rulepack/compiled.ts';
import { SEMVER } from '../rulepack/release.ts';

/** Parses a measurement year such as 2025. */
export function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value))
    throw new InvalidArgumentError('expected a measurement year such as 2025');
  return Number(value);
}

/** Parses an option that must be a whole number of at least 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** Parses an option that must be a whole number. */
export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** An option whose value is one of the product lines. */
export function productLineOption(flags: string, description: string): Option {
  return new Option(flags, description).choices(PRODUCT_LINES);
}

/** Parses a semantic version such as 1.0.1. */
/**
 * `--impl-input`: how members are sent to the implementation (docs/contract.md, "Members as FHIR
 * Bundles"). A module can ask for FHIR itself with `export const input = 'fhir'`.
 */
export function implInputOption(): Option {
  return new Option(
    '--impl-input <form>',
    'how members are sent to the implementation: record (member records) or fhir (FHIR R4 Bundles; a module can ask with export const input = "fhir")',
  )
    .choices(['record', 'fhir'])
    .default('record');
}

export function parseVersion(value: string): string {
  if (!SEMVER.test(value))
    throw new InvalidArgumentError('expected a semantic version such as 1.0.1');
  return value;
}

/**
 * The product lines a command asks `measure` for, from `--product-line` (`all` by default): each
 * of its lines, or once without a line for a measure without product lines. A line named for a
 * measure without product lines is a usage error.
 */
export function linesToAsk(
  measure: CompiledMeasure,
  option: ProductLine | 'all',
  flag = '--product-line',
): readonly (ProductLine | undefined)[] {
  if (option === 'all') return requestLines(measure);
  if (measure.productLines.length === 0) {
    throw new MeasurecheckError([
      {
        code: 'usage/no-product-lines',
        message: `${measure.id} has no product lines: ${flag} ${option} does not apply to it`,
        hint: `leave out ${flag}: ${measure.id} is evaluated once per member`,
      },
    ]);
  }
  return [option];
}
