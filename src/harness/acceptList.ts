import { z } from 'zod';
import { PRODUCT_LINES, strictMemberSchema } from '../model/member.ts';
import type { Member, ProductLine } from '../model/member.ts';
import type { Problem, Result } from '../model/problem.ts';
import { parseSourceText, validateDocument } from '../model/sourceDocument.ts';
import { readTextFile } from '../model/textFile.ts';
import { measureClauses } from '../rulepack/clauseTree.ts';
import type { CompiledPack } from '../rulepack/compiled.ts';
import type { OutcomeDifference } from './compare.ts';

/**
 * One reviewed, accepted difference (`check --accept FILE`): a finding identified by measure,
 * population, a deciding clause and the direction of the difference, with why it is accepted.
 */
export interface AcceptEntry {
  readonly measure: string;
  /** `initialPopulation`, `denominator`, `denominatorExclusion`, `numerator`, `numerator:<rate>`, `stratum`. */
  readonly population: OutcomeDifference['population'];
  /** A clause id among the finding's deciding clauses. */
  readonly clause: string;
  /** What the implementation says: true (in), false (out), a stratum id, or undefined (none). */
  readonly implementation: boolean | string | undefined;
  /** What the reference says; absent: the opposite of `implementation` (any, for a stratum). */
  readonly reference?: boolean | string | undefined;
  /** Absent: every product line. */
  readonly productLines?: readonly ProductLine[];
  readonly reason: string;
  readonly link: string;
  /**
   * The difference's minimal member (a member record, as a finding's JSON report gives it): when
   * a run's generated cases do not show the difference, the member is replayed, and the entry is
   * stale only if the difference is gone on it too.
   */
  readonly member?: Member;
  /** Where the entry is: the file and its 1-based line. */
  readonly file: string;
  readonly line: number;
}

/** Direction values as written: `in`, `out`, `none` (no stratum) or a stratum id. */
const direction = z.string().min(1);

const entrySchema = z.strictObject({
  measure: z.string().min(1),
  population: z.string().min(1),
  clause: z.string().min(1),
  implementation: direction,
  reference: direction.optional(),
  productLines: z.array(z.enum(PRODUCT_LINES)).min(1).optional(),
  reason: z.string().trim().min(1),
  link: z.string().trim().min(1),
  member: strictMemberSchema.optional(),
});

const fileSchema = z.array(entrySchema);

const HINT =
  'each entry needs measure, population, clause, implementation (in, out or a stratum id), reason and link; optional: reference, productLines, member (docs/contract.md, "Accepted differences")';

/**
 * Reads and checks an accept file against the packs a run uses: the measure must be in a pack, the
 * clause must be a clause of that measure, the population one of the measure's. Every problem names
 * the file, the line and the entry.
 */
export function readAcceptList(
  file: string,
  packs: readonly CompiledPack[],
): Result<AcceptEntry[]> {
  const text = readTextFile(file);
  if (!text.ok) return text;
  const doc = parseSourceText(file, text.value);
  if (!doc.ok) return doc;
  const parsed = validateDocument(doc.value, fileSchema, 'accept');
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.problems.map((p) => withEntry(withHint(p), doc.value.value)),
    };
  }
  const problems: Problem[] = [];
  const entries: AcceptEntry[] = [];
  parsed.value.forEach((raw, i) => {
    const at = (key?: string): { file: string; line: number; path: string } => ({
      file,
      line: doc.value.locate(key === undefined ? [i] : [i, key]).line,
      path: key === undefined ? `[${i}]` : `[${i}].${key}`,
    });
    const label = `entry ${i + 1} (${raw.measure} ${raw.population} ${raw.clause})`;
    const measure = packs.map((p) => p.measures.get(raw.measure)).find((m) => m !== undefined);
    if (!measure) {
      problems.push({
        code: 'accept/unknown-measure',
        message: `${label}: measure ${raw.measure} is not in the rule pack (${packs.map((p) => `${p.id} v${p.version}`).join(', ')})`,
        ...at('measure'),
        hint: 'correct the measure id, or remove the entry if the measure is gone',
      });
      return;
    }
    const populations = populationsOf(measure);
    if (!populations.includes(raw.population)) {
      problems.push({
        code: 'accept/invalid',
        message: `${label}: population ${raw.population} is not one of ${populations.join(', ')}`,
        ...at('population'),
        hint: HINT,
      });
      return;
    }
    const clauses = new Set(measureClauses(measure, { anchors: true }).map((c) => c.id));
    if (!clauses.has(raw.clause)) {
      problems.push({
        code: 'accept/unknown-clause',
        message: `${label}: clause ${raw.clause} is not a clause of ${raw.measure} in the rule pack`,
        ...at('clause'),
        hint: `use a clause id the finding names ("decided by ..."), e.g. one of ${[...clauses].slice(0, 6).join(', ')}`,
      });
      return;
    }
    entries.push({
      measure: raw.measure,
      population: raw.population as OutcomeDifference['population'],
      clause: raw.clause,
      implementation: directionValue(raw.implementation),
      ...(raw.reference !== undefined ? { reference: directionValue(raw.reference) } : {}),
      ...(raw.productLines !== undefined ? { productLines: raw.productLines } : {}),
      reason: raw.reason.trim(),
      link: raw.link.trim(),
      ...(raw.member !== undefined ? { member: raw.member } : {}),
      file,
      line: at().line,
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: entries };
}

/** Names the entry a schema problem is in (`entry 3 (CBP numerator cbp-bp-controlled)`). */
function withEntry(p: Problem, value: unknown): Problem {
  const index = /^\[(\d+)\]/.exec(p.path ?? '')?.[1];
  if (index === undefined || !Array.isArray(value)) return p;
  const raw: unknown = value[Number(index)];
  const field = (k: string): string => {
    const v: unknown = raw !== null && typeof raw === 'object' ? Reflect.get(raw, k) : undefined;
    return typeof v === 'string' ? v : '?';
  };
  const label = `entry ${Number(index) + 1} (${field('measure')} ${field('population')} ${field('clause')})`;
  return { ...p, message: `${label}: ${p.message}` };
}

function withHint(p: Problem): Problem {
  return p.hint !== undefined && p.code !== 'accept/unknown-key' ? p : { ...p, hint: HINT };
}

function directionValue(written: string): boolean | string | undefined {
  return written === 'in'
    ? true
    : written === 'out'
      ? false
      : written === 'none'
        ? undefined
        : written;
}

/** How a direction value is written in an accept file. */
export function directionText(value: boolean | string | undefined): string {
  return value === true ? 'in' : value === false ? 'out' : (value ?? 'none');
}

/** The population names a finding of `measure` can carry. */
function populationsOf(measure: {
  readonly singleRate: boolean;
  readonly rates: readonly { readonly id: string }[];
}): string[] {
  return [
    'initialPopulation',
    'denominator',
    'denominatorExclusion',
    ...(measure.singleRate ? ['numerator'] : measure.rates.map((r) => `numerator:${r.id}`)),
    'stratum',
  ];
}

/** Whether an entry accepts a discrepancy of `measure` on `productLine`. */
export function acceptsDifference(
  entry: AcceptEntry,
  measure: string,
  productLine: ProductLine | undefined,
  difference: OutcomeDifference,
  decidingClauses: readonly string[],
): boolean {
  if (entry.measure !== measure || entry.population !== difference.population) return false;
  if (!decidingClauses.includes(entry.clause)) return false;
  if (entry.implementation !== difference.implementation) return false;
  if ('reference' in entry) {
    if (entry.reference !== difference.reference) return false;
  } else if (
    typeof entry.implementation === 'boolean' &&
    difference.reference !== !entry.implementation
  ) {
    return false;
  }
  return appliesToLine(entry, productLine);
}

/** Whether the entry covers a product line (an entry without product lines covers them all). */
export function appliesToLine(entry: AcceptEntry, productLine: ProductLine | undefined): boolean {
  return (
    entry.productLines === undefined ||
    (productLine !== undefined && entry.productLines.includes(productLine))
  );
}
