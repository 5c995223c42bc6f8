// pack diff on the clinical options of event and reading clauses: each change is semantic and
// says what changed in words.
import { describe, expect, it } from 'vitest';
import { packChangeMessage } from '../../src/report/packChangeText.ts';
import { summarizeClause } from '../../src/report/clauseSpecText.ts';
import { diffPacks } from '../../src/rulepack/diff/index.ts';
import type { PackDiff } from '../../src/rulepack/diff/index.ts';
import { clausePack, writeClausePack } from '../support/clausePack.ts';

function diff(before: string, after: string): PackDiff {
  const result = diffPacks(writeClausePack(before), writeClausePack(after));
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.value;
}

const semantic = (d: PackDiff): string[] =>
  d.changes.filter((c) => c.level === 'semantic').map(packChangeMessage);

const EVENT = `
event:
  valueSets: [Encounter Inpatient]
  records: [claims]
  window: { from: MY-01-01, to: MY-12-31 }`;

describe('pack diff of event options', () => {
  it('statuses, kinds, by, with, doNotPerform added are semantic changes, each in words', () => {
    const d = diff(
      EVENT,
      `${EVENT}
  kinds: [encounter]
  statuses: [finished]
  doNotPerform: false
  with: { role: discharge-disposition, valueSets: [Hospice Discharge] }
  by: overlap`,
    );
    expect(d.equal).toBe(false);
    const text = semantic(d).join('\n');
    expect(text).toContain('record kinds counted by n: any kind became encounter');
    expect(text).toContain('statuses counted by n: any status became finished');
    expect(text).toContain(
      'do-not-perform rule of n: not looked at became records marked do not perform do not count',
    );
    expect(text).toContain(
      'other code required on the record by n: none became a discharge-disposition code in Hospice Discharge',
    );
    expect(text).toContain(
      'how n meets its window: its start in the window became overlapping the window',
    );
  });

  it('ongoingStatuses added, or given another status, is a semantic change in words', () => {
    const CONDITION = `
event:
  valueSets: [Diabetes]
  records: [conditions]
  by: overlap
  window: { from: MY-01-01, to: MY-12-31 }`;
    const added = diff(CONDITION, `${CONDITION}\n  ongoingStatuses: [active, relapse]`);
    expect(added.equal).toBe(false);
    expect(semantic(added)).toEqual([
      'TST numerator clinical statuses under which a condition without abatement is still going in n: any status or none became active, relapse',
    ]);
    const changed = diff(
      `${CONDITION}\n  ongoingStatuses: [active, relapse]`,
      `${CONDITION}\n  ongoingStatuses: [relapse, active, recurrence]`,
    );
    expect(semantic(changed)).toEqual([
      'TST numerator clinical statuses under which a condition without abatement is still going in n: added recurrence',
    ]);
  });

  it('the same statuses in another order, and by: start written out, are no change', () => {
    const d = diff(
      `${EVENT}
  statuses: [finished, arrived]`,
      `${EVENT}
  statuses: [arrived, finished]
  by: start`,
    );
    expect(semantic(d)).toEqual([]);
  });

  it('a value test changed on an observation event', () => {
    const obs = `
event:
  valueSets: [Housing Status]
  records: [observations]
  window: { from: MY-01-01, to: MY-12-31 }`;
    const d = diff(
      `${obs}\n  value: present`,
      `${obs}\n  value: { valueSets: [Lives In Nursing Home] }`,
    );
    expect(semantic(d).join('\n')).toContain(
      'value test of n: a value is present became a coded value in Lives In Nursing Home',
    );
  });
});

describe('pack diff of reading options', () => {
  const reading = (extra: string, test = '{ valueSet: Systolic BP, below: 140 }') => `
reading:
  valueSets: [Systolic BP, Diastolic BP]
  window: { from: MY-01-01, to: MY-12-31 }${extra}
  require:
    - ${test}`;

  it('mostRecentDate and a coded test are semantic changes in words', () => {
    const d = diff(reading(''), reading('\n  mostRecentDate: all'));
    expect(semantic(d).join('\n')).toContain(
      'reading date of n: the latest date with any reading became the latest date with a reading of every test',
    );
    const t = diff(
      reading(''),
      reading('', '{ valueSet: Systolic BP, below: 140, ifAnyMissing: false }'),
    );
    expect(semantic(t).join('\n')).toContain('one missing: fails');
  });

  it('summarizes a clause with its clinical options', () => {
    const pack = clausePack(`${EVENT}
  statuses: [finished]
  by: overlap`);
    const spec = pack.measures.get('TST')?.rates[0]?.numerator.spec;
    expect(spec && summarizeClause(spec)).toBe(
      'Encounter Inpatient in MY-01-01..MY-12-31, status finished, overlapping the window',
    );
  });
});
