import { ageOn } from '../model/calendarDate.ts';
import type { Member } from '../model/member.ts';

/**
 * A member in a few plain lines, the way a person reads a counterexample: who, coverage, statuses,
 * then every record in date order. Empty parts are left out.
 */
export function formatMember(member: Member, asOf?: string): string[] {
  const lines: string[] = [];
  const age = asOf !== undefined ? `, age ${ageOn(member.birthDate, asOf)} on ${asOf}` : '';
  const death = member.deathDate !== undefined ? `, died ${member.deathDate}` : '';
  lines.push(`member ${member.id}: sex ${member.sex}, born ${member.birthDate}${age}${death}`);
  const enrollments = [...member.enrollments].sort((a, b) => a.start.localeCompare(b.start));
  for (const e of enrollments) {
    const benefits =
      [e.medical ? 'medical' : '', e.pharmacy ? 'pharmacy' : ''].filter(Boolean).join('+') ||
      'no benefit';
    lines.push(`  enrolled ${e.start}..${e.end} ${e.productLine} (${benefits})`);
  }
  if (enrollments.length === 0) lines.push('  no enrollment');
  for (const s of member.statuses) lines.push(`  status ${s.kind} ${s.start}..${s.end}`);
  const records: { date: string; text: string }[] = [];
  for (const c of member.claims) {
    const codes = formatCodes(c.codes);
    const end = c.endDate !== undefined && c.endDate !== c.date ? `..${c.endDate}` : '';
    const facts = formatFacts({
      status: c.status,
      doNotPerform: c.doNotPerform,
    });
    records.push({
      date: c.date,
      text: `${c.kind ?? 'claim'} ${c.id} ${c.date}${end} ${c.setting}${facts}: ${codes}`,
    });
  }
  for (const o of member.observations) {
    const value =
      o.value !== undefined
        ? ` = ${o.value}${o.unit !== undefined ? ` ${o.unit}` : ''}`
        : o.valueCode !== undefined
          ? ` = ${o.valueCode.system} ${o.valueCode.code}`
          : // A reading without a result is a fact of its own (it can decide a measure): say so.
            ' = no value';
    const setting = o.setting !== undefined ? ` ${o.setting}` : '';
    const id = o.id !== undefined ? ` ${o.id}` : '';
    const end = o.endDate !== undefined && o.endDate !== o.date ? `..${o.endDate}` : '';
    const facts = formatFacts({ status: o.status, category: o.category });
    records.push({
      date: o.date,
      text: `observation${id} ${o.date}${end}${setting}${facts}: ${o.code.system} ${o.code.code}${value}`,
    });
  }
  for (const c of member.conditions ?? []) {
    const span = `${c.onset}..${c.abatement ?? '(ongoing)'}`;
    const facts = formatFacts({
      status: c.clinicalStatus,
      verification: c.verificationStatus,
      category: c.category,
    });
    records.push({
      date: c.onset,
      text: `condition ${c.id} ${span}${facts}: ${formatCodes(c.codes)}`,
    });
  }
  for (const o of member.orders ?? []) {
    const supply = o.daysSupply !== undefined ? ` (${o.daysSupply} days)` : '';
    const facts = formatFacts({ status: o.status, intent: o.intent, doNotPerform: o.doNotPerform });
    records.push({
      date: o.date,
      text: `${o.kind} order ${o.id} ${o.date}${supply}${facts}: ${formatCodes(o.codes)}`,
    });
  }
  for (const d of member.dispensings) {
    const drug = d.drug !== undefined ? ` ${d.drug}` : '';
    records.push({
      date: d.date,
      text: `dispensing ${d.date}:${drug} ${d.code.system} ${d.code.code}, ${d.daysSupply} days`,
    });
  }
  records.sort((a, b) => a.date.localeCompare(b.date));
  for (const r of records) lines.push(`  ${r.text}`);
  return lines;
}

/** `CPT 99213, SNOMEDCT 428361000124107 (discharge-disposition)`, with modifiers as `-LT`. */
function formatCodes(
  codes: readonly {
    system: string;
    code: string;
    modifiers?: readonly string[] | undefined;
    role?: string | undefined;
  }[],
): string {
  return codes
    .map(
      (k) =>
        `${k.system} ${k.code}${k.modifiers?.length ? `-${k.modifiers.join('-')}` : ''}${
          k.role !== undefined ? ` (${k.role})` : ''
        }`,
    )
    .join(', ');
}

/** ` status finished, intent order, do not perform`; '' for a record without these facts. */
function formatFacts(f: {
  status?: string | undefined;
  verification?: string | undefined;
  intent?: string | undefined;
  doNotPerform?: boolean | undefined;
  category?: readonly string[] | undefined;
}): string {
  const parts = [
    ...(f.status !== undefined ? [`status ${f.status}`] : []),
    ...(f.verification !== undefined ? [`verification ${f.verification}`] : []),
    ...(f.intent !== undefined ? [`intent ${f.intent}`] : []),
    ...(f.doNotPerform === true ? ['do not perform'] : []),
    ...(f.category !== undefined ? [`category ${f.category.join(', ')}`] : []),
  ];
  return parts.length > 0 ? ` ${parts.join(', ')}` : '';
}
