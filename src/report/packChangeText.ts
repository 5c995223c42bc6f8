import type {
  ClauseDetail,
  ClausePosition,
  PackChange,
  ValueSetUser,
} from '../rulepack/diff/index.ts';
import { sortedList } from '../rulepack/canonicalSpec.ts';
import {
  describeScope,
  describeScopeChange,
  listSome,
  plural,
  summarizeClause,
  summarizeClauseWithDescription,
  truncate,
} from './clauseSpecText.ts';
import {
  keyedFacetJson,
  keyedFacetText,
  scalarFacetJson,
  scalarFacetText,
  setFacetText,
} from './packFacetText.ts';

/**
 * The sentence a reviewer reads about one change of a pack diff.
 *
 * @example
 * packChangeMessage(change);
 * // 'BCS-E initialPopulation age (bcs-e-age): 52-74 became 42-74'
 */
export function packChangeMessage(change: PackChange): string {
  const d = change.detail;
  const measure = change.measure ?? '';
  switch (d.of) {
    case 'pack':
      return packFieldText(d.field, d.from, d.to);
    case 'pack-changelog': {
      const x = d.from.join(', ') || 'none';
      const y = d.to.join(', ') || 'none';
      return x === y
        ? `pack changelog entries edited (versions ${x})`
        : `pack changelog: versions ${x} became ${y}`;
    }
    case 'product-lines':
      return `${d.measure ?? 'pack'} product lines ${describeScopeChange(d.from, d.to)}`;
    case 'measure-added':
      return `measure ${measure} added: ${d.title} (${describeScope(d.productLines)})`;
    case 'measure-removed':
      return `measure ${measure} removed: ${d.title}`;
    case 'measure-text':
      return `${measure} ${d.field} changed: ${quoted(d.from, d.field)} became ${quoted(d.to, d.field)}`;
    case 'rate': {
      const numerator = `numerator ${d.numerator.id ?? ''}: ${summarizeClause(d.numerator)}`;
      return change.kind === 'rate-added'
        ? `${measure} rate ${d.rate} added: ${numerator}`
        : `${measure} rate ${d.rate} removed (${numerator})`;
    }
    case 'rate-text':
      return `${measure} rate ${d.rate} description changed: ${quoted(d.from)} became ${quoted(d.to)}`;
    case 'stratum': {
      const id = d.when.id ?? '';
      return change.kind === 'stratum-added'
        ? `${measure} stratum ${d.stratum} added (${id}): ${summarizeClause(d.when)}`
        : `${measure} stratum ${d.stratum} removed (${id}: ${summarizeClause(d.when)})`;
    }
    case 'stratum-text':
      return `${measure} stratum ${d.stratum} ${d.field} changed: ${quoted(d.from, d.field)} became ${quoted(d.to, d.field)}`;
    case 'strata-order':
      return `${measure} strata order changed (the first stratum that holds names the member's): ${d.from.join(', ')} became ${d.to.join(', ')}`;
    case 'definition': {
      const verb = change.kind === 'definition-added' ? 'added' : 'removed';
      return `definition ${change.definition ?? ''} ${verb}: ${summarizeClauseWithDescription(d.spec)}${usedBy(d.users)}`;
    }
    case 'value-set': {
      const verb = change.kind === 'value-set-added' ? 'added' : 'removed';
      const what = d.oid !== undefined ? `by OID ${d.oid}` : plural(d.codes, 'code');
      return `value set ${change.valueSet ?? ''} ${verb} (${what})${valueSetUsedBy(d.users)}`;
    }
    case 'value-set-oid': {
      const side = (oid: string | undefined) =>
        oid !== undefined ? `OID ${oid}` : 'codes in the pack';
      return `value set ${change.valueSet ?? ''}: ${side(d.from)} became ${side(d.to)}${valueSetUsedBy(d.users)}`;
    }
    case 'value-set-codes': {
      const added = change.added ?? [];
      const removed = change.removed ?? [];
      const parts = [
        ...(added.length > 0 ? [`${plural(added.length, 'code')} added (${listSome(added)})`] : []),
        ...(removed.length > 0
          ? [
              `${added.length > 0 ? String(removed.length) : plural(removed.length, 'code')} removed (${listSome(removed)})`,
            ]
          : []),
      ];
      return `value set ${change.valueSet ?? ''}: ${parts.join(', ')}${valueSetUsedBy(d.users)}`;
    }
    case 'value-set-display':
      return `value set ${change.valueSet ?? ''}: display text of ${plural(d.codes.length, 'code')} changed (${listSome(d.codes)})`;
    case 'value-set-near-misses': {
      const added = change.added ?? [];
      const removed = change.removed ?? [];
      const parts = [
        ...(added.length > 0 ? [`${nearMisses(added.length)} added (${listSome(added)})`] : []),
        ...(removed.length > 0
          ? [`${nearMisses(removed.length)} removed (${listSome(removed)})`]
          : []),
        ...(d.reasons.length > 0 ? [`reason or source of ${listSome(d.reasons)} changed`] : []),
      ];
      return `value set ${change.valueSet ?? ''}: ${parts.join(', ')} (decoy codes the generator draws; no outcome changes)`;
    }
    case 'clause':
      return clauseChangeText(d);
  }
}

function nearMisses(n: number): string {
  return `${String(n)} near miss${n === 1 ? '' : 'es'}`;
}

function packFieldText(field: string, from: unknown, to: unknown): string {
  const plain = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : 'none';
  switch (field) {
    case 'digest': {
      const digest = (v: unknown) =>
        typeof v === 'string' ? `${v.slice(0, 19)}…` : 'none (a draft)';
      return `pack digest: ${digest(from)} became ${digest(to)}`;
    }
    case 'title':
      return `pack title: "${plain(from)}" became "${plain(to)}"`;
    case 'notice':
      return `pack notice changed: "${truncate(plain(from))}" became "${truncate(plain(to))}"`;
    default:
      return `pack ${field}: ${plain(from)} became ${plain(to)}`;
  }
}

/** A sentence about one clause: where it stands, what changed, and who uses it. */
function clauseChangeText(d: ClauseDetail): string {
  const { owner, label, position, aspect } = d;
  const suffix = owner.of === 'measure' ? '' : usedBy(owner.users);
  // `COL-E numerator`; in a definition `definition frailty`, or `definition` for its own clause.
  const where =
    owner.of === 'measure'
      ? `${owner.measure} ${position.population}`
      : label === owner.definition
        ? 'definition'
        : `definition ${owner.definition}`;
  const ownerName = owner.of === 'measure' ? owner.measure : `definition ${owner.definition}`;
  const parent = position.parent;
  switch (aspect.type) {
    case 'added':
      return `${where} clause ${label} added${parent !== undefined ? ` to ${parent}` : ''}: ${summarizeClauseWithDescription(aspect.spec)}${suffix}`;
    case 'removed':
      return `${where} clause ${label} removed${parent !== undefined ? ` from ${parent}` : ''}: ${summarizeClauseWithDescription(aspect.spec)}${suffix}`;
    case 'moved':
      return `${ownerName} clause ${label} moved from ${positionText(aspect.from)} to ${positionText(aspect.to)}${suffix}`;
    default:
      return `${where} ${clauseAspectText(d)}${suffix}`;
  }
}

function clauseAspectText({ label, aspect }: ClauseDetail): string {
  switch (aspect.type) {
    case 'text':
      return `${aspect.field} of ${label} changed: ${quoted(aspect.from, aspect.field)} became ${quoted(aspect.to, aspect.field)}`;
    case 'product-lines':
      return `product-line scope of ${label} ${describeScopeChange(aspect.from, aspect.to)}`;
    case 'otherwise':
      return `value of ${label} outside its product lines: ${String(aspect.from)} became ${String(aspect.to)}`;
    case 'kind':
      return `clause ${label} changed: ${summarizeClause(aspect.from)} became ${summarizeClause(aspect.to)}`;
    case 'scalar':
      return scalarFacetText(aspect, label);
    case 'set':
      return setFacetText(aspect, label);
    case 'keyed':
      return keyedFacetText(aspect, label);
    case 'other':
      return `${aspect.clauseKind} (${label}) ${aspect.field}: ${aspect.from ?? 'none'} became ${aspect.to ?? 'none'}`;
    case 'added':
    case 'removed':
    case 'moved':
      return '';
  }
}

/** `initialPopulation (col-e-screening)`, `numerator`, or `the top` of a definition. */
function positionText(p: ClausePosition): string {
  if (p.parent !== undefined) return `${p.population ? `${p.population} ` : ''}(${p.parent})`;
  return p.population || 'the top';
}

function usedBy(users: readonly string[]): string {
  return users.length > 0 ? ` (used by ${users.join(', ')})` : ' (not used by any measure)';
}

/** `; used by COL-E (col-e-colonoscopy), definition hospice (hospice-claim)`. */
function valueSetUsedBy(users: readonly ValueSetUser[]): string {
  const names = sortedList(
    users.map(
      (u) =>
        `${u.in === 'measure' ? (u.name ?? '?') : `definition ${u.name ?? '?'}`} (${u.clause ?? '?'})`,
    ),
  );
  return names.length > 0 ? `; used by ${names.join(', ')}` : ' (not used by any clause)';
}

/** A text in quotes, cut to 100 characters; a source (a URL or citation) as it is. */
function quoted(text: string | undefined, field?: string): string {
  if (field === 'source' && text !== undefined) return text;
  return text === undefined ? 'none' : `"${truncate(text, 100)}"`;
}

/**
 * The change as the diff's JSON writes it: its fields in a stable order, `before`/`after` as a
 * reader reads them (rendered where the value is not self-explanatory), and its `message`.
 */
export function packChangeJson(change: PackChange): Record<string, unknown> {
  const [before, after] = jsonValues(change);
  const fields = { kind: change.kind, level: change.level };
  const where = {
    measure: change.measure,
    definition: change.definition,
    valueSet: change.valueSet,
    clause: change.clause,
    file: change.file,
    path: change.path,
  };
  const values = { before, after, added: change.added, removed: change.removed };
  // A clause change names its place first, as the format always has.
  const ordered =
    change.detail.of === 'clause'
      ? { ...where, ...fields, ...values }
      : { ...fields, ...where, ...values };
  return { ...ordered, message: packChangeMessage(change) };
}

function jsonValues(change: PackChange): readonly [unknown, unknown] {
  const d = change.detail;
  if (d.of === 'clause') {
    const a = d.aspect;
    if (a.type === 'moved') return [positionText(a.from), positionText(a.to)];
    if (a.type === 'scalar') return scalarFacetJson(a) ?? [change.before, change.after];
    if (a.type === 'keyed') return keyedFacetJson(a);
  }
  return [change.before, change.after];
}
