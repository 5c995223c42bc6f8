// Hand-made COL-E members and cases shared by the adapter tests.
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Case, CaseAnswer, ImplementationFailure } from '../../src/adapters/implementation.ts';
import type { Enrollment, Member, ProductLine } from '../../src/model/member.ts';
import type { Request } from '../../src/model/request.ts';

/** The repository root, so tests do not depend on the directory vitest was started from. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MISBEHAVING = 'fixtures/implementations/misbehaving/';

export const COL_E_2025_COMMERCIAL: Request = {
  measure: 'COL-E',
  year: 2025,
  productLine: 'commercial',
};

function enrolledBothYears(productLine: ProductLine): Enrollment[] {
  return [{ start: '2024-01-01', end: '2025-12-31', productLine, medical: true, pharmacy: true }];
}

function member(id: string, birthDate: string, claims: Member['claims'] = []): Member {
  return {
    id,
    birthDate,
    sex: 'F',
    enrollments: enrolledBothYears('commercial'),
    statuses: [],
    claims,
    dispensings: [],
    observations: [],
  };
}

/** 50 on Dec 31 2025, continuously enrolled, colonoscopy in 2020: in the numerator for 2025. */
export const screenedAt50 = member('M-SCREENED-50', '1975-06-15', [
  {
    id: 'C1',
    date: '2020-05-01',
    setting: 'outpatient',
    codes: [{ system: 'CPT', code: '45378' }],
  },
]);

/** 60 and continuously enrolled, never screened: in the denominator, not the numerator. */
export const unscreenedAt60 = member('M-UNSCREENED-60', '1965-03-01');

/** 40 on Dec 31 2025: too young for the initial population. */
export const tooYoungAt40 = member('M-YOUNG-40', '1985-01-01');

/** An ordinary member with the given id, for the tests where only the id matters. */
export function memberWithId(id: string): Member {
  return { ...unscreenedAt60, id };
}

/** One case per member id, all for COL-E 2025 commercial; case ids are `case-<member id>`. */
export function casesFor(memberIds: readonly string[], request = COL_E_2025_COMMERCIAL): Case[] {
  return memberIds.map((id) => ({ id: `case-${id}`, request, member: memberWithId(id) }));
}

/** The case for one member; its id is `case-<member id>`. */
export function caseOf(m: Member, request = COL_E_2025_COMMERCIAL): Case {
  return { id: `case-${m.id}`, request, member: m };
}

/** `{ caseId: 'ok' | failure kind }`, to assert every case's fate in one comparison. */
export function fates(answers: readonly CaseAnswer[]): Record<string, string> {
  return Object.fromEntries(answers.map((a) => [a.id, a.ok ? 'ok' : a.failure.kind]));
}

/** The failure of the answer for `caseId`; fails the test when that case was answered. */
export function failureOf(answers: readonly CaseAnswer[], caseId: string): ImplementationFailure {
  const answer = answers.find((a) => a.id === caseId);
  expect(answer, `an answer for ${caseId}`).toBeDefined();
  if (!answer || answer.ok) throw new Error(`expected ${caseId} to fail, but it was answered`);
  return answer.failure;
}

/** True while a process with this id exists (a zombie counts: it was not reaped). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
