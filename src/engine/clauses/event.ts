import type { ClauseEvaluator } from '../context.ts';
import {
  claimsInSettings,
  claimsWithCodes,
  dispensingsOf,
  matchRecords,
  observationsWithCodes,
} from '../records.ts';
import type { RecordCandidate } from '../records.ts';

/**
 * Records (claims, observations, dispensings) with a code in the clause's value sets (or a listed
 * drug) on at least `minDistinctDates` distinct dates in the window. A clause with settings only
 * and no value set or drug reads the claims' settings.
 */
export const event: ClauseEvaluator<'event'> = {
  readsProductLine: false,
  evaluate: (clause, ctx) => {
    const member = ctx.member;
    const candidates: RecordCandidate<unknown>[] = [];
    if (clause.records.has('claims')) {
      const bySettingOnly = clause.valueSets.length === 0 && clause.drugs === undefined;
      candidates.push(
        ...(bySettingOnly
          ? claimsInSettings(member, clause.settings)
          : claimsWithCodes(member, clause.valueSets, clause.modifiers)),
      );
    }
    if (clause.records.has('observations') && clause.valueSets.length > 0)
      candidates.push(...observationsWithCodes(member, clause.valueSets));
    if (clause.records.has('dispensings') && (clause.valueSets.length > 0 || clause.drugs))
      candidates.push(...dispensingsOf(member, clause.valueSets, clause.drugs));

    const found = matchRecords(clause, candidates, ctx);
    const matches = found.matches.map((m) => m.ref);
    const distinctDates = new Set(matches.map((m) => m.date)).size;
    return {
      result: distinctDates >= clause.minDistinctDates,
      evidence: {
        kind: 'event',
        window: clause.window,
        matches,
        distinctDates,
        needed: clause.minDistinctDates,
        ...(found.after ? { after: found.after } : {}),
        nearMisses: found.nearMisses,
      },
    };
  },
};
