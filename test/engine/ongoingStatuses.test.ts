// ongoingStatuses (docs/authoring.md): a condition without abatement is still going only under the
// listed clinical statuses; under another status, or none, its end is unknown (the eCQM
// prevalenceInterval), so it never overlaps, ends in or lies within a window, and its start is
// read as before. Hand-written members, each status x abatement x onset.
import { describe, expect, it } from 'vitest';
import { clausePack, clauseProblems, verdict } from '../support/clausePack.ts';

const ONGOING = ['active', 'recurrence', 'relapse'] as const;
const OTHERS = ['inactive', 'remission', 'resolved', undefined] as const;

const diabetes = (by: string, ongoing = true) =>
  clausePack(`
event:
  valueSets: [Diabetes]
  records: [conditions]
  by: ${by}
${ongoing ? '  ongoingStatuses: [active, recurrence, relapse]\n' : ''}  window: { from: MY-01-01, to: MY-12-31 }`);

const condition = (onset: string, status?: string, abatement?: string) => ({
  conditions: [
    {
      id: 'D1',
      onset,
      ...(abatement !== undefined ? { abatement } : {}),
      ...(status !== undefined ? { clinicalStatus: status } : {}),
      codes: [{ system: 'ICD10CM', code: 'E11.9' }],
    },
  ],
});

/** An onset inside the measurement year, and one years before it. */
const ONSETS = { inside: '2025-07-02', before: '2019-06-01' } as const;
/** An abatement inside the year, after both onsets. */
const ABATEMENT = '2025-09-01';

describe('ongoingStatuses: by overlap', () => {
  const pack = diabetes('overlap');
  for (const [where, onset] of Object.entries(ONSETS)) {
    for (const status of ONGOING) {
      it(`${status}, no abatement, onset ${where} the year: still going, overlaps`, () => {
        const v = verdict(pack, condition(onset, status));
        expect(v.result).toBe(true);
        expect(v.text).toContain(`condition D1 ${onset}..(ongoing) status ${status}`);
      });
    }
    for (const status of OTHERS) {
      const name = status ?? 'no status';
      it(`${name}, no abatement, onset ${where} the year: end unknown, does not overlap`, () => {
        const v = verdict(pack, condition(onset, status));
        expect(v.result).toBe(false);
        const known = status !== undefined ? `clinicalStatus ${status}` : 'no clinicalStatus';
        expect(v.text).toContain(
          `condition D1 ${onset}..(end unknown: ${known}, no abatement) ICD10CM E11.9 (Diabetes) does not overlap the window: its end is unknown (a condition without abatement is still going only when its clinicalStatus is active, recurrence or relapse)`,
        );
      });
    }
    for (const status of [...ONGOING, ...OTHERS]) {
      it(`${status ?? 'no status'}, abated in the year, onset ${where} it: overlaps`, () => {
        const v = verdict(pack, condition(onset, status, ABATEMENT));
        expect(v.result).toBe(true);
        expect(v.text).toContain(`condition D1 ${onset}..${ABATEMENT}`);
      });
    }
  }

  it('a condition abated before the year does not overlap it, whatever its status', () => {
    for (const status of [...ONGOING, ...OTHERS]) {
      const v = verdict(pack, condition(ONSETS.before, status, '2024-06-01'));
      expect(v.result).toBe(false);
      expect(v.text).toContain('is before the window');
    }
  });

  it('an onset after the year is after the window, not an unknown end', () => {
    const v = verdict(pack, condition('2026-02-01', 'inactive'));
    expect(v.result).toBe(false);
    expect(v.text).toContain('is after the window');
  });

  it('one unknown end beside a condition still going: the one still going counts', () => {
    const v = verdict(pack, {
      conditions: [
        ...condition('2025-07-02', 'resolved').conditions,
        { ...condition('2025-08-01', 'active').conditions[0], id: 'D2' },
      ],
    });
    expect(v.result).toBe(true);
    expect(v.text).toContain('condition D2 2025-08-01..(ongoing) status active');
  });
});

describe('ongoingStatuses: by start reads the onset only', () => {
  const pack = diabetes('start');
  for (const status of [...ONGOING, ...OTHERS]) {
    for (const abatement of [undefined, ABATEMENT]) {
      const name = `${status ?? 'no status'}, ${abatement === undefined ? 'no abatement' : 'abated'}`;
      it(`${name}: counts with its onset in the year, not with one before`, () => {
        expect(verdict(pack, condition(ONSETS.inside, status, abatement)).result).toBe(true);
        const before = verdict(pack, condition(ONSETS.before, status, abatement));
        expect(before.result).toBe(false);
        expect(before.text).toContain('is before the window');
      });
    }
  }

  it('shows the unknown end of a condition it counts', () => {
    const v = verdict(pack, condition(ONSETS.inside, 'inactive'));
    expect(v.text).toContain(
      'condition D1 2025-07-02..(end unknown: clinicalStatus inactive, no abatement) ICD10CM E11.9 (Diabetes) in window 2025-01-01..2025-12-31',
    );
  });
});

describe('ongoingStatuses: by end and within', () => {
  it('end: an unknown end never ends in the window, and the explanation says so', () => {
    const v = verdict(diabetes('end'), condition(ONSETS.before, 'remission'));
    expect(v.result).toBe(false);
    expect(v.text).toContain('does not end in the window: its end is unknown');
    expect(verdict(diabetes('end'), condition(ONSETS.before, 'remission', ABATEMENT)).result).toBe(
      true,
    );
  });

  it('within: an unknown end is never within the window; an onset before it says so first', () => {
    const inside = verdict(diabetes('within'), condition(ONSETS.inside, undefined));
    expect(inside.result).toBe(false);
    expect(inside.text).toContain('is not within the window: its end is unknown');
    expect(verdict(diabetes('within'), condition(ONSETS.before)).text).toContain(
      'is before the window',
    );
    expect(
      verdict(diabetes('within'), condition(ONSETS.inside, 'resolved', ABATEMENT)).result,
    ).toBe(true);
  });
});

describe('without ongoingStatuses nothing changes', () => {
  it('every condition without abatement is still going, whatever its status', () => {
    const pack = diabetes('overlap', false);
    for (const status of [...ONGOING, ...OTHERS]) {
      const v = verdict(pack, condition(ONSETS.inside, status));
      expect(v.result).toBe(true);
      expect(v.text).toContain('condition D1 2025-07-02..(ongoing)');
    }
  });
});

describe('ongoingStatuses is validated', () => {
  it('a misspelt status is a problem at its file and line, with the closest status as a hint', () => {
    const problems = clauseProblems(`
event:
  valueSets: [Diabetes]
  records: [conditions]
  ongoingStatuses: [active, relaps]
  by: overlap
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'pack/unknown-clinical-status',
      message: '"relaps" is not a clinical status of a condition',
      hint: 'did you mean "relapse"?',
      path: 'numerator.event.ongoingStatuses[1]',
      line: 12,
    });
    expect(problems[0]?.file).toMatch(/tst\.yaml$/);
  });

  it('a status far from any lists the clinical statuses', () => {
    const problems = clauseProblems(`
event:
  valueSets: [Diabetes]
  records: [conditions]
  ongoingStatuses: [finished]
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(problems[0]?.hint).toBe(
      'the clinical statuses are: "active", "recurrence", "relapse", "inactive", "remission", "resolved"',
    );
  });

  it('an event that searches no conditions cannot have it', () => {
    const problems = clauseProblems(`
event:
  valueSets: [Colonoscopy]
  records: [claims]
  ongoingStatuses: [active]
  window: { from: MY-01-01, to: MY-12-31 }`);
    expect(problems.map((p) => p.message)).toEqual([
      '`ongoingStatuses` reads conditions only, but this event searches records: [claims]: add conditions to records',
    ]);
  });
});
