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
    const codes = c.codes
      .map((k) => `${k.system} ${k.code}${k.modifiers?.length ? `-${k.modifiers.join('-')}` : ''}`)
      .join(', ');
    const end = c.endDate !== undefined && c.endDate !== c.date ? `..${c.endDate}` : '';
    records.push({ date: c.date, text: `claim ${c.id} ${c.date}${end} ${c.setting}: ${codes}` });
  }
  for (const o of member.observations) {
    const value =
      o.value !== undefined ? ` = ${o.value}${o.unit !== undefined ? ` ${o.unit}` : ''}` : '';
    const setting = o.setting !== undefined ? ` ${o.setting}` : '';
    records.push({
      date: o.date,
      text: `observation ${o.date}${setting}: ${o.code.system} ${o.code.code}${value}`,
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
