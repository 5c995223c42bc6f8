import { ageOn } from '../../model/calendarDate.ts';
import type { ClauseEvaluator } from '../context.ts';

/** The member's age in whole years on the clause's date, inside its inclusive range. */
export const age: ClauseEvaluator<'age'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const birthDate = ctx.member.birthDate;
    const years = ageOn(birthDate, clause.asOf);
    return {
      result:
        (clause.min === undefined || years >= clause.min) &&
        (clause.max === undefined || years <= clause.max),
      evidence: {
        kind: 'age',
        birthDate,
        asOf: clause.asOf,
        age: years,
        ...(clause.min !== undefined ? { min: clause.min } : {}),
        ...(clause.max !== undefined ? { max: clause.max } : {}),
      },
    };
  },
};
